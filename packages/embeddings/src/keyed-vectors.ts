/**
 * KeyedVectors — a table of word vectors that answers questions, gensim 4.2's `KeyedVectors` in
 * TypeScript idiom (course: "Vector Spaces and Word Embeddings", "Measuring Similarity Between Word
 * Vectors", "Use Pre-Trained Embeddings").
 *
 * Training lives elsewhere (`word2vec.ts` trains, this file queries), as gensim separates
 * `Word2Vec` from `KeyedVectors`. The vectors are one row-major Float32Array (`vectors`, "syn0" in
 * word2vec.c), row i belonging to `indexToKey[i]`; like gensim, the rows are assumed to be in
 * descending frequency order, which is what `restrictVocab` relies on.
 *
 *   kv.similarity('king', 'queen')                                        // 0.7508 (GloVe 6B 100d)
 *   kv.mostSimilar({ positive: ['woman', 'king'], negative: ['man'], topn: 1 }) // [['queen', 0.7699]]
 *   kv.doesntMatch(['breakfast', 'cereal', 'dinner', 'lunch'])            // 'cereal'
 *
 * Left out on purpose: approximate-nearest-neighbour indexers, Word Mover's Distance, adding or
 * resizing vectors after construction, gensim's pickle format (see `vector-formats.ts` instead).
 */
import { checkJson, FormatError, quote, type Shape, shape, ValidationError } from '@firth/numeric';
import {
  type AnalogyOptions,
  type AnalogyResult,
  evaluateWordAnalogies,
  evaluateWordPairs,
  type WordPairsOptions,
  type WordPairsResult,
} from './evaluation.js';
import { type FromJSONOptions, firstDuplicate, jsonInput } from './model-json.js';

/** A word is missing from the vocabulary; `keys` lists every missing one (Python's KeyError). */
export class KeyError extends ValidationError {
  constructor(readonly keys: string[]) {
    super(
      keys.length === 1
        ? `Key ${quote(keys[0]!)} not present in vocabulary`
        : `Keys not present in vocabulary: ${keys.map((k) => quote(k)).join(', ')}`,
      keys[0],
    );
    this.name = 'KeyError';
  }
}

/** A word, or a raw vector of length `vectorSize`. */
export type KeyOrVector = string | Float32Array | Float64Array | readonly number[];
/** A word or vector, optionally with its weight (default +1 when positive, −1 when negative). */
export type WeightedKey = KeyOrVector | readonly [KeyOrVector, number];

export interface MostSimilarOptions {
  /** Words (or vectors) that pull towards the answer. @default [] */
  positive?: WeightedKey | readonly WeightedKey[];
  /** Words (or vectors) that push away from it. @default [] */
  negative?: WeightedKey | readonly WeightedKey[];
  /** How many answers. @default 10 — gensim's default */
  topn?: number;
  /** Search only the first N rows (the N most frequent words). @default all rows */
  restrictVocab?: number;
}

export type Similar = [word: string, score: number];

function isWeighted(item: WeightedKey): item is readonly [KeyOrVector, number] {
  return (
    Array.isArray(item) && item.length === 2 && typeof item[0] !== 'number' && typeof item[1] === 'number'
  );
}

function asList(value: WeightedKey | readonly WeightedKey[] | undefined): WeightedKey[] {
  if (value === undefined) return [];
  if (typeof value === 'string' || ArrayBuffer.isView(value)) return [value];
  // A plain array is a list of keys unless it is a vector (numbers) or one [key, weight] pair.
  if (Array.isArray(value) && (typeof value[0] === 'number' || isWeighted(value as WeightedKey)))
    return [value as WeightedKey];
  return [...(value as readonly WeightedKey[])];
}

/** Σ_k a[aOffset + k] · b[k] for k < n (a row of a row-major table against a vector). */
export function dot(a: ArrayLike<number>, aOffset: number, b: ArrayLike<number>, n: number): number {
  let s = 0;
  for (let k = 0; k < n; k++) s += (a[aOffset + k] as number) * (b[k] as number);
  return s;
}

