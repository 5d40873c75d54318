"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.SessionsProjection = exports.SESSIONS = void 0;
exports.metadataEntry = metadataEntry;
exports.toSessionDocument = toSessionDocument;
const node_crypto_1 = require("node:crypto");
const domain_1 = require("../../domain/src/index.js");
exports.SESSIONS = 'sessions';
/** JSON with object keys in a fixed order, so that equal values have one text whatever order they came in. */
function canonicalJson(value) {
    if (Array.isArray(value))
        return `[${value.map(canonicalJson).join(',')}]`;
    if (value !== null && typeof value === 'object') {
        const record = value;
        return `{${Object.keys(record)
            .sort()
            .map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key])}`)
            .join(',')}}`;
    }
    return JSON.stringify(value) ?? 'null';
}
/**
 * The metadata filter asks for exact equality of top-level values. MongoDB's own equality would
 * also match an array that merely contains the value, and would read an object value such as
 * {"$ne": 1} as an operator. Comparing digests of (key, canonical value) is exact, the same in
 * MongoDB and in mingo, and an ordinary multikey equality.
 */
function metadataEntry(key, value) {
    return (0, node_crypto_1.createHash)('sha256').update(`${key}\u0000${canonicalJson(value)}`).digest('base64url').slice(0, 24);
}
function toSessionDocument(view, windows) {
    const searchText = [view.title, view.preview, view.source?.reference].filter((part) => !!part).join('\n').toLowerCase();
    const metadataEntries = Object.entries(view.metadata ?? {}).map(([key, value]) => metadataEntry(key, value));
    return { ...view, _id: view.id, activeUntil: (0, domain_1.activeUntil)(view, windows), idleDeadline: (0, domain_1.idleDeadline)(view), searchText, metadataEntries };
}
function viewOf(document) {
    const { _id, activeUntil: _a, idleDeadline: _i, searchText: _s, metadataEntries: _m, ...view } = document;
    return view;
}
class SessionsProjection {
    windows;
    name = exports.SESSIONS;
    version = 1;
    streamPrefixes = ['session-'];
    collections = [
        {
            name: exports.SESSIONS,
            indexes: [
                { keys: { organizationId: 1, lastActivityAt: -1, _id: -1 }, name: 'org_activity' },
                { keys: { organizationId: 1, activeUntil: 1 }, name: 'org_active_until' },
                { keys: { organizationId: 1, parentSessionId: 1, lastActivityAt: -1 }, name: 'org_parent' },
                { keys: { organizationId: 1, 'owner.id': 1, lastActivityAt: -1 }, name: 'org_owner' },
                { keys: { idleDeadline: 1 }, name: 'idle_deadline' },
                { keys: { activeUntil: 1 }, name: 'active_until' },
            ],
        },
    ];
    constructor(windows) {
        this.windows = windows;
    }
    handles(event) {
        return event.streamId.startsWith('session-');
    }
    apply(event, context) {
        return this.applyBatch([event], context);
    }
    /** Each session's events in the batch are folded from one read into one guarded write. */
    async applyBatch(events, context) {
        const sessions = context.collection(exports.SESSIONS);
        const byStream = new Map();
        for (const event of events) {
            const group = byStream.get(event.streamId);
            if (group)
                group.push(event);
            else
                byStream.set(event.streamId, [event]);
        }
        for (const [streamId, group] of byStream) {
            const sessionId = streamId.slice('session-'.length);
            const current = await sessions.findOne({ _id: sessionId });
            let view = current ? viewOf(current) : null;
            const applied = view?.sequence ?? -1;
            for (const event of group) {
                if (event.revision <= (view?.sequence ?? -1))
                    continue;
                const domainEvent = (0, domain_1.decodeSessionEvent)(event);
                if (!view && domainEvent.type !== 'SessionStarted')
                    continue;
                view = (0, domain_1.evolve)({ view, runs: new Map() }, domainEvent, event.revision).view;
            }
            if (!view || view.sequence === applied)
                continue;
            const { _id, ...fields } = toSessionDocument(view, this.windows);
            const result = await sessions.updateOne({ _id, sequence: { $lt: view.sequence } }, { $set: fields }, { upsert: true });
            if (result.matchedCount + result.upsertedCount > 0)
                context.changed(exports.SESSIONS, view.organizationId, view.id);
        }
    }
}
exports.SessionsProjection = SessionsProjection;
//# sourceMappingURL=sessions.projection.js.map