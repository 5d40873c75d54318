import type { ApolloServerPlugin, GraphQLRequestContextWillSendResponse } from '@apollo/server';
import type { GraphQLFormattedError } from 'graphql';

/** The HTTP status of each contract code when it is the whole answer. */
export const STATUS_OF_CODE: Readonly<Record<string, number>> = {
  BAD_USER_INPUT: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  SESSION_ENDED: 409,
  PAYLOAD_TOO_LARGE: 413,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  UNAVAILABLE: 503,
};

/**
 * The status of a response whose operation produced nothing (no root field has a value): a
 * server fault wins (5xx), else the first error's client code (4xx). A response with any data is
 * 200, as the GraphQL-over-HTTP spec requires, whatever errors it carries beside it.
 */
export function statusOf(errors: readonly GraphQLFormattedError[], data: Record<string, unknown> | null | undefined): number {
  if (errors.length === 0) return 200;
  if (data && Object.values(data).some((value) => value !== null && value !== undefined)) return 200;
  const statuses = errors.map((error) => STATUS_OF_CODE[String(error.extensions?.code ?? 'INTERNAL')] ?? 500);
  const fault = statuses.find((status) => status >= 500);
  return fault ?? statuses[0]!;
}

/** Whole seconds for a `Retry-After` header: never 0, which would invite an immediate retry. */
export function retryAfterSeconds(retryAfterMs: number): string {
  return String(Math.max(1, Math.ceil(retryAfterMs / 1000)));
}

/**
 * Sets the HTTP status from the contract codes (Nest's own plugin, which forces 200 whenever a
 * `data` key is present, is switched off with `preserveHttpStatusForExecutionErrors: false`), and
 * `Retry-After` for RATE_LIMITED and UNAVAILABLE.
 */
export function httpStatusPlugin(): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async willSendResponse(context: GraphQLRequestContextWillSendResponse<object>) {
          const body = context.response.body;
          if (body.kind !== 'single') return;
          const errors = body.singleResult.errors ?? [];
          context.response.http.status = statusOf(errors, body.singleResult.data as Record<string, unknown> | null | undefined);
          const limited = errors.find((error) => error.extensions?.code === 'RATE_LIMITED');
          const retryAfterMs = Number(limited?.extensions?.retryAfterMs);
          if (limited && Number.isFinite(retryAfterMs)) context.response.http.headers.set('retry-after', retryAfterSeconds(retryAfterMs));
          else if (errors.some((error) => error.extensions?.code === 'UNAVAILABLE')) context.response.http.headers.set('retry-after', '1');
        },
      };
    },
  };
}
