import type { SubscriptionEnd, SubscriptionSink } from './api-client';
import { ApiError } from './errors';

/**
 * Close codes after which reconnecting cannot help: the request or the credential is wrong
 * (graphql-ws's own fatal codes, and 4403 Forbidden for an unknown key).
 */
const FATAL_CLOSE_CODES = new Set([4004, 4005, 4400, 4401, 4403, 4406, 4409, 4429]);

export type EndVerdict = { action: 'reconnect'; reason: string } | { action: 'stop' } | { action: 'fail'; error: ApiError };

/** What to do when a live timeline subscription ends. */
export function verdictOf(end: SubscriptionEnd): EndVerdict {
  switch (end.kind) {
    case 'completed':
      return { action: 'stop' };
    case 'errors':
      return { action: 'fail', error: end.errors[0] ?? new ApiError('INTERNAL', 'the subscription failed without saying why') };
    case 'closed': {
      const reason = end.reason ? `${end.code} ${end.reason}` : `close code ${end.code}`;
      if (end.code === 4403) return { action: 'fail', error: new ApiError('UNAUTHENTICATED', `the server refused the key for subscriptions (${reason})`) };
      if (FATAL_CLOSE_CODES.has(end.code)) return { action: 'fail', error: new ApiError('BAD_USER_INPUT', `the server closed the subscription (${reason})`) };
      return { action: 'reconnect', reason: `connection closed (${reason})` };
    }
    case 'failed':
      return { action: 'reconnect', reason: end.message };
    default: {
      const _never: never = end;
      return _never;
    }
  }
}

/** Wait before reconnect attempt `attempt` (1-based): 0.5 s doubling up to 10 s. */
export function reconnectDelayMs(attempt: number): number {
  return Math.min(10_000, 500 * 2 ** Math.max(0, attempt - 1));
}

export interface SequencedEvent {
  sequence: number;
}

export interface FollowOptions<E extends SequencedEvent> {
  /** The last sequence already printed (-1: none). */
  after: number;
  /** Opens the live timeline from `after`; returns a function that stops it. */
  open(after: number, sink: SubscriptionSink<E>): () => void;
  print(event: E): void;
  /** Told before each reconnect, so the user sees why the output paused. */
  onReconnect?(info: { attempt: number; delayMs: number; after: number; reason: string }): void;
  sleep?(ms: number, stopped: Promise<void>): Promise<void>;
}

export type FollowResult = { how: 'stopped' | 'completed'; lastSequence: number };

const defaultSleep = (ms: number, stopped: Promise<void>) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    void stopped.then(() => {
      clearTimeout(timer);
      resolve();
    });
  });

/**
 * Follows a session's timeline through the subscription, printing each event once: it resumes
 * after the last sequence it printed whenever the connection drops, and drops anything at or
 * below that sequence, so a replay after a reconnect neither skips nor repeats an event.
 */
export class TimelineFollower<E extends SequencedEvent> {
  private last: number;
  private stopRequested = false;
  private signalStop: () => void = () => undefined;
  private readonly stopped: Promise<void>;

  constructor(private readonly options: FollowOptions<E>) {
    this.last = options.after;
    this.stopped = new Promise<void>((resolve) => (this.signalStop = resolve));
  }

  get lastSequence(): number {
    return this.last;
  }

  stop(): void {
    this.stopRequested = true;
    this.signalStop();
  }

  /** Resolves when stopped (Ctrl-C) or when the server completes the subscription; rejects on a fatal error. */
  async run(): Promise<FollowResult> {
    const sleep = this.options.sleep ?? defaultSleep;
    let failures = 0;
    while (!this.stopRequested) {
      const end = await this.once(() => (failures = 0));
      if (this.stopRequested || end === null) break;
      const verdict = verdictOf(end);
      if (verdict.action === 'stop') return { how: 'completed', lastSequence: this.last };
      if (verdict.action === 'fail') throw verdict.error;
      failures += 1;
      const delayMs = reconnectDelayMs(failures);
      this.options.onReconnect?.({ attempt: failures, delayMs, after: this.last, reason: verdict.reason });
      await sleep(delayMs, this.stopped);
    }
    return { how: 'stopped', lastSequence: this.last };
  }

  /** One subscription, until it ends (its end) or the follower is stopped (null). */
  private once(onConnected: () => void): Promise<SubscriptionEnd | null> {
    return new Promise((resolve) => {
      let settled = false;
      let close: (() => void) | null = null;
      const settle = (value: SubscriptionEnd | null) => {
        if (settled) return;
        settled = true;
        close?.();
        resolve(value);
      };
      close = this.options.open(this.last, {
        connected: onConnected,
        next: (event) => {
          if (settled || event.sequence <= this.last) return;
          this.last = event.sequence;
          this.options.print(event);
        },
        end: (how) => settle(how),
      });
      if (settled) close();
      void this.stopped.then(() => settle(null));
    });
  }
}
