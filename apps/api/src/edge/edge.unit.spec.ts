import { jsonBytesBound, jsonBytesOver, jsonValueProblem, MAX_JSON_DEPTH, stringProblem } from './json-limits';
import { retryAfterSeconds, statusOf } from './http-status.plugin';
import { cloneForStorage, cloneValue } from '../../../../libs/read-store/src/memory/values';

const nested = (levels: number): unknown => {
  let value: unknown = 1;
  for (let i = 0; i < levels; i++) value = { a: value };
  return value;
};

describe('JSON limits', () => {
  it('accepts values nested up to the limit and names the limit beyond it', () => {
    expect(jsonValueProblem(nested(MAX_JSON_DEPTH))).toBeNull();
    expect(jsonValueProblem(nested(MAX_JSON_DEPTH + 1))).toBe(`is nested more than ${MAX_JSON_DEPTH} levels deep; the limit is ${MAX_JSON_DEPTH}`);
  });

  it('measures a value nested 100 000 deep without recursion', () => {
    let value: unknown = [];
    for (let i = 0; i < 100_000; i++) value = [value];
    expect(jsonValueProblem(value)).toMatch(/limit is 64/);
  });

  it('refuses non-finite numbers, lone surrogates and non-JSON objects; keeps prototype-named keys', () => {
    expect(jsonValueProblem({ n: Infinity })).toMatch(/not finite/);
    expect(jsonValueProblem({ text: 'a\uD800b' })).toMatch(/lone UTF-16 surrogate/);
    expect(jsonValueProblem({ ['\uDC00']: 1 })).toMatch(/key that holds a lone/);
    expect(jsonValueProblem({ at: new Date() })).toMatch(/not plain JSON/);
    expect(stringProblem('emoji 👩🏽‍💻 and NUL \u0000 are fine')).toBeNull();
    expect(jsonValueProblem(JSON.parse('{"__proto__": {"x": 1}, "constructor": {"prototype": {}}}'))).toBeNull();
  });

  // Values whose JSON is longest for their size: escapes, control characters, multi-byte text,
  // astral symbols, long number forms, empty and nested containers.
  const hard: unknown[] = [
    {},
    [],
    '',
    { quote: '"\\"', control: '\u0000\u001f\n\t', nel: '\u0085\u2028' },
    { text: 'é漢字👩🏽‍💻'.repeat(50), ['ключ']: ['ß', '€', '𝄞'] },
    { numbers: [-2.2250738585072014e-308, -1.7976931348623157e308, 1e21, 123456789012345680000, -0.000001234567890123456, 0, -1] },
    { literals: [true, false, null, [null, [false, [true]]]], deep: nested(MAX_JSON_DEPTH) },
    JSON.parse('{"__proto__": {"x": 1}, "constructor": {"prototype": {}}}'),
  ];

  it('bounds the UTF-8 length of any JSON value from above', () => {
    for (const value of hard) expect(jsonBytesBound(value)).toBeGreaterThanOrEqual(Buffer.byteLength(JSON.stringify(value)));
  });

  it('gives the exact length of a value over the limit, and nothing at or under it', () => {
    for (const value of hard) {
      const bytes = Buffer.byteLength(JSON.stringify(value));
      expect(jsonBytesOver(value, bytes - 1)).toBe(bytes);
      expect(jsonBytesOver(value, bytes)).toBeNull();
      expect(jsonBytesOver(value, jsonBytesBound(value))).toBeNull();
    }
  });
});

describe('HTTP status of a GraphQL answer', () => {
  const error = (code: string) => ({ message: code, extensions: { code } });

  it('is 200 with any data, the code\'s status without, and 5xx when the server failed', () => {
    expect(statusOf([], { a: 1 })).toBe(200);
    expect(statusOf([error('NOT_FOUND')], { a: 1, b: null })).toBe(200);
    expect(statusOf([error('NOT_FOUND')], { a: null })).toBe(404);
    expect(statusOf([error('BAD_USER_INPUT')], undefined)).toBe(400);
    expect(statusOf([error('RATE_LIMITED')], null)).toBe(429);
    expect(statusOf([error('FORBIDDEN'), error('UNAVAILABLE')], null)).toBe(503);
    expect(statusOf([{ message: 'no code' }], null)).toBe(500);
  });

  it('never tells a client to retry at once', () => {
    expect(retryAfterSeconds(1)).toBe('1');
    expect(retryAfterSeconds(0)).toBe('1');
    expect(retryAfterSeconds(60_000)).toBe('60');
    expect(retryAfterSeconds(60_001)).toBe('61');
  });
});

describe('memory read store copies', () => {
  it('keep a JSON "__proto__" key as an own key, not as the copy\'s prototype', () => {
    const document = JSON.parse('{"_id": "s1", "metadata": {"__proto__": {"polluted": true}, "team": "a"}}');
    for (const copy of [cloneForStorage(document), cloneValue(document)] as Array<{ metadata: Record<string, unknown> }>) {
      expect(Object.getPrototypeOf(copy.metadata)).toBe(Object.prototype);
      expect(Object.keys(copy.metadata)).toEqual(['__proto__', 'team']);
      expect((copy.metadata as { polluted?: unknown }).polluted).toBeUndefined();
      expect(JSON.stringify(copy)).toBe(JSON.stringify(document));
    }
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
  });
});
