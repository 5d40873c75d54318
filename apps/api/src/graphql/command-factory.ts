import { Inject, Injectable } from '@nestjs/common';
import { randomBytes, randomUUID } from 'node:crypto';
import {
  Actor,
  AppendRunEvents,
  BadUserInputError,
  deterministicUuid,
  EndSession,
  FinishRun,
  JsonRecord,
  PayloadTooLargeError,
  Principal,
  ResolveCheckpoint,
  RunEventToRecord,
  sessionIdFromIdempotencyKey,
  sessionIdFromSource,
  SetPinned,
  StartRun,
  StartSession,
  UpdateSession,
} from '@ledger/domain';
import { CLOCK, Clock } from '../clock';
import { LEDGER_CONFIG, LedgerConfig } from '../config/ledger-config';
import {
  AppendRunEventsInput,
  EndSessionInput,
  FinishRunInput,
  ResolveCheckpointInput,
  SetPinnedInput,
  StartRunInput,
  StartSessionInput,
  UpdateSessionInput,
  validateInput,
} from './inputs';

/** How far ahead of the server's clock a reported `at` may be, for clock skew between hosts. */
const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000;

/**
 * Turns validated GraphQL inputs into domain commands: the time from the clock, fresh ids from
 * the random source, or ids derived from the client's own (source, idempotencyKey, runId, event
 * ids) so that a retried call decides and stores nothing twice.
 */
@Injectable()
export class CommandFactory {
  constructor(
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(LEDGER_CONFIG) private readonly config: LedgerConfig,
  ) {}

  startSession(actor: Actor, raw: unknown): StartSession {
    const input = validateInput(StartSessionInput, raw);
    const sessionId = input.source
      ? sessionIdFromSource(actor.organizationId, input.source.type, input.source.id)
      : input.idempotencyKey
        ? sessionIdFromIdempotencyKey(actor.organizationId, input.idempotencyKey)
        : `session_${randomBytes(16).toString('hex')}`;
    return {
      type: 'StartSession',
      sessionId,
      actor,
      at: this.clock().toISOString(),
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

  updateSession(actor: Actor, raw: unknown): UpdateSession {
    const input = validateInput(UpdateSessionInput, raw);
    return {
      type: 'UpdateSession',
      sessionId: input.sessionId,
      actor,
      at: this.clock().toISOString(),
      eventId: randomUUID(),
      expectedSequence: input.expectedSequence,
      ...('title' in input ? { title: input.title } : {}),
      tags: input.tags,
      status: input.status,
      ...('metadata' in input ? { metadata: input.metadata as JsonRecord | null } : {}),
    };
  }

  startRun(actor: Actor, raw: unknown): StartRun {
    const input = validateInput(StartRunInput, raw);
    const runId = input.runId ?? `run_${randomBytes(16).toString('hex')}`;
    return {
      type: 'StartRun',
      sessionId: input.sessionId,
      actor,
      at: this.clock().toISOString(),
      eventId: deterministicUuid(input.sessionId, 'RunStarted', runId),
      runId,
      model: input.model,
      agentName: input.agentName,
      input: (input.input ?? null) as never,
    };
  }

  appendRunEvents(actor: Actor, raw: unknown): AppendRunEvents {
    const events = (raw as { events?: unknown })?.events;
    if (Array.isArray(events) && events.length > this.config.limits.maxBatchEvents) {
      throw new PayloadTooLargeError(`a batch holds at most ${this.config.limits.maxBatchEvents} events; this one has ${events.length}: split it`);
    }
    const input = validateInput(AppendRunEventsInput, raw);
    const now = this.clock();
    const latest = new Date(now.getTime() + MAX_CLOCK_SKEW_MS).toISOString();
    const problems: { field: string; message: string }[] = [];
    const recorded = input.events.map((event, index): RunEventToRecord => {
      const size = Buffer.byteLength(JSON.stringify(event.data));
      if (size > this.config.limits.maxEventDataBytes) {
        throw new PayloadTooLargeError(
          `input.events[${index}].data is ${size} bytes; an event's data holds at most ${this.config.limits.maxEventDataBytes} bytes`,
        );
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

  finishRun(actor: Actor, raw: unknown): FinishRun {
    const input = validateInput(FinishRunInput, raw);
    return {
      type: 'FinishRun',
      sessionId: input.sessionId,
      actor,
      at: this.clock().toISOString(),
      eventId: deterministicUuid(input.sessionId, 'RunFinished', input.runId),
      runId: input.runId,
      status: input.status,
      output: (input.output ?? null) as never,
      error: input.error,
    };
  }

  resolveCheckpoint(actor: Actor, raw: unknown): ResolveCheckpoint {
    const input = validateInput(ResolveCheckpointInput, raw);
    return {
      type: 'ResolveCheckpoint',
      sessionId: input.sessionId,
      actor,
      at: this.clock().toISOString(),
      eventId: randomUUID(),
      runId: input.runId,
      decision: input.decision,
      comment: input.comment,
    };
  }

  endSession(actor: Actor, raw: unknown): EndSession {
    const input = validateInput(EndSessionInput, raw);
    return {
      type: 'EndSession',
      sessionId: input.sessionId,
      actor,
      at: this.clock().toISOString(),
      eventId: deterministicUuid(input.sessionId, 'SessionEnded'),
      status: input.status,
      reason: input.reason,
    };
  }

  setPinned(actor: Actor, raw: unknown): SetPinned {
    const input = validateInput(SetPinnedInput, raw);
    return { type: 'SetPinned', actor, sessionId: input.sessionId, pinned: input.pinned, at: this.clock().toISOString(), eventId: randomUUID() };
  }
}
