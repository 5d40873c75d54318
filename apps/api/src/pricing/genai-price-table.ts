import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { calcPrice } from '@pydantic/genai-prices';
import type { ModelUsageData, PriceTableLookup, UnitPrice, UnitPrices } from '@ledger/domain';
import { LEDGER_CONFIG, LedgerConfig } from '@ledger/runtime';

export const PRICE_TABLE = Symbol('PRICE_TABLE');

/** The maintained table LEDGER_PRICE_TABLE selects (null for "none"). */
export const priceTableProvider = {
  provide: PRICE_TABLE,
  inject: [LEDGER_CONFIG],
  useFactory: (config: LedgerConfig): PriceTableLookup | null => (config.priceTable === 'genai-prices' ? new GenaiPriceTable() : null),
};

/** The installed version of the package: the table's version, frozen into every event it prices. */
function installedVersion(): string {
  const main = require.resolve('@pydantic/genai-prices');
  const manifest = JSON.parse(readFileSync(join(dirname(main), '..', 'package.json'), 'utf8')) as { name: string; version: string };
  return `${manifest.name}@${manifest.version}`;
}

function unitPrice(value: unknown): UnitPrice | undefined {
  if (typeof value === 'number') return value;
  if (value && typeof value === 'object' && 'base' in value) {
    const tiered = value as { base: number; tiers: { start: number; price: number }[] };
    return { base: tiered.base, tiers: tiered.tiers.map((tier) => ({ start: tier.start, price: tier.price })) };
  }
  return undefined;
}

/**
 * `@pydantic/genai-prices` (prices of every major provider's models, with their history) as the
 * ledger's maintained price table. It uses the data bundled in the installed package only (the
 * package's remote update is never switched on), so one version always gives one price.
 *
 * Token semantics: the table counts cached tokens inside input_tokens (and prices them at the
 * cache rates); the ledger counts input, cache-read and cache-write tokens apart, so they are
 * added back together here.
 */
export class GenaiPriceTable implements PriceTableLookup {
  readonly version = installedVersion();

  price(usage: ModelUsageData, at: string): ReturnType<PriceTableLookup['price']> {
    const cacheRead = usage.cacheReadTokens ?? 0;
    const cacheWrite = usage.cacheWriteTokens ?? 0;
    const result = calcPrice(
      {
        input_tokens: usage.inputTokens + cacheRead + cacheWrite,
        output_tokens: usage.outputTokens,
        cache_read_tokens: cacheRead,
        cache_write_tokens: cacheWrite,
      },
      usage.model,
      { timestamp: new Date(at) },
    );
    if (!result) return null;
    const prices = result.model_price;
    const unitPrices: UnitPrices = {};
    const input = unitPrice(prices.input_mtok);
    const output = unitPrice(prices.output_mtok);
    const cacheReadPrice = unitPrice(prices.cache_read_mtok);
    const cacheWritePrice = unitPrice(prices.cache_write_mtok);
    if (input !== undefined) unitPrices.inputPerMTok = input;
    if (output !== undefined) unitPrices.outputPerMTok = output;
    if (cacheReadPrice !== undefined) unitPrices.cacheReadPerMTok = cacheReadPrice;
    if (cacheWritePrice !== undefined) unitPrices.cacheWritePerMTok = cacheWritePrice;
    return { costUsd: result.total_price, pricedModel: result.model.id, provider: result.provider.id, unitPrices };
  }
}
