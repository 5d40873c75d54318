"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.rebuildScenario = void 0;
exports.runRebuildWorker = runRebuildWorker;
const node_child_process_1 = require("node:child_process");
const node_path_1 = require("node:path");
const cleanup_1 = require("../support/cleanup");
const context_1 = require("../support/context");
const progress_1 = require("../support/progress");
const report_1 = require("../support/report");
const stats_1 = require("../support/stats");
const WORKER = (0, node_path_1.join)(__dirname, '..', 'workers', 'rebuild-worker.js');
/** Runs the rebuild worker on a store file; resolves with its report. */
function runRebuildWorker(file, nodeArgs) {
    return new Promise((resolve, reject) => {
        const child = (0, node_child_process_1.fork)(WORKER, [file], { execArgv: [...nodeArgs, '--expose-gc'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
        cleanup_1.cleanup.track(child);
        let result = null;
        child.on('message', (message) => (result = message));
        child.on('error', reject);
        child.on('exit', (code, signal) => {
            if (result)
                resolve(result);
            else
                reject(new Error(`the rebuild worker exited (code ${code}, signal ${signal}) without a result`));
        });
    });
}
/**
 * Scenario 5: the five projections rebuilt from the event store into the in-memory read store,
 * in a process of its own (so the RSS is the rebuild's), on the query dataset.
 */
exports.rebuildScenario = {
    id: '5',
    title: 'projection rebuild',
    async run(ctx) {
        const dataset = await ctx.dataset();
        (0, progress_1.log)(`[5] rebuilding 5 projections from ${(0, context_1.fmt)(dataset.summary.events)} events`);
        const result = await runRebuildWorker(dataset.file, ctx.childArgs('rebuild'));
        if (result.failed.length)
            throw new Error(`projections failed during the rebuild: ${result.failed.join(', ')}`);
        const rate = (0, stats_1.perSecond)(result.events, result.ms);
        (0, progress_1.log)(`[5] ${(0, context_1.fmt)(result.events)} events in ${(result.ms / 1000).toFixed(1)} s: ${(0, context_1.fmt)(rate)} events/s, peak RSS ${(0, context_1.fmt)(result.peakRss / stats_1.MiB)} MiB`);
        ctx.detail('5', result);
        ctx.add((0, report_1.row)({
            scenario: '5',
            figure: 'projection rebuild, 5 projections -> memory read store',
            value: rate,
            unit: 'events/s',
            target: { op: '>=', value: 100_000, label: '>= 100 000 events/s' },
            note: `${(0, context_1.fmt)(result.events)} events (${(0, context_1.fmt)(dataset.summary.sessions)} sessions) in ${(result.ms / 1000).toFixed(1)} s`,
        }), (0, report_1.row)({
            scenario: '5',
            figure: 'peak RSS during the rebuild',
            value: result.peakRss / stats_1.MiB,
            unit: 'MiB',
            note: `baseline ${(0, context_1.fmt)(result.baselineRss / stats_1.MiB)} MiB before, heap ${(0, context_1.fmt)(result.heapUsed / stats_1.MiB)} MiB after`,
        }));
    },
};
//# sourceMappingURL=rebuild.js.map