import { DuplicateKeyError, ReadStoreError } from '../errors';
import type { Document, Filter, IndexSpec, SortSpec, Update, UpdateResult } from '../read-store.port';
import { asInterval, boundsOf, type Bounds } from './bounds';
import { compileMatcher, type Matcher } from './matcher';
import { MemoryIndex, defaultIndexName, type IndexField } from './memory-index';
import { AFTER_PREFIX, boundString, encodeComponent } from './key-encoding';
import type { IndexCursor, Position } from './sorted-index';
import { applyUpdate, upsertSeed } from './update';
import { cloneForStorage, compareValues, generateId, isPlainObject, resolveForSort, sameValue, setOwn, sortValue, splitPath } from './values';

export interface QueryOptions {
  sort?: SortSpec;
  skip?: number;
  limit?: number;
}

/** How a query ran: what `explain` reports and the planner tests assert on. */
export interface PlanStats {
  plan: 'ID_LOOKUP' | 'INDEX_SCAN' | 'COLLECTION_SCAN';
  /** The index walked, or null. */
  index: string | null;
  /** Results came in index order and the walk stopped once skip+limit documents matched. */
  sortCovered: boolean;
  keysExamined: number;
  /** Documents fetched and tested against the filter. */
  docsExamined: number;
  returned: number;
  /** Every usable index with the exact number of entries its bounds select. */
  considered: { index: string; keys: number; sortCovered: boolean }[];
  /** A sort-covered walk gave up within its budget and the cheapest plan ran instead. */
  gaveUpOnSortCoveredPlan: boolean;
}

const ZERO: UpdateResult = Object.freeze({ matchedCount: 0, modifiedCount: 0, upsertedCount: 0 });

const RANGE_OPERATORS: ReadonlySet<string> = new Set(['$gt', '$gte', '$lt', '$lte']);

/** Enough $in combinations to cover real filters without a combinatorial blow-up. */
const MAX_COMBINATIONS = 256;

const ID_FIELD: IndexField = { path: '_id', parts: splitPath('_id'), direction: 1 };

interface SortKey {
  readonly parts: readonly string[];
  readonly path: string;
  readonly direction: 1 | -1;
}

interface Range {
  readonly from: Position;
  readonly to: Position;
  /** Where the components a merge compares start in this range's keys. */
  readonly mergeOffset: number;
}

interface IndexPlan {
  readonly index: MemoryIndex;
  readonly ranges: Range[];
  readonly keys: number;
  readonly equalityFields: number;
  /** Walk direction that yields the requested order; null when the sort is not covered. */
  readonly order: 'forward' | 'backward' | null;
  /** First key component the k-way merge of several ranges compares; -1 when no merge is needed. */
  readonly mergeFrom: number;
}

/** An index a snapshot load built from its record unchecked, with what its check needs. */
export interface DeferredOrderCheck {
  readonly collection: CollectionData;
  readonly index: MemoryIndex;
  readonly docs: readonly Document[];
  readonly order: readonly number[];
  readonly unordered: readonly string[];
}

/** One collection's documents and indexes. Stored documents are never mutated, only replaced. */
export class CollectionData {
  readonly docs = new Map<string, Document>();
  readonly indexes: MemoryIndex[] = [];

  constructor(public name: string) {}

  // ---- reads ---------------------------------------------------------------------------------

