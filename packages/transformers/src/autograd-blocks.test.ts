import { RandomState } from '@firth/numeric';
import {
  attentionWithWeights,
  layerNorm,
  matmul,
  reshape,
  scale,
  softmax,
  Tensor,
  transposeLast,
} from '@firth/tensor';
import { describe, expect, it } from 'vitest';
import { scaledDotProductAttention, scaledDotProductAttentionBackward } from './reference/attention.js';
import { layerNorm as layerNormRef } from './reference/normalization.js';

const rng = new RandomState(11);
const randn = (shape: number[], grad = true) => Tensor.randn(shape, rng, 1, grad);

describe('autograd: the same numbers as the reference blocks', () => {
  it('layerNorm and causal attention built from ops equal normalization.ts and attention.ts', () => {
    const X = randn([4, 6], false);
    const g = randn([6], false);
    const b = randn([6], false);
    const ref = layerNormRef(
      Array.from({ length: 4 }, (_, i) => Array.from(X.data.subarray(i * 6, i * 6 + 6))),
      Array.from(g.data),
      Array.from(b.data),
    );
    const ours = layerNorm(X, g, b);
    for (let i = 0; i < 4; i++)
      for (let j = 0; j < 6; j++) expect(ours.data[i * 6 + j]).toBeCloseTo(ref[i]![j]!, 5);
    // softmax(Q Kᵀ/√d, causal) V
    const Q = randn([4, 6], false);
    const att = matmul(softmax(scale(matmul(Q, transposeLast(X)), 1 / Math.sqrt(6)), { causal: true }), X);
    const rows = (t: Tensor) =>
      Array.from({ length: 4 }, (_, i) => Array.from(t.data.subarray(i * 6, i * 6 + 6)));
    const refAtt = scaledDotProductAttention(rows(Q), rows(X), rows(X), { mask: 'causal' }).output;
    for (let i = 0; i < 4; i++)
      for (let j = 0; j < 6; j++) expect(att.data[i * 6 + j]).toBeCloseTo(refAtt[i]![j]!, 5);
  });

  it("tensor's fused attention op: the forward, weights and gradients of attention.ts's float64 reference", () => {
    // (B, h) = (2, 2) heads of 5 queries over 5 keys, width 4; sequence 1 pads its last two keys
    const [B, h, T, d] = [2, 2, 5, 4];
    const [q, k, v] = [randn([B, h, T, d]), randn([B, h, T, d]), randn([B, h, T, d])];
    const keyMask = [1, 1, 1, 1, 1, 1, 1, 1, 0, 0];
    const dO = randn([B, h, T, d], false);
    const head = (t: Tensor, s: number) =>
      Array.from({ length: T }, (_, i) => Array.from(t.data.subarray((s * T + i) * d, (s * T + i + 1) * d)));
    for (const causal of [true, false]) {
      for (const t of [q, k, v]) t.grad = null;
      const { out, weights } = attentionWithWeights(q, k, v, { causal, keyMask });
      // L = Σ dO ⊙ out, so the gradients are the reference's for dOutput = dO
      matmul(reshape(out, [1, out.size]), reshape(dO, [out.size, 1])).backward();
      for (let s = 0; s < B * h; s++) {
        const b = Math.floor(s / h);
        const keyPadding = keyMask.slice(b * T, (b + 1) * T).map((m) => m === 1);
        const ref = scaledDotProductAttention(head(q, s), head(k, s), head(v, s), {
          mask: causal ? 'causal' : null,
          keyPadding,
        });
        const grads = scaledDotProductAttentionBackward(head(q, s), head(k, s), head(v, s), ref, head(dO, s));
        for (let i = 0; i < T; i++) {
          for (let j = 0; j < T; j++)
            expect(weights.data[(s * T + i) * T + j]).toBeCloseTo(ref.weights[i]![j]!, 6);
          for (let j = 0; j < d; j++) {
            const at = (s * T + i) * d + j;
            expect(out.data[at]).toBeCloseTo(ref.output[i]![j]!, 5);
            expect(q.grad![at]).toBeCloseTo(grads.dQ[i]![j]!, 5);
            expect(k.grad![at]).toBeCloseTo(grads.dK[i]![j]!, 5);
            expect(v.grad![at]).toBeCloseTo(grads.dV[i]![j]!, 5);
          }
        }
      }
    }
  });
});
