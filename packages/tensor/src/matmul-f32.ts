/**
 * Float32 matrix products for the autograd engine (autograd.ts): C = A B (forward), C = Aᵀ B
 * (weight gradients) and C = A Bᵀ (gradients sent back to the input), row-major Float32Arrays —
 * the float32 counterpart of matmul-f64.ts.
 *
 * Two implementations: the reference path in plain JavaScript below, and a fast path in WebAssembly
 * SIMD (matmul-f32.wat) that sums four output columns per f32x4 in float32 — with fused
 * multiply-adds (relaxed SIMD, matmul-f32-fma-wasm.ts) where the runtime compiles them (Node ≥ 22,
 * current browsers; `matmulF32Fused`), else with a multiply and an add (matmul-f32-wasm.ts, Node 20).
 * Both paths add the terms of every output element in index order, but JavaScript rounds its partial
 * sums to float32 only when it stores them and wasm at every operation, so they agree to float32
 * rounding (~1e-6 of Σ|a·b|), not bit for bit; matmul-f32.test.ts checks that on many shapes for
 * both modules. The wasm path is used when the runtime has WebAssembly SIMD (Node ≥ 16.4, current
 * browsers), the JavaScript one otherwise;
 * FIRTH_MATMUL=js in the environment forces JavaScript. With more than one thread (threads.ts'
 * `tensorThreads()`, Node only) large wasm products run on worker threads (matmul-f32-threads.ts),
 * with the same results bit for bit.
 *
 * Every product takes an optional `out` (written and returned; it must not overlap A or B) and a
 * flag `accumulate`: true adds the product to what `out` holds (C += A B), as backward passes add
 * into existing gradients.
 *
 *   matmulF32(new Float32Array([1, 2, 3, 4]), new Float32Array([5, 6, 7, 8]), 2, 2, 2)
 *   // Float32Array [19, 22, 43, 50]
 */
import { ValidationError } from '@firth/numeric';
import { engineMemory } from './engine.js';
import { MATMUL_F32_FMA_WASM_BASE64 } from './matmul-f32-fma-wasm.js';
import { MATMUL_F32_SHARED_FMA_WASM_BASE64 } from './matmul-f32-shared-fma-wasm.js';
import { MATMUL_F32_SHARED_WASM_BASE64 } from './matmul-f32-shared-wasm.js';
import { THREADED_MIN_PRODUCT, type ThreadedMatmulF32, threadedKernelsF32 } from './matmul-f32-threads.js';
import { MATMUL_F32_WASM_BASE64 } from './matmul-f32-wasm.js';
import { addMatmulJs, addMatmulNTJs, addMatmulTNJs } from './matmul-js.js';
import { tensorThreads } from './threads.js';
import { compileWasm, floatRegions, instantiateWasm, productRegions } from './wasm.js';

/** The three products, as both paths implement them. */
export interface MatmulF32Kernels {
  /** C (+)= A B: A (n, m), B (m, p) -> C (n, p). */
  matmul(
    A: Float32Array,
    B: Float32Array,
    n: number,
    m: number,
    p: number,
    C: Float32Array,
    acc: boolean,
  ): void;
  /** C = A B + bias: A (n, m), B (m, p), bias (p) added to every row -> C (n, p) — a linear layer. */
  matmulBias(
    A: Float32Array,
    B: Float32Array,
    bias: Float32Array,
    n: number,
    m: number,
    p: number,
    C: Float32Array,
  ): void;
  /** C (+)= Aᵀ B: A (n, m), B (n, p) -> C (m, p). */
  matmulTN(
    A: Float32Array,
    B: Float32Array,
    n: number,
    m: number,
    p: number,
    C: Float32Array,
    acc: boolean,
  ): void;
  /** C (+)= A Bᵀ: A (n, p), B (m, p) -> C (n, m). */
  matmulNT(
    A: Float32Array,
    B: Float32Array,
    n: number,
    p: number,
    m: number,
    C: Float32Array,
    acc: boolean,
  ): void;
  /** C_s (+)= A_s B_s for s < batch: the s-th (n, m), (m, p) and (n, p) matrices, one after another. */
  matmulBatch(
    A: Float32Array,
    B: Float32Array,
    batch: number,
    n: number,
    m: number,
    p: number,
    C: Float32Array,
    acc: boolean,
  ): void;
  /** C_s (+)= A_sᵀ B_s: A_s (n, m), B_s (n, p) -> C_s (m, p). */
  matmulTNBatch(
    A: Float32Array,
    B: Float32Array,
    batch: number,
    n: number,
    m: number,
    p: number,
    C: Float32Array,
    acc: boolean,
  ): void;
  /** C_s (+)= A_s B_sᵀ: A_s (n, p), B_s (m, p) -> C_s (n, m). */
  matmulNTBatch(
    A: Float32Array,
    B: Float32Array,
    batch: number,
    n: number,
    p: number,
    m: number,
    C: Float32Array,
    acc: boolean,
  ): void;
}

