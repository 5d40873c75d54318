import { encodeId } from './key-encoding';

/**
 * A sorted list of index entries kept as bounded chunks (the shape of a B-tree's leaf level):
 * a write costs a binary search plus a splice inside one chunk, instead of moving every entry of
 * a flat sorted array. Entries are encoded key strings (see key-encoding.ts), unique because
 * they end with the document's _id, with the ids alongside so a walk needs no decoding.
 *
 * Chunks stay small because the splice is the other half of a write's cost: moving pointers in
 * a long-lived array to freshly allocated strings goes through the garbage collector's write
 * barrier one element at a time.
 *
 * Two options take bytes out of every entry:
 * - `idSuffix`: a key is the key tuple alone and the entry is read as that tuple followed by
 *   `encodeId(id)`; the id is held once, in the ids. Keys of one index never are proper
 *   prefixes of each other (each component is prefix-free), so two entries compare by key and,
 *   on equal keys, by id.
 * - `keyOf`: keys are not stored at all but for each chunk's last entry; the others are computed
 *   from their id (the collection's documents, which are replaced and never mutated, give back
 *   the key each was indexed under) by the searches that meet them, a handful per lookup. The
 *   caller keeps `keyOf(id)` equal to the key an entry was inserted with, except for the entry a
 *   `delete` names, whose document may already be gone or replaced: its key is the one given.
 */

const CHUNK_MAX = 128;

interface Chunk {
  /** Every entry's key; null when keys are computed (`keyOf`). */
  keys: string[] | null;
  ids: string[];
}

export interface Position {
  chunk: number;
  offset: number;
}

export interface SortedIndexOptions {
  idSuffix?: boolean;
  keyOf?: (id: string) => string;
}

export class SortedIndex {
  readonly idSuffix: boolean;
  private readonly keyOf: ((id: string) => string) | null;
  private chunks: Chunk[] = [];
  /** Each chunk's last key, in one array: the first level of every search touches only these. */
  private lasts: string[] = [];
  private count = 0;
  /**
   * How many entries precede each chunk, built by the first rank after a write and dropped by
   * the next write: between writes a range's size costs two lookups, not a pass over the chunks.
   */
  private starts: Int32Array | null = null;

  constructor(options: SortedIndexOptions = {}) {
    this.idSuffix = options.idSuffix === true;
    this.keyOf = options.keyOf ?? null;
  }

  get size(): number {
    return this.count;
  }

  /** Replaces the content, for index builds and snapshot loads. */
  load(entries: { key: string; id: string }[]): void {
    entries.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    this.loadSorted(
      entries.map((e) => e.key),
      entries.map((e) => e.id),
    );
  }

  /**
   * Whether `loadSorted` of `count` entries reads the key at position k: every key, or with
   * `keyOf` only each chunk's last (a load need not keep the others alive until it ends).
   */
  keepsKey(k: number, count: number): boolean {
    return this.keyOf === null || k % (CHUNK_MAX / 2) === CHUNK_MAX / 2 - 1 || k === count - 1;
  }

  /** Replaces the content with entries already in entry order (strictly ascending); see `keepsKey`. */
  loadSorted(keys: string[], ids: string[]): void {
    const half = CHUNK_MAX / 2;
    this.chunks = [];
    this.lasts = [];
    for (let i = 0; i < keys.length; i += half) {
      const end = Math.min(i + half, keys.length);
      this.chunks.push({ keys: this.keyOf ? null : keys.slice(i, end), ids: ids.slice(i, end) });
      this.lasts.push(keys[end - 1]!);
    }
    this.count = keys.length;
    this.starts = null;
  }

  /** Every id in key order, copied in one step (a snapshot's record of the order). */
  idsInOrder(): string[] {
    const out = new Array<string>(this.count);
    let k = 0;
    for (const chunk of this.chunks) for (let i = 0; i < chunk.ids.length; i++) out[k++] = chunk.ids[i]!;
    return out;
  }

