/**
 * The multi-layer perceptron as scikit-learn 1.2.1 trains it — `MLPClassifier` and `MLPRegressor`
 * (`neural_network/_multilayer_perceptron.py`) — with the same weights for the same data, options
 * and seed (float64; agreement to ~1e-9 or better, see mlp.test.ts: BLAS sums in another order).
 *
 * Lesson: "Multi-layer perceptrons" / "XOR" (Introduction to Large Language Models, part 2):
 * `MLPClassifier(hidden_layer_sizes=(2,), activation='tanh', solver='adam', learning_rate_init=0.01,
 * max_iter=10000, random_state=42).fit(XOR)` learns XOR in 617 epochs, loss 0.0279.
 *
 * The network, for layers l = 0 … L−1 (coefs[l]: (fanIn, fanOut), intercepts[l]: (fanOut)):
 *   A_0 = X,  A_{l+1} = f(A_l · W_l + b_l)           f = activation, the output layer uses
 *   identity (regression), logistic (binary / one column) or softmax (multiclass).
 *   loss = L(Y, A_L) + α/2 · Σ‖W_l‖² / n               (per mini-batch of n rows)
 * Backpropagation (`_backprop`): δ_{L−1} = A_L − Y (for each output/loss pair above),
 *   ∂loss/∂W_l = (A_lᵀ δ_l + α W_l) / n,  ∂loss/∂b_l = mean_rows(δ_l),  δ_{l−1} = (δ_l W_lᵀ) ⊙ f'(A_l).
 * Weights start uniform in ±sqrt(6 / (fanIn + fanOut)) (Glorot; factor 2 for logistic), drawn
 * from NumPy's RandomState in sklearn's order; every epoch reshuffles the rows, cuts them into
 * mini-batches and steps the optimizer (optimizers.ts) once per batch.
 *
 * Deliberately left out: the 'lbfgs' solver (throws), sparse input, multilabel targets, float32,
 * `verbose`, `max_fun`. `toJSON` keeps the weights but not the optimizer's moments: `partialFit`
 * after `fromJSON` starts a fresh optimizer (sklearn keeps it in a pickle).
 */
import {
  checkLabels,
  checkMatrix,
  checkModelJSON,
  checkRandomState,
  type RandomState,
  stratifiedShuffleSplit,
  uniqueLabels,
  ValidationError,
} from '@firth/numeric';
import { matmulF64, matmulF64NT, matmulF64TN } from '@firth/tensor';
import { binaryLogLoss, logLoss, pairwiseSum, r2Score, squaredLoss } from './losses.js';
import { activate, derivative, WasmTrainer } from './mlp-kernels.js';
import {
  type MLPLabel,
  type MLPOptions,
  type MLPOutActivation,
  type Resolved,
  resolveOptions,
} from './mlp-options.js';
import { AdamOptimizer, type Optimizer, SGDOptimizer } from './optimizers.js';
import type { ProgressCallback } from './progress.js';

/** Per-call options of `fit` / `partialFit`. */
export interface FitOptions {
  /** Called after every mini-batch (`step`), epoch and at the end, with the running loss. */
  onProgress?: ProgressCallback;
}

export type { MLPActivation, MLPLabel, MLPOptions, MLPOutActivation } from './mlp-options.js';

export interface MLPJSON {
  type: 'firth.MLPClassifier' | 'firth.MLPRegressor';
  version: 1;
  options: Omit<Resolved, 'randomState'> & { randomState: number | null };
  classes: MLPLabel[] | null;
  coefs: number[][][];
  intercepts: number[][];
  nIter: number;
  t: number;
  loss: number;
  lossCurve: number[];
  bestLoss: number | null;
  validationScores: number[] | null;
  nOutputs: number;
  outActivation: MLPOutActivation;
}

/** The classes of y in np.unique order; numeric labels must be integers (else it is regression). */
function classLabels(y: readonly MLPLabel[], name: string): MLPLabel[] {
  const labels = uniqueLabels(y, name);
  const bad = y.findIndex((v) => typeof v === 'number' && !Number.isInteger(v));
  if (bad >= 0) {
    throw new ValidationError(
      `${name}[${bad}] = ${y[bad]} is not a class label (continuous values: use MLPRegressor)`,
      name,
    );
  }
  return labels;
}

