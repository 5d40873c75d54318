import { createHash, type Hash } from 'node:crypto';
import { open, rename, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Worker } from 'node:worker_threads';
import { Aggregator, find as mingoFind } from 'mingo';
import { fastGroup } from './memory/fast-group';
import { ReadStoreError, ReadStoreUnavailableError } from './errors';
import { CollectionData, type DeferredOrderCheck, type PlanStats, type QueryOptions } from './memory/collection-data';
import { decodeValue, encodeValue } from './memory/snapshot-codec';
import { cloneForStorage, cloneValue, isPlainObject } from './memory/values';
import type {
  BulkWriteResult,
  Document,
  Filter,
  FindOptions,
  IndexSpec,
  Pipeline,
  ReadCollection,
  ReadStore,
  Update,
  UpdateResult,
  WriteOperation,
} from './read-store.port';

export type { PlanStats } from './memory/collection-data';

/** Every collection's indexes and documents, for a faster start than replaying the event store. */
export interface ReadStoreSnapshot {
  collections: Record<string, { indexes: IndexSpec[]; documents: Document[] }>;
}

const SNAPSHOT_FORMAT = 'agent-ledger.read-store.snapshot';
/**
 * A collection header with `orderLines` is followed, after its documents, by its indexes' key
 * orders; without it (files written before), the indexes are built by sorting. A reader older
 * than `orderLines` meets a line of numbers where it expects a header and rebuilds instead.
 * Documents may also come many to a line, as a JSON array (see `writeSnapshot`); a reader older
 * than that takes the array for a document without an _id, calls the file damaged and rebuilds.
 */
const SNAPSHOT_VERSION = 1;

/**
 * Outside production, documents handed out under `readOnly` are frozen (a frozen subtree is not
 * walked again), so a caller that changes one throws in its tests instead of changing the store.
 */
const FREEZE_SHARED = process.env.NODE_ENV !== 'production';

/** Stages mingo runs without writing into its input documents; any other stage gets copies. */
const NON_MUTATING_STAGES: ReadonlySet<string> = new Set(['$match', '$group', '$sort', '$limit', '$skip', '$count', '$sortByCount']);

interface Access {
  read(): CollectionData | undefined;
  write(): CollectionData;
  drop(): void;
  lookup(name: string): Document[];
}

/**
 * The embedded read store: collections in memory, queried in MongoDB's language through mingo,
 * with real secondary indexes and a small planner (see CollectionData). Every operation runs
 * synchronously inside its promise, so each one is atomic with respect to the others.
 */
export class MemoryReadStore implements ReadStore {
  private readonly collections = new Map<string, CollectionData>();
  private closed = false;
  /** Index orders a snapshot load took from the file unchecked (see `verifyLoadedIndexes`). */
  private deferredOrderChecks: DeferredOrderCheck[] = [];

  collection<T extends Document = Document>(name: string): MemoryReadCollection<T> {
    checkName(name);
    const access: Access = {
      read: () => {
        this.assertOpen();
        return this.collections.get(name);
      },
      write: () => {
        this.assertOpen();
        let data = this.collections.get(name);
        if (data === undefined) {
          data = new CollectionData(name);
          this.collections.set(name, data);
        }
        return data;
      },
      drop: () => {
        this.assertOpen();
        this.collections.delete(name);
      },
      lookup: (other) => [...(this.collections.get(other)?.docs.values() ?? [])].map(cloneValue),
    };
    return new MemoryReadCollection<T>(name, access);
  }

  async listCollections(): Promise<string[]> {
    this.assertOpen();
    return [...this.collections.keys()].sort();
  }

