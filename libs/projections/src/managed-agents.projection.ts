import { decodeSessionEvent, Principal, TokenUsage, usageOfRecorded, ZERO_USAGE } from '@ledger/domain';
import type { RecordedEvent } from '@ledger/event-store';
import type { Document } from '@ledger/read-store';
import { CollectionSpec, positionKey, Projection, ProjectionContext, usageIncrement } from './projection';

export const MANAGED_AGENTS = 'managed_agents';
export const MANAGED_AGENT_SESSIONS = 'managed_agent_sessions';

export interface ManagedAgentDocument extends Document {
  organizationId: string;
  principal: Principal;
  sessionCount: number;
  lastActivityAt: string | null;
  usage: TokenUsage;
  /** Position key of the last event applied: events of many sessions land here. */
  lastPosition: string;
}

interface AgentSessionDocument extends Document {
  organizationId: string;
  agentId: string;
}

export function managedAgentId(organizationId: string, principalId: string): string {
  return `${organizationId}/${principalId}`;
}

/**
 * Managed agents: the durable identities of enrolled runtimes, with how many sessions each has
 * had, its last activity and its usage. Which agent owns a session is kept here too, so this
 * read model rebuilds on its own.
 */
export class ManagedAgentsProjection implements Projection {
  readonly name = MANAGED_AGENTS;
  readonly version = 1;
  readonly collections: CollectionSpec[] = [
    { name: MANAGED_AGENTS, indexes: [{ keys: { organizationId: 1, lastActivityAt: -1, _id: 1 }, name: 'org_activity' }] },
    { name: MANAGED_AGENT_SESSIONS, indexes: [] },
  ];

  handles(event: RecordedEvent): boolean {
    return event.streamId.startsWith('session-');
  }

  async apply(event: RecordedEvent, context: ProjectionContext): Promise<void> {
    const e = decodeSessionEvent(event);
    const sessionId = event.streamId.slice('session-'.length);
    const agents = context.collection<ManagedAgentDocument>(MANAGED_AGENTS);
    const links = context.collection<AgentSessionDocument>(MANAGED_AGENT_SESSIONS);
    const key = positionKey(event.position);
    if (e.type === 'SessionStarted') {
      if (e.data.owner.type !== 'MANAGED_AGENT') return;
      const _id = managedAgentId(e.data.organizationId, e.data.owner.id);
      await links.updateOne({ _id: sessionId }, { $set: { organizationId: e.data.organizationId, agentId: _id } }, { upsert: true });
      await agents.updateOne(
        { _id, lastPosition: { $lt: key } },
        {
          $set: { lastPosition: key, principal: e.data.owner },
          $inc: { sessionCount: 1 },
          $max: { lastActivityAt: e.at },
          $setOnInsert: { organizationId: e.data.organizationId, usage: { ...ZERO_USAGE } },
        },
        { upsert: true },
      );
      context.changed(MANAGED_AGENTS, e.data.organizationId, _id);
      return;
    }
    const link = await links.findOne({ _id: sessionId });
    if (!link) return;
    const update: Record<string, unknown> = { $set: { lastPosition: key }, $max: { lastActivityAt: e.at } };
    if (e.type === 'MODEL_USAGE') {
      update.$inc = usageIncrement(usageOfRecorded(e.data));
    }
    const result = await agents.updateOne({ _id: link.agentId, lastPosition: { $lt: key } }, update);
    if (result.matchedCount > 0) context.changed(MANAGED_AGENTS, link.organizationId, link.agentId);
  }
}
