import { cosine, loadTinyBert, MONEY_BANK, RIVER_BANK, wordVector } from '@firth/transformers';
import { NodeOperationError } from 'n8n-workflow';
import { describe, expect, it } from 'vitest';
import { ContextualEmbeddings } from '../../../packages/n8n-nodes-firth/nodes/ContextualEmbeddings/ContextualEmbeddings.node.js';
import { EmbeddingsFirth } from '../../../packages/n8n-nodes-firth/nodes/EmbeddingsFirth/EmbeddingsFirth.node.js';
import { FillMask } from '../../../packages/n8n-nodes-firth/nodes/FillMask/FillMask.node.js';
import { Sentiment } from '../../../packages/n8n-nodes-firth/nodes/Sentiment/Sentiment.node.js';
import { fakeContext, nodeRunner } from '../harness/fake-context.js';
import { expectRoundedBeside } from '../harness/rounded.js';

const fillMask = nodeRunner(new FillMask());
const contextual = nodeRunner(new ContextualEmbeddings());
const sentiment = nodeRunner(new Sentiment());

/** Predictions as Hugging Face's fill-mask pipeline gives them. */
type Prediction = { score: number; token: number; token_str: string; sequence: string; maskIndex: number };

function expectRanked(predictions: Prediction[], topK: number) {
  expect(predictions).toHaveLength(topK);
  for (const p of predictions) {
    expect(p.score).toBeGreaterThan(0);
    expect(p.score).toBeLessThanOrEqual(1);
    expect(p.token_str).not.toMatch(/^\[(CLS|SEP|PAD|MASK|UNK)\]$/);
    expect(p.sequence).not.toContain('[MASK]');
  }
  for (let k = 1; k < predictions.length; k++)
    expect(predictions[k]!.score).toBeLessThanOrEqual(predictions[k - 1]!.score);
  expect(predictions.reduce((s, p) => s + p.score, 0)).toBeLessThanOrEqual(1 + 1e-9);
}

