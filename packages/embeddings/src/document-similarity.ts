/**
 * Document vectors from word vectors, and their similarity (course: "Word Embeddings Example using
 * Spacy Library", "Applications of Word Embeddings in NLP" — semantic similarity, information
 * retrieval).
 *
 * Two poolings:
 * - `mean`: the average of the word vectors, what spaCy's `doc.vector` is, so
 *   `documentSimilarity('king', 'queen', kv)` is spaCy's `nlp("king").similarity(nlp("queen"))`.
 * - `sif`: Smooth Inverse Frequency (Arora, Liang & Ma 2017, "A Simple but Tough-to-Beat Baseline
 *   for Sentence Embeddings"): a weighted average that lowers frequent words,
 *   weight(w) = a / (a + p(w)), then (over a set of documents) the projection on their first
 *   principal component is removed.
 *
 * Word probabilities p(w): from `kv.counts` when the model has corpus counts; otherwise from the
 * word's frequency rank r (1-based row, the files are frequency-sorted) by Zipf's law,
 * p(r) = 1 / (r · H_N) with H_N = Σ_{k=1..N} 1/k over the N words of the model. For the 20,000-word
 * GloVe file, p("the") = 1/H_20000 ≈ 0.095 and p(word 10,000) ≈ 9.5e-6: an estimate, but it
 * keeps the frequency order, which is what the weighting needs.
 *
 * Left out: spaCy's tokenizer (strings are split by a small regex), contextual vectors.
 */
import { checkTextLength, ValidationError } from '@firth/numeric';
import { KeyError, type KeyedVectors } from './keyed-vectors.js';

export type Pooling = 'mean' | 'sif';

