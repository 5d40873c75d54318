import { ReadStoreError } from '../errors';
import { isPlainObject, setOwn } from './values';

/**
 * JSON for stored values, round-tripping what JSON alone cannot, in MongoDB Extended JSON's
 * spelling: Dates as {$date}, non-finite numbers as {$numberDouble}, regular expressions as
 * {$regularExpression}. A stored document whose own field names start with "$" is wrapped in
 * {$literal} so it can never be read back as one of these.
 */
export function encodeValue(value: unknown): unknown {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : { $numberDouble: String(value) };
  if (value instanceof Date) return { $date: value.toISOString() };
  if (value instanceof RegExp) return { $regularExpression: { pattern: value.source, options: value.flags } };
  if (Array.isArray(value)) return value.map(encodeValue);
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    let dollar = false;
    for (const key of Object.keys(value)) {
      if (key.startsWith('$')) dollar = true;
      setOwn(out, key, encodeValue(value[key]));
    }
    return dollar ? { $literal: out } : out;
  }
  if (value === undefined) return null;
  throw new ReadStoreError(`cannot write a value of type ${value?.constructor?.name ?? typeof value} to a snapshot`);
}

export function decodeValue(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(decodeValue);
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  if (keys.length === 1) {
    switch (keys[0]) {
      case '$date': {
        const date = new Date(String(record.$date));
        if (Number.isNaN(date.getTime())) throw new ReadStoreError(`invalid date in snapshot: ${String(record.$date)}`);
        return date;
      }
      case '$numberDouble':
        return Number(record.$numberDouble);
      case '$regularExpression': {
        const re = record.$regularExpression as { pattern: string; options: string };
        return new RegExp(re.pattern, re.options);
      }
      case '$literal':
        return decodeObject(record.$literal as Record<string, unknown>);
    }
  }
  return decodeObject(record);
}

function decodeObject(record: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(record)) setOwn(out, key, decodeValue(record[key]));
  return out;
}
