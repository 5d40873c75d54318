import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import Database from 'better-sqlite3';
import { ExportResult, ExportResultCode } from '@opentelemetry/core';
import { OTLPTraceExporter as OTLPHttpJsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OTLPProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, ReadableSpan, SimpleSpanProcessor, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { decodeExportResponse, decodeStatus } from '../apps/api/src/otlp-ingest/otlp-codec';
import { GraphQLClient } from './support/graphql-client';
import { genaiAgentTurn, openInferenceLlm, openLLMetryChat } from './support/genai-spans';
import { KEYS, LedgerServer, removeDir, startServer } from './support/ledger-server';
import { collect, liveClient } from './support/live-client';

const SESSION = `id kind status title source { type id reference } owner { type id } environment { runtime } preview outputPreview
  usage { requests inputTokens outputTokens cacheReadTokens costUsd unpricedRequests reportedCostRequests configuredCostRequests priceTableCostRequests }
  runs { edges { node { id status model agentName input eventCount toolCalls { id name status arguments outputPreview durationMs } usage { requests } } } }`;
const SESSIONS = `query($search: String) { sessions(filter: { search: $search }, first: 50) { edges { node { ${SESSION} } } } }`;
const TIMELINE = `query($id: ID!) { timeline(sessionId: $id, first: 500) { events { sequence type id runId at data pricing { source costUsd table pricedModel unitPrices } } } }`;

/** Spans made by the real SDK, captured so the same spans can be exported more than once. */
function record(write: (provider: BasicTracerProvider) => void, serviceName = 'support-bot'): ReadableSpan[] {
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': serviceName, 'service.instance.id': 'pod-1' }),
    spanProcessors: [new SimpleSpanProcessor(memory)],
  });
  write(provider);
  return memory.getFinishedSpans();
}

function exportWith(exporter: SpanExporter, spans: ReadableSpan[]): Promise<ExportResult> {
  return new Promise((resolve) => exporter.export(spans, (result) => { if (result.error) console.log(String(result.error), (result.error as { data?: unknown }).data); resolve(result); }));
}

// The exporters load node:http with a dynamic import(), which jest's module sandbox runs only
// with this flag (npm test sets it).
const VM_MODULES = /--experimental-vm-modules/.test(`${process.env.NODE_OPTIONS ?? ''} ${process.execArgv.join(' ')}`);

jest.setTimeout(60_000);

