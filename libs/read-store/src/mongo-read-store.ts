import {
  BSON,
  MongoBulkWriteError,
  MongoClient,
  MongoClientClosedError,
  MongoError,
  MongoNetworkError,
  MongoNotConnectedError,
  MongoOperationTimeoutError,
  MongoServerClosedError,
  MongoServerError,
  MongoServerSelectionError,
  MongoStalePrimaryError,
  MongoTopologyClosedError,
  MongoWriteConcernError,
  ObjectId,
  type AnyBulkWriteOperation,
  type BulkWriteResult as DriverBulkWriteResult,
  type ChangeStream,
  type ChangeStreamOptions,
  type Collection,
  type Db,
  type Document as DriverDocument,
  type IndexDescription,
} from 'mongodb';
import { DuplicateKeyError, ReadStoreError, ReadStoreUnavailableError } from './errors';
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

const NAMESPACE_NOT_FOUND = 26;
const NAMESPACE_EXISTS = 48;
const DUPLICATE_KEY = 11000;

/** Server codes meaning "not reachable or not primary right now", per the driver's retryability rules. */
const UNAVAILABLE_CODES: ReadonlySet<number> = new Set([
  6, // HostUnreachable
  7, // HostNotFound
  89, // NetworkTimeout
  91, // ShutdownInProgress
  133, // FailedToSatisfyReadPreference
  189, // PrimarySteppedDown
  262, // ExceededTimeLimit
  9001, // SocketException
  10058, // LegacyNotPrimary
  10107, // NotWritablePrimary
  11600, // InterruptedAtShutdown
  11602, // InterruptedDueToReplStateChange
  13435, // NotPrimaryNoSecondaryOk
  13436, // NotPrimaryOrSecondary
]);

function isUnavailable(error: MongoError): boolean {
  if (
    // The write was applied on the primary but not acknowledged as the write concern asks: it may
    // still roll back, so the caller must retry it (the guards make that harmless), not drop it.
    error instanceof MongoWriteConcernError ||
    error instanceof MongoNetworkError ||
    error instanceof MongoServerSelectionError ||
    error instanceof MongoNotConnectedError ||
    error instanceof MongoTopologyClosedError ||
    error instanceof MongoServerClosedError ||
    error instanceof MongoClientClosedError ||
    error instanceof MongoOperationTimeoutError ||
    error instanceof MongoStalePrimaryError
  ) {
    return true;
  }
  if (error.hasErrorLabel('RetryableWriteError') || error.hasErrorLabel('ResetPool')) return true;
  return typeof error.code === 'number' && UNAVAILABLE_CODES.has(error.code);
}

/** The index a duplicate-key error names: from keyPattern when the server sends it, else from its message. */
function duplicateIndex(keyPattern: unknown, message: string | undefined): string {
  if (keyPattern !== null && typeof keyPattern === 'object') {
    const keys = Object.keys(keyPattern);
    if (keys.length === 1 && keys[0] === '_id') return '_id_';
  }
  return /index: (\S+)/.exec(message ?? '')?.[1] ?? 'unknown';
}

/**
 * Every driver error becomes one of the port's errors, here and nowhere else. Messages keep the
 * server's wording (never a connection string); the driver error itself is not attached.
 */
function translate(error: unknown, collection: string): Error {
  if (error instanceof ReadStoreError) return error;
  // BSON's errors (a value it cannot encode, a response it cannot decode) are not MongoErrors.
  if (BSON.BSONError.isBSONError(error)) {
    return new ReadStoreError(`MongoDB could not encode or decode a document of ${collection}: ${error.message}`);
  }
  if (!(error instanceof MongoError)) {
    const message = error instanceof Error ? error.message : String(error);
    return new ReadStoreError(`MongoDB operation on ${collection} failed: ${message}`);
  }
  // A bulk write that failed for a non-write reason (a network error...) wraps the real error.
  const wrapped: unknown = error instanceof MongoBulkWriteError ? error.errorResponse : undefined;
  if (wrapped instanceof MongoError && wrapped !== error) return translate(wrapped, collection);
  if (isUnavailable(error) || hasWriteConcernError(error)) {
    return new ReadStoreUnavailableError(`MongoDB is unavailable: ${error.message}`, numericCode(error));
  }
  if (error instanceof MongoServerError && error.code === DUPLICATE_KEY) {
    return new DuplicateKeyError(collection, duplicateIndex(error.keyPattern, error.errmsg ?? error.message));
  }
  return new ReadStoreError(`MongoDB rejected an operation on ${collection}: ${error.message}`, numericCode(error));
}

