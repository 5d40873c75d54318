import { Args, Context, Query, Resolver } from '@nestjs/graphql';
import { GraphQLContext, requireReader } from '../../platform/graphql/context';
import { ManagedAgentsQuery } from './managed-agents.query';

@Resolver('Query')
export class ManagedAgentsResolver {
  constructor(private readonly agents: ManagedAgentsQuery) {}

  @Query('managedAgents')
  managedAgents(@Args('first') first: number | null, @Args('after') after: string | null, @Context() context: GraphQLContext) {
    return this.agents.managedAgents(requireReader(context), first, after ?? null);
  }
}
