/**
 * Hybrid retrieval: lexical (BM25) and dense (a vector store) results fused by reciprocal rank
 * fusion (Cormack, Clarke & Büttcher, SIGIR 2009) — ranks, not scores, so BM25's unbounded scores
 * and cosine similarities need no calibration:
 *
 *   RRF(d) = Σ_{lists L} w_L / (k + rank_L(d))      rank from 1; k = 60 (the paper's value)
 *
 *   reciprocalRankFusion([['a', 'b', 'c'], ['b', 'c', 'a']]) // [{ item: 'b', score: 0.03252 }, { item: 'a', … }, …]
 */

import { ValidationError } from '@firth/numeric';
import { Document, type DocumentInterface } from '@langchain/core/documents';
import { BaseRetriever, type BaseRetrieverInput } from '@langchain/core/retrievers';
import type { VectorStoreInterface } from '@langchain/core/vectorstores';
import type { BM25 } from './bm25.js';

export interface FusionOptions<T> {
  /** Damping constant: larger k flattens the difference between top ranks. @default 60 */
  k?: number;
  /** One weight per list. @default all 1 */
  weights?: number[];
  /** Identity of an item across lists. @default the item itself */
  key?: (item: T) => unknown;
}

export interface Fused<T> {
  item: T;
  score: number;
}

/** Fuses ranked lists (best first), best fused first; ties keep first-seen order. */
export function reciprocalRankFusion<T>(lists: T[][], options: FusionOptions<T> = {}): Fused<T>[] {
  const k = options.k ?? 60;
  const key = options.key ?? ((x: T) => x);
  if (options.weights && options.weights.length !== lists.length)
    throw new ValidationError(
      `reciprocalRankFusion: ${options.weights.length} weights for ${lists.length} lists`,
    );
  const fused = new Map<unknown, Fused<T>>();
  lists.forEach((list, l) => {
    const w = options.weights?.[l] ?? 1;
    const seen = new Set<unknown>();
    list.forEach((item, r) => {
      const id = key(item);
      if (seen.has(id)) return; // a list counts an item once, at its best rank
      seen.add(id);
      const entry = fused.get(id) ?? { item, score: 0 };
      // w / (k + rank), rank counted from 1
      entry.score += w / (k + r + 1);
      fused.set(id, entry);
    });
  });
  return [...fused.values()].sort((a, b) => b.score - a.score);
}

/**
 * Identity of a Document across retrievers: its source, section, chunk and text (not `id`, which a
 * vector store may assign on its own).
 */
export function documentKey(doc: DocumentInterface): string {
  const m = doc.metadata;
  return JSON.stringify([m.source, m.section, m.chunk, doc.pageContent]);
}

/**
 * The default [BM25 weight, vector weight] of `HybridRetriever` and of the n8n nodes' hybrid
 * search, chosen on Cranfield's 150 tune queries (82 settings: analyzer × dense weight × RRF k ×
 * fetchK) and checked on its 75 held-out queries and the unseen Markdown sets:
 * eval/retrieval/results.md (`pnpm --filter @firth/rag eval:retrieval`). Held out, BM25 (english)
 * + USE-lite at [1, 0.1] gives nDCG@10 0.3734, BM25 alone 0.3695, the former default [1, 1] 0.3171:
 * an embedding weaker than BM25 (USE-lite alone 0.1935) helps only as a light tie-breaker.
 */
export const DEFAULT_HYBRID_WEIGHTS: readonly [bm25: number, vectors: number] = Object.freeze([
  1, 0.1,
] as const);

/** The default RRF constant k of `HybridRetriever`: Cormack et al.'s 60, also the best on tune with [1, 0.1]. */
export const DEFAULT_RRF_K = 60;

/** The default number of candidates `HybridRetriever` takes from each list before fusion (20: best on tune). */
export const DEFAULT_FETCH_K = 20;

export interface HybridRetrieverInput extends BaseRetrieverInput {
  /** A fitted BM25 index over the same Documents as the vector store. */
  bm25: BM25;
  vectorStore: VectorStoreInterface;
  /** Documents returned. @default 4 */
  k?: number;
  /** Candidates taken from each retriever before fusion. @default DEFAULT_FETCH_K */
  fetchK?: number;
  /** RRF constant. @default DEFAULT_RRF_K */
  rrfK?: number;
  /** [BM25 weight, vector weight]. @default DEFAULT_HYBRID_WEIGHTS */
  weights?: [number, number];
}

/**
 * A LangChain retriever fusing BM25 and a vector store with RRF. Returned Documents carry
 * `metadata.rrfScore`.
 *
 *   const retriever = new HybridRetriever({ bm25: new BM25().fit(docs), vectorStore: store, k: 3 });
 *   await retriever.invoke('wing in a slipstream') // [Document { metadata: { rrfScore: 0.0328, … } }, …]
 */
export class HybridRetriever extends BaseRetriever {
  override lc_namespace = ['firth', 'rag', 'retrievers'];
  static override lc_name() {
    return 'HybridRetriever';
  }

  bm25: BM25;
  vectorStore: VectorStoreInterface;
  k: number;
  fetchK: number;
  rrfK: number;
  weights: [number, number];

  constructor(fields: HybridRetrieverInput) {
    super(fields);
    this.bm25 = fields.bm25;
    this.vectorStore = fields.vectorStore;
    this.k = fields.k ?? 4;
    this.fetchK = fields.fetchK ?? DEFAULT_FETCH_K;
    this.rrfK = fields.rrfK ?? DEFAULT_RRF_K;
    this.weights = fields.weights ?? [...DEFAULT_HYBRID_WEIGHTS];
    for (const [name, v] of [
      ['k', this.k],
      ['fetchK', this.fetchK],
    ] as const)
      if (!Number.isInteger(v) || v < 1)
        throw new ValidationError(`HybridRetriever: ${name} must be a positive integer, got ${v}`, name);
    if (!(typeof this.rrfK === 'number' && this.rrfK >= 0 && Number.isFinite(this.rrfK)))
      throw new ValidationError(
        `HybridRetriever: rrfK must be a finite number ≥ 0, got ${this.rrfK}`,
        'rrfK',
      );
    const w = this.weights;
    if (
      !Array.isArray(w) ||
      w.length !== 2 ||
      !w.every((x) => typeof x === 'number' && x >= 0 && Number.isFinite(x)) ||
      w[0] + w[1] === 0
    )
      throw new ValidationError(
        `HybridRetriever: weights must be [BM25 weight, vector weight], two finite numbers ≥ 0 not both 0, got ${JSON.stringify(w)}`,
        'weights',
      );
  }

  override async _getRelevantDocuments(query: string): Promise<Document[]> {
    const lexical = this.bm25.search(query, this.fetchK).map((h) => h.document);
    const dense = await this.vectorStore.similaritySearch(query, this.fetchK);
    return reciprocalRankFusion<DocumentInterface>([lexical, dense], {
      k: this.rrfK,
      weights: this.weights,
      key: documentKey,
    })
      .slice(0, this.k)
      .map(
        ({ item, score }) =>
          new Document({
            pageContent: item.pageContent,
            metadata: { ...item.metadata, rrfScore: score },
            id: item.id,
          }),
      );
  }
}
