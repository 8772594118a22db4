import { Document } from '@langchain/core/documents';
import { Embeddings } from '@langchain/core/embeddings';
import { describe, expect, it } from 'vitest';
import { BM25 } from './bm25.js';
import {
  DEFAULT_FETCH_K,
  DEFAULT_HYBRID_WEIGHTS,
  DEFAULT_RRF_K,
  HybridRetriever,
  reciprocalRankFusion,
} from './hybrid.js';
import { FirthMemoryVectorStore } from './memory-store.js';

describe('reciprocal rank fusion', () => {
  it('adds 1/(60 + rank) over lists', () => {
    const fused = reciprocalRankFusion([
      ['a', 'b', 'c'],
      ['b', 'c', 'a'],
    ]);
    expect(fused.map((f) => f.item)).toEqual(['b', 'a', 'c']);
    expect(fused[0]?.score).toBeCloseTo(1 / 62 + 1 / 61, 12); // 0.03252
    expect(fused[1]?.score).toBeCloseTo(1 / 61 + 1 / 63, 12);
    expect(fused[2]?.score).toBeCloseTo(1 / 63 + 1 / 62, 12);
  });

  it('takes k, weights and a key; an item only in one list still counts', () => {
    const fused = reciprocalRankFusion(
      [
        [{ id: 1 }, { id: 2 }],
        [{ id: 3 }, { id: 1 }],
      ],
      { k: 0, weights: [2, 1], key: (x) => x.id },
    );
    expect(fused.map((f) => [f.item.id, f.score])).toEqual([
      [1, 2 / 1 + 1 / 2],
      [2, 2 / 2],
      [3, 1 / 1],
    ]);
    expect(() => reciprocalRankFusion([['a']], { weights: [1, 2] })).toThrow(/1 lists/);
  });
});

/** Dense side that knows synonyms BM25 cannot match: a 2-d "topic" embedding. */
class TopicEmbeddings extends Embeddings {
  constructor() {
    super({});
  }
  async embedDocuments(texts: string[]): Promise<number[][]> {
    return texts.map((t) => {
      const s = t.toLowerCase();
      const aero = /(wing|lift|airfoil|aircraft|flight)/.test(s) ? 1 : 0;
      const heat = /(heat|thermal|temperature)/.test(s) ? 1 : 0;
      return [aero + 0.01, heat + 0.01];
    });
  }
  async embedQuery(text: string): Promise<number[]> {
    return (await this.embedDocuments([text]))[0]!;
  }
}

describe('HybridRetriever', () => {
  it('fuses BM25 and vector results into a LangChain retriever', async () => {
    const docs = [
      'Lift distribution of a swept wing.',
      'Thermal stresses in a heated plate.',
      'Airfoil flutter in flight tests.',
      'Heat transfer at hypersonic speed.',
    ].map((pageContent, i) => new Document({ pageContent, metadata: { source: `d${i}` } }));
    const bm25 = new BM25({ stopWords: true }).fit(docs);
    const vectorStore = await FirthMemoryVectorStore.fromDocuments(docs, new TopicEmbeddings());
    const retriever = new HybridRetriever({ bm25, vectorStore, k: 2, fetchK: 4, weights: [1, 1] });
    // BM25 finds d0 ("wing") only; the dense side also finds d2 ("airfoil", "flight").
    const got = await retriever.invoke('wing');
    expect(got.map((d) => d.metadata.source)).toEqual(['d0', 'd2']);
    expect(got[0]?.metadata.rrfScore).toBeCloseTo(2 / 61, 12);
    expect(got[1]?.metadata.rrfScore).toBeCloseTo(1 / 62, 12);
  });

  it('defaults to the measured DEFAULT_HYBRID_WEIGHTS and DEFAULT_RRF_K, and uses them', async () => {
    const docs = ['Lift of a swept wing.', 'Airfoil flutter in flight tests.', 'Heat transfer.'].map(
      (pageContent, i) => new Document({ pageContent, metadata: { source: `d${i}` } }),
    );
    const bm25 = new BM25({ stopWords: true }).fit(docs);
    const vectorStore = await FirthMemoryVectorStore.fromDocuments(docs, new TopicEmbeddings());
    const retriever = new HybridRetriever({ bm25, vectorStore });
    expect(retriever.weights).toEqual([...DEFAULT_HYBRID_WEIGHTS]);
    expect([retriever.rrfK, retriever.fetchK]).toEqual([DEFAULT_RRF_K, DEFAULT_FETCH_K]);
    // a retriever's weights are its own copy: the exported constant cannot be changed through it
    retriever.weights[1] = 5;
    expect(DEFAULT_HYBRID_WEIGHTS).not.toContain(5);
    expect(Object.isFrozen(DEFAULT_HYBRID_WEIGHTS)).toBe(true);
    // "wing": BM25 rank 1 and dense rank 1 (d0), dense rank 2 only (d1): the scores the weights give
    const got = await new HybridRetriever({ bm25, vectorStore }).invoke('wing');
    const [wb, wv] = DEFAULT_HYBRID_WEIGHTS;
    expect(got[0]?.metadata.source).toBe('d0');
    expect(got[0]?.metadata.rrfScore).toBeCloseTo((wb + wv) / (DEFAULT_RRF_K + 1), 12);
    expect(got[1]?.metadata.source).toBe('d1');
    expect(got[1]?.metadata.rrfScore).toBeCloseTo(wv / (DEFAULT_RRF_K + 2), 12);
  });

  it('refuses weights, k, fetchK or rrfK that cannot rank', async () => {
    const bm25 = new BM25().fit(['a']);
    const vectorStore = await FirthMemoryVectorStore.fromDocuments(
      [new Document({ pageContent: 'a' })],
      new TopicEmbeddings(),
    );
    const make = (f: object) => () => new HybridRetriever({ bm25, vectorStore, ...f });
    expect(make({ weights: [0, 0] })).toThrow(/weights must be \[BM25 weight, vector weight\]/);
    expect(make({ weights: [1, -1] })).toThrow(/not both 0, got \[1,-1\]/);
    expect(make({ weights: [1] })).toThrow(/weights/);
    expect(make({ rrfK: Number.NaN })).toThrow(/rrfK must be a finite number/);
    expect(make({ fetchK: 0 })).toThrow(/fetchK must be a positive integer, got 0/);
    expect(make({ k: 1.5 })).toThrow(/k must be a positive integer/);
  });
});
