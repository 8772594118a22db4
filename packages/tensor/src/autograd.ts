/**
 * A tensor autograd engine — micrograd's `engine.py` grown from scalars to float32 tensors: each
 * operation records how to send gradients back to its inputs, and `backward()` walks the graph in
 * reverse topological order (reverse-mode automatic differentiation, the "How Neural Networks
 * Learn" lesson applied to whole arrays). It is what the transformer models train on.
 *
 *   const W = Tensor.randn([4, 3], rng, 0.1, true);
 *   const loss = crossEntropy(matmul(x, W), targets);   // scalar tensor
 *   loss.backward();                                     // W.grad: ∂loss/∂W, shape [4, 3]
 *
 * Tensors are row-major Float32Arrays with a shape — or, with dtype 'float64', Float64Arrays: every
 * op here runs on both (float64's products in matmul-f64.ts, its elementwise kernels the JavaScript
 * reference path in double precision, stored unrounded; autograd-f64.test.ts checks each); an op
 * given both dtypes throws, and `t.to(dtype)` converts. Operations here work on the last two axes and
 * treat leading axes as a batch; each one's gradient rule is written beside it. Matrix products run
 * in WebAssembly SIMD (matmul-f32.ts), and so do GELU, softmax, LayerNorm, cross-entropy and bias
 * adds (elementwise-f32.ts) — each with a plain JavaScript reference path; the rest are simple loops.
 * Every rule is checked against finite differences in autograd.test.ts.
 *
 * Gradient buffers are made when the first gradient arrives: an op whose input has none yet may
 * hand it a new array (or, for add and reshape, its own output's gradient) instead of adding into
 * zeros — the backward passes of a transformer step mostly write each gradient once.
 */
import type { RandomState } from '@firth/numeric';
import { ValidationError } from '@firth/numeric';
import {
  type ElementwiseKernels,
  erf,
  elementwiseF32 as ew,
  type Floats,
  jsElementwise,
  tanh,
} from './elementwise-f32.js';

export { erf };

import { allocF32, arenaTrack } from './engine.js';
import {
  matmulF32,
  matmulF32Batch,
  matmulF32Bias,
  matmulF32NT,
  matmulF32NTBatch,
  matmulF32TN,
  matmulF32TNBatch,
} from './matmul-f32.js';
import { matmulF64, matmulF64NT, matmulF64TN } from './matmul-f64.js';

export type { Floats };

/** A tensor's element type: 'float32' (Float32Array data, the default) or 'float64' (Float64Array). */
export type DType = 'float32' | 'float64';

/** The array type of a dtype. */
export type ArrayOf<D extends DType> = D extends 'float64' ? Float64Array : Float32Array;

/** A zeroed array of n values of the dtype. */
/** float32: allocF32 (inside an arenaScope a view of the engine memory, engine.ts). */
const zerosOf = (dtype: DType, n: number): Floats =>
  dtype === 'float64' ? new Float64Array(n) : allocF32(n);

/**
 * n values of t's dtype for an op's output that its kernel writes whole before anything reads it:
 * inside an arenaScope not zeroed first (allocF32(n, false)); else as `like`.
 */
export const written = <A extends Floats>(t: Tensor<A>, n: number): A =>
  (t.dtype === 'float64' ? new Float64Array(n) : allocF32(n, false)) as A;

/** A zeroed array of n values of t's dtype (for ops here and in other files of this package). */
export const like = <A extends Floats>(t: Tensor<A>, n: number): A => zerosOf(t.dtype, n) as A;

const checkDType = (dtype: unknown): DType => {
  if (dtype !== 'float32' && dtype !== 'float64')
    throw new ValidationError(`dtype must be 'float32' or 'float64', got ${JSON.stringify(dtype)}`, 'dtype');
  return dtype;
};

let nextId = 0;

/**
 * A row-major array with a shape: float32 (Tensor, i.e. Tensor<Float32Array>) or float64
 * (Tensor<Float64Array>, made with dtype 'float64'). The dtype follows the data array.
 * (Exported as `Tensor`, whose constructor type gives a Float32Array's tensor the type Tensor.)
 */
class TensorImpl<A extends Floats = Float32Array> {
  readonly id = nextId++;
  grad: A | null = null;
  /** Sends this tensor's gradient to its parents (set by the op that made it). */
  backwardFn: (() => void) | null = null;
  parents: Tensor<Floats>[] = [];
  /** 'float64' when the data is a Float64Array, else 'float32'. */
  readonly dtype: DType;

  constructor(
    readonly data: A,
    readonly shape: number[],
    readonly requiresGrad = false,
  ) {
    const n = shape.reduce((a, b) => a * b, 1);
    if (n !== data.length)
      throw new ValidationError(
        `a tensor of shape ${JSON.stringify(shape)} needs ${n} values, got ${data.length}`,
        'shape',
      );
    this.dtype = data instanceof Float64Array ? 'float64' : 'float32';
  }

  static zeros<D extends DType = 'float32'>(
    shape: number[],
    requiresGrad = false,
    dtype: D = 'float32' as D,
  ): Tensor<ArrayOf<D>> {
    const data = zerosOf(
      checkDType(dtype),
      shape.reduce((a, b) => a * b, 1),
    ) as ArrayOf<D>;
    return new Tensor(data, shape, requiresGrad);
  }

  static from<D extends DType = 'float32'>(
    values: ArrayLike<number>,
    shape: number[],
    requiresGrad = false,
    dtype: D = 'float32' as D,
  ): Tensor<ArrayOf<D>> {
    const data = (
      checkDType(dtype) === 'float64' ? Float64Array.from(values) : Float32Array.from(values)
    ) as ArrayOf<D>;
    return new Tensor(data, shape, requiresGrad);
  }

  /** N(0, std²) entries from a seeded NumPy-compatible generator. */
  static randn<D extends DType = 'float32'>(
    shape: number[],
    rng: RandomState,
    std = 1,
    requiresGrad = false,
    dtype: D = 'float32' as D,
  ): Tensor<ArrayOf<D>> {
    const t = TensorImpl.zeros(shape, requiresGrad, dtype);
    for (let i = 0; i < t.data.length; i++) t.data[i] = std * rng.standardNormal();
    return t;
  }