/**
 * A bulk write's write-concern failure is not in its class: the driver throws a MongoBulkWriteError
 * that carries it in `err` (alone) or only in its result (beside write errors, which take the
 * error's message and code). See the driver's BulkOperationBase.handleWriteError.
 */
function hasWriteConcernError(error: MongoError): boolean {
  if (!(error instanceof MongoBulkWriteError)) return false;
  return error.err !== undefined || error.result?.getWriteConcernError?.() !== undefined;
}

function numericCode(error: MongoError): number | undefined {
  return typeof error.code === 'number' ? error.code : undefined;
}

async function guarded<T>(collection: string, operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    throw translate(error, collection);
  }
}

/** True when the filter fixes _id by equality, so MongoDB's upsert takes its _id from it. */
function fixesId(filter: Filter): boolean {
  const id = filter._id;
  if (id instanceof RegExp) return false;
  if (id !== undefined && (id === null || typeof id !== 'object' || id instanceof Date || !Object.keys(id).some((k) => k.startsWith('$')))) {
    return true;
  }
  if (id !== null && typeof id === 'object' && '$eq' in id) return true;
  const and = filter.$and;
  return Array.isArray(and) && and.some((branch) => branch !== null && typeof branch === 'object' && fixesId(branch as Filter));
}

/**
 * The port's documents have string ids. An upsert whose filter does not name one would get an
 * ObjectId from the server, so the adapter supplies a string id for the insert case (the
 * in-memory store generates the same shape).
 */
function withStringId(filter: Filter, update: Update): Update {
  if (fixesId(filter)) return update;
  const id = new ObjectId().toHexString();
  if (Array.isArray(update)) return [...update, { $set: { _id: { $ifNull: ['$_id', id] } } }];
  const set = update.$set as Record<string, unknown> | undefined;
  const setOnInsert = update.$setOnInsert as Record<string, unknown> | undefined;
  if ((set && '_id' in set) || (setOnInsert && '_id' in setOnInsert)) return update;
  return { ...update, $setOnInsert: { ...setOnInsert, _id: id } };
}

const NOTHING: UpdateResult = Object.freeze({ matchedCount: 0, modifiedCount: 0, upsertedCount: 0 });

/** What a caller may tune at connect; everything else comes from the connection string. */
export interface MongoConnectOptions {
  serverSelectionTimeoutMS?: number;
  appName?: string;
}

/**
 * The production read store: the official `mongodb` driver, one call per port method. Writes use
 * the driver's defaults (retryable writes, the connection's write concern).
 */
export class MongoReadStore implements ReadStore {
  private readonly changeStreams = new Set<ChangeStream>();
  private closed = false;

  constructor(
    private readonly db: Db,
    /** Closed by close() when given: the store owns it (as with connect()). */
    private readonly ownedClient?: MongoClient,
  ) {}

  /**
   * A change stream on the whole database, for the MongoDB change feed (the only reader of it).
   * The store keeps it and closes it in close(), before the client.
   */
  watch(pipeline: DriverDocument[], options: ChangeStreamOptions): ChangeStream {
    if (this.closed) throw new ReadStoreUnavailableError('the MongoDB read store is closed (watch)');
    const stream = this.db.watch(pipeline, options);
    this.changeStreams.add(stream);
    stream.once('close', () => this.changeStreams.delete(stream));
    return stream;
  }

