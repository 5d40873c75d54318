"use strict";
/**
 * Value semantics of the in-memory store, following MongoDB's BSON rules where they matter to
 * indexes, sorting and updates: one total order across types, `null` and a missing field being
 * the same key, documents stored as private copies.
 */
Object.defineProperty(exports, "__esModule", { value: true });
exports.THROUGH_ARRAY = exports.MAX_KEY = exports.MIN_KEY = exports.TypeBoundary = exports.Rank = void 0;
exports.isPlainObject = isPlainObject;
exports.rankOf = rankOf;
exports.compareValues = compareValues;
exports.sortValue = sortValue;
exports.sameValue = sameValue;
exports.cloneForStorage = cloneForStorage;
exports.cloneValue = cloneValue;
exports.overlaps = overlaps;
exports.splitPath = splitPath;
exports.getPath = getPath;
exports.generateId = generateId;
exports.resolveForSort = resolveForSort;
/** Type brackets in BSON comparison order. `null` and missing share a bracket, as in MongoDB indexes. */
var Rank;
(function (Rank) {
    Rank[Rank["MinKey"] = 0] = "MinKey";
    Rank[Rank["EmptyArray"] = 1] = "EmptyArray";
    Rank[Rank["Null"] = 2] = "Null";
    Rank[Rank["Number"] = 3] = "Number";
    Rank[Rank["String"] = 4] = "String";
    Rank[Rank["Object"] = 5] = "Object";
    Rank[Rank["Array"] = 6] = "Array";
    Rank[Rank["Binary"] = 7] = "Binary";
    Rank[Rank["ObjectId"] = 8] = "ObjectId";
    Rank[Rank["Boolean"] = 9] = "Boolean";
    Rank[Rank["Date"] = 10] = "Date";
    Rank[Rank["RegExp"] = 11] = "RegExp";
    Rank[Rank["Other"] = 12] = "Other";
    Rank[Rank["MaxKey"] = 13] = "MaxKey";
})(Rank || (exports.Rank = Rank = {}));
/**
 * The first or last point of one type bracket: `{ $gt: 5 }` scans numbers above 5 up to the end
 * of the numbers, because MongoDB (and mingo) never compare across types in a range query.
 */
class TypeBoundary {
    rank;
    end;
    constructor(rank, end) {
        this.rank = rank;
        this.end = end;
    }
}
exports.TypeBoundary = TypeBoundary;
exports.MIN_KEY = new TypeBoundary(Rank.MinKey, false);
exports.MAX_KEY = new TypeBoundary(Rank.MaxKey, true);
function isPlainObject(value) {
    if (value === null || typeof value !== 'object')
        return false;
    const proto = Object.getPrototypeOf(value);
    return proto === Object.prototype || proto === null;
}
function isObjectId(value) {
    return value._bsontype === 'ObjectId' && typeof value.toHexString === 'function';
}
function rankOf(value) {
    switch (typeof value) {
        case 'undefined':
            return Rank.Null;
        case 'number':
        case 'bigint':
            return Rank.Number;
        case 'string':
        case 'symbol':
            return Rank.String;
        case 'boolean':
            return Rank.Boolean;
        case 'function':
            return Rank.Other;
        case 'object':
            if (value === null)
                return Rank.Null;
            if (value instanceof TypeBoundary)
                return value.rank;
            if (value instanceof Date)
                return Rank.Date;
            if (Array.isArray(value))
                return Rank.Array;
            if (value instanceof RegExp)
                return Rank.RegExp;
            if (ArrayBuffer.isView(value))
                return Rank.Binary;
            if (isObjectId(value))
                return Rank.ObjectId;
            return Rank.Object;
    }
}
function compareNumbers(a, b) {
    // BSON puts NaN below every other number and equal to itself.
    const aNaN = Number.isNaN(a);
    const bNaN = Number.isNaN(b);
    if (aNaN || bNaN)
        return aNaN && bNaN ? 0 : aNaN ? -1 : 1;
    return a < b ? -1 : a > b ? 1 : 0;
}
function compareStrings(a, b) {
    return a < b ? -1 : a > b ? 1 : 0;
}
/**
 * BSON comparison order (MongoDB's sort and index order), total over every value we store.
 * Kept small so it inlines into index comparators: index keys are mostly strings or numbers of
 * one type, decided here; everything else goes through compareMixed.
 */
