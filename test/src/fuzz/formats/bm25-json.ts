/**
 * Fuzz format: a BM25 index saved as JSON (`JSON.stringify(bm25)`, read by `BM25.fromJSON`,
 * @firth/rag bm25.ts).
 *
 * Seeds: indexes fitted by BM25 itself on three small corpora (with stop words, custom k1/b,
 * Documents with ids and metadata, an empty corpus). Text mutators plus `extra` field edits (null
 * documents, null pageContent, repeated terms, postings out of order or out of range, tf 0, wrong
 * lengths, bad k1/b/stopWords) that a text mutation rarely makes while keeping the JSON valid.
 *
 * Consistency, read here independently from the JSON: exactly the fields type "BM25", format 1,
 * k1 finite ≥ 0, b in [0, 1], lowercase boolean, stopWords boolean or strings, docLengths integers
 * ≥ 0 (one per document), postings [term (non-empty, unique), [[doc index < N, strictly
 * increasing; tf integer ≥ 1], …] (non-empty)], documents [{ pageContent string, metadata object,
 * id string? }], and Σ_t tf(t, d) = docLengths[d]. The document texts are the index's payload: it
 * is not re-tokenized (that would cost as much as fitting). Then the loaded index's scores for a
 * few queries equal the BM25 formula computed here from the JSON postings.
 */
import { BM25, tokenize } from '@firth/rag';
import { Document } from '@langchain/core/documents';
import type { Files, FuzzFormat } from '../format.ts';
import type { Mutator } from '../mutate.ts';

const FILE = 'index.json';
const QUERIES = ['boundary layer flow', 'the cat', 'heat transfer wing', 'zzz'];
const enc = new TextEncoder();

const seed = (bm25: BM25): Files => ({ [FILE]: enc.encode(JSON.stringify(bm25)) });

type Rand = () => number;
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
type Json = Record<string, unknown>;

const EDITS: ((j: Json, r: Rand) => void)[] = [
  (j) => {
    j.documents = null;
  },
  (j, r) => {
    const docs = j.documents as unknown[];
    if (docs.length > 0) docs[Math.floor(r() * docs.length)] = pick(r, [null, 'text', 3]);
  },
  (j, r) => {
    const docs = j.documents as Json[];
    const d = docs[Math.floor(r() * docs.length)];
    if (d) d[pick(r, ['pageContent', 'metadata', 'id'])] = pick(r, [null, 42, [], 'x', {}]);
  },
  (j, r) => {
    const postings = j.postings as [string, [number, number][]][];
    const p = postings[Math.floor(r() * postings.length)];
    if (!p) return;
    const op = Math.floor(r() * 6);
    if (op === 0)
      postings.push([p[0], p[1]]); // a repeated term
    else if (op === 1) p[1].reverse();
    else if (op === 2) p[1][0]![0] = pick(r, [-1, 99, 1.5, (j.docLengths as number[]).length]);
    else if (op === 3) p[1][0]![1] = pick(r, [0, -1, 2.5, p[1][0]![1] + 1]);
    else if (op === 4) p[1] = [];
    else p[0] = pick(r, ['', 'new', 'cat', 'the']);
  },
  (j, r) => {
    const lengths = j.docLengths as number[];
    const op = Math.floor(r() * 3);
    if (op === 0) lengths.pop();
    else if (op === 1) lengths.push(0);
    else if (lengths.length > 0) lengths[Math.floor(r() * lengths.length)]! += pick(r, [1, -1, 0.5]);
  },
  (j, r) => {
    j[pick(r, ['k1', 'b'])] = pick(r, [-1, 2, 0, 1, 0.5, null, '1.2', 1e308]);
  },
  (j, r) => {
    j.stopWords = pick(r, [true, false, [], ['the'], [1], 'the', null]);
  },
  (j, r) => {
    j[pick(r, ['type', 'format', 'lowercase'])] = pick(r, ['BM25', 'bm25', 1, 2, true, null]);
  },
  (j, r) => {
    delete j[
      pick(r, ['type', 'format', 'k1', 'b', 'lowercase', 'stopWords', 'docLengths', 'postings', 'documents'])
    ];
  },
  (j) => {
    j.extra = 1;
  },
  // valid edits: the loader must accept them and score by them
  (j, r) => {
    const key = pick(r, ['k1', 'b', 'lowercase', 'stopWords']);
    j[key] =
      key === 'lowercase'
        ? !j.lowercase
        : key === 'stopWords'
          ? pick(r, [true, false, ['cat']])
          : pick(r, [0, 0.3, 1]);
  },
  (j, r) => {
    // a document with no indexed tokens: its length 0, no postings
    (j.documents as Json[]).push({ pageContent: pick(r, ['', 'unindexed text']), metadata: { added: true } });
    (j.docLengths as number[]).push(0);
  },
  (j, r) => {
    const docs = j.documents as Json[];
    const d = docs[Math.floor(r() * docs.length)];
    if (d) d.metadata = { replaced: pick(r, [1, 'x', null]) };
  },
];