  async renameCollection(from: string, to: string): Promise<void> {
    this.assertOpen();
    checkName(from);
    checkName(to);
    if (from === to) return;
    const source = this.collections.get(from);
    if (source === undefined) throw new ReadStoreError(`cannot rename ${from}: no such collection`, 26);
    this.collections.delete(from);
    source.name = to;
    this.collections.set(to, source);
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private assertOpen(): void {
    if (this.closed) throw new ReadStoreUnavailableError('the in-memory read store is closed');
  }

  snapshot(): ReadStoreSnapshot {
    this.assertOpen();
    const collections: ReadStoreSnapshot['collections'] = {};
    for (const [name, data] of this.collections) {
      collections[name] = {
        indexes: data.indexes.map((index) => ({ ...index.spec, keys: { ...index.spec.keys } })),
        documents: [...data.docs.values()].map(cloneValue),
      };
    }
    return { collections };
  }

  static fromSnapshot(snapshot: ReadStoreSnapshot): MemoryReadStore {
    const store = new MemoryReadStore();
    for (const [name, { indexes, documents }] of Object.entries(snapshot.collections)) {
      checkName(name);
      const data = new CollectionData(name);
      data.createIndexes(indexes);
      data.load(documents.map((doc) => checkedDocument(doc)));
      store.collections.set(name, data);
    }
    return store;
  }

  /**
   * Writes the store to a JSON-lines file: a header line, then per collection one line with its
   * indexes and document count followed by one line per document and then each index's key
   * order (the documents' positions, in lines of up to 65 536), so that a load builds the indexes
   * without sorting; then a trailer with the line
   * count, the caller's `meta` and a SHA-1 of everything before it. Stored documents are replaced,
   * never mutated, so the references taken here in one synchronous step are a consistent copy
   * however long the write takes; other operations go on meanwhile (the write yields at every
   * chunk). Written to a temporary file, fsynced, renamed over the target and the directory
   * fsynced: a crash leaves the previous snapshot or the new one, never a part of one.
   * `beforeRename` runs once the new file is durable (e.g. to keep the old one under another name).
   */
  async writeSnapshot(path: string, meta: Record<string, unknown> = {}, beforeRename?: () => Promise<void>): Promise<SnapshotWriteResult> {
    this.assertOpen();
    const captured = [...this.collections]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([name, data]) => ({
        name,
        indexes: data.indexes.map((index) => ({ ...index.spec, keys: { ...index.spec.keys } })),
        docs: [...data.docs.values()],
        orders: data.indexOrders(),
        unordered: data.indexes.map((index) => index.unorderedIds()),
      }));
    const temporary = `${path}.${process.pid}.tmp`;
    const handle = await open(temporary, 'w');
    const hash = createHash('sha1');
    let chunk = '';
    let lines = 0;
    let bytes = 0;
    // Encoded into one reused buffer (grown for a longer chunk), as the load reads into one.
    let scratch = Buffer.allocUnsafe(0);
    const flush = async (): Promise<void> => {
      if (chunk === '') return;
      const length = Buffer.byteLength(chunk, 'utf8');
      if (scratch.length < length) scratch = Buffer.allocUnsafe(Math.max(length, 4 * SNAPSHOT_CHUNK_CHARS));
      scratch.write(chunk, 0, 'utf8');
      chunk = '';
      const encoded = scratch.subarray(0, length);
      hash.update(encoded);
      bytes += length;
      await handle.write(encoded);
    };
    const addLine = async (text: string): Promise<void> => {
      chunk += `${text}\n`;
      lines += 1;
      if (chunk.length >= SNAPSHOT_CHUNK_CHARS) await flush();
    };
    const add = (value: unknown): Promise<void> => addLine(JSON.stringify(value));
    // Documents go many to a line, as one JSON array (see SNAPSHOT_BATCH_CHARS). A document the
    // codec changed (a Date, a $-named field...) keeps a line of its own, so a batch line never
    // needs decoding.
    let batch: string[] = [];
    let batchChars = 0;
    const flushBatch = async (): Promise<void> => {
      if (batch.length === 0) return;
      const text = `[${batch.join(',')}]`;
      batch = [];
      batchChars = 0;
      await addLine(text);
    };
    try {
      await add({ format: SNAPSHOT_FORMAT, version: SNAPSHOT_VERSION });
      for (const { name, indexes, docs, orders, unordered } of captured) {
        const orderLines = Math.ceil(docs.length / ORDER_LINE_POSITIONS);
        await add({ collection: name, indexes, documents: docs.length, orderLines, unordered });
        for (const doc of docs) {
          const text = JSON.stringify(encodeValue(doc));
          if (text.includes('"$')) {
            await flushBatch();
            await addLine(text);
            continue;
          }
          batch.push(text);
          batchChars += text.length + 1;
          if (batchChars >= SNAPSHOT_BATCH_CHARS) await flushBatch();
        }
        await flushBatch();
        if (orderLines === 0) continue;
        // Each index's key order as positions in the lines above: a load then builds it without a sort.
        const position = new Map<string, number>();
        for (let i = 0; i < docs.length; i++) {
          position.set(docs[i]!._id, i);
          if ((i + 1) % ORDER_LINE_POSITIONS === 0) await yieldTurn();
        }
        for (const ids of orders) {
          for (let from = 0; from < ids.length; from += ORDER_LINE_POSITIONS) {
            const line = new Array<number>(Math.min(ORDER_LINE_POSITIONS, ids.length - from));
            for (let k = 0; k < line.length; k++) line[k] = position.get(ids[from + k]!)!;
            await add(line);
          }
        }
      }
      await flush();
      await handle.write(`${JSON.stringify({ end: true, lines, bytes, sha1: hash.digest('hex'), meta })}\n`);
      await handle.sync();
      await handle.close();
      await beforeRename?.();
      await rename(temporary, path);
      await fsyncDirectory(dirname(path));
      return { bytes, documents: captured.reduce((sum, c) => sum + c.docs.length, 0) };
    } catch (error) {
      await handle.close().catch(() => undefined);
      await unlink(temporary).catch(() => undefined);
      throw error;
    }
  }

