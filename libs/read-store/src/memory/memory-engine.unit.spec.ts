import { Query } from 'mingo';
import { seededRandom } from '@ledger/domain';
import { ReadStoreError } from '../errors';
import type { Document } from '../read-store.port';
import { compileMatcher, hasFastPath } from './matcher';
import { AFTER_PREFIX, boundString, compareComponents, encodeComponent, encodeId } from './key-encoding';
import { SortedIndex } from './sorted-index';
import { applyUpdate, upsertSeed } from './update';
import { Rank, TypeBoundary, compareValues, sameValue, sortValue } from './values';

describe('BSON value order', () => {
  it('orders types as MongoDB: null/missing < numbers < strings < objects < arrays < booleans < Dates', () => {
    const values = [new Date(0), true, false, [1], { a: 1 }, 'b', 'a', 2, -1, NaN, null];
    expect([...values].sort(compareValues)).toEqual([null, NaN, -1, 2, 'a', 'b', { a: 1 }, [1], false, true, new Date(0)]);
    expect(compareValues(null, undefined)).toBe(0);
    expect(compareValues(undefined, -Infinity)).toBeLessThan(0);
    expect(compareValues(new Date(5), new Date(5))).toBe(0);
  });

  it('sorts arrays by their smallest element ascending and largest descending', () => {
    expect(sortValue([3, 1, 2], 1)).toBe(1);
    expect(sortValue([3, 1, 2], -1)).toBe(3);
    expect(compareValues(sortValue([], 1), null)).toBeLessThan(0);
  });

  it('tells modified from unmodified values strictly', () => {
    expect(sameValue({ a: 1, b: 2 }, { a: 1, b: 2 })).toBe(true);
    expect(sameValue({ a: 1, b: 2 }, { b: 2, a: 1 })).toBe(false);
    expect(sameValue(null, undefined)).toBe(false);
    expect(sameValue(new Date(1), new Date(1))).toBe(true);
  });
});

describe('key encoding', () => {
  const random = seededRandom(3);
  const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)]!;
  const sample = (): unknown =>
    pick([
      () => null,
      () => undefined,
      () => pick([0, -0, 1, -1, 0.5, -0.25, 1e300, -1e300, 5e-324, Infinity, -Infinity, NaN, 42, 2 ** 53]),
      () => pick(['', 'a', 'ab', 'b', 'a\u0000', 'a\u0000b', 'a\u0001', '\uffff', 'é', '2024-05-01T10:00:00.000Z']),
      () => random() < 0.5,
      () => new Date(pick([0, -1, 1, 1714557600000, -8640000000000000, 8640000000000000])),
    ])();

  it('orders encoded tuples exactly as BSON orders the values, in either direction, then by _id', () => {
    const disagreements: unknown[] = [];
    for (let i = 0; i < 5000; i++) {
      const directions = [pick([1, -1] as const), pick([1, -1] as const)];
      const a = [sample(), sample()];
      const b = [sample(), sample()];
      const [ida, idb] = [pick(['x', 'y', 'x\u0000']), pick(['x', 'y', 'x\u0000'])];
      let expected = 0;
      for (let k = 0; k < 2 && expected === 0; k++) expected = directions[k]! * compareValues(a[k], b[k]);
      if (expected === 0) expected = ida < idb ? -1 : ida > idb ? 1 : 0;
      const ea = encodeComponent(a[0], directions[0]!) + encodeComponent(a[1], directions[1]!) + encodeId(ida);
      const eb = encodeComponent(b[0], directions[0]!) + encodeComponent(b[1], directions[1]!) + encodeId(idb);
      const actual = ea < eb ? -1 : ea > eb ? 1 : 0;
      if (actual !== Math.sign(expected)) disagreements.push({ a, b, directions, ida, idb, actual, expected });
    }
    expect(disagreements).toEqual([]);
  });

  it('compares components as values in the order of their encodings, documents and arrays included', () => {
    const other = (): unknown => pick([() => ({ a: pick([1, 'x']) }), () => [pick([1, 2])], () => [], () => 10n, () => sample()])();
    const disagreements: unknown[] = [];
    for (let i = 0; i < 5000; i++) {
      const direction = pick([1, -1] as const);
      const [a, b] = i % 3 === 0 ? [other(), other()] : [sample(), sample()];
      const [ea, eb] = [encodeComponent(a, direction), encodeComponent(b, direction)];
      const expected = ea < eb ? -1 : ea > eb ? 1 : 0;
      const actual = Math.sign(compareComponents(a, b, direction));
      if (actual !== expected) disagreements.push({ a, b, direction, actual, expected });
    }
    expect(disagreements).toEqual([]);
  });

  it('bounds ranges by value and by type, in either direction', () => {
    for (const direction of [1, -1] as const) {
      const key = (v: unknown) => encodeComponent(v, direction) + encodeId('id');
      const inRange = (v: unknown, lo: unknown, hi: unknown) => {
        const [first, last] = direction === 1 ? [lo, hi] : [hi, lo];
        const k = key(v);
        return k >= boundString(first, direction, 'start') && k < boundString(last, direction, 'end');
      };
      expect(inRange(5, 5, 7)).toBe(true);
      expect(inRange(7, 5, 7)).toBe(true);
      expect(inRange(8, 5, 7)).toBe(false);
      expect(inRange(4.99, 5, 7)).toBe(false);
      expect(inRange(1e9, 5, new TypeBoundary(Rank.Number, true))).toBe(true);
      expect(inRange('a', 5, new TypeBoundary(Rank.Number, true))).toBe(false);
      expect(inRange(null, new TypeBoundary(Rank.String, false), 'b')).toBe(false);
      expect(inRange('', new TypeBoundary(Rank.String, false), 'b')).toBe(true);
      expect(inRange('b\u0000', new TypeBoundary(Rank.String, false), 'b')).toBe(false);
      expect(inRange(new Date(5), new TypeBoundary(Rank.Date, false), new Date(5))).toBe(true);
      expect(key('zz') < AFTER_PREFIX).toBe(true);
    }
  });
});

