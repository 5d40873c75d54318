import { Query } from 'mingo';
import type { Filter } from '../read-store.port';
import { THROUGH_ARRAY, getPath, isPlainObject, splitPath } from './values';
import { isBoundOperand } from './bounds';

/**
 * Filter evaluation. mingo is the reference evaluator, but building a mingo Query costs about
 * 17 µs, more than the whole budget of a projection's guarded upsert. So the common shapes
 * (field equality and comparisons with scalar operands, $in, $nin, $ne, $exists, $and, $or)
 * are compiled here in well under a microsecond, with mingo's exact semantics; whenever a
 * document takes a path this code does not model (arrays, which MongoDB matches per element)
 * the answer comes from mingo, compiled at most once per filter.
 */
export type Matcher = (doc: object) => boolean;

const NO = 0;
const YES = 1;
const ASK_MINGO = 2;
type Verdict = typeof NO | typeof YES | typeof ASK_MINGO;
type Predicate = (doc: object) => Verdict;

export function compileMatcher(filter: Filter): Matcher {
  if (Object.keys(filter).length === 0) return () => true;
  const fast = compileFilter(filter);
  let query: Query | undefined;
  const full = (doc: object): boolean => (query ??= new Query(filter)).test(doc as Record<string, unknown>);
  if (fast === null) return full;
  return (doc) => {
    const verdict = fast(doc);
    return verdict === ASK_MINGO ? full(doc) : verdict === YES;
  };
}

/** True when the filter is evaluated without mingo for documents without arrays (for tests). */
export function hasFastPath(filter: Filter): boolean {
  return compileFilter(filter) !== null;
}

type Scalar = string | number | boolean | null | Date;

/** A value the compiled filters compare directly: the same operands as index bounds take. */
function isScalarOperand(value: unknown): value is Scalar {
  return isBoundOperand(value);
}

function compileFilter(filter: Filter): Predicate | null {
  const predicates: Predicate[] = [];
  for (const key of Object.keys(filter)) {
    const condition = filter[key];
    if (key === '$and' || key === '$or') {
      if (!Array.isArray(condition) || condition.length === 0) return null;
      const parts: Predicate[] = [];
      for (const branch of condition) {
        const compiled = isPlainObject(branch) ? compileFilter(branch) : null;
        if (compiled === null) return null;
        parts.push(compiled);
      }
      predicates.push(key === '$and' ? all(parts) : any(parts));
      continue;
    }
    if (key.startsWith('$') || key === '') return null;
    const predicate = compileField(splitPath(key), condition);
    if (predicate === null) return null;
    predicates.push(predicate);
  }
  return all(predicates);
}

function all(predicates: Predicate[]): Predicate {
  if (predicates.length === 1) return predicates[0]!;
  return (doc) => {
    let verdict: Verdict = YES;
    for (let i = 0; i < predicates.length; i++) {
      const v = predicates[i]!(doc);
      if (v === NO) return NO;
      if (v === ASK_MINGO) verdict = ASK_MINGO;
    }
    return verdict;
  };
}

function any(predicates: Predicate[]): Predicate {
  return (doc) => {
    let verdict: Verdict = NO;
    for (let i = 0; i < predicates.length; i++) {
      const v = predicates[i]!(doc);
      if (v === YES) return YES;
      if (v === ASK_MINGO) verdict = ASK_MINGO;
    }
    return verdict;
  };
}

function not(predicate: Predicate): Predicate {
  return (doc) => {
    const v = predicate(doc);
    return v === ASK_MINGO ? ASK_MINGO : v === YES ? NO : YES;
  };
}

