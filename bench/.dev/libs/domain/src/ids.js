"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.isSessionId = isSessionId;
exports.isRunId = isRunId;
exports.isClientId = isClientId;
exports.isUuid = isUuid;
exports.sessionStreamId = sessionStreamId;
exports.sessionIdFromStream = sessionIdFromStream;
exports.sessionIdFromSource = sessionIdFromSource;
exports.sessionIdFromIdempotencyKey = sessionIdFromIdempotencyKey;
exports.deterministicUuid = deterministicUuid;
exports.pinsStreamId = pinsStreamId;
const node_crypto_1 = require("node:crypto");
/**
 * Identity formats. Hashing is deterministic, so deriving an id is pure: the same organization
 * and key always give the same id, which is what makes a repeated start idempotent with no
 * lookup table.
 */
const SESSION_ID = /^session_[0-9a-f]{32}$/;
const RUN_ID = /^run_[0-9a-f]{32}$/;
const CLIENT_ID = /^[A-Za-z0-9_.:@/-]{1,128}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
function isSessionId(value) {
    return SESSION_ID.test(value);
}
/** A run id is ours (`run_` + 32 hex) or the client's own, within a safe alphabet. */
function isRunId(value) {
    return RUN_ID.test(value) || CLIENT_ID.test(value);
}
function isClientId(value) {
    return CLIENT_ID.test(value);
}
function isUuid(value) {
    return UUID.test(value);
}
function sessionStreamId(sessionId) {
    return `session-${sessionId}`;
}
function sessionIdFromStream(streamId) {
    return streamId.slice('session-'.length);
}
function hex32(...parts) {
    return (0, node_crypto_1.createHash)('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 32);
}
function sessionIdFromSource(organizationId, sourceType, sourceId) {
    return `session_${hex32('source', organizationId, sourceType, sourceId)}`;
}
function sessionIdFromIdempotencyKey(organizationId, key) {
    return `session_${hex32('idempotency', organizationId, key)}`;
}
/** Name-based UUID (RFC 4122 version 5 layout over SHA-256 truncated, as EventStoreDB needs UUID ids). */
function deterministicUuid(...parts) {
    const bytes = (0, node_crypto_1.createHash)('sha256').update(parts.join('\u0000')).digest().subarray(0, 16);
    bytes[6] = (bytes[6] & 0x0f) | 0x50;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const h = bytes.toString('hex');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
function pinsStreamId(organizationId, principalType, principalId) {
    return `pins-${hex32('pins', organizationId, principalType, principalId)}`;
}
//# sourceMappingURL=ids.js.map