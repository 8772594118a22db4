import { RandomState } from '@firth/numeric';
import { describe, expect, it } from 'vitest';
import {
  add,
  addLayerNorm,
  concatLast,
  crossEntropy,
  dropout,
  embedding,
  erf,
  gelu,
  geluErfOp,
  layerNorm,
  linear,
  matmul,
  matmulNT,
  relu,
  reshape,
  rmsNorm,
  scale,
  sliceLast,
  softmax,
  splitHeads,
  swapAxes12,
  Tensor,
  tanhOp,
  transposeLast,
} from './autograd.js';
import { checkGradients } from './gradients.test-support.js';
import { AdamW, clipGradNorm } from './optim.js';

const rng = new RandomState(11);
const randn = (shape: number[], grad = true) => Tensor.randn(shape, rng, 1, grad);

describe('autograd: every op against finite differences', () => {
  it('matmul (shared and batched right side), add (bias broadcast), scale', () => {
    const A = randn([2, 3, 4]);
    const W = randn([4, 5]);
    const b = randn([5]);
    checkGradients('matmul+add', [A, W, b], () => scale(add(matmul(A, W), b), 0.5));
    const B = randn([2, 4, 2]);
    checkGradients('batched matmul', [A, B], () => matmul(A, B));
    checkGradients('linear', [A, W, b], () => linear(A, W, b));
    const ref = add(matmul(A, W), b).data;
    const lin = linear(A, W, b).data;
    for (let i = 0; i < lin.length; i++) expect(lin[i]).toBeCloseTo(ref[i]!, 5);
    expect(() => linear(A, W, randn([4]))).toThrow(/linear: \[2,3,4\] @ \[4,5\] \+ \[4\] do not fit/);
  });

  it("BERT's pieces: exact GELU, tanh, padding-key softmax, dropout, last-axis slices", () => {
    // erf against known values (Abramowitz & Stegun tables)
    expect(erf(0.5)).toBeCloseTo(0.5204998778, 6);
    expect(erf(-1.5)).toBeCloseTo(-0.9661051465, 6);
    const X = randn([2, 3, 4]);
    checkGradients('geluErf', [X], () => geluErfOp(X));
    checkGradients('tanh', [X], () => tanhOp(X));
    checkGradients('sliceLast', [X], () => sliceLast(X, 1, 2));
    // scores (B=2, h=1, Tq=3, Tk=4); batch 0 has 3 real keys, batch 1 has 2
    const S = randn([2, 1, 3, 4]);
    const keyMask = [1, 1, 1, 0, 1, 1, 0, 0];
    checkGradients('softmax keyMask', [S], () => softmax(S, { keyMask }));
    const Y = softmax(S, { keyMask });
    for (let r = 0; r < 6; r++) {
      const row = Array.from(Y.data.subarray(r * 4, r * 4 + 4));
      expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
      const b = r < 3 ? 0 : 1;
      row.forEach((v, j) => {
        if (keyMask[b * 4 + j] === 0) expect(v).toBe(0);
      });
    }
    expect(() => softmax(S, { keyMask: [1, 1] })).toThrow(/keyMask needs 2 × 4 entries/);
    // dropout: about p of the values zeroed, the rest scaled by 1/(1 − p); the gradient uses the same mask
    const big = Tensor.from(new Array(10000).fill(1), [10000], true);
    const D = dropout(big, 0.1, new RandomState(3));
    const zeros = D.data.filter((v) => v === 0).length;
    expect(zeros).toBeGreaterThan(900);
    expect(zeros).toBeLessThan(1100);
    expect(D.data.find((v) => v !== 0)).toBeCloseTo(1 / 0.9, 6);
    expect(() => dropout(big, 1, new RandomState(3))).toThrow(/p must be in \[0, 1\)/);
  });

  it('relu, gelu, softmax (plain and causal), layerNorm, rmsNorm, transposes, embedding', () => {
    const X = randn([2, 3, 3]);
    checkGradients('gelu', [X], () => gelu(X));
    checkGradients('relu', [X], () => relu(X));
    checkGradients('softmax', [X], () => softmax(X));
    checkGradients('causal softmax', [X], () => softmax(X, { causal: true }));
    const g = randn([3]);
    const bb = randn([3]);
    checkGradients('layerNorm', [X, g, bb], () => layerNorm(X, g, bb));
    checkGradients('rmsNorm', [X, g], () => rmsNorm(X, g));
    expect(() => rmsNorm(X, randn([4]))).toThrow(/rmsNorm: γ needs 3 values, got 4/);
    checkGradients('transposeLast', [X], () => transposeLast(X));
    const Y = randn([2, 3, 2, 2]);
    checkGradients('swapAxes12', [Y], () => swapAxes12(Y));
    const E = randn([5, 3]);
    checkGradients('embedding', [E], () => embedding(E, [4, 1, 1, 0], [2, 2]));
  });

  it('addLayerNorm: LN(x + r) — gradients, equal bit for bit to layerNorm(add(x, r)), x + x, and inference', () => {
    const rng = new RandomState(11);
    const X = Tensor.randn([2, 3, 8], rng, 1, true);
    const R = Tensor.randn([2, 3, 8], rng, 1, true);
    const g = Tensor.randn([8], rng, 1, true);
    const bb = Tensor.randn([8], rng, 1, true);
    checkGradients('addLayerNorm', [X, R, g, bb], () => addLayerNorm(X, R, g, bb));
    checkGradients('addLayerNorm x + x', [X, g, bb], () => addLayerNorm(X, X, g, bb));
    // the values and every gradient equal to the two ops' bit for bit
    const G = Tensor.randn([2, 3, 8], rng, 1);
    const grads = (f: () => Tensor) => {
      for (const p of [X, R, g, bb]) p.grad = null;
      const y = f();
      matmul(reshape(y, [1, y.size]), reshape(G, [y.size, 1])).backward();
      return [y.data, ...[X, R, g, bb].map((p) => p.grad!)].map((a) => Array.from(a));
    };
    expect(grads(() => addLayerNorm(X, R, g, bb))).toEqual(grads(() => layerNorm(add(X, R), g, bb)));
    // no gradient wanted: the same values, no backward pass recorded
    const frozen = (t: Tensor) => new Tensor(t.data, t.shape);
    const y = addLayerNorm(frozen(X), frozen(R), frozen(g), frozen(bb));
    expect(y.backwardFn).toBeNull();
    expect(Array.from(y.data)).toEqual(Array.from(layerNorm(add(X, R), g, bb).data));
    expect(() => addLayerNorm(X, Tensor.zeros([2, 3, 4]), g, bb)).toThrow(/differ/);
  });

  it('matmulNT (batched and shared right side), softmax with a scale', () => {
    const A = randn([2, 3, 4]);
    const B = randn([2, 5, 4]);
    checkGradients('matmulNT batched', [A, B], () => matmulNT(A, B));
    const W = randn([5, 4]);
    checkGradients('matmulNT shared', [A, W], () => matmulNT(A, W));
    // the same values as matmul with the transpose made explicitly
    const ref = matmul(A, transposeLast(B));
    const nt = matmulNT(A, B).data;
    for (let i = 0; i < nt.length; i++) expect(nt[i]).toBeCloseTo(ref.data[i]!, 5);
    const S = randn([2, 4, 4]);
    checkGradients('causal softmax, scale 0.5', [S], () => softmax(S, { causal: true, scale: 0.5 }));
    const plain = softmax(scale(S, 0.5), { causal: true });
    const fused = softmax(S, { causal: true, scale: 0.5 }).data;
    for (let i = 0; i < fused.length; i++) expect(fused[i]).toBeCloseTo(plain.data[i]!, 6);
    expect(() => softmax(S, { scale: 0 })).toThrow('softmax: scale must be a finite number > 0, got 0');
  });

  it('concatLast and splitHeads (one fused q, k, v projection split into heads)', () => {
    const A = randn([3, 2]);
    const B = randn([3, 4]);
    checkGradients('concatLast', [A, B], () => concatLast([A, B]));
    expect(Array.from(concatLast([A, B]).data.subarray(6, 12))).toEqual([
      A.data[2],
      A.data[3],
      ...Array.from(B.data.subarray(4, 8)),
    ]);
    // X (B 2, T 3, 3 parts × d 4), 2 heads of 2: part 1 is the same as slicing it and swapping axes
    const X = randn([2, 3, 12]);
    checkGradients('splitHeads', [X], () => splitHeads(X, 2, 1, 3));
    const ref = swapAxes12(reshape(sliceLast(X, 4, 4), [2, 3, 2, 2]));
    expect(splitHeads(X, 2, 1, 3).shape).toEqual([2, 2, 3, 2]);
    expect(Array.from(splitHeads(X, 2, 1, 3).data)).toEqual(Array.from(ref.data));
    expect(() => splitHeads(X, 5, 0, 3)).toThrow(/splitHeads: part 0 of 3, 5 heads/);
    expect(() => concatLast([A, randn([2, 2])])).toThrow(/concatLast/);
  });

  it('gradients handed over, not aliased wrongly: x + x, a reshaped leaf, a leaf used twice, an unused leaf', () => {
    const X = randn([2, 3]);
    const W = randn([3, 3]);
    const unused = randn([2]);
    checkGradients('x + x', [X], () => add(X, X));
    checkGradients('reshape of a leaf, used twice', [X, W], () =>
      add(matmul(reshape(X, [3, 2]), reshape(X, [2, 3])), matmul(W, W)),
    );
    // the residual pattern: y = x + f(x), z = y + g(y)
    checkGradients('residuals', [X, W], () => {
      const y = add(X, matmul(X, W));
      return add(y, gelu(matmul(y, W)));
    });
    const L = matmul(reshape(X, [1, 6]), reshape(X, [6, 1]));
    X.grad = null;
    unused.grad = null;
    L.backward();
    // d(Σx²)/dx = 2x
    for (let i = 0; i < X.size; i++) expect(X.grad![i]).toBeCloseTo(2 * X.data[i]!, 5);
    expect(unused.grad).toBe(null);
  });

  it('crossEntropy: value and gradient', () => {
    const Z = randn([4, 5]);
    const loss = crossEntropy(Z, [0, 3, 3, 4]);
    let ref = 0;
    for (const [n, y] of [0, 3, 3, 4].entries()) {
      const row = Array.from(Z.data.subarray(n * 5, n * 5 + 5));
      ref -= row[y]! - Math.log(row.reduce((s, v) => s + Math.exp(v), 0));
    }
    expect(loss.item()).toBeCloseTo(ref / 4, 5);
    checkGradients('crossEntropy', [Z], () => crossEntropy(Z, [0, 3, 3, 4]));
  });
});

