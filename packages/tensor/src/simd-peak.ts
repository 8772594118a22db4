/**
 * The roofline's ceiling: how many float32 GFLOP/s WebAssembly SIMD can reach on this machine, in
 * this runtime. simd-peak.wat runs 12 independent f32x4 multiply-adds per loop trip on values held in
 * registers (no memory traffic, no dependency inside a trip), so the figure is the vector units'
 * throughput for 128-bit operations — the most any of this engine's kernels could reach. The
 * benchmarks print each product's GFLOP/s as a share of it (matmul-f32.bench.ts) and the floor it
 * puts under a training step (transformers' bench:transformer and bench:bert).
 *
 * Native code is not bound by it: on a CPU with AVX2 or AVX-512, PyTorch's and MKL's kernels use
 * 256- or 512-bit registers, which WebAssembly cannot express.
 */
import { ValidationError } from '@firth/numeric';
import { SIMD_PEAK_FMA_WASM_BASE64 } from './simd-peak-fma-wasm.js';
import { SIMD_PEAK_WASM_BASE64 } from './simd-peak-wasm.js';
import { compileWasm, instantiateWasm } from './wasm.js';

export interface SimdPeak {
  /** GFLOP/s with f32x4.mul + f32x4.add (two instructions per multiply-add); null without WebAssembly SIMD. */
  plain: number | null;
  /** GFLOP/s with relaxed SIMD's fused f32x4.relaxed_madd; null where the runtime does not compile relaxed SIMD. */
  fused: number | null;
}

export interface SimdPeakOptions {
  /** Loop trips per timed run (96 flops each). @default 10_000_000 */
  trips?: number;
  /** Timed runs; the fastest counts (the peak is what the machine can do, not what it did on average). @default 7 */
  runs?: number;
}

/** Flops in one trip of simd-peak.wat's loop: 12 multiply-adds × 4 lanes × 2. */
const FLOPS_PER_TRIP = 96;

function gflops(base64: string, trips: number, runs: number): number | null {
  const ex = instantiateWasm<{ run(n: number): number }>(compileWasm(base64));
  if (ex === null) return null;
  ex.run(Math.min(trips, 100_000)); // compiled by the optimising tier before timing
  let best = Number.POSITIVE_INFINITY;
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    ex.run(trips);
    best = Math.min(best, performance.now() - t0);
  }
  // a timer too coarse for the run (best 0 ms) would give Infinity: say so rather than print it
  if (!(best > 0))
    throw new ValidationError(`measureSimdPeak: ${trips} trips ran too fast to time; raise trips`, 'trips');
  return (trips * FLOPS_PER_TRIP) / (best / 1000) / 1e9;
}

/**
 * Measures the WebAssembly SIMD peak (float32 GFLOP/s) on the calling thread: with separate
 * multiply and add, and fused where relaxed SIMD compiles. Takes about 7 × 20 ms per figure with
 * the defaults. The machine's other load lowers it; the fastest of `runs` is kept.
 */
export function measureSimdPeak(options: SimdPeakOptions = {}): SimdPeak {
  const trips = options.trips ?? 10_000_000;
  const runs = options.runs ?? 7;
  if (!(Number.isInteger(trips) && trips >= 1 && trips < 2 ** 31))
    throw new ValidationError(
      `measureSimdPeak: trips must be a whole number from 1 to 2^31 − 1, got ${trips}`,
      'trips',
    );
  if (!(Number.isInteger(runs) && runs >= 1))
    throw new ValidationError(`measureSimdPeak: runs must be a whole number ≥ 1, got ${runs}`, 'runs');
  return {
    plain: gflops(SIMD_PEAK_WASM_BASE64, trips, runs),
    fused: gflops(SIMD_PEAK_FMA_WASM_BASE64, trips, runs),
  };
}