/** Indices of the `k` largest `scores`, best first (a small sorted buffer: O(n·k), k ≪ n). */
export function topK(scores: ArrayLike<number>, k: number, end = scores.length): number[] {
  const idx: number[] = [];
  const val: number[] = [];
  for (let i = 0; i < end; i++) {
    const s = scores[i] as number;
    if (idx.length === k && s <= (val[k - 1] as number)) continue;
    let j = idx.length < k ? idx.length : k - 1;
    while (j > 0 && (val[j - 1] as number) < s) {
      val[j] = val[j - 1] as number;
      idx[j] = idx[j - 1] as number;
      j--;
    }
    val[j] = s;
    idx[j] = i;
  }
  return idx;
}

export class KeyedVectors {
  /** Row i's word ("index2word" before gensim 4). */
  readonly indexToKey: string[];
  /** Word → row. */
  readonly keyToIndex: Map<string, number>;
  /** Row-major (length × vectorSize) table ("syn0" in word2vec.c, `wv.vectors` in gensim). */
  readonly vectors: Float32Array;
  readonly vectorSize: number;
  /** Corpus counts per row, when known (gensim's `get_vecattr(word, 'count')`). */
  readonly counts: number[] | undefined;
  private norms: Float64Array | null = null;
  private unit: Float32Array | null = null;

  constructor(keys: string[], vectors: Float32Array, vectorSize: number, counts?: number[]) {
    if (!Number.isInteger(vectorSize) || vectorSize < 1)
      throw new ValidationError(`vectorSize must be a positive integer, got ${vectorSize}`, 'vectorSize');
    if (vectors.length !== keys.length * vectorSize)
      throw new ValidationError(
        `vectors has ${vectors.length} values, expected ${keys.length} keys × ${vectorSize} = ${keys.length * vectorSize}`,
        'vectors',
      );
    if (counts !== undefined && counts.length !== keys.length)
      throw new ValidationError(`counts has ${counts.length} entries, expected ${keys.length}`, 'counts');
    this.indexToKey = keys;
    this.keyToIndex = new Map();
    keys.forEach((k, i) => {
      if (this.keyToIndex.has(k))
        throw new ValidationError(
          `duplicate key ${JSON.stringify(k)} at rows ${this.keyToIndex.get(k)} and ${i}`,
          `keys[${i}]`,
        );
      this.keyToIndex.set(k, i);
    });
    this.vectors = vectors;
    this.vectorSize = vectorSize;
    this.counts = counts;
  }

  /** Builds from `{ word: vector }` (like the course's `word_vectors` dict), in insertion order. */
  static fromObject(table: Record<string, readonly number[]>): KeyedVectors {
    const keys = Object.keys(table);
    const dim = table[keys[0] ?? '']?.length ?? 0;
    const vectors = new Float32Array(keys.length * dim);
    keys.forEach((k, i) => {
      const v = table[k] as readonly number[];
      if (v.length !== dim)
        throw new ValidationError(
          `vector of ${JSON.stringify(k)} has ${v.length} values, expected ${dim}`,
          k,
        );
      vectors.set(v, i * dim);
    });
    return new KeyedVectors(keys, vectors, dim);
  }

  get length(): number {
    return this.indexToKey.length;
  }

  has(word: string): boolean {
    return this.keyToIndex.has(word);
  }

  /** Row of `word`; throws KeyError when it is unknown. */
  getIndex(word: string): number {
    const i = this.keyToIndex.get(word);
    if (i === undefined) throw new KeyError([word]);
    return i;
  }

  /** A copy of the vector of `word` (unit length with `{ norm: true }`). */
  get(word: string, options: { norm?: boolean } = {}): Float32Array {
    const i = this.getIndex(word);
    const v = this.vectors.slice(i * this.vectorSize, (i + 1) * this.vectorSize);
    if (options.norm) return this.unitVectors().slice(i * this.vectorSize, (i + 1) * this.vectorSize);
    return v;
  }