describe('OTLP/HTTP ingestion with the real OpenTelemetry exporters', () => {
  it('runs where the exporters can load (NODE_OPTIONS=--experimental-vm-modules, as npm test sets)', () => {
    expect(VM_MODULES).toBe(true);
  });

  let server: LedgerServer;
  let admin: GraphQLClient;
  let tracesUrl: string;
  const auth = { Authorization: `Bearer ${KEYS.ingest.key}` };

  beforeAll(async () => {
    server = await startServer();
    admin = new GraphQLClient(server.url, KEYS.admin.key);
    tracesUrl = server.url.replace(/\/graphql$/, '/v1/traces');
  });
  afterAll(async () => {
    await server.stop();
    removeDir(server.dataDir);
  });

  async function sessionBySource(sourceId: string) {
    const data = await admin.request(SESSIONS, { search: sourceId });
    return data.sessions.edges.map((e: { node: unknown }) => e.node).find((s: { source: { id: string } }) => s.source?.id === sourceId);
  }

  it('protobuf exporter: a GenAI agent turn fills the session, run, timeline, usage ledger and Command Center; twice stores once', async () => {
    const base = Date.now() - 60_000;
    const spans = record((p) => genaiAgentTurn(p.getTracer('agent'), { conversationId: 'conv-proto-1', base }));
    const cc = collect<{ section: string; session: { id: string; source: { id: string } } }>(
      liveClient(server.url, KEYS.admin.key),
      `subscription { commandCenter { section session { id source { id } } } }`,
    );
    await new Promise((r) => setTimeout(r, 300));
    const exporter = new OTLPProtoExporter({ url: tracesUrl, headers: auth });
    expect((await exportWith(exporter, spans)).code).toBe(ExportResultCode.SUCCESS);
    await cc.until((items) => items.some((c) => c.session.source?.id === 'conv-proto-1' && c.section === 'ACTIVE_NOW'));
    cc.stop();

    const session = await sessionBySource('conv-proto-1');
    expect(session).toMatchObject({
      kind: 'CHAT',
      status: 'OPEN',
      title: 'support-bot',
      source: { type: 'otel', id: 'conv-proto-1' },
      owner: { type: 'MANAGED_AGENT', id: 'agent-7' },
      environment: { runtime: 'support-bot (pod-1)' },
      preview: 'My order is late',
      outputPreview: 'Your order A-17 has shipped.',
    });
    // 1200 input tokens of which 200 cache reads, then 1400: priced by the maintained table.
    expect(session.usage).toMatchObject({ requests: 2, inputTokens: 2400, outputTokens: 120, cacheReadTokens: 200, priceTableCostRequests: 2, unpricedRequests: 0 });
    expect(session.usage.costUsd).toBeCloseTo((1000 * 2.5 + 200 * 1.25 + 80 * 10 + 1400 * 2.5 + 40 * 10) / 1e6, 6);
    const runs = session.runs.edges.map((e: { node: unknown }) => e.node);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ status: 'COMPLETED', model: 'gpt-4o-2024-08-06', agentName: 'support-bot', usage: { requests: 2 } });
    expect(runs[0].toolCalls).toEqual([
      expect.objectContaining({ id: 'call_1', name: 'lookup_order', status: 'succeeded', arguments: expect.objectContaining({ orderId: 'A-17' }), durationMs: 50 }),
    ]);

    const timeline = (await admin.request(TIMELINE, { id: session.id })).timeline.events;
    const types = timeline.map((e: { type: string }) => e.type);
    expect(types).toEqual(['SessionStarted', 'RunStarted', 'LOG', 'MESSAGE', 'MESSAGE', 'MODEL_USAGE', 'MESSAGE', 'TOOL_CALL', 'TOOL_RESULT', 'MODEL_USAGE', 'MESSAGE', 'RunFinished']);
    const usage = timeline.find((e: { type: string }) => e.type === 'MODEL_USAGE');
    expect(usage.data).toMatchObject({ model: 'gpt-4o-2024-08-06', inputTokens: 1000, outputTokens: 80, cacheReadTokens: 200, latencyMs: 700, requestId: 'chatcmpl-1' });
    expect(usage.pricing).toMatchObject({ source: 'PRICE_TABLE', table: expect.stringMatching(/^@pydantic\/genai-prices@\d/), pricedModel: 'gpt-4o', unitPrices: { inputPerMTok: 2.5, outputPerMTok: 10, cacheReadPerMTok: 1.25 } });
    expect(usage.id).toMatch(/^otel:[0-9a-f]{32}:[0-9a-f]{16}:2$/);

    const ledger = await admin.request(`query($f: UsageFilter!) { usage(filter: $f, groupBy: [SESSION]) { sessionId usage { requests priceTableCostRequests unpricedRequests } } }`, {
      f: { from: new Date(base - 3_600_000).toISOString(), to: new Date(base + 3_600_000).toISOString(), sessionIds: [session.id] },
    });
    expect(ledger.usage).toEqual([{ sessionId: session.id, usage: { requests: 2, priceTableCostRequests: 2, unpricedRequests: 0 } }]);

    // The same export again (an exporter's retry): accepted, nothing stored twice.
    expect((await exportWith(new OTLPProtoExporter({ url: tracesUrl, headers: auth }), spans)).code).toBe(ExportResultCode.SUCCESS);
    const again = (await admin.request(TIMELINE, { id: session.id })).timeline.events;
    expect(again).toHaveLength(timeline.length);
    expect((await sessionBySource('conv-proto-1')).usage.requests).toBe(2);
  });

  it('JSON exporter with gzip: a trace without a conversation is a BACKGROUND_TASK ended with its root span', async () => {
    const base = Date.now() - 30_000;
    const spans = record((p) => genaiAgentTurn(p.getTracer('agent'), { base, failTool: true }), 'batch-worker');
    const exporter = new OTLPHttpJsonExporter({ url: tracesUrl, headers: auth, compression: 'gzip' as never });
    expect((await exportWith(exporter, spans)).code).toBe(ExportResultCode.SUCCESS);
    const traceId = spans[0]!.spanContext().traceId;
    const session = await sessionBySource(traceId);
    expect(session).toMatchObject({ kind: 'BACKGROUND_TASK', status: 'COMPLETED', source: { type: 'otel', id: traceId, reference: `trace ${traceId}` } });
    const run = session.runs.edges[0].node;
    expect(run.toolCalls[0]).toMatchObject({ name: 'lookup_order', status: 'failed' });
    const timeline = (await admin.request(TIMELINE, { id: session.id })).timeline.events;
    expect(timeline.find((e: { type: string }) => e.type === 'ERROR').data).toMatchObject({ code: 'SPAN_ERROR', message: 'order service timed out' });
  });

  it('a credential in a span attribute is redacted before it is stored', async () => {
    const secret = 'ghp_' + 'A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8';
    const spans = record((p) => genaiAgentTurn(p.getTracer('agent'), { conversationId: 'conv-secret', base: Date.now() - 10_000, secret }));
    expect((await exportWith(new OTLPProtoExporter({ url: tracesUrl, headers: auth }), spans)).code).toBe(ExportResultCode.SUCCESS);
    const session = await sessionBySource('conv-secret');
    const timeline = JSON.stringify((await admin.request(TIMELINE, { id: session.id })).timeline.events);
    expect(timeline).not.toContain(secret);
    expect(timeline).toContain('[REDACTED:');
  });

  it('OpenLLMetry- and OpenInference-shaped spans map to the same run events', async () => {
    const base = Date.now() - 20_000;
    const spans = record((p) => {
      openLLMetryChat(p.getTracer('@traceloop/instrumentation-openai'), { base, sessionId: 'oll-1' });
      openInferenceLlm(p.getTracer('@arizeai/openinference-instrumentation-openai'), { base, sessionId: 'oi-1' });
    });
    expect((await exportWith(new OTLPProtoExporter({ url: tracesUrl, headers: auth }), spans)).code).toBe(ExportResultCode.SUCCESS);
    const oll = await sessionBySource('oll-1');
    expect(oll).toMatchObject({ kind: 'CHAT', preview: 'Where is my parcel?', outputPreview: 'It arrives tomorrow.', usage: { requests: 1, inputTokens: 30, outputTokens: 12, priceTableCostRequests: 1 } });
    expect(oll.runs.edges[0].node.toolCalls[0]).toMatchObject({ name: 'track_parcel', status: 'succeeded', arguments: { args: ['P-9'] } });
    const oi = await sessionBySource('oi-1');
    expect(oi).toMatchObject({ kind: 'CHAT', preview: 'Summarise the ticket', outputPreview: 'Customer wants a refund.', usage: { requests: 1, inputTokens: 400, outputTokens: 20, cacheReadTokens: 100 } });
    expect(oi.runs.edges[0].node.toolCalls[0]).toMatchObject({ name: 'search_kb', arguments: { query: 'refund policy' } });
  });

  it('a late span of a finished run is stored once, with its own time', async () => {
    const base = Date.now() - 40_000;
    const spans = record((p) => genaiAgentTurn(p.getTracer('agent'), { conversationId: 'conv-late', base }));
    const late = spans.find((s) => s.name === 'execute_tool lookup_order')!;
    const rest = spans.filter((s) => s !== late);
    const exporter = new OTLPProtoExporter({ url: tracesUrl, headers: auth });
    expect((await exportWith(exporter, rest)).code).toBe(ExportResultCode.SUCCESS);
    expect((await exportWith(exporter, [late])).code).toBe(ExportResultCode.SUCCESS);
    expect((await exportWith(exporter, [late])).code).toBe(ExportResultCode.SUCCESS);
    const session = await sessionBySource('conv-late');
    const events = (await admin.request(TIMELINE, { id: session.id })).timeline.events;
    const calls = events.filter((e: { type: string }) => e.type === 'TOOL_CALL');
    expect(calls).toHaveLength(1);
    expect(calls[0].at).toBe(new Date(base + 720).toISOString());
    expect(events[events.length - 1].type).toBe('TOOL_RESULT');
  });

  it('answers per OTLP/HTTP: 400 malformed (protobuf and JSON), 401 unknown key, 403 without INGEST, 413 over the limit, partial_success', async () => {
    const post = (body: Buffer | string, headers: Record<string, string>) => fetch(tracesUrl, { method: 'POST', headers, body });
    const proto = { 'content-type': 'application/x-protobuf', ...auth };
    const json = { 'content-type': 'application/json', ...auth };

    const garbage = await post(Buffer.from('definitely not protobuf'), proto);
    expect(garbage.status).toBe(400);
    expect(garbage.headers.get('content-type')).toContain('application/x-protobuf');
    expect(decodeStatus(Buffer.from(await garbage.arrayBuffer()), 'protobuf').message).toMatch(/not an OTLP protobuf ExportTraceServiceRequest/);
    const badJson = await post('{"resourceSpans": [', json);
    expect(badJson.status).toBe(400);
    const badGzip = await post(Buffer.from('not gzip'), { ...json, 'content-encoding': 'gzip' });
    expect(badGzip.status).toBe(400);

    const unknown = await post('{}', { 'content-type': 'application/json', Authorization: 'Bearer not-a-known-key-000000' });
    expect(unknown.status).toBe(401);
    expect(((await unknown.json()) as { message: string }).message).toMatch(/valid API key/);
    const viewer = await post('{}', { 'content-type': 'application/json', Authorization: `Bearer ${KEYS.viewer.key}` });
    expect(viewer.status).toBe(403);

    const big = gzipSync(Buffer.alloc(5 * 1024 * 1024, 0x20));
    const tooLarge = await post(big, { ...json, 'content-encoding': 'gzip' });
    expect(tooLarge.status).toBe(413);

    const empty = await post('{}', json);
    expect(empty.status).toBe(200);
    expect(await empty.json()).toEqual({});

    const base = BigInt(Date.now()) * 1_000_000n;
    const request = {
      resourceSpans: [{ resource: { attributes: [] }, scopeSpans: [{ scope: { name: 't' }, spans: [
        { traceId: 'ab'.repeat(16), spanId: 'cd'.repeat(8), name: 'ok', startTimeUnixNano: String(base), endTimeUnixNano: String(base + 1_000_000n), kind: 1 },
        { traceId: 'ab'.repeat(16), spanId: '00'.repeat(8), name: 'bad id', startTimeUnixNano: String(base), endTimeUnixNano: String(base), kind: 1 },
      ] }] }],
    };
    const partial = await post(JSON.stringify(request), json);
    expect(partial.status).toBe(200);
    const answer = decodeExportResponse(Buffer.from(await partial.arrayBuffer()), 'json');
    expect(answer.partialSuccess).toMatchObject({ rejectedSpans: '1', errorMessage: expect.stringMatching(/spanId must be 8 bytes/) });
    expect(partial.headers.get('x-ledger-deduplicated')).toBe('0');
    // The same body again: its one LOG event was stored already.
    const again = await post(JSON.stringify(request), json);
    expect(again.headers.get('x-ledger-deduplicated')).toBe('1');
  });

  it('503 with Retry-After while the event store cannot take writes; the same export resent later is stored once', async () => {
    const base = BigInt(Date.now() - 1_000) * 1_000_000n;
    const body = JSON.stringify({
      resourceSpans: [{ resource: { attributes: [] }, scopeSpans: [{ scope: { name: 't' }, spans: [
        { traceId: 'ef'.repeat(16), spanId: '12'.repeat(8), parentSpanId: '34'.repeat(8), name: 'step', startTimeUnixNano: String(base), endTimeUnixNano: String(base + 1_000_000n),
          attributes: [{ key: 'gen_ai.conversation.id', value: { stringValue: 'conv-locked' } }] },
      ] }] }],
    });
    const post = () => fetch(tracesUrl, { method: 'POST', headers: { 'content-type': 'application/json', ...auth }, body });
    // Another process holds the SQLite write lock longer than the server's busy timeout.
    const holder = new Database(join(server.dataDir, 'events.sqlite'));
    holder.prepare('BEGIN IMMEDIATE').run();
    let locked: Response;
    try {
      locked = await post();
    } finally {
      holder.prepare('ROLLBACK').run();
      holder.close();
    }
    expect(locked.status).toBe(503);
    expect(locked.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(((await locked.json()) as { message: string }).message).toMatch(/safe to resend/);
    const resent = await post();
    expect(resent.status).toBe(200);
    expect(await post().then((r) => r.headers.get('x-ledger-deduplicated'))).toBe('1');
    const session = await sessionBySource('conv-locked');
    const events = (await admin.request(TIMELINE, { id: session.id })).timeline.events;
    expect(events.filter((e: { type: string }) => e.type === 'LOG')).toHaveLength(1);
  });

  it('GraphQL prices alike; a later price change leaves stored costs as they were and verifyProjection still matches', async () => {
    const ingest = new GraphQLClient(server.url, KEYS.ingest.key);
    const started = await ingest.request(`mutation { startSession(input: { kind: CHAT, source: { type: "chat-ui", id: "prices-1" } }) { id } }`);
    const sessionId = started.startSession.id;
    await ingest.request(`mutation($input: AppendRunEventsInput!) { appendRunEvents(input: $input) { lastSequence } }`, {
      input: { sessionId, events: [{ id: 'usage-1', type: 'MODEL_USAGE', data: { model: 'gpt-4o', inputTokens: 1000, outputTokens: 100 } }] },
    });
    const before = await admin.request(`query($id: ID!) { session(id: $id) { usage { costUsd priceTableCostRequests } } }`, { id: sessionId });
    expect(before.session.usage).toEqual({ costUsd: (1000 * 2.5 + 100 * 10) / 1e6, priceTableCostRequests: 1 });
    const otelBefore = (await sessionBySource('conv-proto-1')).usage;

    // The operator now sets a price for the same models: history keeps the price it was stored with.
    await server.stop();
    server = await startServer({
      dataDir: server.dataDir,
      env: { LEDGER_MODEL_PRICES: JSON.stringify({ 'gpt-4o': { inputPerMTok: 100, outputPerMTok: 100 }, 'gpt-4o-2024-08-06': { inputPerMTok: 100, outputPerMTok: 100 } }) },
    });
    admin = new GraphQLClient(server.url, KEYS.admin.key);
    tracesUrl = server.url.replace(/\/graphql$/, '/v1/traces');
    const after = await admin.request(`query($id: ID!) { session(id: $id) { usage { costUsd priceTableCostRequests } } }`, { id: sessionId });
    expect(after.session.usage).toEqual(before.session.usage);
    expect((await sessionBySource('conv-proto-1')).usage).toEqual(otelBefore);
    for (const name of ['usage', 'sessions', 'runs']) {
      const verified = await admin.request(`mutation($n: String!) { verifyProjection(name: $n) { matches differences } }`, { n: name });
      expect(verified.verifyProjection).toEqual({ matches: true, differences: [] });
    }

    // New usage is priced by the new configuration, over OTLP as over GraphQL.
    const spans = record((p) => genaiAgentTurn(p.getTracer('agent'), { conversationId: 'conv-configured', base: Date.now() - 5_000 }));
    expect((await exportWith(new OTLPProtoExporter({ url: tracesUrl, headers: auth }), spans)).code).toBe(ExportResultCode.SUCCESS);
    const configured = await sessionBySource('conv-configured');
    expect(configured.usage).toMatchObject({ requests: 2, configuredCostRequests: 2, priceTableCostRequests: 0 });
    const timeline = (await admin.request(TIMELINE, { id: configured.id })).timeline.events;
    expect(timeline.find((e: { type: string }) => e.type === 'MODEL_USAGE').pricing).toMatchObject({ source: 'CONFIGURED', unitPrices: { inputPerMTok: 100 } });
  });
});
