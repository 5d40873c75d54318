import { randomUUID } from 'node:crypto';
import { EventStoreUnavailableError, InvalidAppendError, WrongExpectedRevisionError } from './errors';
import {
  START_POSITION,
  comparePositions,
  type AppendResult,
  type EventStore,
  type EventToAppend,
  type RecordedEvent,
  type SubscribeToAllOptions,
  type Subscription,
} from './event-store.port';

export interface EventStoreFixture {
  store: EventStore;
  cleanup(): Promise<void>;
}

/**
 * The behaviour every EventStore adapter must show, EventStoreDB's semantics. Each test works in
 * streams of its own (a fresh prefix) and reads `$all` through that prefix, so the suite can run
 * against a shared server.
 */
export function describeEventStoreContract(name: string, factory: () => Promise<EventStoreFixture>): void {
  describe(`EventStore contract: ${name}`, () => {
    let fixture: EventStoreFixture;
    let store: EventStore;
    let prefix: string;

    beforeEach(async () => {
      fixture = await factory();
      store = fixture.store;
      prefix = `contract${randomUUID().replace(/-/g, '').slice(0, 12)}-`;
    });

    afterEach(async () => {
      await fixture.cleanup();
    });

    const stream = (label: string): string => `${prefix}${label}`;
    const mine = (): SubscribeToAllOptions => ({ streamPrefixes: [prefix] });

    describe('append and expected revision', () => {
      it('numbers revisions from 0; nextRevision is the revision of the batch’s last event', async () => {
        const id = stream('numbering');
        const first = await store.append(id, events(3), 'no_stream');
        expect(first.nextRevision).toBe(2);
        const second = await store.append(id, events(2), 2);
        expect(second.nextRevision).toBe(4);
        expect((await store.readStream(id)).map((event) => event.revision)).toEqual([0, 1, 2, 3, 4]);
        expect(await store.streamRevision(id)).toBe(4);
      });

      it("accepts 'any' for a new stream and for an existing one", async () => {
        const id = stream('any');
        expect((await store.append(id, events(1), 'any')).nextRevision).toBe(0);
        expect((await store.append(id, events(2), 'any')).nextRevision).toBe(2);
      });

      it("refuses 'no_stream' once the stream exists, reporting its revision", async () => {
        const id = stream('no-stream');
        await store.append(id, events(2), 'no_stream');
        const error = await refused(store.append(id, events(1), 'no_stream'));
        expect(error).toMatchObject({ streamId: id, expected: 'no_stream', actual: 1 });
      });

      it("refuses 'stream_exists' for a missing stream (actual -1) and accepts it once the stream exists", async () => {
        const id = stream('exists');
        const error = await refused(store.append(id, events(1), 'stream_exists'));
        expect(error).toMatchObject({ streamId: id, expected: 'stream_exists', actual: -1 });
        await store.append(id, events(1), 'no_stream');
        expect((await store.append(id, events(1), 'stream_exists')).nextRevision).toBe(1);
      });

      it('accepts an exact revision only when it is the current one', async () => {
        const id = stream('exact');
        expect(await refused(store.append(id, events(1), 0))).toMatchObject({ expected: 0, actual: -1 });
        await store.append(id, events(3), 'no_stream');
        expect(await refused(store.append(id, events(1), 1))).toMatchObject({ streamId: id, expected: 1, actual: 2 });
        expect(await refused(store.append(id, events(1), 5))).toMatchObject({ expected: 5, actual: 2 });
        expect((await store.append(id, events(1), 2)).nextRevision).toBe(3);
      });

      it('writes nothing when an append is refused', async () => {
        const id = stream('refused');
        await store.append(id, events(2), 'no_stream');
        await refused(store.append(id, events(3), 0));
        expect(await store.streamRevision(id)).toBe(1);
        expect(await store.readStream(id)).toHaveLength(2);
      });

      it('refuses a malformed append: empty batch, an id twice in one batch, a negative revision, an id that is not a UUID', async () => {
        const id = stream('malformed');
        await expect(store.append(id, [], 'any')).rejects.toBeInstanceOf(InvalidAppendError);
        const [event] = events(1);
        await expect(store.append(id, [event!, { ...event!, type: 'Other' }], 'any')).rejects.toBeInstanceOf(InvalidAppendError);
        await expect(store.append(id, events(1), -1)).rejects.toBeInstanceOf(InvalidAppendError);
        await expect(store.append(id, [{ ...event!, id: 'not-a-uuid' }], 'any')).rejects.toBeInstanceOf(InvalidAppendError);
        expect(await store.streamRevision(id)).toBe(-1);
      });

      it('refuses an uppercase UUID, which EventStoreDB would hand back in lowercase', async () => {
        const id = stream('uppercase');
        const [event] = events(1);
        await expect(store.append(id, [{ ...event!, id: event!.id.toUpperCase() }], 'no_stream')).rejects.toThrow(/not a lowercase UUID/);
        await store.append(id, [event!], 'no_stream');
        expect((await store.readStream(id))[0]!.id).toBe(event!.id);
      });

      it('reports -1 as the revision of a stream that does not exist', async () => {
        expect(await store.streamRevision(stream('missing'))).toBe(-1);
      });
    });

    describe('readStream', () => {
      it('reads a range: fromRevision inclusive, at most limit events', async () => {
        const id = stream('ranges');
        await store.append(id, events(10), 'no_stream');
        const revisions = async (options: { fromRevision?: number; limit?: number }) =>
          (await store.readStream(id, options)).map((event) => event.revision);
        expect(await revisions({})).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
        expect(await revisions({ fromRevision: 3, limit: 4 })).toEqual([3, 4, 5, 6]);
        expect(await revisions({ fromRevision: 8 })).toEqual([8, 9]);
        expect(await revisions({ fromRevision: 10 })).toEqual([]);
        expect(await revisions({ limit: 0 })).toEqual([]);
        expect(await store.readStream(stream('never-written'))).toEqual([]);
      });

      it('returns what was appended, with its stream, revision, position and time', async () => {
        const id = stream('round-trip');
        const appended = events(2);
        const before = Date.now();
        const result = await store.append(id, appended, 'no_stream');
        const read = await store.readStream(id);
        expect(read.map(({ id: eventId, type, data, metadata }) => ({ id: eventId, type, data, metadata }))).toEqual(appended);
        expect(read.map((event) => event.streamId)).toEqual([id, id]);
        expect(read[1]!.position).toEqual(result.position);
        expect(comparePositions(read[0]!.position, read[1]!.position)).toBe(-1);
        for (const event of read) {
          expect(event.recordedAt).toBeInstanceOf(Date);
          // The server's clock, not ours: allow for skew.
          expect(Math.abs(event.recordedAt.getTime() - before)).toBeLessThan(5 * 60_000);
        }
      });
    });

    describe('readAll', () => {
      it('reads in global order, strictly after a position, at most limit events, filtered by stream prefix', async () => {
        const start = await store.headPosition();
        const written: string[] = [];
        for (const label of ['a-1', 'b-1', 'a-2', 'a-1', 'other-1', 'b-1']) {
          const batch = events(1);
          await store.append(stream(label), batch, 'any');
          written.push(`${label}:${batch[0]!.id}`);
        }
        const label = (event: RecordedEvent) => `${event.streamId.slice(prefix.length)}:${event.id}`;

        const all = await store.readAll({ after: start, streamPrefixes: [prefix] });
        expect(all.map(label)).toEqual(written);
        expect((await store.readAll({ after: start, streamPrefixes: [stream('a-')] })).map(label)).toEqual(
          written.filter((entry) => entry.startsWith('a-')),
        );
        expect((await store.readAll({ after: start, streamPrefixes: [stream('a-'), stream('b-')] })).map(label)).toEqual(
          written.filter((entry) => !entry.startsWith('other-')),
        );
        expect((await store.readAll({ after: start, streamPrefixes: [prefix], limit: 2 })).map(label)).toEqual(written.slice(0, 2));
        expect((await store.readAll({ after: all[1]!.position, streamPrefixes: [prefix] })).map(label)).toEqual(written.slice(2));
        expect(await store.readAll({ after: all[5]!.position, streamPrefixes: [prefix] })).toEqual([]);

        // An empty prefix list filters nothing.
        const unfiltered = await store.readAll({ after: start, streamPrefixes: [] });
        expect(unfiltered.filter((event) => event.streamId.startsWith(prefix)).map(label)).toEqual(written);

        const paged: RecordedEvent[] = [];
        let after = start;
        for (;;) {
          const page = await store.readAll({ after, limit: 2, streamPrefixes: [prefix] });
          if (page.length === 0) break;
          paged.push(...page);
          after = page[page.length - 1]!.position;
        }
        expect(paged.map(label)).toEqual(written);
      });

      it('reports the head within the given streams when another stream wrote last', async () => {
        const ours = await store.append(stream('head-ours'), events(2), 'no_stream');
        const other = `${prefix.slice(0, -1)}x-other`;
        const theirs = await store.append(other, events(1), 'no_stream');
        expect(await store.headPosition({ streamPrefixes: [prefix] })).toEqual(ours.position);
        expect(comparePositions(await store.headPosition(), theirs.position)).toBeGreaterThanOrEqual(0);
        expect(await store.headPosition({ streamPrefixes: [`${prefix}nothing-here-`] })).toEqual(START_POSITION);
      });

      it('reads from the start when no position is given', async () => {
        await store.append(stream('from-start'), events(3), 'no_stream');
        expect(await store.readAll({ streamPrefixes: [prefix] })).toHaveLength(3);
      });

      it('hands out positions that only grow, and reports the last one as the head', async () => {
        const start = await store.headPosition();
        const results: AppendResult[] = [];
        for (let index = 0; index < 6; index += 1) {
          results.push(await store.append(stream(`grow-${index % 3}`), events(1 + (index % 2)), 'any'));
        }
        for (let index = 1; index < results.length; index += 1) {
          expect(comparePositions(results[index - 1]!.position, results[index]!.position)).toBe(-1);
        }
        const last = results[results.length - 1]!.position;
        expect(comparePositions(await store.headPosition(), last)).toBeGreaterThanOrEqual(0);
        const read = await store.readAll({ after: start, ...mine() });
        expect(read).toHaveLength(9);
        for (let index = 1; index < read.length; index += 1) {
          expect(comparePositions(read[index - 1]!.position, read[index]!.position)).toBe(-1);
        }
        expect(read[read.length - 1]!.position).toEqual(last);
      });
    });

    // What both adapters keep (see EventToAppend.id): a retry at the batch's original expected
    // revision. Retries under 'any' are EventStoreDB's best effort and are not part of the port.
    describe('idempotent append by event id, at the original expected revision', () => {
      it('stores a batch retried at its original expected revision once, even after later appends', async () => {
        const id = stream('idempotent-exact');
        const first = events(2);
        const second = events(1);
        const firstResult = await store.append(id, first, 'no_stream');
        const secondResult = await store.append(id, second, 1);
        await store.append(id, events(1), 2);
        expect(await store.append(id, first, 'no_stream')).toEqual(firstResult);
        expect(await store.append(id, second, 1)).toEqual(secondResult);
        expect((await store.readStream(id)).map((event) => event.id)).toHaveLength(4);
      });

      it('moves neither the stream nor the global position on a retry', async () => {
        const id = stream('idempotent-position');
        const batch = events(2);
        const original = await store.append(id, batch, 'no_stream');
        await store.append(id, batch, 'no_stream');
        expect(await store.streamRevision(id)).toBe(1);
        expect(await store.readAll({ after: original.position, streamPrefixes: [prefix] })).toEqual([]);
      });

      it('refuses a batch whose ids are stored, but not as this batch at this revision, and writes none of it', async () => {
        const id = stream('partial');
        const [a, b] = events(2);
        const [c] = events(1);
        await store.append(id, [a!, b!], 'no_stream');
        // a then c where a then b was written.
        await refused(store.append(id, [a!, c!], 'no_stream'));
        expect((await store.readStream(id)).map((event) => event.id)).toEqual([a!.id, b!.id]);
      });
    });

    describe('concurrent appends', () => {
      it('lets exactly one of 20 concurrent appends at the same expected revision win', async () => {
        const id = stream('race');
        await store.append(id, events(3), 'no_stream');
        const outcomes = await Promise.allSettled(Array.from({ length: 20 }, () => store.append(id, events(1), 2)));
        const won = outcomes.filter((outcome) => outcome.status === 'fulfilled');
        const lost = outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason as unknown] : []));
        expect(won).toHaveLength(1);
        expect(lost).toHaveLength(19);
        for (const error of lost) expect(error).toMatchObject({ name: 'WrongExpectedRevisionError', actual: 3 });
        expect(await store.streamRevision(id)).toBe(3);
      });

      it('loses nothing when writers retry on conflict', async () => {
        const id = stream('retrying-writers');
        const writer = async (): Promise<string[]> => {
          const ids: string[] = [];
          for (let n = 0; n < 8; n += 1) {
            const batch = events(1);
            for (;;) {
              const revision = await store.streamRevision(id);
              try {
                await store.append(id, batch, revision === -1 ? 'no_stream' : revision);
                break;
              } catch (error) {
                if (!(error instanceof WrongExpectedRevisionError)) throw error;
              }
            }
            ids.push(batch[0]!.id);
          }
          return ids;
        };
        const written = (await Promise.all([writer(), writer(), writer(), writer()])).flat();
        const read = await store.readStream(id);
        expect(read.map((event) => event.revision)).toEqual(Array.from({ length: 32 }, (_, index) => index));
        expect(new Set(read.map((event) => event.id))).toEqual(new Set(written));
      });
    });

    describe('subscribeToAll', () => {
      it('replays from the start exactly once in order, goes live, then delivers new events', async () => {
        const start = await store.headPosition();
        for (let index = 0; index < 5; index += 1) {
          await store.append(stream(`s-${index % 3}`), events(3), 'any');
        }
        await store.append(stream('x-not-followed'), events(2), 'any');
        const follower = follow(store, { streamPrefixes: [stream('s-')] });
        await waitUntil(() => follower.subscription.isLive && follower.received.length === 15, 'replay and live');
        await store.append(stream('s-0'), events(2), 'any');
        await store.append(stream('x-not-followed'), events(1), 'any');
        await store.append(stream('s-9'), events(1), 'any');
        await waitUntil(() => follower.received.length === 18, 'live events');
        await follower.subscription.stop();
        expectSameEvents(follower.received, await store.readAll({ after: start, streamPrefixes: [stream('s-')] }));
      });

      it('catches up and goes live without gap or duplicate while appends are under way', async () => {
        const start = await store.headPosition();
        let appended = 0;
        let appending = true;
        const appender = (async () => {
          for (let round = 0; round < 60; round += 1) {
            const batch = events(1 + (round % 3));
            await store.append(stream(`busy-${round % 4}`), batch, 'any');
            appended += batch.length;
            await sleep(round % 5 === 0 ? 2 : 0);
          }
          appending = false;
        })();
        await waitUntil(() => appended >= 20, 'the appender to get going');
        const follower = follow(store, { after: start, ...mine() }, async (event) => {
          if (event.revision % 2 === 0) await sleep(0);
        });
        await appender;
        expect(appending).toBe(false);
        await waitUntil(() => follower.received.length >= appended && follower.subscription.isLive, 'every event');
        await sleep(50);
        await follower.subscription.stop();
        expectSameEvents(follower.received, await store.readAll({ after: start, ...mine() }));
        expect(follower.received).toHaveLength(appended);
      });

      it('resumes strictly after a given position', async () => {
        const start = await store.headPosition();
        await store.append(stream('resume'), events(10), 'no_stream');
        const all = await store.readAll({ after: start, ...mine() });
        const follower = follow(store, { after: all[3]!.position, ...mine() });
        await waitUntil(() => follower.received.length === 6 && follower.subscription.isLive, 'the rest');
        await sleep(20);
        await follower.subscription.stop();
        expectSameEvents(follower.received, all.slice(4));
      });

      it('awaits the handler: one event at a time, in order, however slow', async () => {
        const start = await store.headPosition();
        for (let index = 0; index < 4; index += 1) await store.append(stream(`slow-${index % 2}`), events(5), 'any');
        let inFlight = 0;
        let maxInFlight = 0;
        const follower = follow(store, mine(), async (event) => {
          inFlight += 1;
          maxInFlight = Math.max(maxInFlight, inFlight);
          await sleep(event.revision % 3);
          await Promise.resolve();
          inFlight -= 1;
        });
        await waitUntil(() => follower.received.length === 20 && inFlight === 0, 'all events');
        await store.append(stream('slow-live'), events(3), 'no_stream');
        await waitUntil(() => follower.received.length === 23 && inFlight === 0, 'live events');
        await follower.subscription.stop();
        expect(maxInFlight).toBe(1);
        expectSameEvents(follower.received, await store.readAll({ after: start, ...mine() }));
      });

      it('stop() ends the subscription: done resolves and nothing more is delivered', async () => {
        await store.append(stream('stop'), events(5), 'no_stream');
        const follower = follow(store, mine());
        await waitUntil(() => follower.received.length === 5 && follower.subscription.isLive, 'the replay');
        await follower.subscription.stop();
        await expect(follower.subscription.done).resolves.toBeUndefined();
        await store.append(stream('stop'), events(2), 4);
        await sleep(400);
        expect(follower.received).toHaveLength(5);
      });

      it('stop() from inside the handler does not wait on itself', async () => {
        await store.append(stream('stop-inside'), events(5), 'no_stream');
        let subscription: Subscription | null = null;
        const received: RecordedEvent[] = [];
        subscription = store.subscribeToAll(async (event) => {
          received.push(event);
          if (received.length === 2) await subscription!.stop();
        }, mine());
        await subscription.done;
        expect(received.map((event) => event.revision)).toEqual([0, 1]);
      });

      it('a failing handler rejects done with its error and stops the subscription', async () => {
        await store.append(stream('failing'), events(5), 'no_stream');
        const failure = new Error('projection write failed');
        const received: RecordedEvent[] = [];
        const subscription = store.subscribeToAll((event) => {
          received.push(event);
          if (event.revision === 2) throw failure;
        }, mine());
        await expect(subscription.done).rejects.toBe(failure);
        await store.append(stream('failing'), events(1), 4);
        await sleep(50);
        expect(received.map((event) => event.revision)).toEqual([0, 1, 2]);
      });
    });

    describe('close', () => {
      it('refuses work after close', async () => {
        await store.append(stream('closing'), events(1), 'no_stream');
        await store.close();
        await expect(store.append(stream('closing'), events(1), 0)).rejects.toBeInstanceOf(EventStoreUnavailableError);
        await expect(store.readStream(stream('closing'))).rejects.toBeInstanceOf(EventStoreUnavailableError);
        await expect(store.readAll(mine())).rejects.toBeInstanceOf(EventStoreUnavailableError);
      });
    });
  });
}

