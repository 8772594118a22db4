import { loadLeeCorpus } from '@firth/datasets';
import { simplePreprocess, Vocabulary } from '@firth/embeddings';
import { NodeOperationError } from 'n8n-workflow';
import { describe, expect, it } from 'vitest';
import { GloVeTrain } from '../../../packages/n8n-nodes-firth/nodes/GloVeTrain/GloVeTrain.node.js';
import { Word2VecTrain } from '../../../packages/n8n-nodes-firth/nodes/Word2VecTrain/Word2VecTrain.node.js';
import { WordVectors } from '../../../packages/n8n-nodes-firth/nodes/WordVectors/WordVectors.node.js';
import { nodeRunner } from '../harness/fake-context.js';
import { expectRoundedBeside } from '../harness/rounded.js';

const word2vec = nodeRunner(new Word2VecTrain());
const glove = nodeRunner(new GloVeTrain());
const wordVectors = nodeRunner(new WordVectors());

/** The Lee corpus the nodes train on by default, counted independently of the nodes. */
const leeVocabulary = (minCount: number) =>
  Vocabulary.fromSentences(
    loadLeeCorpus().map((line) => simplePreprocess(line)),
    { minCount },
  );

describe('Word2Vec Train node', () => {
  it('trains skip-gram on the shipped Lee corpus: loss falls, neighbours make sense, one output item', async () => {
    const out = await word2vec([{}], { sg: 1, epochs: 10, probeWords: 'president, qqqzzz' });
    expect(out).toHaveLength(1);
    const { json } = out[0]!;
    expect(json.documents).toBe(300);
    expect(json.vocabularySize).toBe(leeVocabulary(5).size);
    expect(json.vectorSize).toBe(50);
    expect(json.lossCurve).toHaveLength(10);
    expect(json.lossCurve[9]).toBeLessThan(json.lossCurve[0] - 0.05);
    // the unknown probe word is skipped; 'president' has 5 neighbours, best first, 'bush' among them
    expect(Object.keys(json.neighbours)).toEqual(['president']);
    const near = json.neighbours.president.map((n: { word: string }) => n.word);
    expect(near).toHaveLength(5);
    expect(near).toContain('bush');
    expectRoundedBeside(json, ['lossCurve', 'neighbours']);
    expect(json.rounded.model).toBeUndefined();
    expect(json.model.type).toBe('firth.Word2Vec');
    expect(json.model.wv.keys).toHaveLength(json.vocabularySize);
  });

  it("its model feeds the Word Vectors node (the workflow's query step)", async () => {
    const [trained] = await word2vec([{}], { sg: 1, epochs: 10, probeWords: 'president' });
    const [sim] = await wordVectors([{}], {
      operation: 'mostSimilar',
      vectors: 'model',
      model: trained!.json.model,
      positive: 'president',
      topn: 5,
    });
    expect(sim!.json.similar).toHaveLength(5);
    // the same neighbours and cosines as the Train node listed from the model it had in memory
    for (const [k, n] of trained!.json.neighbours.president.entries()) {
      expect(sim!.json.similar[k].word).toBe(n.word);
      expect(sim!.json.similar[k].score).toBeCloseTo(n.score, 6);
    }
  });

  it('trains on 2 worker threads (Hogwild) when the Workers option says so', async () => {
    const [out] = await word2vec([{}], {
      sg: 1,
      epochs: 10,
      probeWords: 'president',
      options: { workers: 2 },
    });
    expect(out!.json.lossCurve[9]).toBeLessThan(out!.json.lossCurve[0] - 0.05);
    expect(out!.json.neighbours.president.map((n: { word: string }) => n.word)).toContain('bush');
  });

  it("trains CBOW with hierarchical softmax on the items' text, one document per item", async () => {
    const texts = Array.from({ length: 40 }, (_, i) =>
      i % 2 ? 'The cat sat on the mat and the cat purred.' : 'The dog sat on the log and the dog barked.',
    );
    const out = await word2vec(
      texts.map((text) => ({ text })),
      { corpus: 'field', sg: 0, minCount: 2, vectorSize: 16, epochs: 20, options: { hs: 1, negative: 0 } },
    );
    const { json } = out[0]!;
    expect(json.documents).toBe(40);
    expect(json.vocabularySize).toBe(10); // the, cat, sat, on, mat, and, purred, dog, log, barked
    expect(json.lossCurve.at(-1)).toBeLessThan(json.lossCurve[0]);
  });

  it('a 10 MB item is refused by name; with Continue On Fail the others still train', async () => {
    const texts = Array.from({ length: 20 }, () => ({
      text: 'the cat sat on the mat and the dog sat on the log',
    }));
    const items = [...texts.slice(0, 3), { text: 'word '.repeat(2_000_000) }, ...texts.slice(3)];
    const params = { corpus: 'field', minCount: 2, vectorSize: 8, epochs: 2 };
    const error = await word2vec(items, params).catch((e) => e);
    expect(error).toBeInstanceOf(NodeOperationError);
    expect(error.context.itemIndex).toBe(3);
    expect(error.message).toMatch(/^text has 10000000 characters; at most 4194304 are accepted/);
    const out = await word2vec(items, params, true);
    expect(out).toHaveLength(2);
    expect(out[0]!.json).toMatchObject({ itemIndex: 3, error: expect.stringMatching(/10000000 characters/) });
    expect(out[1]!.json.documents).toBe(20);
    expect(out[1]!.json.vocabularySize).toBeGreaterThan(5);
    expect((out[1] as { pairedItem?: unknown[] }).pairedItem).toHaveLength(20);
  });

  it('bad input: a non-text item (per item), an empty corpus, nothing after Min Count, bad options', async () => {
    const error = await word2vec([{ text: 'a b c' }, { text: 42 }], { corpus: 'field' }).catch((e) => e);
    expect(error).toBeInstanceOf(NodeOperationError);
    expect(error.context.itemIndex).toBe(1);
    expect(error.message).toBe('Item 1: field "text" must be text, got number');
    const [soft] = await word2vec([{ text: 'a b c' }, {}], { corpus: 'field' }, true);
    expect(soft!.json).toMatchObject({
      itemIndex: 1,
      error: 'Item 1: field "text" must be text, got nothing',
    });

    await expect(word2vec([{ text: '' }, { text: '!!' }], { corpus: 'field' })).rejects.toThrow(
      'the corpus is empty: no words to build a vocabulary from',
    );
    await expect(word2vec([{ text: 'one two two' }], { corpus: 'field', minCount: 5 })).rejects.toThrow(
      'no word left after minCount 5: the corpus has 2 distinct words and the most frequent occurs 2 times',
    );
    await expect(word2vec([{}], { vectorSize: 0 })).rejects.toThrow(
      /vectorSize must be an integer ≥ 1, got 0/,
    );
    await expect(word2vec([{}], { options: { sample: -1 } })).rejects.toThrow(/sample must be a number ≥ 0/);
  });
});

