import type { ApolloServerPlugin } from '@apollo/server';
import { Redactor } from '@ledger/redaction';
import type { GraphQLContext } from '../../platform/graphql/context';
import { actorFields, noteRequest } from './request-log';

const redactor = new Redactor();

/**
 * A GraphQL name can hold a credential only glued to letters or `_` (`Q_sk_live_…`), where the
 * rules' word boundaries do not see it. The name and each of its tails after a `_` are scanned,
 * and a name with a finding in any of them is logged as its redaction marker. (The whole line is
 * scanned again on its way out.)
 */
async function loggableName(name: string | null | undefined): Promise<string | null> {
  if (!name) return null;
  const tails = [...name.matchAll(/_/g)].map((match) => name.slice(match.index + 1)).filter((tail) => tail.length >= 8);
  const results = await redactor.redactBatch([name, ...tails]);
  const rule = results.find((result) => result.rules.length > 0)?.rules[0];
  return rule ? `[REDACTED:${rule}]` : name;
}

/** Tells the request's log line who called (organization, principal), which operation, and what it answered. */
export function requestLogPlugin(): ApolloServerPlugin<GraphQLContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue, operationName, operation, response }) {
          const errors = response.body.kind === 'single' ? (response.body.singleResult.errors ?? []) : [];
          noteRequest(contextValue.res, {
            ...actorFields(contextValue.actor),
            operationName: await loggableName(operationName),
            ...(operation ? { operationType: operation.operation } : {}),
            ...(errors.length ? { errorCodes: [...new Set(errors.map((error) => String(error.extensions?.code ?? 'INTERNAL')))] } : {}),
          });
        },
      };
    },
  };
}
