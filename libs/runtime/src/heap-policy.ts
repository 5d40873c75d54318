import { PerformanceObserver, constants } from 'node:perf_hooks';
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Projections } from '@ledger/projections';

const MIB = 1024 * 1024;
/** Below it a large heap would spend its time in full GCs; above it a small one gains nothing. */
const MIN_PERCENT = 10;
const MAX_PERCENT = 300;

/**
 * How far the old generation may grow past `liveBytes` before the next full GC, in percent, so
 * that the garbage it holds stays near `headroomBytes`: a fixed allowance, not a share of the
 * heap, as a process with large long-lived read models needs (V8's own factor lets a heap reach
 * two to four times what it keeps alive).
 */
export function growingPercent(headroomBytes: number, liveBytes: number): number {
  const percent = Math.round((headroomBytes / Math.max(liveBytes, 1)) * 100);
  return Math.min(MAX_PERCENT, Math.max(MIN_PERCENT, percent));
}

/**
 * Once the read models are live: V8's growth factor set from the heap's size, one full collection,
 * and the factor set again after every full GC from what it kept. V8 reads --heap-growing-percent
 * each time it sets the next limit, so a running process can change it; it is a growth factor,
 * not a ceiling, so a heap whose live data grows still grows (--max-old-space-size would end the
 * process instead).
 *
 * Not before: while a start loads a snapshot or replays the store, the heap grows from nothing to
 * its working size, and a small factor would run a full GC every few percent of it (a restart on
 * the bench's full scale took 8.8 s instead of 7.0 s). Returns the first collection's
 * milliseconds and a `stop` for the retuning, or null when `headroomMiB` is 0 (V8's own heuristic).
 */
export async function applyHeapPolicyOnceLive(
  projections: Pick<Projections, 'waitForHead'>,
  headroomMiB: number | null,
): Promise<{ collectedMs: number; stop: () => void } | null> {
  if (headroomMiB === null) return null;
  while (!(await projections.waitForHead(60_000))) {
    // Still replaying: a first start on a large store takes minutes.
  }
  const headroom = headroomMiB * MIB;
  const retune = (): void => setFlagsFromString(`--heap-growing-percent=${growingPercent(headroom, getHeapStatistics().used_heap_size)}`);
  // What the heap holds before collecting is at least what it keeps: the smaller, safer factor.
  retune();
  const started = performance.now();
  fullCollection();
  const collectedMs = performance.now() - started;
  // Observed a moment after each full GC: what the heap uses then is what it kept, and a little.
  const observer = new PerformanceObserver((list) => {
    if (list.getEntries().some((entry) => (entry as unknown as { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR)) retune();
  });
  observer.observe({ entryTypes: ['gc'] });
  return { collectedMs, stop: () => observer.disconnect() };
}

/** Node's global.gc without --expose-gc on the command line: the flag, then the function from a fresh context. */
function fullCollection(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}
