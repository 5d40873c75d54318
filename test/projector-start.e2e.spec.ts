import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runNode } from './support/node-process';

const MAIN = join(__dirname, '..', 'dist', 'apps', 'projector', 'src', 'main.js');

describe('the projector (built)', () => {
  it('refuses to start without EVENTSTORE_URL, with one line, instead of following an empty SQLite file', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'ledger-projector-'));
    try {
      // MongoDB is set (to nothing that answers): the refusal must come before any connection.
      const { code, stderr } = await runNode([MAIN], { timeoutMs: 20_000, env: { MONGODB_URL: 'mongodb://127.0.0.1:9/agent_ledger?serverSelectionTimeoutMS=500', DATA_DIR: dataDir } });
      expect(code).toBe(2);
      expect(stderr.trim().split('\n')).toEqual([
        'agent-ledger projector: EVENTSTORE_URL is required (the embedded SQLite event store belongs to the api process)',
      ]);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 30_000);
});
