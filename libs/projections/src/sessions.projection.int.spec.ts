import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeSessionEvent, DEFAULT_WINDOWS, evolve, initialState, SessionCommand, SessionState, sessionStreamId } from '@ledger/domain';
import { RecordedEvent, SqliteEventStore } from '@ledger/event-store';
import { Document, MemoryReadStore, ReadCollection, ReadStore } from '@ledger/read-store';
import type { ProjectionContext } from './projection';
import { versionedName } from './projection-engine';
import { SESSIONS, SessionDocument, SessionsProjection, toSessionDocument } from './sessions.projection';
import { ORG_A_INGEST, ORG_A_OPERATOR, ScenarioWriter, writeMixedScenario } from './testing/scenario';

/**
 * The sessions projection writes a stored session with `$set` of what its fold changed. The
 * documents must be exactly those of the full write (every field of toSessionDocument of the view
 * evolve gives, under the `$lt` guard) in any batching, field order included; and a document that
 * another writer moved after it was read is written whole.
 */

const projection = new SessionsProjection(DEFAULT_WINDOWS);
const physical = versionedName(SESSIONS, projection.version);
const SID = 'session_flip0000000000000000000000000000';
const at = (minute: number) => new Date(Date.parse('2026-11-05T09:00:00.000Z') + minute * 60_000).toISOString();

function contextOf(readStore: ReadStore, collection?: ReadCollection<Document>): ProjectionContext {
  return { collection: <T extends Document>() => (collection ?? readStore.collection(physical)) as unknown as ReadCollection<T>, changed: () => undefined };
}

/** The write before folds wrote only what changed: every field, one event at a time. */
async function fullWrites(readStore: ReadStore, events: RecordedEvent[]): Promise<void> {
  const sessions = readStore.collection<SessionDocument>(physical);
  const states = new Map<string, SessionState>();
  for (const event of events) {
    if (!projection.handles(event)) continue;
    const state = evolve(states.get(event.streamId) ?? initialState(), decodeSessionEvent(event), event.revision);
    states.set(event.streamId, state);
    if (!state.view) continue;
    const { _id, ...fields } = toSessionDocument(state.view, DEFAULT_WINDOWS);
    await sessions.updateOne({ _id, sequence: { $lt: state.view.sequence } }, { $set: fields }, { upsert: true });
  }
}

async function inBatches(readStore: ReadStore, events: RecordedEvent[], size: () => number, collection?: ReadCollection<Document>): Promise<void> {
  for (let i = 0; i < events.length; ) {
    const n = Math.max(1, size());
    const handled = events.slice(i, i + n).filter((event) => projection.handles(event));
    if (handled.length > 0) await projection.applyBatch(handled, contextOf(readStore, collection));
    i += n;
  }
}

const dump = async (readStore: ReadStore) => JSON.stringify(await readStore.collection(physical).find({}, { sort: { _id: 1 } }));

describe('sessions projection: a fold writes what changed', () => {
  let dir: string;
  let store: SqliteEventStore;
  let events: RecordedEvent[];
  let flip: RecordedEvent[];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-sessions-'));
    store = new SqliteEventStore(join(dir, 'events.sqlite'));
    const writer = new ScenarioWriter(store);
    await writeMixedScenario(writer);
    // One session whose status goes RUNNING -> PAUSED -> RUNNING: a field that changes and changes back.
    const commands: SessionCommand[] = [
      { type: 'StartSession', sessionId: SID, actor: ORG_A_INGEST, at: at(0), eventId: writer.id('start'), kind: 'FLOW_RUN', title: 'Flip' },
      { type: 'StartRun', sessionId: SID, actor: ORG_A_INGEST, at: at(1), eventId: writer.id('run'), runId: 'r1' },
      {
        type: 'AppendRunEvents',
        sessionId: SID,
        actor: ORG_A_INGEST,
        at: at(2),
        runId: 'r1',
        events: [
          { id: writer.id('e'), type: 'MESSAGE', at: at(2), data: { role: 'user', text: 'ship it' } },
          { id: writer.id('e'), type: 'CHECKPOINT', at: at(3), data: { name: 'deploy?' } },
        ],
      },
      { type: 'ResolveCheckpoint', sessionId: SID, actor: ORG_A_OPERATOR, at: at(4), eventId: writer.id('resolve'), runId: 'r1', decision: 'APPROVE' },
      { type: 'AppendRunEvents', sessionId: SID, actor: ORG_A_INGEST, at: at(5), runId: 'r1', events: [{ id: writer.id('e'), type: 'COMMAND', at: at(5), data: { command: 'make' } }] },
    ];
    for (const command of commands) await writer.run(command);
    events = await store.readAll();
    flip = await store.readStream(sessionStreamId(SID));
  });

  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the flipping session goes RUNNING, PAUSED, RUNNING', () => {
    expect(flip.map((event) => event.type)).toEqual(['SessionStarted', 'RunStarted', 'MESSAGE', 'CHECKPOINT', 'CheckpointResolved', 'COMMAND']);
  });

  it.each([1, 2, 5, 17, 10_000])('in batches of %i: the documents of full writes, field order included', async (size) => {
    const reference = new MemoryReadStore();
    await fullWrites(reference, events);
    const folded = new MemoryReadStore();
    await inBatches(folded, events, () => size);
    const expected = await dump(reference);
    expect(expected.length).toBeGreaterThan(1000);
    expect(await dump(folded)).toBe(expected);
  });

  it('a document another write moved after it was read is written whole', async () => {
    const reference = new MemoryReadStore();
    await fullWrites(reference, flip);
    const readStore = new MemoryReadStore();
    // Up to RunStarted (RUNNING) here; the stale copy is what this projector read.
    await inBatches(readStore, flip.slice(0, 2), () => 2);
    const real = readStore.collection<Document>(physical);
    const stale = await real.findOne({ _id: SID });
    // Another projector applies MESSAGE and CHECKPOINT (PAUSED) meanwhile.
    await inBatches(readStore, flip.slice(2, 4), () => 2);
    expect(await real.findOne({ _id: SID })).toMatchObject({ status: 'PAUSED', sequence: 3 });
    // This one folds everything after its stale read: status RUNNING, the same as when it read.
    const reads = { stale: 0 };
    const staleOnce = new Proxy(real, {
      get(target, key, receiver) {
        if (key === 'findOne') {
          return async (...args: Parameters<typeof real.findOne>) => {
            if (reads.stale++ === 0) return stale;
            return target.findOne(...args);
          };
        }
        const value = Reflect.get(target, key, receiver) as unknown;
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    await inBatches(readStore, flip.slice(2), () => 10, staleOnce);
    expect(reads.stale).toBe(1);
    expect(await real.findOne({ _id: SID })).toMatchObject({ status: 'RUNNING', sequence: 5, commandCount: 1 });
    expect(await dump(readStore)).toBe(await dump(reference));
  });
});
