import { RandomState } from '@firth/numeric';
import { describe, expect, it } from 'vitest';
import {
  jsKernelsF32,
  type MatmulF32Kernels,
  matmulF32,
  matmulF32Backend,
  matmulF32Batch,
  matmulF32Bias,
  matmulF32Fused,
  matmulF32Js,
  matmulF32NT,
  matmulF32NTBatch,
  matmulF32NTJs,
  matmulF32TN,
  matmulF32TNBatch,
  matmulF32TNJs,
  wasmKernelsF32,
  wasmKernelsF32Plain,
} from './matmul-f32.js';
import { webAssembly } from './wasm.js';

/** Uniform(−1, 1) float32 values from a seeded generator. */
const randomF32 = (rs: RandomState, size: number): Float32Array =>
  Float32Array.from({ length: size }, () => 2 * rs.randomSample() - 1);

/** The textbook triple loop in float64: C[i,j] = Σ_k a(i,k) b(k,j), and Σ_k |a(i,k) b(k,j)| for the tolerance. */
function reference(
  a: (i: number, k: number) => number,
  b: (k: number, j: number) => number,
  rows: number,
  len: number,
  cols: number,
): { C: Float64Array; scale: Float64Array } {
  const C = new Float64Array(rows * cols);
  const scale = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++)
    for (let j = 0; j < cols; j++)
      for (let k = 0; k < len; k++) {
        C[i * cols + j]! += a(i, k) * b(k, j);
        scale[i * cols + j]! += Math.abs(a(i, k) * b(k, j));
      }
  return { C, scale };
}

/** Largest |got − want| / (Σ|a·b| + tiny): float32 sums of ≤ 70 terms stay well under 1e-5. */
function maxRelError(got: Float32Array, want: ArrayLike<number>, scale: ArrayLike<number>): number {
  expect(got.length).toBe(want.length);
  let worst = 0;
  for (let i = 0; i < got.length; i++)
    worst = Math.max(worst, Math.abs(got[i]! - want[i]!) / (scale[i]! + 1e-30));
  return worst;
}

/** Every dimension in 1..70: the ends, primes, the tile sizes (4, 8) and their neighbours. */
const SIZES = [1, 2, 3, 4, 5, 7, 8, 9, 11, 13, 16, 17, 31, 33, 64, 67, 70];

/** A seeded sample of (n, m, p) triples over SIZES, plus the all-ones and all-70 corners. */
function shapes(count: number, seed: number): [number, number, number][] {
  const rs = new RandomState(seed);
  const pick = () => SIZES[Math.floor(rs.randomSample() * SIZES.length)]!;
  const out: [number, number, number][] = [
    [1, 1, 1],
    [70, 70, 70],
    [1, 70, 1],
    [70, 1, 70],
  ];
  for (let s = 0; s < count; s++) out.push([pick(), pick(), pick()]);
  return out;
}

const paths: [string, MatmulF32Kernels | null][] = [
  ['js', jsKernelsF32],
  ['wasm', wasmKernelsF32],
  // the unfused module: what Node 20 runs (on Node 20 the same as 'wasm')
  ['wasm plain SIMD', wasmKernelsF32Plain],
];

