import { Args, Context, Mutation, Resolver } from '@nestjs/graphql';
import { Actor, deterministicUuid, FinishRun } from '@ledger/domain';
import type { GraphQLContext } from '../../platform/graphql/context';
import { MutationAnswers } from '../mutation-answers';
import { validateInput } from '../validation';
import { FinishRunInput } from './finish-run.input';

/** A run finishes once: the event id is derived from the run, so a retry stores nothing twice. */
export function toFinishRun(actor: Actor, input: FinishRunInput, at: string): FinishRun {
  return {
    type: 'FinishRun',
    sessionId: input.sessionId,
    actor,
    at,
    eventId: deterministicUuid(input.sessionId, 'RunFinished', input.runId),
    runId: input.runId,
    status: input.status,
    output: (input.output ?? null) as never,
    error: input.error,
  };
}

@Resolver('Mutation')
export class FinishRunResolver {
  constructor(private readonly answers: MutationAnswers) {}

  @Mutation('finishRun')
  finishRun(@Args('input') raw: unknown, @Context() context: GraphQLContext) {
    return this.answers.runAfter(context, (actor, now) => toFinishRun(actor, validateInput(FinishRunInput, raw), now.toISOString()));
  }
}
