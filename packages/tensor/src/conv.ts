/**
 * Convolution and pooling on float32 (or float64) tensors (NHWC: batch, height, width, channels), with their
 * gradients — what the CNN lesson (@firth/deep) trains on. Also the logistic sigmoid.
 *
 * conv2d is im2col: every filter position's patch becomes one row of a matrix (B·H'·W', kh·kw·Cin),
 * so the convolution is one float32 product with the kernel seen as (kh·kw·Cin, Cout) — the product
 * runs in matmul-f32.ts (WebAssembly SIMD; float64 tensors: matmul-f64.ts). Its gradients are two more products and a scatter
 * (col2im):
 *   Y = cols K            dK = colsᵀ dY            dcols = dY Kᵀ → dX (each patch added back)
 * Pooling keeps, for max, the position of each window's maximum (its gradient goes there alone) and,
 * for the mean, divides by the window's in-image cells only (TensorFlow's rule for padded windows).
 *
 * Padding is given explicitly, [top, bottom, left, right] zeros around the image (@firth/neural's
 * axisGeometry turns 'same' / 'valid' into these numbers).
 */
import { ValidationError } from '@firth/numeric';
import { activations, sigmoidJs } from './activations.js';
import { dtypeOf, type Floats, gradOf, like, productsOf, result, type Tensor } from './autograd.js';

export interface WindowOptions {
  /** Step between window positions. @default 1 for conv2d, the window size for pooling */
  stride?: number;
  /** Zeros (conv) or ignored cells (pooling) around the image: [top, bottom, left, right]. @default [0, 0, 0, 0] */
  padding?: [number, number, number, number];
}

interface Geometry {
  B: number;
  H: number;
  W: number;
  C: number;
  Ho: number;
  Wo: number;
  s: number;
  top: number;
  left: number;
}

function geometry(
  X: Tensor<Floats>,
  kh: number,
  kw: number,
  o: WindowOptions,
  defaultStride: number,
  op: string,
): Geometry {
  if (X.shape.length !== 4)
    throw new ValidationError(
      `${op}: input must be (batch, height, width, channels), got shape ${JSON.stringify(X.shape)}`,
      'shape',
    );
  const [B, H, W, C] = X.shape as [number, number, number, number];
  const s = o.stride ?? defaultStride;
  const [top, bottom, left, right] = o.padding ?? [0, 0, 0, 0];
  for (const [name, v, min] of [
    ['stride', s, 1],
    ['padding', Math.min(top, bottom, left, right), 0],
  ] as const)
    if (!Number.isInteger(v) || v < min)
      throw new ValidationError(
        `${op}: ${name} must be integers ≥ ${min}, got ${JSON.stringify(name === 'stride' ? s : o.padding)}`,
        name,
      );
  const Ho = Math.floor((H + top + bottom - kh) / s) + 1;
  const Wo = Math.floor((W + left + right - kw) / s) + 1;
  if (Ho < 1 || Wo < 1)
    throw new ValidationError(
      `${op}: the ${kh}×${kw} window is larger than the padded ${H}×${W} input`,
      'shape',
    );
  return { B, H, W, C, Ho, Wo, s, top, left };
}

export interface ConvOptions<A extends Floats = Float32Array> extends WindowOptions {
  /** A bias per output channel (Cout), added inside the op. */
  bias?: Tensor<A>;
  /** Apply ReLU inside the op (after the bias). @default false */
  relu?: boolean;
}

/**
 * 2-D convolution (cross-correlation, as every framework): X (B, H, W, Cin), K (kh, kw, Cin, Cout)
 *   Y[n,i,j,co] = Σ_{a,b,ci} Xpad[n, i·s+a, j·s+b, ci] · K[a,b,ci,co]      → (B, H', W', Cout)
 *   d: dK = colsᵀ dY,  dX = col2im(dY Kᵀ)
 * With `bias` and `relu`, Y = max(0, conv + b), fused (one pass and one buffer instead of three):
 *   d: dZ = dY ⊙ [Y > 0],  db = Σ dZ, and dK, dX from dZ.
 */