describe('training with AdamW', () => {
  it('a two-layer network learns XOR: loss below 0.05 within 300 steps', () => {
    const r = new RandomState(0);
    const W1 = Tensor.randn([2, 8], r, 1, true);
    const b1 = Tensor.zeros([8], true);
    const W2 = Tensor.randn([8, 2], r, 1, true);
    const b2 = Tensor.zeros([2], true);
    const X = Tensor.from([0, 0, 0, 1, 1, 0, 1, 1], [4, 2]);
    const y = [0, 1, 1, 0];
    const opt = new AdamW([W1, b1, W2, b2], { lr: 0.05, weightDecay: 0 });
    let loss = Number.POSITIVE_INFINITY;
    const first = crossEntropy(add(matmul(gelu(add(matmul(X, W1), b1)), W2), b2), y).item();
    for (let step = 0; step < 300 && loss > 0.05; step++) {
      opt.zeroGrad();
      const L = crossEntropy(add(matmul(gelu(add(matmul(X, W1), b1)), W2), b2), y);
      L.backward();
      clipGradNorm(opt.params, 1);
      opt.step();
      loss = L.item();
    }
    expect(first).toBeGreaterThan(0.3);
    expect(loss).toBeLessThan(0.05);
  });

  it('clipGradNorm scales the global norm down to the limit', () => {
    const p = Tensor.zeros([2], true);
    p.grad = Float32Array.of(3, 4);
    expect(clipGradNorm([p], 1)).toBe(5);
    expect(Array.from(p.grad)).toEqual([expect.closeTo(0.6, 6), expect.closeTo(0.8, 6)]);
    expect(() => new AdamW([p], { lr: -1 })).toThrow('AdamW: lr must be a number ≥ 0, got -1');
  });
});