  /**
   * This tensor's values as `dtype` — a new tensor (float64 → float32 rounds each value), or this
   * tensor itself when it has that dtype already. Differentiable: the gradient comes back converted
   * to this tensor's dtype. (A float32 model's parameters copied to float64, for a gradient check.)
   */
  to<D extends DType>(dtype: D): Tensor<ArrayOf<D>> {
    if (checkDType(dtype) === this.dtype) return this as unknown as Tensor<ArrayOf<D>>;
    const data = zerosOf(dtype, this.size) as ArrayOf<D>;
    data.set(this.data);
    return result(data, this.shape, [this], (out) => {
      const g = gradOf(this as Tensor<Floats>);
      if (!g) return;
      const dY = out.grad!;
      for (let i = 0; i < g.length; i++) g[i]! += dY[i]!;
    });
  }

  get size(): number {
    return this.data.length;
  }

  /** The single value of a one-element tensor. */
  item(): number {
    if (this.size !== 1)
      throw new ValidationError(`item() needs one value, the tensor has ${this.size}`, 'item');
    return this.data[0]!;
  }

  /** d(this)/d(leaf) for every leaf that requires a gradient; this must hold one value (a loss). */
  backward(): void {
    if (this.size !== 1) throw new ValidationError('backward() starts from a scalar (a loss)', 'backward');
    const order: Tensor<Floats>[] = [];
    const seen = new Set<number>();
    const visit = (t: Tensor<Floats>) => {
      if (seen.has(t.id)) return;
      seen.add(t.id);
      for (const p of t.parents) visit(p);
      order.push(t);
    };
    visit(this);
    if (this.grad === null) newGrad(this, like(this, 1));
    this.grad![0] = 1;
    // gradients are made when the first one arrives (gradOf, or an op handing over a new array);
    // a node nothing reached gets zeros before it runs, and so does a leaf at the end
    for (let i = order.length - 1; i >= 0; i--) {
      const t = order[i]!;
      if (!t.backwardFn) continue;
      if (t.grad === null) newGrad(t, like(t, t.size));
      t.backwardFn();
    }
    for (const t of order) if (t.requiresGrad && t.grad === null) newGrad(t, like(t, t.size));
  }
}

/**
 * Gives t its first gradient buffer g; inside an arenaScope (engine.ts) t is remembered, so that the
 * scope's end takes back a gradient it allocated (t.grad = null) — a tensor made before the scope
 * (a parameter) never keeps a buffer the arena hands out again.
 */
function newGrad<A extends Floats>(t: Tensor<A>, g: A): void {
  t.grad = g;
  arenaTrack(t);
}

/**
 * Tensor's constructor: `new Tensor(data, shape, requiresGrad?)` is a Tensor (float32) for any
 * Float32Array, a Tensor<Float64Array> for a Float64Array.
 */
export interface TensorConstructor {
  new (data: Float32Array, shape: number[], requiresGrad?: boolean): Tensor<Float32Array>;
  new (data: Float64Array, shape: number[], requiresGrad?: boolean): Tensor<Float64Array>;
  new <A extends Floats>(data: A, shape: number[], requiresGrad?: boolean): Tensor<A>;
  /** (as a generic class's: `x instanceof Tensor` makes x a Tensor<any>, as before) */
  // biome-ignore lint/suspicious/noExplicitAny: what TypeScript gives a generic class's prototype
  readonly prototype: Tensor<any>;
  zeros: typeof TensorImpl.zeros;
  from: typeof TensorImpl.from;
  randn: typeof TensorImpl.randn;
}

/** A float32 tensor (Tensor) or a float64 one (Tensor<Float64Array>); see TensorImpl. */
export type Tensor<A extends Floats = Float32Array> = TensorImpl<A>;
export const Tensor = TensorImpl as unknown as TensorConstructor;

/**
 * The gradient buffer of t (created on first use), or null when nothing upstream needs it — what an
 * op's backward pass adds its input's gradient into. For ops written in other files of this package:
 * reach an input's gradient only through gradOf (t.grad may still be null: gradients are made when
 * the first one arrives), and only add into it (it may be the very buffer of another tensor's
 * gradient, handed over by add or reshape).
 */
export function gradOf<A extends Floats>(t: Tensor<A>): A | null {
  if (!t.requiresGrad && !t.backwardFn) return null;
  if (t.grad === null) newGrad(t, like(t, t.size));
  return t.grad!;
}

/** Whether gradients flow to t (it is a parameter, or made by an op from one). */
const needsGrad = (t: Tensor<Floats>): boolean => t.requiresGrad || t.backwardFn !== null;

/**
 * t's gradient buffer, made now when missing, and whether it held a gradient already (false: a
 * product may write it instead of adding to zeros); null when t needs none. For ops in other files
 * of this package (not exported from the package): take each input's slot just before writing it,
 * in order, so that an input passed twice is added to the second time.
 */
export function gradSlot<A extends Floats>(t: Tensor<A>): [A | null, boolean] {
  if (!needsGrad(t)) return [null, false];
  if (t.grad !== null) return [t.grad, true];
  newGrad(t, like(t, t.size));
  return [t.grad!, false];
}

/**
 * Gives t the gradient g when it has none yet (g becomes t's buffer: the caller must not change it
 * afterwards), or adds g to the one it has. Returns false when t needs no gradient.
 */
function sendGrad<A extends Floats>(t: Tensor<A>, g: A): boolean {
  if (!needsGrad(t)) return false;
  if (t.grad === null) newGrad(t, g);
  else {
    const d = t.grad;
    for (let i = 0; i < d.length; i++) d[i]! += g[i]!;
  }
  return true;
}

/** The result of an op: it needs a gradient when any input does. For ops written in other files of this package (not exported from the package). */
export function result<A extends Floats>(
  data: A,
  shape: number[],
  parents: Tensor<Floats>[],
  backward: (out: Tensor<A>) => void,
): Tensor<A> {
  const out = new Tensor(data, shape);
  if (parents.some((p) => p.requiresGrad || p.backwardFn)) {
    out.parents = parents;
    out.backwardFn = () => backward(out);
  }
  return out;
}

