"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.USAGE_QUERY = exports.USAGE_FIELDS = exports.USAGE_DIMENSIONS = void 0;
exports.parseDimensions = parseDimensions;
exports.parseInstant = parseInstant;
exports.parseRange = parseRange;
exports.parseList = parseList;
exports.usageCsv = usageCsv;
const csv_1 = require("./csv");
const errors_1 = require("./errors");
exports.USAGE_DIMENSIONS = ['ACCOUNT', 'FLOW', 'MODEL', 'PRINCIPAL', 'SESSION', 'DAY', 'HOUR'];
exports.USAGE_FIELDS = [
    'requests',
    'inputTokens',
    'outputTokens',
    'cacheReadTokens',
    'cacheWriteTokens',
    'reasoningTokens',
    'totalTokens',
    'costUsd',
    'unpricedRequests',
];
/** The selection of the usage query that the export needs. */
exports.USAGE_QUERY = `
  query ExportUsage($filter: UsageFilter!, $groupBy: [UsageDimension!]!) {
    usage(filter: $filter, groupBy: $groupBy) {
      accountId flowId model sessionId bucketStart
      principal { type id name }
      usage { ${exports.USAGE_FIELDS.join(' ')} }
    }
  }
`;
/** "model, day" or "MODEL,DAY": the dimensions in the order given, each once. */
function parseDimensions(text) {
    const names = text
        .split(',')
        .map((part) => part.trim().toUpperCase())
        .filter((part) => part.length > 0);
    if (names.length === 0)
        throw new errors_1.UsageError(`--group-by needs at least one of ${exports.USAGE_DIMENSIONS.join(' ')}`);
    const unknown = names.filter((name) => !exports.USAGE_DIMENSIONS.includes(name));
    if (unknown.length > 0) {
        throw new errors_1.UsageError(`--group-by: unknown dimension${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}; choose from ${exports.USAGE_DIMENSIONS.join(' ')}`);
    }
    const repeated = names.filter((name, index) => names.indexOf(name) !== index);
    if (repeated.length > 0)
        throw new errors_1.UsageError(`--group-by: ${[...new Set(repeated)].join(', ')} given more than once`);
    return names;
}
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i;
function isCalendarDate(date) {
    const [year, month, day] = date.split('-').map(Number);
    const at = new Date(Date.UTC(year, month - 1, day));
    return at.getUTCFullYear() === year && at.getUTCMonth() === month - 1 && at.getUTCDate() === day;
}
/**
 * An instant given on the command line: an ISO-8601 date (midnight UTC) or a date-time with
 * its zone (Z or an offset). Without a zone the instant would depend on this machine's clock
 * setting, so it is refused rather than guessed.
 */
function parseInstant(option, text) {
    const value = text.trim();
    const problem = (why) => new errors_1.UsageError(`${option} ${JSON.stringify(text)} ${why}; give an ISO-8601 date (2025-01-31) or date-time with zone (2025-01-31T08:00:00Z)`);
    if (DATE_ONLY.test(value)) {
        if (!isCalendarDate(value))
            throw problem('is not a calendar date');
        return `${value}T00:00:00.000Z`;
    }
    if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(value))
        throw problem('has no time zone');
    if (!DATE_TIME.test(value))
        throw problem('is not a date');
    if (!isCalendarDate(value.slice(0, 10)))
        throw problem('is not a calendar date');
    const at = new Date(value);
    if (Number.isNaN(at.getTime()) || Number(value.slice(11, 13)) > 23 || Number(value.slice(14, 16)) > 59) {
        throw problem('is not a valid date-time');
    }
    return at.toISOString();
}
function parseRange(from, to) {
    const range = { from: parseInstant('--from', from), to: parseInstant('--to', to) };
    if (!(range.from < range.to))
        throw new errors_1.UsageError(`--to (${range.to}) must be after --from (${range.from})`);
    return range;
}
/** "a, b,,c" -> ["a", "b", "c"]; undefined when the option was not given. */
function parseList(option, text) {
    if (text === undefined)
        return undefined;
    const items = text
        .split(',')
        .map((part) => part.trim())
        .filter((part) => part.length > 0);
    if (items.length === 0)
        throw new errors_1.UsageError(`${option} needs at least one value (comma-separated)`);
    return items;
}
const COLUMN = {
    ACCOUNT: 'account',
    FLOW: 'flow',
    MODEL: 'model',
    PRINCIPAL: 'principal',
    SESSION: 'session',
    DAY: 'day',
    HOUR: 'hour',
};
function dimensionValue(row, dimension) {
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
            const _never = dimension;
            return _never;
        }
    }
}
/** The usage rows as CSV: the group-by columns in the order asked for, then every TokenUsage field. */
function usageCsv(rows, dimensions) {
    const header = [...dimensions.map((dimension) => COLUMN[dimension]), ...exports.USAGE_FIELDS];
    return (0, csv_1.csvDocument)(header, rows.map((row) => [...dimensions.map((dimension) => dimensionValue(row, dimension)), ...exports.USAGE_FIELDS.map((field) => row.usage[field])]));
}
//# sourceMappingURL=usage-report.js.map