import { Inject, Injectable } from '@nestjs/common';
import { Actor, BadUserInputError, TokenUsage } from '@ledger/domain';
import { Projections, PROJECTIONS, USAGE_BUCKETS, USAGE_DAILY } from '@ledger/projections';
import type { Filter } from '@ledger/read-store';
import { presentUsage } from './usage.presenter';

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

/** The usage ledger: buckets grouped by any of the dimensions over a time range. */
@Injectable()
export class UsageQuery {
  constructor(@Inject(PROJECTIONS) private readonly projections: Projections) {}

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
      ['requests', 'inputTokens', 'outputTokens', 'cacheReadTokens', 'cacheWriteTokens', 'reasoningTokens', 'totalTokens', 'costUsd', 'unpricedRequests', 'reportedCostRequests', 'configuredCostRequests', 'priceTableCostRequests'].map(
        (field) => [field, { $sum: `$usage.${field}` }],
      ),
    );
    const grouped = (collection: string, matching: Filter, groupKey: Record<string, unknown>) =>
      this.projections.collection(collection).aggregate<UsageRow>([
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

