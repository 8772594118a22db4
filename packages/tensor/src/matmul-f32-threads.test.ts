import { execFileSync } from 'node:child_process';
import * as nodeModule from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RandomState, ValidationError } from '@firth/numeric';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { crossEntropy, linear, matmul, matmulNT, reshape, splitHeads, Tensor } from './autograd.js';
import {
  type MatmulF32Kernels,
  matmulF32,
  matmulF32Backend,
  matmulF32NTBatch,
  matmulF32Workers,
  wasmKernelsF32,
  wasmKernelsF32Plain,
} from './matmul-f32.js';
import { THREADED_MIN_PRODUCT, type ThreadedMatmulF32, threadedKernelsF32 } from './matmul-f32-threads.js';
import { setTensorThreads, tensorThreads } from './threads.js';

const here = dirname(fileURLToPath(import.meta.url));
const rs = new RandomState(7);
const random = (size: number) => Float32Array.from({ length: size }, () => 2 * rs.randomSample() - 1);

/** True when every float is the same bits (Object.is: -0 and +0 differ, NaN equals NaN). */
function sameBits(x: Float32Array, y: Float32Array): boolean {
  if (x.length !== y.length) return false;
  const a = new Uint32Array(x.buffer, x.byteOffset, x.length);
  const b = new Uint32Array(y.buffer, y.byteOffset, y.length);
  return a.every((v, i) => v === b[i]);
}

const single = wasmKernelsF32 as MatmulF32Kernels;
// every product on the threads (minProduct 0), with 2 and 3 threads (3: more bands than cores here)
const pools: ThreadedMatmulF32[] = [2, 3].map((t) => threadedKernelsF32(t, single, 0)!);
// the plain-SIMD (unfused) module on both sides, as Node 20 runs it
const plainSingle = wasmKernelsF32Plain as MatmulF32Kernels;
const plainPool = threadedKernelsF32(2, plainSingle, 0, false)!;
afterAll(async () => {
  await Promise.all([...pools, plainPool].map((p) => p.close()));
});

type Dims = [number, number, number];
// rows ≥ cols (bands of rows) and cols > rows (bands of columns), tails that are not multiples of
// 4 or 8, reductions longer than one 256-k block, a degenerate one
const SHAPES: Dims[] = [
  [37, 19, 41],
  [130, 7, 9],
  [5, 300, 70],
  [64, 64, 64],
  [3, 517, 205],
  [260, 33, 12],
  [2, 3, 200],
  [9, 0, 11],
  // bands of columns of a product whose one-thread kernel cuts its columns in chunks of 1024 (a
  // reduction longer than 128), and of rows
  [6, 260, 1100],
  [300, 140, 270],
];

describe('matmul-f32-threads: equal to the one-thread wasm kernels bit for bit', () => {
  it
    .runIf(wasmKernelsF32 !== null)
    .each([
      ...pools.map((p) => [`${p.threads} threads`, p, single] as const),
      ['2 threads, plain SIMD module', plainPool, plainSingle] as const,
    ])('%s: C = A B, Aᵀ B, A Bᵀ, with and without accumulating, and A B + bias', (_, pool, single) => {
    for (const [n, m, p] of SHAPES) {
      const cases: ['matmul' | 'matmulTN' | 'matmulNT', number, number, number][] = [
        ['matmul', n * m, m * p, n * p],
        ['matmulTN', n * m, n * p, m * p],
        ['matmulNT', n * m, p * m, n * p],
      ];
      for (const [v, sa, sb, sc] of cases) {
        const A = random(sa);
        const B = random(sb);
        for (const acc of [false, true]) {
          const start = random(sc);
          const C1 = start.slice();
          const Ct = start.slice();
          single[v](A, B, n, m, p, C1, acc);
          pool[v](A, B, n, m, p, Ct, acc);
          expect(sameBits(C1, Ct), `${v} ${n}×${m}×${p} acc ${acc}`).toBe(true);
        }
      }
      const [A, B, bias] = [random(n * m), random(m * p), random(p)];
      const [C1, Ct] = [new Float32Array(n * p), new Float32Array(n * p)];
      single.matmulBias(A, B, bias, n, m, p, C1);
      pool.matmulBias(A, B, bias, n, m, p, Ct);
      expect(sameBits(C1, Ct), `matmulBias ${n}×${m}×${p}`).toBe(true);
    }
    expect(pool.started).toBe(pool.threads - 1);
    expect(pool.bands.total).toBeGreaterThan(0);
    expect(pool.bands.byWorkers).toBeLessThanOrEqual(pool.bands.total);
  });

  it.runIf(wasmKernelsF32 !== null).each(pools.map((p) => [p.threads, p] as const))(
    '%i threads: the batched products (attention per head), with and without accumulating',
    (_, pool) => {
      for (const batch of [1, 2, 5, 16]) {
        for (const [n, m, p] of [
          [16, 8, 16],
          [9, 13, 5],
          [64, 32, 64],
        ] as Dims[]) {
          const cases: ['matmulBatch' | 'matmulTNBatch' | 'matmulNTBatch', number, number, number][] = [
            ['matmulBatch', n * m, m * p, n * p],
            ['matmulTNBatch', n * m, n * p, m * p],
            ['matmulNTBatch', n * m, p * m, n * p],
          ];
          for (const [v, sa, sb, sc] of cases) {
            const A = random(batch * sa);
            const B = random(batch * sb);
            for (const acc of [false, true]) {
              const start = random(batch * sc);
              const C1 = start.slice();
              const Ct = start.slice();
              single[v](A, B, batch, n, m, p, C1, acc);
              pool[v](A, B, batch, n, m, p, Ct, acc);
              expect(sameBits(C1, Ct), `${v} ${batch}×(${n}×${m}×${p}) acc ${acc}`).toBe(true);
            }
          }
        }
      }
    },
  );

  it.runIf(wasmKernelsF32 !== null)('below minProduct a product stays on the calling thread', async () => {
    const lazy = threadedKernelsF32(2, single)!;
    const n = 16; // 16³ multiply-adds, far below THREADED_MIN_PRODUCT
    expect(n ** 3).toBeLessThan(THREADED_MIN_PRODUCT);
    const [A, B] = [random(n * n), random(n * n)];
    const C = new Float32Array(n * n);
    lazy.matmul(A, B, n, n, n, C, false);
    expect(lazy.started).toBe(0);
    const C1 = new Float32Array(n * n);
    single.matmul(A, B, n, n, n, C1, false);
    expect(sameBits(C, C1)).toBe(true);
    await lazy.close();
  });
});

