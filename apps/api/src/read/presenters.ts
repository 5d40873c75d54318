import { ActivityWindows, activeUntil, isActive, progressOf, roundUsd, SessionView, statusGroup, TokenUsage, ZERO_USAGE } from '@ledger/domain';
import type { RunDocument, ToolCallDocument } from '@ledger/projections';

/** A Session as GraphQL serves it; `children` and `runs` are resolved on demand. */
export interface SessionModel extends Omit<SessionView, 'stepIndex' | 'stepTotal' | 'runCount' | 'messageCount' | 'commandCount' | 'lastMessageAt'> {
  active: boolean;
  statusGroup: string;
  progress: ReturnType<typeof progressOf>;
}

export function presentSession(view: SessionView & { activeUntil?: string | null }, now: string, windows: ActivityWindows): SessionModel {
  const until = view.activeUntil !== undefined ? view.activeUntil : activeUntil(view, windows);
  const active = isActive(until, now);
  return {
    id: view.id,
    organizationId: view.organizationId,
    accountId: view.accountId,
    kind: view.kind,
    status: view.status,
    statusGroup: statusGroup(view.status, active),
    active,
    title: view.title,
    tags: view.tags,
    owner: view.owner,
    source: view.source,
    initiative: view.initiative,
    flowId: view.flowId,
    model: view.model,
    parentSessionId: view.parentSessionId,
    subagent: view.subagent,
    environment: view.environment,
    totalSteps: view.totalSteps,
    progress: progressOf(view),
    preview: view.preview,
    outputPreview: view.outputPreview,
    lastError: view.lastError,
    usage: view.usage,
    createdAt: view.createdAt,
    lastActivityAt: view.lastActivityAt,
    endedAt: view.endedAt,
    endedBy: view.endedBy,
    endReason: view.endReason,
    idleTimeoutSeconds: view.idleTimeoutSeconds,
    metadata: view.metadata,
    sequence: view.sequence,
  };
}

/**
 * Usage summed by $inc or $sum adds binary fractions (0.1 + 0.2 = 0.30000000000000004); costs are
 * kept to micro-dollars, as the session's own usage is.
 */
export function presentUsage(usage: TokenUsage | null | undefined): TokenUsage {
  // Documents written before a field existed read it as 0.
  const value = { ...ZERO_USAGE, ...usage };
  return { ...value, costUsd: roundUsd(value.costUsd) };
}

export interface RunModel {
  id: string;
  sessionId: string;
  organizationId: string;
  status: string;
  model: string | null;
  agentName: string | null;
  input: unknown;
  output: unknown;
  error: { code: string; message: string; at: string } | null;
  usage: TokenUsage;
  eventCount: number;
  startedAt: string;
  finishedAt: string | null;
}

export function presentRun(document: RunDocument): RunModel {
  return {
    id: document.runId,
    sessionId: document.sessionId,
    organizationId: document.organizationId,
    status: document.status,
    model: document.model,
    agentName: document.agentName ?? null,
    input: document.input,
    output: document.output,
    error: document.error,
    usage: presentUsage(document.usage),
    eventCount: document.eventCount,
    startedAt: document.startedAt,
    finishedAt: document.finishedAt,
  };
}

export function presentToolCall(document: ToolCallDocument) {
  return {
    id: document.toolCallId,
    runId: document.runId,
    name: document.name,
    status: document.status,
    arguments: document.arguments,
    outputPreview: document.outputPreview,
    startedAt: document.startedAt,
    finishedAt: document.finishedAt,
    durationMs: document.durationMs,
  };
}
