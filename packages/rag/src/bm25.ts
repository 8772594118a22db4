/**
 * Okapi BM25 (Robertson & Zaragoza, "The Probabilistic Relevance Framework: BM25 and Beyond",
 * 2009) — the lexical retriever of the RAG lesson and the baseline every dense retriever is
 * compared with. Scores as Lucene's `BM25Similarity` does (without its length quantisation):
 *
 *   score(q, d) = Σ_{t ∈ q} idf(t) · tf(t,d)·(k1 + 1) / (tf(t,d) + k1·(1 − b + b·|d|/avgdl))
 *   idf(t)      = ln(1 + (N − df(t) + 0.5) / (df(t) + 0.5))      (never negative, unlike Robertson's)
 *
 *   const bm25 = new BM25().fit(['the cat sat', 'the dog ran', 'a cat and a dog']);
 *   bm25.search('cat', 2) // [{ index: 0, score: 0.5078, document }, { index: 2, score: 0.4091, document }]
 *
 * Persistence: `toJSON()` / `BM25.fromJSON(json)` keep the fitted index (postings, lengths,
 * Documents) with a format version, so a corpus is tokenized once.
 *
 * Left out: query-time field boosts, phrase queries, stemming (the tokenizer only lowercases and,
 * optionally, drops stop words).
 */
import { checkTextLength } from '@firth/numeric';
import { Document } from '@langchain/core/documents';

/** Lucene's `EnglishAnalyzer.ENGLISH_STOP_WORDS_SET` (33 words). */
// biome-ignore format: one list
export const ENGLISH_STOP_WORDS: readonly string[] = [
  'a', 'an', 'and', 'are', 'as', 'at', 'be', 'but', 'by', 'for', 'if', 'in', 'into', 'is', 'it', 'no', 'not',
  'of', 'on', 'or', 'such', 'that', 'the', 'their', 'then', 'there', 'these', 'they', 'this', 'to', 'was',
  'will', 'with',
];

export interface TokenizeOptions {
  /** Lowercase before matching. @default true */
  lowercase?: boolean;
  /** Words to drop: `true` for `ENGLISH_STOP_WORDS`, or your own list. @default false */
  stopWords?: boolean | readonly string[];
}

/**
 * Words of a text: runs of letters and digits (Unicode), lowercased, stop words optionally dropped.
 * Linear time; a text longer than `MAX_TEXT_LENGTH` (4 Mi UTF-16 units) is a ValidationError.
 *
 *   tokenize('The Mach-2 flow!', { stopWords: true }) // ['mach', '2', 'flow']
 */
export function tokenize(text: string, options: TokenizeOptions = {}): string[] {
  checkTextLength(text, 'text');
  const lower = options.lowercase ?? true;
  const stop = options.stopWords === true ? ENGLISH_STOP_WORDS : options.stopWords || [];
  const stopSet = new Set(lower ? stop.map((w) => w.toLowerCase()) : stop);
  const words = (lower ? text.toLowerCase() : text).split(/[^\p{L}\p{N}]+/u).filter((w) => w !== '');
  return stopSet.size > 0 ? words.filter((w) => !stopSet.has(w)) : words;
}

export interface BM25Options extends TokenizeOptions {
  /** Term-frequency saturation: how fast repeated words stop adding score. @default 1.2 — Lucene's default */
  k1?: number;
  /** Length normalisation, 0 (none) … 1 (full). @default 0.75 — Lucene's default */
  b?: number;
}

export interface BM25Hit {
  /** Position of the document in what `fit` was given. */
  index: number;
  score: number;
  /** The Document, when `fit` was given Documents (or strings, wrapped). */
  document: Document;
}

/** Bumped when `BM25JSON` changes; a snapshot of another version is refused rather than misread. */
export const BM25_FORMAT = 1;

/** A fitted BM25 as plain JSON (`BM25#toJSON`). */
export interface BM25JSON {
  type: 'BM25';
  format: number;
  k1: number;
  b: number;
  lowercase: boolean;
  stopWords: boolean | string[];
  docLengths: number[];
  /** [term, [[doc index, tf], …]] in first-seen order. */
  postings: [string, [number, number][]][];
  documents: { pageContent: string; metadata: Record<string, unknown>; id?: string }[];
}

/** BM25 over an inverted index: `fit` documents once, `search` many queries. */
export class BM25 {
  readonly k1: number;
  readonly b: number;
  readonly tokenizeOptions: TokenizeOptions;

  // Learned state (set by `fit`).
  /** Number of documents, N. */
  nDocs = 0;
  /** Tokens per document, |d|. */
  docLengths: number[] = [];
  /** Mean document length, avgdl. */
  avgDocLength = 0;
  /** term → [doc index, term frequency] postings, in doc order; df(t) is the postings' length. */
  postings = new Map<string, [number, number][]>();
  documents: Document[] = [];

  constructor(options: BM25Options = {}) {
    this.k1 = options.k1 ?? 1.2;
    this.b = options.b ?? 0.75;
    this.tokenizeOptions = { lowercase: options.lowercase ?? true, stopWords: options.stopWords ?? false };
    if (!(this.k1 >= 0)) throw new Error(`k1 must be ≥ 0, got ${this.k1}`);
    if (!(this.b >= 0 && this.b <= 1)) throw new Error(`b must be in [0, 1], got ${this.b}`);
  }

