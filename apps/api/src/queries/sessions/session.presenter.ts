import { ActivityWindows, activeUntil, isActive, progressOf, SessionView, statusGroup } from '@ledger/domain';

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
