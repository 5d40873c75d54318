import type { RecordedEvent } from '@ledger/event-store';
import type { Document } from '@ledger/read-store';
import { CollectionSpec, Projection, ProjectionContext } from './projection';

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
}