describe('matmul-f32 — the worked 2×2 examples', () => {
  const A = new Float32Array([1, 2, 3, 4]);
  const B = new Float32Array([5, 6, 7, 8]);
  it('A B, Aᵀ B, A Bᵀ on the default path', () => {
    expect([...matmulF32(A, B, 2, 2, 2)]).toEqual([19, 22, 43, 50]);
    expect([...matmulF32TN(A, B, 2, 2, 2)]).toEqual([26, 30, 38, 44]);
    expect([...matmulF32NT(A, B, 2, 2, 2)]).toEqual([17, 23, 39, 53]);
  });
  it('the same on the JavaScript path', () => {
    expect([...matmulF32Js(A, B, 2, 2, 2)]).toEqual([19, 22, 43, 50]);
    expect([...matmulF32TNJs(A, B, 2, 2, 2)]).toEqual([26, 30, 38, 44]);
    expect([...matmulF32NTJs(A, B, 2, 2, 2)]).toEqual([17, 23, 39, 53]);
  });
  it('writes into out, and adds to it with accumulate', () => {
    const out = new Float32Array([1, 1, 1, 1]);
    expect(matmulF32(A, B, 2, 2, 2, out)).toBe(out);
    expect([...out]).toEqual([19, 22, 43, 50]);
    matmulF32(A, B, 2, 2, 2, out, true);
    expect([...out]).toEqual([38, 44, 86, 100]);
  });
  it('A B + bias: the worked example, and a bias too short is an error', () => {
    const A = new Float32Array([1, 2, 3, 4]);
    const B = new Float32Array([5, 6, 7, 8]);
    expect([...matmulF32Bias(A, B, new Float32Array([1, -1]), 2, 2, 2)]).toEqual([20, 21, 44, 49]);
    expect(() => matmulF32Bias(A, B, new Float32Array([1]), 2, 2, 2)).toThrow(
      'matmulF32Bias: the bias needs 2 values, got 1',
    );
  });

  it('rejects operands too short for the shape', () => {
    expect(() => matmulF32(A, B, 2, 3, 2)).toThrow(/needs 6 values of A/);
    expect(() => matmulF32(A, B, 2, 2, 2, new Float32Array(3))).toThrow(/out holds 3/);
    expect(() => matmulF32(A, B, 2, 2, 2, undefined, true)).toThrow(/accumulate needs an out/);
  });
});

describe('matmul-f32 — wasm SIMD path', () => {
  it('is available and is the default in this runtime (Node ≥ 16.4) unless FIRTH_MATMUL=js', () => {
    expect(wasmKernelsF32).not.toBeNull();
    expect(matmulF32Backend).toBe(process.env.FIRTH_MATMUL === 'js' ? 'js' : 'wasm');
  });
});

