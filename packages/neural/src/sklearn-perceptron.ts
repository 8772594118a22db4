/**
 * scikit-learn's Perceptron — the course's single neuron as `sklearn.linear_model.Perceptron` (1.2.1)
 * trains it, with the same numbers to the last bit for the same data, options and seed.
 *
 * Lesson: "The Perceptron" / "Perceptron in scikit-learn" (Introduction to Large Language Models,
 * part 2): `Perceptron(max_iter=100, eta0=0.1, random_state=42).fit(AND)` -> coef [[0.2, 0.2]],
 * intercept [-0.2]. sklearn's Perceptron is plain SGD (`BaseSGDClassifier`) with
 *
 *   loss(p, y)  = max(0, −y·p)                  (hinge with threshold 0, y ∈ {−1, +1}, p = w·x + b)
 *   dloss/dp    = −y  if y·p <= 0  else 0       (a mistake, or exactly on the boundary)
 *   w <- w − η · dloss · cw · sw · x            (η = eta0, constant; cw class weight, sw sample weight)
 *   b <- b − η · dloss · cw · sw
 *
 * Differences from the course rule (`Perceptron` in perceptron.ts): labels are ±1, a point ON the
 * boundary counts as a mistake, the data is reshuffled every epoch by sklearn's own xorshift RNG,
 * training stops when the epoch's summed loss stops improving by `tol·n`, and more than two classes
 * are handled one-vs-all. What follows mirrors `_stochastic_gradient.py`, the Cython `_plain_sgd`
 * (`_sgd_fast.pyx`), `SequentialDataset.shuffle` (`_seq_dataset.pyx.tp`) and `our_rand_r`
 * (`utils/_random.pxd`), including the order of every random draw.
 *
 * Deliberately left out: sparse input, `average` (not a Perceptron option), `n_jobs`, `verbose`.
 * Early stopping's validation accuracy sums with a plain loop where NumPy sums pairwise; that only
 * matters for non-integer sample weights whose rounding lands exactly on a tie.
 *
 * Plain float64 loops, not @firth/tensor's float64 product (matmulF64, which sums in the same order
 * and so would give the same bits), because it measured slower here (issue 17; Node 24, 2 busy
 * cores, medians): training is online — each update changes w before the next sample's w·x — and
 * one product call per sample cost 0.34 vs 0.02 ms (d = 2) and 1.13 vs 0.21 ms (d = 64) per 2000
 * samples against the inline dot; for decisionFunction the rows arrive as number[][], and packing
 * them for the kernel costs more than the products: 10000 × 64, one class 10.3 ms (pack + kernel +
 * unpack) vs 1.4 ms (loop), ten classes 10.7 vs 6.9 ms; it wins only from ~784 features × 10
 * classes (2000 rows: 9.6 vs 14.4 ms).
 */
import {
  checkLabels,
  checkMatrix,
  checkModelJSON,
  checkRandomState,
  checkVector,
  RandomState,
  type RandomStateLike,
  stratifiedShuffleSplit,
  uniqueLabels,
  ValidationError,
} from '@firth/numeric';

/** A class label: numbers or strings (one kind per model), sorted like `np.unique`. */
export type ClassLabel = number | string;
export type Penalty = 'l2' | 'l1' | 'elasticnet';

