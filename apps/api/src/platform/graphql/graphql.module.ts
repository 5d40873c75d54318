import { ApolloDriverConfig } from '@nestjs/apollo';
import { Module } from '@nestjs/common';
import { GraphQLModule } from '@nestjs/graphql';
import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import { DocumentNode, GraphQLSchema, specifiedRules, validate } from 'graphql';
import type { Response } from 'express';
import { httpStatusPlugin } from '../../edge/http-status.plugin';
import { requestLogPlugin } from '../../edge/logging/request-log.plugin';
import { subscriptionCapHooks, WsExtra } from '../../edge/rate-limit/subscription-hooks';
import { SubscriptionLimiter, SubscriptionLimitsModule } from '../../edge/rate-limit/subscription-limiter';
import { formatWsResult } from '../../edge/ws-errors';
import { randomUUID } from 'node:crypto';
import type { Request } from 'express';
import type { IncomingMessage } from 'node:http';
import type { WebSocket } from 'ws';
import type { Context as WsConnection } from 'graphql-ws';
import { ApiKeyRegistry } from '../auth/api-keys';
import { AuthModule } from '../auth/auth.module';
import { CompiledQueriesApolloDriver } from './compiled-queries';
import { GraphQLContext } from './context';
import { formatError } from './error-format';
import { DateTimeScalar, JSONScalar } from './scalars';
import { contractTypeDefs } from './schema';

/** Query depth, cost, aliases and tokens bounded by graphql-armor. */
const armor = new ApolloArmor({
  maxDepth: { n: 12 },
  costLimit: { maxCost: 20_000 },
  maxAliases: { n: 30 },
  // The token limit is graphql-js's own parser option (parseOptions below): armor's plugin parses
  // a second time inside a hook, so its refusal and every syntax error came back as HTTP 500.
  maxTokens: { enabled: false },
  maxDirectives: { n: 30 },
});
const protection = armor.protect();
const MAX_QUERY_TOKENS = 5_000;

/**
 * No answer of this API may be stored by a cache: every response says `Cache-Control: no-store`.
 * This is what Apollo's cache-control plugin answered for a schema without cache hints, but that
 * plugin also wraps every field resolver of the schema to collect hints (about a third of the
 * execution time of a 100-row list), so it is switched off and the header set here.
 */
function noStorePlugin(): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          if (!response.http.headers.has('cache-control')) response.http.headers.set('cache-control', 'no-store');
        },
      };
    },
  };
}

/** graphql-ws's connection context on the ws server, with the actor found at connection_init. */
interface WsContext {
  connectionParams?: Readonly<Record<string, unknown>>;
  extra: WsExtra & { socket: WebSocket; request: IncomingMessage };
}

/**
 * GraphQL over HTTP and graphql-ws at /graphql, schema-first from the repo's contract; the caller
 * is found from its API key, per request or once per WebSocket at connection_init.
 */
@Module({
  imports: [
        GraphQLModule.forRootAsync<ApolloDriverConfig>({
          driver: CompiledQueriesApolloDriver,
          imports: [AuthModule, SubscriptionLimitsModule],
          inject: [ApiKeyRegistry, SubscriptionLimiter],
          useFactory: (keys: ApiKeyRegistry, limiter: SubscriptionLimiter) => ({
            typeDefs: contractTypeDefs(),
            resolvers: { DateTime: DateTimeScalar, JSON: JSONScalar },
            path: '/graphql',
            playground: false,
            introspection: true,
            includeStacktraceInErrorResponses: false,
            formatError,
            parseOptions: { maxTokens: MAX_QUERY_TOKENS },
            // The status comes from the contract codes (httpStatusPlugin), not Nest's 200-if-data.
            preserveHttpStatusForExecutionErrors: false,
            plugins: [ApolloServerPluginCacheControlDisabled(), noStorePlugin(), ...protection.plugins, httpStatusPlugin(), requestLogPlugin()],
            validationRules: [...protection.validationRules],
            subscriptions: {
              'graphql-ws': {
                path: '/graphql',
                // A missing or unknown key closes the connection with the protocol's 4403 Forbidden.
                onConnect: (ctx: WsConnection) => {
                  const actor = keys.authenticate(String(ctx.connectionParams?.authorization ?? ''));
                  if (!actor) return false;
                  (ctx.extra as WsContext['extra']).actor = actor;
                  return true;
                },
                ...subscriptionCapHooks(keys, limiter, MAX_QUERY_TOKENS),
                onNext: (_ctx: WsConnection, _id: string, _payload: unknown, _args: unknown, result: Parameters<typeof formatWsResult>[0]) => formatWsResult(result),
                // graphql-armor's limits (depth, cost, aliases, directives) hold over WebSocket too.
                validate: (schema: GraphQLSchema, document: DocumentNode) => validate(schema, document, [...specifiedRules, ...protection.validationRules]),
              },
            },
            context: (arg: { req?: Request; res?: Response } | WsContext): GraphQLContext => {
              if ('req' in arg && arg.req) {
                const req = arg.req;
                return {
                  res: arg.res,
                  remoteAddress: req.socket.remoteAddress,
                  actor: keys.authenticate(req.headers.authorization),
                  // The id the request's log line carries (a client's X-Request-Id when it is a UUID).
                  requestId: typeof (req as { id?: unknown }).id === 'string' ? (req as unknown as { id: string }).id : randomUUID(),
                };
              }
              const ws = arg as WsContext;
              return {
                remoteAddress: ws.extra.request.socket.remoteAddress,
                actor: ws.extra.actor ?? null,
                requestId: randomUUID(),
                closeConnection: (code, reason) => ws.extra.socket.close(code, reason),
              };
            },
          }),
        }),
  ],
})
export class ApiGraphQLModule {}
