import { ApolloDriver, ApolloDriverConfig } from '@nestjs/apollo';
import { DynamicModule, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { TerminusModule } from '@nestjs/terminus';
import { GraphQLModule } from '@nestjs/graphql';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import { randomUUID } from 'node:crypto';
import type { Request } from 'express';
import type { IncomingMessage } from 'node:http';
import type { WebSocket } from 'ws';
import type { Context as WsConnection } from 'graphql-ws';
import type { Actor } from '@ledger/domain';
import { LiveFeeds } from './live/live-feeds';
import { SubscriptionResolver } from './live/subscription.resolver';
import { TimeScheduler } from './live/time-scheduler';
import { ApiKeyRegistry } from './auth/api-keys';
import { AuthModule } from './auth/auth.module';
import { CLOCK, systemClock } from './clock';
import { ConsoleModule } from './console/console.module';
import { ConfigModule } from './config/config.module';
import { LedgerConfig } from './config/ledger-config';
import { CommandFactory } from './graphql/command-factory';
import { GraphQLContext } from './graphql/context';
import { formatError } from './graphql/error-format';
import { MutationDispatch, MutationResolver, QueryResolver, RunFieldsResolver, SessionFieldsResolver } from './graphql/resolvers';
import { DateTimeScalar, JSONScalar } from './graphql/scalars';
import { TYPE_DEFS } from './graphql/schema';
import { StoresModule } from './infrastructure/stores.module';
import { HealthController } from './health/health.controller';
import { QUERY_HANDLERS } from './read/queries';
import { SessionQueries } from './read/session-queries';
import { CommandPreparation } from './write/command-preparation';
import { ExecuteSessionCommandHandler, SetPinnedHandler } from './write/commands';
import { RebuildProjectionHandler, VerifyProjectionHandler } from './write/projection-admin';
import { SessionCommandRunner } from './write/session-command.runner';
import { SessionRepository } from './write/session-repository';

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

@Module({})
export class AppModule {
  static forRoot(config: LedgerConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        CqrsModule.forRoot(),
        AuthModule,
        TerminusModule,
        ConsoleModule,
        StoresModule.forRoot({ runProjections: true }),
        GraphQLModule.forRootAsync<ApolloDriverConfig>({
          driver: ApolloDriver,
          imports: [AuthModule],
          inject: [ApiKeyRegistry],
          useFactory: (keys: ApiKeyRegistry) => ({
            typeDefs: TYPE_DEFS,
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
      controllers: [HealthController],
      providers: [
        { provide: CLOCK, useValue: systemClock },
        SessionRepository,
        SessionCommandRunner,
        CommandPreparation,
        CommandFactory,
        SessionQueries,
        ExecuteSessionCommandHandler,
        SetPinnedHandler,
        RebuildProjectionHandler,
        VerifyProjectionHandler,
        ...QUERY_HANDLERS,
        QueryResolver,
        SessionFieldsResolver,
        RunFieldsResolver,
        MutationDispatch,
        MutationResolver,
        LiveFeeds,
        TimeScheduler,
        SubscriptionResolver,
      ],
    };
  }
}
