"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.compareWrites = compareWrites;
const progress_1 = require("../support/progress");
const stats_1 = require("../support/stats");
const append_1 = require("./append");
const ceiling_1 = require("./ceiling");
const write_workload_1 = require("./write-workload");
const REPETITIONS = 3;
function median(values) {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)];
}
const cache = new WeakMap();
/**
 * Scenarios 1 and 2 measured together: the ceiling and the store alternate on fresh files
 * (C S C S C S), each figure the median of its runs, so noise from a shared machine hits both
 * alike. Memoized per run: scenario 2's ratio is always to the ceiling of the same run.
 */
function compareWrites(ctx) {
    let promise = cache.get(ctx);
    if (!promise) {
        promise = run(ctx);
        cache.set(ctx, promise);
    }
    return promise;
}
async function run(ctx) {
    const { batchedEvents, singleEvents } = ctx.sizes;
    (0, progress_1.log)(`[1,2] generating ${batchedEvents} events in batches of ${write_workload_1.BATCH_SIZE}`);
    const batched = (0, write_workload_1.writeWorkload)(ctx, 'batched', batchedEvents, write_workload_1.BATCH_SIZE);
    const ceilingRuns = [];
    const storeRuns = [];
    for (let i = 0; i < REPETITIONS; i += 1) {
        const c = (0, ceiling_1.measureCeiling)(batched);
        ceilingRuns.push((0, stats_1.perSecond)(c.events, c.ms));
        const s = await (0, append_1.measureStoreAppend)(batched);
        storeRuns.push((0, stats_1.perSecond)(s.events, s.ms));
        (0, progress_1.log)(`[1,2] run ${i + 1}/${REPETITIONS}: ceiling ${ceilingRuns[i].toFixed(0)} events/s, store ${storeRuns[i].toFixed(0)} events/s`);
    }
    (0, progress_1.log)(`[1,2] ${singleEvents} single-event appends`);
    const single = (0, write_workload_1.singleEventWorkload)(ctx, singleEvents);
    const cs = (0, ceiling_1.measureCeiling)(single);
    const ss = await (0, append_1.measureStoreAppend)(single);
    return {
        events: batched.events,
        avgDataBytes: batched.avgDataBytes,
        repetitions: REPETITIONS,
        ceiling: { eventsPerSecond: median(ceilingRuns), runs: ceilingRuns },
        store: { eventsPerSecond: median(storeRuns), runs: storeRuns },
        ceilingSingle: { eventsPerSecond: (0, stats_1.perSecond)(cs.events, cs.ms), runs: [] },
        storeSingle: { eventsPerSecond: (0, stats_1.perSecond)(ss.events, ss.ms), runs: [] },
    };
}
//# sourceMappingURL=write-comparison.js.map