import { RandomState } from '@firth/numeric';
import { heatmapSvg } from '@firth/plot';
import { describe, expect, it } from 'vitest';
import {
  type Matrix,
  matmul,
  multiHeadAttention,
  scaledDotProductAttention,
  scaledDotProductAttentionBackward,
  selfAttentionLesson,
} from './attention.js';

const randn = (rng: RandomState, rows: number, cols: number, sd = 1): Matrix =>
  Array.from({ length: rows }, () => Array.from({ length: cols }, () => sd * rng.standardNormal()));

describe('self-attention — the course: "YOUR CAT IS A LOVELY CAT", seq 6, d_model = d_k = 512', () => {
  const words = ['YOUR', 'CAT', 'IS', 'A', 'LOVELY', 'CAT'];
  // random embeddings, one per distinct word (both CATs share one); Q, K and V are just the sentence
  const { weights, vectors: X } = selfAttentionLesson(words);

  it('a 6 × 6 matrix of positive weights whose rows sum to 1', () => {
    expect(weights).toHaveLength(6);
    for (const row of weights) {
      expect(row).toHaveLength(6);
      expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
      for (const w of row) expect(w).toBeGreaterThan(0);
    }
  });

  it('each word attends most to itself — and a CAT equally to both CATs', () => {
    for (const [i, row] of weights.entries()) {
      const top = Math.max(...row);
      expect(row[i]).toBe(top);
    }
    expect(weights[1]![1]).toBe(weights[1]![5]);
    expect(weights[5]).toEqual(weights[1]);
    // the course's table has diagonal weights 0.21–0.28 and others 0.10–0.22: the same regime
    for (const [i, row] of weights.entries()) {
      expect(row[i]!).toBeGreaterThan(0.2);
      expect(row[i]!).toBeLessThan(0.45);
    }
  });

  it('is softmax(XXᵀ/√512) of its vectors; with sinusoidal positions the two CATs differ', () => {
    expect(X).toHaveLength(6);
    expect(X[0]).toHaveLength(512);
    expect(weights).toEqual(scaledDotProductAttention(X, X, X).weights);
    const withPositions = selfAttentionLesson(words, { positions: true }).weights;
    expect(withPositions[1]![1]).not.toBe(withPositions[1]![5]);
    expect(() => selfAttentionLesson([])).toThrow('words must be a non-empty list of non-empty strings');
  });

  it('prints as a table and a heatmap', () => {
    const svg = heatmapSvg(weights, {
      rowLabels: words,
      colLabels: words,
      title: 'softmax(QKᵀ/√d_k)',
      digits: 3,
    });
    expect(svg.match(/<rect [^>]*stroke="#ccc"/g)).toHaveLength(36);
    expect(svg).toContain(`>${weights[0]![0]!.toFixed(3)}<`);
  });
});

