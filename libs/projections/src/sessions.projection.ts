import { createHash } from 'node:crypto';
import {
  ActivityWindows,
  activeUntil,
  decodeSessionEvent,
  evolve,
  idleDeadline,
  SessionView,
} from '@ledger/domain';
import type { RecordedEvent } from '@ledger/event-store';
import type { Document } from '@ledger/read-store';
import { canonicalJson } from './canonical-json';
import { CollectionSpec, Projection, ProjectionContext } from './projection';

export const SESSIONS = 'sessions';

/**
 * The sessions read model: one document per session, the SessionView folded by the domain's
 * own `evolve` (the same code sessionAsOf replays with), plus the stored instants that make
 * Active and the Command Center range queries: `activeUntil` and `idleDeadline`.
 */
export type SessionDocument = SessionView &
  Document & {
    activeUntil: string | null;
    idleDeadline: string | null;
    searchText: string;
    /** One digest per top-level metadata key and its value: see metadataEntry. */
    metadataEntries: string[];
  };

/**
 * The metadata filter asks for exact equality of top-level values. MongoDB's own equality would
 * also match an array that merely contains the value, and would read an object value such as
 * {"$ne": 1} as an operator. Comparing digests of (key, canonical value) is exact, the same in
 * MongoDB and in mingo, and an ordinary multikey equality.
 */
export function metadataEntry(key: string, value: unknown): string {
  return createHash('sha256').update(`${key}\u0000${canonicalJson(value)}`).digest('base64url').slice(0, 24);
}

export function toSessionDocument(view: SessionView, windows: ActivityWindows): SessionDocument {
  const searchText = [view.title, view.preview, view.source?.reference].filter((part): part is string => !!part).join('\n').toLowerCase();
  const metadataEntries = Object.entries(view.metadata ?? {}).map(([key, value]) => metadataEntry(key, value));
  return { ...view, _id: view.id, activeUntil: activeUntil(view, windows), idleDeadline: idleDeadline(view), searchText, metadataEntries };
}

function viewOf(document: SessionDocument): SessionView {
  const { _id, activeUntil: _a, idleDeadline: _i, searchText: _s, metadataEntries: _m, ...view } = document;
  return view;
}

export class SessionsProjection implements Projection {
  readonly name = SESSIONS;
  readonly version = 1;
  readonly collections: CollectionSpec[] = [
    {
      name: SESSIONS,
      indexes: [
        { keys: { organizationId: 1, lastActivityAt: -1, _id: -1 }, name: 'org_activity' },
        { keys: { organizationId: 1, activeUntil: 1 }, name: 'org_active_until' },
        { keys: { organizationId: 1, parentSessionId: 1, lastActivityAt: -1 }, name: 'org_parent' },
        { keys: { organizationId: 1, 'owner.id': 1, lastActivityAt: -1 }, name: 'org_owner' },
        // The Command Center's attention count: a range count per attention status.
        { keys: { organizationId: 1, status: 1, lastActivityAt: -1 }, name: 'org_status_activity' },
        { keys: { idleDeadline: 1 }, name: 'idle_deadline' },
        { keys: { activeUntil: 1 }, name: 'active_until' },
      ],
    },
  ];

  constructor(private readonly windows: ActivityWindows) {}

  handles(event: RecordedEvent): boolean {
    return event.streamId.startsWith('session-');
  }

  apply(event: RecordedEvent, context: ProjectionContext): Promise<void> {
    return this.applyBatch([event], context);
  }

  /** Each session's events in the batch are folded from one read into one guarded write. */
  async applyBatch(events: RecordedEvent[], context: ProjectionContext): Promise<void> {
    const sessions = context.collection<SessionDocument>(SESSIONS);
    const byStream = new Map<string, RecordedEvent[]>();
    for (const event of events) {
      const group = byStream.get(event.streamId);
      if (group) group.push(event);
      else byStream.set(event.streamId, [event]);
    }
    for (const [streamId, group] of byStream) {
      const sessionId = streamId.slice('session-'.length);
      const current = await sessions.findOne({ _id: sessionId });
      let view: SessionView | null = current ? viewOf(current) : null;
      const applied = view?.sequence ?? -1;
      for (const event of group) {
        if (event.revision <= (view?.sequence ?? -1)) continue;
        const domainEvent = decodeSessionEvent(event);
        if (!view && domainEvent.type !== 'SessionStarted') continue;
        view = evolve({ view, runs: new Map() }, domainEvent, event.revision).view;
      }
      if (!view || view.sequence === applied) continue;
      const { _id, ...fields } = toSessionDocument(view, this.windows);
      const result = await sessions.updateOne({ _id, sequence: { $lt: view.sequence } }, { $set: fields }, { upsert: true });
      if (result.matchedCount + result.upsertedCount > 0) context.changed(SESSIONS, view.organizationId, view.id);
    }
  }
}
