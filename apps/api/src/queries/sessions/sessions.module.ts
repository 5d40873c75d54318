import { Module } from '@nestjs/common';
import { CommandCenterScheduler } from './command-center.scheduler';
import { SessionFeeds } from './session-feeds';
import { SessionFilters } from './session-filter';
import { SessionChildrenResolver, SessionsQueryResolver, SessionsSubscriptionResolver } from './sessions.resolver';
import { SessionQueries } from './sessions.queries';

/** The sessions read model: session, sessions, the Command Center, their live views, and the scheduler for time passing. */
@Module({
  providers: [SessionFilters, SessionQueries, SessionFeeds, CommandCenterScheduler, SessionsQueryResolver, SessionChildrenResolver, SessionsSubscriptionResolver],
  exports: [SessionQueries],
})
export class SessionsModule {}
