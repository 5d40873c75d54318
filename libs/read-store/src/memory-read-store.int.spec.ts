import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { find as mingoFind } from 'mingo';
import { seededRandom } from '@ledger/domain';
import { DuplicateKeyError, ReadStoreError, ReadStoreUnavailableError } from './errors';
import { MemoryReadStore } from './memory-read-store';
import { describeReadStoreContract } from './read-store.contract';
import type { Document, Filter, SortSpec } from './read-store.port';

describeReadStoreContract('MemoryReadStore', async () => {
  const store = new MemoryReadStore();
  return { store, cleanup: () => store.close() };
});

const BASE = Date.UTC(2024, 4, 1);
const minutes = (m: number) => new Date(BASE + m * 60_000);

describe('MemoryReadStore planner', () => {
  async function sessions(count: number) {
    const store = new MemoryReadStore();
    const c = store.collection('sessions');
    await c.createIndexes([
      { keys: { organizationId: 1, lastActivityAt: -1, _id: -1 }, name: 'org_activity' },
      { keys: { organizationId: 1, activeUntil: 1 }, name: 'org_active_until' },
      { keys: { status: 1 }, name: 'status' },
    ]);
    const ops = Array.from({ length: count }, (_, i) => ({
      updateOne: {
        filter: { _id: `s${String(i).padStart(6, '0')}`, lastRevision: { $lt: 1 } },
        update: {
          $set: {
            organizationId: `o${i % 10}`,
            status: ['RUNNING', 'COMPLETED', 'PAUSED', 'FAILED'][i % 4],
            lastActivityAt: minutes(i).toISOString(),
            activeUntil: i % 5 === 0 ? minutes(i + 30).toISOString() : null,
            lastRevision: 1,
          },
        },
        upsert: true,
      },
    }));
    await c.bulkWrite(ops);
    return { store, c };
  }

  it('looks up _id directly', async () => {
    const { c } = await sessions(1000);
    expect(c.explain({ _id: { $in: ['s000001', 's000002', 'nope'] }, status: 'COMPLETED' })).toMatchObject({
      plan: 'ID_LOOKUP',
      keysExamined: 3,
      docsExamined: 2,
      returned: 1,
    });
  });

  it('walks a compound index in sort order and stops at the limit', async () => {
    const { c } = await sessions(5000);
    const filter = { organizationId: 'o5', activeUntil: { $gt: minutes(0).toISOString() } };
    const stats = c.explain(filter, { sort: { lastActivityAt: -1, _id: -1 }, limit: 20 });
    expect(stats.returned).toBe(20);
    expect(stats.docsExamined).toBeLessThan(200);
    expect(stats.index).not.toBeNull();
    const page = await c.find(filter, { sort: { lastActivityAt: -1, _id: -1 }, limit: 20 });
    expect(page.map((d) => d._id)).toEqual(
      mingoFind((await c.find({})) as Record<string, unknown>[], filter)
        .sort({ lastActivityAt: -1, _id: -1 })
        .limit(20)
        .all()
        .map((d) => d._id),
    );
  });

  it('uses the sort-covering index when it is also the narrowest, and reverses it for the opposite sort', async () => {
    const { c } = await sessions(5000);
    const newest = c.explain({ organizationId: 'o1' }, { sort: { lastActivityAt: -1, _id: -1 }, limit: 10 });
    expect(newest).toMatchObject({ plan: 'INDEX_SCAN', index: 'org_activity', sortCovered: true, docsExamined: 10 });
    const oldest = c.explain({ organizationId: 'o1' }, { sort: { lastActivityAt: 1, _id: 1 }, limit: 10 });
    expect(oldest).toMatchObject({ index: 'org_activity', sortCovered: true, docsExamined: 10 });
    const [first] = await c.find({ organizationId: 'o1' }, { sort: { lastActivityAt: 1 }, limit: 1 });
    expect(first!._id).toBe('s000001');
  });

  it('picks the index with the fewest keys in range', async () => {
    const { c } = await sessions(5000);
    const stats = c.explain({ organizationId: 'o5', activeUntil: { $gte: minutes(4000).toISOString() } });
    expect(stats.index).toBe('org_active_until');
    expect(stats.keysExamined).toBe(stats.considered.find((p) => p.index === 'org_active_until')!.keys);
    expect(stats.docsExamined).toBeLessThan(150);
  });

  it('merges several $in ranges in sort order', async () => {
    const { c } = await sessions(3000);
    const filter = { organizationId: { $in: ['o2', 'o7'] } };
    const stats = c.explain(filter, { sort: { lastActivityAt: -1, _id: -1 }, limit: 5 });
    expect(stats).toMatchObject({ index: 'org_activity', sortCovered: true, docsExamined: 5 });
    const page = await c.find(filter, { sort: { lastActivityAt: -1, _id: -1 }, limit: 5 });
    expect(page.map((d) => d._id)).toEqual(['s002997', 's002992', 's002987', 's002982', 's002977']);
    const oldest = await c.find(filter, { sort: { lastActivityAt: 1, _id: 1 }, limit: 5 });
    expect(oldest.map((d) => d._id)).toEqual(['s000002', 's000007', 's000012', 's000017', 's000022']);
    expect(c.explain(filter, { sort: { lastActivityAt: 1, _id: 1 }, limit: 5 })).toMatchObject({ sortCovered: true, docsExamined: 5 });
  });

  it('gives up a sort-covered walk that finds too little and runs the narrow plan', async () => {
    const { c } = await sessions(5000);
    // Few documents match, and they are the oldest: walking newest-first would visit the whole org.
    const filter = { organizationId: 'o0', activeUntil: { $lt: minutes(200).toISOString() } };
    const stats = c.explain(filter, { sort: { lastActivityAt: -1, _id: -1 }, limit: 50 });
    expect(stats.gaveUpOnSortCoveredPlan).toBe(true);
    expect(stats.index).toBe('org_active_until');
    expect(stats.docsExamined).toBeLessThan(200);
  });

  it('falls back to a full scan only when no index applies', async () => {
    const { c } = await sessions(500);
    expect(c.explain({ lastRevision: 1 })).toMatchObject({ plan: 'COLLECTION_SCAN', index: null, docsExamined: 500 });
  });

  it('stops using an index once an indexed field holds an array', async () => {
    const store = new MemoryReadStore();
    const c = store.collection('tags');
    await c.createIndexes([{ keys: { tag: 1 }, name: 'tag' }]);
    await c.bulkWrite([
      { insertOne: { document: { _id: 'a', tag: 'x' } } },
      { insertOne: { document: { _id: 'b', tag: ['x', 'y'] } } },
    ]);
    expect(c.explain({ tag: 'x' })).toMatchObject({ plan: 'COLLECTION_SCAN' });
    expect((await c.find({ tag: 'x' }, { sort: { _id: 1 } })).map((d) => d._id)).toEqual(['a', 'b']);
    await c.deleteMany({ _id: 'b' });
    expect(c.explain({ tag: 'x' })).toMatchObject({ plan: 'INDEX_SCAN', index: 'tag' });
  });

  it('keeps indexes in step with every write', async () => {
    const { c } = await sessions(2000);
    await c.updateOne({ _id: 's000003' }, { $set: { organizationId: 'moved', lastActivityAt: minutes(99_999).toISOString() } });
    await c.deleteMany({ organizationId: 'o4' });
    expect((await c.find({ organizationId: 'moved' })).map((d) => d._id)).toEqual(['s000003']);
    expect(await c.find({ organizationId: 'o4' })).toEqual([]);
    expect(await c.count({ organizationId: 'o3' })).toBe(199);
    expect(c.explain({ organizationId: 'o3' }).keysExamined).toBe(199);
  });

  it('answers randomized filters and sorts exactly like mingo over the whole collection', async () => {
    const random = seededRandom(20240501);
    const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)]!;
    const int = (n: number) => Math.floor(random() * n);
    const orgs = ['o0', 'o1', 'o2', 'o3', 'o4'];
    const statuses = ['RUNNING', 'PAUSED', 'COMPLETED', 'FAILED', 'QUEUED'];
    const words = ['alpha', 'beta', 'gamma', 'delta', 'Alpha', 'zeta', ''];

    const docs: Document[] = [];
    for (let i = 0; i < 1500; i++) {
      const doc: Document = { _id: `d${String(i).padStart(5, '0')}`, org: pick(orgs), status: pick(statuses), t: minutes(int(500)) };
      const r = random();
      if (r < 0.85) doc.n = int(50);
      else if (r < 0.9) doc.n = [int(50), int(50)];
      else if (r < 0.95) doc.n = pick(words);
      if (random() < 0.8) doc.s = pick(words);
      if (random() < 0.5) doc.p = random() < 0.3 ? null : int(5);
      if (random() < 0.3) doc.tags = [pick(words), pick(words)];
      if (random() < 0.5) doc.meta = { env: pick(['prod', 'dev']), n: int(3) };
      docs.push(doc);
    }

    const store = new MemoryReadStore();
    const c = store.collection('random');
    await c.createIndexes([
      { keys: { org: 1, t: -1 }, name: 'org_t' },
      { keys: { org: 1, status: 1, s: 1 }, name: 'org_status_s' },
      { keys: { status: 1, t: 1 }, name: 'status_t' },
      { keys: { n: 1 }, name: 'n' },
      { keys: { p: -1, org: 1 }, name: 'p_org' },
      { keys: { 'meta.env': 1, t: 1 }, name: 'meta_env_t' },
    ]);
    await c.bulkWrite(docs.map((document) => ({ insertOne: { document } })));

    const scalar = (field: string): unknown => {
      switch (field) {
        case 'org':
          return pick(orgs);
        case 'status':
          return pick(statuses);
        case 't':
          return minutes(int(500));
        case 's':
          return pick(words);
        case 'meta.env':
          return pick(['prod', 'dev']);
        default:
          return random() < 0.1 ? null : int(50);
      }
    };
    const fields = ['org', 'status', 't', 'n', 's', 'p', 'meta.env'];
    const condition = (): Filter => {
      const field = pick(fields);
      switch (int(7)) {
        case 0:
        case 1:
          return { [field]: scalar(field) };
        case 2:
          return { [field]: { $in: [scalar(field), scalar(field), scalar(field)] } };
        case 3: {
          const [a, b] = [scalar(field), scalar(field)];
          return { [field]: { [pick(['$gt', '$gte'])]: a, [pick(['$lt', '$lte'])]: b } };
        }
        case 4:
          return { [field]: { [pick(['$gt', '$gte', '$lt', '$lte', '$ne'])]: scalar(field) } };
        case 5:
          return { $or: [condition(), condition()] };
        default:
          return pick([{ tags: pick(words) }, { [field]: { $exists: random() < 0.5 } }, { s: { $regex: '^a', $options: 'i' } }, { $and: [condition(), condition()] }]);
      }
    };
    const sortable = ['org', 'status', 't', 's'];
    let usedIndex = 0;
    let nonEmpty = 0;

    for (let i = 0; i < 400; i++) {
      const filter: Filter = Object.assign({}, ...Array.from({ length: 1 + int(3) }, condition));
      // Half the sorts follow an index (t, or status then t), in either direction, so
      // sort-covered walks and merges of $in ranges are exercised, forward and backward.
      const sort: SortSpec =
        random() < 0.5 ? pick<SortSpec>([{ t: 1 }, { t: -1 }, { status: 1, t: 1 }, { status: -1, t: -1 }, { s: 1 }, {}]) : {};
      if (random() < 0.5) for (let k = int(3); k >= 0; k--) sort[pick(sortable)] = pick([1, -1] as const);
      sort._id = pick([1, -1] as const);
      const limit = pick([0, 1, 5, 20, 100]);
      const skip = pick([0, 0, 3]);
      const label = JSON.stringify({ filter, sort, limit, skip });

      let cursor = mingoFind(docs as Record<string, unknown>[], filter).sort(sort);
      if (skip) cursor = cursor.skip(skip);
      if (limit) cursor = cursor.limit(limit);
      const expected = cursor.all().map((d) => d._id);
      const actual = (await c.find(filter, { sort, limit, skip })).map((d) => d._id);
      expect({ label, ids: actual }).toEqual({ label, ids: expected });
      if (c.explain(filter, { sort, limit, skip }).plan !== 'COLLECTION_SCAN') usedIndex += 1;
      if (expected.length > 0) nonEmpty += 1;
      expect({ label, count: await c.count(filter) }).toEqual({ label, count: mingoFind(docs as Record<string, unknown>[], filter).all().length });
    }
    // The cases must exercise the planner, not just full scans of empty answers.
    expect(usedIndex).toBeGreaterThan(150);
    expect(nonEmpty).toBeGreaterThan(150);
  });
});

