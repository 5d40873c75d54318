import type { TokenUsage } from '@ledger/domain';
import type { RunDocument, ToolCallDocument } from '@ledger/projections';
import { presentUsage } from '../usage/usage.presenter';

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
