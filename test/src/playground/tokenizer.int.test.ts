/**
 * The tokenizer playground in Chromium (browser tier): what each card shows — token count,
 * characters per token, the chips' texts, their ids (listed, and on hover/focus), a tokenizer's
 * error — equals @firth/llm's `compareTokenizers` run here, in the test process, on the same text.
 * Also: unticking a tokenizer removes its card, the ids toggle, keyboard only, the debounce and
 * the cancelled request, the over-long and empty texts, axe, and nothing leaving 127.0.0.1.
 */
import { compareTokenizers, PLAYGROUND_TOKENIZERS, type TokenizerView } from '@firth/llm';
import { checkTextLength, MAX_TEXT_LENGTH } from '@firth/numeric';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPlayground, type PlaygroundSession, skipReason } from './harness.js';

if (skipReason) console.warn(`[playground tier] skipped: ${skipReason}`);

// the course's BERT example (seed: `sentence = "He went to the bank to deposit money."`)
const COURSE_SENTENCE = 'He went to the bank to deposit money.';
const STORY = 'Once upon a time, there was a little girl named Lily.\n\tShe  loved to play outside.';
// Japanese, an emoji (4 UTF-8 bytes), an accented letter and Greek: byte tokens and errors
const NON_LATIN = 'こんにちは 🤖 naïve\nΓειά σου, κόσμε!';

/** The few DOM shapes the page-side functions use (test/ compiles without the DOM library). */
interface DomNode {
  textContent: string | null;
  value?: string;
  className?: string;
  labels?: ArrayLike<DomNode> | null;
  getAttribute(name: string): string | null;
  querySelector(selector: string): DomNode | null;
  closest(selector: string): DomNode | null;
  getBoundingClientRect(): { width: number };
}
declare const document: { querySelector(selector: string): DomNode | null; activeElement: DomNode | null };

interface CardOnScreen {
  name: string;
  count?: number;
  charsPerToken?: number;
  /** each chip's text */
  chips?: string[];
  /** each chip's hover/focus tip */
  tips?: string[];
  /** the "Ids:" line */
  ids?: string;
  error?: string;
}

function cardsOnScreen(page: Page): Promise<CardOnScreen[]> {
  return page.locator('#panel-tokenizer .tok-card').evaluateAll((cards) =>
    cards.map((card) => {
      const text = (selector: string) => card.querySelector(selector)?.textContent ?? undefined;
      const error = text('.tok-error');
      if (error !== undefined) return { name: text('h3')!, error };
      return {
        name: text('h3')!,
        count: Number(text('.tok-count')),
        charsPerToken: Number(text('.tok-cpt')),
        chips: [...card.querySelectorAll('.tok-chip-text')].map((e) => e.textContent!),
        tips: [...card.querySelectorAll('.tok-chip-tip')].map((e) => e.textContent!),
        ids: text('.tok-ids code'),
      };
    }),
  );
}

/** What the cards must show for the core's views. */
function expectedCards(views: TokenizerView[], showIds = false): CardOnScreen[] {
  return views.map((v) =>
    v.error !== undefined
      ? { name: v.name, error: v.error }
      : {
          name: v.name,
          count: v.count,
          charsPerToken: v.charsPerToken,
          chips: showIds ? v.ids.map(String) : v.shown,
          tips: showIds ? v.shown : v.ids.map((id) => `id ${id}`),
          ids: v.ids.join(', '),
        },
  );
}

/** Waits until the page shows the answer for `text` cut by `n` tokenizers. */
async function settled(page: Page, text: string, n: number): Promise<void> {
  const status = `${[...text].length.toLocaleString('en')} characters, ${n} ${n === 1 ? 'tokenizer' : 'tokenizers'}.`;
  await page.waitForFunction(
    ([want, value]) =>
      document.querySelector('#panel-tokenizer textarea')?.value === value &&
      document.querySelector('#panel-tokenizer .tok-cards')?.getAttribute('aria-busy') === 'false' &&
      document.querySelector('#panel-tokenizer [role=status]')?.textContent === want,
    [status, text] as const,
  );
}

