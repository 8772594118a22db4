/**
 * n8n's editor as a learner uses it, in small page objects: sign in, the node panel (node
 * creator), the workflows list, the canvas and its Execute workflow button, a node's details view
 * (NDV) with its output table and binary files, and the chat of a workflow with a Chat Trigger.
 *
 * Selectors are n8n's own test ids (`data-test-id`, set as Playwright's test-id attribute in
 * chromium.ts) and roles, as n8n's Playwright suite (packages/testing/playwright) uses them; CSS
 * classes only where n8n has no test id (the chat's message list, the binary preview).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseFlatted } from 'flatted';
import type { Locator, Page } from 'playwright-core';

/** One screenshot per step: `<dir>/<workflow>-<step>.png`. */
export class Screenshots {
  readonly taken: string[] = [];
  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }
  async take(page: Page, name: string): Promise<string> {
    const file = join(this.dir, `${name.replace(/[^A-Za-z0-9._-]+/g, '_')}.png`);
    await page.screenshot({ path: file });
    this.taken.push(file);
    return file;
  }
}

/** Until `read()` returns the same value twice `intervalMs` apart (lists that render in batches). */
async function settled<T>(read: () => Promise<T>, intervalMs = 400, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = JSON.stringify(await read());
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, intervalMs));
    const value = await read();
    const now = JSON.stringify(value);
    if (now === last) return value;
    last = now;
  }
  return read();
}

// ---------------------------------------------------------------------------------------------
// Sign in, workflows list
// ---------------------------------------------------------------------------------------------

/** Signs in through the page (/signin: email, password, Enter) and waits to leave it. */
export async function signIn(page: Page, baseUrl: string, email: string, password: string): Promise<void> {
  await page.goto(`${baseUrl}/signin`);
  await page.getByTestId('emailOrLdapLoginId').locator('input').fill(email);
  await page.getByTestId('password').locator('input').fill(password);
  await page.getByTestId('password').locator('input').press('Enter');
  await page.waitForURL((url) => !url.pathname.startsWith('/signin'));
}

/** Leaves an unsaved canvas: answers n8n's "Save changes before leaving?" with "Leave without saving". */
async function leaveWithoutSaving(page: Page): Promise<void> {
  const leave = page.getByRole('button', { name: /leave without saving/i });
  if (await leave.isVisible().catch(() => false)) await leave.click();
}

/**
 * The workflows list (Overview), reached through the sidebar as a learner does. After a failed
 * step (a panel or dialog left open) it falls back to loading the list's URL.
 */
export async function openWorkflowsList(page: Page): Promise<void> {
  const search = page.getByTestId('resources-list-search');
  try {
    await page.getByTestId('project-home-menu-item').click({ timeout: 10_000 });
    await leaveWithoutSaving(page);
    await search.waitFor({ timeout: 15_000 });
  } catch {
    await page.goto('/home/workflows');
    await leaveWithoutSaving(page);
    await search.waitFor();
  }
}

/** Names of the workflows the list shows (first page), in its order. */
export async function listedWorkflowNames(page: Page): Promise<string[]> {
  await page.getByTestId('resources-list-item-workflow').first().waitFor();
  return settled(() => page.getByTestId('workflow-card-name').allInnerTexts()).then((names) =>
    names.map((n) => n.trim()),
  );
}

/** Sorts the workflows list by name, A to Z (the list's sort menu). */
export async function sortWorkflowsByName(page: Page): Promise<void> {
  await page.getByTestId('resources-list-sort').click();
  await page
    .getByTestId('resources-list-sort-item')
    .filter({ hasText: /name \(A-Z\)/i })
    .click();
  await page.waitForURL(/sort=nameAsc/);
}

/** Opens a workflow from the list by its name (search box, then its card). */
export async function openWorkflow(page: Page, name: string): Promise<void> {
  await openWorkflowsList(page);
  await page.getByTestId('resources-list-search').fill(name);
  const card = page
    .getByTestId('resources-list-item-workflow')
    .filter({ has: page.getByTestId('workflow-card-name').getByText(name, { exact: true }) });
  // The list filters as the search is typed (debounced) and re-renders; a click that lands during
  // that re-render is dropped (seen once in CI: no navigation for 30 s). Click again, at most 3 times.
  for (let attempt = 1; ; attempt++) {
    await card.getByTestId('workflow-card-name').click();
    try {
      await page.waitForURL(/\/workflow\/[^/]+$/, { timeout: 10_000 });
      break;
    } catch (error) {
      if (attempt === 3) throw error;
    }
  }
  await page.getByTestId('canvas-node').first().waitFor();
}

/** Starts a new, empty workflow from the list's "Create workflow" button. */
export async function newWorkflow(page: Page): Promise<void> {
  await openWorkflowsList(page);
  await page.getByTestId('add-resource-workflow').click();
  await page.getByTestId('canvas-plus-button').waitFor();
}

