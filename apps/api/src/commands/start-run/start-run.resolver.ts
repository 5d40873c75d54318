import { Inject } from '@nestjs/common';
import { Args, Context, Mutation, Resolver } from '@nestjs/graphql';
import { randomBytes } from 'node:crypto';
import { Actor, deterministicUuid, StartRun } from '@ledger/domain';
import { CLOCK, Clock } from '../../platform/clock';
import { GraphQLContext, requireActor } from '../../platform/graphql/context';
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
    input: (input.input ?? null) as never,
  };
}

@Resolver('Mutation')
export class StartRunResolver {
  constructor(
    private readonly answers: MutationAnswers,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Mutation('startRun')
  async startRun(@Args('input') raw: unknown, @Context() context: GraphQLContext) {
    const actor = requireActor(context);
    const command = toStartRun(actor, validateInput(StartRunInput, raw), this.clock().toISOString());
    return this.answers.run(actor, await this.answers.execute(command, context), command.sessionId, command.runId);
  }
}
