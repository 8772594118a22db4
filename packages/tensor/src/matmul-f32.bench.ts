/**
 * Benchmark (not a test): the float32 matrix products of matmul-f32.ts on the shapes of one GPT
 * training step (batch·context = 2048 rows, d_model 128, the QKV projection 128 -> 384, the MLP
 * 128 -> 512 -> 128), JavaScript reference path against WebAssembly SIMD. Prints GFLOP/s (2·n·m·p
 * flops a product, median of the timed runs) for each path and their ratio.
 *
 * Run (from packages/transformers):
 *   node --import ../../scripts/bench/ts-hooks.mjs --conditions=firth-source \
 *     --experimental-transform-types --disable-warning=ExperimentalWarning src/matmul-f32.bench.ts
 * Environment: FIRTH_BENCH_REPS (timed runs per path and shape, default 7); FIRTH_BENCH_THREADS
 * (default 2): the wasm products are also timed on that many threads (matmul-f32-threads.ts), and
 * a sweep of square products shows where cutting them into bands starts to pay (THREADED_MIN_PRODUCT).
 * First it measures this machine's WebAssembly SIMD peak (@firth/tensor's measureSimdPeak) and prints each product's share
 * of it — the roofline — and whether relaxed SIMD's fused multiply-add would raise that peak. The
 * wasm column is the module matmul-f32.ts runs here (fused multiply-adds where relaxed SIMD
 * compiles), `plain` the plain-SIMD module Node 20 runs. Then the forward products of BERT (A W +
 * bias, hidden 128 and 256) on both modules.
 */
import { RandomState } from '@firth/numeric';
import { loadAverage } from '../../../scripts/bench/peer.js';
import {
  jsKernelsF32,
  type MatmulF32Kernels,
  matmulF32Fused,
  wasmKernelsF32,
  wasmKernelsF32Plain,
} from './matmul-f32.js';
import { threadedKernelsF32 } from './matmul-f32-threads.js';
import { measureSimdPeak } from './simd-peak.js';

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

/** CPU seconds (all threads of the process) and wall seconds spent in the timed runs, per kernel set. */
const spent = new Map<MatmulF32Kernels, { cpu: number; wall: number }>();

/** Median seconds of one product (one untimed warm-up run first). */
function time(kernels: MatmulF32Kernels, c: Case, A: Float32Array, B: Float32Array, C: Float32Array): number {
  const [d0, d1, d2] = c.dims;
  const run = () => kernels[c.variant](A, B, d0, d1, d2, C, false);
  run();
  const times: number[] = [];
  const cpu0 = process.cpuUsage();
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    run();
    times.push((performance.now() - t0) / 1000);
  }
  const cpu = process.cpuUsage(cpu0);
  const s = spent.get(kernels) ?? { cpu: 0, wall: 0 };
  s.cpu += (cpu.user + cpu.system) / 1e6;
  s.wall += times.reduce((a, b) => a + b, 0);
  spent.set(kernels, s);
  return median(times);
}

/** Cores a kernel set kept busy on average while timed (CPU time / wall time): ~threads when the machine lets it. */
const coresUsed = (kernels: MatmulF32Kernels): string => {
  const s = spent.get(kernels);
  return s === undefined ? '?' : (s.cpu / s.wall).toFixed(2);
};

if (wasmKernelsF32 === null) {
  console.log('WebAssembly SIMD not available: only the JavaScript path exists here');
  process.exit(0);
}
const rs = new RandomState(0);
const random = (size: number) => Float32Array.from({ length: size }, () => 2 * rs.randomSample() - 1);

