import type { RecordedEvent } from '@ledger/event-store';
import type { Document } from '@ledger/read-store';
import { CollectionSpec, Projection, ProjectionContext, readFolded, touch, writeFolded } from './projection';

export const PINS = 'pins';

export interface PinDocument extends Document {
  organizationId: string;
  principalKey: string;
  sessionId: string;
  pinned: boolean;
  at: string;
  lastRevision: number;
}

export function principalKey(type: string, id: string): string {
  return `${type}:${id}`;
}

/** Per-principal pins, one document per (principal, session), guarded by the pins stream's revision. */
export class PinsProjection implements Projection {
  readonly name = PINS;
  readonly version = 1;
  readonly collections: CollectionSpec[] = [{ name: PINS, indexes: [{ keys: { organizationId: 1, principalKey: 1, pinned: 1 }, name: 'org_principal' }] }];

  handles(event: RecordedEvent): boolean {
    return event.streamId.startsWith('pins-') && (event.type === 'SessionPinned' || event.type === 'SessionUnpinned');
  }

  async apply(event: RecordedEvent, context: ProjectionContext): Promise<void> {
    const data = event.data as { sessionId: string; principal: { type: string; id: string } };
    const organizationId = event.metadata.organizationId;
    const key = principalKey(data.principal.type, data.principal.id);
    const _id = `${organizationId}/${key}/${data.sessionId}`;
    const result = await context.collection<PinDocument>(PINS).updateOne(
      { _id, lastRevision: { $lt: event.revision } },
      {
        $set: { pinned: event.type === 'SessionPinned', at: event.metadata.occurredAt, lastRevision: event.revision },
        $setOnInsert: { organizationId, principalKey: key, sessionId: data.sessionId },
      },
      { upsert: true },
    );
    if (result.matchedCount + result.upsertedCount > 0) context.changed(PINS, organizationId, data.sessionId);
  }

  /** The batch folded: each pin read once, the last event past its guard decides, one write per pin. */
  async applyBatch(events: RecordedEvent[], context: ProjectionContext): Promise<void> {
    const pins = context.collection<PinDocument>(PINS);
    const ids = events.map((event) => pinId(event));
    const folded = await readFolded(pins, ids);
    const changed = new Map<string, { organizationId: string; sessionId: string }>();
    events.forEach((event, i) => {
      const data = event.data as { sessionId: string; principal: { type: string; id: string } };
      const organizationId = event.metadata.organizationId;
      const _id = ids[i]!;
      const pinned = event.type === 'SessionPinned';
      const at = event.metadata.occurredAt;
      const current = folded.get(_id);
      if (current === undefined) {
        const doc: PinDocument = { _id, at, lastRevision: event.revision, organizationId, pinned, principalKey: principalKey(data.principal.type, data.principal.id), sessionId: data.sessionId };
        folded.set(_id, { doc, fields: null });
      } else if (current.doc.lastRevision < event.revision) {
        Object.assign(current.doc, { pinned, at, lastRevision: event.revision });
        touch(current, 'pinned', 'at', 'lastRevision');
      } else return;
      changed.set(_id, { organizationId, sessionId: data.sessionId });
    });
    await writeFolded(pins, folded.values(), (doc) => ({ lastRevision: { $lt: doc.lastRevision } }));
    for (const { organizationId, sessionId } of changed.values()) context.changed(PINS, organizationId, sessionId);
  }
}

function pinId(event: RecordedEvent): string {
  const data = event.data as { sessionId: string; principal: { type: string; id: string } };
  return `${event.metadata.organizationId}/${principalKey(data.principal.type, data.principal.id)}/${data.sessionId}`;
}
