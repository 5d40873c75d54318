/** Token usage and its cost, as the ledger adds it up. */
export interface TokenUsage {
  requests: number;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  reasoningTokens: number;
  totalTokens: number;
  costUsd: number;
  unpricedRequests: number;
}

export const ZERO_USAGE: Readonly<TokenUsage> = Object.freeze({
  requests: 0,
  inputTokens: 0,
  outputTokens: 0,
  cacheReadTokens: 0,
  cacheWriteTokens: 0,
  reasoningTokens: 0,
  totalTokens: 0,
  costUsd: 0,
  unpricedRequests: 0,
});

export interface ModelUsageData {
  model: string;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens?: number;
  cacheWriteTokens?: number;
  reasoningTokens?: number;
  costUsd?: number;
}

/** Where a request's cost came from; fixed when the event is recorded, so replays agree. */
export type PricingSource = 'reported' | 'price-table' | 'unpriced';

export interface Pricing {
  costUsd: number;
  source: PricingSource;
}

/** USD per million tokens, per model. */
export interface ModelPrice {
  inputPerMTok: number;
  outputPerMTok: number;
  cacheReadPerMTok?: number;
  cacheWritePerMTok?: number;
}
export type PriceTable = Record<string, ModelPrice>;

/** The reporter's costUsd when given, else the price table, else unpriced (0, and counted). */
export function priceModelUsage(usage: ModelUsageData, prices: PriceTable): Pricing {
  if (typeof usage.costUsd === 'number') return { costUsd: usage.costUsd, source: 'reported' };
  const price = prices[usage.model];
  if (!price) return { costUsd: 0, source: 'unpriced' };
  const cost =
    (usage.inputTokens * price.inputPerMTok +
      usage.outputTokens * price.outputPerMTok +
      (usage.cacheReadTokens ?? 0) * (price.cacheReadPerMTok ?? price.inputPerMTok) +
      (usage.cacheWriteTokens ?? 0) * (price.cacheWritePerMTok ?? price.inputPerMTok)) /
    1_000_000;
  return { costUsd: roundUsd(cost), source: 'price-table' };
}

/** Micro-dollar precision keeps sums of many small costs stable across replays. */
export function roundUsd(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

/**
 * One request's contribution. totalTokens counts input, output and cache tokens; reasoning
 * tokens are reported as a breakdown of output tokens, so they are not added again.
 */
export function usageOf(data: ModelUsageData, pricing: Pricing): TokenUsage {
  const cacheReadTokens = data.cacheReadTokens ?? 0;
  const cacheWriteTokens = data.cacheWriteTokens ?? 0;
  return {
    requests: 1,
    inputTokens: data.inputTokens,
    outputTokens: data.outputTokens,
    cacheReadTokens,
    cacheWriteTokens,
    reasoningTokens: data.reasoningTokens ?? 0,
    totalTokens: data.inputTokens + data.outputTokens + cacheReadTokens + cacheWriteTokens,
    costUsd: pricing.costUsd,
    unpricedRequests: pricing.source === 'unpriced' ? 1 : 0,
  };
}

export function addUsage(a: TokenUsage, b: TokenUsage): TokenUsage {
  return {
    requests: a.requests + b.requests,
    inputTokens: a.inputTokens + b.inputTokens,
    outputTokens: a.outputTokens + b.outputTokens,
    cacheReadTokens: a.cacheReadTokens + b.cacheReadTokens,
    cacheWriteTokens: a.cacheWriteTokens + b.cacheWriteTokens,
    reasoningTokens: a.reasoningTokens + b.reasoningTokens,
    totalTokens: a.totalTokens + b.totalTokens,
    costUsd: roundUsd(a.costUsd + b.costUsd),
    unpricedRequests: a.unpricedRequests + b.unpricedRequests,
  };
}

/**
 * The usage one recorded MODEL_USAGE event adds: priced as fixed at ingest, or for an event stored
 * without a price, from the reporter's own costUsd (else unpriced).
 */
export function usageOfRecorded(recorded: { data: Record<string, unknown>; pricing?: Pricing }): TokenUsage {
  const data = recorded.data as unknown as ModelUsageData;
  const pricing: Pricing = recorded.pricing ?? (typeof data.costUsd === 'number' ? { costUsd: data.costUsd, source: 'reported' } : { costUsd: 0, source: 'unpriced' });
  return usageOf(data, pricing);
}
