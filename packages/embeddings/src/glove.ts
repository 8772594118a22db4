/**
 * GloVe, Global Vectors for word representation (Pennington, Socher & Manning 2014, "GloVe: Global
 * Vectors for Word Representation") — the course's "Glove" lesson: count how often words occur
 * near each other in the whole corpus, then learn vectors whose dot products predict the logarithm
 * of those counts, by weighted least squares. As in the Stanford C code (vocab_count, cooccur,
 * shuffle, glove.c):
 *
 *   // Lee background corpus, each line through simplePreprocess (glove.test.ts)
 *   const model = new GloVe(lee, { vectorSize: 32, window: 5, xMax: 10, epochs: 10 });
 *   model.wv.mostSimilar('arafat', 3) // [['mr', 0.89], ['leader', 0.86], ['has', 0.81]]
 *   model.lossCurve                   // [0.1576, 0.1375, 0.1157, …, 0.0843]  mean J per entry
 *   await GloVe.create('corpus.txt.gz', options)  // streamed: files, iterables of lines
 *
 * The pipeline:
 *   1. vocabulary: words with count ≥ minCount, most frequent first (vocab_count);
 *   2. co-occurrences X_ij = Σ over occurrences of word i of 1/d for each word j at distance
 *      d ≤ window (cooccur.c), counted while the corpus streams by in bounded memory
 *      (cooccur-counter.ts: a dense table for frequent pairs, sorted overflow runs in temporary
 *      files merged at the end; the `memory` option is cooccur.c's `-memory`);
 *   3. shuffle the entries on disk in chunks of the `memory` budget (shuffle.c), then minimise
 *      J = Σ_{X_ij > 0} f(X_ij) (w_iᵀw̃_j + b_i + b̃_j − log X_ij)², f(x) = min(1, (x / xMax)^α), by
 *      AdaGrad over the shuffled entries streamed from that file every epoch (glove.c): glove.wat's
 *      f64x2 kernel on `threads` Hogwild threads over one shared memory (glove-train.ts); the vectors
 *      step at rate η (`learningRate`), the biases at `biasLearningRate` (1, as the current glove.c;
 *      η in the paper and GloVe 1.2 — at 5 iterations on 17M words the paper's rate left WordSim-353
 *      and SimLex-999 1.2–2.2 points below the C tool, glove.c's rate within 0.2);
 *   4. the word vector of word i is w_i + w̃_i (glove.c's default output, `-model 2`).
 * Each stage frees its big buffers as it ends (cooccur-counter.ts's `releaseBuffer`, on Node ≥ 21;
 * on Node 20 the garbage collector frees them later), so the peak memory is the largest stage's, not
 * the sum of two: counting's dense table and overflow buffer are gone before the shuffle allocates
 * its chunk, the chunk before training allocates its shared memory.
 *
 * Window conventions are those of cooccurrence.ts (tests prove the counts agree with
 * `cooccurrenceMatrixSparse`, also when the counter spills to disk): windows stop at sentence
 * ends, out-of-vocabulary words are removed first, and with `symmetric: false` only the words to
 * the left of word i are its context.
 *
 * Deliberate differences and omissions: the shuffle draws from a seeded RandomState (seeded by
 * the seed and the epochs trained before, so each `train` call has its own order, the same for all
 * of its epochs, as glove.c reads shuffle.c's one file) and initial values from Firth's MT19937
 * rather than glibc's `rand()`; with `threads: 1` training is reproducible for a seed, with more
 * it changes from run to run (Hogwild); left out are the later glove.c's gradient clipping
 * (`-grad-clip`), the `<unk>` vector, vocab_count's random tie-breaking at the `maxVocabSize` cut
 * (ties keep first-seen order here). The sorted entries stay in memory (`cooccurrences`) only up
 * to KEEP_ENTRIES; training itself holds one 16 MB block of them at a time.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { checkJson, type ProgressEvent, RandomState, shape, ValidationError } from '@firth/numeric';
import { tensorThreads } from '@firth/tensor';
import { CooccurrenceCounter, type CooccurrenceEntries, type CooccurrenceFile } from './cooccur-counter.js';
import { type Corpus, checkRestartable, checkSyncCorpus, sentences } from './corpus.js';
import {
  checkGloveThreads,
  GloVeTrainer,
  shuffleChunkRecords,
  shuffleCooccurrenceFile,
} from './glove-train.js';
import { KeyedVectors } from './keyed-vectors.js';
import {
  atPath,
  checkModelType,
  decodeFloats,
  encodeFloats,
  type FromJSONOptions,
  jsonInput,
} from './model-json.js';
import { Vocabulary, type VocabularyJSON } from './vocabulary.js';

export interface GloVeOptions {
  /** Dimensions of a word vector. @default 100 — the paper reports 100–300; 50 suits a toy corpus */
  vectorSize?: number;
  /** Context words counted on each side. @default 10 — the paper's "ten words to the left and ten to the right" */
  window?: number;
  /** Ignore words seen fewer times than this. @default 5 — GloVe's demo.sh (VOCAB_MIN_COUNT) */
  minCount?: number;
  /** Keep only the most frequent words (vocab_count's `-max-vocab`). @default null — no cap; the paper kept 400,000 */
  maxVocabSize?: number | null;
  /** Counts at or above xMax get full weight f = 1. @default 100 — the paper's x_max */
  xMax?: number;
  /** Exponent of the weighting function f(x) = (x / xMax)^α. @default 0.75 — the paper; better than α = 1 */
  alpha?: number;
  /** AdaGrad's initial learning rate η of the vectors. @default 0.05 — the paper and glove.c's `eta` */
  learningRate?: number;
  /**
   * AdaGrad's initial learning rate of the biases. glove.c (its current source, the one with
   * `-grad-clip`) scales only the vectors' steps by η: its biases step by f·diff / √G and G sums
   * (f·diff)², a rate of 1. Set it to `learningRate` for the update of the paper and GloVe 1.2
   * (η on the biases too), which learns the biases more slowly in the first epochs.
   * @default 1 — the Stanford tool's current update
   */
  biasLearningRate?: number;
  /** Passes over the co-occurrence entries. @default 25 — glove.c's `num_iter` (the paper: 50 below 300 dims) */
  epochs?: number;
  /** Count context on both sides of a word (X symmetric). @default true — cooccur.c's default */
  symmetric?: boolean;
  /** Seeds the initial parameters and every epoch's shuffle. @default 1 */
  seed?: number;
  /**
   * Soft limit in GB for counting co-occurrences (cooccur.c's `-memory`): the dense table of frequent
   * pairs and the overflow buffer that is sorted and written to temporary files when full.
   * @default 4 — cooccur.c's
   */
  memory?: number;
  /** Directory for the temporary co-occurrence files (removed afterwards). @default null — os.tmpdir() */
  tempDir?: string | null;
  /**
   * Training threads (Hogwild over shared memory, as glove.c's `-threads`). With more than one the
   * result changes from run to run; with 1 it is reproducible for a seed. @default null — @firth/tensor's
   * `tensorThreads()` (FIRTH_THREADS, else the cores), but 1 thread per MIN_ENTRIES_PER_THREAD entries
   * at most, so small corpora train reproducibly on one thread
   */
  threads?: number | null;
}

