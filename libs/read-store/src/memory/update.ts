import { Query, updateOne as mingoPipelineUpdate } from 'mingo';
import { ReadStoreError } from '../errors';
import type { Document, Filter, Update } from '../read-store.port';
import { cloneForStorage, cloneValue, compareValues, getPath, isPlainObject, overlaps, sameValue, setOwn, splitPath } from './values';

/**
 * MongoDB update operators applied copy-on-write: the stored document is never touched; the
 * containers on each updated path are copied, so a failing update (a $inc on a string, a path
 * through a scalar) leaves nothing half done and the unchanged branches are shared.
 *
 * Written here rather than taken from mingo's updater, which has no $setOnInsert, creates a
 * missing array from $push's $each without applying $slice or $sort, and re-parses the update
 * on every call.
 */

export interface UpdateOutcome {
  doc: Document;
  modified: boolean;
  /** The paths the update may have changed; null when unknown (pipelines). */
  touched: readonly string[] | null;
}

const OPERATORS = [
  '$set',
  '$setOnInsert',
  '$unset',
  '$inc',
  '$mul',
  '$max',
  '$min',
  '$push',
  '$addToSet',
  '$pull',
  '$pullAll',
  '$pop',
  '$rename',
  '$currentDate',
] as const;
type Operator = (typeof OPERATORS)[number];
const OPERATOR_SET: ReadonlySet<string> = new Set(OPERATORS);

function isOperator(key: string): key is Operator {
  return OPERATOR_SET.has(key);
}

function isPipelineUpdate(update: Update): update is Record<string, unknown>[] {
  return Array.isArray(update);
}

/** Applies `update` to `current` (a seed document when inserting); `current` is left unchanged. */
export function applyUpdate(current: Document, update: Update, inserting: boolean): UpdateOutcome {
  if (isPipelineUpdate(update)) return applyPipeline(current, update);
  const keys = Object.keys(update);
  if (keys.length === 0) throw new ReadStoreError('an update document needs at least one update operator', 9);
  if (keys.length === 1 && keys[0] === '$set') {
    const outcome = applyTopLevelSet(current, update.$set);
    if (outcome !== null) return outcome;
  }
  const touched = checkPaths(update, keys);
  const modifications: Modification[] = [];
  for (const op of keys) {
    if (!isOperator(op)) throw new ReadStoreError(`unknown update operator ${op}`, 9);
    const spec = update[op] as Record<string, unknown>;
    for (const path of Object.keys(spec)) modifications.push({ op, parts: splitPath(path), arg: spec[path] });
  }
  // MongoDB applies modifications in field-name order whatever the operator, which decides the
  // order of the fields they create; doing the same keeps documents identical across adapters.
  if (modifications.length > 1 && !isSorted(modifications)) modifications.sort((a, b) => comparePaths(a.parts, b.parts));
  const draft = new Draft(current);
  let modified = false;
  for (const { op, parts, arg } of modifications) {
    if (applyOperator(draft, op, parts, arg, inserting)) modified = true;
  }
  const doc = draft.root as Document;
  keepsId(current, doc);
  return { doc, modified, touched };
}

/**
 * A `$set` of top-level fields only (what every projection writes): the general path's result,
 * without its per-path machinery. Null when `spec` is anything else, for the general path to
 * apply or to refuse with its own error.
 */
function applyTopLevelSet(current: Document, spec: unknown): UpdateOutcome | null {
  if (!isPlainObject(spec)) return null;
  const paths = Object.keys(spec);
  for (const path of paths) if (path.includes('.')) return null;
  for (const path of paths) checkPath(path);
  // Object.keys gave a fresh array: sorted in place, it is also the touched paths.
  if (paths.length > 1 && !isAscendingFields(paths)) paths.sort(compareFields);
  const doc = shallowCopy(current);
  let modified = false;
  for (const key of paths) {
    const next = cloneForStorage(spec[key]);
    if (Object.prototype.hasOwnProperty.call(doc, key) && sameValue(doc[key], next)) continue;
    doc[key] = next;
    modified = true;
  }
  keepsId(current, doc);
  return { doc: doc as Document, modified, touched: paths };
}

