/**
 * Value semantics of the in-memory store, following MongoDB's BSON rules where they matter to
 * indexes, sorting and updates: one total order across types, `null` and a missing field being
 * the same key, documents stored as private copies.
 */

/** Type brackets in BSON comparison order. `null` and missing share a bracket, as in MongoDB indexes. */
export enum Rank {
  MinKey = 0,
  EmptyArray = 1,
  Null = 2,
  Number = 3,
  String = 4,
  Object = 5,
  Array = 6,
  Binary = 7,
  ObjectId = 8,
  Boolean = 9,
  Date = 10,
  RegExp = 11,
  Other = 12,
  MaxKey = 13,
}

/**
 * The first or last point of one type bracket: `{ $gt: 5 }` scans numbers above 5 up to the end
 * of the numbers, because MongoDB (and mingo) never compare across types in a range query.
 */
export class TypeBoundary {
  constructor(
    readonly rank: Rank,
    readonly end: boolean,
  ) {}
}

export const MIN_KEY = new TypeBoundary(Rank.MinKey, false);
export const MAX_KEY = new TypeBoundary(Rank.MaxKey, true);

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function isObjectId(value: object): value is { toHexString(): string } {
  return (value as { _bsontype?: unknown })._bsontype === 'ObjectId' && typeof (value as { toHexString?: unknown }).toHexString === 'function';
}

export function rankOf(value: unknown): Rank {
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
      if (value === null) return Rank.Null;
      if (value instanceof TypeBoundary) return value.rank;
      if (value instanceof Date) return Rank.Date;
      if (Array.isArray(value)) return Rank.Array;
      if (value instanceof RegExp) return Rank.RegExp;
      if (ArrayBuffer.isView(value)) return Rank.Binary;
      if (isObjectId(value)) return Rank.ObjectId;
      return Rank.Object;
  }
}

function compareNumbers(a: number, b: number): number {
  // BSON puts NaN below every other number and equal to itself.
  const aNaN = Number.isNaN(a);
  const bNaN = Number.isNaN(b);
  if (aNaN || bNaN) return aNaN && bNaN ? 0 : aNaN ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * BSON comparison order (MongoDB's sort and index order), total over every value we store.
 * Kept small so it inlines into index comparators: index keys are mostly strings or numbers of
 * one type, decided here; everything else goes through compareMixed.
 */
export function compareValues(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : 1;
  if (typeof a === 'number' && typeof b === 'number' && a === a && b === b) return a < b ? -1 : 1;
  return compareMixed(a, b);
}

function compareMixed(a: unknown, b: unknown): number {
  const ra = rankOf(a);
  const rb = rankOf(b);
  if (ra !== rb) return ra < rb ? -1 : 1;
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
      return compareNumbers((a as Date).getTime(), (b as Date).getTime());
    case Rank.Array:
      return compareArrays(a as unknown[], b as unknown[]);
    case Rank.Object:
      return compareObjects(a as Record<string, unknown>, b as Record<string, unknown>);
    case Rank.Binary:
      return compareBinary(a as ArrayBufferView, b as ArrayBufferView);
    case Rank.ObjectId:
      return compareStrings((a as { toHexString(): string }).toHexString(), (b as { toHexString(): string }).toHexString());
    case Rank.RegExp:
      return compareStrings(String(a), String(b));
    case Rank.Other:
      return 0;
    default: {
      const _never: never = ra;
      return _never;
    }
  }
}

function compareArrays(a: unknown[], b: unknown[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const c = compareValues(a[i], b[i]);
    if (c !== 0) return c;
  }
  return a.length - b.length < 0 ? -1 : a.length === b.length ? 0 : 1;
}

/** Embedded documents compare pair by pair in field order: value type, then field name, then value. */
function compareObjects(a: Record<string, unknown>, b: Record<string, unknown>): number {
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  const n = Math.min(ka.length, kb.length);
  for (let i = 0; i < n; i++) {
    const va = a[ka[i]!];
    const vb = b[kb[i]!];
    const ra = rankOf(va);
    const rb = rankOf(vb);
    if (ra !== rb) return ra < rb ? -1 : 1;
    const names = compareStrings(ka[i]!, kb[i]!);
    if (names !== 0) return names;
    const values = compareValues(va, vb);
    if (values !== 0) return values;
  }
  return ka.length === kb.length ? 0 : ka.length < kb.length ? -1 : 1;
}

function compareBinary(a: ArrayBufferView, b: ArrayBufferView): number {
  const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  if (x.length !== y.length) return x.length < y.length ? -1 : 1;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return x[i]! < y[i]! ? -1 : 1;
  return 0;
}

/**
 * The value a sort compares for one document: arrays sort by their smallest element ascending
 * and their largest descending, and an empty array before null, as MongoDB does.
 */
export function sortValue(value: unknown, direction: 1 | -1): unknown {
  if (!Array.isArray(value)) return value === undefined ? null : value;
  if (value.length === 0) return EMPTY_ARRAY_KEY;
  let best: unknown = sortValue(value[0], direction);
  for (let i = 1; i < value.length; i++) {
    const v = sortValue(value[i], direction);
    const c = compareValues(v, best);
    if (direction === 1 ? c < 0 : c > 0) best = v;
  }
  return best;
}

const EMPTY_ARRAY_KEY = new TypeBoundary(Rank.EmptyArray, false);

/**
 * Exact equality of stored values, as MongoDB decides "modified": field order matters in
 * documents, `null` differs from missing, Dates compare by instant.
 */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === 'number' && typeof b === 'number') return Number.isNaN(a) && Number.isNaN(b);
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (a instanceof Date) return b instanceof Date && a.getTime() === b.getTime();
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameValue(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b) || b instanceof Date) return false;
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    if (ka.length !== kb.length) return false;
    for (let i = 0; i < ka.length; i++) {
      if (ka[i] !== kb[i] || !sameValue(a[ka[i]!], b[kb[i]!])) return false;
    }
    return true;
  }
  return rankOf(a) === rankOf(b) && compareValues(a, b) === 0;
}

