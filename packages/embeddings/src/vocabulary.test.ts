import { describe, expect, it } from 'vitest';
import { sentences } from './corpus.js';
import { CUM_TABLE_DOMAIN, Vocabulary } from './vocabulary.js';

/** The course's toy corpus ("Learn Embeddings From Scratch"). */
const TOY = [
  ['data', 'science', 'is', 'fun'],
  ['machine', 'learning', 'is', 'powerful'],
  ['data', 'and', 'learning', 'are', 'related'],
];

/** Counts f 7, a 5, b 4, c 3, d 2, e 1 — no ties, so gensim's order is defined. */
const DISTINCT = [
  [
    'a',
    'b',
    'c',
    'a',
    'b',
    'a',
    'd',
    'a',
    'b',
    'c',
    'e',
    'a',
    'b',
    'c',
    'd',
    'f',
    'f',
    'f',
    'f',
    'f',
    'f',
    'f',
  ],
];

describe('Vocabulary', () => {
  it('course toy corpus: descending counts, ties in first-seen order', async () => {
    const v = await Vocabulary.build(TOY, { minCount: 1 });
    expect(v.words).toEqual([
      'data',
      'is',
      'learning',
      'science',
      'fun',
      'machine',
      'powerful',
      'and',
      'are',
      'related',
    ]);
    expect(v.counts).toEqual([2, 2, 2, 1, 1, 1, 1, 1, 1, 1]);
    expect(v.totalWords).toBe(13);
    expect(v.corpusCount).toBe(3);
    expect(Vocabulary.fromSentences(TOY, { minCount: 1 }).words).toEqual(v.words);
  });

  it('matches gensim 4.2 on counts, cum_table, sample_int and the Huffman tree', async () => {
    // gensim: Word2Vec(DISTINCT, vector_size=4, min_count=1, hs=1, negative=5, sample=0.1)
    const v = await Vocabulary.build(DISTINCT, { minCount: 1, sample: 0.1, huffman: true });
    expect(v.words).toEqual(['f', 'a', 'b', 'c', 'd', 'e']);
    expect(v.counts).toEqual([7, 5, 4, 3, 2, 1]);
    expect([...v.cumTable]).toEqual([598676239, 1063829419, 1457301104, 1774410735, 2008370399, 2147483647]);
    expect([...v.sampleInt]).toEqual([
      3757656685, 4294967295, 4294967295, 4294967295, 4294967295, 4294967295,
    ]);
    expect(v.codes.map((c) => [...c])).toEqual([
      [1, 1],
      [0, 1],
      [0, 0],
      [1, 0, 0],
      [1, 0, 1, 1],
      [1, 0, 1, 0],
    ]);
    expect(v.points.map((p) => [...p])).toEqual([
      [4, 3],
      [4, 2],
      [4, 2],
      [4, 3, 1],
      [4, 3, 1, 0],
      [4, 3, 1, 0],
    ]);
    expect(v.cumTable.at(-1)).toBe(CUM_TABLE_DOMAIN);
  });

  it('minCount, maxFinalVocab and maxVocabSize pruning', async () => {
    expect((await Vocabulary.build(DISTINCT, { minCount: 3 })).words).toEqual(['f', 'a', 'b', 'c']);
    // keep 3 words: effective min count = count of the 4th (3) + 1
    expect((await Vocabulary.build(DISTINCT, { minCount: 1, maxFinalVocab: 3 })).words).toEqual([
      'f',
      'a',
      'b',
    ]);
    // prune after each sentence once > 2 distinct words: words seen < minReduce (1, then 2, …) go
    const pruned = await Vocabulary.build([['x', 'y', 'z'], ['x', 'x', 'w'], ['x']], {
      minCount: 1,
      maxVocabSize: 2,
    });
    // after s1: 3 > 2 → drop count < 1 (none), minReduce 2; after s2: {x:3,y:1,z:1,w:1} → drop < 2 → {x}
    expect(pruned.words).toEqual(['x']);
    expect(pruned.counts).toEqual([4]);
    // a pruned word seen again starts from 0 and counts as first seen then (after the survivors),
    // and the survivors keep their counts: after s2 {c:1, a:3, b:3, d:1} → drop < 2 → {a:3, b:3};
    // s3 brings c back: {a:4, b:3, c:3}, nothing below 3 — ties b, c in (new) first-seen order
    const again = await Vocabulary.build(
      [
        ['c', 'a', 'b'],
        ['a', 'b', 'b', 'd', 'a'],
        ['c', 'c', 'c', 'a'],
      ],
      { minCount: 1, maxVocabSize: 2 },
    );
    expect([again.words, again.counts, again.totalWords]).toEqual([['a', 'b', 'c'], [4, 3, 3], 12]);
  });

  it('errors: empty corpus, nothing left after minCount, bad options', async () => {
    await expect(Vocabulary.build([])).rejects.toThrow(/corpus is empty/);
    await expect(Vocabulary.build([[], []])).rejects.toThrow(/corpus is empty/);
    await expect(Vocabulary.build(TOY)).rejects.toThrow(
      'no word left after minCount 5: the corpus has 10 distinct words and the most frequent occurs 2 times',
    );
    await expect(Vocabulary.build(TOY, { minCount: -1 })).rejects.toThrow(/minCount must be an integer/);
    await expect(Vocabulary.build(TOY, { sample: -1 })).rejects.toThrow(/sample must be/);
  });

  it('round-trips through JSON', async () => {
    const v = await Vocabulary.build(DISTINCT, { minCount: 1, huffman: true });
    const w = Vocabulary.fromJSON(JSON.parse(JSON.stringify(v)));
    expect(w.words).toEqual(v.words);
    expect([...w.cumTable]).toEqual([...v.cumTable]);
    expect(w.codes.map((c) => [...c])).toEqual(v.codes.map((c) => [...c]));
  });
});