/** The s-th matrix of `size` floats of a batched operand. */
const at = (x: Float32Array, s: number, size: number): Float32Array => x.subarray(s * size, (s + 1) * size);

/** The reference path: C is zeroed first unless accumulating; a batch is a loop over its matrices. */
export const jsKernelsF32: MatmulF32Kernels = {
  matmul(A, B, n, m, p, C, acc) {
    if (!acc) C.fill(0, 0, n * p);
    addMatmulJs(A, B, n, m, p, C);
  },
  matmulBias(A, B, bias, n, m, p, C) {
    for (let i = 0; i < n; i++) C.set(bias.subarray(0, p), i * p);
    addMatmulJs(A, B, n, m, p, C);
  },
  matmulTN(A, B, n, m, p, C, acc) {
    if (!acc) C.fill(0, 0, m * p);
    addMatmulTNJs(A, B, n, m, p, C);
  },
  matmulNT(A, B, n, p, m, C, acc) {
    if (!acc) C.fill(0, 0, n * m);
    addMatmulNTJs(A, B, n, p, m, C);
  },
  matmulBatch(A, B, batch, n, m, p, C, acc) {
    if (!acc) C.fill(0, 0, batch * n * p);
    for (let s = 0; s < batch; s++) addMatmulJs(at(A, s, n * m), at(B, s, m * p), n, m, p, at(C, s, n * p));
  },
  matmulTNBatch(A, B, batch, n, m, p, C, acc) {
    if (!acc) C.fill(0, 0, batch * m * p);
    for (let s = 0; s < batch; s++) addMatmulTNJs(at(A, s, n * m), at(B, s, n * p), n, m, p, at(C, s, m * p));
  },
  matmulNTBatch(A, B, batch, n, p, m, C, acc) {
    if (!acc) C.fill(0, 0, batch * n * m);
    for (let s = 0; s < batch; s++) addMatmulNTJs(at(A, s, n * p), at(B, s, m * p), n, p, m, at(C, s, n * m));
  },
};

/** matmul-f32.wat's exports: addresses in bytes, sizes in elements, acc 0 or 1. */
export interface MatmulF32WasmExports {
  memory: { readonly buffer: ArrayBuffer; grow(pages: number): number };
  gemm(
    a: number,
    ar: number,
    ak: number,
    b: number,
    c: number,
    rows: number,
    len: number,
    cols: number,
    rb: number,
    acc: number,
    w: number,
  ): void;
  transpose(b: number, t: number, m: number, p: number): void;
  matmul(a: number, b: number, c: number, w: number, n: number, m: number, p: number, acc: number): void;
  matmulTN(a: number, b: number, c: number, w: number, n: number, m: number, p: number, acc: number): void;
  matmulNT(
    a: number,
    b: number,
    c: number,
    t: number,
    w: number,
    n: number,
    p: number,
    m: number,
    acc: number,
  ): void;
  matmulBatch(
    a: number,
    b: number,
    c: number,
    w: number,
    n: number,
    m: number,
    p: number,
    acc: number,
    batch: number,
  ): void;
  matmulTNBatch(
    a: number,
    b: number,
    c: number,
    w: number,
    n: number,
    m: number,
    p: number,
    acc: number,
    batch: number,
  ): void;
  matmulNTBatch(
    a: number,
    b: number,
    c: number,
    t: number,
    w: number,
    n: number,
    p: number,
    m: number,
    acc: number,
    batch: number,
  ): void;
}

/** Floats of scratch the kernels pack their panels into: 256 k × (cols + 8), see matmul-f32.wat's $gemm. */
const packFloats = (cols: number): number => 256 * (cols + 8);