/**
 * `out[key] = value` with a JSON key `"__proto__"` would replace the copy's prototype instead of
 * storing the key (and `for…in` would then list the client's object as inherited fields), so
 * that one key is defined as an own property; the plain assignment stays on the hot path.
 */
export function setOwn(holder: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(holder, key, { value, writable: true, enumerable: true, configurable: true });
  else holder[key] = value;
}

/**
 * A private copy of a value for storage. `undefined` becomes `null`, which is what the MongoDB
 * driver writes for it, so both adapters store the same document.
 */
export function cloneForStorage(value: unknown): unknown {
  if (value === undefined) return null;
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Date) return new Date(value.getTime());
  if (Array.isArray(value)) {
    const out = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) out[i] = cloneForStorage(value[i]);
    return out;
  }
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) setOwn(out, key, cloneForStorage(value[key]));
    return out;
  }
  return cloneOther(value);
}

/** A copy handed to a caller, so nothing they do can reach the stored document. */
export function cloneValue<T>(value: T): T {
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Date) return new Date(value.getTime()) as T;
  if (Array.isArray(value)) {
    const out = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) out[i] = cloneValue(value[i] as unknown);
    return out as T;
  }
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) setOwn(out, key, cloneValue(value[key]));
    return out as T;
  }
  return cloneOther(value) as T;
}

function cloneOther(value: object): unknown {
  if (value instanceof RegExp) return new RegExp(value.source, value.flags);
  if (value instanceof Uint8Array) return value.slice();
  // Other class instances (ObjectId, Decimal128...) are immutable value objects.
  return value;
}

/** Whether one dotted path is the other or lies inside it. */
export function overlaps(a: string, b: string): boolean {
  if (a === b) return true;
  const [short, long] = a.length < b.length ? [a, b] : [b, a];
  return long.charCodeAt(short.length) === 46 && long.startsWith(short);
}

const splitCache = new Map<string, readonly string[]>();

/** Dotted paths split once: the same few paths are used by every write. */
export function splitPath(path: string): readonly string[] {
  let parts = splitCache.get(path);
  if (parts === undefined) {
    if (splitCache.size > 10_000) splitCache.clear();
    parts = Object.freeze(path.split('.'));
    splitCache.set(path, parts);
  }
  return parts;
}

/** Returned by `getPath` when the path goes through an array: the caller must use full semantics. */
export const THROUGH_ARRAY: unique symbol = Symbol('through-array');

/**
 * The value at a dotted path, `undefined` when missing, or THROUGH_ARRAY when an intermediate
 * value is an array (MongoDB then matches per element, which only the full evaluator models).
 */
export function getPath(doc: unknown, parts: readonly string[]): unknown {
  let current: unknown = doc;
  for (let i = 0; i < parts.length; i++) {
    if (current === null || typeof current !== 'object') return undefined;
    if (Array.isArray(current)) return THROUGH_ARRAY;
    if (current instanceof Date) return undefined;
    current = (current as Record<string, unknown>)[parts[i]!];
  }
  return current;
}

let idCounter = Math.floor(Math.random() * 0xffffff);
const idProcess = Array.from({ length: 5 }, () => Math.floor(Math.random() * 256))
  .map((b) => b.toString(16).padStart(2, '0'))
  .join('');

/** A 24-hex id shaped like an ObjectId's, for upserts whose filter names no `_id`. */
export function generateId(): string {
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
export function resolveForSort(doc: unknown, parts: readonly string[], from = 0): unknown {
  let current: unknown = doc;
  for (let i = from; i < parts.length; i++) {
    if (current === null || typeof current !== 'object' || current instanceof Date) return undefined;
    if (Array.isArray(current)) {
      if (/^\d+$/.test(parts[i]!)) {
        current = current[Number(parts[i])];
        continue;
      }
      const values: unknown[] = [];
      for (const element of current) {
        const v = resolveForSort(element, parts, i);
        if (Array.isArray(v)) values.push(...v);
        else if (v !== undefined) values.push(v);
      }
      return values;
    }
    current = (current as Record<string, unknown>)[parts[i]!];
  }
  return current;
}
