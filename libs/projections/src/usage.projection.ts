import { createHash } from 'node:crypto';
import { decodeSessionEvent, ModelUsageData, Principal, TokenUsage, usageOfRecorded } from '@ledger/domain';
import type { RecordedEvent } from '@ledger/event-store';
import type { Document } from '@ledger/read-store';
import { CollectionSpec, positionKey, Projection, ProjectionContext, usageIncrement } from './projection';

export const USAGE_BUCKETS = 'usage_buckets';
export const USAGE_SESSIONS = 'usage_sessions';
/** Usage per (organization, day, model): the ledger's common dashboard slice, read from a few hundred documents. */
export const USAGE_DAILY = 'usage_daily';

/**
 * One UTC day of one model's usage in one organization. Events of many sessions land here, so it
 * is guarded by the global position of the last event applied (applied in order, once each).
 */
export interface UsageDailyDocument extends Document {
  organizationId: string;
  /** The day's start, as the hourly buckets' bucketStart spells it: YYYY-MM-DDT00:00:00.000Z. */
  day: string;
  model: string;
  usage: TokenUsage;
  lastPosition: string;
}

export function dayStart(iso: string): string {
  return `${iso.slice(0, 10)}T00:00:00.000Z`;
}

/** What a session's usage is attributed to, kept by this projection so it needs no other read model. */
export interface UsageSessionDocument extends Document {
  organizationId: string;
  accountId: string;
  flowId: string | null;
  model: string | null;
  owner: Principal;
  lastRevision: number;
}

/**
 * One hour of usage for one (account, flow, model, principal, session). The session is part of
 * the key, so each bucket is written by one stream only and guarded by its revision.
 */
export interface UsageBucketDocument extends Document {
  organizationId: string;
  bucketStart: string;
  accountId: string;
  flowId: string | null;
  model: string;
  principal: Principal;
  principalKey: string;
  sessionId: string;
  usage: TokenUsage;
  lastRevision: number;
}

export function hourStart(iso: string): string {
  return `${iso.slice(0, 13)}:00:00.000Z`;
}

function bucketId(parts: string[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 32);
}

export class UsageProjection implements Projection {
  readonly name = 'usage';
  readonly version = 1;
  readonly collections: CollectionSpec[] = [
    {
      name: USAGE_BUCKETS,
      indexes: [
        { keys: { organizationId: 1, bucketStart: 1 }, name: 'org_bucket' },
        { keys: { organizationId: 1, sessionId: 1 }, name: 'org_session' },
      ],
    },
    { name: USAGE_SESSIONS, indexes: [] },
    { name: USAGE_DAILY, indexes: [{ keys: { organizationId: 1, day: 1 }, name: 'org_day' }] },
  ];

  handles(event: RecordedEvent): boolean {
    return event.streamId.startsWith('session-') && (event.type === 'SessionStarted' || event.type === 'MODEL_USAGE');
  }

  async apply(event: RecordedEvent, context: ProjectionContext): Promise<void> {
    const e = decodeSessionEvent(event);
    const sessionId = event.streamId.slice('session-'.length);
    const sessions = context.collection<UsageSessionDocument>(USAGE_SESSIONS);
    if (e.type === 'SessionStarted') {
      const d = e.data;
      await sessions.updateOne(
        { _id: sessionId, lastRevision: { $lt: event.revision } },
        {
          $set: {
            organizationId: d.organizationId,
            accountId: d.accountId,
            flowId: d.flowId,
            model: d.model,
            owner: d.owner,
            lastRevision: event.revision,
          },
        },
        { upsert: true },
      );
      return;
    }
    if (e.type !== 'MODEL_USAGE') return;
    const session = await sessions.findOne({ _id: sessionId });
    if (!session) return;
    const data = e.data.data as unknown as ModelUsageData;
    const usage = usageOfRecorded(e.data);
    const bucketStart = hourStart(e.at);
    const principalKey = `${session.owner.type}:${session.owner.id}`;
    const _id = bucketId([session.organizationId, bucketStart, session.accountId, session.flowId ?? '', data.model, principalKey, sessionId]);
    await context.collection<UsageBucketDocument>(USAGE_BUCKETS).updateOne(
      { _id, lastRevision: { $lt: event.revision } },
      {
        $set: { lastRevision: event.revision },
        $inc: usageIncrement(usage),
        $setOnInsert: {
          organizationId: session.organizationId,
          bucketStart,
          accountId: session.accountId,
          flowId: session.flowId,
          model: data.model,
          principal: session.owner,
          principalKey,
          sessionId,
        },
      },
      { upsert: true },
    );
    const day = dayStart(e.at);
    const key = positionKey(event.position);
    await context.collection<UsageDailyDocument>(USAGE_DAILY).updateOne(
      { _id: `${session.organizationId}/${day}/${data.model}`, lastPosition: { $lt: key } },
      {
        $set: { lastPosition: key },
        $inc: usageIncrement(usage),
        $setOnInsert: { organizationId: session.organizationId, day, model: data.model },
      },
      { upsert: true },
    );
    context.changed(USAGE_BUCKETS, session.organizationId, _id);
  }
}
