"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.ManagedAgentsProjection = exports.MANAGED_AGENT_SESSIONS = exports.MANAGED_AGENTS = void 0;
exports.managedAgentId = managedAgentId;
const domain_1 = require("../../domain/src/index.js");
const projection_1 = require("./projection");
exports.MANAGED_AGENTS = 'managed_agents';
exports.MANAGED_AGENT_SESSIONS = 'managed_agent_sessions';
function managedAgentId(organizationId, principalId) {
    return `${organizationId}/${principalId}`;
}
/**
 * Managed agents: the durable identities of enrolled runtimes, with how many sessions each has
 * had, its last activity and its usage. Which agent owns a session is kept here too, so this
 * read model rebuilds on its own.
 */
class ManagedAgentsProjection {
    name = exports.MANAGED_AGENTS;
    version = 1;
    streamPrefixes = ['session-'];
    collections = [
        { name: exports.MANAGED_AGENTS, indexes: [{ keys: { organizationId: 1, lastActivityAt: -1, _id: 1 }, name: 'org_activity' }] },
        { name: exports.MANAGED_AGENT_SESSIONS, indexes: [] },
    ];
    handles(event) {
        return event.streamId.startsWith('session-');
    }
    async apply(event, context) {
        const e = (0, domain_1.decodeSessionEvent)(event);
        const sessionId = event.streamId.slice('session-'.length);
        const agents = context.collection(exports.MANAGED_AGENTS);
        const links = context.collection(exports.MANAGED_AGENT_SESSIONS);
        const key = (0, projection_1.positionKey)(event.position);
        if (e.type === 'SessionStarted') {
            if (e.data.owner.type !== 'MANAGED_AGENT')
                return;
            const _id = managedAgentId(e.data.organizationId, e.data.owner.id);
            await links.updateOne({ _id: sessionId }, { $set: { organizationId: e.data.organizationId, agentId: _id } }, { upsert: true });
            await agents.updateOne({ _id, lastPosition: { $lt: key } }, {
                $set: { lastPosition: key, principal: e.data.owner },
                $inc: { sessionCount: 1 },
                $max: { lastActivityAt: e.at },
                $setOnInsert: { organizationId: e.data.organizationId, usage: { ...domain_1.ZERO_USAGE } },
            }, { upsert: true });
            context.changed(exports.MANAGED_AGENTS, e.data.organizationId, _id);
            return;
        }
        const link = await links.findOne({ _id: sessionId });
        if (!link)
            return;
        const update = { $set: { lastPosition: key }, $max: { lastActivityAt: e.at } };
        if (e.type === 'MODEL_USAGE') {
            update.$inc = (0, projection_1.usageIncrement)((0, domain_1.usageOfRecorded)(e.data));
        }
        const result = await agents.updateOne({ _id: link.agentId, lastPosition: { $lt: key } }, update);
        if (result.matchedCount > 0)
            context.changed(exports.MANAGED_AGENTS, link.organizationId, link.agentId);
    }
}
exports.ManagedAgentsProjection = ManagedAgentsProjection;
//# sourceMappingURL=managed-agents.projection.js.map