/**
 * The dtype shared by an op's tensors; a ValidationError naming the op and both dtypes when they
 * differ (an op never converts: Tensor.to does, on purpose).
 */
export function dtypeOf(op: string, ...ts: Tensor<Floats>[]): DType {
  const dtype = ts[0]!.dtype;
  for (const t of ts)
    if (t.dtype !== dtype)
      throw new ValidationError(
        `${op}: mixed dtypes ${dtype} and ${t.dtype} — convert one with .to('${dtype}') or .to('${t.dtype}')`,
        'dtype',
      );
  return dtype;
}

/** The elementwise kernels for a dtype: float32's (wasm or JavaScript), or the JavaScript ones in double precision. */
const kernelsOf = (dtype: DType): ElementwiseKernels<Floats> =>
  // (the float32 kernels only ever get float32 arrays: every op checks its inputs' dtypes first)
  dtype === 'float64' ? jsElementwise : (ew as ElementwiseKernels<Floats>);

/**
 * A product as matmul-f32.ts's: C (+)= op(A) op(B) from three sizes, into `out` (added to it with
 * `accumulate`) or a new array. Declared as a method: float32's and float64's products both fit.
 */
type Product = {
  p(A: Floats, B: Floats, d0: number, d1: number, d2: number, out?: Floats, accumulate?: boolean): Floats;
}['p'];
/** Its batched form (as matmulF32Batch's): `batch` products of matrices laid one after another. */
type Batched = {
  p(
    A: Floats,
    B: Floats,
    batch: number,
    d0: number,
    d1: number,
    d2: number,
    out?: Floats,
    accumulate?: boolean,
  ): Floats;
}['p'];
/** The products the ops use, with matmul-f32.ts's signatures. */
interface Products {
  matmul: Product;
  matmulNT: Product;
  matmulTN: Product;
  matmulBatch: Batched;
  matmulNTBatch: Batched;
  matmulTNBatch: Batched;
}

/** The float64 product `k` (matmul-f64.ts: wasm, or its JavaScript reference), written or added into `out`. */
const product64 =
  (k: typeof matmulF64) =>
  (
    A: Float64Array,
    B: Float64Array,
    d0: number,
    d1: number,
    d2: number,
    out?: Float64Array,
    accumulate = false,
  ) => {
    const R = k(A, B, d0, d1, d2);
    if (!out) return R;
    if (accumulate) for (let i = 0; i < R.length; i++) out[i]! += R[i]!;
    else out.set(R);
    return out;
  };
/** Its batched form: one product per matrix, on subarrays; `sizes` gives A's, B's and C's from the three sizes. */
const batched64 =
  (p: ReturnType<typeof product64>, sizes: (x: number, y: number, z: number) => [number, number, number]) =>
  (
    A: Float64Array,
    B: Float64Array,
    batch: number,
    d0: number,
    d1: number,
    d2: number,
    out?: Float64Array,
    accumulate = false,
  ) => {
    const [a, b, c] = sizes(d0, d1, d2);
    const C = out ?? new Float64Array(batch * c);
    const part = (X: Float64Array, size: number, s: number) => X.subarray(s * size, (s + 1) * size);
    for (let s = 0; s < batch; s++) p(part(A, a, s), part(B, b, s), d0, d1, d2, part(C, c, s), accumulate);
    return C;
  };
const mm64 = product64(matmulF64);
const nt64 = product64(matmulF64NT);
const tn64 = product64(matmulF64TN);
/** float64: matmul-f64.ts's products (sizes as matmul-f32.ts's: A B, A Bᵀ, Aᵀ B). */
const products64: Products = {
  matmul: mm64,
  matmulNT: nt64,
  matmulTN: tn64,
  matmulBatch: batched64(mm64, (n, m, p) => [n * m, m * p, n * p]),
  matmulNTBatch: batched64(nt64, (n, p, m) => [n * p, m * p, n * m]),
  matmulTNBatch: batched64(tn64, (n, m, p) => [n * m, n * p, m * p]),
};
/** float32: matmul-f32.ts's (WebAssembly SIMD, threads for large ones, or the JavaScript reference). */
const products32: Products = {
  matmul: matmulF32,
  matmulNT: matmulF32NT,
  matmulTN: matmulF32TN,
  matmulBatch: matmulF32Batch,
  matmulNTBatch: matmulF32NTBatch,
  matmulTNBatch: matmulF32TNBatch,
};
/** The products for a dtype: matmul-f32.ts's or matmul-f64.ts's. */
export const productsOf = (dtype: DType): Products => (dtype === 'float64' ? products64 : products32);

const lastTwo = (t: Tensor<Floats>): [number, number, number] => {
  if (t.shape.length < 2)
    throw new ValidationError(`expected at least 2 axes, got shape ${JSON.stringify(t.shape)}`, 'shape');
  const r = t.shape.at(-2)!;
  const c = t.shape.at(-1)!;
  return [t.size / (r * c), r, c];
};

/**
 * A @ B over the last two axes: A (…, n, m), B (m, p) shared, or B (…, m, p) with A's batch.
 *   dA = dC Bᵀ,   dB = Aᵀ dC (summed over the batch when B is shared)
 * The products run in matmul-f32.ts (WebAssembly SIMD when available); with B shared, the whole
 * batch is one product of (batch·n) rows, and with B batched one batched product (matmulF32Batch).
 */
