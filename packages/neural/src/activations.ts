/**
 * Activation functions, each with its derivative — course section "Activation Functions other
 * than Step Function": sigmoid, tanh, ReLU, leaky ReLU, maxout and ELU replace the perceptron's
 * step so that a network can be trained by gradient descent (the step's derivative is 0 almost
 * everywhere, so no gradient flows through it).
 *
 * Beyond the course, the activations of today's LLMs: GELU (BERT, GPT-2; exact erf form and the
 * tanh approximation GPT-2 used), SiLU/swish (LLaMA's SwiGLU), softplus and identity; and softmax,
 * the output layer of a multi-class classifier (course: "Multiple neurons … with softmax").
 *
 * Left out: learnable parameters (PReLU's α, maxout's pieces are inputs here, not trained),
 * gated units (GLU/SwiGLU combine two linear maps; they belong with the MLP block), and batched
 * tensors — every function here works on one number or one vector.
 *
 * Conventions at the kinks, as PyTorch's autograd does: ReLU′(0) = 0, leaky ReLU′(0) = α,
 * ELU′(0) = 1, step′(0) = 0 (the true derivative there does not exist — it is a Dirac delta).
 */
import { checkFinite, checkVector, ValidationError } from '@firth/numeric';
import { Chart, PALETTE } from '@firth/plot';
import { step } from './perceptron.js';

/** The names `activation()` accepts (camelCase, like the rest of Firth's options). */
export const ACTIVATION_NAMES = [
  'step',
  'sigmoid',
  'tanh',
  'relu',
  'leakyRelu',
  'elu',
  'identity',
  'softplus',
  'gelu',
  'geluTanh',
  'silu',
] as const;
export type ActivationName = (typeof ACTIVATION_NAMES)[number];

/** Other common spellings (scikit-learn's 'logistic', Keras' 'linear' and 'swish'). */
const ALIASES: Record<string, ActivationName> = { logistic: 'sigmoid', linear: 'identity', swish: 'silu' };

export interface Activation {
  name: ActivationName;
  /** The formula in plain text, as the course writes it. */
  formula: string;
  /** Whether the course's slide lists it (the others are here for the LLM chapters). */
  fromCourse: boolean;
  /** f(x); throws a ValidationError for NaN or ±Infinity. */
  fn(x: number): number;
  /** f′(x), with the conventions above at kinks. */
  derivative(x: number): number;
  /** [inf, sup] of f over all x (±Infinity where unbounded); GELU/SiLU minima are rounded down. */
  range: [number, number];
}

export interface ActivationOptions {
  /**
   * Slope for x < 0 (leaky ReLU) or saturation level −α (ELU).
   * @default 0.1 for leaky ReLU — the course's max(0.1x, x); 1.0 for ELU (Clevert et al. 2015)
   */
  alpha?: number;
}

// ---------------------------------------------------------------------------------------------
// The math, one plain function each (no input checks; the registry adds them)

/** σ(x) = 1 / (1 + e^(−x)), never exponentiating a positive number, so σ(±1000) is 1 or 0, not NaN. */
export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  // σ(x) = e^x / (1 + e^x) for x < 0: same value, e^x underflows to 0 instead of e^(−x) overflowing
  const e = Math.exp(x);
  return e / (1 + e);
}

/**
 * The error function erf(x) = 2/√π ∫₀ˣ e^(−t²) dt, to ~1e-15 (no Math.erf in JavaScript).
 *
 * erf(1) // 0.8427007929497149
 */
export function erf(x: number): number {
  if (Math.abs(x) < 2.5) return erfSeries(x);
  return Math.sign(x) * (1 - erfcContinuedFraction(Math.abs(x)));
}

/** erfc(x) = 1 − erf(x), accurate in the tail where 1 − erf(x) would cancel: erfc(5) ≈ 1.537e-12. */
export function erfc(x: number): number {
  if (x >= 2.5) return erfcContinuedFraction(x);
  if (x <= -2.5) return 2 - erfcContinuedFraction(-x);
  return 1 - erfSeries(x);
}