  /** Matching stored documents (not copies: callers clone before handing them out). */
  execute(filter: Filter, options: QueryOptions = {}): { docs: Document[]; stats: PlanStats } {
    const matcher = compileMatcher(filter);
    const sort = sortKeys(options.sort);
    const skip = Math.max(0, options.skip ?? 0);
    const limit = options.limit ? Math.abs(options.limit) : 0;
    const wanted = limit > 0 ? skip + limit : Infinity;
    const stats: PlanStats = {
      plan: 'COLLECTION_SCAN',
      index: null,
      sortCovered: false,
      keysExamined: 0,
      docsExamined: 0,
      returned: 0,
      considered: [],
      gaveUpOnSortCoveredPlan: false,
    };
    const bounds = boundsOf(filter);
    let matched: Document[] | null = null;
    let inOrder = false;

    const ids = bounds.get('_id')?.points;
    if (ids !== undefined) {
      stats.plan = 'ID_LOOKUP';
      matched = [];
      for (const id of ids) {
        if (typeof id !== 'string') continue;
        stats.keysExamined += 1;
        const doc = this.docs.get(id);
        if (doc === undefined) continue;
        stats.docsExamined += 1;
        if (matcher(doc)) matched.push(doc);
      }
    } else {
      const plans = this.plans(bounds, sort);
      stats.considered = plans.map((p) => ({ index: p.index.name, keys: p.keys, sortCovered: p.order !== null }));
      const best = cheapest(plans);
      if (best !== null) {
        if (sort !== null && limit > 0 && best.order === null) {
          const covered = cheapest(plans.filter((p) => p.order !== null));
          if (covered !== null) {
            const attempt = this.walk(covered, matcher, wanted, best.keys + wanted, stats);
            if (attempt !== null) {
              matched = attempt;
              inOrder = true;
              describePlan(stats, covered);
            } else stats.gaveUpOnSortCoveredPlan = true;
          }
        }
        if (matched === null) {
          matched = this.walk(best, matcher, best.order !== null ? wanted : Infinity, Infinity, stats)!;
          inOrder = best.order !== null;
          describePlan(stats, best);
        }
      } else {
        matched = [];
        for (const doc of this.docs.values()) {
          stats.docsExamined += 1;
          if (matcher(doc)) matched.push(doc);
        }
      }
    }

    if (sort !== null && !inOrder) matched = sortDocuments(matched, sort);
    const page = skip > 0 || limit > 0 ? matched.slice(skip, limit > 0 ? skip + limit : undefined) : matched;
    stats.returned = page.length;
    return { docs: page, stats };
  }

  private plans(bounds: Bounds, sort: SortKey[] | null): IndexPlan[] {
    const plans: IndexPlan[] = [];
    for (const index of this.indexes) {
      if (!index.plannable) continue;
      const plan = planFor(index, bounds, sort);
      if (plan !== null) plans.push(plan);
    }
    return plans;
  }

  /**
   * Walks a plan's ranges testing each document. With a covered sort the walk is in result
   * order and stops after `wanted` matches; past `budget` index keys it gives up (null).
   */
  private walk(plan: IndexPlan, matcher: Matcher, wanted: number, budget: number, stats: PlanStats): Document[] | null {
    const matched: Document[] = [];
    const backward = plan.order === 'backward';
    const entries = plan.index.entries;
    const visit = (id: string): boolean => {
      stats.keysExamined += 1;
      const doc = this.docs.get(id)!;
      stats.docsExamined += 1;
      if (matcher(doc)) matched.push(doc);
      return matched.length < wanted;
    };
    let examined = 0;
    if (plan.mergeFrom < 0 || plan.ranges.length < 2) {
      const ranges = backward ? [...plan.ranges].reverse() : plan.ranges;
      for (const range of ranges) {
        const cursor = entries.cursor(range.from, range.to, backward);
        for (let id = cursor.next(); id !== undefined; id = cursor.next()) {
          if (++examined > budget) return null;
          if (!visit(id)) return matched;
        }
      }
      return matched;
    }
    // A k-way merge of the ranges, comparing keys from the first sorted component on.
    const cursors: IndexCursor[] = plan.ranges.map((r) => entries.cursor(r.from, r.to, backward));
    const heads = cursors.map((cursor, i) => {
      const id = cursor.next();
      return id === undefined ? null : { id, key: cursor.key, offset: plan.ranges[i]!.mergeOffset };
    });
    const sign = backward ? -1 : 1;
    for (;;) {
      let pick = -1;
      for (let i = 0; i < heads.length; i++) {
        const head = heads[i];
        if (head === null || head === undefined) continue;
        const best = pick < 0 ? null : heads[pick]!;
        if (best === null || sign * compareHeads(head, best) < 0) pick = i;
      }
      if (pick < 0) return matched;
      if (++examined > budget) return null;
      const head = heads[pick]!;
      if (!visit(head.id)) return matched;
      const id = cursors[pick]!.next();
      heads[pick] = id === undefined ? null : { id, key: cursors[pick]!.key, offset: head.offset };
    }
  }

  count(filter: Filter): number {
    if (Object.keys(filter).length === 0) return this.docs.size;
    return this.countFromIndex(filter) ?? this.execute(filter).docs.length;
  }