export interface SklearnPerceptronOptions {
  /** Regularisation term. @default null — the perceptron has none; 'l2', 'l1', 'elasticnet' as SGDClassifier. */
  penalty?: Penalty | null;
  /** Strength of the penalty (only used with one). @default 0.0001 — sklearn's. */
  alpha?: number;
  /** Elastic-net mix, 0 = L2 … 1 = L1 (only for 'elasticnet'). @default 0.15 — sklearn's. */
  l1Ratio?: number;
  /** Learn the bias b. @default true — false assumes centred data. */
  fitIntercept?: boolean;
  /** Maximum passes over the data (epochs) in `fit`. @default 1000 — sklearn's. */
  maxIter?: number;
  /** Stop when the epoch loss fails to beat the best by tol·n_samples. @default 1e-3; null never stops early. */
  tol?: number | null;
  /** Reshuffle the samples before every epoch. @default true */
  shuffle?: boolean;
  /** Constant learning rate η. @default 1 — sklearn's; for a perceptron from 0 it only scales w and b. */
  eta0?: number;
  /** Seed (or shared `RandomState`) for shuffling and the validation split. @default 0 — Perceptron's own default. */
  randomState?: RandomStateLike;
  /** Hold out a stratified validation set and stop on its accuracy. @default false */
  earlyStopping?: boolean;
  /** Share of samples held out for early stopping, in (0, 1). @default 0.1 */
  validationFraction?: number;
  /** Epochs without improvement before stopping. @default 5 */
  nIterNoChange?: number;
  /** Per-class weights: 'balanced' = n / (k · count), or `{ [String(label)]: weight }`. @default null — all 1. */
  classWeight?: 'balanced' | Record<string, number> | null;
  /** `fit` starts from the previous coef/intercept instead of zeros. @default false */
  warmStart?: boolean;
}

type ResolvedOptions = Required<SklearnPerceptronOptions>;

/** The serialised form of a trained `SklearnPerceptron` (`toJSON` / `fromJSON`). */
export interface SklearnPerceptronJSON {
  type: 'firth.SklearnPerceptron';
  version: 1;
  /** Options; a shared RandomState instance is written as null (it cannot be serialised). */
  options: Omit<ResolvedOptions, 'randomState'> & { randomState: number | null };
  classes: ClassLabel[];
  coef: number[][];
  intercept: number[];
  nIter: number;
  tUpdates: number;
  converged: boolean;
}

/** np.iinfo(np.int32).max: the bound of every seed sklearn draws. */
const MAX_INT = 2147483647;
/** RAND_R_MAX + 1 in `_random.pxd`: our_rand_r returns values below 2^31. */
const RAND_R_MOD = 2147483648;

/**
 * sklearn's `our_rand_r` (utils/_random.pxd): a 32-bit xorshift (Marsaglia 2003, shifts 13/17/5)
 * used instead of C's rand_r so results are the same on every platform. Advances `state[0]`.
 */
export function ourRandR(state: Uint32Array): number {
  let s = state[0]!;
  if (s === 0) s = 1; // 0 is a fixed point of xorshift; sklearn's DEFAULT_SEED
  s = (s ^ (s << 13)) >>> 0;
  s = (s ^ (s >>> 17)) >>> 0;
  s = (s ^ (s << 5)) >>> 0;
  state[0] = s;
  return s % RAND_R_MOD;
}

/**
 * `SequentialDataset.shuffle(seed)`: Fisher–Yates over the index array, front to back. The seed is
 * passed BY VALUE, so every epoch replays the same swaps — applied to the previous epoch's order.
 */
export function shuffleIndex(index: Int32Array, seed: number): void {
  const state = new Uint32Array([seed]);
  const n = index.length;
  for (let i = 0; i < n - 1; i++) {
    // j = i + rand % (n − i)   uniform in [i, n)
    const j = i + (ourRandR(state) % (n - i));
    const tmp = index[i]!;
    index[i] = index[j]!;
    index[j] = tmp;
  }
}

/** One binary problem for `plainSgd`: y in ±1, weights updated in place. */
interface SgdProblem {
  X: number[][];
  y: Float64Array;
  sampleWeight: Float64Array;
  weights: Float64Array;
  intercept: number;
  /** validationMask[i] = 1: sample i is held out (early stopping), never learned from. */
  validationMask: Uint8Array;
  /** Accuracy on the held-out samples for raw weights (sklearn passes w without its wscale). */
  validationScore: ((w: Float64Array, b: number) => number) | null;
  weightPos: number;
  weightNeg: number;
  maxIter: number;
  /** −Infinity when tol is null. */
  tol: number;
  seed: number;
}

/**
 * `_plain_sgd` for loss = Hinge(threshold 0), learning_rate = 'constant', dense X, average = 0.
 * The weight vector is kept as w_true = wscale · w (sklearn's WeightVector), so an L2 shrink is one
 * multiplication of wscale instead of n_features; w is rescaled when wscale < 1e-9 and at the end.
 */
