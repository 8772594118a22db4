/**
 * Benchmark (issue 7, "Evaluation"): retrieval quality on Cranfield and the speed of the exact
 * vector store.
 *
 * Run:  pnpm --filter @firth/rag bench      (or `pnpm bench` at the root, every package's)
 *
 * 1. Quality — all 225 Cranfield queries (1,400 abstracts, graded judgements, gain = 5 − code; see
 *    cranfield.ts): nDCG@10, MRR, recall@10, recall@100 for BM25 (k1 1.2, b 0.75, Lucene stop words),
 *    dense retrieval with each offline Firth embedding in `FirthMemoryVectorStore` (cosine), and
 *    hybrid = reciprocal rank fusion (k 60) of BM25's and the dense top 100. Documents are the `.W`
 *    field, which begins with the title. The tiny BERT reads at most 64 tokens (title plus the
 *    start of the abstract); word vectors read the whole text. The two empty abstracts (ids 471,
 *    995) get a zero vector from BERT, which refuses empty text. Universal Sentence Encoder Lite
 *    (512-d, Google's pretrained TF.js model) reads the first 128 SentencePiece tokens and embeds
 *    empty text itself; it takes ~3 minutes here (≈ 8–10 abstracts/s on 2 busy cores). Measured
 *    (load ≈ 6): USE-lite dense nDCG@10 0.1866, MRR 0.3384, R@10 0.1924; BM25 + USE-lite RRF
 *    [1, 0.25] 0.3489 / 0.5158 / 0.3873 and [1, 0.1] 0.3479, both above BM25's 0.3356; [1, 1]
 *    0.2971 and [1, 0.5] 0.3282 below. RRF weights other than [1, 1] are
 *    picked on these same 225 queries (no held-out split): read them as an upper bound.
 * 2. Speed — `FirthMemoryVectorStore` with 100,000 random unit vectors of 384 dimensions: insert
 *    throughput (`addVectors` in batches of 1,000) and exact top-10 latency (p50, p95) over 50
 *    queries; beside it, a plain flat Float32Array scan with a top-k heap (written here, for
 *    comparison only). Goal: p50 < 50 ms.
 *
 * Environment: FIRTH_BENCH_N (vectors, default 100000), FIRTH_BENCH_QUERIES (default 50),
 * FIRTH_BENCH_SKIP ("quality" or "speed"). Timings on a shared machine are noisy; the load
 * average is printed with them.
 */

import { Document } from '@langchain/core/documents';
import type { EmbeddingsInterface } from '@langchain/core/embeddings';
import {
  gaussian,
  loadAverage,
  percentile,
  table,
  unitVector,
  vectorsOnlyEmbeddings,
} from '../../../scripts/bench/peer.js';
import { BM25 } from './bm25.js';
import { cranfieldBenchmark } from './cranfield.js';
import { FirthBertEmbeddings } from './firth-bert-embeddings.js';
import { FirthEmbeddings } from './firth-embeddings.js';
import { FirthUseEmbeddings } from './firth-use-embeddings.js';
import { reciprocalRankFusion } from './hybrid.js';
import { FirthMemoryVectorStore } from './memory-store.js';
import { type Evaluation, evaluateRetrieval, type Id } from './metrics.js';

const DEPTH = 100;
const skip = process.env.FIRTH_BENCH_SKIP ?? '';

/**
 * Cranfield has two empty abstracts (ids 471 and 995), which BERT refuses to embed: they get the
 * zero vector, similar to nothing under cosine.
 */
function blankAsZero(inner: EmbeddingsInterface): EmbeddingsInterface {
  const embedDocuments = async (texts: string[]) => {
    const kept = texts.map((t, i) => [t, i] as const).filter(([t]) => t.trim() !== '');
    const vectors = await inner.embedDocuments(kept.map(([t]) => t));
    const dim = vectors[0]?.length ?? 0;
    const out: number[][] = texts.map(() => new Array<number>(dim).fill(0));
    kept.forEach(([, i], j) => {
      out[i] = vectors[j]!;
    });
    return out;
  };
  return {
    embedDocuments,
    embedQuery: async (text: string) => (await embedDocuments([text]))[0]!,
  } as EmbeddingsInterface;
}

// ---------------------------------------------------------------------------------------------
// 1. Quality on Cranfield
// ---------------------------------------------------------------------------------------------