describe('Fill Mask node (shipped tiny BERT)', () => {
  it("gives Hugging Face's fill-mask output, best first, and the best completed sequence", async () => {
    const [out] = await fillMask([{ id: 7 }], { text: 'he went to the [MASK] to deposit money .', topK: 5 });
    const { json } = out!;
    expect(json).toMatchObject({ id: 7, text: 'he went to the [MASK] to deposit money .' });
    expectRanked(json.predictions, 5);
    expect(json.sequence).toBe(json.predictions[0].sequence);
    expect(json.token_str).toBe(json.predictions[0].token_str);
    expect(json.score).toBe(json.predictions[0].score);
    expectRoundedBeside(json, ['score', 'predictions']);
    // the same as the core's pipeline
    const { pretrainer } = await loadTinyBert();
    expect(json.predictions).toEqual(
      pretrainer.fillMask('he went to the [MASK] to deposit money .', { topK: 5 }),
    );
  });

  // What pretraining taught the shipped model (models/bert-tiny): a film review's words, not only
  // the most frequent tokens (',', 'the', '.', 'of') an untrained or unigram model would guess
  it('guesses a review word for "it is a [MASK] film ." (the pretrained model)', async () => {
    const [out] = await fillMask([{}], { text: 'it is a [MASK] film .', topK: 5 });
    const guesses = out!.json.predictions.map((p: Prediction) => p.token_str);
    expect(guesses.some((g: string) => ['movie', 'film', 'good', 'great', 'funny', 'bad'].includes(g))).toBe(
      true,
    );
  });

  it('guesses each [MASK] of a text on its own', async () => {
    const [out] = await fillMask([{}], { text: 'the [MASK] sat on the [MASK] .', topK: 3 });
    const predictions = out!.json.predictions as Prediction[];
    expect(predictions.map((p) => p.maskIndex)).toEqual([0, 0, 0, 1, 1, 1]);
    expectRanked(predictions.slice(0, 3), 3);
    expectRanked(predictions.slice(3), 3);
  });

  it('splits into one item per prediction, with its rank', async () => {
    const out = await fillMask([{ id: 1 }, { id: 2 }], {
      text: (i: number) => ['he went to the [MASK] .', 'the [MASK] was good .'][i],
      topK: 3,
      output: 'perPrediction',
    });
    expect(out).toHaveLength(6);
    expect(out.map((o) => [o.json.id, o.json.rank])).toEqual([
      [1, 1],
      [1, 2],
      [1, 3],
      [2, 1],
      [2, 2],
      [2, 3],
    ]);
    expect(Object.keys(out[0]!.json).sort()).toEqual(
      ['id', 'maskIndex', 'rank', 'rounded', 'score', 'sequence', 'text', 'token', 'token_str'].sort(),
    );
    // the score a person reads beside the exact one
    for (const o of out) expectRoundedBeside(o.json, ['score']);
    expect((out[1] as { pairedItem?: unknown }).pairedItem).toEqual({ item: 0 });
    expect((out[3] as { pairedItem?: unknown }).pairedItem).toEqual({ item: 1 });
  });

  it.each([
    [{ text: '' }, 'Text is empty'],
    [{ text: '   ' }, 'Text is empty'],
    [
      { text: 'he went to the bank .' },
      'Text has no [MASK]: put [MASK] where the word to guess goes, e.g. "he went to the [MASK] to deposit money ."',
    ],
    [
      { text: 'he went to the [mask] .' },
      'Text has no [MASK]: the mask token is written in capitals, "[MASK]"',
    ],
    [{ text: { a: 1 } }, 'Text must be text, got object'],
    [{ topK: 0 }, 'Top K must be a positive whole number, got 0'],
    [{ topK: 2.5 }, 'Top K must be a positive whole number, got 2.5'],
  ])('a bad input fails its item with a clear message: %j', async (bad, message) => {
    // item 0 is good, item 1 gets the bad parameter
    const good: Record<string, unknown> = { text: 'the [MASK] .', topK: 2 };
    const bads: Record<string, unknown> = bad;
    const run = Object.fromEntries(
      Object.entries(good).map(([k, v]) => [k, (i: number) => (i === 1 && k in bads ? bads[k] : v)]),
    );
    const error = await fillMask([{}, {}], run).catch((e) => e);
    expect(error).toBeInstanceOf(NodeOperationError);
    expect(error.message).toBe(message);
    expect(error.context.itemIndex).toBe(1);
    const out = await fillMask([{}, {}], run, true);
    expect(out[0]!.json.error).toBeUndefined();
    expect(out[0]!.json.predictions).toHaveLength(2);
    expect(out[1]!.json.error).toBe(message);
    // split output keeps the failed item as it is
    const split = await fillMask([{}, {}], { ...run, output: 'perPrediction' }, true);
    expect(split.map((o) => o.json.error)).toEqual([undefined, undefined, message]);
  });
});

