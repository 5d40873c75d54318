/**
 * Limits on the free-form JSON a client sends (`data`, `metadata`, `input`, `output`). Checked
 * once at the edge, before anything recursive (class-transformer, the credential scan, the
 * canonical digest, the read store) walks the value, so no walk deeper than this ever runs.
 */
export const MAX_JSON_DEPTH = 64;

/**
 * A UTF-16 surrogate without its pair is not Unicode text, and SQLite and MongoDB would silently
 * replace it. `isWellFormed` is that test, native (a regular expression with a look-behind was a
 * hundredth of the ingest's CPU).
 */
export function stringProblem(text: string): string | null {
  return text.isWellFormed() ? null : 'holds a lone UTF-16 surrogate, which is not valid Unicode text';
}

/**
 * Why `value` is not acceptable JSON for the ledger, or null. Iterative, so that a value nested
 * far deeper than the limit cannot exhaust the stack while it is being measured.
 *
 * Prototype-named keys (`__proto__`, `constructor`, `prototype`) are accepted: JSON.parse and
 * GraphQL literals make them own properties, and every copy down the line (redaction, spread,
 * structured clone) keeps them own properties, so they are stored and read back as ordinary keys.
 */
export function jsonValueProblem(value: unknown, maxDepth = MAX_JSON_DEPTH): string | null {
  const stack: Array<{ value: unknown; depth: number }> = [{ value, depth: 0 }];
  while (stack.length > 0) {
    const { value: current, depth } = stack.pop()!;
    if (current === null || typeof current === 'boolean') continue;
    if (typeof current === 'string') {
      const problem = stringProblem(current);
      if (problem) return problem;
      continue;
    }
    if (typeof current === 'number') {
      if (!Number.isFinite(current)) return 'holds a number that is not finite';
      continue;
    }
    if (typeof current !== 'object') return `holds a ${typeof current}, which is not JSON`;
    if (depth >= maxDepth) return `is nested more than ${maxDepth} levels deep; the limit is ${maxDepth}`;
    if (Array.isArray(current)) {
      for (const element of current) stack.push({ value: element, depth: depth + 1 });
      continue;
    }
    const prototype: unknown = Object.getPrototypeOf(current);
    if (prototype !== null && Object.getPrototypeOf(prototype) !== null) return 'holds an object that is not plain JSON';
    for (const key of Object.keys(current)) {
      const problem = stringProblem(key);
      if (problem) return `has a key that ${problem}`;
      stack.push({ value: (current as Record<string, unknown>)[key], depth: depth + 1 });
    }
  }
  return null;
}

/**
 * The UTF-8 length of `JSON.stringify(value)` when it is over `limit` bytes, else null, for a value
 * that passed `jsonValueProblem`. An upper bound of that length settles nearly every value without
 * serializing it (an event's data is a few hundred bytes against a limit of 64 KiB; serializing
 * every event to measure it was a twentieth of the ingest's CPU). Only a value whose bound exceeds
 * the limit is serialized and measured exactly.
 */
export function jsonBytesOver(value: unknown, limit: number): number | null {
  if (jsonBytesBound(value) <= limit) return null;
  const bytes = Buffer.byteLength(JSON.stringify(value));
  return bytes > limit ? bytes : null;
}

/** No shortest form of a finite JS number is longer (`-2.2250738585072014e-308`). */
const MAX_NUMBER_CHARS = 24;
/** What one UTF-16 unit of a string can take in JSON's UTF-8: an escape `\uXXXX` (a code point takes 4 bytes for its 2 units). */
const MAX_BYTES_PER_UNIT = 6;

/**
 * At least `Buffer.byteLength(JSON.stringify(value))` for a plain JSON value: strings and keys at
 * their longest escape, numbers at their longest form, and one separator per member.
 */
export function jsonBytesBound(value: unknown): number {
  let bytes = 0;
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const current = stack.pop();
    if (typeof current === 'string') bytes += MAX_BYTES_PER_UNIT * current.length + 2;
    else if (typeof current === 'number') bytes += MAX_NUMBER_CHARS;
    else if (current === null || typeof current !== 'object') bytes += 5;
    else if (Array.isArray(current)) {
      bytes += 2 + current.length;
      for (const element of current) stack.push(element);
    } else {
      const keys = Object.keys(current);
      bytes += 2 + keys.length;
      for (const key of keys) {
        bytes += MAX_BYTES_PER_UNIT * key.length + 3;
        stack.push((current as Record<string, unknown>)[key]);
      }
    }
  }
  return bytes;
}
