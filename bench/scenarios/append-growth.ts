import { join } from 'node:path';
import { SqliteEventStore } from '@ledger/event-store';
import { batchSessions } from '../data';
import { cleanup } from '../support/cleanup';
import { BenchContext, fmt, QUERIED_ORG } from '../support/context';
import { AppendBatch, StreamBuilder } from '../support/domain-writer';
import { RawStoreWriter } from '../support/fill';
import { log, Progress } from '../support/progress';
import { row } from '../support/report';
import { now, perSecond } from '../support/stats';
import type { Scenario } from './scenario';
import { compareWrites } from './write-comparison';
import { BATCH_SIZE, planOf } from './write-workload';

/** Fresh sessions on the short side get this many batches each: revisions 0 to ~1 000. */
const BATCHES_PER_FRESH_SESSION = 10;
const FILL_BATCH = 500;

/**
 * Scenario 4: is an append to a long session as cheap as one to a new session? One file holds a
 * session at revision R (100 000 at full scale); then batches of 100 alternate between that
 * session and fresh sessions (revisions 0-1 000), each side timed on its own, so file size,
 * page cache and machine noise are the same for both.
 */
export const appendGrowthScenario: Scenario = {
  id: '4',
  title: 'append cost growth',
  needs: ['1'],
  async run(ctx: BenchContext) {
    const { growthRevision, growthEvents } = ctx.sizes;
    const dir = cleanup.tempDir('growth');
    const file = join(dir, 'events.sqlite');
    try {
      const prng = ctx.prng('growth');
      const builder = new StreamBuilder(ctx.prng('growth-ids'));
      const measuredBatches = Math.ceil(growthEvents / BATCH_SIZE);

      // The long session: R run events, then the batches measured on top of it.
      const fillBatches = Math.ceil(growthRevision / FILL_BATCH);
      const long = planOf(
        batchSessions(prng, ctx.catalog, { sessions: 1, batches: fillBatches, batchSize: FILL_BATCH, organization: QUERIED_ORG, now: Date.now() })[0]!,
      );
      const longExtra = batchSessions(prng, ctx.catalog, { sessions: 1, batches: measuredBatches, batchSize: BATCH_SIZE, organization: QUERIED_ORG, now: Date.now() })[0]!;
      const writer = new RawStoreWriter(file);
      const progress = new Progress(`[4] filling a session to revision ${fmt(growthRevision)}`, long.steps.length + 1);
      for (let step = -1; step < long.steps.length; step += 1) {
        writer.add(builder.step(long, step)!);
        progress.update(step + 1);
      }
      writer.close();
      progress.done();
      const longTail: AppendBatch[] = [];
      const runId = long.steps[0]!.kind === 'startRun' ? long.steps[0]!.runId : null;
      for (const events of longExtra.batches) {
        const redactions = new Map<string, string[]>();
        const command = {
          type: 'AppendRunEvents' as const,
          sessionId: long.sessionId,
          actor: { organizationId: long.organizationId, principal: long.start.owner, roles: ['INGEST' as const] },
          at: new Date(events[events.length - 1]!.at).toISOString(),
          runId,
          events: events.map((draft) => builder.recordable(draft, redactions)),
        };
        longTail.push(builder.decide(command, redactions, Date.now())!);
      }
      const startRevision = builder.revisionOf(long.sessionId) - longTail.length * BATCH_SIZE;

      // Fresh sessions: the same number of batches, 10 per session.
      const freshSessions = batchSessions(prng, ctx.catalog, {
        sessions: Math.ceil(measuredBatches / BATCHES_PER_FRESH_SESSION),
        batches: BATCHES_PER_FRESH_SESSION,
        batchSize: BATCH_SIZE,
        organization: QUERIED_ORG,
        now: Date.now(),
      }).map(planOf);
      const freshSetup: AppendBatch[] = [];
      const fresh: AppendBatch[] = [];
      for (const plan of freshSessions) {
        freshSetup.push(builder.step(plan, -1)!, builder.step(plan, 0)!);
        for (let b = 0; b < BATCHES_PER_FRESH_SESSION && fresh.length < measuredBatches; b += 1) fresh.push(builder.step(plan, b + 1)!);
      }

      const store = new SqliteEventStore(file);
      let freshMs = 0;
      let longMs = 0;
      try {
        for (const batch of freshSetup) await store.append(batch.streamId, batch.events, batch.expected);
        log(`[4] appending ${fmt(measuredBatches)} batches of ${BATCH_SIZE} to each side, alternating`);
        for (let i = 0; i < measuredBatches; i += 1) {
          const a = fresh[i]!;
          let t = now();
          await store.append(a.streamId, a.events, a.expected);
          freshMs += now() - t;
          const b = longTail[i]!;
          t = now();
          await store.append(b.streamId, b.events, b.expected);
          longMs += now() - t;
        }
      } finally {
        await store.close();
      }
      const events = measuredBatches * BATCH_SIZE;
      const freshRate = perSecond(events, freshMs);
      const longRate = perSecond(events, longMs);
      const writes = await compareWrites(ctx);
      const label = growthRevision === 100_000 ? '100 000' : `${fmt(growthRevision)} (small scale; full scale uses 100 000)`;
      ctx.detail('4', { growthRevision: startRevision, freshRate, longRate, events });
      ctx.add(
        row({
          scenario: '4',
          figure: `append at revision ${label} / at revision 0-1 000`,
          value: longRate / freshRate,
          unit: 'x',
          target: { op: '>=', value: 0.9, label: '>= 0.9' },
          note: `${fmt(longRate)} vs ${fmt(freshRate)} events/s (batches of 100, alternating)`,
        }),
        row({
          scenario: '4',
          figure: `append at revision ${fmt(startRevision)}+, batches of 100`,
          value: longRate,
          unit: 'events/s',
          ceilingRatio: longRate / writes.ceiling.eventsPerSecond,
        }),
      );
    } finally {
      cleanup.removeDir(dir);
    }
  },
};
