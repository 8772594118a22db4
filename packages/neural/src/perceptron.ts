/**
 * The Perceptron — Rosenblatt's single neuron, exactly as the course teaches it.
 *
 * Lesson: "The Perceptron", "How Perceptron Learn" and "Step-by-Step Hand Calculation for AND Gate"
 * (Introduction to Large Language Models, part 2). A binary classifier: a weighted sum of the inputs
 * plus a bias, passed through a step function.
 *
 *   z      = w1·x1 + w2·x2 + … + wn·xn + b
 *   output = 1 if z >= 0 else 0                      (step activation)
 *   error  = y_true − output
 *   w     <- w + η · error · x                        (learning rule)
 *   b     <- b + η · error
 *
 * Training visits the examples in order, one at a time (online learning), and repeats whole passes
 * ("iterations" in the course, epochs here) until a pass makes no mistake or `maxEpochs` is reached.
 * Every step is recorded in `trace`, so the course's hand calculation can be replayed number for number.
 *
 * Deliberately left out: shuffling, stopping tolerances and multi-class one-vs-rest — that is
 * scikit-learn's variant, see `SklearnPerceptron` (sklearn-perceptron.ts). Labels are 0 and 1 only.
 * The arithmetic is plain float64 loops, not @firth/tensor's products: the rule is online, one
 * sample at a time, and one w·x per row measured faster than packing the rows for a product kernel
 * (the measurements are in sklearn-perceptron.ts's header).
 */
import {
  checkFinite,
  checkLabels,
  checkMatrix,
  checkModelJSON,
  checkVector,
  ValidationError,
} from '@firth/numeric';

export interface PerceptronOptions {
  /** Learning rate η. @default 0.1 — the course's value; any positive number works for separable data. */
  learningRate?: number;
  /**
   * Starting weights w, one per feature. @default zeros — the course starts from [0.3, -0.1]
   * ("randomly assigned"); pass them to replay its hand calculation.
   */
  initialWeights?: number[];
  /** Starting bias b. @default 0 — the course starts from 0.2. */
  initialBias?: number;
  /** Passes over the data before giving up on non-separable data. @default 100 — AND converges in 4. */
  maxEpochs?: number;
  /** Record every update in `trace`. @default true — the trace is the lesson; turn off for big data. */
  trace?: boolean;
}

/** One example seen during training: what the course writes down for each step of its hand calculation. */
export interface PerceptronStep {
  /** 1-based pass over the data (the course's "Iteration"). */
  epoch: number;
  /** 0-based index of the example in the training data (the course's "Example" minus one). */
  index: number;
  inputs: number[];
  /** Weighted sum z = w·x + b, with the weights before this step's update. */
  z: number;
  /** Step activation of z: 1 if z >= 0 else 0. */
  output: 0 | 1;
  target: 0 | 1;
  /** target − output: −1, 0 or 1. */
  error: number;
  /** Weights after the update. */
  weights: number[];
  /** Bias after the update. */
  bias: number;
}

/** The serialised form of a trained `Perceptron` (`toJSON` / `fromJSON`). */
export interface PerceptronJSON {
  type: 'firth.Perceptron';
  version: 1;
  options: Required<Omit<PerceptronOptions, 'initialWeights'>> & { initialWeights: number[] | null };
  weights: number[];
  bias: number;
  epochs: number;
  converged: boolean;
  errorsPerEpoch: number[];
}

/** The step function: 1 if z >= 0, 0 if z < 0 (not differentiable at 0 — hence gradient methods use others). */
export function step(z: number): 0 | 1 {
  return z >= 0 ? 1 : 0;
}

export class Perceptron {
  readonly options: Required<Omit<PerceptronOptions, 'initialWeights'>> & { initialWeights: number[] | null };

  /** Learned weights w (one per feature). Set by `fit`. */
  weights: number[] = [];
  /** Learned bias b. Set by `fit`. */
  bias = 0;
  /** Passes over the data that `fit` made. */
  epochs = 0;
  /** True when the last pass classified every training example correctly. */
  converged = false;
  /** Number of misclassified examples in each pass; the last is 0 when converged. */
  errorsPerEpoch: number[] = [];
  /** Every training step, in order (empty when `trace: false`). */
  trace: PerceptronStep[] = [];

  /**
   * new Perceptron({ learningRate: 0.1, initialWeights: [0.3, -0.1], initialBias: 0.2 })
   */
  constructor(options: PerceptronOptions = {}) {
    const learningRate = checkFinite(options.learningRate ?? 0.1, 'learningRate');
    if (learningRate <= 0)
      throw new ValidationError(`learningRate must be positive, got ${learningRate}`, 'learningRate');
    const maxEpochs = options.maxEpochs ?? 100;
    if (!Number.isInteger(maxEpochs) || maxEpochs < 1) {
      throw new ValidationError(`maxEpochs must be a positive integer, got ${maxEpochs}`, 'maxEpochs');
    }
    this.options = {
      learningRate,
      initialWeights: options.initialWeights ? checkVector(options.initialWeights, 'initialWeights') : null,
      initialBias: checkFinite(options.initialBias ?? 0, 'initialBias'),
      maxEpochs,
      trace: options.trace ?? true,
    };
  }