export function matmul<T extends Floats>(A: Tensor<T>, B: Tensor<T>): Tensor<T> {
  const P = productsOf(dtypeOf('matmul', A, B));
  const [batch, n, m] = lastTwo(A);
  const [bBatch, m2, p] = lastTwo(B);
  if (m !== m2)
    throw new ValidationError(
      `matmul: ${JSON.stringify(A.shape)} @ ${JSON.stringify(B.shape)} — inner sizes ${m} and ${m2} differ`,
      'shape',
    );
  if (bBatch !== 1 && bBatch !== batch)
    throw new ValidationError(
      `matmul: batch of ${JSON.stringify(B.shape)} does not match ${JSON.stringify(A.shape)}`,
      'shape',
    );
  const shared = bBatch === 1;
  const C = written(A, batch * n * p);
  if (shared) P.matmul(A.data, B.data, batch * n, m, p, C);
  else P.matmulBatch(A.data, B.data, batch, n, m, p, C);
  return result(C, [...A.shape.slice(0, -1), p], [A, B], (out) => {
    const dC = out.grad!;
    // a gradient not made yet is written by the product (no zeros to add to)
    const [dA, accA] = gradSlot(A);
    const [dB, accB] = gradSlot(B); // after A's: A and B may be one tensor
    if (shared) {
      // dA (batch·n × m) += dC (batch·n × p) Bᵀ;  dB (m × p) += Aᵀ dC, the batch summed by the product
      if (dA) P.matmulNT(dC, B.data, batch * n, p, m, dA, accA);
      if (dB) P.matmulTN(A.data, dC, batch * n, m, p, dB, accB);
      return;
    }
    // per matrix: dA_s += dC_s B_sᵀ, dB_s += A_sᵀ dC_s — each a batched product (one wasm call)
    if (dA) P.matmulNTBatch(dC, B.data, batch, n, p, m, dA, accA);
    if (dB) P.matmulTNBatch(A.data, dC, batch, n, m, p, dB, accB);
  });
}

/**
 * A linear layer X W + b: X (…, m), W (m, p), b (p) → (…, p), the bias added inside the product
 * (matmulF32Bias: no separate add and no copy of the product for it).
 *   dX = dY Wᵀ,   dW = Xᵀ dY,   db = Σ dY over the rows
 */
export function linear<T extends Floats>(X: Tensor<T>, W: Tensor<T>, b: Tensor<T>): Tensor<T> {
  const dtype = dtypeOf('linear', X, W, b);
  const P = productsOf(dtype);
  const k = kernelsOf(dtype);
  const m = X.shape.at(-1)!;
  if (W.shape.length !== 2 || W.shape[0] !== m || b.size !== W.shape[1])
    throw new ValidationError(
      `linear: ${JSON.stringify(X.shape)} @ ${JSON.stringify(W.shape)} + ${JSON.stringify(b.shape)} do not fit`,
      'shape',
    );
  const p = W.shape[1]!;
  const rows = X.size / m;
  let C: T;
  if (dtype === 'float32')
    C = matmulF32Bias(
      X.data as Float32Array,
      W.data as Float32Array,
      b.data as Float32Array,
      rows,
      m,
      p,
      allocF32(rows * p, false),
    ) as T;
  else {
    // float64: the product, then the bias added to each row
    C = P.matmul(X.data, W.data, rows, m, p) as T;
    k.addRows(C, b.data, C);
  }
  return result(C, [...X.shape.slice(0, -1), p], [X, W, b], (out) => {
    const dY = out.grad!;
    const [dX, accX] = gradSlot(X);
    const [dW, accW] = gradSlot(W);
    if (dX) P.matmulNT(dY, W.data, rows, p, m, dX, accX);
    if (dW) P.matmulTN(X.data, dY, rows, m, p, dW, accW);
    const db = gradOf(b);
    if (db) k.colSum(dY, db);
  });
}

/**
 * A @ Bᵀ over the last two axes: A (…, n, p), B (…, m, p) with A's batch, or B (m, p) shared —
 * attention's scores q kᵀ without materialising kᵀ.
 *   dA = dC B,   dB = dCᵀ A (summed over the batch when B is shared)
 */
export function matmulNT<T extends Floats>(A: Tensor<T>, B: Tensor<T>): Tensor<T> {
  const P = productsOf(dtypeOf('matmulNT', A, B));
  const [batch, n, p] = lastTwo(A);
  const [bBatch, m, p2] = lastTwo(B);
  if (p !== p2)
    throw new ValidationError(
      `matmulNT: ${JSON.stringify(A.shape)} @ ${JSON.stringify(B.shape)}ᵀ — inner sizes ${p} and ${p2} differ`,
      'shape',
    );
  if (bBatch !== 1 && bBatch !== batch)
    throw new ValidationError(
      `matmulNT: batch of ${JSON.stringify(B.shape)} does not match ${JSON.stringify(A.shape)}`,
      'shape',
    );
  const shared = bBatch === 1;
  const C = written(A, batch * n * m);
  if (shared) P.matmulNT(A.data, B.data, batch * n, p, m, C);
  else P.matmulNTBatch(A.data, B.data, batch, n, p, m, C);
  return result(C, [...A.shape.slice(0, -1), m], [A, B], (out) => {
    const dC = out.grad!;
    const [dA, accA] = gradSlot(A);
    const [dB, accB] = gradSlot(B); // after A's: A and B may be one tensor
    if (shared) {
      // dA (batch·n × p) += dC (batch·n × m) B;  dB (m × p) += dCᵀ A
      if (dA) P.matmul(dC, B.data, batch * n, m, p, dA, accA);
      if (dB) P.matmulTN(dC, A.data, batch * n, m, p, dB, accB);
      return;
    }
    if (dA) P.matmulBatch(dC, B.data, batch, n, m, p, dA, accA);
    if (dB) P.matmulTNBatch(dC, A.data, batch, n, m, p, dB, accB);
  });
}

/** A + B with B broadcast over leading axes (B's shape a suffix of A's, e.g. a bias). d: dA = dC, dB = Σ dC */
export function add<T extends Floats>(A: Tensor<T>, B: Tensor<T>): Tensor<T> {
  const k = kernelsOf(dtypeOf('add', A, B));
  if (
    B.size === 0 ||
    A.size % B.size ||
    A.shape.slice(A.shape.length - B.shape.length).join() !== B.shape.join()
  )
    throw new ValidationError(
      `add: ${JSON.stringify(B.shape)} does not broadcast to ${JSON.stringify(A.shape)}`,
      'shape',
    );
  const C = like(A, A.size);
  k.addRows(A.data, B.data, C);
  return result(C, A.shape, [A, B], (out) => {
    const dC = out.grad!;
    // dA = dC: A takes dC itself when it has no gradient yet (dC is not read after this)
    const aTook = A.grad === null && A !== B && sendGrad(A, dC);
    if (!aTook) gradOf(A) && sendGrad(A, dC);
    if (!needsGrad(B)) return;
    if (B.size === A.size) sendGrad(B, aTook && B.grad === null ? (dC.slice() as T) : dC);
    else k.colSum(dC, gradOf(B)!);
  });
}

