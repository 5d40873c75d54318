import { Context, Query, Resolver } from '@nestjs/graphql';
import { GraphQLContext, requireActor } from '../graphql/context';

@Resolver('Query')
export class WhoamiResolver {
  @Query('whoami')
  whoami(@Context() context: GraphQLContext) {
    const actor = requireActor(context);
    return { organizationId: actor.organizationId, principal: actor.principal, roles: actor.roles };
  }
}