/** The shared machinery of sklearn's `BaseMultilayerPerceptron`. */
abstract class BaseMLP {
  readonly options: Resolved;
  /** Weights W_l, `coefs_[l]`, row-major (fanIn · fanOut). */
  protected W: Float64Array[] | null = null;
  /** Biases b_l, `intercepts_[l]`. */
  protected b: Float64Array[] | null = null;
  /** Layer widths [nFeatures, ...hiddenLayerSizes, nOutputs]. */
  protected units: number[] = [];
  /** Epochs run (`n_iter_`); with warmStart / partialFit it keeps counting. */
  nIter = 0;
  /** The current fit's progress listener (not part of the model's state). */
  protected progress: ProgressCallback | undefined;
  /** Samples seen by the optimizer (`t_`). */
  t = 0;
  /** Training loss of the last epoch (`loss_`). */
  loss = Number.NaN;
  /** Loss after every epoch (`loss_curve_`). */
  lossCurve: number[] = [];
  /** Lowest loss so far (`best_loss_`); null with early stopping. */
  bestLoss: number | null = null;
  /** Held-out score after every epoch with early stopping (`validation_scores_`), else null. */
  validationScores: number[] | null = null;
  bestValidationScore: number | null = null;
  /** Output columns (`n_outputs_`). */
  nOutputs = 0;
  /** Output layer activation (`out_activation_`). */
  outActivation: MLPOutActivation = 'identity';
  protected optimizer: Optimizer | null = null;
  private noImprovementCount = 0;
  protected abstract readonly lossName: 'log_loss' | 'squared_error';

  constructor(options: MLPOptions = {}) {
    this.options = resolveOptions(options);
  }

  /** coefs_[l]: (fanIn, fanOut) for each layer. */
  get coefs(): number[][][] | null {
    return this.W?.map((w, l) => rows(w, this.units[l]!, this.units[l + 1]!)) ?? null;
  }
  /** intercepts_[l]: (fanOut). */
  get intercepts(): number[][] | null {
    return this.b?.map((b) => Array.from(b)) ?? null;
  }

  /** The targets as the network's (n, nOutputs) matrix; classes set up on a first pass. */
  protected abstract encode(y: unknown, n: number, incremental: boolean, firstPass: boolean): Float64Array;
  /** Validation score on held-out rows (`_score`): accuracy or R². */
  protected abstract validationScore(X: Float64Array, n: number, Y: Float64Array): number;
  protected abstract outActivationFor(): MLPOutActivation;

  /** `_fit`: validate, (re)initialise on a first pass, then SGD/Adam epochs. */
  protected fitCore(X: unknown, y: unknown, incremental: boolean): this {
    const o = this.options;
    if (o.solver === 'lbfgs')
      throw new ValidationError("solver 'lbfgs' is not supported; use 'adam' or 'sgd'", 'solver');
    const firstPass = this.W === null || (!o.warmStart && !incremental);
    const Xc = checkMatrix(X, 'X', firstPass ? {} : { nFeatures: this.units[0] });
    const n = Xc.length;
    const Y = this.encode(y, n, incremental, firstPass);
    const nOut = Y.length / n;
    if (!firstPass && nOut !== this.nOutputs) {
      throw new ValidationError(`y has ${nOut} outputs, but the model was trained on ${this.nOutputs}`, 'y');
    }
    this.nOutputs = nOut;
    const rng = checkRandomState(o.randomState);
    if (firstPass) this.initialize(Xc[0]!.length, rng);
    this.fitStochastic(flatten(Xc), n, Y, rng, incremental);
    if (![...this.W!, ...this.b!].every((p) => p.every(Number.isFinite))) {
      throw new RangeError(
        'Solver produced non-finite parameter weights. The input data may contain large values and need to be preprocessed.',
      );
    }
    return this;
  }

