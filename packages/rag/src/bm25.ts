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
 * Documents) with a format version, so a corpus is tokenized once. `fromJSON` checks every field
 * (`BM25_JSON_SHAPE`) and that the parts agree (unique terms, postings in document order inside
 * the corpus, Σ tf = |d|), refusing a bad snapshot with a FormatError naming the JSON path.
 *
 * Analyzers (`analyzer`): `'standard'` (the default) lowercases and, optionally, drops stop words;
 * `'english'` does what Lucene's `EnglishAnalyzer` does — possessive 's removed, lowercased, its
 * stop words dropped, Porter stems (porter.ts) — so 'pressures' finds 'pressure'. Measured on
 * Cranfield and the unseen Markdown sets: eval/retrieval/results.md.
 *
 * Left out: query-time field boosts, phrase queries.
 */
import { checkJson, checkTextLength, FormatError, parseJson, shape, ValidationError } from '@firth/numeric';
import { Document } from '@langchain/core/documents';
import { porterStem } from './porter.js';

/** Lucene's `EnglishAnalyzer.ENGLISH_STOP_WORDS_SET` (33 words). */
// biome-ignore format: one list
export const ENGLISH_STOP_WORDS: readonly string[] = [
  'a', 'an', 'and', 'are', 'as', 'at', 'be', 'but', 'by', 'for', 'if', 'in', 'into', 'is', 'it', 'no', 'not',
  'of', 'on', 'or', 'such', 'that', 'the', 'their', 'then', 'there', 'these', 'they', 'this', 'to', 'was',
  'will', 'with',
];

/** The analyzers BM25 can index and search with (`TokenizeOptions.analyzer`). */
export const BM25_ANALYZERS = ['standard', 'english'] as const;
export type BM25Analyzer = (typeof BM25_ANALYZERS)[number];

export interface TokenizeOptions {
  /**
   * `'standard'`: words, lowercased, stop words only if asked. `'english'` (Lucene's
   * EnglishAnalyzer): possessive 's removed, lowercased, stop words (ENGLISH_STOP_WORDS unless
   * `stopWords` says otherwise) dropped, then Porter stems. @default 'standard'
   */
  analyzer?: BM25Analyzer;
  /** Lowercase before matching. @default true */
  lowercase?: boolean;
  /** Words to drop: `true` for `ENGLISH_STOP_WORDS`, or your own list. @default false ('english': true) */
  stopWords?: boolean | readonly string[];
}

/**
 * The analyzer of Firth's ready-made retrievers (`questionRetriever`, the course notes, the n8n
 * nodes' keyword and hybrid search): 'english' — on Cranfield's held-out queries BM25 nDCG@10 0.3695
 * against 'standard' 0.3460, equal hit@3 on the unseen Markdown sets (eval/retrieval/results.md).
 * The `BM25` class itself keeps 'standard' unless told, so its scores and saved snapshots keep
 * their meaning.
 */
export const DEFAULT_ANALYZER: BM25Analyzer = 'english';

/** Checks an analyzer name (a ValidationError names the accepted ones). */
export function checkAnalyzer(analyzer: unknown, name = 'analyzer'): BM25Analyzer {
  if (!BM25_ANALYZERS.includes(analyzer as BM25Analyzer))
    throw new ValidationError(
      `${name} must be one of ${BM25_ANALYZERS.map((a) => `'${a}'`).join(', ')}, got ${JSON.stringify(analyzer)}`,
      name,
    );
  return analyzer as BM25Analyzer;
}

