import { ArgumentsHost, Catch, ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import { LedgerError } from '@ledger/domain';
import { retryAfterSeconds, STATUS_OF_CODE } from './http-status.plugin';

/**
 * For plain HTTP controllers (GraphQL has its own formatError): a project error becomes its
 * contract status and code, `{ "error": { "code", "message", ... } }`, with `Retry-After` for
 * RATE_LIMITED and UNAVAILABLE.
 */
@Catch(LedgerError)
export class LedgerHttpErrorFilter implements ExceptionFilter {
  catch(error: LedgerError, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const retryAfterMs = Number(error.details.retryAfterMs);
    if (error.code === 'RATE_LIMITED' && Number.isFinite(retryAfterMs)) res.setHeader('retry-after', retryAfterSeconds(retryAfterMs));
    if (error.code === 'UNAVAILABLE') res.setHeader('retry-after', '1');
    res.status(STATUS_OF_CODE[error.code] ?? 500).json({ error: { code: error.code, message: error.message, ...error.details } });
  }
}