// ---------------------------------------------------------------------------------------------
// Node creator (the node panel)
// ---------------------------------------------------------------------------------------------

export class NodeCreator {
  constructor(private readonly page: Page) {}

  root(): Locator {
    return this.page.getByTestId('node-creator');
  }

  /** From an empty canvas: "Add first step" opens the trigger view ("What triggers this workflow?"). */
  async openTriggerView(): Promise<void> {
    await this.page.getByTestId('canvas-plus-button').click();
    await this.root().getByText('What triggers this workflow?').waitFor();
  }

  /** With a trigger on the canvas: the panel's + opens "What happens next?". */
  async openNextView(): Promise<void> {
    await this.page.getByTestId('node-creator-plus-button').click();
    await this.root().getByText('What happens next?').waitFor();
  }

  /** From "What happens next?": the AI category. */
  async openAiView(): Promise<void> {
    await this.search('');
    await this.root().getByText('AI', { exact: true }).first().click();
    await this.root().getByText('AI Nodes', { exact: true }).first().waitFor();
  }

  async search(text: string): Promise<void> {
    await this.page.getByTestId('node-creator-search-bar').fill(text);
  }

  /** Display names of every item the panel lists (its "other results" included). */
  async listedNames(): Promise<string[]> {
    return settled(() => this.root().getByTestId('node-creator-item-name').allInnerTexts()).then((names) =>
      names.map((n) => n.trim()),
    );
  }

  /** Picks an item by its exact display name. */
  async pick(displayName: string): Promise<void> {
    await this.root().getByTestId('node-creator-item-name').getByText(displayName, { exact: true }).click();
  }

  /**
   * Picks a node by its display name and, where n8n lists its actions (a node with operations),
   * the first one; resolves when the node's details view opened, i.e. the node is on the canvas.
   */
  async add(displayName: string): Promise<void> {
    await this.pick(displayName);
    const ndv = this.page.getByTestId('ndv');
    // the node's own panel ("Node details" for a community node) with its actions
    const header = this.root().getByTestId('nodes-list-header');
    await Promise.race([ndv.waitFor(), header.first().waitFor()]);
    if (!(await ndv.isVisible())) {
      await this.page.waitForTimeout(500); // the previous list slides out
      await this.root().getByTestId('item-iterator-item').first().click();
    }
    await ndv.waitFor();
  }

  async close(): Promise<void> {
    await this.page.keyboard.press('Escape');
    await this.root().waitFor({ state: 'hidden' });
  }
}

// ---------------------------------------------------------------------------------------------
// Canvas: execute, run data
// ---------------------------------------------------------------------------------------------

/** A node's items as n8n's REST API returns them for an execution. */
export interface RunItem {
  json: Record<string, unknown>;
  binary?: Record<string, { mimeType?: string; fileName?: string; fileType?: string }>;
}

export interface EditorRun {
  executionId: string;
  status: string;
  /** The notification n8n showed ("Workflow executed successfully", or the error). */
  toast: string;
  /** Each node's items on its first main output (last run). */
  items: Record<string, RunItem[]>;
  /** Error message per failed node. */
  errors: Record<string, string>;
}

export function canvasNode(page: Page, name: string): Locator {
  return page.locator(`[data-test-id="canvas-node"][data-node-name="${name.replace(/"/g, '\\"')}"]`);
}

/**
 * Clicks the canvas's "Execute workflow" and waits until the execution has finished and the canvas
 * shows it. Returns what the run produced, read from n8n's REST API with the page's session.
 */
