import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sessionStreamId } from '@ledger/domain';
import { EventStore, SqliteEventStore } from '@ledger/event-store';
import { MemoryReadStore } from '@ledger/read-store';
import { createProjections } from './create-projections';
import { PROJECTION_WORK, ProjectionEngine } from './projection-engine';
import { Projector } from './projector';
import { ProjectorLease } from './projector-lease';
import { ProjectorRefusal } from './projector-requests';
import { StoredProjections } from './stored-projections';
import { ORG_A_INGEST, ScenarioWriter, writeMixedScenario } from './testing/scenario';

/**
 * Production's split, with real stores: projectors and api processes share one event store and
 * one read store (an SQLite file and the in-memory store stand for EventStoreDB and MongoDB).
 */
describe('apps/projector: one owner of the projections, by a lease in the read store', () => {
  let dir: string;
  let store: EventStore;
  let readStore: MemoryReadStore;
  let writer: ScenarioWriter;
  let sessions: string[];
  const running: Projector[] = [];

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-projector-'));
    store = new SqliteEventStore(join(dir, 'events.sqlite'));
    readStore = new MemoryReadStore();
    writer = new ScenarioWriter(store);
    sessions = await writeMixedScenario(writer);
  });

  afterEach(async () => {
    for (const projector of running.splice(0)) await projector.stop();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function projector(owner: string, ttlMs = 1000): Projector {
    const lease = new ProjectorLease(readStore, { owner, ttlMs });
    const made = new Projector(readStore, lease, (term, fence) => new ProjectionEngine(store, readStore, createProjections(), null, { term, fence }), { tickMs: 50 });
    running.push(made);
    return made;
  }

  async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await condition())) {
      if (Date.now() > deadline) throw new Error('condition not met in time');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  async function chatter(label: string): Promise<void> {
    await writer.run({
      type: 'AppendRunEvents',
      sessionId: sessions[0]!,
      actor: ORG_A_INGEST,
      at: '2026-11-02T00:00:00.000Z',
      runId: null,
      events: [{ id: writer.id(label), type: 'MESSAGE', at: '2026-11-02T00:00:00.000Z', data: { role: 'user', text: label } }],
    });
  }

  it('two projectors: one works, the other waits, and takes over when the first stops', async () => {
    const first = projector('first');
    const second = projector('second');
    await first.start();
    await second.start();
    expect(first.working).toBe(true);
    expect(second.working).toBe(false);

    const api = new StoredProjections(store, readStore, createProjections(), { refreshMs: 50 });
    await api.start();
    expect(await api.waitForHead(10_000)).toBe(true);
    expect(await api.collection('sessions').count({})).toBe(8);

    await first.stop();
    await until(() => second.working);
    await chatter('after the handover');
    expect(await api.waitForHead(10_000)).toBe(true);
    const stored = await store.readStream(sessionStreamId(sessions[0]!));
    const [session] = await api.collection<{ _id: string; sequence: number }>('sessions').find({ _id: sessions[0]! });
    expect(session?.sequence).toBe(stored[stored.length - 1]!.revision);
    await api.stop();
  });

  it('a lapsed lease passes to the next term; the lapsed holder may no longer write', async () => {
    let now = Date.parse('2026-12-01T00:00:00.000Z');
    const clock = () => now;
    const a = new ProjectorLease(readStore, { owner: 'a', ttlMs: 10_000, clock });
    const b = new ProjectorLease(readStore, { owner: 'b', ttlMs: 10_000, clock });
    expect(await a.acquireOrRenew()).toBe(true);
    expect(a.term).toBe(1);
    expect(await b.acquireOrRenew()).toBe(false);
    now += 4_000;
    expect(await a.acquireOrRenew()).toBe(true);
    expect(a.valid()).toBe(true);
    now += 6_000; // a stalls: half a lease without renewing, it stops writing on its own
    expect(a.valid()).toBe(false);
    expect(await b.acquireOrRenew()).toBe(false); // the lease itself has not lapsed yet
    now += 4_001;
    expect(await b.acquireOrRenew()).toBe(true);
    expect(b.term).toBe(2);
    expect(await a.acquireOrRenew()).toBe(false);
    expect(a.term).toBeNull();
  });

  it('two lease holders racing to create the lease: exactly one wins', async () => {
    const leases = Array.from({ length: 5 }, (_, i) => new ProjectorLease(readStore, { owner: `p${i}` }));
    const won = await Promise.all(leases.map((lease) => lease.acquireOrRenew()));
    expect(won.filter(Boolean)).toHaveLength(1);
  });

  it('answers the api rebuild and verify asked through the read store, with the contract codes of its refusals', async () => {
    await projector('only').start();
    const api = new StoredProjections(store, readStore, createProjections(), { refreshMs: 50 });
    await api.start();
    expect(await api.waitForHead(10_000)).toBe(true);
    expect(await api.verify('usage')).toMatchObject({ name: 'usage', matches: true });
    expect(await api.rebuild('runs')).toMatchObject({ name: 'runs', version: 1 });
    await until(async () => (await api.statuses()).find((s) => s.name === 'runs')?.version === 2);
    expect(await api.collection('runs').count({})).toBe(8);
    await expect(api.rebuild('nothing')).rejects.toMatchObject({ code: 'BAD_USER_INPUT', details: { fields: [{ field: 'name', message: expect.stringContaining('no projection named') }] } });
    await api.stop();
  });

  it('an api with no projector answers rebuild UNAVAILABLE, in time', async () => {
    const api = new StoredProjections(store, readStore, createProjections(), { requestTimeoutMs: { rebuild: 200, verify: 200 } });
    await expect(api.rebuild('runs')).rejects.toBeInstanceOf(ProjectorRefusal);
    await expect(api.rebuild('runs')).rejects.toMatchObject({ code: 'UNAVAILABLE' });
  });
});

