/**
 * Convolution and pooling on one 2-D image, in plain JavaScript: the reference that the
 * TensorFlow.js CNN in @firth/deep (cnn.ts) is tested against, and the numbers a lesson shows.
 *
 * Lesson: "Convolutional Neural Networks" (Introduction to Large Language Models). A filter (kernel)
 * slides across the image; at each position the output is the sum of the element-wise products of
 * the kernel and the patch under it — local connectivity and parameter sharing. The course's figure:
 *
 *   conv2d([[3,3,2,1,0],[0,0,1,3,1],[3,1,2,2,3],[2,0,0,2,2],[2,0,0,0,1]], [[0,1,2],[2,2,0],[0,1,2]])
 *   // [[12, 12, 17], [10, 17, 19], [9, 6, 14]]
 *
 * As in every deep-learning library this is cross-correlation (the kernel is not flipped); a
 * mathematician's convolution flips it first, which a learned kernel makes irrelevant.
 * Padding and output sizes follow TensorFlow (`'valid'`, `'same'`, or p zeros on every side), so the
 * results equal `tf.conv2d` / `tf.maxPool` / `tf.avgPool` for one channel.
 *
 * Deliberately left out: channels, batches, dilation and bias (cnn.ts has them), and speed.
 */
import { checkFinite, ValidationError } from '@firth/numeric';
import { heatmapSvg } from '@firth/plot';

/** `'valid'`: no padding; `'same'`: enough zeros that out = ceil(n / stride); a number p: p zeros on every side. */
export type Padding = 'valid' | 'same' | number;

export interface Conv2dOptions {
  /** Step between neighbouring kernel positions. @default 1 — the course's figure */
  stride?: number;
  /** Zeros around the image. @default 'valid' — no padding, the course's figure (5×5 → 3×3) */
  padding?: Padding;
}

export interface Pool2dOptions {
  /** Side of the square pooling window. @default 2 — halves each side, the usual choice */
  size?: number;
  /** Step between windows. @default size — windows do not overlap */
  stride?: number;
  /** As for conv2d; padded cells are ignored (never the max, not counted in the mean), as in TF. @default 'valid' */
  padding?: Padding;
}

/** Output length and zeros before/after along one axis. */
export interface AxisGeometry {
  out: number;
  padBefore: number;
  padAfter: number;
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing (undefined)';
  if (typeof value === 'string') return `the string ${JSON.stringify(value)}`;
  if (typeof value === 'number') return String(value);
  return `a value of type ${typeof value}`;
}

/**
 * Checks a 2-D image (or kernel): a non-empty array of equally long, non-empty rows of finite
 * numbers. Returns it unchanged.
 *
 *   checkImage([1, 2, 3]) // throws: image must be a 2-D array (rows of numbers), got a 1-D array of 3 numbers
 */
export function checkImage(x: unknown, name = 'image'): number[][] {
  const want = `${name} must be a 2-D array (rows of numbers)`;
  if (!Array.isArray(x)) throw new ValidationError(`${want}, got ${describeValue(x)}`, name);
  if (x.length === 0) throw new ValidationError(`${name} is empty: at least one row is needed`, name);
  const width = Array.isArray(x[0]) ? x[0].length : -1;
  for (let i = 0; i < x.length; i++) {
    const row: unknown = x[i];
    const path = `${name}[${i}]`;
    if (typeof row === 'number' && i === 0)
      throw new ValidationError(
        `${want}, got a 1-D array of ${x.length} number${x.length === 1 ? '' : 's'}`,
        name,
      );
    if (!Array.isArray(row))
      throw new ValidationError(`${path} must be a row of numbers, got ${describeValue(row)}`, path);
    if (row.length === 0) throw new ValidationError(`${path} is empty: rows need at least one number`, path);
    if (row.length !== width) {
      throw new ValidationError(
        `${name} is ragged: row ${i} has ${row.length} value${row.length === 1 ? '' : 's'}, row 0 has ${width}`,
        path,
      );
    }
    for (let j = 0; j < row.length; j++) {
      if (Array.isArray(row[j]))
        throw new ValidationError(`${want}, got a 3-D array (${path}[${j}] is an array)`, name);
      checkFinite(row[j], `${path}[${j}]`);
    }
  }
  return x as number[][];
}

