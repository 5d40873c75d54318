import { Args, Context, Query, Resolver } from '@nestjs/graphql';
import { GraphQLContext, requireReader } from '../../platform/graphql/context';
import { UsageDimension, UsageFilterInput, UsageQuery } from './usage.query';

@Resolver('Query')
export class UsageResolver {
  constructor(private readonly usage: UsageQuery) {}

  @Query('usage')
  rows(@Args('filter') filter: UsageFilterInput, @Args('groupBy') groupBy: UsageDimension[], @Context() context: GraphQLContext) {
    return this.usage.usage(requireReader(context), filter, groupBy);
  }
}
