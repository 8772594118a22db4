/**
 * Retrieval metrics — how the RAG lesson measures a retriever before any LLM is involved.
 * A ranking is a list of document ids, best first; judgements map ids to graded gains (0 = not
 * relevant). Definitions follow trec_eval (linear gain, log2 discount).
 *
 *   recallAtK(['d3', 'd1', 'd7'], new Map([['d1', 1], ['d9', 1]]), 2) // 0.5
 */

export type Id = string | number;
/** Graded relevance: id → gain (> 0 relevant). Ids not present have gain 0. */
export type Judgements = Map<Id, number>;

function relevantCount(judged: Judgements): number {
  let n = 0;
  for (const g of judged.values()) if (g > 0) n++;
  return n;
}

/** Share of the relevant documents found in the top k:  |top_k ∩ R| / |R|  (0 when R is empty). */
export function recallAtK(ranking: Id[], judged: Judgements, k: number): number {
  const total = relevantCount(judged);
  if (total === 0) return 0;
  let found = 0;
  for (const id of new Set(ranking.slice(0, k))) if ((judged.get(id) ?? 0) > 0) found++;
  return found / total;
}

/** 1 / rank of the first relevant document (0 if none is ranked); its mean over queries is MRR. */
export function reciprocalRank(ranking: Id[], judged: Judgements, k = Number.POSITIVE_INFINITY): number {
  const n = Math.min(k, ranking.length);
  for (let i = 0; i < n; i++) if ((judged.get(ranking[i]!) ?? 0) > 0) return 1 / (i + 1);
  return 0;
}

/**
 * Normalised discounted cumulative gain (Järvelin & Kekäläinen 2002), trec_eval's `ndcg_cut`:
 *
 *   DCG@k  = Σ_{i=1..k} gain(d_i) / log2(i + 1)
 *   nDCG@k = DCG@k / IDCG@k,   IDCG@k = DCG@k of the judged gains sorted descending
 *
 *   ndcgAtK(['a', 'b'], new Map([['b', 1]]), 10) // 1 / log2(3) = 0.6309
 */
export function ndcgAtK(ranking: Id[], judged: Judgements, k = 10): number {
  const seen = new Set<Id>();
  let dcg = 0;
  let rank = 0;
  for (const id of ranking) {
    if (rank >= k) break;
    if (seen.has(id)) continue; // a document counts once
    seen.add(id);
    rank++;
    dcg += (judged.get(id) ?? 0) / Math.log2(rank + 1);
  }
  const ideal = [...judged.values()]
    .filter((g) => g > 0)
    .sort((a, b) => b - a)
    .slice(0, k);
  const idcg = ideal.reduce((s, g, i) => s + g / Math.log2(i + 2), 0);
  return idcg === 0 ? 0 : dcg / idcg;
}

export interface EvaluationQuery {
  id: Id;
  text: string;
  judged: Judgements;
}

export interface Evaluation {
  /** Queries averaged (those with at least one relevant document). */
  queries: number;
  ndcgAt10: number;
  /** recall@k for each k asked. */
  recall: Record<number, number>;
  mrr: number;
}

/**
 * Mean metrics of a search function over queries. Queries without a relevant document are skipped
 * (trec_eval does the same).
 */
export async function evaluateRetrieval(
  queries: EvaluationQuery[],
  search: (query: string, k: number) => Id[] | Promise<Id[]>,
  options: { recallAt?: number[]; depth?: number } = {},
): Promise<Evaluation> {
  const recallAt = options.recallAt ?? [10, 100];
  const depth = options.depth ?? Math.max(100, ...recallAt);
  const sums = { ndcg: 0, mrr: 0, recall: recallAt.map(() => 0) };
  let n = 0;
  for (const q of queries) {
    if (relevantCount(q.judged) === 0) continue;
    const ranking = await search(q.text, depth);
    n++;
    sums.ndcg += ndcgAtK(ranking, q.judged, 10);
    sums.mrr += reciprocalRank(ranking, q.judged);
    recallAt.forEach((k, i) => {
      sums.recall[i]! += recallAtK(ranking, q.judged, k);
    });
  }
  const mean = (x: number) => (n === 0 ? 0 : x / n);
  return {
    queries: n,
    ndcgAt10: mean(sums.ndcg),
    recall: Object.fromEntries(recallAt.map((k, i) => [k, mean(sums.recall[i]!)])),
    mrr: mean(sums.mrr),
  };
}
