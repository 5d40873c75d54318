import type { Actor, AppendRunEvents, EndSession, FinishRun, StartRun, StartSession } from '@ledger/domain';
import { sessionIdFromSource } from '@ledger/domain';
import { Attributes, OtlpSpan, STATUS_ERROR, STATUS_OK } from './otlp-span';
import { planTraces, runIdFor } from './span-mapping';

const actor: Actor = { organizationId: 'org-a', principal: { type: 'MANAGED_AGENT', id: 'agent-7', name: null }, roles: ['INGEST'] };
const NOW = '2026-12-01T12:00:00.000Z';
const T0 = BigInt(Date.parse('2026-12-01T11:00:00.000Z')) * 1_000_000n;
const LIMITS = { maxEventDataBytes: 64 * 1024, maxBatchEvents: 500 };
const TRACE = 'a'.repeat(32);

let nextSpan = 1;
function span(attributes: Attributes, options: Partial<OtlpSpan> & { startMs?: number; endMs?: number } = {}): OtlpSpan {
  const spanId = options.spanId ?? (nextSpan++).toString(16).padStart(16, '0');
  const { startMs = 0, endMs = 100, ...rest } = options;
  return {
    traceId: TRACE,
    spanId,
    parentSpanId: null,
    name: 'span',
    kind: 1,
    startTimeUnixNano: String(T0 + BigInt(startMs) * 1_000_000n),
    endTimeUnixNano: String(T0 + BigInt(endMs) * 1_000_000n),
    attributes,
    events: [],
    status: { code: 0, message: '' },
    resource: { 'service.name': 'svc' },
    scope: { name: 'test', version: '' },
    ...rest,
  };
}

function plan(spans: OtlpSpan[]) {
  return planTraces(actor, spans, NOW, LIMITS);
}
const commandsOf = (spans: OtlpSpan[]) => plan(spans).sessions.flatMap((s) => s.commands);
const start = (spans: OtlpSpan[]) => commandsOf(spans).find((c): c is StartSession => c.type === 'StartSession')!;
const events = (spans: OtlpSpan[]) => commandsOf(spans).flatMap((c) => (c.type === 'AppendRunEvents' ? (c as AppendRunEvents).events : []));