describe('SortedIndex', () => {
  it('stays sorted and finds every entry through random inserts and deletes', () => {
    const random = seededRandom(7);
    const index = new SortedIndex();
    const reference: { key: string; id: string }[] = [];
    const keyOf = (n: number, id: string) => encodeComponent(n, 1) + encodeId(id);
    for (let i = 0; i < 20_000; i++) {
      if (reference.length > 0 && random() < 0.35) {
        const [victim] = reference.splice(Math.floor(random() * reference.length), 1);
        expect(index.delete(victim!.key)).toBe(true);
      } else {
        const id = `id${i}`;
        const entry = { key: keyOf(Math.floor(random() * 500), id), id };
        reference.push(entry);
        index.insert(entry.key, entry.id);
      }
    }
    reference.sort((a, b) => (a.key < b.key ? -1 : 1));
    expect([...index.entries()]).toEqual(reference);
    expect(index.size).toBe(reference.length);
    const from = index.seek(encodeComponent(100, 1));
    const to = index.seek(encodeComponent(200, 1) + AFTER_PREFIX);
    const inRange = reference.filter((e) => e.key >= encodeComponent(100, 1) && e.key < encodeComponent(200, 1) + AFTER_PREFIX);
    expect(inRange.length).toBeGreaterThan(0);
    expect(index.rank(to) - index.rank(from)).toBe(inRange.length);
    const forward: string[] = [];
    const cursor = index.cursor(from, to, false);
    for (let id = cursor.next(); id; id = cursor.next()) forward.push(id);
    expect(forward).toEqual(inRange.map((e) => e.id));
    const backward: string[] = [];
    const reverse = index.cursor(from, to, true);
    for (let id = reverse.next(); id; id = reverse.next()) backward.push(id);
    expect(backward).toEqual(inRange.map((e) => e.id).reverse());
    expect(index.delete(keyOf(1, 'absent'))).toBe(false);
  });

  it('keeps keys without their id suffix, or computed from the documents, in the order, seeks and ranks of full entries', () => {
    const random = seededRandom(19);
    const full = new SortedIndex();
    const short = new SortedIndex({ idSuffix: true });
    // The documents' keys: an entry being deleted is already gone from them, as in a collection.
    const documentKeys = new Map<string, string>();
    const computed = new SortedIndex({ idSuffix: true, keyOf: (id) => documentKeys.get(id)! });
    const fullComputed = new SortedIndex({ keyOf: (id) => documentKeys.get(id)! + encodeId(id) });
    const live: { value: number; id: string }[] = [];
    // Few distinct values, so many entries share a key and the ids decide their order.
    const idOf = (i: number) => ['a', 'b\u0000c', 'é', '\u4e2d', 'z'][i % 5]! + String(i);
    for (let i = 0; i < 6_000; i++) {
      if (live.length > 0 && random() < 0.3) {
        const [victim] = live.splice(Math.floor(random() * live.length), 1);
        const key = encodeComponent(victim!.value, -1);
        documentKeys.delete(victim!.id);
        expect(short.delete(key, `${victim!.id}x`)).toBe(false);
        expect(computed.delete(key, `${victim!.id}x`)).toBe(false);
        expect(short.delete(key, victim!.id)).toBe(full.delete(key + encodeId(victim!.id)));
        expect(computed.delete(key, victim!.id)).toBe(true);
        expect(fullComputed.delete(key + encodeId(victim!.id), victim!.id)).toBe(true);
      } else {
        const entry = { value: Math.floor(random() * 40), id: idOf(i) };
        live.push(entry);
        const key = encodeComponent(entry.value, -1);
        documentKeys.set(entry.id, key);
        full.insert(key + encodeId(entry.id), entry.id);
        short.insert(key, entry.id);
        computed.insert(key, entry.id);
        fullComputed.insert(key + encodeId(entry.id), entry.id);
      }
    }
    const reference = [...full.entries()];
    expect([...short.entries()]).toEqual(reference);
    expect([...computed.entries()]).toEqual(reference);
    expect([...fullComputed.entries()]).toEqual(reference);
    expect(short.size).toBe(live.length);
    const bounds = [
      ...[0, 7, 39, 40].flatMap((n) => [encodeComponent(n, -1), encodeComponent(n, -1) + AFTER_PREFIX]),
      ...live.slice(0, 50).map((e) => encodeComponent(e.value, -1) + encodeId(e.id)),
      '',
      AFTER_PREFIX,
    ];
    for (const bound of bounds) {
      for (const index of [short, computed, fullComputed]) {
        expect(index.rank(index.seek(bound))).toBe(full.rank(full.seek(bound)));
        expect(index.idAt(index.seek(bound))).toBe(full.idAt(full.seek(bound)));
      }
    }
    const walked: string[] = [];
    const cursor = computed.cursor(computed.seek(''), computed.end(), true);
    for (let id = cursor.next(); id !== undefined; id = cursor.next()) walked.push(cursor.key + encodeId(id));
    expect(walked).toEqual(reference.map((e) => e.key).reverse());
    expect(() => short.delete(encodeComponent(1, -1))).toThrow(/by key and id/);
  });
});

