/**
 * A character-level language model — Karpathy's char-rnn, the course's "Recurrent Neural
 * Networks" lesson made runnable: read text one character at a time, keep a hidden state as
 * memory, and predict the next character.
 *
 *   chars → one-hot (V) → embedding E (V, Emb) → L recurrent layers (RNN/LSTM/GRU, H units)
 *         → logits = h·Wy + by (V) → softmax → next character
 *
 * Training: random windows of seqLength + 1 characters (drawn with a seeded RandomState), the
 * network unrolled over the window with a zero initial state (truncated backpropagation through
 * time: gradients flow back at most seqLength steps), cross-entropy of every next character,
 * Adam, and gradients clipped to a global norm (the remedy for exploding gradients).
 * The network runs on Firth's engine (char-net-firth.ts: fused recurrent ops of @firth/tensor) or on
 * TensorFlow.js (char-net-tfjs.ts); backend.ts's chooseEngine picks (the `engine` option).
 * Left out: carrying the state across batches during training, dropout, learning-rate schedules.
 *
 *   const lm = new CharLanguageModel({ cell: 'lstm', hiddenSize: 64 });
 *   await lm.fit(loadTinyShakespeare().slice(0, 100_000), { steps: 300 });
 *   await lm.sample({ prompt: 'ROMEO:\n', length: 80, temperature: 0.5 })
 */
import type { ProgressCallback } from '@firth/neural';
import { RandomState, ValidationError } from '@firth/numeric';
import { chooseEngine, type DeepEngine, initBackend } from './backend.js';
import { type CharNet, type CharNetWeights, initialWeights } from './char-net.js';
import { firthCharNet } from './char-net-firth.js';
import { tfjsCharNet } from './char-net-tfjs.js';
import { type CellJSON, type CellType, checkCellJSON, checkCellType } from './rnn.js';
import {
  checkEvaluateText,
  checkSampleOptions,
  encodeChars,
  type SampleOptions,
  sampleFromLogits,
  softmaxWithTemperature,
  type TextSampler,
} from './sampling.js';

export interface CharLanguageModelOptions {
  /** The recurrent cell. @default 'lstm' — the one that remembers across dozens of characters */
  cell?: CellType;
  /** Units per recurrent layer (H). @default 128 — the size of char-rnn's and ml5's Shakespeare models */
  hiddenSize?: number;
  /** Stacked recurrent layers; layer l reads layer l−1's h. @default 1 — enough to learn words on a CPU */
  numLayers?: number;
  /** Size of a character's embedding vector. @default 32 — 65 characters need few dimensions */
  embeddingSize?: number;
  /** Characters per training window = how far back gradients flow (truncated BPTT). @default 64 */
  seqLength?: number;
  /** Windows per Adam step. @default 32 — smooth enough gradients; ~0.1 s a step at H = 64, seqLength 32 (wasm) */
  batchSize?: number;
  /** Adam's step size. @default 0.01 — fast on small models (0.02 also trains H = 64); clipping keeps it stable */
  learningRate?: number;
  /** Largest global L2 norm of the gradient; larger ones are scaled down. @default 5 (char-rnn's value) */
  clipNorm?: number;
  /** Seed for weights and window sampling. @default 0 — every run gives the same model */
  seed?: number;
  /**
   * Which engine trains and runs the network (not saved: a model trained on one runs on the other).
   * @default 'auto' — FIRTH_DEEP_ENGINE, else 'tfjs' when @tensorflow/tfjs-node is installed, else 'firth' (backend.ts)
   */
  engine?: DeepEngine | 'auto';
}

/** The options a model keeps (and saves): all but the engine. */
export type CharLanguageModelSettings = Required<Omit<CharLanguageModelOptions, 'engine'>>;

export interface CharLanguageModelFitOptions {
  /** Adam updates to make (one random batch each). */
  steps: number;
  /** Called after every step (phase 'step'), and at the end ('epoch', then 'end'); all steps are one epoch. */
  onProgress?: ProgressCallback;
  /** Held-out text: its cross-entropy is reported as `metrics.valLoss` and kept in `valLossCurve`. */
  validationText?: string;
  /** Evaluate `validationText` every this many steps (and after the last). @default max(1, steps / 10) */
  evalEvery?: number;
}

