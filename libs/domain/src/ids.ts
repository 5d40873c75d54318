import { hash } from 'node:crypto';

/**
 * Identity formats. Hashing is deterministic, so deriving an id is pure: the same organization
 * and key always give the same id, which is what makes a repeated start idempotent with no
 * lookup table.
 */

export const SESSION_ID = /^session_[0-9a-f]{32}$/;
const RUN_ID = /^run_[0-9a-f]{32}$/;
/** The alphabet of ids a client chooses itself (run ids, event ids, account ids). */
export const CLIENT_ID = /^[A-Za-z0-9_.:@/-]{1,128}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function isSessionId(value: string): boolean {
  return SESSION_ID.test(value);
}

/** A run id is ours (`run_` + 32 hex) or the client's own, within a safe alphabet. */
export function isRunId(value: string): boolean {
  return RUN_ID.test(value) || CLIENT_ID.test(value);
}

export function isClientId(value: string): boolean {
  return CLIENT_ID.test(value);
}

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

export function sessionStreamId(sessionId: string): string {
  return `session-${sessionId}`;
}

export function sessionIdFromStream(streamId: string): string {
  return streamId.slice('session-'.length);
}

/** 32 hex digits of the SHA-256 of the parts joined by NUL: a deterministic id from its parts. */
export function hashedId(...parts: string[]): string {
  return hash('sha256', parts.join('\u0000'), 'hex').slice(0, 32);
}

export function sessionIdFromSource(organizationId: string, sourceType: string, sourceId: string): string {
  return `session_${hashedId('source', organizationId, sourceType, sourceId)}`;
}

export function sessionIdFromIdempotencyKey(organizationId: string, key: string): string {
  return `session_${hashedId('idempotency', organizationId, key)}`;
}

/** Byte 8's high hex digit once its top bits are 10, for each digit the digest gave. */
const VARIANT_DIGIT = '89ab89ab89ab89ab';

/** Name-based UUID (RFC 4122 version 5 layout over SHA-256 truncated, as EventStoreDB needs UUID ids). */
export function deterministicUuid(...parts: string[]): string {
  // hashedId's 32 hex digits are the digest's first 16 bytes: byte 6's high nibble becomes the
  // version (5) and byte 8's two top bits the variant (10), spelled without a Buffer (one id per
  // stored event, half the cost of the byte-wise form; the unit spec holds them equal).
  const h = hashedId(...parts);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${VARIANT_DIGIT[parseInt(h[16]!, 16)]}${h.slice(17, 20)}-${h.slice(20)}`;
}

export function pinsStreamId(organizationId: string, principalType: string, principalId: string): string {
  return `pins-${hashedId('pins', organizationId, principalType, principalId)}`;
}
