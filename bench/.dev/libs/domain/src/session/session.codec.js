"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.UPCASTERS = void 0;
exports.upcastData = upcastData;
exports.decodeSessionEvent = decodeSessionEvent;
const session_events_1 = require("./session.events");
/**
 * v1 MODEL_USAGE left out the cache and reasoning token fields when they were zero; v2 always
 * states them, so every reader sees one shape.
 */
const modelUsageV1 = {
    type: 'MODEL_USAGE',
    fromVersion: 1,
    upcast(recorded) {
        const data = (recorded.data ?? {});
        return {
            ...recorded,
            data: { ...data, cacheReadTokens: data.cacheReadTokens ?? 0, cacheWriteTokens: data.cacheWriteTokens ?? 0, reasoningTokens: data.reasoningTokens ?? 0 },
        };
    },
};
/** The upcaster chain, applied in order of version on every read. */
exports.UPCASTERS = [modelUsageV1];
function upcastData(type, version, data) {
    let current = data;
    for (let v = version; v < session_events_1.SESSION_EVENT_SCHEMA_VERSION; v += 1) {
        for (const step of exports.UPCASTERS)
            if (step.type === type && step.fromVersion === v)
                current = step.upcast(current);
    }
    return current;
}
function decodeSessionEvent(stored) {
    const version = typeof stored.metadata.schemaVersion === 'number' ? stored.metadata.schemaVersion : session_events_1.SESSION_EVENT_SCHEMA_VERSION;
    const data = upcastData(stored.type, version, stored.data);
    const clientId = typeof stored.metadata.clientEventId === 'string' ? stored.metadata.clientEventId : undefined;
    return { type: stored.type, data, id: stored.id, at: stored.metadata.occurredAt, ...(clientId ? { clientId } : {}) };
}
//# sourceMappingURL=session.codec.js.map