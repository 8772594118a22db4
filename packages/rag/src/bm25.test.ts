import { Document } from '@langchain/core/documents';
import { describe, expect, it } from 'vitest';
import { BM25, ENGLISH_STOP_WORDS, tokenize } from './bm25.js';

describe('tokenize', () => {
  it('lowercases, splits on non-letters/digits, optionally drops stop words', () => {
    expect(tokenize('The Mach-2 flow!')).toEqual(['the', 'mach', '2', 'flow']);
    expect(tokenize('The Mach-2 flow!', { stopWords: true })).toEqual(['mach', '2', 'flow']);
    expect(tokenize('The Mach-2 flow!', { lowercase: false, stopWords: ['flow'] })).toEqual([
      'The',
      'Mach',
      '2',
    ]);
    expect(tokenize('Über café')).toEqual(['über', 'café']);
    expect(ENGLISH_STOP_WORDS).toHaveLength(33);
  });
});

describe('BM25', () => {
  const corpus = ['the cat sat', 'the dog ran', 'a cat and a dog'];

  it('matches the formula worked by hand', () => {
    const bm25 = new BM25().fit(corpus);
    // N = 3, df(cat) = 2: idf = ln(1 + (3 − 2 + 0.5)/(2 + 0.5)) = ln 1.6
    expect(bm25.idf('cat')).toBeCloseTo(Math.log(1.6), 12);
    expect(bm25.avgDocLength).toBeCloseTo(11 / 3, 12);
    // doc 0: |d| = 3 → idf·2.2 / (1 + 1.2·(0.25 + 0.75·3/(11/3)))
    const expected0 = (Math.log(1.6) * 2.2) / (1 + 1.2 * (0.25 + (0.75 * 3) / (11 / 3)));
    const expected2 = (Math.log(1.6) * 2.2) / (1 + 1.2 * (0.25 + (0.75 * 5) / (11 / 3)));
    const hits = bm25.search('cat', 2);
    expect(hits.map((h) => h.index)).toEqual([0, 2]);
    expect(hits[0]?.score).toBeCloseTo(expected0, 12);
    expect(hits[1]?.score).toBeCloseTo(expected2, 12);
    expect(hits[0]?.score).toBeCloseTo(0.5078, 4);
    expect(hits[0]?.document.pageContent).toBe('the cat sat');
  });

  it('saturates term frequency (k1) and normalises length (b)', () => {
    const docs = ['rocket', 'rocket rocket rocket rocket', 'rocket ' + 'filler '.repeat(20)];
    const s = new BM25().fit(docs).scores('rocket');
    expect(s[1]! / s[0]!).toBeLessThan(1.2 + 1); // never more than (k1 + 1)× a single occurrence
    expect(s[2]!).toBeLessThan(s[0]!); // same tf, longer document
    const noNorm = new BM25({ b: 0 }).fit(docs).scores('rocket');
    expect(noNorm[2]).toBeCloseTo(noNorm[0]!, 12);
  });

  it('ranks with stop words removed, returns Documents and only positive scores', () => {
    const docs = [
      new Document({ pageContent: 'Boundary layer flow over a flat plate', metadata: { id: 'a' } }),
      new Document({ pageContent: 'Heat transfer in the boundary layer', metadata: { id: 'b' } }),
      new Document({ pageContent: 'Propeller slipstream effects on a wing', metadata: { id: 'c' } }),
    ];
    const bm25 = new BM25({ stopWords: true }).fit(docs);
    const hits = bm25.search('the heat of the boundary layer', 10);
    expect(hits.map((h) => h.document.metadata.id)).toEqual(['b', 'a']);
    expect(bm25.search('the of', 10)).toEqual([]);
    expect(bm25.search('nothing matches', 10)).toEqual([]);
  });

  it('rejects bad hyperparameters', () => {
    expect(() => new BM25({ b: 2 })).toThrow(/b must be in \[0, 1\]/);
    expect(() => new BM25({ k1: -1 })).toThrow(/k1/);
  });
});
