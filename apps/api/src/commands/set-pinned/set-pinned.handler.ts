import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { encodeEvent, NotFoundError, PinEvent, pinsDecider, pinsStreamId, PinState, SetPinned } from '@ledger/domain';
import { DeciderCommandHandler, EVENT_STORE, EventStore, Position } from '@ledger/event-store';
import { SessionCommandHandler } from '../session-command.handler';

export class SetPinnedCommand {
  constructor(
    readonly command: SetPinned,
    readonly correlationId: string,
  ) {}
}

export interface SetPinnedOutcome {
  /** Where the pin was stored; null when it already was as asked. */
  position: Position | null;
}

/** Pins live in the principal's own stream, through the same generic command handler as sessions. */
@CommandHandler(SetPinnedCommand)
export class SetPinnedHandler implements ICommandHandler<SetPinnedCommand, SetPinnedOutcome> {
  private readonly handler: DeciderCommandHandler<SetPinned, PinEvent, PinState>;

  constructor(
    private readonly sessions: SessionCommandHandler,
    @Inject(EVENT_STORE) store: EventStore,
  ) {
    this.handler = new DeciderCommandHandler(store, pinsDecider);
  }

  async execute({ command, correlationId }: SetPinnedCommand): Promise<SetPinnedOutcome> {
    const session = await this.sessions.load(command.sessionId);
    if (session.state.view?.organizationId !== command.actor.organizationId) {
      throw new NotFoundError(`session ${command.sessionId} not found`);
    }
    const { type, id } = command.actor.principal;
    const context = { actor: command.actor, correlationId, causationId: command.eventId };
    const outcome = await this.handler.handle(pinsStreamId(command.actor.organizationId, type, id), command, (event) => encodeEvent(event, context));
    return { position: outcome.appended?.position ?? null };
  }
}