/** A trained model as JSON: `CharLanguageModel.fromJSON(JSON.parse(JSON.stringify(lm)))`. */
export interface CharLanguageModelJSON {
  kind: 'CharLanguageModel';
  version: 1;
  options: CharLanguageModelSettings;
  vocab: string[];
  embedding: number[][];
  cells: CellJSON[];
  Wy: number[][];
  by: number[];
  lossCurve: number[];
}

function positiveInt(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    throw new ValidationError(`${name} must be a positive integer, got ${String(value)}`, name);
  }
  return value;
}

function positiveNumber(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new ValidationError(`${name} must be a positive number, got ${String(value)}`, name);
  }
  return value;
}

/**
 * Every number in a (nested) weight array is finite: a diverged model, or NaN/Infinity that
 * JSON.stringify wrote as null, is refused with the path of the first bad value.
 */
function checkFiniteWeights(value: unknown, path: string): void {
  const stack: [unknown, string][] = [[value, path]];
  while (stack.length > 0) {
    const [v, at] = stack.pop()!;
    if (Array.isArray(v)) for (let i = v.length - 1; i >= 0; i--) stack.push([v[i], `${at}[${i}]`]);
    else if (typeof v !== 'number' || !Number.isFinite(v))
      throw new ValidationError(`${at} must be a finite number, got ${JSON.stringify(v) ?? String(v)}`, at);
  }
}

export class CharLanguageModel implements TextSampler {
  readonly options: Readonly<CharLanguageModelSettings>;
  /** Characters, sorted by code point; id = index. Empty until `fit`. */
  vocab: string[] = [];
  /** Training loss (nats per character) of each step's batch. */
  lossCurve: number[] = [];
  /** `{ step, loss }` of each evaluation of `validationText`. */
  valLossCurve: { step: number; loss: number }[] = [];
  /** Adam updates made. */
  nIter = 0;

  private index = new Map<string, number>();
  /** Weights read by `fromJSON`, put on the engine by `ready()`. */
  private pending: CharLanguageModelJSON | undefined;
  /** The network on its engine (after fit, or the first use after fromJSON). */
  private net: CharNet | undefined;
  /** The engine that trains and runs the network: 'firth' (@firth/tensor) or 'tfjs' (backend.ts decides). */
  readonly engine: DeepEngine;

  constructor(options: CharLanguageModelOptions = {}) {
    const o = {
      cell: options.cell ?? 'lstm',
      hiddenSize: options.hiddenSize ?? 128,
      numLayers: options.numLayers ?? 1,
      embeddingSize: options.embeddingSize ?? 32,
      seqLength: options.seqLength ?? 64,
      batchSize: options.batchSize ?? 32,
      learningRate: options.learningRate ?? 0.01,
      clipNorm: options.clipNorm ?? 5,
      seed: options.seed ?? 0,
    };
    checkCellType(o.cell);
    for (const k of ['hiddenSize', 'numLayers', 'embeddingSize', 'seqLength', 'batchSize'] as const)
      positiveInt(o[k], k);
    positiveNumber(o.learningRate, 'learningRate');
    positiveNumber(o.clipNorm, 'clipNorm');
    if (!Number.isInteger(o.seed))
      throw new ValidationError(`seed must be an integer, got ${o.seed}`, 'seed');
    this.options = Object.freeze(o);
    this.engine = chooseEngine(options.engine);
  }

  /** Whether `fit` (or `fromJSON`) has made the weights. */
  get fitted(): boolean {
    return this.net !== undefined || this.pending !== undefined;
  }

  private makeNet(weights: CharNetWeights): CharNet {
    return (this.engine === 'firth' ? firthCharNet : tfjsCharNet)(this.options, weights) as CharNet;
  }

