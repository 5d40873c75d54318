"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.AFTER_PREFIX = exports.ID_MARK = void 0;
exports.isOrderedKeyValue = isOrderedKeyValue;
exports.encodeComponent = encodeComponent;
exports.encodeId = encodeId;
exports.boundString = boundString;
const values_1 = require("./values");
/**
 * Index keys encoded as strings whose plain `<` order is the BSON order of the key tuples (each
 * component in its own direction) followed by _id: a comparison in the index is then one string
 * comparison instead of a walk through arrays of values scattered in memory.
 *
 * Each component is prefix-free: a type marker, then a fixed-width (numbers, Dates) or
 * terminated (strings) body. A descending component is the ascending encoding with every code
 * unit complemented. The markers stay below U+FFFF, so `prefix + '\uFFFF'` is above every key
 * that starts with `prefix`.
 */
const MARK_BASE = 0x20;
/** Starts the _id suffix of every entry; after a complete key tuple, no other character can follow. */
exports.ID_MARK = '\u007e';
exports.AFTER_PREFIX = '\uffff';
function mark(rank) {
    return String.fromCharCode(MARK_BASE + rank);
}
const NULL_MARK = mark(values_1.Rank.Null);
const NUMBER_MARK = mark(values_1.Rank.Number);
const STRING_MARK = mark(values_1.Rank.String);
const BOOLEAN_MARK = mark(values_1.Rank.Boolean);
const DATE_MARK = mark(values_1.Rank.Date);
const view = new DataView(new ArrayBuffer(8));
/** Four code units whose order is the numeric order; NaN below every number, -0 equal to 0. */
function encodeNumber(n) {
    if (n !== n)
        return '\u0000\u0000\u0000\u0000';
    view.setFloat64(0, n === 0 ? 0 : n);
    let hi = view.getUint32(0);
    let lo = view.getUint32(4);
    if (hi & 0x80000000) {
        hi = ~hi >>> 0;
        lo = ~lo >>> 0;
    }
    else
        hi = (hi | 0x80000000) >>> 0;
    return String.fromCharCode(hi >>> 16, hi & 0xffff, lo >>> 16, lo & 0xffff);
}
/** NUL is escaped as NUL 0x01 and the string ends with NUL NUL, so a shorter string sorts first. */
function encodeString(s) {
    return (s.indexOf('\u0000') < 0 ? s : s.replace(/\u0000/g, '\u0000\u0001')) + '\u0000\u0000';
}
/**
 * True for the values whose encoding follows BSON order: null/missing, numbers, strings,
 * booleans, Dates. Others (documents, arrays, binary...) are encoded consistently but opaquely,
 * and an index holding one is not used by the planner.
 */
function isOrderedKeyValue(value) {
    switch ((0, values_1.rankOf)(value)) {
        case values_1.Rank.Null:
        case values_1.Rank.Number:
        case values_1.Rank.String:
        case values_1.Rank.Boolean:
        case values_1.Rank.Date:
            return true;
        default:
            return false;
    }
}
function encodeAscending(value) {
    switch (typeof value) {
        case 'string':
            return STRING_MARK + encodeString(value);
        case 'number':
            return NUMBER_MARK + encodeNumber(value);
        case 'boolean':
            return BOOLEAN_MARK + (value ? '1' : '0');
        case 'undefined':
            return NULL_MARK;
        default:
            if (value === null)
                return NULL_MARK;
            if (value instanceof Date)
                return DATE_MARK + encodeNumber(value.getTime());
            return mark((0, values_1.rankOf)(value)) + encodeString(opaqueText(value));
    }
}
function opaqueText(value) {
    try {
        return JSON.stringify(value) ?? String(value);
    }
    catch {
        return String(value);
    }
}
function complement(s) {
    let out = '';
    for (let start = 0; start < s.length; start += 4096) {
        const end = Math.min(s.length, start + 4096);
        const codes = new Array(end - start);
        for (let i = start; i < end; i++)
            codes[i - start] = 0xffff - s.charCodeAt(i);
        out += String.fromCharCode(...codes);
    }
    return out;
}
function encodeComponent(value, direction) {
    const ascending = encodeAscending(value);
    return direction === 1 ? ascending : complement(ascending);
}
function encodeId(id) {
    return exports.ID_MARK + encodeString(id);
}
/**
 * Where a range over one component starts or ends, as a string to seek: the start is at or below
 * every key whose component is `value`, the end above all of them. A type boundary is a single
 * point (before or after every value of its type), the same for either side.
 */
function boundString(value, direction, side) {
    if (value instanceof values_1.TypeBoundary) {
        const code = MARK_BASE + value.rank;
        if (direction === 1)
            return String.fromCharCode(value.end ? code + 1 : code);
        return String.fromCharCode(value.end ? 0xffff - code : 0xffff - code + 1);
    }
    const encoded = encodeComponent(value, direction);
    return side === 'start' ? encoded : encoded + exports.AFTER_PREFIX;
}
//# sourceMappingURL=key-encoding.js.map