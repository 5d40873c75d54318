"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.MemoryIndex = void 0;
exports.defaultIndexName = defaultIndexName;
const key_encoding_1 = require("./key-encoding");
const sorted_index_1 = require("./sorted-index");
const values_1 = require("./values");
/** MongoDB's default index name: `organizationId_1_lastActivityAt_-1`. */
function defaultIndexName(keys) {
    return Object.entries(keys)
        .map(([path, direction]) => `${path}_${direction}`)
        .join('_');
}
/**
 * A secondary index: entries in key order, each component in its own direction, ties broken by
 * _id ascending. A document whose indexed path holds an array (MongoDB would make the index
 * multikey) or a document makes the index unusable for planning while it is there, because its
 * entries then no longer say what an equality, range or sort on that field sees.
 */
class MemoryIndex {
    spec;
    name;
    fields;
    unique;
    entries = new sorted_index_1.SortedIndex();
    /** Each document's current entry, so moving it costs one key encoding, not two. */
    current = new Map();
    /** Documents whose key is not plannable (see the class comment). */
    unordered = new Set();
    constructor(spec) {
        this.spec = spec;
        this.name = spec.name ?? defaultIndexName(spec.keys);
        this.unique = spec.unique === true;
        this.fields = Object.entries(spec.keys).map(([path, direction]) => ({ path, parts: (0, values_1.splitPath)(path), direction }));
    }
    get plannable() {
        return this.unordered.size === 0;
    }
    keyOf(doc) {
        const parts = [];
        let ordered = true;
        for (const field of this.fields) {
            let value = (0, values_1.getPath)(doc, field.parts);
            if (value === values_1.THROUGH_ARRAY)
                value = (0, values_1.resolveForSort)(doc, field.parts);
            if (!(0, key_encoding_1.isOrderedKeyValue)(value))
                ordered = false;
            parts.push((0, key_encoding_1.encodeComponent)(value, field.direction));
        }
        // join() yields a flat string; `+=` would build a rope that every comparison has to walk.
        return { text: parts.join(''), ordered };
    }
    entryKey(text, id) {
        return [text, (0, key_encoding_1.encodeId)(id)].join('');
    }
    /** Whether an update that changed these paths can have changed this index's key. */
    affectedBy(touched) {
        if (touched === null)
            return true;
        for (const field of this.fields)
            for (const path of touched)
                if ((0, values_1.overlaps)(field.path, path))
                    return true;
        return false;
    }
    /** The id of another document holding the same key (missing counts as null, as in MongoDB). */
    conflict(doc) {
        const prefix = this.keyOf(doc).text + key_encoding_1.ID_MARK;
        const cursor = this.entries.cursor(this.entries.seek(prefix), this.entries.end(), false);
        for (let id = cursor.next(); id !== undefined && cursor.key.startsWith(prefix); id = cursor.next()) {
            if (id !== doc._id)
                return id;
        }
        return null;
    }
    /** Whether a replacement moves the document in this index. */
    moves(after) {
        return this.current.get(after._id) !== this.entryKey(this.keyOf(after).text, after._id);
    }
    add(doc) {
        const id = doc._id;
        const key = this.keyOf(doc);
        const entry = this.entryKey(key.text, id);
        if (!key.ordered)
            this.unordered.add(id);
        this.current.set(id, entry);
        this.entries.insert(entry, id);
    }
    remove(doc) {
        const id = doc._id;
        const entry = this.current.get(id);
        if (entry === undefined)
            return;
        this.current.delete(id);
        this.unordered.delete(id);
        this.entries.delete(entry);
    }
    /** Moves a document's entry when its key changed. */
    replace(after) {
        const id = after._id;
        const old = this.current.get(id);
        const key = this.keyOf(after);
        const entry = this.entryKey(key.text, id);
        if (old === entry)
            return;
        if (key.ordered)
            this.unordered.delete(id);
        else
            this.unordered.add(id);
        if (old !== undefined)
            this.entries.delete(old);
        this.current.set(id, entry);
        this.entries.insert(entry, id);
    }
    load(docs) {
        const entries = [];
        this.current.clear();
        this.unordered.clear();
        for (const doc of docs) {
            const id = doc._id;
            const key = this.keyOf(doc);
            const entry = this.entryKey(key.text, id);
            if (!key.ordered)
                this.unordered.add(id);
            this.current.set(id, entry);
            entries.push({ key: entry, id });
        }
        this.entries.load(entries);
    }
    /** Whether two documents share a key, when building a unique index over existing documents. */
    hasDuplicates(docs) {
        const seen = new Set();
        for (const doc of docs) {
            const text = this.keyOf(doc).text;
            if (seen.has(text))
                return true;
            seen.add(text);
        }
        return false;
    }
}
exports.MemoryIndex = MemoryIndex;
//# sourceMappingURL=memory-index.js.map