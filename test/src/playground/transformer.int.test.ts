/**
 * The playground's "Inside the transformer" panel in Chromium: what the page shows is compared
 * with what @firth/transformers computes here, in the test process — the course's self-attention
 * table (`selfAttentionLesson`), each model's attention maps (`attentionMaps`), the next-token
 * distribution (`nextTokenDistribution`, what `sampleNext` draws from) and a seeded sample
 * (`generate`, one token).
 */
import { readFileSync } from 'node:fs';
import { dataPath } from '@firth/datasets';
import {
  type AttentionMaps,
  collate,
  generate,
  loadBertForPreTraining,
  loadLlama2c,
  loadLlama2cTokenizer,
  nextTokenDistribution,
  readCharGptCheckpoint,
  selfAttentionLesson,
} from '@firth/transformers';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPlayground, type PlaygroundSession, skipReason } from './harness.js';

type Knobs = { temperature: number; topK: number; topP: number };

/** The core's side of each model: its tokenizer and the model itself, read as the server reads them. */
async function core() {
  const llama = await loadLlama2c();
  const llamaTok = loadLlama2cTokenizer();
  const path = dataPath('models/char-gpt-shakespeare/model.safetensors');
  const gpt = readCharGptCheckpoint(new Uint8Array(readFileSync(path)), path);
  const bert = await loadBertForPreTraining(dataPath('models/bert-tiny'));
  const causal = {
    tinystories: { model: llama, tok: llamaTok },
    'char-gpt': { model: gpt.model, tok: gpt.tokenizer },
  };
  return {
    causal,
    attention(model: 'char-gpt' | 'tinystories' | 'bert', text: string): AttentionMaps {
      if (model === 'bert') return bert.bert.attentionMaps(collate([bert.tokenizer.encodePlus(text)]));
      const { model: m, tok } = causal[model];
      return m.attentionMaps(tok.encode(text));
    },
    /** The 12 most likely tokens before top-k/top-p, with their probability after all filters. */
    next(model: 'tinystories' | 'char-gpt', text: string, o: Knobs) {
      const { model: m, tok } = causal[model];
      const run = m.start();
      let logits: Float32Array = new Float32Array();
      for (const id of tok.encode(text)) logits = run.step(id);
      const d = nextTokenDistribution(logits, o);
      return Array.from(d.unfiltered.keys())
        .sort((a, b) => d.unfiltered[b]! - d.unfiltered[a]! || a - b)
        .slice(0, 12)
        .map((id) => ({ id, prob: d.probs[id]!, unfiltered: d.unfiltered[id]! }));
    },
  };
}

/** The attention table's cells (without the Σ column) and its Σ column, as shown. */
async function attentionTable(page: Page): Promise<{ cells: number[][]; sums: string[] }> {
  const rows = await page
    .locator('table.attention-table tbody tr')
    .evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')));
  return { cells: rows.map((r) => r.slice(0, -1).map(Number)), sums: rows.map((r) => r.at(-1)!) };
}

/** The next-token table as shown: id, probability, probability before top-k/top-p, kept. */
async function nextTable(page: Page) {
  return page.locator('table.next-table tbody tr').evaluateAll((trs) =>
    trs.map((tr) => {
      const td = [...tr.querySelectorAll('td')].map((c) => c.textContent ?? '');
      return {
        id: Number(tr.getAttribute('data-id')),
        prob: Number(td[1]),
        unfiltered: Number(td[2]),
        kept: td[3],
      };
    }),
  );
}

/** Every shown cell within rounding (3 decimals) of the core's weight. */
function expectMatrix(shown: number[][], want: number[][]) {
  expect(shown.length).toBe(want.length);
  for (const [i, row] of want.entries()) {
    expect(shown[i]!.length).toBe(row.length);
    for (const [j, w] of row.entries())
      expect(Math.abs(shown[i]![j]! - w), `cell ${i},${j}`).toBeLessThanOrEqual(0.0005 + 1e-9);
  }
}

