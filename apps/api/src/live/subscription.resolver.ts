import { Args, Context, Resolver, Subscription } from '@nestjs/graphql';
import { GraphQLContext, requireReader } from '../graphql/context';
import type { SessionFilterInput } from '../read/session-queries';
import { CloseSubscriber, LiveFeeds } from './live-feeds';

function closerOf(context: GraphQLContext): CloseSubscriber {
  return context.closeConnection ?? (() => undefined);
}

/** Subscriptions read from the injected live feeds, never from a module-level PubSub. */
@Resolver('Subscription')
export class SubscriptionResolver {
  constructor(private readonly live: LiveFeeds) {}

  @Subscription('commandCenter', { resolve: (value: unknown) => value })
  commandCenter(@Args('filter') filter: SessionFilterInput | null, @Context() context: GraphQLContext) {
    return this.live.commandCenter(requireReader(context), filter ?? null, closerOf(context));
  }

  @Subscription('sessionChanged', { resolve: (value: unknown) => value })
  sessionChanged(@Args('id') id: string, @Context() context: GraphQLContext) {
    return this.live.sessionChanged(requireReader(context), id, closerOf(context));
  }

  @Subscription('timeline', { resolve: (value: unknown) => value })
  timeline(
    @Args('sessionId') sessionId: string,
    @Args('after') after: number | null,
    @Args('types') types: string[] | null,
    @Context() context: GraphQLContext,
  ) {
    return this.live.timeline(requireReader(context), sessionId, after ?? -1, types ?? null);
  }
}