export async function executeWorkflow(page: Page, options: { timeoutMs?: number } = {}): Promise<EditorRun> {
  const timeoutMs = options.timeoutMs ?? 300_000;
  const started = page.waitForResponse(
    (r) => /\/rest\/workflows\/[^/]+\/run(\?|$)/.test(r.url()) && r.request().method() === 'POST',
    { timeout: 30_000 },
  );
  await page.getByTestId('execute-workflow-button').click();
  const response = await started;
  const body = (await response.json()) as { data?: { executionId?: string } };
  const executionId = body.data?.executionId;
  if (!executionId) throw new Error(`n8n did not start an execution: ${JSON.stringify(body).slice(0, 500)}`);

  // Finished on the server (asked with the page's session: its cookie is bound to the page's
  // browser id, which n8n's editor sends as a header) ...
  const browserId = await page.evaluate(() => globalThis.localStorage.getItem('n8n-browserId'));
  const headers: Record<string, string> = browserId ? { 'browser-id': browserId } : {};
  const deadline = Date.now() + timeoutMs;
  let execution: { status: string; finished: boolean; data: string } | undefined;
  let answer = '';
  while (Date.now() < deadline) {
    try {
      // a node training a model keeps n8n's process busy: its API answers late, or 503
      const got = await page.request.get(`/rest/executions/${executionId}`, { headers, timeout: 120_000 });
      if (got.ok()) {
        execution = ((await got.json()) as { data: typeof execution }).data;
        if (execution && !['new', 'running', 'waiting'].includes(execution.status)) break;
      } else {
        answer = `${got.status()} ${(await got.text()).slice(0, 300)}`;
      }
    } catch (error) {
      answer = (error as Error).message.split('\n')[0] ?? '';
    }
    await page.waitForTimeout(1_000);
  }
  if (!execution || ['new', 'running', 'waiting'].includes(execution.status))
    throw new Error(
      `execution ${executionId} still ${execution?.status ?? `unknown (GET /rest/executions: ${answer})`} after ${timeoutMs} ms`,
    );
  // ... and shown in the page: the stop button gone, n8n's notification up.
  await page.getByTestId('stop-execution-button').waitFor({ state: 'detached', timeout: 60_000 });
  const toast = page.locator('.el-notification').last();
  await toast.waitFor({ timeout: 30_000 }).catch(() => {});
  const toastText = (await toast.innerText().catch(() => '')).trim();

  const data = parseFlatted(execution.data) as {
    resultData: {
      runData: Record<
        string,
        { data?: { main?: (RunItem[] | null)[] }; error?: { message?: string; description?: string } }[]
      >;
      error?: { message?: string };
    };
  };
  const items: Record<string, RunItem[]> = {};
  const errors: Record<string, string> = {};
  for (const [node, runs] of Object.entries(data.resultData.runData ?? {})) {
    const last = runs.at(-1);
    items[node] = last?.data?.main?.[0] ?? [];
    if (last?.error) errors[node] = [last.error.message, last.error.description].filter(Boolean).join(' — ');
  }
  if (data.resultData.error?.message && Object.keys(errors).length === 0)
    errors['(workflow)'] = data.resultData.error.message;
  return { executionId, status: execution.status, toast: toastText, items, errors };
}

/** Nodes whose output items carry an image (a plot), with the image properties' mime types. */
export function plotNodes(run: EditorRun): { node: string; mimeTypes: string[] }[] {
  return Object.entries(run.items)
    .map(([node, items]) => ({
      node,
      mimeTypes: [
        ...new Set(
          items.flatMap((item) =>
            Object.values(item.binary ?? {})
              .map((b) => b.mimeType ?? '')
              .filter((m) => m.startsWith('image/')),
          ),
        ),
      ],
    }))
    .filter((p) => p.mimeTypes.length > 0);
}

// ---------------------------------------------------------------------------------------------
// Node details view: the output panel
// ---------------------------------------------------------------------------------------------

// The few DOM shapes read inside the page (the test package compiles without the DOM lib).
interface DomElement {
  innerText: string;
  querySelectorAll(selector: string): Iterable<DomElement>;
}
interface DomImage {
  complete: boolean;
  naturalWidth: number;
  naturalHeight: number;
  addEventListener(type: string, listener: (value: unknown) => void, options: { once: boolean }): void;
}

/** One row of the output table: column header → the cell's text as shown. */
export type TableRow = Record<string, string>;

export class Ndv {
  constructor(private readonly page: Page) {}

  output(): Locator {
    return this.page.getByTestId('output-panel');
  }

  /** Double-clicks the node on the canvas; resolves when its details view is open. */
  async open(node: string): Promise<void> {
    await canvasNode(this.page, node).dblclick();
    await this.page.getByTestId('ndv').waitFor();
    await this.output().waitFor();
  }

  async close(): Promise<void> {
    await this.page.keyboard.press('Escape');
    await this.page.getByTestId('ndv').waitFor({ state: 'hidden' });
  }

  /** Switches the output panel to a view, and shows big data where n8n asks first ("Show data"). */
  async view(mode: 'Schema' | 'Table' | 'JSON' | 'Binary'): Promise<void> {
    await this.output().getByRole('radio', { name: mode }).click();
    const show = this.output().getByRole('button', { name: 'Show data' });
    if (await show.isVisible().catch(() => false)) await show.click();
  }

  /** The output table as shown (Table view, current page): one record per row, keyed by header. */
  async table(): Promise<TableRow[]> {
    await this.view('Table');
    const table = this.output().getByTestId('ndv-data-container').locator('table').first();
    await table.waitFor();
    return table.evaluate((el: DomElement) => {
      const headers = [...el.querySelectorAll(':scope > thead > tr > th')].map((th) => th.innerText.trim());
      return [...el.querySelectorAll(':scope > tbody > tr')].map((tr) => {
        const cells = [...tr.querySelectorAll(':scope > td')].map((td) => td.innerText.trim());
        // (n8n's table ends with an empty, unnamed column)
        return Object.fromEntries(headers.map((h, i) => [h, cells[i] ?? '']).filter(([h]) => h !== ''));
      });
    });
  }