for (const [name, k] of paths) {
  describe.skipIf(k === null)(`matmul-f32 — ${name} path against the float64 triple loop`, () => {
    const kernels = k!;
    const cases = shapes(60, name === 'js' ? 1 : 2);

    it('C = A B on shapes 1..70 (n, m, p), tails and sizes 1 included', () => {
      const rs = new RandomState(10);
      for (const [n, m, p] of cases) {
        const A = randomF32(rs, n * m);
        const B = randomF32(rs, m * p);
        const { C, scale } = reference(
          (i, kk) => A[i * m + kk]!,
          (kk, j) => B[kk * p + j]!,
          n,
          m,
          p,
        );
        const got = new Float32Array(n * p).fill(Number.NaN);
        kernels.matmul(A, B, n, m, p, got, false);
        expect(maxRelError(got, C, scale), `${n}×${m} @ ${m}×${p}`).toBeLessThan(1e-5);
      }
    });

    it('C = A B + bias (a linear layer) on the same shapes', () => {
      const rs = new RandomState(12);
      for (const [n, m, p] of cases) {
        const A = randomF32(rs, n * m);
        const B = randomF32(rs, m * p);
        const bias = randomF32(rs, p);
        const { C, scale } = reference(
          (i, kk) => A[i * m + kk]!,
          (kk, j) => B[kk * p + j]!,
          n,
          m,
          p,
        );
        for (let i = 0; i < n; i++)
          for (let j = 0; j < p; j++) {
            C[i * p + j]! += bias[j]!;
            scale[i * p + j]! += Math.abs(bias[j]!);
          }
        const got = new Float32Array(n * p).fill(Number.NaN);
        kernels.matmulBias(A, B, bias, n, m, p, got);
        expect(maxRelError(got, C, scale), `${n}×${m} @ ${m}×${p} + bias`).toBeLessThan(1e-5);
      }
    });

    it('C = Aᵀ B: A (n, m), B (n, p) -> (m, p)', () => {
      const rs = new RandomState(11);
      for (const [n, m, p] of cases) {
        const A = randomF32(rs, n * m);
        const B = randomF32(rs, n * p);
        const { C, scale } = reference(
          (kk, i) => A[i * m + kk]!,
          (i, j) => B[i * p + j]!,
          m,
          n,
          p,
        );
        const got = new Float32Array(m * p).fill(Number.NaN);
        kernels.matmulTN(A, B, n, m, p, got, false);
        expect(maxRelError(got, C, scale), `(${n}×${m})ᵀ @ ${n}×${p}`).toBeLessThan(1e-5);
      }
    });

    it('C = A Bᵀ: A (n, p), B (m, p) -> (n, m)', () => {
      const rs = new RandomState(12);
      for (const [n, p, m] of cases) {
        const A = randomF32(rs, n * p);
        const B = randomF32(rs, m * p);
        const { C, scale } = reference(
          (i, j) => A[i * p + j]!,
          (j, kk) => B[kk * p + j]!,
          n,
          p,
          m,
        );
        const got = new Float32Array(n * m).fill(Number.NaN);
        kernels.matmulNT(A, B, n, p, m, got, false);
        expect(maxRelError(got, C, scale), `${n}×${p} @ (${m}×${p})ᵀ`).toBeLessThan(1e-5);
      }
    });

    it('accumulate adds the product to what C holds, in all three variants', () => {
      const rs = new RandomState(13);
      for (const [n, m, p] of cases.slice(0, 30)) {
        const A = randomF32(rs, n * m);
        const B = randomF32(rs, m * p);
        const Bt = randomF32(rs, n * p);
        const C0 = randomF32(rs, Math.max(n * p, m * p, n * n));
        const check = (got: Float32Array, product: Float32Array, label: string) => {
          const want = product.map((v, i) => v + C0[i]!);
          const scale = product.map((v, i) => Math.abs(v) + Math.abs(C0[i]!) + 1);
          expect(maxRelError(got, want, scale), label).toBeLessThan(1e-5);
        };
        let got = C0.slice(0, n * p);
        kernels.matmul(A, B, n, m, p, got, true);
        check(got, matmulF32Js(A, B, n, m, p), `${n}×${m} @ ${m}×${p} +=`);
        got = C0.slice(0, m * p);
        kernels.matmulTN(A, Bt, n, m, p, got, true);
        check(got, matmulF32TNJs(A, Bt, n, m, p), `(${n}×${m})ᵀ @ ${n}×${p} +=`);
        got = C0.slice(0, n * n);
        kernels.matmulNT(A, A, n, m, n, got, true);
        check(got, matmulF32NTJs(A, A, n, m, n), `${n}×${m} @ (${n}×${m})ᵀ +=`);
      }
    });

    it('a reduction longer than one 256-k block (A 5×600 @ B 600×19, and its TN / NT forms)', () => {
      const rs = new RandomState(14);
      const [n, m, p] = [5, 600, 19];
      const A = randomF32(rs, n * m);
      const B = randomF32(rs, m * p);
      const got = new Float32Array(n * p);
      kernels.matmul(A, B, n, m, p, got, false);
      const ab = reference(
        (i, kk) => A[i * m + kk]!,
        (kk, j) => B[kk * p + j]!,
        n,
        m,
        p,
      );
      expect(maxRelError(got, ab.C, ab.scale)).toBeLessThan(1e-5);
      // Aᵀ B with A (600, 19) = B, B (600, 19) = B: reduction over 600 rows
      const tn = new Float32Array(p * p);
      kernels.matmulTN(B, B, m, p, p, tn, false);
      const btb = reference(
        (kk, i) => B[i * p + kk]!,
        (i, j) => B[i * p + j]!,
        p,
        m,
        p,
      );
      expect(maxRelError(tn, btb.C, btb.scale)).toBeLessThan(1e-5);
      // A Aᵀ: reduction over 600 columns
      const nt = new Float32Array(n * n);
      kernels.matmulNT(A, A, n, m, n, nt, false);
      const aat = reference(
        (i, j) => A[i * m + j]!,
        (j, kk) => A[kk * m + j]!,
        n,
        m,
        n,
      );
      expect(maxRelError(nt, aat.C, aat.scale)).toBeLessThan(1e-5);
    });
  });
}

