import { decodeSessionEvent } from './session/session.codec';
import { PriceTableLookup, priceModelUsage, usageOfRecorded } from './usage';

const usage = { model: 'gpt-4o', inputTokens: 1000, outputTokens: 100, cacheReadTokens: 200 };
const AT = '2026-11-01T10:00:00.000Z';

/** A maintained table whose price can change, as a new package version would. */
function table(version: string, inputPerMTok: number): PriceTableLookup {
  return {
    version,
    price: (u) => (u.model === 'gpt-4o' ? { costUsd: (u.inputTokens * inputPerMTok) / 1e6, pricedModel: 'gpt-4o', provider: 'openai', unitPrices: { inputPerMTok } } : null),
  };
}

describe('pricing a MODEL_USAGE, frozen when it is stored', () => {
  it('the reporter costUsd first: REPORTED', () => {
    expect(priceModelUsage({ ...usage, costUsd: 0.5 }, { 'gpt-4o': { inputPerMTok: 1, outputPerMTok: 1 } }, table('t@1', 9), AT)).toEqual({ costUsd: 0.5, source: 'REPORTED' });
  });

  it('then LEDGER_MODEL_PRICES: CONFIGURED, with the unit prices used (cache reads at the input price unless given)', () => {
    const pricing = priceModelUsage(usage, { 'gpt-4o': { inputPerMTok: 3, outputPerMTok: 15 } }, table('t@1', 9), AT);
    expect(pricing).toEqual({
      costUsd: (1000 * 3 + 100 * 15 + 200 * 3) / 1e6,
      source: 'CONFIGURED',
      unitPrices: { inputPerMTok: 3, outputPerMTok: 15, cacheReadPerMTok: 3, cacheWritePerMTok: 3 },
    });
  });

  it('then the maintained table: PRICE_TABLE with its version, model, provider and unit prices', () => {
    expect(priceModelUsage(usage, {}, table('@pydantic/genai-prices@0.1.8', 2.5), AT)).toEqual({
      costUsd: 0.0025,
      source: 'PRICE_TABLE',
      table: '@pydantic/genai-prices@0.1.8',
      pricedModel: 'gpt-4o',
      provider: 'openai',
      unitPrices: { inputPerMTok: 2.5 },
    });
  });

  it('else UNPRICED, counted', () => {
    const pricing = priceModelUsage({ ...usage, model: 'in-house-7b' }, {}, table('t@1', 2.5), AT);
    expect(pricing).toEqual({ costUsd: 0, source: 'UNPRICED' });
    expect(usageOfRecorded({ data: { ...usage, model: 'in-house-7b' }, pricing })).toMatchObject({ requests: 1, unpricedRequests: 1, priceTableCostRequests: 0 });
  });

  it('a later price change leaves a stored cost as it was: the usage comes from the event, not the table', () => {
    const stored = { data: { ...usage }, pricing: priceModelUsage(usage, {}, table('t@1', 2.5), AT) };
    const repriced = priceModelUsage(usage, {}, table('t@2', 5), AT);
    expect(repriced.costUsd).not.toBe(stored.pricing.costUsd);
    expect(usageOfRecorded(JSON.parse(JSON.stringify(stored)))).toMatchObject({ costUsd: 0.0025, priceTableCostRequests: 1 });
  });

  it('usage counts each request by its cost source', () => {
    expect(usageOfRecorded({ data: usage, pricing: { costUsd: 1, source: 'REPORTED' } })).toMatchObject({ reportedCostRequests: 1, configuredCostRequests: 0, priceTableCostRequests: 0, unpricedRequests: 0 });
    expect(usageOfRecorded({ data: usage, pricing: { costUsd: 1, source: 'CONFIGURED' } })).toMatchObject({ reportedCostRequests: 0, configuredCostRequests: 1 });
  });

  it('events stored at schema v2 read their lower-case source as v3 (the old "price-table" was LEDGER_MODEL_PRICES: CONFIGURED)', () => {
    const read = (source: string) =>
      decodeSessionEvent({ id: 'e', type: 'MODEL_USAGE', data: { runId: null, data: usage, pricing: { costUsd: 1, source } }, metadata: { occurredAt: AT, schemaVersion: 2 } });
    expect((read('price-table').data as { pricing: unknown }).pricing).toEqual({ costUsd: 1, source: 'CONFIGURED' });
    expect((read('reported').data as { pricing: unknown }).pricing).toEqual({ costUsd: 1, source: 'REPORTED' });
    expect((read('unpriced').data as { pricing: unknown }).pricing).toEqual({ costUsd: 1, source: 'UNPRICED' });
  });
});