describe('Vocabulary.buildEncoded', () => {
  // an empty sentence, words below minCount (→ −1), a sentence longer than 10,000 words
  const long = Array.from({ length: 10_007 }, (_, i) => ['a', 'b', 'c', `rare${i % 3}`][i % 4]!);
  const corpus = [['a', 'b', 'x'], [], long, ['c', 'y', 'a']];

  it("records every word's vocabulary index (−1 outside) and each sentence's end, as streamed", async () => {
    const { vocabulary, encoded } = await Vocabulary.buildEncoded(corpus, { minCount: 3 });
    expect(vocabulary.words).toEqual((await Vocabulary.build(corpus, { minCount: 3 })).words);
    const want: number[] = [];
    const ends: number[] = [];
    for await (const s of sentences(corpus)) {
      for (const w of s) want.push(vocabulary.index.get(w) ?? -1);
      ends.push(want.length);
    }
    expect(encoded).not.toBeNull();
    expect([...encoded!.ids]).toEqual(want);
    expect([...encoded!.sentenceEnds]).toEqual(ends);
    expect(encoded!.sentenceCount).toBe(4);
    expect(want).toContain(-1); // x, y
    expect(encoded!.sentenceEnds[1]).toBe(encoded!.sentenceEnds[0]); // the empty sentence
  });

  it('gives up (null) past maxTokens words, and when maxVocabSize pruned the counts', async () => {
    const total = 3 + 10_007 + 3;
    expect((await Vocabulary.buildEncoded(corpus, { minCount: 3 }, total)).encoded!.ids).toHaveLength(total);
    const over = await Vocabulary.buildEncoded(corpus, { minCount: 3 }, total - 1);
    expect(over.encoded).toBeNull();
    expect(over.vocabulary.totalWords).toBe(total);
    const pruned = await Vocabulary.buildEncoded([['a', 'b', 'c', 'd'], ['a', 'e', 'f'], ['a']], {
      minCount: 1,
      maxVocabSize: 3,
    });
    expect(pruned.encoded).toBeNull();
    expect(pruned.vocabulary.words[0]).toBe('a');
  });
});
