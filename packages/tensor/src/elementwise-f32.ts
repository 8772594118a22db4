/**
 * Fused float32 elementwise and normalisation kernels for the autograd engine (autograd.ts): GELU
 * (tanh form), softmax over rows (causal or not, with a scale), LayerNorm, RMSNorm, cross-entropy's softmax,
 * AdamW, bias add and its column sums — forward and backward.
 *
 * Two implementations with one interface: the reference path in plain JavaScript below (float64
 * arithmetic, rounded to float32 when stored), and the fast path in WebAssembly SIMD
 * (elementwise-f32.wat, assembled into elementwise-f32-wasm.ts by scripts/build-wasm.mjs), all in
 * float32 with polynomial exp and tanh. They agree to float32 rounding (elementwise-f32.test.ts
 * compares them on many shapes). The wasm path is taken where the runtime has WebAssembly SIMD,
 * unless FIRTH_MATMUL=js (the one switch that puts every kernel of this package on JavaScript).
 *
 * Over the engine memory (engine.ts) the arena's tensors are passed by address and written in place;
 * other operands are copied into the memory and results out: O(size) next to the O(size) work.
 * Backward kernels add into their gradient arrays (dx += …) or, with acc false, write them: autograd
 * writes a gradient that has none yet instead of adding to zeros (and copying those zeros in).
 */
import { ELEMENTWISE_F32_SHARED_WASM_BASE64 } from './elementwise-f32-shared-wasm.js';
import { ELEMENTWISE_F32_WASM_BASE64 } from './elementwise-f32-wasm.js';
import { engineMemory } from './engine.js';
import { matmulF32Backend } from './matmul-f32.js';
import { COPY, compileWasm, floatRegions, instantiateWasm } from './wasm.js';

/** The arrays the JavaScript reference path works on: float32 (rounded when stored) or float64. */
export type Floats = Float32Array | Float64Array;

/**
 * The kernels over arrays of type A: float32 (both paths) or, on the JavaScript path only, float64
 * (autograd's float64 tensors: the same loops in double precision, stored without rounding).
 */
export type ElementwiseF32Kernels = ElementwiseKernels<Float32Array>;

export interface ElementwiseKernels<F extends Floats> {
  /** y = ½x(1 + t), t = tanh(√(2/π)(x + 0.044715x³)). */
  geluForward(x: F, y: F): void;
  /** dx (+)= dy ⊙ GELU'(x) (t computed again from x). */
  geluBackward(x: F, dy: F, dx: F, acc: boolean): void;
  /** y = x Φ(x) = ½x(1 + erf(x/√2)) — BERT's exact GELU. */
  geluErfForward(x: F, y: F): void;
  /** dx (+)= dy ⊙ (Φ(x) + x φ(x)), φ the standard normal density. */
  geluErfBackward(x: F, dy: F, dx: F, acc: boolean): void;
  /**
   * y = softmax(s·x) of each row of (rows × c); causal: row r sees columns 0..(r mod T), the rest 0.
   * stats (2 per row, or null): the row's max of x and Σ e^(s(x − max)).
   */
  softmaxForward(
    x: F,
    y: F,
    stats: F | null,
    rows: number,
    c: number,
    T: number,
    causal: boolean,
    s: number,
  ): void;
  /** dx (+)= s · y ⊙ (dy − Σ dy ⊙ y), over each row's visible columns (written: 0 in the others). */
  softmaxBackward(
    y: F,
    dy: F,
    dx: F,
    rows: number,
    c: number,
    T: number,
    causal: boolean,
    s: number,
    acc: boolean,
  ): void;
  /**
   * x̂ = (x − mean)/√(var + eps), y = g ⊙ x̂ + b per row of d; x̂ and 1/σ̂ (inv, one per row) kept
   * for the backward pass — or, null, not (inference).
   */
  layerNormForward(x: F, g: F, b: F, y: F, xhat: F | null, inv: F | null, d: number, eps: number): void;
  /**
   * LayerNorm of a + r (the residual add before a post-norm, as BERT's): s = a + r in float32, then
   * layerNormForward(s, …) — equal bit for bit to addRows then layerNormForward, without s leaving
   * the kernels' memory.
   */
  addLayerNormForward(
    a: F,
    r: F,
    g: F,
    b: F,
    y: F,
    xhat: F | null,
    inv: F | null,
    d: number,
    eps: number,
  ): void;
  /**
   * dx (+)= (1/σ̂)(gg − mean(gg) − x̂ mean(gg ⊙ x̂)), gg = dy ⊙ g;  dg += Σ dy ⊙ x̂;  db += Σ dy
   * (null: not wanted; accDx false writes dx).
   */
  layerNormBackward(
    dy: F,
    g: F,
    xhat: F,
    inv: F,
    dx: F | null,
    dg: F | null,
    db: F | null,
    d: number,
    accDx: boolean,
  ): void;
  /** RMSNorm: 1/σ̂ = 1/√(mean(x²) + eps) (inv, one per row), x̂ = x/σ̂, y = g ⊙ x̂ per row of d; x̂ kept. */
  rmsNormForward(x: F, g: F, y: F, xhat: F, inv: F, d: number, eps: number): void;
  /** dx (+)= (1/σ̂)(gg − x̂ mean(gg ⊙ x̂)), gg = dy ⊙ g;  dg += Σ dy ⊙ x̂ (null: not wanted; accDx false writes dx). */
  rmsNormBackward(dy: F, g: F, xhat: F, inv: F, dx: F | null, dg: F | null, d: number, accDx: boolean): void;
  /** c = a + b, b (nb values) repeated over a's rows. */
  addRows(a: F, b: F, c: F): void;
  /** db += Σ over rows of dc (rows of b's length). */
  colSum(dc: F, db: F): void;
  /** One AdamW update of p (m, v its moments), c1 = 1 − β₁ᵗ, c2 = 1 − β₂ᵗ. */
  adamw(
    p: F,
    g: F,
    m: F,
    v: F,
    lr: number,
    beta1: number,
    beta2: number,
    eps: number,
    weightDecay: number,
    c1: number,
    c2: number,
  ): void;
}

