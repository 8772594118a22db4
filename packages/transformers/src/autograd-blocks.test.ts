import { RandomState } from '@firth/numeric';
import { layerNorm, matmul, scale, softmax, Tensor, transposeLast } from '@firth/tensor';
import { describe, expect, it } from 'vitest';
import { scaledDotProductAttention } from './reference/attention.js';
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
});
