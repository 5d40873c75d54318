import Database from 'better-sqlite3';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { streamPrefixesOf, validateAppend, validateLimit, validateReadStream } from './append-rules';
import { CatchUpSubscription } from './catch-up-subscription';
import { EventStoreUnavailableError, WrongExpectedRevisionError } from './errors';
import {
  START_POSITION,
  type AppendResult,
  type EventHandler,
  type EventMetadata,
  type EventStore,
  type EventToAppend,
  type ExpectedRevision,
  type JsonObject,
  type Position,
  type ReadAllFilter,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type SubscribeToAllOptions,
  type Subscription,
} from './event-store.port';

export interface SqliteEventStoreOptions {
  /**
   * FULL (default): an append resolves only after its WAL frames are fsynced, so it survives a
   * power loss. NORMAL fsyncs only at checkpoints: still safe against a process crash, but the
   * last appends before a power loss or kernel panic can vanish after the client was told they
   * were stored, which a system of record must not do by default.
   */
  synchronous?: 'FULL' | 'NORMAL';
  /**
   * How often a live subscription looks for events appended by another process sharing the file.
   * Appends through this instance wake its subscriptions at once.
   */
  pollIntervalMs?: number;
  /** Events read per query while a subscription catches up. */
  pageSize?: number;
  /** How long a write waits for another process's write lock before failing as unavailable. */
  busyTimeoutMs?: number;
}

const SCHEMA_VERSION = 1;

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS events (
    position    INTEGER PRIMARY KEY AUTOINCREMENT,
    stream_id   TEXT    NOT NULL,
    revision    INTEGER NOT NULL,
    event_id    TEXT    NOT NULL,
    type        TEXT    NOT NULL,
    data        TEXT    NOT NULL,
    metadata    TEXT    NOT NULL,
    recorded_at INTEGER NOT NULL,
    UNIQUE (stream_id, revision),
    UNIQUE (stream_id, event_id)
  );
  CREATE TABLE IF NOT EXISTS streams (
    stream_id TEXT    PRIMARY KEY,
    revision  INTEGER NOT NULL
  ) WITHOUT ROWID;
