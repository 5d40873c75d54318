import { Actor, ForbiddenError, Role, UnauthenticatedError } from '@ledger/domain';

export interface GraphQLContext {
  actor: Actor | null;
  requestId: string;
  /** For WebSocket subscribers: closes this connection, e.g. when it falls too far behind. */
  closeConnection?: (code: number, reason: string) => void;
}

/** The caller, or UNAUTHENTICATED when the request carried no known key. */
export function requireActor(context: GraphQLContext): Actor {
  if (!context.actor) {
    throw new UnauthenticatedError('send a valid API key as "Authorization: Bearer <key>" (for WebSocket, in connection_init)');
  }
  return context.actor;
}

const READERS: readonly Role[] = ['VIEWER', 'OPERATOR', 'ADMIN'];

/** VIEWER, OPERATOR and ADMIN read their organization; INGEST keys only write. */
export function requireReader(context: GraphQLContext): Actor {
  const actor = requireActor(context);
  if (!actor.roles.some((role) => READERS.includes(role))) {
    throw new ForbiddenError(`reading needs one of the roles ${READERS.join(', ')}; this key has ${actor.roles.join(', ')}`);
  }
  return actor;
}

export function requireAdmin(context: GraphQLContext): Actor {
  const actor = requireActor(context);
  if (!actor.roles.includes('ADMIN')) throw new ForbiddenError('this needs the ADMIN role');
  return actor;
}

/** How a subscription closes its own connection (HTTP callers have none). */
export function closerOf(context: GraphQLContext): (code: number, reason: string) => void {
  return context.closeConnection ?? (() => undefined);
}
