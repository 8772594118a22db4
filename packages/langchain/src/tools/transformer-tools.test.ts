import { shippedTokenizer } from '@firth/transformers';
import { describe, expect, it } from 'vitest';
import { attentionTool } from './attention.js';
import { contextualSimilarityTool, fillMaskTool, sentimentTool } from './tiny-bert.js';
import { tinyStoriesTool } from './tinystories.js';
import { tokenizerTool } from './tokenizer.js';

const parse = async (p: Promise<unknown>) => JSON.parse((await p) as string);

describe('self_attention tool', () => {
  it('gives a row per word of "YOUR CAT IS A LOVELY CAT", each summing to 1', async () => {
    const out = await parse(attentionTool.invoke({ text: 'YOUR CAT IS A LOVELY CAT' }));
    expect(out.words).toEqual(['YOUR', 'CAT', 'IS', 'A', 'LOVELY', 'CAT']);
    expect(out.weights).toHaveLength(6);
    for (const row of out.weights as number[][]) {
      expect(row).toHaveLength(6);
      expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    }
    // the two CATs have the same vector, so they attend identically
    expect(out.weights[1]).toEqual(out.weights[5]);
  });
  it('masks the future when causal', async () => {
    const out = await parse(attentionTool.invoke({ text: 'the cat sat', causal: true }));
    expect(out.weights[0]).toEqual([1, 0, 0]);
  });
  it('names bad arguments', async () => {
    await expect(attentionTool.invoke({ text: 'a b', dModel: 3 })).rejects.toThrow(/dModel/);
    await expect(attentionTool.invoke({ text: 'a b', vectors: 'bert' as never })).rejects.toThrow(/vectors/);
  });
});

describe('tokenize tool', () => {
  it.each([
    ['llama2c-tinystories', 'Once upon a time, there was a little girl named Lily.'],
    ['bpe-shakespeare', 'ROMEO: What light through yonder window breaks?'],
    ['char-shakespeare', 'To be, or not to be'],
  ] as const)('%s: text → tokens → ids round-trips', async (name, text) => {
    const out = await parse(tokenizerTool.invoke({ text, tokenizer: name }));
    expect(out.ids).toHaveLength(out.tokens.length);
    expect(out.count).toBe(out.ids.length);
    expect(out.decoded).toBe(text);
    const tok = shippedTokenizer(name);
    expect(out.ids).toEqual(out.tokens.map((t: string) => tok.tokenToId(t)));
  });
  it("gives llama2.c's ids for 'Once upon a time'", async () => {
    const out = await parse(tokenizerTool.invoke({ text: 'Once upon a time' }));
    expect(out.ids).toEqual([403, 407, 261, 378]);
  });
  it('names bad arguments', async () => {
    await expect(tokenizerTool.invoke({ text: 'x', tokenizer: 'gpt-9' as never })).rejects.toThrow(
      /tokenizer/,
    );
    await expect(tokenizerTool.invoke({ text: 42 as never })).rejects.toThrow(/text/);
  });
});

describe('tinystories_generate tool', () => {
  it('continues "Once upon a time" greedily with Lily, reproducibly', async () => {
    const args = { prompt: 'Once upon a time', maxNewTokens: 10, temperature: 0 };
    const a = await parse(tinyStoriesTool.invoke(args));
    expect(a.text).toMatch(/^, there was a little girl named Lily/);
    expect(a.usage).toEqual({ promptTokens: 5, completionTokens: 10 });
    expect(a.completion).toBe(`Once upon a time${a.text}`);
    const seeded = { prompt: 'Lily', maxNewTokens: 15, temperature: 0.8, seed: 7, topK: 20 };
    expect((await parse(tinyStoriesTool.invoke(seeded))).text).toBe(
      (await parse(tinyStoriesTool.invoke(seeded))).text,
    );
  });
  it('names bad arguments', async () => {
    await expect(tinyStoriesTool.invoke({ maxNewTokens: 0 })).rejects.toThrow(/maxNewTokens/);
    await expect(tinyStoriesTool.invoke({ temperature: -1 })).rejects.toThrow(/temperature/);
  });
});

describe('tiny BERT tools', () => {
  it('fill_mask returns the Hugging Face fill-mask shape, best first', async () => {
    const out = await parse(
      fillMaskTool.invoke({ text: 'he went to the [MASK] to deposit money .', topK: 3 }),
    );
    expect(out.predictions).toHaveLength(3);
    for (const p of out.predictions) {
      expect(Object.keys(p).sort()).toEqual(['maskIndex', 'score', 'sequence', 'token', 'token_str']);
      expect(p.sequence.startsWith('he went to the')).toBe(true);
      expect(p.sequence).toContain(p.token_str);
      expect(p.maskIndex).toBe(0);
    }
    const scores = out.predictions.map((p: { score: number }) => p.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
  });
  it('fill_mask refuses a text without [MASK], before loading anything', async () => {
    await expect(fillMaskTool.invoke({ text: 'no mask here' })).rejects.toThrow(/\[MASK\]/);
  });
  it('contextual_word_similarity: "bank" differs between river and money', async () => {
    const out = await parse(
      contextualSimilarityTool.invoke({
        word: 'bank',
        sentenceA: 'we sat on the bank of the river .',
        sentenceB: 'he went to the bank to deposit money .',
      }),
    );
    expect(out.cosine).toBeLessThan(0.9999);
    expect(out.cosine).toBeGreaterThan(-1);
    const same = await parse(
      contextualSimilarityTool.invoke({ word: 'bank', sentenceA: 'the bank .', sentenceB: 'the bank .' }),
    );
    expect(same.cosine).toBeCloseTo(1, 6);
    await expect(
      contextualSimilarityTool.invoke({ word: 'zebra', sentenceA: 'the bank .', sentenceB: 'a bank .' }),
    ).rejects.toThrow(/zebra/);
  });
  it('sentiment: a positive and a negative review (SST-2 labels)', async () => {
    const good = await parse(sentimentTool.invoke({ text: 'a charming and moving film , a delight' }));
    const bad = await parse(sentimentTool.invoke({ text: 'a dull , boring and awful mess' }));
    expect(good.label).toBe('positive');
    expect(bad.label).toBe('negative');
    await expect(sentimentTool.invoke({ text: '   ' })).rejects.toThrow(/text/);
  });
});
