import { Inject } from '@nestjs/common';
import { Args, Context, Mutation, Resolver } from '@nestjs/graphql';
import { Actor, deterministicUuid, EndSession } from '@ledger/domain';
import { CLOCK, Clock } from '../../platform/clock';
import { GraphQLContext, requireActor } from '../../platform/graphql/context';
import { MutationAnswers } from '../mutation-answers';
import { validateInput } from '../validation';
import { EndSessionInput } from './end-session.input';

/** A session ends once: the event id is derived from the session. */
export function toEndSession(actor: Actor, input: EndSessionInput, at: string): EndSession {
  return {
    type: 'EndSession',
    sessionId: input.sessionId,
    actor,
    at,
    eventId: deterministicUuid(input.sessionId, 'SessionEnded'),
    status: input.status,
    reason: input.reason,
  };
}

@Resolver('Mutation')
export class EndSessionResolver {
  constructor(
    private readonly answers: MutationAnswers,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Mutation('endSession')
  async endSession(@Args('input') raw: unknown, @Context() context: GraphQLContext) {
    const actor = requireActor(context);
    const command = toEndSession(actor, validateInput(EndSessionInput, raw), this.clock().toISOString());
    return this.answers.session(actor, await this.answers.execute(command, context));
  }
}
