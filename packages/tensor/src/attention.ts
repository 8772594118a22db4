/**
 * Attention, once for every model: the fused training op `attention` (softmax(q kᵀ·s + masks) v with
 * its backward, on (B, h, T, d) heads) and the cached-decoding step `attendCached` (one query row
 * against key/value caches, grouped-query heads) — the lesson's reference/attention.ts in float32,
 * on this package's kernels. nn.ts (GPT, seq2seq) trains on the first; GPT's and llama2.c's
 * JavaScript decoders share the second.
 *
 *   const o = attention(q, k, v, { causal: true });       // (B, h, T, d), differentiable in q, k, v
 *   const { out, weights } = attentionWithWeights(q, k, v); // weights (B, h, Tq, Tk), for the lessons
 *
 * The op keeps one array of weights P = softmax(q kᵀ·s) (B·h·Tq·Tk) for its backward pass and no
 * separate tensors for scores or weights (no gradient buffers for them either: the backward pass
 * works in two scratch arrays reused by every call). The products are the batched wasm products of
 * matmul-f32.ts, the softmax and its backward elementwise-f32.ts's (a keyMask's softmax is a
 * JavaScript loop, as autograd's softmax). Gradients, with dO the output's:
 *   dV = Pᵀ dO,   dP = dO Vᵀ,   dS = s · P ⊙ (dP − Σ_j dP ⊙ P),   dQ = dS K,   dK = dSᵀ Q
 * With dropout on the weights (BERT's attention_probs_dropout) the product uses P ⊙ M and dP is
 * multiplied by M before the softmax's backward.
 */
import type { RandomState } from '@firth/numeric';
import { ValidationError } from '@firth/numeric';
import { dropoutMask, gradSlot, result, Tensor } from './autograd.js';
import { elementwiseF32 as ew } from './elementwise-f32.js';
import { matmulF32Batch, matmulF32NTBatch, matmulF32TNBatch } from './matmul-f32.js';

export interface AttentionOptions {
  /** Query i sees keys 0..i (a decoder); needs as many queries as keys. */
  causal?: boolean;
  /** (B × Tk) values, 0 for a padding key no query of that sequence sees (BERT's attention_mask). A query that sees no key gets zeros. */
  keyMask?: ArrayLike<number>;
  /** The scores' factor s. @default 1/√d */
  scale?: number;
  /** Inverted dropout on the weights (training only): each weight zeroed with probability p. */
  dropout?: { p: number; rng: RandomState };
}

/**
 * Scratch for the backward pass (dP and dS, both written before they are read): reused by every call
 * up to SCRATCH_MAX floats each (16 MiB), made afresh for larger ones so that one long-context batch
 * does not hold its memory for good.
 */
const SCRATCH_MAX = 1 << 22;
let scratch = new Float32Array(0);
const scratchOf = (n: number): [Float32Array, Float32Array] => {
  if (n > SCRATCH_MAX) return [new Float32Array(n), new Float32Array(n)];
  if (scratch.length < 2 * n) scratch = new Float32Array(2 * n);
  return [scratch.subarray(0, n), scratch.subarray(n, 2 * n)];
};

/** softmax(s·x) of each row with a key mask (and causal): the rows of sequence b use keyMask[b·c …]. */
function maskedSoftmax(
  P: Float32Array,
  rows: number,
  c: number,
  T: number,
  causal: boolean,
  s: number,
  keyMask: ArrayLike<number>,
  rowsPerBatch: number,
): void {
  for (let r = 0; r < rows; r++) {
    const o = r * c;
    const limit = causal ? (r % T) + 1 : c;
    const mo = Math.floor(r / rowsPerBatch) * c;
    let max = Number.NEGATIVE_INFINITY;
    for (let j = 0; j < limit; j++) if (keyMask[mo + j] !== 0 && P[o + j]! > max) max = P[o + j]!;
    let sum = 0;
    for (let j = 0; j < c; j++) {
      if (j >= limit || keyMask[mo + j] === 0 || max === Number.NEGATIVE_INFINITY) {
        P[o + j] = 0; // masked, or every key masked: a zero row
        continue;
      }
      const e = Math.exp(s * (P[o + j]! - max));
      P[o + j] = e;
      sum += e;
    }
    if (sum > 0) for (let j = 0; j < limit; j++) P[o + j]! /= sum;
  }
}

