import { Args, Context, Mutation, Resolver } from '@nestjs/graphql';
import { randomUUID } from 'node:crypto';
import { Actor, ResolveCheckpoint } from '@ledger/domain';
import type { GraphQLContext } from '../../platform/graphql/context';
import { MutationAnswers } from '../mutation-answers';
import { validateInput } from '../validation';
import { ResolveCheckpointInput } from './resolve-checkpoint.input';

export function toResolveCheckpoint(actor: Actor, input: ResolveCheckpointInput, at: string): ResolveCheckpoint {
  return {
    type: 'ResolveCheckpoint',
    sessionId: input.sessionId,
    actor,
    at,
    eventId: randomUUID(),
    runId: input.runId,
    decision: input.decision,
    comment: input.comment,
  };
}

@Resolver('Mutation')
export class ResolveCheckpointResolver {
  constructor(private readonly answers: MutationAnswers) {}

  @Mutation('resolveCheckpoint')
  resolveCheckpoint(@Args('input') raw: unknown, @Context() context: GraphQLContext) {
    return this.answers.runAfter(context, (actor, now) => toResolveCheckpoint(actor, validateInput(ResolveCheckpointInput, raw), now.toISOString()));
  }
}
