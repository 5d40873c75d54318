import type { ReadModelChange } from './projection';

/**
 * Where projections announce durable read-model writes, and where subscriptions listen. In the
 * embedded default it is in-process; in production it is fed by MongoDB change streams so every
 * api replica hears every projector's writes.
 */
export interface ChangeFeed {
  /** A read-model write that is durable. */
  publish(change: ReadModelChange): void;
  /** A change of this process's own making that no write carries (time passing), for its own listeners. */
  announce(change: ReadModelChange): void;
  /**
   * Returns the function that stops listening. `onResync` is called when the feed may have missed
   * changes (it lost its place in MongoDB's history): re-read what the listener shows.
   */
  subscribe(listener: (change: ReadModelChange) => void, onResync?: () => void): () => void;
}

export const CHANGE_FEED = Symbol('CHANGE_FEED');

export class InProcessChangeFeed implements ChangeFeed {
  private readonly listeners = new Set<(change: ReadModelChange) => void>();

  publish(change: ReadModelChange): void {
    for (const listener of this.listeners) listener(change);
  }

  announce(change: ReadModelChange): void {
    this.publish(change);
  }

  /** In one process nothing is ever missed, so there is never a resync. */
  subscribe(listener: (change: ReadModelChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
