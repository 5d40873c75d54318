import { compactData, formatTimelineJson, formatTimelineLine, parseAfter, parseSessionId, parseTypes, TimelineEventView, truncate } from './timeline-format';

const event = (over: Partial<TimelineEventView> = {}): TimelineEventView => ({
  sessionId: 'session_0123456789abcdef0123456789abcdef',
  sequence: 7,
  position: '42',
  id: 'e-7',
  type: 'MESSAGE',
  runId: 'run-1',
  at: '2025-03-01T10:00:00.000Z',
  recordedAt: '2025-03-01T10:00:00.010Z',
  actor: { type: 'USER', id: 'alice' },
  data: { role: 'user', text: 'fix the build' },
  ...over,
});

describe('timeline lines', () => {
  it('shows sequence, time, type, run and the data as compact JSON', () => {
    expect(formatTimelineLine(event(), null)).toBe(
      '     7  2025-03-01T10:00:00.000Z  MESSAGE            run-1        {"role":"user","text":"fix the build"}',
    );
  });

  it('shows "-" for a session-level event and nothing for empty data', () => {
    expect(formatTimelineLine(event({ type: 'SessionUpdated', runId: null, data: {} }), null)).toBe('     7  2025-03-01T10:00:00.000Z  SessionUpdated     -');
  });

  it('cuts a long line to the terminal width with an ellipsis', () => {
    const line = formatTimelineLine(event({ data: { text: 'x'.repeat(500) } }), 80);
    expect(Array.from(line)).toHaveLength(80);
    expect(line.endsWith('…')).toBe(true);
    expect(formatTimelineLine(event(), 500)).not.toContain('…');
  });

  it('keeps a multi-line text on one line', () => {
    expect(formatTimelineLine(event({ data: { text: 'a\nb' } }), null)).toContain('{"text":"a\\nb"}');
    expect(compactData(null)).toBe('');
  });

  it('--json prints the whole event as one JSON object', () => {
    const json = formatTimelineJson(event({ data: { text: 'x'.repeat(500) } }));
    expect(json).not.toContain('\n');
    expect(JSON.parse(json)).toEqual(event({ data: { text: 'x'.repeat(500) } }));
  });

  it('truncates by characters, not bytes', () => {
    expect(truncate('ééééé', 3)).toBe('éé…');
    expect(truncate('abc', 3)).toBe('abc');
  });
});

describe('timeline options', () => {
  it('accepts a session id and refuses anything else', () => {
    expect(parseSessionId(' session_0123456789abcdef0123456789abcdef ')).toBe('session_0123456789abcdef0123456789abcdef');
    expect(() => parseSessionId('session_XYZ')).toThrow(/is not a session id/);
  });

  it('reads --after as -1 or a sequence', () => {
    expect(parseAfter('-1')).toBe(-1);
    expect(parseAfter('12')).toBe(12);
    expect(() => parseAfter('-2')).toThrow(/--after must be -1/);
    expect(() => parseAfter('1.5')).toThrow(/--after/);
    expect(() => parseAfter('abc')).toThrow(/--after/);
  });

  it('reads --types, upper-casing run event types and keeping lifecycle names', () => {
    expect(parseTypes(undefined)).toBeNull();
    expect(parseTypes('message, TOOL_CALL,SessionEnded,message')).toEqual(['MESSAGE', 'TOOL_CALL', 'SessionEnded']);
    expect(() => parseTypes(',')).toThrow(/at least one event type/);
    expect(() => parseTypes('MESSAGE,bad type')).toThrow(/bad type is not an event type name/);
  });
});
