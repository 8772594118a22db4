import type { EmbeddingsInterface } from '@langchain/core/embeddings';
import { describe, expect, it } from 'vitest';
import { BM25 } from './bm25.js';
import { cranfieldBenchmark, cranfieldGain, cranfieldSplit } from './cranfield.js';
import { FirthEmbeddings } from './firth-embeddings.js';
import { FirthUseEmbeddings } from './firth-use-embeddings.js';
import { FirthMemoryVectorStore } from './memory-store.js';
import { evaluateRetrieval } from './metrics.js';

describe('Cranfield benchmark', () => {
  const { documents, queries } = cranfieldBenchmark();

  it('maps codes 1…4 to gains 4…1 and -1 to 0', () => {
    expect([1, 2, 3, 4, -1].map(cranfieldGain)).toEqual([4, 3, 2, 1, 0]);
    expect(documents).toHaveLength(1400);
    expect(documents[0]?.metadata).toMatchObject({ source: 'cranfield', id: 1 });
    expect(queries).toHaveLength(225);
    expect(queries[0]?.judged.get(184)).toBe(3); // cranqrel "1 184 2"
  });

  // Measured here (README.md): nDCG@10 0.3356, MRR 0.4977, recall@10 0.3722, recall@100 0.7031 with
  // stop words dropped; 0.3344 / 0.4982 / 0.3670 / 0.6960 without. Published BM25 on Cranfield:
  // roughly 0.3–0.45 nDCG@10 depending on tokenisation, stemming and fields.
  it('BM25 (k1 1.2, b 0.75, English stop words) reaches nDCG@10 ≈ 0.34 over all 225 queries', async () => {
    const bm25 = new BM25({ stopWords: true }).fit(documents);
    const r = await evaluateRetrieval(queries, (q, k) =>
      bm25.search(q, k).map((h) => h.document.metadata.id),
    );
    expect(r.queries).toBe(225);
    expect(r.ndcgAt10).toBeGreaterThan(0.32);
    expect(r.ndcgAt10).toBeLessThan(0.35);
    expect(r.ndcgAt10).toBeCloseTo(0.3356, 3);
    expect(r.mrr).toBeGreaterThan(0.47);
    expect(r.recall[10]).toBeGreaterThan(0.35);
    expect(r.recall[100]).toBeGreaterThan(0.68);
    const noStop = new BM25().fit(documents);
    const r2 = await evaluateRetrieval(queries, (q, k) =>
      noStop.search(q, k).map((h) => h.document.metadata.id),
    );
    expect(r2.ndcgAt10).toBeCloseTo(0.3344, 3);
  });
});

// The full dense comparison (1,400 abstracts, ~3 min for USE-lite on 2 cores) is in cranfield.bench.ts;
// here a 200-abstract slice keeps it under a minute.
describe('Cranfield, first 200 abstracts: a sentence encoder against averaged word vectors', () => {
  const { documents, queries } = cranfieldBenchmark();
  const docs = documents.slice(0, 200);
  const ids = new Set(docs.map((d) => d.metadata.id));
  const subset = queries
    .map((q) => ({ ...q, judged: new Map([...q.judged].filter(([id]) => ids.has(id as number))) }))
    .filter((q) => [...q.judged.values()].some((g) => g > 0));
  const dense = async (embeddings: EmbeddingsInterface) => {
    const store = await FirthMemoryVectorStore.fromDocuments(docs, embeddings);
    return evaluateRetrieval(subset, async (q, k) =>
      (await store.similaritySearch(q, k)).map((d) => d.metadata.id),
    );
  };

  // Measured on these 95 queries: USE-lite nDCG@10 0.2765, MRR 0.3337; GloVe SIF 0.2241, 0.2974
  // (all 1,400 abstracts, in the bench: 0.1866 vs 0.1512). ~25 s, most of it USE-lite.
  it('USE-lite (512-d) ranks better than GloVe SIF by nDCG@10 and MRR', { timeout: 120_000 }, async () => {
    const use = await dense(new FirthUseEmbeddings());
    const sif = await dense(new FirthEmbeddings({ pooling: 'sif' }));
    expect(subset).toHaveLength(95);
    expect(use.ndcgAt10).toBeGreaterThan(sif.ndcgAt10 + 0.03);
    expect(use.mrr).toBeGreaterThan(sif.mrr);
  });
});

describe('the split the retrieval defaults were chosen on (eval/retrieval/SPLIT.md)', () => {
  const { documents, queries } = cranfieldBenchmark();

  it("the english analyzer (Porter) beats 'standard' on the held-out queries, as results.md says", async () => {
    const { tune, heldOut } = cranfieldSplit(queries);
    expect([tune.length, heldOut.length]).toEqual([150, 75]);
    expect(heldOut.slice(0, 2)).toEqual([queries[2], queries[5]]);
    const held = async (analyzer: 'standard' | 'english') => {
      const bm25 = new BM25({ analyzer, stopWords: true }).fit(documents);
      return evaluateRetrieval(
        heldOut,
        (q, k) => bm25.search(q, k).map((h) => h.document.metadata.id as number),
        { recallAt: [10] },
      );
    };
    const [standard, english] = [await held('standard'), await held('english')];
    // eval/retrieval/results.md, "BM25, standard (+ stop words)" and "BM25, english (Porter)"
    expect(standard.ndcgAt10).toBeCloseTo(0.346, 3);
    expect(english.ndcgAt10).toBeCloseTo(0.3695, 3);
    expect(english.recall[10]!).toBeGreaterThan(standard.recall[10]!);
    expect(english.mrr).toBeGreaterThan(standard.mrr);
  });
});
