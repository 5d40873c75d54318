import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seededRandom } from '@ledger/domain';
import { MemoryReadStore } from './memory-read-store';
import { CollectionData } from './memory/collection-data';
import { MemoryIndex } from './memory/memory-index';
import { SortedIndex } from './memory/sorted-index';
import type { Document } from './read-store.port';

function documents(count: number, seed: number): Document[] {
  const random = seededRandom(seed);
  const orgs = ['o1', 'o2', 'été', '\u4e2d', 'o\u0000x'];
  return Array.from({ length: count }, (_, i) => ({
    _id: `d${String(i).padStart(6, '0')}-${Math.floor(random() * 1000)}`,
    organizationId: orgs[Math.floor(random() * orgs.length)]!,
    lastActivityAt: new Date(1_700_000_000_000 + Math.floor(random() * 1e9)).toISOString(),
    n: random() < 0.1 ? null : Math.floor(random() * 200) - 100,
    ...(random() < 0.2 ? { tagged: random() < 0.5 } : {}),
  }));
}

const SPECS = [
  { keys: { organizationId: 1, lastActivityAt: -1, _id: -1 } as Record<string, 1 | -1>, name: 'org_activity' },
  { keys: { n: -1 } as Record<string, 1 | -1>, name: 'n' },
  { keys: { tagged: 1, organizationId: -1 } as Record<string, 1 | -1>, name: 'tagged' },
];

function entriesOf(index: MemoryIndex): { key: string; id: string }[] {
  return [...index.entries.entries()];
}

describe('index builds from a recorded key order', () => {
  it('gives the same entries as a sorted build, and refuses an order that does not hold', () => {
    const docs = documents(3000, 5);
    for (const spec of SPECS) {
      const sorted = new MemoryIndex(spec);
      sorted.load(docs);
      const position = new Map(docs.map((doc, i) => [doc._id, i]));
      const order = sorted.entries.idsInOrder().map((id) => position.get(id)!);

      const rebuilt = new MemoryIndex(spec);
      expect(rebuilt.loadInOrder(docs, order)).toBe(true);
      expect(entriesOf(rebuilt)).toEqual(entriesOf(sorted));

      const swapped = [...order];
      [swapped[10], swapped[11]] = [swapped[11]!, swapped[10]!];
      const repeated = [...order];
      repeated[20] = repeated[21]!;
      for (const wrong of [swapped, repeated, order.slice(1), [...order.slice(0, -1), docs.length]]) {
        const refused = new MemoryIndex(spec);
        refused.load(docs.slice(0, 5));
        const before = entriesOf(refused);
        expect(refused.loadInOrder(docs, wrong)).toBe(false);
        expect(entriesOf(refused)).toEqual(before);
      }
    }
  });

  it('falls back to sorting when a collection is loaded with a wrong order', () => {
    const docs = documents(500, 9);
    const data = new CollectionData('c');
    data.createIndexes(SPECS);
    data.load(docs, SPECS.map(() => docs.map((_, i) => docs.length - 1 - i)));
    const reference = new CollectionData('c');
    reference.createIndexes(SPECS);
    reference.load(docs);
    expect(data.indexes.map(entriesOf)).toEqual(reference.indexes.map(entriesOf));
  });
});

