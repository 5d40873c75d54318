import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { readFile, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventStore, SqliteEventStore } from '@ledger/event-store';
import { MemoryReadStore } from '@ledger/read-store';
import { CollectionData } from '../../read-store/src/memory/collection-data';
import { ManagedAgentsProjection } from './managed-agents.projection';
import { PinsProjection } from './pins.projection';
import { Projection } from './projection';
import { ProjectionEngine } from './projection-engine';
import { CHECKPOINTS } from './projection-runner';
import { ReadModelSnapshots } from './read-model-snapshots';
import { RunsProjection } from './runs.projection';
import { SessionsProjection } from './sessions.projection';
import { UsageProjection } from './usage.projection';
import { ORG_A_INGEST, ScenarioWriter, writeMixedScenario } from './testing/scenario';

const windows = { chatActiveSeconds: 1800, recentSeconds: 86400 };
const projections = (): Projection[] => [new SessionsProjection(windows), new RunsProjection(), new UsageProjection(), new ManagedAgentsProjection(), new PinsProjection()];

/** Every document of every projection's live collections, by logical name. */
async function contents(engine: ProjectionEngine): Promise<Record<string, unknown[]>> {
  const result: Record<string, unknown[]> = {};
  for (const projection of projections()) {
    for (const spec of projection.collections) result[spec.name] = await engine.collection(spec.name).find({}, { sort: { _id: 1 } });
  }
  return result;
}

