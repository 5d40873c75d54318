import { fork } from 'node:child_process';
import { join } from 'node:path';
import { cleanup } from '../support/cleanup';
import { BenchContext, fmt } from '../support/context';
import { log } from '../support/progress';
import { row } from '../support/report';
import { MiB, perSecond } from '../support/stats';
import type { RebuildResult } from '../workers/rebuild-worker';
import type { Scenario } from './scenario';

const WORKER = join(__dirname, '..', 'workers', 'rebuild-worker.js');

/** Runs the rebuild worker on a store file; resolves with its report. */
export function runRebuildWorker(file: string, nodeArgs: string[]): Promise<RebuildResult> {
  return new Promise((resolve, reject) => {
    // NODE_ENV as the server and the projector run in production (npm start, the Dockerfile): the
    // memory store's development-only freezing of shared documents is not part of a rebuild.
    const child = fork(WORKER, [file], {
      execArgv: [...nodeArgs, '--expose-gc'],
      env: { ...process.env, NODE_ENV: 'production' },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    cleanup.track(child);
    let result: RebuildResult | null = null;
    child.on('message', (message) => (result = message as RebuildResult));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (result) resolve(result);
      else reject(new Error(`the rebuild worker exited (code ${code}, signal ${signal}) without a result`));
    });
  });
}

/**
 * Scenario 5: the five projections rebuilt from the event store into the in-memory read store,
 * in a process of its own (so the RSS is the rebuild's), on the query dataset.
 */
export const rebuildScenario: Scenario = {
  id: '5',
  title: 'projection rebuild',
  async run(ctx: BenchContext) {
    const dataset = await ctx.dataset();
    log(`[5] rebuilding 5 projections from ${fmt(dataset.summary.events)} events`);
    const result = await runRebuildWorker(dataset.file, ctx.childArgs('rebuild'));
    if (result.failed.length) throw new Error(`projections failed during the rebuild: ${result.failed.join(', ')}`);
    const rate = perSecond(result.events, result.ms);
    log(`[5] ${fmt(result.events)} events in ${(result.ms / 1000).toFixed(1)} s: ${fmt(rate)} events/s, peak RSS ${fmt(result.peakRss / MiB)} MiB`);
    ctx.detail('5', result);
    ctx.add(
      row({
        scenario: '5',
        figure: 'projection rebuild, 5 projections -> memory read store',
        value: rate,
        unit: 'events/s',
        target: { op: '>=', value: 100_000, label: '>= 100 000 events/s' },
        note: `${fmt(result.events)} events (${fmt(dataset.summary.sessions)} sessions) in ${(result.ms / 1000).toFixed(1)} s`,
      }),
      row({
        scenario: '5',
        figure: 'peak RSS during the rebuild',
        value: result.peakRss / MiB,
        unit: 'MiB',
        note: `baseline ${fmt(result.baselineRss / MiB)} MiB before, heap ${fmt(result.heapUsed / MiB)} MiB after`,
      }),
    );
  },
};
