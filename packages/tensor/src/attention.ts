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
 *
 * Float64 tensors (dtype 'float64') take neither kernel: their attention is autograd's own ops in
 * double precision — matmulNT, softmax (with the masks and scale), dropout, matmul — whose
 * gradients are the ones above.
 */
import type { RandomState } from '@firth/numeric';
import { ValidationError } from '@firth/numeric';
import { ATTENTION_F32_SHARED_WASM_BASE64 } from './attention-f32-shared-wasm.js';
import { ATTENTION_F32_WASM_BASE64 } from './attention-f32-wasm.js';
import {
  dropoutMask,
  dropout as dropoutOp,
  dtypeOf,
  type Floats,
  gradSlot,
  matmul,
  matmulNT,
  reshape,
  result,
  softmax,
  splitHeads,
  swapAxes12,
  Tensor,
} from './autograd.js';
import { elementwiseF32 as ew } from './elementwise-f32.js';
import { allocF32, engineMemory } from './engine.js';
import {
  matmulF32Backend,
  matmulF32Batch,
  matmulF32NTBatch,
  matmulF32Pool,
  matmulF32TNBatch,
} from './matmul-f32.js';
import type { SharedAttentionF32 } from './matmul-f32-threads.js';
import { compileWasm, floatRegions, instantiateWasm, type Regions, WASM_MAX_BYTES } from './wasm.js';

