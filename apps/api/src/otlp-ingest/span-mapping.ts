import { createHash } from 'node:crypto';
import {
  Actor,
  AppendRunEvents,
  deterministicUuid,
  EndSession,
  FinishRun,
  JsonRecord,
  RunEventToRecord,
  RunEventType,
  SESSION_KINDS,
  SessionKind,
  sessionIdFromSource,
  StartRun,
  StartSession,
} from '@ledger/domain';
import { jsonBytesOver } from '../edge/json-limits';
import { Attributes, AttributeValue, OtlpSpan, STATUS_ERROR } from './otlp-span';

/**
 * Spans to the commands GraphQL ingestion issues: pure (no clock, no random, no I/O), so the same
 * export always gives the same commands with the same ids, and a retried export stores nothing
 * twice. The README's "Send traces from your agent" table lists every rule below.
 */

/** The source type of sessions made from traces: their id is derived from (organization, "otel", key). */
export const OTEL_SOURCE = 'otel';

const CONVERSATION_KEYS = ['gen_ai.conversation.id', 'session.id', 'langfuse.session.id'] as const;
const MODEL_OPERATIONS = new Set(['chat', 'text_completion', 'generate_content', 'embeddings']);
const OPENINFERENCE_MODEL_KINDS = new Set(['LLM', 'EMBEDDING']);
/** How far ahead of the server's clock a span may start, for clock skew (the same bound as GraphQL). */
const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000;

export interface MappingLimits {
  maxEventDataBytes: number;
  maxBatchEvents: number;
}

/** The commands for one session, in the order they must run. */
export interface SessionPlan {
  sessionId: string;
  commands: Array<StartSession | StartRun | AppendRunEvents | FinishRun | EndSession>;
  /** Span ids behind each command's events, to count rejected spans when a command is refused. */
  spanIds: string[];
}

export interface RejectedSpan {
  traceId: string;
  spanId: string;
  reason: string;
}

export interface TracePlan {
  sessions: SessionPlan[];
  rejected: RejectedSpan[];
}

// ------------------------------------------------------------------ attribute reading

function str(attributes: Attributes, ...keys: string[]): string | null {
  for (const key of keys) {
    const value = attributes[key];
    if (typeof value === 'string' && value !== '') return value;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  }
  return null;
}

function int(attributes: Attributes, ...keys: string[]): number | null {
  for (const key of keys) {
    const value = attributes[key];
    const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
    if (typeof n === 'number' && Number.isFinite(n) && n >= 0) return Math.round(n);
  }
  return null;
}

/** A JSON-looking string attribute as its value (instrumentations serialize messages and arguments). */
function jsonValue(value: AttributeValue | undefined): AttributeValue {
  if (typeof value !== 'string') return value ?? null;
  const trimmed = value.trim();
  if (!(trimmed.startsWith('{') || trimmed.startsWith('['))) return value;
  try {
    return JSON.parse(trimmed) as AttributeValue;
  } catch {
    return value;
  }
}

/** Nanoseconds since the epoch (a decimal string) as ISO-8601 with millisecond precision. */
export function isoFromNanos(nanos: string): string | null {
  if (!/^\d+$/.test(nanos) || nanos === '0') return null;
  const ms = Number(BigInt(nanos) / 1_000_000n);
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

function durationMs(span: OtlpSpan): number | null {
  if (!/^\d+$/.test(span.startTimeUnixNano) || !/^\d+$/.test(span.endTimeUnixNano)) return null;
  const d = BigInt(span.endTimeUnixNano) - BigInt(span.startTimeUnixNano);
  return d < 0n ? null : Number(d) / 1_000_000;
}

function hex32(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 32);
}

/** A run of a trace (or of one agent span in it): the id is derived, so every export names it alike. */
export function runIdFor(organizationId: string, traceId: string, agentSpanId: string | null): string {
  return `run_${hex32('otel-run', organizationId, traceId, agentSpanId ?? '')}`;
}

/** The session key of a span: the conversation it belongs to, else its trace. */
function conversationOf(span: OtlpSpan): string | null {
  return str(span.attributes, ...CONVERSATION_KEYS) ?? str(span.resource, ...CONVERSATION_KEYS);
}

