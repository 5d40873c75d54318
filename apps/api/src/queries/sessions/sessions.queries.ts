import { Inject, Injectable } from '@nestjs/common';
import { Actor, isSessionId, plusSeconds } from '@ledger/domain';
import { PROJECTIONS, Projections, SessionDocument, SESSIONS } from '@ledger/projections';
import type { Filter } from '@ledger/read-store';
import { CLOCK, Clock } from '../../platform/clock';
import { LEDGER_CONFIG, LedgerConfig } from '@ledger/runtime';
import { decodeCursor, encodeCursor, requirePageSize } from '../paging';
import { ATTENTION_STATUSES, SessionFilterInput, SessionFilters } from './session-filter';
import { presentSession, SessionModel } from './session.presenter';

interface SessionCursor extends Record<string, unknown> {
  phase: 0 | 1;
  t: string;
  id: string;
  now: string;
}

/** Rows sorted newest activity first, strictly after a (lastActivityAt, _id) key. */
function afterKey(t: string, id: string): Filter {
  return { $or: [{ lastActivityAt: { $lt: t } }, { lastActivityAt: t, _id: { $lt: id } }] };
}

export const NEWEST_FIRST = { lastActivityAt: -1, _id: -1 } as const;

/** The sessions read model: a session, its children, the sessions list and the Command Center. */
@Injectable()
export class SessionQueries {
  constructor(
    @Inject(PROJECTIONS) private readonly projections: Projections,
    private readonly filters: SessionFilters,
    @Inject(LEDGER_CONFIG) private readonly config: LedgerConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  private now(): string {
    return this.clock().toISOString();
  }

  private present(document: SessionDocument, now = this.now()): SessionModel {
    return presentSession(document, now, this.config.windows);
  }

  async session(actor: Actor, id: string): Promise<SessionModel | null> {
    if (!isSessionId(id)) return null;
    const document = await this.projections.collection<SessionDocument>(SESSIONS).findOne({ _id: id, organizationId: actor.organizationId }, { readOnly: true });
    return document ? this.present(document) : null;
  }

  async children(actor: Actor, parentId: string): Promise<SessionModel[]> {
    const now = this.now();
    const documents = await this.projections
      .collection<SessionDocument>(SESSIONS)
      .find({ organizationId: actor.organizationId, parentSessionId: parentId }, { sort: NEWEST_FIRST, limit: 1000, readOnly: true });
    return documents.map((document) => this.present(document, now));
  }

  /** Active first, then by last activity, newest first; keyset cursors within each part. */
  async sessions(actor: Actor, filter: SessionFilterInput | null | undefined, first: number | null | undefined, after: string | null | undefined) {
    const size = requirePageSize(first, 500, 50);
    const cursor = decodeCursor<SessionCursor>(after, (c) => (c.phase === 0 || c.phase === 1) && typeof c.t === 'string' && typeof c.id === 'string' && typeof c.now === 'string');
    const now = cursor?.now ?? this.now();
    const base = await this.filters.build(actor, filter, now);
    const collection = this.projections.collection<SessionDocument>(SESSIONS);
    const phases: Filter[] = [
      { activeUntil: { $gt: now } },
      { $or: [{ activeUntil: null }, { activeUntil: { $lte: now } }] },
    ];
    const rows: { document: SessionDocument; phase: 0 | 1 }[] = [];
    for (const phase of [0, 1] as const) {
      if (cursor && phase < cursor.phase) continue;
      const want = size + 1 - rows.length;
      if (want <= 0) break;
      const parts: Filter[] = [base, phases[phase]!];
      if (cursor && cursor.phase === phase) parts.push(afterKey(cursor.t, cursor.id));
      const documents = await collection.find({ $and: parts }, { sort: NEWEST_FIRST, limit: want, readOnly: true });
      rows.push(...documents.map((document) => ({ document, phase })));
    }
    const page = rows.slice(0, size);
    const edges = page.map(({ document, phase }) => ({
      cursor: encodeCursor({ phase, t: document.lastActivityAt, id: document._id, now }),
      node: this.present(document, now),
    }));
    return {
      edges,
      pageInfo: { hasNextPage: rows.length > size, endCursor: edges.length ? edges[edges.length - 1]!.cursor : (after ?? null) },
      totalCount: await collection.count(base),
    };
  }

  async commandCenter(actor: Actor, filter: SessionFilterInput | null | undefined, limit: number | null | undefined) {
    const size = requirePageSize(limit, 1000, 100);
    const now = this.now();
    const base = await this.filters.build(actor, filter, now);
    const recentSince = plusSeconds(now, -this.config.windows.recentSeconds);
    const collection = this.projections.collection<SessionDocument>(SESSIONS);
    const active: Filter = { $and: [base, { activeUntil: { $gt: now } }] };
    const recent: Filter = {
      $and: [base, { lastActivityAt: { $gt: recentSince } }, { $or: [{ activeUntil: null }, { activeUntil: { $lte: now } }] }],
    };
    // Attention among what the Command Center shows, counted as two index-bounded parts: the
    // active ones, and the recent ones that are not active.
    const attentionActive: Filter = { $and: [active, { status: { $in: ATTENTION_STATUSES } }] };
    const attentionRecent: Filter = { $and: [recent, { status: { $in: ATTENTION_STATUSES } }] };
    if (Object.keys(base).length === 1 && typeof base.organizationId === 'string') {
      // The whole organization: the counts come from index ranges, with no document read, less
      // the active sessions (few, and read anyway): recent = active in the last 24 h and not active now.
      const everyActive = await collection.find(active, { sort: NEWEST_FIRST, readOnly: true });
      const activeLately = everyActive.filter((document) => document.lastActivityAt > recentSince);
      const attention = (document: SessionDocument) => ATTENTION_STATUSES.includes(document.status);
      const lately = { $gt: recentSince };
      const [recentRows, lateCount, lateAttentionCount] = await Promise.all([
        collection.find(recent, { sort: NEWEST_FIRST, limit: size, readOnly: true }),
        collection.count({ organizationId: base.organizationId, lastActivityAt: lately }),
        collection.count({ organizationId: base.organizationId, status: { $in: ATTENTION_STATUSES }, lastActivityAt: lately }),
      ]);
      return {
        activeNow: everyActive.slice(0, size).map((document) => this.present(document, now)),
        recent: recentRows.map((document) => this.present(document, now)),
        counts: {
          active: everyActive.length,
          attention: everyActive.filter(attention).length + lateAttentionCount - activeLately.filter(attention).length,
          recent: lateCount - activeLately.length,
        },
        generatedAt: now,
      };
    }
    const [activeNow, recentRows, activeCount, recentCount, attentionActiveCount, attentionRecentCount] = await Promise.all([
      collection.find(active, { sort: NEWEST_FIRST, limit: size, readOnly: true }),
      collection.find(recent, { sort: NEWEST_FIRST, limit: size, readOnly: true }),
      collection.count(active),
      collection.count(recent),
      collection.count(attentionActive),
      collection.count(attentionRecent),
    ]);
    const attentionCount = attentionActiveCount + attentionRecentCount;
    return {
      activeNow: activeNow.map((document) => this.present(document, now)),
      recent: recentRows.map((document) => this.present(document, now)),
      counts: { active: activeCount, attention: attentionCount, recent: recentCount },
      generatedAt: now,
    };
  }
}
