import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { ROOT, removeDir } from './ledger-server';

/** Debian's Chromium, as CI installs it (`.ci/run`). */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Screenshots of test runs, for review; git-ignored. */
export const SCREENSHOTS = join(ROOT, 'test-results', 'console');

export interface Browser {
  newPage(options?: { width?: number; height?: number; theme?: 'dark' | 'light' }): Promise<Page>;
  close(): Promise<void>;
}

/** A real Chromium with a fresh user-data dir; each page is its own tab, so its own session storage. */
export async function launchBrowser(): Promise<Browser> {
  const userDataDir = mkdtempSync(join(tmpdir(), 'ledger-chromium-'));
  const context: BrowserContext = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    viewport: { width: 1440, height: 900 },
  });
  return {
    async newPage(options = {}) {
      const page = await context.newPage();
      await page.setViewportSize({ width: options.width ?? 1440, height: options.height ?? 900 });
      await page.emulateMedia({ colorScheme: options.theme ?? 'dark' });
      return page;
    },
    async close() {
      await context.close();
      removeDir(userDataDir);
    },
  };
}

/** The server's origin, from the harness's GraphQL URL. */
export function originOf(graphqlUrl: string): string {
  return graphqlUrl.replace(/\/graphql$/, '');
}

/** Signs in through the sign-in form, as a person would, and waits for the Command Center. */
export async function signIn(page: Page, origin: string, key: string): Promise<void> {
  await page.goto(`${origin}/`);
  await page.getByLabel('API key').fill(key);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Command Center' }).waitFor();
}

export async function screenshot(page: Page, name: string, fullPage = false): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage });
}

/** axe-core's serious and critical findings on the page as it stands. */
export async function seriousViolations(page: Page, exclude: string[] = []): Promise<{ id: string; impact: string; nodes: string[] }[]> {
  let builder = new AxeBuilder({ page });
  for (const selector of exclude) builder = builder.exclude(selector);
  const results = await builder.analyze();
  return results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => ({ id: violation.id, impact: violation.impact ?? '', nodes: violation.nodes.slice(0, 5).map((node) => node.target.join(' ')) }));
}
