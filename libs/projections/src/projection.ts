import type { TokenUsage } from '@ledger/domain';
import type { IndexSpec, ReadCollection, Document } from '@ledger/read-store';
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
