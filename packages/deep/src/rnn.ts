/**
 * Recurrent cells written out with TensorFlow.js ops: the vanilla (Elman) RNN, the LSTM
 * (Hochreiter & Schmidhuber 1997, with a forget gate as in Gers et al. 2000) and the GRU
 * (Cho et al. 2014) — the course's "Recurrent Neural Networks" lesson. A cell maps one time step:
 * (input x_t, state at t−1) → state at t; a layer is the same cell applied along the sequence with
 * the SAME weights at every step ("shared parameters"), and the hidden state h is the memory.
 *
 * Every cell keeps its weights in two matrices and a bias, with the gates side by side:
 *   Wx (inputSize, G·H)   Wh (H, G·H)   b (G·H)      G = 1 (RNN), 4 (LSTM), 3 (GRU)
 * so one step costs two matmuls, and the input half (x·Wx + b) can be computed for a whole
 * sequence at once (`projectInput`) before the loop that only needs h·Wh — what cuDNN does too.
 *
 * Initialisation follows PyTorch: weights ~ U(−1/√H, 1/√H); biases 0, except the LSTM forget gate's
 * bias = 1 so the cell starts by remembering (Jozefowicz et al. 2015; TF1's BasicLSTMCell adds the
 * same +1 inside the formula instead). Left out: peepholes, projections, layer norm, dropout,
 * bidirectional layers.
 */

import type { RandomState } from '@firth/numeric';
import { ValidationError } from '@firth/numeric';
import { tf } from './backend.js';

export type CellType = 'rnn' | 'lstm' | 'gru';
export const CELL_TYPES: readonly CellType[] = ['rnn', 'lstm', 'gru'];

/** The state carried from one step to the next: h (B, H), and the LSTM's cell memory c (B, H). */
export type CellState = {
  h: tf.Tensor2D;
  c?: tf.Tensor2D;
};

/** A cell's weights as plain arrays (row-major matrices), for JSON. */
export type CellWeights = Record<string, number[] | number[][]>;

/** A serialised cell: what `cellFromJSON` reads back. */
export interface CellJSON {
  type: CellType;
  inputSize: number;
  hiddenSize: number;
  weights: CellWeights;
}

/** One recurrent cell. Tensors in, tensors out: call inside `tf.tidy` (or dispose them yourself). */
export interface RecurrentCell {
  readonly type: CellType;
  readonly inputSize: number;
  readonly hiddenSize: number;
  /** Zeros: h (and c) of shape (batch, H). */
  initialState(batch: number): CellState;
  /** The input half of the gate pre-activations, x·Wx + b: (N, inputSize) → (N, G·H). */
  projectInput(x: tf.Tensor2D): tf.Tensor2D;
  /** One step given the projected input xp = x·Wx + b (B, G·H). */
  stepProjected(xp: tf.Tensor2D, state: CellState): CellState;
  /** One step: (x (B, inputSize), state at t−1) → state at t. = stepProjected(projectInput(x), state). */
  step(x: tf.Tensor2D, state: CellState): CellState;
  /** The trainable parameters, as tf.Variables. */
  variables(): tf.Variable[];
  /** Weights as plain arrays. */
  exportWeights(): CellWeights;
  toJSON(): CellJSON;
  dispose(): void;
}

const GATES: Record<CellType, number> = { rnn: 1, lstm: 4, gru: 3 };

/** U(−k, k) matrix of shape (rows, cols), drawn row by row from `rng`. */
function uniform(rng: RandomState, rows: number, cols: number, k: number): number[][] {
  return Array.from({ length: rows }, () => rng.uniformArray(-k, k, cols));
}

function checkSize(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    throw new ValidationError(`${name} must be a positive integer, got ${String(value)}`, name);
  }
  return value;
}

/** Checks a cell type, naming the bad value. */
export function checkCellType(type: unknown): CellType {
  if (!CELL_TYPES.includes(type as CellType)) {
    throw new ValidationError(
      `unknown cell type ${JSON.stringify(type)}; use one of ${CELL_TYPES.join(', ')}`,
      'cell',
    );
  }
  return type as CellType;
}

/** What the three cells share: the weights Wx, Wh, b (and the GRU's b_hn) as tf.Variables. */
abstract class BaseCell implements RecurrentCell {
  abstract readonly type: CellType;
  protected readonly params: Record<string, tf.Variable>;

