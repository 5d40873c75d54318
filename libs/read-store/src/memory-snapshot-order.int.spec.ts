import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seededRandom } from '@ledger/domain';
import { MemoryReadStore } from './memory-read-store';
import { CollectionData } from './memory/collection-data';
import { MemoryIndex } from './memory/memory-index';
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
