"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
const event_store_1 = require("../../libs/event-store/src/index.js");
const projections_1 = require("../../libs/projections/src/index.js");
const read_store_1 = require("../../libs/read-store/src/index.js");
const stats_1 = require("../support/stats");
async function main() {
    const file = process.argv[2];
    if (!file)
        throw new Error('usage: rebuild-worker <events.sqlite>');
    const store = new event_store_1.SqliteEventStore(file);
    const readStore = new read_store_1.MemoryReadStore();
    const windows = { chatActiveSeconds: 1800, recentSeconds: 86400 };
    const projections = [new projections_1.SessionsProjection(windows), new projections_1.RunsProjection(), new projections_1.UsageProjection(), new projections_1.ManagedAgentsProjection(), new projections_1.PinsProjection()];
    const engine = new projections_1.ProjectionEngine(store, readStore, projections, new projections_1.InProcessChangeFeed());
    const head = await store.headPosition();
    global.gc?.();
    const baselineRss = (0, stats_1.processMemory)()?.rss ?? process.memoryUsage.rss();
    let peakRss = baselineRss;
    const sampler = setInterval(() => {
        peakRss = Math.max(peakRss, process.memoryUsage.rss());
    }, 20);
    const started = performance.now();
    await engine.start();
    const reached = await engine.waitForHead(3_600_000);
    const ms = performance.now() - started;
    clearInterval(sampler);
    peakRss = Math.max(peakRss, (0, stats_1.processMemory)()?.peakRss ?? 0);
    const failed = engine.failedProjections();
    if (!reached)
        failed.push('timeout');
    const statuses = await engine.statuses();
    const collections = {};
    for (const name of await readStore.listCollections())
        collections[name] = await readStore.collection(name).count({});
    const result = {
        events: head.commit,
        ms,
        peakRss,
        baselineRss,
        heapUsed: process.memoryUsage().heapUsed,
        processed: Object.fromEntries(statuses.map((s) => [s.name, s.processedEvents])),
        collections,
        failed,
    };
    await engine.stop();
    await store.close();
    process.send?.(result);
}
main().then(() => process.exit(0), (error) => {
    process.stderr.write(`rebuild worker failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
});
//# sourceMappingURL=rebuild-worker.js.map