/**
 * The event every Firth trainer emits while it trains (MLP, CNN, RNN, Word2Vec, GloVe, GPT, …), so
 * that one progress bar, one n8n output mapping and one loss-curve plot serve them all (the
 * consumers live in @firth/neural's progress.ts).
 *
 *   model.fit(data, { onProgress: (e: ProgressEvent) => console.log(e.epoch, e.step, e.loss) })
 */

/** One moment of training. `step` counts updates within the epoch, from 1. */
export interface ProgressEvent<Phase extends string = 'step' | 'epoch' | 'end'> {
  /** `step` after each update, `epoch` when an epoch ends, `end` once when training stops (and any trainer-specific phase, e.g. `eval`). */
  phase: Phase;
  /** 1-based epoch number. */
  epoch: number;
  epochs: number;
  /** 1-based step within the epoch (= steps at an `epoch` or `end` event). */
  step: number;
  steps: number;
  /** Training loss: of the last batch at `step`, the epoch's mean at `epoch`/`end` (each trainer says which loss). */
  loss: number;
  /** Anything else measured, e.g. `{ accuracy: 0.97, valLoss: 0.12 }`. */
  metrics?: Record<string, number>;
  /** Milliseconds since training started. */
  elapsedMs: number;
}
