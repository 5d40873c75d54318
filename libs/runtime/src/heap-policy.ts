import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Projections } from '@ledger/projections';

/**
 * Sets how far the old generation may grow past what the last full GC kept before the next one
 * starts. V8 reads the flag each time it computes that limit, so setting it in a running process
 * takes effect. It is a growth factor, not a ceiling: a heap whose live data outgrows any figure
 * still grows, where --max-old-space-size would end the process.
 */
export function applyHeapPolicy(heapGrowingPercent: number | null): void {
  if (heapGrowingPercent !== null) setFlagsFromString(`--heap-growing-percent=${heapGrowingPercent}`);
}

/**
 * The policy once the read models are live, then one full collection. While a start loads a
 * snapshot or replays the store, the heap grows from nothing to its working size, and a small
 * growth factor would run a full GC every few percent of it (a restart on the bench's full scale
 * took 8.8 s instead of 7.0 s). Set afterwards alone, it would wait for the next full GC, and the
 * limit V8 chose while loading lets about twice the live heap pile up before that one.
 */
export async function applyHeapPolicyOnceLive(projections: Pick<Projections, 'waitForHead'>, heapGrowingPercent: number | null): Promise<number | null> {
  if (heapGrowingPercent === null) return null;
  while (!(await projections.waitForHead(60_000))) {
    // Still replaying: a first start on a large store takes minutes.
  }
  applyHeapPolicy(heapGrowingPercent);
  const started = performance.now();
  fullCollection();
  return performance.now() - started;
}

/** Node's global.gc without --expose-gc on the command line: the flag, then the function from a fresh context. */
function fullCollection(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}