  /** `_initialize` + `_init_coef`: W_l, b_l ~ U(−bound, bound), bound = sqrt(factor / (fanIn + fanOut)). */
  private initialize(nFeatures: number, rng: RandomState): void {
    const o = this.options;
    this.units = [nFeatures, ...o.hiddenLayerSizes, this.nOutputs];
    this.nIter = 0;
    this.t = 0;
    this.outActivation = this.outActivationFor();
    this.W = [];
    this.b = [];
    const factor = o.activation === 'logistic' ? 2.0 : 6.0;
    for (let l = 0; l + 1 < this.units.length; l++) {
      const [fanIn, fanOut] = [this.units[l]!, this.units[l + 1]!];
      const bound = Math.sqrt(factor / (fanIn + fanOut));
      this.W.push(Float64Array.from(rng.uniformArray(-bound, bound, fanIn * fanOut)));
      this.b.push(Float64Array.from(rng.uniformArray(-bound, bound, fanOut)));
    }
    this.lossCurve = [];
    this.noImprovementCount = 0;
    this.bestLoss = o.earlyStopping ? null : Number.POSITIVE_INFINITY;
    this.validationScores = o.earlyStopping ? [] : null;
    this.bestValidationScore = o.earlyStopping ? Number.NEGATIVE_INFINITY : null;
  }

  /** Output activations of every layer for a batch: acts[0] = X, acts[l+1] = f(acts[l] W_l + b_l). */
  protected forward(X: Float64Array, n: number): Float64Array[] {
    const acts = [X];
    const L = this.W!.length;
    for (let l = 0; l < L; l++) {
      const [fanIn, fanOut] = [this.units[l]!, this.units[l + 1]!];
      const A = acts[l]!;
      const W = this.W![l]!;
      const b = this.b![l]!;
      // Z = A W + b   (n, fanIn) @ (fanIn, fanOut) + (fanOut) -> (n, fanOut)
      const Z = matmulF64(A, W, n, fanIn, fanOut);
      for (let i = 0; i < n * fanOut; i += fanOut) for (let j = 0; j < fanOut; j++) Z[i + j]! += b[j]!;
      activate(l + 1 === L ? this.outActivation : this.options.activation, Z, fanOut);
      acts.push(Z);
    }
    return acts;
  }

  /** `_backprop`: loss of one batch and the gradients ∂loss/∂W_l, ∂loss/∂b_l (fresh arrays). */
  private backprop(X: Float64Array, n: number, Y: Float64Array): { loss: number; grads: Float64Array[] } {
    const { alpha, activation } = this.options;
    const W = this.W!;
    const L = W.length;
    const acts = this.forward(X, n);
    const out = acts[L]!;
    let loss: number;
    if (this.lossName === 'squared_error') loss = squaredLoss(Y, out);
    else if (this.outActivation === 'logistic') loss = binaryLogLoss(Y, out, n);
    else loss = logLoss(Y, out, n);
    // loss += α/2 · Σ_l ‖W_l‖² / n
    let values = 0;
    for (const w of W) {
      let s = 0.0;
      for (let i = 0; i < w.length; i++) s += w[i]! * w[i]!;
      values += s;
    }
    loss += (0.5 * alpha * values) / n;
    const coefGrads: Float64Array[] = new Array(L);
    const interceptGrads: Float64Array[] = new Array(L);
    // δ_{L−1} = A_L − Y   (n, nOutputs)
    let delta: Float64Array = out.map((a, i) => a - Y[i]!);
    for (let l = L - 1; l >= 0; l--) {
      const [fanIn, fanOut] = [this.units[l]!, this.units[l + 1]!];
      const A = acts[l]!;
      // ∂W_l = (A_lᵀ δ_l + α W_l) / n   (fanIn, n) @ (n, fanOut) -> (fanIn, fanOut)
      const gW = matmulF64TN(A, delta, n, fanIn, fanOut);
      const Wl = W[l]!;
      for (let i = 0; i < gW.length; i++) gW[i] = (gW[i]! + alpha * Wl[i]!) / n;
      // ∂b_l = mean over rows of δ_l   (fanOut); NumPy sums a single column pairwise
      const gb = new Float64Array(fanOut);
      if (fanOut === 1) gb[0] = pairwiseSum(delta) / n;
      else {
        for (let i = 0; i < n; i++) for (let j = 0; j < fanOut; j++) gb[j]! += delta[i * fanOut + j]!;
        for (let j = 0; j < fanOut; j++) gb[j]! /= n;
      }
      coefGrads[l] = gW;
      interceptGrads[l] = gb;
      if (l === 0) break;
      // δ_{l−1} = (δ_l W_lᵀ) ⊙ f'(A_l)   (n, fanOut) @ (fanOut, fanIn) -> (n, fanIn)
      const prev = matmulF64NT(delta, Wl, n, fanOut, fanIn);
      derivative(activation, A, prev);
      delta = prev;
    }
    return { loss, grads: [...coefGrads, ...interceptGrads] };
  }