  /**
   * Checks the index orders the snapshot load took on trust: a load builds each index from the
   * order its file records, checksummed but not compared key by key (that comparison reads every
   * indexed field of every document, about a second at the bench's full scale), so that the store
   * serves as soon as it is loaded. This runs that comparison afterwards, in the background (see
   * `inBackground`); an index whose record does not hold (only a bug in the writer, or a change in
   * key order between versions, could cause it) is rebuilt by sorting, and named in the result.
   */
  async verifyLoadedIndexes(): Promise<string[]> {
    const checks = this.deferredOrderChecks;
    this.deferredOrderChecks = [];
    const rebuilt: string[] = [];
    for (const check of checks) {
      if (this.closed) break;
      // A collection dropped since is not checked; one renamed is, under its new name.
      if (this.collections.get(check.collection.name) !== check.collection) continue;
      const found = await inBackground(check.index.checkOrder(check.docs, check.order));
      if (!check.collection.settleDeferred(check, found)) rebuilt.push(`${check.collection.name}.${check.index.name}`);
    }
    return rebuilt;
  }

  /**
   * Loads a snapshot written by `writeSnapshot`. Anything short of a whole, unaltered file (no
   * trailer, a line or collection missing, a checksum that differs, a line that does not parse)
   * is a ReadStoreError: the caller rebuilds instead of trusting a part. The indexes' recorded
   * orders are taken as the file gives them; the caller runs `verifyLoadedIndexes` once it can
   * spare the time (the server does once its projections are live).
   */
  static async readSnapshot(path: string): Promise<MemoryReadStore> {
    return (await MemoryReadStore.loadSnapshot(path)).store;
  }