  /**
   * A filter of plain equalities on exactly the leading fields of an index selects exactly that
   * index range: its size is the count, with no document read. Null when that is not the case.
   */
  private countFromIndex(filter: Filter): number | null {
    const entries = Object.entries(filter);
    const scalar = (value: unknown) => typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
    const points = (value: unknown) => scalar(value) || (isPlainObject(value) && Object.keys(value).length === 1 && Array.isArray(value.$in) && value.$in.length > 0 && value.$in.every(scalar));
    // At most one field bounded by a range of string operands ($gt/$gte/$lt/$lte): index bounds
    // are inclusive and bracketed to the string type, so an inclusive range counts exactly and an
    // exclusive end is the inclusive count less the entries equal to it.
    const rangeOf = (value: unknown): Record<string, string> | null => {
      if (!isPlainObject(value)) return null;
      const keys = Object.keys(value);
      if (keys.length === 0 || !keys.every((k) => RANGE_OPERATORS.has(k) && typeof value[k] === 'string')) return null;
      return value as Record<string, string>;
    };
    if (!entries.every(([key]) => !key.startsWith('$') && key !== '_id')) return null;
    const ranged = entries.filter(([, value]) => !points(value));
    if (ranged.length > 1) return null;
    const range = ranged.length === 1 ? rangeOf(ranged[0]![1]) : null;
    if (ranged.length === 1 && range === null) return null;
    const equalities = entries.filter(([, value]) => points(value)).map(([key]) => key);
    const rangeField = ranged.length === 1 ? ranged[0]![0] : null;
    const shaped = (index: MemoryIndex): boolean => {
      const leading = index.fields.slice(0, equalities.length);
      if (leading.length !== equalities.length || !leading.every((field) => equalities.includes(field.path))) return false;
      return rangeField === null || index.fields[equalities.length]?.path === rangeField;
    };
    const keysOf = (query: Filter): number | null => {
      for (const plan of this.plans(boundsOf(query), null)) if (shaped(plan.index)) return plan.keys;
      return null;
    };
    if (rangeField === null || range === null) return keysOf(filter);
    const inclusive: Record<string, string> = {};
    const exclusiveEnds: string[] = [];
    for (const [operator, operand] of Object.entries(range)) {
      if (operator === '$gt' || operator === '$gte') inclusive.$gte = operand;
      else inclusive.$lte = operand;
      if (operator === '$gt' || operator === '$lt') exclusiveEnds.push(operand);
    }
    if (inclusive.$gte !== undefined && inclusive.$lte !== undefined && inclusive.$gte > inclusive.$lte) return 0;
    const total = keysOf({ ...filter, [rangeField]: inclusive });
    if (total === null) return null;
    let equal = 0;
    for (const end of new Set(exclusiveEnds)) {
      const count = keysOf({ ...filter, [rangeField]: end });
      if (count === null) return null;
      equal += count;
    }
    return Math.max(0, total - equal);
  }

  // ---- writes --------------------------------------------------------------------------------

  /** The document a single-document write targets; a string _id (the projections' case) skips planning. */
  private firstMatch(filter: Filter): Document | undefined {
    const id = filter._id;
    if (typeof id === 'string') {
      const doc = this.docs.get(id);
      return doc !== undefined && compileMatcher(filter)(doc) ? doc : undefined;
    }
    return this.execute(filter, { limit: 1 }).docs[0];
  }

  updateOne(filter: Filter, update: Update, upsert: boolean): UpdateResult {
    const current = this.firstMatch(filter);
    if (current !== undefined) {
      const { doc, modified, touched } = applyUpdate(current, update, false);
      if (modified) this.replace(doc, touched);
      return { matchedCount: 1, modifiedCount: modified ? 1 : 0, upsertedCount: 0 };
    }
    if (!upsert) return ZERO;
    const seed = upsertSeed(filter) as Document;
    return this.insertUpserted(applyUpdate(seed, update, true).doc);
  }

  replaceOne(filter: Filter, replacement: Document, upsert: boolean): UpdateResult {
    if (!isPlainObject(replacement) || Object.keys(replacement).some((k) => k.startsWith('$'))) {
      throw new ReadStoreError('a replacement document cannot contain update operators', 9);
    }
    const current = this.firstMatch(filter);
    if (current !== undefined) {
      if (replacement._id !== undefined && !sameValue(replacement._id, current._id)) {
        throw new ReadStoreError("a replacement would modify the immutable field '_id'", 66);
      }
      const next = withIdFirst(current._id, cloneForStorage(replacement) as Record<string, unknown>);
      const modified = !sameValue(current, next);
      if (modified) this.replace(next, null);
      return { matchedCount: 1, modifiedCount: modified ? 1 : 0, upsertedCount: 0 };
    }
    if (!upsert) return ZERO;
    const seed = upsertSeed(filter);
    if (replacement._id !== undefined && seed._id !== undefined && !sameValue(replacement._id, seed._id)) {
      throw new ReadStoreError("the replacement's _id differs from the filter's", 66);
    }
    const doc = cloneForStorage(replacement) as Document;
    if (doc._id === undefined && seed._id !== undefined) doc._id = seed._id as string;
    return this.insertUpserted(doc);
  }

