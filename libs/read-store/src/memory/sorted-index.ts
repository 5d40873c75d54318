/**
 * A sorted list of index entries kept as bounded chunks (the shape of a B-tree's leaf level):
 * a write costs a binary search plus a splice inside one chunk, instead of moving every entry of
 * a flat sorted array. Entries are encoded key strings (see key-encoding.ts), unique because
 * they end with the document's _id, with the ids alongside so a walk needs no decoding.
 *
 * Chunks stay small because the splice is the other half of a write's cost: moving pointers in
 * a long-lived array to freshly allocated strings goes through the garbage collector's write
 * barrier one element at a time.
 */

const CHUNK_MAX = 128;

interface Chunk {
  keys: string[];
  ids: string[];
}

export interface Position {
  chunk: number;
  offset: number;
}

export class SortedIndex {
  private chunks: Chunk[] = [];
  /** Each chunk's last key, in one array: the first level of every search touches only these. */
  private lasts: string[] = [];
  private count = 0;
  /**
   * How many entries precede each chunk, built by the first rank after a write and dropped by
   * the next write: between writes a range's size costs two lookups, not a pass over the chunks.
   */
  private starts: Int32Array | null = null;

  get size(): number {
    return this.count;
  }

  /** Replaces the content, for index builds and snapshot loads. */
  load(entries: { key: string; id: string }[]): void {
    entries.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    this.loadSorted(
      entries.map((e) => e.key),
      entries.map((e) => e.id),
    );
  }

  /** Replaces the content with entries already in key order (`keys` strictly ascending). */
  loadSorted(keys: string[], ids: string[]): void {
    const half = CHUNK_MAX / 2;
    this.chunks = [];
    for (let i = 0; i < keys.length; i += half) this.chunks.push({ keys: keys.slice(i, i + half), ids: ids.slice(i, i + half) });
    this.lasts = this.chunks.map((chunk) => chunk.keys[chunk.keys.length - 1]!);
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
      this.chunks.push({ keys: [key], ids: [id] });
      this.lasts.push(key);
      this.count = 1;
      this.starts = null;
      return;
    }
    let { chunk: c, offset } = this.seek(key);
    if (c === this.chunks.length) {
      c -= 1;
      offset = this.chunks[c]!.keys.length;
    }
    const chunk = this.chunks[c]!;
    chunk.keys.splice(offset, 0, key);
    chunk.ids.splice(offset, 0, id);
    this.count += 1;
    this.starts = null;
    if (offset === chunk.keys.length - 1) this.lasts[c] = key;
    if (chunk.keys.length > CHUNK_MAX) {
      const half = CHUNK_MAX / 2;
      const upper = { keys: chunk.keys.splice(half), ids: chunk.ids.splice(half) };
      this.chunks.splice(c + 1, 0, upper);
      this.lasts.splice(c, 1, chunk.keys[half - 1]!, upper.keys[upper.keys.length - 1]!);
    }
  }

  /** Removes the entry with exactly this key; false when there is none. */
  delete(key: string): boolean {
    const { chunk: c, offset } = this.seek(key);
    const chunk = this.chunks[c];
    if (chunk === undefined || chunk.keys[offset] !== key) return false;
    chunk.keys.splice(offset, 1);
    chunk.ids.splice(offset, 1);
    this.count -= 1;
    this.starts = null;
    if (chunk.keys.length === 0) {
      this.chunks.splice(c, 1);
      this.lasts.splice(c, 1);
    } else if (offset === chunk.keys.length) this.lasts[c] = chunk.keys[offset - 1]!;
    return true;
  }

  /** The first position whose key is >= `bound`; the end position when there is none. */
  seek(bound: string): Position {
    const lasts = this.lasts;
    let lo = 0;
    let hi = lasts.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (lasts[mid]! >= bound) hi = mid;
      else lo = mid + 1;
    }
    if (lo === lasts.length) return { chunk: lo, offset: 0 };
    const keys = this.chunks[lo]!.keys;
    let a = 0;
    let b = keys.length - 1;
    while (a < b) {
      const mid = (a + b) >>> 1;
      if (keys[mid]! >= bound) b = mid;
      else a = mid + 1;
    }
    return { chunk: lo, offset: a };
  }

  /** How many entries precede a position: the planner's exact range sizes. */
  rank(position: Position): number {
    if (position.chunk >= this.chunks.length) return this.count;
    let starts = this.starts;
    if (starts === null) {
      starts = new Int32Array(this.chunks.length);
      for (let i = 1; i < starts.length; i++) starts[i] = starts[i - 1]! + this.chunks[i - 1]!.keys.length;
      this.starts = starts;
    }
    return starts[position.chunk]! + position.offset;
  }

  keyAt(position: Position): string | undefined {
    return this.chunks[position.chunk]?.keys[position.offset];
  }

  idAt(position: Position): string | undefined {
    return this.chunks[position.chunk]?.ids[position.offset];
  }

  /** Entries in [from, to), walked forward or backward. */
  cursor(from: Position, to: Position, backward: boolean): IndexCursor {
    return new IndexCursor(this.chunks, from, to, backward, Math.max(0, this.rank(to) - this.rank(from)));
  }

  end(): Position {
    return { chunk: this.chunks.length, offset: 0 };
  }

  *entries(): IterableIterator<{ key: string; id: string }> {
    for (const chunk of this.chunks) for (let i = 0; i < chunk.keys.length; i++) yield { key: chunk.keys[i]!, id: chunk.ids[i]! };
  }
}

/** Walks a range; the index must not change while a cursor is open. */
export class IndexCursor {
  private chunk: number;
  private offset: number;
  private remaining: number;
  /** The key of the entry last returned by next(). */
  key = '';

  constructor(
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

  /** The next entry's id, or undefined at the end of the range. */
  next(): string | undefined {
    if (this.remaining === 0) return undefined;
    this.remaining -= 1;
    const chunk = this.chunks[this.chunk]!;
    const id = chunk.ids[this.offset]!;
    this.key = chunk.keys[this.offset]!;
    if (this.backward) {
      if (this.offset > 0) this.offset -= 1;
      else {
        this.chunk -= 1;
        this.offset = this.chunk >= 0 ? this.chunks[this.chunk]!.keys.length - 1 : 0;
      }
    } else if (this.offset < chunk.keys.length - 1) this.offset += 1;
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
  return { chunk, offset: chunk >= 0 ? chunks[chunk]!.keys.length - 1 : 0 };
}
