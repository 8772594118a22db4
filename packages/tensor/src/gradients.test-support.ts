// Test helper (not built into dist: tsconfig.build.json leaves out src/**/*.test-support.ts).
import { RandomState } from '@firth/numeric';
import { expect } from 'vitest';
import { type DType, type Floats, matmul, reshape, Tensor } from './autograd.js';

export interface GradientCheckOptions {
  /** The dtype f's output and every parameter's gradient must have (checked); G is drawn in it. @default 'float32', unchecked */
  dtype?: DType;
  /** Central-difference step. @default 2e-3 (float32: smaller drowns in rounding) */
  h?: number;
  /** Tolerance relative to the scale, max(1, |numeric|). @default 2e-3 */
  tol?: number;
}

/**
 * For L = Σ G ⊙ f(params) (G fixed random), every parameter's autograd gradient against central
 * differences (float32 storage: h = 2e-3, smaller drowns in rounding; tolerance 2e-3 relative to the
 * scale). Float64 tests pass `dtype: 'float64'` with a smaller step and tolerance.
 */
export function checkGradients(
  name: string,
  params: Tensor<Floats>[],
  f: () => Tensor<Floats>,
  options: GradientCheckOptions = {},
): void {
  const { dtype, h = 2e-3, tol = 2e-3 } = options;
  const y0 = f();
  if (dtype !== undefined) {
    expect(y0.dtype, `${name}: output dtype`).toBe(dtype);
    expect(y0.data).toBeInstanceOf(dtype === 'float64' ? Float64Array : Float32Array);
  }
  const G = Tensor.randn(y0.shape, new RandomState(5), 1, false, dtype ?? 'float32');
  const loss = () => {
    const y = f();
    let s = 0;
    for (let i = 0; i < y.size; i++) s += y.data[i]! * G.data[i]!;
    return s;
  };
  for (const p of params) p.grad = null;
  const y = f();
  matmul(reshape(y, [1, y.size]), reshape(G, [y.size, 1])).backward();
  for (const [k, p] of params.entries()) {
    if (dtype !== undefined)
      expect(p.grad, `${name}: param ${k} grad dtype`).toBeInstanceOf(
        dtype === 'float64' ? Float64Array : Float32Array,
      );
    for (let i = 0; i < p.size; i++) {
      const orig = p.data[i]!;
      p.data[i] = orig + h;
      const up = loss();
      p.data[i] = orig - h;
      const down = loss();
      p.data[i] = orig;
      const numeric = (up - down) / (2 * h);
      expect(Math.abs(numeric - p.grad![i]!), `${name}: param ${k}[${i}]`).toBeLessThan(
        tol * Math.max(1, Math.abs(numeric)),
      );
    }
  }
}