  /** Corpus count of `word`, when the model has counts. */
  getCount(word: string): number | undefined {
    return this.counts?.[this.getIndex(word)];
  }

  /** ‖v_i‖ for every row (gensim's `fill_norms`), computed once and cached. */
  getNorms(): Float64Array {
    if (this.norms === null) {
      const n = this.length;
      const d = this.vectorSize;
      const norms = new Float64Array(n);
      for (let i = 0; i < n; i++)
        norms[i] = Math.sqrt(dot(this.vectors, i * d, this.vectors.subarray(i * d), d));
      this.norms = norms;
    }
    return this.norms;
  }

  /** Every row divided by its norm, (length × vectorSize), cached (gensim's `get_normed_vectors`). */
  unitVectors(): Float32Array {
    if (this.unit === null) {
      const norms = this.getNorms();
      const d = this.vectorSize;
      const unit = new Float32Array(this.vectors.length);
      for (let i = 0; i < this.length; i++) {
        const inv = (norms[i] as number) > 0 ? 1 / (norms[i] as number) : 0;
        for (let k = 0; k < d; k++) unit[i * d + k] = (this.vectors[i * d + k] as number) * inv;
      }
      this.unit = unit;
    }
    return this.unit;
  }

  /** Forget cached norms after writing into `vectors` (gensim's `fill_norms(force=True)`). */
  resetNorms(): void {
    this.norms = null;
    this.unit = null;
  }

  private toVector(key: KeyOrVector, norm: boolean, lookup: (w: string) => number): Float64Array {
    if (typeof key !== 'string') {
      if (key.length !== this.vectorSize)
        throw new ValidationError(
          `a query vector has ${key.length} values, expected ${this.vectorSize}`,
          'vector',
        );
      return Float64Array.from(key);
    }
    const i = lookup(key);
    const src = norm ? this.unitVectors() : this.vectors;
    return Float64Array.from(src.subarray(i * this.vectorSize, (i + 1) * this.vectorSize));
  }

  /**
   * Weighted mean of word vectors (gensim's `get_mean_vector`).
   * mean = Σ_i w_i v_i / Σ_i |w_i|, with v_i unit-normalised first when `preNormalize`.
   */
  getMeanVector(
    keys: readonly KeyOrVector[],
    options: {
      weights?: readonly number[];
      preNormalize?: boolean;
      postNormalize?: boolean;
      ignoreMissing?: boolean;
    } = {},
  ): Float64Array {
    const { weights, preNormalize = true, postNormalize = false, ignoreMissing = true } = options;
    if (keys.length === 0) throw new ValidationError('cannot compute a mean of no keys', 'keys');
    if (weights && weights.length !== keys.length)
      throw new ValidationError(`${keys.length} keys but ${weights.length} weights`, 'weights');
    const missing = keys.filter((k): k is string => typeof k === 'string' && !this.has(k));
    if (missing.length > 0 && !ignoreMissing) throw new KeyError(missing);
    const mean = new Float64Array(this.vectorSize);
    let total = 0;
    keys.forEach((key, j) => {
      if (typeof key === 'string' && !this.has(key)) return;
      const w = weights?.[j] ?? 1;
      const v = this.toVector(key, preNormalize, (k) => this.getIndex(k));
      for (let k = 0; k < mean.length; k++) (mean[k] as number) += w * (v[k] as number);
      total += Math.abs(w);
    });
    if (total > 0) for (let k = 0; k < mean.length; k++) (mean[k] as number) /= total;
    return postNormalize ? unitVec(mean) : mean;
  }

  /**
   * Cosine similarity (course: "Measuring Similarity Between Word Vectors").
   * cos(A, B) = A·B / (‖A‖ ‖B‖), from −1 (opposite) through 0 (unrelated) to 1 (same direction).
   */
  similarity(a: string, b: string): number {
    const i = this.getIndex(a) * this.vectorSize;
    const j = this.getIndex(b) * this.vectorSize;
    const u = this.unitVectors();
    return dot(u, i, u.subarray(j), this.vectorSize);
  }