describe('read-model snapshots: a start after kill -9 at any moment converges to a full rebuild', () => {
  let dir: string;
  let path: string;
  let store: EventStore;
  let writer: ScenarioWriter;
  let sessions: string[];
  let lines: string[];

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-snapshots-'));
    path = join(dir, 'read-models.snapshot');
    store = new SqliteEventStore(join(dir, 'events.sqlite'));
    writer = new ScenarioWriter(store);
    sessions = await writeMixedScenario(writer);
    lines = [];
  });

  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function chatter(label: string, count: number): Promise<void> {
    for (let i = 0; i < count; i += 1) {
      const at = new Date(Date.parse('2026-11-03T00:00:00.000Z') + i * 1000).toISOString();
      await writer.run({
        type: 'AppendRunEvents',
        sessionId: sessions[i % 2]!,
        actor: ORG_A_INGEST,
        at,
        runId: null,
        events: [
          { id: writer.id(label), type: 'MESSAGE', at, data: { role: 'user', text: `${label} ${i}` } },
          { id: writer.id(label), type: 'MODEL_USAGE', at, data: { model: 'm', inputTokens: i, outputTokens: 1 } },
        ],
      });
    }
  }

  /** A start as the api does it: the newest valid snapshot, then the engine catching up. */
  async function start(options: { everyEvents?: number; everyMs?: number } = {}): Promise<{ engine: ProjectionEngine; snapshots: ReadModelSnapshots }> {
    const snapshots = await ReadModelSnapshots.open(path, (line) => lines.push(line));
    const engine = new ProjectionEngine(store, snapshots.store, projections(), null, {
      snapshots: { store: snapshots, everyEvents: options.everyEvents ?? 1_000_000, everyMs: options.everyMs ?? 3_600_000, log: (line) => lines.push(line) },
    });
    await engine.start();
    expect(await engine.waitForHead(10_000)).toBe(true);
    return { engine, snapshots };
  }

  /** What a full rebuild from the events gives, and that every live projection verifies. */
  async function expectConverged(engine: ProjectionEngine): Promise<void> {
    const fresh = new ProjectionEngine(store, new MemoryReadStore(), projections(), null);
    await fresh.start();
    expect(await fresh.waitForHead(10_000)).toBe(true);
    expect(await contents(engine)).toEqual(await contents(fresh));
    await fresh.stop();
    for (const name of engine.projectionNames()) {
      const verification = await engine.verify(name);
      expect({ name, matches: verification.matches, differences: verification.differences }).toEqual({ name, matches: true, differences: [] });
    }
  }

  it('a graceful stop writes a snapshot; the next start loads it and only catches up on what came after', async () => {
    const first = await start();
    await first.engine.stop();
    expect(existsSync(path)).toBe(true);
    expect(lines.some((line) => line.startsWith('read-model snapshot written'))).toBe(true);

    await chatter('after-stop', 5);
    const second = await start();
    expect(second.snapshots.restored).not.toBeNull();
    // The sessions projection resumed from its checkpoint: it applied the ten new events, not the store.
    const status = await second.engine.status('sessions');
    expect(status.state).toBe('LIVE');
    const processedBefore = (await second.snapshots.store.collection(CHECKPOINTS).findOne({ _id: 'sessions@v1' })) as { processedEvents: number } | null;
    expect(processedBefore).not.toBeNull();
    await expectConverged(second.engine);
    await second.engine.stop();
  });

  it('kill between the snapshot and the checkpoint: read models ahead of their checkpoints replay to the same result', async () => {
    const first = await start();
    await chatter('before', 4);
    expect(await first.engine.waitForHead(10_000)).toBe(true);
    // The state a kill leaves when the writes of a batch are in the snapshot but its checkpoint is
    // not: every checkpoint put back to the start while the documents stay at the head.
    const checkpoints = first.snapshots.store.collection(CHECKPOINTS);
    for (const checkpoint of await checkpoints.find({})) {
      await checkpoints.updateOne({ _id: checkpoint._id }, { $set: { position: { commit: -1, prepare: -1 }, key: '', processedEvents: 0 } });
    }
    await first.snapshots.write({ projections: Object.fromEntries(projections().map((p) => [p.name, { version: p.version }])), takenAt: new Date().toISOString() });
    // kill -9: no stop, no last snapshot.
    await chatter('after-kill', 3);

    const second = await start();
    expect(second.snapshots.restored).not.toBeNull();
    await expectConverged(second.engine);
    await second.engine.stop();
  });

  it('kill during a snapshot write: the half-written file is never read; the previous snapshot is loaded and caught up', async () => {
    const first = await start();
    await first.engine.stop();
    const whole = await readFile(path, 'utf8');
    await chatter('during-write', 4);
    // What a kill in the middle of the next write leaves beside the real file.
    await writeFile(`${path}.99999.tmp`, whole.slice(0, Math.floor(whole.length / 2)));

    const second = await start();
    expect(second.snapshots.restored).not.toBeNull();
    expect(existsSync(`${path}.99999.tmp`)).toBe(false);
    expect(lines.filter((line) => line.includes('ignored'))).toEqual([]);
    await expectConverged(second.engine);
    await second.engine.stop();
  });

  it('a truncated snapshot is ignored with one line: the previous one is used, and with none the read models are rebuilt', async () => {
    const first = await start();
    await chatter('one', 2);
    expect(await first.engine.waitForHead(10_000)).toBe(true);
    await first.engine.stop();
    await chatter('two', 2);
    const second = await start();
    await second.engine.stop();
    expect(existsSync(ReadModelSnapshots.previousOf(path))).toBe(true);

    await truncate(path, Math.floor((await stat(path)).size * 0.7));
    lines = [];
    const third = await start();
    expect(lines.filter((line) => line.includes('ignored'))).toHaveLength(1);
    expect(third.snapshots.restored).not.toBeNull();
    await expectConverged(third.engine);
    // kill -9 here, then both generations damaged: a full rebuild.
    await truncate(path, 100);
    await truncate(ReadModelSnapshots.previousOf(path), 10);
    lines = [];
    const fourth = await start();
    expect(fourth.snapshots.restored).toBeNull();
    expect(lines.filter((line) => line.includes('ignored'))).toHaveLength(2);
    await expectConverged(fourth.engine);
    await fourth.engine.stop();
  });

  it('a damaged byte in the middle is caught by the checksum', async () => {
    const first = await start();
    await first.engine.stop();
    const bytes = await readFile(path);
    const middle = bytes.indexOf('"sequence":', Math.floor(bytes.length / 3));
    bytes[middle + '"sequence":'.length] = bytes[middle + '"sequence":'.length] === 0x31 ? 0x32 : 0x31;
    await writeFile(path, bytes);
    const second = await start();
    expect(second.snapshots.restored).toBeNull();
    expect(lines.filter((line) => line.includes('checksum'))).toHaveLength(1);
    await expectConverged(second.engine);
    await second.engine.stop();
  });

  it('a snapshot from another version of a projection: that projection is rebuilt (one line), the others load', async () => {
    const first = await start();
    await first.engine.stop();
    const { store: loaded } = await MemoryReadStore.loadSnapshot(path);
    const meta = { projections: Object.fromEntries(projections().map((p) => [p.name, { version: p.name === 'runs' ? p.version + 7 : p.version }])), takenAt: 'x' };
    // The runs documents are made wrong, as an older projection might have written them.
    await loaded.collection('runs_v1').bulkWrite([{ updateOne: { filter: {}, update: { $set: { eventCount: -1 } } } }]);
    await loaded.writeSnapshot(path, meta);
    lines = [];
    const second = await start();
    expect(lines.filter((line) => line.includes('version'))).toEqual([expect.stringContaining('projection runs is from version 8, this build has version 1')]);
    await expectConverged(second.engine);
    await second.engine.stop();
  });

  it('an index order the snapshot recorded wrongly is served until the projections are live, then rebuilt (one line)', async () => {
    const first = await start();
    // What a bug in the writer would leave: every index of the sessions collection in reverse.
    const orders = jest.spyOn(CollectionData.prototype, 'indexOrders').mockImplementation(function (this: CollectionData) {
      return this.indexes.map((index) => (this.name.startsWith('sessions_') ? index.entries.idsInOrder().reverse() : index.entries.idsInOrder()));
    });
    await first.engine.stop();
    orders.mockRestore();
    lines = [];
    const second = await start({ everyMs: 10 });
    const rebuilt = (): string[] => lines.filter((line) => line.includes('was not in its recorded order'));
    for (let waited = 0; rebuilt().length === 0 && waited < 5000; waited += 10) await new Promise((resolve) => setTimeout(resolve, 10));
    const names = new SessionsProjection(windows).collections.flatMap((spec) => spec.indexes.map((index) => index.name));
    expect(names.length).toBeGreaterThan(1);
    expect(rebuilt()).toEqual(names.map((name) => expect.stringContaining(`index sessions_v1.${name} was not in its recorded order`)));
    const sort = { lastActivityAt: -1, _id: -1 } as const;
    const fresh = new ProjectionEngine(store, new MemoryReadStore(), projections(), null);
    await fresh.start();
    expect(await fresh.waitForHead(10_000)).toBe(true);
    expect(await second.engine.collection('sessions').find({}, { sort })).toEqual(await fresh.collection('sessions').find({}, { sort }));
    await fresh.stop();
    await expectConverged(second.engine);
    await second.engine.stop();
  });

  it('snapshots every N events once live, without stopping the projections', async () => {
    const first = await start({ everyEvents: 4, everyMs: 10 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const writtenBefore = lines.filter((line) => line.startsWith('read-model snapshot written')).length;
    expect(writtenBefore).toBeGreaterThanOrEqual(1);
    await chatter('live', 4);
    expect(await first.engine.waitForHead(10_000)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(lines.filter((line) => line.startsWith('read-model snapshot written')).length).toBeGreaterThan(writtenBefore);
    const { store: loaded } = await MemoryReadStore.loadSnapshot(path);
    const checkpoint = (await loaded.collection(CHECKPOINTS).findOne({ _id: 'sessions@v1' })) as { position: { commit: number } } | null;
    expect(checkpoint?.position.commit).toBe((await store.headPosition()).commit);
    await first.engine.stop();
  });
});
