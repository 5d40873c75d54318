import { Inject, Injectable } from '@nestjs/common';
import { Actor, BadUserInputError, isSessionId, sessionStreamId } from '@ledger/domain';
import { EVENT_STORE, EventStore } from '@ledger/event-store';
import { CHANGE_FEED, ChangeFeed, SESSIONS } from '@ledger/projections';
import { LEDGER_CONFIG, LedgerConfig } from '../../platform/config/ledger-config';
import { toTimelineEvent } from './timeline.queries';

const TIMELINE_PAGE = 500;

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
  timeline(actor: Actor, sessionId: string, after: number, types: string[] | null): AsyncIterableIterator<ReturnType<typeof toTimelineEvent>> {
    if (!Number.isInteger(after) || after < -1) throw BadUserInputError.field('after', 'must be -1 or a sequence the client has seen');
    const store = this.store;
    const feed = this.feed;
    const wanted = types?.length ? new Set(types) : null;
    const stream = sessionStreamId(sessionId);
    const pollMs = this.config.live.timelinePollMs;

    async function* events() {
      if (!isSessionId(sessionId)) return;
      const [first] = await store.readStream(stream, { fromRevision: 0, limit: 1 });
      if (!first || first.metadata.organizationId !== actor.organizationId) return;
      let cursor = after;
      let signal: (() => void) | null = null;
      let changed = false;
      const stop = feed.subscribe((change) => {
        if (change.collection === SESSIONS && change.id === sessionId) {
          changed = true;
          signal?.();
        }
      });
      try {
        for (;;) {
          changed = false;
          const page = await store.readStream(stream, { fromRevision: cursor + 1, limit: TIMELINE_PAGE });
          for (const event of page) {
            cursor = event.revision;
            if (!wanted || wanted.has(event.type)) yield toTimelineEvent(sessionId, event);
          }
          if (page.length === TIMELINE_PAGE || changed) continue;
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
    return events();
  }
}