describe('matmul-f32 — wasm agrees with the JavaScript reference', () => {
  it.skipIf(wasmKernelsF32 === null)('on 200 random shapes in 1..70, all three variants', () => {
    const rs = new RandomState(20);
    const dim = () => 1 + Math.floor(rs.randomSample() * 70);
    const wasm = wasmKernelsF32!;
    for (let s = 0; s < 200; s++) {
      const [n, m, p] = [dim(), dim(), dim()];
      const A = randomF32(rs, n * m);
      const B = randomF32(rs, m * p);
      const Bn = randomF32(rs, n * p);
      const C = new Float32Array(n * p);
      wasm.matmul(A, B, n, m, p, C, false);
      const scaleAB = matmulF32Js(A.map(Math.abs), B.map(Math.abs), n, m, p);
      expect(maxRelError(C, matmulF32Js(A, B, n, m, p), scaleAB)).toBeLessThan(1e-5);
      const T = new Float32Array(m * p);
      wasm.matmulTN(A, Bn, n, m, p, T, false);
      const scaleTN = matmulF32TNJs(A.map(Math.abs), Bn.map(Math.abs), n, m, p);
      expect(maxRelError(T, matmulF32TNJs(A, Bn, n, m, p), scaleTN)).toBeLessThan(1e-5);
      // A (n, m) @ Bᵀ with B (p, m) -> (n, p)
      const Bp = randomF32(rs, p * m);
      const N = new Float32Array(n * p);
      wasm.matmulNT(A, Bp, n, m, p, N, false);
      const scaleNT = matmulF32NTJs(A.map(Math.abs), Bp.map(Math.abs), n, m, p);
      expect(maxRelError(N, matmulF32NTJs(A, Bp, n, m, p), scaleNT)).toBeLessThan(1e-5);
    }
  });

  it.skipIf(wasmKernelsF32 === null)(
    'keeps working after its memory grows (one 512×300 @ 300×256 product)',
    () => {
      const rs = new RandomState(21);
      const [n, m, p] = [512, 300, 256];
      const A = randomF32(rs, n * m);
      const B = randomF32(rs, m * p);
      const C = new Float32Array(n * p);
      wasmKernelsF32!.matmul(A, B, n, m, p, C, false);
      const scale = matmulF32Js(A.map(Math.abs), B.map(Math.abs), n, m, p);
      expect(maxRelError(C, matmulF32Js(A, B, n, m, p), scale)).toBeLessThan(1e-5);
      // and a small product afterwards still reads the right addresses
      const small = new Float32Array(4);
      wasmKernelsF32!.matmul(
        new Float32Array([1, 2, 3, 4]),
        new Float32Array([5, 6, 7, 8]),
        2,
        2,
        2,
        small,
        false,
      );
      expect([...small]).toEqual([19, 22, 43, 50]);
    },
  );
});