function compileField(parts: readonly string[], condition: unknown): Predicate | null {
  if (condition === undefined) return equals(parts, null);
  if (isScalarOperand(condition)) return equals(parts, condition);
  if (!isPlainObject(condition)) return null;
  const operators = Object.keys(condition);
  if (operators.length === 0 || !operators.every((op) => op.startsWith('$'))) return null;
  const predicates: Predicate[] = [];
  for (const op of operators) {
    const operand = condition[op];
    let predicate: Predicate | null = null;
    switch (op) {
      case '$eq':
        predicate = isScalarOperand(operand) ? equals(parts, operand) : null;
        break;
      case '$ne':
        predicate = isScalarOperand(operand) ? not(equals(parts, operand)) : null;
        break;
      case '$gt':
      case '$gte':
      case '$lt':
      case '$lte':
        predicate = isScalarOperand(operand) ? range(parts, op, operand) : null;
        break;
      case '$in':
        predicate = Array.isArray(operand) && operand.every(isScalarOperand) ? within(parts, operand) : null;
        break;
      case '$nin':
        predicate = Array.isArray(operand) && operand.every(isScalarOperand) ? not(within(parts, operand)) : null;
        break;
      case '$exists':
        predicate = exists(parts, Boolean(operand));
        break;
      default:
        return null;
    }
    if (predicate === null) return null;
    predicates.push(predicate);
  }
  return all(predicates);
}

function sameScalar(a: unknown, b: Scalar): boolean {
  if (b === null) return a === null || a === undefined;
  if (b instanceof Date) return a instanceof Date && a.getTime() === b.getTime();
  return a === b;
}

function equals(parts: readonly string[], operand: Scalar): Predicate {
  return (doc) => {
    const value = getPath(doc, parts);
    if (value === THROUGH_ARRAY || Array.isArray(value)) return ASK_MINGO;
    return sameScalar(value, operand) ? YES : NO;
  };
}

function within(parts: readonly string[], operands: Scalar[]): Predicate {
  const hasNull = operands.includes(null);
  // A batch's reads ask for hundreds of ids at once: strings (compared with ===) go in a set.
  if (operands.length > 8 && operands.every((operand) => typeof operand === 'string')) {
    const strings = new Set(operands as string[]);
    return (doc) => {
      const value = getPath(doc, parts);
      if (value === THROUGH_ARRAY || Array.isArray(value)) return ASK_MINGO;
      return typeof value === 'string' && strings.has(value) ? YES : NO;
    };
  }
  return (doc) => {
    const value = getPath(doc, parts);
    if (value === THROUGH_ARRAY || Array.isArray(value)) return ASK_MINGO;
    if (value === null || value === undefined) return hasNull ? YES : NO;
    for (let i = 0; i < operands.length; i++) if (sameScalar(value, operands[i]!)) return YES;
    return NO;
  };
}

/** mingo (like MongoDB) compares only values of the operand's own type. */
function range(parts: readonly string[], op: '$gt' | '$gte' | '$lt' | '$lte', operand: Scalar): Predicate {
  const accept = (c: number): boolean => (op === '$gt' ? c > 0 : op === '$gte' ? c >= 0 : op === '$lt' ? c < 0 : c <= 0);
  const compare = comparatorFor(operand);
  return (doc) => {
    const value = getPath(doc, parts);
    if (value === THROUGH_ARRAY || Array.isArray(value)) return ASK_MINGO;
    const c = compare(value);
    return c !== null && accept(c) ? YES : NO;
  };
}

function comparatorFor(operand: Scalar): (value: unknown) => number | null {
  if (operand === null) return (value) => (value === null ? 0 : null);
  if (operand instanceof Date) {
    const t = operand.getTime();
    return (value) => (value instanceof Date ? simple(value.getTime(), t) : null);
  }
  const type = typeof operand;
  return (value) => (typeof value === type ? simple(value as string | number | boolean, operand) : null);
}

function simple<T extends string | number | boolean>(a: T, b: T): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function exists(parts: readonly string[], wanted: boolean): Predicate {
  return (doc) => {
    const value = getPath(doc, parts);
    if (value === THROUGH_ARRAY) return ASK_MINGO;
    return (value !== undefined) === wanted ? YES : NO;
  };
}
