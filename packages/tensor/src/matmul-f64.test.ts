import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RandomState } from '@firth/numeric';
import { describe, expect, it } from 'vitest';
import { jsKernelsF64, type MatmulF64Kernels, matmulF64Backend, wasmKernelsF64 } from './matmul-f64.js';

/** The textbook triple loops: each sum from 0.0, terms in index order. */
const textbook: MatmulF64Kernels = {
  matmul(A, B, n, m, p) {
    const C = new Float64Array(n * p);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < p; j++) {
        let s = 0.0;
        for (let k = 0; k < m; k++) s += A[i * m + k]! * B[k * p + j]!;
        C[i * p + j] = s;
      }
    return C;
  },
  matmulTN(A, B, n, m, p) {
    const C = new Float64Array(m * p);
    for (let k = 0; k < m; k++)
      for (let j = 0; j < p; j++) {
        let s = 0.0;
        for (let i = 0; i < n; i++) s += A[i * m + k]! * B[i * p + j]!;
        C[k * p + j] = s;
      }
    return C;
  },
  matmulNT(A, B, n, p, m) {
    const C = new Float64Array(n * m);
    for (let i = 0; i < n; i++)
      for (let k = 0; k < m; k++) {
        let s = 0.0;
        for (let j = 0; j < p; j++) s += A[i * p + j]! * B[k * p + j]!;
        C[i * m + k] = s;
      }
    return C;
  },
};

/** Entries of mixed sign and magnitude (so that the order of additions shows), with ±0 among them. */
function matrix(rs: RandomState, len: number): Float64Array {
  const out = new Float64Array(len);
  for (let i = 0; i < len; i++) {
    const u = rs.randomSample();
    if (u < 0.15) out[i] = 0;
    else if (u < 0.2) out[i] = -0;
    else out[i] = rs.standardNormal() * 10 ** Math.floor(rs.randomSample() * 8 - 4);
  }
  return out;
}

/** Same length and the same 8 bytes in every element (so −0 ≠ +0). */
function expectSameBits(actual: Float64Array, expected: Float64Array): void {
  expect(actual.length).toBe(expected.length);
  const a = new Uint8Array(actual.buffer, actual.byteOffset, actual.byteLength);
  const e = new Uint8Array(expected.buffer, expected.byteOffset, expected.byteLength);
  if (!a.every((byte, i) => byte === e[i])) {
    const i = actual.findIndex((v, k) => !Object.is(v, expected[k]));
    expect.fail(`element ${i}: ${actual[i]} !== ${expected[i]}`);
  }
}

/** All three products of random operands of one shape, by `kernels` and by the textbook loops. */
function compareShape(kernels: MatmulF64Kernels, rs: RandomState, n: number, m: number, p: number): void {
  const A = matrix(rs, n * m);
  const B = matrix(rs, m * p);
  const D = matrix(rs, n * p);
  // C = A B: (n, m) @ (m, p)
  expectSameBits(kernels.matmul(A, B, n, m, p), textbook.matmul(A, B, n, m, p));
  // C = Aᵀ D: (m, n) @ (n, p)
  expectSameBits(kernels.matmulTN(A, D, n, m, p), textbook.matmulTN(A, D, n, m, p));
  // C = D Bᵀ: (n, p) @ (p, m)
  expectSameBits(kernels.matmulNT(D, B, n, p, m), textbook.matmulNT(D, B, n, p, m));
}

const SMALL = [1, 2, 3, 4, 5, 7, 8, 9];

