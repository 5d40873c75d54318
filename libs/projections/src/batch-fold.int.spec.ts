import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventToAppend, RecordedEvent, SqliteEventStore } from '@ledger/event-store';
import { MemoryReadStore, ReadStore } from '@ledger/read-store';
import { ManagedAgentsProjection } from './managed-agents.projection';
import { PinsProjection } from './pins.projection';
import type { Projection, ProjectionContext } from './projection';
import { versionedName } from './projection-engine';
import { RunsProjection } from './runs.projection';
import { ScenarioWriter, writeMixedScenario } from './testing/scenario';
import { UsageProjection } from './usage.projection';

/**
 * A projection's `applyBatch` folds a batch into one write per document; the result must be
 * exactly what `apply`, event by event, gives: the same documents with the same fields in the same
 * order, from an empty store, from a partial replay (a crash between writes and checkpoint) and
 * when a batch is applied twice. The events: the mixed scenario, then raw streams with the edge
 * cases (a result before its call, events of runs that never started, a run started twice, v1
 * usage, many sessions of one agent interleaved in time, pins toggled back and forth).
 */

/** sfc32: the same seed, the same streams. */
function prng(seed: number): () => number {
  let a = 0x9e3779b9;
  let b = 0x243f6a88;
  let c = 0xb7e15162;
  let d = seed >>> 0;
  return () => {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    const t = (a + b + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) >>> 0;
    return t / 4294967296;
  };
}

const BASE = Date.parse('2026-11-03T22:30:00.000Z');
const iso = (minutes: number) => new Date(BASE + minutes * 60_000).toISOString();
const OWNERS = [
  { type: 'MANAGED_AGENT', id: 'agent-1', name: 'One' },
  { type: 'MANAGED_AGENT', id: 'agent-2', name: 'Two' },
  { type: 'USER', id: 'olga' },
  { type: 'SERVICE', id: 'svc' },
];

interface Pending {
  streamId: string;
  events: EventToAppend[];
}

function raw(type: string, data: unknown, organizationId: string, minute: number, schemaVersion = 3): EventToAppend {
  raw.counter += 1;
  return {
    id: `00000000-0000-4000-8000-${String(raw.counter).padStart(12, '0')}`,
    type,
    data: data as never,
    metadata: { organizationId, actor: { type: 'SERVICE', id: 'svc' }, correlationId: 'c', causationId: 'c', schemaVersion, redactions: [], occurredAt: iso(minute) },
  };
}
raw.counter = 0;

