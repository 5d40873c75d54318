import { Inject, Injectable } from '@nestjs/common';
import type { Actor } from '@ledger/domain';
import { MANAGED_AGENTS, ManagedAgentDocument, PROJECTIONS, Projections, SessionDocument, SESSIONS } from '@ledger/projections';
import type { Filter } from '@ledger/read-store';
import { CLOCK, Clock } from '../../platform/clock';
import { LEDGER_CONFIG, LedgerConfig } from '@ledger/runtime';
import { decodeCursor, encodeCursor, requirePageSize } from '../paging';
import { presentSession } from '../sessions/session.presenter';
import { NEWEST_FIRST } from '../sessions/sessions.queries';
import { presentUsage } from '../usage/usage.presenter';

/** The managed agents read model, each with the session it is running now. */
@Injectable()
export class ManagedAgentsQuery {
  constructor(
    @Inject(PROJECTIONS) private readonly projections: Projections,
    @Inject(LEDGER_CONFIG) private readonly config: LedgerConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async managedAgents(actor: Actor, first: number | null | undefined, after: string | null | undefined) {
    const size = requirePageSize(first, 500, 50);
    const cursor = decodeCursor<{ t: string; id: string }>(after, (c) => typeof c.t === 'string' && typeof c.id === 'string');
    const parts: Filter[] = [{ organizationId: actor.organizationId }];
    if (cursor) parts.push({ $or: [{ lastActivityAt: { $lt: cursor.t } }, { lastActivityAt: cursor.t, _id: { $gt: cursor.id } }] });
    const documents = await this.projections
      .collection<ManagedAgentDocument>(MANAGED_AGENTS)
      .find({ $and: parts }, { sort: { lastActivityAt: -1, _id: 1 }, limit: size + 1, readOnly: true });
    const now = this.clock().toISOString();
    const sessions = this.projections.collection<SessionDocument>(SESSIONS);
    const edges = await Promise.all(
      documents.slice(0, size).map(async (document) => {
        const active = await sessions.find(
          { organizationId: actor.organizationId, 'owner.type': 'MANAGED_AGENT', 'owner.id': document.principal.id, activeUntil: { $gt: now } },
          { sort: NEWEST_FIRST, limit: 1, readOnly: true },
        );
        return {
          cursor: encodeCursor({ t: document.lastActivityAt ?? '', id: document._id }),
          node: {
            principal: document.principal,
            sessionCount: document.sessionCount,
            activeSession: active[0] ? presentSession(active[0], now, this.config.windows) : null,
            lastActivityAt: document.lastActivityAt,
            usage: presentUsage(document.usage),
          },
        };
      }),
    );
    return { edges, pageInfo: { hasNextPage: documents.length > size, endCursor: edges.length ? edges[edges.length - 1]!.cursor : (after ?? null) } };
  }
}
