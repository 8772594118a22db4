/**
 * The browser tier: n8n's editor in Chromium, used the way a learner uses it.
 *
 * One real n8n, started as tier 3 starts it (src/n8n.int.test.ts: the package installed as a
 * community node in a fresh user folder, every workflow and credential imported, Firth's model
 * server and PGlite beside it), driven by playwright-core on Debian's Chromium:
 *
 *   1. sign in through the page;
 *   2. type "Firth" in the node panel: every node of the built package is listed — in the trigger
 *      view, after a trigger ("What happens next?") and in the AI view;
 *   3. the workflows list shows the lessons numbered in course order;
 *   4. every workflows/*.json: open it from the list, "Execute workflow", open the key nodes'
 *      outputs and read the lesson's values off the table (lessons.ts), view every plot (an <img>
 *      the browser decoded: naturalWidth > 0); the course assistant's chat ("Open chat") answers in
 *      prose with sources;
 *   5. throughout, browser console errors caused by Firth fail the step that caused them
 *      (console-log.ts: known offline noise is listed with its reason and ignored).
 *
 * A screenshot per step goes to test/.artifacts/browser/<workflow>-<nn>-<step>.png, and
 * what-a-learner-sees.md there lists, per workflow, what the page showed at each step (the values
 * read, the plots' sizes, the chat's reply) beside the screenshot names.
 *
 * Skipped, with the reason, when there is no Chromium (chromium.ts; scripts/test.sh installs it
 * with apt-get where it can). Run: `cd test && FIRTH_TEST_TIER=int npx vitest run src/browser`
 * with FIRTH_N8N_BIN exported (`source scripts/lib/n8n-runtime.sh && firth_ensure_n8n`). ~4 min.
 */
import { randomBytes } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import {
  freePort,
  type N8nHandle,
  type Prepared,
  readWorkflowFiles,
  setupOwner,
  startN8n,
} from '@firth/n8n-host';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type FirthN8nFolder,
  firthNodesPackageDir as packageDir,
  prepareFirthN8n,
  workflowsDir,
} from '../harness/firth-n8n.js';
import { expectColumns } from './cells.js';
import { findChromium, launchChromium } from './chromium.js';
import { ConsoleLog } from './console-log.js';
import {
  Chat,
  type EditorRun,
  executeWorkflow,
  listedWorkflowNames,
  Ndv,
  NodeCreator,
  newWorkflow,
  openWorkflow,
  openWorkflowsList,
  plotNodes,
  Screenshots,
  signIn,
  sortWorkflowsByName,
} from './editor.js';
import { type FirthNode, firthNodes } from './firth-nodes.js';
import { type Look, lessons } from './lessons.js';

const root = resolve(import.meta.dirname, '../../..');
const artifacts = join(root, 'test', '.artifacts', 'browser');

const MANUAL_TRIGGER = 'n8n-nodes-base.manualTrigger';
const CHAT_TRIGGER = '@n8n/n8n-nodes-langchain.chatTrigger';

const chromium = findChromium();
const skip = 'skip' in chromium ? chromium.skip : undefined;
if (skip) console.warn(`[browser tier] skipped: ${skip}`);

const owner = {
  email: 'learner@firth.test',
  firstName: 'Firth',
  lastName: 'Learner',
  password: `Firth1-${randomBytes(6).toString('base64url')}`,
};