/**
 * softmax(q kᵀ·scale + masks) v over the last two axes of q (…, Tq, d), k (…, Tk, d), v (…, Tk, dv)
 * with the same leading axes (B, h): → (…, Tq, dv), and the weights P (…, Tq, Tk) it kept. The
 * weights tensor shares the op's array: read it, do not change it.
 */
export function attentionWithWeights(
  q: Tensor,
  k: Tensor,
  v: Tensor,
  options: AttentionOptions = {},
): { out: Tensor; weights: Tensor } {
  const lead = q.shape.slice(0, -2);
  const same = (t: Tensor) =>
    t.shape.length === q.shape.length && t.shape.slice(0, -2).join() === lead.join();
  if (q.shape.length < 3 || !same(k) || !same(v))
    throw new ValidationError(
      `attention: q ${JSON.stringify(q.shape)}, k ${JSON.stringify(k.shape)} and v ${JSON.stringify(v.shape)} need the same leading axes (B, h)`,
      'shape',
    );
  const [Tq, d] = q.shape.slice(-2) as [number, number];
  const [Tk, dk] = k.shape.slice(-2) as [number, number];
  const [Tv, dv] = v.shape.slice(-2) as [number, number];
  if (dk !== d || Tv !== Tk)
    throw new ValidationError(
      `attention: k ${JSON.stringify(k.shape)} needs q's width ${d} and v ${JSON.stringify(v.shape)} one row per key`,
      'shape',
    );
  const causal = options.causal === true;
  if (causal && Tq !== Tk)
    throw new ValidationError(
      `attention: causal needs as many queries as keys, got ${Tq} and ${Tk}`,
      'causal',
    );
  const s = options.scale ?? 1 / Math.sqrt(d);
  if (!(s > 0 && Number.isFinite(s)))
    throw new ValidationError(`attention: scale must be a finite number > 0, got ${s}`, 'scale');
  const { keyMask, dropout } = options;
  const B = lead[0]!;
  if (keyMask !== undefined && keyMask.length !== B * Tk)
    throw new ValidationError(
      `attention: keyMask needs ${B} × ${Tk} entries for keys of shape ${JSON.stringify(k.shape)}, got ${keyMask.length}`,
      'keyMask',
    );
  if (dropout !== undefined && !(dropout.p >= 0 && dropout.p < 1))
    throw new ValidationError(`attention: dropout p must be in [0, 1), got ${dropout.p}`, 'dropout');
  const heads = lead.reduce((a, b) => a * b, 1); // B·h products
  const rows = heads * Tq;
  // P = softmax(q kᵀ·s): the scores are written into P and turned into weights in place
  const P = matmulF32NTBatch(q.data, k.data, heads, Tq, d, Tk);
  if (keyMask === undefined) ew.softmaxForward(P, P, null, rows, Tk, Tq, causal, s);
  else maskedSoftmax(P, rows, Tk, Tq, causal, s, keyMask, rows / B);
  // with dropout the product (and dV) use P ⊙ M; the softmax's backward uses P
  const M = dropout && dropout.p > 0 ? dropoutMask(P.length, dropout.p, dropout.rng) : null;
  let Pd = P;
  if (M) {
    Pd = new Float32Array(P.length);
    for (let i = 0; i < P.length; i++) Pd[i] = P[i]! * M[i]!;
  }
  const O = matmulF32Batch(Pd, v.data, heads, Tq, Tk, dv);
  const out = result(O, [...lead, Tq, dv], [q, k, v], (o) => {
    const dO = o.grad!;
    // dV = Pᵀ dO (each slot taken just before it is written: q, k, v may be one tensor)
    const [dV, accV] = gradSlot(v);
    if (dV) matmulF32TNBatch(Pd, dO, heads, Tq, Tk, dv, dV, accV);
    if (!(q.requiresGrad || q.backwardFn || k.requiresGrad || k.backwardFn)) return;
    const [dP, dS] = scratchOf(P.length);
    // dP = dO Vᵀ (⊙ M), then dS = s · P ⊙ (dP − Σ dP ⊙ P)
    matmulF32NTBatch(dO, v.data, heads, Tq, dv, Tk, dP);
    if (M) for (let i = 0; i < dP.length; i++) dP[i]! *= M[i]!;
    ew.softmaxBackward(P, dP, dS, rows, Tk, Tq, causal, s, false);
    const [dQ, accQ] = gradSlot(q);
    if (dQ) matmulF32Batch(dS, k.data, heads, Tq, Tk, d, dQ, accQ);
    const [dK, accK] = gradSlot(k);
    if (dK) matmulF32TNBatch(dS, q.data, heads, Tq, Tk, d, dK, accK);
  });
  return { out, weights: new Tensor(P, [...lead, Tq, Tk]) };
}