function plainSgd(o: ResolvedOptions, p: SgdProblem): { intercept: number; nIter: number } {
  const { X, y, sampleWeight, weights: w, validationMask } = p;
  const nSamples = X.length;
  const nFeatures = w.length;
  const eta = o.eta0;
  const alpha = o.alpha;
  const l2 = o.penalty === 'l2' || o.penalty === 'elasticnet';
  const l1 = o.penalty === 'l1' || o.penalty === 'elasticnet';
  const l1Ratio = o.penalty === 'l2' ? 0 : o.penalty === 'l1' ? 1 : o.l1Ratio;
  // Truncated-gradient L1 (Tsuruoka et al. 2009): u = total L1 penalty so far, q[j] = applied to w_j.
  const q = l1 ? new Float64Array(nFeatures) : null;
  let u = 0;
  let wscale = 1.0;
  let intercept = p.intercept;
  const resetWscale = () => {
    for (let j = 0; j < nFeatures; j++) w[j] = w[j]! * wscale;
    wscale = 1.0;
  };
  const index = new Int32Array(nSamples).map((_, i) => i);
  let bestLoss = Number.POSITIVE_INFINITY;
  let bestScore = Number.NEGATIVE_INFINITY;
  let noImprovement = 0;
  let nIter = 0;
  for (let epoch = 0; epoch < p.maxIter; epoch++) {
    nIter = epoch + 1;
    let sumloss = 0;
    if (o.shuffle) shuffleIndex(index, p.seed);
    for (let i = 0; i < nSamples; i++) {
      const s = index[i]!;
      if (validationMask[s]) continue; // never learn on the validation set
      const x = X[s]!;
      const yi = y[s]!;
      // p = wscale · (w · x) + b
      let dot = 0.0;
      for (let j = 0; j < nFeatures; j++) dot += w[j]! * x[j]!;
      const pred = dot * wscale + intercept;
      // z = p·y;  loss = 0 − z if z <= 0 else 0;  dloss = −y if z <= 0 else 0
      const z = pred * yi;
      if (!o.earlyStopping) sumloss += z <= 0 ? 0.0 - z : 0.0;
      const dloss = z <= 0 ? -yi : 0.0;
      const classWeight = yi > 0 ? p.weightPos : p.weightNeg;
      // update = −η · dloss · (cw · sw)
      let update = -eta * dloss;
      update *= classWeight * sampleWeight[s]!;
      // L2 shrink, w <- (1 − (1 − l1_ratio)·η·α) · w, clipped at 0 rather than flipping sign
      if (l2) {
        wscale *= Math.max(0, 1.0 - (1.0 - l1Ratio) * eta * alpha);
        if (wscale < 1e-9) resetWscale();
      }
      if (update !== 0.0) {
        // w_true += update · x   stored as w += x · (update / wscale)
        for (let j = 0; j < nFeatures; j++) w[j]! += x[j]! * (update / wscale);
        if (o.fitIntercept) intercept += update * 1.0; // intercept_decay = 1 for dense X
      }
      if (q) {
        u += l1Ratio * eta * alpha;
        for (let j = 0; j < nFeatures; j++) {
          const before = w[j]!;
          // pull w_j toward 0 by what is still owed (u − q_j), never across 0
          if (wscale * before > 0.0) w[j] = Math.max(0.0, w[j]! - (u + q[j]!) / wscale);
          else if (wscale * before < 0.0) w[j] = Math.min(0.0, w[j]! + (u - q[j]!) / wscale);
          q[j]! += wscale * (w[j]! - before);
        }
      }
    }
    if (!Number.isFinite(intercept) || w.some((v) => !Number.isFinite(v))) {
      throw new RangeError(
        `Floating-point under-/overflow occurred at epoch #${epoch + 1}. Scaling the input data might help.`,
      );
    }
    if (p.validationScore) {
      // early stopping: no gain of tol in validation accuracy over the best so far
      const score = p.validationScore(w, intercept);
      if (p.tol > Number.NEGATIVE_INFINITY && score < bestScore + p.tol) noImprovement++;
      else noImprovement = 0;
      if (score > bestScore) bestScore = score;
    } else {
      // sumloss > best_loss − tol·n: this epoch did not beat the best by tol per sample
      if (p.tol > Number.NEGATIVE_INFINITY && sumloss > bestLoss - p.tol * nSamples) noImprovement++;
      else noImprovement = 0;
      if (sumloss < bestLoss) bestLoss = sumloss;
    }
    if (noImprovement >= o.nIterNoChange) break;
  }
  resetWscale();
  return { intercept, nIter };
}

