import { Args, Context, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { GraphQLContext, requireActor, requireReader } from '../../platform/graphql/context';
import type { SessionModel } from '../sessions/session.presenter';
import type { RunModel } from './run.presenter';
import { RunQueries } from './runs.queries';

@Resolver('Query')
export class RunQueryResolver {
  constructor(private readonly runs: RunQueries) {}

  @Query('run')
  run(@Args('id') id: string, @Context() context: GraphQLContext) {
    return this.runs.run(requireReader(context), id);
  }
}

@Resolver('Session')
export class SessionRunsResolver {
  constructor(private readonly queries: RunQueries) {}

  @ResolveField('runs')
  runs(@Parent() session: SessionModel, @Args('first') first: number | null, @Args('after') after: string | null, @Context() context: GraphQLContext) {
    return this.queries.runs(requireActor(context).organizationId, session.id, first, after ?? null);
  }
}

@Resolver('Run')
export class RunToolCallsResolver {
  constructor(private readonly runs: RunQueries) {}

  /** The run as its parent resolved it, scoped again to the caller's organization. */
  @ResolveField('toolCalls')
  toolCalls(@Parent() run: RunModel, @Context() context: GraphQLContext) {
    return this.runs.toolCalls({ ...run, organizationId: requireActor(context).organizationId });
  }
}
