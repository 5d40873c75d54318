import { Inject, Injectable } from '@nestjs/common';
import {
  Actor,
  BadUserInputError,
  decodeSessionEvent,
  evolve,
  initialState,
  isSessionId,
  LIFECYCLE_EVENT_TYPES,
  plusSeconds,
  SessionState,
  sessionStreamId,
  TokenUsage,
} from '@ledger/domain';
import { EVENT_STORE, EventStore, formatPosition, RecordedEvent } from '@ledger/event-store';
import {
  MANAGED_AGENTS,
  ManagedAgentDocument,
  metadataEntry,
  PINS,
  PinDocument,
  principalKey,
  ProjectionEngine,
  RUNS,
  RunDocument,
  SESSIONS,
  SessionDocument,
  TOOL_CALLS,
  ToolCallDocument,
  USAGE_BUCKETS,
  USAGE_DAILY,
} from '@ledger/projections';
import type { Filter } from '@ledger/read-store';
import { LEDGER_CONFIG, LedgerConfig } from '../config/ledger-config';
import { CLOCK, Clock } from '../clock';
import { decodeCursor, encodeCursor, requirePageSize } from './cursor';
import { presentRun, presentSession, presentToolCall, presentUsage, RunModel, SessionModel } from './presenters';

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

export interface UsageFilterInput {
  from: string;
  to: string;
  accountIds?: string[] | null;
  flowIds?: string[] | null;
  models?: string[] | null;
  principalIds?: string[] | null;
  sessionIds?: string[] | null;
}

export type UsageDimension = 'ACCOUNT' | 'FLOW' | 'MODEL' | 'PRINCIPAL' | 'SESSION' | 'DAY' | 'HOUR';

const ATTENTION_STATUSES = ['WAITING', 'PAUSED', 'BLOCKED'];
const ALWAYS_ACTIVE_GROUP_STATUSES = ['PENDING', 'QUEUED', 'PROVISIONING', 'RUNNING'];
const GROUP_STATUSES: Record<string, string[]> = {
  ATTENTION: ATTENTION_STATUSES,
  SUCCESS: ['COMPLETED', 'ENDED', 'CANCELLED'],
  PROBLEM: ['FAILED', 'REJECTED', 'TIMED_OUT'],
};

interface SessionCursor extends Record<string, unknown> {
  phase: 0 | 1;
  t: string;
  id: string;
  now: string;
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Rows sorted newest activity first, strictly after a (lastActivityAt, _id) key. */
function afterKey(t: string, id: string): Filter {
  return { $or: [{ lastActivityAt: { $lt: t } }, { lastActivityAt: t, _id: { $lt: id } }] };
}

const NEWEST_FIRST = { lastActivityAt: -1, _id: -1 } as const;

/**
 * Every read of the contract. Reads go to the read models only, scoped to the caller's
 * organization in every filter; the timeline and sessionAsOf read the event store by design.
 */
@Injectable()
export class SessionQueries {
  constructor(
    private readonly engine: ProjectionEngine,
    @Inject(EVENT_STORE) private readonly store: EventStore,
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
    const document = await this.engine.collection<SessionDocument>(SESSIONS).findOne({ _id: id, organizationId: actor.organizationId });
    return document ? this.present(document) : null;
  }

  async children(actor: Actor, parentId: string): Promise<SessionModel[]> {
    const now = this.now();
    const documents = await this.engine
      .collection<SessionDocument>(SESSIONS)
      .find({ organizationId: actor.organizationId, parentSessionId: parentId }, { sort: NEWEST_FIRST, limit: 1000 });
    return documents.map((document) => this.present(document, now));
  }