describe('matcher', () => {
  it('agrees with mingo on scalar, null, missing, array and mixed-type fields', () => {
    const random = seededRandom(11);
    const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)]!;
    const values = [null, 0, 1, 2, 'a', 'b', true, false, new Date(0), new Date(1000), [1, 2], ['a'], [], { x: 1 }];
    const docs = Array.from({ length: 300 }, (_, i) => {
      const doc: Record<string, unknown> = { _id: `d${i}` };
      if (random() < 0.8) doc.v = pick(values);
      if (random() < 0.6) doc.o = random() < 0.2 ? pick(values) : { w: pick(values) };
      return doc;
    });
    const scalars = values.filter((v) => !Array.isArray(v) && !(typeof v === 'object' && v !== null && !(v instanceof Date)));
    const condition = (): Record<string, unknown> => {
      const field = pick(['v', 'o.w']);
      const op = pick(['eq', '$eq', '$ne', '$gt', '$gte', '$lt', '$lte', '$in', '$nin', '$exists', '$or']);
      if (op === 'eq') return { [field]: pick(scalars) };
      if (op === '$in' || op === '$nin') return { [field]: { [op]: [pick(scalars), pick(scalars)] } };
      if (op === '$exists') return { [field]: { $exists: random() < 0.5 } };
      if (op === '$or') return { $or: [condition(), condition()] };
      return { [field]: { [op]: pick(scalars) } };
    };
    const disagreements: unknown[] = [];
    for (let i = 0; i < 500; i++) {
      const filter = Object.assign({}, condition(), random() < 0.3 ? condition() : {});
      expect(hasFastPath(filter)).toBe(true);
      const fast = compileMatcher(filter);
      const reference = new Query(filter);
      for (const doc of docs) if (fast(doc) !== reference.test(doc)) disagreements.push({ filter, doc });
    }
    expect(disagreements).toEqual([]);
  });

  it('hands unsupported operators to mingo', () => {
    expect(hasFastPath({ name: { $regex: '^a' } })).toBe(false);
    expect(compileMatcher({ name: { $regex: '^a', $options: 'i' } })({ name: 'Abc' })).toBe(true);
    expect(compileMatcher({ tags: { $all: ['a', 'b'] } })({ tags: ['b', 'a', 'c'] })).toBe(true);
  });
});

