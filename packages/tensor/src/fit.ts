/**
 * The one training loop every Firth model trains with (GPT, BERT's heads, the encoder–decoder):
 * AdamW with decoupled weight decay on the matrices only, a linear warm-up then cosine decay,
 * gradient clipping by global norm, periodic evaluation, progress events, early stopping, periodic
 * checkpoints and a stop check (a time budget, Ctrl-C).
 *
 *   const { curve } = fit({
 *     params: model.parameters(),
 *     steps: 1000,
 *     lossAt: (step, rng) => model.loss(batch(rng)),   // a scalar tensor
 *     evaluate: () => ({ valLoss: model.validationLoss() }),
 *     evalEvery: 100,
 *     earlyStopping: { metric: 'valLoss', patience: 3 },
 *   });
 *
 * One step: gradients cleared, loss = lossAt(step, rng), backward, clip, AdamW at the scheduled
 * rate. Every step adds its loss to `curve`; evaluations run every `evalEvery` steps and once at
 * the end (unless the last one was at that step).
 *
 * Each step runs inside an `arenaScope` (engine.ts): its float32 tensors and gradients live in the
 * engine memory the kernels work in, and are released when the step ends — `lossAt` and the 'step'
 * progress event may use them; what must outlive the step (a tensor kept by the model) is made
 * outside lossAt, or copied. The gradients are cleared (null) at the step's end.
 */
import type { ProgressEvent } from '@firth/numeric';
import { RandomState, ValidationError } from '@firth/numeric';
import type { Floats, Tensor } from './autograd.js';
import { arenaScope } from './engine.js';
import { AdamW, clipGradNorm } from './optim.js';

/** Learning rate at `step`: linear warm-up to `lr`, then cosine decay to `minLr` at `steps`. */
export function warmupCosine(step: number, steps: number, lr: number, warmup: number, minLr = 0): number {
  if (step < warmup) return (lr * (step + 1)) / warmup;
  const progress = Math.min(1, (step - warmup) / Math.max(1, steps - warmup));
  return minLr + 0.5 * (lr - minLr) * (1 + Math.cos(Math.PI * progress));
}

/** A training progress event: `loss` is the batch loss, `metrics.lr` the rate, plus any evaluation. */
export type FitProgress = ProgressEvent<'step' | 'eval' | 'end'>;

export interface EarlyStopping {
  /** The key of `evaluate`'s result to watch. */
  metric: string;
  /** Evaluations without an improvement before training stops. */
  patience: number;
  /** An improvement must beat the best by more than this. @default 0 */
  minDelta?: number;
  /** 'min' for a loss, 'max' for an accuracy. @default 'min' */
  mode?: 'min' | 'max';
}

/** A parameter filter (declared as a method: a filter written for float32 tensors is accepted too). */
type ParamFilter = { filter(p: Tensor<Floats>): boolean }['filter'];

export interface FitLoopOptions {
  /** The parameters trained (each `requiresGrad`), float32 or float64 (AdamW keeps moments of each one's dtype). */
  params: Tensor<Floats>[];
  /** Updates to make. */
  steps: number;
  /** The batch loss at `step` (a scalar tensor); `rng` is the loop's seeded generator. */
  lossAt: (step: number, rng: RandomState) => Tensor<Floats>;
  /** Peak learning rate. @default 1e-3 */
  lr?: number | undefined;
  /** The rate cosine decay ends at. @default 0 */
  minLr?: number | undefined;
  /** Warm-up steps. @default max(1, floor(steps / 20)) */
  warmup?: number | undefined;
  /** AdamW's decoupled weight decay, on the parameters `decay` selects. @default 0.01 */
  weightDecay?: number | undefined;
  /** @default 0.9 */
  beta1?: number | undefined;
  /** @default 0.999 */
  beta2?: number | undefined;
  /** Which parameters get weight decay. @default matrices (2 or more axes), not biases or norms */
  decay?: ParamFilter | undefined;
  /** Clip gradients to this global L2 norm; 0 turns clipping off. @default 1 */
  clipNorm?: number | undefined;
  /** The generator handed to `lossAt` (or a seed for one). @default 1 */
  seed?: number | RandomState | undefined;
  /** Metrics at a step (validation loss, accuracy …), run every `evalEvery` steps and at the end. */
  evaluate?: ((step: number) => Record<string, number>) | undefined;
  /** @default 0 (only at the end) */
  evalEvery?: number | undefined;
  /** Stops when `evaluate`'s `metric` has not improved for `patience` evaluations. */
  earlyStopping?: EarlyStopping | undefined;
  /** Called every `every` steps and at the end with the step reached (save a checkpoint there). */
  checkpoint?: { every: number; save: (step: number) => void } | undefined;
  /** The epochs the steps cover, for the progress events' `epoch`. @default 1 */
  epochs?: number | undefined;
  onProgress?: ((event: FitProgress) => void) | undefined;
  /** Checked after every step: true ends training (a time budget, an abort signal). */
  shouldStop?: (() => boolean) | undefined;
  /** Where each step's loss is appended. @default a new array */
  curve?: number[] | undefined;
}

