import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '@ledger/event-store';
import { MemoryReadStore } from '@ledger/read-store';
import { ManagedAgentsProjection } from './managed-agents.projection';
import { PinsProjection } from './pins.projection';
import { ProjectionEngine } from './projection-engine';
import { RunsProjection } from './runs.projection';
import { SessionsProjection } from './sessions.projection';
import { UsageProjection } from './usage.projection';
import { ScenarioWriter, writeMixedScenario } from './testing/scenario';

const windows = { chatActiveSeconds: 1800, recentSeconds: 86400 };

describe('the head the projections wait for', () => {
  let dir: string;
  let store: SqliteEventStore;
  let engine: ProjectionEngine;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-head-'));
    store = new SqliteEventStore(join(dir, 'events.sqlite'));
    await writeMixedScenario(new ScenarioWriter(store));
    // Another writer's stream, written last: no projection follows it.
    await store.append('billing-export-1', [{ id: randomUUID(), type: 'Exported', data: {}, metadata: {} as never }], 'no_stream');
    const projections = [new SessionsProjection(windows), new RunsProjection(), new UsageProjection(), new ManagedAgentsProjection(), new PinsProjection()];
    engine = new ProjectionEngine(store, new MemoryReadStore(), projections, null, { retryDelayMs: 50 });
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
});
