import { RandomState } from '@firth/numeric';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { selfAttentionWithWeights } from './attention.js';
import { crossEntropy, gelu, layerNorm, linear, Tensor } from './autograd.js';
import { allocF32, arenaEnabled, arenaScope, arenaStats, engineOffset, setArenaLimit } from './engine.js';
import { matmulF32, matmulF32Backend, matmulF32Bias, matmulF32NT, matmulF32TN } from './matmul-f32.js';
import { setTensorThreads } from './threads.js';

const env = globalThis.process?.env ?? {};
/** The arena runs here: shared WebAssembly memory and FIRTH_ARENA not 'off' (both in Node ≥ 20). */
const on = arenaEnabled && matmulF32Backend === 'wasm';

const randn = (n: number, seed: number) => {
  const r = new RandomState(seed);
  return Float32Array.from({ length: n }, () => r.normal());
};

/** A small network's loss and every gradient: linear → LayerNorm → GELU → linear → self-attention → cross-entropy. */
function lossAndGrads(params: Tensor[]): { loss: number; grads: Float32Array[] } {
  const [W1, b1, g, bn, W2, b2] = params as [Tensor, Tensor, Tensor, Tensor, Tensor, Tensor];
  const x = new Tensor(randn(2 * 8 * 16, 3), [2, 8, 16]);
  const h = gelu(layerNorm(linear(x, W1, b1), g, bn));
  const qkv = linear(h, W2, b2);
  const { out } = selfAttentionWithWeights(qkv, 2, { causal: true });
  const loss = crossEntropy(
    out,
    Array.from({ length: 16 }, (_, i) => (i * 5) % 32),
  );
  loss.backward();
  return { loss: loss.item(), grads: params.map((p) => p.grad!.slice()) };
}
const makeParams = () => [
  new Tensor(randn(16 * 32, 1), [16, 32], true),
  new Tensor(randn(32, 2), [32], true),
  new Tensor(new Float32Array(32).fill(1), [32], true),
  new Tensor(new Float32Array(32), [32], true),
  new Tensor(
    randn(32 * 96, 4).map((v) => v * 0.2),
    [32, 96],
    true,
  ),
  new Tensor(new Float32Array(96), [96], true),
];

