import type { BenchContext } from '../support/context';
import { log } from '../support/progress';
import { perSecond } from '../support/stats';
import { measureStoreAppend } from './append';
import { measureCeiling } from './ceiling';
import { BATCH_SIZE, singleEventWorkload, writeWorkload } from './write-workload';

export interface Throughput {
  eventsPerSecond: number;
  runs: number[];
}

export interface WriteComparison {
  events: number;
  avgDataBytes: number;
  repetitions: number;
  ceiling: Throughput;
  store: Throughput;
  ceilingSingle: Throughput;
  storeSingle: Throughput;
}

const REPETITIONS = 3;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

const cache = new WeakMap<BenchContext, Promise<WriteComparison>>();

/**
 * Scenarios 1 and 2 measured together: the ceiling and the store alternate on fresh files
 * (C S C S C S), each figure the median of its runs, so noise from a shared machine hits both
 * alike. Memoized per run: scenario 2's ratio is always to the ceiling of the same run.
 */
export function compareWrites(ctx: BenchContext): Promise<WriteComparison> {
  let promise = cache.get(ctx);
  if (!promise) {
    promise = run(ctx);
    cache.set(ctx, promise);
  }
  return promise;
}

async function run(ctx: BenchContext): Promise<WriteComparison> {
  const { batchedEvents, singleEvents } = ctx.sizes;
  log(`[1,2] generating ${batchedEvents} events in batches of ${BATCH_SIZE}`);
  const batched = writeWorkload(ctx, 'batched', batchedEvents, BATCH_SIZE);
  const ceilingRuns: number[] = [];
  const storeRuns: number[] = [];
  for (let i = 0; i < REPETITIONS; i += 1) {
    const c = measureCeiling(batched);
    ceilingRuns.push(perSecond(c.events, c.ms));
    const s = await measureStoreAppend(batched);
    storeRuns.push(perSecond(s.events, s.ms));
    log(`[1,2] run ${i + 1}/${REPETITIONS}: ceiling ${ceilingRuns[i]!.toFixed(0)} events/s, store ${storeRuns[i]!.toFixed(0)} events/s`);
  }
  log(`[1,2] ${singleEvents} single-event appends`);
  const single = singleEventWorkload(ctx, singleEvents);
  const cs = measureCeiling(single);
  const ss = await measureStoreAppend(single);
  const result: WriteComparison = {
    events: batched.events,
    avgDataBytes: batched.avgDataBytes,
    repetitions: REPETITIONS,
    ceiling: { eventsPerSecond: median(ceilingRuns), runs: ceilingRuns },
    store: { eventsPerSecond: median(storeRuns), runs: storeRuns },
    ceilingSingle: { eventsPerSecond: perSecond(cs.events, cs.ms), runs: [] },
    storeSingle: { eventsPerSecond: perSecond(ss.events, ss.ms), runs: [] },
  };
  ctx.detail('1,2', result);
  return result;
}