  /**
   * The insert half of an upsert. When the filter missed only because of a guard, a document
   * with this _id exists: MongoDB fails the insert with a duplicate _id, which the port reports
   * as "matched nothing, upserted nothing".
   */
  private insertUpserted(built: Record<string, unknown>): UpdateResult {
    const doc = withIdFirst(built._id === undefined ? generateId() : built._id, built);
    if (this.docs.has(doc._id)) return ZERO;
    this.insert(doc);
    return { matchedCount: 0, modifiedCount: 0, upsertedCount: 1 };
  }

  insertOne(document: Document): void {
    if (!isPlainObject(document)) throw new ReadStoreError('a document must be an object', 2);
    const doc = withIdFirst(document._id ?? generateId(), cloneForStorage(document) as Record<string, unknown>);
    if (this.docs.has(doc._id)) throw new DuplicateKeyError(this.name, '_id_');
    this.insert(doc);
  }

  deleteOne(filter: Filter): number {
    const doc = this.firstMatch(filter);
    if (doc === undefined) return 0;
    this.remove(doc);
    return 1;
  }

  deleteMany(filter: Filter): number {
    if (Object.keys(filter).length === 0) {
      const removed = this.docs.size;
      this.docs.clear();
      for (const index of this.indexes) index.load([]);
      return removed;
    }
    const { docs } = this.execute(filter);
    for (const doc of docs) this.remove(doc);
    return docs.length;
  }

  private insert(doc: Document): void {
    for (const index of this.indexes) {
      if (index.unique && index.conflict(doc) !== null) throw new DuplicateKeyError(this.name, index.name);
    }
    this.docs.set(doc._id, doc);
    for (const index of this.indexes) index.add(doc);
  }

  private replace(after: Document, touched: readonly string[] | null): void {
    const before = this.docs.get(after._id)!;
    for (const index of this.indexes) {
      if (index.unique && index.affectedBy(touched) && index.moves(before, after) && index.conflict(after) !== null) {
        throw new DuplicateKeyError(this.name, index.name);
      }
    }
    this.docs.set(after._id, after);
    for (const index of this.indexes) if (index.affectedBy(touched)) index.replace(before, after);
  }

  private remove(doc: Document): void {
    this.docs.delete(doc._id);
    for (const index of this.indexes) index.remove(doc);
  }

  /**
   * Loads documents already private to the store (snapshots), building each index from its
   * recorded order (`orders[i]`: positions in `docs` in index i's key order) when there is one
   * and it holds, else in one sort. With `unorderedIds[i]` (the ids the writer's index i held as
   * unplannable) as well, a non-unique index is built from its record without checking it first:
   * its check is returned, for the caller to run later (`checkOrder`, then `settleDeferred`).
   */
  load(
    docs: readonly Document[],
    orders: readonly (readonly number[] | undefined)[] = [],
    unorderedIds: readonly (readonly string[] | undefined)[] = [],
  ): DeferredOrderCheck[] {
    const expected = this.docs.size + docs.length;
    for (const doc of docs) this.docs.set(doc._id, doc);
    // An _id given twice (or already here) leaves fewer documents than were given.
    if (this.docs.size !== expected) throw new DuplicateKeyError(this.name, '_id_');
    const deferred: DeferredOrderCheck[] = [];
    this.indexes.forEach((index, i) => {
      if (index.unique && index.hasDuplicates(this.docs.values())) throw new DuplicateKeyError(this.name, index.name);
      const order = orders[i];
      const unordered = unorderedIds[i];
      if (order === undefined) return index.load(this.docs.values());
      if (!index.unique && unordered !== undefined && index.loadRecordedOrder(docs, order, unordered)) {
        deferred.push({ collection: this, index, docs, order, unordered });
      } else if (!index.loadInOrder(docs, order)) index.load(this.docs.values());
    });
    return deferred;
  }

