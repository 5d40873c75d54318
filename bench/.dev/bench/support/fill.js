"use strict";
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", { value: true });
exports.RawStoreWriter = void 0;
exports.fillStore = fillStore;
const better_sqlite3_1 = __importDefault(require("better-sqlite3"));
const event_store_1 = require("../../libs/event-store/src/index.js");
const domain_writer_1 = require("./domain-writer");
const progress_1 = require("./progress");
const INSERT_EVENT = 'INSERT INTO events (stream_id, revision, event_id, type, data, metadata, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)';
const UPSERT_STREAM = 'INSERT INTO streams (stream_id, revision) VALUES (?, ?) ON CONFLICT (stream_id) DO UPDATE SET revision = excluded.revision';
/**
 * Writes decided events as raw rows into a file whose schema SqliteEventStore created itself:
 * many sessions per transaction, synchronous=OFF (it is a fixture, not a measurement). Rows are
 * exactly what SqliteEventStore.append writes; the store reopens the file at the end to check
 * its head. Returns what the scenarios need to know about the data.
 */
class RawStoreWriter {
    file;
    transactionEvents;
    db;
    insertEvent;
    upsertStream;
    writeMany;
    pending = [];
    pendingEvents = 0;
    events = 0;
    bytes = 0;
    constructor(file, transactionEvents = 20_000) {
        this.file = file;
        this.transactionEvents = transactionEvents;
        // Let the store create the schema, so the file is exactly what it expects.
        void new event_store_1.SqliteEventStore(file).close();
        this.db = new better_sqlite3_1.default(file);
        this.db.pragma('journal_mode = WAL');
        this.db.pragma('synchronous = OFF');
        this.insertEvent = this.db.prepare(INSERT_EVENT);
        this.upsertStream = this.db.prepare(UPSERT_STREAM);
        this.writeMany = this.db.transaction((batches) => {
            for (const batch of batches) {
                let revision = batch.revision;
                for (const event of batch.events) {
                    revision += 1;
                    const data = JSON.stringify(event.data);
                    const metadata = JSON.stringify(event.metadata);
                    this.bytes += data.length + metadata.length;
                    this.insertEvent.run(batch.streamId, revision, event.id, event.type, data, metadata, batch.at);
                }
                this.upsertStream.run(batch.streamId, revision);
            }
        });
    }
    add(batch) {
        this.pending.push(batch);
        this.pendingEvents += batch.events.length;
        this.events += batch.events.length;
        if (this.pendingEvents >= this.transactionEvents)
            this.flush();
    }
    flush() {
        if (this.pending.length === 0)
            return;
        this.writeMany(this.pending);
        this.pending = [];
        this.pendingEvents = 0;
    }
    /** Flushes, folds the WAL into the main file and closes. */
    close() {
        this.flush();
        this.db.pragma('wal_checkpoint(TRUNCATE)');
        this.db.close();
    }
}
exports.RawStoreWriter = RawStoreWriter;
/** Fills `file` with the plans' sessions, interleaved in time as live traffic would be. */
async function fillStore(file, plans, options) {
    const started = Date.now();
    const writer = new RawStoreWriter(file);
    const progress = new progress_1.Progress(options.label, options.totalRunEvents);
    const summary = {
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
    let seenPerOrg = {};
    let sinceYield = 0;
    for (const { plan, step, last } of (0, domain_writer_1.interleave)(plans)) {
        if (step === -1) {
            summary.sessions += 1;
            const org = plan.organizationId;
            summary.sessionsByOrganization[org] = (summary.sessionsByOrganization[org] ?? 0) + 1;
            if (plan.open)
                summary.openSessions += 1;
            // Reservoir sample, so detail queries hit sessions from the whole time range.
            const seen = (seenPerOrg[org] = (seenPerOrg[org] ?? 0) + 1);
            const sample = (summary.sampleSessionIds[org] ??= []);
            if (sample.length < sampleSize)
                sample.push(plan.sessionId);
            else {
                const slot = Math.floor(((seen * 2654435761) % 4294967296) / 4294967296 * seen);
                if (slot < sampleSize)
                    sample[slot] = plan.sessionId;
            }
        }
        const batch = options.builder.step(plan, step);
        if (batch) {
            writer.add(batch);
            summary.lastStreamId = batch.streamId;
            summary.lastRevision = batch.revision + batch.events.length;
            summary.lastOrganizationId = plan.organizationId;
            const stepInfo = step >= 0 ? plan.steps[step] : null;
            if (stepInfo?.kind === 'append') {
                summary.runEvents += batch.events.length;
                for (const event of batch.events)
                    if (event.metadata.redactions.length)
                        summary.redactedEvents += 1;
                progress.update(summary.runEvents);
            }
        }
        if (last)
            options.builder.forget(plan.sessionId);
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
    const store = new event_store_1.SqliteEventStore(file);
    try {
        const head = await store.headPosition();
        const revision = await store.streamRevision(summary.lastStreamId);
        if (head.commit !== summary.events || revision !== summary.lastRevision) {
            throw new Error(`fill check failed: head ${head.commit} (expected ${summary.events}), ${summary.lastStreamId} at ${revision} (expected ${summary.lastRevision})`);
        }
    }
    finally {
        await store.close();
    }
    summary.ms = Date.now() - started;
    progress.done(`${summary.events} events, ${(summary.bytes / 1024 / 1024).toFixed(0)} MiB of JSON`);
    return summary;
}
//# sourceMappingURL=fill.js.map