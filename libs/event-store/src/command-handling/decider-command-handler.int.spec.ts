import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventToAppend, RecordedEvent } from '../event-store.port';
import { SqliteEventStore } from '../sqlite-event-store';
import { ConcurrentChangeError, Decider, DeciderCommandHandler, FoldedStreams } from './decider-command-handler';

/** A counter: "add n" appends one Added event per id given; ids already stored are dropped first. */
type Add = { ids: string[]; by: number };
type Added = { id: string; type: 'Added'; by: number };
type Total = { total: number; events: number };

const counter: Decider<Add, Added, Total> = {
  initialState: () => ({ total: 0, events: 0 }),
  evolve: (state, event) => ({ total: state.total + event.by, events: state.events + 1 }),
  decide: (command) => command.ids.map((id) => ({ id, type: 'Added', by: command.by })),
  decode: (recorded: RecordedEvent) => ({ id: recorded.id, type: 'Added', by: (recorded.data as { by: number }).by }),
  deduplicate: (command, stored) => {
    const fresh = command.ids.filter((id) => !stored.has(id));
    const storedRevisions = command.ids.filter((id) => stored.has(id)).map((id) => stored.get(id)!);
    return { command: fresh.length ? { ...command, ids: fresh } : null, storedRevisions };
  },
};

const encode = (event: Added): EventToAppend => ({
  id: event.id,
  type: event.type,
  data: { by: event.by },
  metadata: { organizationId: 'o', actor: { type: 'SERVICE', id: 's' }, correlationId: 'c', causationId: 'c', schemaVersion: 1, redactions: [], occurredAt: '2026-01-01T00:00:00.000Z' },
});

describe('the generic decider command handler, on a real SQLite store', () => {
  let dir: string;
  let store: SqliteEventStore;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-handler-'));
    store = new SqliteEventStore(join(dir, 'events.sqlite'));
  });

  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('folds, decides and appends at the expected revision, starting a stream at no_stream', async () => {
    const handler = new DeciderCommandHandler(store, counter);
    const first = await handler.handle('counter-1', { ids: [randomUUID(), randomUUID()], by: 2 }, encode);
    expect(first.appended).toMatchObject({ firstRevision: 0, lastRevision: 1 });
    const second = await handler.handle('counter-1', { ids: [randomUUID()], by: 5 }, encode);
    expect(second.appended).toMatchObject({ firstRevision: 2, lastRevision: 2 });
    expect(second.stream.state).toEqual({ total: 9, events: 3 });
    expect((await store.readStream('counter-1')).map((e) => e.revision)).toEqual([0, 1, 2]);
  });

  it('stores a retried id once and reports where it was stored', async () => {
    const handler = new DeciderCommandHandler(store, counter);
    const [a, b] = [randomUUID(), randomUUID()];
    await handler.handle('counter-1', { ids: [a, b], by: 1 }, encode);
    const retry = await handler.handle('counter-1', { ids: [a, b], by: 1 }, encode);
    expect(retry).toMatchObject({ appended: null, deduplicated: 2, deduplicatedRevisions: [0, 1] });
    const partly = await handler.handle('counter-1', { ids: [b, randomUUID()], by: 1 }, encode);
    expect(partly).toMatchObject({ appended: { firstRevision: 2, lastRevision: 2 }, deduplicated: 1, deduplicatedRevisions: [] });
    expect(await store.readStream('counter-1')).toHaveLength(3);
  });

  it("catches up with another process's appends by reading only the newer events", async () => {
    const mine = new DeciderCommandHandler(store, counter);
    const theirs = new DeciderCommandHandler(store, counter);
    await mine.handle('counter-1', { ids: [randomUUID()], by: 1 }, encode);
    await theirs.handle('counter-1', { ids: [randomUUID()], by: 10 }, encode);
    const outcome = await mine.handle('counter-1', { ids: [randomUUID()], by: 100 }, encode);
    expect(outcome.stream.state).toEqual({ total: 111, events: 3 });
    expect(outcome.appended?.lastRevision).toBe(2);
  });

  it('gives up after the bounded number of conflicts', async () => {
    let appends = 0;
    const racing = {
      readStream: store.readStream.bind(store),
      // Another writer gets in before every append of ours.
      append: async (stream: string, events: EventToAppend[], expected: Parameters<SqliteEventStore['append']>[2]) => {
        appends += 1;
        await store.append(stream, [encode({ id: randomUUID(), type: 'Added', by: 0 })], 'any');
        return store.append(stream, events, expected);
      },
    };
    const handler = new DeciderCommandHandler(racing, counter, { maxConflictRetries: 3 });
    await expect(handler.handle('counter-1', { ids: [randomUUID()], by: 1 }, encode)).rejects.toBeInstanceOf(ConcurrentChangeError);
    expect(appends).toBe(3);
  });

  it('serialises commands on one stream inside a process', async () => {
    const handler = new DeciderCommandHandler(store, counter);
    const outcomes = await Promise.all(Array.from({ length: 10 }, () => handler.handle('counter-1', { ids: [randomUUID()], by: 1 }, encode)));
    expect(outcomes.map((o) => o.appended?.lastRevision).sort((x, y) => x! - y!)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    await handler.drain();
  });

  it('decides ahead without a store through its synchronous core, as the bench does', () => {
    const streams = new FoldedStreams(counter);
    const stream = streams.get('counter-1');
    const decision = streams.decide(stream, { ids: ['a', 'b'], by: 3 });
    expect(decision).toMatchObject({ expected: 'no_stream', allStored: false });
    streams.fold(stream, decision.events, 1, null);
    expect(streams.decide(streams.get('counter-1'), { ids: ['a'], by: 3 })).toMatchObject({ events: [], expected: 1, storedRevisions: [0], allStored: true });
    expect(streams.get('counter-1').state).toEqual({ total: 6, events: 2 });
  });
});