/** Elementwise f with derivative f' (of the input). d: dX = dY ⊙ f'(x) */
function unary<T extends Floats>(
  X: Tensor<T>,
  f: (x: number) => number,
  df: (x: number) => number,
): Tensor<T> {
  const x = X.data;
  const size = x.length;
  // a plain loop: TypedArray.prototype.map calls f through a builtin, several times slower
  const Y = like(X, size);
  for (let i = 0; i < size; i++) Y[i] = f(x[i]!);
  return result(Y, X.shape, [X], (out) => {
    const dX = gradOf(X);
    if (!dX) return;
    const dY = out.grad!;
    for (let i = 0; i < size; i++) dX[i]! += dY[i]! * df(x[i]!);
  });
}

export const relu = <T extends Floats>(X: Tensor<T>): Tensor<T> =>
  unary(
    X,
    (x) => Math.max(x, 0),
    (x) => (x > 0 ? 1 : 0),
  );

/**
 * GELU, GPT-2's tanh form: ½x(1 + tanh(√(2/π)(x + 0.044715x³))).
 *   d: dX = dY ⊙ (½(1 + t) + ½x(1 − t²)√(2/π)(1 + 3·0.044715x²)),  t = tanh(√(2/π)(x + 0.044715x³))
 * The backward pass computes t again (cheaper than keeping it); both run in elementwise-f32.ts.
 */
export function gelu<T extends Floats>(X: Tensor<T>): Tensor<T> {
  const k = kernelsOf(X.dtype);
  const Y = written(X, X.size);
  k.geluForward(X.data, Y);
  return result(Y, X.shape, [X], (out) => {
    const [dX, acc] = gradSlot(X);
    if (dX) k.geluBackward(X.data, out.grad!, dX, acc);
  });
}

/**
 * Softmax over the last axis, with optional masks on attention scores (…, Tq, Tk):
 *   causal — row i of each (T × T) block sees columns 0..i (a decoder);
 *   keyMask — (B × Tk) with 0 for padding keys, for X of shape (B, …, Tq, Tk): those columns get
 *   weight exactly 0 (BERT's attention_mask). A row with every key masked is all zeros.
 * `scale` s > 0 makes it softmax(s·X) (attention's 1/√d_head, fused).
 * d: dX = s · Y ⊙ (dY − Σ dY ⊙ Y)  (masked columns have Y = 0, so their gradient is 0)
 * Without a keyMask both passes run in elementwise-f32.ts.
 */
export function softmax<T extends Floats>(
  X: Tensor<T>,
  options: { causal?: boolean; keyMask?: ArrayLike<number>; scale?: number } = {},
): Tensor<T> {
  const k = kernelsOf(X.dtype);
  const c = X.shape.at(-1)!;
  const rows = X.size / c;
  const T = X.shape.at(-2) ?? 1;
  const causal = options.causal === true;
  const keyMask = options.keyMask;
  const s = options.scale ?? 1;
  if (!(s > 0 && Number.isFinite(s)))
    throw new ValidationError(`softmax: scale must be a finite number > 0, got ${s}`, 'scale');
  if (keyMask === undefined) {
    const Y = like(X, X.size);
    k.softmaxForward(X.data, Y, null, rows, c, T, causal, s);
    return result(Y, X.shape, [X], (out) => {
      const [dX, acc] = gradSlot(X);
      if (dX) k.softmaxBackward(Y, out.grad!, dX, rows, c, T, causal, s, acc);
    });
  }
  const B = X.shape[0]!;
  if (keyMask !== undefined && (X.shape.length < 3 || keyMask.length !== B * c))
    throw new ValidationError(
      `softmax: keyMask needs ${B} × ${c} entries for scores of shape ${JSON.stringify(X.shape)}, got ${keyMask.length}`,
      'keyMask',
    );
  const rowsPerBatch = rows / B;
  const x = X.data;
  const Y = like(X, X.size);
  for (let r = 0; r < rows; r++) {
    const o = r * c;
    const limit = causal ? (r % T) + 1 : c; // row i of a (T × T) block sees columns 0..i
    const mo = keyMask ? Math.floor(r / rowsPerBatch) * c : 0;
    const keep = (j: number) => keyMask === undefined || keyMask[mo + j] !== 0;
    let max = Number.NEGATIVE_INFINITY;
    for (let j = 0; j < limit; j++) if (keep(j)) max = Math.max(max, x[o + j]!);
    if (max === Number.NEGATIVE_INFINITY) continue; // every key masked: a zero row
    let sum = 0;
    for (let j = 0; j < limit; j++) {
      if (!keep(j)) continue;
      const e = Math.exp(s * (x[o + j]! - max));
      Y[o + j] = e;
      sum += e;
    }
    for (let j = 0; j < limit; j++) Y[o + j]! /= sum;
  }
  return result(Y, X.shape, [X], (out) => {
    const dX = gradOf(X);
    if (!dX) return;
    const dY = out.grad!;
    for (let r = 0; r < rows; r++) {
      const o = r * c;
      // masked columns (beyond limit, or padding keys) have Y = 0: their terms are zero
      const limit = causal ? (r % T) + 1 : c;
      let dot = 0;
      for (let j = 0; j < limit; j++) dot += dY[o + j]! * Y[o + j]!;
      for (let j = 0; j < limit; j++) dX[o + j]! += s * Y[o + j]! * (dY[o + j]! - dot);
    }
  });
}

/**
 * LayerNorm over the last axis with gain γ and bias β (shape [d]).
 *   dx = (1/σ̂)(g − mean(g) − x̂·mean(g ⊙ x̂)), g = dy ⊙ γ;  dγ = Σ dy ⊙ x̂;  dβ = Σ dy
 * Both passes run in elementwise-f32.ts. When no input needs a gradient (inference), x̂ and 1/σ̂
 * are not kept.
 */
