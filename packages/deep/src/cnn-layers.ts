/**
 * The layers of the CNN in cnn.ts as plain functions of tensors — convolution, pooling, flatten,
 * dense — with the shapes they produce and the specs that describe them.
 *
 * Lesson: "Convolutional Neural Networks" (Introduction to Large Language Models): convolutional
 * layers apply filters that scan the input (local connectivity, parameter sharing), pooling layers
 * reduce the maps, fully connected layers decide. `convLayer` on one channel is `conv2d` of
 * @firth/neural (convolution.ts); cnn.test.ts checks it on the course's 5×5 figure.
 *
 * One repair: the wasm backend has no `Conv2DBackpropFilter` kernel (∂loss/∂kernel), so `convLayer`
 * carries its own gradient, written with ops every backend has (`convFilterGradient`); a test checks
 * it against the cpu backend's kernel.
 *
 * Deliberately left out: multi-channel input images, dilation, dropout, batch normalisation.
 */
import { axisGeometry, type Padding } from '@firth/neural';
import { ValidationError } from '@firth/numeric';
import * as ft from '@firth/tensor';
import { tf } from './backend.js';

export type CNNActivation = 'relu' | 'tanh' | 'sigmoid' | 'linear';
export type { Padding } from '@firth/neural';

const ACTIVATIONS: readonly CNNActivation[] = ['relu', 'tanh', 'sigmoid', 'linear'];

/** A convolutional layer: `filters` learned kernels of kernelSize × kernelSize × input channels. */
export interface ConvLayerSpec {
  type: 'conv';
  /** Number of filters = output channels (feature maps). */
  filters: number;
  /** Side of the square filter. @default 3 — the course's figure, and the usual choice */
  kernelSize?: number;
  /** Step between filter positions. @default 1 — every position, as in the course's figure */
  stride?: number;
  /** Zeros around the input. @default 'same' — keeps the map's size, so 8×8 digits survive two convs */
  padding?: Padding;
  /** @default 'relu' — the usual choice after a convolution */
  activation?: CNNActivation;
}
/** A pooling layer: the max (or mean) of each size × size window, channel by channel. */
export interface PoolLayerSpec {
  type: 'maxPool' | 'avgPool';
  /** Side of the window. @default 2 — halves the height and width */
  size?: number;
  /** Step between windows. @default size — windows do not overlap */
  stride?: number;
  /** @default 'valid' — no padding */
  padding?: Padding;
}
/** Feature maps (H, W, C) → one vector of H·W·C (row by row, channels innermost). */
export interface FlattenLayerSpec {
  type: 'flatten';
}
/** A fully connected hidden layer (a dense layer after maps flattens them first). */
export interface DenseLayerSpec {
  type: 'dense';
  units: number;
  /** @default 'relu' */
  activation?: CNNActivation;
}
export type LayerSpec = ConvLayerSpec | PoolLayerSpec | FlattenLayerSpec | DenseLayerSpec;
/** A layer with every default filled in (what `options.layers` and `toJSON` hold). */
export type ResolvedLayer =
  | Required<ConvLayerSpec>
  | Required<PoolLayerSpec>
  | FlattenLayerSpec
  | Required<DenseLayerSpec>;

/** conv 3×3×16 → max-pool 2 → conv 3×3×32 → flatten; fit adds dense(classes) + softmax. */
export const DEFAULT_CNN_LAYERS: readonly LayerSpec[] = [
  { type: 'conv', filters: 16, kernelSize: 3 },
  { type: 'maxPool', size: 2 },
  { type: 'conv', filters: 32, kernelSize: 3 },
  { type: 'flatten' },
];

// ---------------------------------------------------------------------------------------------
// The layers, as functions of tensors
// ---------------------------------------------------------------------------------------------

function activate<T extends tf.Tensor>(z: T, f: CNNActivation): T {
  if (f === 'relu') return tf.relu(z); // max(0, z)
  if (f === 'tanh') return tf.tanh(z);
  if (f === 'sigmoid') return tf.sigmoid(z); // 1 / (1 + e^−z)
  return z;
}

/**
 * ∂L/∂K of a convolution, with ops every backend has (wasm lacks the Conv2DBackpropFilter kernel):
 *   ∂L/∂K[a,b,ci,co] = Σ_{n,i,j} x_pad[n, i·s+a, j·s+b, ci] · dy[n, i, j, co]
 * which is itself a convolution: of x_pad with the channels as the batch and the images as the
 * channels, by dy as the filter, its taps spread s apart (dilation s).
 *   x (B, H, W, Cin), dy (B, H', W', Cout) → (kh, kw, Cin, Cout)
 */