// erf(x) = 2/√π · e^(−x²) · Σₙ 2ⁿ x^(2n+1) / (1·3·5⋯(2n+1))   (A&S 7.1.6: all terms one sign, no cancellation)
function erfSeries(x: number): number {
  const x2 = x * x;
  let term = x;
  let sum = x;
  for (let n = 1; n < 200 && Math.abs(term) > 1e-17 * Math.abs(sum); n++) {
    term *= (2 * x2) / (2 * n + 1);
    sum += term;
  }
  return (2 / Math.sqrt(Math.PI)) * Math.exp(-x2) * sum;
}

// erfc(x) = e^(−x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + …)))))   for x > 0 (A&S 7.1.14),
// evaluated by the modified Lentz method; converges in < 60 steps for x ≥ 2.5.
function erfcContinuedFraction(x: number): number {
  if (x > 27) return 0; // e^(−x²) underflows
  const tiny = 1e-300;
  let f = x;
  let C = x;
  let D = 0;
  for (let n = 1; n < 500; n++) {
    const a = n / 2;
    D = x + a * D;
    D = D === 0 ? 1 / tiny : 1 / D;
    C = x + a / C;
    if (C === 0) C = tiny;
    const delta = C * D;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-x * x) / (Math.sqrt(Math.PI) * f);
}

// Φ(x) = P(Z ≤ x) = ½·erfc(−x/√2),  φ(x) = e^(−x²/2) / √(2π)   (standard normal CDF and density)
const normalCdf = (x: number) => 0.5 * erfc(-x / Math.SQRT2);
const normalPdf = (x: number) => Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);

// GELU's tanh approximation (Hendrycks & Gimpel 2016; GPT-2): u = √(2/π)·(x + 0.044715·x³)
const GELU_K = Math.sqrt(2 / Math.PI);
const GELU_C = 0.044715;

function checkAlpha(alpha: number, name: string): number {
  checkFinite(alpha, `${name} alpha`);
  if (alpha < 0) throw new ValidationError(`${name} alpha must be ≥ 0, got ${alpha}`, 'alpha');
  return alpha;
}

type Spec = Omit<Activation, 'name'>;

