/**
 * Float64 matrix products (the MLP of @firth/neural trains on them): C = A B (forward), C = Aᵀ B (weight gradients) and
 * C = A Bᵀ (backpropagated deltas), row-major float64.
 *
 * Two implementations with bit-identical results: the reference path in plain JavaScript below, and
 * a fast path in WebAssembly SIMD (matmul-f64.wat, assembled into matmul-f64-wasm.ts by
 * scripts/build-wasm.mjs). Both sum every output element in index order from 0.0, exactly as the
 * textbook triple loop does; matmul-f64.test.ts proves they agree bit for bit. The wasm path is used
 * when the runtime has WebAssembly SIMD (Node ≥ 16.4, current browsers), the JavaScript one
 * otherwise; FIRTH_MATMUL=js in the environment forces JavaScript.
 */
import { MATMUL_F64_FMA_WASM_BASE64 } from './matmul-f64-fma-wasm.js';
import { MATMUL_F64_WASM_BASE64 } from './matmul-f64-wasm.js';
import { addMatmulJs, addMatmulNTJs, addMatmulTNJs } from './matmul-js.js';
import { compileWasm, instantiateWasm, WASM_MAX_BYTES } from './wasm.js';

/** The three products, as both paths implement them. */
export interface MatmulF64Kernels {
  /** C = A B: A (n, m), B (m, p) -> C (n, p). */
  matmul(A: Float64Array, B: Float64Array, n: number, m: number, p: number): Float64Array;
  /** C = Aᵀ B: A (n, m), B (n, p) -> C (m, p). */
  matmulTN(A: Float64Array, B: Float64Array, n: number, m: number, p: number): Float64Array;
  /** C = A Bᵀ: A (n, p), B (m, p) -> C (n, m). */
  matmulNT(A: Float64Array, B: Float64Array, n: number, p: number, m: number): Float64Array;
}

/* The reference path: matmul-js.ts's loops into a zeroed C — the textbook triple loop's sums, bit for bit. */
const matmulJs = (A: Float64Array, B: Float64Array, n: number, m: number, p: number): Float64Array => {
  const C = new Float64Array(n * p);
  addMatmulJs(A, B, n, m, p, C);
  return C;
};
const matmulTNJs = (A: Float64Array, B: Float64Array, n: number, m: number, p: number): Float64Array => {
  const C = new Float64Array(m * p);
  addMatmulTNJs(A, B, n, m, p, C);
  return C;
};
const matmulNTJs = (A: Float64Array, B: Float64Array, n: number, p: number, m: number): Float64Array => {
  const C = new Float64Array(n * m);
  addMatmulNTJs(A, B, n, p, m, C);
  return C;
};

/** The reference path. */
export const jsKernelsF64: MatmulF64Kernels = {
  matmul: matmulJs,
  matmulTN: matmulTNJs,
  matmulNT: matmulNTJs,
};

/** matmul-f64.wat's exports: addresses and strides in bytes, sizes in elements. */
interface WasmExports {
  memory: { readonly buffer: ArrayBuffer; grow(pages: number): number };
  matmul(a: number, b: number, c: number, n: number, m: number, p: number): void;
  matmulTN(a: number, b: number, c: number, n: number, m: number, p: number): void;
  matmulNT(a: number, b: number, c: number, t: number, n: number, p: number, m: number): void;
}

/**
 * The fast path: copy the operands into the module's memory (A, then B, then C, then the scratch),
 * run the kernel, copy C out. The copies cost O(nm + mp + np) against the product's O(nmp).
 */
