import { Args, Context, Mutation, Resolver } from '@nestjs/graphql';
import { randomBytes } from 'node:crypto';
import { Actor, deterministicUuid, JsonRecord, Principal, sessionIdFromIdempotencyKey, sessionIdFromSource, StartSession } from '@ledger/domain';
import type { GraphQLContext } from '../../platform/graphql/context';
import { MutationAnswers } from '../mutation-answers';
import { validateInput } from '../validation';
import { StartSessionInput } from './start-session.input';

/**
 * A source or an idempotency key derives the session id (and the first event's id), so a
 * repeated start finds the stream and returns the session it made before.
 */
export function toStartSession(actor: Actor, input: StartSessionInput, at: string): StartSession {
  const sessionId = input.source
    ? sessionIdFromSource(actor.organizationId, input.source.type, input.source.id)
    : input.idempotencyKey
      ? sessionIdFromIdempotencyKey(actor.organizationId, input.idempotencyKey)
      : `session_${randomBytes(16).toString('hex')}`;
  return {
    type: 'StartSession',
    sessionId,
    actor,
    at,
    eventId: deterministicUuid(sessionId, 'SessionStarted'),
    kind: input.kind,
    accountId: input.accountId,
    title: input.title,
    tags: input.tags,
    owner: (input.owner as Principal | null | undefined) ?? null,
    source: input.source,
    idempotencyKey: input.idempotencyKey,
    initiative: input.initiative,
    flowId: input.flowId,
    model: input.model,
    parentSessionId: input.parentSessionId,
    subagent: input.subagent,
    environment: input.environment,
    totalSteps: input.totalSteps,
    idleTimeoutSeconds: input.idleTimeoutSeconds,
    status: input.status,
    metadata: input.metadata as JsonRecord | null | undefined,
  };
}

@Resolver('Mutation')
export class StartSessionResolver {
  constructor(private readonly answers: MutationAnswers) {}

  @Mutation('startSession')
  startSession(@Args('input') raw: unknown, @Context() context: GraphQLContext) {
    return this.answers.sessionAfter(context, (actor, now) => toStartSession(actor, validateInput(StartSessionInput, raw), now.toISOString()));
  }
}