describe('MemoryReadStore writes', () => {
  it('builds upserted documents with _id first and new fields in field-name order, as MongoDB does', async () => {
    const c = new MemoryReadStore().collection('order');
    await c.updateOne({ organizationId: 'o1', _id: 'x' }, { $set: { zeta: 1, alpha: 2 }, $inc: { middle: 1 } }, { upsert: true });
    expect(Object.keys((await c.findOne({ _id: 'x' }))!)).toEqual(['_id', 'organizationId', 'alpha', 'middle', 'zeta']);
  });

  it('rejects a unique index over existing duplicates and keeps documents private', async () => {
    const c = new MemoryReadStore().collection('dups');
    const doc = { _id: 'a', k: 1, nested: { v: [1] } };
    await c.bulkWrite([{ insertOne: { document: doc } }, { insertOne: { document: { _id: 'b', k: 1 } } }]);
    doc.nested.v.push(2);
    expect((await c.findOne({ _id: 'a' }))!.nested).toEqual({ v: [1] });
    await expect(c.createIndexes([{ keys: { k: 1 }, unique: true }])).rejects.toBeInstanceOf(DuplicateKeyError);
    await expect(c.createIndexes([{ keys: { k: 1 }, name: 'k_1' }, { keys: { k: 1 }, name: 'other' }])).rejects.toBeInstanceOf(ReadStoreError);
  });

  it('hands out its own documents to a readOnly find, frozen outside production, and still updates them', async () => {
    const c = new MemoryReadStore().collection('shared');
    await c.bulkWrite([{ insertOne: { document: { _id: 'a', n: 1, nested: { v: [1] } } } }]);
    const shared = (await c.findOne({ _id: 'a' }, { readOnly: true }))!;
    expect(await c.findOne({ _id: 'a' }, { readOnly: true })).toBe(shared);
    expect(await c.findOne({ _id: 'a' })).not.toBe(shared);
    expect(Object.isFrozen(shared) && Object.isFrozen(shared.nested) && Object.isFrozen((shared.nested as { v: number[] }).v)).toBe(true);
    expect(() => (shared.nested as { v: number[] }).v.push(2)).toThrow(TypeError);
    expect(() => Object.assign(shared, { n: 2 })).toThrow(TypeError);
    // Updates are copy-on-write, so a frozen stored document is replaced, not changed.
    await c.updateOne({ _id: 'a' }, { $inc: { n: 1 }, $push: { 'nested.v': 2 } });
    expect(shared).toEqual({ _id: 'a', n: 1, nested: { v: [1] } });
    expect(await c.findOne({ _id: 'a' })).toEqual({ _id: 'a', n: 2, nested: { v: [1, 2] } });
  });

  it('refuses work after close', async () => {
    const store = new MemoryReadStore();
    await store.close();
    await expect(store.collection('x').find({})).rejects.toBeInstanceOf(ReadStoreUnavailableError);
  });
});

