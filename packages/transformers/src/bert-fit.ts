/**
 * How every BERT head trains and reads its inputs (the heads: bert-heads.ts): the fit options and
 * progress events, the loop's settings for BERT (@firth/tensor's one `fit`: AdamW with no decay on
 * biases and norms, linear warm-up then cosine decay, clipping at 1, progress events, early stop), seeded batching (grouped by
 * length on request), the tokenizer and argument checks, and argmax / softmax over a row of logits.
 */
import { type ProgressEvent, type RandomState, ValidationError } from '@firth/numeric';
import { fit, type Tensor } from '@firth/tensor';
import type { BertModel } from './bert-model.js';
import type { WordPieceTokenizer } from './tokenizers/wordpiece.js';

/** Training progress: `loss` is the batch loss, `metrics.lr` the rate, plus any evaluation. */
export type BertProgress = ProgressEvent<'step' | 'eval' | 'end'>;

export interface BertFitOptions {
  /** Passes over the examples (pretraining counts `steps` instead). @default 3 */
  epochs?: number;
  /** @default 32 */
  batchSize?: number;
  /** Peak learning rate. @default 1e-3 from scratch-sized models; use ~5e-5 for big pretrained ones */
  lr?: number;
  /** Warm-up as a fraction of all steps. @default 0.1 */
  warmupRatio?: number;
  /** AdamW decoupled weight decay on matrices. @default 0.01 */
  weightDecay?: number;
  /** Tokens per sequence, special tokens included (longer inputs are truncated). @default 64 */
  maxLength?: number;
  /** Seeds shuffling, masking and dropout. @default 1 */
  seed?: number;
  onProgress?: (event: BertProgress) => void;
  /** Checked after every step: true ends training early (a time budget). */
  shouldStop?: () => boolean;
}

/**
 * The loop every head trains with: `steps` updates of all parameters whose names start with one
 * of `prefixes`, `lossAt(step, rng)` giving the batch loss. Returns the loss curve.
 */
export function train(
  bert: BertModel,
  prefixes: string[],
  steps: number,
  lossAt: (step: number, rng: RandomState) => Tensor,
  options: BertFitOptions & { evaluate?: (step: number) => Record<string, number>; evalEvery?: number },
  epochs = 1,
): number[] {
  return fit({
    params: bert.parameters(prefixes),
    steps,
    lossAt,
    lr: options.lr ?? 1e-3,
    warmup: Math.max(1, Math.round((options.warmupRatio ?? 0.1) * steps)),
    weightDecay: options.weightDecay ?? 0.01,
    seed: options.seed ?? 1,
    evaluate: options.evaluate,
    evalEvery: options.evalEvery,
    onProgress: options.onProgress,
    shouldStop: options.shouldStop,
    epochs,
  }).curve;
}

export const idOf = (tokenizer: WordPieceTokenizer, token: string): number => {
  const id = tokenizer.tokenToId(token);
  if (id === undefined) throw new ValidationError(`the vocabulary has no ${token} token`, 'vocab');
  return id;
};

export const checkTokenizer = (bert: BertModel, tokenizer: WordPieceTokenizer) => {
  if (tokenizer.vocabSize !== bert.config.vocabSize)
    throw new ValidationError(
      `the tokenizer has ${tokenizer.vocabSize} pieces but the model's vocabulary is ${bert.config.vocabSize}`,
      'tokenizer',
    );
};

export const positive = (v: number, name: string) => {
  if (!Number.isInteger(v) || v < 1)
    throw new ValidationError(`${name} must be a positive integer, got ${v}`, name);
  return v;
};

/**
 * Examples in a seeded random order, `batchSize` at a time, epoch after epoch. With `length`,
 * batches group examples of similar length (Hugging Face's group_by_length): each epoch's order is
 * cut into chunks of 50 batches, each chunk sorted by length and split, and the batches shuffled
 * — less padding, the same examples per epoch.
 */
export function batchesOf<T>(
  items: readonly T[],
  batchSize: number,
  epochs: number,
  rng: RandomState,
  length?: (item: T) => number,
) {
  const perEpoch = Math.ceil(items.length / batchSize);
  let batches: number[][] = [];
  return {
    steps: perEpoch * epochs,
    at(step: number): T[] {
      const k = step % perEpoch;
      if (k === 0) {
        const order = rng.permutation(items.length);
        batches = [];
        const chunk = length ? 50 * batchSize : batchSize;
        for (let c = 0; c < order.length; c += chunk) {
          const part = order.slice(c, c + chunk);
          if (length) part.sort((x, y) => length(items[x]!) - length(items[y]!));
          for (let s = 0; s < part.length; s += batchSize) batches.push(part.slice(s, s + batchSize));
        }
        if (length) batches = rng.permutation(batches.length).map((i) => batches[i]!);
      }
      return batches[k]!.map((i) => items[i]!);
    },
  };
}

export const argmax = (v: ArrayLike<number>): number => {
  let best = 0;
  for (let i = 1; i < v.length; i++) if (v[i]! > v[best]!) best = i;
  return best;
};

export const softmaxRow = (v: ArrayLike<number>): Float64Array => {
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < v.length; i++) max = Math.max(max, v[i]!);
  const p = new Float64Array(v.length);
  let sum = 0;
  for (let i = 0; i < v.length; i++) sum += p[i] = Math.exp(v[i]! - max);
  for (let i = 0; i < v.length; i++) p[i]! /= sum;
  return p;
};
