import Database from 'better-sqlite3';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { statSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
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
import { createGroupCommitWriter, type WriteRequest, type WriteOutcome } from './sqlite-writer';

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
  /** Event ids the writer keeps hashed in memory for the idempotency check, over all streams. */
  maxKnownIds?: number;
}

/** The checkpointer's pace while the WAL grows, and while it does not. */
const CHECKPOINT_BUSY_MS = 50;
const CHECKPOINT_IDLE_MS = 1000;
/** The WAL size past which commits wait for the checkpointer to catch up, how often that is looked at, the longest wait, and what the file is cut back to when it starts over. */
const WAL_SIZE_LIMIT_BYTES = 64 * 1024 * 1024;
const WAL_CHECK_MS = 100;
const WAL_HOLD_MAX_MS = 1000;
const WAL_KEPT_BYTES = 16 * 1024 * 1024;

/**
 * 2: no index on (stream_id, event_id); ids are checked by the writer (see sqlite-writer.ts).
 * 3: `id_hashes`, the hashes of each stream's event ids, 256 revisions a row (sqlite-writer.ts).
 * A file of version 1 is rebuilt into version 2 when it is opened; a file of version 2 gets the
 * empty table, filled per stream by its first append (the ids read from the events once).
 */
const SCHEMA_VERSION = 3;

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
    UNIQUE (stream_id, revision)
  );
  CREATE TABLE IF NOT EXISTS streams (
    stream_id TEXT    PRIMARY KEY,
    revision  INTEGER NOT NULL
  ) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS id_hashes (
    stream_id      TEXT    NOT NULL,
    first_revision INTEGER NOT NULL,
    hashes         BLOB    NOT NULL,
    PRIMARY KEY (stream_id, first_revision)
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

/** An EventRow as `raw` statements return it: the columns in EVENT_COLUMNS order. */
type RawEventRow = [position: number, streamId: string, revision: number, eventId: string, type: string, data: string, metadata: string, recordedAt: number];

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
  private readonly walPath: string;
  private lastWalCheck = 0;
  private checkpointerAlive = false;
  /** While the checkpointer thread finishes a checkpoint for the WAL's bound, commits wait for `done`. */
  private walHold: { done: Promise<void>; release(): void } | null = null;
  private readonly wakeups = new Set<Wakeup>();
  private readonly subscriptions = new Set<CatchUpSubscription>();
  private readonly readAllByPrefixCount = new Map<number, Database.Statement<unknown[], RawEventRow>>();
  private readonly headByPrefixCount = new Map<number, Database.Statement<string[], number>>();

  private readonly statements: {
    streamRevision: Database.Statement<[string], number>;
    readStream: Database.Statement<[string, number, number], EventRow>;
    head: Database.Statement<[], number | null>;
  };

  private readonly write: (request: WriteRequest) => Promise<WriteOutcome>;
  private readonly checkpointer: Worker | null;
  private readonly inFlight = new Set<Promise<unknown>>();
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
      readStream: this.db.prepare(
        `SELECT ${EVENT_COLUMNS} FROM events WHERE stream_id = ? AND revision >= ? ORDER BY revision LIMIT ?`,
      ),
      head: this.db.prepare<[], number | null>('SELECT max(position) FROM events').pluck(),
    };

    this.checkpointer = this.startCheckpointer(path, options);
    this.walPath = `${path}-wal`;
    this.write = createGroupCommitWriter(
      this.db,
      options.maxKnownIds ?? 2_000_000,
      () => {
        for (const wakeup of this.wakeups) wakeup.signal();
        this.boundWal();
      },
      () => this.walHold?.done ?? null,
    );
    // One snapshot for the page and the head, so "nothing matched up to head" is true of the same state.
    this.readPageTransaction = this.db.transaction((after: number, prefixes: string[] | undefined) => ({
      events: this.selectAll(after, prefixes, this.pageSize),
      head: this.statements.head.get() ?? START_POSITION.commit,
    }));
  }

  /**
   * Group commit (see sqlite-writer.ts): the appends of one turn of the event loop share one
   * commit, and each resolves once the commit holding it returned, i.e. its data is durable.
   */
  async append(streamId: string, events: EventToAppend[], expectedRevision: ExpectedRevision): Promise<AppendResult> {
    validateAppend(streamId, events, expectedRevision);
    if (this.closed) throw new EventStoreUnavailableError('the SQLite event store is closed (append)');
    const pending = this.write({
      streamId,
      events: events.map((event) => ({ id: event.id, type: event.type, data: JSON.stringify(event.data), metadata: JSON.stringify(event.metadata) })),
      expected: expectedRevision,
    });
    this.inFlight.add(pending);
    const outcome = await pending.finally(() => this.inFlight.delete(pending));
    if (outcome.refused) throw new WrongExpectedRevisionError(streamId, expectedRevision, outcome.refused.actual);
    if (outcome.failed !== undefined) throw unavailable(outcome.failed, 'append');
    const ok = outcome.ok!;
    return { nextRevision: ok.nextRevision, position: positionOf(ok.position) };
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

  /** Stops every subscription (each finishes its in-flight handler on its own), lets the appends under way commit, and closes the file. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const subscription of this.subscriptions) subscription.requestStop();
    await Promise.allSettled([...this.inFlight]);
    await this.checkpointer?.terminate();
    this.db.close();
  }

  /**
   * The WAL's bound, when the checkpointer thread cannot get there alone: past WAL_SIZE_LIMIT_BYTES
   * (looked at every WAL_CHECK_MS, after a commit), the commits wait while the thread copies what
   * it has not copied yet (WAL_HOLD_MAX_MS at most); the next commit then finds every frame copied
   * and starts the WAL over. The appends meanwhile queue and commit together, and the event loop
   * stays free: under the heaviest load, one wait of a few milliseconds per WAL_SIZE_LIMIT_BYTES.
   */
  private boundWal(): void {
    const checkpointer = this.checkpointer;
    if (checkpointer === null || !this.checkpointerAlive || this.walHold !== null) return;
    const now = performance.now();
    if (now - this.lastWalCheck < WAL_CHECK_MS) return;
    this.lastWalCheck = now;
    if ((statSync(this.walPath, { throwIfNoEntry: false })?.size ?? 0) <= WAL_SIZE_LIMIT_BYTES) return;
    let release = (): void => undefined;
    const done = new Promise<void>((resolve) => {
      const timer = setTimeout(() => this.endWalHold(), WAL_HOLD_MAX_MS);
      release = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.walHold = { done, release };
    checkpointer.postMessage('checkpoint');
  }

  private endWalHold(): void {
    const hold = this.walHold;
    this.walHold = null;
    hold?.release();
  }

  /**
   * SQLite's automatic WAL checkpoint runs inside the commit that crosses its threshold: it copies
   * the WAL into the database file and fsyncs it, on the event loop, tens of milliseconds on a
   * slow disk, every few seconds under a steady load (the subscriber p99 of scenario 6). Here a
   * thread of its own does PASSIVE checkpoints (which never block a writer) on its own connection,
   * and commits only fsync their WAL frames. Should the thread fail, the commits take the
   * checkpoints back.
   *
   * The WAL starts over from its beginning only when a write begins with every frame already
   * copied. Checkpoints once a second never got there under a sustained load: the WAL grew by
   * every byte appended (326 MB in the bench's 14 s ingest), and every page read scanned a
   * longer WAL index. So the thread checkpoints every CHECKPOINT_BUSY_MS while the WAL grows,
   * once a second when it does not, and `journal_size_limit` gives the file back to the disk
   * when it starts over.
   */
  private startCheckpointer(path: string, options: SqliteEventStoreOptions): Worker | null {
    if (path === ':memory:' || path === '') return null;
    const source = `
      const { parentPort, workerData } = require('node:worker_threads');
      const Database = require(workerData.driver);
      const db = new Database(workerData.path, { timeout: workerData.busyTimeoutMs });
      db.pragma('synchronous = ' + workerData.synchronous);
      let lastLog = -1;
      let timer = null;
      const checkpoint = () => {
        let log = lastLog;
        try {
          log = db.pragma('wal_checkpoint(PASSIVE)')[0].log;
        } catch (error) {
          if (!String(error && error.code).startsWith('SQLITE_BUSY')) throw error;
        }
        const growing = log !== lastLog;
        lastLog = log;
        timer = setTimeout(checkpoint, growing ? workerData.busyMs : workerData.idleMs);
      };
      timer = setTimeout(checkpoint, workerData.idleMs);
      // The writer holds its commits for this one: with no write under way it copies every frame.
      parentPort.on('message', (message) => {
        if (message !== 'checkpoint') return;
        clearTimeout(timer);
        checkpoint();
        parentPort.postMessage('checkpointed');
      });
      parentPort.on('close', () => { clearTimeout(timer); db.close(); });
    `;
    try {
      const worker = new Worker(source, {
        eval: true,
        workerData: {
          driver: require.resolve('better-sqlite3'),
          path,
          synchronous: options.synchronous ?? 'FULL',
          busyTimeoutMs: options.busyTimeoutMs ?? 5000,
          busyMs: CHECKPOINT_BUSY_MS,
          idleMs: CHECKPOINT_IDLE_MS,
        },
      });
      this.db.pragma('wal_autocheckpoint = 0');
      this.db.pragma(`journal_size_limit = ${WAL_KEPT_BYTES}`);
      this.checkpointerAlive = true;
      worker.on('message', (message) => {
        if (message === 'checkpointed') this.endWalHold();
      });
      const takeBack = () => {
        this.checkpointerAlive = false;
        this.endWalHold();
        if (!this.closed) this.db.pragma('wal_autocheckpoint = 1000');
      };
      worker.on('error', takeBack);
      worker.on('exit', takeBack);
      // Last: a 'message' listener refs the worker's port again, and a store left open must not keep its process alive.
      worker.unref();
      return worker;
    } catch {
      return null;
    }
  }

  private migrate(): void {
    const version = this.db.pragma('user_version', { simple: true });
    if (typeof version === 'number' && version > SCHEMA_VERSION) {
      throw new EventStoreUnavailableError(`event store file has schema version ${version}; this build knows ${SCHEMA_VERSION}`);
    }
    if (version === 1) {
      // Version 1 had UNIQUE (stream_id, event_id): rebuilt once without it, positions kept.
      this.db.transaction(() => {
        this.db.exec(SCHEMA.replace('CREATE TABLE IF NOT EXISTS events (', 'CREATE TABLE events_v2 ('));
        this.db.exec(`INSERT INTO events_v2 (${EVENT_COLUMNS}) SELECT ${EVENT_COLUMNS} FROM events ORDER BY position`);
        this.db.exec('DROP TABLE events');
        this.db.exec('ALTER TABLE events_v2 RENAME TO events');
      }).immediate();
    }
    this.db.exec(SCHEMA);
    this.db.pragma(`user_version = ${SCHEMA_VERSION}`);
  }

  private selectAll(after: number, prefixes: string[] | undefined, limit: number): RecordedEvent[] {
    const statement = this.readAllStatement(prefixes?.length ?? 0);
    const rows = statement.all(after, ...(prefixes ?? []), limit);
    const events = new Array<RecordedEvent>(rows.length);
    for (let i = 0; i < rows.length; i++) events[i] = fromRawRow(rows[i]!);
    return events;
  }

  /** Rows as arrays (`raw`), in EVENT_COLUMNS order: a replay reads millions, and named rows cost a third more. */
  private readAllStatement(prefixCount: number): Database.Statement<unknown[], RawEventRow> {
    let statement = this.readAllByPrefixCount.get(prefixCount);
    if (!statement) {
      // instr(...) = 1 is "starts with", byte-exact (LIKE would be case-insensitive and treat % and _ as wildcards).
      const filter = prefixCount === 0 ? '' : `AND (${Array.from({ length: prefixCount }, () => 'instr(stream_id, ?) = 1').join(' OR ')})`;
      statement = this.db
        .prepare<unknown[], RawEventRow>(`SELECT ${EVENT_COLUMNS} FROM events WHERE position > ? ${filter} ORDER BY position LIMIT ?`)
        .raw(true);
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
          const pending = subscription.deliver(event);
          if (pending) await pending;
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

/**
 * Recognised by code, not by class: the native addon keeps the SqliteError class of the first
 * module instance that loaded it, so `instanceof` fails where modules are loaded afresh (jest).
 */
function sqliteCode(error: unknown): string | null {
  // Not even `instanceof Error`: under jest the addon's errors come from another realm's Error.
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' && code.startsWith('SQLITE_') ? code : null;
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

function fromRawRow(row: RawEventRow): RecordedEvent {
  const data: JsonObject = JSON.parse(row[5]);
  const metadata: EventMetadata = JSON.parse(row[6]);
  return {
    streamId: row[1],
    revision: row[2],
    position: positionOf(row[0]),
    id: row[3],
    type: row[4],
    data,
    metadata,
    recordedAt: new Date(row[7]),
  };
}
