import { ValidationError } from '@firth/numeric';
import { describe, expect, it } from 'vitest';
import { readEvalSet, type Split } from './eval-sets.test-support.js';
import { pipeline } from './pipeline.js';
import { lcsLength, rouge, rougeN, rougeTokens } from './rouge.js';
import { buildSummarization, splitSentences, summaryTokens } from './summarization.js';

interface SummarySet {
  items: { text: string; summary: string; split: Split }[];
}

describe('ROUGE', () => {
  it('counts shared n-grams (clipped) and the longest common subsequence, worked by hand', () => {
    expect(rougeTokens("The cat's mat, 3.5 m!")).toEqual(['the', 'cat', 's', 'mat', '3', '5', 'm']);
    const r = rouge('the cat sat on the mat', 'the cat lay on the mat');
    // unigrams: the ×2, cat, on, mat shared = 5 of 6 each side
    expect(r.rouge1).toEqual({ precision: 5 / 6, recall: 5 / 6, fmeasure: 5 / 6 });
    // bigrams: "the cat", "on the", "the mat" shared = 3 of 5
    expect(r.rouge2.fmeasure).toBeCloseTo(3 / 5, 12);
    // LCS: the cat on the mat = 5
    expect(r.rougeL.fmeasure).toBeCloseTo(5 / 6, 12);
    // clipping: "the the the" against "the cat" shares one "the"
    expect(rougeN(['the', 'the', 'the'], ['the', 'cat'], 1)).toEqual({
      precision: 1 / 3,
      recall: 1 / 2,
      fmeasure: 0.4,
    });
    expect(lcsLength(['a', 'b', 'c', 'd'], ['b', 'd', 'a'])).toBe(2);
    // P 2/3 (police, killed of 3), R 2/5: F = 2·(2/3)(2/5)/(2/3 + 2/5) = 1/2; LCS "killed" or "police" = 1
    expect(rouge('police killed him', 'he was killed by police').rouge1.fmeasure).toBeCloseTo(1 / 2, 12);
    expect(rouge('police killed him', 'he was killed by police').rougeL.fmeasure).toBeCloseTo(1 / 4, 12);
    expect(rouge('', 'a b').rouge1).toEqual({ precision: 0, recall: 0, fmeasure: 0 });
    expect(rouge('a b', 'c d').rougeL.fmeasure).toBe(0);
  });
});

describe('summarization', () => {
  it('splits sentences without breaking at titles, initials or U.S.', () => {
    expect(
      splitSentences(
        'Mr. Smith met Dr. Jones in the U.S. on Sept. 11. They talked. "Why?" he asked. George W. Bush said no!',
      ),
    ).toEqual([
      'Mr. Smith met Dr. Jones in the U.S. on Sept. 11.',
      'They talked.',
      '"Why?" he asked.',
      'George W. Bush said no!',
    ]);
    expect(summaryTokens("AMP's profit sank 25 per cent to $303 million.")).toEqual([
      "AMP's",
      'profit',
      'sank',
      '25',
      'per',
      'cent',
      'to',
      '$',
      '303',
      'million',
      '.',
    ]);
  });

  it("gives [{ summary_text }] made of the text's own sentences, within max_length tokens; says it is extractive", async () => {
    const summarize = await pipeline('summarization');
    expect(summarize.task).toBe('summarization');
    expect(summarize.method).toBe('extractive');
    expect(summarize.model).toMatchObject({ id: 'extractive-use-lite', isDefault: true });
    expect(summarize.model.description).toMatch(/^EXTRACTIVE, not abstractive/);
    const { items } = readEvalSet<SummarySet>('summarization.json');
    const text = items[5]!.text;
    const out = await summarize(text);
    expect(out).toHaveLength(1);
    expect(Object.keys(out[0]!)).toEqual(['summary_text']);
    const summary = out[0]!.summary_text;
    expect(summaryTokens(summary).length).toBeLessThanOrEqual(40);
    for (const s of splitSentences(summary)) expect(text).toContain(s);
    // a longer budget keeps more whole sentences, in the text's order
    const [long] = await summarize(text, { max_length: 120, min_length: 60 });
    const kept = splitSentences(long!.summary_text);
    expect(kept.length).toBeGreaterThan(1);
    expect(summaryTokens(long!.summary_text).length).toBeGreaterThanOrEqual(60);
    const positions = kept.map((s) => text.indexOf(s));
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    // a first sentence longer than max_length is cut to it
    const [short] = await summarize(text, { max_length: 8, min_length: 0 });
    expect(summaryTokens(short!.summary_text)).toHaveLength(8);
    expect(text.startsWith(short!.summary_text) || text.includes(short!.summary_text)).toBe(true);
    // a batch: one { summary_text } per text, each as it would be alone
    const batch = await summarize([items[0]!.text, text]);
    expect(batch).toHaveLength(2);
    expect(batch[1]).toEqual(out[0]);
  });

  it('refuses bad options, each naming the option; a model folder is the abstractive path', async () => {
    const summarize = await pipeline('summarization');
    const path = async (p: Promise<unknown>) =>
      p.then(
        () => 'no error',
        (e: unknown) => (e instanceof ValidationError ? e.path : String(e)),
      );
    expect(await path(summarize('A text. Another.', { max_length: 0 }))).toBe('max_length');
    expect(await path(summarize('A text. Another.', { max_length: 1.5 }))).toBe('max_length');
    expect(await path(summarize('A text. Another.', { min_length: -1 }))).toBe('min_length');
    expect(await path(summarize('A text. Another.', { max_length: 10, min_length: 20 }))).toBe('min_length');
    expect(await path(summarize(['ok', '  ']))).toBe('input');
    expect(await path(pipeline('summarization', '/models/bart-large-cnn'))).toBe('model');
    // a folder is the abstractive path (encoder-decoder.ts): an unreadable one is named
    await expect(pipeline('summarization', '/models/bart-large-cnn')).rejects.toThrow(
      /cannot read \/models\/bart-large-cnn\/config\.json/,
    );
    await expect(buildSummarization('/models/bart-large-cnn')).rejects.toThrow(
      /read by pipeline\('summarization', folder\)/,
    );
  });

  it('measures as the README says: ROUGE against hand-written summaries of the held-out articles', async () => {
    const summarize = await pipeline('summarization');
    const heldout = readEvalSet<SummarySet>('summarization.json').items.filter((i) => i.split === 'heldout');
    const out = await summarize(heldout.map((i) => i.text));
    const mean = (k: 'rouge1' | 'rouge2' | 'rougeL', texts: string[]) =>
      texts.reduce((s, t, i) => s + rouge(t, heldout[i]!.summary)[k].fmeasure, 0) / texts.length;
    const summaries = out.map((o) => o.summary_text);
    // README: 0.538 / 0.352 / 0.499 on the 10 held-out articles
    expect(mean('rouge1', summaries)).toBeCloseTo(0.538, 2);
    expect(mean('rouge2', summaries)).toBeGreaterThanOrEqual(0.3);
    expect(mean('rougeL', summaries)).toBeGreaterThanOrEqual(0.45);
    // the lead-sentence baseline the README gives beside it: 0.603 / 0.422 / 0.578
    const lead = heldout.map((i) => splitSentences(i.text)[0]!);
    expect(mean('rouge1', lead)).toBeCloseTo(0.603, 3);
  });
});