describe('update operators', () => {
  const doc = (): Document => ({ _id: 'a', n: 1, s: 'text', nested: { list: [1, 2], deep: { v: 1 } } });

  it('never touches the current document and shares unchanged branches', () => {
    const current = doc();
    const frozen = JSON.stringify(current);
    const { doc: next, modified } = applyUpdate(current, { $set: { 'nested.deep.v': 2 }, $inc: { n: 1 } }, false);
    expect(modified).toBe(true);
    expect(JSON.stringify(current)).toBe(frozen);
    expect(next).toEqual({ _id: 'a', n: 2, s: 'text', nested: { list: [1, 2], deep: { v: 2 } } });
    expect((next.nested as { list: unknown }).list).toBe((current.nested as { list: unknown }).list);
  });

  it('applies a $set of top-level fields (its own fast path) exactly as the general path does', () => {
    // `$setOnInsert: {}` changes nothing but sends the same $set down the general path.
    const general = (current: Document, set: Record<string, unknown>, inserting: boolean) => applyUpdate(current, { $set: set, $setOnInsert: {} }, inserting);
    const sets: Record<string, unknown>[] = [
      { s: 'text' },
      { s: 'other', n: 1 },
      { z: 1, a: 2, m: { x: [1, { y: 2 }] } },
      { '10': 'ten', '9': 'nine', b: null, nested: { list: [1, 2], deep: { v: 1 } } },
      { n: 1, _id: 'a' },
      { when: new Date(0), missing: undefined },
      {},
    ];
    for (const set of sets) {
      for (const inserting of [false, true]) {
        const fast = applyUpdate(doc(), { $set: set }, inserting);
        const slow = general(doc(), set, inserting);
        expect(fast.doc).toEqual(slow.doc);
        expect(Object.keys(fast.doc)).toEqual(Object.keys(slow.doc));
        expect(fast.modified).toBe(slow.modified);
        expect([...fast.touched!].sort()).toEqual([...slow.touched!].sort());
      }
    }
    expect(() => applyUpdate(doc(), { $set: { '': 1 } }, false)).toThrow(/invalid update path/);
    expect(() => applyUpdate(doc(), { $set: { $bad: 1 } }, false)).toThrow(/invalid update path/);
    expect(() => applyUpdate(doc(), { $set: { _id: 'b' } }, false)).toThrow(/immutable/);
  });

  it('rejects conflicting paths, paths through scalars, and changes to _id', () => {
    expect(() => applyUpdate(doc(), { $set: { nested: 1, 'nested.deep': 2 } }, false)).toThrow(ReadStoreError);
    expect(() => applyUpdate(doc(), { $set: { 's.inner': 1 } }, false)).toThrow(/cannot create field/);
    expect(() => applyUpdate(doc(), { $set: { _id: 'b' } }, false)).toThrow(/immutable/);
    expect(() => applyUpdate(doc(), { $inc: { s: 1 } }, false)).toThrow(/\$inc/);
    expect(() => applyUpdate(doc(), { $push: { s: 1 } }, false)).toThrow(/array/);
    expect(() => applyUpdate(doc(), { status: 'x' }, false)).toThrow(ReadStoreError);
    expect(() => applyUpdate(doc(), {}, false)).toThrow(ReadStoreError);
    expect(applyUpdate(doc(), { $set: { _id: 'a' } }, false).modified).toBe(false);
  });

  it('handles array positions, $unset of elements and missing paths like MongoDB', () => {
    expect(applyUpdate(doc(), { $set: { 'nested.list.3': 9 } }, false).doc.nested).toEqual({ list: [1, 2, null, 9], deep: { v: 1 } });
    expect(applyUpdate(doc(), { $unset: { 'nested.list.0': '' } }, false).doc.nested).toEqual({ list: [null, 2], deep: { v: 1 } });
    expect(applyUpdate(doc(), { $unset: { 'missing.path': '' } }, false).modified).toBe(false);
    expect(applyUpdate(doc(), { $pop: { 'nested.list': -1 } }, false).doc.nested).toEqual({ list: [2], deep: { v: 1 } });
    expect(applyUpdate(doc(), { $rename: { s: 'renamed' } }, false).doc).toEqual({ _id: 'a', n: 1, nested: { list: [1, 2], deep: { v: 1 } }, renamed: 'text' });
    expect(applyUpdate(doc(), { $mul: { n: 3, fresh: 2 } }, false).doc).toMatchObject({ n: 3, fresh: 0 });
    expect(applyUpdate(doc(), { $pull: { 'nested.list': { $gte: 2 } } }, false).doc.nested).toEqual({ list: [1], deep: { v: 1 } });
    expect(applyUpdate(doc(), { $push: { 'nested.list': { $each: [5, 0], $position: 0 } } }, false).doc.nested).toEqual({ list: [5, 0, 1, 2], deep: { v: 1 } });
  });

  it('seeds upserts from equality conditions only', () => {
    expect(upsertSeed({ _id: 'x', rev: { $lt: 3 }, 'a.b': 1, c: { $eq: 2 }, $and: [{ d: 'e' }, { f: { $gt: 1 } }], $or: [{ g: 1 }] })).toEqual({
      _id: 'x',
      a: { b: 1 },
      c: 2,
      d: 'e',
    });
  });

  it('runs pipeline updates', () => {
    const { doc: next, modified } = applyUpdate(doc(), [{ $set: { total: { $add: ['$n', 10] } } }, { $unset: 'nested' }], false);
    expect(modified).toBe(true);
    expect(next).toEqual({ _id: 'a', n: 1, s: 'text', total: 11 });
  });
});