  /** `readSnapshot`, with the `meta` the writer stored in the trailer. */
  static async loadSnapshot(path: string): Promise<{ store: MemoryReadStore; meta: Record<string, unknown> }> {
    const trailer = await readTrailer(path);
    const store = new MemoryReadStore();
    let header = false;
    let lines = 0;
    let current: OpenCollection | null = null;
    const finish = (): void => {
      if (current === null) return;
      const { data, docs, orderLines, orderParts, unordered } = current;
      const orders = data.indexes.map((_, i) => (orderLines === 0 ? [] : orderParts.slice(i * orderLines, (i + 1) * orderLines).flat()));
      store.deferredOrderChecks.push(...data.load(docs, orders, unordered));
      store.collections.set(data.name, data);
      current = null;
    };
    const take = (line: string): void => {
      lines += 1;
      const value: unknown = JSON.parse(line);
      if (!header) {
        if (!isPlainObject(value) || value.format !== SNAPSHOT_FORMAT || value.version !== SNAPSHOT_VERSION) {
          throw new ReadStoreError(`${path} is not a read store snapshot of version ${SNAPSHOT_VERSION}`);
        }
        header = true;
        return;
      }
      if (current !== null && current.docs.length === current.expected && current.orderParts.length < current.orderLines * current.data.indexes.length) {
        if (!Array.isArray(value) || !value.every((n) => typeof n === 'number')) throw new ReadStoreError(`snapshot ${path} has a malformed index order`);
        current.orderParts.push(value as number[]);
        return;
      }
      if (current === null || current.docs.length === current.expected) {
        finish();
        if (!isPlainObject(value) || typeof value.collection !== 'string' || typeof value.documents !== 'number' || !Array.isArray(value.indexes)) {
          throw new ReadStoreError(`snapshot ${path} has a malformed collection header`);
        }
        checkName(value.collection);
        const data = new CollectionData(value.collection);
        data.createIndexes(value.indexes as IndexSpec[]);
        const orderLines = typeof value.orderLines === 'number' ? value.orderLines : 0;
        const unordered = recordedUnordered(value.unordered, data.indexes.length);
        current = { data, expected: value.documents, docs: [], orderLines, orderParts: [], unordered };
        return;
      }
      if (Array.isArray(value)) {
        // A line of documents the codec left as they were (see writeSnapshot).
        if (current.docs.length + value.length > current.expected) throw new ReadStoreError(`snapshot ${path} has more documents in ${current.data.name} than its header says`);
        for (const document of value) current.docs.push(checkedDocument(document, false));
        return;
      }
      // Only Dates, non-finite numbers, regular expressions and $-named fields are encoded, each as a "$" key.
      current.docs.push(checkedDocument(line.includes('"$') ? decodeValue(value) : value, false));
    };
    // Lines are cut from the bytes (a newline byte never occurs inside a UTF-8 sequence) and
    // decoded one by one: no decoded chunk to slice, no carried-over text to concatenate.
    let rest: Buffer | null = null;
    const handle = await open(path, 'r').catch((error: NodeJS.ErrnoException) => {
      throw new ReadStoreError(`snapshot ${path} cannot be opened (${error.code ?? error.message})`);
    });
    // The checksum is computed on another thread from the same open file while this one parses.
    const checksum = new ChecksumOfRange(handle.fd, trailer.offset);
    try {
      // One buffer, read into again and again: a fresh buffer per chunk would leave hundreds of
      // MiB of freed chunks in the C heap, which the process keeps (its peak RSS).
      const read = Buffer.allocUnsafe(SNAPSHOT_READ_BYTES);
      for (let position = 0; position < trailer.offset; ) {
        const { bytesRead } = await handle.read(read, 0, Math.min(read.length, trailer.offset - position), position);
        if (bytesRead === 0) break;
        position += bytesRead;
        const buffer = read.subarray(0, bytesRead);
        checksum.update(buffer);
        let from = 0;
        for (let newline = buffer.indexOf(NEWLINE); newline !== -1; newline = buffer.indexOf(NEWLINE, from)) {
          if (rest !== null) {
            take(Buffer.concat([rest, buffer.subarray(0, newline)]).toString('utf8'));
            rest = null;
          } else if (newline > from) take(buffer.toString('utf8', from, newline));
          from = newline + 1;
        }
        // Copied: the next read overwrites the buffer.
        if (from < buffer.length) rest = Buffer.concat(rest === null ? [buffer.subarray(from)] : [rest, buffer.subarray(from)]);
      }
      if (rest !== null && rest.toString('utf8').trim() !== '') throw new ReadStoreError(`snapshot ${path} is damaged: a line without its end`);
      if ((await checksum.digest()) !== trailer.sha1) throw new ReadStoreError(`snapshot ${path} is damaged: its checksum does not match`);
    } catch (error) {
      if (error instanceof ReadStoreError) throw error;
      throw new ReadStoreError(`snapshot ${path} is damaged: ${(error as Error).message}`);
    } finally {
      checksum.abandon();
      await handle.close();
    }
    if (lines !== trailer.lines) throw new ReadStoreError(`snapshot ${path} is truncated: ${lines} of ${trailer.lines} lines`);
    if (!header) throw new ReadStoreError(`snapshot ${path} is empty`);
    const last = current as OpenCollection | null;
    if (last !== null && (last.docs.length !== last.expected || last.orderParts.length !== last.orderLines * last.data.indexes.length)) {
      throw new ReadStoreError(`snapshot ${path} is truncated in collection ${last.data.name}`);
    }
    finish();
    return { store, meta: trailer.meta };
  }
}

