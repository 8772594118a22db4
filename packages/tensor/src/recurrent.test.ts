import { RandomState } from '@firth/numeric';
import { describe, expect, it } from 'vitest';
import { add, matmul, reshape, sliceLast, Tensor, tanhOp } from './autograd.js';
import { sigmoid } from './conv.js';
import { checkGradients } from './gradients.test-support.js';
import { gruSequence, lstmSequence, rnnSequence } from './recurrent.js';

const rng = new RandomState(8);
const randn = (shape: number[], std = 0.5) => Tensor.randn(shape, rng, std, true);
const T = 4;
const B = 3;
const H = 5;

/** a ⊙ b with autograd's ops: one 1×1 product per element. */
function mul(a: Tensor, b: Tensor): Tensor {
  const n = a.size;
  return reshape(matmul(reshape(a, [n, 1, 1]), reshape(b, [n, 1, 1])), a.shape);
}
const oneMinus = (a: Tensor) =>
  add(scaleNeg(a), Tensor.from(new Float32Array(a.shape.at(-1)!).fill(1), [a.shape.at(-1)!]));
const scaleNeg = (a: Tensor) => reshape(matmul(reshape(a, [a.size, 1]), Tensor.from([-1], [1, 1])), a.shape);

/** The same layers written step by step with autograd's elementwise ops: the reference. */
function reference(
  kind: 'rnn' | 'lstm' | 'gru',
  xp: Tensor,
  Wh: Tensor,
  h0: Tensor,
  c0: Tensor,
  bhn: Tensor,
): Tensor {
  let h = h0;
  let c = c0;
  const G = kind === 'lstm' ? 4 : kind === 'gru' ? 3 : 1;
  const flat = reshape(xp, [1, xp.size]);
  const out: Tensor[] = [];
  for (let t = 0; t < T; t++) {
    const xt = reshape(sliceLast(flat, t * B * G * H, B * G * H), [B, G * H]);
    const hp = matmul(h, Wh);
    const part = (m: Tensor, k: number) => sliceLast(m, k * H, H);
    if (kind === 'rnn') h = tanhOp(add(xt, hp));
    else if (kind === 'lstm') {
      const z = add(xt, hp);
      const [i, f, g, o] = [
        sigmoid(part(z, 0)),
        sigmoid(part(z, 1)),
        tanhOp(part(z, 2)),
        sigmoid(part(z, 3)),
      ];
      c = add(mul(f, c), mul(i, g));
      h = mul(o, tanhOp(c));
    } else {
      const r = sigmoid(add(part(xt, 0), part(hp, 0)));
      const z = sigmoid(add(part(xt, 1), part(hp, 1)));
      const n = tanhOp(add(part(xt, 2), mul(r, add(part(hp, 2), bhn))));
      h = add(mul(oneMinus(z), n), mul(z, h));
    }
    out.push(h);
  }
  // stack h_1..h_T time-major: (T·B, H)
  const data = new Float32Array(T * B * H);
  for (const [t, o] of out.entries()) data.set(o.data, t * B * H);
  return Tensor.from(data, [T * B, H]);
}

