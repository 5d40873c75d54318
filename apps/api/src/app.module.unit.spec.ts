import 'reflect-metadata';
import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '@ledger/event-store';
import { ScenarioWriter, writeMixedScenario } from '../../../libs/projections/src/testing/scenario';
import { ProjectionEngine, Projections, PROJECTIONS, StoredProjections } from '@ledger/projections';
import { MemoryReadStore } from '@ledger/read-store';
import { loadConfig } from '@ledger/runtime';
import { AppModule } from './app.module';

/**
 * The api's module wiring decides who runs the projections: the api itself on the embedded
 * default, apps/projector alone when MONGODB_URL is set. Real stores stand in for the configured
 * ones (an SQLite file, the in-memory read store), so what the api starts shows in what it writes.
 */
describe('who runs the projections, by the api module wiring', () => {
  let dir: string;
  let eventStore: SqliteEventStore;
  let readStore: MemoryReadStore;
  let app: INestApplication | null;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-wiring-'));
    eventStore = new SqliteEventStore(join(dir, 'events.sqlite'));
    readStore = new MemoryReadStore();
    await writeMixedScenario(new ScenarioWriter(eventStore));
    app = null;
  });

  afterEach(async () => {
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function startApi(environment: Record<string, string>): Promise<Projections> {
    const config = loadConfig({ DATA_DIR: dir, LOG_LEVEL: 'silent', ...environment });
    app = await NestFactory.create(AppModule.forRoot(config, async () => ({ eventStore, readStore })), { logger: false });
    await app.init();
    return app.get<Projections>(PROJECTIONS);
  }

  it('with MONGODB_URL set, the api starts no projection and writes no read model', async () => {
    const projections = await startApi({ MONGODB_URL: 'mongodb://projector-owned:27017/ledger' });
    expect(projections).toBeInstanceOf(StoredProjections);
    expect(projections).not.toBeInstanceOf(ProjectionEngine);
    // Given time to project, nothing is written: no read model, no checkpoint.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await readStore.listCollections()).toEqual([]);
    expect(await projections.waitForHead(50)).toBe(false);
  });

  it('on the embedded default, the api runs the projections itself', async () => {
    const projections = await startApi({});
    expect(projections).toBeInstanceOf(ProjectionEngine);
    expect(await projections.waitForHead(10_000)).toBe(true);
    expect(await readStore.listCollections()).toEqual(expect.arrayContaining(['sessions_v1', 'runs_v1', 'usage_buckets_v1', 'managed_agents_v1', 'pins_v1']));
    expect(await projections.collection('sessions').count({})).toBe(8);
  });
});