/** Lowercased words and numbers of `text` (punctuation dropped). */
export function simpleTokens(text: string): string[] {
  return (
    checkTextLength(text, 'text')
      .toLowerCase()
      .match(/[\p{L}\p{N}]+(?:['’][\p{L}]+)*/gu) ?? []
  );
}

function tokensOf(doc: string | readonly string[]): readonly string[] {
  return typeof doc === 'string' ? simpleTokens(doc) : doc;
}

/**
 * The average vector of the known tokens (spaCy's `Doc.vector`):
 *   v(doc) = (1/|T|) Σ_{t∈T} v_t        (dim,)
 * `skipUnknown: false` throws on unknown words instead (spaCy counts them as zero vectors).
 * A document with no known word gets the zero vector.
 */
export function meanVector(
  tokens: string | readonly string[],
  kv: KeyedVectors,
  options: { skipUnknown?: boolean } = {},
): Float64Array {
  return weightedMean(tokensOf(tokens), kv, () => 1, options.skipUnknown ?? true);
}

function weightedMean(
  tokens: readonly string[],
  kv: KeyedVectors,
  weight: (row: number) => number,
  skipUnknown: boolean,
): Float64Array {
  const d = kv.vectorSize;
  const out = new Float64Array(d);
  const unknown = tokens.filter((t) => !kv.has(t));
  if (!skipUnknown && unknown.length > 0) throw new KeyError([...new Set(unknown)]);
  let n = 0;
  for (const t of tokens) {
    const row = kv.keyToIndex.get(t);
    if (row === undefined) continue;
    const w = weight(row);
    for (let k = 0; k < d; k++) (out[k] as number) += w * (kv.vectors[row * d + k] as number);
    n++;
  }
  if (n > 0) for (let k = 0; k < d; k++) (out[k] as number) /= n;
  return out;
}

/** p(w) for every row: counts / Σ counts, or Zipf's 1 / (rank · H_N) (see the header). */
export function wordProbabilities(kv: KeyedVectors): Float64Array {
  const n = kv.length;
  const p = new Float64Array(n);
  if (kv.counts) {
    const total = kv.counts.reduce((s, c) => s + c, 0);
    kv.counts.forEach((c, i) => {
      p[i] = c / total;
    });
    return p;
  }
  let harmonic = 0;
  for (let r = 1; r <= n; r++) harmonic += 1 / r;
  for (let i = 0; i < n; i++) p[i] = 1 / ((i + 1) * harmonic);
  return p;
}

export interface SifOptions {
  /** SIF's smoothing a in a / (a + p(w)). @default 1e-3 — the paper's recommended range is 1e-4..1e-3 */
  a?: number;
  /** p(w) per row. @default wordProbabilities(kv) */
  probabilities?: Float64Array;
  /** Subtract each vector's projection on the documents' first principal component. @default true */
  removePrincipalComponent?: boolean;
}

const probabilityCache = new WeakMap<KeyedVectors, Float64Array>();

function sifWeights(kv: KeyedVectors, options: SifOptions): (row: number) => number {
  const a = options.a ?? 1e-3;
  let p = options.probabilities;
  if (!p) {
    p = probabilityCache.get(kv) ?? wordProbabilities(kv);
    probabilityCache.set(kv, p);
  }
  const probs = p;
  // weight(w) = a / (a + p(w))
  return (row) => a / (a + (probs[row] as number));
}

/** The SIF-weighted average of one document (no principal-component removal). */
export function sifVector(
  tokens: string | readonly string[],
  kv: KeyedVectors,
  options: SifOptions = {},
): Float64Array {
  return weightedMean(tokensOf(tokens), kv, sifWeights(kv, options), true);
}

/**
 * First principal component u of the rows of X (uncentred, as Arora et al.'s TruncatedSVD):
 * the top eigenvector of XᵀX, by power iteration.
 */
export function firstPrincipalComponent(rows: readonly Float64Array[], iterations = 100): Float64Array {
  const first = rows[0];
  if (!first) throw new ValidationError('no vectors to take a principal component of', 'rows');
  const d = first.length;
  let u = new Float64Array(d).fill(1 / Math.sqrt(d));
  for (let it = 0; it < iterations; it++) {
    // u ← XᵀX u / ‖XᵀX u‖
    const next = new Float64Array(d);
    for (const x of rows) {
      let proj = 0;
      for (let k = 0; k < d; k++) proj += (x[k] as number) * (u[k] as number);
      for (let k = 0; k < d; k++) (next[k] as number) += proj * (x[k] as number);
    }
    const norm = Math.hypot(...next);
    if (norm === 0) return u;
    const moved = next.reduce((s, v, k) => s + Math.abs(v / norm - (u[k] as number)), 0);
    u = next.map((v) => v / norm);
    if (moved < 1e-12) break;
  }
  return u;
}

/** v − (u·v) u: removes the common direction u (SIF step 2). */
export function removeComponent(v: Float64Array, u: Float64Array): Float64Array {
  let proj = 0;
  for (let k = 0; k < v.length; k++) proj += (v[k] as number) * (u[k] as number);
  return v.map((x, k) => x - proj * (u[k] as number));
}

/**
 * SIF embeddings of a set of documents: weighted averages, then the first principal component of
 * the set removed from each. Returns the vectors and the component (reuse it for new documents).
 */
export function sifEmbeddings(
  documents: readonly (string | readonly string[])[],
  kv: KeyedVectors,
  options: SifOptions = {},
): { vectors: Float64Array[]; principalComponent: Float64Array | null } {
  const vectors = documents.map((doc) => sifVector(doc, kv, options));
  if (options.removePrincipalComponent === false || vectors.length < 2)
    return { vectors, principalComponent: null };
  const u = firstPrincipalComponent(vectors);
  return { vectors: vectors.map((v) => removeComponent(v, u)), principalComponent: u };
}

/** cos(a, b) = a·b / (‖a‖‖b‖); 0 when either is the zero vector (spaCy returns 0.0 and warns). */
export function cosineOf(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let k = 0; k < a.length; k++) {
    ab += (a[k] as number) * (b[k] as number);
    aa += (a[k] as number) ** 2;
    bb += (b[k] as number) ** 2;
  }
  return aa === 0 || bb === 0 ? 0 : ab / Math.sqrt(aa * bb);
}

export interface DocumentSimilarityOptions extends SifOptions {
  /** How word vectors become a document vector. @default 'mean' — spaCy's `doc.similarity` */
  pooling?: Pooling;
  /** With `sif`, a component from `sifEmbeddings` over a corpus to remove from both. @default none */
  principalComponent?: Float64Array;
}

/**
 * Cosine similarity of two documents' pooled vectors.
 *
 *   documentSimilarity('king', 'queen', glove)  // 0.7508 (GloVe 6B 100d top 20k)
 */
export function documentSimilarity(
  a: string | readonly string[],
  b: string | readonly string[],
  kv: KeyedVectors,
  options: DocumentSimilarityOptions = {},
): number {
  const pooling = options.pooling ?? 'mean';
  if (pooling === 'mean') return cosineOf(meanVector(a, kv), meanVector(b, kv));
  if (pooling !== 'sif')
    throw new ValidationError(`pooling must be 'mean' or 'sif', got ${JSON.stringify(pooling)}`, 'pooling');
  let va = sifVector(a, kv, options);
  let vb = sifVector(b, kv, options);
  if (options.principalComponent) {
    va = removeComponent(va, options.principalComponent);
    vb = removeComponent(vb, options.principalComponent);
  }
  return cosineOf(va, vb);
}

export interface EmbedTextsOptions {
  /** @default 'mean' */
  pooling?: Pooling;
  /** Scale each vector to length 1 (cosine = dot product in a vector store). @default true */
  normalize?: boolean;
}

/**
 * One plain `number[]` per text, as an embeddings API returns them (LangChain `embedDocuments`,
 * n8n's vector stores). SIF here uses only the word weights: a principal component estimated
 * from one batch would differ between the documents and a later query.
 *
 *   embedTexts(['the cat sat', 'a kitten rested'], glove) // [[0.04, …100 numbers], […]]
 */
export function embedTexts(
  texts: readonly string[],
  kv: KeyedVectors,
  options: EmbedTextsOptions = {},
): number[][] {
  if (!Array.isArray(texts)) throw new ValidationError('texts must be an array of strings', 'texts');
  const pooling = options.pooling ?? 'mean';
  if (pooling !== 'mean' && pooling !== 'sif')
    throw new ValidationError(`pooling must be 'mean' or 'sif', got ${JSON.stringify(pooling)}`, 'pooling');
  return texts.map((text, i) => {
    if (typeof text !== 'string')
      throw new ValidationError(`texts[${i}] must be a string, got ${typeof text}`, `texts[${i}]`);
    const v = pooling === 'mean' ? meanVector(text, kv) : sifVector(text, kv);
    // v / ‖v‖ (the zero vector of a text with no known word stays zero)
    let norm = 0;
    for (const x of v) norm += x * x;
    norm = Math.sqrt(norm);
    const scale = options.normalize === false || norm === 0 ? 1 : 1 / norm;
    return Array.from(v, (x) => x * scale);
  });
}
