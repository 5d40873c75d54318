import { jsonPrefix } from './json-prefix';

/** A small deterministic generator, so a failure names a value that can be rebuilt. */
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

// Text that exercises every escape: quotes, backslashes, control characters, U+2028, astral
// characters (surrogate pairs, to be cut in the middle), lone surrogates and plain ASCII.
const ALPHABET = ['a', 'Z', '0', ' ', '"', '\\', '\n', '\t', '\u0001', '\u001f', '\u2028', 'é', '😀', '𝄞', '\ud800', '\udfff', '/', '<'];

function randomString(next: () => number, maxLength: number): string {
  const length = Math.floor(next() * maxLength);
  let text = '';
  for (let i = 0; i < length; i++) text += ALPHABET[Math.floor(next() * ALPHABET.length)]!;
  return text;
}

function randomValue(next: () => number, depth: number): unknown {
  const kind = Math.floor(next() * (depth > 3 ? 5 : 7));
  switch (kind) {
    case 0:
      return null;
    case 1:
      return next() < 0.5;
    case 2:
      return [0, -0, 1.5, -1e21, 1e-7, 123456789, Number.MAX_SAFE_INTEGER][Math.floor(next() * 7)];
    case 3:
    case 4:
      return randomString(next, next() < 0.2 ? 400 : 30);
    case 5:
      return Array.from({ length: Math.floor(next() * 5) }, () => randomValue(next, depth + 1));
    default: {
      const record: Record<string, unknown> = {};
      const size = Math.floor(next() * 5);
      for (let i = 0; i < size; i++) record[randomString(next, 8)] = randomValue(next, depth + 1);
      return record;
    }
  }
}

describe('jsonPrefix', () => {
  it("is JSON.stringify's first max characters for thousands of JSON values and every cut", () => {
    const next = generator(20261203);
    let compared = 0;
    for (let i = 0; i < 3_000; i++) {
      const value = randomValue(next, 0);
      const whole = JSON.stringify(value);
      for (const max of [1, 2, 7, 50, 200, whole.length - 1, whole.length, whole.length + 5]) {
        if (max < 1) continue;
        expect([value, max, jsonPrefix(value, max)]).toEqual([value, max, whole.slice(0, max)]);
        compared += 1;
      }
    }
    expect(compared).toBeGreaterThan(20_000);
  });

  it('cuts a long string between the halves of a surrogate pair as the whole serialization does', () => {
    for (let offset = 0; offset < 6; offset++) {
      const value = { output: 'x'.repeat(offset) + '😀'.repeat(200) };
      const whole = JSON.stringify(value);
      for (let max = 1; max < 60; max++) expect(jsonPrefix(value, max)).toBe(whole.slice(0, max));
    }
  });

  it('writes what JSON.stringify writes for members it skips or nulls, and for toJSON', () => {
    const value = { a: undefined, b: () => 1, c: [undefined, () => 1, Symbol('s')], d: new Date(0), e: NaN, f: { toJSON: () => 'j' } };
    const whole = JSON.stringify(value);
    for (let max = 1; max <= whole.length + 1; max++) expect(jsonPrefix(value, max)).toBe(whole.slice(0, max));
    expect(jsonPrefix(undefined, 10)).toBeUndefined();
  });

  it('gives the first max characters of a value far larger than max', () => {
    const value = { content: 'y'.repeat(1_000_000), rest: Array.from({ length: 100_000 }, (_, i) => i) };
    const text = jsonPrefix(value, 200)!;
    expect(text).toBe(`{"content":"${'y'.repeat(188)}`);
  });
});