  /**
   * Trains on rows X with labels y ∈ {0, 1}.
   *
   * const p = new Perceptron({ learningRate: 0.1, initialWeights: [0.3, -0.1], initialBias: 0.2 });
   * p.fit([[0, 0], [0, 1], [1, 0], [1, 1]], [0, 0, 0, 1]);
   * p.trace[0] // { epoch: 1, index: 0, inputs: [0, 0], z: 0.2, output: 1, target: 0, error: -1, weights: [0.3, -0.1], bias: 0.1 }
   */
  fit(X: number[][], y: number[]): this {
    const rows = checkMatrix(X, 'X');
    const nFeatures = rows[0]!.length;
    const labels = checkLabels(y, rows.length, 'y', [0, 1] as const);
    const { learningRate: eta, initialWeights, initialBias, maxEpochs } = this.options;
    if (initialWeights && initialWeights.length !== nFeatures) {
      throw new ValidationError(
        `initialWeights has ${initialWeights.length} values but X has ${nFeatures} features per row`,
        'initialWeights',
      );
    }
    const w = initialWeights ? [...initialWeights] : new Array<number>(nFeatures).fill(0);
    let b = initialBias;
    this.trace = [];
    this.errorsPerEpoch = [];
    this.converged = false;

    for (let epoch = 1; epoch <= maxEpochs; epoch++) {
      let mistakes = 0;
      for (let i = 0; i < rows.length; i++) {
        const x = rows[i]!;
        // z = w·x + b
        const z = dot(w, x) + b;
        // output = step(z)
        const output = step(z);
        const target = labels[i]!;
        // error = y_true − y_pred
        const error = target - output;
        if (error !== 0) {
          mistakes++;
          // w <- w + η·error·x ;  b <- b + η·error
          for (let j = 0; j < nFeatures; j++) w[j] = w[j]! + eta * error * x[j]!;
          b = b + eta * error;
        }
        if (this.options.trace) {
          this.trace.push({
            epoch,
            index: i,
            inputs: [...x],
            z,
            output,
            target,
            error,
            weights: [...w],
            bias: b,
          });
        }
      }
      this.errorsPerEpoch.push(mistakes);
      this.epochs = epoch;
      if (mistakes === 0) {
        this.converged = true;
        break;
      }
    }
    this.weights = w;
    this.bias = b;
    return this;
  }

  /** z = w·x + b for each row (the signed distance to the boundary, scaled by |w|). */
  decisionFunction(X: number[][]): number[] {
    this.assertFitted();
    return checkMatrix(X, 'X', { nFeatures: this.weights.length }).map(
      (x) => dot(this.weights, x) + this.bias,
    );
  }

  /** step(w·x + b) for each row. */
  predict(X: number[][]): (0 | 1)[] {
    return this.decisionFunction(X).map(step);
  }

  /** Mean accuracy on (X, y). */
  score(X: number[][], y: number[]): number {
    const predictions = this.predict(X);
    const labels = checkLabels(y, predictions.length, 'y', [0, 1] as const);
    return predictions.filter((p, i) => p === labels[i]).length / predictions.length;
  }

  toJSON(): PerceptronJSON {
    this.assertFitted();
    return {
      type: 'firth.Perceptron',
      version: 1,
      options: { ...this.options },
      weights: [...this.weights],
      bias: this.bias,
      epochs: this.epochs,
      converged: this.converged,
      errorsPerEpoch: [...this.errorsPerEpoch],
    };
  }

  /** Restores a model saved with `toJSON`; throws a `ValidationError` naming the first bad field. */
  static fromJSON(json: unknown): Perceptron {
    const m = checkModelJSON<PerceptronJSON>(json, 'firth.Perceptron');
    const weights = checkVector(m.weights, 'model.weights');
    if (weights.length === 0) throw new ValidationError('model.weights is empty', 'model.weights');
    const model = new Perceptron({
      ...(m.options ?? {}),
      initialWeights: m.options?.initialWeights ?? undefined,
    });
    model.weights = weights;
    model.bias = checkFinite(m.bias, 'model.bias');
    model.epochs = typeof m.epochs === 'number' ? m.epochs : 0;
    model.converged = m.converged === true;
    model.errorsPerEpoch = Array.isArray(m.errorsPerEpoch)
      ? checkVector(m.errorsPerEpoch, 'model.errorsPerEpoch')
      : [];
    return model;
  }

  private assertFitted(): void {
    if (this.weights.length === 0)
      throw new ValidationError('This Perceptron is not fitted yet: call fit(X, y) first');
  }
}

function dot(w: number[], x: number[]): number {
  let s = 0;
  for (let j = 0; j < w.length; j++) s += w[j]! * x[j]!;
  return s;
}