  /** Cosine distance, 1 − similarity. */
  distance(a: string, b: string): number {
    return 1 - this.similarity(a, b);
  }

  /** Cosine similarity of the raw means of two word lists (gensim's `n_similarity`). */
  nSimilarity(words1: readonly string[], words2: readonly string[]): number {
    const m1 = unitVec(this.getMeanVector(words1, { preNormalize: false, ignoreMissing: false }));
    const m2 = unitVec(this.getMeanVector(words2, { preNormalize: false, ignoreMissing: false }));
    return dot(m1, 0, m2, this.vectorSize);
  }

  /** cos(query, row i) for i < end: (row · q̂) / ‖row‖. */
  private cosinesTo(query: Float64Array, end: number): Float64Array {
    const q = unitVec(query);
    const u = this.unitVectors();
    const d = this.vectorSize;
    const out = new Float64Array(end);
    for (let i = 0; i < end; i++) out[i] = dot(u, i * d, q, d);
    return out;
  }

  /**
   * The words nearest to a combination of words (gensim's `most_similar`, "3CosAdd").
   *
   *   target = normalise( mean_i( w_i · v̂_i ) )   w = +1 positive, −1 negative, v̂ = v/‖v‖
   *   score(word) = cos(v_word, target)
   *
   * The query words themselves are never returned.
   */
  mostSimilar(options: MostSimilarOptions | string, topn?: number): Similar[] {
    // `mostSimilar('king', 5)` is gensim's `most_similar('king', topn=5)`.
    const base = typeof options === 'string' ? { positive: [options] } : options;
    const opts = topn === undefined ? base : { ...base, topn };
    return this.mostSimilarWith(opts, (w) => this.getIndex(w));
  }

  private mostSimilarWith(options: MostSimilarOptions, lookup: (w: string) => number): Similar[] {
    const { topn = 10 } = options;
    if (topn < 1) return [];
    const positive = asList(options.positive);
    const negative = asList(options.negative);
    const items = [...positive.map((p) => [p, 1] as const), ...negative.map((n) => [n, -1] as const)].map(
      ([item, sign]) => (isWeighted(item) ? [item[0], item[1]] : [item, sign]) as [KeyOrVector, number],
    );
    if (items.length === 0)
      throw new ValidationError('mostSimilar needs at least one positive or negative key', 'positive');
    const missing = items.flatMap(([k]) => (typeof k === 'string' && !this.safeHas(k, lookup) ? [k] : []));
    if (missing.length > 0) throw new KeyError(missing);
    const mean = new Float64Array(this.vectorSize);
    let total = 0;
    for (const [key, w] of items) {
      const v = this.toVector(key, true, lookup);
      for (let k = 0; k < mean.length; k++) (mean[k] as number) += w * (v[k] as number);
      total += Math.abs(w);
    }
    for (let k = 0; k < mean.length; k++) (mean[k] as number) /= total;
    const exclude = new Set(items.flatMap(([k]) => (typeof k === 'string' ? [lookup(k)] : [])));
    const end = Math.min(options.restrictVocab ?? this.length, this.length);
    const scores = this.cosinesTo(mean, end);
    return topK(scores, topn + exclude.size)
      .filter((i) => !exclude.has(i))
      .slice(0, topn)
      .map((i) => [this.indexToKey[i] as string, scores[i] as number]);
  }

  private safeHas(word: string, lookup: (w: string) => number): boolean {
    try {
      lookup(word);
      return true;
    } catch {
      return false;
    }
  }

