import { join } from 'node:path';
import { SqliteEventStore } from '@ledger/event-store';
import { cleanup } from '../support/cleanup';
import type { BenchContext } from '../support/context';
import { row } from '../support/report';
import { now } from '../support/stats';
import type { Scenario } from './scenario';
import { compareWrites } from './write-comparison';
import type { WriteWorkload } from './write-workload';

/** SqliteEventStore.append of every batch in order, each with its exact expected revision. */
export async function measureStoreAppend(workload: WriteWorkload): Promise<{ ms: number; events: number }> {
  const dir = cleanup.tempDir('append');
  const store = new SqliteEventStore(join(dir, 'events.sqlite'));
  try {
    for (const batch of workload.setup) await store.append(batch.streamId, batch.events, batch.expected);
    const started = now();
    for (const batch of workload.batches) await store.append(batch.streamId, batch.events, batch.expected);
    const ms = now() - started;
    return { ms, events: workload.events };
  } finally {
    await store.close();
    cleanup.removeDir(dir);
  }
}

export const appendScenario: Scenario = {
  id: '2',
  title: 'event store append',
  needs: ['1'],
  async run(ctx: BenchContext) {
    const writes = await compareWrites(ctx);
    const ceiling = writes.ceiling.eventsPerSecond;
    ctx.add(
      row({
        scenario: '2',
        figure: 'SqliteEventStore.append, batches of 100',
        value: writes.store.eventsPerSecond,
        unit: 'events/s',
        ceilingRatio: writes.store.eventsPerSecond / ceiling,
        target: { op: '>=', value: 0.6, onCeilingRatio: true, label: '>= 60 % of ceiling' },
      }),
      row({
        scenario: '2',
        figure: 'SqliteEventStore.append, single events',
        value: writes.storeSingle.eventsPerSecond,
        unit: 'events/s',
        ceilingRatio: writes.storeSingle.eventsPerSecond / ceiling,
        note: `vs raw 1-row transactions: ${((writes.storeSingle.eventsPerSecond / writes.ceilingSingle.eventsPerSecond) * 100).toFixed(0)} %`,
      }),
    );
  },
};
