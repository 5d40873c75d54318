import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ReadStoreError } from './errors';
import { MemoryReadStore } from './memory-read-store';

/** A snapshot file from its lines, with the trailer the writer would give it. */
async function writeLines(path: string, lines: string[]): Promise<void> {
  const body = lines.map((line) => `${line}\n`).join('');
  const bytes = Buffer.byteLength(body, 'utf8');
  const sha1 = createHash('sha1').update(body, 'utf8').digest('hex');
  await writeFile(path, `${body}${JSON.stringify({ end: true, lines: lines.length, bytes, sha1, meta: {} })}\n`);
}

async function inDir(run: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'read-store-batches-'));
  try {
    await run(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const HEADER = JSON.stringify({ format: 'agent-ledger.read-store.snapshot', version: 1 });

describe('snapshot documents many to a line', () => {
  it('writes plain documents as arrays, codec documents on lines of their own, and loads them all in place', async () => {
    await inDir(async (dir) => {
      const store = new MemoryReadStore();
      const items = store.collection('items');
      await items.createIndexes([{ keys: { group: 1, at: -1 }, name: 'group_at' }]);
      const documents = Array.from({ length: 3000 }, (_, i) => ({
        _id: `i${String(i).padStart(5, '0')}`,
        group: `g${i % 7}`,
        at: `2026-12-0${1 + (i % 9)}T00:00:${String(i % 60).padStart(2, '0')}.000Z`,
        text: 'é\u4e2d'.repeat(i % 5) + 'x'.repeat(200 + (i % 300)),
        // Every 500th carries a Date or a $-named field: the codec changes it.
        ...(i % 500 === 250 ? { when: new Date(1_700_000_000_000 + i) } : {}),
        ...(i % 500 === 499 ? { meta: { $weird: i } } : {}),
      }));
      await items.bulkWrite(documents.map((document) => ({ insertOne: { document } })));
      const path = join(dir, 'snapshot');
      await store.writeSnapshot(path);

      const lines = (await readFile(path, 'utf8')).trim().split('\n');
      const docLines = lines.slice(2, -2);
      const batches = docLines.filter((line) => line.startsWith('['));
      const singles = docLines.filter((line) => line.startsWith('{'));
      expect(singles).toHaveLength(12);
      expect(singles.every((line) => line.includes('"$'))).toBe(true);
      expect(batches.every((line) => !line.includes('"$'))).toBe(true);
      // 3000 documents of 250-650 characters in lines of about 16 KiB: dozens of documents a line.
      expect(batches.every((line) => line.length < 17 * 1024)).toBe(true);
      const written = batches.reduce((sum, line) => sum + (JSON.parse(line) as unknown[]).length, 0);
      expect(written + singles.length).toBe(3000);
      expect(written / batches.length).toBeGreaterThan(20);

      const loaded = (await MemoryReadStore.loadSnapshot(path)).store.collection('items');
      expect(await loaded.find({}, { sort: { _id: 1 } })).toEqual(await items.find({}, { sort: { _id: 1 } }));
      expect(loaded.explain({ group: 'g3' }, { sort: { at: -1 } }).index).toBe('group_at');
      expect(await loaded.find({ group: 'g3' }, { sort: { at: -1 }, limit: 50 })).toEqual(await items.find({ group: 'g3' }, { sort: { at: -1 }, limit: 50 }));
      expect((await loaded.findOne({ _id: 'i00250' }))!.when).toEqual(new Date(1_700_000_000_250));
    });
  });

  it('still loads a file written one document a line', async () => {
    await inDir(async (dir) => {
      const path = join(dir, 'snapshot');
      await writeLines(path, [
        HEADER,
        JSON.stringify({ collection: 'items', indexes: [{ keys: { n: 1 }, name: 'n' }], documents: 3 }),
        JSON.stringify({ _id: 'a', n: 3 }),
        JSON.stringify({ _id: 'b', n: 1, at: { $date: '2026-12-01T00:00:00.000Z' } }),
        JSON.stringify({ _id: 'c', n: 2 }),
      ]);
      const items = (await MemoryReadStore.loadSnapshot(path)).store.collection('items');
      expect(await items.find({}, { sort: { n: 1 } })).toEqual([
        { _id: 'b', n: 1, at: new Date('2026-12-01T00:00:00.000Z') },
        { _id: 'c', n: 2 },
        { _id: 'a', n: 3 },
      ]);
    });
  });

  it('refuses a batch line holding more documents than the header counts, or one that is not a document', async () => {
    await inDir(async (dir) => {
      const path = join(dir, 'snapshot');
      const header = JSON.stringify({ collection: 'items', indexes: [], documents: 2 });
      await writeLines(path, [HEADER, header, JSON.stringify([{ _id: 'a' }, { _id: 'b' }, { _id: 'c' }])]);
      await expect(MemoryReadStore.loadSnapshot(path)).rejects.toThrow(/more documents in items than its header says/);
      await writeLines(path, [HEADER, header, JSON.stringify([{ _id: 'a' }, 7])]);
      await expect(MemoryReadStore.loadSnapshot(path)).rejects.toBeInstanceOf(ReadStoreError);
      await writeLines(path, [HEADER, header, JSON.stringify([{ _id: 'a' }, { _id: 'b' }])]);
      expect(await (await MemoryReadStore.loadSnapshot(path)).store.collection('items').count({})).toBe(2);
    });
  });
});
