import { jsonValueProblem, MAX_JSON_DEPTH, stringProblem } from './json-limits';
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
