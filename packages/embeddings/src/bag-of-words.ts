/**
 * One-hot vectors and bag-of-words counts — "How Did We Represent Words Pre-2013" in the course.
 *
 * - `oneHot`: each word is a vector of vocabulary size with a single 1 (the course's cat/dog/fish/
 *   bird table). Every pair of words is equally far apart: "king" is as unrelated to "queen" as to
 *   "banana".
 * - `CountVectorizer`: a document is the sum of its words' one-hot vectors — how many times each
 *   vocabulary term occurs in it — scikit-learn 1.2.1's `CountVectorizer`, same defaults, same
 *   vocabulary order, same pruning (minDf, maxDf, maxFeatures with NumPy's tie order), same numbers.
 *
 *   const cv = new CountVectorizer();
 *   cv.fitTransform(['The cat sat', 'The cat ate the fish']);
 *   // [[0, 1, 0, 1, 1],      columns: cv.getFeatureNamesOut() = ['ate', 'cat', 'fish', 'sat', 'the']
 *   //  [1, 1, 1, 0, 2]]
 *
 * Output comes dense (`number[][]`) or sparse (`transformSparse`: scipy's CSR layout
 * `{ indptr, indices, data, shape }`), which is what a 100 000-term vocabulary needs.
 *
 * Deliberately left out: `analyzer='char' | 'char_wb'`, `strip_accents`, custom `preprocessor`/
 * `tokenizer`/`analyzer` callables (pass a `tokenPattern` instead), `input='file'`, `dtype`,
 * `inverse_transform`.
 */
import { ValidationError } from '@firth/numeric';
import { numpyArgsort } from './numpy-argsort.js';
import { compileTokenPattern, DEFAULT_TOKEN_PATTERN, findTokens, resolveStopWords } from './tokenizer.js';

/**
 * One-hot encoding: row i is the vector of tokens[i], with a 1 in the column of its vocabulary
 * entry. The vocabulary defaults to the distinct tokens in order of first appearance.
 *
 *   oneHot(['cat', 'dog', 'fish', 'bird'])
 *   // [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]]   (the course's table)
 */
export function oneHot(tokens: readonly string[], vocabulary?: readonly string[]): number[][] {
  if (!Array.isArray(tokens))
    throw new ValidationError(`tokens must be an array of strings, got ${describe(tokens)}`, 'tokens');
  tokens.forEach((t, i) => {
    checkString(t, `tokens[${i}]`);
  });
  const vocab = vocabulary === undefined ? [...new Set(tokens)] : checkTermList(vocabulary, 'vocabulary');
  if (vocab.length === 0) throw new ValidationError('vocabulary is empty', 'vocabulary');
  const column = new Map(vocab.map((w, j) => [w, j]));
  return tokens.map((t, i) => {
    const j = column.get(t);
    if (j === undefined)
      throw new ValidationError(`tokens[${i}] ${JSON.stringify(t)} is not in the vocabulary`, `tokens[${i}]`);
    // e_j: zeros with a single 1 at the word's column   (V,)
    const row = new Array<number>(vocab.length).fill(0);
    row[j] = 1;
    return row;
  });
}

/**
 * A sparse matrix in compressed sparse row form, scipy's `csr_matrix` layout: row i's non-zero
 * entries are `data[indptr[i] .. indptr[i+1])` in columns `indices[...]` (ascending).
 */
export interface CsrMatrix {
  indptr: number[];
  indices: number[];
  data: number[];
  shape: [rows: number, columns: number];
}

/** The dense `number[][]` of a CSR matrix. */
export function toDense(m: CsrMatrix): number[][] {
  const [rows, cols] = m.shape;
  const out: number[][] = [];
  for (let i = 0; i < rows; i++) {
    const row = new Array<number>(cols).fill(0);
    for (let k = m.indptr[i]!; k < m.indptr[i + 1]!; k++) row[m.indices[k]!] = m.data[k]!;
    out.push(row);
  }
  return out;
}

/**
 * A document-frequency bound: a whole number ≥ 1 is a number of documents (sklearn's int), a
 * number in [0, 1) a proportion of the documents (sklearn's float). `{ proportion: 1 }` is the
 * proportion 1.0, which a plain `1` cannot say (JavaScript has no separate float type).
 */
