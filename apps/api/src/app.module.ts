import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { ThrottlerModule } from '@nestjs/throttler';
import { LedgerErrorFilter } from './edge/ledger-error.filter';
import { loggingModule } from './edge/logging/logging.module';
import { RateLimitGuard } from './edge/rate-limit/rate-limit.guard';
import { CommandsModule } from './commands/commands.module';
import { ConsoleModule } from './console/console.module';
import { OtlpIngestModule } from './otlp-ingest/otlp-ingest.module';
import { AuthModule } from './platform/auth/auth.module';
import { ClockModule } from './platform/clock';
import { ConfigModule, LedgerConfig, StoresModule, StoresModuleOptions } from '@ledger/runtime';
import { ApiGraphQLModule } from './platform/graphql/graphql.module';
import { HealthModule } from './platform/health/health.module';
import { ManagedAgentsModule } from './queries/managed-agents/managed-agents.module';
import { ProjectionsModule } from './queries/projections/projections.module';
import { RunsModule } from './queries/runs/runs.module';
import { SessionsModule } from './queries/sessions/sessions.module';
import { TimelineModule } from './queries/timeline/timeline.module';
import { UsageModule } from './queries/usage/usage.module';

/** The api: the platform (config, clock, stores, auth, GraphQL, health), then one module per feature folder. */
@Module({})
export class AppModule {
  /** `connect` opens the stores; the configured adapters unless a test passes real stores of its own. */
  static forRoot(config: LedgerConfig, connect?: StoresModuleOptions['connect']): DynamicModule {
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
        StoresModule.forRoot({ role: 'api', connect }),
        AuthModule,
        ApiGraphQLModule,
        HealthModule,
        ConsoleModule,
        CommandsModule,
        SessionsModule,
        RunsModule,
        UsageModule,
        ManagedAgentsModule,
        TimelineModule,
        ProjectionsModule,
        OtlpIngestModule,
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