function compareValues(a, b) {
    if (a === b)
        return 0;
    if (typeof a === 'string' && typeof b === 'string')
        return a < b ? -1 : 1;
    if (typeof a === 'number' && typeof b === 'number' && a === a && b === b)
        return a < b ? -1 : 1;
    return compareMixed(a, b);
}
function compareMixed(a, b) {
    const ra = rankOf(a);
    const rb = rankOf(b);
    if (ra !== rb)
        return ra < rb ? -1 : 1;
    if (a instanceof TypeBoundary || b instanceof TypeBoundary) {
        const ea = a instanceof TypeBoundary ? (a.end ? 1 : -1) : 0;
        const eb = b instanceof TypeBoundary ? (b.end ? 1 : -1) : 0;
        return ea === eb ? 0 : ea < eb ? -1 : 1;
    }
    switch (ra) {
        case Rank.MinKey:
        case Rank.MaxKey:
        case Rank.Null:
        case Rank.EmptyArray:
            return 0;
        case Rank.Number:
            return compareNumbers(Number(a), Number(b));
        case Rank.String:
            return compareStrings(String(a), String(b));
        case Rank.Boolean:
            return a === b ? 0 : a ? 1 : -1;
        case Rank.Date:
            return compareNumbers(a.getTime(), b.getTime());
        case Rank.Array:
            return compareArrays(a, b);
        case Rank.Object:
            return compareObjects(a, b);
        case Rank.Binary:
            return compareBinary(a, b);
        case Rank.ObjectId:
            return compareStrings(a.toHexString(), b.toHexString());
        case Rank.RegExp:
            return compareStrings(String(a), String(b));
        case Rank.Other:
            return 0;
        default: {
            const _never = ra;
            return _never;
        }
    }
}
function compareArrays(a, b) {
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) {
        const c = compareValues(a[i], b[i]);
        if (c !== 0)
            return c;
    }
    return a.length - b.length < 0 ? -1 : a.length === b.length ? 0 : 1;
}
/** Embedded documents compare pair by pair in field order: value type, then field name, then value. */
function compareObjects(a, b) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    const n = Math.min(ka.length, kb.length);
    for (let i = 0; i < n; i++) {
        const va = a[ka[i]];
        const vb = b[kb[i]];
        const ra = rankOf(va);
        const rb = rankOf(vb);
        if (ra !== rb)
            return ra < rb ? -1 : 1;
        const names = compareStrings(ka[i], kb[i]);
        if (names !== 0)
            return names;
        const values = compareValues(va, vb);
        if (values !== 0)
            return values;
    }
    return ka.length === kb.length ? 0 : ka.length < kb.length ? -1 : 1;
}
function compareBinary(a, b) {
    const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    const y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
    if (x.length !== y.length)
        return x.length < y.length ? -1 : 1;
    for (let i = 0; i < x.length; i++)
        if (x[i] !== y[i])
            return x[i] < y[i] ? -1 : 1;
    return 0;
}
/**
 * The value a sort compares for one document: arrays sort by their smallest element ascending
 * and their largest descending, and an empty array before null, as MongoDB does.
 */
function sortValue(value, direction) {
    if (!Array.isArray(value))
        return value === undefined ? null : value;
    if (value.length === 0)
        return EMPTY_ARRAY_KEY;
    let best = sortValue(value[0], direction);
    for (let i = 1; i < value.length; i++) {
        const v = sortValue(value[i], direction);
        const c = compareValues(v, best);
        if (direction === 1 ? c < 0 : c > 0)
            best = v;
    }
    return best;
}
const EMPTY_ARRAY_KEY = new TypeBoundary(Rank.EmptyArray, false);
/**
 * Exact equality of stored values, as MongoDB decides "modified": field order matters in
 * documents, `null` differs from missing, Dates compare by instant.
 */
function sameValue(a, b) {
    if (a === b)
        return true;
    if (typeof a === 'number' && typeof b === 'number')
        return Number.isNaN(a) && Number.isNaN(b);
    if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object')
        return false;
    if (a instanceof Date)
        return b instanceof Date && a.getTime() === b.getTime();
    if (Array.isArray(a)) {
        if (!Array.isArray(b) || a.length !== b.length)
            return false;
        for (let i = 0; i < a.length; i++)
            if (!sameValue(a[i], b[i]))
                return false;
        return true;
    }
    if (Array.isArray(b) || b instanceof Date)
        return false;
    if (isPlainObject(a) && isPlainObject(b)) {
        const ka = Object.keys(a);
        const kb = Object.keys(b);
        if (ka.length !== kb.length)
            return false;
        for (let i = 0; i < ka.length; i++) {
            if (ka[i] !== kb[i] || !sameValue(a[ka[i]], b[kb[i]]))
                return false;
        }
        return true;
    }
    return rankOf(a) === rankOf(b) && compareValues(a, b) === 0;
}
/**
 * A private copy of a value for storage. `undefined` becomes `null`, which is what the MongoDB
 * driver writes for it, so both adapters store the same document.
 */
