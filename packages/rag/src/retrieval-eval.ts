/**
 * Retrieval defaults chosen by evidence (issue 16): which BM25 analyzer and which hybrid weights
 * Firth uses by default, chosen on a tune split and reported on a held-out split fixed before any
 * tuning (eval/retrieval/SPLIT.md).
 *
 * 1. Cranfield (1,400 abstracts, 225 queries, graded judgements; cranfield.ts). Sweep on the 150
 *    tune queries: analyzer ('standard' | 'english', both with Lucene's stop words) × dense weight
 *    w ∈ {0, 0.1, 0.25, 0.5, 0.75, 1} (weights [1, w]: BM25, USE-lite) × RRF k ∈ {10, 30, 60, 100}
 *    × fetchK ∈ {20, 100} (candidates per list, as `HybridRetriever.fetchK`). Pick: best tune
 *    nDCG@10. Reported on the 75 held-out queries: nDCG@10, recall@10, MRR, beside BM25 alone,
 *    USE-lite alone and the old default [1, 1], k 60.
 * 2. The unseen Markdown sets (eval/unseen, questions.json `heldOut`): hit@3 of keyword search
 *    (`questionRetriever`, each analyzer) and of `HybridRetriever` itself (BM25 with question words
 *    dropped, as the n8n nodes build it; a Firth memory store of USE-lite vectors), with the old
 *    [1, 1] and with the chosen setting.
 *
 * USE-lite vectors are cached in the system temp folder (firth-retrieval-eval/), never in git:
 * embedding the 1,400 abstracts takes minutes on two busy cores.
 *
 * Run:  pnpm --filter @firth/rag eval:retrieval   (prints the tables, writes eval/retrieval/results.md)
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DocumentInterface } from '@langchain/core/documents';
import { Embeddings } from '@langchain/core/embeddings';
import { loadAverage, table } from '../../../scripts/bench/peer.js';
import { BM25, type BM25Analyzer, DEFAULT_ANALYZER } from './bm25.js';
import { questionRetriever } from './course-notes.js';
import { cranfieldBenchmark, cranfieldSplit } from './cranfield.js';
import { QUESTION_STOP_WORDS } from './extractive.js';
import { FirthUseEmbeddings } from './firth-use-embeddings.js';
import {
  DEFAULT_FETCH_K,
  DEFAULT_HYBRID_WEIGHTS,
  DEFAULT_RRF_K,
  HybridRetriever,
  reciprocalRankFusion,
} from './hybrid.js';
import { FirthMemoryVectorStore } from './memory-store.js';
import { type Evaluation, type EvaluationQuery, evaluateRetrieval, type Id } from './metrics.js';
import { loadUnseenQuestions, loadUnseenSet, looseText, type UnseenQuestion } from './unseen-eval.js';

const RESULTS = fileURLToPath(new URL('../eval/retrieval/results.md', import.meta.url));
const CACHE = join(tmpdir(), 'firth-retrieval-eval');

export const ANALYZERS: readonly BM25Analyzer[] = ['standard', 'english'];
export const DENSE_WEIGHTS = [0, 0.1, 0.25, 0.5, 0.75, 1] as const;
export const RRF_KS = [10, 30, 60, 100] as const;
export const FETCH_KS = [20, 100] as const;

export interface Setting {
  analyzer: BM25Analyzer;
  dense: number;
  rrfK: number;
  fetchK: number;
}

/** USE-lite vectors of `texts`, from the temp-folder cache when an earlier run embedded them. */
async function useVectors(texts: string[], label: string): Promise<number[][]> {
  const hash = createHash('sha256').update(texts.join('\u0000')).digest('hex').slice(0, 16);
  const file = join(CACHE, `use-lite-${label}-${hash}.json`);
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as number[][];
  } catch {
    // not cached yet
  }
  const embeddings = new FirthUseEmbeddings();
  const out: number[][] = [];
  const t0 = performance.now();
  for (let i = 0; i < texts.length; i += 64) {
    out.push(...(await embeddings.embedDocuments(texts.slice(i, i + 64))));
    process.stderr.write(
      `\r${label}: ${out.length}/${texts.length} embedded (${((performance.now() - t0) / 1000).toFixed(0)} s)`,
    );
  }
  process.stderr.write('\n');
  mkdirSync(CACHE, { recursive: true });
  writeFileSync(file, JSON.stringify(out));
  return out;
}

