/**
 * The playground's browser tier: the playground server (@firth/playground, port 0, built page from
 * apps/playground/dist/public) and Debian's Chromium through playwright-core, as test/src/browser
 * drives n8n's editor. Each panel's test opens the page on its tab, acts as a learner would,
 * asserts on what the page shows, scans it with axe-core and keeps a screenshot in
 * test/.artifacts/playground/<name>.png.
 *
 *   const s = await openPlayground('tokenizer');
 *   await s.page.getByLabel('Text').fill('Once upon a time');
 *   expect(await s.axe()).toEqual([]);
 *   await s.screenshot('tokenizer');
 *   await s.close();
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createPlaygroundServer, type PlaygroundOptions, type PlaygroundServer } from '@firth/playground';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { findChromium, launchChromium } from '../browser/chromium.js';

const here = dirname(fileURLToPath(import.meta.url));
export const ARTIFACTS = join(here, '..', '..', '.artifacts', 'playground');

/** The Chromium to drive, or why the tier is skipped. */
export const chromium = findChromium();
export const skipReason = 'skip' in chromium ? chromium.skip : undefined;

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

export interface PlaygroundSession {
  server: PlaygroundServer;
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** Console errors, page errors and failed requests seen so far. */
  problems: string[];
  /** Requests the page made to anywhere but the playground server. */
  outside: string[];
  /** axe-core on the page as it is now: the serious and critical violations (none is the goal). */
  axe(): Promise<AxeViolation[]>;
  /** test/.artifacts/playground/<name>.png (the whole page); returns the path. */
  screenshot(name: string): Promise<string>;
  close(): Promise<void>;
}

let axeSource: string | undefined;
function axe(): string {
  axeSource ??= readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  return axeSource;
}

/**
 * Starts the playground server and Chromium, and opens the page on `panel` (`#/<panel>`), waiting
 * until its tab is selected. `options` go to the server (e.g. `firthServerUrl`).
 */
export async function openPlayground(
  panel: string,
  options: Omit<PlaygroundOptions, 'port'> = {},
): Promise<PlaygroundSession> {
  if (!('path' in chromium)) throw new Error(`no Chromium: ${chromium.skip}`);
  const server = await createPlaygroundServer({ ...options, port: 0 });
  let browser: Browser | undefined;
  try {
    browser = await launchChromium(chromium.path);
    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    const page = await context.newPage();
    page.setDefaultTimeout(30_000);
    const problems: string[] = [];
    const outside: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('requestfailed', (r) => {
      const why = r.failure()?.errorText ?? '';
      if (!/ERR_ABORTED/.test(why)) problems.push(`request failed: ${r.method()} ${r.url()} ${why}`);
    });
    page.on('request', (r) => {
      if (!r.url().startsWith(server.url) && !/^(data|blob):/.test(r.url())) outside.push(r.url());
    });
    await page.goto(`${server.url}/#/${panel}`);
    await page.locator(`#tab-${panel}[aria-selected="true"]`).waitFor();
    const session: PlaygroundSession = {
      server,
      browser,
      context,
      page,
      problems,
      outside,
      async axe() {
        await page.evaluate(axe());
        const result = (await page.evaluate("axe.run(document, { resultTypes: ['violations'] })")) as {
          violations: { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }[];
        };
        return result.violations
          .filter((v) => v.impact === 'serious' || v.impact === 'critical')
          .map((v) => ({
            id: v.id,
            impact: v.impact,
            help: v.help,
            nodes: v.nodes.map((n) => n.target.join(' ')),
          }));
      },
      async screenshot(name) {
        mkdirSync(ARTIFACTS, { recursive: true });
        const path = join(ARTIFACTS, `${name}.png`);
        await page.screenshot({ path, fullPage: true });
        return path;
      },
      async close() {
        await context.close().catch(() => {});
        await browser?.close().catch(() => {});
        await server.close();
      },
    };
    return session;
  } catch (error) {
    await browser?.close().catch(() => {});
    await server.close();
    throw error;
  }
}
