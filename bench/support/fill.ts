import Database from 'better-sqlite3';
import { hashBlob, ID_HASH_CHUNK, idHash, SqliteEventStore } from '@ledger/event-store';
import type { SessionPlan } from '../data';
import { AppendBatch, interleave, StreamBuilder } from './domain-writer';
import { Progress } from './progress';

export interface FillSummary {
  sessions: number;
  runEvents: number;
  /** Every event in the store (lifecycle and run events). */
  events: number;
  bytes: number;
  /** The stream of the last event written, and its revision: the head. */
  lastStreamId: string;
  lastRevision: number;
  lastOrganizationId: string;
  /** Sessions per organization. */
  sessionsByOrganization: Record<string, number>;
  /** A sample of session ids of each organization, for detail queries. */
  sampleSessionIds: Record<string, string[]>;
  openSessions: number;
  redactedEvents: number;
  ms: number;
}

const INSERT_EVENT = 'INSERT INTO events (stream_id, revision, event_id, type, data, metadata, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)';
const UPSERT_STREAM = 'INSERT INTO streams (stream_id, revision) VALUES (?, ?) ON CONFLICT (stream_id) DO UPDATE SET revision = excluded.revision';
const UPSERT_HASHES =
  'INSERT INTO id_hashes (stream_id, first_revision, hashes) VALUES (?, ?, ?) ON CONFLICT (stream_id, first_revision) DO UPDATE SET hashes = excluded.hashes';

/**
 * Writes decided events as raw rows into a file whose schema SqliteEventStore created itself:
 * many sessions per transaction, synchronous=OFF (it is a fixture, not a measurement). Rows are
 * exactly what SqliteEventStore.append writes; the store reopens the file at the end to check
 * its head. Returns what the scenarios need to know about the data.
 */
export class RawStoreWriter {
  private readonly db: Database.Database;
  private readonly insertEvent: Database.Statement;
  private readonly upsertStream: Database.Statement;
  private readonly upsertHashes: Database.Statement;
  /** Each stream's last row of event-id hashes, as the store's writer keeps them. */
  private readonly hashChunks = new Map<string, { first: number; hashes: number[] }>();
  private readonly writeMany: Database.Transaction<(batches: AppendBatch[]) => void>;
  private pending: AppendBatch[] = [];
  private pendingEvents = 0;
  events = 0;
  bytes = 0;

  constructor(
    readonly file: string,
    private readonly transactionEvents = 20_000,
  ) {
    // Let the store create the schema, so the file is exactly what it expects.
    void new SqliteEventStore(file).close();
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = OFF');
    this.insertEvent = this.db.prepare(INSERT_EVENT);
    this.upsertStream = this.db.prepare(UPSERT_STREAM);
    this.upsertHashes = this.db.prepare(UPSERT_HASHES);
    this.writeMany = this.db.transaction((batches: AppendBatch[]) => {
      const touched = new Set<string>();
      for (const batch of batches) {
        let revision = batch.revision;
        let chunk = this.hashChunks.get(batch.streamId) ?? { first: 0, hashes: [] };
        for (const event of batch.events) {
          revision += 1;
          const data = JSON.stringify(event.data);
          const metadata = JSON.stringify(event.metadata);
          this.bytes += data.length + metadata.length;
          this.insertEvent.run(batch.streamId, revision, event.id, event.type, data, metadata, batch.at);
          chunk.hashes.push(idHash(event.id));
          if (chunk.hashes.length === ID_HASH_CHUNK) {
            this.upsertHashes.run(batch.streamId, chunk.first, hashBlob(chunk.hashes));
            chunk = { first: chunk.first + ID_HASH_CHUNK, hashes: [] };
          }
        }
        this.hashChunks.set(batch.streamId, chunk);
        touched.add(batch.streamId);
        this.upsertStream.run(batch.streamId, revision);
      }
      for (const streamId of touched) {
        const chunk = this.hashChunks.get(streamId)!;
        if (chunk.hashes.length > 0) this.upsertHashes.run(streamId, chunk.first, hashBlob(chunk.hashes));
      }
    });
  }

