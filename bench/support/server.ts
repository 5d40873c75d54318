import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { cleanup } from './cleanup';
import { httpStatus } from './graphql';
import { now, processMemory } from './stats';

export interface BenchKey {
  key: string;
  organizationId: string;
  principal: { type: string; id: string; name?: string };
  roles: string[];
}

export const INGEST_KEY: BenchKey = {
  key: 'bench-ingest-key-0000001',
  organizationId: 'bench',
  principal: { type: 'SERVICE', id: 'bench' },
  roles: ['INGEST', 'VIEWER'],
};

export const VIEWER_KEY: BenchKey = {
  key: 'bench-viewer-key-0000001',
  organizationId: 'bench',
  principal: { type: 'USER', id: 'bench-viewer' },
  roles: ['VIEWER'],
};

/** For the subscription scenarios: writes and reads on one key. */
export const ADMIN_KEY_FOR_LIVE: BenchKey = {
  key: 'bench-live-admin-key-0001',
  organizationId: 'bench',
  principal: { type: 'SERVICE', id: 'bench-live' },
  roles: ['ADMIN'],
};

/** The build's root: this file is <dist>/bench/support/server.js. */
const DIST_ROOT = resolve(__dirname, '..', '..');

/**
 * The built api entry of the same build as the bench. package.json's start script names
 * dist/apps/api/main.js, but with rootDir "." tsc emits dist/apps/api/src/main.js; take
 * whichever exists.
 */
export function serverEntry(): string {
  const candidates = [join(DIST_ROOT, 'apps', 'api', 'main.js'), join(DIST_ROOT, 'apps', 'api', 'src', 'main.js')];
  return candidates.find((file) => existsSync(file)) ?? candidates[0]!;
}

export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no port'))));
    });
  });
}

export interface ServerOptions {
  dataDir: string;
  keys: BenchKey[];
  /** Extra node flags, e.g. --cpu-prof. */
  nodeArgs?: string[];
  env?: Record<string, string>;
  startTimeoutMs?: number;
}

/** The real API server as a child process, with its own DATA_DIR and a free port. */
export class ServerProcess {
  private output: string[] = [];
  private exited: { code: number | null; signal: string | null } | null = null;
  readonly spawnedAt: number;

  private constructor(
    readonly child: ChildProcess,
    readonly port: number,
  ) {
    this.spawnedAt = now();
    const keep = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) this.output.push(line);
      if (this.output.length > 200) this.output = this.output.slice(-100);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    child.once('exit', (code, signal) => (this.exited = { code, signal }));
  }

  static async start(options: ServerOptions): Promise<ServerProcess> {
    const entry = serverEntry();
    if (!existsSync(entry)) throw new Error(`${entry} does not exist: the api did not build`);
    const port = await freePort();
    const env: Record<string, string> = {};
    for (const [name, value] of Object.entries(process.env)) {
      if (value !== undefined && !/^(EVENTSTORE_URL|MONGODB_URL|LEDGER_|DATA_DIR|PORT)/.test(name)) env[name] = value;
    }
    Object.assign(env, {
      PORT: String(port),
      DATA_DIR: options.dataDir,
      LEDGER_API_KEYS: JSON.stringify(options.keys),
      LOG_LEVEL: 'warn',
      // As the production image (Dockerfile) and `npm start` run it: graphql-js skips its
      // development-only checks (a cross-realm instanceof on every type it meets).
      NODE_ENV: 'production',
      // The bench measures throughput: the per-key request budgets would cap it.
      RATE_LIMIT_INGEST: '0',
      RATE_LIMIT_READ: '0',
      ...options.env,
    });
    const child = spawn(process.execPath, [...(options.nodeArgs ?? []), entry], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    cleanup.track(child);
    const server = new ServerProcess(child, port);
    await server.waitListening(options.startTimeoutMs ?? 600_000);
    return server;
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** Last lines the server printed, for error messages. */
  recentOutput(lines = 15): string {
    return this.output.slice(-lines).join('\n');
  }

  private async waitListening(timeoutMs: number): Promise<void> {
    const deadline = now() + timeoutMs;
    while (now() < deadline) {
      if (this.exited) {
        throw new Error(`the server exited (code ${this.exited.code}, signal ${this.exited.signal}) before listening:\n${this.recentOutput()}`);
      }
      if ((await httpStatus(this.port, '/health/live', 500)) === 200) return;
      await sleep(50);
    }
    throw new Error(`the server did not listen within ${timeoutMs} ms:\n${this.recentOutput()}`);
  }

  memory(): { peakRss: number; rss: number } | null {
    return processMemory(this.pid);
  }

  /** SIGTERM (graceful: projections stop, stores close), SIGKILL after a grace period. */
  async stop(graceMs = 15_000): Promise<void> {
    if (this.exited) return;
    const exited = new Promise<void>((resolveExit) => this.child.once('exit', () => resolveExit()));
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolveSleep) => setTimeout(resolveSleep, ms));
}