/**
 * The fast path over one module instance: over the engine memory (engine.ts; `engine` true) an
 * operand that is an engine view (the arena's tensors) is passed by address and C written in place
 * when it is one; every other operand is copied into the memory above the arena's top (C too, when
 * accumulating), and C copied out. Over the module's own memory (no shared memory here, or
 * FIRTH_ARENA=off) every operand is copied in from 0 on and C out. The copies cost O(nm + mp + np)
 * against the product's O(nmp). After the operands: the scratch for Bᵀ (matmulNT) and the packed
 * panels. The memory grows to the largest product seen and stays that size.
 */
function wasmKernelsFrom(ex: MatmulF32WasmExports, engine: boolean): MatmulF32Kernels {
  const regions = floatRegions(engine ? null : ex.memory);
  /** The first `size` floats of x (x itself when that is all of it). */
  const first = (x: Float32Array, size: number) => (x.length === size ? x : x.subarray(0, size));
  /** A product's regions (wasm.ts's productRegions); null when too large for wasm32. */
  const load = productRegions(regions);
  return {
    matmul(A, B, n, m, p, C, acc) {
      const r = load(A, B, C, [n * m, m * p, n * p], acc, [packFloats(p)]);
      if (!r) return jsKernelsF32.matmul(A, B, n, m, p, C, acc);
      const [a, b, c, w] = r.at as [number, number, number, number];
      ex.matmul(a, b, c, w, n, m, p, acc ? 1 : 0);
      r.out(2, first(C, n * p));
    },
    matmulBias(A, B, bias, n, m, p, C) {
      const r = n === 0 ? null : load(A, B, C, [n * m, m * p, n * p], false, [packFloats(p)]);
      if (!r) return jsKernelsF32.matmulBias(A, B, bias, n, m, p, C);
      const [a, b, c, w] = r.at as [number, number, number, number];
      // C starts as the bias in every row (one row set, then doubled by copyWithin), the product adds to it
      const h = r.heap;
      const c4 = c / 4;
      h.set(bias.subarray(0, p), c4);
      for (let filled = p; filled < n * p; filled *= 2)
        h.copyWithin(c4 + filled, c4, c4 + Math.min(filled, n * p - filled));
      ex.matmul(a, b, c, w, n, m, p, 1);
      r.out(2, first(C, n * p));
    },
    matmulTN(A, B, n, m, p, C, acc) {
      const r = load(A, B, C, [n * m, n * p, m * p], acc, [packFloats(p)]);
      if (!r) return jsKernelsF32.matmulTN(A, B, n, m, p, C, acc);
      const [a, b, c, w] = r.at as [number, number, number, number];
      ex.matmulTN(a, b, c, w, n, m, p, acc ? 1 : 0);
      r.out(2, first(C, m * p));
    },
    matmulNT(A, B, n, p, m, C, acc) {
      // t: room for Bᵀ (p, m)
      const r = load(A, B, C, [n * p, m * p, n * m], acc, [m * p, packFloats(m)]);
      if (!r) return jsKernelsF32.matmulNT(A, B, n, p, m, C, acc);
      const [a, b, c, t, w] = r.at as [number, number, number, number, number];
      ex.matmulNT(a, b, c, t, w, n, p, m, acc ? 1 : 0);
      r.out(2, first(C, n * m));
    },
    // the batched products: the matrices stay back to back, one call
    matmulBatch(A, B, batch, n, m, p, C, acc) {
      const r = load(A, B, C, [batch * n * m, batch * m * p, batch * n * p], acc, [packFloats(p)]);
      if (!r) return jsKernelsF32.matmulBatch(A, B, batch, n, m, p, C, acc);
      const [a, b, c, w] = r.at as [number, number, number, number];
      ex.matmulBatch(a, b, c, w, n, m, p, acc ? 1 : 0, batch);
      r.out(2, first(C, batch * n * p));
    },
    matmulTNBatch(A, B, batch, n, m, p, C, acc) {
      const r = load(A, B, C, [batch * n * m, batch * n * p, batch * m * p], acc, [packFloats(p)]);
      if (!r) return jsKernelsF32.matmulTNBatch(A, B, batch, n, m, p, C, acc);
      const [a, b, c, w] = r.at as [number, number, number, number];
      ex.matmulTNBatch(a, b, c, w, n, m, p, acc ? 1 : 0, batch);
      r.out(2, first(C, batch * m * p));
    },
    matmulNTBatch(A, B, batch, n, p, m, C, acc) {
      // t: room for one Bᵀ (p, m), reused by every matrix of the batch
      const r = load(A, B, C, [batch * n * p, batch * m * p, batch * n * m], acc, [m * p, packFloats(m)]);
      if (!r) return jsKernelsF32.matmulNTBatch(A, B, batch, n, p, m, C, acc);
      const [a, b, c, t, w] = r.at as [number, number, number, number, number];
      ex.matmulNTBatch(a, b, c, t, w, n, p, m, acc ? 1 : 0, batch);
      r.out(2, first(C, batch * n * m));
    },
  };
}

