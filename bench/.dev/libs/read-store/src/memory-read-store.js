"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.MemoryReadCollection = exports.MemoryReadStore = void 0;
const node_fs_1 = require("node:fs");
const promises_1 = require("node:fs/promises");
const node_events_1 = require("node:events");
const node_readline_1 = require("node:readline");
const mingo_1 = require("mingo");
const errors_1 = require("./errors");
const collection_data_1 = require("./memory/collection-data");
const snapshot_codec_1 = require("./memory/snapshot-codec");
const values_1 = require("./memory/values");
const SNAPSHOT_FORMAT = 'agent-ledger.read-store.snapshot';
const SNAPSHOT_VERSION = 1;
/** Stages mingo runs without writing into its input documents; any other stage gets copies. */
const NON_MUTATING_STAGES = new Set(['$match', '$group', '$sort', '$limit', '$skip', '$count', '$sortByCount']);
/**
 * The embedded read store: collections in memory, queried in MongoDB's language through mingo,
 * with real secondary indexes and a small planner (see CollectionData). Every operation runs
 * synchronously inside its promise, so each one is atomic with respect to the others.
 */
class MemoryReadStore {
    collections = new Map();
    closed = false;
    collection(name) {
        checkName(name);
        const access = {
            read: () => {
                this.assertOpen();
                return this.collections.get(name);
            },
            write: () => {
                this.assertOpen();
                let data = this.collections.get(name);
                if (data === undefined) {
                    data = new collection_data_1.CollectionData(name);
                    this.collections.set(name, data);
                }
                return data;
            },
            drop: () => {
                this.assertOpen();
                this.collections.delete(name);
            },
            lookup: (other) => [...(this.collections.get(other)?.docs.values() ?? [])].map(values_1.cloneValue),
        };
        return new MemoryReadCollection(name, access);
    }
    async listCollections() {
        this.assertOpen();
        return [...this.collections.keys()].sort();
    }
    async renameCollection(from, to) {
        this.assertOpen();
        checkName(from);
        checkName(to);
        if (from === to)
            return;
        const source = this.collections.get(from);
        if (source === undefined)
            throw new errors_1.ReadStoreError(`cannot rename ${from}: no such collection`, 26);
        this.collections.delete(from);
        source.name = to;
        this.collections.set(to, source);
    }
    async close() {
        this.closed = true;
    }
    assertOpen() {
        if (this.closed)
            throw new errors_1.ReadStoreUnavailableError('the in-memory read store is closed');
    }
    snapshot() {
        this.assertOpen();
        const collections = {};
        for (const [name, data] of this.collections) {
            collections[name] = {
                indexes: data.indexes.map((index) => ({ ...index.spec, keys: { ...index.spec.keys } })),
                documents: [...data.docs.values()].map(values_1.cloneValue),
            };
        }
        return { collections };
    }
    static fromSnapshot(snapshot) {
        const store = new MemoryReadStore();
        for (const [name, { indexes, documents }] of Object.entries(snapshot.collections)) {
            checkName(name);
            const data = new collection_data_1.CollectionData(name);
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
    async writeSnapshot(path) {
        this.assertOpen();
        const temporary = `${path}.${process.pid}.tmp`;
        const out = (0, node_fs_1.createWriteStream)(temporary, { encoding: 'utf8' });
        const failed = new Promise((_, reject) => out.once('error', reject));
        const write = async (value) => {
            if (!out.write(`${JSON.stringify(value)}\n`))
                await Promise.race([(0, node_events_1.once)(out, 'drain'), failed]);
        };
        try {
            await write({ format: SNAPSHOT_FORMAT, version: SNAPSHOT_VERSION });
            for (const [name, data] of [...this.collections].sort(([a], [b]) => (a < b ? -1 : 1))) {
                await write({ collection: name, indexes: data.indexes.map((index) => index.spec), documents: data.docs.size });
                for (const doc of data.docs.values())
                    await write((0, snapshot_codec_1.encodeValue)(doc));
            }
            out.end();
            await Promise.race([(0, node_events_1.once)(out, 'finish'), failed]);
            await (0, promises_1.rename)(temporary, path);
        }
        catch (error) {
            out.destroy();
            await (0, promises_1.unlink)(temporary).catch(() => undefined);
            throw error;
        }
    }
    static async readSnapshot(path) {
        const store = new MemoryReadStore();
        const lines = (0, node_readline_1.createInterface)({ input: (0, node_fs_1.createReadStream)(path, { encoding: 'utf8' }), crlfDelay: Infinity });
        let header = false;
        let current = null;
        const finish = () => {
            if (current === null)
                return;
            if (current.docs.length !== current.expected) {
                throw new errors_1.ReadStoreError(`snapshot ${path} is truncated in collection ${current.data.name}`);
            }
            current.data.load(current.docs);
            store.collections.set(current.data.name, current.data);
            current = null;
        };
        for await (const line of lines) {
            if (line === '')
                continue;
            const value = JSON.parse(line);
            if (!header) {
                if (!(0, values_1.isPlainObject)(value) || value.format !== SNAPSHOT_FORMAT || value.version !== SNAPSHOT_VERSION) {
                    throw new errors_1.ReadStoreError(`${path} is not a read store snapshot of version ${SNAPSHOT_VERSION}`);
                }
                header = true;
                continue;
            }
            if (current === null || current.docs.length === current.expected) {
                finish();
                if (!(0, values_1.isPlainObject)(value) || typeof value.collection !== 'string' || typeof value.documents !== 'number' || !Array.isArray(value.indexes)) {
                    throw new errors_1.ReadStoreError(`snapshot ${path} has a malformed collection header`);
                }
                checkName(value.collection);
                const data = new collection_data_1.CollectionData(value.collection);
                data.createIndexes(value.indexes);
                current = { data, expected: value.documents, docs: [] };
                continue;
            }
            current.docs.push(checkedDocument((0, snapshot_codec_1.decodeValue)(value)));
        }
        if (!header)
            throw new errors_1.ReadStoreError(`snapshot ${path} is empty`);
        finish();
        return store;
    }
}
exports.MemoryReadStore = MemoryReadStore;
function checkedDocument(value) {
    if (!(0, values_1.isPlainObject)(value) || typeof value._id !== 'string')
        throw new errors_1.ReadStoreError('a snapshot document needs a string _id');
    return (0, values_1.cloneForStorage)(value);
}
/** The names MongoDB accepts, so a name that works here works in production. */
function checkName(name) {
    if (typeof name !== 'string' || name === '' || name.includes('$') || name.includes('\0') || name.startsWith('system.')) {
        throw new errors_1.ReadStoreError(`invalid collection name ${JSON.stringify(name)}`, 73);
    }
}
function stageName(stage) {
    const keys = Object.keys(stage);
    if (keys.length !== 1)
        throw new errors_1.ReadStoreError('a pipeline stage has exactly one operator', 40323);
    return keys[0];
}
function isSortSpec(value) {
    return (0, values_1.isPlainObject)(value) && Object.keys(value).length > 0 && Object.values(value).every((v) => v === 1 || v === -1);
}
function isCount(value) {
    return typeof value === 'number' && Number.isInteger(value) && value > 0;
}
class MemoryReadCollection {
    name;
    access;
    constructor(name, access) {
        this.name = name;
        this.access = access;
    }
    /** How a query runs: the plan, the index, how many keys and documents it examined. */
    explain(filter, options = {}) {
        const data = this.access.read();
        if (data === undefined) {
            return { plan: 'COLLECTION_SCAN', index: null, sortCovered: false, keysExamined: 0, docsExamined: 0, returned: 0, considered: [], gaveUpOnSortCoveredPlan: false };
        }
        return data.execute(filter, options).stats;
    }
    async findOne(filter, options = {}) {
        const [doc] = await this.find(filter, { ...options, limit: 1 });
        return doc ?? null;
    }
    async find(filter, options = {}) {
        const data = this.access.read();
        if (data === undefined)
            return [];
        const { docs } = data.execute(filter, options);
        return project(docs, options.projection);
    }
    async count(filter) {
        return this.access.read()?.count(filter) ?? 0;
    }
    async aggregate(pipeline) {
        const data = this.access.read();
        const stages = pipeline.map((stage) => ({ stage, name: stageName(stage) }));
        if (stages.some(({ name }) => name === '$out' || name === '$merge')) {
            throw new errors_1.ReadStoreError('$out and $merge are not supported by the in-memory store', 2);
        }
        let docs;
        let next = 0;
        if (stages[0]?.name === '$match' && (0, values_1.isPlainObject)(stages[0].stage.$match)) {
            // The leading $match (and a $sort/$skip/$limit right after it) goes through the planner.
            const options = {};
            next = 1;
            if (stages[1]?.name === '$sort' && isSortSpec(stages[1].stage.$sort)) {
                options.sort = stages[1].stage.$sort;
                next = 2;
                if (stages[next]?.name === '$skip' && typeof stages[next].stage.$skip === 'number') {
                    options.skip = stages[next].stage.$skip;
                    next += 1;
                }
                if (stages[next]?.name === '$limit' && isCount(stages[next].stage.$limit)) {
                    options.limit = stages[next].stage.$limit;
                    next += 1;
                }
            }
            docs = data === undefined ? [] : data.execute(stages[0].stage.$match, options).docs;
        }
        else
            docs = data === undefined ? [] : [...data.docs.values()];
        const rest = pipeline.slice(next);
        if (rest.length === 0)
            return docs.map(values_1.cloneValue);
        const safe = stages.slice(next).every(({ name }) => NON_MUTATING_STAGES.has(name));
        const aggregator = new mingo_1.Aggregator(rest, { collectionResolver: (name) => this.access.lookup(name) });
        const output = aggregator.run(safe ? docs : docs.map(values_1.cloneValue));
        return output.map(values_1.cloneValue);
    }
    async updateOne(filter, update, options = {}) {
        const upsert = options.upsert === true;
        const data = upsert ? this.access.write() : this.access.read();
        if (data === undefined)
            return { matchedCount: 0, modifiedCount: 0, upsertedCount: 0 };
        return data.updateOne(filter, update, upsert);
    }
    async bulkWrite(operations) {
        const result = { matchedCount: 0, modifiedCount: 0, upsertedCount: 0, insertedCount: 0, deletedCount: 0 };
        // Like MongoDB, only inserts and upserts create the collection.
        const target = (creates) => (creates ? this.access.write() : this.access.read());
        const add = (r) => {
            result.matchedCount += r.matchedCount;
            result.modifiedCount += r.modifiedCount;
            result.upsertedCount += r.upsertedCount;
        };
        for (const operation of operations) {
            if ('updateOne' in operation) {
                const { filter, update, upsert } = operation.updateOne;
                const data = target(upsert === true);
                if (data !== undefined)
                    add(data.updateOne(filter, update, upsert === true));
            }
            else if ('replaceOne' in operation) {
                const { filter, replacement, upsert } = operation.replaceOne;
                const data = target(upsert === true);
                if (data !== undefined)
                    add(data.replaceOne(filter, replacement, upsert === true));
            }
            else if ('insertOne' in operation) {
                target(true).insertOne(operation.insertOne.document);
                result.insertedCount += 1;
            }
            else if ('deleteOne' in operation) {
                result.deletedCount += target(false)?.deleteOne(operation.deleteOne.filter) ?? 0;
            }
            else if ('deleteMany' in operation) {
                result.deletedCount += target(false)?.deleteMany(operation.deleteMany.filter) ?? 0;
            }
            else {
                const _never = operation;
                throw new errors_1.ReadStoreError(`unknown bulk operation ${JSON.stringify(_never)}`, 2);
            }
        }
        return result;
    }
    async deleteMany(filter) {
        return this.access.read()?.deleteMany(filter) ?? 0;
    }
    async createIndexes(indexes) {
        this.access.write().createIndexes(indexes);
    }
    async drop() {
        this.access.drop();
    }
}
exports.MemoryReadCollection = MemoryReadCollection;
function project(docs, projection) {
    const copies = docs.map(values_1.cloneValue);
    if (projection === undefined || Object.keys(projection).length === 0)
        return copies;
    // mingo's projection writes into its input (exclusions of nested fields), hence the copies.
    return (0, mingo_1.find)(copies, {}, projection).all();
}
//# sourceMappingURL=memory-read-store.js.map