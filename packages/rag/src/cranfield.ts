/**
 * The Cranfield collection as a retrieval benchmark for the RAG lesson: its abstracts as LangChain
 * Documents and its queries with graded judgements for `evaluateRetrieval`.
 *
 * Grade mapping (the common practice noted in data/cranfield/README.md): Cranfield codes
 * 1 (complete answer) … 4 (minimum interest) are relevant with gain 5 − code, so 1 → 4, 2 → 3,
 * 3 → 2, 4 → 1; the `-1` rows (one per query) are not relevant, gain 0. Recall and MRR count any
 * gain > 0 as relevant.
 *
 *   const { documents, queries } = cranfieldBenchmark();
 *   documents[0].metadata // { source: 'cranfield', id: 1, title: 'experimental investigation of …' }
 */
import { loadCranfield } from '@firth/datasets';
import { Document } from '@langchain/core/documents';
import type { EvaluationQuery, Judgements } from './metrics.js';

/** Gain of a Cranfield relevance code. */
export function cranfieldGain(code: number): number {
  return code >= 1 && code <= 4 ? 5 - code : 0;
}

export interface CranfieldBenchmark {
  /** 1,400 Documents: `.W` text (it begins with the title), metadata { source, id, title }. */
  documents: Document<{ source: string; id: number; title: string }>[];
  /** 225 queries, each with its judgements as doc id → gain. */
  queries: EvaluationQuery[];
}

export function cranfieldBenchmark(): CranfieldBenchmark {
  const data = loadCranfield();
  const documents = data.documents.map(
    (d) =>
      new Document({
        pageContent: d.text || d.title,
        metadata: { source: 'cranfield', id: d.id, title: d.title },
      }),
  );
  const judged = new Map<number, Judgements>();
  for (const j of data.judgements) {
    const m = judged.get(j.query) ?? new Map<number, number>();
    judged.set(j.query, m);
    m.set(j.doc, Math.max(m.get(j.doc) ?? 0, cranfieldGain(j.relevance)));
  }
  const queries = data.queries.map((q) => ({
    id: q.id,
    text: q.text,
    judged: judged.get(q.id) ?? new Map(),
  }));
  return { documents, queries };
}

/**
 * The split the retrieval defaults were chosen on (eval/retrieval/SPLIT.md, fixed before any
 * tuning): queries at positions ≡ 2 (mod 3) are held out (75), the others tune (150).
 */
export function cranfieldSplit<T>(queries: readonly T[]): { tune: T[]; heldOut: T[] } {
  return {
    tune: queries.filter((_, i) => i % 3 !== 2),
    heldOut: queries.filter((_, i) => i % 3 === 2),
  };
}
