import { readFileSync } from 'node:fs';
import { dataPath } from '@firth/datasets';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  cosineOf,
  documentSimilarity,
  embedTexts,
  firstPrincipalComponent,
  meanVector,
  sifEmbeddings,
  simpleTokens,
  wordProbabilities,
} from './document-similarity.js';
import { KeyedVectors } from './keyed-vectors.js';
import { loadPretrained } from './pretrained.js';

describe('document vectors on the shipped GloVe 6B 100d (20,000 words)', () => {
  let kv: KeyedVectors;
  beforeAll(async () => {
    kv = await loadPretrained('glove-6b-100d-top20k');
  });

  it('the course\'s spaCy example: nlp("king").similarity(nlp("queen"))', () => {
    // A one-word document's vector is the word's vector, so this is the words' cosine: 0.7508.
    expect(documentSimilarity('king', 'queen', kv)).toBeCloseTo(0.7507690787315369, 6);
    expect(documentSimilarity('king', 'queen', kv)).toBeCloseTo(kv.similarity('king', 'queen'), 6);
  });

  it('"Applications of Word Embeddings": doctor ≈ physician; "heart attack" finds "cardiac arrest"', () => {
    expect(documentSimilarity('doctor', 'physician', kv)).toBeCloseTo(0.7673, 4);
    const cardiac = documentSimilarity('heart attack', 'cardiac arrest', kv);
    const stocks = documentSimilarity('heart attack', 'stock market', kv);
    expect(cardiac).toBeCloseTo(0.6571, 4);
    expect(stocks).toBeCloseTo(0.3744, 4);
  });

  it("mean pooling is spaCy's Doc.vector; unknown words are skipped or reported", () => {
    const v = meanVector(['king', 'queen'], kv);
    expect(v[0]).toBeCloseTo(((kv.get('king')[0] as number) + (kv.get('queen')[0] as number)) / 2, 6);
    expect(meanVector(['king', 'qwzx'], kv)).toEqual(meanVector(['king'], kv));
    expect(() => meanVector(['king', 'qwzx'], kv, { skipUnknown: false })).toThrow(
      'Key "qwzx" not present in vocabulary',
    );
    expect(documentSimilarity('qwzx', 'king', kv)).toBe(0); // no known word: the zero vector
  });

  it('SIF lowers the shared function words: unrelated sentences drift apart', () => {
    const cat = 'The cat sat on the mat.';
    const kitten = 'A kitten is resting on a rug.';
    const stocks = 'Stock markets fell sharply today.';
    // mean pooling: related 0.8653, unrelated 0.5824 — "the", "on", "a" make every sentence alike
    expect(documentSimilarity(cat, kitten, kv)).toBeCloseTo(0.8653, 4);
    expect(documentSimilarity(cat, stocks, kv)).toBeCloseTo(0.5824, 4);
    // SIF weights only: 0.5196 vs 0.3000
    expect(documentSimilarity(cat, kitten, kv, { pooling: 'sif' })).toBeCloseTo(0.5196, 4);
    expect(documentSimilarity(cat, stocks, kv, { pooling: 'sif' })).toBeCloseTo(0.3, 4);
    // SIF + the first principal component of the Lee background corpus (300 news articles)
    // removed: 0.3737 vs −0.0346; "heart attack" vs "cardiac arrest" 0.5011, vs "stock market" −0.1690
    const lee = readFileSync(dataPath('data/lee/lee_background.cor'), 'utf8').split('\n').filter(Boolean);
    const { vectors, principalComponent } = sifEmbeddings(lee, kv);
    const u = principalComponent as Float64Array;
    const sif = { pooling: 'sif', principalComponent: u } as const;
    expect(documentSimilarity(cat, kitten, kv, sif)).toBeCloseTo(0.3737, 4);
    expect(documentSimilarity(cat, stocks, kv, sif)).toBeCloseTo(-0.0346, 4);
    expect(documentSimilarity('heart attack', 'cardiac arrest', kv, sif)).toBeCloseTo(0.5011, 4);
    expect(documentSimilarity('heart attack', 'stock market', kv, sif)).toBeCloseTo(-0.169, 4);
    expect(vectors).toHaveLength(300);
    expect(Math.abs(cosineOf(vectors[0] as Float64Array, u))).toBeLessThan(1e-9); // projection removed
  });

  it('word probabilities: Zipf from the frequency rank (no counts in GloVe)', () => {
    const p = wordProbabilities(kv);
    expect(p.reduce((s, x) => s + x, 0)).toBeCloseTo(1, 9);
    expect(p[0]).toBeCloseTo(0.0954, 4); // p("the") = 1 / H_20000
    expect((p[0] as number) / (p[9] as number)).toBeCloseTo(10, 9);
  });
});

describe('pieces', () => {
  it('tokens, counts-based probabilities, the first principal component', () => {
    expect(simpleTokens("The cat's mat, 2 times!")).toEqual(['the', "cat's", 'mat', '2', 'times']);
    const kv = new KeyedVectors(['a', 'b'], Float32Array.from([1, 0, 0, 1]), 2, [3, 1]);
    expect(Array.from(wordProbabilities(kv))).toEqual([0.75, 0.25]);
    const u = firstPrincipalComponent([Float64Array.from([2, 0]), Float64Array.from([0, 1])]);
    expect(Math.abs(u[0] as number)).toBeCloseTo(1, 9);
    expect(() => documentSimilarity('a', 'b', kv, { pooling: 'max' as never })).toThrow(
      "pooling must be 'mean' or 'sif'",
    );
  });
});

describe('embedTexts (what embeddings APIs return)', () => {
  it('gives unit vectors whose dot products are the documents’ cosine similarities', async () => {
    const kv = await loadPretrained('glove-6b-100d-top20k');
    const texts = [
      'The cat sat on the mat.',
      'A kitten is resting on a rug.',
      'Stock markets fell sharply today.',
    ];
    const [a, b, c] = embedTexts(texts, kv);
    const dot = (x: number[], y: number[]) => x.reduce((s, v, i) => s + v * (y[i] as number), 0);
    expect(dot(a!, a!)).toBeCloseTo(1, 6);
    expect(dot(a!, b!)).toBeCloseTo(documentSimilarity(texts[0]!, texts[1]!, kv), 6);
    expect(dot(a!, b!)).toBeGreaterThan(dot(a!, c!));
    const [sifA, sifB, sifC] = embedTexts(texts, kv, { pooling: 'sif' });
    expect(dot(sifA!, sifB!)).toBeGreaterThan(dot(sifA!, sifC!));
    expect(embedTexts(['qqqzzz xxyyzz'], kv)[0]!.every((x) => x === 0)).toBe(true);
    expect(() => embedTexts([1 as never], kv)).toThrow(/texts\[0\] must be a string/);
    expect(() => embedTexts(['a'], kv, { pooling: 'max' as never })).toThrow(/pooling/);
  });
});
