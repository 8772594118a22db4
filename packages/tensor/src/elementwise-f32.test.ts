import { RandomState } from '@firth/numeric';
import { describe, expect, it } from 'vitest';
import {
  type ElementwiseF32Kernels,
  elementwiseF32,
  jsElementwiseF32,
  wasmElementwiseF32,
} from './elementwise-f32.js';

const rng = new RandomState(3);
const randn = (n: number, std = 1) => Float32Array.from({ length: n }, () => std * rng.standardNormal());

/** |a − b| ≤ tol · max(1, |b|) everywhere. */
function expectClose(a: Float32Array, b: Float32Array, tol: number, what: string) {
  expect(a.length, what).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const err = Math.abs(a[i]! - b[i]!) / Math.max(1, Math.abs(b[i]!));
    expect(Number.isFinite(a[i]!), `${what}[${i}] is ${a[i]}`).toBe(true);
    worst = Math.max(worst, err);
  }
  expect(worst, what).toBeLessThan(tol);
}

const wasm = wasmElementwiseF32 as ElementwiseF32Kernels;
const js = jsElementwiseF32;

describe.skipIf(wasmElementwiseF32 === null)(
  'elementwise-f32: WebAssembly SIMD against the JavaScript reference',
  () => {
    it('is the path autograd takes (unless FIRTH_MATMUL=js)', () => {
      if (globalThis.process?.env?.FIRTH_MATMUL !== 'js') expect(elementwiseF32).toBe(wasmElementwiseF32);
    });

    it('GELU forward and backward, tails of 1–3 floats, |x| up to 30 (tanh saturates)', () => {
      for (const n of [1, 3, 4, 7, 64, 1001]) {
        const x = randn(n, 3);
        if (n > 4) x.set([30, -30, 8, -8, 1e-5], 0);
        const out = (k: ElementwiseF32Kernels) => {
          const y = new Float32Array(n);
          k.geluForward(x, y);
          const g = Float32Array.from({ length: n }, (_, i) => Math.sin(i + 1));
          const dx = Float32Array.from({ length: n }, (_, i) => Math.cos(i)); // added to
          k.geluBackward(x, g, dx, true);
          const dxNew = new Float32Array(n).fill(Number.NaN); // written
          k.geluBackward(x, g, dxNew, false);
          return { y, dx, dxNew };
        };
        const a = out(wasm);
        const b = out(js);
        expectClose(a.y, b.y, 2e-6, `gelu y, n ${n}`);
        expectClose(a.dx, b.dx, 4e-6, `gelu dx, n ${n}`);
        expectClose(a.dxNew, b.dxNew, 4e-6, `gelu dx written, n ${n}`);
      }
    });

    it('GELU (erf form) forward and backward: tails, |x| up to 30, the sign change of erf at 0', () => {
      for (const n of [1, 3, 4, 7, 64, 1001]) {
        const x = randn(n, 3);
        if (n > 6) x.set([30, -30, 8, -8, 1e-5, -1e-5, 0], 0);
        const out = (k: ElementwiseF32Kernels) => {
          const y = new Float32Array(n);
          k.geluErfForward(x, y);
          const g = Float32Array.from({ length: n }, (_, i) => Math.sin(i + 1));
          const dx = Float32Array.from({ length: n }, (_, i) => Math.cos(i)); // added to
          k.geluErfBackward(x, g, dx, true);
          const dxNew = new Float32Array(n).fill(Number.NaN); // written
          k.geluErfBackward(x, g, dxNew, false);
          return { y, dx, dxNew };
        };
        const a = out(wasm);
        const b = out(js);
        expectClose(a.y, b.y, 4e-6, `geluErf y, n ${n}`);
        expectClose(a.dx, b.dx, 4e-6, `geluErf dx, n ${n}`);
        expectClose(a.dxNew, b.dxNew, 4e-6, `geluErf dx written, n ${n}`);
      }
      // the textbook values: GELU(1) = Φ(1) = 0.841345, GELU(−1) = −0.158655, GELU(0) = 0
      const y = new Float32Array(4);
      wasm.geluErfForward(Float32Array.from([1, -1, 0, 2]), y);
      expect(Array.from(y, (v) => Number(v.toFixed(5)))).toEqual([0.84134, -0.15866, 0, 1.9545]);
    });

    it('GELU (erf form): the rational erf within 1e-6 of the reference on a fine grid, across the clamp at |x/√2| = 4', () => {
      // every 1/1024 from −8 to 8: the widest errors of erf ≈ xP(x²)/Q(x²) sit near |x/√2| ≈ 3.3,
      // and the clamp at ±4 (x ≈ ±5.657) must join erf = ±1 without a step
      const x = Float32Array.from({ length: 16 * 1024 + 1 }, (_, i) => -8 + i / 1024);
      const a = new Float32Array(x.length);
      const b = new Float32Array(x.length);
      wasm.geluErfForward(x, a);
      js.geluErfForward(x, b);
      expectClose(a, b, 1e-6, 'geluErf y on the grid');
      const g = new Float32Array(x.length).fill(1);
      const da = new Float32Array(x.length);
      const db = new Float32Array(x.length);
      wasm.geluErfBackward(x, g, da, false);
      js.geluErfBackward(x, g, db, false);
      expectClose(da, db, 2e-6, 'geluErf dx on the grid');
      // and monotone across the clamp: GELU is increasing for x > 0
      for (let i = 8 * 1024 + 1; i < x.length; i++) expect(a[i]!).toBeGreaterThanOrEqual(a[i - 1]!);
    });

    it('softmax rows, plain and causal, with a scale; masked columns exactly 0; stats (max, Σ)', () => {
      for (const [rows, c, causal, s] of [
        [5, 7, false, 1],
        [3, 1, false, 1],
        [8, 64, true, 0.125],
        [12, 6, true, 1],
        [16, 65, false, 2],
      ] as [number, number, boolean, number][]) {
        const x = randn(rows * c, 4);
        x[0] = -200; // e^(−200·s) underflows: ≈ 0 in both
        const T = causal ? c : 1;
        const run = (k: ElementwiseF32Kernels) => {
          const y = new Float32Array(rows * c).fill(Number.NaN);
          const stats = new Float32Array(2 * rows);
          k.softmaxForward(x, y, stats, rows, c, T, causal, s);
          const dy = randn(rows * c);
          const dx = new Float32Array(rows * c).fill(0.5);
          k.softmaxBackward(y, dy, dx, rows, c, T, causal, s, true);
          const dxNew = new Float32Array(rows * c).fill(Number.NaN);
          k.softmaxBackward(y, dy, dxNew, rows, c, T, causal, s, false);
          return { y, stats, dx, dxNew, dy };
        };
        const a = run(wasm);
        const b = run(js);
        const what = `${rows}×${c} causal ${causal} s ${s}`;
        expectClose(a.y, b.y, 1e-6, `softmax y ${what}`);
        expectClose(a.stats, b.stats, 1e-5, `softmax stats ${what}`);
        // the backward pass from the same y and dy
        const dxJs = new Float32Array(rows * c).fill(0.5);
        js.softmaxBackward(a.y, a.dy, dxJs, rows, c, T, causal, s, true);
        expectClose(a.dx, dxJs, 1e-5, `softmax dx ${what}`);
        // written: the added result less what dx held
        expectClose(
          a.dxNew,
          dxJs.map((v) => v - 0.5),
          1e-5,
          `softmax dx written ${what}`,
        );
        for (let r = 0; r < rows; r++) {
          const limit = causal ? (r % T) + 1 : c;
          let sum = 0;
          for (let j = 0; j < c; j++) {
            if (j >= limit) expect(a.y[r * c + j]).toBe(0);
            sum += a.y[r * c + j]!;
          }
          expect(sum).toBeCloseTo(1, 5);
        }
      }
    });

    it('add + LayerNorm in one call: the JS reference, and bit for bit addRows then layerNormForward; x̂ optional', () => {
      for (const [rows, d] of [
        [4, 3],
        [5, 13],
        [33, 128],
      ] as [number, number][]) {
        const a = randn(rows * d, 2);
        const r = randn(rows * d);
        const g = randn(d);
        const b = randn(d);
        const fused = (k: ElementwiseF32Kernels) => {
          const y = new Float32Array(rows * d);
          const xhat = new Float32Array(rows * d);
          const inv = new Float32Array(rows);
          k.addLayerNormForward(a, r, g, b, y, xhat, inv, d, 1e-5);
          return { y, xhat, inv };
        };
        const apart = (k: ElementwiseF32Kernels) => {
          const s = new Float32Array(rows * d);
          k.addRows(a, r, s);
          const y = new Float32Array(rows * d);
          const xhat = new Float32Array(rows * d);
          const inv = new Float32Array(rows);
          k.layerNormForward(s, g, b, y, xhat, inv, d, 1e-5);
          return { y, xhat, inv };
        };
        for (const k of [wasm, js]) {
          const [f, p] = [fused(k), apart(k)];
          for (const key of ['y', 'xhat', 'inv'] as const) expect(f[key]).toEqual(p[key]);
          // without x̂ and 1/σ̂ (inference): the same y
          const y = new Float32Array(rows * d);
          k.addLayerNormForward(a, r, g, b, y, null, null, d, 1e-5);
          expect(y).toEqual(f.y);
        }
        expectClose(fused(wasm).y, fused(js).y, 1e-5, `addLayerNorm y ${rows}×${d}`);
      }
    });

    it('LayerNorm forward and backward, rows of 3, 8, 13 and 128', () => {
      for (const [rows, d] of [
        [4, 3],
        [2, 8],
        [5, 13],
        [33, 128],
      ] as [number, number][]) {
        const x = randn(rows * d, 2);
        const g = randn(d);
        const b = randn(d);
        const dy = randn(rows * d);
        const run = (k: ElementwiseF32Kernels) => {
          const y = new Float32Array(rows * d);
          const xhat = new Float32Array(rows * d);
          const inv = new Float32Array(rows);
          k.layerNormForward(x, g, b, y, xhat, inv, d, 1e-5);
          const dx = new Float32Array(rows * d).fill(1);
          const dg = new Float32Array(d).fill(-1);
          const db = new Float32Array(d);
          k.layerNormBackward(dy, g, xhat, inv, dx, dg, db, d, true);
          const dxNew = new Float32Array(rows * d).fill(Number.NaN);
          k.layerNormBackward(dy, g, xhat, inv, dxNew, null, null, d, false);
          return { y, xhat, inv, dx, dxNew, dg, db };
        };
        const a = run(wasm);
        const r = run(js);
        for (const key of ['y', 'xhat', 'inv', 'dx', 'dxNew', 'dg', 'db'] as const)
          expectClose(a[key], r[key], 1e-5, `layerNorm ${key} ${rows}×${d}`);
      }
    });

    it('RMSNorm forward and backward, rows of 3, 8, 13 and 128', () => {
      for (const [rows, d] of [
        [4, 3],
        [2, 8],
        [5, 13],
        [33, 128],
      ] as [number, number][]) {
        const x = randn(rows * d, 2);
        const g = randn(d);
        const dy = randn(rows * d);
        const run = (k: ElementwiseF32Kernels) => {
          const y = new Float32Array(rows * d);
          const xhat = new Float32Array(rows * d);
          const inv = new Float32Array(rows);
          k.rmsNormForward(x, g, y, xhat, inv, d, 1e-5);
          const dx = new Float32Array(rows * d).fill(1);
          const dg = new Float32Array(d).fill(-1);
          k.rmsNormBackward(dy, g, xhat, inv, dx, dg, d, true);
          const dxNew = new Float32Array(rows * d).fill(Number.NaN);
          k.rmsNormBackward(dy, g, xhat, inv, dxNew, null, d, false);
          return { y, xhat, inv, dx, dxNew, dg };
        };
        const a = run(wasm);
        const r = run(js);
        for (const key of ['y', 'xhat', 'inv', 'dx', 'dxNew', 'dg'] as const)
          expectClose(a[key], r[key], 1e-5, `rmsNorm ${key} ${rows}×${d}`);
        // the definition, in float64: y = g x / √(mean(x²) + eps), row 0
        const ms = Array.from(x.subarray(0, d)).reduce((s, v) => s + v * v, 0) / d;
        for (let j = 0; j < d; j++) expect(a.y[j]).toBeCloseTo((g[j]! * x[j]!) / Math.sqrt(ms + 1e-5), 5);
      }
    });

    it('bias add and column sums, rows of 5 and 128', () => {
      for (const [rows, nb] of [
        [7, 5],
        [9, 128],
      ] as [number, number][]) {
        const a = randn(rows * nb);
        const b = randn(nb);
        const cw = new Float32Array(rows * nb);
        const cj = new Float32Array(rows * nb);
        wasm.addRows(a, b, cw);
        js.addRows(a, b, cj);
        expectClose(cw, cj, 1e-7, `addRows ${rows}×${nb}`);
        const dw = Float32Array.from(b);
        const dj = Float32Array.from(b);
        wasm.colSum(a, dw);
        js.colSum(a, dj);
        expectClose(dw, dj, 1e-5, `colSum ${rows}×${nb}`);
      }
    });

    it('AdamW: ten updates of 1001 parameters match', () => {
      const p0 = randn(1001);
      const run = (k: ElementwiseF32Kernels) => {
        const p = Float32Array.from(p0);
        const m = new Float32Array(p.length);
        const v = new Float32Array(p.length);
        const r = new RandomState(9);
        for (let t = 1; t <= 10; t++) {
          const g = Float32Array.from(p, (w) => w + 0.1 * r.standardNormal());
          k.adamw(p, g, m, v, 1e-2, 0.9, 0.999, 1e-8, 0.1, 1 - 0.9 ** t, 1 - 0.999 ** t);
        }
        return { p, m, v };
      };
      const a = run(wasm);
      const b = run(js);
      expectClose(a.p, b.p, 1e-5, 'adamw p');
      expectClose(a.m, b.m, 1e-5, 'adamw m');
      expectClose(a.v, b.v, 1e-5, 'adamw v');
      // the update moved the weights (towards 0: the gradient is the weight plus noise)
      let before = 0;
      let after = 0;
      for (let i = 0; i < p0.length; i++) {
        before += p0[i]! ** 2;
        after += a.p[i]! ** 2;
      }
      expect(after).toBeLessThan(before);
    });
  },
);
