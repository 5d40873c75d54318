import { UsageError } from './errors';
import { parseDimensions, parseInstant, parseList, parseRange, usageCsv, UsageRow } from './usage-report';

const usage = (requests: number, costUsd: number, unpricedRequests = 0) => ({
  requests,
  inputTokens: 100 * requests,
  outputTokens: 10 * requests,
  cacheReadTokens: 0,
  cacheWriteTokens: 5,
  reasoningTokens: 1,
  totalTokens: 115 * requests,
  costUsd,
  unpricedRequests,
});

const row = (over: Partial<UsageRow>): UsageRow => ({
  accountId: null,
  flowId: null,
  model: null,
  principal: null,
  sessionId: null,
  bucketStart: null,
  usage: usage(1, 0.25),
  ...over,
});

describe('usage export options', () => {
  it('reads dimensions in the order given, in any case, each once', () => {
    expect(parseDimensions('model, Principal,DAY')).toEqual(['MODEL', 'PRINCIPAL', 'DAY']);
    expect(() => parseDimensions('MODEL,TEAM')).toThrow('--group-by: unknown dimension TEAM; choose from ACCOUNT FLOW MODEL PRINCIPAL SESSION DAY HOUR');
    expect(() => parseDimensions('model,MODEL')).toThrow(/MODEL given more than once/);
    expect(() => parseDimensions(' , ')).toThrow(UsageError);
  });

  it('takes ISO dates (midnight UTC) and date-times with a zone', () => {
    expect(parseInstant('--from', '2025-03-01')).toBe('2025-03-01T00:00:00.000Z');
    expect(parseInstant('--from', '2025-03-01T10:30:00Z')).toBe('2025-03-01T10:30:00.000Z');
    expect(parseInstant('--from', '2025-03-01T10:30:00.123+02:00')).toBe('2025-03-01T08:30:00.123Z');
  });

  it('refuses dates that are not dates, or have no zone, with a clear message', () => {
    expect(() => parseInstant('--from', 'yesterday')).toThrow('--from "yesterday" is not a date; give an ISO-8601 date (2025-01-31) or date-time with zone (2025-01-31T08:00:00Z)');
    expect(() => parseInstant('--to', '2025-02-30')).toThrow(/is not a calendar date/);
    expect(() => parseInstant('--to', '2025-13-01T00:00:00Z')).toThrow(/is not a calendar date/);
    expect(() => parseInstant('--to', '2025-01-01T25:00:00Z')).toThrow(/not a valid date-time/);
    expect(() => parseInstant('--to', '2025-01-01T10:00:00')).toThrow(/has no time zone/);
  });

  it('needs --to after --from', () => {
    expect(parseRange('2025-01-01', '2025-02-01')).toEqual({ from: '2025-01-01T00:00:00.000Z', to: '2025-02-01T00:00:00.000Z' });
    expect(() => parseRange('2025-02-01', '2025-01-01')).toThrow(/--to \(2025-01-01T00:00:00.000Z\) must be after --from/);
    expect(() => parseRange('2025-02-01', '2025-02-01')).toThrow(UsageError);
  });

  it('splits filter lists and refuses an empty one', () => {
    expect(parseList('--models', undefined)).toBeUndefined();
    expect(parseList('--models', 'a, b,,c')).toEqual(['a', 'b', 'c']);
    expect(() => parseList('--models', ',')).toThrow('--models needs at least one value (comma-separated)');
  });
});

describe('usage CSV', () => {
  it('has the group-by columns in order, then every usage field', () => {
    const csv = usageCsv([row({ model: 'claude-x', principal: { type: 'USER', id: 'alice' } })], ['PRINCIPAL', 'MODEL']);
    expect(csv.split('\n')[0]).toBe(
      'principal,model,requests,inputTokens,outputTokens,cacheReadTokens,cacheWriteTokens,reasoningTokens,totalTokens,costUsd,unpricedRequests',
    );
    expect(csv.split('\n')[1]).toBe('USER:alice,claude-x,1,100,10,0,5,1,115,0.25,0');
  });

  it('prints day and hour from the bucket start, and empty fields for missing values', () => {
    const rows = [
      row({ bucketStart: '2025-03-01T14:00:00.000Z', accountId: 'acct,1', flowId: null, usage: usage(2, 0, 2) }),
    ];
    expect(usageCsv(rows, ['DAY', 'HOUR', 'ACCOUNT', 'FLOW', 'SESSION']).split('\n')[1]).toBe(
      '2025-03-01T00:00:00.000Z,2025-03-01T14:00:00.000Z,"acct,1",,,2,200,20,0,5,1,230,0,2',
    );
  });

  it('is only the header when there are no rows', () => {
    expect(usageCsv([], ['MODEL'])).toBe(
      'model,requests,inputTokens,outputTokens,cacheReadTokens,cacheWriteTokens,reasoningTokens,totalTokens,costUsd,unpricedRequests\n',
    );
  });
});
