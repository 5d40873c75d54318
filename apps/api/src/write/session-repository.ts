import { Inject, Injectable } from '@nestjs/common';
import {
  Actor,
  decodeSessionEvent,
  evolve,
  initialState,
  encodeEvent,
  SessionEvent,
  SessionState,
  sessionStreamId,
} from '@ledger/domain';
import { EVENT_STORE, EventStore, ExpectedRevision, Position, RecordedEvent } from '@ledger/event-store';

/** A session's decider state as of `revision`, with the ids of the events stored so far. */
export interface LoadedSession {
  sessionId: string;
  state: SessionState;
  /** Stream revision of the last event folded, -1 when the session does not exist. */
  revision: number;
  /** Stored event id -> its revision: a retried event is recognised without reading the stream. */
  eventIds: Map<string, number>;
  lastPosition: Position | null;
}

export interface AppendContext {
  actor: Actor;
  correlationId: string;
  causationId: string;
  /** Credential rules redacted from each event, by event id. */
  redactions: Map<string, string[]>;
}

export interface AppendedEvents {
  firstRevision: number;
  lastRevision: number;
  position: Position;
}

const CACHE_LIMIT = 10_000;

/**
 * Loads and saves sessions. Recently used sessions stay folded in memory at their revision and
 * catch up by reading only the events appended since, so loading costs O(new events), not
 * O(stream length). Events from other processes are picked up by that same catch-up read.
 */
@Injectable()
export class SessionRepository {
  private readonly cache = new Map<string, LoadedSession>();

  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async load(sessionId: string): Promise<LoadedSession> {
    const cached = this.cache.get(sessionId);
    const session = cached ?? {
      sessionId,
      state: initialState(),
      revision: -1,
      eventIds: new Map<string, number>(),
      lastPosition: null,
    };
    const fresh = await this.store.readStream(sessionStreamId(sessionId), { fromRevision: session.revision + 1 });
    for (const recorded of fresh) this.apply(session, recorded);
    this.remember(session);
    return session;
  }

  async append(session: LoadedSession, events: SessionEvent[], context: AppendContext): Promise<AppendedEvents> {
    const expected: ExpectedRevision = session.revision === -1 ? 'no_stream' : session.revision;
    const result = await this.store.append(
      sessionStreamId(session.sessionId),
      events.map((event) => encodeEvent(event, context)),
      expected,
    );
    const firstRevision = result.nextRevision - events.length + 1;
    events.forEach((event, index) => {
      session.state = evolve(session.state, event, firstRevision + index);
      session.eventIds.set(event.id, firstRevision + index);
    });
    session.revision = result.nextRevision;
    session.lastPosition = result.position;
    return { firstRevision, lastRevision: result.nextRevision, position: result.position };
  }

  /** Drops a session whose in-memory state may be ahead of or behind the store, e.g. after a failed append. */
  forget(sessionId: string): void {
    this.cache.delete(sessionId);
  }

  private apply(session: LoadedSession, recorded: RecordedEvent): void {
    session.state = evolve(session.state, decodeSessionEvent(recorded), recorded.revision);
    session.eventIds.set(recorded.id, recorded.revision);
    session.revision = recorded.revision;
    session.lastPosition = recorded.position;
  }

  private remember(session: LoadedSession): void {
    if (session.revision === -1) return;
    this.cache.delete(session.sessionId);
    this.cache.set(session.sessionId, session);
    if (this.cache.size > CACHE_LIMIT) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
  }
}
