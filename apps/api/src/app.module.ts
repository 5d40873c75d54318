import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { ThrottlerModule } from '@nestjs/throttler';
import { LedgerErrorFilter } from './edge/ledger-error.filter';
import { loggingModule } from './edge/logging/logging.module';
import { RateLimitGuard } from './edge/rate-limit/rate-limit.guard';
import { CommandsModule } from './commands/commands.module';
import { AuthModule } from './platform/auth/auth.module';
import { ClockModule } from './platform/clock';
import { ConfigModule } from './platform/config/config.module';
import { LedgerConfig } from './platform/config/ledger-config';
import { ApiGraphQLModule } from './platform/graphql/graphql.module';
import { HealthModule } from './platform/health/health.module';
import { StoresModule } from './platform/stores.module';
import { ManagedAgentsModule } from './queries/managed-agents/managed-agents.module';
import { ProjectionsModule } from './queries/projections/projections.module';
import { RunsModule } from './queries/runs/runs.module';
import { SessionsModule } from './queries/sessions/sessions.module';
import { TimelineModule } from './queries/timeline/timeline.module';
import { UsageModule } from './queries/usage/usage.module';

/** The api: the platform (config, clock, stores, auth, GraphQL, health), then one module per feature folder. */
@Module({})
export class AppModule {
  static forRoot(config: LedgerConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        loggingModule(config),
        ThrottlerModule.forRoot({
          throttlers: [
            { name: 'ingest', ttl: config.rateLimits.windowMs, limit: config.rateLimits.ingest },
            { name: 'read', ttl: config.rateLimits.windowMs, limit: config.rateLimits.read },
          ],
        }),
        ClockModule,
        CqrsModule.forRoot(),
        StoresModule.forRoot({ runProjections: true }),
        AuthModule,
        ApiGraphQLModule,
        HealthModule,
        CommandsModule,
        SessionsModule,
        RunsModule,
        UsageModule,
        ManagedAgentsModule,
        TimelineModule,
        ProjectionsModule,
      ],
      providers: [
        // The HTTP edge: rate limits on every GraphQL root field and @RateLimited controller, and
        // project errors answered by their contract code on plain HTTP.
        { provide: APP_GUARD, useClass: RateLimitGuard },
        { provide: APP_FILTER, useClass: LedgerErrorFilter },
      ],
    };
  }
}
