import { GenaiPriceTable } from './genai-price-table';

describe('the maintained price table (@pydantic/genai-prices, bundled data only)', () => {
  const table = new GenaiPriceTable();

  it('names its package and version', () => {
    expect(table.version).toMatch(/^@pydantic\/genai-prices@\d+\.\d+\.\d+/);
  });

  it('prices a known model, with cache reads at their own rate (the ledger counts them apart from input)', () => {
    const priced = table.price({ model: 'gpt-4o-2024-08-06', inputTokens: 800, outputTokens: 100, cacheReadTokens: 200 }, '2026-11-01T00:00:00.000Z');
    expect(priced).toMatchObject({ pricedModel: expect.stringMatching(/^gpt-4o/), provider: 'openai', unitPrices: { inputPerMTok: 2.5, outputPerMTok: 10, cacheReadPerMTok: 1.25 } });
    expect(priced!.costUsd).toBeCloseTo((800 * 2.5 + 200 * 1.25 + 100 * 10) / 1e6, 9);
  });

  it('knows nothing of a model it does not list', () => {
    expect(table.price({ model: 'in-house-7b', inputTokens: 1, outputTokens: 1 }, '2026-11-01T00:00:00.000Z')).toBeNull();
  });
});