const K = Math.sqrt(2 / Math.PI);

/** erf(x) to |error| < 1.2e-7 (Numerical Recipes' erfc, Chebyshev fit), in float64. */
export function erf(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 +
                            t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? 1 - r : r - 1;
}

/** tanh(u) = (e²ᵘ − 1)/(e²ᵘ + 1) in float64 (one Math.exp, faster than Math.tanh); ±1 beyond |u| > 20. */
export const tanh = (u: number): number => {
  if (u > 20) return 1;
  if (u < -20) return -1;
  const e = Math.exp(2 * u);
  return (e - 1) / (e + 1);
};

/**
 * The reference path: plain JavaScript loops in float64 arithmetic, for float32 arrays (each value
 * rounded when stored, as the wasm path stores it) and float64 ones (autograd's float64 tensors).
 */
export const jsElementwise: ElementwiseKernels<Floats> = {
  geluForward(x, y) {
    for (let i = 0; i < x.length; i++) {
      const v = x[i]!;
      y[i] = 0.5 * v * (1 + tanh(K * (v + 0.044715 * v * v * v)));
    }
  },
  geluBackward(x, dy, dx, acc) {
    for (let i = 0; i < x.length; i++) {
      const v = x[i]!;
      const th = tanh(K * (v + 0.044715 * v * v * v));
      const d = dy[i]! * (0.5 * (1 + th) + 0.5 * v * (1 - th * th) * K * (1 + 3 * 0.044715 * v * v));
      dx[i] = acc ? dx[i]! + d : d;
    }
  },
  geluErfForward(x, y) {
    for (let i = 0; i < x.length; i++) {
      const v = x[i]!;
      y[i] = v * (0.5 * (1 + erf(v * Math.SQRT1_2)));
    }
  },
  geluErfBackward(x, dy, dx, acc) {
    const c = 1 / Math.sqrt(2 * Math.PI);
    for (let i = 0; i < x.length; i++) {
      const v = x[i]!;
      const d = dy[i]! * (0.5 * (1 + erf(v * Math.SQRT1_2)) + v * c * Math.exp(-0.5 * v * v));
      dx[i] = acc ? dx[i]! + d : d;
    }
  },
  softmaxForward(x, y, stats, rows, c, T, causal, s) {
    for (let r = 0; r < rows; r++) {
      const o = r * c;
      const limit = causal ? (r % T) + 1 : c;
      let max = Number.NEGATIVE_INFINITY;
      for (let j = 0; j < limit; j++) max = Math.max(max, x[o + j]!);
      let sum = 0;
      for (let j = 0; j < limit; j++) {
        const e = Math.exp(s * (x[o + j]! - max));
        y[o + j] = e;
        sum += e;
      }
      for (let j = 0; j < limit; j++) y[o + j]! /= sum;
      for (let j = limit; j < c; j++) y[o + j] = 0;
      if (stats) {
        stats[2 * r] = max;
        stats[2 * r + 1] = sum;
      }
    }
  },
  softmaxBackward(y, dy, dx, rows, c, T, causal, s, acc) {
    if (!acc) dx.fill(0, 0, rows * c);
    for (let r = 0; r < rows; r++) {
      const o = r * c;
      const limit = causal ? (r % T) + 1 : c;
      let dot = 0;
      for (let j = 0; j < limit; j++) dot += dy[o + j]! * y[o + j]!;
      for (let j = 0; j < limit; j++) dx[o + j]! += s * y[o + j]! * (dy[o + j]! - dot);
    }
  },
  layerNormForward(x, g, b, y, xhat, inv, d, eps) {
    const rows = x.length / d;
    const f64 = y instanceof Float64Array; // float32 rounds x̂ before y is made from it
    for (let r = 0; r < rows; r++) {
      const o = r * d;
      let mu = 0;
      for (let j = 0; j < d; j++) mu += x[o + j]!;
      mu /= d;
      let v = 0;
      for (let j = 0; j < d; j++) v += (x[o + j]! - mu) ** 2;
      const ir = 1 / Math.sqrt(v / d + eps);
      if (inv) inv[r] = ir;
      if (f64)
        for (let j = 0; j < d; j++) {
          const xh = (x[o + j]! - mu) * ir;
          if (xhat) xhat[o + j] = xh;
          y[o + j] = g[j]! * xh + b[j]!;
        }
      else
        for (let j = 0; j < d; j++) {
          const xh = Math.fround((x[o + j]! - mu) * ir); // x̂ is stored as float32
          if (xhat) xhat[o + j] = xh;
          y[o + j] = g[j]! * xh + b[j]!;
        }
    }
  },
  addLayerNormForward(a, r, g, bias, y, xhat, inv, d, eps) {
    const sum = a instanceof Float64Array ? new Float64Array(a.length) : new Float32Array(a.length);
    jsElementwise.addRows(a, r, sum);
    jsElementwise.layerNormForward(sum, g, bias, y, xhat, inv, d, eps);
  },
  layerNormBackward(dy, g, xhat, inv, dx, dg, db, d, accDx) {
    const rows = dy.length / d;
    if (dx && !accDx) dx.fill(0, 0, dy.length);
    for (let r = 0; r < rows; r++) {
      const o = r * d;
      let meanG = 0;
      let meanGX = 0;
      for (let j = 0; j < d; j++) {
        const gg = dy[o + j]! * g[j]!;
        meanG += gg;
        meanGX += gg * xhat[o + j]!;
      }
      if (dg) for (let j = 0; j < d; j++) dg[j]! += dy[o + j]! * xhat[o + j]!;
      if (db) for (let j = 0; j < d; j++) db[j]! += dy[o + j]!;
      meanG /= d;
      meanGX /= d;
      const ir = inv[r]!;
      if (dx)
        for (let j = 0; j < d; j++) dx[o + j]! += ir * (dy[o + j]! * g[j]! - meanG - xhat[o + j]! * meanGX);
    }
  },
  rmsNormForward(x, g, y, xhat, inv, d, eps) {
    const rows = x.length / d;
    const f64 = y instanceof Float64Array; // float32 rounds x̂ before y is made from it
    for (let r = 0; r < rows; r++) {
      const o = r * d;
      let ss = 0;
      for (let j = 0; j < d; j++) ss += x[o + j]! ** 2;
      const ir = 1 / Math.sqrt(ss / d + eps);
      inv[r] = ir;
      if (f64)
        for (let j = 0; j < d; j++) {
          const xh = x[o + j]! * ir;
          xhat[o + j] = xh;
          y[o + j] = g[j]! * xh;
        }
      else
        for (let j = 0; j < d; j++) {
          const xh = Math.fround(x[o + j]! * ir); // x̂ is stored as float32
          xhat[o + j] = xh;
          y[o + j] = g[j]! * xh;
        }
    }
  },
  rmsNormBackward(dy, g, xhat, inv, dx, dg, d, accDx) {
    const rows = dy.length / d;
    if (dx && !accDx) dx.fill(0, 0, dy.length);
    for (let r = 0; r < rows; r++) {
      const o = r * d;
      let meanGX = 0;
      for (let j = 0; j < d; j++) meanGX += dy[o + j]! * g[j]! * xhat[o + j]!;
      if (dg) for (let j = 0; j < d; j++) dg[j]! += dy[o + j]! * xhat[o + j]!;
      meanGX /= d;
      const ir = inv[r]!;
      if (dx) for (let j = 0; j < d; j++) dx[o + j]! += ir * (dy[o + j]! * g[j]! - xhat[o + j]! * meanGX);
    }
  },
  addRows(a, b, c) {
    const nb = b.length;
    // b repeats every nb values: walk a in blocks of nb (no modulo per element)
    for (let o = 0; o < a.length; o += nb) for (let j = 0; j < nb; j++) c[o + j] = a[o + j]! + b[j]!;
  },
  colSum(dc, db) {
    const nb = db.length;
    for (let o = 0; o < dc.length; o += nb) for (let j = 0; j < nb; j++) db[j]! += dc[o + j]!;
  },
  adamw(p, g, m, v, lr, beta1, beta2, eps, weightDecay, c1, c2) {
    for (let i = 0; i < p.length; i++) {
      m[i] = beta1 * m[i]! + (1 - beta1) * g[i]!;
      v[i] = beta2 * v[i]! + (1 - beta2) * g[i]! * g[i]!;
      p[i]! -= lr * (m[i]! / c1 / (Math.sqrt(v[i]! / c2) + eps) + weightDecay * p[i]!);
    }
  },
};