/** An update may not change a stored document's _id (MongoDB's error 66). */
function keepsId(current: Document, doc: Record<string, unknown>): void {
  if (current._id !== undefined && !sameValue(doc._id, current._id)) {
    throw new ReadStoreError("performing an update on the path '_id' would modify the immutable field '_id'", 66);
  }
}

/** Two path parts in MongoDB's order: array positions as numbers, anything else as text. */
function compareFields(a: string, b: string): number {
  if (a === b) return 0;
  if (isIndex(a) && isIndex(b)) return Number(a) - Number(b);
  return a < b ? -1 : 1;
}

function isAscendingFields(paths: string[]): boolean {
  for (let i = 1; i < paths.length; i++) if (compareFields(paths[i - 1]!, paths[i]!) > 0) return false;
  return true;
}

function isSorted(modifications: Modification[]): boolean {
  for (let i = 1; i < modifications.length; i++) if (comparePaths(modifications[i - 1]!.parts, modifications[i]!.parts) > 0) return false;
  return true;
}

interface Modification {
  op: Operator;
  parts: readonly string[];
  arg: unknown;
}

function comparePaths(a: readonly string[], b: readonly string[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const order = compareFields(a[i]!, b[i]!);
    if (order !== 0) return order;
  }
  return a.length - b.length;
}

/** Aggregation-pipeline updates are rare enough to run through mingo on a private copy. */
function applyPipeline(current: Document, pipeline: Record<string, unknown>[]): UpdateOutcome {
  const copy = [cloneValue(current) as Record<string, unknown>];
  mingoPipelineUpdate(copy, {}, pipeline as never);
  const doc = cloneForStorage(copy[0]) as Document;
  keepsId(current, doc);
  return { doc, modified: !sameValue(doc, current), touched: null };
}

/** Paths already found well-formed: projections repeat the same few paths on every write. */
const validPaths = new Set<string>();

function checkPath(path: string): void {
  if (validPaths.has(path)) return;
  if (path === '' || path.startsWith('$') || path.split('.').some((part) => part === '')) {
    throw new ReadStoreError(`invalid update path '${path}'`, 56);
  }
  if (path.includes('$')) throw new ReadStoreError(`positional update paths are not supported: '${path}'`, 2);
  if (validPaths.size > 10_000) validPaths.clear();
  validPaths.add(path);
}

/**
 * Every operator argument must be an object of paths, and no path may overlap another (MongoDB's
 * conflict rule). Returns the paths, which tell the indexes whether they need to look at all.
 */
function checkPaths(update: Record<string, unknown>, operators: string[]): string[] {
  const paths: string[] = [];
  for (const op of operators) {
    const spec = update[op];
    if (!isPlainObject(spec)) {
      throw new ReadStoreError(op.startsWith('$') ? `${op} needs an object of paths` : `update documents contain only update operators, not ${op}`, 9);
    }
    for (const path in spec) {
      checkPath(path);
      paths.push(path);
      if (op === '$rename') {
        const target = spec[path];
        if (typeof target !== 'string') throw new ReadStoreError(`$rename target of '${path}' must be a path`, 2);
        checkPath(target);
        paths.push(target);
      }
    }
  }
  if (paths.length > 1 && (operators.length > 1 || operators[0] === '$rename' || hasDottedPath(paths)) && mayOverlap(paths)) {
    for (let i = 1; i < paths.length; i++) {
      for (let j = 0; j < i; j++) {
        if (overlaps(paths[i]!, paths[j]!)) throw new ReadStoreError(`updating the path '${paths[i]}' would create a conflict at '${paths[j]}'`, 40);
      }
    }
  }
  return paths;
}

/** One operator's paths (but $rename's, which adds its targets) are distinct keys; undotted, none can be a prefix of another either. */
function hasDottedPath(paths: string[]): boolean {
  for (const path of paths) if (path.includes('.')) return true;
  return false;
}

/**
 * True when two paths may conflict (one equal to, or a dotted prefix of, another): a set of the
 * paths and of their dotted prefixes, in one pass. A projection's $set of thirty fields made the
 * pairwise test above (435 comparisons) a visible share of a rebuild; it now runs only to name
 * the conflict.
 */
