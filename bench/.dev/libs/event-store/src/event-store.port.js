"use strict";
/**
 * The EventStore port. Its semantics are EventStoreDB's, so code above it cannot tell the
 * adapters apart: revisions start at 0, expected revision any / no_stream / stream_exists /
 * exact, idempotent append by event id, a global position that only grows, and a catch-up
 * subscription that replays from a position and then goes live with no gap and no duplicate.
 */
Object.defineProperty(exports, "__esModule", { value: true });
exports.EVENT_STORE = exports.START_POSITION = void 0;
exports.comparePositions = comparePositions;
exports.formatPosition = formatPosition;
exports.parsePosition = parsePosition;
exports.START_POSITION = Object.freeze({ commit: -1, prepare: -1 });
exports.EVENT_STORE = Symbol('EVENT_STORE');
function comparePositions(a, b) {
    if (a.commit !== b.commit)
        return a.commit < b.commit ? -1 : 1;
    if (a.prepare !== b.prepare)
        return a.prepare < b.prepare ? -1 : 1;
    return 0;
}
/** The contract's opaque position string. */
function formatPosition(position) {
    return position.commit === position.prepare ? String(position.commit) : `${position.commit}/${position.prepare}`;
}
function parsePosition(text) {
    const [commit, prepare = commit] = text.split('/');
    const position = { commit: Number(commit), prepare: Number(prepare) };
    if (!Number.isSafeInteger(position.commit) || !Number.isSafeInteger(position.prepare)) {
        throw new Error(`not a position: ${text}`);
    }
    return position;
}
//# sourceMappingURL=event-store.port.js.map