import { hash } from 'node:crypto';
import {
  ActivityWindows,
  activeUntil,
  decodeSessionEvent,
  evolveView,
  idleDeadline,
  SessionView,
} from '@ledger/domain';
import type { RecordedEvent } from '@ledger/event-store';
import type { Document, ReadCollection } from '@ledger/read-store';
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
  return hash('sha256', `${key}\u0000${canonicalJson(value)}`, 'base64url').slice(0, 24);
}

/**
 * The stored document of a view. Given the document the view was folded from, its derived fields
 * are taken from it when what they derive from is unchanged (the fold keeps the stored values
 * themselves, so identity tells).
 */
export function toSessionDocument(view: SessionView, windows: ActivityWindows, previous?: SessionDocument): SessionDocument {
  const document = documentFields(view, windows, previous) as SessionDocument;
  document._id = view.id;
  return document;
}

/** The stored fields of a view but `_id`, which is the session id. */
function documentFields(view: SessionView, windows: ActivityWindows, previous?: SessionDocument): Omit<SessionDocument, '_id'> {
  return copyFields(derivedFields(view, windows, previous), copyFields(view, {})) as Omit<SessionDocument, '_id'>;
}

type DerivedFields = Pick<SessionDocument, 'activeUntil' | 'idleDeadline' | 'searchText' | 'metadataEntries'>;
const DERIVED_KEYS: ReadonlySet<string> = new Set(['_id', 'activeUntil', 'idleDeadline', 'searchText', 'metadataEntries']);

function derivedFields(view: SessionView, windows: ActivityWindows, previous?: SessionDocument): DerivedFields {
  const sameText = previous !== undefined && view.title === previous.title && view.preview === previous.preview && view.source === previous.source;
  return {
    activeUntil: activeUntil(view, windows),
    idleDeadline: idleDeadline(view),
    searchText: sameText ? previous.searchText : searchTextOf(view),
    metadataEntries: previous !== undefined && view.metadata === previous.metadata ? previous.metadataEntries : metadataEntriesOf(view),
  };
}

/**
 * `source`'s own fields added to `target` one by one, not `{ ...source, more }`: V8's object
 * spread hands out maps that the properties added after it cannot share, and those additions
 * were most of a rebuild's time in this projection.
 */
function copyFields(source: object, target: Record<string, unknown>, skip?: ReadonlySet<string>): Record<string, unknown> {
  const from = source as Record<string, unknown>;
  for (const key of Object.keys(from)) if (skip === undefined || !skip.has(key)) target[key] = from[key];
  return target;
}

function searchTextOf(view: SessionView): string {
  return [view.title, view.preview, view.source?.reference].filter((part): part is string => !!part).join('\n').toLowerCase();
}

function metadataEntriesOf(view: SessionView): string[] {
  return Object.entries(view.metadata ?? {}).map(([key, value]) => metadataEntry(key, value));
}

function viewOf(document: SessionDocument): SessionView {
  return copyFields(document, {}, DERIVED_KEYS) as unknown as SessionView;
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

  /**
   * Each session's events in the batch are folded from one read into one guarded write. A stored
   * session gets `$set` of the fields the fold changed (most events move a few counters), guarded
   * by the sequence it was read at; if another write moved it meanwhile, the whole document is
   * written under the usual `$lt` guard instead.
   */
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
      // Read-only: the fold copies the view out of it and never changes a stored value.
      const current = await sessions.findOne({ _id: sessionId }, { readOnly: true });
      const before = current ? viewOf(current) : null;
      const applied = before?.sequence ?? -1;
      const fresh = group.filter((event) => event.revision > applied).map((event) => ({ event: decodeSessionEvent(event), revision: event.revision }));
      const view = evolveView(before, fresh);
      if (!view || view.sequence === applied) continue;
      if (await this.writeChanged(sessions, current, view)) {
        context.changed(SESSIONS, view.organizationId, view.id);
        continue;
      }
      const fields = documentFields(view, this.windows);
      const result = await sessions.updateOne({ _id: view.id, sequence: { $lt: view.sequence } }, { $set: fields }, { upsert: true });
      if (result.matchedCount + result.upsertedCount > 0) context.changed(SESSIONS, view.organizationId, view.id);
    }
  }

  /**
   * `$set` of what differs between the stored document and the folded view, in the document's
   * field order, if the stored one is still at the sequence it was read at. The view's unchanged
   * fields are the stored document's own values (the fold copies references), so identity tells
   * what changed.
   */
  private async writeChanged(sessions: ReadCollection<SessionDocument>, current: SessionDocument | null, view: SessionView): Promise<boolean> {
    if (!current) return false;
    const next = documentFields(view, this.windows, current) as Record<string, unknown>;
    const stored = current as unknown as Record<string, unknown>;
    const set: Record<string, unknown> = {};
    for (const key of Object.keys(next)) if (next[key] !== stored[key]) set[key] = next[key];
    const result = await sessions.updateOne({ _id: current._id, sequence: current.sequence }, { $set: set });
    return result.matchedCount > 0;
  }
}
