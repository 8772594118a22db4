/**
 * Options of MLPClassifier / MLPRegressor: scikit-learn 1.2.1's hyperparameters in camelCase, their
 * defaults, and the checks `fit` relies on (each error names the option and the value it got).
 */
import { RandomState, type RandomStateLike, ValidationError } from '@firth/numeric';
import type { LearningRateSchedule } from './optimizers.js';

export type MLPActivation = 'identity' | 'logistic' | 'tanh' | 'relu';
export type MLPOutActivation = 'identity' | 'logistic' | 'softmax';
export type MLPLabel = number | string;

export interface MLPOptions {
  /** Units per hidden layer. @default [100] — sklearn's (100,). */
  hiddenLayerSizes?: number[];
  /** Hidden activation f. @default 'relu' — sklearn's; the course's XOR uses 'tanh'. */
  activation?: MLPActivation;
  /** 'adam' or 'sgd'; 'lbfgs' is not supported here. @default 'adam' */
  solver?: 'adam' | 'sgd' | 'lbfgs';
  /** L2 penalty α on the weights (not the biases). @default 0.0001 */
  alpha?: number;
  /** Rows per mini-batch; 'auto' = min(200, n). @default 'auto' */
  batchSize?: number | 'auto';
  /** SGD's step-size schedule (ignored by Adam). @default 'constant' */
  learningRate?: LearningRateSchedule;
  /** Initial step size η0. @default 0.001 */
  learningRateInit?: number;
  /** Exponent of 'invscaling': η = η0 / (t + 1)^powerT. @default 0.5 */
  powerT?: number;
  /** Maximum epochs per fit. @default 200 */
  maxIter?: number;
  /** Reshuffle the rows every epoch. @default true */
  shuffle?: boolean;
  /** Seed or shared RandomState for weights, shuffling and the validation split. @default null (unseeded) */
  randomState?: RandomStateLike;
  /** An epoch "improves" when loss drops (or validation score rises) by more than tol. @default 1e-4 */
  tol?: number;
  /** SGD momentum μ in [0, 1]. @default 0.9 */
  momentum?: number;
  /** Nesterov's look-ahead for SGD. @default true */
  nesterovsMomentum?: boolean;
  /** Hold out validationFraction of the rows and stop on their score; keeps the best weights. @default false */
  earlyStopping?: boolean;
  /** Share held out for early stopping, in (0, 1). @default 0.1 */
  validationFraction?: number;
  /** Adam's first-moment decay β1 in [0, 1). @default 0.9 */
  beta1?: number;
  /** Adam's second-moment decay β2 in [0, 1). @default 0.999 */
  beta2?: number;
  /** Adam's ε > 0, keeps the step finite. @default 1e-8 */
  epsilon?: number;
  /** Stop after this many epochs more without improvement (Infinity = never). @default 10 */
  nIterNoChange?: number;
  /** `fit` continues from the current weights (and counters) instead of re-initialising. @default false */
  warmStart?: boolean;
}

export type Resolved = Required<MLPOptions>;

export function resolveOptions(options: MLPOptions): Resolved {
  const o: Resolved = {
    hiddenLayerSizes: options.hiddenLayerSizes ?? [100],
    activation: options.activation ?? 'relu',
    solver: options.solver ?? 'adam',
    alpha: options.alpha ?? 0.0001,
    batchSize: options.batchSize ?? 'auto',
    learningRate: options.learningRate ?? 'constant',
    learningRateInit: options.learningRateInit ?? 0.001,
    powerT: options.powerT ?? 0.5,
    maxIter: options.maxIter ?? 200,
    shuffle: options.shuffle ?? true,
    randomState: options.randomState ?? null,
    tol: options.tol ?? 1e-4,
    momentum: options.momentum ?? 0.9,
    nesterovsMomentum: options.nesterovsMomentum ?? true,
    earlyStopping: options.earlyStopping ?? false,
    validationFraction: options.validationFraction ?? 0.1,
    beta1: options.beta1 ?? 0.9,
    beta2: options.beta2 ?? 0.999,
    epsilon: options.epsilon ?? 1e-8,
    nIterNoChange: options.nIterNoChange ?? 10,
    warmStart: options.warmStart ?? false,
  };
  const bad = (field: string, want: string, got: unknown) =>
    new ValidationError(`${field} must be ${want}, got ${JSON.stringify(got) ?? String(got)}`, field);
  const num = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
  const int = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);
  if (!Array.isArray(o.hiddenLayerSizes) || o.hiddenLayerSizes.some((h) => !int(h) || h <= 0)) {
    throw bad('hiddenLayerSizes', 'an array of integers > 0', o.hiddenLayerSizes);
  }
  const oneOf = (field: keyof Resolved, allowed: string[]) => {
    if (!allowed.includes(o[field] as string))
      throw bad(field, allowed.map((a) => `'${a}'`).join(' | '), o[field]);
  };
  oneOf('activation', ['identity', 'logistic', 'tanh', 'relu']);
  oneOf('solver', ['adam', 'sgd', 'lbfgs']);
  oneOf('learningRate', ['constant', 'invscaling', 'adaptive']);
  if (!num(o.alpha) || o.alpha < 0) throw bad('alpha', 'a number >= 0', o.alpha);
  if (o.batchSize !== 'auto' && (!int(o.batchSize) || o.batchSize < 1))
    throw bad('batchSize', "'auto' or an integer >= 1", o.batchSize);
  if (!num(o.learningRateInit) || o.learningRateInit <= 0)
    throw bad('learningRateInit', 'a number > 0', o.learningRateInit);
  if (!num(o.powerT) || o.powerT < 0) throw bad('powerT', 'a number >= 0', o.powerT);
  if (!int(o.maxIter) || o.maxIter < 1) throw bad('maxIter', 'an integer >= 1', o.maxIter);
  if (!num(o.tol) || o.tol < 0) throw bad('tol', 'a number >= 0', o.tol);
  if (!num(o.momentum) || o.momentum < 0 || o.momentum > 1)
    throw bad('momentum', 'a number in [0, 1]', o.momentum);
  if (!num(o.validationFraction) || o.validationFraction <= 0 || o.validationFraction >= 1) {
    throw bad('validationFraction', 'a number in (0, 1)', o.validationFraction);
  }
  for (const f of ['beta1', 'beta2'] as const)
    if (!num(o[f]) || o[f] < 0 || o[f] >= 1) throw bad(f, 'a number in [0, 1)', o[f]);
  if (!num(o.epsilon) || o.epsilon <= 0) throw bad('epsilon', 'a number > 0', o.epsilon);
  if (!(o.nIterNoChange === Number.POSITIVE_INFINITY || (int(o.nIterNoChange) && o.nIterNoChange >= 1))) {
    throw bad('nIterNoChange', 'an integer >= 1 or Infinity', o.nIterNoChange);
  }
  for (const f of ['shuffle', 'nesterovsMomentum', 'earlyStopping', 'warmStart'] as const) {
    if (typeof o[f] !== 'boolean') throw bad(f, 'a boolean', o[f]);
  }
  const rs = o.randomState;
  if (rs !== null && !(rs instanceof RandomState) && !(int(rs) && rs >= 0 && rs < 2 ** 32)) {
    throw bad('randomState', 'an integer in [0, 2**32), a RandomState or null', rs);
  }
  return o;
}
