import { batchSessions, BatchSession, SessionPlan } from '../data';
import type { BenchContext } from '../support/context';
import { fmt, QUERIED_ORG } from '../support/context';
import { Progress } from '../support/progress';
import { AppendBatch, StreamBuilder } from '../support/domain-writer';

export const BATCH_SIZE = 100;
/** Batches each session receives in the write workloads. */
const BATCHES_PER_SESSION = 10;

/** A batch session as a plan: start, one run, its batches. */
export function planOf(session: BatchSession): SessionPlan {
  return {
    sessionId: session.sessionId,
    organizationId: session.organizationId,
    at: session.at,
    start: session.start,
    steps: [
      { kind: 'startRun', at: session.at + 1, runId: session.runId, model: session.start.model, input: null },
      ...session.batches.map((events) => ({ kind: 'append' as const, at: events[events.length - 1]!.at, runId: session.runId, events })),
    ],
    runEvents: session.batches.reduce((n, b) => n + b.length, 0),
    open: true,
  };
}

export interface WriteWorkload {
  /** Session starts and run starts: written before the clock starts. */
  setup: AppendBatch[];
  /** The measured appends, round-robin over sessions as concurrent agents would interleave. */
  batches: AppendBatch[];
  events: number;
  avgDataBytes: number;
}

/**
 * Decided appends of realistic run events, `batchSize` per append. The same workload feeds
 * the ceiling (as raw rows) and the store, so their ratio compares like with like.
 */
export function writeWorkload(ctx: BenchContext, label: string, events: number, batchSize: number): WriteWorkload {
  const prng = ctx.prng(`write-${label}`);
  const perSession = batchSize === BATCH_SIZE ? BATCHES_PER_SESSION : 1;
  const sessions = Math.max(1, Math.ceil(events / (batchSize * perSession)));
  const generated = batchSessions(prng, ctx.catalog, {
    sessions,
    batches: perSession,
    batchSize,
    organization: QUERIED_ORG,
    now: Date.now(),
  });
  const builder = new StreamBuilder(ctx.prng(`write-${label}-ids`));
  const plans = generated.map(planOf);
  const setup: AppendBatch[] = [];
  for (const plan of plans) {
    setup.push(builder.step(plan, -1)!);
    setup.push(builder.step(plan, 0)!);
  }
  const batches: AppendBatch[] = [];
  const progress = new Progress(`[1,2] deciding ${fmt(events)} events in batches of ${batchSize}`, Math.ceil(events / batchSize));
  for (let b = 0; b < perSession; b += 1) {
    for (const plan of plans) {
      if (batches.length * batchSize >= events) break;
      batches.push(builder.step(plan, b + 1)!);
      progress.update(batches.length);
    }
  }
  progress.done();
  let bytes = 0;
  let count = 0;
  for (const batch of batches) {
    for (const event of batch.events) {
      bytes += JSON.stringify(event.data).length;
      count += 1;
    }
  }
  return { setup, batches, events: count, avgDataBytes: count ? bytes / count : 0 };
}

/** The same appends split into single-event appends (each its own transaction). */
export function singleEventWorkload(ctx: BenchContext, events: number): WriteWorkload {
  const prng = ctx.prng('write-single');
  const sessions = Math.max(1, Math.ceil(events / BATCH_SIZE));
  const generated = batchSessions(prng, ctx.catalog, { sessions, batches: 1, batchSize: BATCH_SIZE, organization: QUERIED_ORG, now: Date.now() });
  // One draft per append: a client that reports every event as it happens.
  for (const session of generated) session.batches = session.batches[0]!.map((event) => [event]);
  const builder = new StreamBuilder(ctx.prng('write-single-ids'));
  const plans = generated.map(planOf);
  const setup: AppendBatch[] = [];
  for (const plan of plans) {
    setup.push(builder.step(plan, -1)!);
    setup.push(builder.step(plan, 0)!);
  }
  const batches: AppendBatch[] = [];
  for (let i = 0; i < BATCH_SIZE && batches.length < events; i += 1) {
    for (const plan of plans) {
      if (batches.length >= events) break;
      batches.push(builder.step(plan, i + 1)!);
    }
  }
  return { setup, batches, events: batches.length, avgDataBytes: 0 };
}
