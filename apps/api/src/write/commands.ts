import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import {
  decidePins,
  evolvePins,
  NotFoundError,
  PinEvent,
  pinsStreamId,
  PinState,
  encodeEvent,
  SessionCommand,
  SetPinned,
} from '@ledger/domain';
import { EVENT_STORE, EventStore, Position } from '@ledger/event-store';
import { CommandPreparation } from './command-preparation';
import { CommandOutcome, SessionCommandRunner } from './session-command.runner';
import { SessionRepository } from './session-repository';

/** A session command from the API, with the request it came from. */
export class ExecuteSessionCommand {
  constructor(
    readonly command: SessionCommand,
    readonly correlationId: string,
  ) {}
}

@CommandHandler(ExecuteSessionCommand)
export class ExecuteSessionCommandHandler implements ICommandHandler<ExecuteSessionCommand, CommandOutcome> {
  constructor(
    private readonly preparation: CommandPreparation,
    private readonly runner: SessionCommandRunner,
    private readonly repository: SessionRepository,
  ) {}

  async execute({ command, correlationId }: ExecuteSessionCommand): Promise<CommandOutcome> {
    if (command.type === 'StartSession' && command.parentSessionId) {
      const parent = await this.repository.load(command.parentSessionId);
      if (parent.state.view?.organizationId !== command.actor.organizationId) {
        throw new NotFoundError(`parent session ${command.parentSessionId} not found`);
      }
    }
    const prepared = await this.preparation.prepare(command);
    const causationId = command.type === 'AppendRunEvents' ? (command.events[0]?.id ?? correlationId) : command.eventId;
    return this.runner.execute(prepared.command, {
      actor: command.actor,
      correlationId,
      causationId,
      redactions: prepared.redactions,
    });
  }
}

export class SetPinnedCommand {
  constructor(
    readonly command: SetPinned,
    readonly correlationId: string,
  ) {}
}

export interface SetPinnedOutcome {
  position: Position | null;
}

@CommandHandler(SetPinnedCommand)
export class SetPinnedHandler implements ICommandHandler<SetPinnedCommand, SetPinnedOutcome> {
  constructor(
    private readonly sessions: SessionRepository,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  async execute({ command, correlationId }: SetPinnedCommand): Promise<SetPinnedOutcome> {
    const session = await this.sessions.load(command.sessionId);
    if (session.state.view?.organizationId !== command.actor.organizationId) {
      throw new NotFoundError(`session ${command.sessionId} not found`);
    }
    const { type, id } = command.actor.principal;
    const stream = pinsStreamId(command.actor.organizationId, type, id);
    const stored = await this.store.readStream(stream);
    const state = stored.reduce<PinState>((pins, event) => evolvePins(pins, event as unknown as PinEvent), new Set());
    const events = decidePins(command, state);
    if (events.length === 0) return { position: null };
    const expected = stored.length === 0 ? 'no_stream' : stored[stored.length - 1]!.revision;
    const result = await this.store.append(
      stream,
      events.map((event) => encodeEvent(event, { actor: command.actor, correlationId, causationId: command.eventId })),
      expected,
    );
    return { position: result.position };
  }
}
