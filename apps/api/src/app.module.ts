import { DynamicModule, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
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
    };
  }
}