export class SklearnPerceptron {
  readonly options: ResolvedOptions;

  /** Sorted class labels (`classes_`). */
  classes: ClassLabel[] | null = null;
  /** Weights (`coef_`): shape (1, nFeatures) for two classes, else (nClasses, nFeatures) — one-vs-all rows. */
  coef: number[][] | null = null;
  /** Biases b (`intercept_`): length 1 for two classes, else nClasses. */
  intercept: number[] | null = null;
  /** Epochs run by the last fit (`n_iter_`); for one-vs-all the largest over the classes. */
  nIter = 0;
  /** `t_`: 1 + nIter · nSamples, summed over partialFit calls. */
  tUpdates = 0;
  /** False when `fit` ran all maxIter epochs with a tol set (sklearn's ConvergenceWarning). */
  converged = true;

  /**
   * new SklearnPerceptron({ maxIter: 100, eta0: 0.1, randomState: 42 }).fit(AND, [0, 0, 0, 1]).coef
   * // [[0.2, 0.2]]
   */
  constructor(options: SklearnPerceptronOptions = {}) {
    this.options = resolveOptions(options);
  }

  /** Learns coef and intercept from scratch (or from the last fit with `warmStart`). */
  fit(X: unknown, y: unknown, opts: { sampleWeight?: number[] } = {}): this {
    const Xc = checkMatrix(X, 'X');
    const yc = checkLabels(y, Xc.length, 'y');
    const classes = uniqueLabels(yc, 'y');
    const warm = this.options.warmStart && this.coef !== null;
    const coefInit = warm ? this.coef : null;
    const interceptInit = warm ? this.intercept : null;
    this.classes = null;
    this.coef = null;
    this.intercept = null;
    this.tUpdates = 1.0;
    this.partialFitCore(Xc, yc, this.options.maxIter, classes, opts.sampleWeight, coefInit, interceptInit);
    const { tol, maxIter } = this.options;
    this.converged = !(tol !== null && this.nIter === maxIter);
    return this;
  }

  /**
   * One epoch over (X, y), continuing from the current weights. The first call needs `classes`
   * (every label that will ever appear); earlyStopping and 'balanced' weights are not allowed.
   */
  partialFit(X: unknown, y: unknown, opts: { classes?: ClassLabel[]; sampleWeight?: number[] } = {}): this {
    let classes: ClassLabel[];
    if (this.classes === null) {
      if (this.options.earlyStopping)
        throw new ValidationError('earlyStopping must be false with partialFit');
      if (this.options.classWeight === 'balanced') {
        throw new ValidationError(
          "classWeight 'balanced' is not supported by partialFit; pass a record of weights",
        );
      }
      if (opts.classes === undefined) {
        throw new ValidationError('classes must be passed on the first call to partialFit', 'classes');
      }
      classes = uniqueLabels(checkLabels(opts.classes, opts.classes.length, 'classes'), 'classes');
    } else {
      classes = this.classes;
      if (opts.classes !== undefined) {
        const given = uniqueLabels(checkLabels(opts.classes, opts.classes.length, 'classes'), 'classes');
        if (given.length !== classes.length || given.some((c, i) => c !== classes[i])) {
          throw new ValidationError(
            `classes ${given.join(', ')} differ from the first call's ${classes.join(', ')}`,
          );
        }
      }
    }
    const Xc = checkMatrix(X, 'X');
    const yc = checkLabels(y, Xc.length, 'y');
    const unknown = yc.findIndex((label) => !classes.includes(label));
    if (unknown >= 0)
      throw new ValidationError(`y[${unknown}] = ${yc[unknown]} is not one of the classes`, `y[${unknown}]`);
    this.partialFitCore(Xc, yc, 1, classes, opts.sampleWeight, null, null);
    return this;
  }

