import { Inject, Injectable } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import { Actor, AppendRunEvents, ConflictError, LedgerError, SessionCommand, UnavailableError } from '@ledger/domain';
import type { Position } from '@ledger/event-store';
import { CLOCK, Clock } from '../clock';
import { LEDGER_CONFIG, LedgerConfig } from '../config/ledger-config';
import { GetSessionQuery } from '../read/queries';
import { ExecuteSessionCommand } from '../write/commands';
import type { CommandOutcome } from '../write/session-command.runner';
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
    private readonly queries: QueryBus,
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
    // The response promises what a query can read: wait (bounded) until the projections hold it.
    await Promise.all(
      outcomes
        .filter((o) => o.position !== null)
        .map((o) => this.queries.execute(new GetSessionQuery(actor, o.sessionId, o.position)).catch(() => null)),
    );
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
        position = outcome.appended?.position ?? outcome.session.lastPosition ?? position;
        deduplicated += outcome.deduplicated;
      } catch (error) {
        if (command.type === 'AppendRunEvents' && error instanceof ConflictError && command.runId) {
          // The run finished before these spans arrived (batches out of order): they are kept as
          // session-level events with their own time, still stored once by their ids.
          try {
            const outcome = await this.execute({ ...command, runId: null } satisfies AppendRunEvents, correlationId);
            position = outcome.appended?.position ?? outcome.session.lastPosition ?? position;
            deduplicated += outcome.deduplicated;
            continue;
          } catch (retryError) {
            error = retryError;
          }
        }
        if (!(error instanceof LedgerError) || error instanceof UnavailableError) throw error;
        const message = `session ${session.sessionId}: ${error.code}: ${error.message}`;
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