  /**
   * Ends a check `load` deferred, given what `checkOrder` found (the unplannable ids, or null when
   * the order does not hold): rebuilds the index from the documents now stored when the recorded
   * order or unplannable ids were wrong. True when the record held (or the index is no longer
   * this collection's).
   */
  settleDeferred(check: DeferredOrderCheck, found: readonly string[] | null): boolean {
    const recorded = new Set(check.unordered);
    if (found !== null && found.length === recorded.size && found.every((id) => recorded.has(id))) return true;
    if (!this.indexes.includes(check.index)) return true;
    check.index.load(this.docs.values());
    return false;
  }

  /** Each index's ids in key order, copied now: with the documents taken in the same step, a consistent record. */
  indexOrders(): string[][] {
    return this.indexes.map((index) => index.entries.idsInOrder());
  }

  createIndexes(specs: IndexSpec[]): void {
    for (const spec of specs) {
      const keys = Object.entries(spec.keys);
      if (keys.length === 0 || keys.some(([path, direction]) => path === '' || (direction !== 1 && direction !== -1))) {
        throw new ReadStoreError(`index keys must be paths with direction 1 or -1`, 67);
      }
      if (keys.length === 1 && keys[0]![0] === '_id') continue;
      const name = spec.name ?? defaultIndexName(spec.keys);
      const unique = spec.unique === true;
      const sameKeys = (index: MemoryIndex): boolean => defaultIndexName(index.spec.keys) === defaultIndexName(spec.keys);
      const named = this.indexes.find((index) => index.name === name);
      if (named !== undefined) {
        if (sameKeys(named) && named.unique === unique) continue;
        throw new ReadStoreError(`index ${name} already exists with different keys or options`, 86);
      }
      const twin = this.indexes.find(sameKeys);
      if (twin !== undefined) throw new ReadStoreError(`an index on the same keys already exists as ${twin.name}`, 85);
      const index = new MemoryIndex({ keys: { ...spec.keys }, name, unique }, this.docs);
      if (unique && index.hasDuplicates(this.docs.values())) throw new DuplicateKeyError(this.name, name);
      index.load(this.docs.values());
      this.indexes.push(index);
    }
  }
}

function describePlan(stats: PlanStats, plan: IndexPlan): void {
  stats.plan = 'INDEX_SCAN';
  stats.index = plan.index.name;
  stats.sortCovered = plan.order !== null;
}

function cheapest(plans: IndexPlan[]): IndexPlan | null {
  let best: IndexPlan | null = null;
  for (const plan of plans) {
    if (
      best === null ||
      plan.keys < best.keys ||
      (plan.keys === best.keys && plan.order !== null && best.order === null) ||
      (plan.keys === best.keys && (plan.order !== null) === (best.order !== null) && plan.equalityFields > best.equalityFields)
    ) {
      best = plan;
    }
  }
  return best;
}

function sortKeys(sort: SortSpec | undefined): SortKey[] | null {
  if (sort === undefined) return null;
  const keys = Object.entries(sort).map(([path, direction]) => {
    if (direction !== 1 && direction !== -1) throw new ReadStoreError(`sort direction of ${path} must be 1 or -1`, 2);
    return { path, parts: splitPath(path), direction };
  });
  return keys.length > 0 ? keys : null;
}

/**
 * An index is usable when the filter fixes its leading fields by equality or $in (each
 * combination of values is one range), and then bounds the next field by a range, or when its
 * order serves the requested sort.
 */
