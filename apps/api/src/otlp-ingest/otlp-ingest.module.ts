import { Module } from '@nestjs/common';
import { AuthModule } from '../platform/auth/auth.module';
import { ProjectionsModule } from '../queries/projections/projections.module';
import { OtlpTracesController } from './otlp.controller';
import { OtlpIngestService } from './otlp-ingest.service';

/**
 * OpenTelemetry ingestion: POST /v1/traces, mapped by a pure module to the session commands
 * GraphQL issues, sent through the same CommandBus and command handler.
 */
@Module({
  imports: [AuthModule, ProjectionsModule],
  controllers: [OtlpTracesController],
  providers: [OtlpIngestService],
})
export class OtlpIngestModule {}