function kindOverride(span: OtlpSpan): SessionKind | null {
  const kind = str(span.attributes, 'agent_ledger.session.kind') ?? str(span.resource, 'agent_ledger.session.kind');
  const upper = kind?.toUpperCase() ?? null;
  return upper && (SESSION_KINDS as readonly string[]).includes(upper) ? (upper as SessionKind) : null;
}

function operationOf(span: OtlpSpan): string | null {
  return str(span.attributes, 'gen_ai.operation.name');
}

function isAgentSpan(span: OtlpSpan): boolean {
  return operationOf(span) === 'invoke_agent' || str(span.attributes, 'openinference.span.kind') === 'AGENT' || str(span.attributes, 'traceloop.span.kind') === 'agent';
}

function isModelCall(span: OtlpSpan): boolean {
  const operation = operationOf(span);
  if (operation && MODEL_OPERATIONS.has(operation)) return true;
  const oi = str(span.attributes, 'openinference.span.kind');
  if (oi && OPENINFERENCE_MODEL_KINDS.has(oi)) return true;
  return str(span.attributes, 'llm.request.type') === 'chat' || str(span.attributes, 'llm.request.type') === 'completion';
}

function isToolCall(span: OtlpSpan): boolean {
  return operationOf(span) === 'execute_tool' || str(span.attributes, 'openinference.span.kind') === 'TOOL' || str(span.attributes, 'traceloop.span.kind') === 'tool';
}

// ------------------------------------------------------------------ messages

type Role = 'user' | 'assistant' | 'system' | 'tool';
const ROLES = new Set<string>(['user', 'assistant', 'system', 'tool']);

function role(value: unknown): Role {
  const r = typeof value === 'string' ? value.toLowerCase() : '';
  if (r === 'human') return 'user';
  if (r === 'ai' || r === 'model') return 'assistant';
  return (ROLES.has(r) ? r : 'assistant') as Role;
}

/** The text of a message in the GenAI conventions (parts) or the older flat `content`. */
function textOf(message: Record<string, unknown>): string {
  if (typeof message.content === 'string') return message.content;
  const parts = Array.isArray(message.parts) ? message.parts : Array.isArray(message.content) ? message.content : [];
  return parts
    .map((part: unknown) => {
      if (typeof part === 'string') return part;
      const p = part as Record<string, unknown>;
      if (typeof p.content === 'string') return p.content;
      if (typeof p.text === 'string') return p.text;
      if (p.type === 'tool_call') return `[tool call ${String(p.name ?? '')}]`;
      if (p.type === 'tool_call_response') return typeof p.response === 'string' ? p.response : JSON.stringify(p.response ?? null);
      return '';
    })
    .filter((text: string) => text !== '')
    .join('\n');
}

interface Message {
  role: Role;
  text: string;
}

function messagesFrom(value: AttributeValue): Message[] {
  const parsed = jsonValue(value);
  const list = Array.isArray(parsed) ? parsed : parsed && typeof parsed === 'object' ? [parsed] : [];
  return list
    .filter((m): m is Record<string, AttributeValue> => m !== null && typeof m === 'object' && !Array.isArray(m))
    .map((m) => ({ role: role(m.role), text: textOf(m) }))
    .filter((m) => m.text !== '');
}

/** Indexed flat attributes: OpenLLMetry's gen_ai.prompt.0.role, OpenInference's llm.input_messages.0.message.role. */
function indexedMessages(attributes: Attributes, prefix: string, infix: string): Message[] {
  const messages: Message[] = [];
  for (let i = 0; ; i += 1) {
    const base = `${prefix}.${i}${infix}`;
    const text = str(attributes, `${base}.content`);
    const r = str(attributes, `${base}.role`);
    if (text === null && r === null) break;
    if (text) messages.push({ role: role(r ?? 'user'), text });
  }
  return messages;
}

