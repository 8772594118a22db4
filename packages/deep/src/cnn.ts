/**
 * A small convolutional neural network written op by op — no `tf.layers`, so every layer's math is
 * on the page: conv2d, max / average pooling, a reshape, a matrix product. It trains on Firth's
 * engine (@firth/tensor: im2col convolution on the WebAssembly SIMD products) or on TensorFlow.js
 * (`tf.conv2d`, `tf.maxPool`, `tf.matMul`); backend.ts's chooseEngine picks (the `engine` option).
 *
 * Lesson: "Convolutional Neural Networks" (Introduction to Large Language Models): convolutional
 * layers (filters scanning the image: local connectivity, parameter sharing), pooling layers
 * (smaller maps, the features kept), fully connected layers. The plain-JavaScript reference for one
 * filter is `conv2d` in @firth/neural (convolution.ts); cnn.test.ts proves `convLayer` equals it on
 * the course's 5×5 example, and trains on scikit-learn's 8×8 digits to ≥ 97 % held-out accuracy.
 *
 * The network (NHWC: batch, height, width, channels), for the default layers on 8×8 digits:
 *   x (B, 8, 8, 1) → conv 3×3×16 + ReLU (B, 8, 8, 16) → max-pool 2 (B, 4, 4, 16)
 *     → conv 3×3×32 + ReLU (B, 4, 4, 32) → flatten (B, 512) → dense 10 (B, 10) → softmax
 * The output layer (dense, one unit per class, softmax) is added by `fit`; `layers` are the rest.
 * Loss: mean cross-entropy; optimizer: Adam. Weights start Glorot-uniform (Keras' default) drawn
 * from a seeded NumPy-compatible RandomState, which also shuffles the batches: a seed gives the same
 * model on every backend, up to float32 rounding.
 *
 * The layers themselves (conv, pool, dense as functions of tensors, their shapes, and the conv
 * gradient the wasm backend lacks) are in cnn-layers.ts.
 *
 * Deliberately left out: colour (multi-channel) input, dropout, batch normalisation, dilation,
 * learning-rate schedules, early stopping. `toJSON` keeps weights, not Adam's moments.
 */
import { checkImage, type ProgressCallback } from '@firth/neural';
import {
  checkLabels,
  checkModelJSON,
  RandomState,
  stratifiedShuffleSplit,
  uniqueLabels,
  ValidationError,
} from '@firth/numeric';
import * as ft from '@firth/tensor';
import { chooseEngine, type DeepEngine, initBackend, tf } from './backend.js';
import {
  DEFAULT_CNN_LAYERS,
  describeLayer,
  describeValue,
  firthForward,
  forward,
  type LayerSpec,
  type Planned,
  planLayers,
  positiveInt,
  type ResolvedLayer,
  resolveLayer,
} from './cnn-layers.js';

export type CNNLabel = number | string;

export interface CNNOptions {
  /** Hidden layers; the output layer is added by fit. @default DEFAULT_CNN_LAYERS — ≥ 97 % on digits */
  layers?: LayerSpec[];
  /** Passes over the training images. @default 12 — the digits loss has flattened by then (~10 s) */
  epochs?: number;
  /** Images per Adam step. @default 32 — Keras' default; small batches learn fast on small data */
  batchSize?: number;
  /** Adam's step size. @default 0.01 — 10× Keras' 0.001: converges in a few epochs on digits */
  learningRate?: number;
  /** Seeds weight initialisation, the validation split and the shuffling. @default 0 — reproducible */
  seed?: number;
  /** Share of images held out (stratified) to report valLoss / valAccuracy. @default 0 — none */
  validationFraction?: number;
  /**
   * Which engine trains and predicts (not saved: a model trained on one runs on the other).
   * @default 'auto' — FIRTH_DEEP_ENGINE, else 'tfjs' when @tensorflow/tfjs-node is installed, else 'firth' (backend.ts)
   */
  engine?: DeepEngine | 'auto';
}

interface Resolved {
  layers: ResolvedLayer[];
  epochs: number;
  batchSize: number;
  learningRate: number;
  seed: number;
  validationFraction: number;
}