describe('matmul-f32 — the two wasm modules (fused multiply-adds where relaxed SIMD compiles, plain SIMD)', () => {
  const both: [string, MatmulF32Kernels | null][] = [
    ['default wasm', wasmKernelsF32],
    ['plain SIMD', wasmKernelsF32Plain],
  ];

  /**
   * a·b + c by one f32x4.relaxed_madd on this machine — fused or not is the runtime's choice (V8
   * fuses where the CPU has FMA) — or null where relaxed SIMD does not compile. The module (89
   * bytes, assembled by wabt from `(v128.store (i32.const 0) (f32x4.relaxed_madd (v128.load
   * (i32.const 16)) (v128.load (i32.const 32)) (v128.load (i32.const 48))))`, exported "f", memory "m").
   */
  function relaxedMadd(a: number, b: number, c: number): number | null {
    const hex =
      '0061736d01000000010401600000030201000503010001070902016d0200016600000a1f011d0041004110fd0004004120fd0004004130fd000400fd8502fd0b04000b';
    let ex: { m: { buffer: ArrayBuffer }; f: () => void };
    try {
      const bytes = Uint8Array.from(hex.match(/../g)!, (h) => Number.parseInt(h, 16));
      ex = new webAssembly!.Instance(new webAssembly!.Module(bytes)).exports as typeof ex;
    } catch {
      return null;
    }
    const h = new Float32Array(ex.m.buffer, 0, 16);
    h.fill(a, 4, 8);
    h.fill(b, 8, 12);
    h.fill(c, 12, 16);
    ex.f();
    return h[0]!;
  }

  it.skipIf(wasmKernelsF32 === null)('matmulF32Fused: exactly where relaxed SIMD compiles', () => {
    expect(matmulF32Fused).toBe(relaxedMadd(1, 1, 1) !== null);
  });

  it.skipIf(wasmKernelsF32 === null)(
    'every tile of the default module multiply-adds as relaxed_madd does here, the plain module never fuses: c + a·b with a·b inexact in float32',
    () => {
      // a = b = 1 + 2^-12: a·b = 1 + 2^-11 + 2^-24 needs 25 bits, rounds to 1 + 2^-11 (a tie, to even);
      // c = −(1 + 2^-11): fused, c + a·b = 2^-24 exactly; unfused, 0. C (+)= A B with every entry so
      // and a reduction of 1, 11 × 13 and 9 × 13, passes every tile: rows in blocks of 6 + 4 + 1 and
      // 6 + 2 + 1 (the fused module) or 4 + 4 + 2 + 1 and 4 + 4 + 1 (plain); columns 8 + 4 + 1
      const a = 1 + 2 ** -12;
      // (where the CPU fuses relaxed_madd, as x86-64 with FMA and ARM64 do: 2^-24)
      const here = relaxedMadd(a, a, -(1 + 2 ** -11));
      for (const n of [11, 9]) {
        const p = 13;
        const A = new Float32Array(n).fill(a);
        const B = new Float32Array(p).fill(a);
        for (const [name, k] of both) {
          const C = new Float32Array(n * p).fill(-(1 + 2 ** -11));
          k!.matmul(A, B, n, 1, p, C, true);
          const want = name === 'default wasm' && matmulF32Fused ? here : 0;
          expect(new Set(C), `${name} ${n} rows`).toEqual(new Set([want]));
        }
      }
      if (matmulF32Fused) expect([0, 2 ** -24]).toContain(here);
    },
  );

  // column chunks (more than 1024 columns with a reduction over 128 k: A Bᵀ of [5, 130, 1100], Aᵀ B
  // of [131, 3, 1030]), reduction blocks (over 256 k), rows and columns not multiples of the tiles,
  // skinny and tiny shapes; all three variants, written and accumulated, against the JavaScript reference
  const SHAPES: [number, number, number][] = [
    [5, 130, 1100],
    [131, 3, 1030],
    [9, 129, 523],
    [6, 300, 263],
    [13, 257, 257],
    [2, 700, 9],
    [130, 3, 600],
    [1, 1, 300],
    [3, 2, 1],
    [257, 129, 5],
  ];
  for (const [name, k] of both)
    it.skipIf(k === null)(`${name}: long reductions, wide outputs, odd sizes; C = and C +=`, () => {
      const rs = new RandomState(33);
      const kernels = k!;
      for (const [n, m, p] of SHAPES) {
        const cases: [
          'matmul' | 'matmulTN' | 'matmulNT',
          Float32Array,
          Float32Array,
          (A: Float32Array, B: Float32Array) => Float32Array,
          number,
        ][] = [
          ['matmul', randomF32(rs, n * m), randomF32(rs, m * p), (A, B) => matmulF32Js(A, B, n, m, p), n * p],
          [
            'matmulTN',
            randomF32(rs, n * m),
            randomF32(rs, n * p),
            (A, B) => matmulF32TNJs(A, B, n, m, p),
            m * p,
          ],
          [
            'matmulNT',
            randomF32(rs, n * m),
            randomF32(rs, p * m),
            (A, B) => matmulF32NTJs(A, B, n, m, p),
            n * p,
          ],
        ];
        for (const [v, A, B, js, size] of cases) {
          const scale = js(A.map(Math.abs), B.map(Math.abs));
          const want = js(A, B);
          const C = new Float32Array(size).fill(Number.NaN);
          kernels[v](A, B, n, m, p, C, false);
          expect(maxRelError(C, want, scale), `${v} ${n}×${m}×${p}`).toBeLessThan(1e-5);
          // C += the product, onto a start of 1s
          const start = Float32Array.from({ length: size }, () => 1);
          kernels[v](A, B, n, m, p, start, true);
          const more = want.map((x) => x + 1);
          const scale1 = scale.map((x) => x + 1);
          expect(maxRelError(start, more, scale1), `${v} ${n}×${m}×${p} accumulate`).toBeLessThan(1e-5);
        }
      }
    });

  it.skipIf(wasmKernelsF32 === null)(
    'a reduction of length 0 writes zeros, or leaves C as it is when accumulating',
    () => {
      for (const [name, k] of both) {
        const C = new Float32Array(6 * 10).fill(7);
        k!.matmul(new Float32Array(0), new Float32Array(0), 6, 0, 10, C, false);
        expect(new Set(C), name).toEqual(new Set([0]));
        C.fill(7);
        k!.matmulNT(new Float32Array(0), new Float32Array(0), 6, 0, 10, C, true);
        expect(new Set(C), name).toEqual(new Set([7]));
      }
    },
  );
});

