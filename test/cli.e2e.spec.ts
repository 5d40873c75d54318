import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GraphQLClient } from './support/graphql-client';
import { freePort, KEYS, LedgerServer, removeDir, ROOT, startServer } from './support/ledger-server';

/**
 * The admin CLI as a user runs it: the BUILT bin (dist/apps/cli/src/main.js) as a child process
 * against the real server, talking only through the API.
 */
const CLI = join(ROOT, 'dist', 'apps', 'cli', 'src', 'main.js');

interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A scratch working directory without ./data, so no dev key is picked up by accident. */
const CWD = mkdtempSync(join(tmpdir(), 'ledger-cli-e2e-'));

function cliEnv(extra: Record<string, string> = {}): Record<string, string> {
  return { PATH: process.env.PATH ?? '', ...extra };
}

function runCli(args: string[], options: { env?: Record<string, string>; timeoutMs?: number } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: CWD, env: cliEnv(options.env), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += String(chunk)));
    child.stderr.on('data', (chunk) => (stderr += String(chunk)));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`agent-ledger ${args.join(' ')} did not finish in time\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, options.timeoutMs ?? 60_000);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

afterAll(() => removeDir(CWD));

async function waitFor(what: string, predicate: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Splits one CSV line with RFC 4180 quoting. */
function parseCsvLine(line: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i += 1) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      fields.push(field);
      field = '';
    } else field += c;
  }
  fields.push(field);
  return fields;
}

const USAGE_FIELDS = ['requests', 'inputTokens', 'outputTokens', 'cacheReadTokens', 'cacheWriteTokens', 'reasoningTokens', 'totalTokens', 'costUsd', 'unpricedRequests'];
const SESSIONS_QUERY = `query($filter: SessionFilter) {
  sessions(filter: $filter, first: 200) { totalCount edges { node { id kind status sequence parentSessionId owner { type id } subagent { name } } } }
}`;
const APPEND = `mutation($input: AppendRunEventsInput!) { appendRunEvents(input: $input) { lastSequence } }`;

interface SeedSummary {
  sessions: number;
  newSessions: number;
  runs: number;
  eventsAdded: number;
  sessionIds: string[];
}

describe('agent-ledger CLI against a running server', () => {
  let server: LedgerServer;
  let admin: GraphQLClient;
  let seeded: SeedSummary;
  const followers: ChildProcess[] = [];
  const connection = () => ['--url', server.url, '--key', KEYS.admin.key];

  beforeAll(async () => {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: build first (npm run build)`);
    server = await startServer();
    admin = new GraphQLClient(server.url, KEYS.admin.key);
  }, 60_000);

  afterAll(async () => {
    for (const child of followers) if (child.exitCode === null) child.kill('SIGKILL');
    await server?.stop();
    if (server) removeDir(server.dataDir);
  });

  it('seed-demo fills the server with all four kinds, subagents and every principal type; a second run adds nothing', async () => {
    const first = await runCli(['seed-demo', '--sessions', '20', '--seed', 'e2e', '--json', ...connection()]);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    seeded = JSON.parse(first.stdout) as SeedSummary;
    expect(seeded).toMatchObject({ sessions: 20, newSessions: 20 });
    expect(seeded.eventsAdded).toBeGreaterThan(200);

    const { sessions } = await admin.request(SESSIONS_QUERY, { filter: { tags: ['seed:e2e'] } });
    const nodes = sessions.edges.map((edge: { node: Record<string, any> }) => edge.node);
    expect(sessions.totalCount).toBe(20);
    expect(new Set(nodes.map((n: any) => n.kind))).toEqual(new Set(['CHAT', 'FLOW_RUN', 'BACKGROUND_TASK', 'RUNTIME']));
    expect(new Set(nodes.map((n: any) => n.owner.type))).toEqual(new Set(['USER', 'MANAGED_AGENT', 'SERVICE', 'FLOW']));
    expect(nodes.filter((n: any) => n.parentSessionId && n.subagent).length).toBe(4);
    expect(new Set(nodes.map((n: any) => n.status))).toEqual(new Set(['OPEN', 'RUNNING', 'PAUSED', 'COMPLETED', 'FAILED', 'REJECTED', 'ENDED']));
    const eventsBefore = nodes.reduce((sum: number, n: any) => sum + n.sequence + 1, 0);
    expect(eventsBefore).toBe(seeded.eventsAdded);
    const { commandCenter } = await admin.request('{ commandCenter { counts { active attention recent } } }');
    expect(commandCenter.counts.active).toBeGreaterThanOrEqual(5);
    expect(commandCenter.counts.attention).toBeGreaterThanOrEqual(1);

    const again = await runCli(['seed-demo', '--sessions', '20', '--seed', 'e2e', ...connection()]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('sessions  20 (0 new, 20 already there)');
    expect(again.stdout).toContain('events    0 added (everything was already there)');
    expect(again.stdout).toContain('commandCenter');
    const after = (await admin.request(SESSIONS_QUERY, { filter: { tags: ['seed:e2e'] } })).sessions;
    expect(after.totalCount).toBe(20);
    expect(after.edges.reduce((sum: number, edge: any) => sum + edge.node.sequence + 1, 0)).toBe(eventsBefore);
  }, 60_000);

  it('export-usage writes CSV whose totals equal the usage query, and JSON equal to it', async () => {
    const from = new Date(Date.now() - 3600_000).toISOString();
    const to = new Date(Date.now() + 3600_000).toISOString();
    const csv = await runCli(['export-usage', '--from', from, '--to', to, '--group-by', 'model,PRINCIPAL,day', ...connection()]);
    expect(csv.stderr).toBe('');
    expect(csv.code).toBe(0);
    const lines = csv.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(`model,principal,day,${USAGE_FIELDS.join(',')}`);
    const rows = lines.slice(1).map(parseCsvLine);
    expect(rows.length).toBeGreaterThanOrEqual(8);
    expect(rows.every((row) => row.length === 3 + USAGE_FIELDS.length)).toBe(true);
    expect(rows.every((row) => /^(USER|MANAGED_AGENT|SERVICE|FLOW):/.test(row[1]!))).toBe(true);

    const filter = { from, to };
    const { usage: totals } = await admin.request(`query($filter: UsageFilter!) { usage(filter: $filter, groupBy: []) { usage { ${USAGE_FIELDS.join(' ')} } } }`, { filter });
    USAGE_FIELDS.forEach((field, index) => {
      const sum = rows.reduce((acc, row) => acc + Number(row[3 + index]), 0);
      if (field === 'costUsd') expect(sum).toBeCloseTo(totals[0].usage[field], 9);
      else expect(sum).toBe(totals[0].usage[field]);
    });
    expect(totals[0].usage.costUsd).toBeGreaterThan(0);
    expect(totals[0].usage.unpricedRequests).toBeGreaterThan(0);

    const json = await runCli(['export-usage', '--from', from, '--to', to, '--group-by', 'FLOW', '--format', 'json', '--flows', 'release-pipeline,invoice-backfill', ...connection()]);
    expect(json.code).toBe(0);
    const { usage: byFlow } = await admin.request(
      `query($filter: UsageFilter!) { usage(filter: $filter, groupBy: [FLOW]) { accountId flowId model sessionId bucketStart principal { type id name } usage { ${USAGE_FIELDS.join(' ')} } } }`,
      { filter: { ...filter, flowIds: ['release-pipeline', 'invoice-backfill'] } },
    );
    expect(JSON.parse(json.stdout)).toEqual(byFlow);
    expect(byFlow.length).toBeGreaterThan(0);
  }, 30_000);

  it('export-usage refuses bad dimensions and dates with exit 2', async () => {
    const badDimension = await runCli(['export-usage', '--from', '2025-01-01', '--to', '2025-02-01', '--group-by', 'MODEL,TEAM', ...connection()]);
    expect(badDimension.code).toBe(2);
    expect(badDimension.stderr).toContain('unknown dimension TEAM; choose from ACCOUNT FLOW MODEL PRINCIPAL SESSION DAY HOUR');
    const badDate = await runCli(['export-usage', '--from', 'last week', '--to', '2025-02-01', '--group-by', 'MODEL', ...connection()]);
    expect(badDate.code).toBe(2);
    expect(badDate.stderr).toContain('--from "last week" is not a date');
    const missing = await runCli(['export-usage', '--from', '2025-01-01', ...connection()]);
    expect(missing.code).toBe(2);
  }, 30_000);

  it('timeline prints every event of a session, one line each, and --json one object per line', async () => {
    const id = seeded.sessionIds[2]!;
    const { session } = await admin.request('query($id: ID!) { session(id: $id) { sequence } }', { id });
    const plain = await runCli(['timeline', id, ...connection()]);
    expect(plain.code).toBe(0);
    const lines = plain.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(session.sequence + 1);
    expect(lines[0]).toMatch(/^\s+0 {2}\S+Z {2}SessionStarted/);
    expect(plain.stdout).toContain('CHECKPOINT');
    expect(plain.stdout).toContain('CheckpointResolved');

    const json = await runCli(['timeline', id, '--json', '--after', '2', '--types', 'step,CHECKPOINT', ...connection()]);
    expect(json.code).toBe(0);
    const events = json.stdout.trimEnd().split('\n').map((line) => JSON.parse(line) as { sequence: number; type: string });
    expect(events.length).toBeGreaterThan(1);
    expect(events.every((event) => event.sequence > 2 && ['STEP', 'CHECKPOINT'].includes(event.type))).toBe(true);
    expect(events.map((event) => event.sequence)).toEqual([...events.map((event) => event.sequence)].sort((a, b) => a - b));

    const missing = await runCli(['timeline', `session_${'0'.repeat(32)}`, ...connection()]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('error: NOT_FOUND:');
    const badId = await runCli(['timeline', 'nope', ...connection()]);
    expect(badId.code).toBe(2);
  }, 30_000);

  it('timeline --follow prints the history, then events appended meanwhile, each once; Ctrl-C exits 0', async () => {
    const id = seeded.sessionIds[0]!;
    const child = spawn(process.execPath, [CLI, 'timeline', id, '--follow', ...connection()], { cwd: CWD, env: cliEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    followers.push(child);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (chunk) => (stdout += String(chunk)));
    child.stderr!.on('data', (chunk) => (stderr += String(chunk)));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await waitFor('the history and the follow notice', () => stderr.includes('following'));
    const before = stdout.trimEnd().split('\n').length;

    const ingest = new GraphQLClient(server.url, KEYS.admin.key);
    const { appendRunEvents } = await ingest.request(APPEND, { input: { sessionId: id, events: [{ type: 'LOG', data: { message: 'followed-1' } }] } });
    await waitFor('the first live event', () => stdout.includes('followed-1'));
    await ingest.request(APPEND, { input: { sessionId: id, events: [{ type: 'LOG', data: { message: 'followed-2' } }, { type: 'LOG', data: { message: 'followed-3' } }] } });
    await waitFor('the next live events', () => stdout.includes('followed-3'));

    const lines = stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(before + 3);
    const sequences = lines.map((line) => Number(line.trim().split(/\s+/)[0]));
    expect(sequences).toEqual(Array.from({ length: sequences.length }, (_, i) => i));
    expect(lines[before]).toContain(`${appendRunEvents.lastSequence}`);

    child.kill('SIGINT');
    expect(await exited).toBe(0);
  }, 30_000);

  it('errors: an unknown key is the server code on stderr (exit 1); no server says how to start one', async () => {
    const unknownKey = await runCli(['timeline', seeded.sessionIds[0]!, '--url', server.url, '--key', 'not-a-key-000000000000']);
    expect(unknownKey.code).toBe(1);
    expect(unknownKey.stderr).toMatch(/^error: UNAUTHENTICATED: /);

    const port = await freePort();
    const nobody = await runCli(['export-usage', '--from', '2025-01-01', '--to', '2025-02-01', '--group-by', 'MODEL', '--url', `http://127.0.0.1:${port}/graphql`, '--key', 'k']);
    expect(nobody.code).toBe(1);
    expect(nobody.stderr).toContain(`the server at http://127.0.0.1:${port}/graphql is not reachable`);
    expect(nobody.stderr).toContain('npm start');

    const noKey = await runCli(['export-usage', '--from', '2025-01-01', '--to', '2025-02-01', '--group-by', 'MODEL', '--url', server.url]);
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toContain('no API key');
  }, 30_000);

  it('rebuild and verify, when the server has them: progress to LIVE at a new version, then a matching verification', async () => {
    const implemented = async (mutation: string) => {
      const result = await admin.raw(`mutation { ${mutation}(name: "no-such-projection") { name } }`);
      const error = result.errors?.[0];
      if (!error) return true;
      const missingResolver = error.extensions?.code === 'INTERNAL' || /Cannot query field|Cannot return null/.test(error.message);
      return !missingResolver;
    };
    const canRebuild = await implemented('rebuildProjection');
    const canVerify = await implemented('verifyProjection');
    if (!canRebuild || !canVerify) {
      console.warn(`skipped CLI rebuild/verify: the server does not implement ${[!canRebuild && 'rebuildProjection', !canVerify && 'verifyProjection'].filter(Boolean).join(' and ')} yet`);
    }

    const unknown = await runCli(['rebuild', 'no-such-projection', ...connection()]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no projection named "no-such-projection"; the server has: sessions');

    if (canRebuild) {
      const { projections } = await admin.request('{ projections { name version state } }');
      const before = projections.find((p: { name: string }) => p.name === 'sessions').version;
      const rebuild = await runCli(['rebuild', 'sessions', ...connection()], { timeoutMs: 120_000 });
      expect(rebuild.stderr).not.toContain('error:');
      expect(rebuild.code).toBe(0);
      expect(rebuild.stdout).toMatch(/^rebuild sessions {2}/m);
      expect(rebuild.stdout).toContain(`rebuilt sessions: version ${before} -> `);
      expect(rebuild.stdout).toMatch(/events processed {2}[\d,]+/);
      expect(rebuild.stdout).toMatch(/average {11}[\d,]+ events\/s/);
      const after = (await admin.request('{ projections { name version state } }')).projections.filter((p: { name: string }) => p.name === 'sessions');
      expect(after.some((p: { version: number; state: string }) => p.version > before && p.state === 'LIVE')).toBe(true);
    }
    if (canVerify) {
      const verify = await runCli(['verify', 'sessions', ...connection()], { timeoutMs: 120_000 });
      expect(verify.stderr).not.toContain('error:');
      expect(verify.code).toBe(0);
      expect(verify.stdout).toContain('matches      yes');
      expect(verify.stdout).toMatch(/documents {4}[\d,]+/);
      const json = await runCli(['verify', 'runs', '--json', ...connection()], { timeoutMs: 120_000 });
      expect(json.code).toBe(0);
      expect(JSON.parse(json.stdout)).toMatchObject({ name: 'runs', matches: true, differences: [] });
    }
  }, 300_000);
});

describe('agent-ledger CLI with the embedded default dev key', () => {
  it('finds the key in $DATA_DIR/dev-api-key.json when neither --key nor LEDGER_API_KEY is given', async () => {
    const server = await startServer({ keys: null });
    try {
      const result = await runCli(['export-usage', '--from', '2025-01-01', '--to', '2025-02-01', '--group-by', 'MODEL'], {
        env: { DATA_DIR: server.dataDir, LEDGER_URL: server.url },
      });
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(result.stdout).toBe(`model,${USAGE_FIELDS.join(',')}\n`);
    } finally {
      await server.stop();
      removeDir(server.dataDir);
    }
  }, 60_000);
});
