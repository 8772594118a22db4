// Test helper (not built into dist: tsconfig.build.json leaves out src/**/*.test-support.ts).
import { RandomState } from '@firth/numeric';
import { expect } from 'vitest';
import { matmul, reshape, Tensor } from './autograd.js';

/**
 * For L = Σ G ⊙ f(params) (G fixed random), every parameter's autograd gradient against central
 * differences (float32 storage: h = 2e-3, smaller drowns in rounding; tolerance 2e-3 relative to the scale).
 */
export function checkGradients(name: string, params: Tensor[], f: () => Tensor): void {
  const G = Tensor.randn(f().shape, new RandomState(5), 1);
  const loss = () => {
    const y = f();
    let s = 0;
    for (let i = 0; i < y.size; i++) s += y.data[i]! * G.data[i]!;
    return s;
  };
  for (const p of params) p.grad = null;
  const y = f();
  matmul(reshape(y, [1, y.size]), reshape(G, [y.size, 1])).backward();
  const h = 2e-3;
  for (const [k, p] of params.entries())
    for (let i = 0; i < p.size; i++) {
      const orig = p.data[i]!;
      p.data[i] = orig + h;
      const up = loss();
      p.data[i] = orig - h;
      const down = loss();
      p.data[i] = orig;
      const numeric = (up - down) / (2 * h);
      expect(Math.abs(numeric - p.grad![i]!), `${name}: param ${k}[${i}]`).toBeLessThan(
        2e-3 * Math.max(1, Math.abs(numeric)),
      );
    }
}