describe('MemoryReadStore snapshots', () => {
  async function populated(): Promise<MemoryReadStore> {
    const store = new MemoryReadStore();
    const sessions = store.collection('sessions');
    await sessions.createIndexes([
      { keys: { organizationId: 1, lastActivityAt: -1 }, name: 'org_activity' },
      { keys: { email: 1 }, name: 'email', unique: true },
    ]);
    await sessions.bulkWrite([
      { insertOne: { document: { _id: 'a', organizationId: 'o1', lastActivityAt: new Date('2024-05-01T10:00:00.000Z'), email: 'a@x', odd: { $weird: { $date: 'not a date' } }, n: Infinity } } },
      { insertOne: { document: { _id: 'b', organizationId: 'o1', lastActivityAt: new Date('2024-05-02T10:00:00.000Z'), email: 'b@x', list: [new Date(0), null, { deep: true }] } } },
    ]);
    await store.collection('checkpoints').updateOne({ _id: 'sessions.v1' }, { $set: { position: 42 } }, { upsert: true });
    await store.collection('empty').createIndexes([]);
    return store;
  }

  async function expectSame(copy: MemoryReadStore, original: MemoryReadStore): Promise<void> {
    expect(await copy.listCollections()).toEqual(await original.listCollections());
    for (const name of await original.listCollections()) {
      expect(await copy.collection(name).find({}, { sort: { _id: 1 } })).toEqual(await original.collection(name).find({}, { sort: { _id: 1 } }));
    }
    const sessions = copy.collection('sessions');
    const [latest] = await sessions.find({ organizationId: 'o1' }, { sort: { lastActivityAt: -1 }, limit: 1 });
    expect(latest!.lastActivityAt).toBeInstanceOf(Date);
    expect(latest!._id).toBe('b');
    expect(sessions.explain({ organizationId: 'o1' }, { sort: { lastActivityAt: -1 }, limit: 1 }).index).toBe('org_activity');
    await expect(sessions.bulkWrite([{ insertOne: { document: { _id: 'c', email: 'a@x' } } }])).rejects.toBeInstanceOf(DuplicateKeyError);
  }

  it('round-trips in memory', async () => {
    const original = await populated();
    const snapshot = original.snapshot();
    await expectSame(MemoryReadStore.fromSnapshot(snapshot), original);
    (snapshot.collections.sessions!.documents[0]!.lastActivityAt as Date).setTime(0);
    expect((await original.collection('sessions').findOne({ _id: 'a' }))!.lastActivityAt).toEqual(new Date('2024-05-01T10:00:00.000Z'));
  });

  it('round-trips through a JSON-lines file, Dates and $-named fields included', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'read-store-snapshot-'));
    try {
      const original = await populated();
      const path = join(dir, 'read-store.jsonl');
      await original.writeSnapshot(path);
      const lines = (await readFile(path, 'utf8')).trim().split('\n');
      expect(JSON.parse(lines[0]!)).toEqual({ format: 'agent-ledger.read-store.snapshot', version: 1 });
      expect(lines.some((line) => line.includes('{"$date":"2024-05-01T10:00:00.000Z"}'))).toBe(true);
      await expectSame(await MemoryReadStore.readSnapshot(path), original);

      await writeFile(path, lines.slice(0, -1).join('\n'));
      await expect(MemoryReadStore.readSnapshot(path)).rejects.toBeInstanceOf(ReadStoreError);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