function cloneForStorage(value) {
    if (value === undefined)
        return null;
    if (value === null || typeof value !== 'object')
        return value;
    if (value instanceof Date)
        return new Date(value.getTime());
    if (Array.isArray(value)) {
        const out = new Array(value.length);
        for (let i = 0; i < value.length; i++)
            out[i] = cloneForStorage(value[i]);
        return out;
    }
    if (isPlainObject(value)) {
        const out = {};
        for (const key in value)
            out[key] = cloneForStorage(value[key]);
        return out;
    }
    return cloneOther(value);
}
/** A copy handed to a caller, so nothing they do can reach the stored document. */
function cloneValue(value) {
    if (value === null || typeof value !== 'object')
        return value;
    if (value instanceof Date)
        return new Date(value.getTime());
    if (Array.isArray(value)) {
        const out = new Array(value.length);
        for (let i = 0; i < value.length; i++)
            out[i] = cloneValue(value[i]);
        return out;
    }
    if (isPlainObject(value)) {
        const out = {};
        for (const key in value)
            out[key] = cloneValue(value[key]);
        return out;
    }
    return cloneOther(value);
}
function cloneOther(value) {
    if (value instanceof RegExp)
        return new RegExp(value.source, value.flags);
    if (value instanceof Uint8Array)
        return value.slice();
    // Other class instances (ObjectId, Decimal128...) are immutable value objects.
    return value;
}
/** Whether one dotted path is the other or lies inside it. */
function overlaps(a, b) {
    if (a === b)
        return true;
    const [short, long] = a.length < b.length ? [a, b] : [b, a];
    return long.charCodeAt(short.length) === 46 && long.startsWith(short);
}
const splitCache = new Map();
/** Dotted paths split once: the same few paths are used by every write. */
function splitPath(path) {
    let parts = splitCache.get(path);
    if (parts === undefined) {
        if (splitCache.size > 10_000)
            splitCache.clear();
        parts = Object.freeze(path.split('.'));
        splitCache.set(path, parts);
    }
    return parts;
}
/** Returned by `getPath` when the path goes through an array: the caller must use full semantics. */
exports.THROUGH_ARRAY = Symbol('through-array');
/**
 * The value at a dotted path, `undefined` when missing, or THROUGH_ARRAY when an intermediate
 * value is an array (MongoDB then matches per element, which only the full evaluator models).
 */
function getPath(doc, parts) {
    let current = doc;
    for (let i = 0; i < parts.length; i++) {
        if (current === null || typeof current !== 'object')
            return undefined;
        if (Array.isArray(current))
            return exports.THROUGH_ARRAY;
        if (current instanceof Date)
            return undefined;
        current = current[parts[i]];
    }
    return current;
}
let idCounter = Math.floor(Math.random() * 0xffffff);
const idProcess = Array.from({ length: 5 }, () => Math.floor(Math.random() * 256))
    .map((b) => b.toString(16).padStart(2, '0'))
    .join('');
/** A 24-hex id shaped like an ObjectId's, for upserts whose filter names no `_id`. */
function generateId() {
    idCounter = (idCounter + 1) % 0x1000000;
    const seconds = Math.floor(Date.now() / 1000)
        .toString(16)
        .padStart(8, '0');
    return seconds + idProcess + idCounter.toString(16).padStart(6, '0');
}
/**
 * Every value a dotted path reaches, descending into arrays of documents as MongoDB's sort does:
 * `a.b` over `{ a: [{ b: 1 }, { b: 2 }] }` is `[1, 2]`.
 */
function resolveForSort(doc, parts, from = 0) {
    let current = doc;
    for (let i = from; i < parts.length; i++) {
        if (current === null || typeof current !== 'object' || current instanceof Date)
            return undefined;
        if (Array.isArray(current)) {
            if (/^\d+$/.test(parts[i])) {
                current = current[Number(parts[i])];
                continue;
            }
            const values = [];
            for (const element of current) {
                const v = resolveForSort(element, parts, i);
                if (Array.isArray(v))
                    values.push(...v);
                else if (v !== undefined)
                    values.push(v);
            }
            return values;
        }
        current = current[parts[i]];
    }
    return current;
}
//# sourceMappingURL=values.js.map