  /** Connects with MongoClient; the database is `dbName`, else the one in the URL, else the driver's default. */
  static async connect(url: string, dbName?: string, options: MongoConnectOptions = {}): Promise<MongoReadStore> {
    let client: MongoClient;
    try {
      client = new MongoClient(url, options);
    } catch (error) {
      // A malformed URL: its text may carry a password, so it is not repeated.
      throw new ReadStoreError(`invalid MongoDB connection string (${error instanceof MongoError ? error.name : 'error'})`);
    }
    try {
      await client.connect();
    } catch (error) {
      await client.close().catch(() => undefined);
      throw translate(error, '(connect)');
    }
    return new MongoReadStore(client.db(dbName), client);
  }

  collection<T extends Document = Document>(name: string): ReadCollection<T> {
    try {
      return new MongoReadCollection<T>(this.db, this.db.collection<DriverDocument>(name));
    } catch (error) {
      // The driver validates the name synchronously.
      throw translate(error, name);
    }
  }

  async listCollections(): Promise<string[]> {
    const infos = await guarded('(listCollections)', () => this.db.listCollections({}, { nameOnly: true, authorizedCollections: true }).toArray());
    return infos
      .map((info) => info.name)
      .filter((name) => !name.startsWith('system.'))
      .sort();
  }

  async renameCollection(from: string, to: string): Promise<void> {
    if (from === to) return;
    try {
      await this.db.renameCollection(from, to, { dropTarget: true });
    } catch (error) {
      if (error instanceof MongoServerError && error.code === NAMESPACE_NOT_FOUND) {
        throw new ReadStoreError(`cannot rename ${from}: no such collection`, NAMESPACE_NOT_FOUND);
      }
      throw translate(error, from);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const streams = [...this.changeStreams];
    this.changeStreams.clear();
    await Promise.allSettled(streams.map((stream) => stream.close()));
    if (this.ownedClient) await guarded('(close)', () => this.ownedClient!.close());
  }
}

export class MongoReadCollection<T extends Document = Document> implements ReadCollection<T> {
  readonly name: string;

  constructor(
    private readonly db: Db,
    private readonly collection: Collection<DriverDocument>,
  ) {
    this.name = collection.collectionName;
  }

  async findOne(filter: Filter, options: Pick<FindOptions, 'projection' | 'sort' | 'readOnly'> = {}): Promise<T | null> {
    const doc = await guarded(this.name, () => this.collection.findOne(filter, { sort: options.sort, projection: options.projection }));
    return doc as T | null;
  }

  async find(filter: Filter, options: FindOptions = {}): Promise<T[]> {
    const docs = await guarded(this.name, () =>
      this.collection.find(filter, { sort: options.sort, limit: options.limit, skip: options.skip, projection: options.projection }).toArray(),
    );
    return docs as unknown as T[];
  }

  async count(filter: Filter): Promise<number> {
    return guarded(this.name, () => this.collection.countDocuments(filter));
  }

  async aggregate<R = Record<string, unknown>>(pipeline: Pipeline): Promise<R[]> {
    const docs = await guarded(this.name, () => this.collection.aggregate(pipeline).toArray());
    return docs as R[];
  }

  async updateOne(filter: Filter, update: Update, options: { upsert?: boolean } = {}): Promise<UpdateResult> {
    const upsert = options.upsert === true;
    try {
      const result = await this.collection.updateOne(filter, upsert ? withStringId(filter, update) : update, { upsert });
      return { matchedCount: result.matchedCount, modifiedCount: result.modifiedCount, upsertedCount: result.upsertedCount };
    } catch (error) {
      // The guard excluded an existing document, so the upsert's insert hit its _id: a no-op.
      if (upsert && error instanceof MongoServerError && error.code === DUPLICATE_KEY && duplicateIndex(error.keyPattern, error.errmsg) === '_id_') {
        return NOTHING;
      }
      throw translate(error, this.name);
    }
  }