export interface GloVeTrainOptions {
  /** @default the model's `epochs` */
  epochs?: number;
  /** Called every STEP_ENTRIES updates (`step`), after every epoch and once at the end. */
  onProgress?: (event: GloVeProgress) => void;
  /**
   * Called after every epoch (1-based, counted within this call) with the model's parameters and
   * `wv` brought up to date from the training memory (a copy of the tables each time): e.g. to score
   * the vectors after 5 and 15 epochs of one run.
   */
  onEpoch?: (epoch: number, model: GloVe) => void;
}

/**
 * Firth's ProgressEvent: `loss` is the mean f(X_ij)(w_iᵀw̃_j + b_i + b̃_j − log X_ij)² over the
 * entries of the step / the epoch.
 */
export type GloVeProgress = ProgressEvent;

export type { CooccurrenceEntries } from './cooccur-counter.js';

/** Updates between two `step` progress events. */
export const STEP_ENTRIES = 65_536;

/** With `threads: null`, one thread per this many co-occurrence entries at most. */
export const MIN_ENTRIES_PER_THREAD = 1_000_000;

/** Entries up to which `cooccurrences` keeps the sorted entries in memory after training. */
export const KEEP_ENTRIES = 1 << 22;

/** Records read from the shuffled file at once while training (16 MB). */
const READ_BLOCK = 1 << 20;

