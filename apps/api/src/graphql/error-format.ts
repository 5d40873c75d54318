import { Logger } from '@nestjs/common';
import { GraphQLError, GraphQLFormattedError } from 'graphql';
import { ErrorCode, LedgerError } from '@ledger/domain';

const logger = new Logger('GraphQL');

const CONTRACT_CODES: ReadonlySet<string> = new Set<ErrorCode>([
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'BAD_USER_INPUT',
  'NOT_FOUND',
  'CONFLICT',
  'SESSION_ENDED',
  'PAYLOAD_TOO_LARGE',
  'RATE_LIMITED',
  'UNAVAILABLE',
  'INTERNAL',
]);

/** Errors raised by the GraphQL engine itself, for requests that do not fit the schema. */
const REQUEST_SHAPE_CODES: ReadonlySet<string> = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
]);

/** Errors of the store adapters, recognised by their class name so this edge needs no driver import. */
const STORE_ERRORS: Record<string, ErrorCode> = {
  WrongExpectedRevisionError: 'CONFLICT',
  EventStoreUnavailableError: 'UNAVAILABLE',
  ReadStoreUnavailableError: 'UNAVAILABLE',
};

function rootCause(error: unknown): unknown {
  let current = error;
  while (current instanceof GraphQLError && current.originalError) current = current.originalError;
  return current;
}

/**
 * Every error leaves with one of the contract's codes. Project errors map one to one; a request
 * that does not fit the schema is BAD_USER_INPUT; anything else is INTERNAL, logged here with
 * its stack and answered without it.
 */
export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const cause = rootCause(error);
  const path = formatted.path ? { path: formatted.path } : {};
  const locations = formatted.locations ? { locations: formatted.locations } : {};
  if (cause instanceof LedgerError) {
    return { message: cause.message, ...locations, ...path, extensions: { code: cause.code, ...cause.details } };
  }
  if (cause instanceof Error && cause.constructor.name in STORE_ERRORS) {
    const code = STORE_ERRORS[cause.constructor.name]!;
    const message = code === 'CONFLICT' ? 'the session changed concurrently; reload and retry' : 'a store could not be reached or written (disk full, read-only, locked or down); nothing was stored: safe to retry with the same ids';
    return { message, ...locations, ...path, extensions: { code } };
  }
  const code = String(formatted.extensions?.code ?? '');
  if (REQUEST_SHAPE_CODES.has(code) || (code === 'BAD_USER_INPUT' && !(cause instanceof LedgerError))) {
    return { message: formatted.message, ...locations, ...path, extensions: { code: 'BAD_USER_INPUT', fields: [] } };
  }
  if (CONTRACT_CODES.has(code) && code !== 'INTERNAL') {
    return { message: formatted.message, ...locations, ...path, extensions: { ...formatted.extensions, code } };
  }
  logger.error(`internal error: ${cause instanceof Error ? (cause.stack ?? cause.message) : String(cause)}`);
  return { message: 'internal error; it has been logged', ...locations, ...path, extensions: { code: 'INTERNAL' } };
}