/**
 * matmul-f32.wat with fused multiply-adds (relaxed SIMD's f32x4.relaxed_madd: one instruction and
 * one rounding a term instead of two, and 6-row tiles where the plain module has 4 — ~15 % faster
 * on AMD Zen 4), or null where the runtime lacks relaxed SIMD (Node 20: the module does not compile).
 */
const compiledFma: object | null = compileWasm(MATMUL_F32_FMA_WASM_BASE64);

/**
 * Whether the wasm products fuse their multiply-adds (the relaxed-SIMD module compiled here); else
 * they round after every multiply and every add. Either way every term is added in index order.
 */
export const matmulF32Fused: boolean = compiledFma !== null;

/** The wasm path — the fused module where it compiles, else the plain one — or null where WebAssembly SIMD is missing. */
export const wasmKernelsF32: MatmulF32Kernels | null = (() => {
  // over the engine memory where there is one (the shared twin of the same module)
  const shared =
    engineMemory &&
    instantiateWasm<MatmulF32WasmExports>(
      (compiledFma && compileWasm(MATMUL_F32_SHARED_FMA_WASM_BASE64)) ??
        compileWasm(MATMUL_F32_SHARED_WASM_BASE64),
      { env: { memory: engineMemory } },
    );
  if (shared) return wasmKernelsFrom(shared, true);
  const ex = instantiateWasm<MatmulF32WasmExports>(compiledFma ?? compileWasm(MATMUL_F32_WASM_BASE64));
  return ex === null ? null : wasmKernelsFrom(ex, false);
})();

/**
 * The plain-SIMD kernels (unfused multiply-adds) whatever the runtime — what Node 20 runs; for the
 * tests and the benchmark, which compare the two modules. Null without WebAssembly SIMD.
 */
export const wasmKernelsF32Plain: MatmulF32Kernels | null = (() => {
  const shared =
    engineMemory &&
    instantiateWasm<MatmulF32WasmExports>(compileWasm(MATMUL_F32_SHARED_WASM_BASE64), {
      env: { memory: engineMemory },
    });
  if (shared) return wasmKernelsFrom(shared, true);
  const ex = instantiateWasm<MatmulF32WasmExports>(compileWasm(MATMUL_F32_WASM_BASE64));
  return ex === null ? null : wasmKernelsFrom(ex, false);
})();

/** Which path `matmulF32`, `matmulF32TN` and `matmulF32NT` take: 'wasm' when available unless FIRTH_MATMUL=js. */
export const matmulF32Backend: 'wasm' | 'js' =
  wasmKernelsF32 !== null && globalThis.process?.env?.FIRTH_MATMUL !== 'js' ? 'wasm' : 'js';
const oneThread = matmulF32Backend === 'wasm' ? wasmKernelsF32! : jsKernelsF32;

/** The worker pool for `tensorThreads()` threads (null: one thread, or no worker threads here). */
let pool: ThreadedMatmulF32 | null = null;
/** The thread count `pool` was made for (0: none yet). */
let poolThreads = 0;

/**
 * The kernels of this call: on the wasm path with `tensorThreads()` > 1 (threads.ts) the threaded
 * ones of matmul-f32-threads.ts — equal bit for bit, large products cut into bands over worker
 * threads, small ones left to `oneThread` — else `oneThread`. A new thread count replaces the pool.
 */