  insert(key: string, id: string): void {
    if (this.chunks.length === 0) {
      this.chunks.push({ keys: this.keyOf ? null : [key], ids: [id] });
      this.lasts.push(key);
      this.count = 1;
      this.starts = null;
      return;
    }
    let { chunk: c, offset } = this.find(key, id);
    if (c === this.chunks.length) {
      c -= 1;
      offset = this.chunks[c]!.ids.length;
    }
    const chunk = this.chunks[c]!;
    chunk.keys?.splice(offset, 0, key);
    chunk.ids.splice(offset, 0, id);
    this.count += 1;
    this.starts = null;
    if (offset === chunk.ids.length - 1) this.lasts[c] = key;
    if (chunk.ids.length > CHUNK_MAX) {
      const half = CHUNK_MAX / 2;
      const upper: Chunk = { keys: chunk.keys?.splice(half) ?? null, ids: chunk.ids.splice(half) };
      this.chunks.splice(c + 1, 0, upper);
      const lower = half - 1;
      this.lasts.splice(c, 1, chunk.ids[lower] === id ? key : this.storedKey(chunk, lower), this.lasts[c]!);
    }
  }

  /**
   * Removes the entry with exactly this key and id; false when there is none. Without
   * `idSuffix` the key alone names an entry and `id` may be left out.
   */
  delete(key: string, id?: string): boolean {
    if ((this.idSuffix || this.keyOf) && id === undefined) throw new Error('this index deletes an entry by key and id');
    const { chunk: c, offset } = this.find(key, id ?? '', id);
    const chunk = this.chunks[c];
    // Without an id the keys are stored (checked above), and the key alone names the entry.
    if (chunk === undefined || (id !== undefined && chunk.ids[offset] !== id) || (chunk.keys !== null && chunk.keys[offset] !== key)) return false;
    chunk.keys?.splice(offset, 1);
    chunk.ids.splice(offset, 1);
    this.count -= 1;
    this.starts = null;
    if (chunk.ids.length === 0) {
      this.chunks.splice(c, 1);
      this.lasts.splice(c, 1);
    } else if (offset === chunk.ids.length) this.lasts[c] = this.storedKey(chunk, offset - 1);
    return true;
  }

  /** The first position whose entry is >= `bound`; the end position when there is none. */
  seek(bound: string): Position {
    return this.lowerBound((key, id) => this.below(key, id, bound));
  }

  /** How many entries precede a position: the planner's exact range sizes. */
  rank(position: Position): number {
    if (position.chunk >= this.chunks.length) return this.count;
    let starts = this.starts;
    if (starts === null) {
      starts = new Int32Array(this.chunks.length);
      for (let i = 1; i < starts.length; i++) starts[i] = starts[i - 1]! + this.chunks[i - 1]!.ids.length;
      this.starts = starts;
    }
    return starts[position.chunk]! + position.offset;
  }

  /** The stored key at a position (with `idSuffix`, without its id). */
  keyAt(position: Position): string | undefined {
    const chunk = this.chunks[position.chunk];
    return chunk === undefined || position.offset >= chunk.ids.length ? undefined : this.keyIn(position.chunk, position.offset);
  }

  idAt(position: Position): string | undefined {
    return this.chunks[position.chunk]?.ids[position.offset];
  }

  /** Entries in [from, to), walked forward or backward. */
  cursor(from: Position, to: Position, backward: boolean): IndexCursor {
    return new IndexCursor(this, this.chunks, from, to, backward, Math.max(0, this.rank(to) - this.rank(from)));
  }

  end(): Position {
    return { chunk: this.chunks.length, offset: 0 };
  }

  /** Every entry in order, each key in full (with `idSuffix`, the key and its id's suffix). */
  *entries(): IterableIterator<{ key: string; id: string }> {
    for (let c = 0; c < this.chunks.length; c++) {
      const chunk = this.chunks[c]!;
      for (let i = 0; i < chunk.ids.length; i++) {
        const id = chunk.ids[i]!;
        const key = this.keyIn(c, i);
        yield { key: this.idSuffix ? key + encodeId(id) : key, id };
      }
    }
  }

  /**
   * The key of chunk c's i-th entry, for reads and searches: a chunk's last key is at hand in
   * `lasts`, and `ownId`'s entry has `ownKey` (see the class comment).
   */
  keyIn(c: number, i: number, ownId?: string, ownKey?: string): string {
    const chunk = this.chunks[c]!;
    if (chunk.keys !== null) return chunk.keys[i]!;
    if (i === chunk.ids.length - 1) return this.lasts[c]!;
    const id = chunk.ids[i]!;
    return id === ownId ? ownKey! : this.keyOf!(id);
  }

  /** The key of a chunk's i-th entry from the entry alone, while `lasts` is being updated. */
  private storedKey(chunk: Chunk, i: number): string {
    return chunk.keys !== null ? chunk.keys[i]! : this.keyOf!(chunk.ids[i]!);
  }