function specs(options: ActivationOptions, name: ActivationName): Spec {
  switch (name) {
    case 'step':
      // f(x) = 1 if x ≥ 0 else 0;  f′(x) = 0 for x ≠ 0, undefined at 0 (returned as 0)
      return {
        formula: '1 if x ≥ 0, 0 if x < 0',
        fromCourse: true,
        fn: step,
        derivative: () => 0,
        range: [0, 1],
      };
    case 'sigmoid':
      return {
        formula: 'σ(x) = 1 / (1 + e^(−x))',
        fromCourse: true,
        fn: sigmoid,
        // σ′(x) = σ(x)·(1 − σ(x))
        derivative: (x) => {
          const s = sigmoid(x);
          return s * (1 - s);
        },
        range: [0, 1],
      };
    case 'tanh':
      return {
        formula: 'tanh(x)',
        fromCourse: true,
        fn: Math.tanh,
        // tanh′(x) = 1 − tanh²(x)
        derivative: (x) => 1 - Math.tanh(x) ** 2,
        range: [-1, 1],
      };
    case 'relu':
      return {
        formula: 'max(0, x)',
        fromCourse: true,
        fn: (x) => Math.max(0, x),
        // ReLU′(x) = 1 if x > 0 else 0 (0 at the kink)
        derivative: (x) => (x > 0 ? 1 : 0),
        range: [0, Number.POSITIVE_INFINITY],
      };
    case 'leakyRelu': {
      const a = checkAlpha(options.alpha ?? 0.1, 'leakyRelu');
      return {
        // max(αx, x) equals the branch form below only for α ≤ 1; the branches are what we compute
        formula: `max(${a}x, x)`,
        fromCourse: true,
        fn: (x) => (x > 0 ? x : a * x),
        // f′(x) = 1 if x > 0 else α (α at the kink)
        derivative: (x) => (x > 0 ? 1 : a),
        range: [a > 0 ? Number.NEGATIVE_INFINITY : 0, Number.POSITIVE_INFINITY],
      };
    }
    case 'elu': {
      const a = checkAlpha(options.alpha ?? 1, 'elu');
      return {
        formula: `x if x ≥ 0, α(e^x − 1) if x < 0 (α = ${a})`,
        fromCourse: true,
        // α·(e^x − 1) via expm1: exact for small |x|
        fn: (x) => (x >= 0 ? x : a * Math.expm1(x)),
        // f′(x) = 1 if x ≥ 0 else α·e^x (= f(x) + α)
        derivative: (x) => (x >= 0 ? 1 : a * Math.exp(x)),
        range: [-a, Number.POSITIVE_INFINITY],
      };
    }
    case 'identity':
      return {
        formula: 'x',
        fromCourse: false,
        fn: (x) => x,
        derivative: () => 1,
        range: [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY],
      };
    case 'softplus':
      return {
        formula: 'ln(1 + e^x)',
        fromCourse: false,
        // ln(1 + e^x) = max(x, 0) + ln(1 + e^(−|x|))   (no overflow for large x, exact for small e^x)
        fn: (x) => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x))),
        // softplus′(x) = σ(x)
        derivative: sigmoid,
        range: [0, Number.POSITIVE_INFINITY],
      };
    case 'gelu':
      return {
        formula: 'x·Φ(x) = x · ½(1 + erf(x / √2))',
        fromCourse: false,
        fn: (x) => x * normalCdf(x),
        // GELU′(x) = Φ(x) + x·φ(x)
        derivative: (x) => normalCdf(x) + x * normalPdf(x),
        range: [-0.16998, Number.POSITIVE_INFINITY], // min −0.169971… at x ≈ −0.7518
      };
    case 'geluTanh':
      return {
        formula: '½x(1 + tanh(√(2/π)(x + 0.044715x³)))',
        fromCourse: false,
        // f(x) = ½·x·(1 + tanh(u)),  u = √(2/π)·(x + 0.044715·x³)
        fn: (x) => 0.5 * x * (1 + Math.tanh(GELU_K * (x + GELU_C * x ** 3))),
        // f′(x) = ½(1 + tanh u) + ½·x·(1 − tanh² u)·√(2/π)·(1 + 3·0.044715·x²)
        derivative: (x) => {
          const t = Math.tanh(GELU_K * (x + GELU_C * x ** 3));
          return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * GELU_K * (1 + 3 * GELU_C * x * x);
        },
        range: [-0.17005, Number.POSITIVE_INFINITY], // min −0.170041… at x ≈ −0.7525
      };
    case 'silu':
      return {
        formula: 'x·σ(x)',
        fromCourse: false,
        fn: (x) => x * sigmoid(x),
        // SiLU′(x) = σ(x)·(1 + x·(1 − σ(x)))
        derivative: (x) => {
          const s = sigmoid(x);
          return s * (1 + x * (1 - s));
        },
        range: [-0.27847, Number.POSITIVE_INFINITY], // min −0.278465… at x ≈ −1.2785
      };
  }
}

/**
 * An activation by name (or alias: 'logistic', 'linear', 'swish'), with α for leaky ReLU / ELU.
 *
 * activation('leakyRelu').fn(-2) // -0.2
 * activation('elu', { alpha: 0.5 }).derivative(-1) // 0.18393972058572117
 * activation('relu6') // throws: unknown activation "relu6"; valid names: step, sigmoid, …
 */
export function activation(name: string, options: ActivationOptions = {}): Activation {
  const key = (ACTIVATION_NAMES as readonly string[]).includes(name)
    ? (name as ActivationName)
    : ALIASES[name];
  if (!key) {
    throw new ValidationError(
      `unknown activation ${JSON.stringify(name)}; valid names: ${ACTIVATION_NAMES.join(', ')} (aliases: ${Object.keys(ALIASES).join(', ')})`,
      'activation',
    );
  }
  const s = specs(options, key);
  return {
    ...s,
    name: key,
    fn: (x) => s.fn(checkFinite(x, `${key}(x): x`)),
    derivative: (x) => s.derivative(checkFinite(x, `${key}′(x): x`)),
  };
}