function current(): MatmulF32Kernels {
  if (matmulF32Backend !== 'wasm') return oneThread;
  const threads = tensorThreads();
  if (threads === 1) return oneThread;
  if (threads !== poolThreads) {
    void pool?.close();
    pool = threadedKernelsF32(threads, oneThread, THREADED_MIN_PRODUCT, matmulF32Fused);
    poolThreads = threads;
  }
  return pool ?? oneThread;
}

/**
 * The worker pool of this call's thread count (null: one thread, or no worker threads here): the
 * fused attention runs its large calls on it too (attention.ts).
 */
export function matmulF32Pool(): ThreadedMatmulF32 | null {
  const k = current();
  return k === oneThread ? null : (k as ThreadedMatmulF32);
}

/** Worker threads the products run on now, besides the caller (0 until a large product with `tensorThreads()` > 1). */
export function matmulF32Workers(): number {
  return pool?.started ?? 0;
}

/** Every product through `current()`. */
const kernels: MatmulF32Kernels = {
  matmul: (A, B, n, m, p, C, acc) => current().matmul(A, B, n, m, p, C, acc),
  matmulBias: (A, B, bias, n, m, p, C) => current().matmulBias(A, B, bias, n, m, p, C),
  matmulTN: (A, B, n, m, p, C, acc) => current().matmulTN(A, B, n, m, p, C, acc),
  matmulNT: (A, B, n, p, m, C, acc) => current().matmulNT(A, B, n, p, m, C, acc),
  matmulBatch: (A, B, batch, n, m, p, C, acc) => current().matmulBatch(A, B, batch, n, m, p, C, acc),
  matmulTNBatch: (A, B, batch, n, m, p, C, acc) => current().matmulTNBatch(A, B, batch, n, m, p, C, acc),
  matmulNTBatch: (A, B, batch, n, p, m, C, acc) => current().matmulNTBatch(A, B, batch, n, p, m, C, acc),
};

/** Checks the operands' lengths and returns `out` (or a new array of `size` zeros). */
function prepare(
  name: string,
  A: Float32Array,
  sizeA: number,
  B: Float32Array,
  sizeB: number,
  size: number,
  out: Float32Array | undefined,
  accumulate: boolean,
): Float32Array {
  if (A.length < sizeA || B.length < sizeB)
    throw new ValidationError(
      `${name}: needs ${sizeA} values of A and ${sizeB} of B, got ${A.length} and ${B.length}`,
      'shape',
    );
  if (out !== undefined && out.length < size)
    throw new ValidationError(`${name}: out holds ${out.length} values, the product ${size}`, 'shape');
  if (out === undefined && accumulate)
    throw new ValidationError(`${name}: accumulate needs an out array to add to`, 'out');
  return out ?? new Float32Array(size);
}

type Variant = 'matmul' | 'matmulTN' | 'matmulNT';
type Product = (
  A: Float32Array,
  B: Float32Array,
  d0: number,
  d1: number,
  d2: number,
  out?: Float32Array,
  accumulate?: boolean,
) => Float32Array;
type BatchedProduct = (
  A: Float32Array,
  B: Float32Array,
  batch: number,
  d0: number,
  d1: number,
  d2: number,
  out?: Float32Array,
  accumulate?: boolean,
) => Float32Array;

/** Sizes of A, B and C for each product, from its three dimensions in argument order. */
const SIZES: Record<Variant, (d0: number, d1: number, d2: number) => [number, number, number]> = {
  matmul: (n, m, p) => [n * m, m * p, n * p],
  matmulTN: (n, m, p) => [n * m, n * p, m * p],
  matmulNT: (n, p, m) => [n * p, m * p, n * m],
};

/** A checked public product over one set of kernels. */
function product(name: string, variant: Variant, ks: MatmulF32Kernels): Product {
  return (A, B, d0, d1, d2, out, accumulate = false) => {
    const [a, b, c] = SIZES[variant](d0, d1, d2);
    const C = prepare(name, A, a, B, b, c, out, accumulate);
    ks[variant](A, B, d0, d1, d2, C, accumulate);
    return C;
  };
}

/** The batched form: `batch` matrices of each operand one after another, one kernel call. */
function batchedProduct(name: string, variant: Variant): BatchedProduct {
  return (A, B, batch, d0, d1, d2, out, accumulate = false) => {
    const [a, b, c] = SIZES[variant](d0, d1, d2);
    const C = prepare(name, A, batch * a, B, batch * b, batch * c, out, accumulate);
    kernels[`${variant}Batch`](A, B, batch, d0, d1, d2, C, accumulate);
    return C;
  };
}