export function conv2d<T extends Floats>(
  X: Tensor<T>,
  K: Tensor<T>,
  options: ConvOptions<T> = {},
): Tensor<T> {
  // float64 tensors: the same loops in double precision, the products matmul-f64.ts's
  const P = productsOf(dtypeOf('conv2d', X, K, ...(options.bias ? [options.bias] : [])));
  if (K.shape.length !== 4)
    throw new ValidationError(
      `conv2d: kernel must be (kh, kw, Cin, Cout), got shape ${JSON.stringify(K.shape)}`,
      'shape',
    );
  const [kh, kw, cin, cout] = K.shape as [number, number, number, number];
  const g = geometry(X, kh, kw, options, 1, 'conv2d');
  const { B, H, W, C, Ho, Wo, s, top, left } = g;
  if (C !== cin)
    throw new ValidationError(`conv2d: the input has ${C} channels, the kernel expects ${cin}`, 'shape');
  const N = B * Ho * Wo;
  const KK = kh * kw * C;
  const x = X.data;
  // im2col: row (n, i, j) holds the patch in (a, b, ci) order — K's layout seen as (kh·kw·Cin, Cout)
  const cols = like(X, N * KK);
  for (let n = 0, r = 0; n < B; n++)
    for (let i = 0; i < Ho; i++)
      for (let j = 0; j < Wo; j++, r++) {
        const row = r * KK;
        for (let a = 0; a < kh; a++) {
          const y = i * s + a - top;
          if (y < 0 || y >= H) continue; // a row of zeros (padding): cols is zero-filled
          for (let b = 0; b < kw; b++) {
            const xx = j * s + b - left;
            if (xx < 0 || xx >= W) continue;
            const src = ((n * H + y) * W + xx) * C;
            const dst = row + (a * kw + b) * C;
            for (let c = 0; c < C; c++) cols[dst + c] = x[src + c]!;
          }
        }
      }
  const Y = P.matmul(cols, K.data, N, KK, cout) as T;
  const { bias, relu = false } = options;
  if (bias !== undefined && bias.size !== cout)
    throw new ValidationError(`conv2d: bias must hold ${cout} values, got ${bias.size}`, 'bias');
  if (bias || relu) {
    const bv = bias?.data;
    for (let r = 0; r < Y.length; r += cout)
      for (let c = 0; c < cout; c++) {
        const v = Y[r + c]! + (bv ? bv[c]! : 0);
        Y[r + c] = relu && v < 0 ? 0 : v;
      }
  }
  const parents = bias ? [X, K, bias] : [X, K];
  return result(Y, [B, Ho, Wo, cout], parents, (out) => {
    let dY = out.grad!;
    if (relu) {
      dY = dY.slice() as T;
      for (let i = 0; i < dY.length; i++) if (Y[i]! <= 0) dY[i] = 0;
    }
    const db = bias ? gradOf(bias) : null;
    if (db) for (let r = 0; r < dY.length; r += cout) for (let c = 0; c < cout; c++) db[c]! += dY[r + c]!;
    const dK = gradOf(K);
    const dX = gradOf(X);
    if (dK) P.matmulTN(cols, dY, N, KK, cout, dK, true);
    if (!dX) return;
    const dcols = P.matmulNT(dY, K.data, N, cout, KK);
    // col2im: each patch's gradient added back where the patch came from
    for (let n = 0, r = 0; n < B; n++)
      for (let i = 0; i < Ho; i++)
        for (let j = 0; j < Wo; j++, r++) {
          const row = r * KK;
          for (let a = 0; a < kh; a++) {
            const y = i * s + a - top;
            if (y < 0 || y >= H) continue;
            for (let b = 0; b < kw; b++) {
              const xx = j * s + b - left;
              if (xx < 0 || xx >= W) continue;
              const dst = ((n * H + y) * W + xx) * C;
              const src = row + (a * kw + b) * C;
              for (let c = 0; c < C; c++) dX[dst + c]! += dcols[src + c]!;
            }
          }
        }
  });
}

/**
 * Pooling, channel by channel, over size × size windows: X (B, H, W, C) → (B, H', W', C)
 *   max: Y = the window's largest in-image value;   d: dY goes to that one position
 *   avg: Y = the mean of the window's in-image values;  d: dY / count to each of them
 */
