import { KEYS, LedgerServer, removeDir, startServer } from './support/ledger-server';
import { openRawSocket } from './support/live-client';

/**
 * An attacker's input corpus, over HTTP and WebSocket, against the real built server. Every case
 * states the HTTP status and contract code it must get; after every case the server still
 * answers, and the session the hostile batches aim at has stored nothing.
 */

interface Answer {
  status: number;
  code: string | null;
  body: any;
}

const APPEND = `mutation($input: AppendRunEventsInput!) { appendRunEvents(input: $input) { lastSequence deduplicated } }`;
const START = `mutation($input: StartSessionInput!) { startSession(input: $input) { id metadata title } }`;
const TIMELINE = `query($id: ID!) { timeline(sessionId: $id, after: -1, first: 1000) { lastSequence events { sequence type data } } }`;

const nested = (levels: number, open: string, close: string, leaf = '1') => `${open.repeat(levels)}${leaf}${close.repeat(levels)}`;

describe('hostile input corpus', () => {
  let server: LedgerServer;
  let target: string;
  let ended: string;
  let otherOrgSession: string;
  const kinds: Array<{ kind: string; status: number; code: string | null }> = [];

  async function send(body: string, options: { key?: string | null; contentType?: string; method?: string; path?: string } = {}): Promise<Answer> {
    const key = options.key === undefined ? KEYS.admin.key : options.key;
    const url = options.path ? server.url.replace('/graphql', options.path) : server.url;
    const response = await fetch(url, {
      method: options.method ?? 'POST',
      headers: { ...(options.contentType !== '' ? { 'content-type': options.contentType ?? 'application/json' } : {}), ...(key ? { authorization: `Bearer ${key}` } : {}) },
      ...(options.method === 'GET' ? {} : { body }),
    });
    const text = await response.text();
    let json: any = null;
    try {
      json = JSON.parse(text);
    } catch {
      json = { text };
    }
    return { status: response.status, code: json?.errors?.[0]?.extensions?.code ?? null, body: json };
  }

  const gql = (query: string, variables: Record<string, unknown> = {}, key?: string | null) => send(JSON.stringify({ query, variables }), { key });
  const append = (events: unknown, extra: Record<string, unknown> = {}, key?: string | null) =>
    gql(APPEND, { input: { sessionId: target, runId: 'run-1', events, ...extra } }, key);
  const appendRaw = (eventsJson: string) =>
    send(`{"query":${JSON.stringify(APPEND)},"variables":{"input":{"sessionId":"${target}","runId":"run-1","events":${eventsJson}}}}`);

  async function lastSequence(id: string): Promise<number> {
    const answer = await gql(TIMELINE, { id });
    return answer.body.data.timeline.lastSequence;
  }

  async function alive(): Promise<void> {
    const live = await fetch(server.url.replace('/graphql', '/health/live'));
    expect(live.status).toBe(200);
    const answer = await gql('{ whoami { organizationId } }');
    expect(answer.body.data.whoami.organizationId).toBe('org-a');
  }

  beforeAll(async () => {
    server = await startServer({ env: { RATE_LIMIT_INGEST: '0', RATE_LIMIT_READ: '0' } });
    target = (await gql(START, { input: { kind: 'RUNTIME', title: 'target' } })).body.data.startSession.id;
    await gql(`mutation($input: StartRunInput!) { startRun(input: $input) { id } }`, { input: { sessionId: target, runId: 'run-1' } });
    ended = (await gql(START, { input: { kind: 'CHAT' } })).body.data.startSession.id;
    await gql(`mutation($input: EndSessionInput!) { endSession(input: $input) { id } }`, { input: { sessionId: ended, status: 'ENDED' } });
    otherOrgSession = (await gql(START, { input: { kind: 'CHAT' } }, KEYS.otherOrg.key)).body.data.startSession.id;
  }, 60_000);

  afterAll(async () => {
    process.stdout.write(`hostile input corpus: ${kinds.length} kinds\n${kinds.map((k) => `  ${k.kind}: ${k.status} ${k.code ?? '(no error)'}`).join('\n')}\n`);
    await server.stop();
    removeDir(server.dataDir);
  });

  const big = 'x'.repeat(5 * 1024 * 1024);
  const validEvent = { type: 'LOG', data: { message: 'fine' } };

  /** [kind, request, expected status, expected code (null: accepted)] */
  const CASES: Array<[string, () => Promise<Answer>, number, string | null]> = [
    ['malformed JSON body', () => send('{"query": "{ whoami { organizationId } }"'), 400, 'BAD_USER_INPUT'],
    ['body is a JSON array (batching)', () => send('[{"query":"{ __typename }"}]'), 400, 'BAD_USER_INPUT'],
    ['body is a JSON string', () => send('"{ __typename }"'), 400, 'BAD_USER_INPUT'],
    ['empty body', () => send(''), 400, 'BAD_USER_INPUT'],
    ['text/plain body (CSRF-shaped)', () => send('{"query":"{ __typename }"}', { contentType: 'text/plain' }), 400, 'BAD_USER_INPUT'],
    ['no query field', () => send('{"variables":{}}'), 400, 'BAD_USER_INPUT'],
    ['query is a number', () => send('{"query": 5}'), 400, 'BAD_USER_INPUT'],
    ['variables is a string', () => send('{"query":"{ __typename }","variables":"x"}'), 400, 'BAD_USER_INPUT'],
    ['GraphQL syntax error', () => gql('{ whoami { organizationId }'), 400, 'BAD_USER_INPUT'],
    ['unknown field', () => gql('{ whoami { password } }'), 400, 'BAD_USER_INPUT'],
    ['token limit (6000 tokens)', () => gql(`{ ${'__typename '.repeat(6000)}}`), 400, 'BAD_USER_INPUT'],
    ['depth bomb (introspection 20 deep)', () => gql(`{ __schema { types { ${'fields { type { '.repeat(10)}name${' } }'.repeat(10)} } } }`), 400, 'BAD_USER_INPUT'],
    ['alias bomb (40 aliases)', () => gql(`{ ${Array.from({ length: 40 }, (_, i) => `a${i}: whoami { roles }`).join(' ')} }`), 400, 'BAD_USER_INPUT'],
    ['directive bomb (50 directives)', () => gql(`{ __typename ${'@include(if: true) '.repeat(50)}}`), 400, 'BAD_USER_INPUT'],
    ['fragment cycle', () => gql('query { ...A } fragment A on Query { ...B } fragment B on Query { ...A }'), 400, 'BAD_USER_INPUT'],
    ['two operations, no operationName', () => gql('query A { __typename } query B { __typename }'), 400, 'BAD_USER_INPUT'],
    ['unknown operationName', () => send(JSON.stringify({ query: 'query A { __typename }', operationName: 'B' })), 400, 'BAD_USER_INPUT'],
    ['mutation over GET', () => send('', { method: 'GET', path: `/graphql?query=${encodeURIComponent('mutation { setPinned(input: {sessionId: "x", pinned: true}) { id } }')}` }), 400, 'BAD_USER_INPUT'],
    ['wrong variable type (sessionId: number)', () => gql(APPEND, { input: { sessionId: 5, events: [validEvent] } }), 400, 'BAD_USER_INPUT'],
    ['missing required variable', () => gql(APPEND, {}), 400, 'BAD_USER_INPUT'],
    ['unknown enum value', () => append([{ type: 'NOPE', data: {} }]), 400, 'BAD_USER_INPUT'],
    ['enum as a string literal', () => gql(`mutation { startSession(input: { kind: "CHAT" }) { id } }`), 400, 'BAD_USER_INPUT'],
    ['Int over 32 bits', () => gql(START, { input: { kind: 'FLOW_RUN', totalSteps: 2 ** 31 } }), 400, 'BAD_USER_INPUT'],
    ['Float for an Int', () => gql(START, { input: { kind: 'FLOW_RUN', totalSteps: 1.5 } }), 400, 'BAD_USER_INPUT'],
    ['number 1e400 (Infinity after parsing)', () => appendRaw('[{"type":"LOG","data":{"message":"m","n":1e400}}]'), 400, 'BAD_USER_INPUT'],
    ['Int below its range (totalSteps 0)', () => gql(START, { input: { kind: 'FLOW_RUN', totalSteps: 0 } }), 400, 'BAD_USER_INPUT'],
    ['idle timeout over 30 days', () => gql(START, { input: { kind: 'RUNTIME', idleTimeoutSeconds: 31 * 24 * 3600 } }), 400, 'BAD_USER_INPUT'],
    ['malformed session id', () => gql(APPEND, { input: { sessionId: 'session_xyz', events: [validEvent] } }), 400, 'BAD_USER_INPUT'],
    ['SQL-injection-shaped session id', () => gql(APPEND, { input: { sessionId: "session_' OR 1=1 --", events: [validEvent] } }), 400, 'BAD_USER_INPUT'],
    ['Mongo-operator object as an id', () => gql(APPEND, { input: { sessionId: { $ne: null }, events: [validEvent] } }), 400, 'BAD_USER_INPUT'],
    ['path-traversal run id', () => append([validEvent], { runId: '../../etc/passwd\u0000' }), 400, 'BAD_USER_INPUT'],
    ['NUL inside an event id', () => append([{ ...validEvent, id: 'a\u0000b' }]), 400, 'BAD_USER_INPUT'],
    ['id of 10 000 characters', () => append([{ ...validEvent, id: 'a'.repeat(10_000) }]), 400, 'BAD_USER_INPUT'],
    ['Mongo operators as metadata filter keys', () => gql(`query($f: SessionFilter) { sessions(filter: $f) { totalCount } }`, { f: { metadata: { $where: 'sleep(1000)', $gt: '' } } }), 400, 'BAD_USER_INPUT'],
    ['Mongo operator object as a metadata filter value (taken literally)', () => gql(`query($f: SessionFilter) { sessions(filter: $f) { totalCount } }`, { f: { metadata: { team: { $ne: null } } } }), 200, null],
    ['regex bomb in search (taken literally)', () => gql(`query($f: SessionFilter) { sessions(filter: $f) { totalCount } }`, { f: { search: '(a+)+$'.repeat(30) } }), 200, null],
    ['search over 200 characters', () => gql(`query($f: SessionFilter) { sessions(filter: $f) { totalCount } }`, { f: { search: 'a'.repeat(201) } }), 400, 'BAD_USER_INPUT'],
    ['bad cursor', () => gql(`{ sessions(after: "not-a-cursor") { totalCount } }`), 400, 'BAD_USER_INPUT'],
    ['cursor of base64 JSON with operators', () => gql(`query($c: String) { sessions(after: $c) { totalCount } }`, { c: Buffer.from('{"$gt":""}').toString('base64') }), 400, 'BAD_USER_INPUT'],
    ['negative page size', () => gql(`{ sessions(first: -5) { totalCount } }`), 400, 'BAD_USER_INPUT'],
    ['bad date (words)', () => gql(`{ usage(filter: { from: "yesterday", to: "2026-01-02T00:00:00Z" }, groupBy: [MODEL]) { requests } }`), 400, 'BAD_USER_INPUT'],
    ['date without a time zone', () => gql(`{ usage(filter: { from: "2026-01-01T00:00:00", to: "2026-01-02T00:00:00Z" }, groupBy: [MODEL]) { requests } }`), 400, 'BAD_USER_INPUT'],
    ['impossible calendar date', () => append([{ ...validEvent, at: '2026-13-45T25:61:00Z' }]), 400, 'BAD_USER_INPUT'],
    ['event dated far in the future', () => append([{ ...validEvent, at: '2999-01-01T00:00:00Z' }]), 400, 'BAD_USER_INPUT'],
    ['data nested 3000 objects deep', () => appendRaw(`[{"type":"LOG","data":{"message":"m","deep":${nested(3000, '{"a":', '}')}}}]`), 400, 'BAD_USER_INPUT'],
    ['data nested 100 000 arrays deep', () => appendRaw(`[{"type":"LOG","data":{"message":"m","deep":${nested(100_000, '[', ']')}}}]`), 400, 'BAD_USER_INPUT'],
    ['data nested 65 levels (one over the limit)', () => appendRaw(`[{"type":"LOG","data":{"message":"m","deep":${nested(64, '{"a":', '}')}}}]`), 400, 'BAD_USER_INPUT'],
    ['deep nesting in a GraphQL literal', () => gql(`mutation { startSession(input: { kind: CHAT, metadata: ${nested(70, '{a:', '}')} }) { id } }`), 400, 'BAD_USER_INPUT'],
    ['data not an object', () => append([{ type: 'LOG', data: 'just a string' }]), 400, 'BAD_USER_INPUT'],
    ['data null', () => append([{ type: 'LOG', data: null }]), 400, 'BAD_USER_INPUT'],
    ['missing required data field', () => append([{ type: 'MODEL_USAGE', data: { model: 'm' } }]), 400, 'BAD_USER_INPUT'],
    ['lone surrogate in data', () => appendRaw('[{"type":"LOG","data":{"message":"bad \\ud800 text"}}]'), 400, 'BAD_USER_INPUT'],
    ['lone surrogate in a data key', () => appendRaw('[{"type":"LOG","data":{"message":"m","\\udc00":1}}]'), 400, 'BAD_USER_INPUT'],
    ['lone surrogate in a title', () => send(`{"query":${JSON.stringify(START)},"variables":{"input":{"kind":"CHAT","title":"x\\ud83d"}}}`), 400, 'BAD_USER_INPUT'],
    ['empty batch', () => append([]), 400, 'BAD_USER_INPUT'],
    ['duplicate ids in one batch', () => append([{ ...validEvent, id: 'dup' }, { ...validEvent, id: 'dup' }]), 400, 'BAD_USER_INPUT'],
    ['one bad event among good ones', () => append([validEvent, validEvent, { type: 'TOOL_CALL', data: { name: 'x' } }]), 400, 'BAD_USER_INPUT'],
    ['body over 4 MiB', () => send(JSON.stringify({ query: '{ __typename }', variables: { big } })), 413, 'PAYLOAD_TOO_LARGE'],
    ['batch over 500 events', () => append(Array.from({ length: 501 }, () => validEvent)), 413, 'PAYLOAD_TOO_LARGE'],
    ['event data over 64 KiB', () => append([{ type: 'LOG', data: { message: 'y'.repeat(70 * 1024) } }]), 413, 'PAYLOAD_TOO_LARGE'],
    ['no API key', () => append([validEvent], {}, null), 401, 'UNAUTHENTICATED'],
    ['unknown API key', () => append([validEvent], {}, 'not-a-real-key-0000000000'), 401, 'UNAUTHENTICATED'],
    ['Basic instead of Bearer', () => send(JSON.stringify({ query: '{ whoami { roles } }' }), { key: null }).then(() => fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Basic dXNlcjpwYXNz' }, body: JSON.stringify({ query: '{ whoami { roles } }' }) }).then(async (r) => { const body = await r.json() as any; return { status: r.status, code: body.errors?.[0]?.extensions?.code ?? null, body }; })), 401, 'UNAUTHENTICATED'],
    ['VIEWER key writing', () => append([validEvent], {}, KEYS.viewer.key), 403, 'FORBIDDEN'],
    ['INGEST key reading', () => gql(TIMELINE, { id: target }, KEYS.ingest.key), 403, 'FORBIDDEN'],
    ['another organization\'s session', () => gql(APPEND, { input: { sessionId: otherOrgSession, events: [validEvent] } }), 404, 'NOT_FOUND'],
    ['unknown session', () => gql(APPEND, { input: { sessionId: `session_${'0'.repeat(32)}`, events: [validEvent] } }), 404, 'NOT_FOUND'],
    ['append to an ended session', () => gql(APPEND, { input: { sessionId: ended, events: [validEvent] } }), 409, 'SESSION_ENDED'],
    ['stale expectedSequence', () => append([validEvent], { expectedSequence: 0 }), 409, 'CONFLICT'],
    ['terminal status through a STATUS event', () => append([{ type: 'STATUS', data: { status: 'COMPLETED' } }]), 400, 'BAD_USER_INPUT'],
  ];

  it.each(CASES)('%s', async (kind, request, status, code) => {
    const before = await lastSequence(target);
    const answer = await request();
    kinds.push({ kind, status: answer.status, code: answer.code });
    expect({ status: answer.status, code: answer.code }).toEqual({ status, code });
    if (code) expect(typeof answer.body.errors[0].message).toBe('string');
    await alive();
    expect(await lastSequence(target)).toBe(before);
  });

  it.each(['__proto__', 'constructor', 'prototype'])('stores a %s key as an ordinary key and pollutes nothing', async (key) => {
    const body = `{"query":${JSON.stringify(APPEND)},"variables":{"input":{"sessionId":"${target}","runId":"run-1","events":[{"type":"LOG","data":{"message":"m","${key}":{"polluted":true}}}]}}}`;
    const answer = await send(body);
    kinds.push({ kind: `${key} key in data (stored as a key)`, status: answer.status, code: answer.code });
    expect(answer.status).toBe(200);
    const timeline = (await gql(TIMELINE, { id: target })).body.data.timeline;
    const stored = timeline.events[timeline.events.length - 1].data;
    expect(Object.keys(stored)).toEqual(['message', key]);
    expect(stored[key]).toEqual({ polluted: true });
    const meta = await send(`{"query":${JSON.stringify(START)},"variables":{"input":{"kind":"CHAT","metadata":{"${key}":{"polluted":true}}}}}`);
    expect(meta.status).toBe(200);
    expect(Object.keys(meta.body.data.startSession.metadata)).toEqual([key]);
    const plain = (await gql(START, { input: { kind: 'CHAT', metadata: {} } })).body.data.startSession;
    expect(plain.metadata).toEqual({});
    expect('polluted' in plain.metadata).toBe(false);
    await alive();
  });

  it.each([
    ['NUL characters in text', 'nul\u0000inside\u0000'],
    ['emoji, combining marks and RTL override', 'ok 👩🏽‍💻 e\u0301 \u202Eevil\u202C'],
    ['a 60 KiB string of 4-byte characters', '𝄞'.repeat(7_000)],
  ])('stores %s exactly as sent', async (kind, text) => {
    const answer = await append([{ type: 'LOG', data: { message: text } }]);
    kinds.push({ kind, status: answer.status, code: answer.code });
    expect(answer.status).toBe(200);
    const timeline = (await gql(TIMELINE, { id: target })).body.data.timeline;
    expect(timeline.events[timeline.events.length - 1].data.message).toBe(text);
  });

  describe('over WebSocket', () => {
    async function subscribed(query: string, variables: Record<string, unknown> = {}): Promise<any> {
      const { ws, waitFor } = await openRawSocket(server.url);
      ws.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${KEYS.admin.key}` } }));
      await waitFor((m) => m.type === 'connection_ack');
      ws.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query, variables } }));
      const answer = await waitFor((m) => m.type === 'error' || m.type === 'next' || m.type === 'complete');
      ws.close();
      return answer;
    }

    it.each([
      ['connection_init without a key', { type: 'connection_init', payload: {} }, 4403],
      ['a message that is not JSON', '{not json', 4400],
      ['subscribe before connection_init', { id: '1', type: 'subscribe', payload: { query: 'subscription { commandCenter { at } }' } }, 4401],
      ['an unknown message type', { type: 'exploit' }, 4400],
    ])('closes on %s', async (kind, message, closeCode) => {
      const { ws, closed } = await openRawSocket(server.url);
      ws.send(typeof message === 'string' ? message : JSON.stringify(message));
      const { code } = await closed;
      kinds.push({ kind: `WebSocket: ${kind}`, status: code, code: null });
      expect(code).toBe(closeCode);
      await alive();
    });

    it.each([
      ['subscription with an unknown field', () => 'subscription { commandCenter { nope } }', 'BAD_USER_INPUT'],
      ['subscription with a syntax error', () => 'subscription { commandCenter { at }', 'BAD_USER_INPUT'],
      ['subscription over the token limit', () => `subscription { commandCenter { ${'at '.repeat(6000)}} }`, 'BAD_USER_INPUT'],
      ['subscription with two root fields', () => 'subscription { a: commandCenter { at } b: commandCenter { at } }', 'BAD_USER_INPUT'],
      ['subscription alias bomb (40 aliases)', () => `subscription { commandCenter { ${Array.from({ length: 40 }, (_, i) => `a${i}: at`).join(' ')} } }`, 'BAD_USER_INPUT'],
      ['subscription with a negative cursor', () => `subscription { timeline(sessionId: "${target}", after: -7) { sequence } }`, 'BAD_USER_INPUT'],
      ['subscription with an unknown enum value', () => 'subscription { commandCenter(filter: { kinds: [NOPE] }) { at } }', 'BAD_USER_INPUT'],
    ])('answers %s with its code', async (kind, query, code) => {
      const answer = await subscribed(query());
      expect(answer.type === 'error' || (answer.type === 'next' && answer.payload.errors?.length > 0)).toBe(true);
      const got = answer.payload?.[0]?.extensions?.code ?? answer.payload?.errors?.[0]?.extensions?.code ?? null;
      kinds.push({ kind: `WebSocket: ${kind}`, status: 0, code: got });
      expect(got).toBe(code);
      await alive();
    });

    it.each([
      ['another organization\'s session', () => otherOrgSession],
      ['an injection-shaped session id', () => "session_' OR 1=1 --"],
    ])('gives a timeline subscription to %s nothing, and ends it', async (kind, id) => {
      const answer = await subscribed(`subscription($id: ID!) { timeline(sessionId: $id) { sequence data } }`, { id: id() });
      kinds.push({ kind: `WebSocket: timeline of ${kind}`, status: 0, code: answer.type });
      expect(answer.type).toBe('complete');
      await alive();
    });
  });

  it('covers at least 50 kinds', () => {
    expect(kinds.length).toBeGreaterThanOrEqual(50);
  });
});