describe('matmul kernels', () => {
  it('the wasm path is available in Node and used by default (FIRTH_MATMUL=js forces JavaScript)', () => {
    expect(wasmKernelsF64).not.toBeNull();
    expect(matmulF64Backend).toBe(process.env.FIRTH_MATMUL === 'js' ? 'js' : 'wasm');
  });

  for (const [name, kernels] of [
    ['JavaScript', jsKernelsF64],
    ['wasm SIMD', wasmKernelsF64!],
  ] as const) {
    it(`${name}: bit-identical to the textbook loops on every small shape (1…9, odd and even)`, () => {
      const rs = new RandomState(0);
      for (const n of SMALL) for (const m of SMALL) for (const p of SMALL) compareShape(kernels, rs, n, m, p);
    });

    it(`${name}: bit-identical to the textbook loops on random larger shapes`, () => {
      const rs = new RandomState(1);
      for (let t = 0; t < 60; t++) {
        const [n, m, p] = [1, 2, 3].map(() => 1 + Math.floor(rs.randomSample() * 70)) as [
          number,
          number,
          number,
        ];
        compareShape(kernels, rs, n, m, p);
      }
      // the MLP's shapes: batch × features × hidden, hidden × classes, one regression output
      compareShape(kernels, rs, 200, 64, 100);
      compareShape(kernels, rs, 200, 100, 10);
      compareShape(kernels, rs, 100, 64, 1);
    });
  }

  it('wasm and JavaScript agree bit for bit, with ±0, ±∞ and NaN among the operands (Object.is)', () => {
    const rs = new RandomState(2);
    const special = [0, -0, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NaN, 1e308, -5e-324];
    for (let t = 0; t < 200; t++) {
      const [n, m, p] = [1, 2, 3].map(() => 1 + Math.floor(rs.randomSample() * 11)) as [
        number,
        number,
        number,
      ];
      const A = matrix(rs, n * m);
      const B = matrix(rs, m * p);
      const D = matrix(rs, n * p);
      for (const M of [A, B, D])
        if (rs.randomSample() < 0.3)
          M[Math.floor(rs.randomSample() * M.length)] = special[t % special.length]!;
      const pairs: [Float64Array, Float64Array][] = [
        [wasmKernelsF64!.matmul(A, B, n, m, p), jsKernelsF64.matmul(A, B, n, m, p)],
        [wasmKernelsF64!.matmulTN(A, D, n, m, p), jsKernelsF64.matmulTN(A, D, n, m, p)],
        [wasmKernelsF64!.matmulNT(D, B, n, p, m), jsKernelsF64.matmulNT(D, B, n, p, m)],
      ];
      for (const [w, j] of pairs) {
        expect(w.length).toBe(j.length);
        for (let i = 0; i < j.length; i++)
          if (!Object.is(w[i], j[i])) expect.fail(`${w[i]} !== ${j[i]} at ${i}`);
      }
    }
  });

  it('wasm: a fresh result every call, operands untouched, memory grown for large shapes', () => {
    const rs = new RandomState(3);
    const A = matrix(rs, 6);
    const B = matrix(rs, 6);
    const [a, b] = [A.slice(), B.slice()];
    const C1 = wasmKernelsF64!.matmul(A, B, 2, 3, 2);
    const C2 = wasmKernelsF64!.matmul(A, B, 2, 3, 2);
    expect(C1).not.toBe(C2);
    expectSameBits(C1, C2);
    expectSameBits(A, a);
    expectSameBits(B, b);
    // 3 × 16 MB of operands: more than the memory holds at first
    compareShape(wasmKernelsF64!, rs, 700, 1500, 3);
    // views into a larger buffer (subarrays) are read at their offset
    const big = matrix(rs, 40);
    expectSameBits(
      wasmKernelsF64!.matmul(big.subarray(10, 16), B, 2, 3, 2),
      textbook.matmul(big.subarray(10, 16), B, 2, 3, 2),
    );
  });

  it('empty shapes give zero-filled or empty results', () => {
    const A = new Float64Array(0);
    for (const k of [jsKernelsF64, wasmKernelsF64!]) {
      expect(k.matmul(A, A, 2, 0, 3)).toEqual(new Float64Array(6));
      expect(k.matmul(A, A, 0, 4, 3)).toEqual(new Float64Array(0));
      expect(k.matmulTN(A, A, 0, 2, 3)).toEqual(new Float64Array(6));
      expect(k.matmulNT(A, A, 2, 0, 3)).toEqual(new Float64Array(6));
    }
  });

  it('every committed src/*-wasm.ts is what scripts/build-wasm.mjs assembles from its .wat now', () => {
    const script = join(dirname(fileURLToPath(import.meta.url)), '..', 'scripts', 'build-wasm.mjs');
    // exits 1 with a message when they differ
    expect(() => execFileSync(process.execPath, [script, '--check'], { stdio: 'pipe' })).not.toThrow();
  });
});
