import { Inject, Injectable } from '@nestjs/common';
import { Actor, BadUserInputError, TokenUsage } from '@ledger/domain';
import { Projections, PROJECTIONS, USAGE_BUCKETS } from '@ledger/projections';
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
    const match: Filter = {
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
    const rows = await this.projections.collection(USAGE_BUCKETS).aggregate<Record<string, unknown> & { _id: Record<string, unknown> | null }>([
      { $match: match },
      { $group: { _id: Object.keys(key).length ? key : null, principal: { $first: '$principal' }, ...sums } },
      { $sort: { _id: 1 } },
    ]);
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
