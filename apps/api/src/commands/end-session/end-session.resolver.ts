import { Args, Context, Mutation, Resolver } from '@nestjs/graphql';
import { Actor, deterministicUuid, EndSession } from '@ledger/domain';
import type { GraphQLContext } from '../../platform/graphql/context';
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
  constructor(private readonly answers: MutationAnswers) {}

  @Mutation('endSession')
  endSession(@Args('input') raw: unknown, @Context() context: GraphQLContext) {
    return this.answers.sessionAfter(context, (actor, now) => toEndSession(actor, validateInput(EndSessionInput, raw), now.toISOString()));
  }
}