  /** `_partial_fit`: class weights, parameter memory, then binary or one-vs-all SGD. */
  private partialFitCore(
    X: number[][],
    y: ClassLabel[],
    maxIter: number,
    classes: ClassLabel[],
    sampleWeight: number[] | undefined,
    coefInit: number[][] | null,
    interceptInit: number[] | null,
  ): void {
    const nFeatures = X[0]!.length;
    const nClasses = classes.length;
    if (nClasses < 2) {
      throw new ValidationError(
        `The number of classes has to be greater than one; got ${nClasses} class`,
        'y',
      );
    }
    const sw = Float64Array.from(
      sampleWeight === undefined ? X.map(() => 1) : checkVector(sampleWeight, 'sampleWeight', X.length),
    );
    const classWeight = computeClassWeight(this.options.classWeight, classes, y);
    const rows = nClasses === 2 ? 1 : nClasses;
    if (this.coef === null || coefInit !== null) {
      if (coefInit && (coefInit.length !== rows || coefInit.some((r) => r.length !== nFeatures))) {
        throw new ValidationError(
          `warm start: the previous coef has shape (${coefInit.length}, ${coefInit[0]?.length}), ` +
            `this data needs (${rows}, ${nFeatures})`,
          'coef',
        );
      }
      this.coef = coefInit
        ? coefInit.map((r) => r.slice())
        : Array.from({ length: rows }, () => new Array(nFeatures).fill(0));
      this.intercept = interceptInit ? interceptInit.slice() : new Array(rows).fill(0);
    } else if (this.coef[0]!.length !== nFeatures) {
      throw new ValidationError(
        `X has ${nFeatures} features, but the model was trained on ${this.coef[0]!.length}`,
        'X',
      );
    }
    this.classes = classes;
    if (this.tUpdates === 0) this.tUpdates = 1.0;
    let nIter = 0;
    if (nClasses === 2) {
      // binary: one problem, classes[1] is the positive class
      nIter = this.fitBinary(
        1,
        X,
        y,
        maxIter,
        classWeight[1]!,
        classWeight[0]!,
        sw,
        null,
        this.options.randomState,
      );
    } else {
      // one-vs-all: a shared validation split, then one seed per class drawn up front
      const mask = this.validationSplit(
        y.map((label) => classes.indexOf(label)),
        sw,
      );
      const seeds = checkRandomState(this.options.randomState).randintArray(0, MAX_INT, nClasses);
      for (let i = 0; i < nClasses; i++) {
        nIter = Math.max(nIter, this.fitBinary(i, X, y, maxIter, classWeight[i]!, 1.0, sw, mask, seeds[i]!));
      }
    }
    // t_ += n_iter · n_samples
    this.tUpdates += nIter * X.length;
    this.nIter = nIter;
  }

  /** `fit_binary`: class i against the rest; RNG draws in sklearn's order. Returns n_iter. */
  private fitBinary(
    i: number,
    X: number[][],
    y: ClassLabel[],
    maxIter: number,
    weightPos: number,
    weightNeg: number,
    sw: Float64Array,
    mask: Uint8Array | null,
    randomState: RandomStateLike,
  ): number {
    const classes = this.classes!;
    const row = classes.length === 2 ? 0 : i;
    // y_i = +1 for class i, −1 otherwise
    const yi = Float64Array.from(y, (label) => (label === classes[i] ? 1.0 : -1.0));
    const rng = checkRandomState(randomState);
    rng.randint(1, MAX_INT); // make_dataset's dataset seed (only SAG's random sampling uses it)
    const validationMask =
      mask ??
      this.validationSplit(
        Array.from(yi, (v) => (v > 0 ? 1 : 0)),
        sw,
      );
    const seed = rng.randint(MAX_INT); // the shuffling seed
    const weights = Float64Array.from(this.coef![row]!);
    const validationScore = this.options.earlyStopping ? accuracyOn(X, yi, sw, validationMask) : null;
    const out = plainSgd(this.options, {
      X,
      y: yi,
      sampleWeight: sw,
      weights,
      intercept: this.intercept![row]!,
      validationMask,
      validationScore,
      weightPos,
      weightNeg,
      maxIter,
      tol: this.options.tol ?? Number.NEGATIVE_INFINITY,
      seed,
    });
    this.coef![row] = Array.from(weights);
    this.intercept![row] = out.intercept;
    return out.nIter;
  }