const measured = measureSimdPeak();
const peak = { plain: measured.plain!, relaxed: measured.fused };
console.log(`${loadAverage()}`);
console.log(
  `WebAssembly SIMD peak (12 independent f32x4 multiply-adds, best of 7): mul + add ${peak.plain.toFixed(1)} GFLOP/s, ` +
    `relaxed_madd ${peak.relaxed === null ? 'not available' : `${peak.relaxed.toFixed(1)} GFLOP/s`}`,
);
const threads = Number(process.env.FIRTH_BENCH_THREADS ?? 2);
// every product on the threads (minProduct 0), the pool started before timing
const threaded = threads > 1 ? threadedKernelsF32(threads, wasmKernelsF32, 0) : null;
const tLabel = `wasm×${threads}`;
console.log(
  `float32 matmul, median of ${reps} runs; GFLOP/s = 2·n·m·p / time; ${tLabel}: ${threads} threads`,
);
console.log(
  `wasm: the ${matmulF32Fused ? 'fused (relaxed SIMD)' : 'plain SIMD'} module; plain: the plain-SIMD module (Node 20's)`,
);
console.log(
  `${'product'.padEnd(42)} ${'JS'.padStart(8)} ${'wasm'.padStart(8)}  ratio  wasm/peak ${'plain'.padStart(8)} plain/peak ${tLabel.padStart(8)}  speed-up`,
);
let totalJs = 0;
let totalWasm = 0;
let totalThreaded = 0;
let totalPlain = 0;
const plain = wasmKernelsF32Plain!;
for (const c of cases) {
  const [sa, sb, sc] = c.sizes;
  const A = random(sa);
  const B = random(sb);
  const C = new Float32Array(sc);
  const flops = 2 * c.dims[0] * c.dims[1] * c.dims[2];
  const tJs = time(jsKernelsF32, c, A, B, C);
  const tWasm = time(wasmKernelsF32, c, A, B, C);
  const tPlain = time(plain, c, A, B, C);
  totalPlain += tPlain;
  const tThreaded = threaded === null ? tWasm : time(threaded, c, A, B, C);
  totalJs += tJs;
  totalWasm += tWasm;
  totalThreaded += tThreaded;
  const g = (t: number) => (flops / t / 1e9).toFixed(2).padStart(8);
  const ofPeak = (t: number) => ((100 * flops) / t / 1e9 / peak.plain).toFixed(0).padStart(5);
  console.log(
    `${c.name.padEnd(42)} ${g(tJs)} ${g(tWasm)}  ${(tJs / tWasm).toFixed(1).padStart(4)}×  ${ofPeak(tWasm)} % ` +
      `${g(tPlain)}  ${ofPeak(tPlain)} % ` +
      `${g(tThreaded)}  ${(tWasm / tThreaded).toFixed(2).padStart(6)}×`,
  );
}
const allFlops = cases.reduce((s, c) => s + 2 * c.dims[0] * c.dims[1] * c.dims[2], 0);
console.log(
  `all nine products: JS ${(totalJs * 1000).toFixed(0)} ms, wasm ${(totalWasm * 1000).toFixed(0)} ms, ` +
    `${(totalJs / totalWasm).toFixed(1)}× faster; wasm ${(allFlops / totalWasm / 1e9).toFixed(1)} GFLOP/s = ` +
    `${((100 * allFlops) / totalWasm / 1e9 / peak.plain).toFixed(0)} % of the mul + add peak; plain module ` +
    `${(allFlops / totalPlain / 1e9).toFixed(1)} GFLOP/s = ${((100 * allFlops) / totalPlain / 1e9 / peak.plain).toFixed(0)} %`,
);

// BERT's forward products: X W + bias (2048 tokens, hidden 128 and 256, the MLP 4× wider)
console.log(`BERT forward, A W + bias, median of ${reps} runs: GFLOP/s and share of the mul + add peak`);
for (const [n, m, p] of [
  [T, 128, 384],
  [T, 128, 128],
  [T, 128, 512],
  [T, 512, 128],
  [T, 256, 768],
  [T, 256, 256],
  [T, 256, 1024],
  [T, 1024, 256],
] as const) {
  const [A, B, bias, C] = [random(n * m), random(m * p), random(p), new Float32Array(n * p)];
  const flops = 2 * n * m * p;
  const c = nn(`${n}×${m} @ ${m}×${p} + bias`, n, m, p);
  const biasCase = (k: MatmulF32Kernels): MatmulF32Kernels => ({
    ...k,
    matmul: () => k.matmulBias(A, B, bias, n, m, p, C),
  });
  const [tW, tP] = [time(biasCase(wasmKernelsF32), c, A, B, C), time(biasCase(plain), c, A, B, C)];
  const cell = (t: number) =>
    `${(flops / t / 1e9).toFixed(2).padStart(8)} ${((100 * flops) / t / 1e9 / peak.plain).toFixed(0).padStart(4)} %`;
  console.log(`  ${c.name.padEnd(40)} wasm ${cell(tW)}   plain ${cell(tP)}`);
}
console.log(
  `on ${threads} threads: ${(totalThreaded * 1000).toFixed(0)} ms, ${(allFlops / totalThreaded / 1e9).toFixed(1)} GFLOP/s, ` +
    `${(totalWasm / totalThreaded).toFixed(2)}× one thread; cores busy (CPU/wall) ${coresUsed(wasmKernelsF32)} ` +
    `at 1 thread, ${threaded === null ? '-' : coresUsed(threaded)} at ${threads} (${loadAverage()})`,
);
if (threaded !== null) {
  const { total, byWorkers } = threaded.bands;
  console.log(
    `bands computed by the ${threads - 1} worker(s): ${byWorkers} of ${total} (${((100 * byWorkers) / total).toFixed(0)} %; ` +
      `${((100 * (threads - 1)) / threads).toFixed(0)} % when every thread gets a core)`,
  );
}

// where threads start to pay: square products n×n @ n×n, one thread against `threads`
if (threaded !== null) {
  console.log(`square products n³ multiply-adds: one thread vs ${threads} (median of ${reps})`);
  for (const n of [48, 64, 96, 128, 160, 192, 256]) {
    const c = nn(`${n}`, n, n, n);
    const [A, B, C] = [random(n * n), random(n * n), new Float32Array(n * n)];
    const t1 = time(wasmKernelsF32, c, A, B, C);
    const tT = time(threaded, c, A, B, C);
    console.log(
      `  n ${String(n).padStart(4)}  n³ 2^${Math.log2(n ** 3)
        .toFixed(1)
        .padStart(4)}  ` +
        `1 thread ${(t1 * 1e6).toFixed(0).padStart(6)} µs  ${threads} threads ${(tT * 1e6).toFixed(0).padStart(6)} µs  ${(t1 / tT).toFixed(2)}×`,
    );
  }
  await threaded.close();
}
console.log(loadAverage());
