import Database from 'better-sqlite3';
import { join } from 'node:path';
import { SqliteEventStore } from '@ledger/event-store';
import { cleanup } from '../support/cleanup';
import type { BenchContext } from '../support/context';
import { row } from '../support/report';
import { now } from '../support/stats';
import type { Scenario } from './scenario';
import { compareWrites } from './write-comparison';
import type { WriteWorkload } from './write-workload';

type RowValues = [string, number, string, string, string, string, number];

/** The events table's rows exactly as SqliteEventStore writes them, serialized up front. */
function rowsOf(batches: WriteWorkload['batches']): RowValues[][] {
  const recordedAt = Date.now();
  return batches.map((batch) =>
    batch.events.map((event, i): RowValues => [
      batch.streamId,
      batch.revision + 1 + i,
      event.id,
      event.type,
      JSON.stringify(event.data),
      JSON.stringify(event.metadata),
      recordedAt,
    ]),
  );
}

/**
 * The physical ceiling: the same rows inserted with plain better-sqlite3 into a file whose schema
 * and indexes SqliteEventStore created itself, with the store's pragmas (WAL, synchronous FULL),
 * one IMMEDIATE transaction per batch. No JSON work, no revision check, no stream row: what is
 * left is SQLite and the disk.
 */
export function measureCeiling(workload: WriteWorkload): { ms: number; events: number } {
  const dir = cleanup.tempDir('ceiling');
  try {
    const file = join(dir, 'events.sqlite');
    void new SqliteEventStore(file).close();
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    const insert = db.prepare('INSERT INTO events (stream_id, revision, event_id, type, data, metadata, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)');
    const insertMany = db.transaction((rows: RowValues[]) => {
      for (const values of rows) insert.run(...values);
    });
    for (const rows of rowsOf(workload.setup)) insertMany.immediate(rows);
    const measured = rowsOf(workload.batches);
    const started = now();
    for (const rows of measured) insertMany.immediate(rows);
    const ms = now() - started;
    db.close();
    return { ms, events: workload.events };
  } finally {
    cleanup.removeDir(dir);
  }
}

export const ceilingScenario: Scenario = {
  id: '1',
  title: 'ceiling: raw better-sqlite3 inserts',
  async run(ctx: BenchContext) {
    const writes = await compareWrites(ctx);
    ctx.add(
      row({
        scenario: '1',
        figure: 'ceiling: raw inserts, batches of 100',
        value: writes.ceiling.eventsPerSecond,
        unit: 'events/s',
        note: `median of ${writes.repetitions} runs of ${writes.events} events (${writes.avgDataBytes.toFixed(0)} B of data each), WAL + synchronous=FULL like the store`,
      }),
      row({
        scenario: '1',
        figure: 'ceiling: raw inserts, 1 row per transaction',
        value: writes.ceilingSingle.eventsPerSecond,
        unit: 'events/s',
        note: 'one fsync per row: the bound for any single-event append',
      }),
    );
  },
};