  /**
   * `_make_validation_split` = StratifiedShuffleSplit(test_size=validationFraction,
   * random_state=randomState): per class, a random share of rows is held out. `yIndex` holds each
   * row's class index; returns mask[i] = 1 for held-out rows (all 0 without early stopping).
   */
  private validationSplit(yIndex: number[], sw: Float64Array): Uint8Array {
    const n = yIndex.length;
    const mask = new Uint8Array(n);
    if (!this.options.earlyStopping) return mask;
    const nTest = Math.ceil(this.options.validationFraction * n);
    const rng = checkRandomState(this.options.randomState);
    let test: number[];
    try {
      ({ test } = stratifiedShuffleSplit(yIndex, nTest, rng, 'validationFraction'));
    } catch (error) {
      throw error instanceof ValidationError
        ? new ValidationError(`early stopping: ${error.message}`, 'validationFraction')
        : error;
    }
    const fail = (msg: string) => new ValidationError(`early stopping: ${msg}`, 'validationFraction');
    if (!test.some((idx) => sw[idx]! > 0)) {
      throw fail('the sample weights of the validation set are all zero; try another randomState');
    }
    for (const idx of test) mask[idx] = 1;
    return mask;
  }

  private fitted(): { classes: ClassLabel[]; coef: number[][]; intercept: number[] } {
    if (!this.classes || !this.coef || !this.intercept) {
      throw new ValidationError('this SklearnPerceptron is not fitted yet; call fit() first', 'model');
    }
    return { classes: this.classes, coef: this.coef, intercept: this.intercept };
  }

  /**
   * Signed distance-like score w·x + b: number[] for two classes (> 0 means classes[1]),
   * number[][] (one column per class) otherwise.
   */
  decisionFunction(X: unknown): number[] | number[][] {
    const { coef, intercept } = this.fitted();
    const Xc = checkMatrix(X, 'X', { nFeatures: coef[0]!.length });
    // scores = X · coefᵀ + intercept   (n, d) @ (d, k) -> (n, k)
    const scores = Xc.map((x) =>
      coef.map((w, k) => w.reduce((s, wj, j) => s + wj * x[j]!, 0) + intercept[k]!),
    );
    return coef.length === 1 ? scores.map((r) => r[0]!) : scores;
  }

  /** Binary: classes[1] where w·x + b > 0; one-vs-all: the class with the largest score (first on ties). */
  predict(X: unknown): ClassLabel[] {
    const { classes } = this.fitted();
    const scores = this.decisionFunction(X);
    return scores.map((s) => {
      if (typeof s === 'number') return classes[s > 0 ? 1 : 0]!;
      let best = 0;
      for (let k = 1; k < s.length; k++) if (s[k]! > s[best]!) best = k;
      return classes[best]!;
    });
  }

  /** Mean accuracy of `predict(X)` against y (weighted by sampleWeight when given). */
  score(X: unknown, y: unknown, sampleWeight?: number[]): number {
    const predicted = this.predict(X);
    const yc = checkLabels(y, predicted.length, 'y');
    const sw = sampleWeight === undefined ? null : checkVector(sampleWeight, 'sampleWeight', yc.length);
    let hit = 0;
    let total = 0;
    yc.forEach((label, i) => {
      const wi = sw ? sw[i]! : 1;
      total += wi;
      if (label === predicted[i]) hit += wi;
    });
    return hit / total;
  }

