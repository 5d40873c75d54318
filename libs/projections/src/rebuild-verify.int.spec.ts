import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeSessionEvent, DEFAULT_WINDOWS, evolve, initialState, SessionState, sessionStreamId } from '@ledger/domain';
import { EventStore, SqliteEventStore } from '@ledger/event-store';
import { Document, MemoryReadStore } from '@ledger/read-store';
import { Projection, ProjectionContext } from './projection';
import { createProjections } from './create-projections';
import { ProjectionBusyError, ProjectionEngine, versionedName } from './projection-engine';
import { SessionsProjection, toSessionDocument } from './sessions.projection';
import { ORG_A_INGEST, ScenarioWriter, writeMixedScenario } from './testing/scenario';

const projections = (): Projection[] => createProjections();

async function dumpLive(engine: ProjectionEngine, projection: Projection): Promise<Record<string, unknown[]>> {
  const result: Record<string, unknown[]> = {};
  for (const spec of projection.collections) result[spec.name] = await engine.collection(spec.name).find({}, { sort: { _id: 1 } });
  return result;
}

describe('replay and audit', () => {
  let dir: string;
  let store: EventStore;
  let writer: ScenarioWriter;
  let sessions: string[];

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-rebuild-'));
    store = new SqliteEventStore(join(dir, 'events.sqlite'));
    writer = new ScenarioWriter(store);
    sessions = await writeMixedScenario(writer);
  });

  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function appendChatter(sessionId: string, count: number, label: string): Promise<void> {
    for (let i = 0; i < count; i += 1) {
      await writer.run({
        type: 'AppendRunEvents',
        sessionId,
        actor: ORG_A_INGEST,
        at: new Date(Date.parse('2026-11-02T00:00:00.000Z') + i * 1000).toISOString(),
        runId: null,
        events: [
          { id: writer.id(label), type: 'MESSAGE', at: new Date(Date.parse('2026-11-02T00:00:00.000Z') + i * 1000).toISOString(), data: { role: 'user', text: `${label} ${i}` } },
          { id: writer.id(label), type: 'MODEL_USAGE', at: new Date(Date.parse('2026-11-02T00:00:00.000Z') + i * 1000).toISOString(), data: { model: 'm', inputTokens: i, outputTokens: 1 } },
        ],
      });
    }
  }

  it('a rebuild under concurrent writes and queries ends equal to a fresh full rebuild, and no query fails or comes back empty', async () => {
    await appendChatter(sessions[0]!, 300, 'before');
    const readStore = new MemoryReadStore();
    const engine = new ProjectionEngine(store, readStore, projections(), null);
    await engine.start();
    expect(await engine.waitForHead(10_000)).toBe(true);

    let writing = true;
    const writes = (async () => {
      let n = 0;
      while (writing) {
        await appendChatter(sessions[[0, 1, 3, 4, 6][n % 5]!]!, 1, `during-${n}`);
        n += 1;
        // Writers arrive through the network in production: let the event loop turn between them.
        await new Promise((r) => setImmediate(r));
      }
      return n;
    })();
    const queryResults: number[] = [];
    const queries = (async () => {
      while (writing) {
        const page = await engine.collection('sessions').find({ organizationId: 'org-a' }, { sort: { lastActivityAt: -1 }, limit: 50 });
        queryResults.push(page.length);
        await new Promise((r) => setImmediate(r));
      }
    })();

    const started = await engine.rebuild('sessions');
    expect(started).toMatchObject({ name: 'sessions', state: 'REBUILDING', version: 1 });
    await expect(engine.rebuild('sessions')).rejects.toBeInstanceOf(ProjectionBusyError);
    const done = await engine.rebuildDone('sessions');
    expect(done).toMatchObject({ name: 'sessions', version: 2, state: 'LIVE' });
    writing = false;
    const written = await writes;
    await queries;
    expect(written).toBeGreaterThan(0);
    expect(queryResults.length).toBeGreaterThan(0);
    expect(queryResults.every((n) => n === 7)).toBe(true);
    expect(await readStore.listCollections()).not.toContain(versionedName('sessions', 1));

    expect(await engine.waitForHead(10_000)).toBe(true);
    const fresh = new ProjectionEngine(store, new MemoryReadStore(), projections(), null);
    await fresh.start();
    expect(await fresh.waitForHead(10_000)).toBe(true);
    for (const projection of projections()) expect(await dumpLive(engine, projection)).toEqual(await dumpLive(fresh, projection));
    await engine.stop();
    await fresh.stop();
  });

  it('a restart after a swap serves the rebuilt version; a rebuild interrupted by a crash starts again cleanly', async () => {
    const readStore = new MemoryReadStore();
    const engine = new ProjectionEngine(store, readStore, projections(), null);
    await engine.start();
    await engine.rebuild('runs');
    await engine.rebuildDone('runs');
    await engine.rebuild('usage');
    await engine.stop(); // the crash: usage v2 half built, never swapped
    const again = new ProjectionEngine(store, readStore, projections(), null);
    await again.start();
    expect(await again.waitForHead(10_000)).toBe(true);
    const statuses = await again.statuses();
    expect(statuses.find((s) => s.name === 'runs')).toMatchObject({ version: 2, state: 'LIVE' });
    expect(statuses.find((s) => s.name === 'usage')).toMatchObject({ version: 1, state: 'LIVE' });
    expect((await readStore.listCollections()).filter((name) => name.startsWith('usage_buckets_'))).toEqual(['usage_buckets_v1']);
    await again.rebuild('usage');
    expect(await again.rebuildDone('usage')).toMatchObject({ version: 2, state: 'LIVE' });
    await again.stop();
  });

  it('verify matches an untouched read model and finds a document changed by hand', async () => {
    const engine = new ProjectionEngine(store, new MemoryReadStore(), projections(), null);
    await engine.start();
    expect(await engine.waitForHead(10_000)).toBe(true);
    for (const name of engine.projectionNames()) {
      const result = await engine.verify(name);
      expect(result).toMatchObject({ name, matches: true, differences: [] });
      expect(result.liveDigest).toBe(result.rebuiltDigest);
      expect(result.documents).toBeGreaterThan(0);
    }
    await engine.collection('sessions').updateOne({ _id: sessions[3]! }, { $set: { title: 'edited by hand' } });
    await engine.collection('usage_buckets').deleteMany({ sessionId: sessions[4]! });
    const sessionsResult = await engine.verify('sessions');
    expect(sessionsResult.matches).toBe(false);
    expect(sessionsResult.differences).toEqual([`sessions/${sessions[3]}`]);
    expect(sessionsResult.liveDigest).not.toBe(sessionsResult.rebuiltDigest);
    const usageResult = await engine.verify('usage');
    expect(usageResult.matches).toBe(false);
    expect(usageResult.differences).toHaveLength(1);
    await engine.stop();
  });

  it('sessionAsOf at every sequence equals the projection at that point (one evolve)', async () => {
    const sessionId = sessions[1]!;
    const events = await store.readStream(sessionStreamId(sessionId));
    expect(events.length).toBeGreaterThan(5);
    const readStore = new MemoryReadStore();
    const projection = new SessionsProjection(DEFAULT_WINDOWS);
    const context: ProjectionContext = {
      collection: <T extends Document>(name: string) => readStore.collection<T>(versionedName(name, 1)),
      changed: () => undefined,
    };
    let folded: SessionState = initialState();
    for (const event of events) {
      await projection.apply(event, context);
      folded = evolve(folded, decodeSessionEvent(event), event.revision);
      const projected = await readStore.collection(versionedName('sessions', 1)).findOne({ _id: sessionId });
      expect(projected).toEqual(toSessionDocument(folded.view!, DEFAULT_WINDOWS));
    }
  });

  it('an upcast v1 MODEL_USAGE reads identically to its v2 form through decoding, the fold and the projections', async () => {
    const [v1Id, v2Id] = [`session_${'a'.repeat(32)}`, `session_${'b'.repeat(32)}`];
    for (const id of [v1Id, v2Id]) {
      await writer.run({ type: 'StartSession', sessionId: id, actor: ORG_A_INGEST, at: '2026-11-01T00:00:00.000Z', eventId: writer.id('s'), kind: 'CHAT' });
    }
    const metadata = (version: number) => ({
      organizationId: 'org-a',
      actor: ORG_A_INGEST.principal,
      correlationId: 'c',
      causationId: 'c',
      schemaVersion: version,
      redactions: [],
      occurredAt: '2026-11-01T00:01:00.000Z',
    });
    const usage = { model: 'm1', inputTokens: 10, outputTokens: 5, costUsd: 0.5 };
    await store.append(sessionStreamId(v1Id), [{ id: writer.id('u'), type: 'MODEL_USAGE', data: { runId: null, data: usage }, metadata: metadata(1) }], 0);
    await store.append(
      sessionStreamId(v2Id),
      [{ id: writer.id('u'), type: 'MODEL_USAGE', data: { runId: null, data: { ...usage, cacheReadTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 } }, metadata: metadata(2) }],
      0,
    );
    const [v1] = (await store.readStream(sessionStreamId(v1Id))).slice(-1);
    const [v2] = (await store.readStream(sessionStreamId(v2Id))).slice(-1);
    const { id: _a, ...decoded1 } = decodeSessionEvent(v1!);
    const { id: _b, ...decoded2 } = decodeSessionEvent(v2!);
    expect(decoded1).toEqual(decoded2);
    expect((decoded1.data as { data: Record<string, unknown> }).data).toMatchObject({ cacheReadTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 });

    const engine = new ProjectionEngine(store, new MemoryReadStore(), projections(), null);
    await engine.start();
    expect(await engine.waitForHead(10_000)).toBe(true);
    const [doc1, doc2] = await Promise.all([v1Id, v2Id].map((id) => engine.collection('sessions').findOne({ _id: id })));
    expect({ ...doc1, _id: 'x', id: 'x' }).toEqual({ ...doc2, _id: 'x', id: 'x' });
    expect(doc1).toMatchObject({ usage: { requests: 1, inputTokens: 10, costUsd: 0.5 } });
    const buckets = await engine.collection('usage_buckets').find({ sessionId: { $in: [v1Id, v2Id] } });
    expect(buckets.map((b) => b.usage)).toEqual([buckets[0]!.usage, buckets[0]!.usage]);
    await engine.stop();
  });
});