describe('span -> command mapping (README "Send traces from your agent")', () => {
  describe('session', () => {
    it.each([
      ['gen_ai.conversation.id', { 'gen_ai.conversation.id': 'c-1', 'session.id': 's-1' }, 'c-1'],
      ['session.id', { 'session.id': 's-1', 'langfuse.session.id': 'l-1' }, 's-1'],
      ['langfuse.session.id', { 'langfuse.session.id': 'l-1' }, 'l-1'],
    ])('from %s, derived like a source: (organization, "otel", value); kind CHAT', (_name, attributes, key) => {
      const s = start([span(attributes)]);
      expect(s.sessionId).toBe(sessionIdFromSource('org-a', 'otel', key));
      expect(s.source).toMatchObject({ type: 'otel', id: key });
      expect(s.kind).toBe('CHAT');
    });

    it('else from the trace id, as a BACKGROUND_TASK', () => {
      const s = start([span({})]);
      expect(s.sessionId).toBe(sessionIdFromSource('org-a', 'otel', TRACE));
      expect(s.kind).toBe('BACKGROUND_TASK');
    });

    it('a conversation id on one span of a trace holds for the trace in the export', () => {
      const p = plan([span({}), span({ 'gen_ai.conversation.id': 'c-9' })]);
      expect(p.sessions).toHaveLength(1);
      expect(p.sessions[0]!.sessionId).toBe(sessionIdFromSource('org-a', 'otel', 'c-9'));
    });

    it('agent_ledger.session.kind on the span or the resource overrides the kind', () => {
      expect(start([span({ 'agent_ledger.session.kind': 'RUNTIME' })]).kind).toBe('RUNTIME');
      expect(start([span({ 'gen_ai.conversation.id': 'c' }, { resource: { 'agent_ledger.session.kind': 'flow_run' } })]).kind).toBe('FLOW_RUN');
    });

    it('the owner is the key principal; service.name (and service.instance.id) name the reporting agent', () => {
      const s = start([span({}, { resource: { 'service.name': 'support-bot', 'service.instance.id': 'pod-1' } })]);
      expect(s.owner ?? null).toBeNull();
      expect(s.actor).toBe(actor);
      expect(s.environment).toEqual({ runtime: 'support-bot (pod-1)' });
      expect(s.metadata).toMatchObject({ otel: { serviceName: 'support-bot', serviceInstanceId: 'pod-1' } });
    });

    it('the same conversation in another organization is another session', () => {
      const other = planTraces({ ...actor, organizationId: 'org-b' }, [span({ 'session.id': 's' })], NOW, LIMITS);
      expect(other.sessions[0]!.sessionId).not.toBe(plan([span({ 'session.id': 's' })]).sessions[0]!.sessionId);
    });
  });

  describe('run', () => {
    it('one per trace, id derived from the trace; status from the root span; gen_ai.agent.name is its agent name', () => {
      const root = span({ 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'planner' }, { status: { code: STATUS_OK, message: '' }, endMs: 900 });
      const commands = commandsOf([root, span({}, { parentSpanId: root.spanId })]);
      const started = commands.find((c): c is StartRun => c.type === 'StartRun')!;
      expect(started.runId).toBe(runIdFor('org-a', TRACE, null));
      expect(started.agentName).toBe('planner');
      expect(started.input).toMatchObject({ traceId: TRACE, spanId: root.spanId });
      const finished = commands.find((c): c is FinishRun => c.type === 'FinishRun')!;
      expect(finished).toMatchObject({ runId: started.runId, status: 'COMPLETED', at: '2026-12-01T11:00:00.900Z' });
    });

    it('a root span with an error status fails the run; a trace-only session ends with it', () => {
      const root = span({}, { status: { code: STATUS_ERROR, message: 'boom' } });
      const commands = commandsOf([root]);
      expect(commands.find((c): c is FinishRun => c.type === 'FinishRun')).toMatchObject({ status: 'FAILED', error: { message: 'boom' } });
      expect(commands.find((c): c is EndSession => c.type === 'EndSession')).toMatchObject({ status: 'FAILED' });
    });

    it('a nested invoke_agent span is a run of its own, holding its descendants', () => {
      const root = span({ 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'lead' });
      const sub = span({ 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'researcher' }, { parentSpanId: root.spanId });
      const call = span({ 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'm' }, { parentSpanId: sub.spanId });
      const commands = commandsOf([root, sub, call]);
      const runs = commands.filter((c): c is StartRun => c.type === 'StartRun');
      expect(runs.map((r) => r.runId).sort()).toEqual([runIdFor('org-a', TRACE, null), runIdFor('org-a', TRACE, sub.spanId)].sort());
      const append = commands.filter((c): c is AppendRunEvents => c.type === 'AppendRunEvents').find((c) => c.runId === runIdFor('org-a', TRACE, sub.spanId))!;
      expect(append.events.map((e) => e.type)).toEqual(['LOG', 'MODEL_USAGE']);
    });

    it('no FinishRun while the root span has not arrived', () => {
      expect(commandsOf([span({}, { parentSpanId: 'f'.repeat(16) })]).map((c) => c.type)).toEqual(['StartSession', 'StartRun', 'AppendRunEvents']);
    });
  });

  describe('run events', () => {
    it.each(['chat', 'text_completion', 'generate_content', 'embeddings'])('gen_ai.operation.name %s is MODEL_USAGE', (operation) => {
      expect(events([span({ 'gen_ai.operation.name': operation, 'gen_ai.request.model': 'm' })]).map((e) => e.type)).toEqual(['MODEL_USAGE']);
    });

    it('MODEL_USAGE: tokens (cached ones counted apart from input), model from the response else the request, latency, requestId', () => {
      const [usage] = events([
        span(
          {
            'gen_ai.operation.name': 'chat',
            'gen_ai.request.model': 'gpt-4o',
            'gen_ai.response.model': 'gpt-4o-2024-08-06',
            'gen_ai.response.id': 'resp-1',
            'gen_ai.usage.input_tokens': 1000,
            'gen_ai.usage.output_tokens': 300,
            'gen_ai.usage.cache_read.input_tokens': 200,
            'gen_ai.usage.cache_creation.input_tokens': 100,
            'gen_ai.usage.reasoning.output_tokens': 50,
          },
          { startMs: 0, endMs: 1250 },
        ),
      ]);
      expect(usage!.data).toMatchObject({
        model: 'gpt-4o-2024-08-06',
        inputTokens: 700,
        outputTokens: 300,
        cacheReadTokens: 200,
        cacheWriteTokens: 100,
        reasoningTokens: 50,
        latencyMs: 1250,
        requestId: 'resp-1',
      });
      expect(events([span({ 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'req-model' })])[0]!.data.model).toBe('req-model');
    });

    it('the older gen_ai.usage.prompt_tokens / completion_tokens', () => {
      const [usage] = events([span({ 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'm', 'gen_ai.usage.prompt_tokens': 30, 'gen_ai.usage.completion_tokens': 12 })]);
      expect(usage!.data).toMatchObject({ inputTokens: 30, outputTokens: 12 });
    });

    it('OpenInference: openinference.span.kind LLM with llm.token_count.* and llm.model_name', () => {
      const [, usage] = events([
        span({
          'openinference.span.kind': 'LLM',
          'llm.model_name': 'claude-3-5-sonnet',
          'llm.token_count.prompt': 500,
          'llm.token_count.completion': 20,
          'llm.token_count.prompt_details.cache_read': 100,
          'llm.token_count.completion_details.reasoning': 5,
          'llm.input_messages.0.message.role': 'user',
          'llm.input_messages.0.message.content': 'hi',
        }),
      ]);
      expect(usage!.data).toMatchObject({ model: 'claude-3-5-sonnet', inputTokens: 400, outputTokens: 20, cacheReadTokens: 100, reasoningTokens: 5 });
    });

    it('MESSAGE from gen_ai.input.messages (what follows the last assistant turn) and gen_ai.output.messages', () => {
      const list = events([
        span({
          'gen_ai.operation.name': 'chat',
          'gen_ai.request.model': 'm',
          'gen_ai.input.messages': JSON.stringify([
            { role: 'user', parts: [{ type: 'text', content: 'first' }] },
            { role: 'assistant', parts: [{ type: 'text', content: 'answer' }] },
            { role: 'user', parts: [{ type: 'text', content: 'second' }] },
          ]),
          'gen_ai.output.messages': JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: 'done' }] }]),
        }),
      ]);
      expect(list.map((e) => [e.type, e.data.role ?? null, e.data.text ?? null])).toEqual([
        ['MESSAGE', 'user', 'second'],
        ['MODEL_USAGE', null, null],
        ['MESSAGE', 'assistant', 'done'],
      ]);
    });

    it('MESSAGE from OpenLLMetry gen_ai.prompt.N / gen_ai.completion.N and from span events of the older conventions', () => {
      const oll = events([span({ 'llm.request.type': 'chat', 'gen_ai.prompt.0.role': 'user', 'gen_ai.prompt.0.content': 'q', 'gen_ai.completion.0.content': 'a' })]);
      expect(oll.filter((e) => e.type === 'MESSAGE').map((e) => e.data.text)).toEqual(['q', 'a']);
      const old = events([
        span(
          { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'm' },
          {
            events: [
              { name: 'gen_ai.user.message', timeUnixNano: String(T0), attributes: { content: 'hello' } },
              { name: 'gen_ai.choice', timeUnixNano: String(T0), attributes: { message: '{"role":"assistant","content":"hi there"}' } },
            ],
          },
        ),
      ]);
      expect(old.filter((e) => e.type === 'MESSAGE').map((e) => [e.data.role, e.data.text])).toEqual([
        ['user', 'hello'],
        ['assistant', 'hi there'],
      ]);
    });

    it('execute_tool is TOOL_CALL and TOOL_RESULT: name, call id, arguments, result, status from the span status, duration', () => {
      const [call, result, error] = events([
        span(
          {
            'gen_ai.operation.name': 'execute_tool',
            'gen_ai.tool.name': 'search',
            'gen_ai.tool.call.id': 'call-1',
            'gen_ai.tool.call.arguments': '{"q":"x"}',
            'gen_ai.tool.call.result': '{"hits":2}',
          },
          { startMs: 10, endMs: 60, status: { code: STATUS_ERROR, message: 'timeout' } },
        ),
      ]);
      expect(call).toMatchObject({ type: 'TOOL_CALL', data: { toolCallId: 'call-1', name: 'search', arguments: { q: 'x' } } });
      expect(result).toMatchObject({ type: 'TOOL_RESULT', data: { toolCallId: 'call-1', status: 'failed', output: { hits: 2 }, durationMs: 50 } });
      expect(error).toMatchObject({ type: 'ERROR', data: { code: 'SPAN_ERROR', message: 'timeout' } });
    });

    it('OpenInference TOOL and OpenLLMetry tool spans are tool calls too', () => {
      expect(events([span({ 'openinference.span.kind': 'TOOL', 'tool.name': 't', 'input.value': '{"a":1}' })])[0]).toMatchObject({ type: 'TOOL_CALL', data: { name: 't', arguments: { a: 1 } } });
      expect(events([span({ 'traceloop.span.kind': 'tool', 'traceloop.entity.name': 'u' })])[0]).toMatchObject({ type: 'TOOL_CALL', data: { name: 'u' } });
    });

    it('a span with an error status adds an ERROR event (error.type as its code)', () => {
      const list = events([span({ 'error.type': 'RateLimit' }, { status: { code: STATUS_ERROR, message: '429 from provider' } })]);
      expect(list.map((e) => e.type)).toEqual(['LOG', 'ERROR']);
      expect(list[1]!.data).toMatchObject({ code: 'RateLimit', message: '429 from provider' });
    });

    it('without a status message, the ERROR comes from the exception event', () => {
      const failed = span({}, {
        status: { code: STATUS_ERROR, message: '' },
        events: [{ name: 'exception', timeUnixNano: String(T0), attributes: { 'exception.type': 'TimeoutError', 'exception.message': 'took 30 s' } }],
      });
      expect(events([failed]).find((e) => e.type === 'ERROR')!.data).toMatchObject({ code: 'TimeoutError', message: 'took 30 s' });
    });

    it('OpenInference cache writes count apart from input as well', () => {
      const [usage] = events([span({ 'openinference.span.kind': 'LLM', 'llm.model_name': 'm', 'llm.token_count.prompt': 100, 'llm.token_count.prompt_details.cache_write': 40 })]);
      expect(usage!.data).toMatchObject({ inputTokens: 60, cacheWriteTokens: 40 });
    });

    it('anything else is a LOG with the span name and every attribute', () => {
      const [log] = events([span({ 'http.route': '/x', n: 3 }, { name: 'GET /x' })]);
      expect(log).toMatchObject({ type: 'LOG', data: { level: 'info', message: 'GET /x', otel: { attributes: { 'http.route': '/x', n: 3 } } } });
    });
  });

  describe('ids and order', () => {
    it('event ids derive from (trace id, span id, index), so the same export gives the same ids', () => {
      const s = span({ 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 't' }, { spanId: 'b'.repeat(16) });
      const first = events([s]);
      expect(first.map((e) => e.clientId)).toEqual([`otel:${TRACE}:${'b'.repeat(16)}:0`, `otel:${TRACE}:${'b'.repeat(16)}:1`]);
      expect(events([{ ...s }]).map((e) => e.id)).toEqual(first.map((e) => e.id));
      expect(commandsOf([s])).toEqual(commandsOf([s]));
    });

    it('events are in span start-time order, each with its span own time', () => {
      const late = span({}, { name: 'second', startMs: 500, endMs: 600 });
      const early = span({}, { name: 'first', startMs: 100, endMs: 200 });
      const list = events([late, early]);
      expect(list.map((e) => [e.data.message, e.at])).toEqual([
        ['first', '2026-12-01T11:00:00.100Z'],
        ['second', '2026-12-01T11:00:00.500Z'],
      ]);
    });

    it('large exports are split into appends of at most the batch limit', () => {
      const many = Array.from({ length: 12 }, (_, i) => span({}, { startMs: i, parentSpanId: 'f'.repeat(16) }));
      const appends = planTraces(actor, many, NOW, { ...LIMITS, maxBatchEvents: 5 }).sessions[0]!.commands.filter((c) => c.type === 'AppendRunEvents');
      expect(appends.map((c) => (c as AppendRunEvents).events.length)).toEqual([5, 5, 2]);
    });
  });

  describe('rejected spans (partial_success)', () => {
    it('bad ids, a missing start, a start far in the future, an event over the size limit', () => {
      const p = planTraces(
        actor,
        [
          span({}, { traceId: '0'.repeat(32) }),
          span({}, { spanId: 'xyz' }),
          span({}, { startTimeUnixNano: '0' }),
          span({}, { startTimeUnixNano: String(BigInt(Date.parse(NOW) + 3_600_000) * 1_000_000n) }),
          span({ big: 'x'.repeat(2000) }),
          span({}),
        ],
        NOW,
        { ...LIMITS, maxEventDataBytes: 1000 },
      );
      expect(p.rejected.map((r) => r.reason)).toEqual([
        expect.stringMatching(/traceId/),
        expect.stringMatching(/spanId/),
        expect.stringMatching(/startTimeUnixNano/),
        expect.stringMatching(/future/),
        expect.stringMatching(/over 1000 bytes/),
      ]);
      expect(p.sessions.flatMap((s) => s.commands).filter((c) => c.type === 'AppendRunEvents')).toHaveLength(1);
    });
  });
});