function wasmKernelsFrom(ex: WasmExports): MatmulF64Kernels {
  let heap = new Float64Array(ex.memory.buffer);
  /** The memory as doubles, grown to hold at least `doubles`. */
  const reserve = (doubles: number): Float64Array => {
    const missing = doubles * 8 - ex.memory.buffer.byteLength;
    if (missing > 0) ex.memory.grow(Math.ceil(missing / 65536));
    // growing detaches the old buffer
    if (heap.buffer !== ex.memory.buffer) heap = new Float64Array(ex.memory.buffer);
    return heap;
  };
  return {
    matmul(A, B, n, m, p) {
      const [a, b, c] = [0, n * m, n * m + m * p];
      const end = c + n * p;
      if (end * 8 > WASM_MAX_BYTES) return matmulJs(A, B, n, m, p);
      const h = reserve(end);
      h.set(A.subarray(0, n * m), a);
      h.set(B.subarray(0, m * p), b);
      ex.matmul(a * 8, b * 8, c * 8, n, m, p);
      return h.slice(c, end);
    },
    matmulTN(A, B, n, m, p) {
      const [a, b, c] = [0, n * m, n * m + n * p];
      const end = c + m * p;
      if (end * 8 > WASM_MAX_BYTES) return matmulTNJs(A, B, n, m, p);
      const h = reserve(end);
      h.set(A.subarray(0, n * m), a);
      h.set(B.subarray(0, n * p), b);
      ex.matmulTN(a * 8, b * 8, c * 8, n, m, p);
      return h.slice(c, end);
    },
    matmulNT(A, B, n, p, m) {
      // t: room for Bᵀ (p, m)
      const [a, b, c, t] = [0, n * p, n * p + m * p, n * p + m * p + n * m];
      const end = t + m * p;
      if (end * 8 > WASM_MAX_BYTES) return matmulNTJs(A, B, n, p, m);
      const h = reserve(end);
      h.set(A.subarray(0, n * p), a);
      h.set(B.subarray(0, m * p), b);
      ex.matmulNT(a * 8, b * 8, c * 8, t * 8, n, p, m);
      return h.slice(c, c + n * m);
    },
  };
}

/** The compiled module, or null where WebAssembly SIMD is missing (the module then fails to compile). */
const compiled: object | null = compileWasm(MATMUL_F64_WASM_BASE64);

/** matmul-f64-fma.wat compiled, or null where relaxed SIMD is missing (Node 20: the module does not validate). */
const compiledFma: object | null = compiled === null ? null : compileWasm(MATMUL_F64_FMA_WASM_BASE64);

/** Whether fused products (`createF64Workspace(n, { fused: true })`) are available here. */
export const fusedF64Available: boolean = compiledFma !== null;

/** A fresh instance of the module (its own memory), or null without WebAssembly SIMD. */
function instantiate(): WasmExports | null {
  return instantiateWasm<WasmExports>(compiled);
}

/** The wasm path, or null where WebAssembly SIMD is missing. */
export const wasmKernelsF64: MatmulF64Kernels | null = (() => {
  const ex = instantiate();
  return ex === null ? null : wasmKernelsFrom(ex);
})();

/** matmul-f64.wat's elementwise exports (addresses in bytes, lengths in elements). */
interface WorkspaceExports extends WasmExports {
  tanh(x: number): number;
  biasAct(z: number, b: number, n: number, p: number, act: number): void;
  actDeriv(a: number, d: number, len: number, act: number): void;
  colMean(d: number, out: number, n: number, p: number): void;
  gatherRows(src: number, ix: number, dst: number, rows: number, cols: number): void;
  gradL2(g: number, w: number, len: number, alpha: number, n: number): void;
  sumSquares(w: number, len: number): number;
  sgdStep(theta: number, v: number, g: number, len: number, mu: number, eta: number, nesterov: number): void;
  adamStep(
    theta: number,
    m: number,
    v: number,
    g: number,
    len: number,
    b1: number,
    c1: number,
    b2: number,
    c2: number,
    eta: number,
    eps: number,
  ): void;
  sub(out: number, y: number, d: number, len: number): void;
}

/** Activations the workspace applies itself (logistic and softmax stay with the caller, on views). */
export type WorkspaceActivation = 'identity' | 'relu' | 'tanh';
const ACT = { identity: 0, relu: 1, tanh: 2, logistic: 3 } as const;

/**
 * Float64 data kept in one module instance's memory, and the kernels that work on it in place: the
 * three products of matmulF64* (same sums, bit for bit) and the elementwise steps of training an
 * MLP, so that a training step copies nothing in or out. Every array handed to a method must come
 * from `alloc` of the same workspace (it is a view of the module's memory). Each elementwise kernel
 * performs the operations of the JavaScript loop it stands for (documented per method) in the same
 * order, so results are bit-identical to that loop — except `tanh`, within 2 ulp of Math.tanh.
 */
