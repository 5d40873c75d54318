/**
 * A subscriber's pending work: keys of things that changed, each at most once (a session that
 * changes ten times before the subscriber reads is read once, as it is then). Bounded: when more
 * distinct keys are pending than `capacity`, the subscriber is too slow and is closed through
 * `onOverflow`, alone, so the feed that pushes never waits.
 */
export class CoalescingQueue<K, V> implements AsyncIterableIterator<V> {
  private readonly pending = new Set<K>();
  private wake: (() => void) | null = null;
  private closed = false;
  private readonly cleanups: (() => void)[] = [];

  constructor(
    private readonly capacity: number,
    /** Turns a key into what the subscriber receives, or null when there is nothing to send. */
    private readonly resolve: (key: K) => Promise<V | null>,
    private readonly onOverflow: (capacity: number) => void,
  ) {}

  onClose(cleanup: () => void): void {
    if (this.closed) cleanup();
    else this.cleanups.push(cleanup);
  }

  push(key: K): void {
    if (this.closed || this.pending.has(key)) return;
    if (this.pending.size >= this.capacity) {
      this.close();
      this.onOverflow(this.capacity);
      return;
    }
    this.pending.add(key);
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }

  get size(): number {
    return this.pending.size;
  }

  async next(): Promise<IteratorResult<V>> {
    for (;;) {
      if (this.closed) return { value: undefined, done: true };
      const first = this.pending.values().next();
      if (first.done) {
        await new Promise<void>((resolve) => (this.wake = resolve));
        continue;
      }
      this.pending.delete(first.value);
      const value = await this.resolve(first.value);
      if (value !== null && !this.closed) return { value, done: false };
    }
  }

  return(): Promise<IteratorResult<V>> {
    this.close();
    return Promise.resolve({ value: undefined, done: true });
  }

  throw(error: unknown): Promise<IteratorResult<V>> {
    this.close();
    return Promise.reject(error);
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<V> {
    return this;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.pending.clear();
    const wake = this.wake;
    this.wake = null;
    wake?.();
    for (const cleanup of this.cleanups.splice(0)) cleanup();
  }
}

/** Closes one subscriber's connection with a reason it can read. */
export type CloseSubscriber = (code: number, reason: string) => void;

/** WebSocket close code for a subscriber that fell too far behind (4000-4399 is the application's range). */
export const SLOW_SUBSCRIBER_CLOSE_CODE = 4008;

/** What a queue does when its subscriber has more than `capacity` changes pending. */
export function closeWhenSlow(close: CloseSubscriber): (capacity: number) => void {
  return (capacity) => close(SLOW_SUBSCRIBER_CLOSE_CODE, `subscriber too slow: more than ${capacity} changes pending; reconnect and resume`);
}
