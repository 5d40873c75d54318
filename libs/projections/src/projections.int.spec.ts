import { DEFAULT_WINDOWS } from '@ledger/domain';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventStore, RecordedEvent, SqliteEventStore } from '@ledger/event-store';
import { MemoryReadStore, ReadStore } from '@ledger/read-store';
import { InProcessChangeFeed } from './change-feed';
import { positionKey, Projection, ProjectionContext, ReadModelChange } from './projection';
import { createProjections } from './create-projections';
import { ProjectionEngine, versionedName } from './projection-engine';
import { CHECKPOINTS } from './projection-runner';
import { SessionsProjection } from './sessions.projection';
import { ScenarioWriter, writeMixedScenario } from './testing/scenario';

const allProjections = (): Projection[] => createProjections();

async function dump(readStore: ReadStore, projection: Projection): Promise<Record<string, unknown[]>> {
  const result: Record<string, unknown[]> = {};
  for (const spec of projection.collections) {
    result[spec.name] = await readStore.collection(versionedName(spec.name, projection.version)).find({}, { sort: { _id: 1 } });
  }
  return result;
}

function contextFor(readStore: ReadStore, projection: Projection, changes: ReadModelChange[] = []): ProjectionContext {
  return {
    collection: (name) => readStore.collection(versionedName(name, projection.version)),
    changed: (collection, organizationId, id) => changes.push({ projection: projection.name, collection, organizationId, id, position: { commit: 0, prepare: 0 } }),
  };
}

async function applyAll(readStore: ReadStore, projection: Projection, events: RecordedEvent[]): Promise<void> {
  const context = contextFor(readStore, projection);
  for (const event of events) if (projection.handles(event)) await projection.apply(event, context);
}