`;

interface EventRow {
  position: number;
  stream_id: string;
  revision: number;
  event_id: string;
  type: string;
  data: string;
  metadata: string;
  recorded_at: number;
}

interface StoredRun {
  event_id: string;
  position: number;
}

const EVENT_COLUMNS = 'position, stream_id, revision, event_id, type, data, metadata, recorded_at';

/** Wakes one waiting subscription: on an append here, on the poll timer, or on stop. */
class Wakeup {
  private signalled = false;
  private resolve: (() => void) | null = null;
  private timer: NodeJS.Timeout | null = null;

  signal(): void {
    this.signalled = true;
    this.fire();
  }

  /** Returns at once when signalled since the last wait, so an append during delivery is never missed. */
  wait(timeoutMs: number): Promise<void> {
    if (this.signalled) {
      this.signalled = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      this.resolve = resolve;
      this.timer = setTimeout(() => this.fire(), timeoutMs);
    });
  }

  private fire(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const resolve = this.resolve;
    if (!resolve) return;
    this.resolve = null;
    this.signalled = false;
    resolve();
  }
}

/**
 * The embedded event store: one SQLite file in WAL mode, EventStoreDB's semantics.
 *
 * Positions are the events table's AUTOINCREMENT row ids. SQLite has one writer at a time for the
 * whole file, so ids are handed out in commit order and a reader never sees position n+1 without
 * n: reading "everything after my cursor" can neither skip nor repeat an event. The subscription
 * is built on exactly that read, during catch-up and live alike.
 */
export class SqliteEventStore implements EventStore {
  private readonly db: Database.Database;
  private readonly pollIntervalMs: number;
  private readonly pageSize: number;
  private closed = false;
  private readonly wakeups = new Set<Wakeup>();
  private readonly subscriptions = new Set<CatchUpSubscription>();
  private readonly readAllByPrefixCount = new Map<number, Database.Statement<unknown[], EventRow>>();
  private readonly headByPrefixCount = new Map<number, Database.Statement<string[], number>>();

  private readonly statements: {
    streamRevision: Database.Statement<[string], number>;
    eventById: Database.Statement<[string, string], { revision: number }>;
    runFrom: Database.Statement<[string, number, number], StoredRun>;
    insert: Database.Statement<[string, number, string, string, string, string, number]>;
    setStreamRevision: Database.Statement<[string, number]>;
    readStream: Database.Statement<[string, number, number], EventRow>;
    head: Database.Statement<[], number | null>;
  };

  private readonly appendTransaction: Database.Transaction<
    (streamId: string, events: EventToAppend[], expected: ExpectedRevision) => AppendOutcome
  >;
  private readonly readPageTransaction: Database.Transaction<
    (after: number, prefixes: string[] | undefined) => { events: RecordedEvent[]; head: number }
  >;

  constructor(path: string, options: SqliteEventStoreOptions = {}) {
    this.pollIntervalMs = options.pollIntervalMs ?? 250;
    this.pageSize = options.pageSize ?? 500;
    try {
      this.db = new Database(path, { timeout: options.busyTimeoutMs ?? 5000 });
    } catch (error) {
      throw unavailable(error, `open ${path}`);
    }
    try {
      this.db.pragma('journal_mode = WAL');
      this.db.pragma(`synchronous = ${options.synchronous ?? 'FULL'}`);
      this.migrate();
    } catch (error) {
      this.db.close();
      throw unavailable(error, `open ${path}`);
    }

    this.statements = {
      streamRevision: this.db.prepare<[string], number>('SELECT revision FROM streams WHERE stream_id = ?').pluck(),
      eventById: this.db.prepare('SELECT revision FROM events WHERE stream_id = ? AND event_id = ?'),
      runFrom: this.db.prepare('SELECT event_id, position FROM events WHERE stream_id = ? AND revision >= ? ORDER BY revision LIMIT ?'),
      insert: this.db.prepare(
        'INSERT INTO events (stream_id, revision, event_id, type, data, metadata, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ),
      setStreamRevision: this.db.prepare(
        'INSERT INTO streams (stream_id, revision) VALUES (?, ?) ON CONFLICT (stream_id) DO UPDATE SET revision = excluded.revision',
      ),
      readStream: this.db.prepare(
        `SELECT ${EVENT_COLUMNS} FROM events WHERE stream_id = ? AND revision >= ? ORDER BY revision LIMIT ?`,
      ),
      head: this.db.prepare<[], number | null>('SELECT max(position) FROM events').pluck(),
    };

    this.appendTransaction = this.db.transaction((streamId: string, events: EventToAppend[], expected: ExpectedRevision) =>
      this.appendWithinTransaction(streamId, events, expected),
    );
    // One snapshot for the page and the head, so "nothing matched up to head" is true of the same state.
    this.readPageTransaction = this.db.transaction((after: number, prefixes: string[] | undefined) => ({
      events: this.selectAll(after, prefixes, this.pageSize),
      head: this.statements.head.get() ?? START_POSITION.commit,
    }));
  }

  async append(streamId: string, events: EventToAppend[], expectedRevision: ExpectedRevision): Promise<AppendResult> {
    validateAppend(streamId, events, expectedRevision);
    // IMMEDIATE takes the write lock before the revision is read, so another process cannot append
    // between our check and our insert, and a read lock never has to be upgraded (SQLITE_BUSY).
    const outcome = this.guard('append', () => this.appendTransaction.immediate(streamId, events, expectedRevision));
    if (outcome.written) for (const wakeup of this.wakeups) wakeup.signal();
    return { nextRevision: outcome.nextRevision, position: positionOf(outcome.position) };
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const { fromRevision, limit } = validateReadStream(options);
    return this.guard('readStream', () => this.statements.readStream.all(streamId, fromRevision, limit ?? -1).map(toRecordedEvent));
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const limit = validateLimit(options.limit);
    const after = (options.after ?? START_POSITION).commit;
    return this.guard('readAll', () => this.selectAll(after, streamPrefixesOf(options), limit ?? -1));
  }

  async streamRevision(streamId: string): Promise<number> {
    return this.guard('streamRevision', () => this.statements.streamRevision.get(streamId) ?? -1);
  }

  async headPosition(filter: ReadAllFilter = {}): Promise<Position> {
    const prefixes = streamPrefixesOf(filter);
    // The last matching row, newest first: the filter is the readAll one, scanning back from the end.
    const head = this.guard('headPosition', () =>
      prefixes ? this.selectLastPosition(prefixes) : this.statements.head.get(),
    );
    return head === null || head === undefined ? START_POSITION : positionOf(head);
  }

  private selectLastPosition(prefixes: string[]): number | undefined {
    let statement = this.headByPrefixCount.get(prefixes.length);
    if (!statement) {
      const filter = prefixes.map(() => 'instr(stream_id, ?) = 1').join(' OR ');
      statement = this.db.prepare<string[], number>(`SELECT position FROM events WHERE ${filter} ORDER BY position DESC LIMIT 1`).pluck();
      this.headByPrefixCount.set(prefixes.length, statement);
    }
    return statement.get(...prefixes);
  }

  subscribeToAll(handler: EventHandler, options: SubscribeToAllOptions = {}): Subscription {
    const after = (options.after ?? START_POSITION).commit;
    const prefixes = streamPrefixesOf(options);
    const closedAlready = this.closed;
    const subscription = new CatchUpSubscription(handler, (self) => this.feed(self, after, prefixes, closedAlready));
    // Registered now, not when the feed starts, so a close() right after this call still stops it.
    if (!closedAlready) this.subscriptions.add(subscription);
    return subscription;
  }

  /** Stops every subscription (each finishes its in-flight handler on its own) and closes the file. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const subscription of this.subscriptions) subscription.requestStop();
    this.db.close();
  }

  private migrate(): void {
    const version = this.db.pragma('user_version', { simple: true });
    if (typeof version === 'number' && version > SCHEMA_VERSION) {
      throw new EventStoreUnavailableError(`event store file has schema version ${version}; this build knows ${SCHEMA_VERSION}`);
    }
    this.db.exec(SCHEMA);
    this.db.pragma(`user_version = ${SCHEMA_VERSION}`);
  }

  private appendWithinTransaction(streamId: string, events: EventToAppend[], expected: ExpectedRevision): AppendOutcome {
    const current = this.statements.streamRevision.get(streamId) ?? -1;
    const first = this.statements.eventById.get(streamId, events[0]!.id);
    if (first !== undefined) return this.alreadyStored(streamId, events, expected, current, first.revision);
    if (!expectationHolds(expected, current)) throw new WrongExpectedRevisionError(streamId, expected, current);

    const recordedAt = Date.now();
    let revision = current;
    let position = 0;
    for (const event of events) {
      revision += 1;
      try {
        const result = this.statements.insert.run(
          streamId,
          revision,
          event.id,
          event.type,
          JSON.stringify(event.data),
          JSON.stringify(event.metadata),
          recordedAt,
        );
        position = Number(result.lastInsertRowid);
      } catch (error) {
        // The first id was new but a later one is stored: a partial duplicate (see alreadyStored).
        if (isUniqueViolation(error)) {
          // Decided by looking, not by the wording of SQLite's message: which of these ids are stored?
          const stored = this.storedIds(streamId, events, current);
          if (stored.length > 0) throw new WrongExpectedRevisionError(streamId, expected, current);
        }
        throw error;
      }
    }
    this.statements.setStreamRevision.run(streamId, revision);
    return { written: true, nextRevision: revision, position };
  }

  /**
   * The batch's first id is already in the stream. EventStoreDB's idempotency rule: when the whole
   * batch is stored as one consecutive run starting there, and the expected revision is 'any' /
   * 'stream_exists' or is the one the run was appended at (the run starts right after it), the
   * append succeeds without writing and answers what the original append answered. Any other
   * overlap (a partial run, or the same run at another expected revision) is a conflict, as
   * EventStoreDB reports WrongExpectedVersion for a "corrupted idempotency".
   */
  private alreadyStored(
    streamId: string,
    events: EventToAppend[],
    expected: ExpectedRevision,
    current: number,
    firstRevision: number,
  ): AppendOutcome {
    const run = this.statements.runFrom.all(streamId, firstRevision, events.length);
    const sameRun = run.length === events.length && run.every((stored, index) => stored.event_id === events[index]!.id);
    if (sameRun && idempotentAt(expected, firstRevision)) {
      return { written: false, nextRevision: firstRevision + events.length - 1, position: run[run.length - 1]!.position };
    }
    throw new WrongExpectedRevisionError(streamId, expected, current);
  }

  private storedIds(streamId: string, events: EventToAppend[], current: number): string[] {
    return events
      .filter((event) => {
        const stored = this.statements.eventById.get(streamId, event.id);
        return stored !== undefined && stored.revision <= current;
      })
      .map((event) => event.id);
  }

  private selectAll(after: number, prefixes: string[] | undefined, limit: number): RecordedEvent[] {
    const statement = this.readAllStatement(prefixes?.length ?? 0);
    return statement.all(after, ...(prefixes ?? []), limit).map(toRecordedEvent);
  }

  private readAllStatement(prefixCount: number): Database.Statement<unknown[], EventRow> {
    let statement = this.readAllByPrefixCount.get(prefixCount);
    if (!statement) {
      // instr(...) = 1 is "starts with", byte-exact (LIKE would be case-insensitive and treat % and _ as wildcards).
      const filter = prefixCount === 0 ? '' : `AND (${Array.from({ length: prefixCount }, () => 'instr(stream_id, ?) = 1').join(' OR ')})`;
      statement = this.db.prepare<unknown[], EventRow>(
        `SELECT ${EVENT_COLUMNS} FROM events WHERE position > ? ${filter} ORDER BY position LIMIT ?`,
      );
      this.readAllByPrefixCount.set(prefixCount, statement);
    }
    return statement;
  }

  /**
   * Catch-up and live are the same loop: read the page after the cursor, deliver it, repeat;
   * when a page comes back short the replay has reached the head, so wait for a wakeup (an append
   * here, the poll timer for other processes, or stop) and read again from the same cursor. The
   * wakeup carries no events, only "look again", so there is no hand-over where an event could be
   * lost or delivered twice.
   */
  private async feed(
    subscription: CatchUpSubscription,
    after: number,
    prefixes: string[] | undefined,
    closedAlready: boolean,
  ): Promise<void> {
    if (closedAlready) throw new EventStoreUnavailableError('the SQLite event store is closed (subscribeToAll)');
    const wakeup = new Wakeup();
    this.wakeups.add(wakeup);
    subscription.onStop(() => wakeup.signal());
    let cursor = after;
    try {
      while (!subscription.isStopping) {
        const page = this.guard('subscribeToAll', () => this.readPageTransaction(cursor, prefixes));
        for (const event of page.events) {
          if (subscription.isStopping) return;
          await subscription.deliver(event);
          cursor = event.position.commit;
        }
        if (page.events.length === this.pageSize) {
          // A long replay with synchronous handlers would otherwise never let I/O run.
          await yieldToEventLoop();
          continue;
        }
        if (subscription.isStopping) return;
        // Every row up to the snapshot's head was read; rows the filter skipped need no second look.
        cursor = Math.max(cursor, page.head);
        subscription.markLive();
        await wakeup.wait(this.pollIntervalMs);
      }
    } finally {
      this.wakeups.delete(wakeup);
      this.subscriptions.delete(subscription);
    }
  }

  private guard<T>(action: string, work: () => T): T {
    if (this.closed) throw new EventStoreUnavailableError(`the SQLite event store is closed (${action})`);
    try {
      return work();
    } catch (error) {
      throw unavailable(error, action);
    }
  }
}

interface AppendOutcome {
  written: boolean;
  nextRevision: number;
  position: number;
}

function expectationHolds(expected: ExpectedRevision, current: number): boolean {
  switch (expected) {
    case 'any':
      return true;
    case 'no_stream':
      return current === -1;
    case 'stream_exists':
      return current >= 0;
    default: {
      if (typeof expected === 'number') return current === expected;
      const _never: never = expected;
      return _never;
    }
  }
}

/** Whether a stored run starting at `firstRevision` is what an append at `expected` wrote. */
function idempotentAt(expected: ExpectedRevision, firstRevision: number): boolean {
  switch (expected) {
    case 'any':
    case 'stream_exists':
      return true;
    case 'no_stream':
      return firstRevision === 0;
    default: {
      if (typeof expected === 'number') return firstRevision === expected + 1;
      const _never: never = expected;
      return _never;
    }
  }
}

/**
 * Recognised by code, not by class: the native addon keeps the SqliteError class of the first
 * module instance that loaded it, so `instanceof` fails where modules are loaded afresh (jest).
 */
function sqliteCode(error: unknown): string | null {
  // Not even `instanceof Error`: under jest the addon's errors come from another realm's Error.
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' && code.startsWith('SQLITE_') ? code : null;
}

function isUniqueViolation(error: unknown): boolean {
  return sqliteCode(error) === 'SQLITE_CONSTRAINT_UNIQUE';
}

/** SQLite's own errors (busy, I/O, disk full, closed) become the port's; ours pass through. */
function unavailable(error: unknown, action: string): unknown {
  const code = sqliteCode(error);
  if (code !== null) {
    return new EventStoreUnavailableError(`SQLite event store: ${action} failed (${code}): ${(error as Error).message}`, { cause: error });
  }
  return error;
}

function positionOf(rowPosition: number): Position {
  return { commit: rowPosition, prepare: rowPosition };
}

function toRecordedEvent(row: EventRow): RecordedEvent {
  const data: JsonObject = JSON.parse(row.data);
  const metadata: EventMetadata = JSON.parse(row.metadata);
  return {
    streamId: row.stream_id,
    revision: row.revision,
    position: positionOf(row.position),
    id: row.event_id,
    type: row.type,
    data,
    metadata,
    recordedAt: new Date(row.recorded_at),
  };
}