/**
 * softmax(q kᵀ·scale + masks) v in one op: q (B, h, Tq, d), k (B, h, Tk, d), v (B, h, Tk, dv) →
 * (B, h, Tq, dv); differentiable in q, k and v. See attentionWithWeights for the weights too.
 */
export const attention = (q: Tensor, k: Tensor, v: Tensor, options: AttentionOptions = {}): Tensor =>
  attentionWithWeights(q, k, v, options).out;

/** The heads of a cached attention step. */
export interface CachedAttentionHeads {
  /** Query heads: q and out hold nHeads · headSize values. */
  nHeads: number;
  /** Key/value heads (grouped-query attention when fewer): query head h reads kv head ⌊h / (nHeads / nKvHeads)⌋. @default nHeads */
  nKvHeads?: number;
  headSize: number;
  /** @default 1/√headSize */
  scale?: number;
}

/**
 * One decoding step's attention against key/value caches: for each query head h,
 *   out_h = Σ_t softmax_t(q_h · k_t · scale) v_t,   t = 0 … length − 1
 * (causal by construction: the caches hold only past positions and this one). `keys` and `values`
 * hold one row of nKvHeads · headSize values per position, position 0 first. Float32 arrays, scores
 * summed in float64 and stored in float32 (`scratch`, ≥ length values, when given, holds them).
 * Writes and returns `out`.
 */
export function attendCached(
  q: Float32Array,
  keys: Float32Array,
  values: Float32Array,
  length: number,
  heads: CachedAttentionHeads,
  out: Float32Array,
  scratch?: Float32Array,
): Float32Array {
  const { nHeads, headSize } = heads;
  const nKvHeads = heads.nKvHeads ?? nHeads;
  const kvDim = nKvHeads * headSize;
  if (
    !(Number.isInteger(length) && length >= 1) ||
    nKvHeads < 1 ||
    nHeads % nKvHeads !== 0 ||
    q.length < nHeads * headSize ||
    out.length < nHeads * headSize ||
    keys.length < length * kvDim ||
    values.length < length * kvDim
  )
    throw new ValidationError(
      `attendCached: ${nHeads} query heads over ${nKvHeads} kv heads of ${headSize} need q and out of ${nHeads * headSize} values and caches of ${length} × ${kvDim}`,
      'shape',
    );
  const scale = heads.scale ?? 1 / Math.sqrt(headSize);
  const att = scratch && scratch.length >= length ? scratch : new Float32Array(length);
  const kvMul = nHeads / nKvHeads;
  for (let h = 0; h < nHeads; h++) {
    const qh = h * headSize;
    const kvh = Math.floor(h / kvMul) * headSize;
    // scores_t = q_h · k_t · scale
    let max = Number.NEGATIVE_INFINITY;
    for (let t = 0; t < length; t++) {
      const kt = t * kvDim + kvh;
      let s = 0;
      for (let i = 0; i < headSize; i++) s += q[qh + i]! * keys[kt + i]!;
      att[t] = s * scale;
      if (att[t]! > max) max = att[t]!;
    }
    // a = softmax(scores) (max subtracted for stability)
    let sum = 0;
    for (let t = 0; t < length; t++) {
      att[t] = Math.exp(att[t]! - max);
      sum += att[t]!;
    }
    // out_h = Σ_t a_t v_t
    for (let i = 0; i < headSize; i++) {
      let s = 0;
      for (let t = 0, at = kvh + i; t < length; t++, at += kvDim) s += att[t]! * values[at]!;
      out[qh + i] = s / sum;
    }
  }
  return out;
}
