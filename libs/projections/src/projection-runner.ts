import type { CodedError } from '@ledger/domain';
import { comparePositions, EventStore, Position, RecordedEvent, START_POSITION, Subscription } from '@ledger/event-store';
import type { Document, ReadStore, IndexSpec } from '@ledger/read-store';
import type { ChangeFeed } from './change-feed';
import { Projection, ProjectionContext, ReadModelChange, positionKey } from './projection';

export const CHECKPOINTS = 'projection_checkpoints';
/** Every projection follows these streams, so that each one's position passes every event. */
export const PROJECTED_STREAMS = ['session-', 'pins-'];
/** Events applied together at most; a larger page is applied in several batches. */
const MAX_BATCH = 1000;

export type ProjectionState = 'LIVE' | 'CATCHING_UP' | 'REBUILDING' | 'FAILED';

export interface CheckpointDocument extends Document {
  position: Position;
  key: string;
  processedEvents: number;
  updatedAt: string;
}

export interface ProjectionRunnerOptions {
  /** The physical collection for a logical one, e.g. "sessions" -> "sessions_v1". */
  collectionName(logical: string): string;
  /** Id of this runner's checkpoint document. */
  checkpointId: string;
  /** How many applied events at most between checkpoint writes while catching up. */
  checkpointEvery?: number;
  /** Delay before resubscribing after an error. */
  retryDelayMs?: number;
  clock?: () => number;
  onError?(error: unknown): void;
  /** Apply nothing past this position (a verification's scratch build stops where the live one stood). */
  stopAt?: Position;
  /** The state to report while catching up: REBUILDING for a blue/green build. */
  initialState?: ProjectionState;
  /** False once this process may no longer write (its lease lapsed): the batch is refused. */
  fence?(): boolean;
}

/** A batch refused because the process no longer holds the projector's lease. */
export class LeaseLostError extends Error implements CodedError {
  readonly code = 'UNAVAILABLE' as const;

  constructor() {
    super('this projector no longer holds the lease; another one is taking over');
    this.name = 'LeaseLostError';
  }
}

type SubscribeToAll = EventStore['subscribeToAll'];

interface Waiter {
  position: Position;
  resolve(reached: boolean): void;
  timer: NodeJS.Timeout;
}

/**
 * Runs one projection: follows the event store from the stored checkpoint, applies events one at
 * a time in order, and moves the checkpoint only after the writes it covers are done. Changes are
 * published after the write, so a subscriber never hears of something a query cannot read yet.
 * After an error it resubscribes from its checkpoint; the per-document guards make the replayed
 * events harmless.
 */
export class ProjectionRunner {
  private subscription: Subscription | null = null;
  private stopped = false;
  private waiters: Waiter[] = [];
  private batch: RecordedEvent[] = [];
  private flushChain: Promise<void> = Promise.resolve();
  private flushScheduled = false;
  private subscriptionLive = false;
  private failure: unknown = null;
  private activeContext: ProjectionContext | null = null;
  private sinceCheckpoint = 0;
  private pendingChanges: ReadModelChange[] = [];
  private retryTimer: NodeJS.Timeout | null = null;

  private phase: ProjectionState = 'CATCHING_UP';

  /** LIVE once the subscription has replayed everything, even when no new event has come since. */
  get state(): ProjectionState {
    return this.phase === 'CATCHING_UP' && this.isLive ? 'LIVE' : this.phase;
  }

  set state(value: ProjectionState) {
    this.phase = value;
  }
  position: Position = START_POSITION;
  processedEvents = 0;
  lastEventRecordedAt: number | null = null;
  lastError: string | null = null;
  private rate = { since: 0, events: 0, perSecond: 0 };

  constructor(
    private readonly store: EventStore,
    private readonly readStore: ReadStore,
    readonly projection: Projection,
    private feed: ChangeFeed | null,
    private readonly options: ProjectionRunnerOptions,
  ) {
    this.state = options.initialState ?? 'CATCHING_UP';
  }

  private sharedSource: SubscribeToAll | null = null;

  /** The first subscription comes from a shared read of the store; a resubscription after an error reads on its own. */
  useSharedSource(subscribe: SubscribeToAll): void {
    this.sharedSource = subscribe;
  }

  /** Where the first event applied came from, for rebuild progress. */
  startedFrom: Position | null = null;

