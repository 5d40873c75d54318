import { Rank, TypeBoundary, rankOf } from './values';

/**
 * Index keys encoded as strings whose plain `<` order is the BSON order of the key tuples (each
 * component in its own direction) followed by _id: a comparison in the index is then one string
 * comparison instead of a walk through arrays of values scattered in memory.
 *
 * Each component is prefix-free: a type marker, then a fixed-width (numbers, Dates) or
 * terminated (strings) body. Every character is a byte (U+0000-U+00FF), so V8 keeps the keys as
 * one-byte strings (half the memory of two-byte ones, and faster to compare). A descending
 * component is the ascending encoding with every byte complemented. `prefix + '\uFFFF'` is
 * above every key that starts with `prefix`.
 */

const MARK_BASE = 0x20;
/** Starts the _id suffix of every entry; after a complete key tuple, no other character can follow. */
export const ID_MARK = '\u007e';
export const AFTER_PREFIX = '\uffff';
/** Every character of an encoded key is one byte (U+0000-U+00FF): V8 then stores keys one byte a character. */
const BYTE_MAX = 0xff;

function mark(rank: Rank): string {
  return String.fromCharCode(MARK_BASE + rank);
}

const NULL_MARK = mark(Rank.Null);
const NUMBER_MARK = mark(Rank.Number);
const STRING_MARK = mark(Rank.String);
const BOOLEAN_MARK = mark(Rank.Boolean);
const DATE_MARK = mark(Rank.Date);

const view = new DataView(new ArrayBuffer(8));

/** Eight bytes whose order is the numeric order; NaN below every number, -0 equal to 0. */
function encodeNumber(n: number): string {
  if (n !== n) return '\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000';
  view.setFloat64(0, n === 0 ? 0 : n);
  let hi = view.getUint32(0);
  let lo = view.getUint32(4);
  if (hi & 0x80000000) {
    hi = ~hi >>> 0;
    lo = ~lo >>> 0;
  } else hi = (hi | 0x80000000) >>> 0;
  return String.fromCharCode(hi >>> 24, (hi >>> 16) & 0xff, (hi >>> 8) & 0xff, hi & 0xff, lo >>> 24, (lo >>> 16) & 0xff, (lo >>> 8) & 0xff, lo & 0xff);
}

/** Code units at or above this take three bytes; below it (but NUL), one. */
const WIDE = 0xf0;

/**
 * A string as bytes in the order of its UTF-16 code units (the order of `<`): U+0001-U+00EF are
 * one byte each, NUL is NUL 0x01, a unit from U+00F0 up is three bytes (0xF0 + its top four bits,
 * then six bits, then six bits), and the string ends with NUL NUL, so a shorter string sorts first.
 */
function encodeString(s: string): string {
  let plain = true;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0 || c >= WIDE) {
      plain = false;
      break;
    }
  }
  if (plain) return s + '\u0000\u0000';
  const codes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0) codes.push(0, 1);
    else if (c < WIDE) codes.push(c);
    else codes.push(WIDE + (c >>> 12), (c >>> 6) & 0x3f, c & 0x3f);
  }
  codes.push(0, 0);
  return fromCodes(codes);
}

function fromCodes(codes: number[]): string {
  if (codes.length <= 4096) return String.fromCharCode.apply(null, codes);
  let out = '';
  for (let start = 0; start < codes.length; start += 4096) out += String.fromCharCode.apply(null, codes.slice(start, start + 4096));
  return out;
}

/**
 * True for the values whose encoding follows BSON order: null/missing, numbers, strings,
 * booleans, Dates. Others (documents, arrays, binary...) are encoded consistently but opaquely,
 * and an index holding one is not used by the planner.
 */
export function isOrderedKeyValue(value: unknown): boolean {
  return orderedRank(rankOf(value));
}

function orderedRank(rank: Rank): boolean {
  switch (rank) {
    case Rank.Null:
    case Rank.Number:
    case Rank.String:
    case Rank.Boolean:
    case Rank.Date:
      return true;
    default:
      return false;
  }
}

function encodeAscending(value: unknown): string {
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
      if (value === null) return NULL_MARK;
      if (value instanceof Date) return DATE_MARK + encodeNumber(value.getTime());
      return mark(rankOf(value)) + encodeString(opaqueText(value));
  }
}