function mayOverlap(paths: string[]): boolean {
  const whole = new Set<string>();
  const prefixes = new Set<string>();
  for (const path of paths) {
    if (whole.has(path) || prefixes.has(path)) return true;
    whole.add(path);
    for (let dot = path.indexOf('.'); dot >= 0; dot = path.indexOf('.', dot + 1)) {
      const prefix = path.slice(0, dot);
      if (whole.has(prefix)) return true;
      prefixes.add(prefix);
    }
  }
  return false;
}

type Container = Record<string, unknown> | unknown[];

/**
 * Not `{ ...value }`: V8's optimized object spread hands out maps that later property additions
 * cannot share, which made every upserted document a new hidden class (17x slower inserts).
 */
function shallowCopy(value: Record<string, unknown>): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(value)) setOwn(copy, key, value[key]);
  return copy;
}

function isIndex(part: string): boolean {
  if (part.length === 0 || part.length > 9) return false;
  for (let i = 0; i < part.length; i++) {
    const c = part.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (value instanceof Date) return 'date';
  return typeof value;
}

/** The document being built: containers copied on first write are owned and mutated in place. */
class Draft {
  readonly root: Record<string, unknown>;
  /** Few containers per update, so a list beats a Set. */
  private readonly owned: object[];

  constructor(base: Record<string, unknown>) {
    this.root = shallowCopy(base);
    this.owned = [this.root];
  }

  private own(value: Container): Container {
    if (this.owned.includes(value)) return value;
    const copy = Array.isArray(value) ? value.slice() : shallowCopy(value);
    this.owned.push(copy);
    return copy;
  }

  /**
   * The owned container holding the last part of `parts`, creating missing documents on the way
   * when `create`; null when the path cannot exist and nothing is to be created.
   */
  parent(parts: readonly string[], create: boolean): Container | null {
    let container: Container = this.root;
    for (let i = 0; i < parts.length - 1; i++) {
      const part = parts[i]!;
      const child = read(container, part);
      let next: Container;
      if (child === undefined) {
        if (!create) return null;
        next = {};
        this.owned.push(next);
      } else if (Array.isArray(child) || isPlainObject(child)) {
        if (Array.isArray(child) && !isIndex(parts[i + 1]!)) {
          if (!create) return null;
          throw new ReadStoreError(`cannot create field '${parts[i + 1]}' in element {${part}: array}`, 28);
        }
        next = this.own(child);
      } else {
        if (!create) return null;
        throw new ReadStoreError(`cannot create field '${parts[i + 1]}' in element {${part}: ${describe(child)}}`, 28);
      }
      write(container, part, next);
      container = next;
    }
    return container;
  }

  /** An owned array at `parts`, for the array operators; null when the field is missing. */
  array(parts: readonly string[], op: string, create: boolean): unknown[] | null {
    const container = this.parent(parts, create);
    if (container === null) return null;
    const last = parts[parts.length - 1]!;
    const value = read(container, last);
    if (value === undefined) {
      if (!create) return null;
      const fresh: unknown[] = [];
      this.owned.push(fresh);
      write(container, last, fresh);
      return fresh;
    }
    if (!Array.isArray(value)) {
      throw new ReadStoreError(`${op} needs an array at '${parts.join('.')}', found ${describe(value)}`, 14);
    }
    const owned = this.own(value) as unknown[];
    write(container, last, owned);
    return owned;
  }
}

function read(container: Container, part: string): unknown {
  return Array.isArray(container) ? (isIndex(part) ? container[Number(part)] : undefined) : container[part];
}

function write(container: Container, part: string, value: unknown): void {
  if (Array.isArray(container)) {
    const index = Number(part);
    // MongoDB pads with nulls when setting past the end of an array.
    while (container.length < index) container.push(null);
    container[index] = value;
  } else container[part] = value;
}

function setValue(draft: Draft, parts: readonly string[], value: unknown): boolean {
  const container = draft.parent(parts, true)!;
  const last = parts[parts.length - 1]!;
  if (Array.isArray(container) && !isIndex(last)) {
    throw new ReadStoreError(`cannot create field '${last}' in an array`, 28);
  }
  const present = Array.isArray(container) ? Number(last) < container.length : Object.prototype.hasOwnProperty.call(container, last);
  const previous = read(container, last);
  const next = cloneForStorage(value);
  if (present && sameValue(previous, next)) return false;
  write(container, last, next);
  return true;
}

function currentValue(draft: Draft, parts: readonly string[]): unknown {
  const value = getPath(draft.root, parts);
  return typeof value === 'symbol' ? undefined : value;
}

function requireNumber(op: string, path: readonly string[], value: unknown): number {
  if (typeof value !== 'number') throw new ReadStoreError(`${op} needs a number for '${path.join('.')}', got ${describe(value)}`, 14);
  return value;
}

function applyOperator(draft: Draft, op: Operator, parts: readonly string[], arg: unknown, inserting: boolean): boolean {
  switch (op) {
    case '$set':
      return setValue(draft, parts, arg);
    case '$setOnInsert':
      return inserting ? setValue(draft, parts, arg) : false;
    case '$unset': {
      const container = draft.parent(parts, false);
      if (container === null) return false;
      const last = parts[parts.length - 1]!;
      if (Array.isArray(container)) {
        if (!isIndex(last) || Number(last) >= container.length || container[Number(last)] === null) return false;
        container[Number(last)] = null;
        return true;
      }
      if (!Object.prototype.hasOwnProperty.call(container, last)) return false;
      delete container[last];
      return true;
    }
    case '$inc':
    case '$mul': {
      const amount = requireNumber(op, parts, arg);
      const previous = currentValue(draft, parts);
      if (previous === undefined) return setValue(draft, parts, op === '$inc' ? amount : 0);
      if (typeof previous !== 'number') {
        throw new ReadStoreError(`cannot apply ${op} to '${parts.join('.')}', a value of type ${describe(previous)}`, 14);
      }
      return setValue(draft, parts, op === '$inc' ? previous + amount : previous * amount);
    }
    case '$max':
    case '$min': {
      const previous = currentValue(draft, parts);
      if (previous !== undefined) {
        const c = compareValues(arg, previous);
        if (op === '$max' ? c <= 0 : c >= 0) return false;
      }
      return setValue(draft, parts, arg);
    }
    case '$currentDate': {
      if (arg !== true && !(isPlainObject(arg) && arg.$type === 'date')) {
        throw new ReadStoreError(`$currentDate supports only dates, at '${parts.join('.')}'`, 2);
      }
      return setValue(draft, parts, new Date());
    }
    case '$rename': {
      const from = currentValue(draft, parts);
      if (from === undefined) return false;
      applyOperator(draft, '$unset', parts, '', inserting);
      setValue(draft, splitPath(arg as string), from);
      return true;
    }
    case '$push':
      return push(draft, parts, arg);
    case '$addToSet': {
      const values = isPlainObject(arg) && '$each' in arg ? eachOf('$addToSet', arg.$each) : [arg];
      const array = draft.array(parts, op, true)!;
      let changed = false;
      for (const value of values) {
        const stored = cloneForStorage(value);
        if (!array.some((existing) => sameValue(existing, stored))) {
          array.push(stored);
          changed = true;
        }
      }
      return changed;
    }
    case '$pop': {
      if (arg !== 1 && arg !== -1) throw new ReadStoreError(`$pop takes 1 or -1, at '${parts.join('.')}'`, 9);
      const array = draft.array(parts, op, false);
      if (array === null || array.length === 0) return false;
      if (arg === 1) array.pop();
      else array.shift();
      return true;
    }
    case '$pull': {
      const matches = pullPredicate(arg);
      return removeWhere(draft, parts, op, matches);
    }
    case '$pullAll': {
      const values = eachOf('$pullAll', arg);
      return removeWhere(draft, parts, op, (element) => values.some((value) => sameValue(element, value)));
    }
    default: {
      const _never: never = op;
      return _never;
    }
  }
}

function eachOf(op: string, value: unknown): unknown[] {
  if (!Array.isArray(value)) throw new ReadStoreError(`${op} needs an array`, 2);
  return value;
}

function integerOf(name: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) throw new ReadStoreError(`${name} must be an integer`, 2);
  return value;
}

