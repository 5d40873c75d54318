import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { Redactor } from '@ledger/redaction';
import { SECRETS } from '../libs/redaction/src/testing/credential-corpus';
import { KEYS, LedgerServer, removeDir, startServer } from './support/ledger-server';
import { openRawSocket, RawSocket } from './support/live-client';

// Several real servers start in this file, on a shared machine.
jest.setTimeout(60_000);

/**
 * The HTTP edge against the real server: rate limits (per key, separate budgets, concurrent
 * subscriptions), security headers and CORS, structured logs that no credential reaches, and a
 * real full disk under the event store.
 */

interface Answer {
  status: number;
  headers: Headers;
  body: any;
  code: string | null;
}

async function post(server: LedgerServer, query: string, variables: Record<string, unknown> = {}, key: string | null = KEYS.admin.key, extra: Record<string, string> = {}): Promise<Answer> {
  const response = await fetch(server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}), ...extra },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as any;
  return { status: response.status, headers: response.headers, body, code: body.errors?.[0]?.extensions?.code ?? null };
}

const START = `mutation($input: StartSessionInput!) { startSession(input: $input) { id } }`;
const APPEND = `mutation($input: AppendRunEventsInput!) { appendRunEvents(input: $input) { lastSequence deduplicated } }`;
const TIMELINE = `query($id: ID!) { timeline(sessionId: $id, after: -1, first: 1000) { lastSequence events { sequence type data } } }`;

async function alive(server: LedgerServer): Promise<void> {
  expect((await fetch(server.url.replace('/graphql', '/health/live'))).status).toBe(200);
}