  /** Whether the entry (key, id) is below `bound`. */
  private below(key: string, id: string, bound: string): boolean {
    return this.idSuffix ? suffixedBelow(key, id, bound) : key < bound;
  }

  /**
   * The first position whose entry is at or after the entry (key, id); the end when there is
   * none. `ownId`: the entry being deleted, whose key is `key` whatever `keyOf` says now.
   */
  private find(key: string, id: string, ownId?: string): Position {
    if (this.idSuffix) return this.lowerBound((k, i) => entryBefore(k, i, key, id), ownId, key);
    return this.lowerBound((k) => k < key, ownId, key);
  }

  /**
   * The first position whose entry is not `before` (entries ascend, so `before` holds for a
   * prefix of them): a search over the chunks' last entries, then inside one chunk. `ownId`'s
   * entry, if met, has the key `ownKey` (see `find`).
   */
  private lowerBound(before: (key: string, id: string) => boolean, ownId?: string, ownKey?: string): Position {
    const { chunks, lasts } = this;
    let lo = 0;
    let hi = lasts.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const ids = chunks[mid]!.ids;
      if (!before(lasts[mid]!, ids[ids.length - 1]!)) hi = mid;
      else lo = mid + 1;
    }
    if (lo === lasts.length) return { chunk: lo, offset: 0 };
    const ids = chunks[lo]!.ids;
    let a = 0;
    let b = ids.length - 1;
    while (a < b) {
      const mid = (a + b) >>> 1;
      if (!before(this.keyIn(lo, mid, ownId, ownKey), ids[mid]!)) b = mid;
      else a = mid + 1;
    }
    return { chunk: lo, offset: a };
  }
}

/** Whether the entry (key, id) precedes the entry (otherKey, otherId). */
function entryBefore(key: string, id: string, otherKey: string, otherId: string): boolean {
  return key < otherKey || (key === otherKey && id < otherId);
}

/**
 * Whether the entry `key + encodeId(id)` is below `bound`, without building it. When `key` is
 * not a proper prefix of `bound`, the first difference lies within `key` (or `bound` is a prefix
 * of it) and decides alone; otherwise the id's suffix is compared with the rest of the bound.
 */
function suffixedBelow(key: string, id: string, bound: string): boolean {
  if (key >= bound) return false;
  if (bound.length > key.length && bound.startsWith(key)) return encodeId(id) < bound.slice(key.length);
  return true;
}

/** Walks a range; the index must not change while a cursor is open. */
export class IndexCursor {
  private chunk: number;
  private offset: number;
  private remaining: number;
  /** Where the entry last returned by next() is. */
  private lastChunk = -1;
  private lastOffset = 0;

  constructor(
    private readonly index: SortedIndex,
    private readonly chunks: Chunk[],
    from: Position,
    to: Position,
    private readonly backward: boolean,
    /** How many entries [from, to) holds. */
    size: number,
  ) {
    this.remaining = size;
    if (backward) {
      const last = previous(chunks, to);
      this.chunk = last.chunk;
      this.offset = last.offset;
    } else {
      this.chunk = from.chunk;
      this.offset = from.offset;
    }
  }

  /** The stored key of the entry last returned by next() (with `idSuffix`, without its id). */
  get key(): string {
    return this.lastChunk < 0 ? '' : this.index.keyIn(this.lastChunk, this.lastOffset);
  }

  /** The next entry's id, or undefined at the end of the range. */
  next(): string | undefined {
    if (this.remaining === 0) return undefined;
    this.remaining -= 1;
    const chunk = this.chunks[this.chunk]!;
    const id = chunk.ids[this.offset]!;
    this.lastChunk = this.chunk;
    this.lastOffset = this.offset;
    if (this.backward) {
      if (this.offset > 0) this.offset -= 1;
      else {
        this.chunk -= 1;
        this.offset = this.chunk >= 0 ? this.chunks[this.chunk]!.ids.length - 1 : 0;
      }
    } else if (this.offset < chunk.ids.length - 1) this.offset += 1;
    else {
      this.chunk += 1;
      this.offset = 0;
    }
    return id;
  }
}

function previous(chunks: Chunk[], position: Position): Position {
  if (position.offset > 0) return { chunk: position.chunk, offset: position.offset - 1 };
  const chunk = position.chunk - 1;
  return { chunk, offset: chunk >= 0 ? chunks[chunk]!.ids.length - 1 : 0 };
}
