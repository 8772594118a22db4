import { ValidationError } from '@firth/numeric';
import { describe, expect, it } from 'vitest';
import { wasmKernelsF32 } from './matmul-f32.js';
import { measureSimdPeak } from './simd-peak.js';
import { SIMD_PEAK_FMA_WASM_BASE64 } from './simd-peak-fma-wasm.js';
import { compileWasm } from './wasm.js';

describe('measureSimdPeak', () => {
  it('gives a finite positive GFLOP/s wherever the SIMD kernels load, and the fused figure exactly where relaxed SIMD compiles', () => {
    const peak = measureSimdPeak({ trips: 200_000, runs: 3 });
    if (wasmKernelsF32 === null) expect(peak.plain).toBeNull();
    else {
      expect(Number.isFinite(peak.plain)).toBe(true);
      expect(peak.plain).toBeGreaterThan(0);
    }
    if (compileWasm(SIMD_PEAK_FMA_WASM_BASE64) === null) expect(peak.fused).toBeNull();
    else expect(peak.fused).toBeGreaterThan(0);
  });

  it('names a bad trip or run count', () => {
    expect(() => measureSimdPeak({ trips: 0 })).toThrow(ValidationError);
    expect(() => measureSimdPeak({ trips: 1.5 })).toThrow(/trips must be a whole number/);
    expect(() => measureSimdPeak({ runs: 0 })).toThrow(/runs must be a whole number/);
  });
});