/** Embeddings that answer from vectors computed once (the cache above): queries are looked up. */
class PrecomputedEmbeddings extends Embeddings {
  constructor(private readonly vectors: Map<string, number[]>) {
    super({});
  }
  private get(text: string): number[] {
    const v = this.vectors.get(text);
    if (!v) throw new Error(`no precomputed vector for ${JSON.stringify(text.slice(0, 60))}`);
    return v;
  }
  override async embedDocuments(texts: string[]) {
    return texts.map((t) => this.get(t));
  }
  override async embedQuery(text: string) {
    return this.get(text);
  }
}

const f4 = (x: number) => x.toFixed(4);
const describe = (s: Setting) =>
  `${s.analyzer}, [1, ${s.dense}], k ${s.rrfK}, fetchK ${s.fetchK}${s.dense === 0 ? ' (BM25 alone)' : ''}`;

async function cranfield() {
  const { documents, queries } = cranfieldBenchmark();
  const { tune, heldOut } = cranfieldSplit(queries);
  const docVectors = await useVectors(
    documents.map((d) => d.pageContent),
    'cranfield-docs',
  );
  const queryVectors = await useVectors(
    queries.map((q) => q.text),
    'cranfield-queries',
  );
  const store = new FirthMemoryVectorStore(new PrecomputedEmbeddings(new Map()));
  await store.addVectors(docVectors, documents);
  const DEPTH = 100;
  const dense = new Map<string, Id[]>();
  for (const [i, q] of queries.entries())
    dense.set(
      q.text,
      (await store.similaritySearchVectorWithScore(queryVectors[i]!, DEPTH)).map(
        ([d]) => d.metadata.id as number,
      ),
    );
  const lexical = new Map<BM25Analyzer, Map<string, Id[]>>();
  for (const analyzer of ANALYZERS) {
    const bm25 = new BM25({ analyzer, stopWords: true }).fit(documents);
    lexical.set(
      analyzer,
      new Map(queries.map((q) => [q.text, bm25.search(q.text, DEPTH).map((h) => h.index + 1)])),
    );
  }
  // BM25's index + 1 is the Cranfield id (documents are in id order 1 … 1400)
  if (documents.some((d, i) => d.metadata.id !== i + 1)) throw new Error('Cranfield ids are not 1 … N');

  const rank = (s: Setting) => (q: string) =>
    s.dense === 0
      ? lexical.get(s.analyzer)!.get(q)!
      : reciprocalRankFusion(
          [lexical.get(s.analyzer)!.get(q)!.slice(0, s.fetchK), dense.get(q)!.slice(0, s.fetchK)],
          { k: s.rrfK, weights: [1, s.dense] },
        ).map((f) => f.item);
  const evaluate = (qs: EvaluationQuery[], search: (q: string) => Id[]) =>
    evaluateRetrieval(qs, search, { recallAt: [10], depth: DEPTH });

  const settings: Setting[] = [];
  for (const analyzer of ANALYZERS)
    for (const d of DENSE_WEIGHTS)
      for (const rrfK of d === 0 ? [60] : RRF_KS)
        for (const fetchK of d === 0 ? [100] : FETCH_KS) settings.push({ analyzer, dense: d, rrfK, fetchK });
  const swept: { s: Setting; tune: Evaluation }[] = [];
  for (const s of settings) swept.push({ s, tune: await evaluate(tune, rank(s)) });
  swept.sort((a, b) => b.tune.ndcgAt10 - a.tune.ndcgAt10);
  const chosen = swept[0]!.s;

  const row = async (name: string, search: (q: string) => Id[]) => {
    const [t, h] = [await evaluate(tune, search), await evaluate(heldOut, search)];
    return [name, f4(t.ndcgAt10), f4(t.recall[10]!), f4(t.mrr), f4(h.ndcgAt10), f4(h.recall[10]!), f4(h.mrr)];
  };
  const oldDefault = { analyzer: 'standard', dense: 1, rrfK: 60, fetchK: 20 } as const;
  const headline = [
    await row('BM25, standard (+ stop words)', rank({ ...oldDefault, dense: 0 })),
    await row('BM25, english (Porter)', rank({ ...oldDefault, analyzer: 'english', dense: 0 })),
    await row('USE-lite alone', (q) => dense.get(q)!),
    await row(`old HybridRetriever default: ${describe(oldDefault)}`, rank(oldDefault)),
    await row(`chosen on tune: ${describe(chosen)}`, rank(chosen)),
  ];
  // the best per analyzer × dense weight (best k and fetchK on tune), held-out beside it
  const grid: string[][] = [];
  for (const analyzer of ANALYZERS)
    for (const d of DENSE_WEIGHTS) {
      const best = swept.find((x) => x.s.analyzer === analyzer && x.s.dense === d)!;
      grid.push(await row(describe(best.s), rank(best.s)));
    }
  const top = swept.slice(0, 10).map((x, i) => [String(i + 1), describe(x.s), f4(x.tune.ndcgAt10)]);
  return { chosen, headline, grid, top, nSettings: settings.length, sizes: [tune.length, heldOut.length] };
}

