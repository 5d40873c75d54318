/**
 * Limits on the free-form JSON a client sends (`data`, `metadata`, `input`, `output`). Checked
 * once at the edge, before anything recursive (class-transformer, the credential scan, the
 * canonical digest, the read store) walks the value, so no walk deeper than this ever runs.
 */
export const MAX_JSON_DEPTH = 64;

/**
 * Why `value` is not acceptable JSON for the ledger, or null. Iterative, so that a value nested
 * far deeper than the limit cannot exhaust the stack while it is being measured.
 *
 * Prototype-named keys (`__proto__`, `constructor`, `prototype`) are accepted: JSON.parse and
 * GraphQL literals make them own properties, and every copy down the line (redaction, spread,
 * structured clone) keeps them own properties, so they are stored and read back as ordinary keys.
 */
/** A UTF-16 surrogate without its pair: not Unicode text, and SQLite and MongoDB would silently replace it. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function stringProblem(text: string): string | null {
  return LONE_SURROGATE.test(text) ? 'holds a lone UTF-16 surrogate, which is not valid Unicode text' : null;
}

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