describe('Contextual Embeddings node (shipped tiny BERT)', () => {
  it('defaults to the course\'s "bank" sentences: one word, two vectors, cosine below 1', async () => {
    const [out] = await contextual([{ id: 3 }]);
    const { json } = out!;
    expect(json).toMatchObject({ id: 3, word: 'bank', sentenceA: RIVER_BANK, sentenceB: MONEY_BANK });
    expect(Number.isFinite(json.cosine)).toBe(true);
    expect(json.cosine).toBeGreaterThan(-1);
    expect(json.cosine).toBeLessThan(0.99);
    expect(json.explanation).toBe(
      `cos("bank" in A, "bank" in B) = ${json.cosine.toFixed(3)}: "bank" gets a different vector in each sentence, because BERT reads every word with its context (static word vectors such as GloVe would give exactly 1).`,
    );
    expect(json.vectorA).toBeUndefined();
    expectRoundedBeside(json, ['cosine']);
    const { bert, tokenizer } = await loadTinyBert();
    expect(json.cosine).toBeCloseTo(
      cosine(
        wordVector(bert, tokenizer, RIVER_BANK, 'bank'),
        wordVector(bert, tokenizer, MONEY_BANK, 'bank'),
      ),
      12,
    );
  });

  it('the same word in the same sentence has cosine 1; vectors on request, 128 numbers each', async () => {
    const [out] = await contextual([{}], {
      word: 'Bank',
      sentenceA: MONEY_BANK,
      sentenceB: MONEY_BANK,
      includeVectors: true,
    });
    const { json } = out!;
    expect(json.cosine).toBeCloseTo(1, 12);
    expect(json.explanation).toBe(
      'cos("Bank" in A, "Bank" in B) = 1.000: the same vector — the word sits in the same context in both sentences.',
    );
    expect(json.vectorA).toHaveLength(128);
    expect(json.vectorB).toEqual(json.vectorA);
  });

  it('averages the pieces of a word the vocabulary splits ("riv ##er")', async () => {
    const [out] = await contextual([{}], {
      word: 'river',
      sentenceA: RIVER_BANK,
      sentenceB: 'the river was cold .',
      includeVectors: true,
    });
    const { bert, tokenizer } = await loadTinyBert();
    expect(out!.json.vectorA).toEqual(wordVector(bert, tokenizer, RIVER_BANK, 'river'));
    expect(out!.json.cosine).toBeLessThan(1);
  });

  it('lists every token with its vector and the mean-pooled sentence vector', async () => {
    const [out] = await contextual([{ id: 1 }], { operation: 'tokenVectors', text: MONEY_BANK });
    const { json } = out!;
    const { tokenizer } = await loadTinyBert();
    expect(json.tokens).toEqual(['[CLS]', ...tokenizer.tokenize(MONEY_BANK), '[SEP]']);
    expect(json.tokens).toContain('bank');
    expect(json.vectors).toHaveLength(json.tokens.length);
    for (const v of json.vectors) expect(v).toHaveLength(128);
    expect(json).toMatchObject({ id: 1, text: MONEY_BANK, dimensions: 128, truncated: false });
    const vectors = json.vectors as number[][];
    for (let j = 0; j < 128; j++)
      expect(json.sentenceVector[j]).toBeCloseTo(vectors.reduce((s, v) => s + v[j]!, 0) / vectors.length, 12);
    // a long text is cut to BERT's 64 positions, and says so
    const [long] = await contextual([{}], {
      operation: 'tokenVectors',
      text: 'the bank of the river . '.repeat(20),
    });
    expect(long!.json.tokens).toHaveLength(64);
    expect(long!.json.truncated).toBe(true);
  });

  it.each([
    [{ word: 'river' }, `Word "river" is not in Sentence B (${JSON.stringify(MONEY_BANK)})`],
    [{ word: '' }, 'Word is empty'],
    [{ word: '  ' }, 'Word is empty'],
    [{ sentenceA: '' }, 'Sentence A is empty'],
    [{ sentenceB: null }, 'Sentence B must be text, got null'],
    [{ operation: 'tokenVectors', text: '' }, 'Text is empty'],
  ])('a bad input fails its item with a clear message: %j', async (bad, message) => {
    // item 0 gets the defaults, item 1 the bad parameter
    const defaults = Object.fromEntries(
      new ContextualEmbeddings().description.properties.map((p) => [p.name, p.default]),
    );
    const run = Object.fromEntries(
      Object.entries(bad).map(([k, v]) => [k, (i: number) => (i === 1 ? v : defaults[k])]),
    );
    const error = await contextual([{}, {}], run).catch((e) => e);
    expect(error).toBeInstanceOf(NodeOperationError);
    expect(error.message).toBe(message);
    expect(error.context.itemIndex).toBe(1);
    const out = await contextual([{}, {}], run, true);
    expect(out[0]!.json.error).toBeUndefined();
    expect(out[0]!.json.cosine).toBeTypeOf('number');
    expect(out[1]!.json.error).toBe(message);
  });
});

