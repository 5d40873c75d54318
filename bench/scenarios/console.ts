import { gzipSync } from 'node:zlib';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { BenchContext, fmt } from '../support/context';
import { GraphQLClient } from '../support/graphql';
import { log } from '../support/progress';
import { row } from '../support/report';
import { INGEST_KEY, VIEWER_KEY } from '../support/server';
import { percentile } from '../support/stats';
import { loadedServer } from './loaded-server';
import type { Scenario } from './scenario';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const LOADS = 10;
const LIVE_CHANGES = 40;

const START = `mutation($input: StartSessionInput!) { startSession(input: $input) { id } }`;
const APPEND = `mutation($input: AppendRunEventsInput!) { appendRunEvents(input: $input) { lastSequence } }`;

/**
 * Records, in the page, the instant the first element matching `selector` is painted: the frame
 * after it enters the DOM. Milliseconds since the navigation started.
 */
function paintProbe(selector: string): string {
  return `(() => {
    const seen = () => {
      if (!document.querySelector(${JSON.stringify(selector)})) return false;
      requestAnimationFrame(() => { window.__painted = performance.now(); });
      return true;
    };
    new MutationObserver((_m, observer) => { if (seen()) observer.disconnect(); }).observe(document, { childList: true, subtree: true });
  })();`;
}

async function timeFirstPaint(page: Page, url: string): Promise<number> {
  await page.goto(url);
  await page.waitForFunction(() => typeof (globalThis as any).__painted === 'number', undefined, { timeout: 60_000 });
  return page.evaluate(() => (globalThis as any).__painted as number);
}

/**
 * Scenario 11: the console on the queried organization (100 000 sessions at full scale): the
 * Command Center's first meaningful paint (its first session row), the Sessions list's first page,
 * a live change on screen after its append, and the JavaScript loaded on first load (gzipped).
 */
export const consoleScenario: Scenario = {
  id: '11',
  title: 'console',
  async run(ctx: BenchContext) {
    const loaded = await loadedServer(ctx);
    const origin = `http://127.0.0.1:${loaded.server.port}`;
    const sessions = loaded.dataset.summary.sessions;
    const userDataDir = mkdtempSync(join(tmpdir(), 'bench-chromium-'));
    const browser = await chromium.launchPersistentContext(userDataDir, { executablePath: CHROMIUM, headless: true, args: FLAGS, viewport: { width: 1440, height: 900 } });
    try {
      // First load: every script the page fetched until the Command Center shows its rows.
      const page = await browser.newPage();
      const scripts: Promise<number>[] = [];
      page.on('response', (response) => {
        if (response.request().resourceType() === 'script') scripts.push(response.body().then((body) => gzipSync(body).length));
      });
      await page.goto(`${origin}/#key=${encodeURIComponent(VIEWER_KEY.key)}`);
      await page.locator('[data-session-id]').first().waitFor({ timeout: 60_000 });
      await page.waitForLoadState('networkidle');
      const jsBytes = (await Promise.all(scripts)).reduce((sum, size) => sum + size, 0);

      log(`[11] Command Center and Sessions first paint, ${LOADS} loads each`);
      await page.addInitScript(paintProbe('[data-session-id]'));
      const commandCenter: number[] = [];
      const sessionsList: number[] = [];
      for (let i = 0; i < LOADS; i += 1) {
        commandCenter.push(await timeFirstPaint(page, `${origin}/`));
        sessionsList.push(await timeFirstPaint(page, `${origin}/sessions`));
      }

      log(`[11] live changes: ${LIVE_CHANGES} appends to a chat on the open Command Center`);
      await page.goto(`${origin}/`);
      await page.getByRole('status').filter({ hasText: 'Live' }).waitFor({ timeout: 60_000 });
      const ingest = new GraphQLClient(loaded.server.port, INGEST_KEY.key, 2);
      const { startSession } = await ingest.request<{ startSession: { id: string } }>(START, { input: { kind: 'CHAT', title: 'console bench chat' } });
      const id = startSession.id;
      const latencies: number[] = [];
      const appendRoundTrips: number[] = [];
      for (let i = 1; i <= LIVE_CHANGES + 2; i += 1) {
        const expected = `${i} message`;
        await page.evaluate(
          ({ id, expected }) => {
            const g = globalThis as any;
            g.__shown = undefined;
            const check = () => {
              const label = g.document.querySelector(`#active-now [data-session-id="${id}"] [data-progress]`)?.textContent ?? '';
              if (label.startsWith(expected) && (label.length === expected.length || label[expected.length] === 's')) {
                g.__shown = Date.now();
                return true;
              }
              return false;
            };
            if (check()) return;
            const observer = new g.MutationObserver(() => { if (check()) observer.disconnect(); });
            observer.observe(g.document, { childList: true, subtree: true, characterData: true });
          },
          { id, expected },
        );
        const sent = Date.now();
        await ingest.request(APPEND, { input: { sessionId: id, events: [{ type: 'MESSAGE', data: { role: 'user', text: `message ${i}` } }] } });
        const answered = Date.now();
        await page.waitForFunction(() => typeof (globalThis as any).__shown === 'number', undefined, { timeout: 10_000 });
        const shown = await page.evaluate(() => (globalThis as any).__shown as number);
        if (i > 2) {
          // the first two warm the path
          latencies.push(shown - sent);
          appendRoundTrips.push(answered - sent);
        }
        await new Promise((r) => setTimeout(r, 50));
      }
      ingest.close();

      const scale = `${fmt(sessions)} sessions`;
      ctx.detail('11', { jsBytes, commandCenter, sessionsList, latencies, appendRoundTrips });
      ctx.add(row({ scenario: '11', figure: `console: Command Center first meaningful paint p50 / p95 (${scale})`, value: percentile(commandCenter, 95), unit: 'ms', target: { op: '<=', value: 1000, label: '< 1 s' }, note: `p50 ${percentile(commandCenter, 50).toFixed(0)} ms over ${LOADS} loads` }));
      ctx.add(row({ scenario: '11', figure: `console: Sessions list first page painted p50 / p95 (${scale})`, value: percentile(sessionsList, 95), unit: 'ms', target: { op: '<=', value: 1000, label: '< 1 s' }, note: `p50 ${percentile(sessionsList, 50).toFixed(0)} ms over ${LOADS} loads` }));
      ctx.add(row({ scenario: '11', figure: 'console: live change on screen after its append, p95', value: percentile(latencies, 95), unit: 'ms', target: { op: '<=', value: 100, label: '<= 100 ms' }, note: `p50 ${percentile(latencies, 50).toFixed(0)} ms over ${latencies.length} appends (append request sent -> row repainted); the append's own round trip (read-your-writes included) p50 ${percentile(appendRoundTrips, 50).toFixed(0)} / p95 ${percentile(appendRoundTrips, 95).toFixed(0)} ms` }));
      ctx.add(row({ scenario: '11', figure: 'console: JavaScript loaded on first load, gzipped', value: jsBytes / 1024, unit: 'KiB', target: { op: '<=', value: 350, label: '< 350 KB' } }));
    } finally {
      await browser.close();
      rmSync(userDataDir, { recursive: true, force: true });
    }
  },
};
