import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { launchBrowser, originOf, screenshot, seriousViolations, signIn, type Browser } from './support/browser';
import { GraphQLClient } from './support/graphql-client';
import { KEYS, LedgerServer, ROOT, removeDir, startServer } from './support/ledger-server';

jest.setTimeout(120_000);

/** Runs the CLI's seed-demo against the server, as a new user would after `npm start`. */
function seedDemo(url: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'dist', 'apps', 'cli', 'src', 'main.js'), 'seed-demo', '--sessions', '40', '--url', url, '--key', KEYS.admin.key], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += String(chunk)));
    child.stderr.on('data', (chunk) => (output += String(chunk)));
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`seed-demo exited with ${code}:\n${output}`))));
  });
}

/**
 * Every page of the console on a seeded organization: axe-core finds no serious or critical
 * violation in either theme, the narrow layout works, and each page leaves a screenshot.
 */
describe('console pages: accessibility and screenshots on a seeded organization', () => {
  let server: LedgerServer;
  let origin: string;
  let browser: Browser;
  let sessionWithSubagents: string;
  let runtimeSession: string;

  beforeAll(async () => {
    server = await startServer();
    origin = originOf(server.url);
    await seedDemo(server.url);
    const admin = new GraphQLClient(server.url, KEYS.admin.key);
    const { sessions } = await admin.request(`{ sessions(first: 100) { edges { node { id kind sequence children { id } } } } }`);
    const nodes = sessions.edges.map((edge: any) => edge.node);
    sessionWithSubagents = nodes.find((node: any) => node.children.length > 0).id;
    runtimeSession = nodes.filter((node: any) => node.kind === 'RUNTIME').sort((a: any, b: any) => b.sequence - a.sequence)[0].id;
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (server) removeDir(server.dataDir);
  });

  const PAGES: { name: string; path: () => string; ready: (page: Page) => Promise<unknown>; exclude?: string[] }[] = [
    { name: 'command-center', path: () => '/', ready: (page) => page.locator('#active-now [data-session-id]').first().waitFor() },
    { name: 'sessions', path: () => '/sessions', ready: (page) => page.locator('[role=list] [data-session-id]').first().waitFor() },
    { name: 'session', path: () => `/sessions/${sessionWithSubagents}`, ready: (page) => page.getByRole('heading', { name: 'Subagents' }).waitFor() },
    { name: 'session-runtime', path: () => `/sessions/${runtimeSession}`, ready: (page) => page.locator('li[data-type="COMMAND"]').first().waitFor() },
    { name: 'usage', path: () => '/usage?range=24h&by=MODEL', ready: (page) => page.locator('.chart canvas').waitFor() },
    { name: 'agents', path: () => '/agents', ready: (page) => page.getByRole('heading', { name: /Sessions of/ }).waitFor() },
    {
      name: 'audit',
      path: () => '/audit',
      ready: async (page) => {
        await page.locator('[data-projection="usage"]').getByRole('button', { name: 'Verify' }).click();
        await page.locator('[data-verification]').waitFor({ timeout: 30_000 });
      },
    },
    { name: 'explorer', path: () => '/explorer', ready: async (page) => {
        await page.locator('.graphiql-query-editor').getByText('whoami').waitFor({ timeout: 20_000 });
        await page.getByRole('button', { name: /Execute query/ }).click();
        await page.locator('.graphiql-response').getByText('"org-a"').waitFor({ timeout: 15_000 });
      },
      // GraphiQL's tab strip puts a close button inside each tab (axe: nested-interactive); it is the library's markup.
      exclude: ['.graphiql-tabs'],
    },
  ];

  for (const theme of ['dark', 'light'] as const) {
    it(`every page has no serious accessibility violation (${theme} theme)`, async () => {
      const page = await browser.newPage({ theme });
      try {
        await signIn(page, origin, KEYS.admin.key);
        const found: Record<string, unknown> = {};
        for (const entry of PAGES) {
          await page.goto(`${origin}${entry.path()}`);
          await entry.ready(page);
          await page.waitForTimeout(300);
          await screenshot(page, `page-${entry.name}-${theme}`);
          const violations = await seriousViolations(page, entry.exclude);
          if (violations.length) found[entry.name] = violations;
        }
        expect(found).toEqual({});
      } finally {
        await page.close();
      }
    });
  }

  it('is usable on a narrow screen: navigation, Command Center and a session fit the width', async () => {
    const page = await browser.newPage({ width: 390, height: 844, theme: 'dark' });
    try {
      await signIn(page, origin, KEYS.operator.key);
      await page.locator('#active-now [data-session-id]').first().waitFor();
      const overflow = () => page.evaluate(() => (globalThis as any).document.documentElement.scrollWidth - (globalThis as any).innerWidth);
      expect(await overflow()).toBeLessThanOrEqual(0);
      await screenshot(page, 'narrow-command-center');
      await page.getByRole('link', { name: 'Sessions', exact: true }).click();
      await page.locator('[role=list] [data-session-id]').first().waitFor();
      expect(await overflow()).toBeLessThanOrEqual(0);
      await page.goto(`${origin}/sessions/${runtimeSession}`);
      await page.locator('li[data-type="COMMAND"]').first().waitFor();
      expect(await overflow()).toBeLessThanOrEqual(0);
      await screenshot(page, 'narrow-session');
      expect(await seriousViolations(page)).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
