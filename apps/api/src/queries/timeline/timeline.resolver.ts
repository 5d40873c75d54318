import { Args, Context, Query, Resolver, Subscription } from '@nestjs/graphql';
import { GraphQLContext, requireReader } from '../../platform/graphql/context';
import { TimelineFeed } from './timeline.feed';
import { TimelineQueries } from './timeline.queries';

@Resolver('Query')
export class TimelineQueryResolver {
  constructor(private readonly timelines: TimelineQueries) {}

  @Query('timeline')
  timeline(
    @Args('sessionId') sessionId: string,
    @Args('after') after: number,
    @Args('first') first: number,
    @Args('types') types: string[] | null,
    @Args('runId') runId: string | null,
    @Context() context: GraphQLContext,
  ) {
    return this.timelines.timeline(requireReader(context), sessionId, after ?? -1, first ?? 100, types ?? null, runId ?? null);
  }

  @Query('sessionAsOf')
  sessionAsOf(@Args('id') id: string, @Args('sequence') sequence: number | null, @Args('at') at: string | null, @Context() context: GraphQLContext) {
    return this.timelines.sessionAsOf(requireReader(context), id, sequence ?? null, at ?? null);
  }
}

@Resolver('Subscription')
export class TimelineSubscriptionResolver {
  constructor(private readonly feed: TimelineFeed) {}

  @Subscription('timeline', { resolve: (value: unknown) => value })
  timeline(@Args('sessionId') sessionId: string, @Args('after') after: number | null, @Args('types') types: string[] | null, @Context() context: GraphQLContext) {
    return this.feed.timeline(requireReader(context), sessionId, after ?? -1, types ?? null);
  }

  @Subscription('timelinePages', { resolve: (value: unknown) => value })
  timelinePages(
    @Args('sessionId') sessionId: string,
    @Args('after') after: number | null,
    @Args('types') types: string[] | null,
    @Args('max') max: number | null,
    @Context() context: GraphQLContext,
  ) {
    return this.feed.timelinePages(requireReader(context), sessionId, after ?? -1, types ?? null, max ?? 500);
  }
}
