import type { IndexSpec } from '../read-store.port';
import { compareComponents, encodeComponent, isOrderedKeyValue } from './key-encoding';
import { SortedIndex } from './sorted-index';
import { THROUGH_ARRAY, getPath, overlaps, resolveForSort, splitPath } from './values';

/** Entries `checkOrder` compares between two pauses (well under 0.1 ms on the bench machine). */
const ORDER_CHECK_SLICE = 128;

export interface IndexField {
  readonly path: string;
  readonly parts: readonly string[];
  readonly direction: 1 | -1;
}

/** MongoDB's default index name: `organizationId_1_lastActivityAt_-1`. */
export function defaultIndexName(keys: IndexSpec['keys']): string {
  return Object.entries(keys)
    .map(([path, direction]) => `${path}_${direction}`)
    .join('_');
}

interface Key {
  /** The encoded key tuple, without the _id suffix. */
  text: string;
  /** Every component is a value whose encoding follows BSON order (no array, no document). */
  ordered: boolean;
}

/**
 * A secondary index: entries in key order, each component in its own direction, ties broken by
 * _id ascending. A document whose indexed path holds an array (MongoDB would make the index
 * multikey) or a document makes the index unusable for planning while it is there, because its
 * entries then no longer say what an equality, range or sort on that field sees.
 */
export class MemoryIndex {
  readonly name: string;
  readonly fields: readonly IndexField[];
  readonly unique: boolean;
  /**
   * Entries are the key tuple followed by the _id, which breaks ties. A tuple that holds _id
   * itself is unique and already ordered by _id: the entry is the tuple alone. Otherwise the
   * stored key is still the tuple alone, and the index reads the _id it keeps beside each key as
   * the entry's end (see SortedIndex's `idSuffix`), so no key string repeats the id.
   */
  readonly entries: SortedIndex;
  /** Documents whose key is not plannable (see the class comment). */
  private readonly unordered = new Set<string>();

  /**
   * `documents`: the collection's stored documents by _id. With it the index keeps no key
   * strings but its chunks' last ones, and computes the others from the documents (see
   * SortedIndex's `keyOf`); the collection then holds, for every entry's _id, the document the
   * entry was made from, except for an entry being removed.
   */
  constructor(
    readonly spec: IndexSpec,
    documents?: ReadonlyMap<string, Record<string, unknown>>,
  ) {
    this.name = spec.name ?? defaultIndexName(spec.keys);
    this.unique = spec.unique === true;
    this.fields = Object.entries(spec.keys).map(([path, direction]) => ({ path, parts: splitPath(path), direction }));
    this.entries = new SortedIndex({
      idSuffix: !this.fields.some((field) => field.path === '_id'),
      keyOf: documents && ((id) => this.keyOf(documents.get(id)!).text),
    });
  }

  get plannable(): boolean {
    return this.unordered.size === 0;
  }

  /** The value a document holds for one component of the key (through arrays as a sort sees it). */
  private componentOf(doc: Record<string, unknown>, field: IndexField): unknown {
    const value = getPath(doc, field.parts);
    return value === THROUGH_ARRAY ? resolveForSort(doc, field.parts) : value;
  }

  private keyOf(doc: Record<string, unknown>): Key {
    const parts: string[] = [];
    let ordered = true;
    for (const field of this.fields) {
      const value = this.componentOf(doc, field);
      if (!isOrderedKeyValue(value)) ordered = false;
      parts.push(encodeComponent(value, field.direction));
    }
    // join() yields a flat string; `+=` would build a rope that every comparison has to walk.
    return { text: parts.join(''), ordered };
  }

  /** Whether an update that changed these paths can have changed this index's key. */
  affectedBy(touched: readonly string[] | null): boolean {
    if (touched === null) return true;
    for (const field of this.fields) for (const path of touched) if (overlaps(field.path, path)) return true;
    return false;
  }

  /** The id of another document holding the same key (missing counts as null, as in MongoDB). */
  conflict(doc: Record<string, unknown>): string | null {
    // A tuple holding _id is the document's alone.
    if (!this.entries.idSuffix) return null;
    const text = this.keyOf(doc).text;
    const cursor = this.entries.cursor(this.entries.seek(text), this.entries.end(), false);
    for (let id = cursor.next(); id !== undefined && cursor.key === text; id = cursor.next()) {
      if (id !== doc._id) return id;
    }
    return null;
  }

  /**
   * A document's stored key, recomputed from the document: stored documents are never mutated,
   * so the stored one gives back exactly the key it was indexed under (no map of id to key is
   * kept, which would cost more memory per entry than the string it points to).
   */
  private keyText(doc: Record<string, unknown>): string {
    return this.keyOf(doc).text;
  }

  /** Whether a replacement moves the document in this index (the _id, the rest of its entry, stays). */
  moves(before: Record<string, unknown>, after: Record<string, unknown>): boolean {
    return this.keyText(before) !== this.keyText(after);
  }

  add(doc: Record<string, unknown>): void {
    const id = doc._id as string;
    const key = this.keyOf(doc);
    if (!key.ordered) this.unordered.add(id);
    this.entries.insert(key.text, id);
  }