type Options = Required<GloVeOptions> & {
  maxVocabSize: number | null;
  tempDir: string | null;
  threads: number | null;
};

function checkOptions(o: GloVeOptions): Options {
  if (typeof o !== 'object' || o === null) throw new ValidationError('options must be an object', 'options');
  const opts: Options = {
    vectorSize: o.vectorSize ?? 100,
    window: o.window ?? 10,
    minCount: o.minCount ?? 5,
    maxVocabSize: o.maxVocabSize ?? null,
    xMax: o.xMax ?? 100,
    alpha: o.alpha ?? 0.75,
    learningRate: o.learningRate ?? 0.05,
    biasLearningRate: o.biasLearningRate ?? 1,
    epochs: o.epochs ?? 25,
    symmetric: o.symmetric ?? true,
    seed: o.seed ?? 1,
    memory: o.memory ?? 4,
    tempDir: o.tempDir ?? null,
    threads: o.threads ?? null,
  };
  if (opts.threads !== null) checkGloveThreads(opts.threads);
  const int = (name: keyof Options, v: unknown, min: number) => {
    if (!Number.isInteger(v) || (v as number) < min)
      throw new ValidationError(`${name} must be an integer ≥ ${min}, got ${JSON.stringify(v)}`, name);
  };
  int('vectorSize', opts.vectorSize, 1);
  int('window', opts.window, 1);
  int('minCount', opts.minCount, 1);
  if (opts.maxVocabSize !== null) int('maxVocabSize', opts.maxVocabSize, 1);
  int('epochs', opts.epochs, 1);
  int('seed', opts.seed, 0);
  if (opts.seed > 0xffffffff) throw new ValidationError(`seed must be < 2^32, got ${opts.seed}`, 'seed');
  for (const k of ['xMax', 'learningRate', 'biasLearningRate'] as const)
    if (typeof opts[k] !== 'number' || !Number.isFinite(opts[k]) || opts[k] <= 0)
      throw new ValidationError(`${k} must be a number > 0, got ${JSON.stringify(opts[k])}`, k);
  if (typeof opts.alpha !== 'number' || !Number.isFinite(opts.alpha) || opts.alpha < 0)
    throw new ValidationError(`alpha must be a number ≥ 0, got ${JSON.stringify(opts.alpha)}`, 'alpha');
  if (typeof opts.memory !== 'number' || !Number.isFinite(opts.memory) || opts.memory <= 0)
    throw new ValidationError(
      `memory must be a number of GB > 0, got ${JSON.stringify(opts.memory)}`,
      'memory',
    );
  if (opts.tempDir !== null && (typeof opts.tempDir !== 'string' || opts.tempDir === ''))
    throw new ValidationError(
      `tempDir must be a directory path or null, got ${JSON.stringify(opts.tempDir)}`,
      'tempDir',
    );
  if (typeof opts.symmetric !== 'boolean')
    throw new ValidationError(
      `symmetric must be true or false, got ${JSON.stringify(opts.symmetric)}`,
      'symmetric',
    );
  return opts;
}