async function quality(): Promise<void> {
  const { documents, queries } = cranfieldBenchmark();
  const rows: string[][] = [];
  const add = (name: string, r: Evaluation, seconds?: number) => {
    rows.push([
      name,
      r.ndcgAt10.toFixed(4),
      r.mrr.toFixed(4),
      r.recall[10]!.toFixed(4),
      r.recall[100]!.toFixed(4),
      seconds === undefined ? '' : seconds.toFixed(1),
    ]);
  };
  const evaluate = (rank: (q: string) => Id[] | Promise<Id[]>) =>
    evaluateRetrieval(queries, (q) => rank(q), { recallAt: [10, 100], depth: DEPTH });

  // BM25 rankings, kept for fusion.
  let t = performance.now();
  const bm25 = new BM25({ stopWords: true }).fit(documents);
  const lexical = new Map<string, Id[]>();
  for (const q of queries)
    lexical.set(
      q.text,
      bm25.search(q.text, DEPTH).map((h) => h.document.metadata.id as number),
    );
  const bm25Eval = await evaluate((q) => lexical.get(q)!);
  add('BM25 (stop words)', bm25Eval, (performance.now() - t) / 1000);

  const dense: { name: string; embeddings: EmbeddingsInterface }[] = [
    { name: 'GloVe 100d top-20k, mean', embeddings: new FirthEmbeddings() },
    { name: 'GloVe 100d top-20k, SIF', embeddings: new FirthEmbeddings({ pooling: 'sif' }) },
    {
      name: 'word2vec 300d top-1000, mean',
      embeddings: new FirthEmbeddings({ vectors: 'word2vec-300d-top1000' }),
    },
    { name: 'tiny BERT 128d, mean (64 tok)', embeddings: blankAsZero(new FirthBertEmbeddings()) },
    { name: 'USE-lite 512d', embeddings: new FirthUseEmbeddings() },
  ];
  const weightings: [number, number][] = [
    [1, 1],
    [1, 0.5],
    [1, 0.25],
    [1, 0.1],
  ];
  const hybridRows: string[][] = [];
  const notes: string[] = [];
  for (const { name, embeddings } of dense) {
    t = performance.now();
    let store: FirthMemoryVectorStore;
    let queryVectors: number[][];
    try {
      store = await FirthMemoryVectorStore.fromDocuments(documents, embeddings);
      queryVectors = await embeddings.embedDocuments(queries.map((q) => q.text));
    } catch (e) {
      notes.push(`${name}: skipped (${(e as Error).message})`);
      continue;
    }
    const denseRank = new Map<string, Id[]>();
    for (const [i, q] of queries.entries()) {
      const hits = await store.similaritySearchVectorWithScore(queryVectors[i]!, DEPTH);
      denseRank.set(
        q.text,
        hits.map(([d]) => d.metadata.id as number),
      );
    }
    add(`dense: ${name}`, await evaluate((q) => denseRank.get(q)!), (performance.now() - t) / 1000);
    const fused = (q: string, w: [number, number]) =>
      reciprocalRankFusion([lexical.get(q)!, denseRank.get(q)!], { k: 60, weights: w })
        .slice(0, DEPTH)
        .map((f) => f.item);
    // Held out: the weight of each half of the queries (even / odd positions) is the one that
    // scores best on the other half, so no query's own judgements choose its weight.
    const half = (p: number) => queries.filter((_, i) => i % 2 === p);
    const parity = new Map(queries.map((q, i) => [q.text, i % 2]));
    const chosen: [number, number][] = [];
    for (const p of [0, 1]) {
      let best = weightings[0]!;
      let bestScore = -1;
      for (const w of weightings) {
        const r = await evaluateRetrieval(half(p), (q) => fused(q, w), { recallAt: [10], depth: DEPTH });
        if (r.ndcgAt10 > bestScore) [best, bestScore] = [w, r.ndcgAt10];
      }
      chosen.push(best);
    }
    {
      const r = await evaluate((q) => fused(q, chosen[1 - parity.get(q)!]!));
      const before = rows.length;
      add(
        `hybrid RRF, weight from the other half [${chosen.map((w) => w[1]).join(' | ')}]: BM25 + ${name}`,
        r,
      );
      const row = rows.splice(before, 1)[0]!;
      row[5] = r.ndcgAt10 >= bm25Eval.ndcgAt10 ? 'yes' : 'no';
      hybridRows.push(row);
    }
    for (const w of weightings) {
      const r = await evaluate((q) => fused(q, w));
      const before = rows.length;
      add(`hybrid RRF [${w.join(', ')}]: BM25 + ${name}`, r);
      const row = rows.splice(before, 1)[0]!;
      row[5] = r.ndcgAt10 >= bm25Eval.ndcgAt10 ? 'yes' : 'no';
      hybridRows.push(row);
    }
  }

  const header = ['retriever (225 queries)', 'nDCG@10', 'MRR', 'R@10', 'R@100'];
  console.log(`\nCranfield — ${documents.length} abstracts, ${queries.length} queries; ${loadAverage()}\n`);
  console.log(table([...header, 'seconds'], rows));
  console.log('');
  console.log(table([...header, 'nDCG@10 >= BM25'], hybridRows));
  for (const n of notes) console.log(n);
  console.log(
    `\nseconds: indexing (embedding 1,400 abstracts) plus all queries. Hybrid fuses each list's top ${DEPTH};` +
      ' weights are [BM25, dense]; fixed weights other than [1, 1] are an upper bound (read on the same queries),' +
      ' "weight from the other half" is held out (2-fold: even/odd query positions; the dense weight chosen for each half shown).',
  );
}