export function layerNorm<T extends Floats>(
  X: Tensor<T>,
  gamma: Tensor<T>,
  beta: Tensor<T>,
  eps = 1e-5,
): Tensor<T> {
  const k = kernelsOf(dtypeOf('layerNorm', X, gamma, beta));
  const [d, rows] = layerNormShape('layerNorm', X, gamma, beta);
  const Y = written(X, X.size);
  if (![X, gamma, beta].some(needsGrad)) {
    k.layerNormForward(X.data, gamma.data, beta.data, Y, null, null, d, eps);
    return new Tensor(Y, X.shape);
  }
  const xhat = written(X, X.size);
  const inv = written(X, rows);
  k.layerNormForward(X.data, gamma.data, beta.data, Y, xhat, inv, d, eps);
  return result(Y, X.shape, [X, gamma, beta], (out) => {
    const [dX, acc] = gradSlot(X);
    k.layerNormBackward(out.grad!, gamma.data, xhat, inv, dX, gradOf(gamma), gradOf(beta), d, acc);
  });
}

/**
 * RMSNorm over the last axis with gain γ (shape [d]), no centring and no bias (Zhang & Sennrich
 * 2019; LLaMA and llama2.c):  y = γ ⊙ x / √(mean(x²) + eps).
 *   dx = (1/σ̂)(g − x̂·mean(g ⊙ x̂)), g = dy ⊙ γ;  dγ = Σ dy ⊙ x̂
 * Both passes run in elementwise-f32.ts. eps defaults to llama2.c's 1e-5.
 */
export function rmsNorm<T extends Floats>(X: Tensor<T>, gamma: Tensor<T>, eps = 1e-5): Tensor<T> {
  const k = kernelsOf(dtypeOf('rmsNorm', X, gamma));
  const d = X.shape.at(-1)!;
  if (gamma.size !== d) throw new ValidationError(`rmsNorm: γ needs ${d} values, got ${gamma.size}`, 'gamma');
  if (!(eps >= 0)) throw new ValidationError(`rmsNorm: eps must be a number ≥ 0, got ${eps}`, 'eps');
  const xhat = like(X, X.size);
  const inv = like(X, X.size / d);
  const Y = like(X, X.size);
  k.rmsNormForward(X.data, gamma.data, Y, xhat, inv, d, eps);
  return result(Y, X.shape, [X, gamma], (out) => {
    const [dX, acc] = gradSlot(X);
    k.rmsNormBackward(out.grad!, gamma.data, xhat, inv, dX, gradOf(gamma), d, acc);
  });
}

/** The last axis d and the row count of X, γ and β checked (d values each). */
function layerNormShape(
  op: string,
  X: Tensor<Floats>,
  gamma: Tensor<Floats>,
  beta: Tensor<Floats>,
): [number, number] {
  const d = X.shape.at(-1)!;
  if (gamma.size !== d || beta.size !== d)
    throw new ValidationError(`${op}: γ and β need ${d} values, got ${gamma.size} and ${beta.size}`, 'gamma');
  return [d, X.size / d];
}

/**
 * LayerNorm(X + R) — a post-norm block's residual add and its LayerNorm (BERT's) in one op, equal
 * bit for bit to layerNorm(add(X, R), γ, β): the sum is made and normalised inside the kernels'
 * memory (elementwise-f32.ts addLayerNormForward), without being copied out and back in.
 *   d: dS from LayerNorm's backward pass, then dX = dR = dS
 */
export function addLayerNorm<T extends Floats>(
  X: Tensor<T>,
  R: Tensor<T>,
  gamma: Tensor<T>,
  beta: Tensor<T>,
  eps = 1e-5,
): Tensor<T> {
  const k = kernelsOf(dtypeOf('addLayerNorm', X, R, gamma, beta));
  if (R.shape.join() !== X.shape.join())
    throw new ValidationError(
      `addLayerNorm: ${JSON.stringify(R.shape)} and ${JSON.stringify(X.shape)} differ`,
      'shape',
    );
  const [d, rows] = layerNormShape('addLayerNorm', X, gamma, beta);
  const Y = written(X, X.size);
  if (![X, R, gamma, beta].some(needsGrad)) {
    k.addLayerNormForward(X.data, R.data, gamma.data, beta.data, Y, null, null, d, eps);
    return new Tensor(Y, X.shape);
  }
  const xhat = written(X, X.size);
  const inv = written(X, rows);
  k.addLayerNormForward(X.data, R.data, gamma.data, beta.data, Y, xhat, inv, d, eps);
  return result(Y, X.shape, [X, R, gamma, beta], (out) => {
    const wantS = needsGrad(X) || needsGrad(R);
    const dS = wantS ? like(X, X.size) : null;
    k.layerNormBackward(out.grad!, gamma.data, xhat, inv, dS, gradOf(gamma), gradOf(beta), d, false);
    if (!dS) return;
    // dX = dS (handed over when X has no gradient yet), dR = dS (a copy when X took it)
    const xTook = X.grad === null && X !== R && sendGrad(X, dS);
    if (!xTook) needsGrad(X) && sendGrad(X, dS);
    if (needsGrad(R)) sendGrad(R, xTook && R.grad === null ? (dS.slice() as T) : dS);
  });
}

/** Rows of a table: E[ids] → (…ids, d). d: dE[id] += dY row (scatter-add). */
export function embedding<T extends Floats>(
  E: Tensor<T>,
  ids: ArrayLike<number>,
  shape: number[] = [ids.length],
): Tensor<T> {
  const [V, d] = E.shape as [number, number];
  const Y = like(E, ids.length * d);
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!;
    if (!Number.isInteger(id) || id < 0 || id >= V)
      throw new ValidationError(`embedding: id ${id} at ${i} is outside [0, ${V})`, 'ids');
    Y.set(E.data.subarray(id * d, (id + 1) * d), i * d);
  }
  return result(Y, [...shape, d], [E], (out) => {
    const dE = gradOf(E);
    if (!dE) return;
    for (let i = 0; i < ids.length; i++)
      for (let j = 0; j < d; j++) dE[ids[i]! * d + j]! += out.grad![i * d + j]!;
  });
}

/**
 * Mean cross-entropy of logits (N, C) against class ids (N): −(1/N) Σ log softmax(z_n)[y_n].
 *   d: dz = (softmax(z) − onehot(y)) / N
 */