function planFor(index: MemoryIndex, bounds: Bounds, sort: SortKey[] | null): IndexPlan | null {
  const fields = index.fields;
  let combinations: unknown[][] = [[]];
  let equalityFields = 0;
  for (; equalityFields < fields.length; equalityFields++) {
    const points = bounds.get(fields[equalityFields]!.path)?.points;
    if (points === undefined || combinations.length * points.length > MAX_COMBINATIONS) break;
    combinations = combinations.flatMap((prefix) => points.map((point) => [...prefix, point]));
  }
  let interval: { lo?: unknown; hi?: unknown } | null = null;
  if (equalityFields < fields.length) {
    const next = bounds.get(fields[equalityFields]!.path);
    if (next !== undefined) {
      interval = asInterval(next);
      if (interval === null) combinations = [];
    }
  }
  const coverage = sort === null ? { order: 'forward' as const, mergeFrom: -1 } : sortCoverage(fields, equalityFields, combinations.length, bounds, sort);
  if (equalityFields === 0 && interval === null && (sort === null || coverage === null)) return null;

  const rangeField = fields[equalityFields];
  const mergeFrom = coverage?.mergeFrom ?? -1;
  const ranges: Range[] = [];
  let keys = 0;
  for (const combination of combinations) {
    const encoded = combination.map((value, i) => encodeComponent(value, fields[i]!.direction));
    const prefix = encoded.join('');
    let start = prefix;
    let end = prefix + AFTER_PREFIX;
    if (interval !== null && rangeField !== undefined) {
      const [first, last] = rangeField.direction === 1 ? [interval.lo, interval.hi] : [interval.hi, interval.lo];
      if (first !== undefined) start = prefix + boundString(first, rangeField.direction, 'start');
      if (last !== undefined) end = prefix + boundString(last, rangeField.direction, 'end');
    }
    const from = index.entries.seek(start);
    const to = index.entries.seek(end);
    const mergeOffset = mergeFrom < 0 ? 0 : encoded.slice(0, mergeFrom).join('').length;
    ranges.push({ from, to, mergeOffset });
    keys += Math.max(0, index.entries.rank(to) - index.entries.rank(from));
  }
  return { index, ranges, keys, equalityFields, order: coverage?.order ?? null, mergeFrom };
}

/**
 * Whether walking the index yields the sort order. Sort fields fixed to one value by equality
 * drop out; the rest must be consecutive index fields (then the implicit _id tiebreak) starting
 * within the equality prefix, all in the index's direction or all reversed. Several ranges are
 * merged on the fields from that start on.
 */
function sortCoverage(
  fields: readonly IndexField[],
  equalityFields: number,
  ranges: number,
  bounds: Bounds,
  sort: SortKey[],
): { order: 'forward' | 'backward'; mergeFrom: number } | null {
  const constant = new Set(fields.slice(0, equalityFields).filter((f) => bounds.get(f.path)?.points?.length === 1).map((f) => f.path));
  const rest = sort.filter((s) => !constant.has(s.path));
  if (rest.length === 0) return { order: 'forward', mergeFrom: -1 };
  const extended = fields.some((f) => f.path === '_id') ? fields : [...fields, ID_FIELD];
  const start = extended.findIndex((f) => f.path === rest[0]!.path);
  if (start < 0 || start > equalityFields) return null;
  let sign = 0;
  let k = start;
  for (const key of rest) {
    while (k < extended.length && constant.has(extended[k]!.path)) k++;
    const field = extended[k];
    if (field === undefined || field.path !== key.path) return null;
    const s = key.direction * field.direction;
    if (sign === 0) sign = s;
    else if (s !== sign) return null;
    k++;
  }
  return { order: sign > 0 ? 'forward' : 'backward', mergeFrom: ranges > 1 ? start : -1 };
}

/** Two merge heads in entry order: their keys from the first sorted component, then their ids. */
function compareHeads(a: { id: string; key: string; offset: number }, b: { id: string; key: string; offset: number }): number {
  const byKey = compareFrom(a.key, a.offset, b.key, b.offset);
  if (byKey !== 0) return byKey;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** Compares two encoded keys from the given offsets on (the merged components). */
function compareFrom(a: string, aOffset: number, b: string, bOffset: number): number {
  const n = Math.min(a.length - aOffset, b.length - bOffset);
  for (let i = 0; i < n; i++) {
    const d = a.charCodeAt(aOffset + i) - b.charCodeAt(bOffset + i);
    if (d !== 0) return d;
  }
  return a.length - aOffset - (b.length - bOffset);
}

function sortDocuments(docs: Document[], sort: SortKey[]): Document[] {
  const keyed = docs.map((doc) => ({ doc, keys: sort.map((s) => sortValue(resolveForSort(doc, s.parts), s.direction)) }));
  keyed.sort((a, b) => {
    for (let i = 0; i < sort.length; i++) {
      const c = compareValues(a.keys[i], b.keys[i]);
      if (c !== 0) return sort[i]!.direction * c;
    }
    return 0;
  });
  return keyed.map((k) => k.doc);
}

/** MongoDB stores _id as the first field of every document. */
function withIdFirst(id: unknown, doc: Record<string, unknown>): Document {
  if (typeof id !== 'string') throw new ReadStoreError('_id must be a string in this store', 2);
  const out: Document = { _id: id };
  for (const key of Object.keys(doc)) if (key !== '_id') setOwn(out, key, doc[key]);
  return out;
}