  toJSON(): SklearnPerceptronJSON {
    const { classes, coef, intercept } = this.fitted();
    const rs = this.options.randomState;
    return {
      type: 'firth.SklearnPerceptron',
      version: 1,
      options: { ...this.options, randomState: typeof rs === 'number' ? rs : null },
      classes: classes.slice(),
      coef: coef.map((r) => r.slice()),
      intercept: intercept.slice(),
      nIter: this.nIter,
      tUpdates: this.tUpdates,
      converged: this.converged,
    };
  }

  /** Rebuilds a trained model from `toJSON()` output (object or JSON string), checking every field. */
  static fromJSON(json: unknown): SklearnPerceptron {
    const j = checkModelJSON<SklearnPerceptronJSON>(json, 'firth.SklearnPerceptron');
    if (j.version !== 1)
      throw new ValidationError(`model.version must be 1, got ${JSON.stringify(j.version)}`, 'model.version');
    if (typeof j.options !== 'object' || j.options === null || Array.isArray(j.options)) {
      throw new ValidationError('model.options must be an object', 'model.options');
    }
    const model = new SklearnPerceptron(j.options);
    if (!Array.isArray(j.classes))
      throw new ValidationError('model.classes must be an array of labels', 'model.classes');
    const classes = checkLabels(j.classes, j.classes.length, 'model.classes');
    const sorted = uniqueLabels(classes, 'model.classes');
    if (classes.length < 2 || sorted.length !== classes.length || sorted.some((c, i) => c !== classes[i])) {
      throw new ValidationError(
        'model.classes must hold at least 2 distinct labels, sorted',
        'model.classes',
      );
    }
    const rows = classes.length === 2 ? 1 : classes.length;
    if (!Array.isArray(j.coef) || j.coef.length !== rows) {
      throw new ValidationError(
        `model.coef must have ${rows} row${rows === 1 ? '' : 's'} for ${classes.length} classes`,
        'model.coef',
      );
    }
    const coef = checkMatrix(j.coef, 'model.coef');
    const intercept = checkVector(j.intercept, 'model.intercept', rows);
    for (const field of ['nIter', 'tUpdates'] as const) {
      const v = j[field];
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) {
        throw new ValidationError(
          `model.${field} must be a non-negative integer, got ${JSON.stringify(v)}`,
          `model.${field}`,
        );
      }
    }
    if (typeof j.converged !== 'boolean')
      throw new ValidationError('model.converged must be a boolean', 'model.converged');
    model.classes = classes;
    model.coef = coef;
    model.intercept = intercept;
    model.nIter = j.nIter!;
    model.tUpdates = j.tUpdates!;
    model.converged = j.converged;
    return model;
  }
}

/** Validation accuracy of the ±1 problem on held-out rows: Σ sw·[pred = y] / Σ sw. */
function accuracyOn(X: number[][], y: Float64Array, sw: Float64Array, mask: Uint8Array) {
  return (w: Float64Array, b: number): number => {
    let hit = 0;
    let total = 0;
    for (let i = 0; i < X.length; i++) {
      if (!mask[i]) continue;
      const x = X[i]!;
      let s = 0;
      for (let j = 0; j < w.length; j++) s += x[j]! * w[j]!;
      const pred = s + b > 0 ? 1 : -1;
      total += sw[i]!;
      if (pred === y[i]) hit += sw[i]!;
    }
    return hit / total;
  };
}