const holdsQuote = (d: DocumentInterface, q: UnseenQuestion) =>
  String(d.metadata.source ?? '').endsWith(q.source.file) &&
  looseText(d.pageContent).includes(looseText(q.source.quote));

async function unseen(chosen: Setting) {
  const questions = loadUnseenQuestions();
  const sets = [...new Set(questions.map((q) => q.set))];
  type Method = {
    name: string;
    build: (
      docs: DocumentInterface[],
      store: FirthMemoryVectorStore,
    ) => (q: string) => Promise<DocumentInterface[]>;
  };
  const hybrid =
    (analyzer: BM25Analyzer, weights: [number, number], rrfK: number, fetchK: number): Method['build'] =>
    (docs, store) => {
      const retriever = new HybridRetriever({
        bm25: new BM25({ analyzer, stopWords: QUESTION_STOP_WORDS }).fit(docs as never),
        vectorStore: store,
        k: 3,
        weights,
        rrfK,
        fetchK,
      });
      return (q) => retriever.invoke(q);
    };
  const methods: Method[] = ANALYZERS.map((analyzer) => ({
    name: `keyword (questionRetriever), ${analyzer}`,
    build: (docs) => {
      const r = questionRetriever(docs, 3, { analyzer });
      return async (q) => r.search(q, 3);
    },
  }));
  methods.push({ name: 'USE-lite alone', build: (_, store) => (q) => store.similaritySearch(q, 3) });
  methods.push({
    name: 'hybrid, old default: standard, [1, 1], k 60, fetchK 20',
    build: hybrid('standard', [1, 1], 60, 20),
  });
  for (const analyzer of ANALYZERS)
    methods.push({
      name: `hybrid, chosen weights: ${analyzer}, [1, ${chosen.dense}], k ${chosen.rrfK}, fetchK ${chosen.fetchK}`,
      build: hybrid(analyzer, [1, chosen.dense], chosen.rrfK, chosen.fetchK),
    });
  methods.push({
    name: `hybrid, library defaults now: ${DEFAULT_ANALYZER}, [${DEFAULT_HYBRID_WEIGHTS.join(', ')}], k ${DEFAULT_RRF_K}, fetchK ${DEFAULT_FETCH_K}`,
    build: hybrid(DEFAULT_ANALYZER, [...DEFAULT_HYBRID_WEIGHTS], DEFAULT_RRF_K, DEFAULT_FETCH_K),
  });
  const hits = methods.map(() => ({ tune: 0, heldOut: 0 }));
  for (const set of sets) {
    const docs = await loadUnseenSet(set);
    const qs = questions.filter((q) => q.set === set);
    const vectors = await useVectors(
      [...docs.map((d) => d.pageContent), ...qs.map((q) => q.question)],
      `unseen-${set}`,
    );
    const byText = new Map<string, number[]>();
    [...docs.map((d) => d.pageContent), ...qs.map((q) => q.question)].forEach((t, i) => {
      byText.set(t, vectors[i]!);
    });
    const store = new FirthMemoryVectorStore(new PrecomputedEmbeddings(byText));
    await store.addVectors(vectors.slice(0, docs.length), docs as never);
    for (const [m, method] of methods.entries()) {
      const search = method.build(docs, store);
      for (const q of qs)
        if ((await search(q.question)).slice(0, 3).some((d) => holdsQuote(d, q)))
          hits[m]![q.heldOut ? 'heldOut' : 'tune']++;
    }
  }
  const nTune = questions.filter((q) => !q.heldOut).length;
  const nHeld = questions.length - nTune;
  const pct = (n: number, d: number) => `${n}/${d} (${Math.round((100 * n) / d)} %)`;
  return {
    rows: methods.map((m, i) => [m.name, pct(hits[i]!.tune, nTune), pct(hits[i]!.heldOut, nHeld)]),
    sets,
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const c = await cranfield();
  const u = await unseen(c.chosen);
  const metricHeader = [
    'tune nDCG@10',
    'tune R@10',
    'tune MRR',
    'held-out nDCG@10',
    'held-out R@10',
    'held-out MRR',
  ];
  const md = `# Retrieval defaults chosen by evidence

Measured by \`pnpm --filter @firth/rag eval:retrieval\` (src/retrieval-eval.ts); the split was fixed
and committed before any tuning (SPLIT.md). ${loadAverage()}.

## Cranfield — ${c.sizes[0]} tune / ${c.sizes[1]} held-out queries

BM25 k1 1.2, b 0.75, Lucene's stop words; dense = USE-lite 512-d (cosine, exact); hybrid =
reciprocal rank fusion of each list's top fetchK, weights [BM25, dense]. ${c.nSettings} settings
swept on tune; chosen: the best tune nDCG@10 — **${describe(c.chosen)}**.

${table(['retriever', ...metricHeader], c.headline)}

Best setting per analyzer × dense weight (RRF k and fetchK chosen on tune):

${table(['setting', ...metricHeader], c.grid)}

Top 10 on tune (nDCG@10):

${table(['#', 'setting', 'tune nDCG@10'], c.top)}

## Unseen Markdown sets (${u.sets.join(', ')}) — hit@3, questions.json's heldOut split

Keyword: \`questionRetriever\` (question words dropped, heading path indexed). Hybrid: \`HybridRetriever\`
as the n8n nodes build it (BM25 with question words dropped over the chunks; a Firth memory store of
USE-lite vectors).

${table(['retriever', 'tune hit@3', 'held-out hit@3'], u.rows)}

## Defaults

Firth's defaults now: analyzer \`${DEFAULT_ANALYZER}\` (\`DEFAULT_ANALYZER\`: \`questionRetriever\`, the course
notes, the n8n nodes' keyword and hybrid search; the \`BM25\` class itself stays 'standard' unless
told), hybrid weights [${DEFAULT_HYBRID_WEIGHTS.join(', ')}] with RRF k ${DEFAULT_RRF_K} and fetchK ${DEFAULT_FETCH_K}
(\`DEFAULT_HYBRID_WEIGHTS\`, \`DEFAULT_RRF_K\`, \`DEFAULT_FETCH_K\` in @firth/rag: \`HybridRetriever\`, the
Firth Retriever node's Options). Rule: the setting with the best tune nDCG@10 (the script's
choice, written before its first run) sets the hybrid default; 'english' becomes the analyzer
default if the held-out evidence says it is better — on Cranfield's held-out queries it is (see the
BM25 rows above), on the unseen sets' held-out hit@3 the two analyzers are equal.

Reranking: none added. Firth ships no offline cross-encoder, and the issue asks for reranking only
where it measurably helps; nothing was measured, so nothing is on by default.
`;
  console.log(md);
  mkdirSync(join(RESULTS, '..'), { recursive: true });
  writeFileSync(RESULTS, md);
}
