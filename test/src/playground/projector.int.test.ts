/**
 * The embedding projector panel in Chromium: the page's numbers against @firth/embeddings run here,
 * in the test process, on the same vectors — the course's fake 3-D vectors and their PCA, GloVe
 * 20k's nearest neighbours and king − man + woman, users' files (word2vec text through the file
 * input, word2vec binary dropped on the page, and a file that is not vectors) — plus keyboard-only
 * search and 3-D rotation, axe-core, a screenshot and no request leaving 127.0.0.1.
 *
 *   cd apps/playground && node build-ui.mjs
 *   cd test && FIRTH_TEST_TIER=int npx vitest run src/playground/projector.int.test.ts
 */
import { FAKE_WORD_VECTORS, type KeyedVectors, loadPretrained, parseVectors, pca } from '@firth/embeddings';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPlayground, type PlaygroundSession, skipReason } from './harness.js';

const fmt = (v: number) => v.toFixed(4);

/** The little of the DOM these checks touch (test/ compiles without the DOM library). */
interface DomNode {
  textContent: string | null;
  children: ArrayLike<DomNode>;
  ownerDocument: { activeElement: unknown };
  querySelectorAll(selector: string): Iterable<DomNode>;
  dispatchEvent(event: unknown): boolean;
}
interface DropGlobals {
  DataTransfer: new () => { items: { add(file: unknown): void } };
  DragEvent: new (
    type: string,
    init: { dataTransfer: unknown; bubbles: boolean; cancelable: boolean },
  ) => unknown;
  File: new (parts: unknown[], name: string, options: { type: string }) => unknown;
}
const isFocused = (el: DomNode) => el === el.ownerDocument.activeElement;

/** What the page's table shows for `words` of `kv` after PCA of its first `n` rows: PC columns. */
function pcaRows(kv: KeyedVectors, n: number, words: readonly string[]): string[][] {
  const fit = pca({ data: kv.vectors, rows: n, cols: kv.vectorSize }, Math.min(3, n, kv.vectorSize));
  return words.map((w) => {
    const i = kv.getIndex(w);
    const p = i < n ? fit.projected[i]! : fit.transform(kv.get(w));
    return Array.from(p, fmt);
  });
}

