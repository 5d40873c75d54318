import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const MAIN = join(__dirname, '..', 'dist', 'apps', 'projector', 'src', 'main.js');

function runProjector(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

describe('the projector (built)', () => {
  it('refuses to start without EVENTSTORE_URL, with one line, instead of following an empty SQLite file', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'ledger-projector-'));
    try {
      // MongoDB is set (to nothing that answers): the refusal must come before any connection.
      const { code, stderr } = await runProjector({ MONGODB_URL: 'mongodb://127.0.0.1:9/agent_ledger?serverSelectionTimeoutMS=500', DATA_DIR: dataDir });
      expect(code).toBe(2);
      expect(stderr.trim().split('\n')).toEqual([
        'agent-ledger projector: EVENTSTORE_URL is required (the embedded SQLite event store belongs to the api process)',
      ]);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 30_000);
});