/** The reference path on float32 arrays (what the wasm path is tested against). */
export const jsElementwiseF32: ElementwiseF32Kernels = jsElementwise;

/** The exports of elementwise-f32.wat (addresses in bytes). */
interface WasmExports {
  memory: { buffer: ArrayBuffer; grow(pages: number): number };
  geluForward(x: number, y: number, n: number): void;
  geluBackward(x: number, dy: number, dx: number, n: number, acc: number): void;
  geluErfForward(x: number, y: number, n: number): void;
  geluErfBackward(x: number, dy: number, dx: number, n: number, acc: number): void;
  softmaxForward(
    x: number,
    y: number,
    stats: number,
    rows: number,
    c: number,
    T: number,
    causal: number,
    s: number,
  ): void;
  softmaxBackward(
    y: number,
    dy: number,
    dx: number,
    rows: number,
    c: number,
    T: number,
    causal: number,
    s: number,
    acc: number,
  ): void;
  layerNormForward(
    x: number,
    g: number,
    b: number,
    y: number,
    xh: number,
    inv: number,
    rows: number,
    d: number,
    eps: number,
  ): void;
  layerNormBackward(
    dy: number,
    g: number,
    xh: number,
    inv: number,
    dx: number,
    dg: number,
    db: number,
    rows: number,
    d: number,
    acc: number,
  ): void;
  rmsNormForward(
    x: number,
    g: number,
    y: number,
    xh: number,
    inv: number,
    rows: number,
    d: number,
    eps: number,
  ): void;
  rmsNormBackward(
    dy: number,
    g: number,
    xh: number,
    inv: number,
    dx: number,
    dg: number,
    rows: number,
    d: number,
    acc: number,
  ): void;
  adamw(
    p: number,
    g: number,
    m: number,
    v: number,
    n: number,
    lr: number,
    b1: number,
    b2: number,
    eps: number,
    wd: number,
    c1: number,
    c2: number,
  ): void;
  addRows(a: number, b: number, c: number, rows: number, nb: number): void;
  colSum(dc: number, db: number, rows: number, nb: number): void;
}