async function connect(server: LedgerServer, key: string, payload: Record<string, unknown> = {}): Promise<RawSocket> {
  const socket = await openRawSocket(server.url);
  socket.ws.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${key}`, ...payload } }));
  await socket.waitFor((m) => m.type === 'connection_ack');
  return socket;
}

describe('rate limits', () => {
  let server: LedgerServer;

  beforeAll(async () => {
    server = await startServer({ env: { RATE_LIMIT_READ: '5', RATE_LIMIT_INGEST: '3', RATE_LIMIT_WINDOW_SECONDS: '60', MAX_SUBSCRIPTIONS_PER_KEY: '2' } });
  });

  afterAll(async () => {
    await server.stop();
    removeDir(server.dataDir);
  });

  it('answers RATE_LIMITED with retryAfterMs and Retry-After once a key has spent its read budget, per key and per budget', async () => {
    const { id } = (await post(server, START, { input: { kind: 'CHAT' } }, KEYS.ingest.key)).body.data.startSession;
    const reads = ['{ sessions { totalCount } }', '{ commandCenter { counts { active } } }', '{ whoami { roles } }', '{ projections { name } }', '{ managedAgents { pageInfo { hasNextPage } } }'];
    for (const read of reads) expect((await post(server, read, {}, KEYS.operator.key)).status).toBe(200);
    const refused = await post(server, '{ sessions { totalCount } }', {}, KEYS.operator.key);
    expect(refused.status).toBe(429);
    expect(refused.code).toBe('RATE_LIMITED');
    const retryAfterMs = refused.body.errors[0].extensions.retryAfterMs;
    expect(retryAfterMs).toBeGreaterThan(0);
    expect(retryAfterMs).toBeLessThanOrEqual(60_000);
    expect(Number(refused.headers.get('retry-after'))).toBe(Math.ceil(retryAfterMs / 1000));
    expect(refused.body.errors[0].message).toMatch(/read budget of 5 requests per 60 s/);
    // The same key's ingest budget is its own, and another key's reads are its own.
    expect((await post(server, `mutation($input: SetPinnedInput!) { setPinned(input: $input) { id } }`, { input: { sessionId: id, pinned: true } }, KEYS.operator.key)).status).toBe(200);
    expect((await post(server, '{ sessions { totalCount } }', {}, KEYS.viewer.key)).status).toBe(200);
    await alive(server);
  });

  it('puts OTLP posts under the same key\'s ingest budget, answered as OTLP wants: 429, a Status, Retry-After', async () => {
    // KEYS.ingest has spent 1 of its 3 (the startSession above).
    const traces = server.url.replace('/graphql', '/v1/traces');
    const postTraces = () => fetch(traces, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${KEYS.ingest.key}` }, body: '{"resourceSpans":[]}' });
    expect((await postTraces()).status).toBe(200);
    expect((await postTraces()).status).toBe(200);
    const refused = await postTraces();
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await refused.json()).toEqual({ code: 8, message: expect.stringMatching(/ingest budget of 3 requests per 60 s/) });
  });

  it('refuses a mutation over the ingest budget and stores nothing for it', async () => {
    const { id } = (await post(server, START, { input: { kind: 'CHAT' } })).body.data.startSession;
    expect((await post(server, APPEND, { input: { sessionId: id, events: [{ id: 'e1', type: 'LOG', data: { message: 'one' } }] } })).status).toBe(200);
    expect((await post(server, APPEND, { input: { sessionId: id, events: [{ id: 'e2', type: 'LOG', data: { message: 'two' } }] } })).status).toBe(200);
    const refused = await post(server, APPEND, { input: { sessionId: id, events: [{ id: 'e3', type: 'LOG', data: { message: 'three' } }] } });
    expect(refused.status).toBe(429);
    expect(refused.code).toBe('RATE_LIMITED');
    expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
    const timeline = (await post(server, TIMELINE, { id })).body.data.timeline;
    expect(timeline.events.filter((e: any) => e.type === 'LOG').map((e: any) => e.data.message)).toEqual(['one', 'two']);
  });

  it('caps the subscriptions one key holds open, and counts them down as they end', async () => {
    const query = 'subscription { commandCenter { at } }';
    // A key that has made no request yet: subscription starts draw on the read budget (5) too.
    const a = await connect(server, KEYS.otherOrg.key);
    const b = await connect(server, KEYS.otherOrg.key);
    a.ws.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query } }));
    b.ws.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query } }));
    await new Promise((r) => setTimeout(r, 300));
    b.ws.send(JSON.stringify({ id: '2', type: 'subscribe', payload: { query } }));
    const refused = await b.waitFor((m) => m.id === '2' && m.type === 'error');
    expect(refused.payload[0].extensions).toEqual({ code: 'RATE_LIMITED', retryAfterMs: 1000 });
    expect(refused.payload[0].message).toMatch(/2 open subscriptions/);
    // Another key is not affected; the refused connection stays open.
    const other = await connect(server, KEYS.admin.key);
    other.ws.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query } }));
    await new Promise((r) => setTimeout(r, 300));
    expect(other.messages.filter((m) => m.type === 'error')).toEqual([]);
    // Completing one frees a place; closing a socket frees its places.
    a.ws.send(JSON.stringify({ id: '1', type: 'complete' }));
    await new Promise((r) => setTimeout(r, 300));
    b.ws.send(JSON.stringify({ id: '3', type: 'subscribe', payload: { query } }));
    await new Promise((r) => setTimeout(r, 300));
    expect(b.messages.filter((m) => m.id === '3' && m.type === 'error')).toEqual([]);
    b.ws.close();
    await new Promise((r) => setTimeout(r, 300));
    a.ws.send(JSON.stringify({ id: '4', type: 'subscribe', payload: { query } }));
    a.ws.send(JSON.stringify({ id: '5', type: 'subscribe', payload: { query } }));
    await new Promise((r) => setTimeout(r, 300));
    expect(a.messages.filter((m) => m.type === 'error')).toEqual([]);
    a.ws.send(JSON.stringify({ id: '6', type: 'subscribe', payload: { query } }));
    expect((await a.waitFor((m) => m.id === '6' && m.type === 'error')).payload[0].extensions.code).toBe('RATE_LIMITED');
    a.ws.close();
    other.ws.close();
    await alive(server);
  }, 30_000);
});