export interface F64Workspace {
  /** Whether the products fuse each multiply-add (relaxed SIMD): then they are not bit-identical to
   * matmulF64* but round once per term, as OpenBLAS does. */
  readonly fused: boolean;
  /** A zeroed region of `length` doubles (16-byte aligned). Throws past the size reserved. */
  alloc(length: number): Float64Array;
  /** C = A B: A (n, m), B (m, p) -> C (n, p), as matmulF64. */
  matmul(A: Float64Array, B: Float64Array, C: Float64Array, n: number, m: number, p: number): void;
  /** C = Aᵀ B: A (n, m), B (n, p) -> C (m, p), as matmulF64TN. */
  matmulTN(A: Float64Array, B: Float64Array, C: Float64Array, n: number, m: number, p: number): void;
  /** C = A Bᵀ: A (n, p), B (m, p) -> C (n, m), as matmulF64NT; `scratch` holds Bᵀ (m·p doubles). */
  matmulNT(
    A: Float64Array,
    B: Float64Array,
    C: Float64Array,
    n: number,
    p: number,
    m: number,
    scratch: Float64Array,
  ): void;
  /** Z[i,j] = act(Z[i,j] + b[j]) on (n, p): ReLU as `z <= 0 ? 0 : z`, tanh ≈ Math.tanh (≤ 2 ulp). */
  biasAct(Z: Float64Array, b: Float64Array, n: number, p: number, act: WorkspaceActivation): void;
  /** D[i] *= f'(·) from the activation A = f(z), first `len` entries: relu `A == 0 ? 0 : D`,
   * tanh `D · (1 − A·A)`, logistic `(D · A) · (1 − A)`. */
  actDeriv(A: Float64Array, D: Float64Array, len: number, act: 'relu' | 'tanh' | 'logistic'): void;
  /** out[j] = (Σ_i D[i,j]) / n on (n, p), each sum from 0.0 over i ascending. */
  colMean(D: Float64Array, out: Float64Array, n: number, p: number): void;
  /** Row i of dst = row rows[i] of src, for i < rows.length; both have `cols` columns. */
  gatherRows(src: Float64Array, rows: Int32Array, dst: Float64Array, cols: number): void;
  /** A zeroed region of `length` 32-bit integers (for gatherRows' row numbers). */
  allocInt32(length: number): Int32Array;
  /** G[i] = (G[i] + alpha · W[i]) / n over G's length. */
  gradL2(G: Float64Array, W: Float64Array, alpha: number, n: number): void;
  /** Σ W[i]·W[i] from 0.0, left to right. */
  sumSquares(W: Float64Array): number;
  /** v = mu·v − eta·g; theta += nesterov ? mu·v − eta·g : v (over theta's length). */
  sgdStep(
    theta: Float64Array,
    v: Float64Array,
    g: Float64Array,
    mu: number,
    eta: number,
    nesterov: boolean,
  ): void;
  /** m = b1·m + (1 − b1)·g; v = b2·v + (1 − b2)·(g·g); theta += (−eta·m) / (sqrt(v) + eps). */
  adamStep(
    theta: Float64Array,
    m: Float64Array,
    v: Float64Array,
    g: Float64Array,
    b1: number,
    b2: number,
    eta: number,
    eps: number,
  ): void;
  /** D[i] = out[i] − Y[i], first `len` entries. */
  sub(out: Float64Array, Y: Float64Array, D: Float64Array, len: number): void;
}

/** The tanh of the workspace's kernels (exported for its test against Math.tanh), or null without wasm. */
export const wasmTanh: ((x: number) => number) | null = (() => {
  const ex = instantiate() as WorkspaceExports | null;
  return ex === null ? null : (x: number) => ex.tanh(x);
})();

/**
 * A workspace of `doubles` doubles in a new instance of matmul-f64.wat, or null where WebAssembly
 * SIMD is missing, FIRTH_MATMUL=js is set, or the size passes 2^30 bytes (callers then take their
 * JavaScript path). `fused`: the products come from matmul-f64-fma.wat (fused multiply-adds) where
 * the runtime has relaxed SIMD (`fusedF64Available`), else they stay exact.
 */
