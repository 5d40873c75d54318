import { subscriptionEnd, SubscriptionEnd, SubscriptionSink } from './api-client';
import { ApiError } from './errors';
import { reconnectDelayMs, TimelineFollower, verdictOf } from './timeline-follower';

interface Event {
  sequence: number;
}

/** A fake server: each subscription replays the stored events after `after`, as the real one does. */
class FakeTimeline {
  readonly stored: Event[] = [];
  readonly opened: number[] = [];
  private sink: SubscriptionSink<Event> | null = null;
  private after = -1;

  append(count: number): void {
    for (let i = 0; i < count; i += 1) {
      const event = { sequence: this.stored.length };
      this.stored.push(event);
      if (this.sink && event.sequence > this.after) this.sink.next(event);
    }
  }

  open = (after: number, sink: SubscriptionSink<Event>) => {
    this.opened.push(after);
    this.sink = sink;
    this.after = after;
    sink.connected?.();
    for (const event of this.stored) if (event.sequence > after) sink.next(event);
    return () => {
      if (this.sink === sink) this.sink = null;
    };
  };

  /** The connection drops; a misbehaving replay may even repeat an event it already sent. */
  drop(how: SubscriptionEnd = { kind: 'closed', code: 1006, reason: '' }): void {
    const sink = this.sink;
    this.sink = null;
    sink?.end(how);
  }

  repeat(sequence: number): void {
    this.sink?.next({ sequence });
  }
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('following a timeline', () => {
  it('prints each event once across reconnects, resuming after the last sequence printed', async () => {
    const server = new FakeTimeline();
    server.append(3);
    const printed: number[] = [];
    const reconnects: number[] = [];
    const follower = new TimelineFollower<Event>({
      after: 0,
      open: server.open,
      print: (event) => printed.push(event.sequence),
      onReconnect: ({ after }) => reconnects.push(after),
      sleep: async () => undefined,
    });
    const running = follower.run();
    await tick();
    server.append(2);
    server.repeat(3);
    server.drop();
    await tick();
    server.append(2);
    server.drop({ kind: 'failed', message: 'connect ECONNREFUSED' });
    await tick();
    server.append(1);
    follower.stop();
    await expect(running).resolves.toEqual({ how: 'stopped', lastSequence: 7 });
    expect(printed).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(server.opened).toEqual([0, 4, 6]);
    expect(reconnects).toEqual([4, 6]);
  });

  it('stops with an error the user must fix: GraphQL errors, Forbidden', async () => {
    const server = new FakeTimeline();
    const failing = new TimelineFollower<Event>({ after: -1, open: server.open, print: () => undefined, sleep: async () => undefined });
    const running = failing.run();
    await tick();
    server.drop({ kind: 'errors', errors: [new ApiError('BAD_USER_INPUT', 'after must be -1 or a sequence')] });
    await expect(running).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });

    const refused = new TimelineFollower<Event>({ after: -1, open: server.open, print: () => undefined, sleep: async () => undefined });
    const second = refused.run();
    await tick();
    server.drop({ kind: 'closed', code: 4403, reason: 'Forbidden' });
    await expect(second).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('ends quietly when the server completes the subscription', async () => {
    const server = new FakeTimeline();
    server.append(1);
    const follower = new TimelineFollower<Event>({ after: -1, open: server.open, print: () => undefined });
    const running = follower.run();
    await tick();
    server.drop({ kind: 'completed' });
    await expect(running).resolves.toEqual({ how: 'completed', lastSequence: 0 });
  });

  it('stops during the wait before a reconnect', async () => {
    const server = new FakeTimeline();
    const follower = new TimelineFollower<Event>({ after: -1, open: server.open, print: () => undefined });
    const running = follower.run();
    await tick();
    server.drop();
    follower.stop();
    await expect(running).resolves.toEqual({ how: 'stopped', lastSequence: -1 });
  });
});

describe('what a subscription end means', () => {
  it('reconnects after network trouble and server restarts, fails on refusals', () => {
    expect(verdictOf({ kind: 'closed', code: 1006, reason: '' })).toEqual({ action: 'reconnect', reason: 'connection closed (close code 1006)' });
    expect(verdictOf({ kind: 'closed', code: 1001, reason: 'Going away' }).action).toBe('reconnect');
    expect(verdictOf({ kind: 'closed', code: 4008, reason: 'subscriber too slow' }).action).toBe('reconnect');
    expect(verdictOf({ kind: 'failed', message: 'ECONNREFUSED' }).action).toBe('reconnect');
    expect(verdictOf({ kind: 'closed', code: 4400, reason: 'bad' }).action).toBe('fail');
    expect(verdictOf({ kind: 'closed', code: 4403, reason: 'Forbidden' }).action).toBe('fail');
    expect(verdictOf({ kind: 'completed' })).toEqual({ action: 'stop' });
  });

  it('reads what graphql-ws reports', () => {
    expect(subscriptionEnd([{ message: 'no', extensions: { code: 'NOT_FOUND' } }])).toMatchObject({ kind: 'errors', errors: [{ code: 'NOT_FOUND', message: 'no' }] });
    expect(subscriptionEnd({ code: 1006, reason: '' })).toEqual({ kind: 'closed', code: 1006, reason: '' });
    expect(subscriptionEnd(new Error('boom'))).toEqual({ kind: 'failed', message: 'boom' });
    expect(subscriptionEnd({ type: 'error', message: 'connect ECONNREFUSED' })).toEqual({ kind: 'failed', message: 'connect ECONNREFUSED' });
  });

  it('backs off from 0.5 s doubling to 10 s', () => {
    expect([1, 2, 3, 4, 5, 6, 10].map(reconnectDelayMs)).toEqual([500, 1000, 2000, 4000, 8000, 10_000, 10_000]);
  });
});