  /** Starts TF.js when it is the engine, and puts weights read by `fromJSON` on the engine. */
  private async ready(): Promise<void> {
    if (this.engine === 'tfjs') await initBackend();
    const json = this.pending;
    if (!json) return;
    this.pending = undefined;
    this.net = this.makeNet(json);
  }

  /**
   * Learns the vocabulary and the weights from `text` (re-initialising a fitted model).
   *
   *   await lm.fit(text, { steps: 300, onProgress: new ProgressBar({ label: 'char-LSTM' }).update })
   *   // H = 64, seqLength 32, batch 16, lr 0.02 on 100k characters (measured, ~7 s on 2 cores):
   *   lm.lossCurve[0] // 4.12 (≈ ln 61: uniform over the 61 characters seen)
   *   lm.lossCurve.slice(-10) // mean 2.06 after 100 steps; validation 2.19 at step 50, 1.98 at 100
   */
  async fit(text: string, fitOptions: CharLanguageModelFitOptions): Promise<this> {
    const { seqLength: T, batchSize: B, seed } = this.options;
    if (typeof text !== 'string' || text.length === 0) {
      throw new ValidationError('text is empty: a language model needs text to learn from', 'text');
    }
    const chars = Array.from(text);
    if (chars.length < T + 1) {
      throw new ValidationError(
        `text has ${chars.length} characters; it needs at least seqLength + 1 = ${T + 1} for one training window`,
        'text',
      );
    }
    const steps = positiveInt(fitOptions?.steps, 'steps');
    const evalEvery = positiveInt(fitOptions.evalEvery ?? Math.max(1, Math.floor(steps / 10)), 'evalEvery');
    if (this.engine === 'tfjs') await initBackend();

    this.disposeWeights();
    this.pending = undefined;
    this.vocab = [...new Set(chars)].sort();
    this.index = new Map(this.vocab.map((c, i) => [c, i]));
    const valIds =
      fitOptions.validationText === undefined
        ? undefined
        : this.encode(fitOptions.validationText, 'validationText');
    if (valIds && valIds.length < 2)
      throw new ValidationError('validationText needs at least 2 characters', 'validationText');
    const ids = chars.map((c) => this.index.get(c) as number);

    const rng = new RandomState(seed);
    const net = this.makeNet(initialWeights(this.options, this.vocab.length, rng));
    this.net = net;
    this.lossCurve = [];
    this.valLossCurve = [];
    this.nIter = 0;
    const started = Date.now();
    try {
      for (let step = 1; step <= steps; step++) {
        // A batch of B random windows, laid out time-major: row t·B + b is window b at time t.
        const x = new Array<number>(T * B);
        const y = new Array<number>(T * B);
        for (let b = 0; b < B; b++) {
          const start = rng.randint(0, ids.length - T);
          for (let t = 0; t < T; t++) {
            x[t * B + b] = ids[start + t] as number;
            y[t * B + b] = ids[start + t + 1] as number;
          }
        }
        const loss = await net.trainStep(x, y, B);
        this.lossCurve.push(loss);
        this.nIter = step;
        let metrics: Record<string, number> | undefined;
        if (valIds && (step % evalEvery === 0 || step === steps)) {
          const valLoss = this.meanCrossEntropy(valIds);
          this.valLossCurve.push({ step, loss: valLoss });
          metrics = { valLoss };
        }
        fitOptions.onProgress?.({
          phase: 'step',
          epoch: 1,
          epochs: 1,
          step,
          steps,
          loss,
          ...(metrics && { metrics }),
          elapsedMs: Date.now() - started,
        });
      }
    } finally {
      net.endTraining();
    }
    const mean = this.lossCurve.reduce((a, b) => a + b, 0) / this.lossCurve.length;
    const last = this.valLossCurve.at(-1);
    const metrics = last ? { valLoss: last.loss } : undefined;
    for (const phase of ['epoch', 'end'] as const) {
      fitOptions.onProgress?.({
        phase,
        epoch: 1,
        epochs: 1,
        step: steps,
        steps,
        loss: mean,
        ...(metrics && { metrics }),
        elapsedMs: Date.now() - started,
      });
    }
    return this;
  }

