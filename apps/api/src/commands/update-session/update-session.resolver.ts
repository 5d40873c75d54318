import { Args, Context, Mutation, Resolver } from '@nestjs/graphql';
import { randomUUID } from 'node:crypto';
import { Actor, JsonRecord, UpdateSession } from '@ledger/domain';
import type { GraphQLContext } from '../../platform/graphql/context';
import { MutationAnswers } from '../mutation-answers';
import { validateInput } from '../validation';
import { UpdateSessionInput } from './update-session.input';

/** A field left out stays as it is; `title` or `metadata` given as null clears it. */
export function toUpdateSession(actor: Actor, input: UpdateSessionInput, at: string): UpdateSession {
  return {
    type: 'UpdateSession',
    sessionId: input.sessionId,
    actor,
    at,
    eventId: randomUUID(),
    expectedSequence: input.expectedSequence,
    ...('title' in input ? { title: input.title } : {}),
    tags: input.tags,
    status: input.status,
    ...('metadata' in input ? { metadata: input.metadata as JsonRecord | null } : {}),
  };
}

@Resolver('Mutation')
export class UpdateSessionResolver {
  constructor(private readonly answers: MutationAnswers) {}

  @Mutation('updateSession')
  updateSession(@Args('input') raw: unknown, @Context() context: GraphQLContext) {
    return this.answers.sessionAfter(context, (actor, now) => toUpdateSession(actor, validateInput(UpdateSessionInput, raw), now.toISOString()));
  }
}