const PUSH_MODIFIERS: ReadonlySet<string> = new Set(['$each', '$slice', '$sort', '$position']);

/** $push with MongoDB's modifier order: insert at $position, then $sort, then $slice. */
function push(draft: Draft, parts: readonly string[], arg: unknown): boolean {
  const withModifiers = isPlainObject(arg) && Object.keys(arg).some((k) => PUSH_MODIFIERS.has(k));
  if (withModifiers && !('$each' in arg)) throw new ReadStoreError('$push modifiers need $each', 2);
  const values = withModifiers ? eachOf('$push', arg.$each) : [arg];
  const slice = withModifiers ? integerOf('$slice', arg.$slice) : undefined;
  const position = withModifiers ? integerOf('$position', arg.$position) : undefined;
  const sort = withModifiers ? arg.$sort : undefined;
  const array = draft.array(parts, '$push', true)!;
  const before = array.slice();
  const stored = values.map(cloneForStorage);
  if (position === undefined) array.push(...stored);
  else {
    const at = position < 0 ? Math.max(0, array.length + position) : Math.min(position, array.length);
    array.splice(at, 0, ...stored);
  }
  if (sort !== undefined) array.sort(pushComparator(sort));
  if (slice !== undefined) {
    if (slice >= 0) array.splice(slice);
    else array.splice(0, Math.max(0, array.length + slice));
  }
  return !sameValue(before, array);
}