/**
 * C = A B: A (n, m), B (m, p) -> C (n, p); C[i,j] = Σ_k A[i,k] B[k,j]. With `accumulate`, C = out + A B.
 *
 *   matmulF32(new Float32Array([1, 2, 3, 4]), new Float32Array([5, 6, 7, 8]), 2, 2, 2)
 *   // Float32Array [19, 22, 43, 50]
 */
export const matmulF32: Product = product('matmulF32', 'matmul', kernels);

/**
 * C = Aᵀ B: A (n, m), B (n, p) -> C (m, p); C[k,j] = Σ_i A[i,k] B[i,j] — dW = Xᵀ dY.
 *
 *   matmulF32TN(new Float32Array([1, 2, 3, 4]), new Float32Array([5, 6, 7, 8]), 2, 2, 2)
 *   // Float32Array [26, 30, 38, 44]
 */
export const matmulF32TN: Product = product('matmulF32TN', 'matmulTN', kernels);

/**
 * C = A Bᵀ: A (n, p), B (m, p) -> C (n, m); C[i,k] = Σ_j A[i,j] B[k,j] — dX = dY Wᵀ.
 *
 *   matmulF32NT(new Float32Array([1, 2, 3, 4]), new Float32Array([5, 6, 7, 8]), 2, 2, 2)
 *   // Float32Array [17, 23, 39, 53]
 */
export const matmulF32NT: Product = product('matmulF32NT', 'matmulNT', kernels);

/**
 * `batch` products C_s = A_s B_s at once: A holds batch (n, m) matrices one after another, B batch
 * (m, p), C batch (n, p) — e.g. attention's per-head products. With `accumulate`, C += the products.
 * The same as matmulF32 on every matrix, in one call (one copy in and out of wasm memory).
 *
 *   matmulF32Batch(new Float32Array([1, 2, 3, 4, 1, 0, 0, 1]), new Float32Array([5, 6, 7, 8, 5, 6, 7, 8]), 2, 2, 2, 2)
 *   // Float32Array [19, 22, 43, 50, 5, 6, 7, 8]
 */
export const matmulF32Batch: BatchedProduct = batchedProduct('matmulF32Batch', 'matmul');

/** `batch` products C_s = A_sᵀ B_s: A batch (n, m), B batch (n, p) -> C batch (m, p). */
export const matmulF32TNBatch: BatchedProduct = batchedProduct('matmulF32TNBatch', 'matmulTN');

/** `batch` products C_s = A_s B_sᵀ: A batch (n, p), B batch (m, p) -> C batch (n, m). */
export const matmulF32NTBatch: BatchedProduct = batchedProduct('matmulF32NTBatch', 'matmulNT');

/**
 * C = A B + bias: A (n, m), B (m, p), bias (p values) added to every row of the product — a linear
 * layer in one call (the bias is laid into C in wasm memory and the product added to it).
 *
 *   matmulF32Bias(new Float32Array([1, 2, 3, 4]), new Float32Array([5, 6, 7, 8]), new Float32Array([1, -1]), 2, 2, 2)
 *   // Float32Array [20, 21, 44, 49]
 */
export function matmulF32Bias(
  A: Float32Array,
  B: Float32Array,
  bias: Float32Array,
  n: number,
  m: number,
  p: number,
  out?: Float32Array,
): Float32Array {
  const C = prepare('matmulF32Bias', A, n * m, B, m * p, n * p, out, false);
  if (bias.length < p)
    throw new ValidationError(`matmulF32Bias: the bias needs ${p} values, got ${bias.length}`, 'bias');
  kernels.matmulBias(A, B, bias, n, m, p, C);
  return C;
}

/** matmulF32 on the JavaScript path, whatever the backend (the reference the tests compare with). */
export const matmulF32Js: Product = product('matmulF32Js', 'matmul', jsKernelsF32);

/** matmulF32TN on the JavaScript path. */
export const matmulF32TNJs: Product = product('matmulF32TNJs', 'matmulTN', jsKernelsF32);

/** matmulF32NT on the JavaScript path. */
export const matmulF32NTJs: Product = product('matmulF32NTJs', 'matmulNT', jsKernelsF32);
