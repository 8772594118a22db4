/**
 * The LLM playground panel in Chromium (course: "groq Playground" — "Welcome to the Playground":
 * SYSTEM, USER, Temperature, Max Completion Tokens, Stream, JSON Mode, Top P, Seed, Stop Sequence,
 * "</> View code"), against a Firth model server started here on 127.0.0.1.
 *
 * Every answer the page shows is compared with what @firth/llm's `chat` returns in this process for
 * the same request to the same server; every program "view code" shows with what
 * @firth/llm's `playgroundCode` writes for the same config. Nothing leaves 127.0.0.1: GROQ_API_KEY
 * is removed for the test, so Groq is never called.
 *
 * Run: `cd apps/playground && node build-ui.mjs && cd ../../test &&
 *       FIRTH_TEST_TIER=int npx vitest run src/playground/llm.int.test.ts`
 */
import { createServer } from 'node:net';
import { type ChatConfig, chat, MISSING_GROQ_KEY_MESSAGE, playgroundCode } from '@firth/llm';
import { createFirthServer, type FirthServer } from '@firth/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPlayground, type PlaygroundSession, skipReason } from './harness.js';

if (skipReason) console.warn(`[playground llm] skipped: ${skipReason}`);

const SYSTEM = 'You tell short stories for children.';
const USER = 'Once upon a time';
const MODEL = 'tinystories-260k';