  /** The Mongo filter for a SessionFilter, always inside the caller's organization. */
  async sessionFilter(actor: Actor, filter: SessionFilterInput | null | undefined, now: string): Promise<Filter> {
    const and: Filter[] = [{ organizationId: actor.organizationId }];
    if (!filter) return and[0]!;
    if (filter.kinds?.length) and.push({ kind: { $in: filter.kinds } });
    if (filter.statuses?.length) and.push({ status: { $in: filter.statuses } });
    if (filter.statusGroups?.length) {
      const groups: Filter[] = [];
      for (const group of filter.statusGroups) {
        if (group === 'ACTIVE') {
          groups.push({ status: { $in: ALWAYS_ACTIVE_GROUP_STATUSES } }, { status: 'OPEN', activeUntil: { $gt: now } });
        } else if (group === 'IDLE') {
          groups.push({ status: 'OPEN', $or: [{ activeUntil: null }, { activeUntil: { $lte: now } }] });
        } else if (GROUP_STATUSES[group]) {
          groups.push({ status: { $in: GROUP_STATUSES[group] } });
        }
      }
      and.push({ $or: groups });
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
      const pins = await this.engine.collection<PinDocument>(PINS).find({
        organizationId: actor.organizationId,
        principalKey: principalKey(actor.principal.type, actor.principal.id),
        pinned: true,
      });
      and.push({ _id: { $in: pins.map((pin) => pin.sessionId) } });
    }
    return and.length === 1 ? and[0]! : { $and: and };
  }

