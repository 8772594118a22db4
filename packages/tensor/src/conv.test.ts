import { RandomState } from '@firth/numeric';
import { describe, expect, it } from 'vitest';
import { add, matmul, relu, reshape, Tensor } from './autograd.js';
import { conv2d, pool2d, sigmoid } from './conv.js';
import { checkGradients } from './gradients.test-support.js';

const rng = new RandomState(21);
const randn = (shape: number[], grad = true) => Tensor.randn(shape, rng, 1, grad);

/** The textbook loop: Y[n,i,j,co] = Σ Xpad[n, i·s+a, j·s+b, ci] K[a,b,ci,co]. */
function convLoop(X: Tensor, K: Tensor, s: number, [top, bottom, left, right]: number[]): number[] {
  const [B, H, W, C] = X.shape as number[] as [number, number, number, number];
  const [kh, kw, , co] = K.shape as [number, number, number, number];
  const Ho = Math.floor((H + top! + bottom! - kh) / s) + 1;
  const Wo = Math.floor((W + left! + right! - kw) / s) + 1;
  const out: number[] = [];
  for (let n = 0; n < B; n++)
    for (let i = 0; i < Ho; i++)
      for (let j = 0; j < Wo; j++)
        for (let o = 0; o < co; o++) {
          let sum = 0;
          for (let a = 0; a < kh; a++)
            for (let b = 0; b < kw; b++)
              for (let c = 0; c < C; c++) {
                const y = i * s + a - top!;
                const x = j * s + b - left!;
                if (y >= 0 && y < H && x >= 0 && x < W)
                  sum += X.data[((n * H + y) * W + x) * C + c]! * K.data[((a * kw + b) * C + c) * co + o]!;
              }
          out.push(sum);
        }
  return out;
}

describe('conv2d (im2col + float32 products)', () => {
  it.each([
    [1, [0, 0, 0, 0]],
    [1, [1, 1, 1, 1]],
    [2, [0, 1, 0, 1]],
    [3, [1, 1, 1, 1]],
  ] as const)(
    'stride %i, padding %j: equals the textbook loop, gradients by central differences',
    (s, pad) => {
      const X = randn([2, 5, 6, 3]);
      const K = randn([3, 2, 3, 4]);
      const padding = [...pad] as [number, number, number, number];
      const Y = conv2d(X, K, { stride: s, padding });
      const want = convLoop(X, K, s, padding);
      expect(Y.size).toBe(want.length);
      for (const [i, v] of want.entries()) expect(Y.data[i]).toBeCloseTo(v, 4);
      checkGradients(`conv2d s${s}`, [X, K], () => conv2d(X, K, { stride: s, padding }));
    },
  );

  it('the course figure: 5×5 image, 3×3 kernel → [[12,12,17],[10,17,19],[9,6,14]]', () => {
    const image = [3, 3, 2, 1, 0, 0, 0, 1, 3, 1, 3, 1, 2, 2, 3, 2, 0, 0, 2, 2, 2, 0, 0, 0, 1];
    const kernel = [0, 1, 2, 2, 2, 0, 0, 1, 2];
    const Y = conv2d(Tensor.from(image, [1, 5, 5, 1]), Tensor.from(kernel, [3, 3, 1, 1]));
    expect(Array.from(Y.data)).toEqual([12, 12, 17, 10, 17, 19, 9, 6, 14]);
    expect(Y.shape).toEqual([1, 3, 3, 1]);
  });

  it('a conv → sigmoid → mean-pool → dense stack (smooth: no kinks for the differences to straddle) differentiates end to end', () => {
    const X = randn([2, 6, 6, 1]);
    const K = randn([3, 3, 1, 2]);
    const b = randn([2]);
    const W = randn([8, 3]);
    checkGradients('stack', [K, b, W], () =>
      matmul(reshape(pool2d(sigmoid(add(conv2d(X, K), b)), 'avg', 2), [2, 8]), W),
    );
  });

  it('bias and ReLU fused in: the same as add + relu, gradients by central differences', () => {
    const X = randn([2, 5, 5, 2]);
    const K = randn([3, 3, 2, 3]);
    const b = randn([3]);
    const fused = conv2d(X, K, { padding: [1, 1, 1, 1], bias: b, relu: true });
    const apart = relu(add(conv2d(X, K, { padding: [1, 1, 1, 1] }), b));
    expect(Array.from(fused.data)).toEqual(Array.from(apart.data));
    checkGradients('conv2d+b', [X, K, b], () => conv2d(X, K, { stride: 2, bias: b }));
    checkGradients('conv2d+b+relu', [X, K, b], () =>
      conv2d(X, K, { padding: [1, 1, 1, 1], bias: b, relu: true }),
    );
    expect(() => conv2d(X, K, { bias: randn([2]) })).toThrow(/bias must hold 3 values, got 2/);
  });

  it('rejects mismatched channels and windows larger than the input', () => {
    expect(() => conv2d(randn([1, 4, 4, 2]), randn([3, 3, 1, 1]))).toThrow(
      /2 channels, the kernel expects 1/,
    );
    expect(() => conv2d(randn([1, 2, 2, 1]), randn([3, 3, 1, 1]))).toThrow(/larger than the padded 2×2/);
    expect(() => pool2d(randn([4, 4]), 'max', 2)).toThrow(/\(batch, height, width, channels\)/);
  });
});

describe('pool2d and sigmoid', () => {
  it('max and mean over 2×2 windows, padded windows averaging their in-image cells only', () => {
    const X = Tensor.from([1, 5, 2, 0, 3, 4, 8, 1, 6], [1, 3, 3, 1]);
    expect(Array.from(pool2d(X, 'max', 2).data)).toEqual([5]);
    expect(Array.from(pool2d(X, 'max', 2, { padding: [0, 1, 0, 1] }).data)).toEqual([5, 4, 8, 6]);
    expect(Array.from(pool2d(X, 'avg', 2, { padding: [0, 1, 0, 1] }).data)).toEqual([2.25, 3, 4.5, 6]);
  });

  it.each(['max', 'avg'] as const)(
    '%s pooling gradients by central differences (strided, padded)',
    (kind) => {
      // distinct values 0.05 apart: no near-ties for a max to switch on within the differences' ±h
      const X = Tensor.from(
        new RandomState(9).permutation(120).map((v) => (v - 60) * 0.05),
        [2, 5, 4, 3],
        true,
      );
      checkGradients(kind, [X], () => pool2d(X, kind, 2, { padding: [0, 1, 0, 0] }));
      checkGradients(`${kind} stride 1`, [X], () => pool2d(X, kind, 3, { stride: 1 }));
    },
  );

  it('sigmoid: values and gradient', () => {
    expect(sigmoid(Tensor.from([0], [1])).data[0]).toBe(0.5);
    const X = randn([3, 4]);
    checkGradients('sigmoid', [X], () => sigmoid(X));
  });
});