describe('no process drops collections it did not create; none recreates a version it missed the swap of', () => {
  let dir: string;
  let store: EventStore;
  let readStore: MemoryReadStore;
  let writer: ScenarioWriter;
  let sessions: string[];

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-ownership-'));
    store = new SqliteEventStore(join(dir, 'events.sqlite'));
    readStore = new MemoryReadStore();
    writer = new ScenarioWriter(store);
    sessions = await writeMixedScenario(writer);
  });

  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("a starting projector leaves another term's work and unrecorded collections alone, and drops a lapsed term's leftovers", async () => {
    const lapsed = new ProjectionEngine(store, readStore, createProjections(), null, { term: 1 });
    await lapsed.start();
    await lapsed.rebuild('usage');
    await lapsed.stop(); // cut short: usage_buckets_v2 stays, recorded as term 1's work
    await readStore.collection('runs_v7').createIndexes([{ keys: { a: 1 } }]); // no record of who made it
    await readStore.collection('sessions_v9').createIndexes([{ keys: { a: 1 } }]);
    await readStore.collection(PROJECTION_WORK).updateOne({ _id: 'sessions_v9' }, { $set: { projection: 'sessions', term: 5 } }, { upsert: true });

    const current = new ProjectionEngine(store, readStore, createProjections(), null, { term: 2 });
    await current.start();
    const names = await readStore.listCollections();
    expect(names).not.toContain('usage_buckets_v2');
    expect(names).toEqual(expect.arrayContaining(['runs_v7', 'sessions_v9']));
    await current.stop();
  });

  it('a projector that lost its lease and missed the swap applies nothing, so the old version is not recreated', async () => {
    let holds = true;
    const cutOff = new ProjectionEngine(store, readStore, createProjections(), null, { term: 1, fence: () => holds });
    await cutOff.start();
    expect(await cutOff.waitForHead(10_000)).toBe(true);
    holds = false; // its lease lapsed; it has not noticed yet and keeps running
    const successor = new ProjectionEngine(store, readStore, createProjections(), null, { term: 2 });
    await successor.start();
    await successor.rebuild('sessions');
    await successor.rebuildDone('sessions');
    expect(await readStore.listCollections()).not.toContain('sessions_v1');

    await writer.run({
      type: 'AppendRunEvents',
      sessionId: sessions[0]!,
      actor: ORG_A_INGEST,
      at: '2026-11-02T00:00:00.000Z',
      runId: null,
      events: [{ id: writer.id('late'), type: 'MESSAGE', at: '2026-11-02T00:00:00.000Z', data: { role: 'user', text: 'late' } }],
    });
    expect(await successor.waitForHead(10_000)).toBe(true);
    expect(await cutOff.waitForHead(300)).toBe(false);
    expect(await readStore.listCollections()).not.toContain('sessions_v1');
    expect(cutOff.failedProjections()).toContain('sessions');
    await cutOff.stop();
    await successor.stop();
  });
});