/** Every activation with its default parameters (leaky ReLU α = 0.1, ELU α = 1). */
export const ACTIVATIONS: Readonly<Record<ActivationName, Activation>> = Object.freeze(
  Object.fromEntries(ACTIVATION_NAMES.map((n) => [n, activation(n)])) as Record<ActivationName, Activation>,
);

/**
 * f applied elementwise (or f′ with `derivative: true`).
 *
 * applyActivation('relu', [-1, 0, 2]) // [0, 0, 2]
 * applyActivation('sigmoid', [0], { derivative: true }) // [0.25]
 */
export function applyActivation(
  name: string,
  xs: number[],
  options: ActivationOptions & { derivative?: boolean } = {},
): number[] {
  const act = activation(name, options);
  const f = options.derivative ? act.derivative : act.fn;
  return checkVector(xs, 'xs').map(f);
}

// ---------------------------------------------------------------------------------------------
// Softmax: a vector in, a probability vector out

/**
 * softmax(x)ᵢ = e^(xᵢ) / Σⱼ e^(xⱼ), computed as e^(xᵢ − max x) / Σⱼ e^(xⱼ − max x): the same value
 * (softmax is shift-invariant) with every exponent ≤ 0, so nothing overflows.
 *
 * softmax([1, 2, 3]) // [0.09003057317038046, 0.24472847105479764, 0.6652409557748219]
 */
export function softmax(xs: number[]): number[] {
  const x = checkVector(xs, 'xs');
  if (x.length === 0) throw new ValidationError('softmax needs at least one value, xs is empty', 'xs');
  const m = Math.max(...x);
  const e = x.map((v) => Math.exp(v - m));
  const sum = e.reduce((a, b) => a + b, 0); // ≥ 1: the max term is e^0
  return e.map((v) => v / sum);
}

/**
 * The Jacobian ∂sᵢ/∂xⱼ = sᵢ·(δᵢⱼ − sⱼ) of s = softmax(x), an (n, n) symmetric matrix
 * = diag(s) − s sᵀ. Rows sum to 0 (the outputs always sum to 1).
 */
export function softmaxJacobian(xs: number[]): number[][] {
  const s = softmax(xs);
  return s.map((si, i) => s.map((sj, j) => si * ((i === j ? 1 : 0) - sj)));
}

/**
 * J·v without forming J: (diag(s) − s sᵀ) v = s ⊙ (v − s·v), O(n) instead of O(n²).
 * J is symmetric, so this is also vᵀJ — the backward pass: ∂L/∂x = softmaxJvp(x, ∂L/∂s).
 */
export function softmaxJvp(xs: number[], v: number[]): number[] {
  const s = softmax(xs);
  const u = checkVector(v, 'v', s.length);
  // s·v = Σᵢ sᵢ vᵢ
  const dot = s.reduce((acc, si, i) => acc + si * u[i]!, 0);
  return s.map((si, i) => si * (u[i]! - dot));
}

// ---------------------------------------------------------------------------------------------
// Maxout: the max of k affine pieces (course: max(w₁ᵀx + b₁, w₂ᵀx + b₂), k = 2)

/** One affine piece wᵀx + b of a maxout unit. */
export interface MaxoutPiece {
  w: number[];
  b: number;
}

export interface MaxoutResult {
  /** max_k (w_kᵀx + b_k) */
  value: number;
  /** Index of the winning piece (the first one on ties, like NumPy's argmax). */
  piece: number;
  /** Every piece's value w_kᵀx + b_k. */
  z: number[];
  /** ∂value/∂x = w_winner */
  dx: number[];
  /** ∂value/∂w_k = x for the winner, zeros for the others. */
  dw: number[][];
  /** ∂value/∂b_k = 1 for the winner, 0 for the others. */
  db: number[];
}