// ---------------------------------------------------------------------------------------------
// 2. Speed of exact search
// ---------------------------------------------------------------------------------------------

/**
 * Reference only (not the store's code): exact top-k by dot product over one flat row-major
 * Float32Array, keeping the k best in a small sorted buffer instead of sorting every score.
 */
function flatTopK(flat: Float32Array, d: number, q: Float32Array, k: number): number[] {
  const n = flat.length / d;
  const best: number[] = [];
  const scores: number[] = [];
  for (let i = 0; i < n; i++) {
    let s = 0;
    const off = i * d;
    for (let j = 0; j < d; j++) s += q[j]! * flat[off + j]!;
    if (best.length < k || s > scores[best.length - 1]!) {
      let p = Math.min(best.length, k - 1);
      if (best.length < k) {
        best.push(i);
        scores.push(s);
      }
      while (p > 0 && scores[p - 1]! < s) {
        best[p] = best[p - 1]!;
        scores[p] = scores[p - 1]!;
        p--;
      }
      best[p] = i;
      scores[p] = s;
    }
  }
  return best;
}

async function speed(): Promise<void> {
  const n = Number(process.env.FIRTH_BENCH_N ?? 100_000) || 100_000;
  const nq = Number(process.env.FIRTH_BENCH_QUERIES ?? 50) || 50;
  const d = 384;
  const k = 10;
  const batch = 1000;
  const rand = gaussian(1);
  const noEmbeddings = vectorsOnlyEmbeddings as unknown as EmbeddingsInterface;

  const store = new FirthMemoryVectorStore(noEmbeddings);
  const flat = new Float32Array(n * d);
  let insertMs = 0;
  for (let start = 0; start < n; start += batch) {
    const m = Math.min(batch, n - start);
    const vectors = Array.from({ length: m }, () => unitVector(rand, d));
    const docs = vectors.map((_, i) => new Document({ pageContent: '', metadata: { i: start + i } }));
    const t0 = performance.now();
    await store.addVectors(vectors, docs);
    insertMs += performance.now() - t0;
    vectors.forEach((v, i) => {
      flat.set(v, (start + i) * d);
    });
  }

  const queries = Array.from({ length: nq }, () => unitVector(rand, d));
  const storeMs: number[] = [];
  const flatMs: number[] = [];
  let agree = 0;
  // one warm-up query each, not timed
  await store.similaritySearchVectorWithScore(queries[0]!, k);
  flatTopK(flat, d, Float32Array.from(queries[0]!), k);
  for (const q of queries) {
    let t0 = performance.now();
    const hits = await store.similaritySearchVectorWithScore(q, k);
    storeMs.push(performance.now() - t0);
    t0 = performance.now();
    const ref = flatTopK(flat, d, Float32Array.from(q), k);
    flatMs.push(performance.now() - t0);
    if (hits.every(([doc], i) => doc.metadata.i === ref[i])) agree++;
  }

  const row = (name: string, ms: number[], insert: string) => [
    name,
    percentile(ms, 50).toFixed(1),
    percentile(ms, 95).toFixed(1),
    percentile(ms, 50) < 50 ? 'yes' : 'no',
    insert,
  ];
  console.log(
    `\nExact top-${k}, ${n.toLocaleString('en-US')} random unit vectors × ${d}, ${nq} queries; ${loadAverage()}\n`,
  );
  console.log(
    table(
      ['search', 'p50 ms', 'p95 ms', 'p50 < 50 ms', 'insert vectors/s'],
      [
        row(
          'FirthMemoryVectorStore (cosine)',
          storeMs,
          Math.round(n / (insertMs / 1000)).toLocaleString('en-US'),
        ),
        row('flat Float32Array + top-k (reference)', flatMs, ''),
      ],
    ),
  );
  console.log(`\nsame top-${k} from both: ${agree}/${nq} queries. Insert: addVectors, ${batch} per call.`);
}

if (!skip.includes('quality')) await quality();
if (!skip.includes('speed')) await speed();