describe.skipIf(skipReason)('playground: inside the transformer', () => {
  let s: PlaygroundSession;
  let c: Awaited<ReturnType<typeof core>>;
  /** Answers with a 4xx/5xx status after the page loaded: [status, path]. */
  const failed: [number, string][] = [];
  beforeAll(async () => {
    c = await core();
    s = await openPlayground('transformer');
    s.page.on('response', (r) => {
      if (r.status() >= 400) failed.push([r.status(), new URL(r.url()).pathname]);
    });
  }, 120_000);
  afterAll(async () => {
    await s?.close();
  });

  it('opens on the course’s "YOUR CAT IS A LOVELY CAT": the lesson’s weights, heatmap readable by mouse and keyboard', async () => {
    const { page } = s;
    await page.locator('[data-model="lesson"][aria-busy="false"] table.attention-table').waitFor();
    const words = ['YOUR', 'CAT', 'IS', 'A', 'LOVELY', 'CAT'];
    const heads = await page.locator('table.attention-table thead th').allTextContents();
    expect(heads.slice(1, -1)).toEqual(words);
    // the course's cell: "weights = softmax(QKᵀ/√d_k)" with Q = K = V the sentence, one head, d_model 512
    const { cells, sums } = await attentionTable(page);
    expectMatrix(cells, selfAttentionLesson(words).weights);
    expect(sums).toEqual(Array(6).fill('1.000'));
    // keyboard: the heatmap is one tab stop; arrows move the cell whose weight is read out
    await page.getByRole('application', { name: /Heatmap cells/ }).focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await expect
      .poll(() => page.locator('#attention-readout').textContent())
      .toBe(`“CAT” (query 2) → “IS” (key 3): ${cells[1]![2]!.toFixed(3)}`);
    // mouse: hovering a cell reads it out
    await page
      .locator('.heatmap rect')
      .nth(5 * 6 + 1)
      .hover();
    await expect
      .poll(() => page.locator('#attention-readout').textContent())
      .toBe(`“CAT” (query 6) → “CAT” (key 2): ${cells[5]![1]!.toFixed(3)}`);
  }, 60_000);

  it('each model’s chosen layer and head: rows sum to 1 and equal the core’s attentionMaps', async () => {
    const { page } = s;
    const text = 'the cat sat on the mat';
    for (const model of ['char-gpt', 'tinystories', 'bert'] as const) {
      await page.getByRole('textbox', { name: 'Sentence' }).fill(text);
      await page
        .locator('.transformer-attention')
        .getByRole('combobox', { name: /^Model/ })
        .selectOption(model);
      await page.locator(`[data-model="${model}"][aria-busy="false"] table.attention-table`).waitFor();
      const maps = c.attention(model, text);
      const layer = maps.length - 1;
      const head = 1;
      await page.getByRole('combobox', { name: /^Layer/ }).selectOption(String(layer));
      await page.getByRole('combobox', { name: /^Head/ }).selectOption(String(head));
      await expect
        .poll(() => page.locator('table.attention-table caption').textContent())
        .toContain(`Layer ${layer + 1}, head ${head + 1}:`);
      const { cells, sums } = await attentionTable(page);
      const T = maps[0]![0]!.length;
      expect(sums, model).toEqual(Array(T).fill('1.000'));
      // the rounded cells add up to 1 within their rounding (T cells of ±0.0005)
      for (const row of cells)
        expect(Math.abs(row.reduce((a, b) => a + b, 0) - 1)).toBeLessThanOrEqual(T * 0.0005);
      expectMatrix(cells, maps[layer]![head]!);
      if (model !== 'bert') {
        // a decoder: nothing right of the diagonal
        for (const [i, row] of cells.entries()) expect(row.slice(i + 1).every((w) => w === 0)).toBe(true);
      }
    }
  }, 90_000);

  it('next-token probabilities equal the core’s, at temperature 1 and after moving temperature, top-k and top-p', async () => {
    const { page } = s;
    const text = 'Once upon a time, there was a';
    let knobs: Knobs = { temperature: 1, topK: 0, topP: 1 };
    const expectShown = async (model: 'tinystories' | 'char-gpt') => {
      const want = c.next(model, text, knobs);
      // what differs between the table and the core (nothing, once the page has caught up)
      await expect
        .poll(
          async () => {
            const shown = await nextTable(page);
            const knobsShown = await page.locator('.transformer-next output').allTextContents();
            if (shown.length !== want.length) return [`${shown.length} rows`];
            return shown.flatMap((r, i) => {
              const w = want[i]!;
              const ok =
                r.id === w.id &&
                Math.abs(r.prob - w.prob) <= 0.00005 + 1e-12 &&
                Math.abs(r.unfiltered - w.unfiltered) <= 0.00005 + 1e-12 &&
                r.kept === (w.prob > 0 ? 'yes' : 'cut');
              return ok
                ? []
                : [
                    `row ${i} (knobs ${knobsShown.join(' ')}): shown ${JSON.stringify(r)}, core ${JSON.stringify(w)}`,
                  ];
            });
          },
          { timeout: 20_000 },
        )
        .toEqual([]);
      return want;
    };
    await expect.poll(() => page.locator('.transformer-next textarea').inputValue()).toBe(text);
    await expectShown('tinystories');
    // the controls, by keyboard: temperature 1 → 0.7, top-k off → 5, top-p 1 → 0.85
    const press = async (label: string, key: string, n: number) => {
      await page.getByRole('slider', { name: label }).focus();
      for (let i = 0; i < n; i++) await page.keyboard.press(key);
    };
    await press('Temperature', 'ArrowLeft', 6);
    await press('Top-k', 'ArrowRight', 5);
    await press('Top-p', 'ArrowLeft', 3);
    knobs = { temperature: 0.7, topK: 5, topP: 0.85 };
    const changed = await expectShown('tinystories');
    // the filters cut some of the twelve away: shown greyed and marked
    expect(changed.some((r) => r.prob === 0)).toBe(true);
    await page.locator('table.next-table tr.cut').first().waitFor();
    // the char-level GPT, same controls
    await page
      .locator('.transformer-next')
      .getByRole('combobox', { name: /^Model/ })
      .selectOption('char-gpt');
    await expectShown('char-gpt');
    await page
      .locator('.transformer-next')
      .getByRole('combobox', { name: /^Model/ })
      .selectOption('tinystories');
    await expectShown('tinystories');
  }, 90_000);

  it('"Sample next token" with a seed appends the token the core samples', async () => {
    const { page } = s;
    const text = await page.locator('.transformer-next textarea').inputValue();
    await page.getByRole('spinbutton', { name: 'Seed' }).fill('7');
    await page.getByRole('button', { name: 'Sample next token' }).click();
    const { model, tok } = c.causal.tinystories;
    const r = await generate(model, tok, text, {
      temperature: 0.7,
      topK: 5,
      topP: 0.85,
      seed: 7,
      maxNewTokens: 1,
      stopTokens: [],
    });
    await expect.poll(() => page.locator('.transformer-next textarea').inputValue()).toBe(text + r.text);
    await expect
      .poll(() => page.locator('.transformer-next .readout').textContent())
      .toContain(`(token ${r.tokens[0]}) with seed 7`);
    expect(r.text.length).toBeGreaterThan(0);
  }, 60_000);

  it('is accessible (axe) and keeps everything on 127.0.0.1; bad input gives a message naming the problem', async () => {
    const { page } = s;
    expect(await s.axe()).toEqual([]);
    await s.screenshot('transformer');
    expect(s.outside).toEqual([]);
    // no console error (the page names its icon inline: Chromium asks for no /favicon.ico); the
    // panel's own requests all succeeded
    expect(s.problems).toEqual([]);
    expect(failed).toEqual([]);
    // an empty sentence; a character the char-GPT never saw
    await page.getByRole('textbox', { name: 'Sentence' }).fill('   ');
    await page.getByRole('button', { name: 'Show attention' }).click();
    await expect
      .poll(() => page.locator('.transformer-attention [role="alert"]').textContent())
      .toContain('the text is empty');
    await page
      .locator('.transformer-next')
      .getByRole('combobox', { name: /^Model/ })
      .selectOption('char-gpt');
    await page.locator('.transformer-next textarea').fill('It costs €3');
    await expect
      .poll(() => page.locator('.transformer-next [role="alert"]').textContent())
      .toContain('unknown character "€"');
    // the page still works after them
    await page.locator('.transformer-next textarea').fill('ROMEO:');
    await expect.poll(() => page.locator('.transformer-next [role="alert"]').count()).toBe(0);
    await page.locator('table.next-table tbody tr').first().waitFor();
    // only the 400 answers themselves show up as console errors
    expect(s.problems.filter((p) => !/status of (400|404)/.test(p))).toEqual([]);
    expect(failed.every(([status, path]) => status === 400 && path.startsWith('/api/transformer/'))).toBe(
      true,
    );
    expect(s.outside).toEqual([]);
  }, 60_000);
});