describe('the engine arena (arenaScope)', () => {
  afterEach(() => {
    vi.restoreAllMocks();
    setTensorThreads(undefined);
  });

  it.runIf(on)('hands out views of the engine memory inside a scope, recycled by the next scope', () => {
    expect(engineOffset(allocF32(8))).toBe(-1); // outside a scope: a plain array
    const first = arenaScope(() => {
      const a = allocF32(10);
      const b = allocF32(3);
      expect(engineOffset(a)).toBeGreaterThanOrEqual(0);
      // 16-byte aligned, padded to whole f32x4 vectors
      expect(engineOffset(b) - engineOffset(a)).toBe(48);
      expect([...a, ...b].every((v) => v === 0)).toBe(true);
      a.fill(7);
      return [engineOffset(a), engineOffset(b)];
    });
    const second = arenaScope(() => {
      const a = allocF32(10);
      expect([...a].every((v) => v === 0)).toBe(true); // zeroed again
      return [engineOffset(a), engineOffset(allocF32(3))];
    });
    expect(second).toEqual(first);
    expect(arenaStats().depth).toBe(0);
  });

  it.runIf(on)(
    'nests: an inner scope releases only its own allocations; a throwing fn still releases',
    () => {
      const top0 = arenaStats().top;
      arenaScope(() => {
        const outer = allocF32(100);
        outer.fill(1);
        const mark = arenaStats().top;
        const inner = arenaScope(() => engineOffset(allocF32(50)));
        expect(inner).toBe(mark);
        expect(arenaStats().top).toBe(mark);
        expect(() =>
          arenaScope(() => {
            allocF32(1000);
            throw new Error('boom');
          }),
        ).toThrow('boom');
        expect(arenaStats().top).toBe(mark);
        expect(arenaStats().depth).toBe(1);
        expect(outer.every((v) => v === 1)).toBe(true); // the outer scope's view is intact
        // an async fn is refused: its tensors would outlive the scope at its first await
        expect(() => arenaScope(async () => allocF32(10))).toThrow('arenaScope takes a synchronous function');
        expect(arenaStats().top).toBe(mark);
      });
      expect(arenaStats().top).toBe(top0);
    },
  );

  it.runIf(on)('a full arena hands out plain arrays; the kernels still compute with them', () => {
    arenaScope(() => {
      const before = setArenaLimit(arenaStats().top + 64);
      try {
        const a = allocF32(16); // 64 bytes: fits
        const b = allocF32(16); // beyond the limit: a plain array
        expect(engineOffset(a)).toBeGreaterThanOrEqual(0);
        expect(engineOffset(b)).toBe(-1);
        const x = new Tensor(randn(12, 10), [3, 4]);
        const w = new Tensor(randn(8, 11), [4, 2]);
        const y = linear(x, w, new Tensor(new Float32Array([1, -1]), [2]));
        expect(engineOffset(y.data)).toBe(-1);
        expect(y.data).toEqual(matmulF32Bias(x.data, w.data, new Float32Array([1, -1]), 3, 4, 2));
      } finally {
        setArenaLimit(before);
      }
    });
  });

  it.runIf(on)('passes arena operands by address and writes results in place (no copies)', () => {
    const [n, m, p] = [24, 40, 36];
    const A0 = randn(n * m, 5);
    const B0 = randn(m * p, 6);
    const expected = matmulF32(A0, B0, n, m, p);
    const set = vi.spyOn(Float32Array.prototype, 'set');
    arenaScope(() => {
      const A = allocF32(n * m);
      const B = allocF32(m * p);
      A.set(A0);
      B.set(B0);
      const C = allocF32(n * p);
      set.mockClear();
      matmulF32(A, B, n, m, p, C);
      matmulF32NT(C, B, n, p, m, allocF32(n * m));
      matmulF32TN(A, C, n, m, p, allocF32(m * p));
      expect(set).not.toHaveBeenCalled();
      expect(C).toEqual(expected);
      // plain operands are still copied in and the result out
      const plain = new Float32Array(n * p);
      matmulF32(A0, B0, n, m, p, plain);
      expect(set.mock.calls.length).toBeGreaterThanOrEqual(3);
      expect(plain).toEqual(expected);
    });
  });

  it.runIf(on)(
    'a network step inside a scope equals the same step outside, bit for bit (1 and 2 threads)',
    () => {
      const outside = lossAndGrads(makeParams());
      for (const threads of [1, 2]) {
        setTensorThreads(threads);
        const inside = arenaScope(() => {
          const params = makeParams();
          const r = lossAndGrads(params);
          // the parameters' gradients were arena views, taken back when the scope ended (below)
          expect(params.every((p) => engineOffset(p.grad!) >= 0)).toBe(true);
          return { ...r, params };
        });
        expect(inside.loss).toBe(outside.loss);
        expect(inside.grads).toEqual(outside.grads);
        expect(inside.params.every((p) => p.grad === null)).toBe(true);
      }
    },
  );

  it.runIf(on)(
    'large products on the worker threads read and write the arena in place, equal to one thread',
    () => {
      const [n, m, p] = [256, 128, 192]; // 2^22.6 multiply-adds: above THREADED_MIN_PRODUCT
      const A0 = randn(n * m, 7);
      const B0 = randn(m * p, 8);
      const one = matmulF32(A0, B0, n, m, p);
      setTensorThreads(2);
      const set = vi.spyOn(Float32Array.prototype, 'set');
      const two = arenaScope(() => {
        const A = allocF32(n * m);
        const B = allocF32(m * p);
        A.set(A0);
        B.set(B0);
        const C = allocF32(n * p);
        set.mockClear();
        matmulF32(A, B, n, m, p, C);
        expect(set).not.toHaveBeenCalled();
        return C.slice();
      });
      expect(two).toEqual(one);
    },
  );

  it.runIf(on && env.FIRTH_ARENA_POISON === '1')(
    'FIRTH_ARENA_POISON=1: a tensor that escaped its scope reads NaN',
    () => {
      const x = new Tensor(randn(64, 9), [8, 8]);
      const escaped = arenaScope(() => gelu(x));
      expect(engineOffset(escaped.data)).toBeGreaterThanOrEqual(0);
      expect(escaped.data.every((v) => Number.isNaN(v))).toBe(true);
      // copied out before the end: intact
      const kept = arenaScope(() => gelu(x).data.slice());
      expect(kept.every((v) => Number.isFinite(v))).toBe(true);
    },
  );

  it('without an engine memory (FIRTH_ARENA=off, or no shared memory) a scope just runs fn', () => {
    // the flag follows the environment; either way arenaScope returns fn's value and releases
    expect(arenaEnabled).toBe(
      env.FIRTH_ARENA !== 'off' &&
        typeof SharedArrayBuffer !== 'undefined' &&
        (globalThis as { WebAssembly?: object }).WebAssembly !== undefined,
    );
    expect(arenaScope(() => 42)).toBe(42);
    expect(arenaStats().depth).toBe(0);
  });
});

/** 20 fit steps of a small attention network with the package as loaded (arena on or off by FIRTH_ARENA). */
async function train(steps: number) {
  const { Tensor: T, fit } = await import('./index.js');
  const r = new RandomState(11);
  const params = [
    T.randn([16, 32], r, 0.3, true),
    T.zeros([32], true),
    T.randn([32, 96], r, 0.2, true),
    T.zeros([96], true),
    T.randn([32, 32], r, 0.2, true),
  ];
  const x = T.randn([4, 8, 16], r, 1);
  const {
    linear: lin,
    gelu: g,
    selfAttentionWithWeights: sa,
    crossEntropy: ce,
    matmul: mm,
  } = await import('./index.js');
  const { curve } = fit({
    params,
    steps,
    lr: 0.01,
    lossAt: () => {
      const h = g(lin(x, params[0]!, params[1]!));
      const a = sa(lin(h, params[2]!, params[3]!), 2, { causal: true }).out;
      return ce(
        mm(a, params[4]!),
        Array.from({ length: 32 }, (_, i) => (i * 7) % 32),
      );
    },
  });
  return { curve, params: params.map((p) => p.data.slice()) };
}

describe('training with the arena equals training without it (FIRTH_ARENA=off), bit for bit', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.resetModules();
  });

  it.runIf(on)('1 step and 20 steps of fit: the same losses and weights', async () => {
    for (const steps of [1, 20]) {
      vi.resetModules();
      const arena = await train(steps);
      vi.stubEnv('FIRTH_ARENA', 'off');
      vi.resetModules();
      expect((await import('./engine.js')).arenaEnabled).toBe(false);
      const plain = await train(steps);
      vi.unstubAllEnvs();
      expect(arena.curve).toEqual(plain.curve);
      expect(arena.params).toEqual(plain.params);
      expect(arena.curve.every(Number.isFinite)).toBe(true);
    }
  });
});
