import { DynamicModule, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { CommandsModule } from './commands/commands.module';
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
        ClockModule,
        CqrsModule.forRoot(),
        StoresModule.forRoot({ role: 'api', connect }),
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
        OtlpIngestModule,
      ],
    };
  }
}
