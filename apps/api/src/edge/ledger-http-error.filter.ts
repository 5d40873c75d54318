import { ArgumentsHost, Catch, ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import { CodedError } from '@ledger/domain';
import { retryAfterSeconds, STATUS_OF_CODE } from './http-status.plugin';

/**
 * For plain HTTP controllers (GraphQL has its own formatError): a project error (any error with a
 * contract `code`) becomes its status and code, `{ "error": { "code", "message", ... } }`, with
 * `Retry-After` for RATE_LIMITED and UNAVAILABLE.
 */
@Catch()
export class LedgerHttpErrorFilter implements ExceptionFilter {
  catch(error: CodedError, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const details = error.details ?? {};
    const retryAfterMs = Number(details.retryAfterMs);
    if (error.code === 'RATE_LIMITED' && Number.isFinite(retryAfterMs)) res.setHeader('retry-after', retryAfterSeconds(retryAfterMs));
    if (error.code === 'UNAVAILABLE') res.setHeader('retry-after', '1');
    const message = error.code === 'INTERNAL' ? 'internal error; it has been logged' : (error.publicMessage ?? error.message);
    res.status(STATUS_OF_CODE[error.code] ?? 500).json({ error: { code: error.code, message, ...details } });
  }
}
