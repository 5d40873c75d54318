import {
  BSON,
  MongoBulkWriteError,
  MongoClient,
  MongoError,
  MongoNetworkError,
  MongoServerError,
  MongoServerSelectionError,
  MongoWriteConcernError,
  type BulkWriteResult,
  type Collection,
  type Db,
  type WriteError,
} from 'mongodb';
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

/**
 * What the driver itself would send and raise, with its own classes: the createIndexes command as
 * the driver builds and serializes it onto the wire, and the errors its bulk and write paths throw.
 */
describe('MongoReadCollection against the driver’s own command building and errors', () => {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const executeModule = require('mongodb/lib/operations/execute_operation') as { executeOperation: (...args: unknown[]) => Promise<unknown> };
  const { OpMsgRequest } = require('mongodb/lib/cmap/commands') as {
    OpMsgRequest: new (db: string, command: object, options: object) => { toBin(): Buffer[] };
  };
  const bulkCommon = require('mongodb/lib/bulk/common') as {
    BulkWriteResult: new (bulkResult: object, isOrdered: boolean) => BulkWriteResult;
    WriteConcernError: new (error: object) => unknown;
    WriteError: new (error: object) => WriteError;
  };
  /* eslint-enable @typescript-eslint/no-require-imports */

  afterEach(() => jest.restoreAllMocks());

  /** The createIndexes command exactly as it leaves the driver: its OP_MSG body, read back with BSON. */
  async function createIndexesOnTheWire(indexes: Parameters<MongoReadCollection['createIndexes']>[0]): Promise<Record<string, unknown>> {
    const client = new MongoClient('mongodb://127.0.0.1:9/agent_ledger');
    const db = client.db();
    let command: Record<string, unknown> | undefined;
    jest.spyOn(executeModule, 'executeOperation').mockImplementation(async (_client: unknown, operation: unknown) => {
      const op = operation as { buildCommandDocument(connection: object): Record<string, unknown> };
      command = op.buildCommandDocument({ hello: { maxWireVersion: 21 } });
      return [];
    });
    await new MongoReadCollection(db, db.collection('sessions_v1')).createIndexes(indexes);
    await client.close();
    const wire = Buffer.concat(new OpMsgRequest('agent_ledger', { ...command!, $db: 'agent_ledger' }, {}).toBin());
    // OP_MSG: 16-byte header, 4 bytes of flags, then section kind 0 and the body document.
    expect(wire[20]).toBe(0);
    return BSON.deserialize(wire.subarray(21));
  }

  it('sends createIndexes with no null option: a non-unique index carries no unique field at all', async () => {
    const body = await createIndexesOnTheWire([
      { keys: { organizationId: 1, lastActivityAt: -1 }, name: 'org_activity' },
      { keys: { sessionId: 1 }, name: 'session_unique', unique: true },
      { keys: { runId: 1 } },
    ]);
    const indexes = body.indexes as Record<string, unknown>[];
    expect(indexes).toHaveLength(3);
    for (const index of indexes) {
      for (const [option, value] of Object.entries(index)) expect([option, value]).not.toEqual([option, null]);
    }
    expect(indexes[0]).toEqual({ key: { organizationId: 1, lastActivityAt: -1 }, name: 'org_activity' });
    expect(indexes[1]).toEqual({ key: { sessionId: 1 }, name: 'session_unique', unique: true });
    expect(indexes[2]).toEqual({ key: { runId: 1 }, name: 'runId_1' });
  });

  it('turns a BSONError (not a MongoError) into a ReadStoreError', async () => {
    const cannotEncode = new BSON.BSONError('Cannot convert circular structure to BSON');
    expect(cannotEncode).not.toBeInstanceOf(MongoError);
    const collection = fakeCollection({ updateOne: jest.fn().mockRejectedValue(cannotEncode) });
    const error: unknown = await collection.updateOne({ _id: 'a' }, { $set: { x: 1 } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ReadStoreError);
    expect(error).not.toBeInstanceOf(ReadStoreUnavailableError);
    expect((error as Error).message).toMatch(/could not encode or decode a document of sessions: Cannot convert circular structure/);
  });

  it('wraps an error of no known kind in a ReadStoreError', async () => {
    const collection = fakeCollection({ find: jest.fn(() => ({ toArray: () => Promise.reject(new TypeError('boom')) })) });
    const error: unknown = await collection.find({}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ReadStoreError);
    expect(error).not.toBeInstanceOf(TypeError);
  });

  it('answers a write-concern failure as unavailable (the write may roll back: retry it)', async () => {
    const timedOut = new MongoWriteConcernError({ ok: 1, writeConcernError: { code: 64, errmsg: 'waiting for replication timed out', errInfo: { wtimeout: true } } });
    const collection = fakeCollection({ updateOne: jest.fn().mockRejectedValue(timedOut) });
    await expect(collection.updateOne({ _id: 'a' }, { $set: { x: 1 } })).rejects.toBeInstanceOf(ReadStoreUnavailableError);
  });

  function bulkResult(partial: { writeErrors?: WriteError[]; writeConcernErrors?: unknown[]; upserted?: { index: number; _id: string }[] }): BulkWriteResult {
    return new bulkCommon.BulkWriteResult(
      { ok: 1, writeErrors: [], writeConcernErrors: [], insertedIds: [], nInserted: 0, nUpserted: 0, nMatched: 0, nModified: 0, nRemoved: 0, upserted: [], ...partial },
      true,
    );
  }

  it('answers a bulk write whose only failure is its write concern as unavailable', async () => {
    const concern = new bulkCommon.WriteConcernError({ code: 64, errmsg: 'waiting for replication timed out' });
    // What the driver throws: BulkOperationBase.handleWriteError with no write errors.
    const thrown = new MongoBulkWriteError(concern as never, bulkResult({ writeConcernErrors: [concern], upserted: [{ index: 0, _id: 'a' }] }));
    const collection = fakeCollection({ bulkWrite: jest.fn().mockRejectedValue(thrown) });
    await expect(collection.bulkWrite([upsert('a', 1)])).rejects.toBeInstanceOf(ReadStoreUnavailableError);
  });

  it('does not let a skipped guarded upsert hide a write-concern failure of the same batch', async () => {
    const concern = new bulkCommon.WriteConcernError({ code: 64, errmsg: 'waiting for replication timed out' });
    const duplicate = new bulkCommon.WriteError({ index: 1, code: 11000, errmsg: 'E11000 duplicate key error collection: db.sessions index: _id_ dup key: { _id: "b" }' });
    const result = bulkResult({ writeErrors: [duplicate], writeConcernErrors: [concern], upserted: [{ index: 0, _id: 'a' }] });
    // What handleWriteError throws when both are present: the write error's message and code, the concern only in the result.
    const thrown = new MongoBulkWriteError({ message: duplicate.errmsg!, code: 11000, writeErrors: [duplicate] }, result);
    const bulkWrite = jest.fn().mockRejectedValueOnce(thrown).mockResolvedValue(counts({ matchedCount: 1 }));
    const collection = fakeCollection({ bulkWrite });
    await expect(collection.bulkWrite([upsert('a', 1), upsert('b', 1), upsert('c', 2)])).rejects.toBeInstanceOf(ReadStoreUnavailableError);
    expect(bulkWrite).toHaveBeenCalledTimes(1);
  });
});

describe('MongoReadStore change streams', () => {
  it('closes the change streams it opened when it closes, and opens none afterwards', async () => {
    const { EventEmitter } = await import('node:events');
    const opened: { closed: boolean }[] = [];
    const watch = jest.fn(() => {
      const stream = Object.assign(new EventEmitter(), {
        closed: false,
        async close() {
          stream.closed = true;
          stream.emit('close');
        },
      });
      opened.push(stream);
      return stream;
    });
    const store = new MongoReadStore({ watch } as unknown as Db);
    store.watch([], {});
    store.watch([], {});
    await store.close();
    expect(opened.map((stream) => stream.closed)).toEqual([true, true]);
    expect(() => store.watch([], {})).toThrow(ReadStoreUnavailableError);
  });
});
