import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventStoreUnavailableError, WrongExpectedRevisionError } from './errors';
import { describeEventStoreContract, events, waitUntil, type EventStoreFixture } from './event-store.contract';
import type { EventToAppend, RecordedEvent } from './event-store.port';
import { SqliteEventStore, type SqliteEventStoreOptions } from './sqlite-event-store';

function sqliteFixture(options: SqliteEventStoreOptions): () => Promise<EventStoreFixture> {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ledger-event-store-'));
    const store = new SqliteEventStore(join(dir, 'events.sqlite'), options);
    return {
      store,
      cleanup: async () => {
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  };
}

describeEventStoreContract('SQLite file', sqliteFixture({ pollIntervalMs: 100 }));
// Tiny pages: catch-up crosses many page boundaries, and live appends land mid-replay.
describeEventStoreContract('SQLite file, 3-event pages', sqliteFixture({ pollIntervalMs: 100, pageSize: 3 }));

describe('SqliteEventStore', () => {
  let dir: string;
  let file: string;
  const opened: SqliteEventStore[] = [];
  const open = (options: SqliteEventStoreOptions = {}): SqliteEventStore => {
    const store = new SqliteEventStore(file, options);
    opened.push(store);
    return store;
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-event-store-'));
    file = join(dir, 'events.sqlite');
  });

  afterEach(async () => {
    for (const store of opened.splice(0)) await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  describe('stored hashes of event ids (id_hashes)', () => {
    /** A stream of 700 events (three rows of hashes) appended in batches of 100, then the store closed. */
    async function longStream(): Promise<EventToAppend[]> {
      const store = open();
      const written: EventToAppend[] = [];
      for (let batch = 0; batch < 7; batch++) {
        const next = events(100);
        await store.append('session-long', next, batch === 0 ? 'no_stream' : batch * 100 - 1);
        written.push(...next);
      }
      await store.close();
      return written;
    }

    function hashRows(): Array<{ first_revision: number; length: number }> {
      const db = new Database(file);
      try {
        return (db.prepare("SELECT first_revision, hashes FROM id_hashes WHERE stream_id = 'session-long' ORDER BY first_revision").all() as Array<{ first_revision: number; hashes: Buffer }>)
          .map((row) => ({ first_revision: row.first_revision, length: row.hashes.length / 4 }));
      } finally {
        db.close();
      }
    }

    function sql(statement: string): void {
      const db = new Database(file);
      try {
        db.exec(statement);
      } finally {
        db.close();
      }
    }

    it('stores one hash per revision, 256 revisions a row, with the events', async () => {
      await longStream();
      expect(hashRows()).toEqual([
        { first_revision: 0, length: 256 },
        { first_revision: 256, length: 256 },
        { first_revision: 512, length: 188 },
      ]);
    });

    it('recognises an id stored at any revision after a restart, from the stored hashes', async () => {
      const written = await longStream();
      const store = open();
      for (const revision of [0, 255, 256, 511, 699]) {
        // A retry (expected revision any) answers where it is stored; at the head's revision it is refused.
        expect((await store.append('session-long', [written[revision]!], 'any')).nextRevision).toBe(revision);
        await expect(store.append('session-long', [written[revision]!], 699)).rejects.toBeInstanceOf(WrongExpectedRevisionError);
      }
      // A retried run stored at its expected revision answers where it was stored.
      expect((await store.append('session-long', written.slice(300, 400), 299)).nextRevision).toBe(399);
      expect(await store.streamRevision('session-long')).toBe(699);
    });

    it('reads the ids of a file written without the table (schema 2) from the events, and stores their hashes', async () => {
      const written = await longStream();
      sql("DELETE FROM id_hashes; PRAGMA user_version = 2;");
      const store = open();
      expect((await store.append('session-long', [written[10]!], 'any')).nextRevision).toBe(10);
      expect((await store.append('session-long', events(1), 699)).nextRevision).toBe(700);
      await store.close();
      expect(hashRows().reduce((n, row) => n + row.length, 0)).toBe(701);
      const reopened = open();
      await expect(reopened.append('session-long', [written[600]!], 700)).rejects.toBeInstanceOf(WrongExpectedRevisionError);
      expect(await reopened.streamRevision('session-long')).toBe(700);
    });

    it('trusts only the run of hashes contiguous from revision 0: after a gap the ids come from the events', async () => {
      const written = await longStream();
      sql("DELETE FROM id_hashes WHERE first_revision = 256");
      const store = open();
      await expect(store.append('session-long', [written[600]!], 699)).rejects.toBeInstanceOf(WrongExpectedRevisionError);
      await expect(store.append('session-long', [written[300]!], 699)).rejects.toBeInstanceOf(WrongExpectedRevisionError);
      expect((await store.append('session-long', [written[300]!], 'any')).nextRevision).toBe(300);
      expect((await store.append('session-long', events(1), 699)).nextRevision).toBe(700);
    });
  });

  it('keeps its events across close and reopen, and carries on numbering from there', async () => {
    const first = open();
    const written = events(4);
    const result = await first.append('session-1', written, 'no_stream');
    await first.close();

    const reopened = open();
    expect((await reopened.readStream('session-1')).map((event) => event.id)).toEqual(written.map((event) => event.id));
    expect(await reopened.streamRevision('session-1')).toBe(3);
    expect(await reopened.headPosition()).toEqual(result.position);
    const next = await reopened.append('session-1', events(1), 3);
    expect(next.nextRevision).toBe(4);
    expect(next.position.commit).toBeGreaterThan(result.position.commit);
  });

  it('runs the file in WAL mode', () => {
    open();
    const raw = new Database(file, { readonly: true });
    try {
      expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    } finally {
      raw.close();
    }
  });

  it('keeps its WAL small under a sustained load of appends: the checkpoints catch up and the WAL starts over', async () => {
    const store = open();
    const MiB = 1024 * 1024;
    const walSize = (): number => (existsSync(`${file}-wal`) ? statSync(`${file}-wal`).size : 0);
    const text = 'x'.repeat(4_000);
    let appended = 0;
    let largest = 0;
    // Eight appenders back to back, as eight clients of a busy server: there is never a pause
    // long enough for a once-a-second checkpoint to find the WAL fully copied.
    await Promise.all(
      Array.from({ length: 8 }, async (_, n) => {
        let revision = -1;
        while (appended < 320 * MiB) {
          const batch = events(20).map((event) => ({ ...event, data: { ...event.data, text } }));
          const result = await store.append(`session-wal-${n}`, batch, revision === -1 ? 'no_stream' : revision);
          revision = result.nextRevision;
          appended += batch.length * text.length;
          largest = Math.max(largest, walSize());
        }
      }),
    );
    expect(appended).toBeGreaterThanOrEqual(320 * MiB);
    // Without catching up, the WAL holds every byte appended (more, with its page headers); the
    // bound is 64 MiB, looked at every 100 ms.
    expect(largest).toBeLessThan(96 * MiB);
  }, 120_000);

  it("delivers another instance's appends to a subscription by polling the shared file", async () => {
    const writer = open();
    const reader = open({ pollIntervalMs: 30 });
    const received: RecordedEvent[] = [];
    const subscription = reader.subscribeToAll((event) => {
      received.push(event);
    });
    await waitUntil(() => subscription.isLive, 'the reader to go live');
    await writer.append('session-a', events(3), 'no_stream');
    await writer.append('session-b', events(2), 'no_stream');
    await waitUntil(() => received.length === 5, "the writer's events", 2000);
    expect(received.map((event) => event.streamId)).toEqual(['session-a', 'session-a', 'session-a', 'session-b', 'session-b']);
    // The expected revision holds across connections too.
    await expect(reader.append('session-a', events(1), 'no_stream')).rejects.toMatchObject({ actual: 2 });
    await subscription.stop();
  });

  it('wakes its own subscriptions on append instead of waiting for the poll', async () => {
    const store = open({ pollIntervalMs: 60_000 });
    const received: RecordedEvent[] = [];
    const subscription = store.subscribeToAll((event) => {
      received.push(event);
    });
    await waitUntil(() => subscription.isLive, 'live');
    const started = Date.now();
    await store.append('session-fast', events(1), 'no_stream');
    await waitUntil(() => received.length === 1, 'the event', 2000);
    // The poll is a minute away: anything this quick was the in-process wakeup (sub-ms when idle).
    expect(Date.now() - started).toBeLessThan(1000);
    await subscription.stop();
  });

  it('appends at revision 100 000 like at revision 0', async () => {
    const store = open();
    const id = 'session-long';
    for (let batch = 0; batch < 100; batch += 1) {
      await store.append(id, smallEvents(1000), batch === 0 ? 'no_stream' : batch * 1000 - 1);
    }
    expect(await store.streamRevision(id)).toBe(99_999);
    const result = await store.append(id, smallEvents(1), 99_999);
    expect(result.nextRevision).toBe(100_000);
    expect((await store.readStream(id, { fromRevision: 99_999 })).map((event) => event.revision)).toEqual([99_999, 100_000]);
  }, 30_000);

  it('treats a retry of the first events of a batch, at their expected revision, as stored', async () => {
    const store = open();
    const [a, b, c] = events(3);
    await store.append('session-prefix', [a!, b!, c!], 'no_stream');
    const stored = await store.readStream('session-prefix');
    expect(await store.append('session-prefix', [a!, b!], 'no_stream')).toEqual({ nextRevision: 1, position: stored[1]!.position });
    expect(await store.append('session-prefix', [b!, c!], 0)).toEqual({ nextRevision: 2, position: stored[2]!.position });
  });

  it('refuses ids stored elsewhere in the stream, even when the expected revision matches', async () => {
    const store = open();
    const [a] = events(1);
    await store.append('session-dup', [a!], 'no_stream');
    // EventStoreDB would store `a` a second time here; this store keeps ids unique per stream.
    const sameAtNextRevision = await store.append('session-dup', [a!], 0).catch((error: unknown) => error);
    expect(sameAtNextRevision).toBeInstanceOf(WrongExpectedRevisionError);
    expect(sameAtNextRevision).toMatchObject({ actual: 0 });
    const [x] = events(1);
    const laterIdStored = await store.append('session-dup', [x!, a!], 'any').catch((error: unknown) => error);
    expect(laterIdStored).toMatchObject({ name: 'WrongExpectedRevisionError', actual: 0 });
    expect(await store.readStream('session-dup')).toHaveLength(1);
  });

  // Beyond the port (which promises this only at the original expected revision): this store
  // also recognises a retry under 'any', and refuses a batch whose ids are partly stored.
  it("stores a batch appended twice with 'any' once, and refuses one whose ids are only partly stored", async () => {
    const store = open();
    const batch = events(3);
    const original = await store.append('session-any', batch, 'any');
    expect(await store.append('session-any', batch, 'any')).toEqual(original);
    const [c] = events(1);
    await expect(store.append('session-any', [batch[2]!, c!], 'any')).rejects.toBeInstanceOf(WrongExpectedRevisionError);
    expect(await store.readStream('session-any')).toHaveLength(3);
  });

  it('stops running subscriptions on close and refuses new ones', async () => {
    const store = open();
    await store.append('session-c', events(2), 'no_stream');
    const subscription = store.subscribeToAll(() => undefined);
    await waitUntil(() => subscription.isLive, 'live');
    await store.close();
    await expect(subscription.done).resolves.toBeUndefined();
    const late = store.subscribeToAll(() => undefined);
    await expect(late.done).rejects.toBeInstanceOf(EventStoreUnavailableError);
  });
});

function smallEvents(count: number): EventToAppend[] {
  return Array.from({ length: count }, () => ({
    id: randomUUID(),
    type: 'Filled',
    data: { ok: true },
    metadata: {
      organizationId: 'org',
      actor: { type: 'system', id: 'filler' },
      correlationId: 'c',
      causationId: 'c',
      schemaVersion: 1,
      redactions: [],
      occurredAt: '2024-01-01T00:00:00.000Z',
    },
  }));
}
