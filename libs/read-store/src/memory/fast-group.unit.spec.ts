import { Aggregator } from 'mingo';
import { fastGroup } from './fast-group';

/** A small seeded PRNG, so a failure can be replayed. */
function prng(seed: number) {
  return () => {
    seed = (seed * 1664525 + 1013904223) >>> 0;
    return seed / 2 ** 32;
  };
}

function sortById(rows: Record<string, unknown>[]) {
  return [...rows].sort((a, b) => (JSON.stringify(a._id) < JSON.stringify(b._id) ? -1 : 1));
}

describe('fastGroup gives exactly what mingo gives', () => {
  const random = prng(20261121);
  const pick = <T>(values: T[]) => values[Math.floor(random() * values.length)]!;
  const docs = Array.from({ length: 2000 }, (_, i) => ({
    _id: `d${i}`,
    accountId: pick(['a1', 'a2', 'a3']),
    flowId: pick(['f1', 'f2', null]),
    model: pick(['m1', 'm2', 'm3', 'm4']),
    principal: { type: 'USER', id: pick(['u1', 'u2']) },
    principalKey: pick(['USER:u1', 'USER:u2']),
    bucketStart: `2026-11-${String(1 + Math.floor(random() * 28)).padStart(2, '0')}T${String(Math.floor(random() * 24)).padStart(2, '0')}:00:00.000Z`,
    usage: { requests: 1, inputTokens: Math.floor(random() * 1000), costUsd: Math.round(random() * 1e6) / 1e6 },
    ...(i % 7 === 0 ? {} : { sessionId: `s${i % 50}` }),
  }));
  const sums = { requests: { $sum: '$usage.requests' }, inputTokens: { $sum: '$usage.inputTokens' }, costUsd: { $sum: '$usage.costUsd' } };

  it.each([
    ['no grouping', { _id: null, ...sums }],
    ['one field', { _id: { model: '$model' }, ...sums }],
    ['several fields, one sometimes missing', { _id: { accountId: '$accountId', flowId: '$flowId', sessionId: '$sessionId' }, ...sums }],
    ['a principal with $first', { _id: { principalKey: '$principalKey' }, principal: { $first: '$principal' }, ...sums }],
    ['by day through $concat and $substrCP', { _id: { bucketStart: { $concat: [{ $substrCP: ['$bucketStart', 0, 10] }, 'T00:00:00.000Z'] }, model: '$model' }, ...sums }],
    ['a bare path', { _id: '$model', n: { $sum: 1 } }],
  ])('%s', (_name, spec) => {
    const fast = fastGroup(docs, spec as Record<string, unknown>);
    expect(fast).not.toBeNull();
    const slow = new Aggregator([{ $group: spec }]).run(docs) as Record<string, unknown>[];
    expect(sortById(fast!)).toEqual(sortById(slow));
  });

  it('leaves other accumulators and expressions to mingo', () => {
    expect(fastGroup(docs, { _id: null, n: { $avg: '$usage.requests' } })).toBeNull();
    expect(fastGroup(docs, { _id: { $toUpper: '$model' } })).toBeNull();
  });
});
