import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { toDense } from './bag-of-words.js';
import { cooccurrenceMatrix, cooccurrenceMatrixSparse } from './cooccurrence.js';
import { simplePreprocess } from './tokenizer.js';

const SENTENCE = [['the', 'cat', 'sat', 'on', 'the', 'mat']];

describe('cooccurrenceMatrix', () => {
  it('window 1 on "the cat sat on the mat" (hand-counted)', () => {
    const { vocabulary, matrix } = cooccurrenceMatrix(SENTENCE, { window: 1 });
    expect(vocabulary).toEqual(['cat', 'mat', 'on', 'sat', 'the']);
    expect(matrix).toEqual([
      [0, 0, 0, 1, 1], // cat: sat, the
      [0, 0, 0, 0, 1], // mat: the
      [0, 0, 0, 1, 1], // on: sat, the
      [1, 0, 1, 0, 0], // sat: cat, on
      [1, 1, 1, 0, 0], // the: cat, mat, on
    ]);
  });

  it('window 2 (the default): distance-2 pairs join in', () => {
    // d = 1: the-cat cat-sat sat-on on-the the-mat;  d = 2: the-sat cat-on sat-the on-mat
    expect(cooccurrenceMatrix(SENTENCE).matrix).toEqual([
      [0, 0, 1, 1, 1],
      [0, 0, 1, 0, 1],
      [1, 1, 0, 1, 1],
      [1, 0, 1, 0, 2], // sat sees "the" twice: 2 before it, 2 after it
      [1, 1, 1, 2, 0], // the two "the"s are 4 apart: no self-count
    ]);
  });

  it('distance weighting adds 1/d (GloVe)', () => {
    expect(cooccurrenceMatrix(SENTENCE, { distanceWeighting: true }).matrix).toEqual([
      [0, 0, 0.5, 1, 1],
      [0, 0, 0.5, 0, 1],
      [0.5, 0.5, 0, 1, 1],
      [1, 0, 1, 0, 1],
      [1, 1, 1, 1, 0],
    ]);
  });

  it('asymmetric: only left context counts', () => {
    expect(cooccurrenceMatrix(SENTENCE, { symmetric: false }).matrix).toEqual([
      [0, 0, 0, 0, 1], // cat ← the
      [0, 0, 1, 0, 1], // mat ← on, the
      [1, 0, 0, 1, 0], // on ← cat, sat
      [1, 0, 0, 0, 1], // sat ← cat, the
      [0, 0, 1, 1, 0], // the(2nd) ← on, sat
    ]);
  });

  it('a word next to itself counts from both sides (GloVe), once when asymmetric', () => {
    expect(cooccurrenceMatrix([['aa', 'aa']], { window: 1 }).matrix).toEqual([[2]]);
    expect(cooccurrenceMatrix([['aa', 'aa']], { window: 1, symmetric: false }).matrix).toEqual([[1]]);
  });

  it('windows stop at sentence ends; dropped words make their neighbours adjacent', () => {
    expect(cooccurrenceMatrix([['aa'], ['bb']]).matrix).toEqual([
      [0, 0],
      [0, 0],
    ]);
    const r = cooccurrenceMatrix([['aa', 'zz', 'bb', 'aa']], { window: 1, minCount: 2 });
    expect(r.vocabulary).toEqual(['aa']);
    const v = cooccurrenceMatrix([['aa', 'zz', 'bb']], { window: 1, vocabulary: ['bb', 'aa'] });
    expect(v.matrix).toEqual([
      [0, 1],
      [1, 0],
    ]);
  });

  it('the course’s GloVe table (cat, fast, hat, in, no, ran, the, wears)', () => {
    // The slide gives only the table. Two sentences with a window spanning each sentence reproduce
    // every off-diagonal cell but one: the slide has in–wears = 1, these sentences give 0 (no
    // pair of sentences and window reproduces the whole table). On the diagonal, the slide counts
    // the pair of "the"s once; GloVe's convention counts it from both occurrences: 2.
    const sentences = ['the fast cat ran in the hat', 'the fast cat wears no hat'].map((s) => s.split(' '));
    const { vocabulary, matrix } = cooccurrenceMatrix(sentences, { window: 6 });
    expect(vocabulary).toEqual(['cat', 'fast', 'hat', 'in', 'no', 'ran', 'the', 'wears']);
    const slide = [
      [0],
      [2, 0],
      [2, 2, 0],
      [1, 1, 1, 0],
      [1, 1, 1, 0, 0],
      [1, 1, 1, 1, 0, 0],
      [3, 3, 3, 2, 1, 2, 1],
      [1, 1, 1, 1, 1, 0, 1, 0],
    ];
    const ours = slide.map((row, i) => row.map((_, j) => matrix[i]![j]!));
    const expected = slide.map((row) => row.slice());
    expected[7]![3] = 0; // in–wears
    expected[6]![6] = 2; // the–the
    expect(ours).toEqual(expected);
    expect(matrix).toEqual(matrix.map((row, i) => row.map((_, j) => matrix[j]![i]!))); // symmetric
  });

  it('the sparse path equals the dense reference on the Lee corpus', () => {
    const lines = readFileSync(
      new URL('../../datasets/data/lee/lee_background.cor', import.meta.url),
      'utf8',
    ).split('\n');
    const sentences = lines.slice(0, 8).map((l) => simplePreprocess(l));
    for (const options of [{}, { window: 5, distanceWeighting: true, minCount: 2 }, { symmetric: false }]) {
      const dense = cooccurrenceMatrix(sentences, options);
      const sparse = cooccurrenceMatrixSparse(sentences, options);
      expect(sparse.vocabulary).toEqual(dense.vocabulary);
      // one comparison per matrix (toEqual on ~700×700 cells is slow); exact equality, not closeness
      const same = toDense(sparse.matrix).every((row, i) => row.every((v, j) => v === dense.matrix[i]![j]));
      expect(same).toBe(true);
      expect(sparse.matrix.data.length).toBeGreaterThan(1000);
    }
  });

  describe('bad input', () => {
    it('an empty corpus, or nothing left after minCount', () => {
      expect(() => cooccurrenceMatrix([])).toThrow(/sentences is empty/);
      expect(() => cooccurrenceMatrix([[], []])).toThrow(/empty vocabulary/);
      expect(() => cooccurrenceMatrixSparse([['aa']], { minCount: 2 })).toThrow(/minCount=2/);
    });
    it('untokenized text and non-string tokens, by index', () => {
      expect(() => cooccurrenceMatrix(['the cat'] as unknown as string[][])).toThrow(
        /sentences\[0\] must be an array of tokens, got the string "the cat" \(tokenize it first\)/,
      );
      expect(() => cooccurrenceMatrix([['aa'], ['bb', 3 as unknown as string]])).toThrow(
        /sentences\[1\]\[1\] must be a string/,
      );
      expect(() => cooccurrenceMatrix('the cat' as unknown as string[][])).toThrow(/tokenize it first/);
    });
    it('bad options, named', () => {
      expect(() => cooccurrenceMatrix(SENTENCE, { window: 0 })).toThrow(
        /window must be a whole number ≥ 1, got 0/,
      );
      expect(() => cooccurrenceMatrix(SENTENCE, { minCount: 1.5 })).toThrow(/minCount/);
      expect(() => cooccurrenceMatrix(SENTENCE, { vocabulary: ['aa', 'aa'] })).toThrow(
        /duplicate word in vocabulary: "aa"/,
      );
      expect(() => cooccurrenceMatrix(SENTENCE, { vocabulary: [] })).toThrow(/vocabulary is empty/);
    });
  });
});
