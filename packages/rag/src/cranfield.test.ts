import { describe, expect, it } from 'vitest';
import { BM25 } from './bm25.js';
import { cranfieldBenchmark, cranfieldGain } from './cranfield.js';
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
