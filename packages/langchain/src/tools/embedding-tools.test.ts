import { describe, expect, it } from 'vitest';
import { firthTools } from './firth-tools.js';
import { textVectorizerTool } from './text-vectorizer.js';
import { gloVeTrainTool, word2VecTrainTool } from './train-word-vectors.js';

const parse = async (p: Promise<unknown>) => JSON.parse((await p) as string);
const CORPUS = [
  'the cat sat on the mat',
  'the dog sat on the log',
  'the cat chased the dog',
  'a dog and a cat are pets',
  'the king and the queen rule the kingdom',
];

describe('text_vectorizer tool', () => {
  it('bag of words counts, as scikit-learn', async () => {
    const out = await parse(
      textVectorizerTool.invoke({ texts: ['the cat sat', 'the dog sat the'], method: 'bagOfWords' }),
    );
    expect(out.features).toEqual(['cat', 'dog', 'sat', 'the']);
    expect(out.vectors).toEqual([
      [1, 0, 1, 1],
      [0, 1, 1, 2],
    ]);
  });
  it('tf-idf rows are unit length; idf is smooth (ln((1+n)/(1+df)) + 1)', async () => {
    const out = await parse(textVectorizerTool.invoke({ texts: ['the cat sat', 'the dog sat'] }));
    for (const row of out.vectors as number[][]) expect(Math.hypot(...row)).toBeCloseTo(1, 12);
    expect(out.idf[out.features.indexOf('the')]).toBeCloseTo(1, 12);
    expect(out.idf[out.features.indexOf('cat')]).toBeCloseTo(Math.log(3 / 2) + 1, 12);
  });
  it('one-hot rows and a co-occurrence matrix', async () => {
    const oh = await parse(textVectorizerTool.invoke({ texts: ['cat dog cat'], method: 'oneHot' }));
    expect(oh.vocabulary).toEqual(['cat', 'dog']);
    expect(oh.documents[0].oneHot).toEqual([
      [1, 0],
      [0, 1],
      [1, 0],
    ]);
    const co = await parse(
      textVectorizerTool.invoke({ texts: ['cat dog mouse'], method: 'cooccurrence', window: 1 }),
    );
    expect(co.vocabulary).toHaveLength(3);
    expect(co.matrix).toHaveLength(3);
  });
  it('names bad arguments', async () => {
    await expect(textVectorizerTool.invoke({ texts: [] })).rejects.toThrow(/texts/);
    await expect(textVectorizerTool.invoke({ texts: ['a'], method: 'bert' as never })).rejects.toThrow(
      /method/,
    );
  });
});

describe('word2vec_train and glove_train tools', () => {
  it('word2vec returns vectors of the requested size, reproducibly', async () => {
    const args = { texts: CORPUS, vectorSize: 8, epochs: 5, probeWords: ['cat'] };
    const t0 = performance.now();
    const out = await parse(word2VecTrainTool.invoke(args));
    expect(performance.now() - t0).toBeLessThan(5000);
    expect(out.vectorSize).toBe(8);
    expect(out.vectors.cat).toHaveLength(8);
    expect(out.vocabularySize).toBe(Object.keys(out.vectors).length);
    expect(out.neighbours.cat).toHaveLength(5);
    expect((await parse(word2VecTrainTool.invoke(args))).vectors).toEqual(out.vectors);
  });
  it('glove returns vectors of the requested size and a falling loss', async () => {
    const out = await parse(gloVeTrainTool.invoke({ texts: CORPUS, vectorSize: 6, epochs: 20 }));
    expect(out.vectors.king).toHaveLength(6);
    expect(out.lossCurve.at(-1)).toBeLessThan(out.lossCurve[0]);
  });
  it('names bad arguments', async () => {
    await expect(word2VecTrainTool.invoke({ texts: CORPUS, vectorSize: 1 })).rejects.toThrow(/vectorSize/);
    await expect(gloVeTrainTool.invoke({ texts: 'the cat' as never })).rejects.toThrow(/texts/);
    await expect(word2VecTrainTool.invoke({ texts: ['!!! ...'] })).rejects.toThrow(/no words/);
  });
});

describe('firthTools()', () => {
  it('lists every tool once, each with a zod schema and a description', () => {
    const tools = firthTools();
    const names = tools.map((t) => t.name);
    expect(new Set(names).size).toBe(names.length);
    for (const name of [
      'perceptron',
      'mlp',
      'activation_function',
      'convolution',
      'char_rnn_generate',
      'similar_words',
      'word_analogy',
      'word_similarity',
      'odd_one_out',
      'self_attention',
      'tokenize',
      'tinystories_generate',
      'fill_mask',
      'contextual_word_similarity',
      'sentiment',
      'text_vectorizer',
      'word2vec_train',
      'glove_train',
    ])
      expect(names).toContain(name);
    for (const t of tools) {
      expect(t.description.length).toBeGreaterThan(20);
      expect(typeof (t.schema as { safeParse?: unknown }).safeParse).toBe('function');
    }
  });
});
