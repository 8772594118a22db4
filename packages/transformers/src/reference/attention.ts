/**
 * Attention, the transformer's key idea (course: "Key Innovation: Self-Attention", "What is
 * Self-Attention", "The Masked-Self Attention in the Decoder") — the reference implementation:
 * plain arrays, float64, forward and backward side by side, small shapes. It is what the lessons,
 * the heatmaps and the gradient checks run on.
 *
 *   Attention(Q, K, V) = softmax(Q Kᵀ / √d_k [+ bias]) V
 *
 *   const X = …six 512-d rows for "YOUR CAT IS A LOVELY CAT"…
 *   const { weights } = scaledDotProductAttention(X, X, X);  // 6×6, every row sums to 1
 *
 * Shapes (row vectors, one row per token): Q (Tq × d_k), K (Tk × d_k), V (Tk × d_v); scores and
 * weights (Tq × Tk); output (Tq × d_v).
 *
 * Masks say which keys a query may see. `causal`: query i sees keys 0..i (the decoder may not look
 * ahead: future positions get −∞ before the softmax, so their weight is exactly 0). `keyPadding`:
 * false for padding tokens, which no query sees. A query that sees no key at all is an error.
 *
 * Multi-head attention splits d_model into h heads of d_model/h, attends in each, concatenates and
 * projects; grouped-query attention (GQA, as Llama 2) lets groups of query heads share one key/value
 * head: nKvHeads < nHeads.
 */
import { RandomState, ValidationError } from '@firth/numeric';
import { addPositions, sinusoidalEncoding } from './positional-encoding.js';

export type Matrix = number[][];

export interface AttentionOptions {
  /** 'causal', or an explicit Tq × Tk table (true = may attend). @default null (all keys) */
  mask?: 'causal' | boolean[][] | null;
  /** Per key: false marks padding, never attended. @default all true */
  keyPadding?: boolean[];
  /** Multiplies the scores. @default 1/√d_k */
  scale?: number;
  /** Tq × Tk values added to the scaled scores before the softmax (T5's relative position bias). */
  bias?: Matrix;
}

export interface AttentionResult {
  /** softmax(scores) V: Tq × d_v */
  output: Matrix;
  /** softmax of the masked scores: Tq × Tk, rows sum to 1 */
  weights: Matrix;
  /** Q Kᵀ · scale (+ bias) before masking: Tq × Tk */
  scores: Matrix;
}

function shapeOf(m: Matrix, name: string): [number, number] {
  if (!Array.isArray(m) || m.length === 0 || !Array.isArray(m[0]))
    throw new ValidationError(`${name} must be a non-empty matrix (array of rows)`, name);
  const cols = m[0]!.length;
  for (const [i, row] of m.entries()) {
    if (!Array.isArray(row) || row.length !== cols)
      throw new ValidationError(`${name} row ${i} has ${row?.length} values, expected ${cols}`, name);
    for (const v of row)
      if (typeof v !== 'number' || !Number.isFinite(v))
        throw new ValidationError(`${name} row ${i} holds a non-finite value (${v})`, name);
  }
  return [m.length, cols];
}

/** A Bᵀ for A (n × k), B (m × k): n × m. */
function matmulT(A: Matrix, B: Matrix): Matrix {
  return A.map((a) => B.map((b) => a.reduce((s, v, k) => s + v * b[k]!, 0)));
}

/** A B for A (n × k), B (k × m). */
export function matmul(A: Matrix, B: Matrix): Matrix {
  const m = B[0]!.length;
  return A.map((a) => {
    const row = new Array<number>(m).fill(0);
    for (let k = 0; k < a.length; k++) {
      const v = a[k]!;
      const b = B[k]!;
      for (let j = 0; j < m; j++) row[j]! += v * b[j]!;
    }
    return row;
  });
}

export function transpose(A: Matrix): Matrix {
  return A[0]!.map((_, j) => A.map((row) => row[j]!));
}

/** Which keys each query may attend to, from the options. */
function allowed(Tq: number, Tk: number, options: AttentionOptions): boolean[][] {
  const { mask = null, keyPadding } = options;
  if (keyPadding && keyPadding.length !== Tk)
    throw new ValidationError(`keyPadding has ${keyPadding.length} entries for ${Tk} keys`, 'keyPadding');
  if (Array.isArray(mask) && (mask.length !== Tq || mask.some((r) => r.length !== Tk)))
    throw new ValidationError(`mask must be ${Tq} × ${Tk}`, 'mask');
  return Array.from({ length: Tq }, (_, i) =>
    Array.from(
      { length: Tk },
      (_, j) =>
        (mask === 'causal' ? j <= i + (Tk - Tq) : Array.isArray(mask) ? mask[i]![j]! : true) &&
        (keyPadding ? keyPadding[j]! : true),
    ),
  );
}

