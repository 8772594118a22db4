import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RandomState } from '@firth/numeric';
import { describe, expect, it } from 'vitest';
import {
  createF64Workspace,
  type F64Workspace,
  fusedF64Available,
  jsKernelsF64,
  type MatmulF64Kernels,
  matmulF64Backend,
  wasmKernelsF64,
  wasmTanh,
} from './matmul-f64.js';

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

/** Distance in units in the last place between two doubles of the same sign (0 when equal). */
function ulps(a: number, b: number): number {
  if (Object.is(a, b)) return 0;
  const view = new DataView(new ArrayBuffer(16));
  view.setFloat64(0, a);
  view.setFloat64(8, b);
  if (Math.sign(a) !== Math.sign(b)) return Number.POSITIVE_INFINITY;
  return Math.abs(Number(view.getBigInt64(0) - view.getBigInt64(8)));
}

describe.skipIf(matmulF64Backend === 'js')(
  "F64Workspace: the MLP's training step in place, against the JavaScript loops it replaces",
  () => {
    /** A workspace, and `len` random entries (with ±0) copied into a new region of it. */
    const setup = (doubles = 1 << 16) => {
      const ws = createF64Workspace(doubles) as F64Workspace;
      expect(ws).not.toBeNull();
      const rs = new RandomState(7);
      const put = (src: Float64Array) => {
        const v = ws.alloc(src.length);
        v.set(src);
        return v;
      };
      return { ws, rs, put };
    };

    it('the products by address equal matmulF64* (textbook sums), the arrays staying where they are', () => {
      const { ws, rs, put } = setup();
      for (const [n, m, p] of [
        [1, 1, 1],
        [5, 3, 7],
        [9, 8, 2],
        [20, 13, 11],
      ] as const) {
        const A = put(matrix(rs, n * m));
        const B = put(matrix(rs, m * p));
        const D = put(matrix(rs, n * p));
        const C = ws.alloc(n * p);
        ws.matmul(A, B, C, n, m, p);
        expectSameBits(C, textbook.matmul(A, B, n, m, p));
        const G = ws.alloc(m * p);
        ws.matmulTN(A, D, G, n, m, p);
        expectSameBits(G, textbook.matmulTN(A, D, n, m, p));
        const H = ws.alloc(n * m);
        ws.matmulNT(D, B, H, n, p, m, ws.alloc(m * p));
        expectSameBits(H, textbook.matmulNT(D, B, n, p, m));
      }
    });

    it('fused products (relaxed SIMD, where the runtime has it): within the rounding bound of the exact sums', () => {
      // Node 24 has relaxed SIMD; Node 20 does not, and the workspace then keeps the exact products
      const ws = createF64Workspace(1 << 16, { fused: true })!;
      expect(ws.fused).toBe(fusedF64Available);
      const rs = new RandomState(9);
      const put = (src: Float64Array) => {
        const v = ws.alloc(src.length);
        v.set(src);
        return v;
      };
      for (const [n, m, p] of [
        [1, 1, 1],
        [6, 5, 7],
        [13, 40, 9],
      ] as const) {
        const A = put(matrix(rs, n * m));
        const B = put(matrix(rs, m * p));
        const C = ws.alloc(n * p);
        ws.matmul(A, B, C, n, m, p);
        const exact = textbook.matmul(A, B, n, m, p);
        // |fused − exact| <= 2·m·2^−53 · Σ_k |a_ik b_kj|   (both round each of the m steps once or twice)
        for (let i = 0; i < n; i++)
          for (let j = 0; j < p; j++) {
            let mag = 0;
            for (let k = 0; k < m; k++) mag += Math.abs(A[i * m + k]! * B[k * p + j]!);
            expect(Math.abs(C[i * p + j]! - exact[i * p + j]!)).toBeLessThanOrEqual(2 * m * 2 ** -53 * mag);
          }
        if (!ws.fused) expectSameBits(C, exact);
      }
    });

    it('biasAct identity and ReLU: bit-identical to `z + b` and `if (z <= 0) z = 0` (−0, NaN, odd widths)', () => {
      const { ws, rs, put } = setup();
      for (const [n, p] of [
        [3, 1],
        [4, 5],
        [7, 8],
      ] as const) {
        const Z0 = matrix(rs, n * p);
        Z0[0] = Number.NaN;
        Z0[n * p - 1] = -0;
        const b = put(matrix(rs, p));
        for (const act of ['identity', 'relu'] as const) {
          const Z = put(Z0);
          ws.biasAct(Z, b, n, p, act);
          const want = Z0.map((z, i) => {
            const v = z + b[i % p]!;
            return act === 'relu' && v <= 0 ? 0 : v;
          });
          expectSameBits(Z, want);
        }
      }
    });

    it('tanh: within 4 ulp of Math.tanh over its range, exact at ±0, ±∞, NaN and where it rounds to ±1', () => {
      const tanh = wasmTanh!;
      const rs = new RandomState(8);
      let worst = 0;
      for (let i = 0; i < 20000; i++) {
        const scale = [1e-9, 0.1, 0.6, 2, 8, 30][i % 6]!;
        const x = (rs.randomSample() * 2 - 1) * scale;
        worst = Math.max(worst, ulps(tanh(x), Math.tanh(x)));
      }
      expect(worst).toBeLessThanOrEqual(4);
      for (const x of [0, -0, 1e-300, -5e-324, 19.5, -25, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])
        expect(Object.is(tanh(x), Math.tanh(x)), `tanh(${x})`).toBe(true);
      expect(tanh(Number.NaN)).toBeNaN();
      // biasAct 'tanh' is the same function on every element, paired or in an odd last column
      const { ws, put } = setup();
      const Z0 = matrix(rs, 3 * 5).map((v) => v * 3);
      const Z = put(Z0);
      ws.biasAct(Z, ws.alloc(5), 3, 5, 'tanh');
      expectSameBits(
        Z,
        Z0.map((z) => tanh(z + 0)),
      );
    });

    it("actDeriv: bit-identical to mlp.ts's derivative loops (relu, tanh, logistic)", () => {
      const { ws, rs, put } = setup();
      for (const len of [1, 6, 9]) {
        const A0 = matrix(rs, len).map((v) => Math.tanh(v));
        A0[0] = 0;
        const D0 = matrix(rs, len);
        const want = {
          relu: D0.map((d, i) => (A0[i] === 0 ? 0 : d)),
          tanh: D0.map((d, i) => d * (1 - A0[i]! ** 2)),
          logistic: D0.map((d, i) => d * A0[i]! * (1 - A0[i]!)),
        };
        for (const act of ['relu', 'tanh', 'logistic'] as const) {
          const D = put(D0);
          ws.actDeriv(put(A0), D, len, act);
          expectSameBits(D, want[act]);
        }
      }
    });

    it('colMean, gradL2, sumSquares, sub: bit-identical to the loops in mlp.ts', () => {
      const { ws, rs, put } = setup();
      for (const [n, p] of [
        [5, 1],
        [6, 3],
        [4, 10],
      ] as const) {
        const D = put(matrix(rs, n * p));
        const out = ws.alloc(p);
        ws.colMean(D, out, n, p);
        const mean = new Float64Array(p);
        for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) mean[j]! += D[i * p + j]!;
        for (let j = 0; j < p; j++) mean[j]! /= n;
        expectSameBits(out, mean);
        const G0 = matrix(rs, n * p);
        const G = put(G0);
        ws.gradL2(G, D, 1e-4, n);
        expectSameBits(
          G,
          G0.map((g, i) => (g + 1e-4 * D[i]!) / n),
        );
        let s = 0.0;
        for (let i = 0; i < D.length; i++) s += D[i]! * D[i]!;
        expect(Object.is(ws.sumSquares(D), s)).toBe(true);
        const Y = put(matrix(rs, n * p));
        const diff = ws.alloc(n * p);
        ws.sub(D, Y, diff, n * p);
        expectSameBits(
          diff,
          D.map((v, i) => v - Y[i]!),
        );
      }
    });

    it('gatherRows copies the rows named, in order, repeats allowed', () => {
      const { ws, rs, put } = setup();
      for (const cols of [1, 3, 4]) {
        const src = put(matrix(rs, 6 * cols));
        const order = [5, 0, 2, 2, 4];
        const rows = ws.allocInt32(order.length);
        rows.set(order);
        const dst = ws.alloc(order.length * cols);
        ws.gatherRows(src, rows, dst, cols);
        expectSameBits(
          dst,
          Float64Array.from(order.flatMap((r) => Array.from(src.subarray(r * cols, r * cols + cols)))),
        );
      }
      expect(() => ws.gatherRows(ws.alloc(2), new Int32Array(1), ws.alloc(2), 2)).toThrow(
        /not one of this workspace/,
      );
    });

    it("sgdStep and adamStep: bit-identical to optimizers.ts's update loops", () => {
      const { ws, rs, put } = setup();
      for (const len of [1, 7, 12]) {
        const [theta0, v0, g0] = [matrix(rs, len), matrix(rs, len), matrix(rs, len)];
        for (const nesterov of [true, false]) {
          const [theta, v, g] = [put(theta0), put(v0), put(g0)];
          const [mu, eta] = [0.9, 0.01];
          ws.sgdStep(theta, v, g, mu, eta, nesterov);
          const [tw, vw] = [theta0.slice(), v0.slice()];
          for (let i = 0; i < len; i++) {
            vw[i] = mu * vw[i]! - eta * g0[i]!;
            tw[i]! += nesterov ? mu * vw[i]! - eta * g0[i]! : vw[i]!;
          }
          expectSameBits(theta, tw);
          expectSameBits(v, vw);
        }
        const m0 = matrix(rs, len);
        const s0 = matrix(rs, len).map(Math.abs);
        const [theta, m, v, g] = [put(theta0), put(m0), put(s0), put(g0)];
        const [b1, b2, eta, eps] = [0.9, 0.999, 0.003, 1e-8];
        ws.adamStep(theta, m, v, g, b1, b2, eta, eps);
        const [tw, mw, vw] = [theta0.slice(), m0.slice(), s0.slice()];
        for (let i = 0; i < len; i++) {
          const gi = g0[i]!;
          mw[i] = b1 * mw[i]! + (1 - b1) * gi;
          vw[i] = b2 * vw[i]! + (1 - b2) * (gi * gi);
          tw[i]! += (-eta * mw[i]!) / (Math.sqrt(vw[i]!) + eps);
        }
        expectSameBits(theta, tw);
        expectSameBits(m, mw);
        expectSameBits(v, vw);
      }
    });

    it('alloc stops at the size reserved; arrays from elsewhere are refused', () => {
      const ws = createF64Workspace(10)!;
      ws.alloc(6);
      expect(() => ws.alloc(20)).toThrow(/10 doubles reserved/);
      expect(() => ws.sumSquares(new Float64Array(4))).toThrow(/not one of this workspace/);
    });
  },
);
