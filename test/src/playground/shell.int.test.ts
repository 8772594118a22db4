/**
 * The playground page as a whole (issue 20): first load on loopback under 2 s in a fresh browser
 * context (no cache), the bundle's size reported, the five panels behind keyboard-operable tabs
 * (WAI-ARIA: arrows, Home, End; `#/<id>` opens one), nothing requested from anywhere but the
 * playground server, no console error. Each panel's own test (./<panel>.int.test.ts) drives it.
 */
import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { defaultPublicDir } from '@firth/playground';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPlayground, type PlaygroundSession, skipReason } from './harness.js';

const PANELS = ['llm', 'tokenizer', 'transformer', 'projector', 'network'];
const say = (line: string) => console.log(`[playground tier] ${line}`);

describe.skipIf(skipReason)(`the playground page${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  let s: PlaygroundSession;
  beforeAll(async () => {
    s = await openPlayground(PANELS[0]!);
  });
  afterAll(() => s?.close());

  it('reports the bundle: one script, its size raw and gzipped', () => {
    const dir = defaultPublicDir();
    const js = readFileSync(join(dir, 'app.js'));
    const css = statSync(join(dir, 'app.css')).size;
    const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
    say(`bundle: app.js ${kib(js.length)} (${kib(gzipSync(js).length)} gzipped), app.css ${kib(css)}`);
    // Preact itself is ~10 KiB: the page must not have pulled in a whole model or tokenizer table
    // (they are fetched from /data or computed by the server when a panel needs them)
    expect(gzipSync(js).length).toBeLessThan(600 * 1024);
    const preact = JSON.parse(
      readFileSync(
        createRequire(join(dirname(dir), '..', 'package.json')).resolve('preact/package.json'),
        'utf8',
      ),
    ) as { version: string };
    say(`front-end: Preact ${preact.version}, bundled by esbuild`);
  });

  it('first load on loopback, cold cache, takes under 2 s (median of 3 fresh contexts)', async () => {
    const times: number[] = [];
    for (let i = 0; i < 3; i++) {
      const context = await s.browser.newContext();
      const page = await context.newPage();
      const t0 = Date.now();
      await page.goto(`${s.server.url}/#/${PANELS[0]}`);
      await page.locator(`#panel-${PANELS[0]} h2`).waitFor();
      times.push(Date.now() - t0);
      const nav = (await page.evaluate(
        "JSON.stringify(performance.getEntriesByType('navigation')[0])",
      )) as string;
      const { loadEventEnd } = JSON.parse(nav) as { loadEventEnd: number };
      say(
        `load ${i + 1}: ${times[i]} ms to the first panel shown (load event at ${Math.round(loadEventEnd)} ms)`,
      );
      await context.close();
    }
    const median = [...times].sort((a, b) => a - b)[1]!;
    say(`first load, median of 3: ${median} ms`);
    expect(median).toBeLessThan(2000);
  });

  it('shows the five panels as tabs, in the course order', async () => {
    const tabs = s.page.getByRole('tab');
    expect(await tabs.evaluateAll((els) => els.map((e) => e.id))).toEqual(PANELS.map((p) => `tab-${p}`));
    expect(await s.page.getByRole('tablist').getAttribute('aria-label')).toBe('Playground panels');
  });

  it('moves between tabs with the keyboard alone; the URL follows; a link opens a panel', async () => {
    const { page } = s;
    await page.locator(`#tab-${PANELS[0]}`).focus();
    for (const [key, expected] of [
      ['ArrowRight', PANELS[1]],
      ['ArrowRight', PANELS[2]],
      ['End', PANELS[4]],
      ['ArrowRight', PANELS[0]],
      ['ArrowLeft', PANELS[4]],
      ['Home', PANELS[0]],
    ] as const) {
      await page.keyboard.press(key);
      const focused = await page.evaluate('document.activeElement && document.activeElement.id');
      expect(focused, `${key}`).toBe(`tab-${expected}`);
      expect(await page.locator(`#tab-${expected}`).getAttribute('aria-selected')).toBe('true');
      expect(await page.locator(`#panel-${expected}`).isVisible()).toBe(true);
      expect(new URL(page.url()).hash).toBe(`#/${expected}`);
    }
    // only the selected tab is in the Tab order (roving tabindex)
    expect(await page.locator('[role="tab"][tabindex="0"]').count()).toBe(1);
    await page.goto(`${s.server.url}/#/${PANELS[3]}`);
    await page.locator(`#tab-${PANELS[3]}[aria-selected="true"]`).waitFor();
    expect(await page.locator(`#panel-${PANELS[3]}`).isVisible()).toBe(true);
    expect(await page.locator(`#panel-${PANELS[0]}`).isVisible()).toBe(false);
  });

  it('every panel opens with its heading, nothing leaves 127.0.0.1 and the console stays clean', async () => {
    for (const id of PANELS) {
      await s.page.locator(`#tab-${id}`).click();
      await s.page.locator(`#panel-${id} h2`).waitFor();
      expect(await s.page.locator(`#panel-${id} h2`).textContent()).toBe(
        await s.page.locator(`#tab-${id}`).textContent(),
      );
    }
    expect(s.outside).toEqual([]);
    expect(s.problems).toEqual([]);
  });

  it('has no serious or critical accessibility violation on the first panel (axe-core)', async () => {
    await s.page.locator(`#tab-${PANELS[0]}`).click();
    expect(await s.axe()).toEqual([]);
  });
});