export type DocumentFrequency = number | { proportion: number };

export interface CountVectorizerOptions {
  /** Lowercase documents before tokenizing. @default true — "The" and "the" are one term */
  lowercase?: boolean;
  /** What a token is (one capture group at most). @default DEFAULT_TOKEN_PATTERN — sklearn's `(?u)\b\w\w+\b`: runs of ≥ 2 word characters */
  tokenPattern?: RegExp;
  /** Words to drop: 'english' (sklearn's 318-word list) or an array. @default null — keep every word */
  stopWords?: 'english' | readonly string[] | null;
  /** [minN, maxN]: count word n-grams for minN ≤ n ≤ maxN. @default [1, 1] — single words */
  ngramRange?: [number, number];
  /** Drop terms in fewer documents than this. @default 1 — keep every term seen */
  minDf?: DocumentFrequency;
  /** Drop terms in more documents than this ("corpus-specific stop words"). @default { proportion: 1 } — no upper bound */
  maxDf?: DocumentFrequency;
  /** Keep only the maxFeatures terms most frequent over the corpus. @default null — keep all */
  maxFeatures?: number | null;
  /** Record presence (1) instead of counts. @default false */
  binary?: boolean;
  /** A fixed vocabulary: terms in column order, or term → column. fit() then learns nothing but checks it. @default null — learn it */
  vocabulary?: readonly string[] | Readonly<Record<string, number>> | null;
}

export interface ResolvedCountOptions {
  lowercase: boolean;
  tokenPattern: RegExp;
  stopWords: 'english' | string[] | null;
  ngramRange: [number, number];
  minDf: DocumentFrequency;
  maxDf: DocumentFrequency;
  maxFeatures: number | null;
  binary: boolean;
  vocabulary: string[] | Record<string, number> | null;
}

/** The serialised form of a fitted `CountVectorizer` (`toJSON` / `fromJSON`). */
export interface CountVectorizerJSON {
  /** 'firth.TfidfVectorizer' in the JSON of the subclass, which adds `idf`. */
  type: 'firth.CountVectorizer' | 'firth.TfidfVectorizer';
  version: 1;
  options: Omit<ResolvedCountOptions, 'tokenPattern'> & { tokenPattern: { source: string; flags: string } };
  featureNames: string[];
  prunedTerms: string[];
}

function describe(value: unknown): string {
  if (typeof value === 'string')
    return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (typeof value === 'number') return String(value);
  return `a value of type ${typeof value}`;
}

function checkString(v: unknown, path: string): string {
  if (typeof v !== 'string') throw new ValidationError(`${path} must be a string, got ${describe(v)}`, path);
  return v;
}

function checkTermList(v: unknown, name: string): string[] {
  if (!Array.isArray(v))
    throw new ValidationError(`${name} must be an array of terms, got ${describe(v)}`, name);
  const seen = new Set<string>();
  return v.map((t, i) => {
    checkString(t, `${name}[${i}]`);
    if (seen.has(t))
      throw new ValidationError(`duplicate term in ${name}: ${JSON.stringify(t)}`, `${name}[${i}]`);
    seen.add(t);
    return t;
  });
}

/** Checks raw documents: an array of strings (sklearn refuses a lone string too). */
export function checkDocuments(raw: unknown, name = 'rawDocuments', allowEmpty = false): string[] {
  if (typeof raw === 'string')
    throw new ValidationError(
      `${name} must be an array of documents, got a single string; wrap it: [text]`,
      name,
    );
  if (!Array.isArray(raw))
    throw new ValidationError(`${name} must be an array of strings, got ${describe(raw)}`, name);
  if (raw.length === 0 && !allowEmpty)
    throw new ValidationError(`${name} is empty: fit needs at least one document`, name);
  raw.forEach((d, i) => {
    checkString(d, `${name}[${i}]`);
  });
  return raw as string[];
}

/** Code-point order of two strings (Python's `sorted`), not JavaScript's UTF-16 order. */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    // surrogates (astral code points) sort after U+E000..U+FFFF in code-point order
    if (x >= 0xd800 && y >= 0xd800) {
      x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
      y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
    }
    return x - y;
  }
  return a.length - b.length;
}