/**
 * softmax(Q Kᵀ · scale + mask) V, returning the weights too.
 *   weights[i][j] = exp(s_ij) / Σ_j' exp(s_ij')  over the keys j query i may see (0 elsewhere)
 */
export function scaledDotProductAttention(
  Q: Matrix,
  K: Matrix,
  V: Matrix,
  options: AttentionOptions = {},
): AttentionResult {
  const [Tq, dq] = shapeOf(Q, 'Q');
  const [Tk, dk] = shapeOf(K, 'K');
  const [Tv] = shapeOf(V, 'V');
  if (dq !== dk) throw new ValidationError(`Q has ${dq} columns but K has ${dk}: d_k must match`, 'K');
  if (Tv !== Tk) throw new ValidationError(`K has ${Tk} rows but V has ${Tv}: one value per key`, 'V');
  const scale = options.scale ?? 1 / Math.sqrt(dk);
  const ok = allowed(Tq, Tk, options);
  const { bias } = options;
  if (bias && (bias.length !== Tq || bias.some((r) => r.length !== Tk)))
    throw new ValidationError(`bias must be ${Tq} × ${Tk}`, 'bias');
  // scores = Q Kᵀ · scale (+ bias)   (Tq × d_k) @ (d_k × Tk) → (Tq × Tk)
  const scores = matmulT(Q, K).map((row, i) =>
    bias ? row.map((s, j) => s * scale + bias[i]![j]!) : row.map((s) => s * scale),
  );
  // weights = softmax over the allowed keys (the max is subtracted first: exp never overflows)
  const weights = scores.map((row, i) => {
    const seen = row.filter((_, j) => ok[i]![j]);
    if (seen.length === 0)
      throw new ValidationError(`query ${i} may attend to no key: every key is masked`, 'mask');
    const max = Math.max(...seen);
    const e = row.map((s, j) => (ok[i]![j] ? Math.exp(s - max) : 0));
    const sum = e.reduce((a, b) => a + b, 0);
    return e.map((v) => v / sum);
  });
  // output = weights V   (Tq × Tk) @ (Tk × d_v) → (Tq × d_v)
  return { output: matmul(weights, V), weights, scores };
}

/**
 * Gradients of L with respect to Q, K, V given dL/dOutput, from the forward result:
 *   dV = Aᵀ dO
 *   dA = dO Vᵀ
 *   dS_ij = A_ij (dA_ij − Σ_j' A_ij' dA_ij')      (softmax backward; masked entries have A = 0)
 *   dQ = dS K · scale,   dK = dSᵀ Q · scale
 */
export function scaledDotProductAttentionBackward(
  Q: Matrix,
  K: Matrix,
  V: Matrix,
  forward: AttentionResult,
  dOutput: Matrix,
  options: Pick<AttentionOptions, 'scale'> = {},
): { dQ: Matrix; dK: Matrix; dV: Matrix } {
  const scale = options.scale ?? 1 / Math.sqrt(K[0]!.length);
  const A = forward.weights;
  const dV = matmul(transpose(A), dOutput);
  const dA = matmulT(dOutput, V);
  const dS = A.map((row, i) => {
    const dot = row.reduce((s, a, j) => s + a * dA[i]![j]!, 0);
    return row.map((a, j) => a * (dA[i]![j]! - dot));
  });
  const dQ = matmul(dS, K).map((r) => r.map((v) => v * scale));
  const dK = matmul(transpose(dS), Q).map((r) => r.map((v) => v * scale));
  return { dQ, dK, dV };
}

export interface MultiHeadWeights {
  /** d_model × (nHeads · headSize) */
  wq: Matrix;
  /** d_model × (nKvHeads · headSize) */
  wk: Matrix;
  /** d_model × (nKvHeads · headSize) */
  wv: Matrix;
  /** (nHeads · headSize) × d_model */
  wo: Matrix;
}

export interface MultiHeadOptions extends AttentionOptions {
  nHeads: number;
  /** Key/value heads; < nHeads is grouped-query attention. @default nHeads */
  nKvHeads?: number;
}

/**
 * Multi-head (or grouped-query) attention of queries from `xq` over keys/values from `xkv`
 * (self-attention: the same rows; the decoder's cross-attention: the encoder's output).
 *   Q = xq Wq, K = xkv Wk, V = xkv Wv;  head h uses columns h·d..(h+1)·d of Q and the columns of
 *   kv head ⌊h / (nHeads/nKvHeads)⌋ of K and V;  output = concat(head_0 … head_{h−1}) Wo
 * Returns the output and each head's attention weights.
 */
