import { BeforeApplicationShutdown, Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import {
  ConflictError,
  encodeEvent,
  NotFoundError,
  SessionCommand,
  sessionDecider,
  SessionEvent,
  sessionIdFromStream,
  SessionState,
  sessionStreamId,
} from '@ledger/domain';
import { DeciderCommandHandler, EVENT_STORE, EventStore, FoldedStream, HandledCommand } from '@ledger/event-store';
import { CommandPreparation } from './command-preparation';

/** A session command from the API (or the scheduler), with the request it came from. */
export class ExecuteSessionCommand {
  constructor(
    readonly command: SessionCommand,
    readonly correlationId: string,
  ) {}
}

export type SessionCommandOutcome = HandledCommand<SessionEvent, SessionState>;

/**
 * Session commands: credentials redacted and usage priced first (so a replay decides the same),
 * then the generic decider command handler on the session's stream.
 */
@CommandHandler(ExecuteSessionCommand)
export class SessionCommandHandler implements ICommandHandler<ExecuteSessionCommand, SessionCommandOutcome>, BeforeApplicationShutdown {
  private readonly handler: DeciderCommandHandler<SessionCommand, SessionEvent, SessionState>;

  constructor(
    @Inject(EVENT_STORE) store: EventStore,
    private readonly preparation: CommandPreparation,
  ) {
    this.handler = new DeciderCommandHandler(store, sessionDecider, {
      conflict: (streamId, attempts) =>
        new ConflictError(`session ${sessionIdFromStream(streamId)} kept changing while this command was applied (${attempts} attempts); retry with the same ids`),
    });
  }

  /** On SIGTERM/SIGINT, commands under way finish their appends before the stores close. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.handler.drain();
  }

  /** The session as its stream holds it now. */
  load(sessionId: string): Promise<FoldedStream<SessionState>> {
    return this.handler.load(sessionStreamId(sessionId));
  }

  async execute({ command, correlationId }: ExecuteSessionCommand): Promise<SessionCommandOutcome> {
    if (command.type === 'StartSession' && command.parentSessionId) {
      const parent = await this.load(command.parentSessionId);
      if (parent.state.view?.organizationId !== command.actor.organizationId) {
        throw new NotFoundError(`parent session ${command.parentSessionId} not found`);
      }
    }
    const prepared = await this.preparation.prepare(command);
    const causationId = command.type === 'AppendRunEvents' ? (command.events[0]?.id ?? correlationId) : command.eventId;
    const context = { actor: command.actor, correlationId, causationId, redactions: prepared.redactions };
    return this.handler.handle(sessionStreamId(command.sessionId), prepared.command, (event) => encodeEvent(event, context));
  }
}
