import { RandomState } from '@firth/numeric';
import { describe, expect, it } from 'vitest';
import type { Matrix } from './attention.js';
import { activations, type FeedForwardKind, feedForward, feedForwardBackward } from './feed-forward.js';
import { layerNorm, layerNormBackward, rmsNorm, rmsNormBackward } from './normalization.js';
import { addPositions, applyRope, applyRopeBackward, sinusoidalEncoding } from './positional-encoding.js';

const randn = (rng: RandomState, rows: number, cols: number): Matrix =>
  Array.from({ length: rows }, () => Array.from({ length: cols }, () => rng.standardNormal()));

/** L = Σ G ⊙ f(): checks every entry of `param` against the analytic gradient by central differences. */
function expectGradient(
  name: string,
  param: Matrix | number[],
  analytic: Matrix | number[],
  loss: () => number,
) {
  const h = 1e-6;
  const rows = (Array.isArray(param[0]) ? param : [param]) as number[][];
  const grads = (Array.isArray(analytic[0]) ? analytic : [analytic]) as number[][];
  for (const [i, row] of rows.entries())
    for (let j = 0; j < row.length; j++) {
      const orig = row[j]!;
      row[j] = orig + h;
      const up = loss();
      row[j] = orig - h;
      const down = loss();
      row[j] = orig;
      expect(Math.abs((up - down) / (2 * h) - grads[i]![j]!), `d${name}[${i}][${j}]`).toBeLessThan(1e-6);
    }
}
const dotAll = (A: Matrix, G: Matrix) =>
  A.reduce((s, r, i) => s + r.reduce((t, v, j) => t + v * G[i]![j]!, 0), 0);

describe('LayerNorm and RMSNorm', () => {
  const rng = new RandomState(0);
  const x = randn(rng, 3, 5);
  const gamma = randn(rng, 1, 5)[0]!;
  const beta = randn(rng, 1, 5)[0]!;
  const G = randn(rng, 3, 5);

  it('LayerNorm with γ = 1, β = 0 gives rows of mean 0 and variance 1 (up to ε)', () => {
    const y = layerNorm(x, [1, 1, 1, 1, 1], [0, 0, 0, 0, 0]);
    for (const row of y) {
      const mu = row.reduce((a, b) => a + b, 0) / 5;
      expect(mu).toBeCloseTo(0, 12);
      expect(row.reduce((a, b) => a + (b - mu) ** 2, 0) / 5).toBeCloseTo(1, 4);
    }
  });

  it('LayerNorm backward (x, γ, β) matches finite differences', () => {
    const g = layerNormBackward(x, gamma, G);
    const loss = () => dotAll(layerNorm(x, gamma, beta), G);
    expectGradient('x', x, g.dx, loss);
    expectGradient('γ', gamma, g.dGamma, loss);
    expectGradient('β', beta, g.dBeta!, loss);
  });

  it('RMSNorm: rows of root-mean-square 1 with γ = 1; backward matches finite differences', () => {
    for (const row of rmsNorm(x, [1, 1, 1, 1, 1], 0))
      expect(Math.sqrt(row.reduce((a, b) => a + b * b, 0) / 5)).toBeCloseTo(1, 12);
    const g = rmsNormBackward(x, gamma, G);
    const loss = () => dotAll(rmsNorm(x, gamma), G);
    expectGradient('x', x, g.dx, loss);
    expectGradient('γ', gamma, g.dGamma, loss);
  });
});

describe('feed-forward: ReLU, GELU, SwiGLU', () => {
  it("GELU is GPT-2's tanh form: GELU(1) = 0.841192, GELU(−1) = −0.158808", () => {
    expect(activations.gelu(1)).toBeCloseTo(0.841192, 6);
    expect(activations.gelu(-1)).toBeCloseTo(-0.158808, 6);
    expect(activations.silu(1)).toBeCloseTo(1 / (1 + Math.exp(-1)), 14);
  });

  for (const kind of ['relu', 'gelu', 'swiglu'] as FeedForwardKind[]) {
    it(`${kind}: backward for x and every weight matches finite differences`, () => {
      const rng = new RandomState(1);
      const x = randn(rng, 3, 4);
      const w = {
        w1: randn(rng, 4, 6),
        b1: kind === 'swiglu' ? undefined : randn(rng, 1, 6)[0]!,
        w2: randn(rng, 6, 4),
        b2: kind === 'swiglu' ? undefined : randn(rng, 1, 4)[0]!,
        w3: kind === 'swiglu' ? randn(rng, 4, 6) : undefined,
      };
      const G = randn(rng, 3, 4);
      const g = feedForwardBackward(kind, x, w, G);
      const loss = () => dotAll(feedForward(kind, x, w), G);
      expectGradient('x', x, g.dx, loss);
      expectGradient('W1', w.w1, g.dW1, loss);
      expectGradient('W2', w.w2, g.dW2, loss);
      if (w.b1) expectGradient('b1', w.b1, g.db1, loss);
      if (w.b2) expectGradient('b2', w.b2, g.db2, loss);
      if (w.w3) expectGradient('W3', w.w3, g.dW3!, loss);
    });
  }

  it('SwiGLU without w3 and an unknown kind are errors', () => {
    const w = { w1: [[1]], w2: [[1]] };
    expect(() => feedForward('swiglu', [[1]], w)).toThrow('SwiGLU needs the gate weights w3');
    expect(() => feedForward('tanh' as never, [[1]], w)).toThrow(/unknown feed-forward kind "tanh"/);
  });
});

describe('positional encodings', () => {
  it('sinusoidal: PE(pos, 2i) = sin(pos/10000^(2i/d)), PE(pos, 2i+1) = cos(…)', () => {
    const pe = sinusoidalEncoding(50, 8);
    expect(pe[0]).toEqual([0, 1, 0, 1, 0, 1, 0, 1]);
    expect(pe[1]![0]).toBeCloseTo(Math.sin(1), 15);
    expect(pe[3]![3]).toBeCloseTo(Math.cos(3 / 10000 ** (2 / 8)), 15);
    // added to the embeddings
    expect(addPositions([[1, 1, 1, 1, 1, 1, 1, 1]], pe)[0]).toEqual([1, 2, 1, 2, 1, 2, 1, 2]);
    expect(() => addPositions(randn(new RandomState(0), 60, 8), pe)).toThrow(
      '60 tokens but positions only for 50',
    );
    expect(() => sinusoidalEncoding(10, 7)).toThrow(/even d/);
  });

  it('RoPE: scores depend only on the relative position; norms are kept; backward is the inverse rotation', () => {
    const rng = new RandomState(2);
    const [q, k] = randn(rng, 2, 16);
    const score = (m: number, n: number) => {
      const qm = applyRope([q!], 8, m)[0]!;
      const kn = applyRope([k!], 8, n)[0]!;
      return qm.reduce((s, v, i) => s + v * kn[i]!, 0);
    };
    expect(score(7, 3)).toBeCloseTo(score(104, 100), 10);
    expect(score(7, 3)).not.toBeCloseTo(score(7, 4), 3);
    const x = randn(rng, 5, 16);
    const y = applyRope(x, 8, 2);
    for (const [i, row] of y.entries()) expect(Math.hypot(...row)).toBeCloseTo(Math.hypot(...x[i]!), 12);
    const back = applyRopeBackward(y, 8, 2);
    for (const [i, row] of back.entries())
      for (const [j, v] of row.entries()) expect(v).toBeCloseTo(x[i]![j]!, 12);
    expect(() => applyRope(x, 3)).toThrow('RoPE needs an even head size, got 3');
  });
});
