import { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { MongoNetworkError, MongoServerError, type ChangeStream, type ChangeStreamOptions, type Document } from 'mongodb';
import { MongoChangeFeed } from './mongo-change-feed';
import type { ReadModelChange } from './projection';

/**
 * A stand-in for the driver's ChangeStream in emitter mode, as the driver documents and does it
 * (change_stream.js): 'change' for each event, `resumeToken` that moves with every batch even when
 * no change matched (postBatchResumeToken, announced by 'resumeTokenChanged'), 'error' then
 * 'close' on a non-resumable error, 'close' / 'end' when the cursor is gone, and an invalidate
 * event before the stream ends.
 */
class StandInChangeStream extends EventEmitter {
  closed = false;
  private token: unknown;

  constructor(
    readonly pipeline: Document[],
    readonly options: ChangeStreamOptions,
    initialToken: unknown,
  ) {
    super();
    this.token = initialToken;
  }

  get resumeToken(): unknown {
    return this.token;
  }

  change(operationType: 'insert' | 'update' | 'invalidate', token: string, id = 'session_1'): void {
    this.token = { _data: token };
    const event =
      operationType === 'invalidate'
        ? { _id: { _data: token }, operationType }
        : { _id: { _data: token }, operationType, ns: { db: 'ledger', coll: 'sessions_v1' }, documentKey: { _id: id }, fullDocument: { _id: id, organizationId: 'acme' } };
    this.emit('change', event);
  }

  /** An idle getMore: no change, but the server hands out a newer resume point. */
  idleBatch(token: string): void {
    this.token = { _data: token };
    this.emit('resumeTokenChanged', this.token);
  }

  /** A non-resumable error: the driver emits it, then closes the stream. */
  fail(error: Error): void {
    this.emit('error', error);
    void this.close();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.emit('close');
  }
}

function setup(initialToken: unknown = { _data: 'T0' }) {
  const streams: StandInChangeStream[] = [];
  const errors: unknown[] = [];
  const source = {
    watch(pipeline: Document[], options: ChangeStreamOptions): ChangeStream {
      const stream = new StandInChangeStream(pipeline, options, initialToken);
      streams.push(stream);
      return stream as unknown as ChangeStream;
    },
  };
  const feed = new MongoChangeFeed(source, { onError: (error) => errors.push(error), reopenDelayMs: 5 });
  const received: ReadModelChange[] = [];
  let resyncs = 0;
  const stop = feed.subscribe(
    (change) => received.push(change),
    () => (resyncs += 1),
  );
  return { feed, streams, errors, received, resyncs: () => resyncs, stop, last: () => streams[streams.length - 1]! };
}

const historyLost = () =>
  new MongoServerError({ ok: 0, code: 286, codeName: 'ChangeStreamHistoryLost', errmsg: 'Resume of change stream was not possible, as the resume point may no longer be in the oplog.' });

describe('MongoChangeFeed (a stand-in change stream that behaves as the driver does)', () => {
  it('resumes from the stream’s resume token, which moves while the feed is idle, not from the last change', async () => {
    const { streams, last, feed } = setup();
    last().change('update', 'T1');
    last().idleBatch('T2');
    last().fail(new MongoNetworkError('connection reset'));
    await sleep(20);
    expect(streams).toHaveLength(2);
    expect(last().options.resumeAfter).toEqual({ _data: 'T2' });
    await feed.close();
  });

  it('resumes from the token the server gave at open when no change has arrived yet (no gap)', async () => {
    const { streams, last, feed } = setup({ _data: 'T0' });
    last().fail(new MongoNetworkError('connection reset'));
    await sleep(20);
    expect(streams).toHaveLength(2);
    expect(last().options.resumeAfter).toEqual({ _data: 'T0' });
    await feed.close();
  });

  it('on ChangeStreamHistoryLost (286) drops the token, starts from now once, and tells listeners to resync', async () => {
    const { streams, last, feed, resyncs, errors } = setup();
    last().change('update', 'T1');
    last().fail(historyLost());
    await sleep(20);
    expect(errors).toHaveLength(1);
    expect(resyncs()).toBe(1);
    expect(streams).toHaveLength(2);
    expect(last().options.resumeAfter).toBeUndefined();
    expect(last().options.startAfter).toBeUndefined();
    // The new stream stays open: no reopen loop.
    await sleep(30);
    expect(streams).toHaveLength(2);
    await feed.close();
  });

  it('reopens after the stream closes or ends without an error', async () => {
    const { streams, last, feed, received } = setup();
    last().change('insert', 'T1');
    await last().close();
    await sleep(20);
    expect(streams).toHaveLength(2);
    expect(last().options.resumeAfter).toEqual({ _data: 'T1' });
    last().emit('end');
    await sleep(20);
    expect(streams).toHaveLength(3);
    last().change('update', 'T2');
    expect(received.map((change) => change.id)).toEqual(['session_1', 'session_1']);
    await feed.close();
  });

  it('after an invalidate event starts again after it (startAfter), the only option that accepts its token', async () => {
    const { streams, last, feed } = setup();
    last().change('invalidate', 'INV');
    await sleep(20);
    expect(streams).toHaveLength(2);
    expect(streams[0]!.closed).toBe(true);
    expect(last().options.startAfter).toEqual({ _data: 'INV' });
    expect(last().options.resumeAfter).toBeUndefined();
    await feed.close();
  });

  it('opens one stream for a subscriber that arrives while a reopen is pending, so each change arrives once', async () => {
    const { streams, last, feed, received } = setup();
    last().fail(new MongoNetworkError('connection reset'));
    const second: ReadModelChange[] = [];
    feed.subscribe((change) => second.push(change));
    await sleep(20);
    expect(streams).toHaveLength(2);
    last().change('update', 'T1');
    expect(received).toHaveLength(1);
    expect(second).toHaveLength(1);
    await feed.close();
  });

  it('close() closes the stream and nothing reopens it', async () => {
    const { streams, last, feed } = setup();
    const stream = last();
    await feed.close();
    expect(stream.closed).toBe(true);
    stream.emit('end');
    await sleep(20);
    expect(streams).toHaveLength(1);
  });
});