describe('snapshots record each index order', () => {
  it('writes the orders after the documents and loads the same indexes, over several order lines', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'read-store-order-'));
    try {
      const store = new MemoryReadStore();
      const big = store.collection('big');
      await big.createIndexes(SPECS);
      const docs = documents(70_000, 11);
      await big.bulkWrite(docs.map((document) => ({ insertOne: { document } })));
      // Writes after the inserts move entries, so the recorded order is not the insertion order.
      for (let i = 0; i < 2000; i++) await big.updateOne({ _id: docs[i * 7]!._id }, { $set: { n: -1000 - i } });
      await store.collection('small').createIndexes([{ keys: { v: 1 }, name: 'v' }]);
      await store.collection('small').bulkWrite([{ insertOne: { document: { _id: 'x', v: 2 } } }, { insertOne: { document: { _id: 'y', v: 1 } } }]);
      const path = join(dir, 'snapshot');
      await store.writeSnapshot(path, { at: 1 });
      const lines = (await readFile(path, 'utf8')).trim().split('\n');
      const header = JSON.parse(lines[1]!) as { collection: string; orderLines: number };
      expect(header).toMatchObject({ collection: 'big', documents: 70_000, orderLines: 2 });
      // Three indexes, two lines each, after the documents.
      expect(lines.slice(2 + 70_000, 2 + 70_000 + 6).every((line) => line.startsWith('['))).toBe(true);

      const loaded = await MemoryReadStore.loadSnapshot(path);
      expect(loaded.meta).toEqual({ at: 1 });
      const copy = loaded.store.collection('big');
      for (const spec of SPECS) {
        const sort = Object.fromEntries(Object.entries(spec.keys)) as Record<string, 1 | -1>;
        expect(copy.explain({}, { sort, limit: 5 }).index).toBe(spec.name);
        expect(await copy.find({}, { sort, limit: 200 })).toEqual(await big.find({}, { sort, limit: 200 }));
      }
      expect(await copy.find({ organizationId: 'été' }, { sort: { lastActivityAt: -1 } })).toEqual(
        await big.find({ organizationId: 'été' }, { sort: { lastActivityAt: -1 } }),
      );
      expect(await loaded.store.collection('small').find({}, { sort: { v: 1 } })).toEqual([
        { _id: 'y', v: 1 },
        { _id: 'x', v: 2 },
      ]);

      // A file this size is hashed on another thread while it is parsed: one byte altered is still caught.
      const bytes = await readFile(path);
      expect(bytes.length).toBeGreaterThan(4 * 1024 * 1024);
      const at = bytes.indexOf('"lastActivityAt":"2', 1000) + 20;
      bytes[at] = bytes[at] === 0x31 ? 0x32 : 0x31;
      await writeFile(path, bytes);
      await expect(MemoryReadStore.loadSnapshot(path)).rejects.toThrow(/checksum does not match/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

/** The snapshot at `path` with `edit` applied to its lines and its trailer sealed again, as a writer would have written it. */
async function rewriteSealed(path: string, edit: (lines: string[]) => void): Promise<void> {
  const lines = (await readFile(path, 'utf8')).split('\n');
  lines.pop();
  const trailer = JSON.parse(lines.pop()!) as Record<string, unknown>;
  edit(lines);
  const body = Buffer.from(lines.map((line) => `${line}\n`).join(''), 'utf8');
  const sealed = { ...trailer, lines: lines.length, bytes: body.length, sha1: createHash('sha1').update(body).digest('hex') };
  await writeFile(path, Buffer.concat([body, Buffer.from(`${JSON.stringify(sealed)}\n`)]));
}

describe('recorded index orders are taken on trust at load and checked afterwards', () => {
  let dir: string;
  let path: string;
  let source: MemoryReadStore;
  const docs = documents(20_000, 13);
  // An array in an indexed field makes that index unplannable while the document is there.
  docs[17] = { ...docs[17]!, tagged: [true, false] } as unknown as Document;
  const sorts = SPECS.map((spec) => spec.keys);

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'read-store-trust-'));
    path = join(dir, 'snapshot');
    source = new MemoryReadStore();
    await source.collection('big').createIndexes(SPECS);
    await source.collection('big').bulkWrite(docs.map((document) => ({ insertOne: { document } })));
  });

  afterEach(async () => {
    jest.restoreAllMocks();
    await rm(dir, { recursive: true, force: true });
  });

  async function answers(store: MemoryReadStore): Promise<unknown[]> {
    const big = store.collection('big');
    return Promise.all(sorts.flatMap((sort) => [big.explain({}, { sort, limit: 50 }).index, big.find({}, { sort, limit: 50 })]));
  }

  it('a sound record: the load builds every index from it, the check finds nothing to rebuild', async () => {
    await source.writeSnapshot(path);
    const header = JSON.parse((await readFile(path, 'utf8')).split('\n')[1]!) as { unordered: string[][] };
    expect(header.unordered).toEqual([[], [], [docs[17]!._id]]);
    const sort = jest.spyOn(SortedIndex.prototype, 'load');
    const check = jest.spyOn(MemoryIndex.prototype, 'checkOrder');
    const { store } = await MemoryReadStore.loadSnapshot(path);
    // Only the empty indexes a collection header creates, before its documents.
    expect(sort.mock.calls.map(([entries]) => entries.length)).toEqual([0, 0, 0]);
    expect(check).not.toHaveBeenCalled();
    expect(await answers(store)).toEqual(await answers(source));
    expect(await store.verifyLoadedIndexes()).toEqual([]);
    expect(check).toHaveBeenCalledTimes(SPECS.length);
    expect(await store.verifyLoadedIndexes()).toEqual([]);
    expect(check).toHaveBeenCalledTimes(SPECS.length);
  });

  it('a record that does not hold is served as recorded until the check, which rebuilds that index by sorting', async () => {
    // What a writer bug would leave: the n index's order reversed, the tagged index's unplannable document not recorded.
    const orders = jest.spyOn(CollectionData.prototype, 'indexOrders').mockImplementation(function (this: CollectionData) {
      return this.indexes.map((index) => (index.name === 'n' ? index.entries.idsInOrder().reverse() : index.entries.idsInOrder()));
    });
    jest.spyOn(MemoryIndex.prototype, 'unorderedIds').mockReturnValue([]);
    await source.writeSnapshot(path);
    orders.mockRestore();
    const { store } = await MemoryReadStore.loadSnapshot(path);
    const n = store.collection('big');
    expect((await n.find({}, { sort: { n: -1 }, limit: 3 })).map((doc) => doc.n)).toEqual(
      (await source.collection('big').find({}, { sort: { n: 1 }, limit: 3 })).map((doc) => doc.n),
    );
    // Writes before the check land in the index as it was loaded; the rebuild takes them in.
    await n.updateOne({ _id: docs[5]!._id }, { $set: { n: 10_000 } });
    await source.collection('big').updateOne({ _id: docs[5]!._id }, { $set: { n: 10_000 } });

    expect(await store.verifyLoadedIndexes()).toEqual(['big.n', 'big.tagged']);
    expect(await answers(store)).toEqual(await answers(source));
    const reference = new CollectionData('big');
    reference.createIndexes(SPECS);
    reference.load(await source.collection('big').find({}));
    const loaded = store['collections'].get('big')!;
    expect(loaded.indexes.map(entriesOf)).toEqual(reference.indexes.map(entriesOf));
    expect(loaded.indexes.map((index) => index.plannable)).toEqual([true, true, false]);
  });

  it('a file written before unplannable ids were recorded is checked as it loads', async () => {
    jest.spyOn(CollectionData.prototype, 'indexOrders').mockImplementation(function (this: CollectionData) {
      return this.indexes.map((index) => (index.name === 'n' ? index.entries.idsInOrder().reverse() : index.entries.idsInOrder()));
    });
    await source.writeSnapshot(path);
    jest.restoreAllMocks();
    await rewriteSealed(path, (lines) => {
      const header = JSON.parse(lines[1]!) as Record<string, unknown>;
      delete header.unordered;
      lines[1] = JSON.stringify(header);
    });
    const { store } = await MemoryReadStore.loadSnapshot(path);
    expect(await answers(store)).toEqual(await answers(source));
    expect(await store.verifyLoadedIndexes()).toEqual([]);
  });

  it('an altered record in a file sealed again is still refused where it is out of range', async () => {
    await source.writeSnapshot(path);
    await rewriteSealed(path, (lines) => {
      const at = lines.findIndex((line, i) => i > 2 && line.startsWith('[') && /^\[\d/.test(line));
      const positions = JSON.parse(lines[at]!) as number[];
      positions[0] = docs.length + 5;
      lines[at] = JSON.stringify(positions);
    });
    const { store } = await MemoryReadStore.loadSnapshot(path);
    expect(await answers(store)).toEqual(await answers(source));
    expect(await store.verifyLoadedIndexes()).toEqual([]);
  });
});
