import { AsyncLocalStorage } from 'node:async_hooks';
import type { EventHandler, RecordedEvent, Subscription } from './event-store.port';

/** Which subscription's handler is running, so `stop()` from inside a handler does not wait on itself. */
const runningHandler = new AsyncLocalStorage<CatchUpSubscription>();

/**
 * The lifecycle both adapters share: one handler call at a time, `done` that settles when the
 * feed loop ends (rejecting with the loop's or the handler's error), and a `stop()` that waits for
 * the in-flight handler unless it is called from that very handler.
 */
export class CatchUpSubscription implements Subscription {
  readonly done: Promise<void>;
  private live = false;
  private stopRequested = false;
  private readonly stopListeners: Array<() => void> = [];

  /**
   * `feed` pushes events through `deliver` until `stopRequested` is seen. It starts on a later
   * microtask: callers may reference the returned subscription inside their handler.
   */
  constructor(
    private readonly handler: EventHandler,
    feed: (subscription: CatchUpSubscription) => Promise<void>,
  ) {
    this.done = Promise.resolve()
      .then(() => feed(this))
      .finally(() => this.requestStop());
  }

  get isLive(): boolean {
    return this.live;
  }

  get isStopping(): boolean {
    return this.stopRequested;
  }

  markLive(): void {
    this.live = true;
  }

  /** The store fell behind the head again (EventStoreDB's "fell behind"): not live until it catches up. */
  markBehind(): void {
    this.live = false;
  }

  /** Called once, on the first stop request (from `stop()`, the store's `close()`, or the end of the feed). */
  onStop(listener: () => void): void {
    if (this.stopRequested) listener();
    else this.stopListeners.push(listener);
  }

  /** The handler's own result: a synchronous handler is not awaited (a replay delivers millions of events). */
  deliver(event: RecordedEvent): Promise<void> | void {
    return runningHandler.run(this, () => this.handler(event));
  }

  requestStop(): void {
    if (this.stopRequested) return;
    this.stopRequested = true;
    for (const listener of this.stopListeners.splice(0)) listener();
  }

  async stop(): Promise<void> {
    this.requestStop();
    if (runningHandler.getStore() === this) return;
    await this.done.catch(() => undefined);
  }
}