/** Raw session streams, appended in an interleaved order so that batches mix sessions. */
function rawStreams(random: () => number, sessions: number): Pending[][] {
  const perSession: Pending[][] = [];
  for (let n = 0; n < sessions; n++) {
    const sessionId = `session_fold${String(n).padStart(4, '0')}`;
    const streamId = `session-${sessionId}`;
    const organizationId = n % 5 === 4 ? 'org-b' : 'org-a';
    const owner = OWNERS[Math.floor(random() * OWNERS.length)]!;
    let minute = Math.floor(random() * 300);
    const appends: Pending[] = [];
    const push = (...events: EventToAppend[]) => appends.push({ streamId, events });
    const started = {
      sessionId,
      organizationId,
      kind: 'CHAT',
      status: 'RUNNING',
      accountId: `acct-${n % 3}`,
      title: `fold ${n}`,
      tags: [],
      owner,
      source: null,
      idempotencyKey: null,
      initiative: null,
      flowId: n % 4 === 0 ? null : `flow-${n % 2}`,
      model: n % 3 === 0 ? null : 'gpt-x',
      parentSessionId: null,
      subagent: null,
      environment: null,
      totalSteps: null,
      idleTimeoutSeconds: null,
      metadata: null,
    };
    push(raw('SessionStarted', started, organizationId, minute));
    const runCount = 1 + Math.floor(random() * 3);
    for (let r = 0; r < runCount; r++) {
      const runId = `run-${r}`;
      minute += 1 + Math.floor(random() * 40);
      push(raw('RunStarted', { runId, model: r % 2 ? 'claude-y' : null, input: r === 1 ? { prompt: `p${n}`, nested: { k: [1, 2] } } : null, ...(r === 2 ? {} : { agentName: `agent ${r}` }) }, organizationId, minute));
      if (n % 7 === 3 && r === 0) push(raw('RunStarted', { runId, model: 'again', input: null }, organizationId, minute));
      const steps = 2 + Math.floor(random() * 12);
      let batch: EventToAppend[] = [];
      for (let s = 0; s < steps; s++) {
        minute += Math.floor(random() * 25);
        const pick = random();
        const toolCallId = `tc-${r}-${s}`;
        if (pick < 0.25) {
          const call = raw('TOOL_CALL', { runId, data: { toolCallId, name: `tool-${s % 3}`, ...(s % 2 ? { arguments: { q: s } } : {}) } }, organizationId, minute);
          const duration = random() < 0.5 ? { durationMs: Math.floor(random() * 5000) } : {};
          const result = raw('TOOL_RESULT', { runId, data: { toolCallId, status: random() < 0.2 ? 'failed' : 'ok', output: s % 3 ? 'x'.repeat(s * 40) : { rows: s }, ...duration } }, organizationId, minute + 1);
          // A result may arrive before its call.
          if (random() < 0.35) batch.push(result, call);
          else batch.push(call, result);
        } else if (pick < 0.45) {
          const v1 = random() < 0.3;
          const costUsd = Math.round(random() * 1e6) / 1e7;
          const data = v1
            ? { model: `m-${s % 3}`, inputTokens: 10 + s, outputTokens: s, costUsd }
            : { model: `m-${s % 3}`, inputTokens: 10 + s, outputTokens: s, cacheReadTokens: s % 4, cacheWriteTokens: 1, reasoningTokens: 2, costUsd };
          const pricing = v1 ? undefined : random() < 0.5 ? { costUsd, source: 'REPORTED' } : { costUsd: 0, source: 'UNPRICED' };
          batch.push(raw('MODEL_USAGE', { runId, data, ...(pricing ? { pricing } : {}) }, organizationId, minute, v1 ? 1 : 3));
        } else if (pick < 0.55) {
          batch.push(raw('CHECKPOINT', { runId, data: { name: 'gate' } }, organizationId, minute));
          appends.push({ streamId, events: batch });
          batch = [];
          push(raw('CheckpointResolved', { runId, decision: random() < 0.5 ? 'APPROVE' : 'REJECT', comment: random() < 0.5 ? null : 'why', resolvedBy: { type: 'USER', id: 'olga' } }, organizationId, minute + 1));
        } else if (pick < 0.6) {
          // A run that never started: nothing may come of it.
          batch.push(raw('MESSAGE', { runId: 'run-never', data: { role: 'user', text: 'lost' } }, organizationId, minute));
        } else if (pick < 0.65) {
          batch.push(raw('STATUS', { runId: null, data: { status: 'BLOCKED' } }, organizationId, minute));
        } else {
          batch.push(raw('MESSAGE', { runId, data: { role: 'assistant', text: `m${s}` } }, organizationId, minute));
        }
        if (random() < 0.3) {
          appends.push({ streamId, events: batch });
          batch = [];
        }
      }
      if (batch.length) appends.push({ streamId, events: batch });
      if (random() < 0.6) {
        minute += 2;
        const failed = random() < 0.3;
        push(raw('RunFinished', { runId, status: failed ? 'FAILED' : 'SUCCEEDED', output: failed ? null : { done: r }, error: failed ? { code: 'E', message: 'boom' } : null }, organizationId, minute));
      }
    }
    if (random() < 0.5) push(raw('SessionEnded', { status: 'COMPLETED', reason: null, endedBy: owner }, organizationId, minute + 3));
    perSession.push(appends);
  }
  return perSession;
}

function pinStreams(random: () => number, sessions: number): Pending[][] {
  const streams: Pending[][] = [];
  for (const principal of [{ type: 'USER', id: 'olga' }, { type: 'USER', id: 'piet' }]) {
    const streamId = `pins-org-a-${principal.type}-${principal.id}`;
    const appends: Pending[] = [];
    for (let i = 0; i < 12; i++) {
      const sessionId = `session_fold${String(Math.floor(random() * sessions)).padStart(4, '0')}`;
      appends.push({ streamId, events: [raw(random() < 0.6 ? 'SessionPinned' : 'SessionUnpinned', { sessionId, principal }, 'org-a', 400 + i)] });
    }
    streams.push(appends);
  }
  return streams;
}

async function dump(readStore: ReadStore, projection: Projection): Promise<string> {
  const result: Record<string, unknown[]> = {};
  for (const spec of projection.collections) {
    result[spec.name] = await readStore.collection(versionedName(spec.name, projection.version)).find({}, { sort: { _id: 1 } });
  }
  // JSON.stringify, not toEqual: the order of every document's fields must match too.
  return JSON.stringify(result);
}

type Change = string;

function contextFor(readStore: ReadStore, projection: Projection, changes: Set<Change> = new Set()): ProjectionContext {
  return {
    collection: (name) => readStore.collection(versionedName(name, projection.version)),
    changed: (collection, organizationId, id) => changes.add(`${collection}|${organizationId}|${id}`),
  };
}

async function oneByOne(readStore: ReadStore, projection: Projection, events: RecordedEvent[], changes?: Set<Change>): Promise<void> {
  const context = contextFor(readStore, projection, changes);
  for (const event of events) if (projection.handles(event)) await projection.apply(event, context);
}

