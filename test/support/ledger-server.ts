import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(__dirname, '..', '..');
const MAIN = join(ROOT, 'dist', 'apps', 'api', 'src', 'main.js');

export interface TestKey {
  key: string;
  organizationId: string;
  principal: { type: string; id: string; name?: string };
  roles: string[];
}

/** Keys for two organizations and every role, so tests can check roles and tenancy. */
export const KEYS = {
  admin: { key: 'test-admin-key-0000000001', organizationId: 'org-a', principal: { type: 'USER', id: 'alice', name: 'Alice' }, roles: ['ADMIN'] },
  ingest: { key: 'test-ingest-key-000000001', organizationId: 'org-a', principal: { type: 'MANAGED_AGENT', id: 'agent-7', name: 'Laptop agent' }, roles: ['INGEST'] },
  operator: { key: 'test-operator-key-0000001', organizationId: 'org-a', principal: { type: 'USER', id: 'olga' }, roles: ['OPERATOR'] },
  viewer: { key: 'test-viewer-key-000000001', organizationId: 'org-a', principal: { type: 'USER', id: 'victor' }, roles: ['VIEWER'] },
  otherOrg: { key: 'test-other-org-key-000001', organizationId: 'org-b', principal: { type: 'USER', id: 'bob' }, roles: ['ADMIN'] },
} satisfies Record<string, TestKey>;

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolvePort(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export interface LedgerServer {
  url: string;
  dataDir: string;
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Starts the real server (the built dist) as a child process on a free port with its own
 * DATA_DIR, and waits until it answers.
 */
export async function startServer(options: { env?: Record<string, string>; dataDir?: string; keys?: TestKey[] | null } = {}): Promise<LedgerServer> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'ledger-e2e-'));
  const port = await freePort();
  const keys = options.keys === undefined ? Object.values(KEYS) : options.keys;
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    PORT: String(port),
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    ...(keys ? { LEDGER_API_KEYS: JSON.stringify(keys) } : {}),
    ...options.env,
  };
  const child: ChildProcess = spawn(process.execPath, [MAIN], { env, cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk) => (output += String(chunk)));
  child.stderr?.on('data', (chunk) => (output += String(chunk)));
  const exited = new Promise<number | null>((resolveExit) => child.on('exit', (code) => resolveExit(code)));
  const url = `http://127.0.0.1:${port}/graphql`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}:\n${output}`);
    try {
      const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' });
      if (response.status < 500) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`server did not start within 30 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    dataDir,
    output: () => output,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null) child.kill(signal);
      return exited;
    },
  };
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