  add(batch: AppendBatch): void {
    this.pending.push(batch);
    this.pendingEvents += batch.events.length;
    this.events += batch.events.length;
    if (this.pendingEvents >= this.transactionEvents) this.flush();
  }

  flush(): void {
    if (this.pending.length === 0) return;
    this.writeMany(this.pending);
    this.pending = [];
    this.pendingEvents = 0;
  }

  /** Flushes, folds the WAL into the main file and closes. */
  close(): void {
    this.flush();
    this.db.pragma('wal_checkpoint(TRUNCATE)');
    this.db.close();
  }
}

/** Fills `file` with the plans' sessions, interleaved in time as live traffic would be. */
export async function fillStore(
  file: string,
  plans: Iterable<SessionPlan>,
  options: { builder: StreamBuilder; totalRunEvents: number; label: string; sampleSize?: number },
): Promise<FillSummary> {
  const started = Date.now();
  const writer = new RawStoreWriter(file);
  const progress = new Progress(options.label, options.totalRunEvents);
  const summary: FillSummary = {
    sessions: 0,
    runEvents: 0,
    events: 0,
    bytes: 0,
    lastStreamId: '',
    lastRevision: -1,
    lastOrganizationId: '',
    sessionsByOrganization: {},
    sampleSessionIds: {},
    openSessions: 0,
    redactedEvents: 0,
    ms: 0,
  };
  const sampleSize = options.sampleSize ?? 1000;
  let seenPerOrg: Record<string, number> = {};
  let sinceYield = 0;
  for (const { plan, step, last } of interleave(plans)) {
    if (step === -1) {
      summary.sessions += 1;
      const org = plan.organizationId;
      summary.sessionsByOrganization[org] = (summary.sessionsByOrganization[org] ?? 0) + 1;
      if (plan.open) summary.openSessions += 1;
      // Reservoir sample, so detail queries hit sessions from the whole time range.
      const seen = (seenPerOrg[org] = (seenPerOrg[org] ?? 0) + 1);
      const sample = (summary.sampleSessionIds[org] ??= []);
      if (sample.length < sampleSize) sample.push(plan.sessionId);
      else {
        const slot = Math.floor(((seen * 2654435761) % 4294967296) / 4294967296 * seen);
        if (slot < sampleSize) sample[slot] = plan.sessionId;
      }
    }
    const batch = options.builder.step(plan, step);
    if (batch) {
      writer.add(batch);
      summary.lastStreamId = batch.streamId;
      summary.lastRevision = batch.revision + batch.events.length;
      summary.lastOrganizationId = plan.organizationId;
      const stepInfo = step >= 0 ? plan.steps[step]! : null;
      if (stepInfo?.kind === 'append') {
        summary.runEvents += batch.events.length;
        for (const event of batch.events) if (event.metadata.redactions.length) summary.redactedEvents += 1;
        progress.update(summary.runEvents);
      }
    }
    if (last) options.builder.forget(plan.sessionId);
    if (++sinceYield >= 5_000) {
      sinceYield = 0;
      // Let signals and timers run during a long fill.
      await new Promise((resolveTick) => setImmediate(resolveTick));
    }
  }
  seenPerOrg = {};
  writer.close();
  summary.events = writer.events;
  summary.bytes = writer.bytes;
  const store = new SqliteEventStore(file);
  try {
    const head = await store.headPosition();
    const revision = await store.streamRevision(summary.lastStreamId);
    if (head.commit !== summary.events || revision !== summary.lastRevision) {
      throw new Error(`fill check failed: head ${head.commit} (expected ${summary.events}), ${summary.lastStreamId} at ${revision} (expected ${summary.lastRevision})`);
    }
  } finally {
    await store.close();
  }
  summary.ms = Date.now() - started;
  progress.done(`${summary.events} events, ${(summary.bytes / 1024 / 1024).toFixed(0)} MiB of JSON`);
  return summary;
}