function resolveDf(v: unknown, name: string): DocumentFrequency {
  if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
    const p = (v as { proportion?: unknown }).proportion;
    if (typeof p !== 'number' || !(p >= 0 && p <= 1))
      throw new ValidationError(`${name}.proportion must be a number in [0, 1], got ${describe(p)}`, name);
    return { proportion: p };
  }
  if (typeof v !== 'number' || Number.isNaN(v) || v < 0 || (v >= 1 && !Number.isInteger(v)))
    throw new ValidationError(
      `${name} must be a whole number of documents (≥ 1), a proportion in [0, 1) or { proportion }, got ${describe(v)}`,
      name,
    );
  return v;
}

/** sklearn: `max_df if isinstance(max_df, Integral) else max_df * n_doc`. */
function documentCount(df: DocumentFrequency, nDocs: number): number {
  if (typeof df === 'object') return df.proportion * nDocs;
  return Number.isInteger(df) && df >= 1 ? df : df * nDocs;
}

function resolveOptions(o: CountVectorizerOptions): ResolvedCountOptions {
  if (typeof o !== 'object' || o === null)
    throw new ValidationError(`options must be an object, got ${describe(o)}`, 'options');
  const ngramRange = o.ngramRange ?? [1, 1];
  if (
    !Array.isArray(ngramRange) ||
    ngramRange.length !== 2 ||
    !ngramRange.every((n) => Number.isInteger(n) && n >= 1) ||
    ngramRange[0] > ngramRange[1]
  )
    throw new ValidationError(
      `ngramRange must be [minN, maxN] with whole numbers 1 ≤ minN ≤ maxN, got ${JSON.stringify(ngramRange)}`,
      'ngramRange',
    );
  const maxFeatures = o.maxFeatures ?? null;
  if (maxFeatures !== null && !(Number.isInteger(maxFeatures) && maxFeatures >= 1))
    throw new ValidationError(
      `maxFeatures must be a whole number ≥ 1 or null, got ${describe(maxFeatures)}`,
      'maxFeatures',
    );
  const stopWords = o.stopWords ?? null;
  resolveStopWords(stopWords);
  const tokenPattern = o.tokenPattern ?? DEFAULT_TOKEN_PATTERN;
  compileTokenPattern(tokenPattern);
  let vocabulary: string[] | Record<string, number> | null = null;
  if (o.vocabulary !== undefined && o.vocabulary !== null) {
    vocabulary = Array.isArray(o.vocabulary)
      ? checkTermList(o.vocabulary, 'vocabulary')
      : { ...(o.vocabulary as Record<string, number>) };
    fixedVocabulary(vocabulary); // validate now, as sklearn does at fit
  }
  for (const key of ['lowercase', 'binary'] as const) {
    if (o[key] !== undefined && typeof o[key] !== 'boolean')
      throw new ValidationError(`${key} must be true or false, got ${describe(o[key])}`, key);
  }
  return {
    lowercase: o.lowercase ?? true,
    tokenPattern,
    stopWords: stopWords === null || stopWords === 'english' ? stopWords : [...stopWords],
    ngramRange: [ngramRange[0], ngramRange[1]],
    minDf: resolveDf(o.minDf ?? 1, 'minDf'),
    maxDf: resolveDf(o.maxDf ?? { proportion: 1 }, 'maxDf'),
    maxFeatures,
    binary: o.binary ?? false,
    vocabulary,
  };
}

/** sklearn's `_validate_vocabulary`: a term list, or term → column covering 0..n-1 exactly. */
function fixedVocabulary(v: string[] | Record<string, number>): Map<string, number> {
  if (Array.isArray(v)) {
    if (v.length === 0)
      throw new ValidationError('vocabulary is empty: pass at least one term', 'vocabulary');
    return new Map(v.map((t, j) => [t, j]));
  }
  const entries = Object.entries(v);
  if (entries.length === 0)
    throw new ValidationError('vocabulary is empty: pass at least one term', 'vocabulary');
  const taken = new Array<boolean>(entries.length).fill(false);
  for (const [term, j] of entries) {
    if (!Number.isInteger(j) || j < 0 || j >= entries.length)
      throw new ValidationError(
        `vocabulary[${JSON.stringify(term)}] must be a column in 0..${entries.length - 1}, got ${describe(j)}`,
        `vocabulary.${term}`,
      );
    if (taken[j]) throw new ValidationError(`vocabulary maps two terms to column ${j}`, `vocabulary.${term}`);
    taken[j] = true;
  }
  return new Map(entries);
}