/** Vocabulary indices of a sentence's in-vocabulary words (OOV removed before windowing), in one reused buffer. */
class SentenceIds {
  private ids = new Int32Array(1024);
  constructor(private readonly index: Map<string, number>) {}
  /** The sentence's ids, a view of the buffer (grown first when the sentence is longer): valid until the next call. */
  of(sentence: readonly string[]): Int32Array {
    if (sentence.length > this.ids.length) this.ids = new Int32Array(2 * sentence.length);
    const { ids, index } = this;
    let n = 0;
    for (let t = 0; t < sentence.length; t++) {
      const i = index.get(sentence[t]!);
      if (i !== undefined) ids[n++] = i;
    }
    return ids.subarray(0, n);
  }
}

function checkCounted(file: CooccurrenceFile): void {
  if (file.length === 0)
    throw new ValidationError(
      'no co-occurrences: no sentence has two in-vocabulary words (lower minCount or use longer sentences)',
      'corpus',
    );
}

/** What glove.c trains: W, W̃, b, b̃ and AdaGrad's accumulators (fields of a GloVe model). */
export interface GloVeParameters {
  wordVectors: Float64Array;
  contextVectors: Float64Array;
  wordBiases: Float64Array;
  contextBiases: Float64Array;
  gradsqWords: Float64Array;
  gradsqContexts: Float64Array;
  gradsqWordBiases: Float64Array;
  gradsqContextBiases: Float64Array;
}

/**
 * One AdaGrad update on one co-occurrence entry (i, j), exactly glove.c's inner loop (without its
 * `-grad-clip`); returns the entry's J_ij = f(X_ij)·diff² measured before the update. `eta` scales
 * the vectors' steps and `biasEta` the biases' (glove.c: η and 1; the paper: η and η).
 *
 *   // w_b = [0.1, 0.2], w̃_a = [0.3, −0.1], b_b = 0.05, b̃_a = −0.02, X_ba = 1 (glove.test.ts)
 *   gloveStep(model, 2, 1, 0, Math.log(1), model.weight(1), 0.05, 1) // 0.0000506 = (1/100)^0.75 · 0.04²
 */
export function gloveStep(
  p: GloVeParameters,
  vectorSize: number,
  i: number,
  j: number,
  logX: number,
  f: number,
  eta: number,
  biasEta: number,
): number {
  const D = vectorSize;
  const { wordVectors: W, contextVectors: Wt, gradsqWords: G, gradsqContexts: Gt } = p;
  const l1 = i * D;
  const l2 = j * D;
  // diff = w_iᵀ w̃_j + b_i + b̃_j − log X_ij      (D) · (D) -> scalar
  let diff = p.wordBiases[i]! + p.contextBiases[j]! - logX;
  for (let d = 0; d < D; d++) diff += W[l1 + d]! * Wt[l2 + d]!;
  // gradients of ½ J_ij (glove.c folds the 2 into η):
  //   ∂/∂w_i = f·diff·w̃_j,  ∂/∂w̃_j = f·diff·w_i,  ∂/∂b_i = ∂/∂b̃_j = f·diff
  const fdiff = f * diff;
  // AdaGrad as glove.c: with g = η·∂, θ -= g / √G, then G += g²   (G starts at 1, so step 1 is plain SGD;
  // the biases' g is biasEta·∂)
  const g = eta * fdiff;
  for (let d = 0; d < D; d++) {
    const gW = g * Wt[l2 + d]!;
    const gWt = g * W[l1 + d]!;
    W[l1 + d]! -= gW / Math.sqrt(G[l1 + d]!);
    Wt[l2 + d]! -= gWt / Math.sqrt(Gt[l2 + d]!);
    G[l1 + d]! += gW * gW;
    Gt[l2 + d]! += gWt * gWt;
  }
  const gb = biasEta * fdiff;
  p.wordBiases[i]! -= gb / Math.sqrt(p.gradsqWordBiases[i]!);
  p.contextBiases[j]! -= gb / Math.sqrt(p.gradsqContextBiases[j]!);
  p.gradsqWordBiases[i]! += gb * gb;
  p.gradsqContextBiases[j]! += gb * gb;
  // J_ij = f(X_ij) · diff²
  return fdiff * diff;
}

