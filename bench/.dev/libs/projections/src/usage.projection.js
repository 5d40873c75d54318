"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.UsageProjection = exports.USAGE_SESSIONS = exports.USAGE_BUCKETS = void 0;
exports.hourStart = hourStart;
const node_crypto_1 = require("node:crypto");
const domain_1 = require("../../domain/src/index.js");
const projection_1 = require("./projection");
exports.USAGE_BUCKETS = 'usage_buckets';
exports.USAGE_SESSIONS = 'usage_sessions';
function hourStart(iso) {
    return `${iso.slice(0, 13)}:00:00.000Z`;
}
function bucketId(parts) {
    return (0, node_crypto_1.createHash)('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 32);
}
class UsageProjection {
    name = 'usage';
    version = 1;
    streamPrefixes = ['session-'];
    collections = [
        {
            name: exports.USAGE_BUCKETS,
            indexes: [
                { keys: { organizationId: 1, bucketStart: 1 }, name: 'org_bucket' },
                { keys: { organizationId: 1, sessionId: 1 }, name: 'org_session' },
            ],
        },
        { name: exports.USAGE_SESSIONS, indexes: [] },
    ];
    handles(event) {
        return event.streamId.startsWith('session-') && (event.type === 'SessionStarted' || event.type === 'MODEL_USAGE');
    }
    async apply(event, context) {
        const e = (0, domain_1.decodeSessionEvent)(event);
        const sessionId = event.streamId.slice('session-'.length);
        const sessions = context.collection(exports.USAGE_SESSIONS);
        if (e.type === 'SessionStarted') {
            const d = e.data;
            await sessions.updateOne({ _id: sessionId, lastRevision: { $lt: event.revision } }, {
                $set: {
                    organizationId: d.organizationId,
                    accountId: d.accountId,
                    flowId: d.flowId,
                    model: d.model,
                    owner: d.owner,
                    lastRevision: event.revision,
                },
            }, { upsert: true });
            return;
        }
        if (e.type !== 'MODEL_USAGE')
            return;
        const session = await sessions.findOne({ _id: sessionId });
        if (!session)
            return;
        const data = e.data.data;
        const usage = (0, domain_1.usageOfRecorded)(e.data);
        const bucketStart = hourStart(e.at);
        const principalKey = `${session.owner.type}:${session.owner.id}`;
        const _id = bucketId([session.organizationId, bucketStart, session.accountId, session.flowId ?? '', data.model, principalKey, sessionId]);
        await context.collection(exports.USAGE_BUCKETS).updateOne({ _id, lastRevision: { $lt: event.revision } }, {
            $set: { lastRevision: event.revision },
            $inc: (0, projection_1.usageIncrement)(usage),
            $setOnInsert: {
                organizationId: session.organizationId,
                bucketStart,
                accountId: session.accountId,
                flowId: session.flowId,
                model: data.model,
                principal: session.owner,
                principalKey,
                sessionId,
            },
        }, { upsert: true });
        context.changed(exports.USAGE_BUCKETS, session.organizationId, _id);
    }
}
exports.UsageProjection = UsageProjection;
//# sourceMappingURL=usage.projection.js.map