function checkPositiveInt(v: unknown, name: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) {
    throw new ValidationError(
      `${name} must be an integer ≥ 1, got ${typeof v === 'number' ? v : describeValue(v)}`,
      name,
    );
  }
  return v;
}

function checkPadding(p: unknown): Padding {
  if (p === 'valid' || p === 'same') return p;
  if (typeof p === 'number' && Number.isInteger(p) && p >= 0) return p;
  const got = typeof p === 'number' ? String(p) : describeValue(p);
  throw new ValidationError(`padding must be 'valid', 'same' or an integer ≥ 0, got ${got}`, 'padding');
}

/**
 * Geometry along one axis of length n for a window k with stride s (TensorFlow's rules):
 *   valid: out = floor((n − k)/s) + 1
 *   p:     out = floor((n + 2p − k)/s) + 1
 *   same:  out = ceil(n/s), total padding max((out − 1)·s + k − n, 0), the odd zero at the end
 *
 *   axisGeometry(5, 3, 2, 'same') // { out: 3, padBefore: 1, padAfter: 1 }
 */
export function axisGeometry(
  n: number,
  k: number,
  stride: number,
  padding: Padding,
  what = 'kernel',
): AxisGeometry {
  if (padding === 'same') {
    const out = Math.ceil(n / stride);
    const total = Math.max((out - 1) * stride + k - n, 0);
    const padBefore = Math.floor(total / 2);
    return { out, padBefore, padAfter: total - padBefore };
  }
  const p = padding === 'valid' ? 0 : padding;
  if (k > n + 2 * p) {
    throw new ValidationError(
      `the ${what} (${k}) is larger than the padded image (${n}${p ? ` + 2·${p} = ${n + 2 * p}` : ''}); use a smaller ${what} or more padding`,
      what,
    );
  }
  return { out: Math.floor((n + 2 * p - k) / stride) + 1, padBefore: p, padAfter: p };
}

/**
 * Slides a window over the image and reduces each patch: the loop conv and pooling share.
 * `reduce` gets the patch's in-image cells (row, col) and the count of padded cells it skipped.
 */
function slide(
  image: number[][],
  kh: number,
  kw: number,
  stride: number,
  padding: Padding,
  what: string,
  reduce: (cells: [number, number][], di: number, dj: number) => number,
): number[][] {
  const H = image.length;
  const W = (image[0] as number[]).length;
  const rows = axisGeometry(H, kh, stride, padding, what);
  const cols = axisGeometry(W, kw, stride, padding, what);
  const out: number[][] = [];
  for (let i = 0; i < rows.out; i++) {
    const row: number[] = [];
    // the window's top-left corner in image coordinates (negative inside the padding)
    const top = i * stride - rows.padBefore;
    for (let j = 0; j < cols.out; j++) {
      const left = j * stride - cols.padBefore;
      const cells: [number, number][] = [];
      for (let a = 0; a < kh; a++) {
        for (let b = 0; b < kw; b++) {
          const r = top + a;
          const c = left + b;
          if (r >= 0 && r < H && c >= 0 && c < W) cells.push([r, c]);
        }
      }
      row.push(reduce(cells, top, left));
    }
    out.push(row);
  }
  return out;
}

/**
 * 2-D cross-correlation of one image with one kernel (what CNN layers call convolution):
 *   out[i][j] = Σ_a Σ_b  x_pad[i·s + a][j·s + b] · K[a][b]      x: (H, W), K: (kh, kw) → (H', W')
 *   H' = floor((H + 2p − kh)/s) + 1   (and likewise W')
 *
 *   conv2d([[1, 2], [3, 4]], [[1]], { padding: 1 }) // [[0,0,0,0],[0,1,2,0],[0,3,4,0],[0,0,0,0]]
 */
