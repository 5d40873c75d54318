import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sessionStreamId } from '@ledger/domain';
import { SqliteEventStore, type EventToAppend } from '@ledger/event-store';
import type { ChangeFeed, ReadModelChange } from '@ledger/projections';
import { loadConfig } from '@ledger/runtime';
import { TimelineFeed } from './timeline.feed';

/** A change feed that announces nothing by itself: the test says when it lost its place. */
class SilentFeed implements ChangeFeed {
  readonly resyncs = new Set<() => void>();
  publish(): void {}
  announce(): void {}
  subscribe(_listener: (change: ReadModelChange) => void, onResync?: () => void): () => void {
    if (onResync) this.resyncs.add(onResync);
    return () => onResync && this.resyncs.delete(onResync);
  }
}

const event = (type: string, data: Record<string, unknown>): EventToAppend => ({
  id: randomUUID(),
  type,
  data: data as never,
  metadata: {
    organizationId: 'acme',
    actor: { type: 'SERVICE', id: 'gateway' },
    correlationId: 'c',
    causationId: 'c',
    schemaVersion: 2,
    redactions: [],
    occurredAt: '2026-11-01T00:00:00.000Z',
  },
});

describe('the live timeline when the change feed resyncs', () => {
  let dir: string;
  let store: SqliteEventStore;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-timeline-'));
    store = new SqliteEventStore(join(dir, 'events.sqlite'));
  });

  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads the store again at once, without waiting for its poll', async () => {
    const sessionId = `session_${'a'.repeat(32)}`;
    const stream = sessionStreamId(sessionId);
    await store.append(stream, [event('LOG', { data: { message: 'first' } })], 'no_stream');
    const feed = new SilentFeed();
    const config = { ...loadConfig({}), live: { subscriberBufferSize: 10, timelinePollMs: 60_000 } };
    const timeline = new TimelineFeed(feed, store, config).timeline({ organizationId: 'acme' } as never, sessionId, -1, null);
    expect((await timeline.next()).value).toMatchObject({ sequence: 0 });
    const next = timeline.next();
    await new Promise((resolve) => setTimeout(resolve, 50));
    await store.append(stream, [event('LOG', { data: { message: 'missed by the feed' } })], 0);
    expect(feed.resyncs.size).toBe(1);
    for (const resync of feed.resyncs) resync();
    const second = await Promise.race([next, new Promise((resolve) => setTimeout(() => resolve('still waiting'), 2000))]);
    expect(second).toMatchObject({ value: { sequence: 1 } });
    await timeline.return?.(undefined);
  });
});
