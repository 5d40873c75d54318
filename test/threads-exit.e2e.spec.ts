import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runNode } from './support/node-process';

const DIST = join(__dirname, '..', 'dist', 'libs');

/**
 * The checkpointer and redaction threads are unref'd: a process that is done (a CLI command, a
 * test run) ends even when nobody closed them. A 'message' listener added after unref() refs the
 * worker's port again, which once kept `npm test` from ever exiting.
 */
describe('the store threads (built)', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'ledger-threads-exit-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('let a process holding an unclosed SQLite event store and redaction thread end on its own', async () => {
    const script = `
      const { SqliteEventStore } = require(${JSON.stringify(join(DIST, 'event-store', 'src', 'index.js'))});
      const { RedactionThread } = require(${JSON.stringify(join(DIST, 'redaction', 'src', 'index.js'))});
      const store = new SqliteEventStore(${JSON.stringify(join(dir, 'events.sqlite'))});
      const thread = new RedactionThread();
      (async () => {
        await thread.onModuleInit();
        const [redacted] = await thread.redactBatch(['key sk-ant-api03-' + 'a'.repeat(93) + 'AA and more text '.repeat(1200)]);
        await store.append('session-s1', [{ id: '7d0c6a52-3f1e-4c9b-9a59-2b1f0e0c3d11', type: 'SessionStarted', data: { text: redacted.value }, metadata: {} }], 'no_stream');
        const [stored] = await store.readStream('session-s1');
        process.stderr.write('thread ' + thread.counts.thread + ' rules ' + redacted.rules.join(',') + ' stored ' + stored.data.text.slice(0, 30) + '\\n');
      })().catch((error) => { process.stderr.write(String(error && error.stack)); process.exit(1); });
    `;
    const { code, stderr, timedOut } = await runNode(['-e', script], { timeoutMs: 15_000 });
    // The thread did the redacting and the append committed: both were running when the script ran out.
    expect(stderr).toMatch(/^thread 1 rules \S+ stored key \[REDACTED:/);
    expect({ timedOut, code }).toEqual({ timedOut: false, code: 0 });
  }, 30_000);
});