/** The older conventions: one span event per message (gen_ai.user.message, gen_ai.choice, ...). */
function eventMessages(span: OtlpSpan): { input: Message[]; output: Message[] } {
  const input: Message[] = [];
  const output: Message[] = [];
  for (const event of span.events) {
    const match = /^gen_ai\.(user|system|assistant|tool)\.message$/.exec(event.name);
    const content = event.attributes.content ?? event.attributes['gen_ai.event.content'];
    if (match) {
      const parsed = jsonValue(content);
      const text = typeof parsed === 'string' ? parsed : parsed && typeof parsed === 'object' ? textOf(parsed as Record<string, unknown>) : '';
      if (text) input.push({ role: match[1] as Role, text });
    } else if (event.name === 'gen_ai.choice') {
      const parsed = jsonValue(event.attributes.message ?? content);
      const text = typeof parsed === 'string' ? parsed : parsed && typeof parsed === 'object' ? textOf(parsed as Record<string, unknown>) : '';
      if (text) output.push({ role: 'assistant', text });
    }
  }
  return { input, output };
}

/**
 * The new messages of a model call. A call's input repeats the conversation so far; only what
 * follows the last assistant turn is new, so the timeline holds each message once.
 */
function newInput(messages: Message[]): Message[] {
  let last = -1;
  messages.forEach((m, i) => {
    if (m.role === 'assistant') last = i;
  });
  return messages.slice(last + 1).filter((m) => m.role !== 'system' || last === -1);
}

function modelMessages(span: OtlpSpan): { input: Message[]; output: Message[] } {
  const a = span.attributes;
  let input = a['gen_ai.input.messages'] !== undefined ? messagesFrom(a['gen_ai.input.messages']) : [];
  let output = a['gen_ai.output.messages'] !== undefined ? messagesFrom(a['gen_ai.output.messages']) : [];
  if (input.length === 0) input = indexedMessages(a, 'gen_ai.prompt', '');
  if (output.length === 0) output = indexedMessages(a, 'gen_ai.completion', '');
  if (input.length === 0) input = indexedMessages(a, 'llm.input_messages', '.message');
  if (output.length === 0) output = indexedMessages(a, 'llm.output_messages', '.message');
  if (input.length === 0 && output.length === 0) return eventMessages(span);
  return { input, output };
}

// ------------------------------------------------------------------ span -> run events

/** The attribute keys a model or tool event states as its own fields, left out of its `otel` copy. */
const MAPPED_KEYS = /^(gen_ai\.(input|output)\.messages|gen_ai\.(prompt|completion)\.\d+\.|llm\.(input|output)_messages\.)/;

function otelContext(span: OtlpSpan, keepAll: boolean): JsonRecord {
  const attributes: JsonRecord = {};
  for (const [key, value] of Object.entries(span.attributes)) if (keepAll || !MAPPED_KEYS.test(key)) attributes[key] = value;
  return {
    traceId: span.traceId,
    spanId: span.spanId,
    parentSpanId: span.parentSpanId,
    name: span.name,
    ...(span.scope.name ? { scope: span.scope.name } : {}),
    attributes,
  };
}

interface Draft {
  type: RunEventType;
  at: string;
  data: JsonRecord;
}