export interface CNNFitOptions {
  /** Called after every Adam step (`step`), every epoch and once at the `end`. */
  onProgress?: ProgressCallback;
}

/** One row of `summary()`: `{ layer: 'conv 3×3×16 same relu', outputShape: [8, 8, 16], params: 160 }`. */
export interface LayerSummary {
  layer: string;
  outputShape: number[];
  params: number;
}

export interface CNNJSON {
  type: 'firth.CNNClassifier';
  version: 1;
  options: Resolved;
  classes: CNNLabel[];
  /** Height and width of the training images. */
  imageShape: [number, number];
  /** Kernels and biases in layer order, row-major (kernels as tf stores them: kh, kw, in, out). */
  params: { shape: number[]; values: number[] }[];
  lossCurve: number[];
  valLossCurve: number[];
  validationScores: number[];
  nIter: number;
}

function resolveOptions(o: CNNOptions): Resolved {
  const layers = o.layers ?? DEFAULT_CNN_LAYERS;
  if (!Array.isArray(layers))
    throw new ValidationError(
      `layers must be an array of layer objects, got ${describeValue(layers)}`,
      'layers',
    );
  const learningRate = o.learningRate ?? 0.01;
  if (typeof learningRate !== 'number' || !Number.isFinite(learningRate) || learningRate <= 0)
    throw new ValidationError(
      `learningRate must be a finite number > 0, got ${describeValue(learningRate)}`,
      'learningRate',
    );
  const validationFraction = o.validationFraction ?? 0;
  if (typeof validationFraction !== 'number' || !(validationFraction >= 0 && validationFraction < 1))
    throw new ValidationError(
      `validationFraction must be a number in [0, 1), got ${describeValue(validationFraction)}`,
      'validationFraction',
    );
  const seed = o.seed ?? 0;
  if (typeof seed !== 'number' || !Number.isInteger(seed) || seed < 0 || seed >= 2 ** 32)
    throw new ValidationError(`seed must be an integer in [0, 2^32), got ${describeValue(seed)}`, 'seed');
  return {
    layers: layers.map(resolveLayer),
    epochs: positiveInt(o.epochs ?? 12, 'epochs'),
    batchSize: positiveInt(o.batchSize ?? 32, 'batchSize'),
    learningRate,
    seed,
    validationFraction,
  };
}

/**
 * Checks N images of one size H×W (each a 2-D array of finite numbers) and packs them row-major
 * into (N, H, W, 1). With `trained`, the size must be the one the model was trained on.
 */
function checkImages(
  images: unknown,
  name: string,
  trained?: [number, number],
): { data: Float32Array; n: number; h: number; w: number } {
  if (!Array.isArray(images))
    throw new ValidationError(
      `${name} must be an array of 2-D images (N×H×W), got ${describeValue(images)}`,
      name,
    );
  if (images.length === 0) throw new ValidationError(`${name} is empty: at least one image is needed`, name);
  const first = checkImage(images[0], `${name}[0]`);
  const h = first.length;
  const w = (first[0] as number[]).length;
  const data = new Float32Array(images.length * h * w);
  images.forEach((raw, i) => {
    const img = checkImage(raw, `${name}[${i}]`);
    const ih = img.length;
    const iw = (img[0] as number[]).length;
    if (trained && (ih !== trained[0] || iw !== trained[1])) {
      throw new ValidationError(
        `${name}[${i}] is ${ih}×${iw}, but the model was trained on ${trained[0]}×${trained[1]} images`,
        `${name}[${i}]`,
      );
    }
    if (ih !== h || iw !== w) {
      throw new ValidationError(
        `${name}[${i}] is ${ih}×${iw}, but ${name}[0] is ${h}×${w}; all images must have one size`,
        `${name}[${i}]`,
      );
    }
    for (const [r, row] of img.entries()) data.set(row, (i * h + r) * w);
  });
  return { data, n: images.length, h, w };
}

// ---------------------------------------------------------------------------------------------
// The estimator
// ---------------------------------------------------------------------------------------------

