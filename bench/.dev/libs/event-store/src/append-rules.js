"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.validateAppend = validateAppend;
exports.validateReadStream = validateReadStream;
exports.validateLimit = validateLimit;
exports.streamPrefixesOf = streamPrefixesOf;
exports.matchesPrefixes = matchesPrefixes;
const errors_1 = require("./errors");
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/**
 * Checks both adapters make before touching their store, so a malformed call fails the same way
 * everywhere: EventStoreDB would accept an empty batch or a repeated id, the SQLite store could not.
 */
function validateAppend(streamId, events, expected) {
    if (typeof streamId !== 'string' || streamId.length === 0)
        throw new errors_1.InvalidAppendError('stream id must be a non-empty string');
    // `$` names belong to EventStoreDB itself; both adapters leave them out of reads.
    if (streamId.startsWith('$'))
        throw new errors_1.InvalidAppendError(`stream ${streamId}: names starting with $ are reserved for the store`);
    if (events.length === 0)
        throw new errors_1.InvalidAppendError(`stream ${streamId}: an append needs at least one event`);
    if (typeof expected === 'number' && (!Number.isSafeInteger(expected) || expected < 0)) {
        throw new errors_1.InvalidAppendError(`stream ${streamId}: expected revision ${expected} is not a revision; use 'no_stream' for a new stream`);
    }
    const seen = new Set();
    for (const event of events) {
        // EventStoreDB stores ids as UUIDs and refuses anything else; the SQLite store refuses the same.
        if (typeof event.id !== 'string' || !UUID.test(event.id))
            throw new errors_1.InvalidAppendError(`stream ${streamId}: event id "${event.id}" is not a UUID`);
        if (seen.has(event.id))
            throw new errors_1.InvalidAppendError(`stream ${streamId}: event id ${event.id} appears twice in one batch`);
        seen.add(event.id);
        if (typeof event.type !== 'string' || event.type.length === 0 || event.type.startsWith('$')) {
            throw new errors_1.InvalidAppendError(`stream ${streamId}: event type "${event.type}" is empty or reserved ($)`);
        }
    }
}
function validateReadStream(options) {
    const fromRevision = options.fromRevision ?? 0;
    if (!Number.isSafeInteger(fromRevision) || fromRevision < 0)
        throw new RangeError(`fromRevision must be a revision >= 0, got ${fromRevision}`);
    return { fromRevision, limit: validateLimit(options.limit) };
}
function validateLimit(limit) {
    if (limit !== undefined && (!Number.isSafeInteger(limit) || limit < 0))
        throw new RangeError(`limit must be an integer >= 0, got ${limit}`);
    return limit;
}
/** An absent or empty prefix list means every stream. */
function streamPrefixesOf(filter) {
    const prefixes = filter.streamPrefixes;
    return prefixes && prefixes.length > 0 ? [...prefixes] : undefined;
}
function matchesPrefixes(streamId, prefixes) {
    return prefixes === undefined || prefixes.some((prefix) => streamId.startsWith(prefix));
}
//# sourceMappingURL=append-rules.js.map