  constructor(
    readonly inputSize: number,
    readonly hiddenSize: number,
    weights: CellWeights,
  ) {
    this.params = {};
    for (const [name, value] of Object.entries(weights)) {
      const t = tf.tensor(value as number[], undefined, 'float32');
      this.params[name] = tf.variable(t, true);
      t.dispose();
    }
  }

  protected p(name: string): tf.Variable {
    const v = this.params[name];
    if (!v) throw new Error(`cell has no parameter ${name}`);
    return v;
  }

  initialState(batch: number): CellState {
    return { h: tf.zeros([batch, this.hiddenSize]) };
  }

  // xp = x·Wx + b   (N, in) @ (in, G·H) + (G·H) -> (N, G·H)
  projectInput(x: tf.Tensor2D): tf.Tensor2D {
    return tf.add(tf.matMul(x, this.p('Wx')), this.p('b'));
  }

  abstract stepProjected(xp: tf.Tensor2D, state: CellState): CellState;

  step(x: tf.Tensor2D, state: CellState): CellState {
    return this.stepProjected(this.projectInput(x), state);
  }

  variables(): tf.Variable[] {
    return Object.values(this.params);
  }

  exportWeights(): CellWeights {
    const out: CellWeights = {};
    for (const [name, v] of Object.entries(this.params)) out[name] = v.arraySync() as number[] | number[][];
    return out;
  }

  toJSON(): CellJSON {
    return {
      type: this.type,
      inputSize: this.inputSize,
      hiddenSize: this.hiddenSize,
      weights: this.exportWeights(),
    };
  }

  dispose(): void {
    for (const v of Object.values(this.params)) v.dispose();
  }
}

/** Vanilla (Elman) RNN: one tanh layer fed its own previous output. */
export class RNNCell extends BaseCell {
  readonly type = 'rnn' as const;
  stepProjected(xp: tf.Tensor2D, { h }: CellState): CellState {
    // h_t = tanh(x_t·Wx + h_{t−1}·Wh + b)   (B, H)
    return { h: tf.tanh(tf.add(xp, tf.matMul(h, this.p('Wh')))) as tf.Tensor2D };
  }
}

/** LSTM: a cell memory c updated additively, guarded by input, forget and output gates. */
export class LSTMCell extends BaseCell {
  readonly type = 'lstm' as const;
  override initialState(batch: number): CellState {
    return { h: tf.zeros([batch, this.hiddenSize]), c: tf.zeros([batch, this.hiddenSize]) };
  }
  stepProjected(xp: tf.Tensor2D, { h, c }: CellState): CellState {
    if (!c) throw new Error('an LSTM state needs c');
    // [i | f | g | o] = x_t·Wx + h_{t−1}·Wh + b   (B, 4H), split into four (B, H)
    const [zi, zf, zg, zo] = tf.split(tf.add(xp, tf.matMul(h, this.p('Wh'))), 4, 1) as tf.Tensor2D[];
    // i = σ(zi) how much to write, f = σ(zf) how much to keep, g = tanh(zg) what to write, o = σ(zo) what to show
    // c_t = f ⊙ c_{t−1} + i ⊙ g     — additive: the gradient along c is scaled by f, not squashed
    const cNext = tf.add(
      tf.mul(tf.sigmoid(zf as tf.Tensor2D), c),
      tf.mul(tf.sigmoid(zi as tf.Tensor2D), tf.tanh(zg as tf.Tensor2D)),
    );
    // h_t = o ⊙ tanh(c_t)
    return {
      h: tf.mul(tf.sigmoid(zo as tf.Tensor2D), tf.tanh(cNext)) as tf.Tensor2D,
      c: cNext as tf.Tensor2D,
    };
  }
}

