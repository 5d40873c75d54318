import type { ChangeStream, ChangeStreamDocument, Db } from 'mongodb';
import { START_POSITION } from '@ledger/event-store';
import type { ChangeFeed } from './change-feed';
import type { ReadModelChange } from './projection';

/** Physical read-model collections ("sessions_v3") and the logical name they serve. */
const READ_MODEL = /^(sessions|runs|tool_calls|usage_buckets|managed_agents|pins)_v\d+$/;
const REOPEN_DELAY_MS = 1000;

type Listener = (change: ReadModelChange) => void;

/**
 * The change feed for production: a MongoDB change stream on the read models, so every api
 * replica hears of every write whichever replica or projector made it. A write is published by
 * being committed, so `publish` does nothing here. The stream resumes after an error from the
 * last change it delivered (its resume token), so no change is skipped.
 */
export class MongoChangeFeed implements ChangeFeed {
  private readonly listeners = new Set<Listener>();
  private stream: ChangeStream | null = null;
  private resumeToken: unknown = null;
  private reopenTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly db: Db,
    private readonly onError: (error: unknown) => void = () => undefined,
  ) {}

  publish(): void {
    // The committed write reaches every listener through the change stream.
  }

  /** Time-driven changes are noticed by each replica's own scheduler, so they stay local. */
  announce(change: ReadModelChange): void {
    for (const listener of this.listeners) listener(change);
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    if (!this.stream) this.open();
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) void this.close();
    };
  }

  async close(): Promise<void> {
    if (this.reopenTimer) clearTimeout(this.reopenTimer);
    this.reopenTimer = null;
    const stream = this.stream;
    this.stream = null;
    await stream?.close();
  }

  private open(): void {
    const pipeline = [{ $match: { operationType: { $in: ['insert', 'update', 'replace'] }, 'ns.coll': { $regex: READ_MODEL.source } } }];
    const stream = this.db.watch(pipeline, {
      fullDocument: 'updateLookup',
      ...(this.resumeToken ? { resumeAfter: this.resumeToken } : {}),
    });
    this.stream = stream;
    stream.on('change', (change: ChangeStreamDocument) => this.deliver(change));
    stream.on('error', (error: unknown) => {
      this.onError(error);
      if (this.stream !== stream) return;
      this.stream = null;
      void stream.close();
      if (this.listeners.size > 0) this.reopenTimer = setTimeout(() => this.open(), REOPEN_DELAY_MS);
    });
  }

  private deliver(change: ChangeStreamDocument): void {
    this.resumeToken = change._id;
    if (change.operationType !== 'insert' && change.operationType !== 'update' && change.operationType !== 'replace') return;
    const logical = READ_MODEL.exec(change.ns.coll)?.[1];
    const organizationId = change.fullDocument?.organizationId;
    if (!logical || typeof organizationId !== 'string') return;
    const document = change.fullDocument as { _id: unknown; sessionId?: unknown };
    // Pins are announced by session, as the in-process feed does.
    const id = logical === 'pins' && typeof document.sessionId === 'string' ? document.sessionId : String(change.documentKey._id);
    const event: ReadModelChange = { projection: 'change-stream', collection: logical, organizationId, id, position: START_POSITION };
    for (const listener of this.listeners) listener(event);
  }
}