  /**
   * Ordered, so operations on the same document apply in the given order and the batch stops at
   * the first real failure (ordered:false would let the server reorder and carry on past
   * errors). An ordered batch also stops at a guarded upsert's duplicate _id, which the port
   * treats as a no-op: the operations after it are re-sent, from the one after the failed index.
   */
  async bulkWrite(operations: WriteOperation[]): Promise<BulkWriteResult> {
    const total: BulkWriteResult = { matchedCount: 0, modifiedCount: 0, upsertedCount: 0, insertedCount: 0, deletedCount: 0 };
    const models = operations.map(toDriverOperation);
    let start = 0;
    while (start < models.length) {
      const batch = models.slice(start);
      try {
        addCounts(total, await this.collection.bulkWrite(batch, { ordered: true }));
        break;
      } catch (error) {
        if (!(error instanceof MongoBulkWriteError)) throw translate(error, this.name);
        addCounts(total, error.result);
        const writeErrors = Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors];
        const first = writeErrors[0];
        const failed = first === undefined ? undefined : operations[start + first.index];
        const guardedUpsert =
          first !== undefined &&
          first.code === DUPLICATE_KEY &&
          duplicateIndex(undefined, first.errmsg) === '_id_' &&
          failed !== undefined &&
          isUpsert(failed);
        // A write-concern failure rides in the result beside the write errors: never skip past it.
        if (!guardedUpsert || hasWriteConcernError(error)) throw translate(error, this.name);
        start += first.index + 1;
      }
    }
    return total;
  }

  async deleteMany(filter: Filter): Promise<number> {
    const result = await guarded(this.name, () => this.collection.deleteMany(filter));
    return result.deletedCount;
  }

  /** Also creates the collection when there is no index to build, so it exists for listCollections and renames. */
  async createIndexes(indexes: IndexSpec[]): Promise<void> {
    if (indexes.length === 0) {
      try {
        await this.db.createCollection(this.name);
      } catch (error) {
        if (!(error instanceof MongoServerError && error.code === NAMESPACE_EXISTS)) throw translate(error, this.name);
      }
      return;
    }
    await guarded(this.name, () => this.collection.createIndexes(indexes.map(toIndexDescription)));
  }

  async drop(): Promise<void> {
    try {
      await this.collection.drop();
    } catch (error) {
      if (error instanceof MongoServerError && error.code === NAMESPACE_NOT_FOUND) return;
      throw translate(error, this.name);
    }
  }
}

/**
 * Options that do not apply are left out, not sent as undefined: the driver serializes undefined
 * as BSON null (ignoreUndefined is false by default), and the server refuses `unique: null`.
 */
export function toIndexDescription(index: IndexSpec): IndexDescription {
  return { key: index.keys, ...(index.name !== undefined ? { name: index.name } : {}), ...(index.unique === true ? { unique: true } : {}) };
}

function isUpsert(operation: WriteOperation): boolean {
  if ('updateOne' in operation) return operation.updateOne.upsert === true;
  if ('replaceOne' in operation) return operation.replaceOne.upsert === true;
  return false;
}

function toDriverOperation(operation: WriteOperation): AnyBulkWriteOperation<DriverDocument> {
  if ('updateOne' in operation) {
    const { filter, update, upsert } = operation.updateOne;
    return { updateOne: { filter, update: upsert === true ? withStringId(filter, update) : update, upsert: upsert === true } };
  }
  if ('replaceOne' in operation) {
    const { filter, replacement, upsert } = operation.replaceOne;
    return { replaceOne: { filter, replacement: replacement as DriverDocument, upsert: upsert === true } };
  }
  if ('insertOne' in operation) return { insertOne: { document: operation.insertOne.document as DriverDocument } };
  if ('deleteOne' in operation) return { deleteOne: { filter: operation.deleteOne.filter } };
  if ('deleteMany' in operation) return { deleteMany: { filter: operation.deleteMany.filter } };
  const _never: never = operation;
  throw new ReadStoreError(`unknown bulk operation ${JSON.stringify(_never)}`);
}

function addCounts(total: BulkWriteResult, result: DriverBulkWriteResult): void {
  total.matchedCount += result.matchedCount;
  total.modifiedCount += result.modifiedCount;
  total.upsertedCount += result.upsertedCount;
  total.insertedCount += result.insertedCount;
  total.deletedCount += result.deletedCount;
}
