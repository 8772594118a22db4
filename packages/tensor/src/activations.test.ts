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
