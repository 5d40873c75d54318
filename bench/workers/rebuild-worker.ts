import { SqliteEventStore } from '@ledger/event-store';
import { createProjections, InProcessChangeFeed, ProjectionEngine } from '@ledger/projections';
import { MemoryReadStore } from '@ledger/read-store';
import { processMemory } from '../support/stats';

/**
 * Scenario 5's measurement, in its own process so its peak RSS is the rebuild's alone: the five
 * projections the api runs (same windows as its defaults), from an empty in-memory read store,
 * until every one has applied the store's head. Reports over IPC.
 */
export interface RebuildResult {
  events: number;
  ms: number;
  peakRss: number;
  baselineRss: number;
  heapUsed: number;
  processed: Record<string, number>;
  collections: Record<string, number>;
  failed: string[];
}

async function main(): Promise<void> {
  const file = process.argv[2];
  if (!file) throw new Error('usage: rebuild-worker <events.sqlite>');
  const store = new SqliteEventStore(file);
  const readStore = new MemoryReadStore();
  const projections = createProjections();
  const engine = new ProjectionEngine(store, readStore, projections, new InProcessChangeFeed());
  const head = await store.headPosition();
  global.gc?.();
  const baselineRss = processMemory()?.rss ?? process.memoryUsage.rss();
  let peakRss = baselineRss;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
  }, 20);
  const started = performance.now();
  await engine.start();
  const reached = await engine.waitForHead(3_600_000);
  const ms = performance.now() - started;
  clearInterval(sampler);
  peakRss = Math.max(peakRss, processMemory()?.peakRss ?? 0);
  const failed = engine.failedProjections();
  if (!reached) failed.push('timeout');
  const statuses = await engine.statuses();
  const collections: Record<string, number> = {};
  for (const name of await readStore.listCollections()) collections[name] = await readStore.collection(name).count({});
  const result: RebuildResult = {
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

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`rebuild worker failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