  /** Starts (or stops, with null) publishing changes: a rebuilt version publishes once it is swapped in. */
  publishTo(feed: ChangeFeed | null): void {
    this.feed = feed;
  }

  /** Becomes the live version: reports LIVE from now on and takes over the read-your-writes waiters of the old one. */
  promote(from: ProjectionRunner | null): void {
    this.state = 'LIVE';
    if (!from) return;
    this.waiters.push(...from.waiters);
    from.waiters = [];
    this.releaseWaiters();
  }

  private get clock(): () => number {
    return this.options.clock ?? Date.now;
  }

  async start(): Promise<void> {
    this.stopped = false;
    const checkpoint = await this.readStore.collection<CheckpointDocument>(CHECKPOINTS).findOne({ _id: this.options.checkpointId });
    if (checkpoint) {
      this.position = checkpoint.position;
      this.processedEvents = checkpoint.processedEvents;
    }
    // A build from nothing rewrites every document many times before anyone relies on its order:
    // secondary indexes (the projections' own reads go by _id) are built once, one sort each,
    // when the replay reaches the head seen at start. Unique indexes stay up front.
    const head = await this.store.headPosition();
    this.indexesDeferredUntil = checkpoint === null && comparePositions(head, this.position) > 0 ? head : null;
    await this.ensureCollections(this.indexesDeferredUntil ? (index) => index.unique === true : () => true);
    this.subscribe();
  }

