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

describe('commands that queue up on one stream, written together', () => {
  let dir: string;
  let store: SqliteEventStore;
  let appends: { expected: unknown; events: number }[];
  /** The store, counting appends; `before` runs ahead of each one (e.g. another writer getting in). */
  let counted: (before?: () => Promise<void>) => Pick<SqliteEventStore, 'readStream' | 'append'>;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-handler-batch-'));
    store = new SqliteEventStore(join(dir, 'events.sqlite'));
    appends = [];
    counted = (before) => ({
      readStream: (stream, options) => store.readStream(stream, options),
      append: async (stream, events, expected) => {
        appends.push({ expected, events: events.length });
        await before?.();
        return store.append(stream, events, expected);
      },
    });
  });

  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const totals = async (stream: string) => (await store.readStream(stream)).map((e) => (e.data as { by: number }).by);

  it('appends them at once, in the order they came, each answered with its own revisions', async () => {
    const handler = new DeciderCommandHandler(counted(), counter);
    const outcomes = await Promise.all(Array.from({ length: 10 }, (_, by) => handler.handle('counter-1', { ids: [randomUUID(), randomUUID()], by }, encode)));
    expect(appends).toEqual([{ expected: 'no_stream', events: 20 }]);
    expect(outcomes.map((o) => [o.appended?.firstRevision, o.appended?.lastRevision])).toEqual(Array.from({ length: 10 }, (_, i) => [2 * i, 2 * i + 1]));
    expect(await totals('counter-1')).toEqual(Array.from({ length: 10 }, (_, by) => [by, by]).flat());
    expect((await handler.load('counter-1')).state).toEqual({ total: 90, events: 20 });
  });

  it('queues what comes while an append is being committed, and writes it as the next batch', async () => {
    const handler = new DeciderCommandHandler(counted(), counter);
    const first = handler.handle('counter-1', { ids: [randomUUID()], by: 1 }, encode);
    await new Promise((resolve) => setImmediate(resolve)); // the first append is under way
    const later = Array.from({ length: 5 }, () => handler.handle('counter-1', { ids: [randomUUID()], by: 1 }, encode));
    await Promise.all([first, ...later]);
    expect(appends).toEqual([
      { expected: 'no_stream', events: 1 },
      { expected: 0, events: 5 },
    ]);
  });

  it('fails a command whose decision throws alone; the others of its batch are stored', async () => {
    const strict: Decider<Add, Added, Total> = {
      ...counter,
      decide: (command, state) => {
        if (command.by < 0) throw new RangeError('cannot add a negative amount');
        return counter.decide(command, state);
      },
    };
    const handler = new DeciderCommandHandler(counted(), strict);
    const results = await Promise.allSettled([1, -1, 2].map((by) => handler.handle('counter-1', { ids: [randomUUID()], by }, encode)));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toBeInstanceOf(RangeError);
    expect(appends).toHaveLength(1);
    expect(await totals('counter-1')).toEqual([1, 2]);
  });

  it('stores an id that two commands of one batch carry once, and tells the second where', async () => {
    const handler = new DeciderCommandHandler(counted(), counter);
    const id = randomUUID();
    const [first, retry] = await Promise.all([handler.handle('counter-1', { ids: [id], by: 5 }, encode), handler.handle('counter-1', { ids: [id], by: 5 }, encode)]);
    expect(first).toMatchObject({ appended: { firstRevision: 0, lastRevision: 0 }, deduplicated: 0 });
    expect(retry).toMatchObject({ appended: null, deduplicated: 1, deduplicatedRevisions: [0] });
    expect(await totals('counter-1')).toEqual([5]);
  });

  it('decides the whole batch again on fresh state after a conflict', async () => {
    let foreign = true;
    const handler = new DeciderCommandHandler(
      counted(async () => {
        if (!foreign) return;
        foreign = false;
        await store.append('counter-1', [encode({ id: randomUUID(), type: 'Added', by: 100 })], 'any');
      }),
      counter,
    );
    const outcomes = await Promise.all(Array.from({ length: 4 }, () => handler.handle('counter-1', { ids: [randomUUID()], by: 1 }, encode)));
    expect(appends).toEqual([
      { expected: 'no_stream', events: 4 },
      { expected: 0, events: 4 },
    ]);
    expect(outcomes.map((o) => o.appended?.lastRevision)).toEqual([1, 2, 3, 4]);
    expect(await totals('counter-1')).toEqual([100, 1, 1, 1, 1]);
    expect((await handler.load('counter-1')).state).toEqual({ total: 104, events: 5 });
  });

  it('shows no event of a batch to load() before its append has returned', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const handler = new DeciderCommandHandler(counted(() => gate), counter);
    const pending = Promise.all([1, 2].map((by) => handler.handle('counter-1', { ids: [randomUUID()], by }, encode)));
    await new Promise((resolve) => setImmediate(resolve));
    expect(appends).toHaveLength(1);
    expect((await handler.load('counter-1')).revision).toBe(-1);
    release();
    await pending;
    expect((await handler.load('counter-1')).state).toEqual({ total: 3, events: 2 });
  });
});