/** A document → term-list function: lowercase, tokenize, drop stop words, form n-grams (`build_analyzer`). */
export function buildAnalyzer(options: {
  lowercase?: boolean;
  tokenPattern?: RegExp;
  stopWords?: 'english' | readonly string[] | null;
  ngramRange?: [number, number];
}): (doc: string) => string[] {
  const compiled = compileTokenPattern(options.tokenPattern ?? DEFAULT_TOKEN_PATTERN);
  const stop = resolveStopWords(options.stopWords ?? null);
  const [minN, maxN] = options.ngramRange ?? [1, 1];
  const lowercase = options.lowercase ?? true;
  return (doc) => {
    let tokens = findTokens(lowercase ? doc.toLowerCase() : doc, compiled);
    if (stop) tokens = tokens.filter((t) => !stop.has(t));
    if (maxN === 1) return tokens;
    // sklearn's _word_ngrams: unigrams (if minN = 1) first, then n-grams for growing n, joined by spaces
    const out = minN === 1 ? tokens.slice() : [];
    for (let n = Math.max(minN, 2); n <= Math.min(maxN, tokens.length); n++)
      for (let i = 0; i + n <= tokens.length; i++) out.push(tokens.slice(i, i + n).join(' '));
    return out;
  };
}

/** Rows of (column → count) as CSR with ascending columns. */
function rowsToCsr(rows: Map<number, number>[], nCols: number): CsrMatrix {
  const indptr = [0];
  const indices: number[] = [];
  const data: number[] = [];
  for (const row of rows) {
    const cols = [...row.keys()].sort((a, b) => a - b);
    for (const j of cols) {
      indices.push(j);
      data.push(row.get(j)!);
    }
    indptr.push(indices.length);
  }
  return { indptr, indices, data, shape: [rows.length, nCols] };
}

/** Moves column j to newColumn[j] (dropping it when -1), keeping each row's columns ascending. */
function selectColumns(X: CsrMatrix, newColumn: Int32Array, nKept: number): CsrMatrix {
  const indptr = [0];
  const indices: number[] = [];
  const data: number[] = [];
  for (let i = 0; i < X.shape[0]; i++) {
    const entries: [number, number][] = [];
    for (let k = X.indptr[i]!; k < X.indptr[i + 1]!; k++) {
      const j = newColumn[X.indices[k]!]!;
      if (j >= 0) entries.push([j, X.data[k]!]);
    }
    entries.sort((a, b) => a[0] - b[0]);
    for (const [j, v] of entries) {
      indices.push(j);
      data.push(v);
    }
    indptr.push(indices.length);
  }
  return { indptr, indices, data, shape: [X.shape[0], nKept] };
}

export class CountVectorizer {
  readonly options: ResolvedCountOptions;

  /** term → column (`vocabulary_`); columns in code-point order of the terms unless the vocabulary was fixed. */
  vocabulary: Map<string, number> | null = null;
  /** Terms dropped by minDf, maxDf or maxFeatures, sorted (sklearn's `stop_words_`). */
  prunedTerms: string[] = [];

  /**
   * new CountVectorizer({ stopWords: 'english', ngramRange: [1, 2] }).fit(['the red cat', 'a red dog']).getFeatureNamesOut()
   * // ['cat', 'dog', 'red', 'red cat', 'red dog']
   */
  constructor(options: CountVectorizerOptions = {}) {
    this.options = resolveOptions(options);
  }

  /** Learns the vocabulary of `rawDocuments`. */
  fit(rawDocuments: readonly string[]): this {
    this.fitTransformSparse(rawDocuments);
    return this;
  }

  /** Learns the vocabulary and returns the document–term count matrix (nDocs, nTerms). */
  fitTransform(rawDocuments: readonly string[]): number[][] {
    return toDense(this.fitTransformSparse(rawDocuments));
  }

