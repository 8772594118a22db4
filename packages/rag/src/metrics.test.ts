import { describe, expect, it } from 'vitest';
import { evaluateRetrieval, ndcgAtK, recallAtK, reciprocalRank } from './metrics.js';

const judged = new Map<string, number>([
  ['a', 3],
  ['b', 2],
  ['c', 1],
  ['z', 0],
]);

describe('retrieval metrics', () => {
  it('recall@k counts relevant documents found in the top k', () => {
    expect(
      recallAtK(
        ['d3', 'd1', 'd7'],
        new Map([
          ['d1', 1],
          ['d9', 1],
        ]),
        2,
      ),
    ).toBe(0.5);
    expect(recallAtK(['a', 'x', 'b', 'z'], judged, 4)).toBeCloseTo(2 / 3, 12);
    expect(recallAtK(['a', 'a', 'a'], judged, 3)).toBeCloseTo(1 / 3, 12); // duplicates count once
    expect(recallAtK(['a'], new Map(), 1)).toBe(0);
  });

  it('reciprocal rank is 1 / rank of the first relevant document', () => {
    expect(reciprocalRank(['z', 'x', 'c'], judged)).toBeCloseTo(1 / 3, 12);
    expect(reciprocalRank(['z', 'x'], judged)).toBe(0);
    expect(reciprocalRank(['z', 'x', 'c'], judged, 2)).toBe(0);
  });

  it('nDCG@k worked by hand (trec_eval: linear gain, log2 discount)', () => {
    expect(ndcgAtK(['a', 'b'], new Map([['b', 1]]), 10)).toBeCloseTo(1 / Math.log2(3), 12);
    expect(ndcgAtK(['a', 'b', 'c'], judged, 10)).toBeCloseTo(1, 12);
    // ranking c, b, a: DCG = 1/1 + 2/log2 3 + 3/2; IDCG = 3/1 + 2/log2 3 + 1/2
    const dcg = 1 + 2 / Math.log2(3) + 3 / 2;
    const idcg = 3 + 2 / Math.log2(3) + 1 / 2;
    expect(ndcgAtK(['c', 'b', 'a'], judged, 10)).toBeCloseTo(dcg / idcg, 12);
    // cut at 1: only the top document counts, against the best single gain
    expect(ndcgAtK(['b', 'a'], judged, 1)).toBeCloseTo(2 / 3, 12);
    expect(ndcgAtK([], judged, 10)).toBe(0);
  });

  it('averages over queries, skipping queries without relevant documents', async () => {
    const queries = [
      { id: 1, text: 'q1', judged: new Map([['a', 1]]) },
      { id: 2, text: 'q2', judged: new Map([['b', 1]]) },
      { id: 3, text: 'q3', judged: new Map([['c', 0]]) },
    ];
    const r = await evaluateRetrieval(queries, () => ['a', 'b'], { recallAt: [1, 2] });
    expect(r.queries).toBe(2);
    expect(r.mrr).toBeCloseTo((1 + 1 / 2) / 2, 12);
    expect(r.recall).toEqual({ 1: 0.5, 2: 1 });
    expect(r.ndcgAt10).toBeCloseTo((1 + 1 / Math.log2(3)) / 2, 12);
  });
});
