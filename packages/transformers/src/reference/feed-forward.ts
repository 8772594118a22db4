/**
 * The position-wise feed-forward network of a transformer block (course: "the exact same network
 * with each vector flowing through it separately"), three variants, each adding one idea — the
 * reference implementation with backward passes (plain arrays, float64).
 *
 *   ReLU   (Vaswani et al. 2017):  FFN(x) = max(0, x W1 + b1) W2 + b2
 *   GELU   (BERT, GPT-2):          FFN(x) = GELU(x W1 + b1) W2 + b2,
 *                                  GELU(a) = ½ a (1 + tanh(√(2/π) (a + 0.044715 a³)))   (GPT-2's tanh form)
 *   SwiGLU (Shazeer 2020; Llama):  FFN(x) = (SiLU(x W1) ⊙ (x W3)) W2,  SiLU(a) = a σ(a)   (no biases)
 */
import { ValidationError } from '@firth/numeric';
import { type Matrix, matmul, transpose } from './attention.js';

export type FeedForwardKind = 'relu' | 'gelu' | 'swiglu';

export interface FeedForwardWeights {
  /** d_model × d_ff */
  w1: Matrix;
  b1?: number[];
  /** d_ff × d_model */
  w2: Matrix;
  b2?: number[];
  /** SwiGLU's gate: d_model × d_ff */
  w3?: Matrix;
}

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

export const activations = {
  relu: (a: number) => Math.max(0, a),
  reluGrad: (a: number) => (a > 0 ? 1 : 0),
  gelu: (a: number) => 0.5 * a * (1 + Math.tanh(SQRT_2_OVER_PI * (a + 0.044715 * a ** 3))),
  /** d/da of the tanh GELU: ½(1 + t) + ½ a (1 − t²) √(2/π) (1 + 3·0.044715 a²), t = tanh(u) */
  geluGrad: (a: number) => {
    const t = Math.tanh(SQRT_2_OVER_PI * (a + 0.044715 * a ** 3));
    return 0.5 * (1 + t) + 0.5 * a * (1 - t * t) * SQRT_2_OVER_PI * (1 + 3 * 0.044715 * a * a);
  },
  silu: (a: number) => a / (1 + Math.exp(-a)),
  /** d/da a σ(a) = σ(a) (1 + a (1 − σ(a))) */
  siluGrad: (a: number) => {
    const s = 1 / (1 + Math.exp(-a));
    return s * (1 + a * (1 - s));
  },
};

const addBias = (m: Matrix, b?: number[]) => (b ? m.map((r) => r.map((v, j) => v + b[j]!)) : m);

interface Cache {
  h: Matrix; // pre-activation x W1 + b1
  g?: Matrix; // SwiGLU: x W3
  a: Matrix; // hidden after the activation (and gate)
}

function forwardWithCache(
  kind: FeedForwardKind,
  x: Matrix,
  w: FeedForwardWeights,
): { y: Matrix; cache: Cache } {
  if (kind === 'swiglu' && !w.w3) throw new ValidationError('SwiGLU needs the gate weights w3', 'w3');
  const h = addBias(matmul(x, w.w1), w.b1);
  let a: Matrix;
  let g: Matrix | undefined;
  if (kind === 'relu') a = h.map((r) => r.map(activations.relu));
  else if (kind === 'gelu') a = h.map((r) => r.map(activations.gelu));
  else if (kind === 'swiglu') {
    g = matmul(x, w.w3!);
    a = h.map((r, i) => r.map((v, j) => activations.silu(v) * g![i]![j]!));
  } else throw new ValidationError(`unknown feed-forward kind "${kind}": relu, gelu or swiglu`, 'kind');
  return { y: addBias(matmul(a, w.w2), w.b2), cache: g ? { h, g, a } : { h, a } };
}

export function feedForward(kind: FeedForwardKind, x: Matrix, w: FeedForwardWeights): Matrix {
  return forwardWithCache(kind, x, w).y;
}

/**
 * Backward: with dA the gradient at the hidden layer,
 *   dW2 = aᵀ dy, db2 = Σ dy, dA = dy W2ᵀ
 *   ReLU/GELU: dH = dA ⊙ f'(h);  SwiGLU: dH = dA ⊙ g ⊙ SiLU'(h), dG = dA ⊙ SiLU(h), dW3 = xᵀ dG
 *   dW1 = xᵀ dH, db1 = Σ dH, dx = dH W1ᵀ (+ dG W3ᵀ)
 */
export function feedForwardBackward(
  kind: FeedForwardKind,
  x: Matrix,
  w: FeedForwardWeights,
  dy: Matrix,
): { dx: Matrix; dW1: Matrix; db1: number[]; dW2: Matrix; db2: number[]; dW3?: Matrix } {
  const { cache } = forwardWithCache(kind, x, w);
  const colSum = (m: Matrix) => m[0]!.map((_, j) => m.reduce((s, r) => s + r[j]!, 0));
  const dW2 = matmul(transpose(cache.a), dy);
  const dA = matmul(dy, transpose(w.w2));
  let dH: Matrix;
  let dG: Matrix | undefined;
  if (kind === 'swiglu') {
    dH = dA.map((r, i) => r.map((d, j) => d * cache.g![i]![j]! * activations.siluGrad(cache.h[i]![j]!)));
    dG = dA.map((r, i) => r.map((d, j) => d * activations.silu(cache.h[i]![j]!)));
  } else {
    const grad = kind === 'relu' ? activations.reluGrad : activations.geluGrad;
    dH = dA.map((r, i) => r.map((d, j) => d * grad(cache.h[i]![j]!)));
  }
  const xt = transpose(x);
  let dx = matmul(dH, transpose(w.w1));
  if (dG) {
    const viaGate = matmul(dG, transpose(w.w3!));
    dx = dx.map((r, i) => r.map((v, j) => v + viaGate[i]![j]!));
  }
  return {
    dx,
    dW1: matmul(xt, dH),
    db1: colSum(dH),
    dW2,
    db2: colSum(dy),
    ...(dG ? { dW3: matmul(xt, dG) } : {}),
  };
}
