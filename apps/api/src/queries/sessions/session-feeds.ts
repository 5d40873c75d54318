import { Inject, Injectable } from '@nestjs/common';
import { Actor, isActive, isRecent, plusSeconds } from '@ledger/domain';
import { CHANGE_FEED, ChangeFeed, PROJECTIONS, Projections, SessionDocument, SESSIONS } from '@ledger/projections';
import { CLOCK, Clock } from '../../platform/clock';
import { LEDGER_CONFIG, LedgerConfig } from '@ledger/runtime';
import { CloseSubscriber, closeWhenSlow, CoalescingQueue } from '../coalescing-queue';
import { SessionFilterInput, SessionFilters } from './session-filter';
import { presentSession, SessionModel } from './session.presenter';

export type CommandCenterSection = 'ACTIVE_NOW' | 'RECENT' | 'GONE';

export interface CommandCenterChange {
  section: CommandCenterSection;
  session: SessionModel;
  at: string;
}

/** WebSocket close code when the change feed lost its place: what the subscriber holds may be stale. */
export const FEED_RESYNC_CLOSE_CODE = 4009;

/**
 * The live views of the sessions read model. Each listens to the change feed (published by the
 * projections after their writes) and reads what changed from the read model, so what it sends
 * is always something a query could read.
 */
@Injectable()
export class SessionFeeds {
  constructor(
    @Inject(CHANGE_FEED) private readonly feed: ChangeFeed,
    @Inject(LEDGER_CONFIG) private readonly config: LedgerConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(PROJECTIONS) private readonly projections: Projections,
    private readonly filters: SessionFilters,
  ) {}

  private get capacity(): number {
    return this.config.live.subscriberBufferSize;
  }

  /** Every change to what commandCenter(filter) returns, including time passing (ACTIVE_NOW -> RECENT -> GONE). */
  async commandCenter(actor: Actor, filter: SessionFilterInput | null, close: CloseSubscriber): Promise<AsyncIterableIterator<CommandCenterChange>> {
    const now = this.clock().toISOString();
    const sessions = this.projections.collection<SessionDocument>(SESSIONS);
    const base = await this.filters.build(actor, filter, now);
    const recentSince = plusSeconds(now, -this.config.windows.recentSeconds);
    // What the subscriber already has: the sections as commandCenter(filter) answers now.
    const known = new Map<string, { section: CommandCenterSection; sequence: number }>();
    for (const document of await sessions.find({ $and: [base, { $or: [{ activeUntil: { $gt: now } }, { lastActivityAt: { $gt: recentSince } }] }] }, { readOnly: true })) {
      known.set(document._id, { section: this.sectionOf(document, now), sequence: document.sequence });
    }
    const queue = new CoalescingQueue<string, CommandCenterChange>(
      this.capacity,
      async (id) => {
        const at = this.clock().toISOString();
        const matching = await sessions.find({ $and: [await this.filters.build(actor, filter, at), { _id: id }] }, { limit: 1, readOnly: true });
        const document = matching[0];
        const previous = known.get(id);
        const section: CommandCenterSection = document ? this.sectionOf(document, at) : 'GONE';
        if (section === 'GONE') {
          if (!previous || previous.section === 'GONE') return null;
          known.delete(id);
          const current = document ?? (await sessions.findOne({ _id: id, organizationId: actor.organizationId }, { readOnly: true }));
          return current ? { section, session: this.present(current, at), at } : null;
        }
        if (previous && previous.section === section && previous.sequence === document!.sequence) return null;
        known.set(id, { section, sequence: document!.sequence });
        return { section, session: this.present(document!, at), at };
      },
      closeWhenSlow(close),
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
    const sessions = this.projections.collection<SessionDocument>(SESSIONS);
    let lastSequence = -1;
    const queue = new CoalescingQueue<string, SessionModel>(
      this.capacity,
      async () => {
        const document = await sessions.findOne({ _id: id, organizationId: actor.organizationId }, { readOnly: true });
        if (!document || document.sequence === lastSequence) return null;
        lastSequence = document.sequence;
        return this.present(document, this.clock().toISOString());
      },
      closeWhenSlow(close),
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

  private sectionOf(document: SessionDocument, now: string): CommandCenterSection {
    const active = isActive(document.activeUntil, now);
    if (active) return 'ACTIVE_NOW';
    return isRecent(document, active, now, this.config.windows) ? 'RECENT' : 'GONE';
  }

  private present(document: SessionDocument, now: string): SessionModel {
    return presentSession(document, now, this.config.windows);
  }
}
