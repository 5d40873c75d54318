import type { RunDocument, ToolCallDocument } from '@ledger/projections';
import { presentUsage } from '../usage/usage.presenter';

/** A Run as GraphQL serves it: the read model's document under the run's own id; `toolCalls` is resolved on demand. */
export interface RunModel extends Omit<RunDocument, '_id' | 'runId' | 'lastRevision' | 'agentName'> {
  id: string;
  agentName: string | null;
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
