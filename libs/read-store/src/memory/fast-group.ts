import type { CodedError } from '@ledger/domain';
/**
 * A direct evaluation of the `$group` stages the ledger's queries use: `_id` built from field
 * paths (alone, in an object, or through `$concat` / `$substrCP`), with `$sum` and `$first`
 * accumulators. mingo evaluates the same stage about ten times slower; anything outside this
 * subset returns null and goes to mingo, so results never differ, only time.
 */

type Expression = (doc: Record<string, unknown>) => unknown;

const MISSING = undefined;

function pathGetter(path: string): Expression {
  const parts = path.split('.');
  return (doc) => {
    let current: unknown = doc;
    for (const part of parts) {
      if (current === null || typeof current !== 'object' || Array.isArray(current)) return MISSING;
      current = (current as Record<string, unknown>)[part];
    }
    return current;
  };
}

function isOperator(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length === 1 && Object.keys(value)[0]!.startsWith('$');
}

/** Compiles the supported expressions; null for anything else. */
function compile(expression: unknown): Expression | null {
  if (typeof expression === 'string') {
    if (expression.startsWith('$$')) return null;
    if (expression.startsWith('$')) return pathGetter(expression.slice(1));
    return () => expression;
  }
  if (typeof expression === 'number' || typeof expression === 'boolean' || expression === null) return () => expression;
  if (!isOperator(expression)) return null;
  const [operator, argument] = Object.entries(expression)[0]!;
  if (operator === '$concat' && Array.isArray(argument)) {
    const parts = argument.map(compile);
    if (parts.some((part) => part === null)) return null;
    return (doc) => {
      let text = '';
      for (const part of parts as Expression[]) {
        const value = part(doc);
        // MongoDB: $concat of a null or missing part is null; of a non-string, an error (so: not ours).
        if (value === null || value === MISSING) return null;
        if (typeof value !== 'string') throw new UnsupportedValue();
        text += value;
      }
      return text;
    };
  }
  if (operator === '$substrCP' && Array.isArray(argument) && argument.length === 3 && Number.isInteger(argument[1]) && Number.isInteger(argument[2])) {
    const source = compile(argument[0]);
    const [start, length] = [argument[1] as number, argument[2] as number];
    if (source === null || start < 0 || length < 0) return null;
    return (doc) => {
      const value = source(doc);
      if (value === null || value === MISSING) return '';
      if (typeof value !== 'string') throw new UnsupportedValue();
      return Array.from(value).slice(start, start + length).join('');
    };
  }
  return null;
}

/** A value the fast path does not evaluate: caught here, and the pipeline goes to mingo instead. */
export class UnsupportedValue extends Error implements CodedError {
  readonly code = 'INTERNAL' as const;
}

type Accumulator = { kind: '$sum' | '$first'; expression: Expression };

/** Canonical key text: the same `_id` value always gives the same text (object keys in order given). */
function keyText(value: unknown): string {
  return JSON.stringify(value === MISSING ? null : value);
}

/**
 * The `$group` over `docs`, or null when the stage uses something this does not evaluate
 * (then mingo does). Groups come out in order of first appearance, as mingo's do.
 */
export function fastGroup(docs: readonly Record<string, unknown>[], spec: Record<string, unknown>): Record<string, unknown>[] | null {
  const { _id: idSpec, ...fields } = spec;
  let idOf: Expression | null;
  if (idSpec !== null && typeof idSpec === 'object' && !Array.isArray(idSpec) && !isOperator(idSpec)) {
    const entries = Object.entries(idSpec as Record<string, unknown>).map(([name, expression]) => [name, compile(expression)] as const);
    if (entries.some(([, compiled]) => compiled === null)) return null;
    idOf = (doc) => {
      const id: Record<string, unknown> = {};
      for (const [name, compiled] of entries) {
        const value = compiled!(doc);
        // An object expression leaves out a field whose value is missing, as MongoDB does.
        if (value !== MISSING) id[name] = value;
      }
      return id;
    };
  } else {
    idOf = compile(idSpec === undefined ? null : idSpec);
  }
  if (idOf === null) return null;
  const accumulators: [string, Accumulator][] = [];
  for (const [name, definition] of Object.entries(fields)) {
    if (!isOperator(definition)) return null;
    const [kind, argument] = Object.entries(definition)[0]!;
    if (kind !== '$sum' && kind !== '$first') return null;
    const expression = compile(argument);
    if (expression === null) return null;
    accumulators.push([name, { kind, expression }]);
  }
  const groups = new Map<string, Record<string, unknown>>();
  try {
    for (const doc of docs) {
      const id = idOf(doc);
      const key = keyText(id);
      let group = groups.get(key);
      if (!group) {
        group = { _id: id === MISSING ? null : id };
        for (const [name, accumulator] of accumulators) {
          if (accumulator.kind === '$sum') group[name] = 0;
          else {
            const first = accumulator.expression(doc);
            group[name] = first === MISSING ? null : first;
          }
        }
        groups.set(key, group);
      }
      for (const [name, accumulator] of accumulators) {
        if (accumulator.kind !== '$sum') continue;
        const value = accumulator.expression(doc);
        // $sum ignores non-numbers and missing values.
        if (typeof value === 'number') group[name] = (group[name] as number) + value;
      }
    }
  } catch (error) {
    if (error instanceof UnsupportedValue) return null;
    throw error;
  }
  return [...groups.values()];
}