describe.skipIf(skip !== undefined)('the n8n editor in Chromium (browser tier)', () => {
  const startedAt = Date.now();
  const timings: string[] = [];
  /** what-a-learner-sees.md: section → lines */
  const seen = new Map<string, string[]>();
  const see = (section: string, line: string) => seen.set(section, [...(seen.get(section) ?? []), line]);
  let userFolder: string;
  let stack: FirthN8nFolder | undefined;
  let n8n: N8nHandle | undefined;
  let prepared: Prepared;
  let browser: Browser | undefined;
  let context: BrowserContext | undefined;
  let page: Page;
  let log: ConsoleLog;
  let shots: Screenshots;
  let nodes: FirthNode[];
  let n8nVersion: string | undefined;
  let chromiumVersion: string | undefined;

  beforeAll(async () => {
    // no silent skip once Chromium is there: prepareFirthN8n needs the real n8n
    stack = await prepareFirthN8n('browser');
    // Chromium starts while n8n does
    const browserStarting = launchChromium((chromium as { path: string }).path);
    ({ userFolder, prepared } = stack);
    nodes = firthNodes(packageDir);
    rmSync(artifacts, { recursive: true, force: true });
    shots = new Screenshots(artifacts);
    n8n = await startN8n(userFolder, { port: await freePort() });
    const session = await setupOwner(n8n.baseUrl, owner);
    n8nVersion = await session
      .get<{ data: { versionCli?: string } }>('/rest/settings')
      .then((settings) => settings.data.versionCli)
      .catch(() => undefined);
    browser = await browserStarting;
    chromiumVersion = `Chromium ${browser.version()}`;
    context = await browser.newContext({ baseURL: n8n.baseUrl, viewport: { width: 1920, height: 1080 } });
    page = await context.newPage();
    page.setDefaultTimeout(30_000);
    log = new ConsoleLog(page);
    timings.push(`set-up (package installed, n8n started): ${seconds(startedAt)}`);
  });

  afterAll(async () => {
    await context?.close().catch(() => {});
    await browser?.close().catch(() => {});
    await n8n?.stop();
    await stack?.close();
    timings.push(`whole tier: ${seconds(startedAt)}`);
    if (shots) {
      const md = [
        '# What a learner sees (browser tier)',
        '',
        `n8n ${n8nVersion ?? '?'} in ${chromiumVersion ?? 'Chromium'}; ${new Date().toISOString()}.`,
        'Each line: what the page showed, ✓ as the lesson says or ✗ with why, and the screenshots.',
        '',
        ...[...seen].flatMap(([section, lines]) => [`## ${section}`, '', ...lines.map((l) => `- ${l}`), '']),
        '## Timings',
        '',
        ...timings.map((t) => `- ${t}`),
        '',
      ];
      writeFileSync(join(artifacts, 'what-a-learner-sees.md'), md.join('\n'));
    }
    console.log(
      [
        `[browser tier] ${shots?.taken.length ?? 0} screenshots and what-a-learner-sees.md in ${artifacts}`,
        ...timings.map((t) => `[browser tier] ${t}`),
        `[browser tier] browser console (${log?.entries.length ?? 0} entries):`,
        log?.summary() ?? '',
      ].join('\n'),
    );
  });

  /** Fails with Firth-caused console errors recorded since `since`. */
  function firthErrorsSince(since: number): string[] {
    return log.since(since, 'firth').map((e) => `browser console: ${e.text}`);
  }

  it('signs in through the page', async () => {
    const since = Date.now();
    await signIn(page, n8n!.baseUrl, owner.email, owner.password);
    await shots.take(page, 'signin-01-signed-in');
    expect(new URL(page.url()).pathname).not.toMatch(/^\/signin/);
    expect(firthErrorsSince(since)).toEqual([]);
  });

  describe('typing "Firth" in the node panel lists every Firth node', () => {
    const creator = () => new NodeCreator(page);
    const missing = (listed: string[]) =>
      nodes.map((n) => n.displayName).filter((name) => !listed.includes(name));
    const panelLine = (view: string, listed: string[], shot: string) => {
      const lost = missing(listed);
      return `${lost.length === 0 ? '✓' : '✗'} "Firth" in the ${view}: ${nodes.length - lost.length} of ${nodes.length} Firth nodes listed${lost.length ? ` (missing: ${lost.join(', ')})` : ''} — \`${basename(shot)}\``;
    };

    it('reads the nodes from the built package (package.json n8n.nodes → description.displayName)', () => {
      expect(nodes.length).toBeGreaterThan(20);
      expect(new Set(nodes.map((n) => n.displayName)).size).toBe(nodes.length);
    });

    it('in the trigger view ("What triggers this workflow?")', async () => {
      const since = Date.now();
      await newWorkflow(page);
      await creator().openTriggerView();
      await creator().search('Firth');
      const listed = await creator().listedNames();
      const shot = await shots.take(page, 'node-panel-01-trigger-view');
      see('Node panel', panelLine('trigger view', listed, shot));
      // leave the view with a trigger on the canvas for the next step
      await creator().search('Manual');
      await creator().pick('Manual Trigger');
      await page.keyboard.press('Escape');
      expect(missing(listed), `listed: ${listed.join(', ')}`).toEqual([]);
      expect(firthErrorsSince(since)).toEqual([]);
    });

    it('after a trigger ("What happens next?")', async () => {
      const since = Date.now();
      await creator().openNextView();
      await creator().search('Firth');
      const listed = await creator().listedNames();
      const shot = await shots.take(page, 'node-panel-02-next-view');
      see('Node panel', panelLine('"What happens next?"', listed, shot));
      expect(missing(listed), `listed: ${listed.join(', ')}`).toEqual([]);
      expect(firthErrorsSince(since)).toEqual([]);
    });

    it('in the AI view', async () => {
      const since = Date.now();
      await creator().openAiView();
      await creator().search('Firth');
      const listed = await creator().listedNames();
      const shot = await shots.take(page, 'node-panel-03-ai-view');
      see('Node panel', panelLine('AI view', listed, shot));
      await creator().close();
      expect(missing(listed), `listed: ${listed.join(', ')}`).toEqual([]);
      expect(firthErrorsSince(since)).toEqual([]);
    });

    it('picking a Firth node puts it on the canvas, with no Firth-caused browser error', async () => {
      const since = Date.now();
      const perceptron = nodes.find((n) => n.name === 'perceptron') ?? nodes[0]!;
      await creator().openNextView();
      await creator().search(perceptron.displayName);
      await creator().add(perceptron.displayName);
      const shot = await shots.take(page, 'node-panel-04-picked');
      await new Ndv(page).close();
      const onCanvas = page.locator(
        `[data-test-id="canvas-node"][data-node-name="${perceptron.displayName}"]`,
      );
      await expect.poll(() => onCanvas.count(), { timeout: 15_000 }).toBeGreaterThan(0);
      const errors = firthErrorsSince(since);
      see(
        'Node panel',
        `${errors.length === 0 ? '✓' : '✗'} picking "${perceptron.displayName}" put it on the canvas${errors.length ? `; the browser console: ${errors.join('; ')}` : ''} — \`${basename(shot)}\``,
      );
      // n8n's community "Node details" pane looks the package up on npm: known, with its reason,
      // in console-log.ts (KNOWN_FIRTH); anything else Firth-caused fails here
      expect(errors).toEqual([]);
    });
  });

  it('sorted by name, the workflows list shows the lessons numbered in course order', async () => {
    await openWorkflowsList(page);
    await sortWorkflowsByName(page);
    const listed = await listedWorkflowNames(page);
    const shot = await shots.take(page, 'workflows-01-list-by-name');
    const names = prepared.workflows.map((w) => w.name);
    const lessonsListed = listed.filter((n) => names.includes(n));
    see('Workflows list', `sorted by name: ${lessonsListed.join(' · ')} — \`${basename(shot)}\``);
    expect(lessonsListed.slice().sort(), 'every imported workflow is listed').toEqual(names.slice().sort());
    const unnumbered = lessonsListed.filter((n) => courseNumber(n) === undefined);
    expect(unnumbered, 'workflow names without their number in the course').toEqual([]);
    const numbers = lessonsListed.map(courseNumber);
    expect(new Set(numbers).size, 'two workflows share a number').toBe(numbers.length);
    expect(numbers, 'sorted by name, the lessons are not in course order').toEqual(
      numbers.slice().sort((a, b) => a! - b!),
    );
  });

  describe('every lesson workflow, executed from the editor', () => {
    for (const json of readWorkflowFiles(workflowsDir)) {
      const file = json.file;
      const name = basename(file);
      const stem = name.replace(/\.json$/, '');
      it(name, async () => {
        const lesson = lessons[name];
        expect(lesson, `add an entry for ${name} to test/src/browser/lessons.ts`).toBeDefined();
        const since = Date.now();
        expect(
          prepared.workflows.map((w) => w.id),
          `${name} was not imported`,
        ).toContain(json.id);
        const section = `${name} — "${json.name}"`;
        let step = 0;
        let stepShots: string[] = [];
        const shot = async (what: string) => {
          const file = await shots.take(page, `${stem}-${String(++step).padStart(2, '0')}-${what}`);
          stepShots.push(basename(file));
          return file;
        };
        const shotNames = () => stepShots.map((f) => `\`${f}\``).join(', ');
        // Every problem of this workflow, reported together (one failing look does not hide the next).
        const problems: string[] = [];
        /** One step: what it showed (✓) or why it is not the lesson (✗), with its screenshots. */
        const attempt = async (what: string, run: () => Promise<string>) => {
          stepShots = [];
          try {
            const shown = await run();
            see(section, `✓ ${what}: ${shown} — ${shotNames()}`);
          } catch (error) {
            const message = (error as Error).message.split('\n').slice(0, 6).join('\n    ');
            problems.push(`${what}: ${message}`);
            await shot(`FAILED-${what}`).catch(() => {});
            see(section, `✗ ${what}: ${message.split('\n')[0]} — ${shotNames()}`);
            await new Ndv(page).close().catch(() => {});
          }
        };

        stepShots = [];
        await openWorkflow(page, json.name);
        await shot('canvas');

        const manual = json.nodes.find((n) => n.type === MANUAL_TRIGGER);
        let run: EditorRun | undefined;
        if (manual) {
          const t0 = Date.now();
          // the canvas's Execute workflow button (with a Chat Trigger beside, it starts the manual one)
          run = await executeWorkflow(page);
          timings.push(`${name}: executed in ${seconds(t0)}`);
          await shot('executed');
          see(
            section,
            `${Object.keys(run.errors).length === 0 ? '✓' : '✗'} "Execute workflow": ${run.status} in ${seconds(t0)}, "${run.toast}"${Object.keys(run.errors).length ? `, failed: ${JSON.stringify(run.errors)}` : ''} — ${shotNames()}`,
          );
          expect(run.errors, `${name}: nodes failed`).toEqual({});
          expect(run.status).toBe('success');
          expect(run.toast).toMatch(/executed successfully/i);
        }

        const ndv = new Ndv(page);
        for (const plot of run ? plotNodes(run) : []) {
          await attempt(`plot of "${plot.node}"`, async () => {
            await ndv.open(plot.node);
            const files = await ndv.binaryFiles();
            await shot(`plot-files-${plot.node}`);
            const png = files.find((f) => f.mimeType === 'image/png');
            expect(
              png,
              `no PNG to look at (${files.map((f) => `${f.property}: ${f.mimeType}${f.viewable ? '' : ', Download only'}`).join('; ')})`,
            ).toBeDefined();
            expect(png!.viewable, `n8n offers no "View" for ${png!.property}`).toBe(true);
            expect(
              files.some((f) => f.mimeType === 'image/svg+xml'),
              'the SVG stays beside the PNG',
            ).toBe(true);
            const size = await ndv.viewImage(png!.property);
            await shot(`plot-${plot.node}`);
            expect(size.naturalWidth, 'the image did not render').toBeGreaterThan(0);
            await ndv.backToFiles();
            await ndv.close();
            return `${png!.property} (image/png) rendered at ${size.naturalWidth}×${size.naturalHeight}, SVG beside it`;
          });
        }

        if (lesson?.chat) {
          await attempt('chat', async () => {
            const chat = new Chat(page);
            expect(
              json.nodes.some((n) => n.type === CHAT_TRIGGER),
              'the workflow has no Chat Trigger, so n8n shows no "Open chat"',
            ).toBe(true);
            await chat.open();
            const t0 = Date.now();
            const reply = await chat.ask(lesson.chat!.question);
            timings.push(`${name}: chat answered in ${seconds(t0)}`);
            await shot('chat');
            lesson.chat!.check(reply);
            return `asked "${lesson.chat!.question}", the reply: "${excerpt(reply, 400)}"`;
          });
        }

        for (const look of lesson?.looks ?? []) {
          await attempt(`output of "${look.node}"`, async () => {
            await ndv.open(look.node);
            const rows = await ndv.table();
            const first = Object.keys(look.columns ?? {})[0];
            if (first) await ndv.reveal(first);
            await shot(`output-${look.node}`);
            if (look.columns) expectColumns(rows, look.columns, look.node);
            look.check?.(rows);
            await ndv.close();
            return shownValues(look, rows);
          });
        }

        problems.push(...firthErrorsSince(since));
        if (problems.length > 0)
          throw new Error(
            `${name}: what the learner sees is not the lesson (${problems.length}):\n  - ${problems.join('\n  - ')}`,
          );
      });
    }
  });
});

/** A workflow's number in the course: the number its name starts with ("03 …", "Lesson 3: …"). */
function courseNumber(name: string): number | undefined {
  const match = /^\s*(?:lesson\s*)?(\d+)/i.exec(name);
  return match ? Number(match[1]) : undefined;
}

/** The checked columns as the table showed them, row by row (shortened), for the report. */
function shownValues(look: Look, rows: { [header: string]: string }[]): string {
  const headers = Object.keys(look.columns ?? {});
  const columns = (headers.length > 0 ? headers : Object.keys(rows[0] ?? {}).slice(0, 4)).map((h) => {
    const cells = rows.slice(0, 8).map((r) => excerpt(r[h] ?? '', 80));
    return `${h} ${cells.map((c) => `\`${c}\``).join(' | ')}`;
  });
  return `table of ${rows.length} row${rows.length === 1 ? '' : 's'}: ${columns.join('; ')}`;
}

function excerpt(text: string, max: number): string {
  const flat = text.replace(/\s*\n\s*/g, ' ').replace(/`/g, "'");
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

function seconds(since: number): string {
  return `${((Date.now() - since) / 1000).toFixed(1)} s`;
}