describe.skipIf(skipReason)('playground: embedding projector', () => {
  let s: PlaygroundSession;
  let glove: KeyedVectors;

  beforeAll(async () => {
    // one after the other: the page's load and PCA times are its own, not shared with this parse
    glove = await loadPretrained('glove-6b-100d-top20k');
    s = await openPlayground('projector');
  }, 120_000);
  afterAll(async () => {
    await s?.close();
  });

  /** The table view's rows: word, then every cell, as shown. */
  async function tableRows(): Promise<string[][]> {
    return s.page
      .locator('.projector-table tbody tr')
      .evaluateAll((rows: DomNode[]) =>
        rows.map((r) => Array.from(r.querySelectorAll('th, td'), (c) => (c.textContent ?? '').trim())),
      );
  }

  async function resultTable(selector: string): Promise<[string, string][]> {
    return s.page
      .locator(`${selector} tbody tr`)
      .evaluateAll((rows: DomNode[]) =>
        rows.map(
          (r) => [r.children[1]!.textContent!.trim(), r.children[2]!.textContent!.trim()] as [string, string],
        ),
      );
  }

  async function markAt(word: string, kind: string): Promise<[number, number]> {
    const g = s.page.locator(`.projector-mark[data-kind="${kind}"][data-word="${word}"]`);
    return [Number(await g.getAttribute('data-x')), Number(await g.getAttribute('data-y'))];
  }

  it('first loads fast, then fetches GloVe 20k when the panel opens and projects its top 1,000', async () => {
    const loadMs = (await s.page.evaluate(
      "performance.getEntriesByType('navigation')[0].loadEventEnd",
    )) as number;
    expect(loadMs).toBeGreaterThan(0);
    expect(loadMs).toBeLessThan(2000);
    // what the page shows while GloVe comes: open it again (same context), watching the status
    await s.context.addInitScript(`
      globalThis.__progress = [];
      new MutationObserver(() => {
        const p = document.querySelector('.projector-status progress');
        if (p) globalThis.__progress.push(p.parentElement.textContent + ' [' + p.value + '/' + p.max + ']');
      }).observe(document, { subtree: true, childList: true, characterData: true });
    `);
    await s.page.reload();
    const status = s.page.locator('.projector-status');
    await status
      .getByText('GloVe 6B 100d, the 20,000 most frequent words: 20,000 words × 100 dimensions')
      .waitFor();
    const seen = (await s.page.evaluate('globalThis.__progress')) as string[];
    expect(seen.length).toBeGreaterThan(0);
    expect(
      seen.some((t) => /^Downloading GloVe 6B 100d \(20,000 words\)(…|: [\d.]+ MB of 17\.2 MB) \[/.test(t)),
    ).toBe(true);
    // the page's explained variance equals the core's PCA of the same 1,000 rows
    const fit = pca({ data: glove.vectors, rows: 1000, cols: 100 }, 3);
    const shares = Array.from(
      fit.explainedVarianceRatio,
      (r, i) => `PC${i + 1} ${(100 * r).toFixed(1)} %`,
    ).join(', ');
    console.log(`projector: page loaded in ${Math.round(loadMs)} ms; ${await status.textContent()}`);
    expect(await status.textContent()).toContain(`PCA of the first 1,000 in`);
    expect(await status.textContent()).toContain(`the axes hold ${shares} of the variance`);
    expect(await s.page.locator('.projector-points:not(.projector-back)').getAttribute('data-count')).toBe(
      '1000',
    );
    // the GloVe file came from the playground server's /data, after the page
    const fetched = (await s.page.evaluate(
      "performance.getEntriesByType('resource').map((e) => new URL(e.name).pathname)",
    )) as string[];
    expect(fetched).toContain('/data/glove-6B-100d-top20k.txt');
  });

  it('keyboard only: Tab to the word box, Enter searches; Tab to the 3-D plot, arrow keys turn it', async () => {
    const { page } = s;
    await page.locator('#tab-projector').focus();
    const word = page.getByLabel('Word', { exact: true });
    for (let i = 0; i < 40 && !(await word.evaluate(isFocused)); i++) await page.keyboard.press('Tab');
    await expect.poll(() => word.evaluate(isFocused)).toBe(true);
    await page.keyboard.type('frog');
    await page.keyboard.press('Enter');
    await page.locator('.projector-neighbours').waitFor();
    const core = glove.mostSimilar('frog', 10).map(([w, v]) => [w, fmt(v)]);
    expect(await resultTable('.projector-neighbours')).toEqual(core);

    // back (Shift+Tab) to the plot, a focusable widget before the search form
    const plot = page.getByRole('application');
    for (let i = 0; i < 10 && !(await plot.evaluate(isFocused)); i++) await page.keyboard.press('Shift+Tab');
    await expect.poll(() => plot.evaluate(isFocused)).toBe(true);
    const yaw = page.locator('[data-yaw]');
    const pitch = page.locator('[data-pitch]');
    expect([await yaw.textContent(), await pitch.textContent()]).toEqual(['-30', '20']);
    const before = await markAt('frog', 'query');
    await page.keyboard.press('ArrowRight');
    expect(await yaw.textContent()).toBe('-20');
    const turned = await markAt('frog', 'query');
    expect(turned).not.toEqual(before);
    await page.keyboard.press('ArrowUp');
    expect(await pitch.textContent()).toBe('10');
    await page.keyboard.press('Home');
    expect([await yaw.textContent(), await pitch.textContent()]).toEqual(['-30', '20']);
    expect(await markAt('frog', 'query')).toEqual(before);
    // every neighbour is drawn, and listed in the table view with the core's PCA coordinates
    const words = ['frog', ...glove.mostSimilar('frog', 10).map(([w]) => w)];
    const rows = (await tableRows()).filter((r) => words.includes(r[0]!));
    expect(rows.map((r) => r[0]).sort()).toEqual([...words].sort());
    const expected = pcaRows(
      glove,
      1000,
      rows.map((r) => r[0]!),
    );
    expect(rows.map((r) => r.slice(1))).toEqual(expected);
  });

  it('the nearest neighbours of a typed word are the core mostSimilar, words and scores', async () => {
    const { page } = s;
    await page.getByLabel('Word', { exact: true }).fill('computer');
    await page.getByRole('button', { name: 'Find neighbours' }).click();
    await page.getByText('The 10 nearest words to "computer"').waitFor();
    const core = glove.mostSimilar('computer', 10).map(([w, v]) => [w, fmt(v)]);
    expect(await resultTable('.projector-neighbours')).toEqual(core);
    expect(await page.locator('.projector-mark[data-kind="neighbour"]').count()).toBe(10);
    // an unknown word is named, nothing else breaks
    await page.getByLabel('Word', { exact: true }).fill('qwzxv');
    await page.getByRole('button', { name: 'Find neighbours' }).click();
    await page
      .getByRole('alert')
      .getByText('"qwzxv" is not among the 20,000 words of GloVe 6B 100d')
      .waitFor();
    await page.getByLabel('Word', { exact: true }).fill('computer');
    await page.getByRole('button', { name: 'Find neighbours' }).click();
    await page.locator('.projector-neighbours').waitFor();
  });

  it("king − man + woman: the core's answer, listed and drawn as arrows king→man, woman→answer", async () => {
    const { page } = s;
    // the fields start as king, man, woman
    expect(await page.getByLabel('A', { exact: true }).inputValue()).toBe('king');
    await page.getByRole('button', { name: 'Solve' }).click();
    const core = glove.mostSimilar({ positive: ['king', 'woman'], negative: ['man'], topn: 5 });
    expect(core[0]![0]).toBe('queen'); // as the core's README prints: [['queen', 0.7699]]
    await expect.poll(() => page.locator('[data-answer]').textContent()).toBe(core[0]![0]);
    expect(await resultTable('.projector-analogy')).toEqual(core.map(([w, v]) => [w, fmt(v)]));
    for (const [from, to] of [
      ['king', 'man'],
      ['woman', core[0]![0]],
    ] as const) {
      const arrow = page.locator(`[data-arrow="${from}→${to}"]`);
      const a = await markAt(from, 'analogy');
      const b = await markAt(to, to === core[0]![0] ? 'answer' : 'analogy');
      expect([Number(await arrow.getAttribute('x1')), Number(await arrow.getAttribute('y1'))]).toEqual(a);
      expect([Number(await arrow.getAttribute('x2')), Number(await arrow.getAttribute('y2'))]).toEqual(b);
    }
    expect(await s.axe()).toEqual([]);
    await s.screenshot('projector');
  });

  it('PCA of all 20,000 × 100 in the browser takes under 2 s; 2-D view', async () => {
    const { page } = s;
    await page.getByLabel('Words shown (the most frequent N)').fill('20000');
    await page.locator('.projector-status').getByText('PCA of the first 20,000 in').waitFor();
    const ms = Number(await page.locator('[data-pca-ms]').getAttribute('data-pca-ms'));
    console.log(`projector: PCA of 20,000 × 100 in the browser: ${ms} ms`);
    expect(ms).toBeGreaterThan(0);
    expect(ms).toBeLessThan(2000);
    expect(await page.locator('.projector-points').first().getAttribute('d')).toBeTruthy();
    await page.getByRole('combobox', { name: /^Projection/ }).selectOption('2');
    expect(await page.getByRole('application').count()).toBe(0);
    expect(await page.locator('.projector-mark[data-kind="answer"]').count()).toBe(1);
    await page.getByLabel('Words shown (the most frequent N)').fill('1');
    await page.getByText('Words shown must be a whole number from 2 to 20,000').waitFor();
    await page.getByLabel('Words shown (the most frequent N)').fill('1000');
    await page.getByRole('combobox', { name: /^Projection/ }).selectOption('3');
  });

  it("the course's fake 3-D vectors, with the course's numbers and the core's PCA of them", async () => {
    const { page } = s;
    await page.getByLabel('Vector set').selectOption('course');
    await page
      .locator('.projector-status')
      .getByText("The course's fake 3-D vectors: 5 words × 3 dimensions")
      .waitFor();
    const rows = await tableRows();
    // the seed's cell "# Fake word vectors (3D for simplicity)":
    //   "king": np.array([0.8, 0.65, 0.1]),   "queen": np.array([0.78, 0.66, 0.12]),
    //   "man": np.array([0.9, 0.1, 0.1]),     "woman": np.array([0.88, 0.12, 0.12]),
    //   "apple": np.array([0.1, 0.8, 0.9]),
    expect(rows.map((r) => [r[0], r[1]])).toEqual([
      ['king', '0.8, 0.65, 0.1'],
      ['queen', '0.78, 0.66, 0.12'],
      ['man', '0.9, 0.1, 0.1'],
      ['woman', '0.88, 0.12, 0.12'],
      ['apple', '0.1, 0.8, 0.9'],
    ]);
    expect(rows.map((r) => [r[0], r[1]])).toEqual(
      Object.entries(FAKE_WORD_VECTORS).map(([w, v]) => [w, v.join(', ')]),
    );
    const { KeyedVectors } = await import('@firth/embeddings');
    const kv = KeyedVectors.fromObject(FAKE_WORD_VECTORS);
    expect(rows.map((r) => r.slice(2))).toEqual(pcaRows(kv, 5, kv.indexToKey));
    // king − man + woman here too, as the core answers it on these vectors
    await page.getByRole('button', { name: 'Solve' }).click();
    const answer = kv.mostSimilar({ positive: ['king', 'woman'], negative: ['man'], topn: 5 })[0]![0];
    await expect.poll(() => page.locator('[data-answer]').textContent()).toBe(answer);
  });

  it('a word2vec text file chosen with the file input, and a word2vec binary file dropped, load and show their words', async () => {
    const { page } = s;
    const text = '4 3\nalpha 0.1 0.2 0.3\nbeta 0.4 -0.1 0.2\ngamma -0.3 0.5 0.9\ndelta 0.7 0.7 -0.2\n';
    await page.getByLabel(/^Vectors file/).setInputFiles({
      name: 'tiny.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from(text),
    });
    await page
      .locator('.projector-status')
      .getByText('Your file: tiny.txt: 4 words × 3 dimensions')
      .waitFor();
    const kv = await parseVectors(text, { name: 'tiny.txt' });
    const rows = await tableRows();
    expect(rows.map((r) => r[0])).toEqual(['alpha', 'beta', 'gamma', 'delta']);
    expect(rows.map((r) => r[1])).toEqual([
      '0.1, 0.2, 0.3',
      '0.4, -0.1, 0.2',
      '-0.3, 0.5, 0.9',
      '0.7, 0.7, -0.2',
    ]);
    expect(rows.map((r) => r.slice(2))).toEqual(pcaRows(kv, 4, kv.indexToKey));
    expect(
      await page.locator('.projector-points:not(.projector-back)').getAttribute('data-count'),
    ).not.toBeNull();

    // word2vec's binary layout: "count dim\n", then per word "word " + dim float32 LE (+ "\n")
    const words: [string, number[]][] = [
      ['red', [1, 0]],
      ['green', [0.2, 1]],
      ['blue', [-0.5, 0.3]],
    ];
    const parts: Buffer[] = [Buffer.from('3 2\n')];
    for (const [w, v] of words) {
      const floats = Buffer.alloc(8);
      v.forEach((x, i) => {
        floats.writeFloatLE(x, 4 * i);
      });
      parts.push(Buffer.from(`${w} `), floats, Buffer.from('\n'));
    }
    const binary = Buffer.concat(parts);
    await page.locator('.projector-drop').evaluate((zone: DomNode, bytes: number[]) => {
      const { DataTransfer, DragEvent, File } = globalThis as unknown as DropGlobals;
      const dt = new DataTransfer();
      dt.items.add(new File([new Uint8Array(bytes)], 'colours.bin', { type: 'application/octet-stream' }));
      zone.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
      zone.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    }, Array.from(binary));
    await page
      .locator('.projector-status')
      .getByText('Your file: colours.bin: 3 words × 2 dimensions')
      .waitFor();
    const colours = await parseVectors(new Uint8Array(binary), { name: 'colours.bin' });
    const shown = await tableRows();
    expect(shown.map((r) => r[0])).toEqual(['red', 'green', 'blue']);
    expect(shown.map((r) => r.slice(2))).toEqual(pcaRows(colours, 3, colours.indexToKey));
    await page.getByText('These vectors have fewer than 3 dimensions: shown in 2-D.').waitFor();
  });

  it('a file that is not vectors gives the core reader’s message, naming the file, line and problem', async () => {
    const { page } = s;
    const bad = 'hello world\nthis is not vectors\n';
    let message = '';
    try {
      await parseVectors(bad, { name: 'notes.txt' });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/^notes\.txt: line 1/);
    await page.getByLabel(/^Vectors file/).setInputFiles({
      name: 'notes.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from(bad),
    });
    const alert = page.getByRole('alert').filter({ hasText: 'Could not read notes.txt' });
    await alert.waitFor();
    expect((await alert.textContent())?.trim()).toBe(`Could not read notes.txt as word vectors: ${message}`);
    // the previous set stays usable
    expect((await tableRows()).map((r) => r[0])).toEqual(['red', 'green', 'blue']);
  });

  it('axe-clean, nothing left 127.0.0.1, no console errors', async () => {
    expect(await s.axe()).toEqual([]);
    expect(s.outside).toEqual([]);
    expect(s.problems).toEqual([]);
  });
});
