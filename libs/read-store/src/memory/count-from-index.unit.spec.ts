import { Query } from 'mingo';
import { seededRandom } from '@ledger/domain';
import type { Document, Filter } from '../read-store.port';
import { CollectionData } from './collection-data';

describe('counts read from an index range', () => {
  const random = seededRandom(7);
  const pick = <T>(values: T[]): T => values[Math.floor(random() * values.length)]!;
  const instants = Array.from({ length: 40 }, (_, i) => `2026-11-0${1 + (i % 9)}T0${i % 10}:00:00.000Z`);
  const docs: Document[] = Array.from({ length: 2000 }, (_, i) => ({
    _id: `d${i}`,
    organizationId: pick(['o1', 'o2', 'o3']),
    status: pick(['RUNNING', 'WAITING', 'PAUSED', 'ENDED']),
    // Mostly strings, some null, missing or numbers: a string range must count strings only.
    lastActivityAt: random() < 0.9 ? pick(instants) : pick([null, 5, undefined]),
  }));
  const data = new CollectionData('sessions');
  data.createIndexes([
    { keys: { organizationId: 1, lastActivityAt: -1, _id: -1 }, name: 'org_activity' },
    { keys: { organizationId: 1, status: 1, lastActivityAt: -1 }, name: 'org_status_activity' },
  ]);
  data.load(docs.map((doc) => Object.fromEntries(Object.entries(doc).filter(([, v]) => v !== undefined)) as Document));

  const filters: Filter[] = [];
  for (const at of [instants[3]!, instants[17]!, '2026-11-05', '2027', '2025']) {
    for (const op of ['$gt', '$gte', '$lt', '$lte']) {
      filters.push({ organizationId: 'o1', lastActivityAt: { [op]: at } });
      filters.push({ organizationId: 'o2', status: { $in: ['WAITING', 'PAUSED', 'BLOCKED'] }, lastActivityAt: { [op]: at } });
    }
    filters.push({ organizationId: 'o3', lastActivityAt: { $gt: at, $lte: instants[30]! } });
    filters.push({ organizationId: 'o3', status: 'RUNNING', lastActivityAt: { $gte: at, $lt: at } });
  }

  it('equals the count of the documents the filter matches, for every shape', () => {
    for (const filter of filters) {
      const expected = new Query(filter).find(data.docs.values() as unknown as Document[]).all().length;
      expect({ filter, count: data.count(filter) }).toEqual({ filter, count: expected });
      // ...and is read from the index, not by fetching documents.
      expect((data as unknown as { countFromIndex(f: Filter): number | null }).countFromIndex(filter)).toBe(expected);
    }
  });
});