describe('tensorThreads: the one thread count', () => {
  afterEach(() => setTensorThreads(undefined));

  it('defaults to FIRTH_THREADS or the cores (at most 8); setTensorThreads overrides, undefined returns', () => {
    const env = process.env.FIRTH_THREADS;
    try {
      process.env.FIRTH_THREADS = '3';
      setTensorThreads(undefined); // forget the default worked out before
      expect(tensorThreads()).toBe(3);
      setTensorThreads(1);
      expect(tensorThreads()).toBe(1);
      delete process.env.FIRTH_THREADS;
      setTensorThreads(undefined);
      const t = tensorThreads();
      expect(t).toBeGreaterThanOrEqual(1);
      expect(t).toBeLessThanOrEqual(8);
      process.env.FIRTH_THREADS = 'two';
      setTensorThreads(undefined);
      expect(() => tensorThreads()).toThrow(/FIRTH_THREADS must be a whole number ≥ 1, got 'two'/);
    } finally {
      if (env === undefined) delete process.env.FIRTH_THREADS;
      else process.env.FIRTH_THREADS = env;
    }
  });

  it('rejects a count that is not a whole number ≥ 1', () => {
    expect(() => setTensorThreads(0)).toThrow(ValidationError);
    expect(() => setTensorThreads(1.5)).toThrow(/a whole number ≥ 1, got 1.5/);
  });

  it.runIf(matmulF32Backend === 'wasm')(
    'the autograd products (linear, matmul, matmulNT, batched per head; forward and backward) are the same at 1 and 2 threads, and 2 use the workers',
    () => {
      // shapes above THREADED_MIN_PRODUCT: 256 rows × 128 × 256, attention 8 heads of 128 × 32 × 128
      const run = () => {
        const r = new RandomState(3);
        const X = Tensor.randn([2, 128, 128], r, 1, true);
        const W = Tensor.randn([128, 384], r, 0.1, true);
        const b = Tensor.randn([384], r, 0.1, true);
        const W2 = Tensor.randn([128, 128], r, 0.1, true);
        const qkv = linear(X, W, b); // (2, 128, 384)
        const q = splitHeads(qkv, 4, 0, 3); // (2·4, 128, 32)
        const k = splitHeads(qkv, 4, 1, 3);
        const v = splitHeads(qkv, 4, 2, 3);
        const att = matmul(matmulNT(q, k), v); // batched A Bᵀ, then batched A B
        const y = matmulNT(matmul(reshape(att, [256, 128]), W2), W2); // shared B: A B, A Bᵀ
        const loss = crossEntropy(
          y,
          Array.from({ length: 256 }, (_, i) => (i * 37) % 128),
        );
        loss.backward();
        return [y.data, loss.data, X.grad!, W.grad!, b.grad!, W2.grad!];
      };
      setTensorThreads(1);
      const one = run();
      setTensorThreads(2);
      const two = run();
      expect(matmulF32Workers()).toBe(1);
      for (const [i, x] of one.entries()) expect(sameBits(x, two[i]!), `output ${i}`).toBe(true);
      // and the public product itself
      const [A, B] = [random(300 * 200), random(200 * 100)];
      const C2 = matmulF32(A, B, 300, 200, 100);
      setTensorThreads(1);
      expect(sameBits(C2, matmulF32(A, B, 300, 200, 100))).toBe(true);
      expect(matmulF32NTBatch(A, B, 2, 10, 10, 10).length).toBe(200);
    },
  );
});

describe('worker threads never keep a process alive', () => {
  // the child runs the TypeScript sources directly: Node with module.registerHooks and type transforms (≥ 22.15)
  const canRunTs =
    (process.features as { typescript?: string }).typescript !== undefined && 'registerHooks' in nodeModule;
  it.runIf(canRunTs && matmulF32Backend === 'wasm')(
    'a process that ran threaded products exits by itself',
    () => {
      const script = [
        `import { matmulF32, matmulF32Workers } from ${JSON.stringify(join(here, 'matmul-f32.ts'))};`,
        `import { setTensorThreads } from ${JSON.stringify(join(here, 'threads.ts'))};`,
        'setTensorThreads(2);',
        'const A = new Float32Array(256 * 256).fill(0.5);',
        'const C = matmulF32(A, A, 256, 256, 256);',
        'console.log(C[0], matmulF32Workers());',
      ].join('\n');
      const out = execFileSync(
        process.execPath,
        [
          '--import',
          join(here, '../../../scripts/bench/ts-hooks.mjs'),
          '--conditions=firth-source',
          '--experimental-transform-types',
          '--disable-warning=ExperimentalWarning',
          '--input-type=module',
          '--eval',
          script,
        ],
        { encoding: 'utf8', timeout: 20_000 },
      );
      // 256 terms of 0.25, and one worker started; no hang (execFileSync would time out and throw)
      expect(out.trim()).toBe('64 1');
    },
  );
});