describe('GloVe Train node', () => {
  it('trains on the shipped Lee corpus: loss falls, W + W̃ vectors, usable by Word Vectors', async () => {
    const out = await glove([{}], { epochs: 15, probeWords: 'afghanistan' });
    const { json } = out[0]!;
    expect(json.vocabularySize).toBe(leeVocabulary(5).size);
    expect(json.vectorSize).toBe(32);
    expect(json.lossCurve).toHaveLength(15);
    expect(json.lossCurve[14]).toBeLessThan(json.lossCurve[0] * 0.5);
    expect(json.model.type).toBe('firth.GloVe');
    expect(json.neighbours.afghanistan).toHaveLength(5);
    const [sim] = await wordVectors([{}], {
      operation: 'similarity',
      vectors: 'model',
      model: json.model,
      word1: 'afghanistan',
      word2: 'taliban',
    });
    const [far] = await wordVectors([{}], {
      operation: 'similarity',
      vectors: 'model',
      model: json.model,
      word1: 'afghanistan',
      word2: 'cricket',
    });
    expect(sim!.json.similarity).toBeGreaterThan(far!.json.similarity);
  });

  it('bad input: a non-text item (per item), nothing after Min Count, a bad X Max', async () => {
    const error = await glove([{ text: 'a b' }, { text: null }], { corpus: 'field' }).catch((e) => e);
    expect(error).toBeInstanceOf(NodeOperationError);
    expect(error.context.itemIndex).toBe(1);
    await expect(glove([{ text: 'one two' }], { corpus: 'field', minCount: 3 })).rejects.toThrow(
      /no word left after minCount 3/,
    );
    await expect(glove([{}], { xMax: 0 })).rejects.toThrow(/xMax must be a number > 0, got 0/);
  });
});
