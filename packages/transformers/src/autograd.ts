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
 * Tensors are row-major Float32Arrays with a shape. Operations here work on the last two axes and
 * treat leading axes as a batch; each one's gradient rule is written beside it. Matrix products run
 * in WebAssembly SIMD (matmul-f32.ts, with a plain JavaScript reference); the other ops are simple
 * loops. Every rule is checked against finite differences in autograd.test.ts.
 */
import type { RandomState } from '@firth/numeric';
import { ValidationError } from '@firth/numeric';
import { matmulF32, matmulF32NT, matmulF32TN } from './matmul-f32.js';

let nextId = 0;

export class Tensor {
  readonly id = nextId++;
  grad: Float32Array | null = null;
  /** Sends this tensor's gradient to its parents (set by the op that made it). */
  backwardFn: (() => void) | null = null;
  parents: Tensor[] = [];

  constructor(
    readonly data: Float32Array,
    readonly shape: number[],
    readonly requiresGrad = false,
  ) {
    const n = shape.reduce((a, b) => a * b, 1);
    if (n !== data.length)
      throw new ValidationError(
        `a tensor of shape ${JSON.stringify(shape)} needs ${n} values, got ${data.length}`,
        'shape',
      );
  }

  static zeros(shape: number[], requiresGrad = false): Tensor {
    return new Tensor(new Float32Array(shape.reduce((a, b) => a * b, 1)), shape, requiresGrad);
  }

  static from(values: ArrayLike<number>, shape: number[], requiresGrad = false): Tensor {
    return new Tensor(Float32Array.from(values), shape, requiresGrad);
  }

  /** N(0, std²) entries from a seeded NumPy-compatible generator. */
  static randn(shape: number[], rng: RandomState, std = 1, requiresGrad = false): Tensor {
    const t = Tensor.zeros(shape, requiresGrad);
    for (let i = 0; i < t.data.length; i++) t.data[i] = std * rng.standardNormal();
    return t;
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
    const order: Tensor[] = [];
    const seen = new Set<number>();
    const visit = (t: Tensor) => {
      if (seen.has(t.id)) return;
      seen.add(t.id);
      for (const p of t.parents) visit(p);
      order.push(t);
    };
    visit(this);
    for (const t of order)
      if (t.grad === null && (t.requiresGrad || t.backwardFn)) t.grad = new Float32Array(t.size);
    this.grad![0] = 1;
    for (let i = order.length - 1; i >= 0; i--) order[i]!.backwardFn?.();
  }
}

/** The gradient buffer of t (created on first use), or null when nothing upstream needs it. */
function gradOf(t: Tensor): Float32Array | null {
  if (!t.requiresGrad && !t.backwardFn) return null;
  t.grad ??= new Float32Array(t.size);
  return t.grad;
}

/** The result of an op: it needs a gradient when any input does. */
function result(
  data: Float32Array,
  shape: number[],
  parents: Tensor[],
  backward: (out: Tensor) => void,
): Tensor {
  const out = new Tensor(data, shape);
  if (parents.some((p) => p.requiresGrad || p.backwardFn)) {
    out.parents = parents;
    out.backwardFn = () => backward(out);
  }
  return out;
}