/** Row-wise softmax of (rows, K) logits, in float64 (the max subtracted). */
function softmaxRows(z: Float32Array, K: number): Float32Array {
  const p = new Float32Array(z.length);
  for (let o = 0; o < z.length; o += K) {
    let max = Number.NEGATIVE_INFINITY;
    for (let k = 0; k < K; k++) max = Math.max(max, z[o + k]!);
    let sum = 0;
    for (let k = 0; k < K; k++) sum += Math.exp(z[o + k]! - max);
    for (let k = 0; k < K; k++) p[o + k] = Math.exp(z[o + k]! - max) / sum;
  }
  return p;
}

/** Row-wise log softmax of (rows, K) logits: z − max − log Σ e^(z − max). */
function logSoftmaxRows(z: Float32Array, K: number): Float64Array {
  const out = new Float64Array(z.length);
  for (let o = 0; o < z.length; o += K) {
    let max = Number.NEGATIVE_INFINITY;
    for (let k = 0; k < K; k++) max = Math.max(max, z[o + k]!);
    let sum = 0;
    for (let k = 0; k < K; k++) sum += Math.exp(z[o + k]! - max);
    const lse = max + Math.log(sum);
    for (let k = 0; k < K; k++) out[o + k] = z[o + k]! - lse;
  }
  return out;
}

/** Glorot-uniform: U(±sqrt(6 / (fanIn + fanOut))), fan = receptive field × channels (Keras' default). */
function glorotUniform(shape: number[], rng: RandomState): Float32Array {
  const receptive = shape.slice(0, -2).reduce((a, b) => a * b, 1);
  const fanIn = receptive * (shape[shape.length - 2] as number);
  const fanOut = receptive * (shape[shape.length - 1] as number);
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  return Float32Array.from(
    rng.uniformArray(
      -limit,
      limit,
      shape.reduce((a, b) => a * b, 1),
    ),
  );
}

const PREDICT_BATCH = 256;

/** Weights as plain arrays, in layer order (kernels as (kh, kw, in, out)). */
type Weights = { shape: number[]; values: Float32Array }[];

/**
 * The network on one engine: the weights, the logits of a batch, and Adam steps. cnn.ts's loop
 * (batches, shuffles, validation, progress) is the same for both.
 */
interface CnnNet {
  /** logits (rows, K) of `rows` images packed in xs (rows · H · W). */
  logits(xs: Float32Array, rows: number): Float32Array;
  /** One Adam step on a batch: the mean cross-entropy before it and how many argmax hits. */
  step(xs: Float32Array, yIndex: number[]): { loss: number; hits: number };
  /** Ends training: frees the optimizer's state. */
  endTraining(): void;
  weights(): Weights;
  dispose(): void;
}

const argmax = (row: ArrayLike<number>, o: number, K: number) => {
  let best = 0;
  for (let k = 1; k < K; k++) if (row[o + k]! > row[o + best]!) best = k;
  return best;
};

/** On Firth's engine (@firth/tensor): Adam is AdamW without decay and with tf's ε = 1e-7. */
function firthNet(
  plan: Planned[],
  weights: Weights,
  [h, w]: [number, number],
  K: number,
  lr: number,
): CnnNet {
  const params = weights.map(({ shape, values }) => new ft.Tensor(values.slice(), shape, true));
  let adam: ft.AdamW | null = null;
  return {
    logits: (xs, rows) => firthForward(new ft.Tensor(xs, [rows, h, w, 1]), plan, params).data,
    step: (xs, yIndex) => {
      adam ??= new ft.AdamW(params, { lr, eps: 1e-7, weightDecay: 0 });
      const rows = yIndex.length;
      const z = firthForward(new ft.Tensor(xs, [rows, h, w, 1]), plan, params);
      // loss = −(1/B) Σ_n log softmax(z_n)[y_n]
      const loss = ft.crossEntropy(z, yIndex);
      let hits = 0;
      for (let n = 0; n < rows; n++) if (argmax(z.data, n * K, K) === yIndex[n]) hits++;
      adam.zeroGrad();
      loss.backward();
      adam.step();
      return { loss: loss.item(), hits };
    },
    endTraining: () => {
      adam = null;
    },
    weights: () => params.map((p) => ({ shape: p.shape.slice(), values: p.data.slice() })),
    dispose: () => {},
  };
}

