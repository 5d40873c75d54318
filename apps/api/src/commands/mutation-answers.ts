import { Inject, Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { Actor, SessionCommand, sessionIdFromStream, UnavailableError } from '@ledger/domain';
import type { Position } from '@ledger/event-store';
import { CLOCK, Clock } from '../platform/clock';
import { LEDGER_CONFIG, LedgerConfig } from '@ledger/runtime';
import { GraphQLContext, requireActor } from '../platform/graphql/context';
import { ReadYourWrites } from '../queries/projections/read-your-writes';
import { RunModel } from '../queries/runs/run.presenter';
import { RunQueries } from '../queries/runs/runs.queries';
import { presentSession, SessionModel } from '../queries/sessions/session.presenter';
import { SessionQueries } from '../queries/sessions/sessions.queries';
import { ExecuteSessionCommand, SessionCommandOutcome } from './session-command.handler';

/** Where a command's write stands in the store: its own append, or the session's last event when it appended nothing. */
export function positionOf(outcome: SessionCommandOutcome): Position | null {
  return outcome.appended?.position ?? outcome.stream.lastPosition;
}

/**
 * Sends a session command and answers with what it wrote: read from the read model once the
 * projections have passed the append's position, or from the write side if they are behind.
 */
@Injectable()
export class MutationAnswers {
  constructor(
    private readonly commands: CommandBus,
    private readonly readYourWrites: ReadYourWrites,
    private readonly sessions: SessionQueries,
    private readonly runs: RunQueries,
    @Inject(LEDGER_CONFIG) private readonly config: LedgerConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** The caller's command, made by `build` at the server's clock, handled. */
  async execute<C extends SessionCommand>(context: GraphQLContext, build: (actor: Actor, now: Date) => C) {
    const actor = requireActor(context);
    const command = build(actor, this.clock());
    const outcome = await this.commands.execute<ExecuteSessionCommand, SessionCommandOutcome>(new ExecuteSessionCommand(command, context.requestId));
    return { actor, command, outcome };
  }

  /** Handles the command and answers with the session after it. */
  async sessionAfter(context: GraphQLContext, build: (actor: Actor, now: Date) => SessionCommand): Promise<SessionModel> {
    const { actor, outcome } = await this.execute(context, build);
    return this.session(actor, outcome);
  }

  /** Handles the command and answers with its run after it. */
  async runAfter(context: GraphQLContext, build: (actor: Actor, now: Date) => SessionCommand & { runId: string }): Promise<RunModel> {
    const { actor, command, outcome } = await this.execute(context, build);
    return this.run(actor, outcome, command.sessionId, command.runId);
  }

  /** Waits until the projections have applied the command's write. */
  async applied(outcome: SessionCommandOutcome): Promise<void> {
    await this.readYourWrites.waitFor(positionOf(outcome));
  }

  private async session(actor: Actor, outcome: SessionCommandOutcome): Promise<SessionModel> {
    await this.applied(outcome);
    const session = await this.sessions.session(actor, sessionIdFromStream(outcome.stream.streamId));
    const view = outcome.stream.state.view;
    if (session && session.sequence >= (view?.sequence ?? -1)) return session;
    // The read model is behind its bound: the write is stored, so answer from the write side.
    if (view) return presentSession(view, this.clock().toISOString(), this.config.windows);
    throw new UnavailableError('the session was written but cannot be read back yet; query it again shortly');
  }

  private async run(actor: Actor, outcome: SessionCommandOutcome, sessionId: string, runId: string): Promise<RunModel> {
    await this.applied(outcome);
    const run = await this.runs.runOfSession(actor, sessionId, runId);
    if (run) return run;
    throw new UnavailableError(`run ${runId} was written but cannot be read back yet; query it again shortly (the call is safe to retry with the same runId)`);
  }
}