const textarea = (page: Page) => page.getByLabel('Text', { exact: true });
const checkbox = (page: Page, name: string) => page.getByRole('checkbox', { name, exact: true });

describe.skipIf(skipReason !== undefined)('tokenizer playground (browser tier)', () => {
  let s: PlaygroundSession;
  const tokenizeRequests: string[] = [];

  beforeAll(async () => {
    s = await openPlayground('tokenizer');
    s.page.on('request', (r) => {
      if (r.url().endsWith('/api/tokenize')) tokenizeRequests.push(r.postData() ?? '');
    });
  }, 60_000);

  afterAll(async () => {
    await s?.close();
  });

  it('opens on the course sentence, cut by every tokenizer as compareTokenizers cuts it', async () => {
    const { page } = s;
    expect(await textarea(page).inputValue()).toBe(COURSE_SENTENCE);
    for (const name of PLAYGROUND_TOKENIZERS) expect(await checkbox(page, name).isChecked()).toBe(true);
    await settled(page, COURSE_SENTENCE, PLAYGROUND_TOKENIZERS.length);
    const core = await compareTokenizers(COURSE_SENTENCE, PLAYGROUND_TOKENIZERS);
    expect(await cardsOnScreen(page)).toEqual(expectedCards(core));
    // each card is a region named by its tokenizer
    for (const name of PLAYGROUND_TOKENIZERS)
      expect(await page.getByRole('region', { name, exact: true }).isVisible()).toBe(true);
  });

  it.each([
    ['a story with a newline, a tab and a double space', STORY],
    ['Japanese, an emoji and Greek', NON_LATIN],
  ])('%s: counts, chips and ids equal the core', async (_what, text) => {
    const { page } = s;
    await textarea(page).fill(text);
    await settled(page, text, PLAYGROUND_TOKENIZERS.length);
    const core = await compareTokenizers(text, PLAYGROUND_TOKENIZERS);
    expect(await cardsOnScreen(page)).toEqual(expectedCards(core));
    // whitespace is visible on the chips: a newline as ↵, spaces as ·
    expect(core.find((v) => v.name === 'gpt-4o')!.shown.join('')).toContain('↵');
    if (text === NON_LATIN) {
      // tiny Shakespeare's characters have no Japanese: that card shows the core's error, no chips
      const failed = core.filter((v) => v.error !== undefined);
      expect(failed.map((v) => v.name)).toContain('char-shakespeare');
      for (const v of failed)
        expect(await page.getByRole('region', { name: v.name }).locator('.error').textContent()).toBe(
          v.error,
        );
    }
  });

  it('shows ids instead of text, and back', async () => {
    const { page } = s;
    await textarea(page).fill(COURSE_SENTENCE);
    await settled(page, COURSE_SENTENCE, PLAYGROUND_TOKENIZERS.length);
    const core = await compareTokenizers(COURSE_SENTENCE, PLAYGROUND_TOKENIZERS);
    await checkbox(page, 'Show ids instead of text').check();
    expect(await cardsOnScreen(page)).toEqual(expectedCards(core, true));
    await checkbox(page, 'Show ids instead of text').uncheck();
    expect(await cardsOnScreen(page)).toEqual(expectedCards(core));
  });

  it("a chip's id shows on hover", async () => {
    const { page } = s;
    const [gpt] = await compareTokenizers(COURSE_SENTENCE, ['gpt-4o']);
    const chip = page.getByRole('region', { name: 'gpt-4o' }).locator('.tok-chip').nth(4);
    const tip = chip.locator('.tok-chip-tip');
    expect((await tip.boundingBox())!.width).toBeLessThanOrEqual(1);
    await chip.hover();
    expect(await tip.textContent()).toBe(`id ${gpt!.ids[4]}`);
    expect((await tip.boundingBox())!.width).toBeGreaterThan(20);
    await page.mouse.move(0, 0);
  });

  it('unticking a tokenizer removes its card; ticking it brings it back', async () => {
    const { page } = s;
    await checkbox(page, 'gpt-4o').uncheck();
    // gone at once, before the next answer
    expect(await page.getByRole('region', { name: 'gpt-4o' }).count()).toBe(0);
    const rest = PLAYGROUND_TOKENIZERS.filter((n) => n !== 'gpt-4o');
    await settled(page, COURSE_SENTENCE, rest.length);
    expect(await cardsOnScreen(page)).toEqual(expectedCards(await compareTokenizers(COURSE_SENTENCE, rest)));
    await checkbox(page, 'gpt-4o').check();
    await settled(page, COURSE_SENTENCE, PLAYGROUND_TOKENIZERS.length);
    expect((await cardsOnScreen(page)).map((c) => c.name)).toEqual([...PLAYGROUND_TOKENIZERS]);
  });

  it('keyboard only: Tab to the text, type, Tab to a tokenizer, Space; arrows move between chips', async () => {
    const { page } = s;
    const focused = () =>
      page.evaluate(() => {
        const e = document.activeElement;
        return e?.labels?.[0]?.textContent?.trim() ?? e?.className ?? '';
      });
    await page.locator('#tab-tokenizer').focus();
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('Text');
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Delete');
    await page.keyboard.type(COURSE_SENTENCE);
    await page.keyboard.press('Tab');
    expect(await focused()).toBe(PLAYGROUND_TOKENIZERS[0]);
    await page.keyboard.press('Space');
    expect(await checkbox(page, PLAYGROUND_TOKENIZERS[0]).isChecked()).toBe(false);
    const rest = PLAYGROUND_TOKENIZERS.slice(1);
    await settled(page, COURSE_SENTENCE, rest.length);
    expect(await cardsOnScreen(page)).toEqual(expectedCards(await compareTokenizers(COURSE_SENTENCE, rest)));
    await page.keyboard.press('Space');
    await settled(page, COURSE_SENTENCE, PLAYGROUND_TOKENIZERS.length);
    // past the other tokenizers and the ids toggle: the first card's chips, one tab stop
    for (let i = 1; i < PLAYGROUND_TOKENIZERS.length; i++) await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('Show ids instead of text');
    await page.keyboard.press('Tab');
    const [first] = await compareTokenizers(COURSE_SENTENCE, [PLAYGROUND_TOKENIZERS[0]]);
    const focusedChip = () =>
      page.evaluate(() => [
        document.activeElement?.closest('section')?.querySelector('h3')?.textContent,
        document.activeElement?.querySelector('.tok-chip-tip')?.textContent,
        document.activeElement?.querySelector('.tok-chip-tip')?.getBoundingClientRect().width,
      ]);
    const [card, tip, width] = await focusedChip();
    expect([card, tip]).toEqual([PLAYGROUND_TOKENIZERS[0], `id ${first!.ids[0]}`]);
    expect(width).toBeGreaterThan(20); // the id shows on focus
    await page.keyboard.press('ArrowRight');
    expect((await focusedChip()).slice(0, 2)).toEqual([PLAYGROUND_TOKENIZERS[0], `id ${first!.ids[1]}`]);
    // the next Tab leaves the card for the next one
    await page.keyboard.press('Tab');
    expect((await focusedChip())[0]).toBe(PLAYGROUND_TOKENIZERS[1]);
  });

  it('typing is debounced, and a keystroke cancels the request in flight', async () => {
    const { page } = s;
    // the page's calls to /api/tokenize, and whether each was cancelled (its signal aborted)
    await page.evaluate(() => {
      type Init = { body?: string; signal?: { addEventListener(type: string, f: () => void): void } };
      const g = globalThis as unknown as {
        fetch: (input: unknown, init?: Init) => Promise<unknown>;
        tokenizeCalls: { text: string; cancelled: boolean }[];
      };
      const original = g.fetch.bind(g);
      g.tokenizeCalls = [];
      g.fetch = (input, init) => {
        if (String(input) === '/api/tokenize') {
          const call = { text: (JSON.parse(init!.body!) as { text: string }).text, cancelled: false };
          g.tokenizeCalls.push(call);
          init?.signal?.addEventListener('abort', () => {
            call.cancelled = true;
          });
        }
        return original(input, init);
      };
    });
    const calls = () =>
      page.evaluate(
        () =>
          (globalThis as unknown as { tokenizeCalls: { text: string; cancelled: boolean }[] }).tokenizeCalls,
      );
    const typed = ' and a bear';
    await textarea(page).fill('Once upon a time');
    await textarea(page).press('End');
    await page.keyboard.type(typed, { delay: 40 }); // faster than the 250 ms wait
    const text = `Once upon a time${typed}`;
    await settled(page, text, PLAYGROUND_TOKENIZERS.length);
    const sent = await calls();
    expect(sent.length).toBeGreaterThanOrEqual(1);
    expect(sent.length).toBeLessThan(typed.length);
    expect(sent.at(-1)).toEqual({ text, cancelled: false });

    // hold the next answer on its way; the keystroke after it cancels it
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    await page.route('**/api/tokenize', async (route) => {
      await held;
      await route.continue().catch(() => {});
    });
    await page.keyboard.type('!');
    await expect.poll(async () => (await calls()).at(-1)?.text, { timeout: 5_000 }).toBe(`${text}!`);
    await page.unroute('**/api/tokenize');
    await page.keyboard.type('?');
    release();
    await settled(page, `${text}!?`, PLAYGROUND_TOKENIZERS.length);
    expect((await calls()).slice(sent.length)).toEqual([
      { text: `${text}!`, cancelled: true },
      { text: `${text}!?`, cancelled: false },
    ]);
    expect(await cardsOnScreen(page)).toEqual(
      expectedCards(await compareTokenizers(`${text}!?`, PLAYGROUND_TOKENIZERS)),
    );
  });

  it("a text over MAX_TEXT_LENGTH gives the tokenizers' message; an empty one says what to do", async () => {
    const { page } = s;
    const before = tokenizeRequests.length;
    const long = 'a'.repeat(MAX_TEXT_LENGTH + 1);
    // the core refuses it with this message (compareTokenizers and the tokenizers' own check)
    const refused = await compareTokenizers(long, ['gpt-4o']).then(
      () => '',
      (e: Error) => e.message,
    );
    expect(refused).toBe(
      (() => {
        try {
          checkTextLength(long, 'text');
          return '';
        } catch (e) {
          return (e as Error).message;
        }
      })(),
    );
    await textarea(page).fill(long);
    expect(await page.getByRole('alert').textContent()).toBe(refused);
    expect(await page.locator('#panel-tokenizer .tok-card').count()).toBe(0);
    await textarea(page).fill('');
    expect(await page.locator('#panel-tokenizer .summary').last().textContent()).toBe(
      'Type or paste a text to see its tokens.',
    );
    expect(await page.locator('#panel-tokenizer .tok-card').count()).toBe(0);
    await new Promise((r) => setTimeout(r, 400));
    expect(tokenizeRequests.length).toBe(before); // neither was sent
  });

  it('axe finds nothing serious; the screenshot; nothing left 127.0.0.1', async () => {
    const { page } = s;
    const text = `${COURSE_SENTENCE}\nこんにちは 🤖`;
    await textarea(page).fill(text);
    await settled(page, text, PLAYGROUND_TOKENIZERS.length);
    await page.getByRole('region', { name: 'gpt-4o' }).locator('.tok-chip').nth(6).hover();
    expect(await s.axe()).toEqual([]);
    await s.screenshot('tokenizer');
    expect(s.outside).toEqual([]);
    expect(s.problems).toEqual([]);
  });
});
