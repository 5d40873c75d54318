/**
 * The ReadStore port: collections queried and updated in MongoDB's own language, so the same
 * filters, update documents and pipelines go to MongoDB in production and to mingo in the
 * embedded store.
 */

export type Document = { _id: string; [key: string]: unknown };
export type Filter = Record<string, unknown>;
/** A MongoDB update document ($set, $inc, $max, $min, $push with $each/$slice, $setOnInsert, $unset) or a pipeline. */
export type Update = Record<string, unknown> | Pipeline;
export type SortSpec = Record<string, 1 | -1>;
export type Pipeline = Record<string, unknown>[];

export interface FindOptions {
  sort?: SortSpec;
  limit?: number;
  skip?: number;
  /** Inclusion or exclusion projection, as MongoDB's. */
  projection?: Record<string, 0 | 1>;
  /**
   * The caller only reads what it gets and never changes it, so a store may hand out its own
   * documents instead of copies (the in-memory store does; MongoDB's are fresh anyway). Outside
   * production the in-memory store freezes what it hands out this way, so a caller that breaks
   * the promise fails its tests.
   */
  readOnly?: boolean;
}

export type WriteOperation =
  | { updateOne: { filter: Filter; update: Update; upsert?: boolean } }
  | { replaceOne: { filter: Filter; replacement: Document; upsert?: boolean } }
  | { insertOne: { document: Document } }
  | { deleteOne: { filter: Filter } }
  | { deleteMany: { filter: Filter } };

export interface UpdateResult {
  matchedCount: number;
  modifiedCount: number;
  upsertedCount: number;
}

export interface BulkWriteResult {
  matchedCount: number;
  modifiedCount: number;
  upsertedCount: number;
  insertedCount: number;
  deletedCount: number;
}

export interface IndexSpec {
  /** Ordered keys, e.g. { organizationId: 1, lastActivityAt: -1 }. */
  keys: SortSpec;
  name?: string;
  unique?: boolean;
}

export interface ReadCollection<T extends Document = Document> {
  readonly name: string;
  findOne(filter: Filter, options?: Pick<FindOptions, 'projection' | 'sort' | 'readOnly'>): Promise<T | null>;
  find(filter: Filter, options?: FindOptions): Promise<T[]>;
  count(filter: Filter): Promise<number>;
  aggregate<R = Record<string, unknown>>(pipeline: Pipeline): Promise<R[]>;
  /**
   * Upsert-with-guard is the projections' main write: an `updateOne` whose filter includes the
   * guard (e.g. `{ _id, lastRevision: { $lt: revision } }`) and `upsert: true`. When the guard
   * excludes an existing document, the upsert's insert fails with a duplicate `_id`; both
   * adapters report that case as "matched nothing, upserted nothing" rather than an error.
   */
  updateOne(filter: Filter, update: Update, options?: { upsert?: boolean }): Promise<UpdateResult>;
  /** Applied in order; stops at the first failure other than a guarded upsert's duplicate `_id`. */
  bulkWrite(operations: WriteOperation[]): Promise<BulkWriteResult>;
  deleteMany(filter: Filter): Promise<number>;
  createIndexes(indexes: IndexSpec[]): Promise<void>;
  /** Removes every document and index. */
  drop(): Promise<void>;
}

export interface ReadStore {
  collection<T extends Document = Document>(name: string): ReadCollection<T>;
  listCollections(): Promise<string[]>;
  /** Replaces `to` with `from` in one step (MongoDB renameCollection with dropTarget). */
  renameCollection(from: string, to: string): Promise<void>;
  close(): Promise<void>;
}

export const READ_STORE = Symbol('READ_STORE');