export interface FitResult {
  /** Every step's batch loss. */
  curve: number[];
  /** Steps made. */
  steps: number;
  /** Each evaluation: its step and metrics. */
  evaluations: Array<{ step: number; metrics: Record<string, number> }>;
  /** Why training ended. */
  stopped: 'steps' | 'early-stopping' | 'shouldStop';
}

const positiveInt = (v: number, name: string, min = 0) => {
  if (!Number.isInteger(v) || v < min)
    throw new ValidationError(`${name} must be a whole number from ${min}, got ${v}`, name);
};

/** Trains `params` by minimising `lossAt` (see the module comment). */
export function fit(o: FitLoopOptions): FitResult {
  const { params, steps } = o;
  positiveInt(steps, 'steps');
  const lr = o.lr ?? 1e-3;
  if (!(lr > 0)) throw new ValidationError(`lr must be a positive number, got ${lr}`, 'lr');
  const evalEvery = o.evalEvery ?? 0;
  positiveInt(evalEvery, 'evalEvery');
  const warmup = o.warmup ?? Math.max(1, Math.floor(steps / 20));
  const clipNorm = o.clipNorm ?? 1;
  const epochs = o.epochs ?? 1;
  if (o.earlyStopping && !o.evaluate)
    throw new ValidationError('earlyStopping needs evaluate (the metric it watches)', 'earlyStopping');
  if (o.checkpoint) positiveInt(o.checkpoint.every, 'checkpoint.every', 1);
  const isDecayed = o.decay ?? ((p: Tensor<Floats>) => p.shape.length >= 2);
  const betas = { beta1: o.beta1 ?? 0.9, beta2: o.beta2 ?? 0.999 };
  const opt = new AdamW(params.filter(isDecayed), { lr, weightDecay: o.weightDecay ?? 0.01, ...betas });
  const optPlain = new AdamW(
    params.filter((p) => !isDecayed(p)),
    { lr, weightDecay: 0, ...betas },
  );
  const rng = o.seed instanceof RandomState ? o.seed : new RandomState(o.seed ?? 1);
  const curve = o.curve ?? [];
  const evaluations: FitResult['evaluations'] = [];
  const t0 = performance.now();
  const emit = (phase: FitProgress['phase'], step: number, loss: number, metrics: Record<string, number>) =>
    o.onProgress?.({
      phase,
      epoch: Math.max(
        1,
        Math.min(epochs, Math.floor((step * epochs) / Math.max(1, steps)) + (phase === 'end' ? 0 : 1)),
      ),
      epochs,
      step,
      steps,
      loss,
      metrics,
      elapsedMs: performance.now() - t0,
    });
  const es = o.earlyStopping;
  let best = es?.mode === 'max' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  let sinceBest = 0;
  /** Runs `evaluate` at `step`; true when early stopping says to stop. */
  const evaluateAt = (step: number, rate: number): boolean => {
    if (!o.evaluate) return false;
    const metrics = o.evaluate(step);
    evaluations.push({ step, metrics });
    emit('eval', step, curve.at(-1) ?? Number.NaN, { lr: rate, ...metrics });
    if (!es) return false;
    const value = metrics[es.metric];
    if (value === undefined || Number.isNaN(value))
      throw new ValidationError(`evaluate returned no "${es.metric}" for earlyStopping`, 'earlyStopping');
    const gain = es.mode === 'max' ? value - best : best - value;
    if (gain > (es.minDelta ?? 0)) {
      best = value;
      sinceBest = 0;
    } else sinceBest++;
    return sinceBest >= es.patience;
  };
  let rate = lr;
  let done = 0;
  let stopped: FitResult['stopped'] = 'steps';
  for (let step = 0; step < steps; step++) {
    rate = warmupCosine(step, steps, lr, warmup, o.minLr ?? 0);
    opt.zeroGrad();
    optPlain.zeroGrad();
    // the step's tensors and gradients live in the arena (engine.ts), released when it ends: only
    // the loss leaves it, and the gradients it allocated are taken back (grad = null) — after the
    // step's progress event, which still sees them
    arenaScope(() => {
      const L = o.lossAt(step, rng);
      L.backward();
      if (clipNorm > 0) clipGradNorm(params, clipNorm);
      opt.step(rate);
      optPlain.step(rate);
      const loss = L.item();
      curve.push(loss);
      done = step + 1;
      emit('step', done, loss, { lr: rate });
      opt.zeroGrad();
      optPlain.zeroGrad();
    });
    if (o.checkpoint && done % o.checkpoint.every === 0 && done < steps) o.checkpoint.save(done);
    if (evalEvery > 0 && done % evalEvery === 0 && done < steps && evaluateAt(done, rate)) {
      stopped = 'early-stopping';
      break;
    }
    if (o.shouldStop?.()) {
      stopped = 'shouldStop';
      break;
    }
  }
  if (o.evaluate && evaluations.at(-1)?.step !== done) evaluateAt(done, rate);
  // the last step reached, unless the loop saved it already
  if (o.checkpoint && done > 0 && !(done < steps && done % o.checkpoint.every === 0)) o.checkpoint.save(done);
  emit('end', done, curve.at(-1) ?? Number.NaN, { lr: rate, ...(evaluations.at(-1)?.metrics ?? {}) });
  return { curve, steps: done, evaluations, stopped };
}
