import { ApolloDriver, ApolloDriverConfig } from '@nestjs/apollo';
import { Module } from '@nestjs/common';
import { GraphQLModule } from '@nestjs/graphql';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import { randomUUID } from 'node:crypto';
import type { Request } from 'express';
import type { IncomingMessage } from 'node:http';
import type { WebSocket } from 'ws';
import type { Context as WsConnection } from 'graphql-ws';
import type { Actor } from '@ledger/domain';
import { ApiKeyRegistry } from '../auth/api-keys';
import { AuthModule } from '../auth/auth.module';
import { GraphQLContext } from './context';
import { formatError } from './error-format';
import { DateTimeScalar, JSONScalar } from './scalars';
import { contractTypeDefs } from './schema';

/** Query depth, cost, aliases and tokens bounded by graphql-armor. */
const armor = new ApolloArmor({
  maxDepth: { n: 12 },
  costLimit: { maxCost: 20_000 },
  maxAliases: { n: 30 },
  maxTokens: { n: 5_000 },
  maxDirectives: { n: 30 },
});
const protection = armor.protect();

/** graphql-ws's connection context on the ws server, with the actor found at connection_init. */
interface WsContext {
  connectionParams?: Readonly<Record<string, unknown>>;
  extra: { socket: WebSocket; request: IncomingMessage; actor?: Actor };
}

/**
 * GraphQL over HTTP and graphql-ws at /graphql, schema-first from the repo's contract; the caller
 * is found from its API key, per request or once per WebSocket at connection_init.
 */
@Module({
  imports: [
        GraphQLModule.forRootAsync<ApolloDriverConfig>({
          driver: ApolloDriver,
          imports: [AuthModule],
          inject: [ApiKeyRegistry],
          useFactory: (keys: ApiKeyRegistry) => ({
            typeDefs: contractTypeDefs(),
            resolvers: { DateTime: DateTimeScalar, JSON: JSONScalar },
            path: '/graphql',
            playground: false,
            introspection: true,
            includeStacktraceInErrorResponses: false,
            formatError,
            plugins: [...protection.plugins],
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
              },
            },
            context: (arg: { req?: Request } | WsContext): GraphQLContext => {
              if ('req' in arg && arg.req) {
                const req = arg.req;
                return {
                  actor: keys.authenticate(req.headers.authorization),
                  requestId: (req.headers['x-request-id'] as string | undefined) ?? randomUUID(),
                };
              }
              const ws = arg as WsContext;
              return {
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
