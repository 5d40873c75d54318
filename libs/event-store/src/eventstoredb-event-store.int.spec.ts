import { describeEventStoreContract } from './event-store.contract';
import { EventStoreDbEventStore } from './eventstoredb-event-store';

const url = process.env.EVENTSTORE_URL;

if (!url) {
  // Written straight to stderr: Jest drops the buffered console output of a file whose tests are all skipped.
  process.stderr.write('EventStoreDB contract suite SKIPPED: set EVENTSTORE_URL=esdb://localhost:2113?tls=false to run it\n');
}

// Skipped as a whole without a server, so every contract test shows up as skipped, not passed.
(url ? describe : describe.skip)('EventStoreDbEventStore', () => {
  describeEventStoreContract('EventStoreDB', async () => {
    const store = EventStoreDbEventStore.connect(url ?? '');
    return { store, cleanup: () => store.close() };
  });
});