export function crossEntropy<T extends Floats>(logits: Tensor<T>, targets: ArrayLike<number>): Tensor<T> {
  const k = kernelsOf(logits.dtype);
  const C = logits.shape.at(-1)!;
  const N = logits.size / C;
  if (targets.length !== N)
    throw new ValidationError(`crossEntropy: ${N} rows of logits but ${targets.length} targets`, 'targets');
  for (let n = 0; n < N; n++) {
    const y = targets[n]!;
    if (!Number.isInteger(y) || y < 0 || y >= C)
      throw new ValidationError(`crossEntropy: target ${y} at ${n} is not a class in [0, ${C})`, 'targets');
  }
  // P = softmax(z) per row, with each row's max and Σ e^(z − max): −log P[y] = max + log Σ − z[y]
  const P = like(logits, logits.size);
  const stats = like(logits, 2 * N);
  k.softmaxForward(logits.data, P, stats, N, C, 1, false, 1);
  let loss = 0;
  for (let n = 0; n < N; n++)
    loss += stats[2 * n]! + Math.log(stats[2 * n + 1]!) - logits.data[n * C + targets[n]!]!;
  const L = like(logits, 1);
  L[0] = loss / N;
  return result(L, [1], [logits], (out) => {
    if (!needsGrad(logits)) return;
    const g = out.grad![0]! / N;
    // dz = g (P − onehot(y)), handed over when the logits have no gradient yet
    const dZ = like(logits, P.length);
    for (let i = 0; i < P.length; i++) dZ[i] = g * P[i]!;
    for (let n = 0; n < N; n++) dZ[n * C + targets[n]!]! -= g;
    sendGrad(logits, dZ);
  });
}

/** Reinterprets the data with another shape (same size). d: reshaped back. */
export function reshape<T extends Floats>(X: Tensor<T>, shape: number[]): Tensor<T> {
  // the gradient is handed over (or added) as it is: the same values in the same order
  return result(X.data, shape, [X], (out) => {
    sendGrad(X, out.grad!);
  });
}

/**
 * Swaps axes 1 and 2 of a 4-D tensor: (B, T, h, d) ↔ (B, h, T, d) — splitting the model width into
 * heads and back. d: the same swap of the gradient.
 */
export function swapAxes12<A extends Floats>(X: Tensor<A>): Tensor<A> {
  const [B, T, H, D] = X.shape as [number, number, number, number];
  const x = X.data;
  const Y = like(X, X.size);
  // the D values at (b, t, h) sit at ((b·T + t)·H + h)·D in X and ((b·H + h)·T + t)·D in Y;
  // X is walked in order (src), Y's offset computed per row
  for (let b = 0, src = 0; b < B; b++)
    for (let t = 0; t < T; t++)
      for (let h = 0; h < H; h++, src += D) {
        const dst = ((b * H + h) * T + t) * D;
        for (let i = 0; i < D; i++) Y[dst + i] = x[src + i]!;
      }
  return result(Y, [B, H, T, D], [X], (out) => {
    const dX = gradOf(X);
    if (!dX) return;
    const dY = out.grad!;
    for (let b = 0, src = 0; b < B; b++)
      for (let t = 0; t < T; t++)
        for (let h = 0; h < H; h++, src += D) {
          const dst = ((b * H + h) * T + t) * D;
          for (let i = 0; i < D; i++) dX[src + i]! += dY[dst + i]!;
        }
  });
}

/**
 * Concatenation along the last axis: (…, c₀), (…, c₁), … → (…, Σcᵢ) — e.g. attention's Wq, Wk, Wv
 * side by side, so that one product makes q, k and v. d: each input gets its slice back.
 */
export function concatLast<T extends Floats>(parts: Tensor<T>[]): Tensor<T> {
  if (parts.length === 0) throw new ValidationError('concatLast: no tensors given', 'parts');
  dtypeOf('concatLast', ...parts);
  const lead = parts[0]!.shape.slice(0, -1);
  for (const t of parts)
    if (t.shape.length !== lead.length + 1 || t.shape.slice(0, -1).join() !== lead.join())
      throw new ValidationError(
        `concatLast: ${JSON.stringify(t.shape)} does not match ${JSON.stringify(parts[0]!.shape)} before the last axis`,
        'parts',
      );
  const widths = parts.map((t) => t.shape.at(-1)!);
  const c = widths.reduce((a, b) => a + b, 0);
  const rows = parts[0]!.size / widths[0]!;
  const Y = like(parts[0]!, rows * c);
  for (let k = 0, o = 0; k < parts.length; o += widths[k]!, k++) {
    const w = widths[k]!;
    const x = parts[k]!.data;
    for (let r = 0; r < rows; r++) Y.set(x.subarray(r * w, (r + 1) * w), r * c + o);
  }
  return result(Y, [...lead, c], parts, (out) => {
    const dY = out.grad!;
    for (let k = 0, o = 0; k < parts.length; o += widths[k]!, k++) {
      const dX = gradOf(parts[k]!);
      if (!dX) continue;
      const w = widths[k]!;
      for (let r = 0; r < rows; r++) for (let j = 0; j < w; j++) dX[r * w + j]! += dY[r * c + o + j]!;
    }
  });
}

/**
 * Heads of one part of X (B, T, parts·d): columns [part·d, (part + 1)·d) split into nHeads heads,
 * (B, nHeads, T, d/nHeads) — q, k or v from one fused projection, in one copy (no slice, reshape and
 * swapAxes12). d: written back into that part's columns of dX.
 */
