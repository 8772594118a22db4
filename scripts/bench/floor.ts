/**
 * The roofline argument a transformer benchmark prints beside its ratio (issue 17: "where a goal is
 * not met, the profile that shows what the remaining time is spent on and why it cannot go lower on
 * this machine"): where Firth's step goes by engine part (profile.ts), the products' share of the
 * peer's step (torch.profiler), both sides' GFLOP/s against WebAssembly SIMD's peak measured in the
 * same run (@firth/tensor's measureSimdPeak), and the floor that peak puts under Firth's step.
 */
import type { CategoryTime, ProfileCategory } from './profile.js';

/** @firth/tensor's parts, by the source files whose frames (and the wasm kernels they call) are theirs. */
export const ENGINE_PARTS: ProfileCategory[] = [
  { name: 'products', files: ['matmul-f32.ts', 'matmul-f32-threads.ts', 'matmul-js.ts', 'matmul-f64.ts'] },
  { name: 'attention', files: ['attention.ts'] },
  { name: 'elementwise', files: ['elementwise-f32.ts', 'activations.ts'] },
  { name: 'optimizer', files: ['optim.ts'] },
];

export interface StepProfile {
  /** The step's median wall time, measured without the profiler. */
  stepMs: number;
  /** Profiled milliseconds by part over `steps` steps. */
  parts: CategoryTime[];
  steps: number;
}

export interface FloorInput {
  what: string;
  /** Flops of the dense products (x·W and their gradients) in one step. */
  denseFlops: number;
  /** Flops of attention's q·kᵀ and a·v (and gradients) in one step, whole T×T. */
  attentionFlops: number;
  firth: StepProfile;
  /** The peer's step and its products' (mm, addmm, bmm) share of its operators' time; null when it did not run. */
  peer: { name: string; stepMs: number; productShare: number } | null;
  peak: { plain: number | null; fused: number | null };
  threads: number;
  goal: number;
}

/** Firth's parts scaled to its unprofiled step (the profiler's own cost removed in proportion). */
export function scaledParts(p: StepProfile): CategoryTime[] {
  const profiled = p.parts.reduce((s, c) => s + c.ms, 0) / p.steps;
  return p.parts.map((c) => ({ name: c.name, ms: (c.ms / p.steps) * (p.stepMs / profiled), share: c.share }));
}

const times = (threads: number) => (threads === 1 ? '' : `${threads} × `);

/** The lines printFloor prints (separated for the bench-helpers test). */
export function floorLines(f: FloorInput): string[] {
  const out: string[] = [];
  const parts = scaledParts(f.firth);
  const ms = (name: string) => parts.find((c) => c.name === name)?.ms ?? 0;
  const gf = (flops: number, msTime: number) => flops / (msTime / 1000) / 1e9;
  const peak = Math.max(f.peak.plain ?? 0, f.peak.fused ?? 0);
  out.push(
    `where the ${f.what} goes (${f.threads} thread(s); Firth: ${f.firth.steps} runs under V8's sampling profiler, ` +
      `scaled to its ${f.firth.stepMs.toFixed(0)} ms median; worker threads not sampled):`,
  );
  out.push(
    `  Firth    ${parts.map((c) => `${c.name} ${c.ms.toFixed(0)} ms (${(100 * c.share).toFixed(0)} %)`).join(' · ')}`,
  );
  if (f.peer !== null) {
    const p = f.peer.productShare * f.peer.stepMs;
    out.push(
      `  ${f.peer.name.padEnd(8)} products (mm, addmm, bmm) ${p.toFixed(0)} ms (${(100 * f.peer.productShare).toFixed(0)} %, ` +
        `torch.profiler's operator self-time share) · everything else ${(f.peer.stepMs - p).toFixed(0)} ms`,
    );
  }
  out.push(
    `products per step: dense ${(f.denseFlops / 1e9).toFixed(2)} GFLOP + attention ${(f.attentionFlops / 1e9).toFixed(2)} GFLOP`,
  );
  if (peak === 0) {
    out.push('WebAssembly SIMD is not available here: no peak to measure against');
    return out;
  }
  out.push(
    `WebAssembly SIMD peak measured now (one thread): ${f.peak.plain?.toFixed(1) ?? '—'} GFLOP/s with mul + add, ` +
      `${f.peak.fused === null ? 'no relaxed SIMD' : `${f.peak.fused.toFixed(1)} fused`}; the higher, ${peak.toFixed(1)}, is the ceiling`,
  );
  const tDense = ms('products');
  if (tDense > 0)
    out.push(
      `  Firth's dense products: ${tDense.toFixed(0)} ms = ${gf(f.denseFlops, tDense).toFixed(1)} GFLOP/s = ` +
        `${((100 * gf(f.denseFlops, tDense)) / peak / f.threads).toFixed(0)} % of ${times(f.threads)}the peak`,
    );
  if (f.peer !== null) {
    const p = f.peer.productShare * f.peer.stepMs;
    const g = gf(f.denseFlops + f.attentionFlops, p);
    out.push(
      `  ${f.peer.name}'s products: ${p.toFixed(0)} ms = ${g.toFixed(1)} GFLOP/s = ${(g / peak / f.threads).toFixed(2)}× ` +
        `${times(f.threads)}the WebAssembly peak (native 256/512-bit vectors; WebAssembly has 128-bit only)`,
    );
    const floor = (1000 * (f.denseFlops + f.attentionFlops)) / (peak * f.threads * 1e9);
    const rest = f.firth.stepMs - tDense - ms('attention');
    out.push(
      `floor: the products alone at 100 % of the peak take ${floor.toFixed(0)} ms = ${(floor / f.peer.stepMs).toFixed(2)}× ` +
        `${f.peer.name}'s whole step; with Firth's other work as measured (${rest.toFixed(0)} ms) ` +
        `${((floor + rest) / f.peer.stepMs).toFixed(2)}×. The goal (≤ ${f.goal}×, ${(f.goal * f.peer.stepMs).toFixed(0)} ms) ` +
        `leaves ${(f.goal * f.peer.stepMs - floor).toFixed(0)} ms for everything but the products, ` +
        `were they at the peak (${f.peer.name} spends ${(f.peer.stepMs - p).toFixed(0)} ms on that)`,
    );
  }
  return out;
}

export function printFloor(f: FloorInput): void {
  for (const line of floorLines(f)) console.log(line);
}