  /** `fitTransform` as a sparse CSR matrix. */
  fitTransformSparse(rawDocuments: readonly string[]): CsrMatrix {
    const docs = checkDocuments(rawDocuments);
    const o = this.options;
    if (o.vocabulary !== null) {
      const vocab = fixedVocabulary(o.vocabulary);
      this.vocabulary = vocab;
      this.prunedTerms = [];
      return this.count(docs, vocab, true).X;
    }
    let { X, vocab } = this.count(docs, new Map(), false);
    if (vocab.size === 0)
      throw new ValidationError(
        'empty vocabulary; perhaps the documents only contain stop words (or no token matches tokenPattern)',
        'rawDocuments',
      );
    const nDocs = docs.length;
    const maxDocCount = documentCount(o.maxDf, nDocs);
    const minDocCount = documentCount(o.minDf, nDocs);
    if (maxDocCount < minDocCount)
      throw new ValidationError(
        `maxDf=${JSON.stringify(o.maxDf)} allows ${maxDocCount} documents, fewer than minDf=${JSON.stringify(o.minDf)} (${minDocCount})`,
        'maxDf',
      );
    // columns in code-point order of the terms (sklearn's _sort_features)
    const terms = [...vocab.keys()].sort(compareCodePoints);
    const sortedColumn = new Int32Array(terms.length);
    terms.forEach((t, j) => {
      sortedColumn[vocab.get(t)!] = j;
    });
    X = selectColumns(X, sortedColumn, terms.length);

    // df(t) = number of documents containing t;  tf(t) = total count of t in the corpus
    const df = new Array<number>(terms.length).fill(0);
    const tf = new Array<number>(terms.length).fill(0);
    for (let k = 0; k < X.indices.length; k++) {
      df[X.indices[k]!]! += 1;
      tf[X.indices[k]!]! += X.data[k]!;
    }
    let keep = df.map((d) => d <= maxDocCount && d >= minDocCount);
    const nMasked = keep.filter(Boolean).length;
    if (o.maxFeatures !== null && nMasked > o.maxFeatures) {
      // the maxFeatures largest corpus counts among the surviving terms: (-tfs[mask]).argsort()[:limit]
      const masked = keep.flatMap((k, j) => (k ? [j] : []));
      const order = numpyArgsort(masked.map((j) => -tf[j]!)).slice(0, o.maxFeatures);
      keep = new Array<boolean>(terms.length).fill(false);
      for (const m of order) keep[masked[m]!] = true;
    }
    const newColumn = new Int32Array(terms.length).fill(-1);
    const kept: string[] = [];
    const pruned: string[] = [];
    terms.forEach((t, j) => {
      if (keep[j]) {
        newColumn[j] = kept.length;
        kept.push(t);
      } else pruned.push(t);
    });
    if (kept.length === 0)
      throw new ValidationError(
        `after pruning, no terms remain: every term is in fewer than minDf=${JSON.stringify(o.minDf)} or more than maxDf=${JSON.stringify(o.maxDf)} documents; try a lower minDf or a higher maxDf`,
        'minDf',
      );
    this.vocabulary = new Map(kept.map((t, j) => [t, j]));
    this.prunedTerms = pruned;
    return selectColumns(X, newColumn, kept.length);
  }

  /** Counts terms of the fitted vocabulary in `rawDocuments`; unknown terms are ignored. */
  transform(rawDocuments: readonly string[]): number[][] {
    return toDense(this.transformSparse(rawDocuments));
  }

  /** `transform` as a sparse CSR matrix. */
  transformSparse(rawDocuments: readonly string[]): CsrMatrix {
    const vocab = this.fitted();
    const docs = checkDocuments(rawDocuments, 'rawDocuments', true);
    return this.count(docs, vocab, true).X;
  }

  /** Column names: the terms in column order (`get_feature_names_out`). */
  getFeatureNamesOut(): string[] {
    const vocab = this.fitted();
    const names = new Array<string>(vocab.size);
    for (const [t, j] of vocab) names[j] = t;
    return names;
  }

  /** sklearn's `_count_vocab`: per-document term counts; new terms get columns in order of first appearance. */
  protected count(
    docs: string[],
    vocab: Map<string, number>,
    fixed: boolean,
  ): { X: CsrMatrix; vocab: Map<string, number> } {
    const analyze = buildAnalyzer(this.options);
    const rows = docs.map((doc) => {
      const counts = new Map<number, number>();
      for (const term of analyze(doc)) {
        let j = vocab.get(term);
        if (j === undefined) {
          if (fixed) continue;
          j = vocab.size;
          vocab.set(term, j);
        }
        // x_j += 1   (binary: x_j = 1)
        counts.set(j, this.options.binary ? 1 : (counts.get(j) ?? 0) + 1);
      }
      return counts;
    });
    return { X: rowsToCsr(rows, vocab.size), vocab };
  }