  /**
   * 3CosMul (Levy & Goldberg 2014, eq. 4; gensim's `most_similar_cosmul`):
   *   score(x) = Π_pos c(x, p) / (Π_neg c(x, n) + 1e-6),   c = (1 + cos) / 2 ∈ [0, 1]
   */
  mostSimilarCosmul(options: MostSimilarOptions): Similar[] {
    const { topn = 10 } = options;
    if (topn < 1) return [];
    const positive = asList(options.positive) as KeyOrVector[];
    const negative = asList(options.negative) as KeyOrVector[];
    if (positive.length === 0)
      throw new ValidationError('mostSimilarCosmul needs at least one positive key', 'positive');
    const missing = [...positive, ...negative].filter(
      (k): k is string => typeof k === 'string' && !this.has(k),
    );
    if (missing.length > 0) throw new KeyError(missing);
    const end = Math.min(options.restrictVocab ?? this.length, this.length);
    const shifted = (k: KeyOrVector) =>
      this.cosinesTo(
        this.toVector(k, true, (w) => this.getIndex(w)),
        end,
      ).map((c) => (1 + c) / 2);
    const scores = new Float64Array(end).fill(1);
    for (const p of positive)
      shifted(p).forEach((c, i) => {
        (scores[i] as number) *= c;
      });
    const denominator = new Float64Array(end).fill(1);
    for (const n of negative)
      shifted(n).forEach((c, i) => {
        (denominator[i] as number) *= c;
      });
    for (let i = 0; i < end; i++)
      (scores[i] as number) /= (negative.length ? (denominator[i] as number) : 1) + 1e-6;
    const exclude = new Set(
      [...positive, ...negative].flatMap((k) => (typeof k === 'string' ? [this.getIndex(k)] : [])),
    );
    return topK(scores, topn + exclude.size)
      .filter((i) => !exclude.has(i))
      .slice(0, topn)
      .map((i) => [this.indexToKey[i] as string, scores[i] as number]);
  }

  /** The words nearest to `word` (gensim's `similar_by_key`). */
  similarByKey(word: string, topn = 10, restrictVocab?: number): Similar[] {
    return this.mostSimilar({ positive: [word], topn, ...(restrictVocab ? { restrictVocab } : {}) });
  }

  /** The words nearest to a raw vector; nothing is excluded (gensim's `similar_by_vector`). */
  similarByVector(
    vector: Float32Array | Float64Array | readonly number[],
    topn = 10,
    restrictVocab?: number,
  ): Similar[] {
    return this.mostSimilar({ positive: [vector], topn, ...(restrictVocab ? { restrictVocab } : {}) });
  }

  /**
   * Words ranked by closeness to their centroid (gensim's `rank_by_centrality`):
   * c = normalise(mean_i v̂_i), score_i = v̂_i · c. Unknown words are ignored, as in gensim.
   */
  rankByCentrality(words: readonly string[]): Similar[] {
    const used = words.filter((w) => this.has(w));
    if (used.length === 0) throw new KeyError([...words]);
    const centroid = this.getMeanVector(used, { postNormalize: true });
    const u = this.unitVectors();
    return used
      .map((w): Similar => [w, dot(u, this.getIndex(w) * this.vectorSize, centroid, this.vectorSize)])
      .sort((a, b) => b[1] - a[1]);
  }

  /** The word farthest from the centroid of the others (gensim's `doesnt_match`). */
  doesntMatch(words: readonly string[]): string {
    const ranked = this.rankByCentrality(words);
    return (ranked[ranked.length - 1] as Similar)[0];
  }

  /** The candidate most similar to `word` (gensim's `most_similar_to_given`). */
  mostSimilarToGiven(word: string, candidates: readonly string[]): string {
    if (candidates.length === 0) throw new ValidationError('candidates is empty', 'candidates');
    let best = candidates[0] as string;
    let bestScore = Number.NEGATIVE_INFINITY;
    for (const c of candidates) {
      const s = this.similarity(word, c);
      if (s > bestScore) [best, bestScore] = [c, s];
    }
    return best;
  }

  /** Words closer to `a` than `b` is (gensim's `closer_than`). */
  closerThan(a: string, b: string): string[] {
    const ia = this.getIndex(a);
    const scores = this.cosinesTo(
      this.toVector(a, true, (w) => this.getIndex(w)),
      this.length,
    );
    const threshold = scores[this.getIndex(b)] as number; // from the same computation, as gensim
    return this.indexToKey.filter((_, i) => i !== ia && (scores[i] as number) > threshold);
  }

