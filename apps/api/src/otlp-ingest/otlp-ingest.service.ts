import { Inject, Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import { Actor, AppendRunEvents, codedError, SessionCommand } from '@ledger/domain';
import { comparePositions, Position } from '@ledger/event-store';
import { ExecuteSessionCommand, SessionCommandOutcome as CommandOutcome } from '../commands/session-command.handler';
import { CLOCK, Clock } from '../platform/clock';
import { LEDGER_CONFIG, LedgerConfig } from '@ledger/runtime';
import { ReadYourWrites } from '../queries/projections/read-your-writes';
import type { OtlpSpan } from './otlp-span';
import { planTraces, SessionPlan } from './span-mapping';

export interface IngestResult {
  acceptedSpans: number;
  rejectedSpans: number;
  /** Why spans were rejected, for the partial_success message; empty when none were. */
  errorMessage: string;
  /** Events of the export already stored by an earlier send (same trace, span and index). */
  deduplicated: number;
}

/**
 * Runs the commands of an export through the same CommandBus and command handler as GraphQL
 * ingestion, so redaction, pricing, limits, tenancy and de-duplication are the same. Sessions run
 * concurrently; each session's commands run in order.
 */
@Injectable()
export class OtlpIngestService {
  constructor(
    private readonly commands: CommandBus,
    private readonly readYourWrites: ReadYourWrites,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(LEDGER_CONFIG) private readonly config: LedgerConfig,
  ) {}

  async ingest(actor: Actor, spans: OtlpSpan[]): Promise<IngestResult> {
    const plan = planTraces(actor, spans, this.clock().toISOString(), this.config.limits);
    const correlationId = randomUUID();
    const rejected = new Map<string, string>();
    for (const span of plan.rejected) rejected.set(`${span.traceId}:${span.spanId}`, `span ${span.spanId} of trace ${span.traceId}: ${span.reason}`);
    const outcomes = await Promise.all(plan.sessions.map((session) => this.runSession(session, correlationId, rejected)));
    const deduplicated = outcomes.reduce((sum, o) => sum + o.deduplicated, 0);
    // The response promises what a query can read: wait (bounded) until the projections hold the last write.
    const last = outcomes.map((o) => o.position).filter((p): p is Position => p !== null).sort(comparePositions).pop() ?? null;
    await this.readYourWrites.waitFor(last);
    const messages = [...new Set(rejected.values())];
    return {
      acceptedSpans: spans.length - rejected.size,
      rejectedSpans: rejected.size,
      errorMessage: messages.length === 0 ? '' : `${rejected.size} of ${spans.length} spans rejected: ${messages.slice(0, 5).join('; ')}${messages.length > 5 ? `; and ${messages.length - 5} more` : ''}`,
      deduplicated,
    };
  }

  private async runSession(
    session: SessionPlan,
    correlationId: string,
    rejected: Map<string, string>,
  ): Promise<{ sessionId: string; position: Position | null; deduplicated: number }> {
    let position: Position | null = null;
    let deduplicated = 0;
    const reject = (spanIds: string[], message: string, traceIds: Map<string, string>) => {
      for (const spanId of spanIds) rejected.set(`${traceIds.get(spanId) ?? ''}:${spanId}`, message);
    };
    const traceIds = new Map<string, string>();
    for (const command of session.commands) {
      if (command.type === 'AppendRunEvents') for (const e of command.events) traceIds.set(e.clientId!.split(':')[2]!, e.clientId!.split(':')[1]!);
    }
    const allSpans = [...traceIds.keys()];
    for (let i = 0; i < session.commands.length; i += 1) {
      const command = session.commands[i]!;
      const spanIds = session.spanIds[i] ? session.spanIds[i]!.split(',') : [];
      try {
        const outcome = await this.execute(command, correlationId);
        position = outcome.appended?.position ?? outcome.stream.lastPosition ?? position;
        deduplicated += outcome.deduplicated;
      } catch (error) {
        if (command.type === 'AppendRunEvents' && codedError(error)?.code === 'CONFLICT' && command.runId) {
          // The run finished before these spans arrived (batches out of order): they are kept as
          // session-level events with their own time, still stored once by their ids.
          try {
            const outcome = await this.execute({ ...command, runId: null } satisfies AppendRunEvents, correlationId);
            position = outcome.appended?.position ?? outcome.stream.lastPosition ?? position;
            deduplicated += outcome.deduplicated;
            continue;
          } catch (retryError) {
            error = retryError;
          }
        }
        // A store that is unavailable fails the whole export (503, safe to resend); so does anything unexpected.
        const coded = codedError(error);
        if (!coded || coded.code === 'UNAVAILABLE' || coded.code === 'RATE_LIMITED' || coded.code === 'INTERNAL') throw error;
        const message = `session ${session.sessionId}: ${coded.code}: ${coded.publicMessage ?? coded.message}`;
        if (command.type === 'AppendRunEvents') {
          reject(spanIds, message, traceIds);
          continue;
        }
        if (command.type === 'FinishRun' || command.type === 'EndSession') continue;
        // Without its session or run nothing after it can be stored.
        reject(allSpans, message, traceIds);
        break;
      }
    }
    return { sessionId: session.sessionId, position, deduplicated };
  }

  private execute(command: SessionCommand, correlationId: string): Promise<CommandOutcome> {
    return this.commands.execute<ExecuteSessionCommand, CommandOutcome>(new ExecuteSessionCommand(command, correlationId));
  }
}
