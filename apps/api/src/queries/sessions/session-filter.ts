import { Inject, Injectable } from '@nestjs/common';
import { Actor, BadUserInputError, statusesOfGroup, StatusGroup } from '@ledger/domain';
import { metadataEntry, PinDocument, PINS, principalKey, Projections, PROJECTIONS } from '@ledger/projections';
import type { Filter } from '@ledger/read-store';

export interface SessionFilterInput {
  kinds?: string[] | null;
  statuses?: string[] | null;
  statusGroups?: string[] | null;
  ownerIds?: string[] | null;
  accountIds?: string[] | null;
  initiative?: string | null;
  flowId?: string | null;
  tags?: string[] | null;
  parentSessionId?: string | null;
  activeOnly?: boolean | null;
  pinnedOnly?: boolean | null;
  search?: string | null;
  metadata?: unknown;
  lastActivityAfter?: string | null;
}

export const ATTENTION_STATUSES = statusesOfGroup('ATTENTION').always;

const oneOf = (statuses: string[]) => (statuses.length === 1 ? statuses[0] : { $in: statuses });

/** A status group as a filter: its statuses, and for those whose group depends on Active, the activeUntil range. */
function groupFilters(group: StatusGroup, now: string): Filter[] {
  const { always, whileActive, whileIdle } = statusesOfGroup(group);
  const filters: Filter[] = [];
  if (always.length) filters.push({ status: { $in: always } });
  if (whileActive.length) filters.push({ status: oneOf(whileActive), activeUntil: { $gt: now } });
  if (whileIdle.length) filters.push({ status: oneOf(whileIdle), $or: [{ activeUntil: null }, { activeUntil: { $lte: now } }] });
  return filters;
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The read-model filter of a SessionFilter, always inside the caller's organization: for queries and live views alike. */
@Injectable()
export class SessionFilters {
  constructor(@Inject(PROJECTIONS) private readonly projections: Projections) {}

  /** The Mongo filter for a SessionFilter, always inside the caller's organization. */
  async build(actor: Actor, filter: SessionFilterInput | null | undefined, now: string): Promise<Filter> {
    const and: Filter[] = [{ organizationId: actor.organizationId }];
    if (!filter) return and[0]!;
    if (filter.kinds?.length) and.push({ kind: { $in: filter.kinds } });
    if (filter.statuses?.length) and.push({ status: { $in: filter.statuses } });
    if (filter.statusGroups?.length) {
      and.push({ $or: filter.statusGroups.flatMap((group) => groupFilters(group as StatusGroup, now)) });
    }
    if (filter.ownerIds?.length) and.push({ 'owner.id': { $in: filter.ownerIds } });
    if (filter.accountIds?.length) and.push({ accountId: { $in: filter.accountIds } });
    if (filter.initiative) and.push({ initiative: filter.initiative });
    if (filter.flowId) and.push({ flowId: filter.flowId });
    if (filter.tags?.length) and.push({ tags: { $all: filter.tags } });
    if (filter.parentSessionId) and.push({ parentSessionId: filter.parentSessionId });
    if (filter.activeOnly) and.push({ activeUntil: { $gt: now } });
    if (filter.lastActivityAfter) and.push({ lastActivityAt: { $gt: filter.lastActivityAfter } });
    if (filter.search) {
      if (filter.search.length > 200) throw BadUserInputError.field('filter.search', 'must be at most 200 characters');
      and.push({ searchText: { $regex: escapeRegex(filter.search.toLowerCase()) } });
    }
    if (filter.metadata !== undefined && filter.metadata !== null) {
      if (typeof filter.metadata !== 'object' || Array.isArray(filter.metadata)) {
        throw BadUserInputError.field('filter.metadata', 'must be a JSON object of key -> value');
      }
      for (const key of Object.keys(filter.metadata)) {
        if (!/^[A-Za-z0-9_-]{1,100}$/.test(key)) {
          throw BadUserInputError.field('filter.metadata', `key "${key.slice(0, 100)}" must be letters, digits, _ or -`);
        }
      }
      const entries = Object.entries(filter.metadata as Record<string, unknown>).map(([key, value]) => metadataEntry(key, value));
      if (entries.length) and.push({ metadataEntries: { $all: entries } });
    }
    if (filter.pinnedOnly) {
      const pins = await this.projections.collection<PinDocument>(PINS).find({
        organizationId: actor.organizationId,
        principalKey: principalKey(actor.principal.type, actor.principal.id),
        pinned: true,
      });
      and.push({ _id: { $in: pins.map((pin) => pin.sessionId) } });
    }
    return and.length === 1 ? and[0]! : { $and: and };
  }
}
