import { createReadStream, createWriteStream } from 'node:fs';
import { rename, unlink } from 'node:fs/promises';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { Aggregator, find as mingoFind } from 'mingo';
import { fastGroup } from './memory/fast-group';
import { ReadStoreError, ReadStoreUnavailableError } from './errors';
import { CollectionData, type PlanStats, type QueryOptions } from './memory/collection-data';
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
const SNAPSHOT_VERSION = 1;

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
   * Streams the store to a JSON-lines file: a header line, then per collection one line with its
   * indexes and document count followed by one line per document. Written beside the target and
   * renamed over it, so a crash never leaves a truncated snapshot under the real name.
   */
  async writeSnapshot(path: string): Promise<void> {
    this.assertOpen();
    const temporary = `${path}.${process.pid}.tmp`;
    const out = createWriteStream(temporary, { encoding: 'utf8' });
    const failed = new Promise<never>((_, reject) => out.once('error', reject));
    const write = async (value: unknown): Promise<void> => {
      if (!out.write(`${JSON.stringify(value)}\n`)) await Promise.race([once(out, 'drain'), failed]);
    };
    try {
      await write({ format: SNAPSHOT_FORMAT, version: SNAPSHOT_VERSION });
      for (const [name, data] of [...this.collections].sort(([a], [b]) => (a < b ? -1 : 1))) {
        await write({ collection: name, indexes: data.indexes.map((index) => index.spec), documents: data.docs.size });
        for (const doc of data.docs.values()) await write(encodeValue(doc));
      }
      out.end();
      await Promise.race([once(out, 'finish'), failed]);
      await rename(temporary, path);
    } catch (error) {
      out.destroy();
      await unlink(temporary).catch(() => undefined);
      throw error;
    }
  }

  static async readSnapshot(path: string): Promise<MemoryReadStore> {
    const store = new MemoryReadStore();
    const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
    let header = false;
    let current: { data: CollectionData; expected: number; docs: Document[] } | null = null;
    const finish = (): void => {
      if (current === null) return;
      if (current.docs.length !== current.expected) {
        throw new ReadStoreError(`snapshot ${path} is truncated in collection ${current.data.name}`);
      }
      current.data.load(current.docs);
      store.collections.set(current.data.name, current.data);
      current = null;
    };
    for await (const line of lines) {
      if (line === '') continue;
      const value: unknown = JSON.parse(line);
      if (!header) {
        if (!isPlainObject(value) || value.format !== SNAPSHOT_FORMAT || value.version !== SNAPSHOT_VERSION) {
          throw new ReadStoreError(`${path} is not a read store snapshot of version ${SNAPSHOT_VERSION}`);
        }
        header = true;
        continue;
      }
      if (current === null || current.docs.length === current.expected) {
        finish();
        if (!isPlainObject(value) || typeof value.collection !== 'string' || typeof value.documents !== 'number' || !Array.isArray(value.indexes)) {
          throw new ReadStoreError(`snapshot ${path} has a malformed collection header`);
        }
        checkName(value.collection);
        const data = new CollectionData(value.collection);
        data.createIndexes(value.indexes as IndexSpec[]);
        current = { data, expected: value.documents, docs: [] };
        continue;
      }
      current.docs.push(checkedDocument(decodeValue(value)));
    }
    if (!header) throw new ReadStoreError(`snapshot ${path} is empty`);
    finish();
    return store;
  }
}

function checkedDocument(value: unknown): Document {
  if (!isPlainObject(value) || typeof value._id !== 'string') throw new ReadStoreError('a snapshot document needs a string _id');
  return cloneForStorage(value) as Document;
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

  async findOne(filter: Filter, options: Pick<FindOptions, 'projection' | 'sort'> = {}): Promise<T | null> {
    const [doc] = await this.find(filter, { ...options, limit: 1 });
    return doc ?? null;
  }

  async find(filter: Filter, options: FindOptions = {}): Promise<T[]> {
    const data = this.access.read();
    if (data === undefined) return [];
    const { docs } = data.execute(filter, options);
    return project(docs, options.projection) as T[];
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

function project(docs: Document[], projection: FindOptions['projection']): Document[] {
  const copies = docs.map(cloneValue);
  if (projection === undefined || Object.keys(projection).length === 0) return copies;
  // mingo's projection writes into its input (exclusions of nested fields), hence the copies.
  return mingoFind(copies, {}, projection).all() as Document[];
}
