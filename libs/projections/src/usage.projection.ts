import { decodeSessionEvent, hashedId, ModelUsageData, Principal, SessionEvent, TokenUsage, usageOfRecorded } from '@ledger/domain';
import type { RecordedEvent } from '@ledger/event-store';
import type { Document } from '@ledger/read-store';
import { CollectionSpec, FoldedDocument, incrementInto, positionKey, Projection, ProjectionContext, readFolded, touch, usageIncrement, writeFolded } from './projection';

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

/** A bucket's id: one bucket per hour, account, flow, model, principal and session of an organization. */
function bucketIdOf(session: UsageSessionDocument, bucketStart: string, model: string, principalKey: string, sessionId: string): string {
  return hashedId(session.organizationId, bucketStart, session.accountId, session.flowId ?? '', model, principalKey, sessionId);
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
    const _id = bucketIdOf(session, bucketStart, data.model, principalKey, sessionId);
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

  /**
   * The batch folded: the sessions, buckets and days it touches are read in one query each, the
   * events applied in memory in order with `apply`'s guards and sums (added in the same order, so
   * the costs round the same), and each changed document written once.
   */
  async applyBatch(events: RecordedEvent[], context: ProjectionContext): Promise<void> {
    const decoded: { event: RecordedEvent; e: SessionEvent; sessionId: string }[] = [];
    const sessionIds: string[] = [];
    for (const event of events) {
      if (event.type !== 'SessionStarted' && event.type !== 'MODEL_USAGE') continue;
      const sessionId = event.streamId.slice('session-'.length);
      decoded.push({ event, e: decodeSessionEvent(event), sessionId });
      sessionIds.push(sessionId);
    }
    if (decoded.length === 0) return;
    const sessionsCollection = context.collection<UsageSessionDocument>(USAGE_SESSIONS);
    const bucketsCollection = context.collection<UsageBucketDocument>(USAGE_BUCKETS);
    const dailyCollection = context.collection<UsageDailyDocument>(USAGE_DAILY);
    const sessions = await readFolded(sessionsCollection, sessionIds);

    // Where each MODEL_USAGE lands depends on its session's attribution, which an earlier event
    // of this batch may set: resolved in order, then the buckets and days are read at once.
    const usages: { event: RecordedEvent; session: UsageSessionDocument; data: ModelUsageData; usage: TokenUsage; bucketId: string; bucketStart: string; principalKey: string; dayId: string; day: string }[] = [];
    for (const { event, e, sessionId } of decoded) {
      if (e.type === 'SessionStarted') {
        const d = e.data;
        const current = sessions.get(sessionId);
        if (current === undefined) {
          const doc: UsageSessionDocument = {
            _id: sessionId,
            accountId: d.accountId,
            flowId: d.flowId,
            lastRevision: event.revision,
            model: d.model,
            organizationId: d.organizationId,
            owner: d.owner,
          };
          sessions.set(sessionId, { doc, fields: null });
        } else if (current.doc.lastRevision < event.revision) {
          Object.assign(current.doc, { organizationId: d.organizationId, accountId: d.accountId, flowId: d.flowId, model: d.model, owner: d.owner, lastRevision: event.revision });
          touch(current, 'organizationId', 'accountId', 'flowId', 'model', 'owner', 'lastRevision');
        }
        continue;
      }
      if (e.type !== 'MODEL_USAGE') continue;
      const session = sessions.get(sessionId)?.doc;
      if (!session) continue;
      const data = e.data.data as unknown as ModelUsageData;
      const bucketStart = hourStart(e.at);
      const principalKey = `${session.owner.type}:${session.owner.id}`;
      const day = dayStart(e.at);
      usages.push({
        event,
        session,
        data,
        usage: usageOfRecorded(e.data),
        bucketId: bucketIdOf(session, bucketStart, data.model, principalKey, sessionId),
        bucketStart,
        principalKey,
        dayId: `${session.organizationId}/${day}/${data.model}`,
        day,
      });
    }

    const buckets = await readFolded(bucketsCollection, usages.map((u) => u.bucketId));
    const days = await readFolded(dailyCollection, usages.map((u) => u.dayId));
    const changed = new Map<string, string>();
    for (const { event, session, data, usage, bucketId: id, bucketStart, principalKey, dayId, day } of usages) {
      const sessionId = event.streamId.slice('session-'.length);
      const bucket = buckets.get(id);
      if (bucket === undefined) {
        const doc: UsageBucketDocument = {
          _id: id,
          accountId: session.accountId,
          bucketStart,
          flowId: session.flowId,
          lastRevision: event.revision,
          model: data.model,
          organizationId: session.organizationId,
          principal: session.owner,
          principalKey,
          sessionId,
          usage: {} as TokenUsage,
        };
        incrementInto(doc.usage as unknown as Record<string, unknown>, usage as unknown as Record<string, unknown>);
        buckets.set(id, { doc, fields: null });
      } else if (bucket.doc.lastRevision < event.revision) {
        bucket.doc.lastRevision = event.revision;
        incrementInto(bucket.doc.usage as unknown as Record<string, unknown>, usage as unknown as Record<string, unknown>);
        touch(bucket, 'lastRevision', 'usage');
      }
      const key = positionKey(event.position);
      const daily = days.get(dayId);
      if (daily === undefined) {
        const doc: UsageDailyDocument = { _id: dayId, day, lastPosition: key, model: data.model, organizationId: session.organizationId, usage: {} as TokenUsage };
        incrementInto(doc.usage as unknown as Record<string, unknown>, usage as unknown as Record<string, unknown>);
        days.set(dayId, { doc, fields: null });
      } else if (daily.doc.lastPosition < key) {
        daily.doc.lastPosition = key;
        incrementInto(daily.doc.usage as unknown as Record<string, unknown>, usage as unknown as Record<string, unknown>);
        touch(daily, 'lastPosition', 'usage');
      }
      changed.set(id, session.organizationId);
    }

    await writeFolded(sessionsCollection, sessions.values(), (doc) => ({ lastRevision: { $lt: doc.lastRevision } }));
    await writeFolded(bucketsCollection, buckets.values(), (doc) => ({ lastRevision: { $lt: doc.lastRevision } }));
    await writeFolded(dailyCollection, days.values(), (doc) => ({ lastPosition: { $lt: doc.lastPosition } }));
    for (const [id, organizationId] of changed) context.changed(USAGE_BUCKETS, organizationId, id);
  }
}