export interface SnapshotWriteResult {
  bytes: number;
  documents: number;
}

/**
 * SHA-1 of the bytes [0, end) of an open file, computed by a worker thread reading the file on
 * its own (positional reads of the same descriptor), so that hashing a snapshot of hundreds of
 * MiB overlaps its parsing. Without a worker (one cannot start), the bytes the reader passes to
 * `update` are hashed on the calling thread instead.
 */
class ChecksumOfRange {
  private readonly worker: Worker | null;
  private readonly result: Promise<string> | null;
  private readonly local: Hash | null;

  constructor(fd: number, end: number) {
    let worker: Worker | null = null;
    // A small file is hashed faster than a thread starts.
    if (end > SNAPSHOT_READ_BYTES) {
      try {
        worker = new Worker(CHECKSUM_WORKER, { eval: true, workerData: { fd, end } });
      } catch {
        worker = null;
      }
    }
    this.worker = worker;
    this.local = worker === null ? createHash('sha1') : null;
    this.result =
      worker === null
        ? null
        : new Promise<string>((resolveDigest, reject) => {
            worker.once('message', (message: { digest?: string; error?: string }) =>
              message.digest !== undefined ? resolveDigest(message.digest) : reject(new Error(message.error ?? 'the checksum worker failed')),
            );
            worker.once('error', reject);
            worker.once('exit', (code) => reject(new Error(`the checksum worker exited with code ${code}`)));
          });
    // Settled by digest() or abandoned; never an unhandled rejection.
    this.result?.catch(() => undefined);
  }

  update(buffer: Buffer): void {
    this.local?.update(buffer);
  }

  digest(): Promise<string> {
    return this.result ?? Promise.resolve(this.local!.digest('hex'));
  }

  /** Stops the worker if it still runs (a load that failed before the end). */
  abandon(): void {
    void this.worker?.terminate();
  }
}