export function convFilterGradient(
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  kernelSize: [number, number],
  stride: number,
  padding: Padding,
): tf.Tensor4D {
  return tf.tidy(() => {
    const [kh, kw] = kernelSize;
    const [, H, W] = x.shape;
    const [, Ho, Wo] = dy.shape;
    const rows = axisGeometry(H, kh, stride, padding);
    const cols = axisGeometry(W, kw, stride, padding);
    // pad as the forward pass did, keep the (H' − 1)·s + kh rows the filter positions touch
    const xp = tf
      .pad(x, [
        [0, 0],
        [rows.padBefore, rows.padAfter],
        [cols.padBefore, cols.padAfter],
        [0, 0],
      ])
      .slice([0, 0, 0, 0], [-1, (Ho - 1) * stride + kh, (Wo - 1) * stride + kw, -1]);
    const xT = xp.transpose<tf.Tensor4D>([3, 1, 2, 0]); // (Cin, Hc, Wc, B)
    const dyT = dy.transpose<tf.Tensor4D>([1, 2, 0, 3]); // (H', W', B, Cout)
    // (Cin, Hc, Wc, B) ⊛ (H', W', B, Cout), dilation s → (Cin, kh, kw, Cout) → (kh, kw, Cin, Cout)
    return tf.conv2d(xT, dyT, 1, 'valid', 'NHWC', stride).transpose<tf.Tensor4D>([1, 2, 0, 3]);
  });
}

/**
 * A convolutional layer: out = f(x ⊛ K + b)
 *   out[n,i,j,co] = f( Σ_{a,b,ci} x_pad[n, i·s+a, j·s+b, ci] · K[a,b,ci,co] + b[co] )
 *   x (B, H, W, Cin), K (kh, kw, Cin, Cout), b (Cout) → (B, H', W', Cout),  H' = floor((H + 2p − kh)/s) + 1
 * For one channel and b = 0 this is `conv2d` of @firth/neural (cnn.test.ts checks it).
 */
export function convLayer(
  x: tf.Tensor4D,
  kernel: tf.Tensor4D,
  bias: tf.Tensor1D,
  stride = 1,
  padding: Padding = 'valid',
  activation: CNNActivation = 'linear',
): tf.Tensor4D {
  const conv = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [input, K, save] = args as [tf.Tensor4D, tf.Tensor4D, tf.GradSaveFunc];
    save([input, K]);
    return {
      value: tf.conv2d(input, K, stride, padding),
      gradFunc: (dy: tf.Tensor4D, saved: tf.Tensor[]) => {
        const [xs, Ks] = saved as [tf.Tensor4D, tf.Tensor4D];
        // ∂L/∂x: the kernel slid back over dy (a transposed convolution), (B, H', W', Cout) → (B, H, W, Cin)
        const dx = tf.conv2dTranspose(dy, Ks, xs.shape, stride, padding);
        const dK = convFilterGradient(xs, dy, [Ks.shape[0], Ks.shape[1]], stride, padding);
        return [dx, dK];
      },
    };
  });
  return activate(tf.add(conv(x, kernel) as tf.Tensor4D, bias), activation);
}

/**
 * A pooling layer, channel by channel:
 *   max: out[n,i,j,c] = max_{a,b < size} x[n, i·s+a, j·s+b, c]      avg: the mean of the same window
 *   (B, H, W, C) → (B, H', W', C)
 */
export function poolLayer(
  x: tf.Tensor4D,
  kind: 'maxPool' | 'avgPool',
  size = 2,
  stride = size,
  padding: Padding = 'valid',
): tf.Tensor4D {
  return kind === 'maxPool' ? tf.maxPool(x, size, stride, padding) : tf.avgPool(x, size, stride, padding);
}

/** A fully connected layer: out = f(x W + b)   (B, in) @ (in, units) + (units) → (B, units) */
export function denseLayer(
  x: tf.Tensor2D,
  W: tf.Tensor2D,
  b: tf.Tensor1D,
  activation: CNNActivation,
): tf.Tensor2D {
  return activate(tf.add(tf.matMul(x, W), b), activation);
}

// ---------------------------------------------------------------------------------------------
// Shapes: which layer sees what, and which weights it owns
// ---------------------------------------------------------------------------------------------

export interface Planned {
  spec: ResolvedLayer;
  /** (H, W, C) for maps, (D) for vectors. */
  outShape: number[];
  /** Kernel and bias shapes of conv/dense layers. */
  paramShapes: number[][];
}