/** As the runner does: consecutive slices of the store's order, each filtered to what the projection handles. */
async function inBatches(readStore: ReadStore, projection: Projection, events: RecordedEvent[], sizes: () => number, changes?: Set<Change>): Promise<void> {
  const context = contextFor(readStore, projection, changes);
  for (let i = 0; i < events.length; ) {
    const size = Math.max(1, sizes());
    const handled = events.slice(i, i + size).filter((event) => projection.handles(event));
    if (handled.length > 0) await projection.applyBatch!(handled, context);
    i += size;
  }
}

describe('batch folds equal one-by-one application', () => {
  let dir: string;
  let store: SqliteEventStore;
  let events: RecordedEvent[];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-fold-'));
    store = new SqliteEventStore(join(dir, 'events.sqlite'));
    await writeMixedScenario(new ScenarioWriter(store));
    const random = prng(20261202);
    const queues = [...rawStreams(random, 60), ...pinStreams(random, 60)];
    const revisions = new Map<string, number>();
    // Interleaved: one append of a random stream at a time, as concurrent clients would.
    while (queues.some((queue) => queue.length > 0)) {
      const open = queues.filter((queue) => queue.length > 0);
      const next = open[Math.floor(random() * open.length)]!.shift()!;
      if (next.events.length === 0) continue;
      const expected = revisions.get(next.streamId) ?? -1;
      const result = await store.append(next.streamId, next.events, expected === -1 ? 'no_stream' : expected);
      revisions.set(next.streamId, result.nextRevision);
    }
    events = await store.readAll();
  });

  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const projections = (): Projection[] => [new RunsProjection(), new UsageProjection(), new ManagedAgentsProjection(), new PinsProjection()];

  it('the streams hold the edge cases the folds must get right', () => {
    const types = new Set(events.map((event) => event.type));
    for (const type of ['TOOL_CALL', 'TOOL_RESULT', 'MODEL_USAGE', 'CheckpointResolved', 'RunFinished', 'SessionPinned', 'SessionUnpinned']) expect(types).toContain(type);
    const resultFirst = events.some((event, i) => {
      if (event.type !== 'TOOL_RESULT') return false;
      const id = (event.data.data as { toolCallId: string }).toolCallId;
      return !events.slice(0, i).some((e) => e.streamId === event.streamId && e.type === 'TOOL_CALL' && (e.data.data as { toolCallId: string }).toolCallId === id);
    });
    expect(resultFirst).toBe(true);
    expect(events.length).toBeGreaterThan(800);
  });

  describe.each(projections().map((p) => [p.name, p] as const))('%s', (_name, projection) => {
    let expected: string;
    let expectedChanges: Set<Change>;

    beforeAll(async () => {
      const readStore = new MemoryReadStore();
      expectedChanges = new Set();
      await oneByOne(readStore, projection, events, expectedChanges);
      expected = await dump(readStore, projection);
    });

    it('writes documents at all', () => {
      expect(expected.length).toBeGreaterThan(200);
    });

    it.each([1, 2, 3, 7, 64, 500, 100_000])('in batches of %i: the same documents, field order included, and the same changes announced', async (size) => {
      const readStore = new MemoryReadStore();
      const changes = new Set<Change>();
      await inBatches(readStore, projection, events, () => size, changes);
      expect(await dump(readStore, projection)).toBe(expected);
      expect([...changes].sort()).toEqual([...expectedChanges].sort());
    });

    it('in batches of random sizes', async () => {
      const random = prng(7);
      const readStore = new MemoryReadStore();
      await inBatches(readStore, projection, events, () => 1 + Math.floor(random() * 40), new Set());
      expect(await dump(readStore, projection)).toBe(expected);
    });

    it('replayed after a crash from an earlier position, in batches: the same documents', async () => {
      for (const [applied, resumed] of [
        [0.7, 0.3],
        [0.5, 0.49],
        [1, 0],
      ] as const) {
        const readStore = new MemoryReadStore();
        // Written one by one up to `applied`; the checkpoint stood at `resumed`.
        await oneByOne(readStore, projection, events.slice(0, Math.floor(events.length * applied)));
        await inBatches(readStore, projection, events.slice(Math.floor(events.length * resumed)), () => 25);
        expect(await dump(readStore, projection)).toBe(expected);
      }
    });

    it('a batch applied twice changes nothing the second time', async () => {
      const readStore = new MemoryReadStore();
      const context = contextFor(readStore, projection);
      for (let i = 0; i < events.length; i += 50) {
        const handled = events.slice(i, i + 50).filter((event) => projection.handles(event));
        if (handled.length === 0) continue;
        await projection.applyBatch!(handled, context);
        await projection.applyBatch!(handled, context);
      }
      expect(await dump(readStore, projection)).toBe(expected);
    });
  });
});