/** GRU: two gates, no separate memory; h itself is interpolated between old and new. */
export class GRUCell extends BaseCell {
  readonly type = 'gru' as const;
  stepProjected(xp: tf.Tensor2D, { h }: CellState): CellState {
    const H = this.hiddenSize;
    // [xr | xz | xn] = x_t·Wx + b,  [hr | hz | hn] = h_{t−1}·Wh   (B, 3H) each
    const [xr, xz, xn] = tf.split(xp, [H, H, H], 1) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
    const [hr, hz, hn] = tf.split(tf.matMul(h, this.p('Wh')), [H, H, H], 1) as [
      tf.Tensor2D,
      tf.Tensor2D,
      tf.Tensor2D,
    ];
    // r = σ(xr + hr) reset gate,  z = σ(xz + hz) update gate
    const r = tf.sigmoid(tf.add(xr, hr));
    const z = tf.sigmoid(tf.add(xz, hz));
    // n = tanh(xn + r ⊙ (hn + b_hn))   candidate (PyTorch puts r inside, after h·Whn)
    const n = tf.tanh(tf.add(xn, tf.mul(r, tf.add(hn, this.p('bhn')))));
    // h_t = (1 − z) ⊙ n + z ⊙ h_{t−1}  = n + z ⊙ (h_{t−1} − n)
    return { h: tf.add(n, tf.mul(z, tf.sub(h, n))) as tf.Tensor2D };
  }
}

/**
 * A cell's starting weights as plain arrays, drawn from `rng` (Wx, then Wh): PyTorch's U(±1/√H),
 * biases 0 but the LSTM forget gate's 1. Both engines start from these (createCell, and the
 * @firth/tensor char-LM in char-lm-firth.ts), so a seed gives the same model on either.
 */
export function initialCellWeights(
  type: CellType,
  inputSize: number,
  hiddenSize: number,
  rng: RandomState,
): CellWeights {
  checkCellType(type);
  checkSize(inputSize, 'inputSize');
  checkSize(hiddenSize, 'hiddenSize');
  const G = GATES[type];
  const H = hiddenSize;
  const k = 1 / Math.sqrt(H);
  const weights: CellWeights = {
    Wx: uniform(rng, inputSize, G * H, k),
    Wh: uniform(rng, H, G * H, k),
    b: new Array<number>(G * H).fill(0),
  };
  if (type === 'lstm') {
    // forget gate bias = 1 (gate order i, f, g, o): σ(1) ≈ 0.73 of the memory kept at the start
    (weights.b as number[]).fill(1, H, 2 * H);
  }
  if (type === 'gru') weights.bhn = new Array<number>(H).fill(0);
  return weights;
}

/**
 * A fresh cell with seeded weights.
 *
 *   const cell = createCell('lstm', 32, 128, new RandomState(0));
 *   tf.tidy(() => cell.step(tf.zeros([1, 32]), cell.initialState(1)).h.shape) // [1, 128]
 */
export function createCell(
  type: CellType,
  inputSize: number,
  hiddenSize: number,
  rng: RandomState,
): RecurrentCell {
  return buildCell(type, inputSize, hiddenSize, initialCellWeights(type, inputSize, hiddenSize, rng));
}

/** Checks a serialised cell's type, sizes and weight shapes (not yet its values); returns it typed. */
export function checkCellJSON(json: CellJSON): CellJSON {
  const type = checkCellType(json?.type);
  const inputSize = checkSize(json.inputSize, 'inputSize');
  const H = checkSize(json.hiddenSize, 'hiddenSize');
  const G = GATES[type];
  const expect: Record<string, number[]> = { Wx: [inputSize, G * H], Wh: [H, G * H], b: [G * H] };
  if (type === 'gru') expect.bhn = [H];
  for (const [name, shape] of Object.entries(expect)) {
    const w = json.weights?.[name];
    const ok =
      Array.isArray(w) &&
      w.length === shape[0] &&
      (shape.length === 1 || w.every((row) => Array.isArray(row) && row.length === shape[1]));
    if (!ok)
      throw new ValidationError(`${type} cell weight ${name} must have shape [${shape.join(', ')}]`, name);
  }
  return json;
}

/** A cell from `cell.toJSON()`. */
export function cellFromJSON(json: CellJSON): RecurrentCell {
  const { type, inputSize, hiddenSize, weights } = checkCellJSON(json);
  return buildCell(type, inputSize, hiddenSize, weights);
}

function buildCell(
  type: CellType,
  inputSize: number,
  hiddenSize: number,
  weights: CellWeights,
): RecurrentCell {
  if (type === 'rnn') return new RNNCell(inputSize, hiddenSize, weights);
  if (type === 'lstm') return new LSTMCell(inputSize, hiddenSize, weights);
  return new GRUCell(inputSize, hiddenSize, weights);
}
