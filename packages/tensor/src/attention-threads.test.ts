import { RandomState } from '@firth/numeric';
import { afterAll, describe, expect, it } from 'vitest';
import { attention, attentionFusedAvailable, selfAttentionWithWeights } from './attention.js';
import { matmul, reshape, Tensor } from './autograd.js';
import { matmulF32Pool } from './matmul-f32.js';
import { THREADED_MIN_PRODUCT } from './matmul-f32-threads.js';
import { setTensorThreads } from './threads.js';

/** True when every float is the same bits (-0 and +0 differ, NaN equals NaN). */
function sameBits(x: Float32Array, y: Float32Array): boolean {
  if (x.length !== y.length) return false;
  const a = new Uint32Array(x.buffer, x.byteOffset, x.length);
  const b = new Uint32Array(y.buffer, y.byteOffset, y.length);
  return a.every((v, i) => v === b[i]);
}

const randn = (shape: number[], seed: number) => Tensor.randn(shape, new RandomState(seed), 1, true);

/** Output, then the gradients of `inputs` for a fixed random upstream gradient. */
function run(inputs: Tensor[], f: () => Tensor): Float32Array[] {
  for (const t of inputs) t.grad = null;
  const o = f();
  const g = Tensor.randn([o.size, 1], new RandomState(9), 1);
  matmul(reshape(o, [1, o.size]), g).backward();
  return [o.data.slice(), ...inputs.map((t) => t.grad!.slice())];
}

/** Bands cut by the pool of the current thread count so far (0 with one thread). */
const bands = () => matmulF32Pool()?.bands.total ?? 0;

afterAll(() => setTensorThreads(undefined));

describe('attention on the worker pool (bands of sequences): equal to one thread bit for bit', () => {
  // 5 and 7 sequences: more bands than threads, and bands of unequal numbers of heads left over;
  // every call ≥ THREADED_MIN_PRODUCT multiply-adds (2·B·h·Tq·Tk·d forward), so it is cut into bands
  const keyMask5 = Array.from({ length: 5 * 64 }, (_, i) => {
    const [b, j] = [Math.floor(i / 64), i % 64];
    return b === 3 ? 0 : b === 1 ? Number(j % 3 !== 0) : Number(j < 40 + b); // sequence 3: every key masked
  });
  const [q, k, v] = [randn([5, 2, 64, 32], 1), randn([5, 2, 64, 32], 2), randn([5, 2, 64, 32], 3)];
  const [qc, kc, vc] = [randn([7, 2, 48, 32], 4), randn([7, 2, 64, 32], 5), randn([7, 2, 64, 32], 6)];
  const x = randn([5, 2, 64, 32], 7);
  const qkv = randn([5, 64, 3 * 64], 8); // 2 heads of 32
  const cases: [string, Tensor[], () => Tensor][] = [
    ['causal', [q, k, v], () => attention(q, k, v, { causal: true })],
    ['keyMask', [q, k, v], () => attention(q, k, v, { keyMask: keyMask5 })],
    ['keyMask causal', [q, k, v], () => attention(q, k, v, { keyMask: keyMask5, causal: true })],
    ['cross', [qc, kc, vc], () => attention(qc, kc, vc, { scale: 0.2 })],
    ['x as q, k and v', [x], () => attention(x, x, x, { causal: true })],
    ['packed causal', [qkv], () => selfAttentionWithWeights(qkv, 2, { causal: true }).out],
    ['packed keyMask', [qkv], () => selfAttentionWithWeights(qkv, 2, { keyMask: keyMask5 }).out],
  ];

  it.runIf(attentionFusedAvailable).each([2, 3])(
    '%i threads: outputs, weights and gradients of every form',
    (threads) => {
      expect(2 * 5 * 2 * 64 * 64 * 32).toBeGreaterThanOrEqual(THREADED_MIN_PRODUCT);
      expect(2 * 7 * 2 * 48 * 64 * 32).toBeGreaterThanOrEqual(THREADED_MIN_PRODUCT);
      for (const [name, inputs, f] of cases) {
        setTensorThreads(1);
        const one = run(inputs, f);
        setTensorThreads(threads);
        const before = bands();
        const many = run(inputs, f);
        // forward and backward each cut into bands
        expect(bands() - before, name).toBeGreaterThanOrEqual(4);
        for (let i = 0; i < one.length; i++) expect(sameBits(one[i]!, many[i]!), `${name} ${i}`).toBe(true);
      }
      setTensorThreads(1);
      const w1 = selfAttentionWithWeights(qkv, 2, { keyMask: keyMask5 }).weights.data;
      setTensorThreads(threads);
      const wt = selfAttentionWithWeights(qkv, 2, { keyMask: keyMask5 }).weights.data;
      expect(sameBits(w1, wt)).toBe(true);
    },
  );

  it.runIf(attentionFusedAvailable)('a small call (one sequence) stays on the calling thread', () => {
    setTensorThreads(2);
    const [q1, k1, v1] = [randn([1, 2, 64, 32], 1), randn([1, 2, 64, 32], 2), randn([1, 2, 64, 32], 3)];
    const before = bands();
    const many = run([q1, k1, v1], () => attention(q1, k1, v1, { causal: true }));
    expect(bands()).toBe(before);
    setTensorThreads(1);
    const one = run([q1, k1, v1], () => attention(q1, k1, v1, { causal: true }));
    for (let i = 0; i < one.length; i++) expect(sameBits(one[i]!, many[i]!)).toBe(true);
  });
});
