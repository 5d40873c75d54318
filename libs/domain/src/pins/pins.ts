import type { Actor, Principal } from '../principal';

/**
 * Pins are per principal: each principal's pins live in a stream of their own, so pinning
 * never touches the session's timeline (and works on sessions that have ended).
 */
export type PinEvent =
  | { type: 'SessionPinned'; id: string; at: string; data: { sessionId: string; principal: Principal } }
  | { type: 'SessionUnpinned'; id: string; at: string; data: { sessionId: string; principal: Principal } };

export interface SetPinned {
  type: 'SetPinned';
  actor: Actor;
  sessionId: string;
  pinned: boolean;
  at: string;
  eventId: string;
}

export type PinState = ReadonlySet<string>;

export function evolvePins(state: PinState, event: PinEvent): PinState {
  const next = new Set(state);
  switch (event.type) {
    case 'SessionPinned':
      next.add(event.data.sessionId);
      return next;
    case 'SessionUnpinned':
      next.delete(event.data.sessionId);
      return next;
    default: {
      const _never: never = event;
      return _never;
    }
  }
}

/** Setting a pin to what it already is appends nothing. */
export function decidePins(command: SetPinned, state: PinState): PinEvent[] {
  if (state.has(command.sessionId) === command.pinned) return [];
  const data = { sessionId: command.sessionId, principal: command.actor.principal };
  return [command.pinned
    ? { type: 'SessionPinned', id: command.eventId, at: command.at, data }
    : { type: 'SessionUnpinned', id: command.eventId, at: command.at, data }];
}

export function decodePinEvent(stored: { id: string; type: string; data: unknown; metadata: { occurredAt: string } }): PinEvent {
  return { type: stored.type, id: stored.id, at: stored.metadata.occurredAt, data: stored.data } as PinEvent;
}

/** A principal's pins as the generic command handler folds them. */
export const pinsDecider = {
  initialState: (): PinState => new Set<string>(),
  evolve: evolvePins,
  decide: decidePins,
  decode: decodePinEvent,
};