export interface GloVeJSON {
  type: 'GloVe';
  options: Options;
  vocabulary: VocabularyJSON;
  /** base64 of the float64 tables: W, W̃, b, b̃ and their AdaGrad accumulators. */
  params: Record<(typeof PARAM_NAMES)[number], string>;
  lossCurve: number[];
}

const PARAM_NAMES = [
  'wordVectors',
  'contextVectors',
  'wordBiases',
  'contextBiases',
  'gradsqWords',
  'gradsqContexts',
  'gradsqWordBiases',
  'gradsqContextBiases',
] as const;

/** What `GloVe.fromJSON` accepts (options and vocabulary are checked by their own code). */
const GLOVE_SHAPE = shape.object({
  options: shape.object({}),
  vocabulary: shape.object({}),
  params: shape.object(Object.fromEntries(PARAM_NAMES.map((n) => [n, shape.string()]))),
  lossCurve: shape.array(shape.nullable(shape.number())),
});

export class GloVe implements GloVeParameters {
  readonly options: Options;
  /** The words and their counts (after buildVocab). */
  vocabulary: Vocabulary | null = null;
  /**
   * X, the non-zero co-occurrences of the last `train` call's corpus, sorted by row then column —
   * kept only up to KEEP_ENTRIES entries (null above: training streams them from disk).
   */
  cooccurrences: CooccurrenceEntries | null = null;
  /** How many non-zero co-occurrences the last `train` call counted. */
  cooccurrenceCount = 0;
  /** W, the word vectors (V × vectorSize, row-major); glove.c's W[0 .. V). */
  wordVectors: Float64Array = new Float64Array(0);
  /** W̃, the context vectors (V × vectorSize); glove.c's W[V .. 2V). */
  contextVectors: Float64Array = new Float64Array(0);
  /** b and b̃, one bias per word and per context (glove.c's extra last column). */
  wordBiases: Float64Array = new Float64Array(0);
  contextBiases: Float64Array = new Float64Array(0);
  /** AdaGrad's sums of squared (η-scaled) gradients per parameter, starting at 1 (glove.c's `gradsq`). */
  gradsqWords: Float64Array = new Float64Array(0);
  gradsqContexts: Float64Array = new Float64Array(0);
  gradsqWordBiases: Float64Array = new Float64Array(0);
  gradsqContextBiases: Float64Array = new Float64Array(0);
  /** Mean J per co-occurrence entry, one entry per epoch trained (glove.c prints half of it as "cost"). */
  readonly lossCurve: number[] = [];
  /** Seconds the last `train` call's epochs took (AdaGrad only). */
  trainSeconds = 0;
  /** Seconds the last `train` call spent counting co-occurrences (cooccur.c's stage, merge included). */
  countSeconds = 0;
  /** Seconds the last `train` call spent shuffling them on disk (shuffle.c's stage). */
  shuffleSeconds = 0;
  private kv: KeyedVectors | null = null;

  /**
   * `new GloVe(options)` stores the options; `new GloVe(sentences, options)` with an in-memory
   * corpus (string[][]) also builds the vocabulary and trains, like Word2Vec. For files and other
   * streamed corpora: `await GloVe.create(corpus, options)`.
   */
  constructor(corpusOrOptions?: readonly (readonly string[])[] | GloVeOptions, options: GloVeOptions = {}) {
    checkSyncCorpus(corpusOrOptions, 'GloVe');
    const hasCorpus = Array.isArray(corpusOrOptions);
    this.options = checkOptions(hasCorpus ? options : ((corpusOrOptions as GloVeOptions | undefined) ?? {}));
    if (hasCorpus) {
      const corpus = corpusOrOptions as readonly (readonly string[])[];
      this.initVocab(Vocabulary.fromSentences(corpus, { minCount: this.options.minCount }));
      const counting = performance.now();
      const counter = this.counter();
      let file: CooccurrenceFile;
      try {
        const ids = new SentenceIds(this.vocabulary!.index);
        for (const s of corpus) {
          counter.addSentence(ids.of(s));
        }
        file = counter.finishToFile();
      } finally {
        counter.dispose();
      }
      this.countSeconds = (performance.now() - counting) / 1000;
      this.trainOnFile(file, this.options.epochs, {});
    }
  }

