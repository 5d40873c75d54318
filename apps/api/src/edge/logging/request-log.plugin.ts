import type { ApolloServerPlugin } from '@apollo/server';
import type { GraphQLContext } from '../../platform/graphql/context';
import { actorFields, noteRequest } from './request-log';

/** Tells the request's log line who called (organization, principal), which operation, and what it answered. */
export function requestLogPlugin(): ApolloServerPlugin<GraphQLContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue, operationName, operation, response }) {
          const errors = response.body.kind === 'single' ? (response.body.singleResult.errors ?? []) : [];
          noteRequest(contextValue.res, {
            ...actorFields(contextValue.actor),
            operationName: operationName ?? null,
            ...(operation ? { operationType: operation.operation } : {}),
            ...(errors.length ? { errorCodes: [...new Set(errors.map((error) => String(error.extensions?.code ?? 'INTERNAL')))] } : {}),
          });
        },
      };
    },
  };
}
