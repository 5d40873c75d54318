import type { Page } from 'playwright-core';
import { launchBrowser, originOf, screenshot, signIn, type Browser } from './support/browser';
import { GraphQLClient } from './support/graphql-client';
import { KEYS, LedgerServer, removeDir, startServer } from './support/ledger-server';

const START = `mutation($input: StartSessionInput!) { startSession(input: $input) { id sequence status } }`;
const START_RUN = `mutation($input: StartRunInput!) { startRun(input: $input) { id status } }`;
const APPEND = `mutation($input: AppendRunEventsInput!) { appendRunEvents(input: $input) { lastSequence } }`;
const END = `mutation($input: EndSessionInput!) { endSession(input: $input) { id status } }`;
const RUN = `query($id: ID!) { run(id: $id) { id status } }`;

const CHAT_WINDOW_SECONDS = 4;

jest.setTimeout(90_000);

describe('console: the web console in a real browser against the started server', () => {
  let server: LedgerServer;
  let origin: string;
  let browser: Browser;
  let ingest: GraphQLClient;
  let admin: GraphQLClient;
  const pages: Page[] = [];

  const open = async (key: string, options?: { width?: number; theme?: 'dark' | 'light' }) => {
    const page = await browser.newPage(options);
    pages.push(page);
    await signIn(page, origin, key);
    return page;
  };

  const startChat = async (title: string, tags: string[] = []) => {
    const { startSession } = await ingest.request(START, { input: { kind: 'CHAT', title, tags } });
    await ingest.request(APPEND, { input: { sessionId: startSession.id, events: [{ type: 'MESSAGE', data: { role: 'user', text: `${title}: please help` } }] } });
    return startSession.id as string;
  };

  /** A flow run waiting at a checkpoint: session PAUSED, run WAITING. */
  const pausedFlow = async (title: string) => {
    const { startSession } = await ingest.request(START, { input: { kind: 'FLOW_RUN', title, totalSteps: 3, flowId: 'release' } });
    const runId = `run-${startSession.id.slice(-8)}`;
    await ingest.request(START_RUN, { input: { sessionId: startSession.id, runId } });
    await ingest.request(APPEND, {
      input: {
        sessionId: startSession.id,
        runId,
        events: [
          { type: 'STEP', data: { index: 1, total: 3, name: 'build' } },
          { type: 'CHECKPOINT', data: { name: 'deploy to production', reason: 'needs a human' } },
        ],
      },
    });
    return { id: startSession.id as string, runId };
  };

  beforeAll(async () => {
    server = await startServer({ env: { CHAT_ACTIVE_WINDOW_SECONDS: String(CHAT_WINDOW_SECONDS) } });
    origin = originOf(server.url);
    ingest = new GraphQLClient(server.url, KEYS.ingest.key);
    admin = new GraphQLClient(server.url, KEYS.admin.key);
    browser = await launchBrowser();
  });

  afterEach(async () => {
    await Promise.all(pages.splice(0).map((page) => page.close()));
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (server) removeDir(server.dataDir);
  });

  it('signs in with an API key, refuses an unknown one, and keeps the key in the tab only', async () => {
    const page = await browser.newPage();
    pages.push(page);
    await page.goto(`${origin}/`);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await screenshot(page, 'sign-in');
    await page.getByLabel('API key').fill('not-a-key-of-this-server');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'does not know this key' }).waitFor();

    await page.getByLabel('API key').fill(KEYS.admin.key);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Command Center' }).waitFor();
    expect(await page.locator('[data-caller]').innerText()).toMatch(/Alice[\s\S]*org-a · ADMIN/);
    expect(await page.evaluate(() => Object.values((globalThis as any).sessionStorage))).toEqual([KEYS.admin.key]);
    expect(await page.evaluate((key) => Object.values((globalThis as any).localStorage).includes(key), KEYS.admin.key)).toBe(false);

    await page.reload();
    await page.getByRole('heading', { name: 'Command Center' }).waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(await page.evaluate(() => (globalThis as any).sessionStorage.length)).toBe(0);
  });

  it("the start banner's link signs in with the dev key on the embedded default", async () => {
    const dev = await startServer({ keys: null, env: { LOG_LEVEL: 'info', NO_COLOR: '1' } });
    try {
      const link = /console: (http:\/\/localhost:\d+\/#key=[\w%-]+)/.exec(dev.output())?.[1];
      expect(link).toBeDefined();
      const page = await browser.newPage();
      pages.push(page);
      await page.goto(link!);
      await page.getByRole('heading', { name: 'Command Center' }).waitFor();
      expect(await page.locator('[data-caller]').innerText()).toContain('Dev Admin');
      expect(new URL(page.url()).hash).toBe('');
    } finally {
      await dev.stop();
      removeDir(dev.dataDir);
    }
  });

  it('the Command Center shows a session a client starts, live, and moves it to Recent when its chat window passes', async () => {
    const page = await open(KEYS.operator.key);
    await page.getByRole('status').filter({ hasText: 'Live' }).waitFor();
    await page.evaluate(() => ((globalThis as any).notReloaded = true));
    const before = Number(await page.locator('[data-count=active]').innerText());

    const id = await startChat('Live chat from a test client');
    await page.locator(`#active-now [data-session-id="${id}"]`).waitFor({ timeout: 10_000 });
    expect(await page.locator(`#active-now [data-session-id="${id}"] [data-progress]`).innerText()).toMatch(/^1 message/);
    await page.waitForFunction((n) => Number((globalThis as any).document.querySelector('[data-count=active]')?.textContent) === n + 1, before);
    await screenshot(page, 'command-center-live');

    await page.locator(`#recent [data-session-id="${id}"]`).waitFor({ timeout: (CHAT_WINDOW_SECONDS + 10) * 1000 });
    expect(await page.locator(`#active-now [data-session-id="${id}"]`).count()).toBe(0);
    expect(await page.evaluate(() => (globalThis as any).notReloaded)).toBe(true);
    await screenshot(page, 'command-center-recent');
  });

  it('approves a checkpoint from the Command Center, and the run resumes', async () => {
    const { id, runId } = await pausedFlow('Release 4.2 waiting for approval');
    const page = await open(KEYS.operator.key);
    const row = page.locator(`#active-now [data-session-id="${id}"]`);
    await row.waitFor();
    expect(await row.locator('[data-status]').getAttribute('data-status')).toBe('PAUSED');
    await screenshot(page, 'command-center-checkpoint');
    await row.getByRole('button', { name: /^Approve/ }).click();
    await row.locator('[data-status="RUNNING"]').waitFor({ timeout: 10_000 });
    expect(await row.getByRole('button', { name: /^Approve/ }).count()).toBe(0);
    const { run } = await admin.request(RUN, { id: runId });
    expect(run.status).toBe('RUNNING');
  });

  it('filters the Sessions list by tag and by status group, with the filters in the URL', async () => {
    const active = await startChat('Tagged and active', ['filter-e2e']);
    const { startSession: failed } = await ingest.request(START, { input: { kind: 'BACKGROUND_TASK', title: 'Tagged and failed', tags: ['filter-e2e'] } });
    await ingest.request(END, { input: { sessionId: failed.id, status: 'FAILED', reason: 'worker crashed' } });
    await startChat('Not tagged');

    const page = await open(KEYS.viewer.key);
    await page.goto(`${origin}/sessions?tags=filter-e2e`);
    await page.locator('[data-total="2"]').waitFor();
    const ids = async () => (await page.locator('[role=list] [data-session-id]').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-session-id')))).sort();
    expect(await ids()).toEqual([active, failed.id].sort());

    await page.getByRole('group', { name: 'Status group' }).getByRole('button', { name: 'problem' }).click();
    await page.waitForURL(/group=PROBLEM/);
    await page.locator('[data-total="1"]').waitFor();
    expect(await ids()).toEqual([failed.id]);
    await screenshot(page, 'sessions-filtered');

    await page.reload();
    await page.locator('[data-total="1"]').waitFor();
    expect(await ids()).toEqual([failed.id]);
    expect(await page.getByRole('button', { name: 'problem' }).getAttribute('aria-pressed')).toBe('true');
  });

  it('a session page shows an appended event as it arrives, and the scrubber replays an earlier status', async () => {
    const { startSession } = await ingest.request(START, { input: { kind: 'FLOW_RUN', title: 'Nightly reconciliation', totalSteps: 2 } });
    expect(startSession.status).toBe('PENDING');
    const runId = 'run-replay-1';
    await ingest.request(START_RUN, { input: { sessionId: startSession.id, runId } });
    const { appendRunEvents } = await ingest.request(APPEND, {
      input: { sessionId: startSession.id, runId, events: [{ type: 'STEP', data: { index: 1, total: 2, name: 'fetch ledgers' } }] },
    });

    const page = await open(KEYS.viewer.key);
    await page.goto(`${origin}/sessions/${startSession.id}`);
    await page.locator(`li[data-sequence="${appendRunEvents.lastSequence}"]`).waitFor();
    expect(await page.locator('[data-header-status] [data-status]').getAttribute('data-status')).toBe('RUNNING');

    await ingest.request(APPEND, {
      input: { sessionId: startSession.id, runId, events: [{ type: 'MESSAGE', data: { role: 'assistant', text: 'Ledgers fetched; comparing totals now.' } }] },
    });
    await page.locator(`li[data-sequence="${appendRunEvents.lastSequence + 1}"][data-type="MESSAGE"]`).filter({ hasText: 'comparing totals now' }).waitFor({ timeout: 10_000 });
    await screenshot(page, 'session-live');

    await page.locator('#scrubber').fill('0');
    await page.locator('[data-header-status] [data-status="PENDING"]').waitFor();
    await page.getByRole('status').filter({ hasText: 'after event #0' }).waitFor();
    expect(await page.locator('li[data-future="true"]').count()).toBe(appendRunEvents.lastSequence + 1);
    await screenshot(page, 'session-replay');
    await page.getByRole('button', { name: 'Back to live' }).click();
    await page.locator('[data-header-status] [data-status="RUNNING"]').waitFor();
  });

  it('a VIEWER sees no operator controls', async () => {
    const { id } = await pausedFlow('Paused, seen by a viewer');
    const page = await open(KEYS.viewer.key);
    const row = page.locator(`#active-now [data-session-id="${id}"]`);
    await row.waitFor();
    expect(await row.getByRole('button', { name: /Approve|Reject/ }).count()).toBe(0);

    await page.goto(`${origin}/sessions/${id}`);
    await page.locator('[data-header-status] [data-status="PAUSED"]').waitFor();
    expect(await page.getByRole('button', { name: /Approve|Reject|End session/ }).count()).toBe(0);

    await page.goto(`${origin}/audit`);
    await page.locator('[data-projection="sessions"]').waitFor();
    expect(await page.getByRole('button', { name: /Rebuild|Verify/ }).count()).toBe(0);
    await page.getByText('need an ADMIN key').waitFor();
    await screenshot(page, 'viewer-audit');
  });

  it("another organization's key sees none of it", async () => {
    const id = await startChat('Belongs to org-a only');
    const page = await open(KEYS.otherOrg.key);
    await page.locator('[data-count=active]').filter({ hasText: '0' }).waitFor();
    expect(await page.locator('[data-count=recent]').innerText()).toBe('0');
    expect(await page.locator('[data-session-id]').count()).toBe(0);

    await page.goto(`${origin}/sessions`);
    await page.locator('[data-total="0"]').waitFor();
    await page.goto(`${origin}/sessions/${id}`);
    await page.getByRole('heading', { name: 'Session not found' }).waitFor();
    await page.goto(`${origin}/usage`);
    await page.getByText('No usage in this range.').waitFor();
    await screenshot(page, 'other-organization');
  });

  it("the usage chart's totals equal the API's", async () => {
    const { startSession } = await ingest.request(START, { input: { kind: 'BACKGROUND_TASK', title: 'Usage for the ledger', flowId: 'billing' } });
    await ingest.request(APPEND, {
      input: {
        sessionId: startSession.id,
        events: [
          { type: 'MODEL_USAGE', data: { model: 'claude-sonnet-4', inputTokens: 12000, outputTokens: 3400, costUsd: 0.087 } },
          { type: 'MODEL_USAGE', data: { model: 'gpt-4o', inputTokens: 8000, outputTokens: 1200, costUsd: 0.0312 } },
          { type: 'MODEL_USAGE', data: { model: 'local-llama', inputTokens: 5000, outputTokens: 900 } },
        ],
      },
    });
    const now = Date.now();
    const { usage } = await admin.request(
      `query($filter: UsageFilter!) { usage(filter: $filter, groupBy: [MODEL]) { model usage { costUsd totalTokens } } }`,
      { filter: { from: new Date(now - 86_400_000).toISOString(), to: new Date(now + 3_600_000).toISOString() } },
    );
    const apiCost = usage.reduce((sum: number, row: any) => sum + row.usage.costUsd, 0);
    const apiTokens = usage.reduce((sum: number, row: any) => sum + row.usage.totalTokens, 0);
    expect(apiCost).toBeGreaterThan(0.1);

    const page = await open(KEYS.viewer.key);
    await page.goto(`${origin}/usage?range=24h&by=MODEL`);
    await page.locator('.chart canvas').waitFor();
    const chartCost = Number(await page.locator('[data-chart-total=cost]').getAttribute('data-value'));
    const chartTokens = Number(await page.locator('[data-chart-total=tokens]').getAttribute('data-value'));
    expect(chartCost).toBeCloseTo(apiCost, 9);
    expect(chartTokens).toBe(apiTokens);
    expect(await page.locator('[data-table-total=tokens]').innerText()).toBe(apiTokens.toLocaleString('en-US'));
    expect(await page.locator('[aria-labelledby=table-title] tbody tr').count()).toBe(usage.length);
    await screenshot(page, 'usage');
  });

  it('the explorer runs a query with the console key', async () => {
    const page = await open(KEYS.viewer.key);
    await page.goto(`${origin}/explorer`);
    await page.locator('.graphiql-query-editor').getByText('whoami').waitFor({ timeout: 20_000 });
    await page.getByRole('button', { name: /Execute query/ }).click();
    await page.locator('.graphiql-response').getByText('"org-a"').waitFor({ timeout: 15_000 });
    await screenshot(page, 'explorer');
  });
});