describe('fused recurrent layers: forward equals the step-by-step ops, gradients by central differences', () => {
  const h0 = randn([B, H]);
  const c0 = randn([B, H]);
  const bhn = randn([H]);

  it('rnnSequence', () => {
    const xp = randn([T * B, H]);
    const Wh = randn([H, H]);
    const { hs, h } = rnnSequence(xp, Wh, h0);
    const want = reference('rnn', xp, Wh, h0, c0, bhn);
    for (const [i, v] of want.data.entries()) expect(hs.data[i]).toBeCloseTo(v, 5);
    expect(Array.from(h.data)).toEqual(Array.from(hs.data.subarray((T - 1) * B * H)));
    checkGradients('rnn', [xp, Wh, h0], () => rnnSequence(xp, Wh, h0).hs);
    // the bias inside the op is xp + b
    const b = randn([H]);
    expect(Array.from(rnnSequence(xp, Wh, h0, b).hs.data)).toEqual(
      Array.from(rnnSequence(add(xp, b), Wh, h0).hs.data),
    );
    checkGradients('rnn b', [xp, Wh, h0, b], () => rnnSequence(xp, Wh, h0, b).hs);
  });

  it('lstmSequence (also through c0)', () => {
    const xp = randn([T * B, 4 * H]);
    const Wh = randn([H, 4 * H]);
    const { hs, c } = lstmSequence(xp, Wh, h0, c0);
    const want = reference('lstm', xp, Wh, h0, c0, bhn);
    for (const [i, v] of want.data.entries()) expect(hs.data[i]).toBeCloseTo(v, 5);
    expect(c!.shape).toEqual([B, H]);
    checkGradients('lstm', [xp, Wh, h0, c0], () => lstmSequence(xp, Wh, h0, c0).hs);
    const b = randn([4 * H]);
    expect(Array.from(lstmSequence(xp, Wh, h0, c0, b).hs.data)).toEqual(
      Array.from(lstmSequence(add(xp, b), Wh, h0, c0).hs.data),
    );
    checkGradients('lstm b', [xp, b], () => lstmSequence(xp, Wh, h0, c0, b).hs);
  });

  it('lstmSequence: the cell states cs = c_1 … c_T carry a gradient too, alone and beside hs', () => {
    const xp = randn([T * B, 4 * H]);
    const Wh = randn([H, 4 * H]);
    const b = randn([4 * H]);
    const { cs, c } = lstmSequence(xp, Wh, h0, c0, b);
    expect(cs!.shape).toEqual([T * B, H]);
    expect(Array.from(c!.data)).toEqual(Array.from(cs!.data.subarray((T - 1) * B * H)));
    // c_1 from the formula: f ⊙ c0 + i ⊙ g, z = xp_1 + b + h0·Wh
    const z = add(
      add(reshape(sliceLast(reshape(xp, [1, xp.size]), 0, B * 4 * H), [B, 4 * H]), b),
      matmul(h0, Wh),
    );
    const gate = (k: number, f: (v: number) => number) => (r: number, j: number) =>
      f(z.data[r * 4 * H + k * H + j]!);
    const sig = (v: number) => 1 / (1 + Math.exp(-v));
    for (let r = 0; r < B; r++)
      for (let j = 0; j < H; j++) {
        const want = gate(1, sig)(r, j) * c0.data[r * H + j]! + gate(0, sig)(r, j) * gate(2, Math.tanh)(r, j);
        expect(cs!.data[r * H + j]).toBeCloseTo(want, 5);
      }
    checkGradients('lstm cs', [xp, Wh, h0, c0, b], () => lstmSequence(xp, Wh, h0, c0, b).cs!);
    checkGradients('lstm hs + cs', [xp, Wh, h0, c0, b], () => {
      const out = lstmSequence(xp, Wh, h0, c0, b);
      return add(out.hs, out.cs!);
    });
    // unrolled one step per call, chaining hs → h0 and cs → c0: the same gradients as one call
    const unrolled = () => {
      let h = h0;
      let cc = c0;
      for (let t = 0; t < T; t++) {
        const xt = reshape(sliceLast(reshape(xp, [1, xp.size]), t * B * 4 * H, B * 4 * H), [B, 4 * H]);
        const out = lstmSequence(xt, Wh, h, cc, b);
        h = out.hs;
        cc = out.cs!;
      }
      return h;
    };
    checkGradients('lstm unrolled', [xp, Wh, h0, c0], unrolled);
  });

  it('gruSequence (also through b_hn)', () => {
    const xp = randn([T * B, 3 * H]);
    const Wh = randn([H, 3 * H]);
    const { hs } = gruSequence(xp, Wh, bhn, h0);
    const want = reference('gru', xp, Wh, h0, c0, bhn);
    for (const [i, v] of want.data.entries()) expect(hs.data[i]).toBeCloseTo(v, 5);
    checkGradients('gru', [xp, Wh, bhn, h0], () => gruSequence(xp, Wh, bhn, h0).hs);
    const b = randn([3 * H]);
    expect(Array.from(gruSequence(xp, Wh, bhn, h0, b).hs.data)).toEqual(
      Array.from(gruSequence(add(xp, b), Wh, bhn, h0).hs.data),
    );
    checkGradients('gru b', [xp, b], () => gruSequence(xp, Wh, bhn, h0, b).hs);
  });

  it('rejects shapes that do not fit', () => {
    expect(() => lstmSequence(randn([6, 8]), randn([2, 8]), randn([3, 2]), randn([3, 2]))).not.toThrow();
    expect(() => lstmSequence(randn([6, 8]), randn([2, 6]), randn([3, 2]), randn([3, 2]))).toThrow(
      /Wh must be \(H, 4·H\), got shape \[2,6\]/,
    );
    expect(() => rnnSequence(randn([5, 2]), randn([2, 2]), randn([3, 2]))).toThrow(
      /xp must be \(T·3, 2\) for a batch of 3, got shape \[5,2\]/,
    );
  });
});