export function describeLayer(l: ResolvedLayer): string {
  if (l.type === 'conv')
    return `conv ${l.kernelSize}×${l.kernelSize}×${l.filters} stride ${l.stride} ${l.padding} ${l.activation}`;
  if (l.type === 'dense') return `dense ${l.units} ${l.activation}`;
  if (l.type === 'flatten') return 'flatten';
  return `${l.type} ${l.size}×${l.size} stride ${l.stride} ${l.padding}`;
}

/** Every layer's output shape for H×W one-channel images, plus the output layer of nClasses. */
export function planLayers(layers: ResolvedLayer[], H: number, W: number, nClasses: number): Planned[] {
  let shape = [H, W, 1];
  const plan: Planned[] = [];
  const all: ResolvedLayer[] = [...layers, { type: 'dense', units: nClasses, activation: 'linear' }];
  all.forEach((l, i) => {
    const where = i < layers.length ? `layers[${i}] (${describeLayer(l)})` : 'the output layer';
    const [h = 0, w = 0, c = 0] = shape;
    const geometry = (k: number, s: number, p: Padding, what: string) => {
      try {
        return [axisGeometry(h, k, s, p, what).out, axisGeometry(w, k, s, p, what).out];
      } catch (e) {
        throw new ValidationError(
          `${where}: ${(e as Error).message} (its input is ${h}×${w})`,
          `layers[${i}]`,
        );
      }
    };
    if ((l.type === 'conv' || l.type === 'maxPool' || l.type === 'avgPool') && shape.length !== 3) {
      throw new ValidationError(`${where} needs feature maps, but its input is already flat`, `layers[${i}]`);
    }
    if (l.type === 'conv') {
      const [ho, wo] = geometry(l.kernelSize, l.stride, l.padding, 'kernel') as [number, number];
      shape = [ho, wo, l.filters];
      plan.push({
        spec: l,
        outShape: shape,
        paramShapes: [[l.kernelSize, l.kernelSize, c, l.filters], [l.filters]],
      });
    } else if (l.type === 'maxPool' || l.type === 'avgPool') {
      const [ho, wo] = geometry(l.size, l.stride, l.padding, 'pool size') as [number, number];
      shape = [ho, wo, c];
      plan.push({ spec: l, outShape: shape, paramShapes: [] });
    } else if (l.type === 'dense') {
      // a dense layer after maps flattens them first
      const flat = shape.reduce((a, b) => a * b, 1);
      shape = [l.units];
      plan.push({ spec: l, outShape: shape, paramShapes: [[flat, l.units], [l.units]] });
    } else {
      shape = [shape.reduce((a, b) => a * b, 1)];
      plan.push({ spec: l, outShape: shape, paramShapes: [] });
    }
  });
  return plan;
}

/** logits = the layers applied in turn   x (B, H, W, 1) → (B, nClasses) */
export function forward(x: tf.Tensor4D, plan: Planned[], params: tf.Tensor[]): tf.Tensor2D {
  let a: tf.Tensor = x;
  let p = 0;
  for (const { spec: l } of plan) {
    if (l.type === 'conv') {
      a = convLayer(
        a as tf.Tensor4D,
        params[p] as tf.Tensor4D,
        params[p + 1] as tf.Tensor1D,
        l.stride,
        l.padding,
        l.activation,
      );
      p += 2;
    } else if (l.type === 'maxPool' || l.type === 'avgPool') {
      a = poolLayer(a as tf.Tensor4D, l.type, l.size, l.stride, l.padding);
    } else {
      // flatten: (B, H, W, C) → (B, H·W·C); a dense layer after maps flattens them first
      if (a.rank !== 2) a = tf.reshape(a, [a.shape[0] as number, -1]);
      if (l.type === 'dense') {
        a = denseLayer(
          a as tf.Tensor2D,
          params[p] as tf.Tensor2D,
          params[p + 1] as tf.Tensor1D,
          l.activation,
        );
        p += 2;
      }
    }
  }
  return a as tf.Tensor2D;
}

/**
 * The same layers on Firth's engine (@firth/tensor): conv2d (im2col on the float32 products),
 * pool2d, matmul, with @firth/neural's axisGeometry turning 'same' / 'valid' / p into the zeros on
 * each side. logits = the layers applied in turn   x (B, H, W, 1) → (B, nClasses)
 */
