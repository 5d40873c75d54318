import { DuplicateKeyError, ReadStoreError } from './errors';
import type { Document, ReadCollection, ReadStore } from './read-store.port';

export interface ReadStoreFixture {
  store: ReadStore;
  cleanup(): Promise<void>;
}

/**
 * The behaviour every ReadStore adapter must share, so projections and queries cannot tell
 * MongoDB from the embedded store. Each test works in collections of its own; one store serves
 * the whole suite (a fresh database for MongoDB).
 */
export function describeReadStoreContract(name: string, factory: () => Promise<ReadStoreFixture>): void {
  describe(`ReadStore contract: ${name}`, () => {
    let fixture: ReadStoreFixture;
    let counter = 0;
    const fresh = <T extends Document = Document>(label: string): ReadCollection<T> =>
      fixture.store.collection<T>(`contract_${label}_${++counter}`);

    beforeAll(async () => {
      fixture = await factory();
    });

    afterAll(async () => {
      await fixture?.cleanup();
    });

    describe('upserts', () => {
      it('creates the document from the filter equality fields plus the update', async () => {
        const c = fresh('seed');
        const result = await c.updateOne(
          { _id: 's1', organizationId: 'o1', 'metadata.env': 'prod', lastRevision: { $lt: 0 } },
          { $set: { status: 'RUNNING', lastRevision: 0 } },
          { upsert: true },
        );
        expect(result).toEqual({ matchedCount: 0, modifiedCount: 0, upsertedCount: 1 });
        expect(await c.findOne({ _id: 's1' })).toEqual({
          _id: 's1',
          organizationId: 'o1',
          metadata: { env: 'prod' },
          status: 'RUNNING',
          lastRevision: 0,
        });
      });

      it('gives a string _id to an upsert whose filter names none', async () => {
        const c = fresh('generated_id');
        await c.updateOne({ organizationId: 'o1', day: '2024-05-01' }, { $inc: { count: 1 } }, { upsert: true });
        await c.updateOne({ organizationId: 'o1', day: '2024-05-01' }, { $inc: { count: 1 } }, { upsert: true });
        const docs = await c.find({});
        expect(docs).toHaveLength(1);
        expect(typeof docs[0]!._id).toBe('string');
        expect(docs[0]).toMatchObject({ organizationId: 'o1', day: '2024-05-01', count: 2 });
      });

      it('applies $setOnInsert only when inserting', async () => {
        const c = fresh('set_on_insert');
        await c.updateOne({ _id: 'a' }, { $setOnInsert: { createdAt: 'first' }, $set: { seen: 1 } }, { upsert: true });
        const second = await c.updateOne({ _id: 'a' }, { $setOnInsert: { createdAt: 'second' }, $set: { seen: 2 } }, { upsert: true });
        expect(second).toEqual({ matchedCount: 1, modifiedCount: 1, upsertedCount: 0 });
        expect(await c.findOne({ _id: 'a' })).toEqual({ _id: 'a', createdAt: 'first', seen: 2 });
      });

      it('guarded upserts are idempotent and never go backwards or duplicate', async () => {
        const c = fresh('guard');
        const apply = (revision: number, status: string) =>
          c.updateOne({ _id: 'a', lastRevision: { $lt: revision } }, { $set: { status, lastRevision: revision } }, { upsert: true });

        expect(await apply(3, 'RUNNING')).toEqual({ matchedCount: 0, modifiedCount: 0, upsertedCount: 1 });
        expect(await apply(7, 'PAUSED')).toEqual({ matchedCount: 1, modifiedCount: 1, upsertedCount: 0 });
        // The same event again, then a stale one: no error, no second document, no change.
        expect(await apply(7, 'PAUSED')).toEqual({ matchedCount: 0, modifiedCount: 0, upsertedCount: 0 });
        expect(await apply(5, 'STALE')).toEqual({ matchedCount: 0, modifiedCount: 0, upsertedCount: 0 });

        expect(await c.count({})).toBe(1);
        expect(await c.findOne({ _id: 'a' })).toEqual({ _id: 'a', lastRevision: 7, status: 'PAUSED' });
      });

      it('without upsert, a filter that matches nothing writes nothing', async () => {
        const c = fresh('no_upsert');
        expect(await c.updateOne({ _id: 'x' }, { $set: { a: 1 } })).toEqual({ matchedCount: 0, modifiedCount: 0, upsertedCount: 0 });
        expect(await c.count({})).toBe(0);
      });

      it('reports a match that changes nothing as not modified', async () => {
        const c = fresh('unmodified');
        await c.updateOne({ _id: 'a' }, { $set: { status: 'RUNNING' } }, { upsert: true });
        expect(await c.updateOne({ _id: 'a' }, { $set: { status: 'RUNNING' } })).toEqual({ matchedCount: 1, modifiedCount: 0, upsertedCount: 0 });
      });
    });

    describe('update operators', () => {
      it('$set, $unset, $inc, $max and $min on dotted paths', async () => {
        const c = fresh('operators');
        const first = new Date('2024-05-01T10:00:00.000Z');
        const later = new Date('2024-05-01T11:00:00.000Z');
        await c.updateOne(
          { _id: 'u' },
          { $set: { 'usage.model': 'gpt', 'tags.env': 'prod', lastAt: first, lastIso: '2024-05-01T10:00:00.000Z' }, $inc: { 'usage.tokens.input': 10 } },
          { upsert: true },
        );
        await c.updateOne(
          { _id: 'u' },
          {
            $inc: { 'usage.tokens.input': 5, 'usage.tokens.output': 2 },
            $max: { lastAt: later, lastIso: '2024-05-01T09:00:00.000Z', peak: 4 },
            $min: { firstAt: first, low: 3 },
            $unset: { 'tags.env': '' },
          },
        );
        await c.updateOne({ _id: 'u' }, { $max: { peak: 2 }, $min: { low: 9 } });
        expect(await c.findOne({ _id: 'u' })).toEqual({
          _id: 'u',
          usage: { model: 'gpt', tokens: { input: 15, output: 2 } },
          tags: {},
          lastAt: later,
          lastIso: '2024-05-01T10:00:00.000Z',
          peak: 4,
          firstAt: first,
          low: 3,
        });
      });

      it('$push with $each and a negative $slice keeps the last N, also on a missing field', async () => {
        const c = fresh('push');
        await c.updateOne({ _id: 'p' }, { $push: { recent: { $each: [1, 2, 3, 4], $slice: -3 } } }, { upsert: true });
        expect((await c.findOne({ _id: 'p' }))!.recent).toEqual([2, 3, 4]);
        await c.updateOne({ _id: 'p' }, { $push: { recent: { $each: [5, 6], $slice: -3 } } });
        expect((await c.findOne({ _id: 'p' }))!.recent).toEqual([4, 5, 6]);
        await c.updateOne({ _id: 'p' }, { $push: { recent: 7, log: { at: 1 } } });
        expect(await c.findOne({ _id: 'p' })).toEqual({ _id: 'p', recent: [4, 5, 6, 7], log: [{ at: 1 }] });
        await c.updateOne({ _id: 'p' }, { $push: { recent: { $each: [0], $sort: 1, $slice: 2 } } });
        expect((await c.findOne({ _id: 'p' }))!.recent).toEqual([0, 4]);
      });

      it('$addToSet and $pull', async () => {
        const c = fresh('sets');
        await c.updateOne({ _id: 's' }, { $addToSet: { tags: { $each: ['a', 'b', 'a'] } } }, { upsert: true });
        await c.updateOne({ _id: 's' }, { $addToSet: { tags: 'b' } });
        expect((await c.findOne({ _id: 's' }))!.tags).toEqual(['a', 'b']);
        await c.updateOne({ _id: 's' }, { $pull: { tags: 'a' } });
        expect((await c.findOne({ _id: 's' }))!.tags).toEqual(['b']);
      });

      it('stores undefined as null, as the MongoDB driver serialises it', async () => {
        const c = fresh('undefined');
        await c.updateOne({ _id: 'a' }, { $set: { flowId: undefined, model: 'm' } }, { upsert: true });
        expect(await c.findOne({ _id: 'a' })).toEqual({ _id: 'a', flowId: null, model: 'm' });
        expect(await c.count({ flowId: null })).toBe(1);
      });

      it('rejects invalid updates with the store error, leaving the document unchanged', async () => {
        const c = fresh('invalid');
        await c.updateOne({ _id: 'a' }, { $set: { name: 'x', n: 1 } }, { upsert: true });
        await expect(c.updateOne({ _id: 'a' }, { $set: { n: 2 }, $inc: { name: 1 } })).rejects.toBeInstanceOf(ReadStoreError);
        await expect(c.updateOne({ _id: 'a' }, { $set: { n: 3 }, $inc: { n: 1 } })).rejects.toBeInstanceOf(ReadStoreError);
        expect(await c.findOne({ _id: 'a' })).toEqual({ _id: 'a', name: 'x', n: 1 });
      });
    });

    describe('queries', () => {
      const t = (minute: number) => new Date(Date.UTC(2024, 4, 1, 10, minute));
      const seed = async (c: ReadCollection): Promise<void> => {
        await c.bulkWrite(
          [
            { _id: 'a', org: 'o1', status: 'RUNNING', tokens: 30, at: t(1), name: 'Deploy Service', tags: ['x', 'y'], metadata: { env: 'prod' } },
            { _id: 'b', org: 'o1', status: 'PAUSED', tokens: 10, at: t(2), name: 'deploy docs', tags: ['y'], metadata: { env: 'dev' } },
            { _id: 'c', org: 'o1', status: 'FAILED', tokens: 20, at: t(3), name: 'Fix bug', tags: ['x', 'y', 'z'], metadata: { env: 'prod' } },
            { _id: 'd', org: 'o2', status: 'RUNNING', tokens: 40, at: t(4), name: 'other org', tags: [], metadata: { env: 'prod' } },
            { _id: 'e', org: 'o1', status: 'RUNNING', tokens: 20, at: t(5), name: 'Review', tags: ['z'] },
          ].map((document) => ({ insertOne: { document } })),
        );
      };
      const ids = (docs: Document[]) => docs.map((d) => d._id);

      it('sorts on several keys, ascending and descending, with limit and skip', async () => {
        const c = fresh('sort');
        await seed(c);
        expect(ids(await c.find({}, { sort: { tokens: -1, _id: 1 } }))).toEqual(['d', 'a', 'c', 'e', 'b']);
        expect(ids(await c.find({}, { sort: { tokens: 1, at: -1 } }))).toEqual(['b', 'e', 'c', 'a', 'd']);
        expect(ids(await c.find({ org: 'o1' }, { sort: { at: -1 }, limit: 2 }))).toEqual(['e', 'c']);
        expect(ids(await c.find({ org: 'o1' }, { sort: { at: -1 }, skip: 1, limit: 2 }))).toEqual(['c', 'b']);
        expect(ids(await c.find({ org: 'o1' }, { sort: { at: 1 }, skip: 3 }))).toEqual(['e']);
      });

      it('sorts null and missing before numbers', async () => {
        const c = fresh('sort_null');
        await c.bulkWrite([
          { insertOne: { document: { _id: 'n3', v: 3 } } },
          { insertOne: { document: { _id: 'nnull', v: null } } },
          { insertOne: { document: { _id: 'nmissing' } } },
          { insertOne: { document: { _id: 'n1', v: 1 } } },
        ]);
        const sorted = ids(await c.find({}, { sort: { v: 1 } }));
        expect(sorted.slice(2)).toEqual(['n1', 'n3']);
        expect(new Set(sorted.slice(0, 2))).toEqual(new Set(['nnull', 'nmissing']));
      });

      it('applies inclusion and exclusion projections', async () => {
        const c = fresh('projection');
        await seed(c);
        expect(await c.find({ _id: 'a' }, { projection: { name: 1, 'metadata.env': 1 } })).toEqual([
          { _id: 'a', name: 'Deploy Service', metadata: { env: 'prod' } },
        ]);
        expect(await c.findOne({ _id: 'b' }, { projection: { _id: 0, status: 1 } })).toEqual({ status: 'PAUSED' });
        expect(await c.findOne({ _id: 'e' }, { projection: { tags: 0, at: 0, name: 0 } })).toEqual({ _id: 'e', org: 'o1', status: 'RUNNING', tokens: 20 });
      });

      it('filters on Date and number ranges, keeping types apart like MongoDB', async () => {
        const c = fresh('ranges');
        await seed(c);
        expect(ids(await c.find({ at: { $gt: t(1), $lte: t(3) } }, { sort: { _id: 1 } }))).toEqual(['b', 'c']);
        expect(ids(await c.find({ tokens: { $gte: 20, $lt: 40 } }, { sort: { _id: 1 } }))).toEqual(['a', 'c', 'e']);
        // A string bound never matches a Date value.
        expect(await c.count({ at: { $gt: '2000-01-01T00:00:00.000Z' } })).toBe(0);
      });

      it('$in, $or, $regex (case-insensitive), $all, nested fields, $exists and $ne', async () => {
        const c = fresh('operators_query');
        await seed(c);
        const sorted = { sort: { _id: 1 as const } };
        expect(ids(await c.find({ status: { $in: ['PAUSED', 'FAILED'] } }, sorted))).toEqual(['b', 'c']);
        expect(ids(await c.find({ $or: [{ tokens: { $gt: 35 } }, { status: 'PAUSED' }] }, sorted))).toEqual(['b', 'd']);
        expect(ids(await c.find({ name: { $regex: 'deploy', $options: 'i' } }, sorted))).toEqual(['a', 'b']);
        expect(ids(await c.find({ name: /^fix/i }, sorted))).toEqual(['c']);
        expect(ids(await c.find({ tags: { $all: ['x', 'y'] } }, sorted))).toEqual(['a', 'c']);
        expect(ids(await c.find({ tags: 'z' }, sorted))).toEqual(['c', 'e']);
        expect(ids(await c.find({ 'metadata.env': 'prod', org: 'o1' }, sorted))).toEqual(['a', 'c']);
        expect(ids(await c.find({ metadata: { $exists: false } }, sorted))).toEqual(['e']);
        expect(ids(await c.find({ org: 'o1', status: { $ne: 'RUNNING' } }, sorted))).toEqual(['b', 'c']);
        expect(ids(await c.find({ $and: [{ org: 'o1' }, { $or: [{ at: { $lt: t(2) } }, { at: t(2), _id: { $lt: 'z' } }] }] }, sorted))).toEqual(['a', 'b']);
      });

      it('counts, finds one, and returns copies the caller cannot use to change the store', async () => {
        const c = fresh('copies');
        await seed(c);
        expect(await c.count({ org: 'o1' })).toBe(4);
        expect(await c.count({ org: 'nobody' })).toBe(0);
        expect(await c.findOne({ org: 'nobody' })).toBeNull();
        expect((await c.findOne({ org: 'o1' }, { sort: { tokens: -1 } }))!._id).toBe('a');
        const doc = (await c.findOne({ _id: 'a' }))!;
        expect(doc.at).toBeInstanceOf(Date);
        (doc.metadata as { env: string }).env = 'changed';
        (doc.at as Date).setTime(0);
        (doc.tags as string[]).push('w');
        expect(await c.findOne({ _id: 'a' })).toMatchObject({ metadata: { env: 'prod' }, at: t(1), tags: ['x', 'y'] });
      });

      it('answers a readOnly find with the same documents as a copying one', async () => {
        const c = fresh('read-only');
        await seed(c);
        const sorted = { sort: { _id: 1 as const } };
        expect(await c.find({ org: 'o1' }, { ...sorted, readOnly: true })).toEqual(await c.find({ org: 'o1' }, sorted));
        expect(await c.findOne({ _id: 'a' }, { readOnly: true })).toEqual(await c.findOne({ _id: 'a' }));
        expect(await c.find({ org: 'o1' }, { ...sorted, projection: { tags: 1 }, readOnly: true })).toEqual(await c.find({ org: 'o1' }, { ...sorted, projection: { tags: 1 } }));
        // What was handed out stays as it was when the document is updated afterwards.
        const before = (await c.findOne({ _id: 'a' }, { readOnly: true }))!;
        const tags = [...(before.tags as string[])];
        await c.updateOne({ _id: 'a' }, { $push: { tags: 'later' }, $set: { 'metadata.env': 'staging' } });
        expect(before.tags).toEqual(tags);
        expect((before.metadata as { env: string }).env).toBe('prod');
        expect(await c.findOne({ _id: 'a' }, { readOnly: true })).toMatchObject({ metadata: { env: 'staging' }, tags: [...tags, 'later'] });
      });

      it('finds nothing in a collection that does not exist', async () => {
        const c = fresh('missing');
        expect(await c.find({})).toEqual([]);
        expect(await c.count({})).toBe(0);
        expect(await c.aggregate([{ $match: {} }])).toEqual([]);
      });
    });

    describe('indexes', () => {
      it('enforces unique indexes on insert, upsert and update', async () => {
        const c = fresh('unique');
        await c.createIndexes([{ keys: { email: 1 }, name: 'email_unique', unique: true }]);
        await c.createIndexes([{ keys: { email: 1 }, name: 'email_unique', unique: true }]);
        await c.updateOne({ _id: 'a', rev: { $lt: 1 } }, { $set: { email: 'x@example.com', rev: 1 } }, { upsert: true });
        await c.updateOne({ _id: 'b', rev: { $lt: 1 } }, { $set: { email: 'y@example.com', rev: 1 } }, { upsert: true });
        await expect(
          c.updateOne({ _id: 'c', rev: { $lt: 1 } }, { $set: { email: 'x@example.com', rev: 1 } }, { upsert: true }),
        ).rejects.toBeInstanceOf(DuplicateKeyError);
        await expect(c.updateOne({ _id: 'b' }, { $set: { email: 'x@example.com' } })).rejects.toBeInstanceOf(DuplicateKeyError);
        await expect(c.bulkWrite([{ insertOne: { document: { _id: 'd', email: 'y@example.com' } } }])).rejects.toBeInstanceOf(DuplicateKeyError);
        expect(await c.find({}, { sort: { _id: 1 } })).toEqual([
          { _id: 'a', email: 'x@example.com', rev: 1 },
          { _id: 'b', email: 'y@example.com', rev: 1 },
        ]);
      });

      it('queries through compound indexes give the same answers', async () => {
        const c = fresh('compound');
        await c.createIndexes([
          { keys: { org: 1, lastActivityAt: -1, _id: -1 }, name: 'org_activity' },
          { keys: { org: 1, activeUntil: 1 }, name: 'org_active_until' },
        ]);
        const ops = Array.from({ length: 40 }, (_, i) => ({
          updateOne: {
            filter: { _id: `s${String(i).padStart(2, '0')}`, rev: { $lt: 1 } },
            update: { $set: { org: `o${i % 2}`, lastActivityAt: `2024-05-01T10:${String(i % 7).padStart(2, '0')}:00Z`, activeUntil: i % 3 === 0 ? null : `2024-05-01T11:${String(i).padStart(2, '0')}:00Z`, rev: 1 } },
            upsert: true,
          },
        }));
        await c.bulkWrite(ops);
        const page = await c.find({ org: 'o0', activeUntil: { $gt: '2024-05-01T11:10:00Z' } }, { sort: { lastActivityAt: -1, _id: -1 }, limit: 5 });
        expect(page.map((d) => [d.lastActivityAt, d._id])).toEqual([
          ['2024-05-01T10:06:00Z', 's34'],
          ['2024-05-01T10:06:00Z', 's20'],
          ['2024-05-01T10:05:00Z', 's26'],
          ['2024-05-01T10:04:00Z', 's32'],
          ['2024-05-01T10:03:00Z', 's38'],
        ]);
        expect(await c.count({ org: 'o1', activeUntil: null })).toBe(7);
      });
    });

    describe('bulkWrite', () => {
      it('applies mixed operations in order and counts each kind', async () => {
        const c = fresh('bulk');
        const result = await c.bulkWrite([
          { insertOne: { document: { _id: 'a', n: 1 } } },
          { updateOne: { filter: { _id: 'a' }, update: { $inc: { n: 1 } } } },
          { updateOne: { filter: { _id: 'b', rev: { $lt: 1 } }, update: { $set: { n: 10, rev: 1 } }, upsert: true } },
          // Stale: a no-op that does not stop the batch.
          { updateOne: { filter: { _id: 'b', rev: { $lt: 1 } }, update: { $set: { n: 99, rev: 1 } }, upsert: true } },
          { replaceOne: { filter: { _id: 'c' }, replacement: { _id: 'c', n: 5 }, upsert: true } },
          { replaceOne: { filter: { _id: 'c' }, replacement: { _id: 'c', n: 6 } } },
          { insertOne: { document: { _id: 'd', n: 0 } } },
          { deleteOne: { filter: { _id: 'd' } } },
          { insertOne: { document: { _id: 'e', n: 0, kind: 'tmp' } } },
          { insertOne: { document: { _id: 'f', n: 0, kind: 'tmp' } } },
          { deleteMany: { filter: { kind: 'tmp' } } },
          { updateOne: { filter: { _id: 'a' }, update: { $inc: { n: 1 } } } },
        ]);
        expect(result).toEqual({ matchedCount: 3, modifiedCount: 3, upsertedCount: 2, insertedCount: 4, deletedCount: 3 });
        expect(await c.find({}, { sort: { _id: 1 } })).toEqual([
          { _id: 'a', n: 3 },
          { _id: 'b', n: 10, rev: 1 },
          { _id: 'c', n: 6 },
        ]);
      });

      it('stops at the first real failure, keeping what came before', async () => {
        const c = fresh('bulk_stop');
        await expect(
          c.bulkWrite([
            { insertOne: { document: { _id: 'a' } } },
            { insertOne: { document: { _id: 'a' } } },
            { insertOne: { document: { _id: 'b' } } },
          ]),
        ).rejects.toBeInstanceOf(DuplicateKeyError);
        expect((await c.find({})).map((d) => d._id)).toEqual(['a']);
      });

      it('deleteMany returns how many it removed', async () => {
        const c = fresh('delete');
        await c.bulkWrite([1, 2, 3, 4].map((n) => ({ insertOne: { document: { _id: `d${n}`, even: n % 2 === 0 } } })));
        expect(await c.deleteMany({ even: true })).toBe(2);
        expect(await c.deleteMany({ even: true })).toBe(0);
        expect(await c.count({})).toBe(2);
      });
    });

    describe('aggregation', () => {
      const hour = (h: number) => new Date(Date.UTC(2024, 4, 1, h));
      const seedUsage = async (c: ReadCollection): Promise<void> => {
        const rows = [
          { _id: 'u1', organizationId: 'o1', bucketStart: hour(9), accountId: 'acc1', model: 'gpt', usage: { tokens: 100, costUsd: 1 } },
          { _id: 'u2', organizationId: 'o1', bucketStart: hour(10), accountId: 'acc1', model: 'gpt', usage: { tokens: 50, costUsd: 0.5 } },
          { _id: 'u3', organizationId: 'o1', bucketStart: hour(10), accountId: 'acc2', model: 'claude', usage: { tokens: 70, costUsd: 2 } },
          { _id: 'u4', organizationId: 'o1', bucketStart: hour(11), accountId: 'acc1', model: 'claude', usage: { tokens: 30, costUsd: 1 } },
          { _id: 'u5', organizationId: 'o1', bucketStart: hour(12), accountId: 'acc1', model: 'gpt', usage: { tokens: 999, costUsd: 9 } },
          { _id: 'u6', organizationId: 'o2', bucketStart: hour(10), accountId: 'acc9', model: 'gpt', usage: { tokens: 5, costUsd: 0 } },
        ];
        await c.createIndexes([{ keys: { organizationId: 1, bucketStart: 1 }, name: 'org_bucket' }]);
        await c.bulkWrite(rows.map((document) => ({ insertOne: { document } })));
      };
      const range = { organizationId: 'o1', bucketStart: { $gte: hour(9), $lt: hour(12) } };

      it('groups a date range by several keys with $sum, sorted', async () => {
        const c = fresh('usage_group');
        await seedUsage(c);
        const rows = await c.aggregate([
          { $match: range },
          { $group: { _id: { accountId: '$accountId', model: '$model' }, tokens: { $sum: '$usage.tokens' }, costUsd: { $sum: '$usage.costUsd' }, buckets: { $sum: 1 } } },
          { $sort: { '_id.accountId': 1, '_id.model': 1 } },
        ]);
        expect(rows).toEqual([
          { _id: { accountId: 'acc1', model: 'claude' }, tokens: 30, costUsd: 1, buckets: 1 },
          { _id: { accountId: 'acc1', model: 'gpt' }, tokens: 150, costUsd: 1.5, buckets: 2 },
          { _id: { accountId: 'acc2', model: 'claude' }, tokens: 70, costUsd: 2, buckets: 1 },
        ]);
      });

      it('totals with _id null, reshapes with $project and cuts with $limit', async () => {
        const c = fresh('usage_total');
        await seedUsage(c);
        expect(await c.aggregate([{ $match: range }, { $group: { _id: null, tokens: { $sum: '$usage.tokens' } } }])).toEqual([{ _id: null, tokens: 250 }]);
        const top = await c.aggregate([
          { $match: { organizationId: 'o1' } },
          { $sort: { 'usage.tokens': -1 } },
          { $limit: 2 },
          { $project: { _id: 0, model: 1, tokens: '$usage.tokens' } },
        ]);
        expect(top).toEqual([
          { model: 'gpt', tokens: 999 },
          { model: 'gpt', tokens: 100 },
        ]);
        const byModel = await c.aggregate([
          { $match: range },
          { $group: { _id: '$model', tokens: { $sum: '$usage.tokens' } } },
          { $project: { _id: 0, model: '$_id', tokens: 1 } },
          { $sort: { tokens: -1 } },
          { $limit: 1 },
        ]);
        expect(byModel).toEqual([{ model: 'gpt', tokens: 150 }]);
      });

      it('does not let a pipeline change stored documents', async () => {
        const c = fresh('usage_immutable');
        await seedUsage(c);
        await c.aggregate([{ $match: { _id: 'u1' } }, { $set: { 'usage.tokens': 0 } }, { $project: { 'usage.costUsd': 0 } }]);
        expect(await c.findOne({ _id: 'u1' })).toMatchObject({ usage: { tokens: 100, costUsd: 1 } });
      });
    });

    describe('collections', () => {
      it('renameCollection replaces the target with the source in one step, indexes included', async () => {
        const live = fresh('live');
        const next = fresh('next');
        await live.bulkWrite([{ insertOne: { document: { _id: 'old', key: 'k' } } }]);
        await next.createIndexes([{ keys: { key: 1 }, name: 'key_unique', unique: true }]);
        await next.bulkWrite([{ insertOne: { document: { _id: 'new', key: 'k' } } }]);

        await fixture.store.renameCollection(next.name, live.name);

        expect(await live.find({})).toEqual([{ _id: 'new', key: 'k' }]);
        await expect(live.bulkWrite([{ insertOne: { document: { _id: 'dup', key: 'k' } } }])).rejects.toBeInstanceOf(DuplicateKeyError);
        const names = await fixture.store.listCollections();
        expect(names).toContain(live.name);
        expect(names).not.toContain(next.name);
        expect(await next.count({})).toBe(0);
      });

      it('renaming a collection that does not exist fails', async () => {
        const ghost = fresh('ghost');
        await expect(fixture.store.renameCollection(ghost.name, fresh('target').name)).rejects.toBeInstanceOf(ReadStoreError);
      });

      it('lists collections once written or indexed, and drop removes documents and indexes', async () => {
        const a = fresh('list_a');
        const b = fresh('list_b');
        await a.updateOne({ _id: '1' }, { $set: { v: 1 } }, { upsert: true });
        await b.createIndexes([{ keys: { v: 1 }, name: 'v_unique', unique: true }]);
        expect(await fixture.store.listCollections()).toEqual(expect.arrayContaining([a.name, b.name]));

        await b.drop();
        await b.drop();
        expect(await fixture.store.listCollections()).not.toContain(b.name);
        await b.bulkWrite([{ insertOne: { document: { _id: 'x', v: 1 } } }, { insertOne: { document: { _id: 'y', v: 1 } } }]);
        expect(await b.count({})).toBe(2);
      });
    });

    describe('checkpoints', () => {
      it('a checkpoint guarded by $lt never moves backwards', async () => {
        const checkpoints = fresh('checkpoints');
        const save = (position: number) =>
          checkpoints.updateOne({ _id: 'sessions.v1', position: { $lt: position } }, { $set: { position, updatedAt: new Date(position) } }, { upsert: true });
        await save(10);
        await save(25);
        expect(await save(17)).toEqual({ matchedCount: 0, modifiedCount: 0, upsertedCount: 0 });
        expect(await save(25)).toEqual({ matchedCount: 0, modifiedCount: 0, upsertedCount: 0 });
        await save(30);
        expect(await checkpoints.find({})).toEqual([{ _id: 'sessions.v1', position: 30, updatedAt: new Date(30) }]);
      });
    });
  });
}