  /** `_fit_stochastic`: optional validation split, then epochs of shuffled mini-batches. */
  private fitStochastic(
    X: Float64Array,
    n: number,
    Y: Float64Array,
    rng: RandomState,
    incremental: boolean,
  ): void {
    const o = this.options;
    const params = [...this.W!, ...this.b!];
    if (!incremental || this.optimizer === null) {
      const shapes = params.map((p) => p.length);
      this.optimizer =
        o.solver === 'sgd'
          ? new SGDOptimizer(
              shapes,
              o.learningRateInit,
              o.learningRate,
              o.momentum,
              o.nesterovsMomentum,
              o.powerT,
            )
          : new AdamOptimizer(shapes, o.learningRateInit, o.beta1, o.beta2, o.epsilon);
    }
    const opt = this.optimizer;
    const nFeatures = this.units[0]!;
    const nOut = this.nOutputs;
    const earlyStopping = o.earlyStopping && !incremental;
    let val: { X: Float64Array; n: number; Y: Float64Array } | null = null;
    if (earlyStopping) {
      // train_test_split(X, y, random_state=rng, test_size=validationFraction, stratify=y if binary classifier)
      const nTest = Math.ceil(o.validationFraction * n);
      if (n - nTest <= 0) {
        throw new ValidationError(
          `early stopping: ${n} samples leave no training set after holding out ${nTest}`,
          'validationFraction',
        );
      }
      let train: number[];
      let test: number[];
      if (this.lossName === 'log_loss' && nOut === 1) {
        ({ train, test } = stratifiedShuffleSplit(
          Array.from(Y, (v) => (v ? 1 : 0)),
          nTest,
          rng,
        ));
      } else {
        const perm = rng.permutation(n); // ShuffleSplit: test rows first
        test = perm.slice(0, nTest);
        train = perm.slice(nTest);
      }
      val = { X: takeRows(X, test, nFeatures), n: test.length, Y: takeRows(Y, test, nOut) };
      X = takeRows(X, train, nFeatures);
      Y = takeRows(Y, train, nOut);
      n = train.length;
    }
    // batch_size = min(200, n) for 'auto', else clipped to [1, n]
    const batchSize = o.batchSize === 'auto' ? Math.min(200, n) : Math.min(Math.max(o.batchSize, 1), n);
    // the fast path (mlp-kernels.ts): data, parameters and the optimizer's moments in one wasm
    // workspace; null without WebAssembly SIMD or with FIRTH_MATMUL=js (then the reference below)
    const trainer = WasmTrainer.create(
      {
        units: this.units,
        W: this.W!,
        b: this.b!,
        activation: o.activation,
        outActivation: this.outActivation,
        alpha: o.alpha,
        lossName: this.lossName,
      },
      X,
      Y,
      batchSize,
      opt,
    );
    if (trainer) {
      this.W = trainer.W;
      this.b = trainer.b;
    }
    this.bestParams = null;
    try {
      this.epochs(X, n, Y, rng, incremental, batchSize, trainer, params, val);
    } finally {
      if (trainer) ({ W: this.W, b: this.b } = trainer.finish());
    }
    // set by epochs() (TypeScript keeps the `null` assigned above: read it through the declared type)
    const best = this.bestParams as BaseMLP['bestParams'];
    if (val && best) {
      this.W = best.W;
      this.b = best.b;
    }
    this.bestParams = null;
  }

