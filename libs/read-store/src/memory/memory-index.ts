import type { IndexSpec } from '../read-store.port';
import { ID_MARK, encodeComponent, encodeId, isOrderedKeyValue } from './key-encoding';
import { SortedIndex } from './sorted-index';
import { THROUGH_ARRAY, getPath, overlaps, resolveForSort, splitPath } from './values';

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
  readonly entries = new SortedIndex();
  /** Documents whose key is not plannable (see the class comment). */
  private readonly unordered = new Set<string>();
  /**
   * The key tuple holds _id itself, so it is unique and already ordered by _id: the entry is the
   * tuple alone, without the _id suffix that other indexes add to break ties.
   */
  private readonly idInKey: boolean;

  constructor(readonly spec: IndexSpec) {
    this.name = spec.name ?? defaultIndexName(spec.keys);
    this.unique = spec.unique === true;
    this.fields = Object.entries(spec.keys).map(([path, direction]) => ({ path, parts: splitPath(path), direction }));
    this.idInKey = this.fields.some((field) => field.path === '_id');
  }

  get plannable(): boolean {
    return this.unordered.size === 0;
  }

  private keyOf(doc: Record<string, unknown>): Key {
    const parts: string[] = [];
    let ordered = true;
    for (const field of this.fields) {
      let value = getPath(doc, field.parts);
      if (value === THROUGH_ARRAY) value = resolveForSort(doc, field.parts);
      if (!isOrderedKeyValue(value)) ordered = false;
      parts.push(encodeComponent(value, field.direction));
    }
    // join() yields a flat string; `+=` would build a rope that every comparison has to walk.
    return { text: parts.join(''), ordered };
  }

  private entryKey(text: string, id: string): string {
    return this.idInKey ? text : [text, encodeId(id)].join('');
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
    if (this.idInKey) return null;
    const prefix = this.keyOf(doc).text + ID_MARK;
    const cursor = this.entries.cursor(this.entries.seek(prefix), this.entries.end(), false);
    for (let id = cursor.next(); id !== undefined && cursor.key.startsWith(prefix); id = cursor.next()) {
      if (id !== doc._id) return id;
    }
    return null;
  }

  /**
   * A document's entry, recomputed from the document: stored documents are never mutated, so the
   * stored one gives back exactly the entry it was indexed under (no map of id to entry is kept,
   * which would cost more memory per entry than the string it points to).
   */
  private entryOf(doc: Record<string, unknown>): string {
    return this.entryKey(this.keyOf(doc).text, doc._id as string);
  }

  /** Whether a replacement moves the document in this index. */
  moves(before: Record<string, unknown>, after: Record<string, unknown>): boolean {
    return this.entryOf(before) !== this.entryOf(after);
  }

  add(doc: Record<string, unknown>): void {
    const id = doc._id as string;
    const key = this.keyOf(doc);
    const entry = this.entryKey(key.text, id);
    if (!key.ordered) this.unordered.add(id);
    this.entries.insert(entry, id);
  }

  /** `doc` is the stored document. */
  remove(doc: Record<string, unknown>): void {
    this.unordered.delete(doc._id as string);
    this.entries.delete(this.entryOf(doc));
  }

  /** Moves a document's entry when its key changed; `before` is the stored document it replaces. */
  replace(before: Record<string, unknown>, after: Record<string, unknown>): void {
    const id = after._id as string;
    const old = this.entryOf(before);
    const key = this.keyOf(after);
    const entry = this.entryKey(key.text, id);
    if (old === entry) return;
    if (key.ordered) this.unordered.delete(id);
    else this.unordered.add(id);
    this.entries.delete(old);
    this.entries.insert(entry, id);
  }

  load(docs: Iterable<Record<string, unknown>>): void {
    const entries: { key: string; id: string }[] = [];
    this.unordered.clear();
    for (const doc of docs) {
      const id = doc._id as string;
      const key = this.keyOf(doc);
      const entry = this.entryKey(key.text, id);
      if (!key.ordered) this.unordered.add(id);
      entries.push({ key: entry, id });
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
    if (order.length !== docs.length) return false;
    const keys = new Array<string>(order.length);
    const ids = new Array<string>(order.length);
    const unordered: string[] = [];
    let previous = '';
    for (let k = 0; k < order.length; k++) {
      const doc = docs[order[k]!];
      if (doc === undefined) return false;
      const id = doc._id as string;
      const key = this.keyOf(doc);
      const entry = this.entryKey(key.text, id);
      if (k > 0 && !(entry > previous)) return false;
      if (!key.ordered) unordered.push(id);
      keys[k] = entry;
      ids[k] = id;
      previous = entry;
    }
    this.unordered.clear();
    for (const id of unordered) this.unordered.add(id);
    this.entries.loadSorted(keys, ids);
    return true;
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
