import type { ReadModelChange } from './projection';

/**
 * Where projections announce durable read-model writes, and where subscriptions listen. In the
 * embedded default it is in-process; in production it is fed by MongoDB change streams so every
 * api replica hears every projector's writes.
 */
export interface ChangeFeed {
  publish(change: ReadModelChange): void;
  /** Returns the function that stops listening. */
  subscribe(listener: (change: ReadModelChange) => void): () => void;
}

export const CHANGE_FEED = Symbol('CHANGE_FEED');

export class InProcessChangeFeed implements ChangeFeed {
  private readonly listeners = new Set<(change: ReadModelChange) => void>();

  publish(change: ReadModelChange): void {
    for (const listener of this.listeners) listener(change);
  }

  subscribe(listener: (change: ReadModelChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
