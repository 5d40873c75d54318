import type { TokenUsage } from '@ledger/domain';
import type { IndexSpec, ReadCollection, Document, WriteOperation } from '@ledger/read-store';
import type { Position, RecordedEvent } from '@ledger/event-store';

/** `$inc` of every usage field, under `usage.` */
export function usageIncrement(usage: TokenUsage): Record<string, number> {
  return Object.fromEntries(Object.entries(usage).map(([key, value]) => [`usage.${key}`, value]));
}

/** A sortable text form of a position: comparing two keys compares the positions. */
export function positionKey(position: Position): string {
  return `${String(position.commit).padStart(20, '0')}:${String(position.prepare).padStart(20, '0')}`;
}

/** What a projection published after a durable write: enough for a subscriber to re-read. */
export interface ReadModelChange {
  projection: string;
  collection: string;
  organizationId: string;
  id: string;
  position: Position;
}

export interface ProjectionContext {
  /** The projection's collection under its logical name; the runner maps it to the versioned one. */
  collection<T extends Document = Document>(name: string): ReadCollection<T>;
  /** Announce a change; delivered to the change feed once the write is durable. */
  changed(collection: string, organizationId: string, id: string): void;
}

export interface CollectionSpec {
  name: string;
  indexes: IndexSpec[];
}

/**
 * A read model's projection: `{ name, version, handles, apply }`. It writes in MongoDB's update
 * language and guards each document with the revision or position it last applied, so applying
 * an event twice changes nothing.
 */
export interface Projection {
  readonly name: string;
  readonly version: number;
  readonly collections: CollectionSpec[];
  handles(event: RecordedEvent): boolean;
  apply(event: RecordedEvent, context: ProjectionContext): Promise<void>;
  /**
   * Applies consecutive events (all handled, in global order) as one: the result must equal
   * applying them one by one. Lets a projection fold a run of one document's events into one write.
   */
  applyBatch?(events: RecordedEvent[], context: ProjectionContext): Promise<void>;
}

/**
 * Adds `amounts` into `target` as MongoDB's `$inc` of each path does: paths in name order, a
 * missing field created with the amount (so new fields land in the order `$inc` would add them),
 * a present one summed. Folding a batch with this gives the numbers, and the field order, that
 * the same `$inc`s applied one by one give.
 */
export function incrementInto(target: Record<string, unknown>, amounts: Record<string, unknown>): void {
  for (const key of inNameOrder(Object.keys(amounts))) {
    const amount = amounts[key];
    if (typeof amount !== 'number') throw new TypeError(`$inc needs a number for '${key}', got ${amount === null ? 'null' : typeof amount}`);
    const previous = target[key];
    if (previous !== undefined && typeof previous !== 'number') throw new TypeError(`cannot apply $inc to '${key}', a value of type ${typeof previous}`);
    target[key] = previous === undefined ? amount : previous + amount;
  }
}

/**
 * The keys sorted, remembering the last order sorted: the amounts of one fold (a TokenUsage)
 * come with the same keys in the same order every time, and comparing them with the last ones
 * costs less than sorting them again.
 */
let lastKeys: string[] = [];
let lastSorted: string[] = [];

function inNameOrder(keys: string[]): string[] {
  if (isAscending(keys)) return keys;
  if (sameKeys(keys, lastKeys)) return lastSorted;
  lastKeys = keys;
  lastSorted = [...keys].sort();
  return lastSorted;
}

function sameKeys(a: string[], b: string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function isAscending(keys: string[]): boolean {
  for (let i = 1; i < keys.length; i++) if (keys[i - 1]! > keys[i]!) return false;
  return true;
}

/**
 * One document as a batch fold sees it: read once, changed in memory event by event, written once.
 * `fields` names what changed on a stored document (null: new, every field is written).
 */
export interface FoldedDocument<T extends Document> {
  doc: T;
  /** Null for a document the batch creates. */
  fields: Set<string> | null;
}

/** The stored documents among `ids`, by id, in one read, ready to fold (nothing changed yet). */
export async function readFolded<T extends Document>(collection: ReadCollection<T>, ids: Iterable<string>): Promise<Map<string, FoldedDocument<T>>> {
  const wanted = ids instanceof Set ? [...(ids as Set<string>)] : [...new Set(ids)];
  const found = new Map<string, FoldedDocument<T>>();
  if (wanted.length === 0) return found;
  for (const doc of await collection.find({ _id: { $in: wanted } })) found.set(doc._id, { doc, fields: new Set() });
  return found;
}

/** Marks fields of a folded document as changed (a no-op for a new one, which is written whole). */
export function touch<T extends Document>(folded: FoldedDocument<T>, ...fields: string[]): void {
  if (folded.fields) for (const field of fields) folded.fields.add(field);
}

/**
 * The writes of a fold: one guarded update per changed document. A stored document gets `$set`
 * of the fields that changed (they keep their place); a new one is upserted with `$set` of all
 * its fields, which MongoDB (and the memory store) lays out in field-name order, as the one-by-one
 * upserts do. `guard` is the document's own replay guard at its folded value (e.g.
 * `{ lastRevision: { $lt: 7 } }`), so a concurrent or replayed write cannot go backwards.
 */
export async function writeFolded<T extends Document>(
  collection: ReadCollection<T>,
  folded: Iterable<FoldedDocument<T>>,
  guard: (doc: T) => Record<string, unknown>,
): Promise<void> {
  const operations: WriteOperation[] = [];
  for (const { doc, fields } of folded) {
    if (fields !== null && fields.size === 0) continue;
    const set: Record<string, unknown> = {};
    if (fields === null) {
      for (const key of Object.keys(doc)) if (key !== '_id') set[key] = doc[key];
    } else {
      for (const key of fields) set[key] = doc[key];
    }
    operations.push({ updateOne: { filter: { _id: doc._id, ...guard(doc) }, update: { $set: set }, upsert: fields === null } });
  }
  if (operations.length > 0) await collection.bulkWrite(operations);
}