/** On TensorFlow.js (tfjs-node when installed, else its wasm backend): the weights as tf variables. */
function tfjsNet(plan: Planned[], weights: Weights, [h, w]: [number, number], K: number, lr: number): CnnNet {
  const vars = weights.map(({ shape, values }) => {
    const t = tf.tensor(values, shape);
    const v = tf.variable(t);
    t.dispose();
    return v;
  });
  let optimizer: tf.Optimizer | null = null;
  return {
    logits: (xs, rows) => {
      const z = tf.tidy(() => forward(tf.tensor4d(xs, [rows, h, w, 1]), plan, vars));
      const values = z.dataSync() as Float32Array;
      z.dispose();
      return values;
    },
    step: (xs, yIndex) => {
      optimizer ??= tf.train.adam(lr);
      const rows = yIndex.length;
      const ys = new Float32Array(rows * K); // one-hot built here: tf.oneHot float32 is wrong on wasm
      for (const [b, k] of yIndex.entries()) ys[b * K + k] = 1;
      const x = tf.tensor4d(xs, [rows, h, w, 1]);
      const Y = tf.tensor2d(ys, [rows, K]);
      let correct: tf.Tensor | undefined;
      const lossT = optimizer.minimize(
        () => {
          const logits = forward(x, plan, vars);
          // loss = −(1/B) Σ_n Σ_k Y[n,k] · log softmax(z)[n,k]      (B, K) → ()
          const loss = tf.neg(tf.mean(tf.sum(tf.mul(Y, tf.logSoftmax(logits)), 1)));
          // how many argmax predictions hit (kept out of the tidy; not part of the gradient)
          correct = tf.keep(tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), tf.argMax(Y, 1)), 'float32')));
          return loss as tf.Scalar;
        },
        true,
        vars,
      ) as tf.Scalar;
      const loss = lossT.dataSync()[0] as number;
      const hits = (correct as tf.Tensor).dataSync()[0] as number;
      tf.dispose([x, Y, lossT, correct as tf.Tensor]);
      return { loss, hits };
    },
    endTraining: () => {
      optimizer?.dispose();
      optimizer = null;
    },
    weights: () => vars.map((v) => ({ shape: v.shape.slice(), values: v.dataSync() as Float32Array })),
    dispose: () => {
      for (const v of vars) v.dispose();
    },
  };
}

/**
 * A convolutional image classifier with scikit-learn's estimator contract (async: TF.js may run it).
 *
 *   const cnn = new CNNClassifier({ epochs: 12, seed: 0 });
 *   await cnn.fit(digits.images.map((im) => im.map((r) => r.map((v) => v / 16))), digits.target);
 *   await cnn.predict([image]) // [7]
 *   cnn.summary() // [{ layer: 'conv 3×3×16 stride 1 same relu', outputShape: [8, 8, 16], params: 160 }, …]
 */
export class CNNClassifier {
  readonly options: Readonly<Resolved>;
  /** The engine that trains and predicts: 'firth' (@firth/tensor) or 'tfjs' (backend.ts decides). */
  readonly engine: DeepEngine;
  /** The class labels, sorted (np.unique order); predictions are drawn from these. */
  classes: CNNLabel[] = [];
  /** Height and width of the training images; predict needs the same. */
  imageShape: [number, number] | null = null;
  /** Mean training loss of each epoch. */
  lossCurve: number[] = [];
  /** Loss on the held-out images after each epoch (with validationFraction > 0). */
  valLossCurve: number[] = [];
  /** Accuracy on the held-out images after each epoch (sklearn's `validation_scores_`). */
  validationScores: number[] = [];
  /** Epochs run. */
  nIter = 0;
  private plan: Planned[] = [];
  /** The network on its engine (after fit, or the first predict after fromJSON). */
  private net: CnnNet | null = null;
  /** Weights waiting for the engine (after fromJSON, before the first predict). */
  private pending: Weights | null = null;