export function firthForward(x: ft.Tensor, plan: Planned[], params: ft.Tensor[]): ft.Tensor {
  const act = (z: ft.Tensor, f: CNNActivation) =>
    f === 'relu' ? ft.relu(z) : f === 'tanh' ? ft.tanhOp(z) : f === 'sigmoid' ? ft.sigmoid(z) : z;
  const pads = (H: number, W: number, k: number, s: number, p: Padding) => {
    const r = axisGeometry(H, k, s, p);
    const c = axisGeometry(W, k, s, p);
    return [r.padBefore, r.padAfter, c.padBefore, c.padAfter] as [number, number, number, number];
  };
  let a = x;
  let p = 0;
  for (const { spec: l } of plan) {
    const [B = 0, H = 0, W = 0] = a.shape;
    if (l.type === 'conv') {
      const padding = pads(H, W, l.kernelSize, l.stride, l.padding);
      // bias (and ReLU) fused into the convolution: one pass instead of three
      const relu = l.activation === 'relu';
      const bias = params[p + 1] as ft.Tensor;
      const z = ft.conv2d(a, params[p] as ft.Tensor, { stride: l.stride, padding, bias, relu });
      a = relu ? z : act(z, l.activation);
      p += 2;
    } else if (l.type === 'maxPool' || l.type === 'avgPool') {
      const padding = pads(H, W, l.size, l.stride, l.padding);
      a = ft.pool2d(a, l.type === 'maxPool' ? 'max' : 'avg', l.size, { stride: l.stride, padding });
    } else {
      // flatten: (B, H, W, C) → (B, H·W·C); a dense layer after maps flattens them first
      if (a.shape.length !== 2) a = ft.reshape(a, [B, a.size / B]);
      if (l.type === 'dense') {
        a = act(ft.add(ft.matmul(a, params[p] as ft.Tensor), params[p + 1] as ft.Tensor), l.activation);
        p += 2;
      }
    }
  }
  return a;
}

// ---------------------------------------------------------------------------------------------
// Checking layer specs
// ---------------------------------------------------------------------------------------------

export function describeValue(v: unknown): string {
  if (typeof v === 'string') return `the string ${JSON.stringify(v)}`;
  if (typeof v === 'number') return String(v);
  if (Array.isArray(v)) return `an array of length ${v.length}`;
  return v === null ? 'null' : v === undefined ? 'nothing (undefined)' : `a value of type ${typeof v}`;
}

export function positiveInt(v: unknown, name: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1)
    throw new ValidationError(`${name} must be an integer ≥ 1, got ${describeValue(v)}`, name);
  return v;
}

export function padding(v: unknown, name: string): Padding {
  if (v === 'valid' || v === 'same' || (typeof v === 'number' && Number.isInteger(v) && v >= 0)) return v;
  throw new ValidationError(
    `${name} must be 'valid', 'same' or an integer ≥ 0, got ${describeValue(v)}`,
    name,
  );
}

function activationName(v: unknown, name: string): CNNActivation {
  if (ACTIVATIONS.includes(v as CNNActivation)) return v as CNNActivation;
  throw new ValidationError(
    `${name} must be one of ${ACTIVATIONS.join(', ')}, got ${describeValue(v)}`,
    name,
  );
}

export function resolveLayer(l: unknown, i: number): ResolvedLayer {
  const at = `layers[${i}]`;
  if (typeof l !== 'object' || l === null)
    throw new ValidationError(`${at} must be a layer object, got ${describeValue(l)}`, at);
  const s = l as Record<string, unknown>;
  if (s.type === 'conv') {
    return {
      type: 'conv',
      filters: positiveInt(s.filters, `${at}.filters`),
      kernelSize: positiveInt(s.kernelSize ?? 3, `${at}.kernelSize`),
      stride: positiveInt(s.stride ?? 1, `${at}.stride`),
      padding: padding(s.padding ?? 'same', `${at}.padding`),
      activation: activationName(s.activation ?? 'relu', `${at}.activation`),
    };
  }
  if (s.type === 'maxPool' || s.type === 'avgPool') {
    const size = positiveInt(s.size ?? 2, `${at}.size`);
    return {
      type: s.type,
      size,
      stride: positiveInt(s.stride ?? size, `${at}.stride`),
      padding: padding(s.padding ?? 'valid', `${at}.padding`),
    };
  }
  if (s.type === 'flatten') return { type: 'flatten' };
  if (s.type === 'dense') {
    return {
      type: 'dense',
      units: positiveInt(s.units, `${at}.units`),
      activation: activationName(s.activation ?? 'relu', `${at}.activation`),
    };
  }
  throw new ValidationError(
    `${at}.type must be one of conv, maxPool, avgPool, flatten, dense, got ${describeValue(s.type)}`,
    `${at}.type`,
  );
}