/** `compute_class_weight`: 'balanced' = n / (n_classes · count(c)); a record sets some, the rest stay 1. */
function computeClassWeight(
  cw: ResolvedOptions['classWeight'],
  classes: ClassLabel[],
  y: ClassLabel[],
): number[] {
  if (cw === null) return classes.map(() => 1.0);
  if (cw === 'balanced') {
    const present = uniqueLabels(y, 'y');
    const counts = new Map<ClassLabel, number>();
    for (const label of y) counts.set(label, (counts.get(label) ?? 0) + 1);
    const missing = classes.find((c) => !counts.has(c));
    if (missing !== undefined)
      throw new ValidationError(`classWeight 'balanced': class ${missing} does not occur in y`, 'y');
    return classes.map((c) => y.length / (present.length * counts.get(c)!));
  }
  const unweighted = classes.filter((c) => !(String(c) in cw));
  if (unweighted.length > 0 && classes.length - unweighted.length !== Object.keys(cw).length) {
    throw new ValidationError(
      `classWeight: the classes ${unweighted.join(', ')} are not in classWeight`,
      'classWeight',
    );
  }
  return classes.map((c) => (String(c) in cw ? cw[String(c)]! : 1.0));
}

function resolveOptions(options: SklearnPerceptronOptions): ResolvedOptions {
  const o: ResolvedOptions = {
    penalty: options.penalty ?? null,
    alpha: options.alpha ?? 0.0001,
    l1Ratio: options.l1Ratio ?? 0.15,
    fitIntercept: options.fitIntercept ?? true,
    maxIter: options.maxIter ?? 1000,
    tol: options.tol === undefined ? 1e-3 : options.tol,
    shuffle: options.shuffle ?? true,
    eta0: options.eta0 ?? 1.0,
    randomState: options.randomState === undefined ? 0 : options.randomState,
    earlyStopping: options.earlyStopping ?? false,
    validationFraction: options.validationFraction ?? 0.1,
    nIterNoChange: options.nIterNoChange ?? 5,
    classWeight: options.classWeight ?? null,
    warmStart: options.warmStart ?? false,
  };
  const bad = (field: string, want: string, got: unknown) =>
    new ValidationError(`${field} must be ${want}, got ${JSON.stringify(got) ?? String(got)}`, field);
  const num = (v: unknown) => typeof v === 'number' && Number.isFinite(v);
  if (o.penalty !== null && !['l2', 'l1', 'elasticnet'].includes(o.penalty)) {
    throw bad('penalty', "null, 'l2', 'l1' or 'elasticnet'", o.penalty);
  }
  if (!num(o.alpha) || o.alpha < 0) throw bad('alpha', 'a number >= 0', o.alpha);
  if (!num(o.l1Ratio) || o.l1Ratio < 0 || o.l1Ratio > 1)
    throw bad('l1Ratio', 'a number in [0, 1]', o.l1Ratio);
  if (!num(o.eta0) || o.eta0 <= 0) throw bad('eta0', 'a number > 0', o.eta0);
  if (o.tol !== null && (!num(o.tol) || o.tol < 0)) throw bad('tol', 'a number >= 0 or null', o.tol);
  if (!Number.isInteger(o.maxIter) || o.maxIter < 1) throw bad('maxIter', 'an integer >= 1', o.maxIter);
  if (!Number.isInteger(o.nIterNoChange) || o.nIterNoChange < 1)
    throw bad('nIterNoChange', 'an integer >= 1', o.nIterNoChange);
  if (!num(o.validationFraction) || o.validationFraction <= 0 || o.validationFraction >= 1) {
    throw bad('validationFraction', 'a number in (0, 1)', o.validationFraction);
  }
  for (const field of ['fitIntercept', 'shuffle', 'earlyStopping', 'warmStart'] as const) {
    if (typeof o[field] !== 'boolean') throw bad(field, 'a boolean', o[field]);
  }
  const rs = o.randomState;
  if (
    rs !== null &&
    !(rs instanceof RandomState) &&
    !(typeof rs === 'number' && Number.isInteger(rs) && rs >= 0 && rs < 2 ** 32)
  ) {
    throw bad('randomState', 'an integer in [0, 2**32), a RandomState or null', rs);
  }
  const cw = o.classWeight;
  if (cw !== null && cw !== 'balanced') {
    if (typeof cw !== 'object' || Array.isArray(cw))
      throw bad('classWeight', "null, 'balanced' or a record", cw);
    for (const [k, v] of Object.entries(cw)) if (!num(v)) throw bad(`classWeight.${k}`, 'a finite number', v);
  }
  return o;
}