  constructor(options: CNNOptions = {}) {
    this.options = resolveOptions(options);
    this.engine = chooseEngine(options.engine);
  }

  private makeNet(weights: Weights): CnnNet {
    const make = this.engine === 'firth' ? firthNet : tfjsNet;
    return make(this.plan, weights, this.imageShape!, this.classes.length, this.options.learningRate);
  }

  /**
   * Trains on N images (N × H × W arrays of numbers, one channel; scale them to about [0, 1])
   * and their labels, from fresh weights.
   */
  async fit(images: number[][][], labels: CNNLabel[], fitOptions: CNNFitOptions = {}): Promise<this> {
    const { data, n, h, w } = checkImages(images, 'images');
    const y = checkLabels(labels, n, 'labels');
    const classes = uniqueLabels(y, 'labels');
    if (classes.length < 2)
      throw new ValidationError(
        `labels hold one class (${describeValue(classes[0])}); a classifier needs at least 2`,
        'labels',
      );
    const { layers, epochs, batchSize, learningRate, seed, validationFraction } = this.options;
    const plan = planLayers(layers, h, w, classes.length);
    if (this.engine === 'tfjs') await initBackend();
    this.dispose();
    this.classes = classes;
    this.imageShape = [h, w];
    this.plan = plan;
    const index = new Map(classes.map((c, k) => [c, k]));
    const yIndex = y.map((v) => index.get(v) as number);
    const rng = new RandomState(seed);
    // weights first, then the split, then the shuffles: one stream of draws, one seed
    const shapes = plan.flatMap((p) => p.paramShapes);
    const net = this.makeNet(
      shapes.map((shape) => ({
        shape,
        values: shape.length === 1 ? new Float32Array(shape[0] as number) : glorotUniform(shape, rng),
      })),
    );
    this.net = net;
    let train = Array.from({ length: n }, (_, i) => i);
    let held: number[] = [];
    if (validationFraction > 0) {
      // scikit-learn's test_size rounding: ceil(fraction · n)
      ({ train, test: held } = stratifiedShuffleSplit(yIndex, Math.ceil(validationFraction * n), rng));
    }
    const pixels = h * w;
    const batch = (rows: number[]) => {
      const xs = new Float32Array(rows.length * pixels);
      for (const [b, r] of rows.entries()) xs.set(data.subarray(r * pixels, (r + 1) * pixels), b * pixels);
      return xs;
    };

    this.lossCurve = [];
    this.valLossCurve = [];
    this.validationScores = [];
    this.nIter = 0;
    const steps = Math.ceil(train.length / batchSize);
    const start = performance.now();
    const emit = fitOptions.onProgress ?? (() => {});
    let last = { loss: Number.NaN, metrics: {} as Record<string, number> };
    try {
      for (let epoch = 1; epoch <= epochs; epoch++) {
        const order = rng.permutation(train.length).map((i) => train[i] as number);
        let lossSum = 0;
        let correctSum = 0;
        for (let step = 1; step <= steps; step++) {
          const rows = order.slice((step - 1) * batchSize, step * batchSize);
          const { loss, hits } = net.step(
            batch(rows),
            rows.map((r) => yIndex[r] as number),
          );
          if (!Number.isFinite(loss))
            throw new Error(
              `the loss became ${loss} at epoch ${epoch}, step ${step}; lower learningRate (now ${learningRate})`,
            );
          lossSum += loss * rows.length;
          correctSum += hits;
          emit({
            phase: 'step',
            epoch,
            epochs,
            step,
            steps,
            loss,
            metrics: { accuracy: hits / rows.length },
            elapsedMs: performance.now() - start,
          });
        }
        const metrics: Record<string, number> = { accuracy: correctSum / train.length };
        const epochLoss = lossSum / train.length;
        this.lossCurve.push(epochLoss);
        if (held.length > 0) {
          const { loss, accuracy } = this.evaluate(
            held.map((r) => data.subarray(r * pixels, (r + 1) * pixels)),
            held.map((r) => yIndex[r] as number),
          );
          this.valLossCurve.push(loss);
          this.validationScores.push(accuracy);
          Object.assign(metrics, { valLoss: loss, valAccuracy: accuracy });
        }
        this.nIter = epoch;
        last = { loss: epochLoss, metrics };
        emit({
          phase: 'epoch',
          epoch,
          epochs,
          step: steps,
          steps,
          loss: epochLoss,
          metrics,
          elapsedMs: performance.now() - start,
        });
      }
    } finally {
      net.endTraining();
    }
    emit({
      phase: 'end',
      epoch: this.nIter,
      epochs,
      step: steps,
      steps,
      loss: last.loss,
      metrics: last.metrics,
      elapsedMs: performance.now() - start,
    });
    return this;
  }