export function pool2d<T extends Floats>(
  X: Tensor<T>,
  kind: 'max' | 'avg',
  size: number,
  options: WindowOptions = {},
): Tensor<T> {
  if (!Number.isInteger(size) || size < 1)
    throw new ValidationError(`pool2d: size must be an integer ≥ 1, got ${size}`, 'size');
  if (kind !== 'max' && kind !== 'avg')
    throw new ValidationError(`pool2d: kind must be 'max' or 'avg', got ${String(kind)}`, 'kind');
  const { B, H, W, C, Ho, Wo, s, top, left } = geometry(X, size, size, options, size, 'pool2d');
  const x = X.data;
  const Y = like(X, B * Ho * Wo * C);
  // max: the flat index of each output's source; avg: 1 / (in-image cells) per output position
  const from = kind === 'max' ? new Int32Array(Y.length) : null;
  const inv = kind === 'avg' ? like(X, B * Ho * Wo) : null;
  const window = (i: number, j: number) => {
    const y0 = Math.max(i * s - top, 0);
    const y1 = Math.min(i * s - top + size, H);
    const x0 = Math.max(j * s - left, 0);
    const x1 = Math.min(j * s - left + size, W);
    return [y0, y1, x0, x1] as const;
  };
  for (let n = 0, p = 0; n < B; n++)
    for (let i = 0; i < Ho; i++)
      for (let j = 0; j < Wo; j++, p++) {
        const [y0, y1, x0, x1] = window(i, j);
        const o = p * C;
        if (from) {
          for (let c = 0; c < C; c++) {
            let best = Number.NEGATIVE_INFINITY;
            let at = -1;
            for (let y = y0; y < y1; y++)
              for (let xx = x0; xx < x1; xx++) {
                const k = ((n * H + y) * W + xx) * C + c;
                if (x[k]! > best || at < 0) {
                  best = x[k]!;
                  at = k;
                }
              }
            Y[o + c] = best;
            from[o + c] = at;
          }
        } else {
          const count = (y1 - y0) * (x1 - x0);
          inv![p] = 1 / count;
          for (let y = y0; y < y1; y++)
            for (let xx = x0; xx < x1; xx++) {
              const k = ((n * H + y) * W + xx) * C;
              for (let c = 0; c < C; c++) Y[o + c]! += x[k + c]!;
            }
          for (let c = 0; c < C; c++) Y[o + c]! /= count;
        }
      }
  return result(Y, [B, Ho, Wo, C], [X], (out) => {
    const dX = gradOf(X);
    if (!dX) return;
    const dY = out.grad!;
    if (from) {
      for (let k = 0; k < dY.length; k++) dX[from[k]!]! += dY[k]!;
      return;
    }
    for (let n = 0, p = 0; n < B; n++)
      for (let i = 0; i < Ho; i++)
        for (let j = 0; j < Wo; j++, p++) {
          const [y0, y1, x0, x1] = window(i, j);
          const o = p * C;
          const w = inv![p]!;
          for (let y = y0; y < y1; y++)
            for (let xx = x0; xx < x1; xx++) {
              const k = ((n * H + y) * W + xx) * C;
              for (let c = 0; c < C; c++) dX[k + c]! += dY[o + c]! * w;
            }
        }
  });
}

/** The logistic sigmoid σ(x) = 1 / (1 + e^−x). d: dX = dY ⊙ σ(x)(1 − σ(x)) (σ kept from the forward pass) */
export function sigmoid<T extends Floats>(X: Tensor<T>): Tensor<T> {
  const x = X.data;
  const Y = x.slice() as T;
  if (Y instanceof Float32Array)
    activations.sigmoid(Y); // WebAssembly SIMD (activations.ts)
  else for (let i = 0; i < Y.length; i++) Y[i] = sigmoidJs(Y[i]!); // float64: in double precision
  return result(Y, X.shape, [X], (out) => {
    const dX = gradOf(X);
    if (!dX) return;
    const dY = out.grad!;
    for (let i = 0; i < x.length; i++) dX[i]! += dY[i]! * Y[i]! * (1 - Y[i]!);
  });
}