const lastTwo = (t: Tensor): [number, number, number] => {
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
 * batch is one product of (batch·n) rows.
 */
export function matmul(A: Tensor, B: Tensor): Tensor {
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
  const C = new Float32Array(batch * n * p);
  // the s-th matrix of a batched operand
  const at = (x: Float32Array, s: number, size: number) => x.subarray(s * size, (s + 1) * size);
  if (shared) matmulF32(A.data, B.data, batch * n, m, p, C);
  else
    for (let s = 0; s < batch; s++)
      matmulF32(at(A.data, s, n * m), at(B.data, s, m * p), n, m, p, at(C, s, n * p));
  return result(C, [...A.shape.slice(0, -1), p], [A, B], (out) => {
    const dC = out.grad!;
    const dA = gradOf(A);
    const dB = gradOf(B);
    if (shared) {
      // dA (batch·n × m) += dC (batch·n × p) Bᵀ;  dB (m × p) += Aᵀ dC, the batch summed by the product
      if (dA) matmulF32NT(dC, B.data, batch * n, p, m, dA, true);
      if (dB) matmulF32TN(A.data, dC, batch * n, m, p, dB, true);
      return;
    }
    for (let s = 0; s < batch; s++) {
      const dCs = at(dC, s, n * p);
      if (dA) matmulF32NT(dCs, at(B.data, s, m * p), n, p, m, at(dA, s, n * m), true);
      if (dB) matmulF32TN(at(A.data, s, n * m), dCs, n, m, p, at(dB, s, m * p), true);
    }
  });
}

/** A + B with B broadcast over leading axes (B's shape a suffix of A's, e.g. a bias). d: dA = dC, dB = Σ dC */
export function add(A: Tensor, B: Tensor): Tensor {
  if (
    B.size === 0 ||
    A.size % B.size ||
    A.shape.slice(A.shape.length - B.shape.length).join() !== B.shape.join()
  )
    throw new ValidationError(
      `add: ${JSON.stringify(B.shape)} does not broadcast to ${JSON.stringify(A.shape)}`,
      'shape',
    );
  const C = new Float32Array(A.size);
  const nb = B.size;
  for (let i = 0; i < A.size; i++) C[i] = A.data[i]! + B.data[i % nb]!;
  return result(C, A.shape, [A, B], (out) => {
    const dC = out.grad!;
    const dA = gradOf(A);
    const dB = gradOf(B);
    for (let i = 0; i < A.size; i++) {
      if (dA) dA[i]! += dC[i]!;
      if (dB) dB[i % nb]! += dC[i]!;
    }
  });
}

/** Elementwise f with derivative f' (of the input). d: dX = dY ⊙ f'(x) */
function unary(X: Tensor, f: (x: number) => number, df: (x: number) => number): Tensor {
  const Y = X.data.map(f);
  return result(Y, X.shape, [X], (out) => {
    const dX = gradOf(X);
    if (!dX) return;
    for (let i = 0; i < X.size; i++) dX[i]! += out.grad![i]! * df(X.data[i]!);
  });
}

export const relu = (X: Tensor) =>
  unary(
    X,
    (x) => Math.max(x, 0),
    (x) => (x > 0 ? 1 : 0),
  );

const K = Math.sqrt(2 / Math.PI);
/** GELU, GPT-2's tanh form: ½x(1 + tanh(√(2/π)(x + 0.044715x³))) */
export const gelu = (X: Tensor) =>
  unary(
    X,
    (x) => 0.5 * x * (1 + Math.tanh(K * (x + 0.044715 * x ** 3))),
    (x) => {
      const t = Math.tanh(K * (x + 0.044715 * x ** 3));
      return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * K * (1 + 3 * 0.044715 * x * x);
    },
  );

/** Softmax over the last axis, with an optional causal mask on (…, T, T). d: dX = Y ⊙ (dY − Σ dY ⊙ Y) */
export function softmax(X: Tensor, options: { causal?: boolean } = {}): Tensor {
  const c = X.shape.at(-1)!;
  const rows = X.size / c;
  const T = X.shape.at(-2) ?? 1;
  const Y = new Float32Array(X.size);
  for (let r = 0; r < rows; r++) {
    const o = r * c;
    const limit = options.causal ? (r % T) + 1 : c; // row i of a (T × T) block sees columns 0..i
    let max = Number.NEGATIVE_INFINITY;
    for (let j = 0; j < limit; j++) max = Math.max(max, X.data[o + j]!);
    let sum = 0;
    for (let j = 0; j < limit; j++) {
      const e = Math.exp(X.data[o + j]! - max);
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
      let dot = 0;
      for (let j = 0; j < c; j++) dot += dY[o + j]! * Y[o + j]!;
      for (let j = 0; j < c; j++) dX[o + j]! += Y[o + j]! * (dY[o + j]! - dot);
    }
  });
}

/**
 * LayerNorm over the last axis with gain γ and bias β (shape [d]).
 *   dx = (1/σ̂)(g − mean(g) − x̂·mean(g ⊙ x̂)), g = dy ⊙ γ;  dγ = Σ dy ⊙ x̂;  dβ = Σ dy
 */
export function layerNorm(X: Tensor, gamma: Tensor, beta: Tensor, eps = 1e-5): Tensor {
  const d = X.shape.at(-1)!;
  if (gamma.size !== d || beta.size !== d)
    throw new ValidationError(
      `layerNorm: γ and β need ${d} values, got ${gamma.size} and ${beta.size}`,
      'gamma',
    );
  const rows = X.size / d;
  const xhat = new Float32Array(X.size);
  const inv = new Float64Array(rows);
  const Y = new Float32Array(X.size);
  for (let r = 0; r < rows; r++) {
    const o = r * d;
    let mu = 0;
    for (let j = 0; j < d; j++) mu += X.data[o + j]!;
    mu /= d;
    let v = 0;
    for (let j = 0; j < d; j++) v += (X.data[o + j]! - mu) ** 2;
    inv[r] = 1 / Math.sqrt(v / d + eps);
    for (let j = 0; j < d; j++) {
      xhat[o + j] = (X.data[o + j]! - mu) * inv[r]!;
      Y[o + j] = gamma.data[j]! * xhat[o + j]! + beta.data[j]!;
    }
  }
  return result(Y, X.shape, [X, gamma, beta], (out) => {
    const dY = out.grad!;
    const dX = gradOf(X);
    const dG = gradOf(gamma);
    const dB = gradOf(beta);
    for (let r = 0; r < rows; r++) {
      const o = r * d;
      let meanG = 0;
      let meanGX = 0;
      for (let j = 0; j < d; j++) {
        const g = dY[o + j]! * gamma.data[j]!;
        meanG += g;
        meanGX += g * xhat[o + j]!;
        if (dG) dG[j]! += dY[o + j]! * xhat[o + j]!;
        if (dB) dB[j]! += dY[o + j]!;
      }
      meanG /= d;
      meanGX /= d;
      if (dX)
        for (let j = 0; j < d; j++)
          dX[o + j]! += inv[r]! * (dY[o + j]! * gamma.data[j]! - meanG - xhat[o + j]! * meanGX);
    }
  });
}

