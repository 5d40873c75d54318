import { context, Span, SpanKind, SpanStatusCode, trace, Tracer } from '@opentelemetry/api';

/**
 * GenAI spans as instrumentations emit them, written through the real OpenTelemetry SDK:
 * the current GenAI semantic conventions, OpenLLMetry (@traceloop) and OpenInference (@arizeai).
 */

function child(tracer: Tracer, parent: Span, name: string, attributes: Record<string, string | number | boolean>, start: Date, end: Date, status?: { error: string }): Span {
  const span = tracer.startSpan(name, { kind: SpanKind.CLIENT, attributes, startTime: start }, trace.setSpan(context.active(), parent));
  if (status) span.setStatus({ code: SpanStatusCode.ERROR, message: status.error });
  span.end(end);
  return span;
}

const at = (base: number, offsetMs: number) => new Date(base + offsetMs);

/** An agent turn in the current GenAI conventions: invoke_agent > chat, execute_tool, chat. */
export function genaiAgentTurn(tracer: Tracer, options: { conversationId?: string; base: number; secret?: string; failTool?: boolean }): void {
  const conversation: Record<string, string> = options.conversationId ? { 'gen_ai.conversation.id': options.conversationId } : {};
  const root = tracer.startSpan('invoke_agent support-bot', {
    kind: SpanKind.INTERNAL,
    startTime: at(options.base, 0),
    attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'support-bot', ...conversation },
  });
  child(tracer, root, 'chat gpt-4o', {
    'gen_ai.operation.name': 'chat',
    'gen_ai.provider.name': 'openai',
    'gen_ai.request.model': 'gpt-4o',
    'gen_ai.response.model': 'gpt-4o-2024-08-06',
    'gen_ai.response.id': 'chatcmpl-1',
    'gen_ai.usage.input_tokens': 1200,
    'gen_ai.usage.output_tokens': 80,
    'gen_ai.usage.cache_read.input_tokens': 200,
    'gen_ai.input.messages': JSON.stringify([
      { role: 'system', parts: [{ type: 'text', content: 'You are a support bot.' }] },
      { role: 'user', parts: [{ type: 'text', content: `My order is late${options.secret ? `; my key is ${options.secret}` : ''}` }] },
    ]),
    'gen_ai.output.messages': JSON.stringify([{ role: 'assistant', parts: [{ type: 'tool_call', id: 'call_1', name: 'lookup_order' }], finish_reason: 'tool_call' }]),
    ...conversation,
  }, at(options.base, 10), at(options.base, 710));
  child(tracer, root, 'execute_tool lookup_order', {
    'gen_ai.operation.name': 'execute_tool',
    'gen_ai.tool.name': 'lookup_order',
    'gen_ai.tool.call.id': 'call_1',
    'gen_ai.tool.call.arguments': '{"orderId":"A-17"}',
    'gen_ai.tool.call.result': '{"status":"shipped"}',
    ...conversation,
  }, at(options.base, 720), at(options.base, 770), options.failTool ? { error: 'order service timed out' } : undefined);
  child(tracer, root, 'chat gpt-4o', {
    'gen_ai.operation.name': 'chat',
    'gen_ai.request.model': 'gpt-4o',
    'gen_ai.usage.input_tokens': 1400,
    'gen_ai.usage.output_tokens': 40,
    'gen_ai.output.messages': JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: 'Your order A-17 has shipped.' }] }]),
    ...conversation,
  }, at(options.base, 780), at(options.base, 1280));
  root.end(at(options.base, 1300));
}

/** What @traceloop/node-server-sdk (OpenLLMetry) emits for an OpenAI chat call inside a workflow. */
export function openLLMetryChat(tracer: Tracer, options: { base: number; sessionId: string }): void {
  const workflow = tracer.startSpan('support.workflow', {
    startTime: at(options.base, 0),
    attributes: { 'traceloop.span.kind': 'workflow', 'traceloop.workflow.name': 'support', 'traceloop.entity.name': 'support', 'session.id': options.sessionId },
  });
  child(tracer, workflow, 'openai.chat', {
    'llm.request.type': 'chat',
    'gen_ai.system': 'openai',
    'gen_ai.request.model': 'gpt-4o-mini',
    'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
    'gen_ai.prompt.0.role': 'user',
    'gen_ai.prompt.0.content': 'Where is my parcel?',
    'gen_ai.completion.0.role': 'assistant',
    'gen_ai.completion.0.content': 'It arrives tomorrow.',
    'gen_ai.usage.prompt_tokens': 30,
    'gen_ai.usage.completion_tokens': 12,
    'llm.usage.total_tokens': 42,
  }, at(options.base, 5), at(options.base, 405));
  child(tracer, workflow, 'track_parcel.tool', {
    'traceloop.span.kind': 'tool',
    'traceloop.entity.name': 'track_parcel',
    'traceloop.entity.input': '{"args":["P-9"]}',
    'traceloop.entity.output': '"tomorrow"',
  }, at(options.base, 410), at(options.base, 430));
  workflow.end(at(options.base, 450));
}

/** What @arizeai/openinference-instrumentation-openai emits: an LLM span with flattened messages and token counts. */
export function openInferenceLlm(tracer: Tracer, options: { base: number; sessionId: string }): void {
  const agent = tracer.startSpan('Agent', {
    startTime: at(options.base, 0),
    attributes: { 'openinference.span.kind': 'CHAIN', 'session.id': options.sessionId, 'input.value': 'Summarise the ticket' },
  });
  child(tracer, agent, 'ChatCompletion', {
    'openinference.span.kind': 'LLM',
    'llm.model_name': 'claude-3-5-sonnet-20241022',
    'llm.provider': 'anthropic',
    'llm.input_messages.0.message.role': 'user',
    'llm.input_messages.0.message.content': 'Summarise the ticket',
    'llm.output_messages.0.message.role': 'assistant',
    'llm.output_messages.0.message.content': 'Customer wants a refund.',
    'llm.token_count.prompt': 500,
    'llm.token_count.completion': 20,
    'llm.token_count.prompt_details.cache_read': 100,
    'session.id': options.sessionId,
  }, at(options.base, 5), at(options.base, 605));
  child(tracer, agent, 'search_kb', {
    'openinference.span.kind': 'TOOL',
    'tool.name': 'search_kb',
    'input.value': '{"query":"refund policy"}',
    'output.value': 'Refunds within 30 days',
    'session.id': options.sessionId,
  }, at(options.base, 610), at(options.base, 650));
  agent.end(at(options.base, 700));
}
