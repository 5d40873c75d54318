import { Inject } from '@nestjs/common';
import { Args, Context, Mutation, Resolver } from '@nestjs/graphql';
import { ArrayMinSize, IsArray, IsIn, IsInt, IsISO8601, isInt, isISO8601, isObject, IsOptional, Min } from 'class-validator';
import { randomUUID } from 'node:crypto';
import {
  Actor,
  AppendRunEvents,
  BadUserInputError,
  CLIENT_ID,
  deterministicUuid,
  JsonRecord,
  PayloadTooLargeError,
  RUN_EVENT_TYPES,
  RunEventToRecord,
  SESSION_ID,
} from '@ledger/domain';
import { formatPosition } from '@ledger/event-store';
import { LEDGER_CONFIG, LedgerConfig } from '@ledger/runtime';
import { jsonBytesOver, jsonValueProblem } from '../../edge/json-limits';
import type { GraphQLContext } from '../../platform/graphql/context';
import { MutationAnswers, positionOf } from '../mutation-answers';
import { IsClientId, IsJsonObject, IsSessionId, Nested, validateInput } from '../validation';

export class RunEventInput {
  @IsOptional() @IsClientId() id?: string | null;
  @IsIn(RUN_EVENT_TYPES) type!: (typeof RUN_EVENT_TYPES)[number];
  @IsOptional() @IsISO8601({ strict: true }, { message: 'must be an ISO-8601 date-time' }) at?: string | null;
  @IsJsonObject() data!: Record<string, unknown>;
}

export class AppendRunEventsInput {
  @IsSessionId() sessionId!: string;
  @IsOptional() @IsClientId() runId?: string | null;
  @IsOptional() @IsInt() @Min(-1) expectedSequence?: number | null;
  @IsArray() @ArrayMinSize(1, { message: 'must hold at least one event' }) @Nested(() => RunEventInput, { each: true })
  events!: RunEventInput[];
}

const INPUT_FIELDS = new Set(['sessionId', 'runId', 'expectedSequence', 'events']);
const EVENT_FIELDS = new Set(['id', 'type', 'at', 'data']);
const EVENT_TYPES = new Set<string>(RUN_EVENT_TYPES);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function onlyFields(value: Record<string, unknown>, fields: ReadonlySet<string>): boolean {
  for (const key of Object.keys(value)) if (!fields.has(key)) return false;
  return true;
}

/**
 * The hot path of ingestion: true only when validateInput would accept the input, checked by the
 * same validator functions as the decorators above (and the same JSON limits), without
 * class-transformer instances and class-validator metadata walks for every event. Anything else
 * (a field outside the input, any failing check) goes through validateInput, which says exactly
 * what is wrong. A unit test holds this to validateInput over valid and broken batches.
 */
export function plainlyValidAppend(raw: unknown): raw is AppendRunEventsInput {
  if (!isRecord(raw) || !onlyFields(raw, INPUT_FIELDS)) return false;
  const { sessionId, runId, expectedSequence, events } = raw;
  if (typeof sessionId !== 'string' || !SESSION_ID.test(sessionId)) return false;
  if (runId != null && (typeof runId !== 'string' || !CLIENT_ID.test(runId))) return false;
  if (expectedSequence != null && !(isInt(expectedSequence) && (expectedSequence as number) >= -1)) return false;
  if (!Array.isArray(events) || events.length === 0) return false;
  for (const event of events) {
    if (!isRecord(event) || !onlyFields(event, EVENT_FIELDS)) return false;
    const { id, type, at, data } = event;
    if (id != null && (typeof id !== 'string' || !CLIENT_ID.test(id))) return false;
    if (typeof type !== 'string' || !EVENT_TYPES.has(type)) return false;
    if (at != null && !isISO8601(at, { strict: true })) return false;
    if (!isObject(data) || jsonValueProblem(data) !== null) return false;
  }
  return true;
}

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
  const input = plainlyValidAppend(raw) ? raw : validateInput(AppendRunEventsInput, raw);
  const latest = new Date(now.getTime() + MAX_CLOCK_SKEW_MS).toISOString();
  const problems: { field: string; message: string }[] = [];
  const recorded = input.events.map((event, index): RunEventToRecord => {
    const size = jsonBytesOver(event.data, limits.maxEventDataBytes);
    if (size !== null) {
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
