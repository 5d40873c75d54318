import { ApolloDriver, ApolloDriverConfig } from '@nestjs/apollo';
import { DynamicModule, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { TerminusModule } from '@nestjs/terminus';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { LedgerErrorFilter } from './edge/ledger-error.filter';
import { loggingModule } from './edge/logging/logging.module';
import { requestLogPlugin } from './edge/logging/request-log.plugin';
import { ThrottlerModule } from '@nestjs/throttler';
import type { Response } from 'express';
import { RateLimitGuard } from './edge/rate-limit/rate-limit.guard';
import { SubscriptionLimiter } from './edge/rate-limit/subscription-limiter';
import { subscriptionCapHooks, WsExtra } from './edge/rate-limit/subscription-hooks';
import { formatWsResult } from './edge/ws-errors';
import { GraphQLModule } from '@nestjs/graphql';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import { DocumentNode, GraphQLSchema, specifiedRules, validate } from 'graphql';
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
import { ConfigModule } from './config/config.module';
import { LedgerConfig } from './config/ledger-config';
import { CommandFactory } from './graphql/command-factory';
import { GraphQLContext } from './graphql/context';
import { formatError } from './graphql/error-format';
import { httpStatusPlugin } from './edge/http-status.plugin';
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
  // The token limit is graphql-js's own parser option (parseOptions below): armor's plugin parses
  // a second time inside a hook, so its refusal and every syntax error came back as HTTP 500.
  maxTokens: { enabled: false },
  maxDirectives: { n: 30 },
});
const protection = armor.protect();
const MAX_QUERY_TOKENS = 5_000;

/** graphql-ws's connection context on the ws server, with the actor found at connection_init. */
interface WsContext {
  connectionParams?: Readonly<Record<string, unknown>>;
  extra: WsExtra & { socket: WebSocket; request: IncomingMessage };
}

/** The subscription cap is needed by the graphql-ws hooks, which are built before AppModule's providers. */
@Module({ imports: [AuthModule], providers: [SubscriptionLimiter], exports: [SubscriptionLimiter] })
class SubscriptionLimitsModule {}

@Module({})
export class AppModule {
  static forRoot(config: LedgerConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        loggingModule(config),
        CqrsModule.forRoot(),
        AuthModule,
        SubscriptionLimitsModule,
        TerminusModule,
        ThrottlerModule.forRoot({
          throttlers: [
            { name: 'ingest', ttl: config.rateLimits.windowMs, limit: config.rateLimits.ingest },
            { name: 'read', ttl: config.rateLimits.windowMs, limit: config.rateLimits.read },
          ],
        }),
        StoresModule.forRoot({ runProjections: true }),
        GraphQLModule.forRootAsync<ApolloDriverConfig>({
          driver: ApolloDriver,
          imports: [AuthModule, SubscriptionLimitsModule],
          inject: [ApiKeyRegistry, SubscriptionLimiter],
          useFactory: (keys: ApiKeyRegistry, limiter: SubscriptionLimiter) => ({
            typeDefs: TYPE_DEFS,
            resolvers: { DateTime: DateTimeScalar, JSON: JSONScalar },
            path: '/graphql',
            playground: false,
            introspection: true,
            includeStacktraceInErrorResponses: false,
            formatError,
            parseOptions: { maxTokens: MAX_QUERY_TOKENS },
            preserveHttpStatusForExecutionErrors: false,
            plugins: [...protection.plugins, httpStatusPlugin(), requestLogPlugin()],
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
                onNext: (_ctx, _id, _payload, _args, result) => formatWsResult(result),
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
                  requestId: (req.headers['x-request-id'] as string | undefined) ?? randomUUID(),
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
      controllers: [HealthController],
      providers: [
        { provide: APP_GUARD, useClass: RateLimitGuard },
        { provide: APP_FILTER, useClass: LedgerErrorFilter },
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