  /** Scrolls the output table so a column is in view (for the screenshot of what was checked). */
  async reveal(header: string): Promise<void> {
    const th = this.output()
      .getByTestId('ndv-data-container')
      .locator('table')
      .first()
      .locator('th')
      .filter({
        hasText: new RegExp(`^\\s*${header.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`),
      });
    await th
      .first()
      .scrollIntoViewIfNeeded({ timeout: 2_000 })
      .catch(() => {});
  }

  /** The binary files of the output's first item: property name, mime type, whether n8n offers "View". */
  async binaryFiles(): Promise<{ property: string; mimeType: string; viewable: boolean }[]> {
    await this.view('Binary');
    const cards = this.output().getByTestId('ndv-binary-data_0');
    await cards.first().waitFor();
    const files = [];
    for (const card of await cards.all()) {
      const text = await card.innerText();
      files.push({
        property: text.split('\n')[0]!.trim(),
        mimeType: /Mime Type:\s*(\S+)/.exec(text)?.[1] ?? '',
        viewable: await card.getByTestId('ndv-view-binary-data').isVisible(),
      });
    }
    return files;
  }

  /**
   * Clicks "View" on a binary property of the first item and returns the size the browser decoded
   * the image at (naturalWidth × naturalHeight; 0 × 0 when it did not render).
   */
  async viewImage(property: string): Promise<{ naturalWidth: number; naturalHeight: number }> {
    await this.view('Binary');
    // the card whose header is the property's name (`plot`, not `plotSvg`)
    const card = this.output()
      .getByTestId('ndv-binary-data_0')
      .filter({ has: this.page.getByText(property, { exact: true }) })
      .first();
    await card.getByTestId('ndv-view-binary-data').click();
    // n8n 2.41 shows the file in the panel (.binary-data-window); later versions in a "File Preview" modal
    const img = this.page
      .locator('.binary-data-window img, [role="dialog"] .binary-data-modal-content img')
      .first();
    await img.waitFor();
    await img.evaluate((el: DomImage) =>
      el.complete
        ? undefined
        : new Promise((resolve) => {
            el.addEventListener('load', resolve, { once: true });
            el.addEventListener('error', resolve, { once: true });
          }),
    );
    return img.evaluate((el: DomImage) => ({
      naturalWidth: el.naturalWidth,
      naturalHeight: el.naturalHeight,
    }));
  }

  /** Back from a viewed file to the list of files. */
  async backToFiles(): Promise<void> {
    const back = this.page.getByRole('button', { name: /back to list/i });
    if (await back.isVisible().catch(() => false)) await back.click();
    else await this.page.keyboard.press('Escape');
  }
}

// ---------------------------------------------------------------------------------------------
// Chat (a workflow with a Chat Trigger: "Open chat")
// ---------------------------------------------------------------------------------------------

export class Chat {
  constructor(private readonly page: Page) {}

  root(): Locator {
    return this.page.getByTestId('canvas-chat');
  }

  openButton(): Locator {
    return this.page.getByTestId('workflow-chat-button');
  }

  /** "Open chat" — unless n8n already opened the chat with the workflow. */
  async open(): Promise<void> {
    const input = this.root().locator('.chat-inputs textarea');
    if (!(await input.isVisible().catch(() => false))) await this.openButton().click();
    await input.waitFor();
  }

  /** Sends a message and waits for the bot's reply to settle; returns its text. */
  async ask(question: string, timeoutMs = 180_000): Promise<string> {
    const bot = this.root().locator('.chat-messages-list .chat-message.chat-message-from-bot');
    const before = await bot.count();
    await this.root().locator('.chat-inputs textarea').fill(question);
    await this.root().locator('.chat-input-send-button').click();
    const deadline = Date.now() + timeoutMs;
    while ((await bot.count()) <= before) {
      if (Date.now() > deadline) throw new Error(`no reply in the chat after ${timeoutMs} ms`);
      await this.page.waitForTimeout(300);
    }
    // the reply shows up empty (n8n's typing indicator) and fills in when the execution ends
    const reply = bot.last();
    let last = '';
    let stableSince = Date.now();
    while (Date.now() < deadline) {
      const text = (await reply.innerText()).trim();
      if (text !== last) {
        last = text;
        stableSince = Date.now();
      } else if (text && Date.now() - stableSince >= 1_000) {
        return text;
      }
      await this.page.waitForTimeout(250);
    }
    throw new Error(
      `the chat's reply was ${last ? `still changing: "${last.slice(0, 200)}"` : 'empty'} after ${timeoutMs} ms`,
    );
  }
}
