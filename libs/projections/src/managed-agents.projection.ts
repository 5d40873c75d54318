import { decodeSessionEvent, Principal, SessionStarted, TokenUsage, usageOfRecorded, ZERO_USAGE } from '@ledger/domain';
import type { RecordedEvent } from '@ledger/event-store';
import type { Document } from '@ledger/read-store';
import { CollectionSpec, FoldedDocument, incrementInto, positionKey, Projection, ProjectionContext, readFolded, touch, usageIncrement, writeFolded } from './projection';

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

  /**
   * The batch folded: links and agents read in one query each, events applied in memory in order
   * with `apply`'s guards, each changed document written once. Only SessionStarted and
   * MODEL_USAGE need their data decoded; every other event moves the agent's position and
   * last activity only.
   */
  async applyBatch(events: RecordedEvent[], context: ProjectionContext): Promise<void> {
    const agentsCollection = context.collection<ManagedAgentDocument>(MANAGED_AGENTS);
    const linksCollection = context.collection<AgentSessionDocument>(MANAGED_AGENT_SESSIONS);
    const sessionIds: string[] = [];
    for (const event of events) if (event.type !== 'SessionStarted') sessionIds.push(event.streamId.slice('session-'.length));
    const links = await readFolded(linksCollection, sessionIds);

    // Links first (a SessionStarted in this batch links its later events), then the agents they name.
    const agentIds = new Set<string>();
    for (const link of links.values()) agentIds.add(link.doc.agentId);
    for (const event of events) {
      if (event.type !== 'SessionStarted') continue;
      const owner = (event.data as unknown as SessionStarted).owner;
      if (owner?.type === 'MANAGED_AGENT') agentIds.add(managedAgentId((event.data as unknown as SessionStarted).organizationId, owner.id));
    }
    if (agentIds.size === 0) return;
    const agents = await readFolded(agentsCollection, agentIds);
    const changed = new Map<string, string>();

    for (const event of events) {
      const sessionId = event.streamId.slice('session-'.length);
      if (event.type === 'SessionStarted') {
        const e = decodeSessionEvent(event);
        if (e.type !== 'SessionStarted' || e.data.owner.type !== 'MANAGED_AGENT') continue;
        const organizationId = e.data.organizationId;
        const _id = managedAgentId(organizationId, e.data.owner.id);
        const key = positionKey(event.position);
        const link = links.get(sessionId);
        if (link === undefined) links.set(sessionId, { doc: { _id: sessionId, agentId: _id, organizationId }, fields: null });
        else {
          link.doc.organizationId = organizationId;
          link.doc.agentId = _id;
          touch(link, 'organizationId', 'agentId');
        }
        const agent = agents.get(_id);
        if (agent === undefined) {
          const doc: ManagedAgentDocument = {
            _id,
            lastActivityAt: e.at ?? null,
            lastPosition: key,
            organizationId,
            principal: e.data.owner,
            sessionCount: 1,
            usage: { ...ZERO_USAGE },
          };
          agents.set(_id, { doc, fields: null });
        } else if (agent.doc.lastPosition < key) {
          const doc = agent.doc;
          doc.lastPosition = key;
          doc.principal = e.data.owner;
          doc.sessionCount += 1;
          touch(agent, 'lastPosition', 'principal', 'sessionCount');
          if (later(e.at, doc.lastActivityAt)) {
            doc.lastActivityAt = e.at;
            touch(agent, 'lastActivityAt');
          }
        }
        changed.set(_id, organizationId);
        continue;
      }
      const link = links.get(sessionId)?.doc;
      if (!link) continue;
      const agent = agents.get(link.agentId);
      const key = positionKey(event.position);
      if (agent === undefined || !(agent.doc.lastPosition < key)) continue;
      const doc = agent.doc;
      doc.lastPosition = key;
      touch(agent, 'lastPosition');
      const at = event.metadata.occurredAt;
      if (later(at, doc.lastActivityAt)) {
        doc.lastActivityAt = at;
        touch(agent, 'lastActivityAt');
      }
      if (event.type === 'MODEL_USAGE') {
        const e = decodeSessionEvent(event);
        if (e.type === 'MODEL_USAGE') incrementInto(doc.usage as unknown as Record<string, unknown>, usageOfRecorded(e.data) as unknown as Record<string, unknown>);
        touch(agent, 'usage');
      }
      changed.set(link.agentId, link.organizationId);
    }

    await writeFolded(linksCollection, links.values(), () => ({}));
    await writeFolded(agentsCollection, agents.values(), (doc) => ({ lastPosition: { $lt: doc.lastPosition } }));
    for (const [id, organizationId] of changed) context.changed(MANAGED_AGENTS, organizationId, id);
  }
}


/** `$max` of an instant: a missing or null value is passed by any string. */
function later(at: string | undefined, current: string | null | undefined): boolean {
  if (typeof at !== 'string') return false;
  return current === null || current === undefined || at > current;
}
