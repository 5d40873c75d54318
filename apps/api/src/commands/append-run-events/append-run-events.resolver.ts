import { Inject } from '@nestjs/common';
import { Args, Context, Mutation, Resolver } from '@nestjs/graphql';
import { randomUUID } from 'node:crypto';
import { Actor, AppendRunEvents, BadUserInputError, deterministicUuid, JsonRecord, PayloadTooLargeError, RunEventToRecord } from '@ledger/domain';
import { formatPosition } from '@ledger/event-store';
import { LEDGER_CONFIG, LedgerConfig } from '@ledger/runtime';
import type { GraphQLContext } from '../../platform/graphql/context';
import { MutationAnswers, positionOf } from '../mutation-answers';
import { validateInput } from '../validation';
import { AppendRunEventsInput } from './append-run-events.input';

/** How far ahead of the server's clock a reported `at` may be, for clock skew between hosts. */
const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000;

type Limits = LedgerConfig['limits'];

/**
 * The batch as the domain records it. A client's event id derives the stored id, so a retried
 * batch is recognised and stored once; limits are checked before anything is decided.
 */
export function toAppendRunEvents(actor: Actor, raw: unknown, now: Date, limits: Limits): AppendRunEvents {
  const events = (raw as { events?: unknown })?.events;
  if (Array.isArray(events) && events.length > limits.maxBatchEvents) {
    throw new PayloadTooLargeError(`a batch holds at most ${limits.maxBatchEvents} events; this one has ${events.length}: split it`);
  }
  const input = validateInput(AppendRunEventsInput, raw);
  const latest = new Date(now.getTime() + MAX_CLOCK_SKEW_MS).toISOString();
  const problems: { field: string; message: string }[] = [];
  const recorded = input.events.map((event, index): RunEventToRecord => {
    const size = Buffer.byteLength(JSON.stringify(event.data));
    if (size > limits.maxEventDataBytes) {
      throw new PayloadTooLargeError(`input.events[${index}].data is ${size} bytes; an event's data holds at most ${limits.maxEventDataBytes} bytes`);
    }
    const at = event.at ? new Date(event.at).toISOString() : now.toISOString();
    if (at > latest) problems.push({ field: `input.events[${index}].at`, message: 'is more than 5 minutes in the future; check the reporter clock' });
    return {
      id: event.id ? deterministicUuid(input.sessionId, 'event', event.id) : randomUUID(),
      ...(event.id ? { clientId: event.id } : {}),
      type: event.type,
      at,
      data: event.data as JsonRecord,
    };
  });
  if (problems.length) throw new BadUserInputError(problems.map((p) => `${p.field} ${p.message}`).join('; '), problems);
  const ids = new Set<string>();
  recorded.forEach((event, index) => {
    if (ids.has(event.id)) throw BadUserInputError.field(`input.events[${index}].id`, 'repeats an id given earlier in the same batch');
    ids.add(event.id);
  });
  return {
    type: 'AppendRunEvents',
    sessionId: input.sessionId,
    actor,
    at: now.toISOString(),
    runId: input.runId,
    expectedSequence: input.expectedSequence,
    events: recorded,
  };
}

@Resolver('Mutation')
export class AppendRunEventsResolver {
  constructor(
    private readonly answers: MutationAnswers,
    @Inject(LEDGER_CONFIG) private readonly config: LedgerConfig,
  ) {}

  /** Answers once the projections have applied the batch; a fully retried batch answers where it was stored. */
  @Mutation('appendRunEvents')
  async appendRunEvents(@Args('input') raw: unknown, @Context() context: GraphQLContext) {
    const { command, outcome } = await this.answers.execute(context, (actor, now) => toAppendRunEvents(actor, raw, now, this.config.limits));
    await this.answers.applied(outcome);
    const position = positionOf(outcome);
    return {
      sessionId: command.sessionId,
      runId: command.runId ?? null,
      firstSequence: outcome.appended?.firstRevision ?? Math.min(...outcome.deduplicatedRevisions),
      lastSequence: outcome.appended?.lastRevision ?? Math.max(...outcome.deduplicatedRevisions),
      position: position ? formatPosition(position) : '',
      deduplicated: outcome.deduplicated,
    };
  }
}
