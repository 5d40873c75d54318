import { csvDocument, CsvValue } from './csv';
import { UsageError } from './errors';

export const USAGE_DIMENSIONS = ['ACCOUNT', 'FLOW', 'MODEL', 'PRINCIPAL', 'SESSION', 'DAY', 'HOUR'] as const;
export type UsageDimension = (typeof USAGE_DIMENSIONS)[number];

export const USAGE_FIELDS = [
  'requests',
  'inputTokens',
  'outputTokens',
  'cacheReadTokens',
  'cacheWriteTokens',
  'reasoningTokens',
  'totalTokens',
  'costUsd',
  'unpricedRequests',
] as const;
export type UsageField = (typeof USAGE_FIELDS)[number];
export type TokenUsage = Record<UsageField, number>;

export interface UsageRow {
  accountId: string | null;
  flowId: string | null;
  model: string | null;
  principal: { type: string; id: string; name?: string | null } | null;
  sessionId: string | null;
  bucketStart: string | null;
  usage: TokenUsage;
}

/** The selection of the usage query that the export needs. */
export const USAGE_QUERY = /* GraphQL */ `
  query ExportUsage($filter: UsageFilter!, $groupBy: [UsageDimension!]!) {
    usage(filter: $filter, groupBy: $groupBy) {
      accountId flowId model sessionId bucketStart
      principal { type id name }
      usage { ${USAGE_FIELDS.join(' ')} }
    }
  }
`;

/** "model, day" or "MODEL,DAY": the dimensions in the order given, each once. */
export function parseDimensions(text: string): UsageDimension[] {
  const names = text
    .split(',')
    .map((part) => part.trim().toUpperCase())
    .filter((part) => part.length > 0);
  if (names.length === 0) throw new UsageError(`--group-by needs at least one of ${USAGE_DIMENSIONS.join(' ')}`);
  const unknown = names.filter((name) => !(USAGE_DIMENSIONS as readonly string[]).includes(name));
  if (unknown.length > 0) {
    throw new UsageError(`--group-by: unknown dimension${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}; choose from ${USAGE_DIMENSIONS.join(' ')}`);
  }
  const repeated = names.filter((name, index) => names.indexOf(name) !== index);
  if (repeated.length > 0) throw new UsageError(`--group-by: ${[...new Set(repeated)].join(', ')} given more than once`);
  return names as UsageDimension[];
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i;

function isCalendarDate(date: string): boolean {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const at = new Date(Date.UTC(year, month - 1, day));
  return at.getUTCFullYear() === year && at.getUTCMonth() === month - 1 && at.getUTCDate() === day;
}

/**
 * An instant given on the command line: an ISO-8601 date (midnight UTC) or a date-time with
 * its zone (Z or an offset). Without a zone the instant would depend on this machine's clock
 * setting, so it is refused rather than guessed.
 */
export function parseInstant(option: string, text: string): string {
  const value = text.trim();
  const problem = (why: string) =>
    new UsageError(`${option} ${JSON.stringify(text)} ${why}; give an ISO-8601 date (2025-01-31) or date-time with zone (2025-01-31T08:00:00Z)`);
  if (DATE_ONLY.test(value)) {
    if (!isCalendarDate(value)) throw problem('is not a calendar date');
    return `${value}T00:00:00.000Z`;
  }
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(value)) throw problem('has no time zone');
  if (!DATE_TIME.test(value)) throw problem('is not a date');
  if (!isCalendarDate(value.slice(0, 10))) throw problem('is not a calendar date');
  const at = new Date(value);
  if (Number.isNaN(at.getTime()) || Number(value.slice(11, 13)) > 23 || Number(value.slice(14, 16)) > 59) {
    throw problem('is not a valid date-time');
  }
  return at.toISOString();
}

export function parseRange(from: string, to: string): { from: string; to: string } {
  const range = { from: parseInstant('--from', from), to: parseInstant('--to', to) };
  if (!(range.from < range.to)) throw new UsageError(`--to (${range.to}) must be after --from (${range.from})`);
  return range;
}

/** "a, b,,c" -> ["a", "b", "c"]; undefined when the option was not given. */
export function parseList(option: string, text: string | undefined): string[] | undefined {
  if (text === undefined) return undefined;
  const items = text
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.length > 0);
  if (items.length === 0) throw new UsageError(`${option} needs at least one value (comma-separated)`);
  return items;
}

const COLUMN: Record<UsageDimension, string> = {
  ACCOUNT: 'account',
  FLOW: 'flow',
  MODEL: 'model',
  PRINCIPAL: 'principal',
  SESSION: 'session',
  DAY: 'day',
  HOUR: 'hour',
};

function dimensionValue(row: UsageRow, dimension: UsageDimension): CsvValue {
  switch (dimension) {
    case 'ACCOUNT':
      return row.accountId;
    case 'FLOW':
      return row.flowId;
    case 'MODEL':
      return row.model;
    case 'PRINCIPAL':
      return row.principal ? `${row.principal.type}:${row.principal.id}` : null;
    case 'SESSION':
      return row.sessionId;
    case 'DAY':
      // With HOUR as well the server groups by hour; the day is the one that hour falls in.
      return row.bucketStart ? `${row.bucketStart.slice(0, 10)}T00:00:00.000Z` : null;
    case 'HOUR':
      return row.bucketStart;
    default: {
      const _never: never = dimension;
      return _never;
    }
  }
}

/** The usage rows as CSV: the group-by columns in the order asked for, then every TokenUsage field. */
export function usageCsv(rows: readonly UsageRow[], dimensions: readonly UsageDimension[]): string {
  const header = [...dimensions.map((dimension) => COLUMN[dimension]), ...USAGE_FIELDS];
  return csvDocument(
    header,
    rows.map((row) => [...dimensions.map((dimension) => dimensionValue(row, dimension)), ...USAGE_FIELDS.map((field) => row.usage[field])]),
  );
}
