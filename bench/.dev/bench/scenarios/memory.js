"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.memoryScenario = void 0;
const context_1 = require("../support/context");
const report_1 = require("../support/report");
const stats_1 = require("../support/stats");
const loaded_server_1 = require("./loaded-server");
const queries_1 = require("./queries");
/**
 * Scenario 9: peak RSS (VmHWM) of the server process holding the dataset, after its start-up
 * rebuild and (when scenario 8 ran) every query of scenario 8.
 */
exports.memoryScenario = {
    id: '9',
    title: 'server memory',
    async run(ctx) {
        const loaded = await (0, loaded_server_1.loadedServer)(ctx);
        // A few reads, so the figure includes serving and not only holding (when 8 did not run).
        for (let i = 0; i < 10; i += 1) {
            await loaded.viewer.request(queries_1.SESSIONS_QUERY, { first: 50 });
            await loaded.viewer.request(queries_1.COMMAND_CENTER_QUERY);
        }
        const memory = loaded.server.memory();
        if (!memory)
            throw new Error(`cannot read /proc/${loaded.server.pid}/status`);
        const { summary } = loaded.dataset;
        ctx.detail('9', memory);
        ctx.add((0, report_1.row)({
            scenario: '9',
            figure: `server peak RSS (VmHWM), ${(0, context_1.fmt)(summary.sessions)} sessions / ${(0, context_1.fmt)(summary.runEvents)} run events`,
            value: memory.peakRss / stats_1.MiB,
            unit: 'MiB',
            target: { op: '<=', value: 1024, label: '<= 1 GiB' },
            note: `RSS now ${(0, context_1.fmt)(memory.rss / stats_1.MiB)} MiB; ${(0, context_1.fmt)(summary.events)} events in the store`,
        }));
    },
};
//# sourceMappingURL=memory.js.map