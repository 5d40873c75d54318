import type Database from 'better-sqlite3';
import type { ExpectedRevision } from './event-store.port';

type Expected = ExpectedRevision;

export interface WriteRequest {
  streamId: string;
  events: { id: string; type: string; data: string; metadata: string }[];
  expected: Expected;
}

/** Revisions per row of the id-hash table: rows of at most 1 KiB, so an append rewrites little. */
export const ID_HASH_CHUNK = 256;

/** The 31-bit FNV-1a hash of an event id, as the id-hash table and the writer's memory hold it. */
export function idHash(id: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) hash = Math.imul(hash ^ id.charCodeAt(i), 0x01000193);
  return hash & 0x7fffffff;
}

/** The hashes of consecutive revisions as an `id_hashes` blob (little-endian 32-bit). */
export function hashBlob(hashes: readonly number[], prefix?: Buffer): Buffer {
  const blob = Buffer.allocUnsafe((prefix?.length ?? 0) + hashes.length * 4);
  prefix?.copy(blob, 0);
  hashes.forEach((hash, index) => blob.writeUInt32LE(hash, (prefix?.length ?? 0) + index * 4));
  return blob;
}

export interface WriteOutcome {
  ok?: { written: boolean; nextRevision: number; position: number };
  refused?: { actual: number };
  failed?: unknown;
}

/**
 * The SQLite store's writer, with group commit: the appends issued within one turn of the event
 * loop (concurrent requests) are committed together at the end of that turn, each inside its
 * own savepoint (a refused append rolls back alone), with ONE commit and one fsync. Each append
 * is answered only after the commit that holds it returned, i.e. after its own data is durable.
 *
 * (A writer thread, which would take the fsync off the event loop, was measured on this machine
 * and lost: under CPU contention every hand-over between threads waits for the scheduler, twice
 * per append, and appends of one session are serialised by the command handler's lock.)
 *
 * Idempotency ("a client's event id is stored once anywhere in its stream") is checked against a
 * per-stream table of 31-bit hashes of the stored ids -> revisions, loaded once per stream and
 * extended by every append: a lookup costs the same at revision 100 000 as at revision 0, and the
 * file keeps no index on random ids (whose inserts land on a different page each, the cost that
 * grew with the stream). A hash hit is confirmed by reading the row at that revision, so a
 * collision can never refuse a new id.
 *
 * The hashes are also stored, in the same transaction as the events, in `id_hashes`: one row per
 * 256 revisions of a stream, a blob of 4 bytes per revision. Loading a stream's hashes then reads
 * 0.4 % of what its events take (100 000 ids: ~400 KB, not the ~60 MB of rows the events table
 * holds for them), so the first append to a long stream after a start no longer pays a scan of
 * the stream. Only a run contiguous from revision 0 is trusted; revisions past it (a file written
 * before the table existed, or a gap) are read from the events and their hashes written back.
 */