  /** Parameters at the best validation score so far (early stopping), copies. */
  private bestParams: { W: Float64Array[]; b: Float64Array[] } | null = null;

  /** The epochs of `_fit_stochastic`: shuffle, mini-batch steps (fast path or reference), stopping rules. */
  private epochs(
    X: Float64Array,
    n: number,
    Y: Float64Array,
    rng: RandomState,
    incremental: boolean,
    batchSize: number,
    trainer: WasmTrainer | null,
    params: Float64Array[],
    val: { X: Float64Array; n: number; Y: Float64Array } | null,
  ): void {
    const o = this.options;
    const opt = this.optimizer!;
    const nFeatures = this.units[0]!;
    const nOut = this.nOutputs;
    let sampleIdx = Array.from({ length: n }, (_, i) => i);
    const started = performance.now();
    const steps = Math.ceil(n / batchSize);
    const epochs = incremental ? 1 : o.maxIter;
    const emit = (phase: 'step' | 'epoch' | 'end', epoch: number, step: number, loss: number) =>
      this.progress?.({ phase, epoch, epochs, step, steps, loss, elapsedMs: performance.now() - started });
    for (let it = 0; it < o.maxIter; it++) {
      if (o.shuffle) {
        // sklearn.utils.shuffle(sample_idx): idx = arange(n); rng.shuffle(idx); sample_idx = sample_idx[idx]
        const perm = Array.from({ length: n }, (_, i) => i);
        rng.shuffle(perm);
        sampleIdx = perm.map((i) => sampleIdx[i]!);
      }
      let accumulatedLoss = 0.0;
      for (let start = 0; start < n; start += batchSize) {
        const end = Math.min(start + batchSize, n); // gen_batches
        const idx = sampleIdx.slice(start, end);
        let loss: number;
        if (trainer) loss = trainer.step(idx);
        else {
          const r = this.backprop(takeRows(X, idx, nFeatures), end - start, takeRows(Y, idx, nOut));
          loss = r.loss;
          opt.update(params, r.grads);
        }
        accumulatedLoss += loss * (end - start);
        if (this.progress) emit('step', it + 1, start / batchSize + 1, loss);
      }
      this.nIter += 1;
      this.loss = accumulatedLoss / n;
      this.t += n;
      this.lossCurve.push(this.loss);
      if (this.progress) emit('epoch', it + 1, steps, this.loss);
      // `_update_no_improvement_count`
      if (val) {
        const score = this.validationScore(val.X, val.n, val.Y);
        this.validationScores!.push(score);
        if (score < this.bestValidationScore! + o.tol) this.noImprovementCount += 1;
        else this.noImprovementCount = 0;
        if (score > this.bestValidationScore!) {
          this.bestValidationScore = score;
          this.bestParams = { W: this.W!.map((w) => w.slice()), b: this.b!.map((b) => b.slice()) };
        }
      } else {
        if (this.bestLoss === null) {
          throw new ValidationError(
            'partialFit after an early-stopping fit is not supported (sklearn 1.2.1 fails too)',
            'earlyStopping',
          );
        }
        if (this.loss > this.bestLoss - o.tol) this.noImprovementCount += 1;
        else this.noImprovementCount = 0;
        if (this.loss < this.bestLoss) this.bestLoss = this.loss;
      }
      opt.iterationEnds(this.t);
      if (this.noImprovementCount > o.nIterNoChange) {
        if (opt.triggerStopping()) break;
        this.noImprovementCount = 0;
      }
      if (incremental) break;
    }
    if (this.progress) emit('end', this.lossCurve.length, steps, this.loss);
  }

  /** The output layer A_L for X: (n, nOutputs) row-major. */
  protected outputs(X: unknown): { out: Float64Array; n: number } {
    if (this.W === null)
      throw new ValidationError(`this ${this.constructor.name} is not fitted yet; call fit() first`, 'model');
    const Xc = checkMatrix(X, 'X', { nFeatures: this.units[0] });
    const acts = this.forward(flatten(Xc), Xc.length);
    return { out: acts[acts.length - 1]!, n: Xc.length };
  }

