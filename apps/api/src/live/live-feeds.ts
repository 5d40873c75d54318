import { Inject, Injectable } from '@nestjs/common';
import { Actor, BadUserInputError, isActive, isRecent, isSessionId, plusSeconds, sessionStreamId } from '@ledger/domain';
import { EVENT_STORE, EventStore } from '@ledger/event-store';
import { CHANGE_FEED, ChangeFeed, ProjectionEngine, SESSIONS, SessionDocument } from '@ledger/projections';
import { CLOCK, Clock } from '../clock';
import { LEDGER_CONFIG, LedgerConfig } from '../config/ledger-config';
import { SessionModel } from '../read/presenters';
import { SessionFilterInput, SessionQueries, toTimelineEvent } from '../read/session-queries';
import { presentSession } from '../read/presenters';
import { CoalescingQueue } from './coalescing-queue';

export type CommandCenterSection = 'ACTIVE_NOW' | 'RECENT' | 'GONE';

export interface CommandCenterChange {
  section: CommandCenterSection;
  session: SessionModel;
  at: string;
}

/** Closes one subscriber's connection with a reason it can read. */
export type CloseSubscriber = (code: number, reason: string) => void;

/** WebSocket close code for a subscriber that fell too far behind (4000-4399 is the application's range). */
export const SLOW_SUBSCRIBER_CLOSE_CODE = 4008;

/** WebSocket close code when the change feed lost its place: what the subscriber holds may be stale. */
export const FEED_RESYNC_CLOSE_CODE = 4009;

const TIMELINE_PAGE = 500;

/**
 * The live views. Each subscription listens to the change feed (published by the projections
 * after their writes) and reads what changed from the read models, or for the timeline from the
 * event store; what it sends is therefore always something a query could read.
 */
@Injectable()
export class LiveFeeds {
  constructor(
    @Inject(CHANGE_FEED) private readonly feed: ChangeFeed,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(LEDGER_CONFIG) private readonly config: LedgerConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly engine: ProjectionEngine,
    private readonly queries: SessionQueries,
  ) {}

  private get capacity(): number {
    return this.config.live.subscriberBufferSize;
  }

  private overflow(close: CloseSubscriber) {
    return (capacity: number) =>
      close(SLOW_SUBSCRIBER_CLOSE_CODE, `subscriber too slow: more than ${capacity} changes pending; reconnect and resume`);
  }

  /** Every change to what commandCenter(filter) returns, including time passing (ACTIVE_NOW -> RECENT -> GONE). */
  async commandCenter(actor: Actor, filter: SessionFilterInput | null, close: CloseSubscriber): Promise<AsyncIterableIterator<CommandCenterChange>> {
    const now = this.clock().toISOString();
    const sessions = this.engine.collection<SessionDocument>(SESSIONS);
    const base = await this.queries.sessionFilter(actor, filter, now);
    const recentSince = plusSeconds(now, -this.config.windows.recentSeconds);
    // What the subscriber already has: the sections as commandCenter(filter) answers now.
    const known = new Map<string, { section: CommandCenterSection; sequence: number }>();
    for (const document of await sessions.find({ $and: [base, { $or: [{ activeUntil: { $gt: now } }, { lastActivityAt: { $gt: recentSince } }] }] })) {
      known.set(document._id, { section: this.sectionOf(document, now), sequence: document.sequence });
    }
    const queue = new CoalescingQueue<string, CommandCenterChange>(
      this.capacity,
      async (id) => {
        const at = this.clock().toISOString();
        const matching = await sessions.find({ $and: [await this.queries.sessionFilter(actor, filter, at), { _id: id }] }, { limit: 1 });
        const document = matching[0];
        const previous = known.get(id);
        const section: CommandCenterSection = document ? this.sectionOf(document, at) : 'GONE';
        if (section === 'GONE') {
          if (!previous || previous.section === 'GONE') return null;
          known.delete(id);
          const current = document ?? (await sessions.findOne({ _id: id, organizationId: actor.organizationId }));
          return current ? { section, session: this.present(current, at), at } : null;
        }
        if (previous && previous.section === section && previous.sequence === document!.sequence) return null;
        known.set(id, { section, sequence: document!.sequence });
        return { section, session: this.present(document!, at), at };
      },
      this.overflow(close),
    );
    const stop = this.feed.subscribe(
      (change) => {
        if (change.collection === SESSIONS && change.organizationId === actor.organizationId) queue.push(change.id);
      },
      () => close(FEED_RESYNC_CLOSE_CODE, 'changes may have been missed; resubscribe to read the Command Center afresh'),
    );
    queue.onClose(stop);
    return queue;
  }

  /** The Session after every change. */
  async sessionChanged(actor: Actor, id: string, close: CloseSubscriber): Promise<AsyncIterableIterator<SessionModel>> {
    const sessions = this.engine.collection<SessionDocument>(SESSIONS);
    let lastSequence = -1;
    const queue = new CoalescingQueue<string, SessionModel>(
      this.capacity,
      async () => {
        const document = await sessions.findOne({ _id: id, organizationId: actor.organizationId });
        if (!document || document.sequence === lastSequence) return null;
        lastSequence = document.sequence;
        return this.present(document, this.clock().toISOString());
      },
      this.overflow(close),
    );
    const stop = this.feed.subscribe(
      (change) => {
        if (change.collection === SESSIONS && change.id === id && change.organizationId === actor.organizationId) queue.push(id);
      },
      () => queue.push(id),
    );
    queue.onClose(stop);
    return queue;
  }

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
      const wake = () => {
        changed = true;
        signal?.();
      };
      const stop = feed.subscribe((change) => {
        if (change.collection === SESSIONS && change.id === sessionId) wake();
      }, wake);
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

  private sectionOf(document: SessionDocument, now: string): CommandCenterSection {
    const active = isActive(document.activeUntil, now);
    if (active) return 'ACTIVE_NOW';
    return isRecent(document, active, now, this.config.windows) ? 'RECENT' : 'GONE';
  }

  private present(document: SessionDocument, now: string): SessionModel {
    return presentSession(document, now, this.config.windows);
  }
}
