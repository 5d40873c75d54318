import type { ChangeStream, ChangeStreamDocument, ChangeStreamOptions, Document, ResumeToken } from 'mongodb';
import { START_POSITION } from '@ledger/event-store';
import type { ChangeFeed } from './change-feed';
import type { ReadModelChange } from './projection';

/** Physical read-model collections ("sessions_v3") and the logical name they serve. */
const READ_MODEL = /^(sessions|runs|tool_calls|usage_buckets|managed_agents|pins)_v\d+$/;
const REOPEN_DELAY_MS = 1000;
/** The server no longer holds the resume point in its oplog: resuming from it can never succeed. */
const CHANGE_STREAM_HISTORY_LOST = 286;

type Listener = (change: ReadModelChange) => void;

/** Where the feed opens its change stream: the MongoDB read store's `watch`. */
export interface ChangeStreamSource {
  watch(pipeline: Document[], options: ChangeStreamOptions): ChangeStream;
}

export interface MongoChangeFeedOptions {
  onError?: (error: unknown) => void;
  reopenDelayMs?: number;
}

/**
 * The change feed for production: a MongoDB change stream on the read models, so every api
 * replica hears of every write whichever replica or projector made it. A write is published by
 * being committed, so `publish` does nothing here.
 *
 * One stream at a time, reopened after an error, an invalidate or an end, from the stream's own
 * resume token (the driver advances it while the stream is idle, so it does not age out of the
 * oplog as the last change's token would). When no place to resume from is left (history lost,
 * or the first open failed before the server gave a token), changes may have been missed: the
 * listeners are told to resync, and the stream starts again from now.
 */
export class MongoChangeFeed implements ChangeFeed {
  private readonly listeners = new Map<Listener, (() => void) | undefined>();
  private stream: ChangeStream | null = null;
  private resumeToken: ResumeToken | null = null;
  /** The token is an invalidate event's: only `startAfter` accepts it. */
  private tokenIsInvalidate = false;
  /** Set once a stream was opened for the current listeners; a later open without a token leaves a gap. */
  private opened = false;
  private reopenTimer: NodeJS.Timeout | null = null;
  private closed = false;
  private readonly onError: (error: unknown) => void;
  private readonly reopenDelayMs: number;

  constructor(
    private readonly source: ChangeStreamSource,
    options: MongoChangeFeedOptions = {},
  ) {
    this.onError = options.onError ?? (() => undefined);
    this.reopenDelayMs = options.reopenDelayMs ?? REOPEN_DELAY_MS;
  }

  publish(): void {
    // The committed write reaches every listener through the change stream.
  }

  /** Time-driven changes are noticed by each replica's own scheduler, so they stay local. */
  announce(change: ReadModelChange): void {
    for (const listener of this.listeners.keys()) listener(change);
  }

  subscribe(listener: Listener, onResync?: () => void): () => void {
    this.listeners.set(listener, onResync);
    // A reopen already pending will serve this listener too: a second stream would deliver twice.
    if (!this.stream && !this.reopenTimer && !this.closed) this.open();
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.release();
    };
  }

  /** At shutdown: the stream is closed and never reopened. */
  async close(): Promise<void> {
    this.closed = true;
    await this.release();
  }

  /** Nobody listens: stop the stream and forget its place (a new listener reads the current state). */
  private async release(): Promise<void> {
    if (this.reopenTimer) clearTimeout(this.reopenTimer);
    this.reopenTimer = null;
    this.resumeToken = null;
    this.tokenIsInvalidate = false;
    this.opened = false;
    const stream = this.stream;
    this.stream = null;
    await stream?.close().catch(() => undefined);
  }

  private open(): void {
    const pipeline = [{ $match: { operationType: { $in: ['insert', 'update', 'replace', 'invalidate'] }, 'ns.coll': { $regex: READ_MODEL.source } } }];
    const token = this.resumeToken;
    const gap = this.opened && token === null;
    let stream: ChangeStream;
    try {
      stream = this.source.watch(pipeline, {
        fullDocument: 'updateLookup',
        ...(token === null ? {} : this.tokenIsInvalidate ? { startAfter: token } : { resumeAfter: token }),
      });
    } catch (error) {
      this.onError(error);
      this.scheduleReopen();
      return;
    }
    this.stream = stream;
    this.opened = true;
    stream.on('change', (change: ChangeStreamDocument) => this.deliver(stream, change));
    stream.on('resumeTokenChanged', () => this.remember(stream));
    stream.on('error', (error: unknown) => this.failed(stream, error));
    stream.on('close', () => this.ended(stream));
    stream.on('end', () => this.ended(stream));
    if (gap) this.resync();
  }

  private remember(stream: ChangeStream): void {
    if (stream !== this.stream) return;
    const token = stream.resumeToken;
    if (token !== undefined && token !== null) {
      this.resumeToken = token;
      this.tokenIsInvalidate = false;
    }
  }

  private failed(stream: ChangeStream, error: unknown): void {
    if (stream !== this.stream) return;
    this.onError(error);
    if (codeOf(error) === CHANGE_STREAM_HISTORY_LOST) {
      // Resuming from this token can never succeed: start from now. The reopen, seeing no token,
      // tells listeners to re-read once the new stream is in place, so nothing falls between.
      this.resumeToken = null;
      this.tokenIsInvalidate = false;
      this.detach(stream);
      return;
    }
    this.remember(stream);
    this.detach(stream);
  }

  /** The stream closed or ended without an error of ours: an invalidate, or the server ended it. */
  private ended(stream: ChangeStream): void {
    if (stream !== this.stream) return;
    if (!this.tokenIsInvalidate) this.remember(stream);
    this.detach(stream);
  }

  private detach(stream: ChangeStream): void {
    this.stream = null;
    void stream.close().catch(() => undefined);
    this.scheduleReopen();
  }

  private scheduleReopen(): void {
    if (this.closed || this.listeners.size === 0 || this.reopenTimer) return;
    this.reopenTimer = setTimeout(() => {
      this.reopenTimer = null;
      if (!this.stream && !this.closed && this.listeners.size > 0) this.open();
    }, this.reopenDelayMs);
  }

  private resync(): void {
    for (const onResync of [...this.listeners.values()]) onResync?.();
  }

  private deliver(stream: ChangeStream, change: ChangeStreamDocument): void {
    if (stream !== this.stream) return;
    if (change.operationType === 'invalidate') {
      // The stream is over; only startAfter may continue from an invalidate event's token.
      this.resumeToken = change._id;
      this.tokenIsInvalidate = true;
      this.detach(stream);
      return;
    }
    this.resumeToken = change._id;
    this.tokenIsInvalidate = false;
    if (change.operationType !== 'insert' && change.operationType !== 'update' && change.operationType !== 'replace') return;
    const logical = READ_MODEL.exec(change.ns.coll)?.[1];
    const organizationId = change.fullDocument?.organizationId;
    if (!logical || typeof organizationId !== 'string') return;
    const document = change.fullDocument as { _id: unknown; sessionId?: unknown };
    // Pins are announced by session, as the in-process feed does.
    const id = logical === 'pins' && typeof document.sessionId === 'string' ? document.sessionId : String(change.documentKey._id);
    const event: ReadModelChange = { projection: 'change-stream', collection: logical, organizationId, id, position: START_POSITION };
    for (const listener of [...this.listeners.keys()]) listener(event);
  }
}

function codeOf(error: unknown): unknown {
  return error !== null && typeof error === 'object' && 'code' in error ? (error as { code: unknown }).code : undefined;
}