/**
 * The fast path over one module instance: over the engine memory (engine.ts; `engine` true), where
 * operands that are engine views (the arena's tensors) are passed by address and results written
 * into engine views in place, the rest copied in and out above the arena's top; or over the module's
 * own memory (no shared memory here, or FIRTH_ARENA=off), where each call lays its arrays out one
 * after another from 0 (16-byte aligned, padded to whole f32x4 vectors), copies the inputs in, runs
 * the kernel and copies the outputs out. The memory grows to the largest call seen.
 */
function wasmKernelsFrom(ex: WasmExports, engine: boolean): ElementwiseF32Kernels {
  const regions = floatRegions(engine ? null : ex.memory);
  /**
   * Regions of the given sizes (floats): inputs[i] copied in (or passed by address), outputs[i] the
   * array the kernel's region i goes to (written in place where it may be). Null: too large for wasm32.
   */
  const place = (sizes: number[], inputs: (Float32Array | null)[], outputs?: (Float32Array | null)[]) =>
    regions(sizes, inputs, outputs);
  /**
   * The destination of a kernel that writes whole f32x4 vectors (n rounded up): in place only when
   * n is a multiple of 4 (else the padding would overwrite what follows it); COPY forces a region.
   */
  const padded = (dst: Float32Array, n: number): Float32Array => (n % 4 === 0 ? dst : COPY);
  const js = jsElementwiseF32;
  /** An elementwise forward kernel y = f(x) over whole f32x4 vectors (the regions are padded). */
  const forward = (name: 'geluForward' | 'geluErfForward') => (x: Float32Array, y: Float32Array) => {
    const n = x.length;
    const p = place([n, n], [x], [null, padded(y, n)]);
    if (!p) return js[name](x, y);
    const [a, b] = p.at as [number, number];
    ex[name](a, b, Math.ceil(n / 4) * 4);
    p.out(1, y);
  };
  /** Its backward kernel dx (+)= dy ⊙ f'(x). */
  const backward =
    (name: 'geluBackward' | 'geluErfBackward') =>
    (x: Float32Array, dy: Float32Array, dx: Float32Array, acc: boolean) => {
      const n = x.length;
      const p = place([n, n, n], [x, dy, acc ? dx : null], [null, null, padded(dx, n)]);
      if (!p) return js[name](x, dy, dx, acc);
      const [a, b, d] = p.at as [number, number, number];
      ex[name](a, b, d, Math.ceil(n / 4) * 4, acc ? 1 : 0);
      p.out(2, dx);
    };
  return {
    geluForward: forward('geluForward'),
    geluBackward: backward('geluBackward'),
    geluErfForward: forward('geluErfForward'),
    geluErfBackward: backward('geluErfBackward'),
    softmaxForward(x, y, stats, rows, c, T, causal, s) {
      const n = rows * c;
      const p = place([n, n, 2 * rows], [x], [null, y, stats]);
      if (!p) return js.softmaxForward(x, y, stats, rows, c, T, causal, s);
      const [a, b, st] = p.at as [number, number, number];
      ex.softmaxForward(a, b, st, rows, c, T, causal ? 1 : 0, s);
      p.out(1, y);
      if (stats) p.out(2, stats);
    },
    softmaxBackward(y, dy, dx, rows, c, T, causal, s, acc) {
      const n = rows * c;
      const p = place([n, n, n], [y, dy, acc ? dx : null], [null, null, dx]);
      if (!p) return js.softmaxBackward(y, dy, dx, rows, c, T, causal, s, acc);
      const [a, b, d] = p.at as [number, number, number];
      ex.softmaxBackward(a, b, d, rows, c, T, causal ? 1 : 0, s, acc ? 1 : 0);
      p.out(2, dx);
    },
    layerNormForward(x, g, b, y, xhat, inv, d, eps) {
      const n = x.length;
      const rows = n / d;
      const p = place([n, d, d, n, n, rows], [x, g, b], [null, null, null, y, xhat, inv]);
      if (!p) return js.layerNormForward(x, g, b, y, xhat, inv, d, eps);
      const [ax, ag, ab, ay, axh, ainv] = p.at as [number, number, number, number, number, number];
      ex.layerNormForward(ax, ag, ab, ay, axh, ainv, rows, d, eps);
      p.out(3, y);
      if (xhat) p.out(4, xhat);
      if (inv) p.out(5, inv);
    },
    addLayerNormForward(a, r, g, b, y, xhat, inv, d, eps) {
      const n = a.length;
      const rows = n / d;
      // the sum s stays here: addRows writes it, layerNormForward reads it
      const p = place(
        [n, n, d, d, n, n, n, rows],
        [a, r, g, b],
        [null, null, null, null, null, y, xhat, inv],
      );
      if (!p) return js.addLayerNormForward(a, r, g, b, y, xhat, inv, d, eps);
      const [aa, ar, ag, ab, as, ay, axh, ainv] = p.at as [
        number,
        number,
        number,
        number,
        number,
        number,
        number,
        number,
      ];
      ex.addRows(aa, ar, as, 1, n);
      ex.layerNormForward(as, ag, ab, ay, axh, ainv, rows, d, eps);
      p.out(5, y);
      if (xhat) p.out(6, xhat);
      if (inv) p.out(7, inv);
    },
    layerNormBackward(dy, g, xhat, inv, dx, dg, db, d, accDx) {
      const n = dy.length;
      const rows = n / d;
      const zeros = new Float32Array(d);
      const p = place(
        [n, d, n, rows, n, d, d],
        [dy, g, xhat, inv, accDx ? dx : null, dg ?? zeros, db ?? zeros],
        [null, null, null, null, dx, dg ?? zeros, db ?? zeros],
      );
      if (!p) return js.layerNormBackward(dy, g, xhat, inv, dx, dg, db, d, accDx);
      const [ady, ag, axh, ainv, adx, adg, adb] = p.at as [
        number,
        number,
        number,
        number,
        number,
        number,
        number,
      ];
      ex.layerNormBackward(ady, ag, axh, ainv, adx, adg, adb, rows, d, accDx && dx ? 1 : 0);
      if (dx) p.out(4, dx);
      if (dg) p.out(5, dg);
      if (db) p.out(6, db);
    },
    rmsNormForward(x, g, y, xhat, inv, d, eps) {
      const n = x.length;
      const rows = n / d;
      const p = place([n, d, n, n, rows], [x, g], [null, null, y, xhat, inv]);
      if (!p) return js.rmsNormForward(x, g, y, xhat, inv, d, eps);
      const [ax, ag, ay, axh, ainv] = p.at as [number, number, number, number, number];
      ex.rmsNormForward(ax, ag, ay, axh, ainv, rows, d, eps);
      p.out(2, y);
      p.out(3, xhat);
      p.out(4, inv);
    },
    rmsNormBackward(dy, g, xhat, inv, dx, dg, d, accDx) {
      const n = dy.length;
      const rows = n / d;
      const dgIn = dg ?? new Float32Array(d);
      const p = place(
        [n, d, n, rows, n, d],
        [dy, g, xhat, inv, accDx ? dx : null, dgIn],
        [null, null, null, null, dx, dgIn],
      );
      if (!p) return js.rmsNormBackward(dy, g, xhat, inv, dx, dg, d, accDx);
      const [ady, ag, axh, ainv, adx, adg] = p.at as [number, number, number, number, number, number];
      ex.rmsNormBackward(ady, ag, axh, ainv, adx, adg, rows, d, accDx && dx ? 1 : 0);
      if (dx) p.out(4, dx);
      if (dg) p.out(5, dg);
    },
    addRows(a, b, c) {
      const p = place([a.length, b.length, a.length], [a, b], [null, null, c]);
      if (!p) return js.addRows(a, b, c);
      const [aa, ab, ac] = p.at as [number, number, number];
      ex.addRows(aa, ab, ac, a.length / b.length, b.length);
      p.out(2, c);
    },
    colSum(dc, db) {
      const p = place([dc.length, db.length], [dc, db], [null, db]);
      if (!p) return js.colSum(dc, db);
      const [ac, ab] = p.at as [number, number];
      ex.colSum(ac, ab, dc.length / db.length, db.length);
      p.out(1, db);
    },
    adamw(pa, g, m, v, lr, beta1, beta2, eps, weightDecay, c1, c2) {
      const n = pa.length;
      const p = place([n, n, n, n], [pa, g, m, v], [padded(pa, n), null, padded(m, n), padded(v, n)]);
      if (!p) return js.adamw(pa, g, m, v, lr, beta1, beta2, eps, weightDecay, c1, c2);
      const [ap, ag, am, av] = p.at as [number, number, number, number];
      ex.adamw(ap, ag, am, av, Math.ceil(n / 4) * 4, lr, beta1, beta2, eps, weightDecay, c1, c2);
      p.out(0, pa);
      p.out(2, m);
      p.out(3, v);
    },
  };
}

/** The wasm path, or null where WebAssembly SIMD is missing (the module then fails to compile). */
export const wasmElementwiseF32: ElementwiseF32Kernels | null = (() => {
  // over the engine memory where there is one (the shared twin, the arena's tensors by address)
  const shared =
    engineMemory &&
    instantiateWasm<WasmExports>(compileWasm(ELEMENTWISE_F32_SHARED_WASM_BASE64), {
      env: { memory: engineMemory },
    });
  if (shared) return wasmKernelsFrom(shared, true);
  const ex = instantiateWasm<WasmExports>(compileWasm(ELEMENTWISE_F32_WASM_BASE64));
  return ex === null ? null : wasmKernelsFrom(ex, false);
})();

/** The kernels autograd.ts and optim.ts use: wasm when matmul-f32.ts chose wasm (and this module compiled), JavaScript otherwise. */
export const elementwiseF32: ElementwiseF32Kernels =
  matmulF32Backend === 'wasm' && wasmElementwiseF32 !== null ? wasmElementwiseF32 : jsElementwiseF32;
