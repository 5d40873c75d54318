import { Inject } from '@nestjs/common';
import { Args, Context, Mutation, Query, Resolver } from '@nestjs/graphql';
import { PROJECTIONS, Projections } from '@ledger/projections';
import { CLOCK, Clock } from '../../platform/clock';
import { GraphQLContext, requireAdmin, requireReader } from '../../platform/graphql/context';

/** The audit: each projection's status, and (ADMIN) its blue/green rebuild and verification. */
@Resolver()
export class ProjectionsResolver {
  constructor(
    @Inject(PROJECTIONS) private readonly engine: Projections,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Query('projections')
  projections(@Context() context: GraphQLContext) {
    requireReader(context);
    return this.engine.statuses(this.clock().getTime());
  }

  /** A rebuild already under way is CONFLICT, an unknown name BAD_USER_INPUT: by the error codes of the projections lib. */
  @Mutation('rebuildProjection')
  rebuildProjection(@Args('name') name: string, @Context() context: GraphQLContext) {
    requireAdmin(context);
    return this.engine.rebuild(name);
  }

  @Mutation('verifyProjection')
  verifyProjection(@Args('name') name: string, @Context() context: GraphQLContext) {
    requireAdmin(context);
    return this.engine.verify(name);
  }
}
