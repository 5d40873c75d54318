import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Response } from 'express';
import { LoggerModule } from 'nestjs-pino';
import { Redactor } from '@ledger/redaction';
import { LedgerConfig } from '@ledger/runtime';
import { redactingStream } from './redacting-stream';
import { requestLogFields } from './request-log';

/** Field paths that must never be written even before the pattern-based redaction sees them. */
export const REDACTED_LOG_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  'authorization',
  'connectionParams.authorization',
];

/** `POST /graphql 200`: the path without its query string (Nest's middleware sees a mounted `req.url`). */
function summary(req: IncomingMessage & { originalUrl?: string }, res: ServerResponse): string {
  return `${req.method} ${String(req.originalUrl ?? req.url).split('?')[0]} ${res.statusCode}`;
}

/**
 * A client's X-Request-Id is kept (for correlation with its own logs, and as the events'
 * correlation id) only when it is a UUID: any other string could be anything, a credential
 * included, and it would reach log lines and stored metadata unscanned.
 */
const REQUEST_ID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/**
 * Structured logs through nestjs-pino: JSON lines at LOG_LEVEL, one per HTTP request (method,
 * path without its query, status, latency, request id, and from the GraphQL layer the caller's
 * organization and principal, the operation and the error codes), every line through the
 * credential redactor on its way out.
 */
export function loggingModule(config: LedgerConfig) {
  return LoggerModule.forRoot({
    pinoHttp: {
      level: config.logLevel,
      stream: redactingStream(new Redactor()),
      redact: { paths: REDACTED_LOG_PATHS, censor: '[REDACTED]' },
      genReqId: (req: IncomingMessage) => {
        const given = req.headers['x-request-id'];
        return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
      },
      serializers: {
        req: (req: { id: unknown; method: string; url: string }) => ({ id: req.id, method: req.method, path: String(req.url).split('?')[0] }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
      customProps: (_req: IncomingMessage, res: ServerResponse) => ({ ...requestLogFields(res as Response) }),
      customLogLevel: (_req: IncomingMessage, res: ServerResponse, error?: Error) =>
        error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
      customSuccessMessage: (req: IncomingMessage, res: ServerResponse) => summary(req, res),
      customErrorMessage: (req: IncomingMessage, res: ServerResponse) => summary(req, res),
    },
  });
}