/** A possessive 's (straight, curly or full-width apostrophe) at the end of a word. */
const POSSESSIVE = /['\u2019\uFF07][sS](?![\p{L}\p{N}])/gu;

/**
 * Words of a text: runs of letters and digits (Unicode), lowercased, stop words optionally dropped.
 * Linear time; a text longer than `MAX_TEXT_LENGTH` (4 Mi UTF-16 units) is a ValidationError.
 *
 *   tokenize('The Mach-2 flow!', { stopWords: true })                // ['mach', '2', 'flow']
 *   tokenize("The wing's pressures", { analyzer: 'english' })     // ['wing', 'pressur']
 */
export function tokenize(text: string, options: TokenizeOptions = {}): string[] {
  checkTextLength(text, 'text');
  const english = checkAnalyzer(options.analyzer ?? 'standard') === 'english';
  const lower = options.lowercase ?? true;
  const stopWords = options.stopWords ?? english;
  const stop = stopWords === true ? ENGLISH_STOP_WORDS : stopWords || [];
  const stopSet = new Set(lower ? stop.map((w) => w.toLowerCase()) : stop);
  const source = english ? text.replace(POSSESSIVE, '') : text;
  const words = (lower ? source.toLowerCase() : source).split(/[^\p{L}\p{N}]+/u).filter((w) => w !== '');
  const kept = stopSet.size > 0 ? words.filter((w) => !stopSet.has(w)) : words;
  return english ? kept.map(porterStem) : kept;
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
  /** Absent in snapshots written before analyzers: 'standard'. */
  analyzer?: BM25Analyzer;
  k1: number;
  b: number;
  lowercase: boolean;
  stopWords: boolean | string[];
  docLengths: number[];
  /** [term, [[doc index, tf], …]] in first-seen order. */
  postings: [string, [number, number][]][];
  documents: { pageContent: string; metadata: Record<string, unknown>; id?: string }[];
}

/** `BM25JSON`, field by field (unknown fields refused). */
const BM25_JSON_SHAPE = shape.object(
  {
    type: shape.literal('BM25'),
    format: shape.literal(BM25_FORMAT),
    analyzer: shape.optional(shape.union(...BM25_ANALYZERS.map((a) => shape.literal(a)))),
    k1: shape.number({ min: 0 }),
    b: shape.number({ min: 0, max: 1 }),
    lowercase: shape.boolean(),
    stopWords: shape.union(shape.boolean(), shape.array(shape.string())),
    docLengths: shape.array(shape.integer({ min: 0 })),
    // [term, [[doc index, tf ≥ 1], …]]: a term is only listed where it occurs
    postings: shape.array(
      shape.tuple(
        shape.string({ nonEmpty: true }),
        shape.array(shape.tuple(shape.integer({ min: 0 }), shape.integer({ min: 1 })), { min: 1 }),
      ),
    ),
    documents: shape.array(
      shape.object(
        {
          pageContent: shape.string(),
          metadata: shape.record(shape.any()),
          id: shape.optional(shape.string()),
        },
        { strict: true },
      ),
    ),
  },
  { strict: true },
);

/**
 * The longest query BM25, the retrievers and the RAG chain accept: a question or a search, not a
 * document (10,000 characters; the course's questions are under 100). Longer is a ValidationError
 * at once, so a pasted file cannot make every search walk millions of terms.
 */
export const MAX_QUERY_LENGTH = 10_000;

/** Checks a query or question: a string of at most MAX_QUERY_LENGTH characters. */
export function checkQuery(query: unknown, name = 'query'): string {
  return checkTextLength(query, name, MAX_QUERY_LENGTH);
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
    const analyzer = checkAnalyzer(options.analyzer ?? 'standard');
    this.tokenizeOptions = {
      analyzer,
      lowercase: options.lowercase ?? true,
      stopWords: options.stopWords ?? analyzer === 'english',
    };
    if (!(typeof this.k1 === 'number' && this.k1 >= 0 && this.k1 < Number.POSITIVE_INFINITY))
      throw new ValidationError(`k1 must be a finite number ≥ 0, got ${String(this.k1)}`, 'k1');
    if (!(typeof this.b === 'number' && this.b >= 0 && this.b <= 1))
      throw new ValidationError(`b must be in [0, 1], got ${String(this.b)}`, 'b');
    const stop = this.tokenizeOptions.stopWords;
    if (typeof stop !== 'boolean' && !(Array.isArray(stop) && stop.every((w) => typeof w === 'string')))
      throw new ValidationError('stopWords must be true, false or an array of strings', 'stopWords');
  }

  /**
   * Indexes the corpus (replacing any earlier one). `indexText` chooses what is tokenised for a
   * Document (e.g. its heading path with its text, `sectionText`); the Document itself is what
   * `search` returns and `toJSON` keeps. @default its pageContent
   */
  fit(corpus: (string | Document)[], options: { indexText?: (doc: Document) => string } = {}): this {
    if (!Array.isArray(corpus)) throw new ValidationError('BM25.fit: corpus must be an array', 'corpus');
    corpus.forEach((d, i) => {
      if (typeof d !== 'string' && typeof (d as Document | null)?.pageContent !== 'string')
        throw new ValidationError(
          `BM25.fit: corpus[${i}] is neither a string nor a Document`,
          `corpus[${i}]`,
        );
    });
    this.documents = corpus.map((d) => (typeof d === 'string' ? new Document({ pageContent: d }) : d));
    this.nDocs = corpus.length;
    this.docLengths = [];
    this.postings = new Map();
    this.documents.forEach((doc, i) => {
      const text = options.indexText ? options.indexText(doc) : doc.pageContent;
      if (typeof text !== 'string')
        throw new ValidationError(`BM25.fit: indexText gave no text for corpus[${i}]`, `corpus[${i}]`);
      const tokens = tokenize(text, this.tokenizeOptions);
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
    checkQuery(query);
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
      ...(this.tokenizeOptions.analyzer === 'english' ? { analyzer: 'english' as const } : {}),
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
   * A BM25 from `toJSON()`'s output (or its JSON text, or the bytes of a file holding it); scores
   * equal the original's. `source` names the snapshot in errors. Throws a FormatError on another format version, on a field of the wrong
   * type, and on a snapshot whose parts disagree (a truncated or edited file):
   *
   *   BM25.fromJSON('{"type":"BM25","format":1,…,"docLengths":[3],"postings":[["cat",[[7,1]]]],…}')
   *   // throws: BM25.fromJSON: $.postings[0] "cat" points at document 7, outside the 1 documents
   */
  static fromJSON(json: BM25JSON | string | Uint8Array, source = 'BM25.fromJSON'): BM25 {
    // text or a file's bytes (strict UTF-8) are parsed; an object is checked as it is
    const value: unknown =
      typeof json === 'string' || json instanceof Uint8Array ? parseJson(json, source) : json;
    const bad = (where: string, problem: string) => new FormatError(source, where, problem);
    const head = value as Partial<BM25JSON> | null;
    if (head === null || typeof head !== 'object' || head.type !== 'BM25')
      throw bad('', 'is not a saved BM25 index (expected type "BM25")');
    if (head.format !== BM25_FORMAT)
      throw bad(
        '',
        `has ${head.format === undefined ? 'no format version' : `format version ${JSON.stringify(head.format)}`}; this version reads ${BM25_FORMAT}`,
      );
    const j = checkJson(value, BM25_JSON_SHAPE, source);
    const n = j.documents.length;
    if (j.docLengths.length !== n)
      throw bad(
        '$.docLengths',
        `holds ${j.docLengths.length} lengths for ${n} documents (inconsistent snapshot)`,
      );
    const bm25 = new BM25({
      analyzer: j.analyzer ?? 'standard',
      k1: j.k1,
      b: j.b,
      lowercase: j.lowercase,
      stopWords: j.stopWords,
    });
    // Σ_t tf(t, d) must give back |d|: every token of a document is in exactly one posting
    const tokens = new Array<number>(n).fill(0);
    j.postings.forEach(([term, list], p) => {
      if (bm25.postings.has(term)) throw bad(`$.postings[${p}]`, `repeats the term ${JSON.stringify(term)}`);
      let previous = -1;
      for (const [i, tf] of list) {
        if (i >= n)
          throw bad(
            `$.postings[${p}]`,
            `${JSON.stringify(term)} points at document ${i}, outside the ${n} documents`,
          );
        if (i <= previous)
          throw bad(
            `$.postings[${p}]`,
            `${JSON.stringify(term)} lists document ${i} after document ${previous} (postings go in document order, once each)`,
          );
        previous = i;
        tokens[i]! += tf;
      }
      bm25.postings.set(
        term,
        list.map(([i, tf]) => [i, tf]),
      );
    });
    tokens.forEach((count, i) => {
      if (count !== j.docLengths[i])
        throw bad(
          `$.docLengths[${i}]`,
          `is ${j.docLengths[i]}, but the postings hold ${count} tokens of document ${i}`,
        );
    });
    bm25.documents = j.documents.map((d) => new Document(d));
    bm25.nDocs = n;
    bm25.docLengths = [...j.docLengths];
    bm25.avgDocLength = n > 0 ? bm25.docLengths.reduce((s, x) => s + x, 0) / n : 0;
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