export function createGroupCommitWriter(
  db: Database.Database,
  maxKnownIds: number,
  onCommitted: () => void,
  /** While this gives a promise, commits wait for it; the appends queue meanwhile and commit together after. */
  held: () => Promise<void> | null = () => null,
): (request: WriteRequest) => Promise<WriteOutcome> {
  type Request = WriteRequest & { resolve(outcome: WriteOutcome): void };
  interface Known {
    revision: number;
    /** hash -> revision, or every revision with that hash when several stored ids share it. */
    ids: Map<number, number | number[]>;
    count: number;
  }
  class Refused {
    constructor(readonly actual: number) {}
  }

  const statements = {
    streamRevision: db.prepare('SELECT revision FROM streams WHERE stream_id = ?').pluck(),
    idsAfter: db.prepare('SELECT revision, event_id FROM events WHERE stream_id = ? AND revision > ? ORDER BY revision'),
    idAt: db.prepare('SELECT event_id FROM events WHERE stream_id = ? AND revision = ?').pluck(),
    runFrom: db.prepare('SELECT event_id, position FROM events WHERE stream_id = ? AND revision >= ? ORDER BY revision LIMIT ?'),
    insert: db.prepare('INSERT INTO events (stream_id, revision, event_id, type, data, metadata, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)'),
    setStreamRevision: db.prepare(
      'INSERT INTO streams (stream_id, revision) VALUES (?, ?) ON CONFLICT (stream_id) DO UPDATE SET revision = excluded.revision',
    ),
    hashChunks: db.prepare('SELECT first_revision, hashes FROM id_hashes WHERE stream_id = ? ORDER BY first_revision'),
    lastHashChunk: db.prepare('SELECT first_revision, hashes FROM id_hashes WHERE stream_id = ? ORDER BY first_revision DESC LIMIT 1'),
    putHashChunk: db.prepare(
      'INSERT INTO id_hashes (stream_id, first_revision, hashes) VALUES (?, ?, ?) ON CONFLICT (stream_id, first_revision) DO UPDATE SET hashes = excluded.hashes',
    ),
  };

  type HashChunk = { first_revision: number; hashes: Buffer };

  /**
   * Stores the hashes of revisions `from`, `from + 1`, ... when they extend the stream's stored
   * run of hashes; otherwise (a gap) nothing, and a later load reads those revisions' ids from the
   * events. Every stored hash is that of the id at its revision, which never changes.
   */
  function storeHashes(streamId: string, from: number, hashes: readonly number[]): void {
    const last = statements.lastHashChunk.get(streamId) as HashChunk | undefined;
    let start = 0;
    let prefix: Buffer | undefined;
    if (last !== undefined) {
      const held = last.hashes.length >>> 2;
      if (last.first_revision + held !== from) return;
      if (held < ID_HASH_CHUNK) {
        start = last.first_revision;
        prefix = last.hashes;
      } else start = from;
    } else if (from !== 0) return;
    let offset = 0;
    while (offset < hashes.length) {
      const room = ID_HASH_CHUNK - ((prefix?.length ?? 0) >>> 2);
      const part = hashes.slice(offset, offset + room);
      statements.putHashChunk.run(streamId, start, hashBlob(part, prefix));
      offset += part.length;
      start += ID_HASH_CHUNK;
      prefix = undefined;
    }
  }

  /** Streams whose ids are in memory, least recently appended first; bounded by MAX_KNOWN_IDS ids. */
  const known = new Map<string, Known>();
  let knownIds = 0;
  const MAX_KNOWN_IDS = maxKnownIds;

  const hashOf = idHash;

  function remember(entry: Known, id: string, revision: number): void {
    rememberHash(entry, hashOf(id), revision);
  }

  function rememberHash(entry: Known, hash: number, revision: number): void {
    const existing = entry.ids.get(hash);
    if (existing === undefined) entry.ids.set(hash, revision);
    else entry.ids.set(hash, typeof existing === 'number' ? [existing, revision] : [...existing, revision]);
    entry.count += 1;
    knownIds += 1;
  }

  /** The stream's ids up to `current` (the revision the streams table says), loading what is missing. */
  function idsOf(streamId: string, current: number): Known {
    let entry = known.get(streamId);
    if (entry === undefined || entry.revision > current) {
      if (entry !== undefined) knownIds -= entry.count;
      entry = { revision: -1, ids: new Map(), count: 0 };
    } else known.delete(streamId);
    known.set(streamId, entry);
    if (entry.revision === -1 && current >= 0) {
      // Never seen: the stored hashes first, as far as they run contiguously from revision 0.
      let next = 0;
      for (const chunk of statements.hashChunks.iterate(streamId) as Iterable<HashChunk>) {
        if (chunk.first_revision !== next) break;
        const held = Math.min(chunk.hashes.length >>> 2, current + 1 - next);
        for (let i = 0; i < held; i++) rememberHash(entry, chunk.hashes.readUInt32LE(i * 4), next + i);
        next += held;
        if (next > current) break;
      }
      entry.revision = next - 1;
    }
    if (entry.revision < current) {
      // Appended by another process sharing the file, or hashes not stored: read what is new.
      const from = entry.revision + 1;
      const hashes: number[] = [];
      for (const row of statements.idsAfter.iterate(streamId, entry.revision) as Iterable<{ revision: number; event_id: string }>) {
        const hash = hashOf(row.event_id);
        rememberHash(entry, hash, row.revision);
        hashes.push(hash);
      }
      storeHashes(streamId, from, hashes);
      entry.revision = current;
    }
    return entry;
  }

  function evictIfFull(): void {
    for (const [streamId, entry] of known) {
      if (knownIds <= MAX_KNOWN_IDS || known.size <= 1) return;
      known.delete(streamId);
      knownIds -= entry.count;
    }
  }

  /** Revision at which `id` is stored in the stream, or -1. */
  function storedAt(streamId: string, entry: Known, id: string): number {
    const candidates = entry.ids.get(hashOf(id));
    if (candidates === undefined) return -1;
    for (const revision of typeof candidates === 'number' ? [candidates] : candidates) {
      if (statements.idAt.get(streamId, revision) === id) return revision;
    }
    return -1;
  }

  function holds(expected: Expected, current: number): boolean {
    if (expected === 'any') return true;
    if (expected === 'no_stream') return current === -1;
    if (expected === 'stream_exists') return current >= 0;
    return current === expected;
  }

  function idempotentAt(expected: Expected, firstRevision: number): boolean {
    if (expected === 'any' || expected === 'stream_exists') return true;
    if (expected === 'no_stream') return firstRevision === 0;
    return firstRevision === expected + 1;
  }

  /** One append, inside the group's transaction (its own savepoint). */
  const appendOne = db.transaction((request: Request) => {
    const { streamId, events, expected } = request;
    const current = (statements.streamRevision.get(streamId) as number | undefined) ?? -1;
    const entry = idsOf(streamId, current);
    const revisions = events.map((event) => storedAt(streamId, entry, event.id));
    if (revisions.some((revision) => revision >= 0)) {
      const first = revisions[0]!;
      if (first >= 0) {
        // EventStoreDB's rule: the whole batch stored as one run from there, at a matching expected revision, is a retry.
        const run = statements.runFrom.all(streamId, first, events.length) as { event_id: string; position: number }[];
        const sameRun = run.length === events.length && run.every((stored, index) => stored.event_id === events[index]!.id);
        if (sameRun && idempotentAt(expected, first)) {
          return { written: false, nextRevision: first + events.length - 1, position: run[run.length - 1]!.position };
        }
      }
      throw new Refused(current);
    }
    if (!holds(expected, current)) throw new Refused(current);
    const recordedAt = Date.now();
    let revision = current;
    let position = 0;
    for (const event of events) {
      revision += 1;
      position = Number(statements.insert.run(streamId, revision, event.id, event.type, event.data, event.metadata, recordedAt).lastInsertRowid);
    }
    statements.setStreamRevision.run(streamId, revision);
    storeHashes(streamId, current + 1, events.map((event) => hashOf(event.id)));
    return { written: true, nextRevision: revision, position };
  });

  type Outcome = WriteOutcome;

  const group = db.transaction((requests: Request[]) => {
    const outcomes: Outcome[] = [];
    for (const request of requests) {
      try {
        outcomes.push({ ok: appendOne(request) });
      } catch (error) {
        if (!(error instanceof Refused)) throw error;
        outcomes.push({ refused: { actual: error.actual } });
      }
    }
    return outcomes;
  });

  let queue: Request[] = [];
  let scheduled = false;

  function commit(): void {
    const hold = held();
    if (hold !== null) {
      // Still scheduled: appends issued meanwhile join this queue instead of scheduling another commit.
      hold.then(commit, commit);
      return;
    }
    scheduled = false;
    const requests = queue;
    queue = [];
    if (requests.length === 0) return;
    let outcomes: Outcome[];
    try {
      // IMMEDIATE takes the write lock before any revision is read, so another process cannot
      // append between a check and its insert.
      outcomes = group.immediate(requests);
    } catch (error) {
      // Nothing of the group was committed: the in-memory ids may hold some of it, so start afresh.
      known.clear();
      knownIds = 0;
      outcomes = requests.map(() => ({ failed: error }));
    }
    let written = false;
    requests.forEach((request, index) => {
      const entry = known.get(request.streamId);
      const ok = outcomes[index]!.ok;
      if (ok?.written) written = true;
      if (entry === undefined || !ok?.written) return;
      const first = ok.nextRevision - request.events.length + 1;
      // A later append of the same group may have read these from the file already.
      for (let i = 0; i < request.events.length; i++) if (first + i > entry.revision) remember(entry, request.events[i]!.id, first + i);
      entry.revision = Math.max(entry.revision, ok.nextRevision);
    });
    evictIfFull();
    requests.forEach((request, index) => request.resolve(outcomes[index]!));
    if (written) onCommitted();
  }

  return (request: WriteRequest) =>
    new Promise<WriteOutcome>((resolve) => {
      queue.push({ ...request, resolve });
      if (!scheduled) {
        scheduled = true;
        // Appends issued later in this turn of the event loop join the same commit.
        setImmediate(commit);
      }
    });
}
