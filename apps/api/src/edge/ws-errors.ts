import { GraphQLError } from 'graphql';
import type { ExecutionResult, FormattedExecutionResult } from 'graphql';
import { formatError } from '../platform/graphql/error-format';

/**
 * Results sent over graphql-ws bypass Apollo's formatError; this gives their errors the same
 * contract codes and messages as over HTTP (and keeps internal details out of them).
 */
export function formatWsResult(result: ExecutionResult | FormattedExecutionResult): FormattedExecutionResult | undefined {
  if (!result.errors?.length) return undefined;
  return {
    ...result,
    errors: result.errors.map((error) => (error instanceof GraphQLError ? formatError(error.toJSON(), error) : formatError(error, error))),
  } as FormattedExecutionResult;
}