  /** The head at start when this build started from nothing: secondary indexes wait for it. */
  private indexesDeferredUntil: Position | null = null;

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    const subscription = this.subscription;
    this.subscription = null;
    if (subscription) await subscription.stop();
    if (this.activeContext && !this.failure) await this.flush(this.activeContext).catch(() => undefined);
    await this.flushChain;
    await this.writeCheckpoint();
    for (const waiter of this.waiters) {
      clearTimeout(waiter.timer);
      waiter.resolve(false);
    }
    this.waiters = [];
  }

  /** Resolves true once every event up to `position` is applied, false after the timeout. */
  waitFor(position: Position, timeoutMs: number): Promise<boolean> {
    if (comparePositions(this.position, position) >= 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const waiter: Waiter = {
        position,
        resolve,
        timer: setTimeout(() => {
          this.waiters = this.waiters.filter((w) => w !== waiter);
          resolve(false);
        }, timeoutMs),
      };
      this.waiters.push(waiter);
    });
  }

  /**
   * Stores the checkpoint of what is applied, if it moved: the last events of a catch-up are
   * applied before the subscription says it is live, so nothing else would store them until the
   * next event. Runs after the batch under way, never beside it.
   */
  checkpoint(): Promise<void> {
    const run = this.flushChain.then(() => this.writeCheckpoint());
    this.flushChain = run.catch(() => undefined);
    return run;
  }

  get isLive(): boolean {
    return this.subscription?.isLive ?? false;
  }

  get eventsPerSecond(): number {
    return this.rate.perSecond;
  }

  private context(): ProjectionContext {
    return {
      collection: (name) => this.readStore.collection(this.options.collectionName(name)),
      changed: (collection, organizationId, id) => {
        this.pendingChanges.push({ projection: this.projection.name, collection, organizationId, id, position: START_POSITION });
      },
    };
  }

  private async ensureCollections(which: (index: IndexSpec) => boolean = () => true): Promise<void> {
    for (const spec of this.projection.collections) {
      await this.readStore.collection(this.options.collectionName(spec.name)).createIndexes(spec.indexes.filter(which));
    }
  }

  private subscribe(): void {
    const context = this.context();
    this.activeContext = context;
    this.batch = [];
    this.failure = null;
    if (this.state !== 'REBUILDING' && this.state !== 'LIVE') this.state = 'CATCHING_UP';
    const subscribe = this.sharedSource ?? this.store.subscribeToAll.bind(this.store);
    this.sharedSource = null;
    const subscription: Subscription = subscribe((event) => this.handle(event, context, subscription), {
      after: this.position,
      streamPrefixes: PROJECTED_STREAMS,
    });
    this.subscription = subscription;
    subscription.done.then(
      () => undefined,
      (error: unknown) => this.recover(error),
    );
  }

  /**
   * Events are buffered and applied in batches: everything the subscription delivers in one go
   * (a page while catching up, an append's events while live) is applied together, so a
   * projection can fold a run of one session's events into one write. The position, checkpoint
   * and waiters move only after the batch is applied.
   */
  private handle(event: RecordedEvent, context: ProjectionContext, subscription: Subscription): Promise<void> | void {
    if (this.failure) throw this.failure;
    if (comparePositions(event.position, this.position) <= 0) return;
    if (this.options.stopAt && comparePositions(event.position, this.options.stopAt) > 0) return;
    this.startedFrom ??= event.position;
    this.batch.push(event);
    this.subscriptionLive = subscription.isLive;
    // Synchronous unless the batch is full: a replay hands each event to five runners, and an
    // await per event and runner was a tenth of the rebuild.
    if (this.batch.length >= MAX_BATCH) return this.flush(context);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => {
        this.flushScheduled = false;
        this.flush(context).catch((error: unknown) => this.fail(error));
      });
    }
  }

  /** Flushes run one after another, in order. */
  private flush(context: ProjectionContext): Promise<void> {
    const run = this.flushChain.then(() => this.applyBatch(context));
    this.flushChain = run.catch(() => undefined);
    return run;
  }

  private async applyBatch(context: ProjectionContext): Promise<void> {
    const events = this.batch;
    this.batch = [];
    if (events.length === 0) return;
    if (this.options.fence && !this.options.fence()) throw new LeaseLostError();
    const handled = events.filter((event) => this.projection.handles(event));
    if (handled.length > 0) {
      if (this.projection.applyBatch) await this.projection.applyBatch(handled, context);
      else for (const event of handled) await this.projection.apply(event, context);
    }
    const last = events[events.length - 1]!;
    this.position = last.position;
    this.processedEvents += events.length;
    this.lastEventRecordedAt = last.recordedAt.getTime();
    this.countRate(events.length);
    this.sinceCheckpoint += events.length;
    const live = this.subscriptionLive;
    if (this.indexesDeferredUntil && (live || comparePositions(this.position, this.indexesDeferredUntil) >= 0)) {
      this.indexesDeferredUntil = null;
      await this.ensureCollections();
    }
    if (live && (this.state === 'CATCHING_UP' || this.state === 'FAILED')) this.state = 'LIVE';
    if (live || this.sinceCheckpoint >= (this.options.checkpointEvery ?? 1000)) await this.writeCheckpoint();
    this.flushChanges();
    this.releaseWaiters();
  }

  /** A failed batch stops the subscription; recovery resubscribes from the last applied position. */
  private fail(error: unknown): void {
    this.failure = error;
    void this.subscription?.stop();
    this.recover(error);
  }

  private countRate(events: number): void {
    const now = this.clock();
    if (this.rate.since === 0) this.rate.since = now;
    this.rate.events += events;
    const elapsed = now - this.rate.since;
    if (elapsed >= 1000) {
      this.rate.perSecond = (this.rate.events * 1000) / elapsed;
      this.rate = { since: now, events: 0, perSecond: this.rate.perSecond };
    }
  }

  private async writeCheckpoint(): Promise<void> {
    if (this.sinceCheckpoint === 0) return;
    const key = positionKey(this.position);
    await this.readStore.collection<CheckpointDocument>(CHECKPOINTS).updateOne(
      { _id: this.options.checkpointId, key: { $lt: key } },
      { $set: { position: this.position, key, processedEvents: this.processedEvents, updatedAt: new Date(this.clock()).toISOString() } },
      { upsert: true },
    );
    this.sinceCheckpoint = 0;
  }

  private flushChanges(): void {
    if (this.pendingChanges.length === 0) return;
    const changes = this.pendingChanges;
    this.pendingChanges = [];
    if (this.feed) for (const change of changes) this.feed.publish({ ...change, position: this.position });
  }

  private releaseWaiters(): void {
    if (this.waiters.length === 0) return;
    const still: Waiter[] = [];
    for (const waiter of this.waiters) {
      if (comparePositions(this.position, waiter.position) >= 0) {
        clearTimeout(waiter.timer);
        waiter.resolve(true);
      } else {
        still.push(waiter);
      }
    }
    this.waiters = still;
  }

  private recover(error: unknown): void {
    if (this.stopped || this.retryTimer) return;
    this.lastError = error instanceof Error ? error.message : String(error);
    this.state = 'FAILED';
    this.options.onError?.(error);
    this.pendingChanges = [];
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (!this.stopped) this.subscribe();
    }, this.options.retryDelayMs ?? 1000);
  }
}