  /** Builds the vocabulary, counts co-occurrences and trains. */
  static async create(corpus: Corpus, options: GloVeOptions = {}): Promise<GloVe> {
    const model = new GloVe(options);
    checkRestartable(corpus, 2);
    await model.buildVocab(corpus);
    await model.train(corpus);
    return model;
  }

  /** The trained vectors w_i + w̃_i with gensim's KeyedVectors API. */
  get wv(): KeyedVectors {
    if (!this.kv)
      throw new ValidationError('the model has no vocabulary yet: call buildVocab (or create) first', 'wv');
    return this.kv;
  }

  /** vocab_count: one streaming pass for the word counts; then minCount, maxVocabSize and random initial parameters. */
  async buildVocab(corpus: Corpus): Promise<this> {
    this.initVocab(await Vocabulary.build(corpus, { minCount: this.options.minCount }));
    return this;
  }

  private initVocab(full: Vocabulary): void {
    const { vectorSize: D, seed, maxVocabSize } = this.options;
    let vocab = full;
    if (maxVocabSize !== null && full.size > maxVocabSize) {
      // vocab_count -max-vocab: keep the maxVocabSize most frequent words
      const kept = new Map(full.words.slice(0, maxVocabSize).map((w, i) => [w, full.counts[i]!]));
      vocab = Vocabulary.fromCounts(kept, full.totalWords, full.corpusCount, {
        minCount: this.options.minCount,
      });
    }
    const V = vocab.size;
    this.vocabulary = vocab;
    this.cooccurrences = null;
    this.cooccurrenceCount = 0;
    this.wordVectors = new Float64Array(V * D);
    this.contextVectors = new Float64Array(V * D);
    this.wordBiases = new Float64Array(V);
    this.contextBiases = new Float64Array(V);
    // glove.c: every parameter (vectors and biases) uniform in [−0.5, 0.5) / vectorSize, drawn
    // column by column (b outer, the 2V rows inner) — the same order as initialize_parameters
    const rs = new RandomState(seed);
    const draw = () => (rs.randomSample() - 0.5) / D;
    for (let b = 0; b <= D; b++) {
      for (let a = 0; a < 2 * V; a++) {
        const words = a < V;
        const row = words ? a : a - V;
        if (b < D) (words ? this.wordVectors : this.contextVectors)[row * D + b] = draw();
        else (words ? this.wordBiases : this.contextBiases)[row] = draw();
      }
    }
    // gradsq = 1 everywhere, "so initial value of eta is equal to initial learning rate"
    this.gradsqWords = new Float64Array(V * D).fill(1);
    this.gradsqContexts = new Float64Array(V * D).fill(1);
    this.gradsqWordBiases = new Float64Array(V).fill(1);
    this.gradsqContextBiases = new Float64Array(V).fill(1);
    this.lossCurve.length = 0;
    this.refreshKeyedVectors();
  }

  private counter(): CooccurrenceCounter {
    if (!this.vocabulary)
      throw new ValidationError('call buildVocab(corpus) before train(corpus)', 'vocabulary');
    const { window, symmetric, memory, tempDir } = this.options;
    return new CooccurrenceCounter(this.vocabulary.size, {
      window,
      symmetric,
      memory,
      ...(tempDir === null ? {} : { tempDir }),
    });
  }