  protected fitted(): Map<string, number> {
    if (this.vocabulary !== null) return this.vocabulary;
    // sklearn: a fixed vocabulary needs no fit
    if (this.options.vocabulary !== null) return fixedVocabulary(this.options.vocabulary);
    throw new ValidationError(`this ${this.constructor.name} is not fitted yet; call fit() first`, 'model');
  }

  toJSON(): CountVectorizerJSON {
    return {
      type: 'firth.CountVectorizer',
      version: 1,
      options: serializeOptions(this.options),
      featureNames: this.getFeatureNamesOut(),
      prunedTerms: this.prunedTerms.slice(),
    };
  }

  /** Rebuilds a fitted vectorizer from `toJSON()` output (object or JSON string). */
  static fromJSON(json: unknown): CountVectorizer {
    const { options, vocabulary, prunedTerms } = parseVectorizerJSON(json, 'firth.CountVectorizer');
    const model = new CountVectorizer(options);
    model.vocabulary = vocabulary;
    model.prunedTerms = prunedTerms;
    return model;
  }
}

/** Options as plain JSON (a RegExp becomes { source, flags }). */
export function serializeOptions<T extends ResolvedCountOptions>(
  o: T,
): Omit<T, 'tokenPattern'> & {
  tokenPattern: { source: string; flags: string };
} {
  return {
    ...o,
    tokenPattern: { source: o.tokenPattern.source, flags: o.tokenPattern.flags },
    stopWords: Array.isArray(o.stopWords) ? o.stopWords.slice() : o.stopWords,
  };
}

/** The shared part of CountVectorizer / TfidfVectorizer `fromJSON`: options, vocabulary, pruned terms. */
export function parseVectorizerJSON(
  json: unknown,
  type: string,
): {
  j: Record<string, unknown>;
  options: CountVectorizerOptions & Record<string, unknown>;
  vocabulary: Map<string, number>;
  prunedTerms: string[];
} {
  let m = json;
  if (typeof m === 'string') {
    try {
      m = JSON.parse(m);
    } catch {
      throw new ValidationError('model is not valid JSON', 'model');
    }
  }
  if (typeof m !== 'object' || m === null || Array.isArray(m))
    throw new ValidationError(
      `model must be an object produced by toJSON() (type "${type}"), got ${describe(m)}`,
      'model',
    );
  const j = m as Record<string, unknown>;
  if (j.type !== type)
    throw new ValidationError(`model.type must be "${type}", got ${JSON.stringify(j.type)}`, 'model.type');
  if (j.version !== 1)
    throw new ValidationError(`model.version must be 1, got ${JSON.stringify(j.version)}`, 'model.version');
  const raw = j.options as Record<string, unknown> | undefined;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new ValidationError('model.options must be an object', 'model.options');
  const tp = raw.tokenPattern as { source?: unknown; flags?: unknown } | undefined;
  if (typeof tp !== 'object' || tp === null || typeof tp.source !== 'string' || typeof tp.flags !== 'string')
    throw new ValidationError(
      'model.options.tokenPattern must be { source, flags }',
      'model.options.tokenPattern',
    );
  let tokenPattern: RegExp;
  try {
    tokenPattern = new RegExp(tp.source, tp.flags);
  } catch {
    throw new ValidationError(
      `model.options.tokenPattern is not a valid RegExp: /${tp.source}/${tp.flags}`,
      'model.options.tokenPattern',
    );
  }
  const options = { ...raw, tokenPattern } as CountVectorizerOptions & Record<string, unknown>;
  const featureNames = checkTermList(j.featureNames, 'model.featureNames');
  if (featureNames.length === 0)
    throw new ValidationError('model.featureNames is empty', 'model.featureNames');
  const prunedTerms = j.prunedTerms === undefined ? [] : checkTermList(j.prunedTerms, 'model.prunedTerms');
  return { j, options, vocabulary: new Map(featureNames.map((t, i) => [t, i])), prunedTerms };
}
