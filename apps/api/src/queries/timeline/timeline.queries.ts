import { Inject, Injectable } from '@nestjs/common';
import {
  Actor,
  BadUserInputError,
  decodeSessionEvent,
  evolve,
  initialState,
  isSessionId,
  LIFECYCLE_EVENT_TYPES,
  SessionState,
  sessionStreamId,
} from '@ledger/domain';
import { EVENT_STORE, EventStore, formatPosition, RecordedEvent } from '@ledger/event-store';
import { CLOCK, Clock } from '../../platform/clock';
import { LEDGER_CONFIG, LedgerConfig } from '@ledger/runtime';
import { requirePageSize } from '../paging';
import { presentSession, SessionModel } from '../sessions/session.presenter';

/** The timeline and sessionAsOf: replayed from the event store itself, never from a projection. */
@Injectable()
export class TimelineQueries {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(LEDGER_CONFIG) private readonly config: LedgerConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** The session's organization, read from its first event; null when it does not exist. */
  private async streamOrganization(sessionId: string): Promise<string | null> {
    const [first] = await this.store.readStream(sessionStreamId(sessionId), { fromRevision: 0, limit: 1 });
    return first ? first.metadata.organizationId : null;
  }

  async timeline(
    actor: Actor,
    sessionId: string,
    after: number,
    first: number,
    types: string[] | null | undefined,
    runId: string | null | undefined,
  ) {
    if (!Number.isInteger(after) || after < -1) throw BadUserInputError.field('after', 'must be -1 or a sequence the client has seen');
    const size = requirePageSize(first, 1000, 100);
    if (!isSessionId(sessionId) || (await this.streamOrganization(sessionId)) !== actor.organizationId) {
      return { events: [], lastSequence: after, hasMore: false };
    }
    const wanted = types?.length ? new Set(types) : null;
    const matches = (event: RecordedEvent) => (!wanted || wanted.has(event.type)) && (!runId || timelineRunId(event) === runId);
    const events: ReturnType<typeof toTimelineEvent>[] = [];
    let from = after + 1;
    let hasMore = false;
    const chunk = Math.max(size + 1, 200);
    for (;;) {
      const batch = await this.store.readStream(sessionStreamId(sessionId), { fromRevision: from, limit: chunk });
      for (const event of batch) {
        if (!matches(event)) continue;
        if (events.length === size) {
          hasMore = true;
          break;
        }
        events.push(toTimelineEvent(sessionId, event));
      }
      if (hasMore || batch.length < chunk) break;
      from = batch[batch.length - 1]!.revision + 1;
    }
    return { events, lastSequence: events.length ? events[events.length - 1]!.sequence : after, hasMore };
  }

  /** The session as it stood after `sequence`, or at instant `at`, folded with the domain's evolve. */
  async sessionAsOf(actor: Actor, id: string, sequence: number | null | undefined, at: string | null | undefined): Promise<SessionModel | null> {
    if (sequence === null || sequence === undefined) {
      if (!at) throw BadUserInputError.field('sequence', 'give sequence or at');
    } else if (!Number.isInteger(sequence) || sequence < 0) {
      throw BadUserInputError.field('sequence', 'must be 0 or more');
    }
    if (!isSessionId(id)) return null;
    let state: SessionState = initialState();
    let from = 0;
    const limit = sequence === null || sequence === undefined ? 1000 : Math.min(1000, sequence + 1);
    outer: for (;;) {
      const batch = await this.store.readStream(sessionStreamId(id), { fromRevision: from, limit });
      for (const event of batch) {
        if (sequence !== null && sequence !== undefined && event.revision > sequence) break outer;
        if (at && event.recordedAt.toISOString() > at) break outer;
        state = evolve(state, decodeSessionEvent(event), event.revision);
      }
      if (batch.length < limit) break;
      from = batch[batch.length - 1]!.revision + 1;
    }
    const view = state.view;
    if (!view || view.organizationId !== actor.organizationId) return null;
    return presentSession(view, at ?? this.clock().toISOString(), this.config.windows);
  }
}

function timelineRunId(event: RecordedEvent): string | null {
  const data = event.data as { runId?: unknown };
  return typeof data.runId === 'string' ? data.runId : null;
}

const LIFECYCLE: ReadonlySet<string> = new Set(LIFECYCLE_EVENT_TYPES);

export function toTimelineEvent(sessionId: string, recorded: RecordedEvent) {
  const event = decodeSessionEvent(recorded);
  const data = LIFECYCLE.has(event.type) ? event.data : (event.data as { data: unknown }).data;
  const pricing = event.type === 'MODEL_USAGE' ? (event.data.pricing ?? null) : null;
  return {
    sessionId,
    sequence: recorded.revision,
    position: formatPosition(recorded.position),
    id: event.clientId ?? recorded.id,
    type: recorded.type,
    runId: timelineRunId(recorded),
    at: event.at,
    recordedAt: recorded.recordedAt.toISOString(),
    actor: recorded.metadata.actor,
    data,
    pricing,
  };
}