export interface AttentionOptions {
  /** Query i sees keys 0..i (a decoder); needs as many queries as keys. */
  causal?: boolean;
  /** (B × Tk) values, 0 for a padding key no query of that sequence sees (BERT's attention_mask). A query that sees no key gets zeros. */
  keyMask?: ArrayLike<number>;
  /** The scores' factor s. @default 1/√d */
  scale?: number;
  /**
   * Added to the scaled scores before the softmax (T5's relative position bias; a constant — no
   * gradient flows into it): h·Tq·Tk values (head, query, key), the same for every sequence, or
   * B·h·Tq·Tk. Taken by the products path (not the fused kernels).
   */
  bias?: ArrayLike<number>;
  /** Inverted dropout on the weights (training only): each weight zeroed with probability p. */
  dropout?: { p: number; rng: RandomState };
  /**
   * 'fused': attention-f32.wat's kernels, one call each way (taken where wasm runs the products,
   * without dropout, with Tk a multiple of 4 and d of 16); 'products': the batched
   * products and softmax kernels (the path the fused one is tested against). @default 'fused'
   */
  path?: 'fused' | 'products';
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

/**
 * scores += bias / s, in place: the softmax takes s·scores, so the bias is added after the scaling.
 * A bias shorter than the scores (one sequence's) is repeated over the sequences.
 */
function addBias(scores: Floats, bias: ArrayLike<number>, s: number): void {
  const n = bias.length;
  for (let i = 0; i < scores.length; i++) scores[i]! += bias[i % n]! / s;
}

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

/** Sizes and strides (in floats) of one call of attention-f32.wat: q and o share theirs, k and v theirs. */
interface HeadLayout {
  B: number;
  H: number;
  Tq: number;
  Tk: number;
  d: number;
  /** q's (and dq's) strides of b, h and t */
  q: [number, number, number];
  /** k's, v's (and dk's, dv's) */
  k: [number, number, number];
  /** o's (and dO's) */
  o: [number, number, number];
}

/** The exports of attention-f32.wat (addresses in bytes). */
interface AttentionWasmExports {
  memory: { buffer: ArrayBuffer; grow(pages: number): number };
  forward(q: number, k: number, v: number, o: number, p: number, kt: number, ...rest: number[]): void;
  backward(
    q: number,
    k: number,
    v: number,
    dO: number,
    p: number,
    dq: number,
    dk: number,
    dv: number,
    vt: number,
    ds: number,
    ...rest: number[]
  ): void;
}

/**
 * The fused kernels of attention-f32.wat over one module instance, or over the worker pool's shared
 * memory (matmul-f32-threads.ts, which cuts a call into bands of sequences): each call lays its
 * arrays out in the memory, copies the inputs in, runs, and copies the results out (null: too large).
 */
function fusedKernels(ex: SharedAttentionF32) {
  // over the engine memory (engine.ts), the arena's tensors are read by address and written in place
  const regions = floatRegions(ex.memory === engineMemory ? null : ex.memory);
  /** The view of the memory that the last place() left current. */
  let heap: Float32Array<ArrayBufferLike> = new Float32Array(ex.memory.buffer);
  /** The byte address after the last place()'s regions (threads' scratch may start there). */
  let end = 0;
  /** The last place()'s regions. */
  let last: Regions | null = null;
  /**
   * Lays out and fills the call's regions (floatRegions: outputs[i], the array region i is copied
   * to, written in place where it is an engine view); their offsets in floats, or null.
   */
  const place = (
    sizes: number[],
    inputs: (Float32Array | null)[],
    outputs?: (Float32Array | null)[],
  ): number[] | null => {
    const r = regions(sizes, inputs, outputs);
    if (!r) return null;
    last = r;
    heap = r.heap;
    end = r.end;
    return r.at.map((b) => b / 4);
  };
  /** Copies region i of the last place() into dst (nothing when written in place). */
  const out = (i: number, dst: Float32Array) => last!.out(i, dst);
  const dims = (L: HeadLayout) => [L.B, L.H, L.Tq, L.Tk, L.d, ...L.q, ...L.k, ...L.o];
  return {
    /**
     * Self-attention from packed rows: qkv (B, T, 3·H·d) holds q, k and v side by side, each H heads
     * of d; O (B, T, H·d) and P (B, H, T, T). False when too large for wasm32.
     */
    forwardPacked(
      qkv: Float32Array,
      B: number,
      H: number,
      T: number,
      d: number,
      causal: boolean,
      s: number,
      O: Float32Array,
      P: Float32Array,
      mask: Float32Array | null,
    ): boolean {
      const D = H * d;
      const at = place(
        [qkv.length, O.length, P.length, d * T, mask?.length ?? 0],
        [qkv, null, null, null, mask],
        [null, O, P],
      );
      if (!at) return false;
      const [x, o, p, kt, m] = at.map((f) => f * 4) as [number, number, number, number, number];
      const str = [T * 3 * D, d, 3 * D];
      ex.forward(
        [
          x,
          x + 4 * D,
          x + 8 * D,
          o,
          p,
          kt,
          B,
          H,
          T,
          T,
          d,
          ...str,
          ...str,
          T * D,
          d,
          D,
          causal ? 1 : 0,
          s,
          mask ? m : 0, // never 0 when given: qkv comes first
        ],
        end,
      );
      out(1, O);
      out(2, P);
      return true;
    },
    /** dqkv (written, or added to with acc) from dO (B, T, H·d) and the kept P; false when too large. */
    backwardPacked(
      qkv: Float32Array,
      dO: Float32Array,
      P: Float32Array,
      B: number,
      H: number,
      T: number,
      d: number,
      causal: boolean,
      s: number,
      dqkv: Float32Array,
      acc: boolean,
    ): boolean {
      const D = H * d;
      const at = place(
        [qkv.length, dO.length, P.length, qkv.length, d * T, T * T],
        [qkv, dO, P],
        [null, null, null, acc ? null : dqkv],
      );
      if (!at) return false;
      const [x, o, p, g, vt, ds] = at.map((f) => f * 4) as [number, number, number, number, number, number];
      const str = [T * 3 * D, d, 3 * D];
      ex.backward(
        [
          x,
          x + 4 * D,
          x + 8 * D,
          o,
          p,
          g,
          g + 4 * D,
          g + 8 * D,
          vt,
          ds,
          B,
          H,
          T,
          T,
          d,
          ...str,
          ...str,
          T * D,
          d,
          D,
          causal ? 1 : 0,
          s,
        ],
        end,
      );
      const from = heap.subarray(g / 4, g / 4 + dqkv.length);
      if (!acc) out(3, dqkv);
      else for (let j = 0; j < dqkv.length; j++) dqkv[j]! += from[j]!;
      return true;
    },
    /** O and P of softmax(q kᵀ·s [causal]) v; false when too large for wasm32. */
    forward(
      q: Float32Array,
      k: Float32Array,
      v: Float32Array,
      L: HeadLayout,
      causal: boolean,
      s: number,
      O: Float32Array,
      P: Float32Array,
      mask: Float32Array | null,
    ): boolean {
      const at = place(
        [q.length, k.length, v.length, O.length, P.length, L.d * L.Tk, mask?.length ?? 0],
        [q, k, v, null, null, null, mask],
        [null, null, null, O, P],
      );
      if (!at) return false;
      ex.forward(
        [
          at[0]! * 4,
          at[1]! * 4,
          at[2]! * 4,
          at[3]! * 4,
          at[4]! * 4,
          at[5]! * 4,
          ...dims(L),
          causal ? 1 : 0,
          s,
          mask ? at[6]! * 4 : 0, // never 0 when given: q comes first
        ],
        end,
      );
      out(3, O);
      out(4, P);
      return true;
    },
    /** dq, dk, dv (each written or, with its flag, added to; null: not wanted); false when too large. */
    backward(
      q: Float32Array,
      k: Float32Array,
      v: Float32Array,
      dO: Float32Array,
      P: Float32Array,
      L: HeadLayout,
      causal: boolean,
      s: number,
      grads: [Float32Array | null, boolean][],
    ): boolean {
      const at = place(
        [
          q.length,
          k.length,
          v.length,
          dO.length,
          P.length,
          q.length,
          k.length,
          v.length,
          L.d * L.Tk,
          L.Tq * L.Tk,
        ],
        [q, k, v, dO, P],
        // a gradient written in place where it is written whole and no other slot is the same array
        [
          null,
          null,
          null,
          null,
          null,
          ...grads.map(([g, acc]) => (g && !acc && grads.filter(([h]) => h === g).length === 1 ? g : null)),
        ],
      );
      if (!at) return false;
      const a = at.map((f) => f * 4);
      ex.backward(
        [a[0]!, a[1]!, a[2]!, a[3]!, a[4]!, a[5]!, a[6]!, a[7]!, a[8]!, a[9]!, ...dims(L), causal ? 1 : 0, s],
        end,
      );
      grads.forEach(([g, acc], i) => {
        if (!g) return;
        const from = heap.subarray(at[5 + i]!, at[5 + i]! + g.length);
        if (!acc) out(5 + i, g);
        else for (let j = 0; j < g.length; j++) g[j]! += from[j]!;
      });
      return true;
    },
  };
}

/** attention-f32.wat's kernels on one thread where the products run in wasm (and the module compiles), else null. */
const fusedOne = (() => {
  if (matmulF32Backend !== 'wasm') return null;
  // over the engine memory where there is one (the shared twin), else its own
  const ex =
    (engineMemory &&
      instantiateWasm<AttentionWasmExports>(compileWasm(ATTENTION_F32_SHARED_WASM_BASE64), {
        env: { memory: engineMemory },
      })) ||
    instantiateWasm<AttentionWasmExports>(compileWasm(ATTENTION_F32_WASM_BASE64));
  return ex === null
    ? null
    : fusedKernels({
        memory: ex.memory ?? engineMemory!,
        forward: (args) => ex.forward(...(args as Parameters<AttentionWasmExports['forward']>)),
        backward: (args) => ex.backward(...(args as Parameters<AttentionWasmExports['backward']>)),
      });
})();

/** The fused kernels over each worker pool's shared memory (matmul-f32-threads.ts), made once a pool. */
const fusedOnPool = new WeakMap<SharedAttentionF32, ReturnType<typeof fusedKernels>>();

/**
 * The fused kernels of this call: with `tensorThreads()` > 1 (threads.ts) those over the products'
 * worker pool, which cut a large call into bands of whole sequences (equal bit for bit to one
 * thread), else the one-thread ones; null where they do not run.
 */
function fusedNow(): ReturnType<typeof fusedKernels> | null {
  const shared = fusedOne === null ? null : matmulF32Pool()?.attention;
  if (!shared) return fusedOne;
  let kernels = fusedOnPool.get(shared);
  if (!kernels) {
    kernels = fusedKernels(shared);
    fusedOnPool.set(shared, kernels);
  }
  return kernels;
}

/** Whether attention runs its fused wasm kernels (attention-f32.wat) where the shapes allow. */
export const attentionFusedAvailable = fusedOne !== null;

/**
 * The backward pass on the batched products and the softmax kernels: P the weights, Pd = P ⊙ M
 * (P without dropout), dO the output's gradient.
 */
function productsBackward(
  q: Tensor,
  k: Tensor,
  v: Tensor,
  dO: Float32Array,
  P: Float32Array,
  Pd: Float32Array,
  M: Float32Array | null,
  heads: number,
  Tq: number,
  Tk: number,
  d: number,
  dv: number,
  causal: boolean,
  s: number,
): void {
  // dV = Pᵀ dO (each slot taken just before it is written: q, k, v may be one tensor)
  const [dV, accV] = gradSlot(v);
  if (dV) matmulF32TNBatch(Pd, dO, heads, Tq, Tk, dv, dV, accV);
  if (!(q.requiresGrad || q.backwardFn || k.requiresGrad || k.backwardFn)) return;
  const [dP, dS] = scratchOf(P.length);
  // dP = dO Vᵀ (⊙ M), then dS = s · P ⊙ (dP − Σ dP ⊙ P)
  matmulF32NTBatch(dO, v.data, heads, Tq, dv, Tk, dP);
  if (M) for (let i = 0; i < dP.length; i++) dP[i]! *= M[i]!;
  ew.softmaxBackward(P, dP, dS, heads * Tq, Tk, Tq, causal, s, false);
  const [dQ, accQ] = gradSlot(q);
  if (dQ) matmulF32Batch(dS, k.data, heads, Tq, Tk, d, dQ, accQ);
  const [dK, accK] = gradSlot(k);
  if (dK) matmulF32TNBatch(dS, q.data, heads, Tq, Tk, d, dK, accK);
}

/**
 * softmax(q kᵀ·scale + masks) v over the last two axes of q (…, Tq, d), k (…, Tk, d), v (…, Tk, dv)
 * with the same leading axes (B, h): → (…, Tq, dv), and the weights P (…, Tq, Tk) it kept. The
 * weights tensor shares the op's array: read it, do not change it.
 */
export function attentionWithWeights<T extends Floats>(
  q: Tensor<T>,
  k: Tensor<T>,
  v: Tensor<T>,
  options: AttentionOptions = {},
): { out: Tensor<T>; weights: Tensor<T> } {
  const dtype = dtypeOf('attention', q, k, v);
  const lead = q.shape.slice(0, -2);
  const same = (t: Tensor<Floats>) =>
    t.shape.length === q.shape.length && t.shape.slice(0, -2).join() === lead.join();
  if (q.shape.length < 3 || !same(k) || !same(v))
    throw new ValidationError(
      `attention: q ${JSON.stringify(q.shape)}, k ${JSON.stringify(k.shape)} and v ${JSON.stringify(v.shape)} need the same leading axes (B, h)`,
      'shape',
    );
  const [Tq, d] = q.shape.slice(-2) as [number, number];
  const [Tk, dk] = k.shape.slice(-2) as [number, number];
  const Tv = v.shape.at(-2)!;
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
  const perSequence = (lead.slice(1).reduce((a, b) => a * b, 1) || 1) * Tq * Tk;
  if (
    options.bias !== undefined &&
    options.bias.length !== perSequence &&
    options.bias.length !== B * perSequence
  )
    throw new ValidationError(
      `attention: bias needs ${perSequence} (heads × ${Tq} × ${Tk}) or ${B * perSequence} values, got ${options.bias.length}`,
      'bias',
    );
  if (dropout !== undefined && !(dropout.p >= 0 && dropout.p < 1))
    throw new ValidationError(`attention: dropout p must be in [0, 1), got ${dropout.p}`, 'dropout');
  if (dtype === 'float64') {
    // float64: autograd's ops in double precision (the same function and gradients)
    const scores = matmulNT(q, k);
    if (options.bias !== undefined) addBias(scores.data, options.bias, s);
    const weights = softmax(scores, {
      causal,
      scale: s,
      ...(keyMask === undefined ? {} : { keyMask }),
    });
    const kept = dropout && dropout.p > 0 ? dropoutOp(weights, dropout.p, dropout.rng) : weights;
    return { out: matmul(kept, v), weights: new Tensor(weights.data, weights.shape) };
  }
  return attention32(q as Tensor, k as Tensor, v as Tensor, lead, causal, s, options) as {
    out: Tensor<T>;
    weights: Tensor<T>;
  };
}

/** attentionWithWeights on float32 tensors (checked): the fused kernels or the products. */
function attention32(
  q: Tensor,
  k: Tensor,
  v: Tensor,
  lead: number[],
  causal: boolean,
  s: number,
  options: AttentionOptions,
): { out: Tensor; weights: Tensor } {
  const [Tq, d] = q.shape.slice(-2) as [number, number];
  const Tk = k.shape.at(-2)!;
  const dv = v.shape.at(-1)!;
  const { keyMask, dropout } = options;
  const B = lead[0]!;
  const heads = lead.reduce((a, b) => a * b, 1); // B·h products
  const rows = heads * Tq;
  const dropping = dropout !== undefined && dropout.p > 0;
  const fused = fusedNow();
  if (
    fused &&
    options.path !== 'products' &&
    options.bias === undefined &&
    !dropping &&
    Tk % 4 === 0 &&
    d % 16 === 0 &&
    dv === d
  ) {
    // one fused call each way (attention-f32.wat); (B, H) heads of contiguous (T × d) matrices
    const H = heads / B;
    const L: HeadLayout = {
      B,
      H,
      Tq,
      Tk,
      d,
      q: [H * Tq * d, Tq * d, d],
      k: [H * Tk * d, Tk * d, d],
      o: [H * Tq * d, Tq * d, d],
    };
    const P = allocF32(heads * Tq * Tk, false);
    const O = allocF32(heads * Tq * d, false);
    const mask = keyMask === undefined ? null : Float32Array.from(keyMask);
    if (fused.forward(q.data, k.data, v.data, L, causal, s, O, P, mask)) {
      const out = result(O, [...lead, Tq, d], [q, k, v], (o) => {
        // slots taken and filled in this order (q, k, v may be one tensor)
        const grads = [gradSlot(q), gradSlot(k), gradSlot(v)];
        fused.backward(q.data, k.data, v.data, o.grad!, P, L, causal, s, grads) ||
          productsBackward(q, k, v, o.grad!, P, P, null, heads, Tq, Tk, d, d, causal, s);
      });
      return { out, weights: new Tensor(P, [...lead, Tq, Tk]) };
    }
  }
  // P = softmax(q kᵀ·s): the scores are written into P and turned into weights in place
  const P = matmulF32NTBatch(q.data, k.data, heads, Tq, d, Tk, allocF32(heads * Tq * Tk, false));
  if (options.bias !== undefined) addBias(P, options.bias, s);
  if (keyMask === undefined) ew.softmaxForward(P, P, null, rows, Tk, Tq, causal, s);
  else maskedSoftmax(P, rows, Tk, Tq, causal, s, keyMask, rows / B);
  // with dropout the product (and dV) use P ⊙ M; the softmax's backward uses P
  const M = dropout && dropout.p > 0 ? dropoutMask(P.length, dropout.p, dropout.rng) : null;
  let Pd = P;
  if (M) {
    Pd = allocF32(P.length, false);
    for (let i = 0; i < P.length; i++) Pd[i] = P[i]! * M[i]!;
  }
  const O = matmulF32Batch(Pd, v.data, heads, Tq, Tk, dv, allocF32(heads * Tq * dv, false));
  const out = result(O, [...lead, Tq, dv], [q, k, v], (o) =>
    productsBackward(q, k, v, o.grad!, P, Pd, M, heads, Tq, Tk, d, dv, causal, s),
  );
  return { out, weights: new Tensor(P, [...lead, Tq, Tk]) };
}

/**
 * softmax(q kᵀ·scale + masks) v in one op: q (B, h, Tq, d), k (B, h, Tk, d), v (B, h, Tk, dv) →
 * (B, h, Tq, dv); differentiable in q, k and v. See attentionWithWeights for the weights too.
 */
export const attention = <T extends Floats>(
  q: Tensor<T>,
  k: Tensor<T>,
  v: Tensor<T>,
  options: AttentionOptions = {},
): Tensor<T> => attentionWithWeights(q, k, v, options).out;

/**
 * Self-attention from one projection: qkv (B, T, 3·d_model) holds q, k and v side by side (x [Wq Wk
 * Wv]), each nHeads heads wide → the heads' outputs side by side (B, T, d_model), and the weights
 * (B, nHeads, T, T), read-only. Where the fused kernels apply (see AttentionOptions.path) the heads
 * are read and written in place in wasm memory: no copies to split them or merge them back. Else
 * the same as splitHeads, attentionWithWeights and swapAxes12.
 */
export function selfAttentionWithWeights<T extends Floats>(
  qkv: Tensor<T>,
  nHeads: number,
  options: AttentionOptions = {},
): { out: Tensor<T>; weights: Tensor<T> } {
  const [B, T, width] = qkv.shape as [number, number, number];
  const D = width / 3;
  const d = D / nHeads;
  if (qkv.shape.length !== 3 || !Number.isInteger(D) || !Number.isInteger(d) || d < 1)
    throw new ValidationError(
      `selfAttention: ${nHeads} heads of q, k and v do not divide shape ${JSON.stringify(qkv.shape)}`,
      'shape',
    );
  const causal = options.causal === true;
  const s = options.scale ?? 1 / Math.sqrt(d);
  const { keyMask } = options;
  // (a keyMask of another length goes to attentionWithWeights, which says so)
  const plain =
    (keyMask === undefined || keyMask.length === B * T) &&
    !(options.dropout && options.dropout.p > 0) &&
    options.bias === undefined;
  // float64 takes the ops below (splitHeads, attentionWithWeights' float64 path, swapAxes12)
  const x = qkv.dtype === 'float32' ? (qkv as Tensor<Floats> as Tensor) : null;
  const fused = x ? fusedNow() : null;
  if (
    fused &&
    x &&
    options.path !== 'products' &&
    plain &&
    T % 4 === 0 &&
    d % 16 === 0 &&
    s > 0 &&
    Number.isFinite(s) &&
    // the backward call's arrays fit wasm32 too
    4 * (3 * qkv.size + B * T * D + B * nHeads * T * T + d * T + T * T) < WASM_MAX_BYTES - 4096
  ) {
    const P = allocF32(B * nHeads * T * T, false);
    const O = allocF32(B * T * D, false);
    const mask = keyMask === undefined ? null : Float32Array.from(keyMask);
    if (fused.forwardPacked(x.data, B, nHeads, T, d, causal, s, O, P, mask)) {
      const out = result(O, [B, T, D], [x], (o) => {
        const [g, acc] = gradSlot(x);
        if (g && !fused.backwardPacked(x.data, o.grad!, P, B, nHeads, T, d, causal, s, g, acc))
          throw new ValidationError('selfAttention: the backward pass does not fit wasm32 memory', 'shape');
      });
      return { out, weights: new Tensor(P, [B, nHeads, T, T]) } as { out: Tensor<T>; weights: Tensor<T> };
    }
  }
  const [q, k, v] = [0, 1, 2].map((part) => splitHeads(qkv, nHeads, part, 3)) as [
    Tensor<T>,
    Tensor<T>,
    Tensor<T>,
  ];
  const { out, weights } = attentionWithWeights(q, k, v, options);
  return { out: reshape(swapAxes12(out), [B, T, D]), weights };
}

/** The heads of a cached attention step. */
export interface CachedAttentionHeads {
  /** Query heads: q and out hold nHeads · headSize values. */
  nHeads: number;
  /** Key/value heads (grouped-query attention when fewer): query head h reads kv head ⌊h / (nHeads / nKvHeads)⌋. @default nHeads */
  nKvHeads?: number;
  headSize: number;
  /** @default 1/√headSize */
  scale?: number;
  /**
   * Added to the scaled scores before the softmax, head h's for position t at bias[h · length + t]
   * (T5's relative position bias; −∞ hides a position). At least nHeads · length values.
   */
  bias?: ArrayLike<number>;
  /**
   * When given, receives the attention weights softmax_t(…) the step used, head h's for position t
   * at weights[h · length + t] (what a lesson's attention map shows). At least nHeads · length values.
   */
  weights?: Float32Array;
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
  const { nHeads, headSize, bias } = heads;
  const nKvHeads = heads.nKvHeads ?? nHeads;
  const kvDim = nKvHeads * headSize;
  if (
    !(Number.isInteger(length) && length >= 1) ||
    nKvHeads < 1 ||
    nHeads % nKvHeads !== 0 ||
    q.length < nHeads * headSize ||
    out.length < nHeads * headSize ||
    keys.length < length * kvDim ||
    values.length < length * kvDim ||
    (bias !== undefined && bias.length < nHeads * length) ||
    (heads.weights !== undefined && heads.weights.length < nHeads * length)
  )
    throw new ValidationError(
      `attendCached: ${nHeads} query heads over ${nKvHeads} kv heads of ${headSize} need q and out of ${nHeads * headSize} values, caches of ${length} × ${kvDim}${bias === undefined ? '' : ` and a bias of ${nHeads} × ${length}`}${heads.weights === undefined ? '' : ` and weights of ${nHeads} × ${length}`}`,
      'shape',
    );
  const scale = heads.scale ?? 1 / Math.sqrt(headSize);
  const att = scratch && scratch.length >= length ? scratch : new Float32Array(length);
  const kvMul = nHeads / nKvHeads;
  for (let h = 0; h < nHeads; h++) {
    const qh = h * headSize;
    const kvh = Math.floor(h / kvMul) * headSize;
    // scores_t = q_h · k_t · scale (+ bias_h,t)
    let max = Number.NEGATIVE_INFINITY;
    const bh = h * length;
    for (let t = 0; t < length; t++) {
      const kt = t * kvDim + kvh;
      let s = 0;
      for (let i = 0; i < headSize; i++) s += q[qh + i]! * keys[kt + i]!;
      att[t] = bias === undefined ? s * scale : s * scale + bias[bh + t]!;
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
    if (heads.weights) for (let t = 0; t < length; t++) heads.weights[bh + t] = att[t]! / sum;
  }
  return out;
}