  /**
   * Mean cross-entropy of `text` in nats per predicted character (characters 2..n, each given
   * all the ones before it; the state is carried through the whole text). ln V for a model that
   * knows nothing, 0 for a perfect one; bits per character = nats / ln 2.
   */
  async evaluate(text: string): Promise<number> {
    this.checkFitted();
    await this.ready();
    const ids = this.encode(checkEvaluateText(text), 'text');
    return this.meanCrossEntropy(ids);
  }

  /**
   * Continues `prompt` by drawing one character at a time from softmax(logits / temperature).
   *
   *   await lm.sample({ prompt: 'ROMEO:\n', length: 40, temperature: 0.5, seed: 1 })
   */
  async sample(options: SampleOptions): Promise<string> {
    this.checkFitted();
    const { prompt, length, temperature, seed } = checkSampleOptions(options);
    await this.ready();
    const rng = new RandomState(seed);
    let { logits, states } = this.prime(prompt);
    const out: string[] = [];
    try {
      for (let i = 0; i < length; i++) {
        const id = sampleFromLogits(logits, temperature, rng);
        out.push(this.vocab[id] as string);
        if (i === length - 1) break;
        const next = this.advance([id], states);
        states = next.states;
        logits = next.logits;
      }
    } finally {
      this.net!.disposeStates(states);
    }
    return out.join('');
  }

  /** `{ char: p }` for the character after `prompt` (at temperature 1). */
  async nextCharProbabilities(prompt: string): Promise<Record<string, number>> {
    this.checkFitted();
    await this.ready();
    const { logits, states } = this.prime(checkSampleOptions({ prompt, length: 0 }).prompt);
    this.net!.disposeStates(states);
    const p = softmaxWithTemperature(logits, 1);
    return Object.fromEntries(this.vocab.map((c, i) => [c, p[i] as number]));
  }

  toJSON(): CharLanguageModelJSON {
    this.checkFitted();
    if (this.pending) return structuredClone(this.pending);
    return {
      kind: 'CharLanguageModel',
      version: 1,
      options: { ...this.options },
      vocab: [...this.vocab],
      ...this.net!.weights(),
      lossCurve: [...this.lossCurve],
    };
  }

  /**
   * A model from `toJSON()`'s output. The weights become tensors on first use (after the backend
   * has started), so this stays synchronous.
   */
  static fromJSON(json: CharLanguageModelJSON, engine: DeepEngine | 'auto' = 'auto'): CharLanguageModel {
    if (json?.kind !== 'CharLanguageModel') {
      throw new ValidationError(`not a CharLanguageModel JSON (kind ${JSON.stringify(json?.kind)})`, 'kind');
    }
    const lm = new CharLanguageModel({ ...json.options, engine });
    const { cell, hiddenSize: H, numLayers, embeddingSize } = lm.options;
    if (!Array.isArray(json.vocab) || json.vocab.length === 0)
      throw new ValidationError('vocab must be a non-empty array', 'vocab');
    const V = json.vocab.length;
    const shape = (m: unknown, r: number, c: number) =>
      Array.isArray(m) && m.length === r && m.every((row) => Array.isArray(row) && row.length === c);
    if (!shape(json.embedding, V, embeddingSize))
      throw new ValidationError(`embedding must be ${V}×${embeddingSize}`, 'embedding');
    if (!shape(json.Wy, H, V)) throw new ValidationError(`Wy must be ${H}×${V}`, 'Wy');
    if (!Array.isArray(json.by) || json.by.length !== V)
      throw new ValidationError(`by must have ${V} values`, 'by');
    if (!Array.isArray(json.cells) || json.cells.length !== numLayers) {
      throw new ValidationError(`cells must have ${numLayers} layers`, 'cells');
    }
    json.cells.forEach((c, l) => {
      if (c?.type !== cell || c.inputSize !== (l === 0 ? embeddingSize : H) || c.hiddenSize !== H) {
        throw new ValidationError(
          `cells[${l}] does not match the options (${cell}, hidden ${H})`,
          `cells[${l}]`,
        );
      }
      checkCellJSON(c); // the weights' shapes
    });
    const seen = new Set<string>();
    json.vocab.forEach((c, i) => {
      if (typeof c !== 'string' || [...c].length !== 1 || seen.has(c))
        throw new ValidationError(
          `vocab[${i}] must be a character not seen before, got ${JSON.stringify(c)}`,
          `vocab[${i}]`,
        );
      seen.add(c);
    });
    checkFiniteWeights(json.embedding, 'embedding');
    checkFiniteWeights(json.Wy, 'Wy');
    checkFiniteWeights(json.by, 'by');
    json.cells.forEach((c, l) => {
      for (const [name, w] of Object.entries(c.weights)) checkFiniteWeights(w, `cells[${l}].weights.${name}`);
    });
    lm.vocab = [...json.vocab];
    lm.index = new Map(lm.vocab.map((c, i) => [c, i]));
    lm.pending = json;
    lm.lossCurve = Array.isArray(json.lossCurve) ? [...json.lossCurve] : [];
    lm.nIter = lm.lossCurve.length;
    return lm;
  }

