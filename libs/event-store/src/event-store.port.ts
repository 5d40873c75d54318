/**
 * The EventStore port. Its semantics are EventStoreDB's, so code above it cannot tell the
 * adapters apart: revisions start at 0, expected revision any / no_stream / stream_exists /
 * exact, a retried append stored once (see EventToAppend.id for exactly when), a global position
 * that only grows, and a catch-up subscription that replays from a position and then goes live
 * with no gap and no duplicate.
 */

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/**
 * A place in the store's global order. EventStoreDB orders `$all` by (commit, prepare); the
 * SQLite store uses its row sequence for both. Compare with `comparePositions`.
 */
export interface Position {
  readonly commit: number;
  readonly prepare: number;
}

export const START_POSITION: Position = Object.freeze({ commit: -1, prepare: -1 });

export type ExpectedRevision = 'any' | 'no_stream' | 'stream_exists' | number;

export interface EventMetadata {
  organizationId: string;
  actor: { type: string; id: string; name?: string | null };
  correlationId: string;
  causationId: string;
  schemaVersion: number;
  redactions: string[];
  /** When it happened at the source (ISO-8601); the store's own time is `recordedAt`. */
  occurredAt: string;
  /** The id the client gave the event, when it is not itself the stored UUID. */
  clientEventId?: string;
}

export interface EventToAppend {
  /**
   * A lowercase UUID (EventStoreDB hands ids back in lowercase, so any other spelling would not
   * read back as given; both adapters refuse it).
   *
   * Idempotency, as both adapters keep it: the same batch appended again at the expected revision
   * it was first appended at (`no_stream`, or that exact revision) is accepted, stored once, and
   * answers the original result, even after a restart and later appends. A batch whose ids are
   * stored but not as that batch at that revision is a WrongExpectedRevisionError.
   *
   * With `any` or `stream_exists` a retry may be stored a second time: EventStoreDB recognises it
   * only from a cache of recent ids that a restart empties. Do not rely on it. Exactly-once for a
   * client's retries is the command handler's job: it reads the session, drops the events whose
   * ids are stored, and appends the rest at the exact revision it read.
   */
  id: string;
  type: string;
  data: JsonObject;
  metadata: EventMetadata;
}

export interface RecordedEvent {
  streamId: string;
  revision: number;
  position: Position;
  id: string;
  type: string;
  data: JsonObject;
  metadata: EventMetadata;
  recordedAt: Date;
}

export interface AppendResult {
  /** Revision of the last event of the batch (the stream's revision after the append). */
  nextRevision: number;
  /** Position of the last event of the batch. */
  position: Position;
}

export interface ReadAllFilter {
  /** Only events whose stream id starts with one of these prefixes. */
  streamPrefixes?: string[];
}

export interface ReadAllOptions extends ReadAllFilter {
  /** Exclusive: events strictly after this position. Default: from the start. */
  after?: Position;
  limit?: number;
}

export interface ReadStreamOptions {
  /** Inclusive revision to start from. Default 0. */
  fromRevision?: number;
  limit?: number;
}

export interface SubscribeToAllOptions extends ReadAllFilter {
  /** Exclusive: deliver events strictly after this position. Default: from the start. */
  after?: Position;
}

/**
 * A catch-up subscription. Events arrive one at a time, in global order; the next is not
 * delivered until the handler's promise settles, so a handler that awaits its write keeps
 * order and checkpoints exact.
 */
export interface Subscription {
  /** Resolves when the subscription stops: after `stop()`, or rejects on an error. */
  readonly done: Promise<void>;
  /** Becomes true when the replay has reached the end of the store and the subscription is live. */
  readonly isLive: boolean;
  stop(): Promise<void>;
}

export type EventHandler = (event: RecordedEvent) => Promise<void> | void;

export interface EventStore {
  append(streamId: string, events: EventToAppend[], expectedRevision: ExpectedRevision): Promise<AppendResult>;
  /** Events of one stream in revision order; an empty list for a stream that does not exist. */
  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  /** Events of every stream in global order. */
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;
  /** Revision of the stream's last event, or -1 when the stream does not exist. */
  streamRevision(streamId: string): Promise<number>;
  /**
   * Position of the last event in the store, or START_POSITION when it is empty. With a filter,
   * the last event in those streams: the head a subscription with that filter can reach.
   */
  headPosition(filter?: ReadAllFilter): Promise<Position>;
  subscribeToAll(handler: EventHandler, options?: SubscribeToAllOptions): Subscription;
  close(): Promise<void>;
}

export const EVENT_STORE = Symbol('EVENT_STORE');

export function comparePositions(a: Position, b: Position): number {
  if (a.commit !== b.commit) return a.commit < b.commit ? -1 : 1;
  if (a.prepare !== b.prepare) return a.prepare < b.prepare ? -1 : 1;
  return 0;
}

/** The contract's opaque position string. */
export function formatPosition(position: Position): string {
  return position.commit === position.prepare ? String(position.commit) : `${position.commit}/${position.prepare}`;
}

export function parsePosition(text: string): Position {
  const [commit, prepare = commit] = text.split('/');
  const position = { commit: Number(commit), prepare: Number(prepare) };
  if (!Number.isSafeInteger(position.commit) || !Number.isSafeInteger(position.prepare)) {
    throw new Error(`not a position: ${text}`);
  }
  return position;
}
