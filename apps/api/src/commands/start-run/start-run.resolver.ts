import { Args, Context, Mutation, Resolver } from '@nestjs/graphql';
import { randomBytes } from 'node:crypto';
import { Actor, deterministicUuid, StartRun } from '@ledger/domain';
import type { GraphQLContext } from '../../platform/graphql/context';
import { MutationAnswers } from '../mutation-answers';
import { validateInput } from '../validation';
import { StartRunInput } from './start-run.input';

/** The client's runId (or a fresh one) derives the event id: a retried start stores nothing twice. */
export function toStartRun(actor: Actor, input: StartRunInput, at: string): StartRun {
  const runId = input.runId ?? `run_${randomBytes(16).toString('hex')}`;
  return {
    type: 'StartRun',
    sessionId: input.sessionId,
    actor,
    at,
    eventId: deterministicUuid(input.sessionId, 'RunStarted', runId),
    runId,
    model: input.model,
    agentName: input.agentName,
    input: (input.input ?? null) as never,
  };
}

@Resolver('Mutation')
export class StartRunResolver {
  constructor(private readonly answers: MutationAnswers) {}

  @Mutation('startRun')
  startRun(@Args('input') raw: unknown, @Context() context: GraphQLContext) {
    return this.answers.runAfter(context, (actor, now) => toStartRun(actor, validateInput(StartRunInput, raw), now.toISOString()));
  }
}