describe('scaled dot-product attention', () => {
  it('equals a hand computation on 2 tokens', () => {
    // Q = K = V = [[1, 0], [0, 1]], scale 1/√2: scores [[0.7071, 0], [0, 0.7071]]
    const I = [
      [1, 0],
      [0, 1],
    ];
    const { weights, output } = scaledDotProductAttention(I, I, I);
    const a = Math.exp(Math.SQRT1_2) / (Math.exp(Math.SQRT1_2) + 1);
    expect(weights[0]![0]).toBeCloseTo(a, 14);
    expect(weights[0]![1]).toBeCloseTo(1 - a, 14);
    expect(output[1]).toEqual([weights[1]![0], weights[1]![1]]);
  });

  it('causal mask: query i sees keys 0..i (future weights exactly 0); padding keys are never seen', () => {
    const rng = new RandomState(1);
    const X = randn(rng, 5, 4);
    const { weights } = scaledDotProductAttention(X, X, X, {
      mask: 'causal',
      keyPadding: [true, true, true, true, false],
    });
    expect(weights[0]).toEqual([1, 0, 0, 0, 0]);
    for (const [i, row] of weights.entries()) {
      for (let j = i + 1; j < 5; j++) expect(row[j]).toBe(0);
      expect(row[4]).toBe(0);
      expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    }
    // with a cache: 2 new queries over 5 keys see keys 0..3 and 0..4
    const two = scaledDotProductAttention(X.slice(3), X, X, { mask: 'causal' });
    expect(two.weights[0]![4]).toBe(0);
    expect(two.weights[1]![4]).toBeGreaterThan(0);
  });

  it('backward matches finite differences (Q, K, V; causal, padded)', () => {
    const rng = new RandomState(2);
    const [Q, K, V] = [randn(rng, 4, 3), randn(rng, 5, 3), randn(rng, 5, 2)];
    const G = randn(rng, 4, 2); // L = Σ G ⊙ output
    const options = { mask: 'causal' as const, keyPadding: [true, true, true, true, false] };
    const loss = (q: Matrix, k: Matrix, v: Matrix) =>
      scaledDotProductAttention(q, k, v, options).output.reduce(
        (s, row, i) => s + row.reduce((t, o, j) => t + o * G[i]![j]!, 0),
        0,
      );
    const fwd = scaledDotProductAttention(Q, K, V, options);
    const grads = scaledDotProductAttentionBackward(Q, K, V, fwd, G);
    const h = 1e-6;
    for (const [name, M, dM] of [
      ['Q', Q, grads.dQ],
      ['K', K, grads.dK],
      ['V', V, grads.dV],
    ] as const) {
      for (let i = 0; i < M.length; i++)
        for (let j = 0; j < M[0]!.length; j++) {
          const orig = M[i]![j]!;
          M[i]![j] = orig + h;
          const up = loss(Q, K, V);
          M[i]![j] = orig - h;
          const down = loss(Q, K, V);
          M[i]![j] = orig;
          expect(Math.abs((up - down) / (2 * h) - dM[i]![j]!), `d${name}[${i}][${j}]`).toBeLessThan(1e-7);
        }
    }
  });

  it('an additive score bias (T5’s relative positions) shifts the scores before the softmax', () => {
    const I = [
      [1, 0],
      [0, 1],
    ];
    const bias = [
      [0, 2],
      [-1, 0],
    ];
    const { scores, weights } = scaledDotProductAttention(I, I, I, { scale: 1, bias });
    expect(scores).toEqual([
      [1, 2],
      [-1, 1],
    ]);
    // row 0: softmax([1, 2])
    expect(weights[0]![1]).toBeCloseTo(Math.E / (1 + Math.E), 14);
    expect(() => scaledDotProductAttention(I, I, I, { bias: [[0, 0]] })).toThrow('bias must be 2 × 2');
  });

  it('bad input is named', () => {
    const X = [
      [1, 2],
      [3, 4],
    ];
    expect(() => scaledDotProductAttention(X, [[1, 2, 3]], [[1]])).toThrow('Q has 2 columns but K has 3');
    expect(() => scaledDotProductAttention(X, X, [[1]])).toThrow('K has 2 rows but V has 1');
    expect(() => scaledDotProductAttention([[1, Number.NaN]], X, X)).toThrow(
      /Q row 0 holds a non-finite value/,
    );
    expect(() => scaledDotProductAttention(X, X, X, { keyPadding: [false, false] })).toThrow(
      'query 0 may attend to no key: every key is masked',
    );
    expect(() => scaledDotProductAttention([], X, X)).toThrow(/Q must be a non-empty matrix/);
  });
});

describe('multi-head and grouped-query attention', () => {
  const rng = new RandomState(3);
  const x = randn(rng, 4, 8);
  const w = { wq: randn(rng, 8, 8), wk: randn(rng, 8, 4), wv: randn(rng, 8, 4), wo: randn(rng, 8, 8) };

  it('GQA with 4 query heads over 2 kv heads = MHA whose kv heads are copied per group', () => {
    const gqa = multiHeadAttention(x, x, w, { nHeads: 4, nKvHeads: 2, mask: 'causal' });
    // head size 2: kv head 0 = columns 0–1, kv head 1 = columns 2–3; copy each for its 2 query heads
    const dup = (m: Matrix) => m.map((r) => [r[0]!, r[1]!, r[0]!, r[1]!, r[2]!, r[3]!, r[2]!, r[3]!]);
    const mha = multiHeadAttention(
      x,
      x,
      { ...w, wk: dup(w.wk), wv: dup(w.wv) },
      { nHeads: 4, mask: 'causal' },
    );
    expect(gqa.weights).toHaveLength(4);
    for (let i = 0; i < 4; i++)
      for (let j = 0; j < 8; j++) expect(gqa.output[i]![j]).toBeCloseTo(mha.output[i]![j]!, 12);
    for (let h = 0; h < 4; h++) expect(gqa.weights[h]).toEqual(mha.weights[h]);
  });

  it('one head is scaled dot-product attention of the projections, then Wo', () => {
    const w1 = { ...w, wk: randn(rng, 8, 8), wv: randn(rng, 8, 8) };
    const one = multiHeadAttention(x, x, w1, { nHeads: 1 });
    const ref = scaledDotProductAttention(matmul(x, w1.wq), matmul(x, w1.wk), matmul(x, w1.wv));
    expect(one.weights[0]).toEqual(ref.weights);
    expect(one.output).toEqual(matmul(ref.output, w1.wo));
    expect(() => multiHeadAttention(x, x, w, { nHeads: 3, nKvHeads: 2 })).toThrow(
      'nHeads (3) must be a positive multiple of nKvHeads (2)',
    );
  });
});