  /** `doc` is the stored document. */
  remove(doc: Record<string, unknown>): void {
    const id = doc._id as string;
    this.unordered.delete(id);
    this.entries.delete(this.keyText(doc), id);
  }

  /** Moves a document's entry when its key changed; `before` is the stored document it replaces. */
  replace(before: Record<string, unknown>, after: Record<string, unknown>): void {
    const id = after._id as string;
    const old = this.keyText(before);
    const key = this.keyOf(after);
    if (old === key.text) return;
    if (key.ordered) this.unordered.delete(id);
    else this.unordered.add(id);
    this.entries.delete(old, id);
    this.entries.insert(key.text, id);
  }

  load(docs: Iterable<Record<string, unknown>>): void {
    const entries: { key: string; id: string }[] = [];
    this.unordered.clear();
    for (const doc of docs) {
      const id = doc._id as string;
      const key = this.keyOf(doc);
      if (!key.ordered) this.unordered.add(id);
      entries.push({ key: key.text, id });
    }
    this.entries.load(entries);
  }

  /**
   * Builds the index from documents listed in its key order (a snapshot's record of it): one key
   * encoding per document and one comparison with the previous key, no sort. False, with the
   * index untouched, when the order is not exactly that (a position out of range, repeated or
   * missing, or keys not strictly ascending): the caller then builds it with `load`.
   */
  loadInOrder(docs: readonly Record<string, unknown>[], order: readonly number[]): boolean {
    const check = this.checkOrder(docs, order);
    let step = check.next();
    while (!step.done) step = check.next();
    return step.value !== null && this.loadRecordedOrder(docs, order, step.value);
  }

  /**
   * Builds the index from a recorded key order and the recorded ids of its unplannable documents
   * without checking that the order holds: only each chunk's last key is computed. False, with the
   * index untouched, when a position is out of range. The caller checks the order afterwards with
   * `checkOrder` (and rebuilds with `load` if it does not hold).
   */
  loadRecordedOrder(docs: readonly Record<string, unknown>[], order: readonly number[], unorderedIds: readonly string[]): boolean {
    if (order.length !== docs.length) return false;
    const keys = new Array<string>(order.length);
    const ids = new Array<string>(order.length);
    for (let k = 0; k < order.length; k++) {
      const doc = docs[order[k]!];
      if (doc === undefined) return false;
      if (this.entries.keepsKey(k, order.length)) keys[k] = this.keyOf(doc).text;
      ids[k] = doc._id as string;
    }
    this.unordered.clear();
    for (const id of unorderedIds) this.unordered.add(id);
    this.entries.loadSorted(keys, ids);
    return true;
  }

  /** The ids of the documents whose key is not plannable, for a snapshot to record. */
  unorderedIds(): string[] {
    return [...this.unordered];
  }

  /**
   * Whether `order` lists `docs` in this index's entry order (each position once, entries strictly
   * ascending), pausing (a `yield`) every ORDER_CHECK_SLICE entries so a caller can give the event
   * loop a turn. Returns the ids of the documents whose key is not plannable, or null when the
   * order does not hold. `docs` and `order` must not change until it returns (stored documents
   * never do).
   */
  *checkOrder(docs: readonly Record<string, unknown>[], order: readonly number[]): Generator<void, string[] | null, void> {
    if (order.length !== docs.length) return null;
    const unordered: string[] = [];
    // The components of this entry and the previous one, compared as values: the same order as
    // their encodings (see compareComponents) without building a key string per entry.
    let values: unknown[] = new Array<unknown>(this.fields.length);
    let previous: unknown[] = new Array<unknown>(this.fields.length);
    let previousId = '';
    for (let k = 0; k < order.length; k++) {
      if (k % ORDER_CHECK_SLICE === ORDER_CHECK_SLICE - 1) yield;
      const doc = docs[order[k]!];
      if (doc === undefined) return null;
      const id = doc._id as string;
      let ordered = true;
      for (let f = 0; f < this.fields.length; f++) {
        const value = this.componentOf(doc, this.fields[f]!);
        if (!isOrderedKeyValue(value)) ordered = false;
        values[f] = value;
      }
      // Strictly ascending entries: the key, then (equal keys of a suffixed index) the _id.
      if (k > 0) {
        const step = this.compareTuples(previous, values);
        if (!(step < 0 || (step === 0 && this.entries.idSuffix && id > previousId))) return null;
      }
      if (!ordered) unordered.push(id);
      [previous, values] = [values, previous];
      previousId = id;
    }
    return unordered;
  }

  private compareTuples(a: readonly unknown[], b: readonly unknown[]): number {
    for (let f = 0; f < this.fields.length; f++) {
      const order = compareComponents(a[f], b[f], this.fields[f]!.direction);
      if (order !== 0) return order;
    }
    return 0;
  }

  /** Whether two documents share a key, when building a unique index over existing documents. */
  hasDuplicates(docs: Iterable<Record<string, unknown>>): boolean {
    const seen = new Set<string>();
    for (const doc of docs) {
      const text = this.keyOf(doc).text;
      if (seen.has(text)) return true;
      seen.add(text);
    }
    return false;
  }
}
