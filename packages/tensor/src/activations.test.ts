import { RandomState } from '@firth/numeric';
import { describe, expect, it } from 'vitest';
import { activations, jsActivations, sigmoidJs, tanhJs, wasmActivations } from './activations.js';

const rng = new RandomState(4);
// values over the whole useful range, saturated ends and odd lengths (the wasm tail)
const values = (n: number) => Float32Array.from({ length: n }, () => rng.normal(0, 6));

describe('sigmoid / tanh kernels: WebAssembly SIMD against the Math.exp reference', () => {
  it('the wasm module compiles here (Node has SIMD) and is the one in use', () => {
    expect(wasmActivations).not.toBeNull();
    if (process.env.FIRTH_MATMUL !== 'js') expect(activations).toBe(wasmActivations);
  });

  it.each([1, 3, 4, 7, 1001])('n = %i: sigmoid and tanh agree to 3e-7', (n) => {
    const x = values(n);
    for (const [name, ref] of [
      ['sigmoid', sigmoidJs],
      ['tanh', tanhJs],
    ] as const) {
      const a = x.slice();
      const b = x.slice();
      wasmActivations![name](a);
      jsActivations[name](b);
      for (let i = 0; i < n; i++) {
        expect(Math.abs(a[i]! - b[i]!), `${name}(${x[i]})`).toBeLessThan(3e-7);
        expect(Math.abs(b[i]! - ref(x[i]!))).toBeLessThan(1e-7); // the reference is the formula
      }
    }
  });

  it('saturates: σ(100) = 1, σ(−100) < 1e-37; tanh(±100) = ±1; σ(0) = ½, tanh(0) = 0', () => {
    const s = Float32Array.of(100, -100, 0, 1e-3);
    const t = s.slice();
    wasmActivations!.sigmoid(s);
    wasmActivations!.tanh(t);
    expect([s[0], s[2]]).toEqual([1, 0.5]);
    expect(s[1]).toBeLessThan(1e-37);
    expect(Array.from(t.subarray(0, 3))).toEqual([1, -1, 0]);
    expect(t[3]).toBeCloseTo(Math.tanh(1e-3), 7);
  });

  it('at ±∞ and NaN: σ(∞) = 1, σ(−∞) ≈ 0, tanh(±∞) = ±1, NaN stays NaN (e^−∞ is 0, not a clamp artefact)', () => {
    const s = Float32Array.of(Infinity, -Infinity, Number.NaN);
    const t = s.slice();
    wasmActivations!.sigmoid(s);
    wasmActivations!.tanh(t);
    expect(s[0]).toBe(1);
    expect(s[1]).toBeLessThan(1e-37);
    expect(Number.isNaN(s[2])).toBe(true);
    expect(Array.from(t.subarray(0, 2))).toEqual([1, -1]);
    expect(Number.isNaN(t[2])).toBe(true);
  });

  it('within float32 rounding of the float64 formulas over a dense grid, relative precision near 0 included', () => {
    // exp-tanh-f32.wat (shared with elementwise-f32.wat) measured 1.5e-7 (σ, tanh) relative; the
    // Taylor e^x and 1 − 2/(e^2x + 1) it replaced were 2.8e-7 (σ) and 1.7 (tanh near x = 1e-5)
    const worst = (name: 'sigmoid' | 'tanh', ref: (x: number) => number, lo: number, hi: number) => {
      const x = Float32Array.from({ length: 200_001 }, (_, i) => lo + ((hi - lo) * i) / 200_000);
      const y = x.slice();
      wasmActivations![name](y);
      let rel = 0;
      for (let i = 0; i < x.length; i++) {
        const r = ref(x[i]!);
        if (r !== 0) rel = Math.max(rel, Math.abs(y[i]! - r) / Math.abs(r));
      }
      return rel;
    };
    expect(worst('sigmoid', sigmoidJs, -80, 30)).toBeLessThan(2e-7);
    expect(worst('tanh', Math.tanh, -20, 20)).toBeLessThan(2e-7);
    expect(worst('tanh', Math.tanh, -1e-3, 1e-3)).toBeLessThan(2e-7);
  });

  it('LSTM gates: σ on i, f, o and tanh on g of every row, on both paths', () => {
    const H = 5;
    const z = values(3 * 4 * H);
    const a = z.slice();
    const b = z.slice();
    wasmActivations!.lstmGates(a, 3, H);
    jsActivations.lstmGates(b, 3, H);
    for (let i = 0; i < z.length; i++) {
      const g = Math.floor((i % (4 * H)) / H) === 2;
      expect(Math.abs(b[i]! - (g ? tanhJs(z[i]!) : sigmoidJs(z[i]!)))).toBeLessThan(1e-7);
      expect(Math.abs(a[i]! - b[i]!)).toBeLessThan(3e-7);
    }
  });
});