function drafts(span: OtlpSpan, start: string, end: string): Draft[] {
  const a = span.attributes;
  const out: Draft[] = [];
  const failed = span.status.code === STATUS_ERROR;
  const duration = durationMs(span);
  if (isModelCall(span)) {
    const { input, output } = modelMessages(span);
    for (const m of newInput(input)) out.push({ type: 'MESSAGE', at: start, data: { role: m.role, text: m.text } });
    const cacheRead = int(a, 'gen_ai.usage.cache_read.input_tokens', 'gen_ai.usage.cache_read_input_tokens', 'llm.token_count.prompt_details.cache_read') ?? 0;
    const cacheWrite = int(a, 'gen_ai.usage.cache_creation.input_tokens', 'gen_ai.usage.cache_creation_input_tokens', 'llm.token_count.prompt_details.cache_write') ?? 0;
    // The GenAI conventions count cached tokens inside input_tokens; the ledger counts them apart.
    const reportedInput = int(a, 'gen_ai.usage.input_tokens', 'gen_ai.usage.prompt_tokens', 'llm.token_count.prompt') ?? 0;
    const usage: JsonRecord = {
      model: str(a, 'gen_ai.response.model', 'gen_ai.request.model', 'llm.model_name') ?? 'unknown',
      inputTokens: Math.max(0, reportedInput - cacheRead - cacheWrite),
      outputTokens: int(a, 'gen_ai.usage.output_tokens', 'gen_ai.usage.completion_tokens', 'llm.token_count.completion') ?? 0,
      cacheReadTokens: cacheRead,
      cacheWriteTokens: cacheWrite,
      reasoningTokens: int(a, 'gen_ai.usage.reasoning.output_tokens', 'gen_ai.usage.reasoning_tokens', 'llm.token_count.completion_details.reasoning') ?? 0,
      otel: otelContext(span, false),
    };
    if (duration !== null) usage.latencyMs = duration;
    const requestId = str(a, 'gen_ai.response.id');
    if (requestId) usage.requestId = requestId;
    const provider = str(a, 'gen_ai.provider.name', 'gen_ai.system', 'llm.provider', 'llm.system');
    if (provider) usage.provider = provider;
    out.push({ type: 'MODEL_USAGE', at: start, data: usage });
    for (const m of output) out.push({ type: 'MESSAGE', at: end, data: { role: m.role === 'tool' ? 'tool' : 'assistant', text: m.text } });
  } else if (isToolCall(span)) {
    const toolCallId = str(a, 'gen_ai.tool.call.id', 'tool_call.id') ?? span.spanId;
    const name = str(a, 'gen_ai.tool.name', 'tool.name', 'traceloop.entity.name') ?? span.name;
    out.push({
      type: 'TOOL_CALL',
      at: start,
      data: {
        toolCallId,
        name,
        arguments: jsonValue(a['gen_ai.tool.call.arguments'] ?? a['input.value'] ?? a['traceloop.entity.input'] ?? a['tool.parameters']) as never,
        otel: otelContext(span, false),
      },
    });
    const result: JsonRecord = { toolCallId, status: failed ? 'failed' : 'succeeded' };
    const output = a['gen_ai.tool.call.result'] ?? a['output.value'] ?? a['traceloop.entity.output'];
    if (output !== undefined) result.output = jsonValue(output) as never;
    if (duration !== null) result.durationMs = duration;
    out.push({ type: 'TOOL_RESULT', at: end, data: result });
  } else {
    const level = failed ? 'error' : 'info';
    const log: JsonRecord = { level, message: span.name || '(unnamed span)', otel: otelContext(span, true) };
    if (duration !== null) log.durationMs = duration;
    if (span.events.length > 0) log.events = span.events.map((e) => ({ name: e.name, at: isoFromNanos(e.timeUnixNano), attributes: e.attributes })) as never;
    out.push({ type: 'LOG', at: start, data: log });
  }
  if (failed) {
    const exception = span.events.find((e) => e.name === 'exception');
    out.push({
      type: 'ERROR',
      at: end,
      data: {
        code: str(a, 'error.type') ?? (exception ? str(exception.attributes, 'exception.type') : null) ?? 'SPAN_ERROR',
        message: span.status.message || (exception ? str(exception.attributes, 'exception.message') : null) || `span "${span.name}" ended with an error status`,
        spanId: span.spanId,
      },
    });
  }
  return out;
}

// ------------------------------------------------------------------ the plan

interface MappedSpan {
  span: OtlpSpan;
  start: string;
  end: string;
  sessionKey: string;
  conversation: boolean;
  runId: string;
  events: RunEventToRecord[];
}

/** The run a span belongs to: its nearest nested agent span in the export, else its trace's run. */
function runOf(span: OtlpSpan, byId: Map<string, OtlpSpan>, organizationId: string): { runId: string; agentSpan: OtlpSpan | null } {
  let current: OtlpSpan | undefined = span;
  const seen = new Set<string>();
  while (current && !seen.has(current.spanId)) {
    seen.add(current.spanId);
    if (isAgentSpan(current) && current.parentSpanId) return { runId: runIdFor(organizationId, span.traceId, current.spanId), agentSpan: current };
    current = current.parentSpanId ? byId.get(`${span.traceId}:${current.parentSpanId}`) : undefined;
  }
  return { runId: runIdFor(organizationId, span.traceId, null), agentSpan: null };
}

