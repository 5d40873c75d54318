import { Inject } from '@nestjs/common';
import { Args, Context, Mutation, Resolver } from '@nestjs/graphql';
import { randomUUID } from 'node:crypto';
import { Actor, ResolveCheckpoint } from '@ledger/domain';
import { CLOCK, Clock } from '../../platform/clock';
import { GraphQLContext, requireActor } from '../../platform/graphql/context';
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
  constructor(
    private readonly answers: MutationAnswers,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Mutation('resolveCheckpoint')
  async resolveCheckpoint(@Args('input') raw: unknown, @Context() context: GraphQLContext) {
    const actor = requireActor(context);
    const command = toResolveCheckpoint(actor, validateInput(ResolveCheckpointInput, raw), this.clock().toISOString());
    return this.answers.run(actor, await this.answers.execute(command, context), command.sessionId, command.runId);
  }
}
