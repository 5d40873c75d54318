import { ArgumentsHost, Catch } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import type { GqlContextType } from '@nestjs/graphql';
import { codedError } from '@ledger/domain';
import { LedgerHttpErrorFilter } from './ledger-http-error.filter';

const httpErrors = new LedgerHttpErrorFilter();

/**
 * Global: in GraphQL every error is handed back to the engine untouched (formatError gives it
 * its contract code, and logs only INTERNAL ones), so Nest does not also log each refused
 * request with its stack; on plain HTTP a project error becomes its status and code, anything
 * else Nest's default answer.
 */
@Catch()
export class LedgerErrorFilter extends BaseExceptionFilter {
  override catch(error: unknown, host: ArgumentsHost): unknown {
    if (host.getType<GqlContextType>() === 'graphql') return error;
    const coded = codedError(error);
    if (coded) return httpErrors.catch(coded, host);
    return super.catch(error, host);
  }
}
