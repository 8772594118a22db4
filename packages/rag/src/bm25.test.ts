import { FormatError, ValidationError } from '@firth/numeric';
import { Document } from '@langchain/core/documents';
import { describe, expect, it } from 'vitest';
import { BM25, BM25_FORMAT, type BM25JSON, ENGLISH_STOP_WORDS, MAX_QUERY_LENGTH, tokenize } from './bm25.js';
import { extractiveAnswer } from './extractive.js';
import { createRagChain } from './rag-chain.js';

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

describe("the 'english' analyzer (Lucene EnglishAnalyzer-like)", () => {
  it('drops possessives and stop words, lowercases, then Porter-stems', () => {
    expect(tokenize("The Wing's pressures are rising", { analyzer: 'english' })).toEqual([
      'wing',
      'pressur',
      'rise',
    ]);
    // curly apostrophe too; an explicit stop list replaces the default one
    expect(tokenize('the pilot\u2019s connections', { analyzer: 'english', stopWords: false })).toEqual([
      'the',
      'pilot',
      'connect',
    ]);
    // 'standard' (the default) is unchanged: no stemming, the 's is a word of its own
    expect(tokenize("The Wing's pressures")).toEqual(['the', 'wing', 's', 'pressures']);
  });

  it("lets 'pressures' find 'pressure' and 'connected' find 'connection'", () => {
    const docs = ['the pressure on the wing', 'a connection between plates', 'boundary layer flow'];
    const standard = new BM25().fit(docs);
    const english = new BM25({ analyzer: 'english' }).fit(docs);
    expect(standard.search('pressures')).toEqual([]);
    expect(english.search('pressures').map((h) => h.index)).toEqual([0]);
    expect(standard.search('connected plate')).toEqual([]);
    expect(english.search('connected plate').map((h) => h.index)).toEqual([1]);
    expect(english.tokenizeOptions).toEqual({ analyzer: 'english', lowercase: true, stopWords: true });
  });

  it('survives toJSON / fromJSON; older snapshots read as standard; a bad name is refused', () => {
    const english = new BM25({ analyzer: 'english' }).fit(['the pressure on the wing', 'plates']);
    const json = JSON.parse(JSON.stringify(english)) as BM25JSON;
    expect(json.analyzer).toBe('english');
    const back = BM25.fromJSON(json);
    expect(back.search('pressures')).toEqual(english.search('pressures'));
    const standard = JSON.parse(JSON.stringify(new BM25().fit(['pressure']))) as BM25JSON;
    expect('analyzer' in standard).toBe(false);
    expect(BM25.fromJSON(standard).tokenizeOptions.analyzer).toBe('standard');
    expect(() => BM25.fromJSON({ ...json, analyzer: 'french' as never })).toThrow(FormatError);
    expect(() => new BM25({ analyzer: 'french' as never })).toThrow(
      /analyzer must be one of 'standard', 'english', got "french"/,
    );
    expect(() => tokenize('x', { analyzer: 'snowball' as never })).toThrow(ValidationError);
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

  it('no shared terms, an empty corpus or empty documents: empty results, never NaN scores', () => {
    const bm25 = new BM25().fit(corpus);
    expect([...bm25.scores('zebra quantum')]).toEqual([0, 0, 0]);
    expect(bm25.search('zebra quantum')).toEqual([]);
    expect(bm25.search('')).toEqual([]);
    const empty = new BM25().fit([]);
    expect(empty.search('cat')).toEqual([]);
    expect(empty.scores('cat')).toHaveLength(0);
    const blank = new BM25().fit(['', '   ', '!!']);
    expect(blank.avgDocLength).toBe(0);
    expect([...blank.scores('cat')]).toEqual([0, 0, 0]);
    const some = new BM25().fit(['', 'cat']).scores('cat');
    expect(Number.isNaN(some[0]!) || Number.isNaN(some[1]!)).toBe(false);
    expect(some[1]).toBeGreaterThan(0);
  });

  it('toJSON / fromJSON: the same scores and Documents after a round trip through JSON text', () => {
    const docs = [
      new Document({
        pageContent: 'Boundary layer flow over a flat plate',
        metadata: { id: 'a' },
        id: 'doc-a',
      }),
      new Document({ pageContent: 'Heat transfer in the boundary layer', metadata: { id: 'b' } }),
      new Document({ pageContent: 'Propeller slipstream effects on a wing', metadata: { id: 'c' } }),
    ];
    const bm25 = new BM25({ k1: 1.5, b: 0.6, stopWords: ['the', 'a'] }).fit(docs);
    const text = JSON.stringify(bm25);
    const back = BM25.fromJSON(text);
    expect([back.k1, back.b, back.tokenizeOptions]).toEqual([
      1.5,
      0.6,
      { analyzer: 'standard', lowercase: true, stopWords: ['the', 'a'] },
    ]);
    for (const q of ['boundary layer heat', 'a wing', 'the flat plate', 'nothing']) {
      const [x, y] = [bm25.search(q), back.search(q)];
      expect(y.map((h) => h.index)).toEqual(x.map((h) => h.index));
      y.forEach((h, i) => {
        expect(Math.abs(h.score - x[i]!.score)).toBeLessThan(1e-6);
      });
    }
    expect(back.documents[0]).toEqual(docs[0]);
    expect(BM25.fromJSON(bm25.toJSON()).search('heat')[0]?.document.metadata.id).toBe('b');
    expect(BM25.fromJSON(JSON.stringify(new BM25().fit([]))).search('x')).toEqual([]);
  });

  it('fromJSON refuses another version, a foreign object and a truncated or edited snapshot', () => {
    const json = new BM25().fit(corpus).toJSON();
    expect(BM25_FORMAT).toBe(1);
    expect(() => BM25.fromJSON({ ...json, format: 2 })).toThrow(/format version 2; this version reads 1/);
    expect(() => BM25.fromJSON('{"type":"Other"}')).toThrow(/not a saved BM25 index/);
    const text = JSON.stringify(json);
    expect(() => BM25.fromJSON(text.slice(0, text.length / 2))).toThrow(
      /^BM25\.fromJSON: is not valid JSON: the text ends too early at line 1, column \d+$/,
    );
    expect(() => BM25.fromJSON({ ...json, docLengths: [3] })).toThrow(
      'BM25.fromJSON: $.docLengths holds 1 lengths for 3 documents (inconsistent snapshot)',
    );
    expect(() => BM25.fromJSON({ ...json, postings: [['cat', [[7, 1]]]] })).toThrow(
      'BM25.fromJSON: $.postings[0] "cat" points at document 7, outside the 3 documents',
    );
  });

  it('fromJSON checks every field and that the parts agree, naming the file and JSON path', () => {
    const json = new BM25().fit(['the cat sat', 'the dog']).toJSON();
    // postings in first-seen order: the [[0,1],[1,1]], cat [[0,1]], sat [[0,1]], dog [[1,1]]
    const cases: [unknown, string][] = [
      [{ ...json, documents: null }, '$.documents must be an array, got null'],
      [{ ...json, documents: [null, json.documents[1]] }, '$.documents[0] must be an object, got null'],
      [
        { ...json, documents: [{ ...json.documents[0], pageContent: null }, json.documents[1]] },
        '$.documents[0].pageContent must be a string, got null',
      ],
      [{ ...json, k1: -1 }, '$.k1 must be a finite number ≥ 0, got number -1'],
      [{ ...json, b: '0.75' }, '$.b must be a finite number ≥ 0 and ≤ 1, got the string "0.75"'],
      [{ ...json, docLengths: [3, -2] }, '$.docLengths[1] must be an integer ≥ 0, got number -2'],
      [
        { ...json, postings: [['cat', [[0, 0]]]] },
        '$.postings[0][1][0][1] must be an integer ≥ 1, got number 0',
      ],
      [{ ...json, postings: [['cat', []]] }, '$.postings[0][1] must hold at least 1 items, got 0'],
      [
        { ...json, stopWords: [1] },
        '$.stopWords must be true or false or an array of a string, got an array of 1',
      ],
      [{ ...json, extra: 1 }, '$.extra is not a known field'],
      [{ ...json, postings: [...json.postings, ['cat', [[1, 1]]]] }, '$.postings[4] repeats the term "cat"'],
      [
        { ...json, postings: json.postings.map(([t, l]) => [t, t === 'the' ? [...l].reverse() : l]) },
        '$.postings[0] "the" lists document 0 after document 1 (postings go in document order, once each)',
      ],
      [{ ...json, docLengths: [3, 3] }, '$.docLengths[1] is 3, but the postings hold 2 tokens of document 1'],
    ];
    for (const [snapshot, problem] of cases) {
      expect(() => BM25.fromJSON(JSON.stringify(snapshot), 'index.json'), problem).toThrow(
        `index.json: ${problem}`,
      );
      expect(() => BM25.fromJSON(snapshot as BM25JSON), problem).toThrow(FormatError);
    }
  });

  it('rejects bad hyperparameters', () => {
    expect(() => new BM25({ b: 2 })).toThrow(/b must be in \[0, 1\]/);
    expect(() => new BM25({ k1: -1 })).toThrow(/k1/);
    expect(() => new BM25({ stopWords: [1 as unknown as string] })).toThrow(ValidationError);
    expect(() => new BM25().fit([null as unknown as string])).toThrow(
      /^BM25\.fit: corpus\[0\] is neither a string nor a Document$/,
    );
  });
});

describe('query limits', () => {
  it('a query past MAX_QUERY_LENGTH is refused by name before any scoring; the RAG chain too', async () => {
    const bm25 = new BM25().fit([new Document({ pageContent: 'the cat sat' })]);
    expect(bm25.search('x '.repeat(MAX_QUERY_LENGTH / 2))).toEqual([]);
    const huge = 'cat '.repeat(2_500_000);
    const t0 = performance.now();
    expect(() => bm25.search(huge)).toThrow(
      `query has 10000000 characters; at most ${MAX_QUERY_LENGTH} are accepted`,
    );
    expect(() => extractiveAnswer(huge, [])).toThrow('question has 10000000 characters');
    await expect(createRagChain({ retriever: async () => [] }).invoke({ question: huge })).rejects.toThrow(
      'question has 10000000 characters',
    );
    expect(performance.now() - t0).toBeLessThan(500);
  });
});
