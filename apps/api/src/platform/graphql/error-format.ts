import { Logger } from '@nestjs/common';
import { GraphQLError, GraphQLFormattedError } from 'graphql';
import { codedError, isErrorCode } from '@ledger/domain';

const logger = new Logger('GraphQL');

/** Errors raised by the GraphQL engine itself, for requests that do not fit the schema. */
const REQUEST_SHAPE_CODES: ReadonlySet<string> = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
]);

function rootCause(error: unknown): unknown {
  let current = error;
  while (current instanceof GraphQLError && current.originalError) current = current.originalError;
  return current;
}

/**
 * Every error leaves with one of the contract's codes, mapped by the `code` every error class of
 * the project carries (never by class name); a request that does not fit the schema is
 * BAD_USER_INPUT; anything else (and any INTERNAL) is logged here with its stack and answered
 * without it.
 */
export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const cause = rootCause(error);
  const path = formatted.path ? { path: formatted.path } : {};
  const locations = formatted.locations ? { locations: formatted.locations } : {};
  const coded = codedError(cause);
  if (coded && coded.code !== 'INTERNAL') {
    return { message: coded.publicMessage ?? coded.message, ...locations, ...path, extensions: { code: coded.code, ...coded.details } };
  }
  const code = String(formatted.extensions?.code ?? '');
  if (!coded && (REQUEST_SHAPE_CODES.has(code) || code === 'BAD_USER_INPUT')) {
    return { message: formatted.message, ...locations, ...path, extensions: { code: 'BAD_USER_INPUT', fields: [] } };
  }
  if (!coded && isErrorCode(code) && code !== 'INTERNAL') {
    return { message: formatted.message, ...locations, ...path, extensions: { ...formatted.extensions, code } };
  }
  logger.error(`internal error: ${cause instanceof Error ? (cause.stack ?? cause.message) : String(cause)}`);
  return { message: 'internal error; it has been logged', ...locations, ...path, extensions: { code: 'INTERNAL' } };
}