export function splitHeads<A extends Floats>(X: Tensor<A>, nHeads: number, part = 0, parts = 1): Tensor<A> {
  const [B, T, width] = X.shape as [number, number, number];
  const d = width / parts;
  if (X.shape.length !== 3 || !Number.isInteger(d) || d % nHeads || part < 0 || part >= parts)
    throw new ValidationError(
      `splitHeads: part ${part} of ${parts}, ${nHeads} heads do not divide shape ${JSON.stringify(X.shape)}`,
      'shape',
    );
  const hd = d / nHeads;
  const x = X.data;
  const Y = like(X, B * T * d);
  // the hd values of (b, t, head h) sit at (b·T + t)·width + part·d + h·hd in X, ((b·H + h)·T + t)·hd in Y
  for (let b = 0; b < B; b++)
    for (let t = 0; t < T; t++) {
      const src = (b * T + t) * width + part * d;
      for (let h = 0; h < nHeads; h++) {
        const dst = ((b * nHeads + h) * T + t) * hd;
        const from = src + h * hd;
        for (let i = 0; i < hd; i++) Y[dst + i] = x[from + i]!; // (a loop: a subarray per head is slower)
      }
    }
  return result(Y, [B, nHeads, T, hd], [X], (out) => {
    const dX = gradOf(X);
    if (!dX) return;
    const dY = out.grad!;
    for (let b = 0; b < B; b++)
      for (let t = 0; t < T; t++) {
        const src = (b * T + t) * width + part * d;
        for (let h = 0; h < nHeads; h++) {
          const dst = ((b * nHeads + h) * T + t) * hd;
          for (let i = 0; i < hd; i++) dX[src + h * hd + i]! += dY[dst + i]!;
        }
      }
  });
}

/** Transpose of the last two axes. d: transposed back. */
export function transposeLast<T extends Floats>(X: Tensor<T>): Tensor<T> {
  const [batch, r, c] = lastTwo(X);
  const Y = like(X, X.size);
  for (let s = 0; s < batch; s++)
    for (let i = 0; i < r; i++)
      for (let j = 0; j < c; j++) Y[s * r * c + j * r + i] = X.data[s * r * c + i * c + j]!;
  return result(Y, [...X.shape.slice(0, -2), c, r], [X], (out) => {
    const dX = gradOf(X);
    if (!dX) return;
    for (let s = 0; s < batch; s++)
      for (let i = 0; i < r; i++)
        for (let j = 0; j < c; j++) dX[s * r * c + i * c + j]! += out.grad![s * r * c + j * r + i]!;
  });
}

/** X · s. d: dX = s dY */
export function scale<T extends Floats>(X: Tensor<T>, s: number): Tensor<T> {
  const x = X.data;
  const size = x.length;
  const Y = like(X, size);
  for (let i = 0; i < size; i++) Y[i] = x[i]! * s;
  return result(Y, X.shape, [X], (out) => {
    const dX = gradOf(X);
    const dY = out.grad!;
    if (dX) for (let i = 0; i < size; i++) dX[i]! += s * dY[i]!;
  });
}

/**
 * GELU, BERT's exact form: x Φ(x) = ½x(1 + erf(x/√2)).
 *   d: dX = dY ⊙ (Φ(x) + x φ(x)),  φ(x) = e^(−x²/2)/√(2π)
 * Both passes run in elementwise-f32.ts (WebAssembly SIMD, or its JavaScript reference); the backward
 * one computes Φ again from x.
 */
export function geluErfOp<T extends Floats>(X: Tensor<T>): Tensor<T> {
  const k = kernelsOf(X.dtype);
  const Y = written(X, X.size);
  k.geluErfForward(X.data, Y);
  return result(Y, X.shape, [X], (out) => {
    const [dX, acc] = gradSlot(X);
    if (dX) k.geluErfBackward(X.data, out.grad!, dX, acc);
  });
}

/** tanh (BERT's pooler). d: dX = dY ⊙ (1 − tanh²x) */
export const tanhOp = <T extends Floats>(X: Tensor<T>): Tensor<T> =>
  unary(X, tanh, (x) => {
    const t = tanh(x);
    return 1 - t * t;
  });

/**
 * Inverted dropout: each value is zeroed with probability p and the rest scaled by 1/(1 − p), so
 * the expected value is unchanged and inference needs no rescaling. d: the same mask and scale.
 */
export function dropout<T extends Floats>(X: Tensor<T>, p: number, rng: RandomState): Tensor<T> {
  if (!(p >= 0 && p < 1)) throw new ValidationError(`dropout: p must be in [0, 1), got ${p}`, 'p');
  if (p === 0) return X;
  const M = dropoutMask(X.size, p, rng, X.dtype);
  const Y = like(X, X.size);
  for (let i = 0; i < X.size; i++) Y[i] = X.data[i]! * M[i]!;
  return result(Y, X.shape, [X], (out) => {
    const dX = gradOf(X);
    if (!dX) return;
    const dY = out.grad!;
    for (let i = 0; i < X.size; i++) dX[i]! += dY[i]! * M[i]!;
  });
}

/**
 * Inverted dropout's multipliers: n values, each 0 with probability p, 1/(1 − p) otherwise. The bits
 * come from a fast 32-bit generator (mulberry32) seeded by `rng`: one draw from the Mersenne Twister
 * per call instead of one per value. (For ops in other files of this package, e.g. attention's
 * dropout on its weights.)
 */
export function dropoutMask(n: number, p: number, rng: RandomState): Float32Array;
export function dropoutMask(n: number, p: number, rng: RandomState, dtype: DType): Floats;
export function dropoutMask(n: number, p: number, rng: RandomState, dtype: DType = 'float32'): Floats {
  const keep = 1 / (1 - p);
  const M = zerosOf(dtype, n);
  let state = rng.randint(2 ** 31) >>> 0;
  const threshold = p * 2 ** 32;
  for (let i = 0; i < n; i++) {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const u = (t ^ (t >>> 14)) >>> 0;
    M[i] = u < threshold ? 0 : keep;
  }
  return M;
}

/** The last-axis slice [start, start + n) of every row: (…, c) → (…, n). d: scattered back. */
export function sliceLast<T extends Floats>(X: Tensor<T>, start: number, n: number): Tensor<T> {
  const c = X.shape.at(-1)!;
  if (start < 0 || n < 1 || start + n > c)
    throw new ValidationError(`sliceLast: [${start}, ${start + n}) is outside 0..${c}`, 'start');
  const rows = X.size / c;
  const Y = like(X, rows * n);
  for (let r = 0; r < rows; r++) Y.set(X.data.subarray(r * c + start, r * c + start + n), r * n);
  return result(Y, [...X.shape.slice(0, -1), n], [X], (out) => {
    const dX = gradOf(X);
    if (!dX) return;
    for (let r = 0; r < rows; r++)
      for (let j = 0; j < n; j++) dX[r * c + start + j]! += out.grad![r * n + j]!;
  });
}
