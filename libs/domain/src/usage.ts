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
  /** Requests priced by the reporter's own costUsd. */
  reportedCostRequests: number;
  /** Requests priced from the operator's LEDGER_MODEL_PRICES. */
  configuredCostRequests: number;
  /** Requests priced from the maintained price table. */
  priceTableCostRequests: number;
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
  reportedCostRequests: 0,
  configuredCostRequests: 0,
  priceTableCostRequests: 0,
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

/**
 * Where a request's cost came from, fixed when the event is recorded so replays agree: the
 * reporter's costUsd, the operator's LEDGER_MODEL_PRICES, the maintained price table, or none.
 */
export type PricingSource = 'REPORTED' | 'CONFIGURED' | 'PRICE_TABLE' | 'UNPRICED';
export const PRICING_SOURCES: readonly PricingSource[] = ['REPORTED', 'CONFIGURED', 'PRICE_TABLE', 'UNPRICED'];

/** A unit price as the table states it: USD per million tokens, or a base with tiers by prompt size. */
export type UnitPrice = number | { base: number; tiers: { start: number; price: number }[] };

/** USD per million tokens of each kind, as used for one request. */
export interface UnitPrices {
  inputPerMTok?: UnitPrice;
  outputPerMTok?: UnitPrice;
  cacheReadPerMTok?: UnitPrice;
  cacheWritePerMTok?: UnitPrice;
}

export interface Pricing {
  costUsd: number;
  source: PricingSource;
  /** PRICE_TABLE: the table and its version, e.g. "@pydantic/genai-prices@0.1.8". */
  table?: string;
  /** PRICE_TABLE: the table's model the reported model matched, and its provider. */
  pricedModel?: string;
  provider?: string;
  /** CONFIGURED and PRICE_TABLE: the unit prices the cost was computed from. */
  unitPrices?: UnitPrices;
}

/** USD per million tokens, per model. */
export interface ModelPrice {
  inputPerMTok: number;
  outputPerMTok: number;
  cacheReadPerMTok?: number;
  cacheWritePerMTok?: number;
}
export type PriceTable = Record<string, ModelPrice>;

/**
 * A maintained price table (a port: the adapter wraps a package from the registry). `price` is
 * deterministic for one version of the table: the same usage at the same instant gives the same
 * answer, so the caller can freeze it in the event.
 */
export interface PriceTableLookup {
  /** Name and version, recorded in every event priced from it. */
  readonly version: string;
  price(usage: ModelUsageData, at: string): { costUsd: number; pricedModel: string; provider: string; unitPrices: UnitPrices } | null;
}

/**
 * The reporter's costUsd when given, else the operator's table (LEDGER_MODEL_PRICES), else the
 * maintained price table, else unpriced (0, and counted). `at` is when the request happened:
 * tables that change prices over time are read as of then.
 */
export function priceModelUsage(usage: ModelUsageData, prices: PriceTable, table: PriceTableLookup | null = null, at?: string): Pricing {
  if (typeof usage.costUsd === 'number') return { costUsd: usage.costUsd, source: 'REPORTED' };
  const price = prices[usage.model];
  if (price) {
    const cost =
      (usage.inputTokens * price.inputPerMTok +
        usage.outputTokens * price.outputPerMTok +
        (usage.cacheReadTokens ?? 0) * (price.cacheReadPerMTok ?? price.inputPerMTok) +
        (usage.cacheWriteTokens ?? 0) * (price.cacheWritePerMTok ?? price.inputPerMTok)) /
      1_000_000;
    const unitPrices: UnitPrices = {
      inputPerMTok: price.inputPerMTok,
      outputPerMTok: price.outputPerMTok,
      cacheReadPerMTok: price.cacheReadPerMTok ?? price.inputPerMTok,
      cacheWritePerMTok: price.cacheWritePerMTok ?? price.inputPerMTok,
    };
    return { costUsd: roundUsd(cost), source: 'CONFIGURED', unitPrices };
  }
  const found = table && at ? table.price(usage, at) : null;
  if (found) {
    return {
      costUsd: roundUsd(found.costUsd),
      source: 'PRICE_TABLE',
      table: table!.version,
      pricedModel: found.pricedModel,
      provider: found.provider,
      unitPrices: found.unitPrices,
    };
  }
  return { costUsd: 0, source: 'UNPRICED' };
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
    unpricedRequests: pricing.source === 'UNPRICED' ? 1 : 0,
    reportedCostRequests: pricing.source === 'REPORTED' ? 1 : 0,
    configuredCostRequests: pricing.source === 'CONFIGURED' ? 1 : 0,
    priceTableCostRequests: pricing.source === 'PRICE_TABLE' ? 1 : 0,
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
    reportedCostRequests: a.reportedCostRequests + b.reportedCostRequests,
    configuredCostRequests: a.configuredCostRequests + b.configuredCostRequests,
    priceTableCostRequests: a.priceTableCostRequests + b.priceTableCostRequests,
  };
}

/**
 * The usage one recorded MODEL_USAGE event adds: priced as fixed at ingest, or for an event stored
 * without a price, from the reporter's own costUsd (else unpriced).
 */
export function usageOfRecorded(recorded: { data: Record<string, unknown>; pricing?: Pricing }): TokenUsage {
  const data = recorded.data as unknown as ModelUsageData;
  const pricing: Pricing = recorded.pricing ?? (typeof data.costUsd === 'number' ? { costUsd: data.costUsd, source: 'REPORTED' } : { costUsd: 0, source: 'UNPRICED' });
  return usageOf(data, pricing);
}
