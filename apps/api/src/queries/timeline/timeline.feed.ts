import { Inject, Injectable } from '@nestjs/common';
import { Actor, BadUserInputError, isSessionId, sessionStreamId } from '@ledger/domain';
import { EVENT_STORE, EventStore } from '@ledger/event-store';
import { CHANGE_FEED, ChangeFeed, SESSIONS } from '@ledger/projections';
import { LEDGER_CONFIG, LedgerConfig } from '@ledger/runtime';
import { toTimelineEvent } from './timeline.queries';

const TIMELINE_PAGE = 500;
const MAX_TIMELINE_PAGE = 1000;

type TimelineItem = ReturnType<typeof toTimelineEvent>;

/** The live timeline: read from the event store, woken by the change feed. */
@Injectable()
export class TimelineFeed {
  constructor(
    @Inject(CHANGE_FEED) private readonly feed: ChangeFeed,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(LEDGER_CONFIG) private readonly config: LedgerConfig,
  ) {}

  /**
   * Every event with sequence > after, in order, then live. The subscriber's own cursor reads the
   * event store; the change feed only says "look again". Reading is paced by the subscriber, so a
   * slow one falls behind in the store, never in memory, and a replay racing new appends can
   * neither skip nor repeat a sequence.
   */
  timeline(actor: Actor, sessionId: string, after: number, types: string[] | null): AsyncIterableIterator<TimelineItem> {
    const pages = this.timelinePages(actor, sessionId, after, types, TIMELINE_PAGE);
    async function* events() {
      for await (const page of pages) yield* page.events;
    }
    return events();
  }

  /**
   * The same, a page at a time: catch-up in pages of up to `max` events (one message each rather
   * than one per event), then live appends as they come. `lastSequence` is the cursor to resume
   * from (`after`), also past events the type filter left out.
   */
  timelinePages(
    actor: Actor,
    sessionId: string,
    after: number,
    types: string[] | null,
    max: number,
  ): AsyncIterableIterator<{ events: TimelineItem[]; lastSequence: number; hasMore: boolean }> {
    if (!Number.isInteger(after) || after < -1) throw BadUserInputError.field('after', 'must be -1 or a sequence the client has seen');
    if (!Number.isInteger(max) || max < 1 || max > MAX_TIMELINE_PAGE) throw BadUserInputError.field('max', `must be 1 to ${MAX_TIMELINE_PAGE}`);
    const store = this.store;
    const feed = this.feed;
    const wanted = types?.length ? new Set(types) : null;
    const stream = sessionStreamId(sessionId);
    const pollMs = this.config.live.timelinePollMs;

    async function* pages() {
      if (!isSessionId(sessionId)) return;
      const [first] = await store.readStream(stream, { fromRevision: 0, limit: 1 });
      if (!first || first.metadata.organizationId !== actor.organizationId) return;
      let cursor = after;
      let signal: (() => void) | null = null;
      let changed = false;
      const wake = () => {
        changed = true;
        signal?.();
      };
      // A resync (the feed may have missed changes) is one more "look again".
      const stop = feed.subscribe((change) => {
        if (change.collection === SESSIONS && change.id === sessionId) wake();
      }, wake);
      try {
        for (;;) {
          changed = false;
          const page = await store.readStream(stream, { fromRevision: cursor + 1, limit: max });
          const events: TimelineItem[] = [];
          for (const event of page) {
            cursor = event.revision;
            if (!wanted || wanted.has(event.type)) events.push(toTimelineEvent(sessionId, event));
          }
          if (events.length > 0) yield { events, lastSequence: cursor, hasMore: page.length === max };
          if (page.length === max || changed) continue;
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, pollMs);
            signal = () => {
              clearTimeout(timer);
              resolve();
            };
          });
          signal = null;
        }
      } finally {
        stop();
      }
    }
    return pages();
  }
}
