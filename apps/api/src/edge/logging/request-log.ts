import type { Response } from 'express';
import type { Actor } from '@ledger/domain';

/** What the one log line of a request says beyond method, path, status and latency. */
export interface RequestLogFields {
  organizationId?: string;
  principal?: string;
  operationName?: string | null;
  operationType?: string;
  errorCodes?: string[];
}

/** Kept on the response until pino-http writes the request's line when it finishes. */
export function noteRequest(res: Pick<Response, 'locals'> | undefined, fields: RequestLogFields): void {
  if (!res?.locals) return;
  res.locals.ledgerLog = { ...(res.locals.ledgerLog as RequestLogFields | undefined), ...fields };
}

export function requestLogFields(res: Pick<Response, 'locals'>): RequestLogFields {
  return (res.locals?.ledgerLog as RequestLogFields | undefined) ?? {};
}

/** The caller as logs show it: organization and principal, never the key. */
export function actorFields(actor: Actor | null | undefined): Pick<RequestLogFields, 'organizationId' | 'principal'> {
  return actor ? { organizationId: actor.organizationId, principal: `${actor.principal.type}:${actor.principal.id}` } : {};
}
