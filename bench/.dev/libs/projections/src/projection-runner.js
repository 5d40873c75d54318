"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.ProjectionRunner = exports.PROJECTED_STREAMS = exports.CHECKPOINTS = void 0;
const event_store_1 = require("../../event-store/src/index.js");
const projection_1 = require("./projection");
exports.CHECKPOINTS = 'projection_checkpoints';
/** Every projection follows these streams, so that each one's position passes every event. */
exports.PROJECTED_STREAMS = ['session-', 'pins-'];
/** Events applied together at most; a larger page is applied in several batches. */
const MAX_BATCH = 1000;
/**
 * Runs one projection: follows the event store from the stored checkpoint, applies events one at
 * a time in order, and moves the checkpoint only after the writes it covers are done. Changes are
 * published after the write, so a subscriber never hears of something a query cannot read yet.
 * After an error it resubscribes from its checkpoint; the per-document guards make the replayed
 * events harmless.
 */
class ProjectionRunner {
    store;
    readStore;
    projection;
    feed;
    options;
    subscription = null;
    stopped = false;
    waiters = [];
    batch = [];
    flushChain = Promise.resolve();
    flushScheduled = false;
    subscriptionLive = false;
    failure = null;
    activeContext = null;
    sinceCheckpoint = 0;
    pendingChanges = [];
    retryTimer = null;
    phase = 'CATCHING_UP';
    /** LIVE once the subscription has replayed everything, even when no new event has come since. */
    get state() {
        return this.phase === 'CATCHING_UP' && this.isLive ? 'LIVE' : this.phase;
    }
    set state(value) {
        this.phase = value;
    }
    position = event_store_1.START_POSITION;
    processedEvents = 0;
    lastEventRecordedAt = null;
    lastError = null;
    rate = { since: 0, events: 0, perSecond: 0 };
    constructor(store, readStore, projection, feed, options) {
        this.store = store;
        this.readStore = readStore;
        this.projection = projection;
        this.feed = feed;
        this.options = options;
        this.state = options.initialState ?? 'CATCHING_UP';
    }
    sharedSource = null;
    /** The first subscription comes from a shared read of the store; a resubscription after an error reads on its own. */
    useSharedSource(subscribe) {
        this.sharedSource = subscribe;
    }
    /** Where the first event applied came from, for rebuild progress. */
    startedFrom = null;
    /** Starts (or stops, with null) publishing changes: a rebuilt version publishes once it is swapped in. */
    publishTo(feed) {
        this.feed = feed;
    }
    /** Becomes the live version: reports LIVE from now on and takes over the read-your-writes waiters of the old one. */
    promote(from) {
        this.state = 'LIVE';
        if (!from)
            return;
        this.waiters.push(...from.waiters);
        from.waiters = [];
        this.releaseWaiters();
    }
    get clock() {
        return this.options.clock ?? Date.now;
    }
    async start() {
        this.stopped = false;
        await this.ensureCollections();
        const checkpoint = await this.readStore.collection(exports.CHECKPOINTS).findOne({ _id: this.options.checkpointId });
        if (checkpoint) {
            this.position = checkpoint.position;
            this.processedEvents = checkpoint.processedEvents;
        }
        this.subscribe();
    }
    async stop() {
        this.stopped = true;
        if (this.retryTimer)
            clearTimeout(this.retryTimer);
        const subscription = this.subscription;
        this.subscription = null;
        if (subscription)
            await subscription.stop();
        if (this.activeContext && !this.failure)
            await this.flush(this.activeContext).catch(() => undefined);
        await this.flushChain;
        await this.writeCheckpoint();
        for (const waiter of this.waiters) {
            clearTimeout(waiter.timer);
            waiter.resolve(false);
        }
        this.waiters = [];
    }
    /** Resolves true once every event up to `position` is applied, false after the timeout. */
    waitFor(position, timeoutMs) {
        if ((0, event_store_1.comparePositions)(this.position, position) >= 0)
            return Promise.resolve(true);
        return new Promise((resolve) => {
            const waiter = {
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
    get isLive() {
        return this.subscription?.isLive ?? false;
    }
    get eventsPerSecond() {
        return this.rate.perSecond;
    }
    context() {
        return {
            collection: (name) => this.readStore.collection(this.options.collectionName(name)),
            changed: (collection, organizationId, id) => {
                this.pendingChanges.push({ projection: this.projection.name, collection, organizationId, id, position: event_store_1.START_POSITION });
            },
        };
    }
    async ensureCollections() {
        for (const spec of this.projection.collections) {
            await this.readStore.collection(this.options.collectionName(spec.name)).createIndexes(spec.indexes);
        }
    }
    subscribe() {
        const context = this.context();
        this.activeContext = context;
        this.batch = [];
        this.failure = null;
        if (this.state !== 'REBUILDING' && this.state !== 'LIVE')
            this.state = 'CATCHING_UP';
        const subscribe = this.sharedSource ?? this.store.subscribeToAll.bind(this.store);
        this.sharedSource = null;
        const subscription = subscribe((event) => this.handle(event, context, subscription), {
            after: this.position,
            streamPrefixes: exports.PROJECTED_STREAMS,
        });
        this.subscription = subscription;
        subscription.done.then(() => undefined, (error) => this.recover(error));
    }
    /**
     * Events are buffered and applied in batches: everything the subscription delivers in one go
     * (a page while catching up, an append's events while live) is applied together, so a
     * projection can fold a run of one session's events into one write. The position, checkpoint
     * and waiters move only after the batch is applied.
     */
    async handle(event, context, subscription) {
        if (this.failure)
            throw this.failure;
        if ((0, event_store_1.comparePositions)(event.position, this.position) <= 0)
            return;
        if (this.options.stopAt && (0, event_store_1.comparePositions)(event.position, this.options.stopAt) > 0)
            return;
        this.startedFrom ??= event.position;
        this.batch.push(event);
        this.subscriptionLive = subscription.isLive;
        if (this.batch.length >= MAX_BATCH) {
            await this.flush(context);
            return;
        }
        if (!this.flushScheduled) {
            this.flushScheduled = true;
            setImmediate(() => {
                this.flushScheduled = false;
                this.flush(context).catch((error) => this.fail(error));
            });
        }
    }
    /** Flushes run one after another, in order. */
    flush(context) {
        const run = this.flushChain.then(() => this.applyBatch(context));
        this.flushChain = run.catch(() => undefined);
        return run;
    }
    async applyBatch(context) {
        const events = this.batch;
        this.batch = [];
        if (events.length === 0)
            return;
        const handled = events.filter((event) => this.projection.handles(event));
        if (handled.length > 0) {
            if (this.projection.applyBatch)
                await this.projection.applyBatch(handled, context);
            else
                for (const event of handled)
                    await this.projection.apply(event, context);
        }
        const last = events[events.length - 1];
        this.position = last.position;
        this.processedEvents += events.length;
        this.lastEventRecordedAt = last.recordedAt.getTime();
        this.countRate(events.length);
        this.sinceCheckpoint += events.length;
        const live = this.subscriptionLive;
        if (live && (this.state === 'CATCHING_UP' || this.state === 'FAILED'))
            this.state = 'LIVE';
        if (live || this.sinceCheckpoint >= (this.options.checkpointEvery ?? 1000))
            await this.writeCheckpoint();
        this.flushChanges();
        this.releaseWaiters();
    }
    /** A failed batch stops the subscription; recovery resubscribes from the last applied position. */
    fail(error) {
        this.failure = error;
        void this.subscription?.stop();
        this.recover(error);
    }
    countRate(events) {
        const now = this.clock();
        if (this.rate.since === 0)
            this.rate.since = now;
        this.rate.events += events;
        const elapsed = now - this.rate.since;
        if (elapsed >= 1000) {
            this.rate.perSecond = (this.rate.events * 1000) / elapsed;
            this.rate = { since: now, events: 0, perSecond: this.rate.perSecond };
        }
    }
    async writeCheckpoint() {
        if (this.sinceCheckpoint === 0)
            return;
        const key = (0, projection_1.positionKey)(this.position);
        await this.readStore.collection(exports.CHECKPOINTS).updateOne({ _id: this.options.checkpointId, key: { $lt: key } }, { $set: { position: this.position, key, processedEvents: this.processedEvents, updatedAt: new Date(this.clock()).toISOString() } }, { upsert: true });
        this.sinceCheckpoint = 0;
    }
    flushChanges() {
        if (this.pendingChanges.length === 0)
            return;
        const changes = this.pendingChanges;
        this.pendingChanges = [];
        if (this.feed)
            for (const change of changes)
                this.feed.publish({ ...change, position: this.position });
    }
    releaseWaiters() {
        if (this.waiters.length === 0)
            return;
        const still = [];
        for (const waiter of this.waiters) {
            if ((0, event_store_1.comparePositions)(this.position, waiter.position) >= 0) {
                clearTimeout(waiter.timer);
                waiter.resolve(true);
            }
            else {
                still.push(waiter);
            }
        }
        this.waiters = still;
    }
    recover(error) {
        if (this.stopped || this.retryTimer)
            return;
        this.lastError = error instanceof Error ? error.message : String(error);
        this.state = 'FAILED';
        this.options.onError?.(error);
        this.pendingChanges = [];
        this.retryTimer = setTimeout(() => {
            this.retryTimer = null;
            if (!this.stopped)
                this.subscribe();
        }, this.options.retryDelayMs ?? 1000);
    }
}
exports.ProjectionRunner = ProjectionRunner;
//# sourceMappingURL=projection-runner.js.map