describe('Embeddings Firth sub-node with BERT', () => {
  it('supplies unit-length 128-number vectors: mean-pooled or [CLS]', async () => {
    const embed = async (bertPooling: string) => {
      const ctx = fakeContext({ items: [], parameters: { vectors: 'bert-tiny', bertPooling } });
      const { response } = await new EmbeddingsFirth().supplyData.call(ctx as never, 0);
      return response as {
        embedDocuments(t: string[]): Promise<number[][]>;
        embedQuery(t: string): Promise<number[]>;
      };
    };
    const mean = await embed('mean');
    const [river, money] = await mean.embedDocuments([RIVER_BANK, MONEY_BANK]);
    const dot = (x: number[], y: number[]) => x.reduce((s, v, k) => s + v * y[k]!, 0);
    expect(river).toHaveLength(128);
    expect(dot(river!, river!)).toBeCloseTo(1, 12);
    expect(dot(river!, money!)).toBeLessThan(1 - 1e-6);
    expect(await mean.embedQuery(RIVER_BANK)).toEqual(river);
    const { bert, tokenizer } = await loadTinyBert();
    const cls = bert.embed(tokenizer, RIVER_BANK).vectors[0]!;
    const fromCls = await (await embed('cls')).embedQuery(RIVER_BANK);
    for (const [j, v] of cls.entries()) expect(fromCls[j]).toBeCloseTo(v / Math.sqrt(dot(cls, cls)), 12);
  });

  it('reports an empty text as a node error', async () => {
    const ctx = fakeContext({ items: [], parameters: { vectors: 'bert-tiny', bertPooling: 'mean' } });
    const { response } = await new EmbeddingsFirth().supplyData.call(ctx as never, 0);
    await expect(
      (response as { embedDocuments(t: string[]): Promise<number[][]> }).embedDocuments(['fine', '']),
    ).rejects.toThrow('Text 2 is empty');
    const runs = (ctx as unknown as { runs: { output: unknown }[] }).runs;
    expect(runs[0]!.output).toBeInstanceOf(NodeOperationError);
  });
});

describe('Sentiment (BERT) node (shipped tiny BERT, SST-2 head)', () => {
  it("answers as Hugging Face's text-classification: the best label, its probability, every label's", async () => {
    const out = await sentiment([{ id: 1 }, { id: 2 }], {
      text: (i: number) => ['a charming and moving film', 'a dull , tedious mess'][i],
    });
    for (const { json } of out) {
      expect(['negative', 'positive']).toContain(json.label);
      expect(Object.keys(json.scores).sort()).toEqual(['negative', 'positive']);
      expect(json.scores.negative + json.scores.positive).toBeCloseTo(1, 12);
      expect(json.score).toBe(Math.max(json.scores.negative, json.scores.positive));
      expect(json.score).toBe(json.scores[json.label]);
      expect(json.truncated).toBe(false);
    }
    expect(out.map((o) => o.json.id)).toEqual([1, 2]);
    for (const { json } of out) expectRoundedBeside(json, ['score', 'scores']);
    const { classifier } = await loadTinyBert();
    expect(out[0]!.json).toMatchObject(classifier.predict(['a charming and moving film'])[0]!);
  });

  // Needs the trained model (an untrained head says about 50 / 50).
  it('reads a clearly positive and a clearly negative review right (trained model)', async () => {
    const out = await sentiment([{}, {}], {
      text: (i: number) => ['a charming and moving film', 'a dull , tedious mess'][i],
    });
    expect(out.map((o) => o.json.label)).toEqual(['positive', 'negative']);
    for (const o of out) expect(o.json.score).toBeGreaterThan(0.5);
  });

  it.each([
    ['', 'Text is empty'],
    [' ', 'Text is empty'],
    [[1, 2], 'Text must be text, got an array'],
  ])('a bad input fails its item with a clear message: %j', async (bad, message) => {
    const run = { text: (i: number) => (i === 1 ? bad : 'a fine film') };
    const error = await sentiment([{}, {}], run).catch((e) => e);
    expect(error).toBeInstanceOf(NodeOperationError);
    expect(error.message).toBe(message);
    expect(error.context.itemIndex).toBe(1);
    const out = await sentiment([{}, {}], run, true);
    expect(out[0]!.json.label).toBeTypeOf('string');
    expect(out[1]!.json.error).toBe(message);
  });
});
