"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.appendScenario = void 0;
exports.measureStoreAppend = measureStoreAppend;
const node_path_1 = require("node:path");
const event_store_1 = require("../../libs/event-store/src/index.js");
const cleanup_1 = require("../support/cleanup");
const report_1 = require("../support/report");
const stats_1 = require("../support/stats");
const write_comparison_1 = require("./write-comparison");
/** SqliteEventStore.append of every batch in order, each with its exact expected revision. */
async function measureStoreAppend(workload) {
    const dir = cleanup_1.cleanup.tempDir('append');
    const store = new event_store_1.SqliteEventStore((0, node_path_1.join)(dir, 'events.sqlite'));
    try {
        for (const batch of workload.setup)
            await store.append(batch.streamId, batch.events, batch.expected);
        const started = (0, stats_1.now)();
        for (const batch of workload.batches)
            await store.append(batch.streamId, batch.events, batch.expected);
        const ms = (0, stats_1.now)() - started;
        return { ms, events: workload.events };
    }
    finally {
        await store.close();
        cleanup_1.cleanup.removeDir(dir);
    }
}
exports.appendScenario = {
    id: '2',
    title: 'event store append',
    needs: ['1'],
    async run(ctx) {
        const writes = await (0, write_comparison_1.compareWrites)(ctx);
        const ceiling = writes.ceiling.eventsPerSecond;
        ctx.add((0, report_1.row)({
            scenario: '2',
            figure: 'SqliteEventStore.append, batches of 100',
            value: writes.store.eventsPerSecond,
            unit: 'events/s',
            ceilingRatio: writes.store.eventsPerSecond / ceiling,
            target: { op: '>=', value: 0.6, onCeilingRatio: true, label: '>= 60 % of ceiling' },
        }), (0, report_1.row)({
            scenario: '2',
            figure: 'SqliteEventStore.append, single events',
            value: writes.storeSingle.eventsPerSecond,
            unit: 'events/s',
            ceilingRatio: writes.storeSingle.eventsPerSecond / ceiling,
            note: `vs raw 1-row transactions: ${((writes.storeSingle.eventsPerSecond / writes.ceilingSingle.eventsPerSecond) * 100).toFixed(0)} %`,
        }));
    },
};
//# sourceMappingURL=append.js.map