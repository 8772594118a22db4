/**
 * Training utilities for autograd.ts: AdamW (Loshchilov & Hutter 2019) and gradient clipping.
 *
 *   m ← β₁m + (1−β₁)g,   v ← β₂v + (1−β₂)g²
 *   θ ← θ − lr·(m̂ / (√v̂ + ε) + λθ),   m̂ = m/(1−β₁ᵗ), v̂ = v/(1−β₂ᵗ)        (decoupled weight decay λ)
 * The update runs in elementwise-f32.ts (WebAssembly SIMD, or its JavaScript reference); a float64
 * parameter keeps float64 moments and is updated by the JavaScript reference in double precision.
 */
import { ValidationError } from '@firth/numeric';
import type { Tensor } from './autograd.js';
import { elementwiseF32, type Floats, jsElementwise } from './elementwise-f32.js';

export interface AdamWOptions {
  /** @default 1e-3 */
  lr?: number;
  /** @default 0.9 */
  beta1?: number;
  /** @default 0.999 */
  beta2?: number;
  /** @default 1e-8 */
  eps?: number;
  /** λ, applied to every parameter given (pass biases and norms separately with 0). @default 0.01 */
  weightDecay?: number;
}

export class AdamW {
  private readonly m: Floats[];
  private readonly v: Floats[];
  private t = 0;
  readonly lr: number;
  private readonly o: Required<AdamWOptions>;

  constructor(
    readonly params: Tensor<Floats>[],
    options: AdamWOptions = {},
  ) {
    this.o = { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01, ...options };
    for (const [k, v] of Object.entries(this.o))
      if (!Number.isFinite(v) || v < 0)
        throw new ValidationError(`AdamW: ${k} must be a number ≥ 0, got ${v}`, k);
    this.lr = this.o.lr;
    const zeros = (p: Tensor<Floats>) =>
      p.dtype === 'float64' ? new Float64Array(p.size) : new Float32Array(p.size);
    this.m = params.map(zeros);
    this.v = params.map(zeros);
  }

  /** One update from the current gradients (a parameter without one is skipped); `lr` overrides the rate. */
  step(lr = this.o.lr): void {
    const { beta1, beta2, eps, weightDecay } = this.o;
    this.t++;
    const c1 = 1 - beta1 ** this.t;
    const c2 = 1 - beta2 ** this.t;
    for (const [k, p] of this.params.entries()) {
      const g = p.grad;
      if (!g) continue;
      if (p.data instanceof Float32Array)
        elementwiseF32.adamw(
          p.data,
          g as Float32Array,
          this.m[k] as Float32Array,
          this.v[k] as Float32Array,
          lr,
          beta1,
          beta2,
          eps,
          weightDecay,
          c1,
          c2,
        );
      else jsElementwise.adamw(p.data, g, this.m[k]!, this.v[k]!, lr, beta1, beta2, eps, weightDecay, c1, c2);
    }
  }

  zeroGrad(): void {
    for (const p of this.params) p.grad = null;
  }
}

/** Scales all gradients so that their global L2 norm is at most `maxNorm`; returns the norm before. */
export function clipGradNorm(params: Tensor<Floats>[], maxNorm: number): number {
  let ss = 0;
  for (const p of params) {
    const g = p.grad;
    if (g) for (let i = 0; i < g.length; i++) ss += g[i]! * g[i]!;
  }
  const norm = Math.sqrt(ss);
  if (norm > maxNorm)
    for (const p of params) {
      const g = p.grad;
      if (g) for (let i = 0; i < g.length; i++) g[i]! *= maxNorm / norm;
    }
  return norm;
}