  /** Indexes the corpus (replacing any earlier one). */
  fit(corpus: (string | Document)[]): this {
    this.documents = corpus.map((d) => (typeof d === 'string' ? new Document({ pageContent: d }) : d));
    this.nDocs = corpus.length;
    this.docLengths = [];
    this.postings = new Map();
    this.documents.forEach((doc, i) => {
      const tokens = tokenize(doc.pageContent, this.tokenizeOptions);
      this.docLengths.push(tokens.length);
      const tf = new Map<string, number>();
      for (const t of tokens) tf.set(t, (tf.get(t) ?? 0) + 1);
      for (const [t, n] of tf) {
        const list = this.postings.get(t);
        if (list) list.push([i, n]);
        else this.postings.set(t, [[i, n]]);
      }
    });
    this.avgDocLength = this.nDocs > 0 ? this.docLengths.reduce((s, x) => s + x, 0) / this.nDocs : 0;
    return this;
  }

  /** idf(t) = ln(1 + (N − df + 0.5) / (df + 0.5)); 0-df terms get the largest idf. */
  idf(term: string): number {
    const df = this.postings.get(term)?.length ?? 0;
    return Math.log(1 + (this.nDocs - df + 0.5) / (df + 0.5));
  }

  /** BM25 score of every document for the query (0 where no query word occurs). */
  scores(query: string): Float64Array {
    const scores = new Float64Array(this.nDocs);
    const { k1, b } = this;
    for (const term of tokenize(query, this.tokenizeOptions)) {
      const list = this.postings.get(term);
      if (!list) continue;
      const idf = this.idf(term);
      for (const [i, tf] of list) {
        // tf·(k1+1) / (tf + k1·(1 − b + b·|d|/avgdl))
        const norm = k1 * (1 - b + (b * this.docLengths[i]!) / this.avgDocLength);
        scores[i]! += (idf * (tf * (k1 + 1))) / (tf + norm);
      }
    }
    return scores;
  }

  /** The fitted index as plain JSON (what `JSON.stringify(bm25)` writes). */
  toJSON(): BM25JSON {
    const stop = this.tokenizeOptions.stopWords ?? false;
    return {
      type: 'BM25',
      format: BM25_FORMAT,
      k1: this.k1,
      b: this.b,
      lowercase: this.tokenizeOptions.lowercase ?? true,
      stopWords: typeof stop === 'boolean' ? stop : [...stop],
      docLengths: [...this.docLengths],
      postings: [...this.postings].map(([t, list]) => [t, list.map(([i, n]) => [i, n])]),
      documents: this.documents.map((d) => ({
        pageContent: d.pageContent,
        metadata: d.metadata,
        ...(d.id === undefined ? {} : { id: d.id }),
      })),
    };
  }

  /**
   * A BM25 from `toJSON()`'s output (or its JSON text); scores equal the original's. Throws on
   * another format version and on a snapshot whose parts disagree (a truncated or edited file).
   */
  static fromJSON(json: BM25JSON | string): BM25 {
    let j: BM25JSON;
    try {
      j = (typeof json === 'string' ? JSON.parse(json) : json) as BM25JSON;
    } catch (e) {
      throw new Error(`BM25.fromJSON: not valid JSON (${(e as Error).message})`);
    }
    if (j?.type !== 'BM25') throw new Error('BM25.fromJSON: not a saved BM25 index (expected type "BM25")');
    if (j.format !== BM25_FORMAT)
      throw new Error(`BM25.fromJSON: format version ${j.format}; this version reads ${BM25_FORMAT}`);
    const n = j.documents?.length;
    if (!Array.isArray(j.documents) || !Array.isArray(j.postings) || j.docLengths?.length !== n)
      throw new Error(
        `BM25.fromJSON: inconsistent snapshot (${n} documents, ${j.docLengths?.length} lengths)`,
      );
    const bm25 = new BM25({ k1: j.k1, b: j.b, lowercase: j.lowercase, stopWords: j.stopWords });
    bm25.documents = j.documents.map((d) => new Document(d));
    bm25.nDocs = n;
    bm25.docLengths = [...j.docLengths];
    bm25.avgDocLength = n > 0 ? bm25.docLengths.reduce((s, x) => s + x, 0) / n : 0;
    for (const [term, list] of j.postings) {
      if (!list.every(([i, tf]) => Number.isInteger(i) && i >= 0 && i < n && tf > 0))
        throw new Error(`BM25.fromJSON: postings of "${term}" point outside the ${n} documents`);
      bm25.postings.set(
        term,
        list.map(([i, tf]) => [i, tf]),
      );
    }
    return bm25;
  }

  /** The k best documents with a positive score, best first (ties: lower index first). */
  search(query: string, k = 10): BM25Hit[] {
    const scores = this.scores(query);
    const hits: number[] = [];
    for (let i = 0; i < scores.length; i++) if (scores[i]! > 0) hits.push(i);
    hits.sort((x, y) => scores[y]! - scores[x]! || x - y);
    return hits
      .slice(0, k)
      .map((index) => ({ index, score: scores[index]!, document: this.documents[index]! }));
  }
}
