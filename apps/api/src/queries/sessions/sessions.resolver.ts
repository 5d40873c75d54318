import { Args, Context, Parent, Query, ResolveField, Resolver, Subscription } from '@nestjs/graphql';
import { closerOf, GraphQLContext, requireActor, requireReader } from '../../platform/graphql/context';
import { SessionFeeds } from './session-feeds';
import type { SessionFilterInput } from './session-filter';
import type { SessionModel } from './session.presenter';
import { SessionQueries } from './sessions.queries';

@Resolver('Query')
export class SessionsQueryResolver {
  constructor(private readonly sessions: SessionQueries) {}

  @Query('session')
  session(@Args('id') id: string, @Context() context: GraphQLContext) {
    return this.sessions.session(requireReader(context), id);
  }

  @Query('sessions')
  list(
    @Args('filter') filter: SessionFilterInput | null,
    @Args('first') first: number | null,
    @Args('after') after: string | null,
    @Context() context: GraphQLContext,
  ) {
    return this.sessions.sessions(requireReader(context), filter ?? null, first, after ?? null);
  }

  @Query('commandCenter')
  commandCenter(@Args('filter') filter: SessionFilterInput | null, @Args('limit') limit: number | null, @Context() context: GraphQLContext) {
    return this.sessions.commandCenter(requireReader(context), filter ?? null, limit);
  }
}

@Resolver('Session')
export class SessionChildrenResolver {
  constructor(private readonly sessions: SessionQueries) {}

  @ResolveField('children')
  children(@Parent() session: SessionModel, @Context() context: GraphQLContext) {
    return this.sessions.children(requireActor(context), session.id);
  }
}

/** Subscriptions read from the injected live feeds, never from a module-level PubSub. */
@Resolver('Subscription')
export class SessionsSubscriptionResolver {
  constructor(private readonly feeds: SessionFeeds) {}

  @Subscription('commandCenter', { resolve: (value: unknown) => value })
  commandCenter(@Args('filter') filter: SessionFilterInput | null, @Context() context: GraphQLContext) {
    return this.feeds.commandCenter(requireReader(context), filter ?? null, closerOf(context));
  }

  @Subscription('sessionChanged', { resolve: (value: unknown) => value })
  sessionChanged(@Args('id') id: string, @Context() context: GraphQLContext) {
    return this.feeds.sessionChanged(requireReader(context), id, closerOf(context));
  }
}