  /** Class probabilities, one row per image, columns in `classes` order. */
  async predictProba(images: number[][][]): Promise<number[][]> {
    const shape = this.trainedShape('predictProba');
    const { data, n } = checkImages(images, 'images', shape);
    await this.ready();
    const pixels = shape[0] * shape[1];
    const K = this.classes.length;
    const out: number[][] = [];
    for (let start = 0; start < n; start += PREDICT_BATCH) {
      const rows = Math.min(PREDICT_BATCH, n - start);
      // p = softmax(z)   (B, K)
      const z = this.net!.logits(data.slice(start * pixels, (start + rows) * pixels), rows);
      const values = softmaxRows(z, K);
      for (let i = 0; i < rows; i++) out.push(Array.from(values.subarray(i * K, (i + 1) * K)));
    }
    return out;
  }

  /** The most probable class of each image. */
  async predict(images: number[][][]): Promise<CNNLabel[]> {
    const proba = await this.predictProba(images);
    return proba.map((p) => this.classes[p.indexOf(Math.max(...p))] as CNNLabel);
  }

  /** Accuracy: the share of images whose predicted class equals the label. */
  async score(images: number[][][], labels: CNNLabel[]): Promise<number> {
    this.trainedShape('score');
    // the images are checked by predict; the labels must match them in number
    const y = Array.isArray(images) ? checkLabels(labels, images.length, 'labels') : [];
    const pred = await this.predict(images);
    return pred.filter((p, i) => p === y[i]).length / pred.length;
  }

  /** Each layer's output shape and number of weights (after fit or fromJSON). */
  summary(): LayerSummary[] {
    this.trainedShape('summary');
    return this.plan.map((p, i) => ({
      layer:
        i === this.plan.length - 1 ? `output dense ${this.classes.length} softmax` : describeLayer(p.spec),
      outputShape: p.outShape,
      params: p.paramShapes.reduce((s, shape) => s + shape.reduce((a, b) => a * b, 1), 0),
    }));
  }

  /** Mean cross-entropy and accuracy of a held-out set (images already packed). */
  private evaluate(images: Float32Array[], yIndex: number[]): { loss: number; accuracy: number } {
    const [h, w] = this.imageShape as [number, number];
    const K = this.classes.length;
    let lossSum = 0;
    let hits = 0;
    for (let start = 0; start < images.length; start += PREDICT_BATCH) {
      const rows = images.slice(start, start + PREDICT_BATCH);
      const idx = yIndex.slice(start, start + PREDICT_BATCH);
      const xs = new Float32Array(rows.length * h * w);
      for (const [b, r] of rows.entries()) xs.set(r, b * h * w);
      const logp = logSoftmaxRows(this.net!.logits(xs, rows.length), K);
      idx.forEach((k, b) => {
        const row = logp.subarray(b * K, (b + 1) * K);
        lossSum -= row[k] as number;
        if (row.indexOf(Math.max(...row)) === k) hits++;
      });
    }
    return { loss: lossSum / images.length, accuracy: hits / images.length };
  }

  private trainedShape(method: string): [number, number] {
    if (!this.imageShape) throw new ValidationError(`call fit() (or fromJSON) before ${method}()`, 'model');
    return this.imageShape;
  }

  /** Puts weights loaded by fromJSON on the engine (starting TF.js first when it is the engine). */
  private async ready(): Promise<void> {
    if (this.engine === 'tfjs') await initBackend();
    if (!this.pending) return;
    this.net = this.makeNet(this.pending);
    this.pending = null;
  }

