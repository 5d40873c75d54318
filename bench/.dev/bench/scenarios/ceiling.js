"use strict";
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", { value: true });
exports.ceilingScenario = void 0;
exports.measureCeiling = measureCeiling;
const better_sqlite3_1 = __importDefault(require("better-sqlite3"));
const node_path_1 = require("node:path");
const event_store_1 = require("../../libs/event-store/src/index.js");
const cleanup_1 = require("../support/cleanup");
const report_1 = require("../support/report");
const stats_1 = require("../support/stats");
const write_comparison_1 = require("./write-comparison");
/** The events table's rows exactly as SqliteEventStore writes them, serialized up front. */
function rowsOf(batches) {
    const recordedAt = Date.now();
    return batches.map((batch) => batch.events.map((event, i) => [
        batch.streamId,
        batch.revision + 1 + i,
        event.id,
        event.type,
        JSON.stringify(event.data),
        JSON.stringify(event.metadata),
        recordedAt,
    ]));
}
/**
 * The physical ceiling: the same rows inserted with plain better-sqlite3 into a file whose schema
 * and indexes SqliteEventStore created itself, with the store's pragmas (WAL, synchronous FULL),
 * one IMMEDIATE transaction per batch. No JSON work, no revision check, no stream row: what is
 * left is SQLite and the disk.
 */
function measureCeiling(workload) {
    const dir = cleanup_1.cleanup.tempDir('ceiling');
    try {
        const file = (0, node_path_1.join)(dir, 'events.sqlite');
        void new event_store_1.SqliteEventStore(file).close();
        const db = new better_sqlite3_1.default(file);
        db.pragma('journal_mode = WAL');
        db.pragma('synchronous = FULL');
        const insert = db.prepare('INSERT INTO events (stream_id, revision, event_id, type, data, metadata, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)');
        const insertMany = db.transaction((rows) => {
            for (const values of rows)
                insert.run(...values);
        });
        for (const rows of rowsOf(workload.setup))
            insertMany.immediate(rows);
        const measured = rowsOf(workload.batches);
        const started = (0, stats_1.now)();
        for (const rows of measured)
            insertMany.immediate(rows);
        const ms = (0, stats_1.now)() - started;
        db.close();
        return { ms, events: workload.events };
    }
    finally {
        cleanup_1.cleanup.removeDir(dir);
    }
}
exports.ceilingScenario = {
    id: '1',
    title: 'ceiling: raw better-sqlite3 inserts',
    async run(ctx) {
        const writes = await (0, write_comparison_1.compareWrites)(ctx);
        ctx.add((0, report_1.row)({
            scenario: '1',
            figure: 'ceiling: raw inserts, batches of 100',
            value: writes.ceiling.eventsPerSecond,
            unit: 'events/s',
            note: `median of ${writes.repetitions} runs of ${writes.events} events (${writes.avgDataBytes.toFixed(0)} B of data each), WAL + synchronous=FULL like the store`,
        }), (0, report_1.row)({
            scenario: '1',
            figure: 'ceiling: raw inserts, 1 row per transaction',
            value: writes.ceilingSingle.eventsPerSecond,
            unit: 'events/s',
            note: 'one fsync per row: the bound for any single-event append',
        }));
    },
};
//# sourceMappingURL=ceiling.js.map