  /** Frees the weights (tf memory on TF.js). */
  dispose(): void {
    this.disposeWeights();
    this.pending = undefined;
  }

  // ---- the network ----------------------------------------------------------------------------

  /** Mean next-character cross-entropy over `ids`, batch 1, state carried chunk to chunk. */
  private meanCrossEntropy(ids: number[]): number {
    const net = this.net!;
    const V = this.vocab.length;
    const chunk = 256;
    let states = net.zeroStates(1);
    let total = 0;
    try {
      for (let s = 0; s + 1 < ids.length; s += chunk) {
        const end = Math.min(s + chunk, ids.length - 1);
        const out = net.run(ids.slice(s, end), 1, states);
        net.disposeStates(states);
        states = out.states;
        // −log softmax(z)[next] = log Σ e^(z − max) + max − z[next]   (float64)
        for (let r = 0; r < end - s; r++) {
          const o = r * V;
          let max = Number.NEGATIVE_INFINITY;
          for (let v = 0; v < V; v++) max = Math.max(max, out.logits[o + v]!);
          let sum = 0;
          for (let v = 0; v < V; v++) sum += Math.exp(out.logits[o + v]! - max);
          total += Math.log(sum) + max - out.logits[o + (ids[s + r + 1] as number)]!;
        }
      }
    } finally {
      net.disposeStates(states);
    }
    return total / (ids.length - 1);
  }

  /** Feeds the prompt (or the start character) and returns the next logits and the states. */
  private prime(prompt: string): { logits: Float32Array; states: unknown } {
    const ids = prompt.length > 0 ? this.encode(prompt, 'prompt') : [this.startId()];
    return this.advance(ids, this.net!.zeroStates(1));
  }

  /** Runs `ids` (batch 1) from `states` (freeing them); returns the last logits and the new states. */
  private advance(ids: number[], states: unknown): { logits: Float32Array; states: unknown } {
    const out = this.net!.run(ids, 1, states);
    this.net!.disposeStates(states);
    const V = this.vocab.length;
    return { logits: out.logits.slice((ids.length - 1) * V, ids.length * V), states: out.states };
  }

  /** Where a prompt-less sample starts: after a newline, like the beginning of a speech. */
  private startId(): number {
    return this.index.get('\n') ?? 0;
  }

  private encode(text: string, what: string): number[] {
    if (typeof text !== 'string')
      throw new ValidationError(`${what} must be a string, got ${typeof text}`, what);
    return encodeChars(text, this.index, what);
  }

  private checkFitted(): void {
    if (!this.fitted)
      throw new ValidationError(
        'CharLanguageModel is not fitted: call fit(text, { steps }) or fromJSON first',
      );
  }

  private disposeWeights(): void {
    this.net?.dispose();
    this.net = undefined;
  }
}