  /** Rank of `b` among the neighbours of `a`, 1 = nearest (gensim's `rank`). */
  rank(a: string, b: string): number {
    return this.closerThan(a, b).length + 1;
  }

  /** Accuracy on an analogy file, exactly as gensim computes it (see `evaluation.ts`). */
  evaluateWordAnalogies(path: string, options: AnalogyOptions = {}): AnalogyResult {
    return evaluateWordAnalogies(this, path, options);
  }

  /** Pearson and Spearman correlation with human similarity scores, as gensim (see `evaluation.ts`). */
  evaluateWordPairs(path: string, options: WordPairsOptions = {}): WordPairsResult {
    return evaluateWordPairs(this, path, options);
  }

  /** `{ keys, vectorSize, vectors, counts? }` with plain arrays, for JSON.stringify. */
  toJSON(): KeyedVectorsJSON {
    return {
      keys: this.indexToKey,
      vectorSize: this.vectorSize,
      vectors: Array.from(this.vectors),
      ...(this.counts ? { counts: this.counts } : {}),
    };
  }

  /**
   * Rebuilds from `toJSON()` (object or JSON text), checking every field with its JSON path:
   * unique keys, `vectors` holding keys × vectorSize finite numbers (JSON.stringify writes NaN and
   * ±Infinity as null: read back as NaN with `allowNonFinite`), one count per key.
   *
   *   KeyedVectors.fromJSON({ keys: ['a'], vectorSize: 2, vectors: [1] })
   *   // FormatError: KeyedVectors JSON: $.vectors holds 1 numbers, expected 2 (1 keys × 2)
   */
  static fromJSON(json: KeyedVectorsJSON | string | unknown, options: FromJSONOptions = {}): KeyedVectors {
    const label = 'KeyedVectors JSON';
    const allow = options.allowNonFinite ?? false;
    const m = checkJson(jsonInput(json, label), allow ? KV_SHAPE_NON_FINITE : KV_SHAPE, label, '$');
    const dup = firstDuplicate(m.keys);
    if (dup >= 0)
      throw new FormatError(label, `$.keys[${dup}]`, `repeats the key ${JSON.stringify(m.keys[dup])}`);
    const expected = m.keys.length * m.vectorSize;
    if (m.vectors.length !== expected)
      throw new FormatError(
        label,
        '$.vectors',
        `holds ${m.vectors.length} numbers, expected ${expected} (${m.keys.length} keys × ${m.vectorSize})`,
      );
    if (m.counts !== undefined && m.counts.length !== m.keys.length)
      throw new FormatError(label, '$.counts', `holds ${m.counts.length} counts for ${m.keys.length} keys`);
    const vectors = Float32Array.from(m.vectors, (v) => v ?? Number.NaN);
    return new KeyedVectors(m.keys, vectors, m.vectorSize, m.counts);
  }
}

/** The serialised form of KeyedVectors (`toJSON` / `fromJSON`). */
export interface KeyedVectorsJSON {
  keys: string[];
  vectorSize: number;
  vectors: number[];
  counts?: number[];
}

const kvShape = <T>(value: Shape<T>) =>
  shape.object({
    keys: shape.array(shape.string()),
    vectorSize: shape.integer({ min: 1 }),
    vectors: shape.array(value),
    counts: shape.optional(shape.array(shape.integer({ min: 0 }))),
  });
const KV_SHAPE = kvShape(shape.number());
const KV_SHAPE_NON_FINITE = kvShape(shape.nullable(shape.number()));

/** v / ‖v‖ (a zero vector stays zero). */
export function unitVec(v: Float64Array): Float64Array {
  const n = Math.sqrt(dot(v, 0, v, v.length));
  return n > 0 ? v.map((x) => x / n) : v.slice();
}
