import { RandomState } from '@firth/numeric';
import { describe, expect, it } from 'vitest';
import type { Matrix } from './attention.js';
import { type DecoderLayerWeights, decoderLayer, encoderLayer } from './transformer-layers.js';

const rng = new RandomState(5);
const randn = (rows: number, cols: number, sd = 0.5): Matrix =>
  Array.from({ length: rows }, () => Array.from({ length: cols }, () => sd * rng.standardNormal()));
const D = 8;
const mha = () => ({ wq: randn(D, D), wk: randn(D, D), wv: randn(D, D), wo: randn(D, D) });
const norm = () => ({ gamma: new Array(D).fill(1), beta: new Array(D).fill(0) });
const weights: DecoderLayerWeights = {
  selfAttention: mha(),
  crossAttention: mha(),
  norm1: norm(),
  norm2: norm(),
  norm3: norm(),
  ffn: { w1: randn(D, 16), b1: new Array(16).fill(0), w2: randn(16, D), b2: new Array(D).fill(0) },
};
const close = (a: number[], b: number[]) => {
  for (const [i, v] of a.entries()) expect(v).toBeCloseTo(b[i]!, 12);
};

describe('encoder layer', () => {
  const x = randn(5, D, 1);
  const { output, attention } = encoderLayer(x, weights, { nHeads: 2 });

  it('post-norm: every output row has mean 0; 2 heads of 5 × 5 weights with rows summing to 1', () => {
    for (const row of output) expect(row.reduce((a, b) => a + b, 0) / D).toBeCloseTo(0, 12);
    expect(attention).toHaveLength(2);
    for (const head of attention)
      for (const row of head) expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
  });

  it('without positions it cannot see order: permuting the tokens permutes the outputs', () => {
    const perm = [3, 0, 4, 1, 2];
    const permuted = encoderLayer(
      perm.map((p) => x[p]!),
      weights,
      { nHeads: 2 },
    ).output;
    for (const [i, p] of perm.entries()) close(permuted[i]!, output[p]!);
  });

  it('padding tokens receive no attention; pre-norm also runs', () => {
    const padded = encoderLayer(x, weights, { nHeads: 2, sourcePadding: [true, true, true, false, false] });
    for (const head of padded.attention) for (const row of head) expect(row.slice(3)).toEqual([0, 0]);
    expect(encoderLayer(x, weights, { nHeads: 2, preNorm: true, ffn: 'gelu' }).output).toHaveLength(5);
  });
});

describe('decoder layer: masked self-attention, then cross-attention over the encoder output', () => {
  const memory = randn(4, D, 1);
  const y = randn(3, D, 1);
  const r = decoderLayer(y, memory, weights, { nHeads: 2 });

  it('token i never sees later target tokens: changing token 2 leaves outputs 0 and 1 unchanged', () => {
    const changed = y.map((row) => row.slice());
    changed[2] = randn(1, D, 1)[0]!;
    const r2 = decoderLayer(changed, memory, weights, { nHeads: 2 });
    close(r2.output[0]!, r.output[0]!);
    close(r2.output[1]!, r.output[1]!);
    expect(r2.output[2]![0]).not.toBeCloseTo(r.output[2]![0]!, 6);
    for (const head of r.selfAttention) expect(head[0]!.slice(1)).toEqual([0, 0]);
  });

  it('cross-attention: 3 target × 4 source weights per head; padded source tokens get none', () => {
    for (const head of r.crossAttention) {
      expect(head).toHaveLength(3);
      expect(head[0]).toHaveLength(4);
    }
    const padded = decoderLayer(y, memory, weights, { nHeads: 2, sourcePadding: [true, true, false, true] });
    for (const head of padded.crossAttention) for (const row of head) expect(row[2]).toBe(0);
  });
});