  /** Active first, then by last activity, newest first; keyset cursors within each part. */
  async sessions(actor: Actor, filter: SessionFilterInput | null | undefined, first: number | null | undefined, after: string | null | undefined) {
    const size = requirePageSize(first, 500, 50);
    const cursor = decodeCursor<SessionCursor>(after, (c) => (c.phase === 0 || c.phase === 1) && typeof c.t === 'string' && typeof c.id === 'string' && typeof c.now === 'string');
    const now = cursor?.now ?? this.now();
    const base = await this.sessionFilter(actor, filter, now);
    const collection = this.engine.collection<SessionDocument>(SESSIONS);
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
      const documents = await collection.find({ $and: parts }, { sort: NEWEST_FIRST, limit: want });
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
    const base = await this.sessionFilter(actor, filter, now);
    const recentSince = plusSeconds(now, -this.config.windows.recentSeconds);
    const collection = this.engine.collection<SessionDocument>(SESSIONS);
    const active: Filter = { $and: [base, { activeUntil: { $gt: now } }] };
    const recent: Filter = {
      $and: [base, { lastActivityAt: { $gt: recentSince } }, { $or: [{ activeUntil: null }, { activeUntil: { $lte: now } }] }],
    };
    // Attention among what the Command Center shows, counted as two index-bounded parts: the
    // active ones, and the recent ones that are not active.
    const attentionActive: Filter = { $and: [active, { status: { $in: ATTENTION_STATUSES } }] };
    const attentionRecent: Filter = { $and: [recent, { status: { $in: ATTENTION_STATUSES } }] };
    const [activeNow, recentRows, activeCount, recentCount, attentionActiveCount, attentionRecentCount] = await Promise.all([
      collection.find(active, { sort: NEWEST_FIRST, limit: size }),
      collection.find(recent, { sort: NEWEST_FIRST, limit: size }),
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

  async run(actor: Actor, id: string): Promise<RunModel | null> {
    const [document] = await this.engine
      .collection<RunDocument>(RUNS)
      .find({ organizationId: actor.organizationId, runId: id }, { sort: { startedAt: -1 }, limit: 1 });
    return document ? presentRun(document) : null;
  }

  async runOfSession(actor: Actor, sessionId: string, runId: string): Promise<RunModel | null> {
    const document = await this.engine
      .collection<RunDocument>(RUNS)
      .findOne({ _id: `${sessionId}/${runId}`, organizationId: actor.organizationId });
    return document ? presentRun(document) : null;
  }

  async runs(organizationId: string, sessionId: string, first: number | null | undefined, after: string | null | undefined) {
    const size = requirePageSize(first, 500, 50);
    const cursor = decodeCursor<{ t: string; id: string }>(after, (c) => typeof c.t === 'string' && typeof c.id === 'string');
    const parts: Filter[] = [{ organizationId, sessionId }];
    if (cursor) parts.push({ $or: [{ startedAt: { $gt: cursor.t } }, { startedAt: cursor.t, _id: { $gt: cursor.id } }] });
    const documents = await this.engine
      .collection<RunDocument>(RUNS)
      .find({ $and: parts }, { sort: { startedAt: 1, _id: 1 }, limit: size + 1 });
    const edges = documents.slice(0, size).map((document) => ({
      cursor: encodeCursor({ t: document.startedAt, id: document._id }),
      node: presentRun(document),
    }));
    return { edges, pageInfo: { hasNextPage: documents.length > size, endCursor: edges.length ? edges[edges.length - 1]!.cursor : (after ?? null) } };
  }

  async toolCalls(run: RunModel) {
    const documents = await this.engine
      .collection<ToolCallDocument>(TOOL_CALLS)
      .find({ organizationId: run.organizationId, sessionId: run.sessionId, runId: run.id }, { sort: { startedAt: 1, _id: 1 } });
    return documents.map(presentToolCall);
  }

  async usage(actor: Actor, filter: UsageFilterInput, groupBy: UsageDimension[]) {
    if (!(filter.from < filter.to)) throw BadUserInputError.field('filter.to', 'must be after filter.from');
    const match: Filter & { bucketStart: { $gte: string; $lt: string } } = {
      organizationId: actor.organizationId,
      bucketStart: { $gte: `${filter.from.slice(0, 13)}:00:00.000Z`, $lt: filter.to },
    };
    if (filter.accountIds?.length) match.accountId = { $in: filter.accountIds };
    if (filter.flowIds?.length) match.flowId = { $in: filter.flowIds };
    if (filter.models?.length) match.model = { $in: filter.models };
    if (filter.principalIds?.length) match['principal.id'] = { $in: filter.principalIds };
    if (filter.sessionIds?.length) match.sessionId = { $in: filter.sessionIds };
    const dimensions = [...new Set(groupBy)];
    const key: Record<string, unknown> = {};
    for (const dimension of dimensions) {
      switch (dimension) {
        case 'ACCOUNT':
          key.accountId = '$accountId';
          break;
        case 'FLOW':
          key.flowId = '$flowId';
          break;
        case 'MODEL':
          key.model = '$model';
          break;
        case 'PRINCIPAL':
          key.principalKey = '$principalKey';
          break;
        case 'SESSION':
          key.sessionId = '$sessionId';
          break;
        case 'DAY':
          // With HOUR as well, the hour decides: it determines the day.
          if (!dimensions.includes('HOUR')) key.bucketStart = { $concat: [{ $substrCP: ['$bucketStart', 0, 10] }, 'T00:00:00.000Z'] };
          break;
        case 'HOUR':
          key.bucketStart = '$bucketStart';
          break;
        default: {
          const _never: never = dimension;
          throw BadUserInputError.field('groupBy', `unknown dimension ${String(_never)}`);
        }
      }
    }
    const sums = Object.fromEntries(
      ['requests', 'inputTokens', 'outputTokens', 'cacheReadTokens', 'cacheWriteTokens', 'reasoningTokens', 'totalTokens', 'costUsd', 'unpricedRequests'].map(
        (field) => [field, { $sum: `$usage.${field}` }],
      ),
    );
    const grouped = (collection: string, matching: Filter, groupKey: Record<string, unknown>) =>
      this.engine.collection(collection).aggregate<UsageRow>([
        { $match: matching },
        { $group: { _id: Object.keys(groupKey).length ? groupKey : null, principal: { $first: '$principal' }, ...sums } },
        { $sort: { _id: 1 } },
      ]);
    const days = dailyRollupSpan(filter, groupBy, match);
    let rows: UsageRow[];
    if (days === null) rows = await grouped(USAGE_BUCKETS, match, key);
    else {
      // Whole days from the (organization, day, model) roll-up, the hours at either end from the buckets.
      const dailyKey: Record<string, unknown> = {};
      for (const field of Object.keys(key)) dailyKey[field] = field === 'bucketStart' ? '$day' : key[field];
      const { bucketStart: _range, ...rest } = match;
      const daily = { ...rest, day: { $gte: days.from, $lt: days.to } };
      const before = { ...rest, bucketStart: { $gte: match.bucketStart.$gte, $lt: days.from } };
      const after = { ...rest, bucketStart: { $gte: days.to, $lt: filter.to } };
      rows = mergeUsageRows(
        [...(await grouped(USAGE_DAILY, daily, dailyKey)), ...(await grouped(USAGE_BUCKETS, before, key)), ...(await grouped(USAGE_BUCKETS, after, key))],
        Object.keys(sums),
      );
    }
    return rows.map((row) => {
      const id = row._id ?? {};
      const usage = presentUsage(Object.fromEntries(Object.keys(sums).map((field) => [field, Number(row[field] ?? 0)])) as unknown as TokenUsage);
      return {
        accountId: id.accountId ?? null,
        flowId: id.flowId ?? null,
        model: id.model ?? null,
        principal: 'principalKey' in id ? row.principal : null,
        sessionId: id.sessionId ?? null,
        bucketStart: id.bucketStart ?? null,
        usage,
      };
    });
  }

  async managedAgents(actor: Actor, first: number | null | undefined, after: string | null | undefined) {
    const size = requirePageSize(first, 500, 50);
    const cursor = decodeCursor<{ t: string; id: string }>(after, (c) => typeof c.t === 'string' && typeof c.id === 'string');
    const parts: Filter[] = [{ organizationId: actor.organizationId }];
    if (cursor) parts.push({ $or: [{ lastActivityAt: { $lt: cursor.t } }, { lastActivityAt: cursor.t, _id: { $gt: cursor.id } }] });
    const documents = await this.engine
      .collection<ManagedAgentDocument>(MANAGED_AGENTS)
      .find({ $and: parts }, { sort: { lastActivityAt: -1, _id: 1 }, limit: size + 1 });
    const now = this.now();
    const sessions = this.engine.collection<SessionDocument>(SESSIONS);
    const edges = await Promise.all(
      documents.slice(0, size).map(async (document) => {
        const active = await sessions.find(
          { organizationId: actor.organizationId, 'owner.type': 'MANAGED_AGENT', 'owner.id': document.principal.id, activeUntil: { $gt: now } },
          { sort: NEWEST_FIRST, limit: 1 },
        );
        return {
          cursor: encodeCursor({ t: document.lastActivityAt ?? '', id: document._id }),
          node: {
            principal: document.principal,
            sessionCount: document.sessionCount,
            activeSession: active[0] ? this.present(active[0], now) : null,
            lastActivityAt: document.lastActivityAt,
            usage: presentUsage(document.usage),
          },
        };
      }),
    );
    return { edges, pageInfo: { hasNextPage: documents.length > size, endCursor: edges.length ? edges[edges.length - 1]!.cursor : (after ?? null) } };
  }

  /** The session's organization, read from its first event; null when it does not exist. */
  private async streamOrganization(sessionId: string): Promise<string | null> {
    const [first] = await this.store.readStream(sessionStreamId(sessionId), { fromRevision: 0, limit: 1 });
    return first ? first.metadata.organizationId : null;
  }

  async timeline(
    actor: Actor,
    sessionId: string,
    after: number,
    first: number,
    types: string[] | null | undefined,
    runId: string | null | undefined,
  ) {
    if (!Number.isInteger(after) || after < -1) throw BadUserInputError.field('after', 'must be -1 or a sequence the client has seen');
    const size = requirePageSize(first, 1000, 100);
    if (!isSessionId(sessionId) || (await this.streamOrganization(sessionId)) !== actor.organizationId) {
      return { events: [], lastSequence: after, hasMore: false };
    }
    const wanted = types?.length ? new Set(types) : null;
    const matches = (event: RecordedEvent) => (!wanted || wanted.has(event.type)) && (!runId || timelineRunId(event) === runId);
    const events: ReturnType<typeof toTimelineEvent>[] = [];
    let from = after + 1;
    let hasMore = false;
    const chunk = Math.max(size + 1, 200);
    for (;;) {
      const batch = await this.store.readStream(sessionStreamId(sessionId), { fromRevision: from, limit: chunk });
      for (const event of batch) {
        if (!matches(event)) continue;
        if (events.length === size) {
          hasMore = true;
          break;
        }
        events.push(toTimelineEvent(sessionId, event));
      }
      if (hasMore || batch.length < chunk) break;
      from = batch[batch.length - 1]!.revision + 1;
    }
    return { events, lastSequence: events.length ? events[events.length - 1]!.sequence : after, hasMore };
  }

  /** The session as it stood after `sequence`, or at instant `at`, folded with the domain's evolve. */
  async sessionAsOf(actor: Actor, id: string, sequence: number | null | undefined, at: string | null | undefined): Promise<SessionModel | null> {
    if (sequence === null || sequence === undefined) {
      if (!at) throw BadUserInputError.field('sequence', 'give sequence or at');
    } else if (!Number.isInteger(sequence) || sequence < 0) {
      throw BadUserInputError.field('sequence', 'must be 0 or more');
    }
    if (!isSessionId(id)) return null;
    let state: SessionState = initialState();
    let from = 0;
    const limit = sequence === null || sequence === undefined ? 1000 : Math.min(1000, sequence + 1);
    outer: for (;;) {
      const batch = await this.store.readStream(sessionStreamId(id), { fromRevision: from, limit });
      for (const event of batch) {
        if (sequence !== null && sequence !== undefined && event.revision > sequence) break outer;
        if (at && event.recordedAt.toISOString() > at) break outer;
        state = evolve(state, decodeSessionEvent(event), event.revision);
      }
      if (batch.length < limit) break;
      from = batch[batch.length - 1]!.revision + 1;
    }
    const view = state.view;
    if (!view || view.organizationId !== actor.organizationId) return null;
    return presentSession(view, at ?? this.now(), this.config.windows);
  }

  projections() {
    return this.engine.statuses(this.clock().getTime());
  }
}

function timelineRunId(event: RecordedEvent): string | null {
  const data = event.data as { runId?: unknown };
  return typeof data.runId === 'string' ? data.runId : null;
}

const LIFECYCLE: ReadonlySet<string> = new Set(LIFECYCLE_EVENT_TYPES);

export function toTimelineEvent(sessionId: string, recorded: RecordedEvent) {
  const event = decodeSessionEvent(recorded);
  const data = LIFECYCLE.has(event.type) ? event.data : (event.data as { data: unknown }).data;
  return {
    sessionId,
    sequence: recorded.revision,
    position: formatPosition(recorded.position),
    id: event.clientId ?? recorded.id,
    type: recorded.type,
    runId: timelineRunId(recorded),
    at: event.at,
    recordedAt: recorded.recordedAt.toISOString(),
    actor: recorded.metadata.actor,
    data,
  };
}

type UsageRow = Record<string, unknown> & { _id: Record<string, unknown> | null };

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;

/**
 * The whole UTC days [from, to) inside the query's hours, when the daily roll-up can answer it:
 * grouped by nothing, MODEL and/or DAY, filtered by nothing but the models. Null otherwise (or
 * when no whole day fits), and the hourly buckets answer alone.
 */
function dailyRollupSpan(filter: UsageFilterInput, groupBy: UsageDimension[], match: Filter & { bucketStart: { $gte: string } }): { from: string; to: string } | null {
  if (!groupBy.every((dimension) => dimension === 'MODEL' || dimension === 'DAY')) return null;
  if (filter.accountIds?.length || filter.flowIds?.length || filter.principalIds?.length || filter.sessionIds?.length) return null;
  if (!ISO_INSTANT.test(filter.to) || !ISO_INSTANT.test(match.bucketStart.$gte)) return null;
  const fromHour = Date.parse(match.bucketStart.$gte);
  const to = Date.parse(filter.to);
  const firstDay = Math.ceil(fromHour / DAY_MS) * DAY_MS;
  // A day is whole when its last hour's bucket starts before `to`.
  const endDay = Math.ceil((to - 23 * HOUR_MS) / DAY_MS) * DAY_MS;
  if (!(firstDay < endDay)) return null;
  return { from: new Date(firstDay).toISOString(), to: new Date(endDay).toISOString() };
}

/** Rows of the same grouping from two sources, summed per key, in the order $sort: { _id: 1 } gives. */
function mergeUsageRows(rows: UsageRow[], fields: string[]): UsageRow[] {
  const merged = new Map<string, UsageRow>();
  for (const row of rows) {
    const id = JSON.stringify(row._id);
    const into = merged.get(id);
    if (into === undefined) merged.set(id, { ...row });
    else for (const field of fields) into[field] = Number(into[field] ?? 0) + Number(row[field] ?? 0);
  }
  const compare = (a: unknown, b: unknown): number => (a === b ? 0 : a === null || a === undefined ? -1 : b === null || b === undefined ? 1 : String(a) < String(b) ? -1 : 1);
  return [...merged.values()].sort((a, b) => {
    // Key fields in name order, as the embedded store's $sort compares _id documents.
    for (const field of Object.keys(a._id ?? {}).sort()) {
      const order = compare(a._id?.[field], b._id?.[field]);
      if (order !== 0) return order;
    }
    return 0;
  });
}

