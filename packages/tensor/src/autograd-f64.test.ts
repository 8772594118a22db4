import { RandomState } from '@firth/numeric';
import { describe, expect, it } from 'vitest';
import { attention, attentionWithWeights, selfAttentionWithWeights } from './attention.js';
import {
  add,
  addLayerNorm,
  concatLast,
  crossEntropy,
  type DType,
  dropout,
  embedding,
  type Floats,
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
import { conv2d, pool2d, sigmoid } from './conv.js';
import { fit, warmupCosine } from './fit.js';
import { checkGradients } from './gradients.test-support.js';
import { AdamW, clipGradNorm } from './optim.js';
import { gruSequence, lstmSequence, rnnSequence } from './recurrent.js';

type T = Tensor<Floats>;

/**
 * Float64 gradients against central differences (gradients.test-support.ts) with h = 1e-5:
 * truncation ~h² and rounding ~1e-16/h leave ~1e-10, so the tolerance is 1e-8 relative (every op
 * but geluErf passes 1e-9) — a float32 kernel anywhere on the way (rounding ~1e-7 per value, ~1e-2
 * after dividing by 2h) could not pass it. The output and every gradient must be float64.
 */
const checkGradients64 = (name: string, params: T[], f: () => T, tol = 1e-8): void =>
  checkGradients(name, params, f, { dtype: 'float64', h: 1e-5, tol });

/** f's float32 and float64 values from the same inputs (the float32 ones exactly converted): equal to float32 precision. */
function sameAsFloat32(name: string, inputs32: Tensor[], f: (xs: T[]) => T, tol = 2e-5): void {
  const y32 = f(inputs32);
  const y64 = f(inputs32.map((x) => x.to('float64')));
  expect(y32.dtype).toBe('float32');
  expect(y64.dtype).toBe('float64');
  expect(y64.shape).toEqual(y32.shape);
  let worst = 0;
  for (let i = 0; i < y32.size; i++)
    worst = Math.max(worst, Math.abs(y64.data[i]! - y32.data[i]!) / Math.max(1, Math.abs(y64.data[i]!)));
  expect(worst, `${name}: float32 vs float64`).toBeLessThan(tol);
}

interface Case {
  name: string;
  /** shapes of the differentiable inputs (standard normal values) */
  shapes: number[][];
  f: (xs: T[]) => T;
  /** gradient-check tolerance (relative) */
  tol?: number;
}

const keyMask = [1, 1, 1, 0, 1, 1, 0, 0];
const cases: Case[] = [
  {
    name: 'matmul (shared B)',
    shapes: [
      [2, 3, 4],
      [4, 5],
    ],
    f: ([A, B]) => matmul(A!, B!),
  },
  {
    name: 'matmul (batched B)',
    shapes: [
      [2, 3, 4],
      [2, 4, 2],
    ],
    f: ([A, B]) => matmul(A!, B!),
  },
  { name: 'matmul A @ A', shapes: [[3, 3]], f: ([A]) => matmul(A!, A!) },
  {
    name: 'matmulNT (shared B)',
    shapes: [
      [2, 3, 4],
      [5, 4],
    ],
    f: ([A, B]) => matmulNT(A!, B!),
  },
  {
    name: 'matmulNT (batched B)',
    shapes: [
      [2, 3, 4],
      [2, 5, 4],
    ],
    f: ([A, B]) => matmulNT(A!, B!),
  },
  { name: 'linear', shapes: [[2, 3, 4], [4, 5], [5]], f: ([X, W, b]) => linear(X!, W!, b!) },
  { name: 'add (bias broadcast)', shapes: [[2, 3, 4], [4]], f: ([A, B]) => add(A!, B!) },
  {
    name: 'add (same shape)',
    shapes: [
      [2, 3],
      [2, 3],
    ],
    f: ([A, B]) => add(A!, B!),
  },
  { name: 'add x + x', shapes: [[2, 3]], f: ([A]) => add(A!, A!) },
  { name: 'scale', shapes: [[2, 3]], f: ([A]) => scale(A!, -0.7) },
  { name: 'relu', shapes: [[2, 3, 3]], f: ([X]) => relu(X!) },
  { name: 'gelu (tanh form)', shapes: [[2, 3, 3]], f: ([X]) => gelu(X!) },
  // the forward pass is x Φ(x) with Φ from an erf accurate to 1.2e-7 and the backward pass uses the
  // exact density φ: they differ by ~1e-7 (measured 1.1e-7), so this one is checked to 1e-6
  { name: 'geluErf', shapes: [[2, 3, 3]], f: ([X]) => geluErfOp(X!), tol: 1e-6 },
  { name: 'tanh', shapes: [[2, 3, 3]], f: ([X]) => tanhOp(X!) },
  { name: 'softmax', shapes: [[2, 3, 4]], f: ([X]) => softmax(X!) },
  {
    name: 'softmax causal, scaled',
    shapes: [[2, 3, 3]],
    f: ([X]) => softmax(X!, { causal: true, scale: 0.6 }),
  },
  { name: 'softmax keyMask', shapes: [[2, 1, 3, 4]], f: ([X]) => softmax(X!, { keyMask }) },
  { name: 'layerNorm', shapes: [[2, 3, 5], [5], [5]], f: ([X, g, b]) => layerNorm(X!, g!, b!) },
  { name: 'rmsNorm', shapes: [[2, 3, 5], [5]], f: ([X, g]) => rmsNorm(X!, g!) },
  {
    name: 'addLayerNorm',
    shapes: [[2, 3, 5], [2, 3, 5], [5], [5]],
    f: ([X, R, g, b]) => addLayerNorm(X!, R!, g!, b!),
  },
  { name: 'embedding', shapes: [[5, 3]], f: ([E]) => embedding(E!, [4, 1, 1, 0], [2, 2]) },
  { name: 'crossEntropy', shapes: [[4, 3]], f: ([Z]) => crossEntropy(Z!, [0, 2, 1, 2]) },
  { name: 'reshape', shapes: [[2, 3]], f: ([X]) => reshape(X!, [3, 2]) },
  { name: 'swapAxes12', shapes: [[2, 3, 2, 2]], f: ([X]) => swapAxes12(X!) },
  {
    name: 'concatLast',
    shapes: [
      [2, 3],
      [2, 2],
    ],
    f: ([A, B]) => concatLast([A!, B!, A!]),
  },
  { name: 'splitHeads', shapes: [[2, 3, 12]], f: ([X]) => splitHeads(X!, 2, 1, 3) },
  { name: 'transposeLast', shapes: [[2, 3, 4]], f: ([X]) => transposeLast(X!) },
  { name: 'sliceLast', shapes: [[2, 3, 4]], f: ([X]) => sliceLast(X!, 1, 2) },
  {
    name: 'dropout (same mask each call)',
    shapes: [[4, 5]],
    f: ([X]) => dropout(X!, 0.3, new RandomState(3)),
  },
  {
    name: 'conv2d (stride 2, padding, bias, relu)',
    shapes: [[2, 5, 5, 2], [3, 3, 2, 3], [3]],
    f: ([X, K, b]) => conv2d(X!, K!, { stride: 2, padding: [1, 1, 0, 1], bias: b!, relu: true }),
  },
  {
    name: 'conv2d (plain)',
    shapes: [
      [1, 4, 4, 1],
      [2, 2, 1, 2],
    ],
    f: ([X, K]) => conv2d(X!, K!),
  },
  { name: 'pool2d max', shapes: [[2, 4, 4, 2]], f: ([X]) => pool2d(X!, 'max', 2) },
  {
    name: 'pool2d avg (padded windows)',
    shapes: [[1, 5, 5, 2]],
    f: ([X]) => pool2d(X!, 'avg', 3, { stride: 2, padding: [1, 1, 1, 1] }),
  },
  { name: 'sigmoid', shapes: [[2, 3, 3]], f: ([X]) => sigmoid(X!) },
  {
    name: 'rnnSequence (bias)',
    shapes: [[6, 3], [3, 3], [2, 3], [3]],
    f: ([xp, Wh, h0, b]) => rnnSequence(xp!, Wh!, h0!, b!).hs,
  },
  {
    name: 'lstmSequence (hs and cs, bias)',
    shapes: [[6, 12], [3, 12], [2, 3], [2, 3], [12]],
    f: ([xp, Wh, h0, c0, b]) => {
      const { hs, cs } = lstmSequence(xp!, Wh!, h0!, c0!, b!);
      return concatLast([hs, cs!]);
    },
  },
  {
    name: 'gruSequence (bias)',
    shapes: [[6, 9], [3, 9], [3], [2, 3], [9]],
    f: ([xp, Wh, bhn, h0, b]) => gruSequence(xp!, Wh!, bhn!, h0!, b!).hs,
  },
  {
    name: 'attention (causal)',
    shapes: [
      [1, 2, 4, 3],
      [1, 2, 4, 3],
      [1, 2, 4, 2],
    ],
    f: ([q, k, v]) => attention(q!, k!, v!, { causal: true }),
  },
  {
    name: 'attention (keyMask, scale, dropout)',
    shapes: [
      [2, 1, 3, 2],
      [2, 1, 4, 2],
      [2, 1, 4, 3],
    ],
    f: ([q, k, v]) =>
      attention(q!, k!, v!, { keyMask, scale: 0.8, dropout: { p: 0.25, rng: new RandomState(2) } }),
  },
  {
    name: 'selfAttentionWithWeights',
    shapes: [[2, 4, 12]],
    f: ([qkv]) => selfAttentionWithWeights(qkv!, 2, { causal: true }).out,
  },
];

const inputs = <D extends DType>(shapes: number[][], dtype: D, seed = 11) => {
  const rng = new RandomState(seed);
  return shapes.map((s) => Tensor.randn(s, rng, 1, true, dtype));
};

describe('autograd in float64', () => {
  it('factories and conversion: dtype, arrays, the same draws as float32', () => {
    const z = Tensor.zeros([2, 3], true, 'float64');
    expect(z.dtype).toBe('float64');
    expect(z.data).toBeInstanceOf(Float64Array);
    expect(Tensor.zeros([2]).dtype).toBe('float32');
    const f = Tensor.from([0.1, 0.2], [2], false, 'float64');
    expect(Array.from(f.data)).toEqual([0.1, 0.2]); // not rounded to float32
    expect(Tensor.from([0.1], [1]).data[0]).toBe(Math.fround(0.1));
    const r64 = Tensor.randn([5], new RandomState(4), 2, false, 'float64');
    const r32 = Tensor.randn([5], new RandomState(4), 2);
    expect(Array.from(r64.data, Math.fround)).toEqual(Array.from(r32.data));
    expect(r64.data.some((v) => v !== Math.fround(v))).toBe(true);
    expect(() => Tensor.zeros([2], false, 'float16' as 'float32')).toThrow(
      /dtype must be 'float32' or 'float64'/,
    );
    // to(): a copy in the other dtype (this tensor itself for its own dtype), differentiable
    expect(r64.to('float64')).toBe(r64);
    const w32 = Tensor.randn([3, 2], new RandomState(1), 1, true);
    const w64 = w32.to('float64');
    expect(Array.from(w64.data)).toEqual(Array.from(w32.data));
    const x = Tensor.randn([4, 3], new RandomState(2), 1, false, 'float64');
    crossEntropy(matmul(x, w64), [0, 1, 1, 0]).backward();
    expect(w32.grad).toBeInstanceOf(Float32Array);
    expect(w64.grad).toBeInstanceOf(Float64Array);
    expect(Array.from(w32.grad!)).toEqual(Array.from(w64.grad!, Math.fround));
    // and back: a float64 leaf used in float32 gets the float32 gradient, as float64
    const v64 = Tensor.randn([3, 2], new RandomState(1), 1, true, 'float64');
    const v32 = v64.to('float32');
    expect(Array.from(v32.data)).toEqual(Array.from(v64.data, Math.fround));
    crossEntropy(matmul(x.to('float32'), v32), [0, 1, 1, 0]).backward();
    expect(v64.grad).toBeInstanceOf(Float64Array);
    expect(Array.from(v64.grad!)).toEqual(Array.from(v32.grad!));
  });

  for (const c of cases)
    it(`${c.name}: gradients against central differences, forward equal to float32's`, () => {
      const xs = inputs(c.shapes, 'float64');
      checkGradients64(c.name, xs, () => c.f(xs), c.tol);
      sameAsFloat32(c.name, inputs(c.shapes, 'float32'), c.f);
    });

  it('attention: float64 equals the float32 fused kernels and the float32 products path', () => {
    // d = 16 and Tk = 4: shapes the fused float32 kernels take
    const shapes = [
      [2, 2, 4, 16],
      [2, 2, 4, 16],
      [2, 2, 4, 16],
    ];
    for (const path of ['fused', 'products'] as const) {
      sameAsFloat32(`attention ${path}`, inputs(shapes, 'float32'), ([q, k, v]) =>
        attention(q!, k!, v!, { causal: true, path }),
      );
      sameAsFloat32(
        `attention weights ${path}`,
        inputs(shapes, 'float32'),
        ([q, k, v]) => attentionWithWeights(q!, k!, v!, { keyMask, path }).weights,
      );
    }
    sameAsFloat32(
      'selfAttention',
      inputs([[2, 4, 96]], 'float32'),
      ([qkv]) => selfAttentionWithWeights(qkv!, 2, { causal: true }).out,
    );
  });

  it('mixed dtypes in one op: a ValidationError naming the op and both dtypes', () => {
    const [a32] = inputs([[2, 3]], 'float32');
    const [a64, w64, b64] = inputs([[2, 3], [3, 3], [3]], 'float64');
    const A = a32 as T;
    expect(() => matmul(A, w64!)).toThrow(/matmul: mixed dtypes float32 and float64/);
    expect(() => matmulNT(w64!, A)).toThrow(/matmulNT: mixed dtypes float64 and float32/);
    expect(() => linear(a64!, w64!, b64!.to('float32') as T)).toThrow(
      /linear: mixed dtypes float64 and float32/,
    );
    expect(() => add(a64!, A)).toThrow(/add: mixed dtypes float64 and float32/);
    expect(() => layerNorm(A, b64!, b64!)).toThrow(/layerNorm: mixed dtypes float32 and float64/);
    expect(() => rmsNorm(A, b64!)).toThrow(/rmsNorm: mixed dtypes/);
    expect(() => addLayerNorm(a64!, A, b64!, b64!)).toThrow(/addLayerNorm: mixed dtypes/);
    expect(() => concatLast([a64!, A])).toThrow(/concatLast: mixed dtypes float64 and float32/);
    const q = Tensor.randn([1, 1, 2, 3], new RandomState(1), 1, false, 'float64') as T;
    expect(() => attention(q, q.to('float32') as T, q)).toThrow(
      /attention: mixed dtypes float64 and float32/,
    );
  });

  it('conv2d and the recurrent sequences refuse mixed dtypes by name', () => {
    const rng = new RandomState(1);
    const X = Tensor.randn([1, 4, 4, 1], rng, 1, false, 'float64') as T;
    const K = Tensor.randn([2, 2, 1, 1], rng) as T;
    expect(() => conv2d(X, K)).toThrow(/conv2d: mixed dtypes float64 and float32/);
    const xp = Tensor.randn([2, 3], rng, 1, false, 'float64') as T;
    const h0 = Tensor.zeros([1, 3]) as T;
    expect(() => rnnSequence(xp, Tensor.zeros([3, 3], false, 'float64'), h0)).toThrow(
      /rnnSequence: mixed dtypes float64 and float32/,
    );
    const W12 = Tensor.zeros([3, 12], false, 'float64');
    expect(() => lstmSequence(xp, W12, h0, h0)).toThrow(/lstmSequence: mixed dtypes/);
    const W9 = Tensor.zeros([3, 9], false, 'float64');
    expect(() => gruSequence(xp, W9, Tensor.zeros([3]) as T, h0)).toThrow(/gruSequence: mixed dtypes/);
  });

  it('AdamW and clipGradNorm in float64 equal a hand-computed step', () => {
    const p = Tensor.from([0.3, -1.2, 2.5, 0.01], [2, 2], true, 'float64');
    const q = Tensor.from([0.7, -0.4], [2], true, 'float64');
    const o = { lr: 0.01, beta1: 0.9, beta2: 0.99, eps: 1e-8, weightDecay: 0.1 };
    const opt = new AdamW([p, q], o);
    const grads = [
      [
        [0.5, -0.25, 1e-3, 3],
        [0.1, 0.2],
      ],
      [
        [-0.4, 0.6, 2, -1],
        [0.3, -0.05],
      ],
    ];
    // by hand, in plain doubles
    const ref = [Array.from(p.data), Array.from(q.data)];
    const m = ref.map((r) => r.map(() => 0));
    const v = ref.map((r) => r.map(() => 0));
    for (const [t, gs] of grads.entries()) {
      p.grad = Float64Array.from(gs[0]!);
      q.grad = Float64Array.from(gs[1]!);
      opt.step();
      for (const [k, g] of gs.entries())
        for (let i = 0; i < g.length; i++) {
          m[k]![i] = o.beta1 * m[k]![i]! + (1 - o.beta1) * g[i]!;
          v[k]![i] = o.beta2 * v[k]![i]! + (1 - o.beta2) * g[i]! ** 2;
          const mh = m[k]![i]! / (1 - o.beta1 ** (t + 1));
          const vh = v[k]![i]! / (1 - o.beta2 ** (t + 1));
          ref[k]![i]! -= o.lr * (mh / (Math.sqrt(vh) + o.eps) + o.weightDecay * ref[k]![i]!);
        }
    }
    for (const [k, t] of [p, q].entries()) {
      expect(t.data).toBeInstanceOf(Float64Array);
      for (let i = 0; i < t.size; i++) expect(Math.abs(t.data[i]! - ref[k]![i]!)).toBeLessThan(1e-15);
    }
    // not computed in float32: the values are not float32 numbers
    expect(Array.from(p.data).some((x) => x !== Math.fround(x))).toBe(true);
    // clipping: global norm of [3, 4] and [12] is 13, scaled to 6.5
    p.grad = Float64Array.from([3, 0, 0, 4]);
    q.grad = Float64Array.from([0, 12]);
    expect(clipGradNorm([p, q], 6.5)).toBe(13);
    expect(Array.from(p.grad)).toEqual([1.5, 0, 0, 2]);
    expect(Array.from(q.grad)).toEqual([0, 6]);
  });

  it('fit on float64 parameters equals the same loop by hand (schedule, clipping, AdamW, decay on matrices only)', () => {
    const target = Float64Array.from([1, -2, 0.5, 3, -1, 0.25]);
    const W = Tensor.from([0.1, 0.2, -0.3, 0.4, 0.5, -0.6], [2, 3], true, 'float64');
    const b = Tensor.from([0.3, -0.1, 0.2], [3], true, 'float64');
    const negT = Tensor.from(
      Array.from(target, (t) => -t),
      [2, 3],
      false,
      'float64',
    );
    const negBT = Tensor.from([-0.5, 0.5, 1], [3], false, 'float64');
    const sq = (d: T) => matmul(reshape(d, [1, d.size]), reshape(d, [d.size, 1]));
    // L = Σ (W − target)² + Σ (b − bt)²
    const lossAt = () => add(sq(add(W, negT)), sq(add(b, negBT)));
    const steps = 12;
    const lr = 0.05;
    const { curve } = fit({ params: [W, b], steps, lossAt, lr, clipNorm: 1, warmup: 3, weightDecay: 0.01 });
    expect(curve.length).toBe(steps);
    // by hand
    const w = [0.1, 0.2, -0.3, 0.4, 0.5, -0.6];
    const bb = [0.3, -0.1, 0.2];
    const bt = [0.5, -0.5, -1];
    const st = [w, bb].map((x) => ({ m: x.map(() => 0), v: x.map(() => 0) }));
    for (let s = 0; s < steps; s++) {
      const rate = warmupCosine(s, steps, lr, 3);
      const gw = w.map((x, i) => 2 * (x - target[i]!));
      const gb = bb.map((x, i) => 2 * (x - bt[i]!));
      const norm = Math.sqrt([...gw, ...gb].reduce((a, g) => a + g * g, 0));
      expect(curve[s]).toBeCloseTo(
        w.reduce((a, x, i) => a + (x - target[i]!) ** 2, 0) +
          bb.reduce((a, x, i) => a + (x - bt[i]!) ** 2, 0),
        12,
      );
      const c = norm > 1 ? 1 / norm : 1;
      for (const [k, [x, g, wd]] of (
        [
          [w, gw, 0.01],
          [bb, gb, 0],
        ] as const
      ).entries())
        for (let i = 0; i < x.length; i++) {
          const gi = g[i]! * c;
          st[k]!.m[i] = 0.9 * st[k]!.m[i]! + 0.1 * gi;
          st[k]!.v[i] = 0.999 * st[k]!.v[i]! + 0.001 * gi * gi;
          const mh = st[k]!.m[i]! / (1 - 0.9 ** (s + 1));
          const vh = st[k]!.v[i]! / (1 - 0.999 ** (s + 1));
          (x as number[])[i]! -= rate * (mh / (Math.sqrt(vh) + 1e-8) + wd * x[i]!);
        }
    }
    for (let i = 0; i < 6; i++) expect(Math.abs(W.data[i]! - w[i]!)).toBeLessThan(1e-13);
    for (let i = 0; i < 3; i++) expect(Math.abs(b.data[i]! - bb[i]!)).toBeLessThan(1e-13);
  });

  it('end to end: a tanh MLP trained by full-batch gradient descent equals the same training in plain Float64Array loops', () => {
    // data: 12 points in 3-D, 2 regression targets; the net 3 → 5 (tanh) → 2, squared loss / N
    const N = 12;
    const [I, Hd, O] = [3, 5, 2];
    const rng = new RandomState(7);
    const Xv = Array.from({ length: N * I }, () => rng.standardNormal());
    const Yv = Array.from({ length: N * O }, (_, i) => Math.sin(Xv[Math.floor(i / O) * I + (i % O)]! * 1.5));
    const init = (n: number, s: number) => Array.from({ length: n }, () => s * rng.standardNormal());
    const w1 = init(I * Hd, 0.5);
    const c1 = init(Hd, 0.1);
    const w2 = init(Hd * O, 0.5);
    const c2 = init(O, 0.1);
    const lr = 0.2;
    const steps = 60;

    // 1. autograd in float64 (or float32), gradient descent on the parameters' data
    const train = (dtype: 'float32' | 'float64') => {
      const X = Tensor.from(Xv, [N, I], false, dtype) as T;
      const negY = Tensor.from(
        Yv.map((y) => -y),
        [N, O],
        false,
        dtype,
      ) as T;
      const ps = [
        Tensor.from(w1, [I, Hd], true, dtype),
        Tensor.from(c1, [Hd], true, dtype),
        Tensor.from(w2, [Hd, O], true, dtype),
        Tensor.from(c2, [O], true, dtype),
      ] as T[];
      const [W1, B1, W2, B2] = ps as [T, T, T, T];
      let last = 0;
      for (let s = 0; s < steps; s++) {
        for (const p of ps) p.grad = null;
        const d = add(linear(tanhOp(linear(X, W1, B1)), W2, B2), negY);
        const L = scale(matmul(reshape(d, [1, d.size]), reshape(d, [d.size, 1])), 1 / N);
        L.backward();
        last = L.item();
        for (const p of ps) for (let i = 0; i < p.size; i++) p.data[i]! -= lr * p.grad![i]!;
      }
      return { ps: ps.map((p) => Array.from(p.data)), last };
    };

    // 2. the same in plain Float64Array loops
    const W1 = Float64Array.from(w1);
    const B1 = Float64Array.from(c1);
    const W2 = Float64Array.from(w2);
    const B2 = Float64Array.from(c2);
    let lastRef = 0;
    for (let s = 0; s < steps; s++) {
      const Hh = new Float64Array(N * Hd);
      const D = new Float64Array(N * O);
      let L = 0;
      for (let n = 0; n < N; n++) {
        for (let j = 0; j < Hd; j++) {
          let z = B1[j]!;
          for (let i = 0; i < I; i++) z += Xv[n * I + i]! * W1[i * Hd + j]!;
          Hh[n * Hd + j] = Math.tanh(z);
        }
        for (let k = 0; k < O; k++) {
          let y = B2[k]!;
          for (let j = 0; j < Hd; j++) y += Hh[n * Hd + j]! * W2[j * O + k]!;
          D[n * O + k] = y - Yv[n * O + k]!;
          L += D[n * O + k]! ** 2 / N;
        }
      }
      lastRef = L;
      const gW1 = new Float64Array(I * Hd);
      const gB1 = new Float64Array(Hd);
      const gW2 = new Float64Array(Hd * O);
      const gB2 = new Float64Array(O);
      for (let n = 0; n < N; n++) {
        for (let k = 0; k < O; k++) {
          const g = (2 / N) * D[n * O + k]!;
          gB2[k]! += g;
          for (let j = 0; j < Hd; j++) gW2[j * O + k]! += Hh[n * Hd + j]! * g;
        }
        for (let j = 0; j < Hd; j++) {
          let gh = 0;
          for (let k = 0; k < O; k++) gh += (2 / N) * D[n * O + k]! * W2[j * O + k]!;
          const gz = gh * (1 - Hh[n * Hd + j]! ** 2);
          gB1[j]! += gz;
          for (let i = 0; i < I; i++) gW1[i * Hd + j]! += Xv[n * I + i]! * gz;
        }
      }
      for (const [p, g] of [
        [W1, gW1],
        [B1, gB1],
        [W2, gW2],
        [B2, gB2],
      ] as const)
        for (let i = 0; i < p.length; i++) p[i]! -= lr * g[i]!;
    }
    const ref = [W1, B1, W2, B2].map((a) => Array.from(a));

    const f64 = train('float64');
    const f32 = train('float32');
    const deviation = (ps: number[][]) =>
      Math.max(...ps.flatMap((p, k) => p.map((x, i) => Math.abs(x - ref[k]![i]!))));
    // training moved the weights and lowered the loss
    expect(Math.abs(ref[0]![0]! - w1[0]!)).toBeGreaterThan(1e-3);
    expect(f64.last).toBeLessThan((0.5 * Yv.reduce((a, y) => a + y * y, 0)) / N);
    expect(Math.abs(f64.last - lastRef)).toBeLessThan(1e-12);
    // float64 autograd equals the loops to ~1e-12; float32 autograd cannot (it is ~1e-6 off)
    expect(deviation(f64.ps)).toBeLessThan(1e-10);
    expect(deviation(f32.ps)).toBeGreaterThan(1e-8);
  });
});
