"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.boundsOf = boundsOf;
exports.asInterval = asInterval;
const values_1 = require("./values");
function isBoundOperand(value) {
    switch (typeof value) {
        case 'string':
        case 'boolean':
            return true;
        case 'number':
            return !Number.isNaN(value);
        case 'object':
            return value === null || (value instanceof Date && !Number.isNaN(value.getTime()));
        default:
            return false;
    }
}
function boundsOf(filter) {
    const result = new Map();
    for (const key of Object.keys(filter)) {
        const condition = filter[key];
        if (key === '$and') {
            if (!Array.isArray(condition))
                continue;
            for (const branch of condition)
                if ((0, values_1.isPlainObject)(branch))
                    intersectInto(result, boundsOf(branch));
            continue;
        }
        if (key === '$or') {
            if (!Array.isArray(condition) || condition.length === 0 || !condition.every(values_1.isPlainObject))
                continue;
            intersectInto(result, unionOf(condition.map((branch) => boundsOf(branch))));
            continue;
        }
        if (key.startsWith('$'))
            continue;
        const field = fieldBounds(condition);
        if (field !== null)
            intersectInto(result, new Map([[key, field]]));
    }
    return result;
}
function fieldBounds(condition) {
    if (condition === undefined)
        return { points: [null] };
    if (isBoundOperand(condition))
        return { points: [condition] };
    if (!(0, values_1.isPlainObject)(condition))
        return null;
    let bounds = null;
    const add = (next) => {
        bounds = bounds === null ? next : intersect(bounds, next);
    };
    for (const op of Object.keys(condition)) {
        const operand = condition[op];
        switch (op) {
            case '$eq':
                if (isBoundOperand(operand))
                    add({ points: [operand] });
                break;
            case '$in':
                if (Array.isArray(operand) && operand.every(isBoundOperand))
                    add({ points: dedupe(operand) });
                break;
            case '$gt':
            case '$gte':
                if (isBoundOperand(operand))
                    add({ lo: operand, hi: new values_1.TypeBoundary((0, values_1.rankOf)(operand), true) });
                break;
            case '$lt':
            case '$lte':
                if (isBoundOperand(operand))
                    add({ lo: new values_1.TypeBoundary((0, values_1.rankOf)(operand), false), hi: operand });
                break;
            default:
                if (!op.startsWith('$'))
                    return null;
        }
    }
    return bounds;
}
function dedupe(values) {
    const sorted = [...values].sort(values_1.compareValues);
    return sorted.filter((v, i) => i === 0 || (0, values_1.compareValues)(sorted[i - 1], v) !== 0);
}
function within(value, bounds) {
    return (bounds.lo === undefined || (0, values_1.compareValues)(value, bounds.lo) >= 0) && (bounds.hi === undefined || (0, values_1.compareValues)(value, bounds.hi) <= 0);
}
function intersect(a, b) {
    if (a.points && b.points)
        return { points: a.points.filter((p) => b.points.some((q) => (0, values_1.compareValues)(p, q) === 0)) };
    if (a.points)
        return { points: a.points.filter((p) => within(p, b)) };
    if (b.points)
        return { points: b.points.filter((p) => within(p, a)) };
    const lo = a.lo === undefined ? b.lo : b.lo === undefined ? a.lo : (0, values_1.compareValues)(a.lo, b.lo) >= 0 ? a.lo : b.lo;
    const hi = a.hi === undefined ? b.hi : b.hi === undefined ? a.hi : (0, values_1.compareValues)(a.hi, b.hi) <= 0 ? a.hi : b.hi;
    if (lo !== undefined && hi !== undefined && (0, values_1.compareValues)(lo, hi) > 0)
        return { points: [] };
    return { lo, hi };
}
function intersectInto(target, source) {
    for (const [field, bounds] of source) {
        const existing = target.get(field);
        target.set(field, existing === undefined ? bounds : intersect(existing, bounds));
    }
}
/** An $or bounds a field only when every branch does, by the hull of the branches' bounds. */
function unionOf(branches) {
    const result = new Map();
    const [first, ...rest] = branches;
    if (first === undefined)
        return result;
    for (const [field, bounds] of first) {
        let union = bounds;
        for (const other of rest) {
            const next = other.get(field);
            union = next === undefined || union === null ? null : hull(union, next);
        }
        if (union !== null)
            result.set(field, union);
    }
    return result;
}
function hull(a, b) {
    if (a.points && b.points)
        return { points: dedupe([...a.points, ...b.points]) };
    const [alo, ahi] = extent(a);
    const [blo, bhi] = extent(b);
    if (alo === EMPTY)
        return b;
    if (blo === EMPTY)
        return a;
    const lo = alo === undefined || blo === undefined ? undefined : (0, values_1.compareValues)(alo, blo) <= 0 ? alo : blo;
    const hi = ahi === undefined || bhi === undefined ? undefined : (0, values_1.compareValues)(ahi, bhi) >= 0 ? ahi : bhi;
    return { lo, hi };
}
const EMPTY = Symbol('empty');
function extent(bounds) {
    if (!bounds.points)
        return [bounds.lo, bounds.hi];
    if (bounds.points.length === 0)
        return [EMPTY, EMPTY];
    const sorted = [...bounds.points].sort(values_1.compareValues);
    return [sorted[0], sorted[sorted.length - 1]];
}
/** The interval covering a field's bounds, for an index component scanned as a range. */
function asInterval(bounds) {
    const [lo, hi] = extent(bounds);
    return lo === EMPTY ? null : { lo, hi };
}
//# sourceMappingURL=bounds.js.map