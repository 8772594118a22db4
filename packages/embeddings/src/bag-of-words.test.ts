import { ValidationError } from '@firth/numeric';
import { describe, expect, it } from 'vitest';
import { CountVectorizer, compareCodePoints, oneHot, toDense } from './bag-of-words.js';

describe('oneHot', () => {
  it('the course’s table: cat, dog, fish, bird', () => {
    expect(oneHot(['cat', 'dog', 'fish', 'bird'])).toEqual([
      [1, 0, 0, 0],
      [0, 1, 0, 0],
      [0, 0, 1, 0],
      [0, 0, 0, 1],
    ]);
  });

  it('"king" is as far from "queen" as from "banana" (every pair at distance √2)', () => {
    const [king, queen, banana] = oneHot(['king', 'queen', 'banana']) as [number[], number[], number[]];
    const dist = (a: number[], b: number[]) => Math.hypot(...a.map((v, i) => v - b[i]!));
    expect(dist(king, queen)).toBe(Math.SQRT2);
    expect(dist(king, banana)).toBe(Math.SQRT2);
  });

  it('uses a given vocabulary and names an unknown token', () => {
    expect(oneHot(['dog', 'dog'], ['cat', 'dog'])).toEqual([
      [0, 1],
      [0, 1],
    ]);
    expect(() => oneHot(['cat', 'emu'], ['cat', 'dog'])).toThrow(
      /tokens\[1\] "emu" is not in the vocabulary/,
    );
    expect(() => oneHot(['cat', 7 as unknown as string])).toThrow(/tokens\[1\] must be a string/);
    expect(() => oneHot([])).toThrow(/vocabulary is empty/);
  });
});

describe('CountVectorizer', () => {
  it('counts words per document, columns in alphabetical order', () => {
    const cv = new CountVectorizer();
    expect(cv.fitTransform(['The cat sat', 'The cat ate the fish'])).toEqual([
      [0, 1, 0, 1, 1],
      [1, 1, 1, 0, 2],
    ]);
    expect(cv.getFeatureNamesOut()).toEqual(['ate', 'cat', 'fish', 'sat', 'the']);
    expect(cv.vocabulary!.get('the')).toBe(4);
    expect(cv.transform(['a fish, a fish, a fish!', ''])).toEqual([
      [0, 0, 3, 0, 0],
      [0, 0, 0, 0, 0],
    ]);
  });

  it('n-grams after stop words', () => {
    const cv = new CountVectorizer({ stopWords: 'english', ngramRange: [1, 2] }).fit([
      'the red cat',
      'a red dog',
    ]);
    expect(cv.getFeatureNamesOut()).toEqual(['cat', 'dog', 'red', 'red cat', 'red dog']);
  });

  it('the sparse form holds the same numbers', () => {
    const cv = new CountVectorizer();
    const X = cv.fitTransformSparse(['bb aa bb', 'cc']);
    expect(X).toEqual({ indptr: [0, 2, 3], indices: [0, 1, 2], data: [1, 2, 1], shape: [2, 3] });
    expect(toDense(X)).toEqual([
      [1, 2, 0],
      [0, 0, 1],
    ]);
  });

  it('sorts terms by code point, as Python does (astral letters before fullwidth ones)', () => {
    expect(['ｂｂ', '𝔘𝔘', 'zz'].sort(compareCodePoints)).toEqual(['zz', 'ｂｂ', '𝔘𝔘']);
    expect(new CountVectorizer().fit(['ｂｂ 𝔘𝔘 zz']).getFeatureNamesOut()).toEqual(['zz', 'ｂｂ', '𝔘𝔘']);
  });

  it('minDf / maxDf: whole numbers are documents, fractions proportions', () => {
    const docs = ['aa bb', 'aa cc', 'aa bb dd'];
    expect(new CountVectorizer({ minDf: 2 }).fit(docs).getFeatureNamesOut()).toEqual(['aa', 'bb']);
    const cv = new CountVectorizer({ maxDf: 0.9 }).fit(docs);
    expect(cv.getFeatureNamesOut()).toEqual(['bb', 'cc', 'dd']);
    expect(cv.prunedTerms).toEqual(['aa']);
    expect(new CountVectorizer({ minDf: { proportion: 1 } }).fit(docs).getFeatureNamesOut()).toEqual(['aa']);
  });

  it('round-trips through JSON', () => {
    const cv = new CountVectorizer({ stopWords: ['bb'], binary: true, tokenPattern: /\S+/gu }).fit([
      'aa bb aa',
      'cc',
    ]);
    const back = CountVectorizer.fromJSON(JSON.stringify(cv.toJSON()));
    expect(back.transform(['aa aa cc bb'])).toEqual(cv.transform(['aa aa cc bb']));
    expect(back.transform(['aa aa cc bb'])).toEqual([[1, 1]]);
    expect(() => CountVectorizer.fromJSON('{"type":"other"}')).toThrow(/model.type/);
  });

  describe('bad input', () => {
    it('an empty corpus', () => {
      expect(() => new CountVectorizer().fit([])).toThrow(/rawDocuments is empty/);
    });
    it('a non-string document, by index', () => {
      expect(() => new CountVectorizer().fit(['ok', 42 as unknown as string])).toThrow(
        /rawDocuments\[1\] must be a string, got 42/,
      );
      expect(() => new CountVectorizer().fit('one text' as unknown as string[])).toThrow(/single string/);
    });
    it('only stop words: empty vocabulary, as sklearn says', () => {
      expect(() => new CountVectorizer({ stopWords: 'english' }).fit(['the and of', 'a an'])).toThrow(
        /empty vocabulary; perhaps the documents only contain stop words/,
      );
      expect(() => new CountVectorizer().fit(['', '!!'])).toThrow(/empty vocabulary/);
    });
    it('pruning that leaves nothing, and contradictory bounds', () => {
      expect(() => new CountVectorizer({ minDf: 2 }).fit(['aa', 'bb'])).toThrow(/no terms remain/);
      expect(() => new CountVectorizer({ minDf: 3, maxDf: 2 }).fit(['aa', 'bb', 'cc'])).toThrow(
        /fewer than minDf/,
      );
    });
    it('transform before fit', () => {
      expect(() => new CountVectorizer().transform(['aa'])).toThrow(/not fitted yet; call fit\(\) first/);
      // a fixed vocabulary needs no fit (sklearn)
      expect(new CountVectorizer({ vocabulary: ['bb', 'aa'] }).transform(['aa aa'])).toEqual([[0, 2]]);
    });
    it('bad options, named', () => {
      expect(() => new CountVectorizer({ ngramRange: [2, 1] })).toThrow(/ngramRange/);
      expect(() => new CountVectorizer({ minDf: 1.5 })).toThrow(/minDf must be a whole number.*got 1.5/);
      expect(() => new CountVectorizer({ maxFeatures: 0 })).toThrow(/maxFeatures/);
      expect(() => new CountVectorizer({ vocabulary: ['aa', 'aa'] })).toThrow(
        /duplicate term in vocabulary: "aa"/,
      );
      expect(() => new CountVectorizer({ vocabulary: { aa: 0, bb: 2 } })).toThrow(ValidationError);
      expect(() => new CountVectorizer({ vocabulary: [] })).toThrow(/vocabulary is empty/);
    });
  });
});