  protected baseJSON(type: MLPJSON['type'], classes: MLPLabel[] | null): MLPJSON {
    if (this.W === null)
      throw new ValidationError(`this ${this.constructor.name} is not fitted yet; call fit() first`, 'model');
    const rs = this.options.randomState;
    return {
      type,
      version: 1,
      options: { ...this.options, randomState: typeof rs === 'number' ? rs : null },
      classes: classes?.slice() ?? null,
      coefs: this.coefs!,
      intercepts: this.intercepts!,
      nIter: this.nIter,
      t: this.t,
      loss: this.loss,
      lossCurve: this.lossCurve.slice(),
      bestLoss: this.bestLoss,
      validationScores: this.validationScores?.slice() ?? null,
      nOutputs: this.nOutputs,
      outActivation: this.outActivation,
    };
  }

  /** Restores weights and counters from `toJSON()` output (checked field by field). */
  protected loadJSON(j: Partial<MLPJSON>): void {
    const fail = (field: string, want: string) =>
      new ValidationError(`model.${field} must be ${want}`, `model.${field}`);
    if (j.version !== 1) throw fail('version', '1');
    if (!Array.isArray(j.coefs) || j.coefs.length === 0) throw fail('coefs', 'a non-empty array of matrices');
    if (!Array.isArray(j.intercepts) || j.intercepts.length !== j.coefs.length)
      throw fail('intercepts', 'one vector per layer');
    const coefs = j.coefs.map((c, l) => checkMatrix(c, `model.coefs[${l}]`));
    const units = [coefs[0]!.length, ...coefs.map((c) => c[0]!.length)];
    coefs.forEach((c, l) => {
      if (c.length !== units[l])
        throw fail(`coefs[${l}]`, `(${units[l]}, ${units[l + 1]}) to chain with the layer before`);
    });
    const hidden = units.slice(1, -1);
    if (
      hidden.length !== this.options.hiddenLayerSizes.length ||
      hidden.some((h, i) => h !== this.options.hiddenLayerSizes[i])
    ) {
      throw fail('coefs', `shaped for hiddenLayerSizes [${this.options.hiddenLayerSizes}]`);
    }
    this.units = units;
    this.W = coefs.map((c) => Float64Array.from(c.flat()));
    this.b = j.intercepts.map((b, l) => {
      if (
        !Array.isArray(b) ||
        b.length !== units[l + 1] ||
        !b.every((v) => typeof v === 'number' && Number.isFinite(v))
      ) {
        throw fail(`intercepts[${l}]`, `${units[l + 1]} finite numbers`);
      }
      return Float64Array.from(b);
    });
    const count = (field: 'nIter' | 't') => {
      const v = j[field];
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw fail(field, 'a non-negative integer');
      return v;
    };
    this.nIter = count('nIter');
    this.t = count('t');
    this.loss = typeof j.loss === 'number' ? j.loss : Number.NaN;
    this.lossCurve = Array.isArray(j.lossCurve) ? j.lossCurve.map(Number) : [];
    this.bestLoss = typeof j.bestLoss === 'number' ? j.bestLoss : null;
    this.validationScores = Array.isArray(j.validationScores) ? j.validationScores.map(Number) : null;
    this.nOutputs = units[units.length - 1]!;
    if (!['identity', 'logistic', 'softmax'].includes(j.outActivation as string))
      throw fail('outActivation', "'identity', 'logistic' or 'softmax'");
    this.outActivation = j.outActivation!;
  }
}

/** The rows of a checked matrix, row-major in one Float64Array (without `flat()`'s boxed array). */
function flatten(M: readonly (readonly number[])[]): Float64Array {
  const cols = M[0]?.length ?? 0;
  const out = new Float64Array(M.length * cols);
  for (let i = 0; i < M.length; i++) {
    const row = M[i]!;
    for (let j = 0; j < cols; j++) out[i * cols + j] = row[j]!;
  }
  return out;
}

