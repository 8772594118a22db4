/**
 * Small two-feature data sets for watching a classifier learn (TensorFlow Playground's idea): the
 * course's logic gates, two concentric circles and two interleaved spirals, seeded.
 *
 * Lesson: "The Perceptron" (the AND gate it can learn) and "Multi-layer perceptrons" (XOR, which
 * it cannot: Minsky and Papert, 1969); circles and spirals are the next steps up — not separable
 * by any line, they need hidden units, and spirals need several.
 *
 * `makeCircles` is scikit-learn 1.2.1's `sklearn.datasets.make_circles`, draw for draw on NumPy's
 * RandomState (toy-datasets.test.ts compares it with fixtures/sklearn-circles.json: the same
 * shuffle and noise, coordinates within 4.4e-16 — NumPy's vectorised cos/sin round differently).
 * scikit-learn has no spirals; `makeSpirals` is TensorFlow Playground's `classifySpiralData`
 * (its formula below), scaled to radius 1 and seeded.
 */
import { checkRandomState, type RandomStateLike, ValidationError } from '@firth/numeric';

/** Rows of two features and a 0/1 label per row. */
export interface Dataset2D {
  X: number[][];
  y: number[];
}

/** The course's logic gates: the four corners of the unit square and the gate's truth table. */
export type LogicGateName = 'and' | 'or' | 'xor';

const TRUTH: Record<LogicGateName, (a: number, b: number) => number> = {
  and: (a, b) => a & b,
  or: (a, b) => a | b,
  xor: (a, b) => a ^ b,
};

/**
 * The truth table of a logic gate as a data set, in the course's order (00, 01, 10, 11).
 *
 * logicGate('and') // { X: [[0, 0], [0, 1], [1, 0], [1, 1]], y: [0, 0, 0, 1] }
 * logicGate('xor').y // [0, 1, 1, 0]
 */
export function logicGate(name: LogicGateName): Dataset2D {
  const f = TRUTH[name];
  if (!f) throw new ValidationError(`unknown logic gate "${String(name)}" (known: and, or, xor)`, 'name');
  const X = [
    [0, 0],
    [0, 1],
    [1, 0],
    [1, 1],
  ];
  return { X, y: X.map(([a, b]) => f(a!, b!)) };
}

export interface CirclesOptions {
  /** Points in all; the outer circle gets ⌊n/2⌋. @default 100 — scikit-learn's */
  nSamples?: number;
  /** Shuffle the rows. @default true — scikit-learn's */
  shuffle?: boolean;
  /** Standard deviation of Gaussian noise added to each coordinate. @default 0 (none) — scikit-learn's None */
  noise?: number;
  /** Radius of the inner circle, the outer's being 1, in [0, 1). @default 0.8 — scikit-learn's */
  factor?: number;
  /** Seed or RandomState for the shuffle and the noise. @default null (unseeded) */
  randomState?: RandomStateLike;
}

/**
 * A large circle (label 0) around a small one (label 1): scikit-learn's `make_circles`.
 *
 *   outer: (cos θ_i, sin θ_i),                θ_i = 2π·i / n_out, i < n_out = ⌊n/2⌋
 *   inner: factor·(cos θ_j, sin θ_j),         θ_j = 2π·j / n_in,  j < n_in = n − n_out
 *   rows shuffled (sklearn.utils.shuffle: a permutation of arange(n)), then
 *   X += normal(0, noise, (n, 2))             (row-major draws)
 *
 * makeCircles({ nSamples: 4, shuffle: false }).X // [[1, 0], [-1, 1.2246e-16], [0.8, 0], [-0.8, 9.797e-17]]
 */
