import { GraphQLError, GraphQLScalarType, Kind, ValueNode } from 'graphql';
import { jsonValueProblem } from '../../edge/json-limits';

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** The number of two or four ASCII digits at `at`, or -1. */
function digits(text: string, at: number, count: number): number {
  let value = 0;
  for (let i = at; i < at + count; i += 1) {
    const code = text.charCodeAt(i) - 48;
    if (code < 0 || code > 9) return -1;
    value = value * 10 + code;
  }
  return value;
}

/**
 * Whether `text` is already what toIso answers for it: `YYYY-MM-DDTHH:mm:ss.sssZ` naming a real
 * instant (month, day of that month, hour, minute, second in range). Every stored date-time is in
 * this form, so serializing one costs a few character reads instead of a parse and a format.
 */
export function isCanonicalIso(text: string): boolean {
  if (text.length !== 24) return false;
  if (text[4] !== '-' || text[7] !== '-' || text[10] !== 'T' || text[13] !== ':' || text[16] !== ':' || text[19] !== '.' || text[23] !== 'Z') return false;
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 2);
  const day = digits(text, 8, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (day > DAYS_IN_MONTH[month - 1]! + (month === 2 && leap ? 1 : 0)) return false;
  const hour = digits(text, 11, 2);
  const minute = digits(text, 14, 2);
  const second = digits(text, 17, 2);
  return hour >= 0 && hour <= 23 && minute >= 0 && minute <= 59 && second >= 0 && second <= 59 && digits(text, 20, 3) >= 0;
}

function toIso(value: unknown): string {
  if (typeof value === 'string' && isCanonicalIso(value)) return value;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'string' && ISO.test(value)) {
    const ms = Date.parse(value);
    if (!Number.isNaN(ms)) return new Date(ms).toISOString();
  }
  throw new GraphQLError('DateTime must be an ISO-8601 date-time with a time zone, e.g. 2026-01-31T12:00:00.000Z', {
    extensions: { code: 'BAD_USER_INPUT' },
  });
}

/** ISO-8601, UTC, millisecond precision: whatever offset comes in, UTC goes out. */
export const DateTimeScalar = new GraphQLScalarType({
  name: 'DateTime',
  description: 'ISO-8601, UTC, millisecond precision',
  serialize: toIso,
  parseValue: toIso,
  parseLiteral(ast) {
    if (ast.kind !== Kind.STRING) {
      throw new GraphQLError('DateTime must be a string', { extensions: { code: 'BAD_USER_INPUT' } });
    }
    return toIso(ast.value);
  },
});

function literalValue(ast: ValueNode, variables: Record<string, unknown> | null | undefined): unknown {
  switch (ast.kind) {
    case Kind.STRING:
    case Kind.BOOLEAN:
    case Kind.ENUM:
      return ast.value;
    case Kind.INT:
    case Kind.FLOAT:
      return Number(ast.value);
    case Kind.NULL:
      return null;
    case Kind.LIST:
      return ast.values.map((value) => literalValue(value, variables));
    case Kind.OBJECT:
      return Object.fromEntries(ast.fields.map((field) => [field.name.value, literalValue(field.value, variables)]));
    case Kind.VARIABLE:
      return variables?.[ast.name.value];
    default: {
      const _never: never = ast;
      return _never;
    }
  }
}

/** A JSON input within the ledger's limits (depth, finite numbers), else BAD_USER_INPUT naming the limit. */
function checkedJson(value: unknown): unknown {
  const problem = jsonValueProblem(value);
  if (problem) throw new GraphQLError(`JSON value ${problem}`, { extensions: { code: 'BAD_USER_INPUT' } });
  return value;
}

export const JSONScalar = new GraphQLScalarType({
  name: 'JSON',
  description: 'Any JSON value',
  serialize: (value) => value,
  parseValue: checkedJson,
  parseLiteral: (ast, variables) => checkedJson(literalValue(ast, variables)),
});
