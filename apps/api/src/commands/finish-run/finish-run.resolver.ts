import { Args, Context, Mutation, Resolver } from '@nestjs/graphql';
import { IsIn, IsOptional, IsString, Length } from 'class-validator';
import { Actor, deterministicUuid, FinishRun, RUN_FINISH_STATUSES, RunFinishStatus } from '@ledger/domain';
import type { GraphQLContext } from '../../platform/graphql/context';
import { MutationAnswers } from '../mutation-answers';
import { IsClientId, IsSessionId, JsonField, Nested, validateInput } from '../validation';

export class ErrorInput {
  @IsString() @Length(1, 200) code!: string;
  @IsString() @Length(1, 10_000) message!: string;
}

export class FinishRunInput {
  @IsSessionId() sessionId!: string;
  @IsClientId() runId!: string;
  @IsIn(RUN_FINISH_STATUSES, { message: 'must be COMPLETED, FAILED or CANCELLED' }) status!: RunFinishStatus;
  @IsOptional() @JsonField() output?: unknown;
  @IsOptional() @Nested(() => ErrorInput) error?: ErrorInput | null;
}

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