let counter = 0;

/** ~300-byte JSON events with nested values, so a round trip proves more than strings survive. */
export function events(count: number): EventToAppend[] {
  return Array.from({ length: count }, () => {
    counter += 1;
    return {
      id: randomUUID(),
      type: counter % 2 === 0 ? 'SomethingHappened' : 'SomethingElseHappened',
      data: { n: counter, text: `event ${counter} — ünïcödé ✓`, nested: { list: [1, 'two', null, true, { deep: 2.5 }] } },
      metadata: {
        organizationId: 'org-contract',
        actor: { type: 'user', id: 'user-1', name: null },
        correlationId: randomUUID(),
        causationId: randomUUID(),
        schemaVersion: 1,
        redactions: [],
        occurredAt: '2024-05-01T12:00:00.000Z',
      },
    };
  });
}

async function refused(append: Promise<AppendResult>): Promise<WrongExpectedRevisionError> {
  const error = await append.then(
    (result) => new Error(`expected the append to be refused, got ${JSON.stringify(result)}`),
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(WrongExpectedRevisionError);
  return error as WrongExpectedRevisionError;
}

interface Follower {
  received: RecordedEvent[];
  subscription: Subscription;
}

function follow(
  store: EventStore,
  options: SubscribeToAllOptions,
  onEvent?: (event: RecordedEvent) => Promise<void> | void,
): Follower {
  const received: RecordedEvent[] = [];
  const subscription = store.subscribeToAll(async (event) => {
    received.push(event);
    await onEvent?.(event);
  }, options);
  return { received, subscription };
}

/** Exactly once, in global order: the same ids as the store's own read, positions strictly growing. */
function expectSameEvents(actual: RecordedEvent[], expected: RecordedEvent[]): void {
  expect(actual.map((event) => `${event.streamId}@${event.revision}:${event.id}`)).toEqual(
    expected.map((event) => `${event.streamId}@${event.revision}:${event.id}`),
  );
  for (let index = 1; index < actual.length; index += 1) {
    expect(comparePositions(actual[index - 1]!.position, actual[index]!.position)).toBe(-1);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export async function waitUntil(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}