export function makeCircles(options: CirclesOptions = {}): Dataset2D {
  const n = options.nSamples ?? 100;
  if (!Number.isInteger(n) || n < 2)
    throw new ValidationError(`nSamples must be an integer >= 2, got ${n}`, 'nSamples');
  const factor = options.factor ?? 0.8;
  if (!(factor >= 0 && factor < 1))
    throw new ValidationError(`factor must be in [0, 1), got ${factor}`, 'factor');
  const noise = checkNoise(options.noise);
  const rng = checkRandomState(options.randomState ?? null);
  const nOut = Math.floor(n / 2);
  const nIn = n - nOut;
  // np.linspace(0, 2π, m, endpoint=False): arange(m) · (2π / m)
  const circle = (m: number, r: number) =>
    Array.from({ length: m }, (_, i) => {
      const t = i * ((2 * Math.PI) / m);
      return r === 1 ? [Math.cos(t), Math.sin(t)] : [Math.cos(t) * r, Math.sin(t) * r];
    });
  let X = [...circle(nOut, 1), ...circle(nIn, factor)];
  let y = [...new Array<number>(nOut).fill(0), ...new Array<number>(nIn).fill(1)];
  if (options.shuffle ?? true) {
    // sklearn.utils.shuffle → resample(replace=False): idx = arange(n); rng.shuffle(idx)
    const idx = Array.from({ length: n }, (_, i) => i);
    rng.shuffle(idx);
    X = idx.map((i) => X[i]!);
    y = idx.map((i) => y[i]!);
  }
  if (noise > 0) {
    // X += generator.normal(scale=noise, size=X.shape)
    const e = rng.normalArray(0, noise, 2 * n);
    X = X.map(([a, b], i) => [a! + e[2 * i]!, b! + e[2 * i + 1]!]);
  }
  return { X, y };
}

export interface SpiralsOptions {
  /** Points in all; the first spiral (label 0) gets ⌊n/2⌋. @default 200 */
  nSamples?: number;
  /** Each coordinate moves by a uniform draw in [−noise, noise). @default 0 */
  noise?: number;
  /** Seed or RandomState for the noise. @default null (unseeded) */
  randomState?: RandomStateLike;
}

/**
 * Two spirals winding out of the origin, half a turn apart: TensorFlow Playground's
 * `classifySpiralData` on radius 1 instead of 5. For point i of a spiral of m points:
 *
 *   r = i / m,   t = 1.75 · 2π · i / m + Δ       (Δ = 0 for label 0, π for label 1)
 *   x = r·sin t + U(−1, 1)·noise,   y = r·cos t + U(−1, 1)·noise   (x's draw, then y's)
 *
 * Rows come spiral by spiral (label 0 first), not shuffled: the MLP shuffles every epoch.
 *
 * makeSpirals({ nSamples: 4 }).X // [[0, 0], [-0.35355, 0.35355], [0, 0], [0.35355, -0.35355]] (rounded)
 */
export function makeSpirals(options: SpiralsOptions = {}): Dataset2D {
  const n = options.nSamples ?? 200;
  if (!Number.isInteger(n) || n < 2)
    throw new ValidationError(`nSamples must be an integer >= 2, got ${n}`, 'nSamples');
  const noise = checkNoise(options.noise);
  const rng = checkRandomState(options.randomState ?? null);
  const X: number[][] = [];
  const y: number[] = [];
  for (const [label, m, delta] of [
    [0, Math.floor(n / 2), 0],
    [1, n - Math.floor(n / 2), Math.PI],
  ] as const) {
    for (let i = 0; i < m; i++) {
      const r = i / m;
      const t = ((1.75 * i) / m) * 2 * Math.PI + delta;
      // drawn even when noise is 0: a seed consumes the same stream whatever the noise
      const dx = rng.uniform(-1, 1) * noise;
      const dy = rng.uniform(-1, 1) * noise;
      X.push([r * Math.sin(t) + dx, r * Math.cos(t) + dy]);
      y.push(label);
    }
  }
  return { X, y };
}

function checkNoise(noise: number | undefined): number {
  const v = noise ?? 0;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0)
    throw new ValidationError(`noise must be a number >= 0, got ${String(v)}`, 'noise');
  return v;
}