  /**
   * cooccur.c over the corpus (one streaming pass, in the built vocabulary), then `epochs` passes
   * of AdaGrad over the shuffled entries. Calling it again continues training (the AdaGrad sums carry on).
   */
  async train(corpus: Corpus, options: GloVeTrainOptions = {}): Promise<this> {
    const epochs = options.epochs ?? this.options.epochs;
    if (!Number.isInteger(epochs) || epochs < 1)
      throw new ValidationError(`epochs must be an integer ≥ 1, got ${JSON.stringify(epochs)}`, 'epochs');
    const counting = performance.now();
    const counter = this.counter();
    let file: CooccurrenceFile;
    try {
      const ids = new SentenceIds(this.vocabulary!.index);
      let seen = 0;
      for await (const s of sentences(corpus)) {
        counter.addSentence(ids.of(s));
        seen++;
      }
      if (seen === 0)
        throw new ValidationError(
          'the corpus yielded no sentences when read again for training: pass a file path, an array, or a function returning a fresh iterable',
          'corpus',
        );
      file = counter.finishToFile();
    } finally {
      counter.dispose();
    }
    this.countSeconds = (performance.now() - counting) / 1000;
    this.trainOnFile(file, epochs, options);
    return this;
  }

  /** f(x) = (x / xMax)^α for x < xMax, else 1: rare pairs count less, frequent ones are capped. */
  weight(x: number): number {
    const { xMax, alpha } = this.options;
    return x > xMax ? 1 : (x / xMax) ** alpha;
  }

  /** The objective J = Σ_ij f(X_ij)(w_iᵀw̃_j + b_i + b̃_j − log X_ij)² at the current parameters. */
  objective(entries: CooccurrenceEntries | null = this.cooccurrences): number {
    if (!entries)
      throw new ValidationError(
        this.cooccurrenceCount > KEEP_ENTRIES
          ? `the ${this.cooccurrenceCount} co-occurrences were not kept in memory (more than ${KEEP_ENTRIES}): pass them`
          : 'no co-occurrences yet: call train first',
        'cooccurrences',
      );
    const D = this.options.vectorSize;
    let J = 0;
    for (let k = 0; k < entries.values.length; k++) {
      const l1 = entries.rows[k]! * D;
      const l2 = entries.cols[k]! * D;
      let diff = this.wordBiases[entries.rows[k]!]! + this.contextBiases[entries.cols[k]!]!;
      for (let d = 0; d < D; d++) diff += this.wordVectors[l1 + d]! * this.contextVectors[l2 + d]!;
      diff -= Math.log(entries.values[k]!);
      J += this.weight(entries.values[k]!) * diff * diff;
    }
    return J;
  }

  /**
   * shuffle.c, then glove.c: the sorted entries of `file` are shuffled once into a file beside it
   * (in chunks of the `memory` budget, glove-train.ts), and every epoch streams that file through
   * glove.wat's kernel on `threads` threads. The files are removed afterwards.
   */
  private trainOnFile(
    file: CooccurrenceFile,
    epochs: number,
    { onProgress, onEpoch }: GloVeTrainOptions,
  ): void {
    const shuffled = join(file.path, '..', 'shuffled.bin');
    try {
      checkCounted(file);
      const nnz = file.length;
      this.cooccurrenceCount = nnz;
      this.cooccurrences = nnz <= KEEP_ENTRIES ? file.read() : null;
      const { vectorSize, learningRate, biasLearningRate, xMax, alpha, seed, memory } = this.options;
      // one order for all of this call's epochs, seeded by (seed, epochs trained so far): resumable
      const order = [seed, this.lossCurve.length];
      const shuffling = performance.now();
      shuffleCooccurrenceFile(file.path, shuffled, shuffleChunkRecords(memory), order, { xMax, alpha });
      rmSync(file.path, { force: true });
      this.shuffleSeconds = (performance.now() - shuffling) / 1000;
      const threads =
        this.options.threads ??
        Math.min(tensorThreads(), Math.max(1, Math.floor(nnz / MIN_ENTRIES_PER_THREAD)));
      const trainer = new GloVeTrainer(this, {
        vectorSize,
        learningRate,
        biasLearningRate,
        xMax,
        alpha,
        threads,
        stepRecords: STEP_ENTRIES,
        blockRecords: Math.min(READ_BLOCK, Math.ceil(nnz / STEP_ENTRIES) * STEP_ENTRIES),
      });
      try {
        this.runEpochs(trainer, shuffled, nnz, epochs, threads, onProgress, onEpoch);
      } finally {
        trainer.close();
      }
    } finally {
      file.dispose();
    }
    this.refreshKeyedVectors();
  }