describe('projections', () => {
  let dir: string;
  let store: EventStore;
  let events: RecordedEvent[];
  let sessions: string[];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-projections-'));
    store = new SqliteEventStore(join(dir, 'events.sqlite'));
    sessions = await writeMixedScenario(new ScenarioWriter(store));
    events = await store.readAll();
  });

  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  describe('given the mixed scenario, the documents are what the events say', () => {
    let readStore: MemoryReadStore;
    beforeAll(async () => {
      readStore = new MemoryReadStore();
      for (const projection of allProjections()) await applyAll(readStore, projection, events);
    });

    it('sessions: folded state, activeUntil and search text', async () => {
      const flow = await readStore.collection(versionedName('sessions', 1)).findOne({ _id: sessions[1]! });
      expect(flow).toMatchObject({
        kind: 'FLOW_RUN',
        status: 'RUNNING',
        activeUntil: '9999-12-31T23:59:59.999Z',
        stepIndex: 1,
        totalSteps: 3,
        runCount: 1,
        messageCount: 2,
        preview: 'question 1',
        outputPreview: 'answer 1',
        searchText: 'session 1\nquestion 1',
      });
      const failed = await readStore.collection(versionedName('sessions', 1)).findOne({ _id: sessions[2]! });
      expect(failed).toMatchObject({ status: 'FAILED', activeUntil: null, endReason: 'gave up', lastError: { code: 'E', message: 'boom' } });
      const rejected = await readStore.collection(versionedName('sessions', 1)).findOne({ _id: sessions[5]! });
      expect(rejected).toMatchObject({ status: 'REJECTED', parentSessionId: sessions[1], subagent: { name: 'helper' } });
      expect(await readStore.collection(versionedName('sessions', 1)).count({})).toBe(8);
    });

    it('runs and tool calls: paired on toolCallId', async () => {
      const run = await readStore.collection(versionedName('runs', 1)).findOne({ _id: `${sessions[3]}/run-3` });
      expect(run).toMatchObject({ status: 'RUNNING', model: 'gpt-x', eventCount: 7, usage: { requests: 1, inputTokens: 400, costUsd: 0, unpricedRequests: 1 } });
      const call = await readStore.collection(versionedName('tool_calls', 1)).findOne({ _id: `${sessions[3]}/run-3/tc-3` });
      expect(call).toMatchObject({ name: 'search', status: 'failed', arguments: { q: 3 }, outputPreview: '{"hits":3}', durationMs: 60_000 });
      const rejectedRun = await readStore.collection(versionedName('runs', 1)).findOne({ _id: `${sessions[5]}/run-5` });
      expect(rejectedRun).toMatchObject({ status: 'FAILED', error: { code: 'CHECKPOINT_REJECTED' } });
    });

    it('usage buckets add up to the MODEL_USAGE events sent', async () => {
      const buckets = await readStore.collection(versionedName('usage_buckets', 1)).find({ organizationId: 'org-a' });
      const total = buckets.reduce((sum, bucket) => sum + (bucket.usage as { inputTokens: number }).inputTokens, 0);
      expect(total).toBe([0, 1, 2, 3, 4, 5, 6].reduce((sum, n) => sum + 100 * (n + 1), 0));
      expect(buckets).toHaveLength(7);
      expect(buckets.find((b) => b.sessionId === sessions[1])).toMatchObject({ flowId: 'flow-deploy', model: 'gpt-x', principalKey: 'MANAGED_AGENT:agent-1' });
    });

    it('managed agents count their sessions and usage; pins follow the last pin event', async () => {
      const agent = await readStore.collection(versionedName('managed_agents', 1)).findOne({ _id: 'org-a/agent-1' });
      expect(agent).toMatchObject({ sessionCount: 7, usage: { requests: 7 } });
      const pins = await readStore.collection(versionedName('pins', 1)).find({}, { sort: { _id: 1 } });
      expect(pins.map((p) => [p.sessionId, p.pinned])).toEqual(
        [
          [sessions[1], true],
          [sessions[2], false],
        ].sort((a, b) => (`org-a/USER:olga/${a[0]}` < `org-a/USER:olga/${b[0]}` ? -1 : 1)),
      );
    });
  });

  describe.each(allProjections().map((p) => [p.name, p] as const))('%s', (_name, projection) => {
    it('replayed twice gives the same documents', async () => {
      const readStore = new MemoryReadStore();
      await applyAll(readStore, projection, events);
      const once = await dump(readStore, projection);
      await applyAll(readStore, projection, events);
      expect(await dump(readStore, projection)).toEqual(once);
      expect(Object.values(once).some((docs) => docs.length > 0)).toBe(true);
    });

    it('each event applied twice in a row changes nothing the second time', async () => {
      const twice = new MemoryReadStore();
      const context = contextFor(twice, projection);
      for (const event of events) {
        if (!projection.handles(event)) continue;
        await projection.apply(event, context);
        await projection.apply(event, context);
      }
      const once = new MemoryReadStore();
      await applyAll(once, projection, events);
      expect(await dump(twice, projection)).toEqual(await dump(once, projection));
    });
  });

  it('a crash between a write and its checkpoint converges, after restart, to a full rebuild', async () => {
    const rebuilt = new MemoryReadStore();
    const fresh = new ProjectionEngine(store, rebuilt, allProjections(), null);
    await fresh.start();
    expect(await fresh.waitForHead(10_000)).toBe(true);
    await fresh.stop();

    const crashed = new MemoryReadStore();
    const first = new ProjectionEngine(store, crashed, allProjections(), null);
    await first.start();
    expect(await first.waitForHead(10_000)).toBe(true);
    await first.stop();
    // The crash: writes for the second half of the events landed, their checkpoints did not.
    const middle = events[Math.floor(events.length / 2)]!;
    for (const projection of allProjections()) {
      await crashed.collection(CHECKPOINTS).updateOne(
        { _id: `${projection.name}@v${projection.version}` },
        { $set: { position: middle.position, key: positionKey(middle.position), processedEvents: 0 } },
      );
    }
    const restarted = new ProjectionEngine(store, crashed, allProjections(), null);
    await restarted.start();
    expect(await restarted.waitForHead(10_000)).toBe(true);
    await restarted.stop();
    for (const projection of allProjections()) expect(await dump(crashed, projection)).toEqual(await dump(rebuilt, projection));
  });

  it('publishes a change only after the write, for the organization that owns it', async () => {
    const readStore = new MemoryReadStore();
    const feed = new InProcessChangeFeed();
    const seen: ReadModelChange[] = [];
    feed.subscribe((change) => seen.push(change));
    const engine = new ProjectionEngine(store, readStore, [new SessionsProjection(DEFAULT_WINDOWS)], feed);
    await engine.start();
    expect(await engine.waitForHead(10_000)).toBe(true);
    await engine.stop();
    const last = seen.filter((c) => c.id === sessions[7]).pop();
    expect(last).toMatchObject({ collection: 'sessions', organizationId: 'org-b' });
    const document = await engine.collection('sessions').findOne({ _id: sessions[7]! });
    expect(document?.organizationId).toBe('org-b');
  });
});