/** A port nothing listens on (an Ollama that is not running). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe.skipIf(skipReason !== undefined)('the LLM playground panel (browser tier)', () => {
  let firth: FirthServer;
  let s: PlaygroundSession;
  let savedGroqKey: string | undefined;
  /** Console lines of the 4xx answers the error steps cause on purpose. */
  const expectedProblems = new Set<number>();

  /** The config the page sends for the Firth model server, as `chat` takes it. */
  const serverConfig = (p: {
    temperature: number;
    maxTokens: number;
    topP: number;
    seed: number;
    stop?: string[];
    streaming: boolean;
  }): ChatConfig => ({
    provider: 'openai-compatible',
    baseUrl: `${firth.url}/v1`,
    model: MODEL,
    system: SYSTEM,
    ...p,
  });

  const reply = () => s.page.locator('#llm-reply').textContent();
  const stat = async (name: string) => (await s.page.locator(`[data-stat="${name}"]`).textContent()) ?? '';
  const status = () => s.page.locator('.llm-status');

  async function fill(label: string, value: string) {
    await s.page.getByLabel(label, { exact: true }).fill(value);
  }

  /** Submit, and wait until this run has finished (the status line counts finished runs). */
  async function submit() {
    const runs = Number(await status().getAttribute('data-finished'));
    await s.page.getByRole('button', { name: 'Submit' }).click();
    await s.page.locator(`.llm-status[data-finished="${runs + 1}"]`).waitFor({ timeout: 60_000 });
  }

  /** Submit, and expect a complete answer. */
  async function submitAndWait() {
    await submit();
    expect(await s.page.getByRole('alert').count()).toBe(0);
    expect(await status().textContent()).toMatch(/^Done/);
  }

  /** Submit a request that fails on purpose; the page shows one message; returns it. */
  async function submitExpectingError(): Promise<string> {
    const before = s.problems.length;
    await submit();
    const alert = s.page.getByRole('alert');
    // Chromium logs each 4xx answer as a console error: expected here, and only those
    for (let i = before; i < s.problems.length; i++) {
      expect(s.problems[i]).toMatch(/status of 400 \(Bad Request\)/);
      expectedProblems.add(i);
    }
    expect(await alert.count()).toBe(1);
    return (await alert.textContent()) ?? '';
  }

  beforeAll(async () => {
    savedGroqKey = process.env.GROQ_API_KEY;
    delete process.env.GROQ_API_KEY; // the missing-key message, and never a call to Groq
    firth = await createFirthServer({ port: 0 });
    s = await openPlayground('llm', { firthServerUrl: firth.url });
  });

  afterAll(async () => {
    await s?.close();
    await firth?.close();
    if (savedGroqKey !== undefined) process.env.GROQ_API_KEY = savedGroqKey;
  });

  it("lists the Firth model server's chat models (not its embedding model), picked by default", async () => {
    const listed = (await (await fetch(`${firth.url}/v1/models`)).json()) as {
      data: { id: string; context_window?: number }[];
    };
    const chatModels = listed.data.filter((m) => m.context_window !== undefined).map((m) => m.id);
    expect(chatModels).toContain(MODEL);
    expect(listed.data.length).toBeGreaterThan(chatModels.length); // bert-tiny is there, not offered
    const source = s.page.getByLabel('Model source');
    await s.page.locator('option[value="firth-server"]').waitFor({ state: 'attached' });
    await expect.poll(() => source.inputValue()).toBe('firth-server');
    // (the label's text includes the chosen option's, so the select is found by its id)
    const model = s.page.locator('#llm-model');
    await expect.poll(() => model.locator('option').allTextContents()).toEqual(chatModels);
    // Groq's playground defaults (seed: "Temperature 1", "Max Completion Tokens 1024", "Stream ☒",
    // "JSON Mode ☐", "Top P 1")
    expect(await s.page.getByLabel('Temperature', { exact: true }).inputValue()).toBe('1');
    expect(await s.page.getByLabel('Max Completion Tokens').inputValue()).toBe('1024');
    expect(await s.page.getByLabel('Stream').isChecked()).toBe(true);
    expect(await s.page.getByLabel('JSON Mode').isChecked()).toBe(false);
    expect(await s.page.getByLabel('Top P', { exact: true }).inputValue()).toBe('1');
    expect(await s.page.getByLabel('Seed').inputValue()).toBe('');
  });

  const params = { temperature: 1.2, maxTokens: 40, topP: 0.95, stop: ['THE END'] };

  it('streams the answer chat() gives for the same request; the same seed gives it again, another seed another', async () => {
    await fill('System', SYSTEM);
    await fill('User', USER);
    await fill('Temperature', String(params.temperature));
    await fill('Max Completion Tokens', String(params.maxTokens));
    await fill('Top P', String(params.topP));
    await fill('Seed', '7');
    await fill('Stop Sequence', params.stop[0]!);
    await s.page.getByLabel('Stop Sequence', { exact: true }).press('Enter');
    expect(await s.page.getByRole('list', { name: 'Stop sequences' }).textContent()).toContain('"THE END"');

    const seven = await chat(serverConfig({ ...params, seed: 7, streaming: true }), USER);
    const eight = await chat(serverConfig({ ...params, seed: 8, streaming: true }), USER);
    expect(seven.text).not.toBe(eight.text);

    await submitAndWait();
    expect(await reply()).toBe(seven.text);
    // the usage the page shows is the server's
    expect(await stat('promptTokens')).toBe(String(seven.usage.promptTokens));
    expect(await stat('completionTokens')).toBe(String(seven.usage.completionTokens));
    expect(await stat('totalTokens')).toBe(String(seven.usage.totalTokens));
    expect(await status().textContent()).toBe(`Done (finish reason: ${seven.finishReason})`);
    // latency: time to first token ≤ total time; tokens/s = completion tokens ÷ total time
    const first = Number.parseFloat(await stat('firstTokenMs'));
    const total = Number.parseFloat(await stat('totalMs'));
    expect(first).toBeGreaterThanOrEqual(0);
    expect(first).toBeLessThanOrEqual(total);
    const perSecond = Number.parseFloat(await stat('tokensPerSecond'));
    const expected = seven.usage.completionTokens / (total / 1000);
    expect(Math.abs(perSecond - expected)).toBeLessThanOrEqual(0.05 + expected * ((0.5 / total) * 2));

    await submitAndWait(); // the same seed: the same text
    expect(await reply()).toBe(seven.text);

    await fill('Seed', '8');
    await submitAndWait();
    expect(await reply()).toBe(eight.text);
    expect(await stat('completionTokens')).toBe(String(eight.usage.completionTokens));
  });

  it('with Stream off, gives the one answer chat() gives (no time to first token)', async () => {
    await fill('Seed', '7');
    await s.page.getByLabel('Stream').uncheck();
    const one = await chat(serverConfig({ ...params, seed: 7, streaming: false }), USER);
    await submitAndWait();
    expect(await reply()).toBe(one.text);
    expect(await stat('totalTokens')).toBe(String(one.usage.totalTokens));
    expect(await stat('firstTokenMs')).toBe('—');

    // JSON Mode: the server's answer is a JSON object, as chat() gets it
    await s.page.getByLabel('JSON Mode').check();
    const json = await chat(
      { ...serverConfig({ ...params, seed: 7, streaming: false }), jsonMode: true },
      USER,
    );
    await submitAndWait();
    expect(await reply()).toBe(json.text);
    expect(typeof JSON.parse(json.text)).toBe('object');
    await s.page.getByLabel('JSON Mode').uncheck();
  });

  it('view code shows the same call, with the parameters chosen, as playgroundCode writes it', async () => {
    await s.page.getByLabel('Stream').check();
    const streamed = await chat(serverConfig({ ...params, seed: 7, streaming: true }), USER);
    await submitAndWait();
    expect(await reply()).toBe(streamed.text);
    await s.page.getByRole('button', { name: 'View code' }).click();
    const snippets = playgroundCode(serverConfig({ ...params, seed: 7, streaming: true }), USER);
    expect(snippets.map((x) => x.title)).toEqual([
      'openai (TypeScript)',
      'openai (Python)',
      'LangChain.js (ChatOpenAI)',
      'Firth (@firth/llm)',
    ]);
    for (const snippet of snippets) {
      await s.page.getByLabel(snippet.title).check();
      const code = s.page.locator('.llm-code-text');
      await expect.poll(() => code.textContent()).toBe(snippet.code);
    }
    // and a learner can read the chosen values in it
    await s.page.getByLabel('openai (TypeScript)').check();
    const ts = (await s.page.locator('.llm-code-text').textContent()) ?? '';
    for (const line of [
      "model: 'tinystories-260k'",
      'temperature: 1.2',
      'max_tokens: 40',
      'top_p: 0.95',
      'seed: 7',
      "stop: ['THE END']",
      'stream: true',
      `baseURL: '${firth.url}/v1'`,
      `content: '${SYSTEM}'`,
    ])
      expect(ts).toContain(line);
    expect(await s.axe()).toEqual([]);
    await s.screenshot('llm');

    // a parameter changed on the page shows up in the code
    await fill('Seed', '8');
    await s.page.locator('.llm-code-text', { hasText: 'seed: 8' }).waitFor();
  });

  it('Stop aborts a long answer: the text stops where it was, a prefix of the whole answer', async () => {
    const long = { temperature: 2, maxTokens: 480, topP: 1, seed: 11 };
    await fill('Temperature', String(long.temperature));
    await fill('Max Completion Tokens', String(long.maxTokens));
    await fill('Top P', String(long.topP));
    await fill('Seed', String(long.seed));
    await s.page.getByRole('button', { name: /Remove stop sequence/ }).click();
    const whole = await chat(serverConfig({ ...long, streaming: true }), USER);
    expect(whole.usage.completionTokens).toBeGreaterThan(200); // long enough to stop halfway

    // The answer must still be arriving when Stop is pressed: the model writes 480 tokens in well
    // under a second, so on a busy machine the stream could end between the first token and the
    // click (then the run is Done, not Stopped). Chromium's own network throttling paces the
    // page's download to 2 KB/s: about 80 bytes a token event, a 20-second stream.
    const cdp = await s.page.context().newCDPSession(s.page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 0,
      downloadThroughput: 2048,
      uploadThroughput: -1,
    });
    try {
      await s.page.getByRole('button', { name: 'Submit' }).click();
      await s.page.locator('#llm-reply', { hasText: /./ }).waitFor();
      await s.page.getByRole('button', { name: 'Stop', exact: true }).click();
      await status()
        .filter({ hasText: /^Stopped/ })
        .waitFor();
    } finally {
      await cdp.send('Network.emulateNetworkConditions', {
        offline: false,
        latency: 0,
        downloadThroughput: -1,
        uploadThroughput: -1,
      });
      await cdp.detach();
    }
    const stopped = (await reply()) ?? '';
    console.log(`stopped at ${stopped.length} of ${whole.text.length} characters`);
    expect(stopped.length).toBeGreaterThan(0);
    expect(stopped.length).toBeLessThan(whole.text.length);
    expect(whole.text.startsWith(stopped)).toBe(true);
    await new Promise((r) => setTimeout(r, 700));
    expect(await reply()).toBe(stopped); // nothing more arrives
    expect(await stat('completionTokens')).toBe('—');
    expect(await s.page.getByRole('button', { name: 'Submit' }).isEnabled()).toBe(true);
  });

  it("Firth's local model, in the playground's process, answers as chat({ provider: 'local' }) does", async () => {
    await s.page.getByLabel('Model source').selectOption('local');
    const local = { temperature: 0.8, maxTokens: 30, topP: 0.9, seed: 5 };
    await fill('Temperature', String(local.temperature));
    await fill('Max Completion Tokens', String(local.maxTokens));
    await fill('Top P', String(local.topP));
    await fill('Seed', String(local.seed));
    const expected = await chat({ provider: 'local', system: SYSTEM, ...local, streaming: true }, USER);
    await submitAndWait();
    expect(await reply()).toBe(expected.text);
    expect(await stat('totalTokens')).toBe(String(expected.usage.totalTokens));
  });

  it('Groq without a key shows the missing-key message; a typed key is never shown back or written in code', async () => {
    await s.page.getByLabel('Model source').selectOption('groq');
    expect(await s.page.locator('.llm-note').textContent()).toMatch(/No key yet/);
    expect(await submitExpectingError()).toContain(MISSING_GROQ_KEY_MESSAGE);

    const key = 'gsk_typed-in-the-page-not-real';
    await s.page.getByLabel('Groq API key').fill(key);
    await s.page.getByRole('button', { name: 'Use key' }).click();
    await s.page.locator('.llm-note', { hasText: 'Key set' }).waitFor();
    expect(await s.page.getByLabel('Groq API key').inputValue()).toBe('');
    await s.page.getByLabel('groq-sdk (TypeScript)').check();
    await s.page.locator('.llm-code-text', { hasText: 'groq-sdk' }).waitFor();
    const code = (await s.page.locator('.llm-code-text').textContent()) ?? '';
    expect(code).toContain('apiKey: process.env.GROQ_API_KEY');
    expect(await s.page.content()).not.toContain(key);
    await s.page.getByRole('button', { name: 'Forget key' }).click();
    await s.page.locator('.llm-note', { hasText: 'Key forgotten' }).waitFor();
    // closed again: the error steps' half-typed values would each ask for code (and get a 400)
    await s.page.getByRole('button', { name: 'View code' }).click();
    await s.page.locator('#llm-code').waitFor({ state: 'detached' });
  });

  it('a bad URL, an Ollama that is not running and a bad parameter each give one clear message', async () => {
    await s.page.getByLabel('Model source').selectOption('ollama');
    await fill('Ollama URL', 'not a url');
    expect(await submitExpectingError()).toBe('baseUrl must be an http(s) URL, got "not a url"');

    const port = await closedPort();
    await fill('Ollama URL', `http://127.0.0.1:${port}`);
    expect(await submitExpectingError()).toMatch(
      new RegExp(`^Cannot reach Ollama at http://127\\.0\\.0\\.1:${port}`),
    );

    await s.page.getByLabel('Model source').selectOption('firth-server');
    await fill('Temperature', '3');
    expect(await submitExpectingError()).toBe('temperature must be a number from 0 to 2, got 3');
    expect(await s.axe()).toEqual([]);
  });

  it('nothing left 127.0.0.1 and the page logged no other error', () => {
    expect(s.outside).toEqual([]);
    expect(s.problems.filter((_, i) => !expectedProblems.has(i))).toEqual([]);
  });
});
