import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '@ledger/event-store';
import { MemoryReadStore } from '@ledger/read-store';
import { ManagedAgentsProjection } from './managed-agents.projection';
import { PinsProjection } from './pins.projection';
import { ProjectionEngine } from './projection-engine';
import { StoredProjections } from './stored-projections';
import { createProjections } from './create-projections';
import { Projector } from './projector';
import { ProjectorLease } from './projector-lease';
import { RunsProjection } from './runs.projection';
import { SessionsProjection } from './sessions.projection';
import { UsageProjection } from './usage.projection';
import { ScenarioWriter, writeMixedScenario } from './testing/scenario';

const windows = { chatActiveSeconds: 1800, recentSeconds: 86400 };

describe('the head the projections wait for', () => {
  let dir: string;
  let store: SqliteEventStore;
  let engine: ProjectionEngine;
  let readStore: MemoryReadStore;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-head-'));
    store = new SqliteEventStore(join(dir, 'events.sqlite'));
    await writeMixedScenario(new ScenarioWriter(store));
    // Another writer's stream, written last: no projection follows it.
    await store.append('billing-export-1', [{ id: randomUUID(), type: 'Exported', data: {}, metadata: {} as never }], 'no_stream');
    const projections = [new SessionsProjection(windows), new RunsProjection(), new UsageProjection(), new ManagedAgentsProjection(), new PinsProjection()];
    readStore = new MemoryReadStore();
    engine = new ProjectionEngine(store, readStore, projections, null, { retryDelayMs: 50 });
    await engine.start();
  });

  afterEach(async () => {
    await engine.stop();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is reached when another stream wrote last: waitForHead, status and a rebuild all finish', async () => {
    expect(await engine.waitForHead(3000)).toBe(true);
    const [status] = await engine.statuses();
    expect(status).toMatchObject({ lagEvents: 0 });
    await engine.rebuild('sessions');
    const done = await engine.rebuildDone('sessions');
    expect(done).toMatchObject({ version: 2, state: 'LIVE' });
    expect((await engine.verify('sessions')).matches).toBe(true);
  }, 20_000);

  it('is reached by an api that follows the projector’s stored checkpoints, when another stream wrote last', async () => {
    const shared = new MemoryReadStore();
    const projector = new Projector(
      shared,
      new ProjectorLease(shared, { owner: 'only', ttlMs: 1000 }),
      (term, fence) => new ProjectionEngine(store, shared, createProjections(), null, { term, fence }),
      { tickMs: 50 },
    );
    await projector.start();
    const followed = new StoredProjections(store, shared, createProjections(), { refreshMs: 50 });
    await followed.start();
    try {
      expect(await followed.waitForHead(5000)).toBe(true);
      expect((await followed.statuses()).every((status) => status.lagEvents === 0)).toBe(true);
    } finally {
      await followed.stop();
      await projector.stop();
    }
  });
});