  private runEpochs(
    trainer: GloVeTrainer,
    shuffled: string,
    nnz: number,
    epochs: number,
    threads: number,
    onProgress: GloVeTrainOptions['onProgress'],
    onEpoch: GloVeTrainOptions['onEpoch'],
  ): void {
    const steps = Math.ceil(nnz / STEP_ENTRIES);
    const t0 = performance.now();
    const emit = (phase: GloVeProgress['phase'], epoch: number, step: number, loss: number) =>
      onProgress?.({
        phase,
        epoch,
        epochs,
        step,
        steps,
        loss,
        metrics: { entries: nnz, threads },
        elapsedMs: performance.now() - t0,
      });
    for (let e = 0; e < epochs; e++) {
      let step = 0;
      const epochLoss = trainer.epoch(shuffled, (records, cost) => {
        step++;
        if (onProgress) emit('step', e + 1, step, cost / records);
      });
      if (!Number.isFinite(epochLoss)) {
        trainer.sync();
        throw new ValidationError(
          `training diverged (loss ${epochLoss}) in epoch ${e + 1}: lower learningRate`,
          'learningRate',
        );
      }
      this.lossCurve.push(epochLoss / nnz);
      emit('epoch', e + 1, steps, epochLoss / nnz);
      if (onEpoch) {
        trainer.sync();
        this.refreshKeyedVectors();
        onEpoch(e + 1, this);
      }
    }
    trainer.sync();
    this.trainSeconds = (performance.now() - t0) / 1000;
    emit('end', epochs, steps, this.lossCurve.at(-1)!);
  }

  /** wv = W + W̃ (glove.c's `-model 2`): both tables learn the same thing from the symmetric X. */
  private refreshKeyedVectors(): void {
    const v = this.vocabulary!;
    const sum = new Float32Array(this.wordVectors.length);
    for (let k = 0; k < sum.length; k++) sum[k] = this.wordVectors[k]! + this.contextVectors[k]!;
    this.kv = new KeyedVectors(v.words, sum, this.options.vectorSize, v.counts);
  }

  toJSON(): GloVeJSON {
    if (!this.vocabulary) throw new ValidationError('an untrained GloVe has nothing to save', 'vocabulary');
    const params = Object.fromEntries(PARAM_NAMES.map((n) => [n, encodeFloats(this[n])]));
    return {
      type: 'GloVe',
      options: this.options,
      vocabulary: this.vocabulary.toJSON(),
      params: params as GloVeJSON['params'],
      lossCurve: [...this.lossCurve],
    };
  }

  /**
   * Rebuilds a model from `toJSON()` (object or JSON text), checking every field: each table holds
   * V × vectorSize (vectors) or V (biases) float64 values, finite unless `allowNonFinite`.
   */
  static fromJSON(json: GloVeJSON | unknown, options: FromJSONOptions = {}): GloVe {
    const label = 'GloVe JSON';
    const m = checkJson(checkModelType(jsonInput(json, label), 'GloVe', label), GLOVE_SHAPE, label, '$');
    const model = atPath(label, '$.options', () => new GloVe(m.options as GloVeOptions));
    const vocab = Vocabulary.fromJSON(m.vocabulary, label, '$.vocabulary');
    const V = vocab.size;
    const D = model.options.vectorSize;
    model.vocabulary = vocab;
    for (const n of PARAM_NAMES) {
      const [count, what] = n.includes('Biases') ? [V, `${V} words`] : [V * D, `${V} words × ${D}`];
      const params = m.params as Record<string, string>;
      model[n] = decodeFloats(
        params[n] as string,
        Float64Array,
        count,
        what,
        label,
        `$.params.${n}`,
        options.allowNonFinite ?? false,
      );
    }
    model.lossCurve.push(...m.lossCurve.map((l) => l ?? Number.NaN));
    model.refreshKeyedVectors();
    return model;
  }
}