const CHECKSUM_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const { readSync } = require('node:fs');
try {
  const hash = createHash('sha1');
  const buffer = Buffer.allocUnsafe(${4 * 1024 * 1024});
  let position = 0;
  while (position < workerData.end) {
    const read = readSync(workerData.fd, buffer, 0, Math.min(buffer.length, workerData.end - position), position);
    if (read === 0) break;
    hash.update(buffer.subarray(0, read));
    position += read;
  }
  parentPort.postMessage(position === workerData.end ? { digest: hash.digest('hex') } : { error: 'the file ended early' });
} catch (error) {
  parentPort.postMessage({ error: String(error && error.message || error) });
}
`;

/** Positions per line of an index's recorded order. */
const ORDER_LINE_POSITIONS = 65_536;

interface OpenCollection {
  data: CollectionData;
  expected: number;
  docs: Document[];
  /** Lines of positions per index after the documents (0 in version 1). */
  orderLines: number;
  orderParts: number[][];
  /** Per index, the ids the writer held as unplannable; [] in files written before they were recorded. */
  unordered: string[][];
}

/** A header's `unordered` when it is one list of string ids per index; else none (each index is checked as it loads). */
function recordedUnordered(value: unknown, indexes: number): string[][] {
  const valid = Array.isArray(value) && value.length === indexes && value.every((ids) => Array.isArray(ids) && ids.every((id) => typeof id === 'string'));
  return valid ? (value as string[][]) : [];
}

function yieldTurn(): Promise<void> {
  return new Promise((resolveTurn) => setImmediate(resolveTurn));
}

/** Milliseconds of a turn of the event loop that background work takes at most. */
const BACKGROUND_TURN_MS = 0.5;
/** A turn of the event loop longer than this ran other work besides the background work. */
const BACKGROUND_BUSY_MS = 0.2;
const BACKGROUND_BACKOFF_MS = 5;
const BACKGROUND_MAX_BACKOFFS = 4;

/**
 * Runs `steps` to its end in the background: at most BACKGROUND_TURN_MS of a turn of the event
 * loop, and none in a turn where other work ran (a request being served) until that work has had
 * BACKGROUND_BACKOFF_MS, BACKGROUND_MAX_BACKOFFS times in a row at most, so that it also ends on
 * a server that is never idle.
 */
async function inBackground<T>(steps: Generator<void, T, void>): Promise<T> {
  let step = steps.next();
  let backoffs = 0;
  while (!step.done) {
    const before = performance.now();
    await yieldTurn();
    if (performance.now() - before > BACKGROUND_BUSY_MS && backoffs < BACKGROUND_MAX_BACKOFFS) {
      backoffs += 1;
      await new Promise((resolveLater) => setTimeout(resolveLater, BACKGROUND_BACKOFF_MS));
      continue;
    }
    backoffs = 0;
    const until = performance.now() + BACKGROUND_TURN_MS;
    do step = steps.next();
    while (!step.done && performance.now() < until);
  }
  return step.value;
}

/** Characters of JSON written per chunk: each chunk is one write and one turn of the event loop. */
const SNAPSHOT_CHUNK_CHARS = 512 * 1024;
/**
 * Characters of documents per line: a few dozen documents, so a load makes one string and one
 * JSON.parse per line instead of per document, and each line stays a regular heap string (a
 * string above 128 KiB is a large object of its own mapping: decoding the full snapshot into
 * 512 KiB lines took 766 ms against 211 ms for one document a line).
 */
const SNAPSHOT_BATCH_CHARS = 16 * 1024;
const SNAPSHOT_READ_BYTES = 4 * 1024 * 1024;
const NEWLINE = 0x0a;
const TRAILER_SEARCH_BYTES = 64 * 1024;

/** The last line of a snapshot: where it starts, and what the writer said about what precedes it. */
async function readTrailer(path: string): Promise<{ offset: number; lines: number; sha1: string; meta: Record<string, unknown> }> {
  const handle = await open(path, 'r').catch((error: NodeJS.ErrnoException) => {
    throw new ReadStoreError(`snapshot ${path} cannot be opened (${error.code ?? error.message})`);
  });
  try {
    const { size } = await handle.stat();
    const length = Math.min(size, TRAILER_SEARCH_BYTES);
    const tail = Buffer.alloc(length);
    await handle.read(tail, 0, length, size - length);
    const text = tail.toString('utf8');
    const body = text.endsWith('\n') ? text.slice(0, -1) : null;
    const start = body === null ? -1 : body.lastIndexOf('\n');
    if (body === null || start === -1) throw new ReadStoreError(`snapshot ${path} is truncated: it has no trailer`);
    let trailer: unknown;
    try {
      trailer = JSON.parse(body.slice(start + 1));
    } catch {
      throw new ReadStoreError(`snapshot ${path} is truncated: its last line is not a trailer`);
    }
    if (!isPlainObject(trailer) || trailer.end !== true || typeof trailer.lines !== 'number' || typeof trailer.sha1 !== 'string' || typeof trailer.bytes !== 'number') {
      throw new ReadStoreError(`snapshot ${path} is truncated: its last line is not a trailer`);
    }
    const offset = size - Buffer.byteLength(body.slice(start + 1), 'utf8') - 1;
    if (offset !== trailer.bytes) throw new ReadStoreError(`snapshot ${path} is damaged: ${offset} bytes before the trailer, ${trailer.bytes} written`);
    return { offset, lines: trailer.lines, sha1: trailer.sha1, meta: isPlainObject(trailer.meta) ? trailer.meta : {} };
  } finally {
    await handle.close();
  }
}

/** A rename is durable once the directory holding it is fsynced. */
async function fsyncDirectory(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** `copy`: the value is the caller's; decoded snapshot lines are fresh objects already. */
function checkedDocument(value: unknown, copy = true): Document {
  if (!isPlainObject(value) || typeof value._id !== 'string') throw new ReadStoreError('a snapshot document needs a string _id');
  return (copy ? cloneForStorage(value) : value) as Document;
}

/** The names MongoDB accepts, so a name that works here works in production. */
function checkName(name: string): void {
  if (typeof name !== 'string' || name === '' || name.includes('$') || name.includes('\0') || name.startsWith('system.')) {
    throw new ReadStoreError(`invalid collection name ${JSON.stringify(name)}`, 73);
  }
}

function stageName(stage: Record<string, unknown>): string {
  const keys = Object.keys(stage);
  if (keys.length !== 1) throw new ReadStoreError('a pipeline stage has exactly one operator', 40323);
  return keys[0]!;
}

function isSortSpec(value: unknown): value is Record<string, 1 | -1> {
  return isPlainObject(value) && Object.keys(value).length > 0 && Object.values(value).every((v) => v === 1 || v === -1);
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value > 0;
}

export class MemoryReadCollection<T extends Document = Document> implements ReadCollection<T> {
  constructor(
    readonly name: string,
    private readonly access: Access,
  ) {}

  /** How a query runs: the plan, the index, how many keys and documents it examined. */
  explain(filter: Filter, options: QueryOptions = {}): PlanStats {
    const data = this.access.read();
    if (data === undefined) {
      return { plan: 'COLLECTION_SCAN', index: null, sortCovered: false, keysExamined: 0, docsExamined: 0, returned: 0, considered: [], gaveUpOnSortCoveredPlan: false };
    }
    return data.execute(filter, options).stats;
  }

  async findOne(filter: Filter, options: Pick<FindOptions, 'projection' | 'sort' | 'readOnly'> = {}): Promise<T | null> {
    const [doc] = await this.find(filter, { ...options, limit: 1 });
    return doc ?? null;
  }

  async find(filter: Filter, options: FindOptions = {}): Promise<T[]> {
    const data = this.access.read();
    if (data === undefined) return [];
    const { docs } = data.execute(filter, options);
    return project(docs, options.projection, options.readOnly === true) as T[];
  }

  async count(filter: Filter): Promise<number> {
    return this.access.read()?.count(filter) ?? 0;
  }

  async aggregate<R = Record<string, unknown>>(pipeline: Pipeline): Promise<R[]> {
    const data = this.access.read();
    const stages = pipeline.map((stage) => ({ stage, name: stageName(stage) }));
    if (stages.some(({ name }) => name === '$out' || name === '$merge')) {
      throw new ReadStoreError('$out and $merge are not supported by the in-memory store', 2);
    }
    let docs: Document[];
    let next = 0;
    if (stages[0]?.name === '$match' && isPlainObject(stages[0].stage.$match)) {
      // The leading $match (and a $sort/$skip/$limit right after it) goes through the planner.
      const options: QueryOptions = {};
      next = 1;
      if (stages[1]?.name === '$sort' && isSortSpec(stages[1].stage.$sort)) {
        options.sort = stages[1].stage.$sort;
        next = 2;
        if (stages[next]?.name === '$skip' && typeof stages[next]!.stage.$skip === 'number') {
          options.skip = stages[next]!.stage.$skip as number;
          next += 1;
        }
        if (stages[next]?.name === '$limit' && isCount(stages[next]!.stage.$limit)) {
          options.limit = stages[next]!.stage.$limit as number;
          next += 1;
        }
      }
      docs = data === undefined ? [] : data.execute(stages[0].stage.$match, options).docs;
    } else docs = data === undefined ? [] : [...data.docs.values()];
    let rest = pipeline.slice(next);
    if (rest.length === 0) return docs.map(cloneValue) as R[];
    const group = rest[0]!.$group;
    if (Object.keys(rest[0]!).length === 1 && isPlainObject(group)) {
      const grouped = fastGroup(docs, group as Record<string, unknown>);
      if (grouped !== null) {
        rest = rest.slice(1);
        // $first hands out stored values: copies, so callers cannot reach into the store.
        if (rest.length === 0) return grouped.map(cloneValue) as R[];
        return new Aggregator(rest, { collectionResolver: (name) => this.access.lookup(name) }).run(grouped).map(cloneValue) as R[];
      }
    }
    const safe = stages.slice(next).every(({ name }) => NON_MUTATING_STAGES.has(name));
    const aggregator = new Aggregator(rest, { collectionResolver: (name) => this.access.lookup(name) });
    const output = aggregator.run(safe ? docs : docs.map(cloneValue));
    return output.map(cloneValue) as R[];
  }

  async updateOne(filter: Filter, update: Update, options: { upsert?: boolean } = {}): Promise<UpdateResult> {
    const upsert = options.upsert === true;
    const data = upsert ? this.access.write() : this.access.read();
    if (data === undefined) return { matchedCount: 0, modifiedCount: 0, upsertedCount: 0 };
    return data.updateOne(filter, update, upsert);
  }

  async bulkWrite(operations: WriteOperation[]): Promise<BulkWriteResult> {
    const result: BulkWriteResult = { matchedCount: 0, modifiedCount: 0, upsertedCount: 0, insertedCount: 0, deletedCount: 0 };
    // Like MongoDB, only inserts and upserts create the collection.
    const target = (creates: boolean): CollectionData | undefined => (creates ? this.access.write() : this.access.read());
    const add = (r: UpdateResult): void => {
      result.matchedCount += r.matchedCount;
      result.modifiedCount += r.modifiedCount;
      result.upsertedCount += r.upsertedCount;
    };
    for (const operation of operations) {
      if ('updateOne' in operation) {
        const { filter, update, upsert } = operation.updateOne;
        const data = target(upsert === true);
        if (data !== undefined) add(data.updateOne(filter, update, upsert === true));
      } else if ('replaceOne' in operation) {
        const { filter, replacement, upsert } = operation.replaceOne;
        const data = target(upsert === true);
        if (data !== undefined) add(data.replaceOne(filter, replacement, upsert === true));
      } else if ('insertOne' in operation) {
        target(true)!.insertOne(operation.insertOne.document);
        result.insertedCount += 1;
      } else if ('deleteOne' in operation) {
        result.deletedCount += target(false)?.deleteOne(operation.deleteOne.filter) ?? 0;
      } else if ('deleteMany' in operation) {
        result.deletedCount += target(false)?.deleteMany(operation.deleteMany.filter) ?? 0;
      } else {
        const _never: never = operation;
        throw new ReadStoreError(`unknown bulk operation ${JSON.stringify(_never)}`, 2);
      }
    }
    return result;
  }

  async deleteMany(filter: Filter): Promise<number> {
    return this.access.read()?.deleteMany(filter) ?? 0;
  }

  async createIndexes(indexes: IndexSpec[]): Promise<void> {
    this.access.write().createIndexes(indexes);
  }

  async drop(): Promise<void> {
    this.access.drop();
  }
}

function deepFreeze<V>(value: V): V {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return value;
  Object.freeze(value);
  for (const child of Object.values(value)) deepFreeze(child);
  return value;
}

function project(docs: Document[], projection: FindOptions['projection'], readOnly: boolean): Document[] {
  const whole = projection === undefined || Object.keys(projection).length === 0;
  // Stored documents are replaced, never mutated: a caller that only reads may share them.
  if (whole && readOnly) return FREEZE_SHARED ? docs.map(deepFreeze) : docs;
  const copies = docs.map(cloneValue);
  if (whole) return copies;
  // mingo's projection writes into its input (exclusions of nested fields), hence the copies.
  return mingoFind(copies, {}, projection).all() as Document[];
}
