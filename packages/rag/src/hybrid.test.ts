import { Document } from '@langchain/core/documents';
import { Embeddings } from '@langchain/core/embeddings';
import { describe, expect, it } from 'vitest';
import { BM25 } from './bm25.js';
import { HybridRetriever, reciprocalRankFusion } from './hybrid.js';
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
    const retriever = new HybridRetriever({ bm25, vectorStore, k: 2, fetchK: 4 });
    // BM25 finds d0 ("wing") only; the dense side also finds d2 ("airfoil", "flight").
    const got = await retriever.invoke('wing');
    expect(got.map((d) => d.metadata.source)).toEqual(['d0', 'd2']);
    expect(got[0]?.metadata.rrfScore).toBeCloseTo(2 / 61, 12);
    expect(got[1]?.metadata.rrfScore).toBeCloseTo(1 / 62, 12);
  });
});
