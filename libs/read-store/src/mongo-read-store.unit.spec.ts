import { MongoBulkWriteError, MongoNetworkError, MongoServerError, MongoServerSelectionError, type BulkWriteResult, type Collection, type Db, type WriteError } from 'mongodb';
import { DuplicateKeyError, ReadStoreError, ReadStoreUnavailableError } from './errors';
import { MongoReadCollection, MongoReadStore } from './mongo-read-store';
import type { WriteOperation } from './read-store.port';

/**
 * The adapter's own logic, against a stand-in for the driver: what the contract suite cannot
 * show without a server (error translation, the guarded-upsert retry of an ordered bulk write).
 */

type Counts = Pick<BulkWriteResult, 'matchedCount' | 'modifiedCount' | 'upsertedCount' | 'insertedCount' | 'deletedCount'>;

function counts(partial: Partial<Counts>): BulkWriteResult {
  return { matchedCount: 0, modifiedCount: 0, upsertedCount: 0, insertedCount: 0, deletedCount: 0, ...partial } as BulkWriteResult;
}

function bulkError(index: number, code: number, errmsg: string, before: Partial<Counts>): MongoBulkWriteError {
  // WriteError is not exported at runtime; the adapter reads only these fields of it.
  const writeError = { index, code, errmsg } as WriteError;
  return new MongoBulkWriteError({ message: errmsg, code, writeErrors: [writeError] }, counts(before));
}

function fakeCollection(overrides: Partial<Record<keyof Collection, unknown>>): MongoReadCollection {
  const collection = { collectionName: 'sessions', ...overrides } as unknown as Collection;
  return new MongoReadCollection({} as Db, collection);
}

const upsert = (id: string, revision: number): WriteOperation => ({
  updateOne: { filter: { _id: id, rev: { $lt: revision } }, update: { $set: { rev: revision } }, upsert: true },
});

describe('MongoReadCollection (driver stand-in)', () => {
  it('skips a guarded upsert that hit its own _id and re-sends the rest of the ordered batch', async () => {
    const bulkWrite = jest
      .fn()
      .mockRejectedValueOnce(bulkError(1, 11000, 'E11000 duplicate key error collection: db.sessions index: _id_ dup key: { _id: "b" }', { upsertedCount: 1 }))
      .mockResolvedValueOnce(counts({ matchedCount: 1, modifiedCount: 1 }));
    const collection = fakeCollection({ bulkWrite });
    const ops = [upsert('a', 1), upsert('b', 1), upsert('c', 2)];
    expect(await collection.bulkWrite(ops)).toEqual({ matchedCount: 1, modifiedCount: 1, upsertedCount: 1, insertedCount: 0, deletedCount: 0 });
    expect(bulkWrite).toHaveBeenCalledTimes(2);
    expect(bulkWrite.mock.calls[0]![1]).toEqual({ ordered: true });
    expect(bulkWrite.mock.calls[1]![0]).toHaveLength(1);
    expect(bulkWrite.mock.calls[1]![0][0].updateOne.filter).toEqual({ _id: 'c', rev: { $lt: 2 } });
  });

  it('stops at a duplicate on another index, or on an insert, as a DuplicateKeyError', async () => {
    const otherIndex = fakeCollection({
      bulkWrite: jest.fn().mockRejectedValue(bulkError(0, 11000, 'E11000 duplicate key error collection: db.sessions index: email_1 dup key: { email: "x" }', {})),
    });
    await expect(otherIndex.bulkWrite([upsert('a', 1)])).rejects.toEqual(new DuplicateKeyError('sessions', 'email_1'));
    const insert = fakeCollection({
      bulkWrite: jest.fn().mockRejectedValue(bulkError(0, 11000, 'E11000 duplicate key error collection: db.sessions index: _id_ dup key: { _id: "a" }', {})),
    });
    await expect(insert.bulkWrite([{ insertOne: { document: { _id: 'a' } } }])).rejects.toBeInstanceOf(DuplicateKeyError);
  });

  it('reports a guarded updateOne that hit its own _id as matched nothing, upserted nothing', async () => {
    const duplicate = new MongoServerError({ message: 'E11000 duplicate key error', code: 11000, keyPattern: { _id: 1 }, keyValue: { _id: 'a' } });
    const collection = fakeCollection({ updateOne: jest.fn().mockRejectedValue(duplicate) });
    expect(await collection.updateOne({ _id: 'a', rev: { $lt: 1 } }, { $set: { rev: 1 } }, { upsert: true })).toEqual({
      matchedCount: 0,
      modifiedCount: 0,
      upsertedCount: 0,
    });
    await expect(collection.updateOne({ _id: 'a' }, { $set: { rev: 1 } })).rejects.toBeInstanceOf(DuplicateKeyError);
  });

  it('gives an upsert without an _id in its filter a string _id on insert', async () => {
    const updateOne = jest.fn().mockResolvedValue({ matchedCount: 0, modifiedCount: 0, upsertedCount: 1 });
    const collection = fakeCollection({ updateOne });
    await collection.updateOne({ organizationId: 'o1', day: 'd' }, { $inc: { n: 1 }, $setOnInsert: { createdAt: 'x' } }, { upsert: true });
    const update = updateOne.mock.calls[0]![1];
    expect(update.$inc).toEqual({ n: 1 });
    expect(update.$setOnInsert.createdAt).toBe('x');
    expect(update.$setOnInsert._id).toMatch(/^[0-9a-f]{24}$/);
    await collection.updateOne({ _id: 'given', rev: { $lt: 1 } }, { $set: { rev: 1 } }, { upsert: true });
    expect(updateOne.mock.calls[1]![1]).toEqual({ $set: { rev: 1 } });
  });

  it('translates driver errors: unreachable servers are unavailable, rejections are store errors', async () => {
    const down = fakeCollection({ countDocuments: jest.fn().mockRejectedValue(new MongoServerSelectionError('connect ECONNREFUSED 127.0.0.1:27017', { servers: new Map() } as never)) });
    await expect(down.count({})).rejects.toBeInstanceOf(ReadStoreUnavailableError);
    const cut = fakeCollection({ bulkWrite: jest.fn().mockRejectedValue(new MongoBulkWriteError(new MongoNetworkError('socket closed'), counts({}))) });
    await expect(cut.bulkWrite([upsert('a', 1)])).rejects.toBeInstanceOf(ReadStoreUnavailableError);
    const rejected = fakeCollection({ updateOne: jest.fn().mockRejectedValue(new MongoServerError({ message: 'Cannot apply $inc', code: 14 })) });
    const error: unknown = await rejected.updateOne({ _id: 'a' }, { $inc: { s: 1 } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ReadStoreError);
    expect(error).not.toBeInstanceOf(MongoServerError);
    expect((error as ReadStoreError).serverCode).toBe(14);
  });

  it('ignores dropping a collection that does not exist and renames with dropTarget', async () => {
    const missing = fakeCollection({ drop: jest.fn().mockRejectedValue(new MongoServerError({ message: 'ns not found', code: 26 })) });
    await expect(missing.drop()).resolves.toBeUndefined();
    const renameCollection = jest.fn().mockResolvedValue({});
    await new MongoReadStore({ renameCollection } as unknown as Db).renameCollection('next', 'live');
    expect(renameCollection).toHaveBeenCalledWith('next', 'live', { dropTarget: true });
  });
});