describe('security headers and CORS', () => {
  let server: LedgerServer;
  let withCors: LedgerServer;
  const CONSOLE = 'http://console.example:5173';

  beforeAll(async () => {
    [server, withCors] = await Promise.all([startServer(), startServer({ env: { CORS_ORIGINS: CONSOLE } })]);
  });

  afterAll(async () => {
    for (const s of [server, withCors]) {
      await s.stop();
      removeDir(s.dataDir);
    }
  });

  it('sends helmet headers and a CSP that allows the console its own scripts, styles and same-origin WebSocket', async () => {
    const answer = await post(server, '{ whoami { roles } }');
    const host = new URL(server.url).host;
    const csp = answer.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).toContain(`connect-src 'self' ws://${host} wss://${host}`);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
    expect(answer.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(answer.headers.get('referrer-policy')).toBe('no-referrer');
    expect(answer.headers.get('x-powered-by')).toBeNull();
    const health = await fetch(server.url.replace('/graphql', '/health/live'));
    expect(health.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('marks every GraphQL answer as not to be stored by a cache, errors included', async () => {
    const answered = await post(server, '{ whoami { roles } }');
    expect(answered.headers.get('cache-control')).toBe('no-store');
    // Nor does it carry an ETag: nothing would ever revalidate an answer that is never stored.
    expect(answered.headers.get('etag')).toBeNull();
    const refused = await post(server, '{ whoami { roles } }', {}, null);
    expect(refused.code).toBe('UNAUTHENTICATED');
    expect(refused.headers.get('cache-control')).toBe('no-store');
    const malformed = await post(server, '{ whoami { roles ');
    expect(malformed.code).toBe('BAD_USER_INPUT');
    expect(malformed.headers.get('cache-control')).toBe('no-store');
  });

  it('sends no CORS headers by default', async () => {
    const preflight = await fetch(server.url, { method: 'OPTIONS', headers: { origin: CONSOLE, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,authorization' } });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    const answer = await post(server, '{ whoami { roles } }', {}, KEYS.admin.key, { origin: CONSOLE });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('allows exactly the configured console origin when CORS_ORIGINS is set', async () => {
    const preflight = await fetch(withCors.url, { method: 'OPTIONS', headers: { origin: CONSOLE, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,authorization' } });
    expect(preflight.status).toBeLessThan(300);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(CONSOLE);
    expect(preflight.headers.get('access-control-allow-headers')).toContain('authorization');
    const answer = await post(withCors, '{ whoami { roles } }', {}, KEYS.admin.key, { origin: CONSOLE });
    expect(answer.headers.get('access-control-allow-origin')).toBe(CONSOLE);
    const stranger = await post(withCors, '{ whoami { roles } }', {}, KEYS.admin.key, { origin: 'http://evil.example' });
    expect(stranger.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('structured logs', () => {
  let server: LedgerServer;

  beforeAll(async () => {
    server = await startServer({ env: { LOG_LEVEL: 'info' } });
  });

  afterAll(async () => {
    await server.stop();
    removeDir(server.dataDir);
  });

  const lines = () =>
    server
      .output()
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as Record<string, any>);

  it('writes one JSON line per request with organization, principal, operation, latency and error codes, never the key', async () => {
    await post(server, 'query LedgerProbe { whoami { roles } }', {}, KEYS.viewer.key, { 'x-request-id': '00000000-0000-4000-8000-000000000001' });
    await post(server, 'mutation RefusedProbe { startSession(input: { kind: CHAT, totalSteps: 0 }) { id } }', {}, KEYS.viewer.key, { 'x-request-id': '00000000-0000-4000-8000-000000000002' });
    await new Promise((r) => setTimeout(r, 300));
    const all = lines();
    const ok = all.filter((line) => line.req?.id === '00000000-0000-4000-8000-000000000001');
    expect(ok).toHaveLength(1);
    expect(ok[0]).toMatchObject({ level: 30, organizationId: 'org-a', principal: 'USER:victor', operationName: 'LedgerProbe', operationType: 'query', res: { statusCode: 200 } });
    expect(typeof ok[0]!.responseTime).toBe('number');
    const refused = all.filter((line) => line.req?.id === '00000000-0000-4000-8000-000000000002');
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatchObject({ level: 40, operationName: 'RefusedProbe', errorCodes: ['BAD_USER_INPUT'], res: { statusCode: 400 } });
    for (const key of Object.values(KEYS)) expect(server.output()).not.toContain(key.key);
  });

  /**
   * A credential of a context-only rule (Mistral, Cohere, Twilio auth tokens, Together's older
   * keys, generic assignments) is recognisable only beside its variable name, so the paths that
   * can carry nothing but a GraphQL name (operation names, field names) carry the credentials
   * that are recognisable on their own; every other path carries every rule's credential in its
   * context.
   */
  it('lets no credential of any rule reach a log line, through any input path', async () => {
    const redactor = new Redactor();
    const standalone = new Set<string>();
    for (const c of SECRETS) if ((await redactor.redact(c.secret)).rules.length > 0) standalone.add(c.secret);
    const asName = (s: string) => s.replace(/[^A-Za-z0-9_]/g, '_');
    const { id } = (await post(server, START, { input: { kind: 'CHAT' } })).body.data.startSession;
    await post(server, `mutation($input: StartRunInput!) { startRun(input: $input) { id } }`, { input: { sessionId: id, runId: 'r1' } });
    for (const [index, c] of SECRETS.entries()) {
      const s = c.secret;
      const text = c.text;
      // Mutation fields that are stored (redacted there too), and fields that are refused.
      await post(server, START, { input: { kind: 'CHAT', title: text, tags: [s.slice(0, 100)], metadata: { note: text, [s.slice(0, 60)]: 1 } } });
      await post(server, APPEND, { input: { sessionId: id, runId: 'r1', events: [{ id: `e${index}`, type: 'LOG', data: { message: text, nested: { deep: [text] } } }] } });
      await post(server, APPEND, { input: { sessionId: id, runId: 'r1', events: [{ type: 'TOOL_CALL', data: { name: text } }] } });
      await post(server, APPEND, { input: { sessionId: s, events: [{ type: 'LOG', data: { message: text } }] } });
      await post(server, START, { input: { kind: 'CHAT', totalSteps: 0, title: text } });
      // The operation name, a syntax error quoting the query, a variable of the wrong type.
      if (standalone.has(s)) {
        await post(server, `query Q_${asName(s)} { whoami { roles } }`);
        await post(server, `query ${asName(s)} { whoami { roles } }`);
        await post(server, `{ whoami { ${asName(s)} } }`);
      }
      await post(server, START, { input: { kind: text } });
      await post(server, `{ sessions(after: ${JSON.stringify(text)}) { totalCount } }`);
      // Headers, query string, a broken body, an unknown key.
      await fetch(`${server.url}?query=${encodeURIComponent(`{ whoami { roles } } # ${text}`)}`, { headers: { 'user-agent': text, 'x-request-id': s.slice(0, 100), referer: `https://x.example/?t=${s}` } });
      await fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${s}` }, body: `{"query": "${text.replace(/"/g, '')}` });
      await post(server, '{ whoami { roles } }', {}, s);
    }
    // WebSocket: connection params, subscription variables and a bad subscription.
    const socket = await connect(server, KEYS.admin.key, { token: SECRETS.map((c) => c.secret).join(' ') });
    for (const [index, c] of SECRETS.entries()) {
      socket.ws.send(JSON.stringify({ id: `s${index}`, type: 'subscribe', payload: { query: 'subscription($id: ID!) { sessionChanged(id: $id) { id } }', variables: { id: c.text } } }));
      socket.ws.send(JSON.stringify({ id: `t${index}`, type: 'subscribe', payload: { query: `subscription S_${asName(c.secret)} { commandCenter { at } }` } }));
    }
    await new Promise((r) => setTimeout(r, 500));
    socket.ws.close();
    const bad = new WebSocket(server.url.replace(/^http/, 'ws'), 'graphql-transport-ws');
    await new Promise((resolve) => bad.on('open', resolve));
    bad.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${SECRETS[0]!.secret}` } }));
    await new Promise((resolve) => bad.on('close', resolve));
    await new Promise((r) => setTimeout(r, 1000));

    const output = server.output();
    const leaked = SECRETS.filter((c) => output.includes(c.secret)).map((c) => c.rule);
    process.stdout.write(`log leak test: ${SECRETS.length} credentials of ${new Set(SECRETS.map((c) => c.rule)).size} rules (${standalone.size} recognisable alone), ${leaked.length} found in ${output.length} characters of log\n`);
    expect(leaked).toEqual([]);
    // The log did record those requests, redacted: one line per HTTP request at least.
    expect(lines().filter((line) => line.req?.path === '/graphql').length).toBeGreaterThanOrEqual(SECRETS.length * 10);
    expect(output).toContain('[REDACTED:');
  }, 120_000);

  it('honours LOG_LEVEL', async () => {
    const quiet = await startServer({ env: { LOG_LEVEL: 'warn' } });
    try {
      await post(quiet, '{ whoami { roles } }', {}, KEYS.viewer.key, { 'x-request-id': '00000000-0000-4000-8000-000000000003' });
      await post(quiet, '{ whoami { roles } }', {}, null, { 'x-request-id': '00000000-0000-4000-8000-000000000004' });
      await new Promise((r) => setTimeout(r, 300));
      const logged = quiet.output().split('\n').filter(Boolean).map((line) => JSON.parse(line));
      expect(logged.every((line) => line.level >= 40)).toBe(true);
      expect(logged.filter((line) => line.req?.id === '00000000-0000-4000-8000-000000000003')).toHaveLength(0);
      expect(logged.filter((line) => line.req?.id === '00000000-0000-4000-8000-000000000004')).toHaveLength(1);
    } finally {
      await quiet.stop();
      removeDir(quiet.dataDir);
    }
  });
});

/**
 * A real full disk under the event store: DATA_DIR on a small tmpfs, filled up after start. The
 * test needs root (mount); the project's machines and CI run as root.
 */
describe('event store faults', () => {
  let mountPoint: string;
  let server: LedgerServer;

  beforeAll(async () => {
    mountPoint = mkdtempSync(join(tmpdir(), 'ledger-full-'));
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=8m', 'tmpfs', mountPoint]);
    const dataDir = join(mountPoint, 'data');
    mkdirSync(dataDir);
    server = await startServer({ dataDir });
  });

  afterAll(async () => {
    await server?.stop();
    execFileSync('umount', [mountPoint]);
    rmSync(mountPoint, { recursive: true, force: true });
  });

  it('answers UNAVAILABLE (safe to retry with the same ids) when the disk is full, shows nothing half-written, and takes the retry once', async () => {
    const { id } = (await post(server, START, { input: { kind: 'CHAT' } })).body.data.startSession;
    expect((await post(server, APPEND, { input: { sessionId: id, events: [{ id: 'before', type: 'LOG', data: { message: 'before' } }] } })).status).toBe(200);
    const filler = join(mountPoint, 'filler');
    try {
      execFileSync('dd', ['if=/dev/zero', `of=${filler}`, 'bs=64k'], { stdio: 'ignore' });
    } catch {
      // dd stops with "No space left on device": that is the point.
    }
    const batch = { sessionId: id, events: Array.from({ length: 5 }, (_, i) => ({ id: `full-${i}`, type: 'LOG', data: { message: `${i}`.padEnd(60_000, 'z') } })) };
    const refused = await post(server, APPEND, { input: batch });
    expect(refused.status).toBe(503);
    expect(refused.code).toBe('UNAVAILABLE');
    expect(refused.body.errors[0].message).toMatch(/safe to retry with the same ids/);
    expect(refused.headers.get('retry-after')).toBe('1');
    const startRefused = await post(server, START, { input: { kind: 'CHAT', title: 'x'.repeat(400), metadata: { pad: 'p'.repeat(60_000) } } });
    expect(startRefused.code).toBe('UNAVAILABLE');
    await alive(server);
    const during = (await post(server, TIMELINE, { id })).body.data.timeline;
    expect(during.events.filter((e: any) => e.type === 'LOG').map((e: any) => e.data.message)).toEqual(['before']);
    const session = (await post(server, `query($id: ID!) { session(id: $id) { sequence } }`, { id })).body.data.session;
    expect(session.sequence).toBe(during.lastSequence);

    rmSync(filler);
    const retried = await post(server, APPEND, { input: batch });
    expect(retried.status).toBe(200);
    expect(retried.body.data.appendRunEvents.deduplicated).toBe(0);
    const again = await post(server, APPEND, { input: batch });
    expect(again.body.data.appendRunEvents.deduplicated).toBe(5);
    const after = (await post(server, TIMELINE, { id })).body.data.timeline;
    expect(after.events.filter((e: any) => e.type === 'LOG').map((e: any) => e.data.message[0])).toEqual(['b', '0', '1', '2', '3', '4']);
  }, 60_000);
});

