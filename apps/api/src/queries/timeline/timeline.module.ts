import { Module } from '@nestjs/common';
import { TimelineFeed } from './timeline.feed';
import { TimelineQueries } from './timeline.queries';
import { TimelineQueryResolver, TimelineSubscriptionResolver } from './timeline.resolver';

/** The timeline and replay (sessionAsOf), read from the event store itself. */
@Module({ providers: [TimelineQueries, TimelineFeed, TimelineQueryResolver, TimelineSubscriptionResolver] })
export class TimelineModule {}