/** Rows of a table: E[ids] → (…ids, d). d: dE[id] += dY row (scatter-add). */
export function embedding(E: Tensor, ids: ArrayLike<number>, shape: number[] = [ids.length]): Tensor {
  const [V, d] = E.shape as [number, number];
  const Y = new Float32Array(ids.length * d);
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
export function crossEntropy(logits: Tensor, targets: ArrayLike<number>): Tensor {
  const C = logits.shape.at(-1)!;
  const N = logits.size / C;
  if (targets.length !== N)
    throw new ValidationError(`crossEntropy: ${N} rows of logits but ${targets.length} targets`, 'targets');
  const P = new Float32Array(logits.size);
  let loss = 0;
  for (let n = 0; n < N; n++) {
    const o = n * C;
    let max = Number.NEGATIVE_INFINITY;
    for (let j = 0; j < C; j++) max = Math.max(max, logits.data[o + j]!);
    let sum = 0;
    for (let j = 0; j < C; j++) sum += Math.exp(logits.data[o + j]! - max);
    const y = targets[n]!;
    if (!Number.isInteger(y) || y < 0 || y >= C)
      throw new ValidationError(`crossEntropy: target ${y} at ${n} is not a class in [0, ${C})`, 'targets');
    loss -= logits.data[o + y]! - max - Math.log(sum);
    for (let j = 0; j < C; j++) P[o + j] = Math.exp(logits.data[o + j]! - max) / sum;
  }
  return result(Float32Array.of(loss / N), [1], [logits], (out) => {
    const dZ = gradOf(logits);
    if (!dZ) return;
    const g = out.grad![0]! / N;
    for (let n = 0; n < N; n++) {
      for (let j = 0; j < C; j++) dZ[n * C + j]! += g * P[n * C + j]!;
      dZ[n * C + targets[n]!]! -= g;
    }
  });
}

/** Reinterprets the data with another shape (same size). d: reshaped back. */
export function reshape(X: Tensor, shape: number[]): Tensor {
  return result(X.data, shape, [X], (out) => {
    const dX = gradOf(X);
    if (dX) for (let i = 0; i < X.size; i++) dX[i]! += out.grad![i]!;
  });
}

/**
 * Swaps axes 1 and 2 of a 4-D tensor: (B, T, h, d) ↔ (B, h, T, d) — splitting the model width into
 * heads and back. d: the same swap of the gradient.
 */
export function swapAxes12(X: Tensor): Tensor {
  const [B, T, H, D] = X.shape as [number, number, number, number];
  const Y = new Float32Array(X.size);
  const src = (b: number, t: number, h: number) => ((b * T + t) * H + h) * D;
  const dst = (b: number, t: number, h: number) => ((b * H + h) * T + t) * D;
  for (let b = 0; b < B; b++)
    for (let t = 0; t < T; t++)
      for (let h = 0; h < H; h++) Y.set(X.data.subarray(src(b, t, h), src(b, t, h) + D), dst(b, t, h));
  return result(Y, [B, H, T, D], [X], (out) => {
    const dX = gradOf(X);
    if (!dX) return;
    for (let b = 0; b < B; b++)
      for (let t = 0; t < T; t++)
        for (let h = 0; h < H; h++)
          for (let i = 0; i < D; i++) dX[src(b, t, h) + i]! += out.grad![dst(b, t, h) + i]!;
  });
}

/** Transpose of the last two axes. d: transposed back. */
export function transposeLast(X: Tensor): Tensor {
  const [batch, r, c] = lastTwo(X);
  const Y = new Float32Array(X.size);
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
export function scale(X: Tensor, s: number): Tensor {
  return result(
    X.data.map((v) => v * s),
    X.shape,
    [X],
    (out) => {
      const dX = gradOf(X);
      if (dX) for (let i = 0; i < X.size; i++) dX[i]! += s * out.grad![i]!;
    },
  );
}