function opaqueText(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/**
 * The rank of a value whose ascending encoding `compareComponents` can order without building it,
 * else -1 (bigints and symbols share a rank with numbers and strings but are encoded as text).
 */
function plainRank(value: unknown): number {
  switch (typeof value) {
    case 'undefined':
    case 'number':
    case 'string':
    case 'boolean':
      return rankOf(value);
    case 'object':
      return value === null || value instanceof Date ? rankOf(value) : -1;
    default:
      return -1;
  }
}

/** As `encodeNumber`'s bytes order them: NaN below every number, -0 equal to 0. */
function compareNumbers(a: number, b: number): number {
  if (a !== a) return b !== b ? 0 : -1;
  if (b !== b) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The order of two key components as their encodings in `direction` order them (-1, 0 or 1),
 * without building the encodings for null/missing, numbers, strings, booleans and Dates: the
 * rank, then numbers and Dates numerically, strings by UTF-16 code unit (which `encodeString`
 * keeps), false before true. Other values are compared by their encodings. A descending
 * encoding is the ascending one complemented, so it orders the other way.
 */
export function compareComponents(a: unknown, b: unknown, direction: 1 | -1): number {
  const rank = plainRank(a);
  const other = plainRank(b);
  let order: number;
  if (rank === -1 || other === -1) {
    const x = encodeComponent(a, direction);
    const y = encodeComponent(b, direction);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (rank !== other) order = rank < other ? -1 : 1;
  else if (rank === Rank.Number) order = compareNumbers(a as number, b as number);
  else if (rank === Rank.String) order = (a as string) < (b as string) ? -1 : (a as string) > (b as string) ? 1 : 0;
  else if (rank === Rank.Boolean) order = a === b ? 0 : a ? 1 : -1;
  else if (rank === Rank.Date) order = compareNumbers((a as Date).getTime(), (b as Date).getTime());
  else order = 0;
  return direction === 1 ? order : -order;
}

/** The descending form: every byte complemented, which reverses the order and stays prefix-free. */
function complement(s: string): string {
  const codes = new Array<number>(s.length);
  for (let i = 0; i < s.length; i++) codes[i] = BYTE_MAX - s.charCodeAt(i);
  return fromCodes(codes);
}

export function encodeComponent(value: unknown, direction: 1 | -1): string {
  if (direction === 1) return encodeAscending(value);
  return typeof value === 'string' ? encodeDescendingString(value) : complement(encodeAscending(value));
}

/** `complement(encodeAscending(s))` in one pass: descending timestamps are most of the keys. */
function encodeDescendingString(s: string): string {
  const codes = new Array<number>(s.length + 3);
  codes[0] = BYTE_MAX - STRING_MARK.charCodeAt(0);
  let k = 1;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0) {
      codes[k++] = BYTE_MAX;
      codes[k++] = BYTE_MAX - 1;
    } else if (c < WIDE) codes[k++] = BYTE_MAX - c;
    else {
      codes[k++] = BYTE_MAX - (WIDE + (c >>> 12));
      codes[k++] = BYTE_MAX - ((c >>> 6) & 0x3f);
      codes[k++] = BYTE_MAX - (c & 0x3f);
    }
  }
  codes[k++] = BYTE_MAX;
  codes[k++] = BYTE_MAX;
  codes.length = k;
  return fromCodes(codes);
}

export function encodeId(id: string): string {
  return ID_MARK + encodeString(id);
}

/**
 * Where a range over one component starts or ends, as a string to seek: the start is at or below
 * every key whose component is `value`, the end above all of them. A type boundary is a single
 * point (before or after every value of its type), the same for either side.
 */
export function boundString(value: unknown, direction: 1 | -1, side: 'start' | 'end'): string {
  if (value instanceof TypeBoundary) {
    const code = MARK_BASE + value.rank;
    if (direction === 1) return String.fromCharCode(value.end ? code + 1 : code);
    return String.fromCharCode(value.end ? BYTE_MAX - code : BYTE_MAX - code + 1);
  }
  const encoded = encodeComponent(value, direction);
  return side === 'start' ? encoded : encoded + AFTER_PREFIX;
}