/**
 * A maxout unit (Goodfellow et al. 2013) and its gradients: only the winning piece gets any.
 *
 * maxout([1, 2], [{ w: [1, 0], b: 0 }, { w: [0, 1], b: 0.5 }]).value // 2.5 (piece 1)
 */
export function maxout(x: number[], pieces: MaxoutPiece[]): MaxoutResult {
  const xv = checkVector(x, 'x');
  if (!Array.isArray(pieces) || pieces.length === 0)
    throw new ValidationError('maxout needs at least one piece { w, b }', 'pieces');
  // z_k = w_kᵀx + b_k
  const z = pieces.map((p, k) => {
    const w = checkVector(p?.w, `pieces[${k}].w`, xv.length);
    const b = checkFinite(p.b, `pieces[${k}].b`);
    return w.reduce((acc, wi, i) => acc + wi * xv[i]!, b);
  });
  let piece = 0;
  for (let k = 1; k < z.length; k++) if (z[k]! > z[piece]!) piece = k;
  return {
    value: z[piece]!,
    piece,
    z,
    dx: [...pieces[piece]!.w],
    dw: pieces.map((_, k) => (k === piece ? [...xv] : xv.map(() => 0))),
    db: pieces.map((_, k) => (k === piece ? 1 : 0)),
  };
}

// ---------------------------------------------------------------------------------------------
// Pictures

export interface ActivationPlotOptions extends ActivationOptions {
  /** @default -5 */
  from?: number;
  /** @default 5 */
  to?: number;
  /** Points per curve. @default 201 — a step of 0.05 on [−5, 5], which puts a sample on x = 0 */
  samples?: number;
  /** Also draw each f′ dashed, in the curve's colour. @default false */
  derivative?: boolean;
  title?: string;
  /** @default the data's range with 10% padding */
  yDomain?: [number, number];
  width?: number;
  height?: number;
}

/**
 * The curves of the named activations on one chart (and their derivatives, dashed).
 *
 * activationPlotSvg(['sigmoid', 'tanh', 'relu'], { derivative: true })
 * // '<svg …><polyline … class="line"/>… 6 polylines, legend: sigmoid, sigmoid′, tanh, …</svg>'
 */
export function activationPlotSvg(names: string[], options: ActivationPlotOptions = {}): string {
  const { from = -5, to = 5, samples = 201, derivative = false } = options;
  checkFinite(from, 'from');
  checkFinite(to, 'to');
  if (!(to > from)) throw new ValidationError(`'to' must be greater than 'from', got [${from}, ${to}]`, 'to');
  if (!Number.isInteger(samples) || samples < 2)
    throw new ValidationError(`samples must be an integer ≥ 2, got ${samples}`, 'samples');
  if (!Array.isArray(names) || names.length === 0)
    throw new ValidationError('name at least one activation to plot', 'names');
  const acts = names.map((n) => activation(n, options));
  // x_i = from + i·(to − from)/(samples − 1)
  const xs = Array.from({ length: samples }, (_, i) => from + (i * (to - from)) / (samples - 1));
  const chart = new Chart({
    title: options.title ?? (derivative ? 'Activation functions and derivatives' : 'Activation functions'),
    xLabel: 'x',
    yLabel: derivative ? 'f(x), f′(x) dashed' : 'f(x)',
    xDomain: [from, to],
    // only the sizes given: Chart's defaults must not be overwritten by `undefined`
    ...(options.yDomain && { yDomain: options.yDomain }),
    ...(options.width !== undefined && { width: options.width }),
    ...(options.height !== undefined && { height: options.height }),
  });
  for (const [i, act] of acts.entries()) {
    // explicit colours: chart.color() would also add a point-style legend entry per name
    const color = PALETTE[i % PALETTE.length]!;
    chart.polyline(
      xs.map((x) => ({ x, y: act.fn(x) })),
      { label: act.name, color },
    );
    if (derivative)
      chart.polyline(
        xs.map((x) => ({ x, y: act.derivative(x) })),
        { label: `${act.name}′`, color, dashed: true },
      );
  }
  return chart.toSVG();
}