const extra: Mutator[] = [
  {
    name: 'edit a field',
    apply(b, r) {
      let j: Json;
      try {
        j = JSON.parse(new TextDecoder().decode(b));
      } catch {
        return b;
      }
      if (j === null || typeof j !== 'object' || !Array.isArray(j.postings) || !Array.isArray(j.documents))
        return b;
      try {
        pick(r, EDITS)(j, r); // an edit of a field an earlier mutation broke: no change
      } catch {
        return b;
      }
      return enc.encode(JSON.stringify(j));
    },
  },
];

function load(files: Files): { bm25: BM25; scores: number[][] } {
  const bm25 = BM25.fromJSON(files[FILE]!, FILE);
  for (const q of QUERIES) bm25.search(q, 3);
  return { bm25, scores: QUERIES.map((q) => Array.from(bm25.scores(q))) };
}

const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);
const isInt = (v: unknown, min: number) => Number.isSafeInteger(v) && (v as number) >= min;

function inconsistency(files: Files, loaded: unknown): string | null {
  let j: unknown;
  try {
    j = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(files[FILE]!));
  } catch {
    return 'not UTF-8 JSON';
  }
  const keys = ['type', 'format', 'k1', 'b', 'lowercase', 'stopWords', 'docLengths', 'postings', 'documents'];
  if (!isObject(j) || Object.keys(j).sort().join() !== [...keys].sort().join()) return 'fields';
  if (j.type !== 'BM25' || j.format !== 1) return 'type or format';
  const { k1, b, lowercase, stopWords, docLengths, postings, documents } = j;
  if (typeof k1 !== 'number' || !Number.isFinite(k1) || k1 < 0) return `k1 ${String(k1)}`;
  if (typeof b !== 'number' || !(b >= 0 && b <= 1)) return `b ${String(b)}`;
  if (typeof lowercase !== 'boolean') return 'lowercase';
  if (
    !(
      typeof stopWords === 'boolean' ||
      (Array.isArray(stopWords) && stopWords.every((w) => typeof w === 'string'))
    )
  )
    return 'stopWords';
  if (!Array.isArray(documents) || !Array.isArray(docLengths) || !Array.isArray(postings)) return 'arrays';
  const n = documents.length;
  if (docLengths.length !== n || !docLengths.every((l) => isInt(l, 0))) return 'docLengths';
  for (const d of documents) {
    if (!isObject(d) || typeof d.pageContent !== 'string' || !isObject(d.metadata)) return 'document';
    if (!Object.keys(d).every((k) => ['pageContent', 'metadata', 'id'].includes(k))) return 'document fields';
    if ('id' in d && typeof d.id !== 'string') return 'document id';
  }
  const tokens = new Array<number>(n).fill(0);
  const index = new Map<string, [number, number][]>();
  for (const p of postings) {
    if (
      !Array.isArray(p) ||
      p.length !== 2 ||
      typeof p[0] !== 'string' ||
      p[0] === '' ||
      !Array.isArray(p[1])
    )
      return 'posting';
    const [term, list] = p as [string, unknown[]];
    if (index.has(term) || list.length === 0) return `term ${term}`;
    let previous = -1;
    for (const e of list) {
      if (!Array.isArray(e) || e.length !== 2 || !isInt(e[0], 0) || !isInt(e[1], 1))
        return `entry of ${term}`;
      if (e[0] >= n || e[0] <= previous) return `order of ${term}`;
      previous = e[0];
      tokens[e[0]] += e[1];
    }
    index.set(term, list as [number, number][]);
  }
  if (!tokens.every((t, d) => t === docLengths[d])) return 'Σ tf ≠ docLengths';
  // the BM25 formula, from the JSON alone
  const avg = n > 0 ? (docLengths as number[]).reduce((s, x) => s + x, 0) / n : 0;
  const { scores } = loaded as { scores: number[][] };
  for (const [qi, q] of QUERIES.entries()) {
    const want = new Array<number>(n).fill(0);
    for (const t of tokenize(q, { lowercase, stopWords })) {
      const list = index.get(t);
      if (!list) continue;
      const idf = Math.log(1 + (n - list.length + 0.5) / (list.length + 0.5));
      for (const [d, tf] of list)
        want[d]! += (idf * tf * (k1 + 1)) / (tf + k1 * (1 - b + (b * (docLengths[d] as number)) / avg));
    }
    const got = scores[qi]!;
    if (
      got.length !== n ||
      got.some((s, d) => !(Math.abs(s - want[d]!) <= 1e-9 * Math.max(1, Math.abs(want[d]!))))
    )
      return `scores of "${q}"`;
  }
  return null;
}

const format: FuzzFormat = {
  name: 'bm25-json',
  kind: 'text',
  seeds: () => [
    seed(
      new BM25().fit([
        'Boundary layer flow over a flat plate',
        'Heat transfer in the boundary layer',
        'Propeller slipstream effects on a wing',
        'The cat sat on the mat',
      ]),
    ),
    seed(
      new BM25({ k1: 1.5, b: 0.6, stopWords: ['the', 'a'] }).fit([
        new Document({ pageContent: 'The wing and the flow', metadata: { id: 'a', n: 1 }, id: 'doc-a' }),
        new Document({ pageContent: 'Heat, heat and more heat', metadata: { tags: ['x'] } }),
        new Document({ pageContent: '', metadata: {} }),
      ]),
    ),
    seed(new BM25({ stopWords: true }).fit([])),
  ],
  extra,
  load,
  inconsistency,
};
export default format;
