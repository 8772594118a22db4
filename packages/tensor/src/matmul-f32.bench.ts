/**
 * Benchmark (not a test): the float32 matrix products of matmul-f32.ts on the shapes of one GPT
 * training step (batch·context = 2048 rows, d_model 128, the QKV projection 128 -> 384, the MLP
 * 128 -> 512 -> 128), JavaScript reference path against WebAssembly SIMD. Prints GFLOP/s (2·n·m·p
 * flops a product, median of the timed runs) for each path and their ratio.
 *
 * Run (from packages/transformers):
 *   node --import ../../scripts/bench/ts-hooks.mjs --conditions=firth-source \
 *     --experimental-transform-types --disable-warning=ExperimentalWarning src/matmul-f32.bench.ts
 * Environment: FIRTH_BENCH_REPS (timed runs per path and shape, default 7).
 */
import { RandomState } from '@firth/numeric';
import { jsKernelsF32, type MatmulF32Kernels, wasmKernelsF32 } from './matmul-f32.js';

type Variant = 'matmul' | 'matmulTN' | 'matmulNT';

interface Case {
  name: string;
  variant: Variant;
  /** The kernel's (n, m, p) in its own argument order (matmulNT: n, p, m). */
  dims: [number, number, number];
  /** Sizes of A, B, C in floats. */
  sizes: [number, number, number];
}

/** C = A B: A (n, m), B (m, p). */
const nn = (name: string, n: number, m: number, p: number): Case => ({
  name,
  variant: 'matmul',
  dims: [n, m, p],
  sizes: [n * m, m * p, n * p],
});
/** C = Aᵀ B: A (n, m), B (n, p) -> (m, p). */
const tn = (name: string, n: number, m: number, p: number): Case => ({
  name,
  variant: 'matmulTN',
  dims: [n, m, p],
  sizes: [n * m, n * p, m * p],
});
/** C = A Bᵀ: A (n, p), B (m, p) -> (n, m). */
const nt = (name: string, n: number, p: number, m: number): Case => ({
  name,
  variant: 'matmulNT',
  dims: [n, p, m],
  sizes: [n * p, m * p, n * m],
});

const T = 2048;
const cases: Case[] = [
  nn('qkv    X W      2048×128 @ 128×384', T, 128, 384),
  nn('mlp up X W      2048×128 @ 128×512', T, 128, 512),
  nn('mlp dn H W      2048×512 @ 512×128', T, 512, 128),
  tn('dW qkv Xᵀ dY   (2048×128)ᵀ @ 2048×384', T, 128, 384),
  tn('dW up  Xᵀ dY   (2048×128)ᵀ @ 2048×512', T, 128, 512),
  tn('dW dn  Hᵀ dY   (2048×512)ᵀ @ 2048×128', T, 512, 128),
  nt('dX qkv dY Wᵀ    2048×384 @ (128×384)ᵀ', T, 384, 128),
  nt('dX up  dY Wᵀ    2048×512 @ (128×512)ᵀ', T, 512, 128),
  nt('dH dn  dY Wᵀ    2048×128 @ (512×128)ᵀ', T, 128, 512),
];

const reps = Number(process.env.FIRTH_BENCH_REPS ?? 7);
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1]!;
};

/** Median seconds of one product (one untimed warm-up run first). */
function time(kernels: MatmulF32Kernels, c: Case, A: Float32Array, B: Float32Array, C: Float32Array): number {
  const [d0, d1, d2] = c.dims;
  const run = () => kernels[c.variant](A, B, d0, d1, d2, C, false);
  run();
  const times: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    run();
    times.push((performance.now() - t0) / 1000);
  }
  return median(times);
}

if (wasmKernelsF32 === null) {
  console.log('WebAssembly SIMD not available: only the JavaScript path exists here');
  process.exit(0);
}
const rs = new RandomState(0);
const random = (size: number) => Float32Array.from({ length: size }, () => 2 * rs.randomSample() - 1);

console.log(`float32 matmul, median of ${reps} runs; GFLOP/s = 2·n·m·p / time`);
console.log(`${'product'.padEnd(42)} ${'JS'.padStart(8)} ${'wasm'.padStart(8)}  ratio`);
let totalJs = 0;
let totalWasm = 0;
for (const c of cases) {
  const [sa, sb, sc] = c.sizes;
  const A = random(sa);
  const B = random(sb);
  const C = new Float32Array(sc);
  const flops = 2 * c.dims[0] * c.dims[1] * c.dims[2];
  const tJs = time(jsKernelsF32, c, A, B, C);
  const tWasm = time(wasmKernelsF32, c, A, B, C);
  totalJs += tJs;
  totalWasm += tWasm;
  const g = (t: number) => (flops / t / 1e9).toFixed(2).padStart(8);
  console.log(`${c.name.padEnd(42)} ${g(tJs)} ${g(tWasm)}  ${(tJs / tWasm).toFixed(1)}×`);
}
console.log(
  `all nine products: JS ${(totalJs * 1000).toFixed(0)} ms, wasm ${(totalWasm * 1000).toFixed(0)} ms, ` +
    `${(totalJs / totalWasm).toFixed(1)}× faster`,
);