export function multiHeadAttention(
  xq: Matrix,
  xkv: Matrix,
  w: MultiHeadWeights,
  options: MultiHeadOptions,
): { output: Matrix; weights: Matrix[] } {
  const { nHeads } = options;
  const nKvHeads = options.nKvHeads ?? nHeads;
  if (
    !Number.isInteger(nHeads) ||
    nHeads < 1 ||
    !Number.isInteger(nKvHeads) ||
    nKvHeads < 1 ||
    nHeads % nKvHeads
  )
    throw new ValidationError(
      `nHeads (${nHeads}) must be a positive multiple of nKvHeads (${nKvHeads})`,
      'nKvHeads',
    );
  const Q = matmul(xq, w.wq);
  const K = matmul(xkv, w.wk);
  const V = matmul(xkv, w.wv);
  const qCols = Q[0]!.length;
  if (qCols % nHeads)
    throw new ValidationError(`Wq has ${qCols} columns, not a multiple of nHeads ${nHeads}`, 'wq');
  const d = qCols / nHeads;
  if (K[0]!.length !== nKvHeads * d)
    throw new ValidationError(
      `Wk has ${K[0]!.length} columns, expected nKvHeads · headSize = ${nKvHeads * d}`,
      'wk',
    );
  const cols = (M: Matrix, h: number) => M.map((r) => r.slice(h * d, (h + 1) * d));
  const group = nHeads / nKvHeads;
  const heads = Array.from({ length: nHeads }, (_, h) =>
    scaledDotProductAttention(
      cols(Q, h),
      cols(K, Math.floor(h / group)),
      cols(V, Math.floor(h / group)),
      options,
    ),
  );
  const concat = xq.map((_, i) => heads.flatMap((hd) => hd.output[i]!));
  return { output: matmul(concat, w.wo), weights: heads.map((hd) => hd.weights) };
}

export interface SelfAttentionLessonOptions {
  /** A word's vector (e.g. GloVe); default: a random vector per distinct word, as in the course. */
  embed?: (word: string) => ArrayLike<number>;
  /** Width of the random vectors. @default 512 — the course's d_model = d_k */
  dModel?: number;
  /** Seeds the random vectors. @default 0 */
  seed?: number;
  /** Add sinusoidal positions to the vectors first (then the two CATs differ). @default false */
  positions?: boolean;
  /** @default null */
  mask?: 'causal' | null;
}

/**
 * The course's self-attention lesson on any sentence: one vector per word, Q = K = V = those
 * vectors (one head, d_model = d_k), weights = softmax(QKᵀ/√d_k).
 *   selfAttentionLesson(['YOUR', 'CAT', 'IS', 'A', 'LOVELY', 'CAT']).weights // 6×6, rows sum to 1
 * Random vectors have entries N(0, 1/√d): a word's score with itself is then ≈ 1 and with another
 * word ≈ 0, the regime of the course's table (diagonal 0.21–0.28 over 6 words).
 */
export function selfAttentionLesson(
  words: string[],
  options: SelfAttentionLessonOptions = {},
): { words: string[]; vectors: Matrix; weights: Matrix; output: Matrix } {
  if (!Array.isArray(words) || words.length === 0 || words.some((w) => typeof w !== 'string' || w === ''))
    throw new ValidationError('words must be a non-empty list of non-empty strings', 'words');
  const dModel = options.dModel ?? 512;
  if (!Number.isInteger(dModel) || dModel < 2 || dModel % 2)
    throw new ValidationError(`dModel must be an even integer ≥ 2, got ${dModel}`, 'dModel');
  let vectors: Matrix;
  if (options.embed) {
    vectors = words.map((w) => Array.from(options.embed!(w)));
  } else {
    const rng = new RandomState(options.seed ?? 0);
    const table = new Map<string, number[]>();
    const sd = dModel ** -0.25;
    for (const w of words)
      if (!table.has(w))
        table.set(
          w,
          Array.from({ length: dModel }, () => sd * rng.standardNormal()),
        );
    vectors = words.map((w) => table.get(w)!);
  }
  if (options.positions)
    vectors = addPositions(vectors, sinusoidalEncoding(vectors.length, vectors[0]!.length));
  const { weights, output } = scaledDotProductAttention(vectors, vectors, vectors, {
    mask: options.mask ?? null,
  });
  return { words, vectors, weights, output };
}
