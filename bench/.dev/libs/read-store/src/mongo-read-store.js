"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.MongoReadCollection = exports.MongoReadStore = void 0;
const mongodb_1 = require("mongodb");
const errors_1 = require("./errors");
const NAMESPACE_NOT_FOUND = 26;
const NAMESPACE_EXISTS = 48;
const DUPLICATE_KEY = 11000;
/** Server codes meaning "not reachable or not primary right now", per the driver's retryability rules. */
const UNAVAILABLE_CODES = new Set([
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
function isUnavailable(error) {
    if (error instanceof mongodb_1.MongoNetworkError ||
        error instanceof mongodb_1.MongoServerSelectionError ||
        error instanceof mongodb_1.MongoNotConnectedError ||
        error instanceof mongodb_1.MongoTopologyClosedError ||
        error instanceof mongodb_1.MongoServerClosedError ||
        error instanceof mongodb_1.MongoClientClosedError ||
        error instanceof mongodb_1.MongoOperationTimeoutError ||
        error instanceof mongodb_1.MongoStalePrimaryError) {
        return true;
    }
    if (error.hasErrorLabel('RetryableWriteError') || error.hasErrorLabel('ResetPool'))
        return true;
    return typeof error.code === 'number' && UNAVAILABLE_CODES.has(error.code);
}
/** The index a duplicate-key error names: from keyPattern when the server sends it, else from its message. */
function duplicateIndex(keyPattern, message) {
    if (keyPattern !== null && typeof keyPattern === 'object') {
        const keys = Object.keys(keyPattern);
        if (keys.length === 1 && keys[0] === '_id')
            return '_id_';
    }
    return /index: (\S+)/.exec(message ?? '')?.[1] ?? 'unknown';
}
/**
 * Every driver error becomes one of the port's errors, here and nowhere else. Messages keep the
 * server's wording (never a connection string); the driver error itself is not attached.
 */
function translate(error, collection) {
    if (error instanceof errors_1.ReadStoreError || !(error instanceof mongodb_1.MongoError))
        return error;
    // A bulk write that failed for a non-write reason (a network error...) wraps the real error.
    const wrapped = error instanceof mongodb_1.MongoBulkWriteError ? error.errorResponse : undefined;
    if (wrapped instanceof mongodb_1.MongoError && wrapped !== error)
        return translate(wrapped, collection);
    if (isUnavailable(error))
        return new errors_1.ReadStoreUnavailableError(`MongoDB is unavailable: ${error.message}`, numericCode(error));
    if (error instanceof mongodb_1.MongoServerError && error.code === DUPLICATE_KEY) {
        return new errors_1.DuplicateKeyError(collection, duplicateIndex(error.keyPattern, error.errmsg ?? error.message));
    }
    return new errors_1.ReadStoreError(`MongoDB rejected an operation on ${collection}: ${error.message}`, numericCode(error));
}
function numericCode(error) {
    return typeof error.code === 'number' ? error.code : undefined;
}
async function guarded(collection, operation) {
    try {
        return await operation();
    }
    catch (error) {
        throw translate(error, collection);
    }
}
/** True when the filter fixes _id by equality, so MongoDB's upsert takes its _id from it. */
function fixesId(filter) {
    const id = filter._id;
    if (id instanceof RegExp)
        return false;
    if (id !== undefined && (id === null || typeof id !== 'object' || id instanceof Date || !Object.keys(id).some((k) => k.startsWith('$')))) {
        return true;
    }
    if (id !== null && typeof id === 'object' && '$eq' in id)
        return true;
    const and = filter.$and;
    return Array.isArray(and) && and.some((branch) => branch !== null && typeof branch === 'object' && fixesId(branch));
}
/**
 * The port's documents have string ids. An upsert whose filter does not name one would get an
 * ObjectId from the server, so the adapter supplies a string id for the insert case (the
 * in-memory store generates the same shape).
 */
function withStringId(filter, update) {
    if (fixesId(filter))
        return update;
    const id = new mongodb_1.ObjectId().toHexString();
    if (Array.isArray(update))
        return [...update, { $set: { _id: { $ifNull: ['$_id', id] } } }];
    const set = update.$set;
    const setOnInsert = update.$setOnInsert;
    if ((set && '_id' in set) || (setOnInsert && '_id' in setOnInsert))
        return update;
    return { ...update, $setOnInsert: { ...setOnInsert, _id: id } };
}
const NOTHING = Object.freeze({ matchedCount: 0, modifiedCount: 0, upsertedCount: 0 });
/**
 * The production read store: the official `mongodb` driver, one call per port method. Writes use
 * the driver's defaults (retryable writes, the connection's write concern).
 */
class MongoReadStore {
    db;
    ownedClient;
    constructor(db, 
    /** Closed by close() when given: the store owns it (as with connect()). */
    ownedClient) {
        this.db = db;
        this.ownedClient = ownedClient;
    }
    /** Connects with MongoClient; the database is `dbName`, else the one in the URL, else the driver's default. */
    static async connect(url, dbName, options = {}) {
        let client;
        try {
            client = new mongodb_1.MongoClient(url, options);
        }
        catch (error) {
            // A malformed URL: its text may carry a password, so it is not repeated.
            throw new errors_1.ReadStoreError(`invalid MongoDB connection string (${error instanceof mongodb_1.MongoError ? error.name : 'error'})`);
        }
        try {
            await client.connect();
        }
        catch (error) {
            await client.close().catch(() => undefined);
            throw translate(error, '(connect)');
        }
        return new MongoReadStore(client.db(dbName), client);
    }
    collection(name) {
        try {
            return new MongoReadCollection(this.db, this.db.collection(name));
        }
        catch (error) {
            // The driver validates the name synchronously.
            throw translate(error, name);
        }
    }
    async listCollections() {
        const infos = await guarded('(listCollections)', () => this.db.listCollections({}, { nameOnly: true, authorizedCollections: true }).toArray());
        return infos
            .map((info) => info.name)
            .filter((name) => !name.startsWith('system.'))
            .sort();
    }
    async renameCollection(from, to) {
        if (from === to)
            return;
        try {
            await this.db.renameCollection(from, to, { dropTarget: true });
        }
        catch (error) {
            if (error instanceof mongodb_1.MongoServerError && error.code === NAMESPACE_NOT_FOUND) {
                throw new errors_1.ReadStoreError(`cannot rename ${from}: no such collection`, NAMESPACE_NOT_FOUND);
            }
            throw translate(error, from);
        }
    }
    async close() {
        if (this.ownedClient)
            await guarded('(close)', () => this.ownedClient.close());
    }
}
exports.MongoReadStore = MongoReadStore;
class MongoReadCollection {
    db;
    collection;
    name;
    constructor(db, collection) {
        this.db = db;
        this.collection = collection;
        this.name = collection.collectionName;
    }
    async findOne(filter, options = {}) {
        const doc = await guarded(this.name, () => this.collection.findOne(filter, { sort: options.sort, projection: options.projection }));
        return doc;
    }
    async find(filter, options = {}) {
        const docs = await guarded(this.name, () => this.collection.find(filter, { sort: options.sort, limit: options.limit, skip: options.skip, projection: options.projection }).toArray());
        return docs;
    }
    async count(filter) {
        return guarded(this.name, () => this.collection.countDocuments(filter));
    }
    async aggregate(pipeline) {
        const docs = await guarded(this.name, () => this.collection.aggregate(pipeline).toArray());
        return docs;
    }
    async updateOne(filter, update, options = {}) {
        const upsert = options.upsert === true;
        try {
            const result = await this.collection.updateOne(filter, upsert ? withStringId(filter, update) : update, { upsert });
            return { matchedCount: result.matchedCount, modifiedCount: result.modifiedCount, upsertedCount: result.upsertedCount };
        }
        catch (error) {
            // The guard excluded an existing document, so the upsert's insert hit its _id: a no-op.
            if (upsert && error instanceof mongodb_1.MongoServerError && error.code === DUPLICATE_KEY && duplicateIndex(error.keyPattern, error.errmsg) === '_id_') {
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
    async bulkWrite(operations) {
        const total = { matchedCount: 0, modifiedCount: 0, upsertedCount: 0, insertedCount: 0, deletedCount: 0 };
        const models = operations.map(toDriverOperation);
        let start = 0;
        while (start < models.length) {
            const batch = models.slice(start);
            try {
                addCounts(total, await this.collection.bulkWrite(batch, { ordered: true }));
                break;
            }
            catch (error) {
                if (!(error instanceof mongodb_1.MongoBulkWriteError))
                    throw translate(error, this.name);
                addCounts(total, error.result);
                const writeErrors = Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors];
                const first = writeErrors[0];
                const failed = first === undefined ? undefined : operations[start + first.index];
                const guardedUpsert = first !== undefined &&
                    first.code === DUPLICATE_KEY &&
                    duplicateIndex(undefined, first.errmsg) === '_id_' &&
                    failed !== undefined &&
                    isUpsert(failed);
                if (!guardedUpsert || error.err !== undefined)
                    throw translate(error, this.name);
                start += first.index + 1;
            }
        }
        return total;
    }
    async deleteMany(filter) {
        const result = await guarded(this.name, () => this.collection.deleteMany(filter));
        return result.deletedCount;
    }
    /** Also creates the collection when there is no index to build, so it exists for listCollections and renames. */
    async createIndexes(indexes) {
        if (indexes.length === 0) {
            try {
                await this.db.createCollection(this.name);
            }
            catch (error) {
                if (!(error instanceof mongodb_1.MongoServerError && error.code === NAMESPACE_EXISTS))
                    throw translate(error, this.name);
            }
            return;
        }
        await guarded(this.name, () => this.collection.createIndexes(indexes.map((index) => ({ key: index.keys, name: index.name, unique: index.unique === true ? true : undefined }))));
    }
    async drop() {
        try {
            await this.collection.drop();
        }
        catch (error) {
            if (error instanceof mongodb_1.MongoServerError && error.code === NAMESPACE_NOT_FOUND)
                return;
            throw translate(error, this.name);
        }
    }
}
exports.MongoReadCollection = MongoReadCollection;
function isUpsert(operation) {
    if ('updateOne' in operation)
        return operation.updateOne.upsert === true;
    if ('replaceOne' in operation)
        return operation.replaceOne.upsert === true;
    return false;
}
function toDriverOperation(operation) {
    if ('updateOne' in operation) {
        const { filter, update, upsert } = operation.updateOne;
        return { updateOne: { filter, update: upsert === true ? withStringId(filter, update) : update, upsert: upsert === true } };
    }
    if ('replaceOne' in operation) {
        const { filter, replacement, upsert } = operation.replaceOne;
        return { replaceOne: { filter, replacement: replacement, upsert: upsert === true } };
    }
    if ('insertOne' in operation)
        return { insertOne: { document: operation.insertOne.document } };
    if ('deleteOne' in operation)
        return { deleteOne: { filter: operation.deleteOne.filter } };
    if ('deleteMany' in operation)
        return { deleteMany: { filter: operation.deleteMany.filter } };
    const _never = operation;
    throw new errors_1.ReadStoreError(`unknown bulk operation ${JSON.stringify(_never)}`);
}
function addCounts(total, result) {
    total.matchedCount += result.matchedCount;
    total.modifiedCount += result.modifiedCount;
    total.upsertedCount += result.upsertedCount;
    total.insertedCount += result.insertedCount;
    total.deletedCount += result.deletedCount;
}
//# sourceMappingURL=mongo-read-store.js.map