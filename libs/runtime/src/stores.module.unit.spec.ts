import 'reflect-metadata';
import { INestApplicationContext, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '@ledger/event-store';
import { createProjections, PROJECTOR_LEASE, StoredProjections } from '@ledger/projections';
import { MemoryReadStore } from '@ledger/read-store';
import { ScenarioWriter, writeMixedScenario } from '../../projections/src/testing/scenario';
import { ConfigModule } from './config/config.module';
import { loadConfig } from './config/ledger-config';
import { StoresModule } from './stores.module';

const ROOT = join(__dirname, '..', '..', '..');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

describe('the projector process, by its module wiring', () => {
  let dir: string;
  let eventStore: SqliteEventStore;
  let readStore: MemoryReadStore;
  const contexts: INestApplicationContext[] = [];

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-projector-wiring-'));
    eventStore = new SqliteEventStore(join(dir, 'events.sqlite'));
    readStore = new MemoryReadStore();
    await writeMixedScenario(new ScenarioWriter(eventStore));
  });

  afterEach(async () => {
    for (const context of contexts.splice(0)) await context.close();
    await eventStore.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** What apps/projector/src/main.ts starts, with real stores standing in for EventStoreDB and MongoDB. */
  async function startProjector(): Promise<INestApplicationContext> {
    const config = loadConfig({ DATA_DIR: dir, MONGODB_URL: 'mongodb://shared:27017/ledger' });
    // The stores are shared by both processes here, so neither closes them: the test does.
    const stores = { eventStore: Object.assign(Object.create(eventStore), { close: async () => undefined }), readStore: Object.assign(Object.create(readStore), { close: async () => undefined }) };
    @Module({ imports: [ConfigModule.forRoot(config), StoresModule.forRoot({ role: 'projector', connect: async () => stores })] })
    class ProjectorModule {}
    const context = await NestFactory.createApplicationContext(ProjectorModule, { logger: false });
    contexts.push(context);
    return context;
  }

  it('projects under the lease, and a second projector against the same stores waits', async () => {
    await startProjector();
    await startProjector();
    const view = new StoredProjections(eventStore, readStore, createProjections());
    await view.start();
    expect(await view.waitForHead(10_000)).toBe(true);
    expect(await view.collection('sessions').count({})).toBe(8);
    const leases = await readStore.collection(PROJECTOR_LEASE).find({});
    expect(leases).toHaveLength(1);
    expect(leases[0]).toMatchObject({ term: 1 });
    await view.stop();
  });

  it('imports nothing from apps/api', () => {
    const offending = sources(join(ROOT, 'apps', 'projector')).filter((file) => /from '[^']*apps\/api|from '\.\.\/\.\.\/api\//.test(readFileSync(file, 'utf8')));
    expect(offending).toEqual([]);
    expect(readFileSync(join(ROOT, 'apps', 'projector', 'src', 'main.ts'), 'utf8')).toContain("from '@ledger/runtime'");
  });
});
