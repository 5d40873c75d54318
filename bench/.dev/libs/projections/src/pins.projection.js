"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.PinsProjection = exports.PINS = void 0;
exports.principalKey = principalKey;
exports.PINS = 'pins';
function principalKey(type, id) {
    return `${type}:${id}`;
}
/** Per-principal pins, one document per (principal, session), guarded by the pins stream's revision. */
class PinsProjection {
    name = exports.PINS;
    version = 1;
    streamPrefixes = ['pins-'];
    collections = [{ name: exports.PINS, indexes: [{ keys: { organizationId: 1, principalKey: 1, pinned: 1 }, name: 'org_principal' }] }];
    handles(event) {
        return event.streamId.startsWith('pins-') && (event.type === 'SessionPinned' || event.type === 'SessionUnpinned');
    }
    async apply(event, context) {
        const data = event.data;
        const organizationId = event.metadata.organizationId;
        const key = principalKey(data.principal.type, data.principal.id);
        const _id = `${organizationId}/${key}/${data.sessionId}`;
        const result = await context.collection(exports.PINS).updateOne({ _id, lastRevision: { $lt: event.revision } }, {
            $set: { pinned: event.type === 'SessionPinned', at: event.metadata.occurredAt, lastRevision: event.revision },
            $setOnInsert: { organizationId, principalKey: key, sessionId: data.sessionId },
        }, { upsert: true });
        if (result.matchedCount + result.upsertedCount > 0)
            context.changed(exports.PINS, organizationId, data.sessionId);
    }
}
exports.PinsProjection = PinsProjection;
//# sourceMappingURL=pins.projection.js.map