/** Rows `idx` of an (n, cols) row-major matrix. */
function takeRows(M: Float64Array, idx: number[], cols: number): Float64Array {
  const out = new Float64Array(idx.length * cols);
  for (let i = 0; i < idx.length; i++) out.set(M.subarray(idx[i]! * cols, idx[i]! * cols + cols), i * cols);
  return out;
}

function rows(M: Float64Array, r: number, c: number): number[][] {
  return Array.from({ length: r }, (_, i) => Array.from(M.subarray(i * c, i * c + c)));
}

/**
 * MLPClassifier: softmax over k >= 3 classes, one logistic unit for two (classes[1] = positive),
 * trained on log loss.
 *
 * new MLPClassifier({ hiddenLayerSizes: [2], activation: 'tanh', learningRateInit: 0.01,
 *   maxIter: 10000, randomState: 42 }).fit(XOR, [0, 1, 1, 0]).predict(XOR) // [0, 1, 1, 0]
 */
export class MLPClassifier extends BaseMLP {
  protected readonly lossName = 'log_loss';
  /** Sorted class labels (`classes_`). */
  classes: MLPLabel[] | null = null;

  fit(X: unknown, y: unknown, options: FitOptions = {}): this {
    this.progress = options.onProgress;
    return this.fitCore(X, y, false);
  }

  /** One epoch on (X, y); the first call needs every class that will ever appear. */
  partialFit(X: unknown, y: unknown, opts: { classes?: MLPLabel[] } & FitOptions = {}): this {
    this.progress = opts.onProgress;
    if (this.classes === null) {
      if (opts.classes === undefined)
        throw new ValidationError('classes must be passed on the first call to partialFit', 'classes');
      this.classes = classLabels(checkLabels(opts.classes, opts.classes.length, 'classes'), 'classes');
    }
    return this.fitCore(X, y, true);
  }

  protected outActivationFor(): MLPOutActivation {
    return this.classes!.length > 2 ? 'softmax' : 'logistic';
  }

  /** LabelBinarizer: two classes -> one 0/1 column (1 = classes[1]); k > 2 -> one-hot (n, k). */
  protected encode(y: unknown, n: number, incremental: boolean, firstPass: boolean): Float64Array {
    const labels = checkLabels(y, n, 'y');
    const seen = classLabels(labels, 'y');
    if (this.classes === null || (!this.options.warmStart && !incremental)) this.classes = seen;
    const classes = this.classes;
    const unknown = seen.filter((c) => !classes.includes(c));
    if (
      this.options.warmStart &&
      !incremental &&
      !firstPass &&
      (unknown.length || seen.length !== classes.length)
    ) {
      throw new ValidationError(
        `warmStart needs the same classes as the previous fit (${classes.join(', ')}); y has ${seen.join(', ')}`,
        'y',
      );
    }
    if (unknown.length)
      throw new ValidationError(
        `y has classes not seen before: ${unknown.join(', ')} (known: ${classes.join(', ')})`,
        'y',
      );
    const k = classes.length > 2 ? classes.length : 1;
    const Y = new Float64Array(n * k);
    labels.forEach((label, i) => {
      const c = classes.indexOf(label);
      if (k > 1) Y[i * k + c] = 1;
      else if (c === 1) Y[i] = 1;
    });
    return Y;
  }

  private decode(out: Float64Array, n: number): MLPLabel[] {
    const classes = this.classes!;
    const k = this.nOutputs;
    return Array.from({ length: n }, (_, i) => {
      // binary: classes[1] where p > 0.5;  multiclass: argmax (first on ties)
      if (k === 1) return classes.length === 1 ? classes[0]! : classes[out[i]! > 0.5 ? 1 : 0]!;
      let best = 0;
      for (let c = 1; c < k; c++) if (out[i * k + c]! > out[i * k + best]!) best = c;
      return classes[best]!;
    });
  }

  protected validationScore(X: Float64Array, n: number, Y: Float64Array): number {
    const predicted = this.decode(this.forward(X, n)[this.W!.length]!, n);
    const truth = this.decode(Y, n);
    return predicted.filter((p, i) => p === truth[i]).length / n;
  }

