import { Module } from '@nestjs/common';
import { RunQueries } from './runs.queries';
import { RunQueryResolver, RunToolCallsResolver, SessionRunsResolver } from './runs.resolver';

/** The runs read model: runs and their tool calls. */
@Module({ providers: [RunQueries, RunQueryResolver, SessionRunsResolver, RunToolCallsResolver], exports: [RunQueries] })
export class RunsModule {}
