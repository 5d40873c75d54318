import type { Filter } from '../read-store.port';
import { TypeBoundary, compareValues, isPlainObject, rankOf } from './values';

/**
 * What a filter says about one field's value, as index bounds: a set of points (equality, $in)
 * or an interval in BSON order (ranges, bracketed to the operand's type). Bounds are a superset
 * of the matching values for documents whose field is not an array; every candidate they yield
 * is still tested against the whole filter, and indexes over arrays are never used for bounds.
 */
export interface FieldBounds {
  readonly points?: readonly unknown[];
  /** Inclusive; undefined is unbounded. */
  readonly lo?: unknown;
  readonly hi?: unknown;
}

export type Bounds = Map<string, FieldBounds>;

/** A scalar an index bound (or a compiled filter) compares directly: string, boolean, a number that is not NaN, null or a valid Date. */
export function isBoundOperand(value: unknown): boolean {
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

export function boundsOf(filter: Filter): Bounds {
  const result: Bounds = new Map();
  for (const key of Object.keys(filter)) {
    const condition = filter[key];
    if (key === '$and') {
      if (!Array.isArray(condition)) continue;
      for (const branch of condition) if (isPlainObject(branch)) intersectInto(result, boundsOf(branch));
      continue;
    }
    if (key === '$or') {
      if (!Array.isArray(condition) || condition.length === 0 || !condition.every(isPlainObject)) continue;
      intersectInto(result, unionOf(condition.map((branch) => boundsOf(branch as Filter))));
      continue;
    }
    if (key.startsWith('$')) continue;
    const field = fieldBounds(condition);
    if (field !== null) intersectInto(result, new Map([[key, field]]));
  }
  return result;
}

function fieldBounds(condition: unknown): FieldBounds | null {
  if (condition === undefined) return { points: [null] };
  if (isBoundOperand(condition)) return { points: [condition] };
  if (!isPlainObject(condition)) return null;
  let bounds: FieldBounds | null = null;
  const add = (next: FieldBounds): void => {
    bounds = bounds === null ? next : intersect(bounds, next);
  };
  for (const op of Object.keys(condition)) {
    const operand = condition[op];
    switch (op) {
      case '$eq':
        if (isBoundOperand(operand)) add({ points: [operand] });
        break;
      case '$in':
        if (Array.isArray(operand) && operand.every(isBoundOperand)) add({ points: dedupe(operand) });
        break;
      case '$gt':
      case '$gte':
        if (isBoundOperand(operand)) add({ lo: operand, hi: new TypeBoundary(rankOf(operand), true) });
        break;
      case '$lt':
      case '$lte':
        if (isBoundOperand(operand)) add({ lo: new TypeBoundary(rankOf(operand), false), hi: operand });
        break;
      default:
        if (!op.startsWith('$')) return null;
    }
  }
  return bounds;
}

function dedupe(values: readonly unknown[]): unknown[] {
  const sorted = [...values].sort(compareValues);
  return sorted.filter((v, i) => i === 0 || compareValues(sorted[i - 1], v) !== 0);
}

function within(value: unknown, bounds: FieldBounds): boolean {
  return (bounds.lo === undefined || compareValues(value, bounds.lo) >= 0) && (bounds.hi === undefined || compareValues(value, bounds.hi) <= 0);
}

function intersect(a: FieldBounds, b: FieldBounds): FieldBounds {
  if (a.points && b.points) return { points: a.points.filter((p) => b.points!.some((q) => compareValues(p, q) === 0)) };
  if (a.points) return { points: a.points.filter((p) => within(p, b)) };
  if (b.points) return { points: b.points.filter((p) => within(p, a)) };
  const lo = a.lo === undefined ? b.lo : b.lo === undefined ? a.lo : compareValues(a.lo, b.lo) >= 0 ? a.lo : b.lo;
  const hi = a.hi === undefined ? b.hi : b.hi === undefined ? a.hi : compareValues(a.hi, b.hi) <= 0 ? a.hi : b.hi;
  if (lo !== undefined && hi !== undefined && compareValues(lo, hi) > 0) return { points: [] };
  return { lo, hi };
}

function intersectInto(target: Bounds, source: Bounds): void {
  for (const [field, bounds] of source) {
    const existing = target.get(field);
    target.set(field, existing === undefined ? bounds : intersect(existing, bounds));
  }
}

/** An $or bounds a field only when every branch does, by the hull of the branches' bounds. */
function unionOf(branches: Bounds[]): Bounds {
  const result: Bounds = new Map();
  const [first, ...rest] = branches;
  if (first === undefined) return result;
  for (const [field, bounds] of first) {
    let union: FieldBounds | null = bounds;
    for (const other of rest) {
      const next = other.get(field);
      union = next === undefined || union === null ? null : hull(union, next);
    }
    if (union !== null) result.set(field, union);
  }
  return result;
}

function hull(a: FieldBounds, b: FieldBounds): FieldBounds {
  if (a.points && b.points) return { points: dedupe([...a.points, ...b.points]) };
  const [alo, ahi] = extent(a);
  const [blo, bhi] = extent(b);
  if (alo === EMPTY) return b;
  if (blo === EMPTY) return a;
  const lo = alo === undefined || blo === undefined ? undefined : compareValues(alo, blo) <= 0 ? alo : blo;
  const hi = ahi === undefined || bhi === undefined ? undefined : compareValues(ahi, bhi) >= 0 ? ahi : bhi;
  return { lo, hi };
}

const EMPTY = Symbol('empty');

function extent(bounds: FieldBounds): [unknown, unknown] {
  if (!bounds.points) return [bounds.lo, bounds.hi];
  if (bounds.points.length === 0) return [EMPTY, EMPTY];
  const sorted = [...bounds.points].sort(compareValues);
  return [sorted[0], sorted[sorted.length - 1]];
}

/** The interval covering a field's bounds, for an index component scanned as a range. */
export function asInterval(bounds: FieldBounds): { lo?: unknown; hi?: unknown } | null {
  const [lo, hi] = extent(bounds);
  return lo === EMPTY ? null : { lo, hi };
}
