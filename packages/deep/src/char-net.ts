/**
 * The network of the char-RNN language model (char-lm.ts) on one engine — what differs between
 * Firth's engine (char-net-firth.ts) and TensorFlow.js (char-net-tfjs.ts). CharLanguageModel keeps
 * everything else once: options, vocabulary, batches, progress, evaluation, sampling, JSON.
 *
 *   ids → embedding E (V, Emb) → L recurrent layers (xp = x·Wx + b, then the cell along time)
 *       → logits = h·Wy + by (V)
 */
import type { RandomState } from '@firth/numeric';
import { type CellJSON, type CellType, initialCellWeights } from './rnn.js';

/** The weights as plain arrays: what CharLanguageModelJSON holds. */
export interface CharNetWeights {
  embedding: number[][];
  cells: CellJSON[];
  Wy: number[][];
  by: number[];
}

export interface CharNetConfig {
  cell: CellType;
  hiddenSize: number;
  numLayers: number;
  embeddingSize: number;
  learningRate: number;
  clipNorm: number;
}

export interface CharNet<S = unknown> {
  /** Zero states (h, and the LSTM's c, per layer) for a batch. */
  zeroStates(batch: number): S;
  /** Logits (N, V) of N = T·B time-major ids, run from `states`; the states after the last step. */
  run(ids: number[], batch: number, states: S): { logits: Float32Array; states: S };
  /** Frees states that run returned (tf memory; nothing on Firth's engine). */
  disposeStates(states: S): void;
  /**
   * One Adam step on a time-major batch from zero states — mean cross-entropy of every next
   * character, gradients clipped to a global norm of clipNorm — returning the loss before it.
   */
  trainStep(x: number[], y: number[], batch: number): Promise<number>;
  /** Ends training: frees the optimizer's state. */
  endTraining(): void;
  weights(): CharNetWeights;
  dispose(): void;
}

const rows = (values: ArrayLike<number>, r: number, c: number): number[][] =>
  Array.from({ length: r }, (_, i) => Array.from(values).slice(i * c, (i + 1) * c));

/**
 * Fresh weights from `rng`, in one order both engines share (so a seed gives the same model on
 * either): E ~ N(0, 1) as torch.nn.Embedding, the cells (rnn.ts), Wy ~ U(±1/√H), by = 0.
 */
export function initialWeights(config: CharNetConfig, V: number, rng: RandomState): CharNetWeights {
  const { cell, hiddenSize: H, numLayers, embeddingSize: E } = config;
  const embedding = rows(rng.standardNormalArray(V * E), V, E);
  const cells = Array.from({ length: numLayers }, (_, l) => {
    const inputSize = l === 0 ? E : H;
    return { type: cell, inputSize, hiddenSize: H, weights: initialCellWeights(cell, inputSize, H, rng) };
  });
  const k = 1 / Math.sqrt(H);
  return {
    embedding,
    cells,
    Wy: rows(rng.uniformArray(-k, k, H * V), H, V),
    by: new Array<number>(V).fill(0),
  };
}