  toJSON(): CNNJSON {
    const [h, w] = this.trainedShape('toJSON');
    const params = (this.pending ?? this.net?.weights() ?? []).map(({ shape, values }) => ({
      shape,
      values: Array.from(values),
    }));
    return {
      type: 'firth.CNNClassifier',
      version: 1,
      options: { ...this.options, layers: this.options.layers.map((l) => ({ ...l })) },
      classes: [...this.classes],
      imageShape: [h, w],
      params,
      lossCurve: [...this.lossCurve],
      valLossCurve: [...this.valLossCurve],
      validationScores: [...this.validationScores],
      nIter: this.nIter,
    };
  }

  /** Rebuilds a trained model from `toJSON()` output (or its JSON string), checking every field. */
  static fromJSON(json: CNNJSON | string, engine: DeepEngine | 'auto' = 'auto'): CNNClassifier {
    const m = checkModelJSON<CNNJSON>(json, 'firth.CNNClassifier');
    if (m.version !== 1)
      throw new ValidationError(`model.version must be 1, got ${describeValue(m.version)}`, 'model.version');
    const model = new CNNClassifier({ ...((m.options ?? {}) as CNNOptions), engine });
    if (!Array.isArray(m.classes))
      throw new ValidationError('model.classes must be an array of labels', 'model.classes');
    const classes = checkLabels(m.classes, m.classes.length, 'model.classes');
    const shape = m.imageShape;
    if (!Array.isArray(shape) || shape.length !== 2)
      throw new ValidationError(
        `model.imageShape must be [height, width], got ${describeValue(shape)}`,
        'model.imageShape',
      );
    const [h, w] = shape.map((v, i) => positiveInt(v, `model.imageShape[${i}]`)) as [number, number];
    const plan = planLayers(model.options.layers, h, w, classes.length);
    const expected = plan.flatMap((p) => p.paramShapes);
    if (!Array.isArray(m.params) || m.params.length !== expected.length)
      throw new ValidationError(
        `model.params must hold ${expected.length} arrays of weights, got ${describeValue(m.params)}`,
        'model.params',
      );
    const pending = expected.map((want, i) => {
      const p = (m.params as unknown[])[i] as { shape?: unknown; values?: unknown } | null;
      const at = `model.params[${i}]`;
      if (JSON.stringify(p?.shape) !== JSON.stringify(want))
        throw new ValidationError(
          `${at}.shape must be ${JSON.stringify(want)}, got ${JSON.stringify(p?.shape)}`,
          at,
        );
      const size = want.reduce((a, b) => a * b, 1);
      const values = p?.values;
      if (!Array.isArray(values) || values.length !== size)
        throw new ValidationError(`${at}.values must hold ${size} numbers, got ${describeValue(values)}`, at);
      values.forEach((v, j) => {
        if (typeof v !== 'number' || !Number.isFinite(v))
          throw new ValidationError(
            `${at}.values[${j}] must be a finite number, got ${describeValue(v)}`,
            at,
          );
      });
      return { shape: want, values: Float32Array.from(values as number[]) };
    });
    const curve = (v: unknown, name: string): number[] => {
      if (v === undefined) return [];
      if (!Array.isArray(v) || v.some((x) => typeof x !== 'number'))
        throw new ValidationError(`model.${name} must be an array of numbers`, `model.${name}`);
      return [...v];
    };
    model.classes = classes;
    model.imageShape = [h, w];
    model.plan = plan;
    model.pending = pending;
    model.lossCurve = curve(m.lossCurve, 'lossCurve');
    model.valLossCurve = curve(m.valLossCurve, 'valLossCurve');
    model.validationScores = curve(m.validationScores, 'validationScores');
    model.nIter = typeof m.nIter === 'number' ? m.nIter : model.lossCurve.length;
    return model;
  }

  /** Frees the weights' tensors (the model then needs fit or fromJSON again to predict). */
  dispose(): void {
    this.net?.dispose();
    this.net = null;
  }
}