describe('matmul-f32 — batched products (matmulF32Batch, matmulF32TNBatch, matmulF32NTBatch)', () => {
  it('the worked example: two 2×2 products in one call', () => {
    const A = new Float32Array([1, 2, 3, 4, 1, 0, 0, 1]);
    const B = new Float32Array([5, 6, 7, 8, 5, 6, 7, 8]);
    expect([...matmulF32Batch(A, B, 2, 2, 2, 2)]).toEqual([19, 22, 43, 50, 5, 6, 7, 8]);
    expect([...matmulF32TNBatch(A, B, 2, 2, 2, 2)]).toEqual([26, 30, 38, 44, 5, 6, 7, 8]);
    expect([...matmulF32NTBatch(A, B, 2, 2, 2, 2)]).toEqual([17, 23, 39, 53, 5, 7, 6, 8]);
    expect(() => matmulF32Batch(A, B, 3, 2, 2, 2)).toThrow(/needs 12 values of A/);
  });

  for (const [name, k] of paths) {
    it.skipIf(k === null)(
      `${name} path: every matrix as the single-product JS reference, with and without accumulate`,
      () => {
        const kernels = k!;
        const rs = new RandomState(20);
        const cases = shapes(25, 3);
        for (const [c, [n, m, p]] of cases.entries()) {
          const batch = [1, 2, 3, 5, 8][c % 5]!;
          for (const acc of [false, true]) {
            const label = `batch ${batch}, ${n}, ${m}, ${p}${acc ? ' +=' : ''}`;
            // A_s (n, m), B_s (m, p); Bt_s (n, p) for TN; A_s (n, m) and Bn_s (p, m) for NT
            const A = randomF32(rs, batch * n * m);
            const B = randomF32(rs, batch * m * p);
            const Bt = randomF32(rs, batch * n * p);
            const Bn = randomF32(rs, batch * p * m);
            const check = (
              size: number,
              run: (C: Float32Array) => void,
              single: (s: number, C: Float32Array) => void,
            ) => {
              const C0 = randomF32(rs, batch * size);
              const got = acc ? C0.slice() : new Float32Array(batch * size).fill(Number.NaN);
              run(got);
              const want = acc ? C0.slice() : new Float32Array(batch * size);
              for (let s = 0; s < batch; s++) single(s, want.subarray(s * size, (s + 1) * size));
              const scale = want.map((v) => Math.abs(v) + 1);
              expect(maxRelError(got, want, scale), label).toBeLessThan(1e-5);
            };
            const at = (x: Float32Array, s: number, size: number) => x.subarray(s * size, (s + 1) * size);
            check(
              n * p,
              (C) => kernels.matmulBatch(A, B, batch, n, m, p, C, acc),
              (s, C) => matmulF32Js(at(A, s, n * m), at(B, s, m * p), n, m, p, C, acc),
            );
            check(
              m * p,
              (C) => kernels.matmulTNBatch(A, Bt, batch, n, m, p, C, acc),
              (s, C) => matmulF32TNJs(at(A, s, n * m), at(Bt, s, n * p), n, m, p, C, acc),
            );
            check(
              n * p,
              (C) => kernels.matmulNTBatch(A, Bn, batch, n, m, p, C, acc),
              (s, C) => matmulF32NTJs(at(A, s, n * m), at(Bn, s, p * m), n, m, p, C, acc),
            );
          }
        }
      },
    );
  }

  it('the default path agrees with a loop of single products (attention-sized: 16 × 64×32 @ 32×64)', () => {
    const rs = new RandomState(21);
    const [batch, n, m, p] = [16, 64, 32, 64];
    const A = randomF32(rs, batch * n * m);
    const B = randomF32(rs, batch * m * p);
    const got = matmulF32Batch(A, B, batch, n, m, p);
    const want = new Float32Array(batch * n * p);
    for (let s = 0; s < batch; s++)
      matmulF32(
        A.subarray(s * n * m),
        B.subarray(s * m * p),
        n,
        m,
        p,
        want.subarray(s * n * p, (s + 1) * n * p),
      );
    expect(got).toEqual(want);
  });
});