  predict(X: unknown): MLPLabel[] {
    const { out, n } = this.outputs(X);
    return this.decode(out, n);
  }

  /** P(class | x), one column per class: [1 − p, p] for two classes. */
  predictProba(X: unknown): number[][] {
    const { out, n } = this.outputs(X);
    if (this.nOutputs === 1) return Array.from(out, (p) => [1 - p, p]);
    return rows(out, n, this.nOutputs);
  }

  /** Mean accuracy of predict(X) against y. */
  score(X: unknown, y: unknown): number {
    const predicted = this.predict(X);
    const labels = checkLabels(y, predicted.length, 'y');
    return predicted.filter((p, i) => p === labels[i]).length / labels.length;
  }

  toJSON(): MLPJSON {
    return this.baseJSON('firth.MLPClassifier', this.classes);
  }

  static fromJSON(json: unknown): MLPClassifier {
    const j = checkModelJSON<MLPJSON>(json, 'firth.MLPClassifier');
    const model = new MLPClassifier(j.options ?? {});
    model.loadJSON(j);
    if (!Array.isArray(j.classes))
      throw new ValidationError('model.classes must be an array of labels', 'model.classes');
    model.classes = classLabels(checkLabels(j.classes, j.classes.length, 'model.classes'), 'model.classes');
    if ((model.classes.length > 2 ? model.classes.length : 1) !== model.nOutputs) {
      throw new ValidationError('model.classes does not fit the output layer', 'model.classes');
    }
    return model;
  }
}

/**
 * MLPRegressor: identity output, squared loss; y is number[] (one output) or number[][].
 */
export class MLPRegressor extends BaseMLP {
  protected readonly lossName = 'squared_error';

  fit(X: unknown, y: unknown, options: FitOptions = {}): this {
    this.progress = options.onProgress;
    return this.fitCore(X, y, false);
  }

  /** One epoch on (X, y), continuing from the current weights. */
  partialFit(X: unknown, y: unknown, options: FitOptions = {}): this {
    this.progress = options.onProgress;
    return this.fitCore(X, y, true);
  }

  protected outActivationFor(): MLPOutActivation {
    return 'identity';
  }

  protected encode(y: unknown, n: number): Float64Array {
    if (Array.isArray(y) && Array.isArray(y[0])) {
      const Ym = checkMatrix(y, 'y');
      if (Ym.length !== n) throw new ValidationError(`y has ${Ym.length} rows but X has ${n}`, 'y');
      return Float64Array.from(Ym.flat());
    }
    const labels = checkLabels(y, n, 'y');
    const bad = labels.findIndex((v) => typeof v !== 'number');
    if (bad >= 0)
      throw new ValidationError(
        `y[${bad}] must be a finite number, got ${JSON.stringify(labels[bad])}`,
        `y[${bad}]`,
      );
    return Float64Array.from(labels as number[]);
  }

  protected validationScore(X: Float64Array, n: number, Y: Float64Array): number {
    return r2Score(Y, this.forward(X, n)[this.W!.length]!, n, this.nOutputs);
  }

  /** number[] for one output, number[][] (n, nOutputs) otherwise. */
  predict(X: unknown): number[] | number[][] {
    const { out, n } = this.outputs(X);
    return this.nOutputs === 1 ? Array.from(out) : rows(out, n, this.nOutputs);
  }

  /** R² of predict(X) (uniform average over outputs). */
  score(X: unknown, y: unknown): number {
    const { out, n } = this.outputs(X);
    const Y = this.encode(y, n);
    if (Y.length !== out.length) throw new ValidationError(`y must have ${this.nOutputs} outputs`, 'y');
    return r2Score(Y, out, n, this.nOutputs);
  }

  toJSON(): MLPJSON {
    return this.baseJSON('firth.MLPRegressor', null);
  }

  static fromJSON(json: unknown): MLPRegressor {
    const j = checkModelJSON<MLPJSON>(json, 'firth.MLPRegressor');
    const model = new MLPRegressor(j.options ?? {});
    model.loadJSON(j);
    return model;
  }
}