function pushComparator(sort: unknown): (a: unknown, b: unknown) => number {
  if (sort === 1 || sort === -1) return (a, b) => sort * compareValues(a, b);
  if (isPlainObject(sort) && Object.keys(sort).length > 0) {
    const keys = Object.entries(sort).map(([path, direction]) => {
      if (direction !== 1 && direction !== -1) throw new ReadStoreError('$sort directions are 1 or -1', 2);
      return { parts: splitPath(path), direction };
    });
    return (a, b) => {
      for (const { parts, direction } of keys) {
        const x = getPath(a, parts);
        const y = getPath(b, parts);
        const c = compareValues(typeof x === 'symbol' ? undefined : x, typeof y === 'symbol' ? undefined : y);
        if (c !== 0) return direction * c;
      }
      return 0;
    };
  }
  throw new ReadStoreError('$sort takes 1, -1 or a document of directions', 2);
}

/**
 * $pull's condition: a value is compared whole; a document of operators applies to each element
 * as a value; a document of fields applies to each element as a document.
 */
function pullPredicate(condition: unknown): (element: unknown) => boolean {
  if (condition instanceof RegExp) return (element) => typeof element === 'string' && condition.test(element);
  if (!isPlainObject(condition)) return (element) => sameValue(element, condition);
  const keys = Object.keys(condition);
  if (keys.length > 0 && keys.every((k) => k.startsWith('$'))) {
    const query = new Query({ v: condition });
    return (element) => query.test({ v: element });
  }
  const query = new Query(condition as Filter);
  return (element) => isPlainObject(element) && query.test(element);
}

function removeWhere(draft: Draft, parts: readonly string[], op: string, matches: (element: unknown) => boolean): boolean {
  const array = draft.array(parts, op, false);
  if (array === null) return false;
  const kept = array.filter((element) => !matches(element));
  if (kept.length === array.length) return false;
  array.length = 0;
  array.push(...kept);
  return true;
}

/**
 * The document an upsert inserts before its update applies: the filter's equality conditions
 * (top level and inside $and), as MongoDB builds it.
 */
export function upsertSeed(filter: Filter): Record<string, unknown> {
  const seed: Record<string, unknown> = {};
  const draft = new Draft(seed);
  collectEqualities(filter, (path, value) => {
    setValue(draft, splitPath(path), value);
  });
  return draft.root;
}

function collectEqualities(filter: Filter, visit: (path: string, value: unknown) => void): void {
  for (const key of Object.keys(filter)) {
    const condition = filter[key];
    if (key === '$and' && Array.isArray(condition)) {
      for (const branch of condition) if (isPlainObject(branch)) collectEqualities(branch, visit);
      continue;
    }
    if (key.startsWith('$')) continue;
    if (condition instanceof RegExp) continue;
    if (isPlainObject(condition)) {
      const keys = Object.keys(condition);
      if (keys.some((k) => k.startsWith('$'))) {
        if ('$eq' in condition) visit(key, condition.$eq);
        continue;
      }
    }
    visit(key, condition);
  }
}