export function createF64Workspace(doubles: number, options: { fused?: boolean } = {}): F64Workspace | null {
  if (matmulF64Backend !== 'wasm' || globalThis.process?.env?.FIRTH_MATMUL === 'js') return null;
  if (doubles * 8 > WASM_MAX_BYTES) return null;
  const ex = instantiate() as WorkspaceExports | null;
  if (ex === null) return null;
  const bytes = doubles * 8 + 576;
  const missing = bytes - ex.memory.buffer.byteLength;
  if (missing > 0) ex.memory.grow(Math.ceil(missing / 65536));
  // the fused products share the instance's memory (they import it)
  let products: Pick<WasmExports, 'matmul' | 'matmulTN' | 'matmulNT'> = ex;
  if (options.fused)
    products = instantiateWasm<WasmExports>(compiledFma, { env: { memory: ex.memory } }) ?? ex;
  const memory = ex.memory.buffer;
  // bytes 0–511 hold the kernels' constants (matmul-f64.wat)
  let next = 64;
  /** The byte address of a view made by alloc. */
  const at = (x: Float64Array): number => {
    if (x.buffer !== memory) throw new RangeError('F64Workspace: the array is not one of this workspace');
    return x.byteOffset;
  };
  return {
    fused: products !== ex,
    alloc(length) {
      const start = next;
      next += (length + 1) & ~1; // keep 16-byte alignment
      if (next > doubles + 72) throw new RangeError(`F64Workspace: ${doubles} doubles reserved, all used`);
      return new Float64Array(memory, start * 8, length);
    },
    allocInt32(length) {
      const d = this.alloc(Math.ceil(length / 2));
      return new Int32Array(memory, d.byteOffset, length);
    },
    gatherRows(src, rows, dst, cols) {
      if (rows.buffer !== memory)
        throw new RangeError('F64Workspace: the array is not one of this workspace');
      ex.gatherRows(at(src), rows.byteOffset, at(dst), rows.length, cols);
    },
    matmul: (A, B, C, n, m, p) => products.matmul(at(A), at(B), at(C), n, m, p),
    matmulTN: (A, B, C, n, m, p) => products.matmulTN(at(A), at(B), at(C), n, m, p),
    matmulNT: (A, B, C, n, p, m, scratch) => products.matmulNT(at(A), at(B), at(C), at(scratch), n, p, m),
    biasAct: (Z, b, n, p, act) => ex.biasAct(at(Z), at(b), n, p, ACT[act]),
    actDeriv: (A, D, len, act) => ex.actDeriv(at(A), at(D), len, ACT[act]),
    colMean: (D, out, n, p) => ex.colMean(at(D), at(out), n, p),
    gradL2: (G, W, alpha, n) => ex.gradL2(at(G), at(W), G.length, alpha, n),
    sumSquares: (W) => ex.sumSquares(at(W), W.length),
    sgdStep: (theta, v, g, mu, eta, nesterov) =>
      ex.sgdStep(at(theta), at(v), at(g), theta.length, mu, eta, nesterov ? 1 : 0),
    adamStep: (theta, m, v, g, b1, b2, eta, eps) =>
      ex.adamStep(at(theta), at(m), at(v), at(g), theta.length, b1, 1 - b1, b2, 1 - b2, eta, eps),
    sub: (out, Y, D, len) => ex.sub(at(out), at(Y), at(D), len),
  };
}

/** Which path `matmulF64`, `matmulF64TN` and `matmulF64NT` take: 'wasm' when available unless FIRTH_MATMUL=js. */
export const matmulF64Backend: 'wasm' | 'js' =
  wasmKernelsF64 !== null && globalThis.process?.env?.FIRTH_MATMUL !== 'js' ? 'wasm' : 'js';
const kernels = matmulF64Backend === 'wasm' ? wasmKernelsF64! : jsKernelsF64;

/** C = A B: A (n, m), B (m, p) -> C (n, p); C[i,j] = Σ_k A[i,k] B[k,j], k ascending from 0.0. */
export const matmulF64: MatmulF64Kernels['matmul'] = kernels.matmul;
/** C = Aᵀ B: A (n, m), B (n, p) -> C (m, p); C[k,j] = Σ_i A[i,k] B[i,j], i ascending from 0.0. */
export const matmulF64TN: MatmulF64Kernels['matmulTN'] = kernels.matmulTN;
/** C = A Bᵀ: A (n, p), B (m, p) -> C (n, m); C[i,k] = Σ_j A[i,j] B[k,j], j ascending from 0.0. */
export const matmulF64NT: MatmulF64Kernels['matmulNT'] = kernels.matmulNT;
