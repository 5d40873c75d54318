import { Args, Context, Mutation, Resolver } from '@nestjs/graphql';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { randomUUID } from 'node:crypto';
import { Actor, ResolveCheckpoint } from '@ledger/domain';
import type { GraphQLContext } from '../../platform/graphql/context';
import { MutationAnswers } from '../mutation-answers';
import { IsClientId, IsSessionId, validateInput } from '../validation';

export class ResolveCheckpointInput {
  @IsSessionId() sessionId!: string;
  @IsClientId() runId!: string;
  @IsIn(['APPROVE', 'REJECT']) decision!: 'APPROVE' | 'REJECT';
  @IsOptional() @IsString() @MaxLength(10_000) comment?: string | null;
}

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
