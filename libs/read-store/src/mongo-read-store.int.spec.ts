import { randomBytes } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { MongoReadStore } from './mongo-read-store';
import { describeReadStoreContract } from './read-store.contract';

const url = process.env.MONGODB_URL;

if (url) {
  describeReadStoreContract('MongoReadStore', async () => {
    const client = await new MongoClient(url, { serverSelectionTimeoutMS: 5000 }).connect();
    const db = client.db(`read_store_contract_${Date.now()}_${randomBytes(4).toString('hex')}`);
    return {
      store: new MongoReadStore(db),
      cleanup: async () => {
        await db.dropDatabase();
        await client.close();
      },
    };
  });
} else {
  // Written straight to stderr: Jest drops the buffered console output of a file whose tests are all skipped.
  process.stderr.write('MongoDB contract suite SKIPPED: set MONGODB_URL=mongodb://localhost:27017/?replicaSet=rs0 to run it\n');
  describe.skip('ReadStore contract: MongoReadStore (needs MONGODB_URL)', () => {
    it('runs against a real MongoDB', () => undefined);
  });
}