function byStart(a: { at: string; order: string }, b: { at: string; order: string }): number {
  return a.at < b.at ? -1 : a.at > b.at ? 1 : a.order < b.order ? -1 : a.order > b.order ? 1 : 0;
}

/**
 * The commands for one export. `now` is the instant it is handled: it bounds how far in the
 * future a span may start (clock skew) and stamps nothing else; every event keeps its span's time.
 */
export function planTraces(actor: Actor, spans: OtlpSpan[], now: string, limits: MappingLimits): TracePlan {
  const org = actor.organizationId;
  const rejected: RejectedSpan[] = [];
  const latest = new Date(Date.parse(now) + MAX_CLOCK_SKEW_MS).toISOString();
  const valid: OtlpSpan[] = [];
  for (const span of spans) {
    const reject = (reason: string) => rejected.push({ traceId: span.traceId, spanId: span.spanId, reason });
    if (!/^[0-9a-f]{32}$/.test(span.traceId) || /^0+$/.test(span.traceId)) reject('traceId must be 16 bytes and not all zero');
    else if (!/^[0-9a-f]{16}$/.test(span.spanId) || /^0+$/.test(span.spanId)) reject('spanId must be 8 bytes and not all zero');
    else if (!isoFromNanos(span.startTimeUnixNano)) reject('startTimeUnixNano is missing');
    else if (isoFromNanos(span.startTimeUnixNano)! > latest) reject('starts more than 5 minutes in the future: check the reporter clock');
    else valid.push(span);
  }
  const byId = new Map(valid.map((span) => [`${span.traceId}:${span.spanId}`, span]));
  // A conversation id on any span of a trace in this export holds for the whole trace.
  const traceConversation = new Map<string, string>();
  for (const span of valid) {
    const conversation = conversationOf(span);
    if (conversation && !traceConversation.has(span.traceId)) traceConversation.set(span.traceId, conversation);
  }

  const mapped: MappedSpan[] = [];
  const agentSpans = new Map<string, OtlpSpan>();
  for (const span of valid) {
    const start = isoFromNanos(span.startTimeUnixNano)!;
    const end = isoFromNanos(span.endTimeUnixNano) ?? start;
    const conversation = traceConversation.get(span.traceId) ?? null;
    const sessionKey = conversation ?? span.traceId;
    const sessionId = sessionIdFromSource(org, OTEL_SOURCE, sessionKey);
    const { runId, agentSpan } = runOf(span, byId, org);
    if (agentSpan) agentSpans.set(runId, agentSpan);
    const events = drafts(span, start, end).map((draft, index): RunEventToRecord => {
      const clientId = `otel:${span.traceId}:${span.spanId}:${index}`;
      return { id: deterministicUuid(sessionId, 'event', clientId), clientId, type: draft.type, at: draft.at, data: draft.data };
    });
    const tooLarge = events.find((e) => jsonBytesOver(e.data, limits.maxEventDataBytes) !== null);
    if (tooLarge) {
      rejected.push({
        traceId: span.traceId,
        spanId: span.spanId,
        reason: `its ${tooLarge.type} event is over ${limits.maxEventDataBytes} bytes: shorten its attributes (message contents, tool arguments)`,
      });
      continue;
    }
    mapped.push({ span, start, end, sessionKey, conversation: conversation !== null, runId, events });
  }

  const sessions = new Map<string, MappedSpan[]>();
  for (const m of mapped) {
    const list = sessions.get(m.sessionKey) ?? [];
    list.push(m);
    sessions.set(m.sessionKey, list);
  }

  const plans: SessionPlan[] = [];
  for (const [sessionKey, members] of [...sessions.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const sessionId = sessionIdFromSource(org, OTEL_SOURCE, sessionKey);
    const ordered = [...members].sort((a, b) => byStart({ at: a.start, order: a.span.spanId }, { at: b.start, order: b.span.spanId }));
    const first = ordered[0]!;
    const conversation = first.conversation;
    const resource = first.span.resource;
    const serviceName = str(resource, 'service.name');
    const instance = str(resource, 'service.instance.id');
    const agentName = ordered.map((m) => str(m.span.attributes, 'gen_ai.agent.name')).find((n) => n !== null) ?? null;
    const kind = ordered.map((m) => kindOverride(m.span)).find((k) => k !== null) ?? (conversation ? 'CHAT' : 'BACKGROUND_TASK');
    const commands: SessionPlan['commands'] = [];
    const spanIds: string[] = [];
    const base = { sessionId, actor };
    commands.push({
      ...base,
      type: 'StartSession',
      at: first.start,
      eventId: deterministicUuid(sessionId, 'SessionStarted'),
      kind,
      title: agentName ?? serviceName ?? null,
      source: { type: OTEL_SOURCE, id: sessionKey, reference: conversation ? sessionKey : `trace ${sessionKey}` },
      model: null,
      environment: serviceName ? { runtime: instance ? `${serviceName} (${instance})` : serviceName } : null,
      metadata: {
        otel: { serviceName, serviceInstanceId: instance, traceId: conversation ? null : sessionKey } as never,
      },
    });
    spanIds.push('');

    const runs = new Map<string, MappedSpan[]>();
    for (const m of ordered) runs.set(m.runId, [...(runs.get(m.runId) ?? []), m]);
    let traceEnded: { at: string; failed: boolean } | null = null;
    for (const [runId, runSpans] of runs) {
      const agentSpan = agentSpans.get(runId) ?? null;
      const root = agentSpan ? runSpans.find((m) => m.span.spanId === agentSpan.spanId) : runSpans.find((m) => m.span.parentSpanId === null);
      const runAgent = str((root ?? runSpans[0]!).span.attributes, 'gen_ai.agent.name') ?? runSpans.map((m) => str(m.span.attributes, 'gen_ai.agent.name')).find((n) => n !== null) ?? null;
      const model = runSpans.map((m) => str(m.span.attributes, 'gen_ai.response.model', 'gen_ai.request.model', 'llm.model_name')).find((n) => n !== null) ?? null;
      commands.push({
        ...base,
        type: 'StartRun',
        at: (root ?? runSpans[0]!).start,
        eventId: deterministicUuid(sessionId, 'RunStarted', runId),
        runId,
        model,
        agentName: runAgent,
        input: { traceId: runSpans[0]!.span.traceId, spanId: agentSpan?.spanId ?? root?.span.spanId ?? null },
      });
      spanIds.push('');
      const events = runSpans.flatMap((m) => m.events.map((e, i) => ({ e, m, order: `${m.start}|${m.span.spanId}|${String(i).padStart(4, '0')}` })));
      for (let i = 0; i < events.length; i += limits.maxBatchEvents) {
        const chunk = events.slice(i, i + limits.maxBatchEvents);
        commands.push({ ...base, type: 'AppendRunEvents', at: chunk[0]!.m.start, runId, expectedSequence: null, events: chunk.map((c) => c.e) });
        spanIds.push([...new Set(chunk.map((c) => c.m.span.spanId))].join(','));
      }
      if (root) {
        const failed = root.span.status.code === STATUS_ERROR;
        commands.push({
          ...base,
          type: 'FinishRun',
          at: root.end,
          eventId: deterministicUuid(sessionId, 'RunFinished', runId),
          runId,
          status: failed ? 'FAILED' : 'COMPLETED',
          output: null,
          error: failed ? { code: 'SPAN_ERROR', message: root.span.status.message || `span "${root.span.name}" ended with an error status` } : null,
        });
        spanIds.push('');
        if (!agentSpan) traceEnded = { at: root.end, failed };
      }
    }
    // A session made from one trace (no conversation id) is over when the trace's root span is.
    if (!conversation && traceEnded && kind === 'BACKGROUND_TASK') {
      commands.push({
        ...base,
        type: 'EndSession',
        at: traceEnded.at,
        eventId: deterministicUuid(sessionId, 'SessionEnded'),
        status: traceEnded.failed ? 'FAILED' : 'COMPLETED',
        reason: 'the trace ended',
      });
      spanIds.push('');
    }
    plans.push({ sessionId, commands, spanIds });
  }
  return { sessions: plans, rejected };
}