export function conv2d(image: number[][], kernel: number[][], options: Conv2dOptions = {}): number[][] {
  checkImage(image, 'image');
  checkImage(kernel, 'kernel');
  const stride = checkPositiveInt(options.stride ?? 1, 'stride');
  const padding = checkPadding(options.padding ?? 'valid');
  const kh = kernel.length;
  const kw = (kernel[0] as number[]).length;
  return slide(image, kh, kw, stride, padding, 'kernel', (cells, top, left) => {
    let sum = 0;
    // padded cells are zeros and add nothing
    for (const [r, c] of cells) sum += (image[r] as number[])[c]! * (kernel[r - top] as number[])[c - left]!;
    return sum;
  });
}

function pool(image: number[][], options: Pool2dOptions, kind: 'max' | 'avg'): number[][] {
  checkImage(image, 'image');
  const size = checkPositiveInt(options.size ?? 2, 'size');
  const stride = checkPositiveInt(options.stride ?? size, 'stride');
  const padding = checkPadding(options.padding ?? 'valid');
  return slide(image, size, size, stride, padding, 'pool size', (cells) => {
    if (cells.length === 0) return 0; // a window wholly in the padding (only with padding ≥ size)
    // max: out = max over the window's image cells;  avg: out = their mean (padding not counted)
    let acc = kind === 'max' ? Number.NEGATIVE_INFINITY : 0;
    for (const [r, c] of cells) {
      const v = (image[r] as number[])[c]!;
      acc = kind === 'max' ? Math.max(acc, v) : acc + v;
    }
    return kind === 'max' ? acc : acc / cells.length;
  });
}

/**
 * Max pooling: the largest value in each size×size window — keeps "is the feature present here".
 *
 *   maxPool2d([[1, 3, 2, 4], [5, 6, 7, 8], [3, 2, 1, 0], [1, 2, 3, 4]]) // [[6, 8], [3, 4]]
 */
export function maxPool2d(image: number[][], options: Pool2dOptions = {}): number[][] {
  return pool(image, options, 'max');
}

/**
 * Average pooling: the mean of each window.
 *
 *   avgPool2d([[1, 3, 2, 4], [5, 6, 7, 8], [3, 2, 1, 0], [1, 2, 3, 4]]) // [[3.75, 5.25], [2, 2]]
 */
export function avgPool2d(image: number[][], options: Pool2dOptions = {}): number[][] {
  return pool(image, options, 'avg');
}

/**
 * Flattens feature maps row by row into one vector — the step before the fully connected layers.
 *
 *   flatten([[1, 2], [3, 4]]) // [1, 2, 3, 4]
 */
export function flatten(maps: number[][] | number[][][]): number[] {
  if (!Array.isArray(maps))
    throw new ValidationError(`maps must be an array, got ${describeValue(maps)}`, 'maps');
  const out: number[] = [];
  const walk = (x: unknown, path: string): void => {
    if (Array.isArray(x)) {
      for (const [i, v] of x.entries()) walk(v, `${path}[${i}]`);
    } else out.push(checkFinite(x, path));
  };
  walk(maps, 'maps');
  return out;
}

export interface FeatureMapSvgOptions {
  title?: string;
  /** Side of one cell in pixels (cells grow to fit the printed values). @default 40 */
  cell?: number;
  /** Print each value in its cell. @default true for maps up to 12×12 */
  showValues?: boolean;
}

/**
 * A feature map (or image, or kernel) as a grey-scale heat map: white = smallest, black = largest;
 * integers print as they are, other values with 2 decimals. @firth/plot's heatmapSvg draws it.
 *
 *   featureMapSvg(conv2d(image, kernel), { title: 'feature map' }) // '<svg …><rect …/>…</svg>'
 */
export function featureMapSvg(map: number[][], options: FeatureMapSvgOptions = {}): string {
  checkImage(map, 'map');
  const cell = checkPositiveInt(options.cell ?? 40, 'cell');
  const H = map.length;
  const W = (map[0] as number[]).length;
  return heatmapSvg(map, {
    ...(options.title !== undefined && { title: options.title }),
    cell,
    colors: 'greys',
    showValues: options.showValues ?? (H <= 12 && W <= 12),
    format: (v) => (Number.isInteger(v) ? String(v) : v.toFixed(2)),
  });
}
