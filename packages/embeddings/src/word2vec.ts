/**
 * Word2Vec (Mikolov et al. 2013, "Efficient Estimation of Word Representations in Vector Space"
 * and "Distributed Representations of Words and Phrases and their Compositionality") — the
 * course's lessons "Word2Vec", "CBow and Skip-Gram Models" and "Learn Embeddings From Scratch",
 * with gensim 4.2's `Word2Vec` API in TypeScript idiom:
 *
 *   const model = new Word2Vec(sentences, { vectorSize: 50, window: 2, minCount: 1, workers: 2 });
 *   model.wv.get('data')          // Float32Array(50) [-0.0033, 0.0088, -0.0200, …]
 *   model.wv.mostSimilar('data')  // [['powerful', 0.2483], ['is', 0.0868], ['machine', 0.0811], …]
 *
 * (gensim prints other numbers for the same call — [-0.0172, 0.0073, …], ('are', 0.166) in the
 * course: its initial vectors come from NumPy's PCG64, Firth's from MT19937; see "Left out".)
 *
 * Two architectures, each a shallow network with an input table W_in ("syn0", the word vectors)
 * and an output table W_out ("syn1neg"):
 *   - CBOW: the mean of the context words' input vectors predicts the centre word;
 *   - skip-gram: each context word's input vector predicts the centre word (gensim's and
 *     word2vec.c's orientation — the same pairs as "centre predicts context", swapped).
 * The softmax over the whole vocabulary is replaced by one of
 *   - negative sampling: for a pair (h, w), maximise log σ(u_w·h) + Σ_{k noise words} log σ(−u_k·h),
 *     noise drawn from unigram^0.75;
 *   - hierarchical softmax: a product of binary decisions σ(±u_n·h) along w's Huffman path.
 * Also from the papers: random window shrinking (each word looks at window − b words each side,
 * b uniform in [0, window)), subsampling of frequent words, and a learning rate that decays linearly
 * from `alpha` to `minAlpha` over all words of all epochs.
 *
 * Two paths compute the same updates: the REFERENCE path (word2vec-reference.ts: plain loops over
 * Float32Arrays, one thread) and the FAST path (word2vec-fast.ts running word2vec.wat: WebAssembly
 * SIMD, `workers` threads over shared memory). They draw identical random numbers (same subsampling,
 * windows and noise words) and differ only in float32 rounding (SIMD sums in another order, and
 * fused multiply-adds where the runtime has relaxed SIMD — Node 24, not Node 20): with workers = 1
 * their vectors agree within 1e-4 after 2 epochs (word2vec.test.ts, both kernels), not bit for bit.
 *
 * Left out: gensim's `corpus_file` mode, `build_vocab(update=True)` (new words after training),
 * `trim_rule`, `null_word` and word locks. `computeLoss` defaults to true (gensim: false) so
 * that `lossCurve` and progress events show training by default. Initial vectors are uniform in [−1, 1)/vectorSize as in gensim 4 (word2vec.c uses
 * [−0.5, 0.5)/vectorSize), drawn from Firth's seeded MT19937 rather than NumPy's PCG64, so the
 * numbers differ from gensim's while the distribution is the same. Likewise each job's random
 * numbers (subsampling, reduced windows, noise words) come from gensim's 48-bit generator seeded
 * from (seed, epoch, job number), not from gensim's per-thread state and NumPy `randint`, so a run
 * is reproducible (with workers = 1) but not bit-identical to gensim's. A sentence longer than
 * 10,000 words is split into 10,000-word pieces (gensim truncates it).
 */

import { statSync } from 'node:fs';
import {
  checkJson,
  FormatError,
  type ProgressEvent,
  RandomState,
  shape,
  ValidationError,
} from '@firth/numeric';
import {
  type Corpus,
  checkRestartable,
  checkSyncCorpus,
  LineSentence,
  MAX_SENTENCE_LENGTH,
  sentences,
} from './corpus.js';
import { KeyedVectors } from './keyed-vectors.js';
import {
  atPath,
  checkModelType,
  decodeFloats,
  encodeFloats,
  type FromJSONOptions,
  jsonInput,
} from './model-json.js';
import { type EncodedCorpus, Vocabulary, type VocabularyJSON } from './vocabulary.js';
import { WasmTrainer } from './word2vec-fast.js';
import { type Job, type JobResult, ReferenceTrainer, type TrainState } from './word2vec-reference.js';

export interface Word2VecOptions {
  /** Dimensions of a word vector. @default 100 — gensim's default; the course uses 50 on its toy corpus */
  vectorSize?: number;
  /** Largest distance between the centre word and a context word. @default 5 */
  window?: number;
  /** Ignore words rarer than this. @default 5 */
  minCount?: number;
  /** Bound on distinct words while counting (gensim's `max_vocab_size`). @default null */
  maxVocabSize?: number | null;
  /** Keep at most this many words (gensim's `max_final_vocab`). @default null */
  maxFinalVocab?: number | null;
  /** 1 = skip-gram, 0 = CBOW. @default 0 — gensim's default */
  sg?: 0 | 1;
  /** 1 = hierarchical softmax. @default 0 */
  hs?: 0 | 1;
  /** Noise words per positive example (0 = no negative sampling). @default 5 — 5–20 for small corpora, 2–5 for large (Mikolov et al.) */
  negative?: number;
  /** Exponent of the noise distribution. @default 0.75 */
  nsExponent?: number;
  /** Subsampling threshold for frequent words. @default 1e-3 */
  sample?: number;
  /** Initial learning rate. @default 0.025 */
  alpha?: number;
  /** Final learning rate. @default 0.0001 */
  minAlpha?: number;
  /** Passes over the corpus. @default 5 */
  epochs?: number;
  /**
   * Training threads (worker_threads, Hogwild). @default 3 — gensim's default. Unlike @firth/tensor's
   * thread count (`tensorThreads()`: FIRTH_THREADS, else the cores), this default does not follow
   * the machine: Hogwild's vectors change with the number of threads, so a fixed default keeps a
   * model the same wherever it is trained, as gensim's does.
   */
  workers?: number;
  /** Seeds the initial vectors and every job's random numbers. @default 1 — gensim's default */
  seed?: number;
  /** CBOW: 1 = mean of the context vectors, 0 = their sum. @default 1 */
  cbowMean?: 0 | 1;
  /**
   * Track the loss (mean −log σ per logistic term) for `lossCurve` and progress events. @default
   * true — gensim's `compute_loss` defaults to false; off, training skips two table look-ups per
   * logistic term and `lossCurve` holds NaN.
   */
  computeLoss?: boolean;
  /** 'wasm' (fast path) or 'reference' (plain TypeScript, one thread). @default 'wasm' */
  engine?: 'wasm' | 'reference';
}

export interface TrainOptions {
  /** @default the model's `epochs` */
  epochs?: number;
  /** Called after every job (`step`), every epoch and at the end. */
  onProgress?: (event: Word2VecProgress) => void;
}

/**
 * Firth's ProgressEvent: `loss` is the mean −log σ(±u·v) per logistic term (of the job at `step`,
 * of the epoch at `epoch`/`end`), `metrics.wordsPerSecond` the throughput.
 */
export type Word2VecProgress = ProgressEvent;

type Options = Required<Omit<Word2VecOptions, 'maxVocabSize' | 'maxFinalVocab'>> & {
  maxVocabSize: number | null;
  maxFinalVocab: number | null;
};

function checkOptions(o: Word2VecOptions): Options {
  const opts: Options = {
    vectorSize: o.vectorSize ?? 100,
    window: o.window ?? 5,
    minCount: o.minCount ?? 5,
    maxVocabSize: o.maxVocabSize ?? null,
    maxFinalVocab: o.maxFinalVocab ?? null,
    sg: o.sg ?? 0,
    hs: o.hs ?? 0,
    negative: o.negative ?? 5,
    nsExponent: o.nsExponent ?? 0.75,
    sample: o.sample ?? 1e-3,
    alpha: o.alpha ?? 0.025,
    minAlpha: o.minAlpha ?? 0.0001,
    epochs: o.epochs ?? 5,
    workers: o.workers ?? 3,
    seed: o.seed ?? 1,
    cbowMean: o.cbowMean ?? 1,
    computeLoss: o.computeLoss ?? true,
    engine: o.engine ?? 'wasm',
  };
  const int = (name: keyof Options, min: number) => {
    const v = opts[name] as number;
    if (!Number.isInteger(v) || v < min)
      throw new ValidationError(`${name} must be an integer ≥ ${min}, got ${v}`, name);
  };
  int('vectorSize', 1);
  int('window', 1);
  int('negative', 0);
  int('epochs', 1);
  int('workers', 1);
  int('seed', 0);
  for (const k of ['sg', 'hs', 'cbowMean'] as const)
    if (opts[k] !== 0 && opts[k] !== 1) throw new ValidationError(`${k} must be 0 or 1, got ${opts[k]}`, k);
  if (opts.hs === 0 && opts.negative === 0)
    throw new ValidationError(
      'either hs must be 1 or negative > 0: there would be nothing to train',
      'negative',
    );
  for (const k of ['alpha', 'minAlpha'] as const)
    if (!Number.isFinite(opts[k]) || opts[k] < 0)
      throw new ValidationError(`${k} must be a number ≥ 0, got ${opts[k]}`, k);
  if (typeof opts.computeLoss !== 'boolean')
    throw new ValidationError(
      `computeLoss must be true or false, got ${String(opts.computeLoss)}`,
      'computeLoss',
    );
  if (opts.engine !== 'wasm' && opts.engine !== 'reference')
    throw new ValidationError(`engine must be 'wasm' or 'reference', got ${String(opts.engine)}`, 'engine');
  return opts;
}

/** A job's 48-bit random state from (seed, epoch, job number): murmur3's finaliser, twice. */
function jobSeed(seed: number, epoch: number, job: number): { seedHi: number; seedLo: number } {
  const mix = (h: number) => {
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
    return (h ^ (h >>> 16)) >>> 0;
  };
  const lo = mix(seed ^ mix(Math.imul(epoch + 1, 0x9e3779b9) ^ job));
  return { seedHi: mix(lo ^ 0x632be5ab) & 0xffff, seedLo: lo };
}

/**
 * Cuts sentences into jobs of at most 10,000 corpus words, as gensim's `_job_producer` does: a
 * sentence that does not fit closes the job. Out-of-vocabulary words are dropped here (they still
 * count as corpus words for the learning rate). Sentences come as words (`add`) or as vocabulary
 * indexes with −1 outside the vocabulary (`addIds`, from an `EncodedCorpus`): the same jobs.
 */
export class JobBuilder {
  private readonly words = new Int32Array(MAX_SENTENCE_LENGTH);
  private nWords = 0;
  private ends: number[] = [];
  private raw = 0;
  private pushedWords = 0;
  private jobNo = 0;
  private readonly ids = new Int32Array(MAX_SENTENCE_LENGTH);

  constructor(
    private readonly vocab: Vocabulary,
    private readonly epoch: number,
    private readonly alphaAt: (epoch: number, epochProgress: number) => number,
    private readonly totalWords: number,
    private readonly seed: number,
  ) {}

  add(sentence: readonly string[]): Job[] {
    const out: Job[] = [];
    const { index } = this.vocab;
    let start = 0;
    do {
      const end = Math.min(sentence.length, start + MAX_SENTENCE_LENGTH);
      for (let t = start; t < end; t++) this.ids[t - start] = index.get(sentence[t]!) ?? -1;
      this.piece(this.ids, 0, end - start, out);
      start = end;
    } while (start < sentence.length);
    return out;
  }

  /** The sentence `ids[from .. to)` (vocabulary indexes, −1 outside). */
  addIds(ids: Int32Array, from: number, to: number): Job[] {
    const out: Job[] = [];
    let start = from;
    do {
      const end = Math.min(to, start + MAX_SENTENCE_LENGTH);
      this.piece(ids, start, end, out);
      start = end;
    } while (start < to);
    return out;
  }

  /** One piece of ≤ 10,000 words: closes the job first when the piece does not fit. */
  private piece(ids: Int32Array, from: number, to: number, out: Job[]): void {
    if (this.raw + (to - from) > MAX_SENTENCE_LENGTH && this.raw > 0) out.push(this.cut());
    const { words } = this;
    let n = this.nWords;
    for (let t = from; t < to; t++) {
      const w = ids[t]!;
      if (w >= 0) words[n++] = w;
    }
    this.nWords = n;
    this.ends.push(n);
    this.raw += to - from;
  }

  flush(): Job[] {
    return this.raw > 0 ? [this.cut()] : [];
  }

  private cut(): Job {
    const job: Job = {
      words: this.words.slice(0, this.nWords),
      sentenceEnds: Int32Array.from(this.ends),
      alpha: this.alphaAt(this.epoch, this.pushedWords / this.totalWords),
      ...jobSeed(this.seed, this.epoch, this.jobNo++),
      rawWords: this.raw,
    };
    this.pushedWords += this.raw;
    this.nWords = 0;
    this.ends = [];
    this.raw = 0;
    return job;
  }
}

/**
 * What identifies a file corpus's content between buildVocab and train: its path, size and
 * modification time (null for other corpora, which are not encoded).
 */
function fileStamp(corpus: Corpus): string | null {
  const path = typeof corpus === 'string' ? corpus : corpus instanceof LineSentence ? corpus.path : null;
  if (path === null) return null;
  try {
    const st = statSync(path);
    return `${st.size}:${st.mtimeMs}`;
  } catch {
    return null;
  }
}

export interface Word2VecJSON {
  type: 'Word2Vec';
  options: Options;
  vocabulary: VocabularyJSON;
  /** base64 of the float32 tables. */
  syn0: string;
  syn1neg: string | null;
  syn1: string | null;
  lossCurve: number[];
}

/** What `Word2Vec.fromJSON` accepts (options and vocabulary are checked by their own code). */
const WORD2VEC_SHAPE = shape.object({
  options: shape.object({}),
  vocabulary: shape.object({}),
  syn0: shape.string(),
  syn1neg: shape.nullable(shape.string()),
  syn1: shape.nullable(shape.string()),
  // JSON.stringify writes NaN (an epoch without loss terms) as null
  lossCurve: shape.array(shape.nullable(shape.number())),
});

export class Word2Vec {
  readonly options: Options;
  /** The words, counts and sampling tables (after buildVocab). */
  vocabulary: Vocabulary | null = null;
  /** W_in, "syn0" in word2vec.c: the word vectors, row-major (V × vectorSize). */
  inputVectors: Float32Array = new Float32Array(0);
  /** W_out for negative sampling, "syn1neg". */
  outputVectors: Float32Array | null = null;
  /** Inner-node vectors of the Huffman tree for hierarchical softmax, "syn1". */
  hsVectors: Float32Array | null = null;
  /** Mean loss per logistic term, one entry per epoch trained. */
  readonly lossCurve: number[] = [];
  /** Corpus words, and words left after subsampling, of the last `train` call. */
  rawWords = 0;
  effectiveWords = 0;
  /** Seconds the last `train` call took. */
  trainSeconds = 0;
  private kv: KeyedVectors | null = null;
  /**
   * A file corpus as word indexes, recorded by buildVocab (4 bytes a word, up to
   * MAX_ENCODED_TOKENS words) for the next train on the same corpus (the same path string or
   * LineSentence object, the file unchanged): training then reads ids rather than decompressing,
   * decoding and splitting the text once per epoch. Released when that training ends.
   */
  private encoded: { corpus: Corpus; stamp: string; data: EncodedCorpus } | null = null;

  /**
   * `new Word2Vec(options)` stores the options; `new Word2Vec(sentences, options)` with an
   * in-memory corpus (string[][]) also builds the vocabulary and trains, like gensim, on the
   * calling thread. For files or parallel workers: `await Word2Vec.create(corpus, options)`.
   */
  constructor(
    corpusOrOptions?: readonly (readonly string[])[] | Word2VecOptions,
    options: Word2VecOptions = {},
  ) {
    checkSyncCorpus(corpusOrOptions, 'Word2Vec');
    const hasCorpus = Array.isArray(corpusOrOptions);
    this.options = checkOptions(
      hasCorpus ? options : ((corpusOrOptions as Word2VecOptions | undefined) ?? {}),
    );
    if (hasCorpus) {
      const corpus = corpusOrOptions as readonly (readonly string[])[];
      this.initVocab(Vocabulary.fromSentences(corpus, this.vocabOptions()));
      this.trainSync(corpus, this.options.epochs);
    }
  }

  /** Builds the vocabulary and trains with `workers` threads. */
  static async create(corpus: Corpus, options: Word2VecOptions = {}): Promise<Word2Vec> {
    const model = new Word2Vec(options);
    checkRestartable(corpus, 1 + model.options.epochs);
    await model.buildVocab(corpus);
    await model.train(corpus);
    return model;
  }

  /** The trained vectors with gensim's KeyedVectors API (shares `inputVectors`). */
  get wv(): KeyedVectors {
    if (!this.kv)
      throw new ValidationError('the model has no vocabulary yet: call buildVocab (or create) first', 'wv');
    return this.kv;
  }

  private vocabOptions() {
    const o = this.options;
    return {
      minCount: o.minCount,
      maxVocabSize: o.maxVocabSize,
      maxFinalVocab: o.maxFinalVocab,
      sample: o.sample,
      nsExponent: o.nsExponent,
      huffman: o.hs === 1,
    };
  }

  /** Scans the corpus once: counts, minCount, sampling and noise tables, Huffman tree; random initial vectors. */
  async buildVocab(corpus: Corpus): Promise<this> {
    const stamp = fileStamp(corpus);
    if (stamp === null) {
      this.initVocab(await Vocabulary.build(corpus, this.vocabOptions()));
      return this;
    }
    const { vocabulary, encoded } = await Vocabulary.buildEncoded(corpus, this.vocabOptions());
    this.initVocab(vocabulary);
    // the file changed while it was read: its ids may not be what a fresh read gives
    if (encoded !== null && fileStamp(corpus) === stamp) this.encoded = { corpus, stamp, data: encoded };
    return this;
  }

  /** The encoding buildVocab recorded, when it is `corpus`'s and the file is unchanged since. */
  private encodedFor(corpus: Corpus): EncodedCorpus | null {
    const e = this.encoded;
    return e !== null && e.corpus === corpus && fileStamp(corpus) === e.stamp ? e.data : null;
  }

  private initVocab(vocab: Vocabulary): void {
    const { vectorSize, seed, negative, hs } = this.options;
    const V = vocab.size;
    this.vocabulary = vocab;
    this.encoded = null;
    // gensim 4's prep_vectors: uniform in [−1, 1) / vectorSize; output tables start at zero
    const rs = new RandomState(seed);
    this.inputVectors = new Float32Array(V * vectorSize);
    for (let i = 0; i < this.inputVectors.length; i++)
      this.inputVectors[i] = (rs.randomSample() * 2 - 1) / vectorSize;
    this.outputVectors = negative > 0 ? new Float32Array(V * vectorSize) : null;
    this.hsVectors = hs ? new Float32Array(V * vectorSize) : null;
    this.lossCurve.length = 0;
    this.refreshKeyedVectors();
  }

  private refreshKeyedVectors(): void {
    const v = this.vocabulary!;
    this.kv = new KeyedVectors(v.words, this.inputVectors, this.options.vectorSize, v.counts);
  }

  private trainState(): TrainState {
    if (!this.vocabulary)
      throw new ValidationError('call buildVocab(corpus) before train(corpus)', 'vocabulary');
    const o = this.options;
    return {
      vocab: this.vocabulary,
      vectorSize: o.vectorSize,
      syn0: this.inputVectors,
      syn1neg: this.outputVectors,
      syn1: this.hsVectors,
      window: o.window,
      negative: o.negative,
      hs: o.hs === 1,
      sg: o.sg === 1,
      cbowMean: o.cbowMean === 1,
      sample: o.sample > 0,
      computeLoss: o.computeLoss,
    };
  }

  /** alpha − (alpha − minAlpha) · progress, progress = (epoch + epochProgress) / epochs (gensim's `_get_next_alpha`). */
  private alphaSchedule(epochs: number) {
    const { alpha, minAlpha } = this.options;
    return (epoch: number, epochProgress: number) =>
      Math.max(minAlpha, alpha - (alpha - minAlpha) * ((epoch + epochProgress) / epochs));
  }

  /**
   * Trains for `epochs` passes over the corpus (streamed again each epoch), with `workers` threads.
   * The learning rate decays from alpha to minAlpha over this call's words.
   */
  async train(corpus: Corpus, options: TrainOptions = {}): Promise<this> {
    const epochs = options.epochs ?? this.options.epochs;
    checkRestartable(corpus, epochs);
    const state = this.trainState();
    const progress = new ProgressTracker(epochs, state.vocab.totalWords, options.onProgress);
    const useWorkers = this.options.engine === 'wasm' && this.options.workers > 1;
    const trainer =
      this.options.engine === 'wasm'
        ? new WasmTrainer(state, useWorkers ? this.options.workers : 1, progress.onJob)
        : new ReferenceTrainer(state, progress.onJob);
    const encoded = this.encodedFor(corpus);
    try {
      for (let epoch = 0; epoch < epochs; epoch++) {
        progress.startEpoch(epoch);
        const builder = this.jobBuilder(epoch, epochs);
        if (encoded !== null) {
          const { ids, sentenceEnds } = encoded;
          let from = 0;
          for (let s = 0; s < sentenceEnds.length; s++) {
            const to = sentenceEnds[s]!;
            for (const job of builder.addIds(ids, from, to)) await trainer.submit(job);
            from = to;
          }
        } else
          for await (const sentence of sentences(corpus))
            for (const job of builder.add(sentence)) await trainer.submit(job);
        for (const job of builder.flush()) await trainer.submit(job);
        await trainer.drain();
        this.lossCurve.push(progress.endEpoch());
      }
    } finally {
      this.encoded = null;
      await trainer.close();
    }
    this.finish(progress);
    return this;
  }

  /** Continues training (gensim: calling `train` again): same vocabulary, a fresh alpha → minAlpha schedule. */
  trainMore(corpus: Corpus, options: TrainOptions = {}): Promise<this> {
    return this.train(corpus, options);
  }

  private trainSync(corpus: readonly (readonly string[])[], epochs: number): void {
    const state = this.trainState();
    const progress = new ProgressTracker(epochs, state.vocab.totalWords, undefined);
    const trainer =
      this.options.engine === 'wasm'
        ? new WasmTrainer(state, 1, progress.onJob)
        : new ReferenceTrainer(state, progress.onJob);
    for (let epoch = 0; epoch < epochs; epoch++) {
      progress.startEpoch(epoch);
      const builder = this.jobBuilder(epoch, epochs);
      for (const sentence of corpus) for (const job of builder.add(sentence)) trainer.runSync(job);
      for (const job of builder.flush()) trainer.runSync(job);
      this.lossCurve.push(progress.endEpoch());
    }
    trainer.closeSync();
    this.finish(progress);
  }

  private jobBuilder(epoch: number, epochs: number): JobBuilder {
    const v = this.vocabulary!;
    return new JobBuilder(v, epoch, this.alphaSchedule(epochs), v.totalWords, this.options.seed);
  }

  private finish(progress: ProgressTracker): void {
    this.rawWords = progress.rawWords;
    this.effectiveWords = progress.effectiveWords;
    this.trainSeconds = progress.seconds();
    progress.end(this.lossCurve.at(-1) ?? Number.NaN);
    this.refreshKeyedVectors();
  }

  toJSON(): Word2VecJSON {
    if (!this.vocabulary)
      throw new ValidationError('an untrained Word2Vec has nothing to save', 'vocabulary');
    return {
      type: 'Word2Vec',
      options: this.options,
      vocabulary: this.vocabulary.toJSON(),
      syn0: encodeFloats(this.inputVectors),
      syn1neg: this.outputVectors ? encodeFloats(this.outputVectors) : null,
      syn1: this.hsVectors ? encodeFloats(this.hsVectors) : null,
      lossCurve: [...this.lossCurve],
    };
  }

  /**
   * Rebuilds a model from `toJSON()` (object or JSON text), checking every field: the tables must
   * be V × vectorSize float32 values, finite unless `allowNonFinite`; syn1neg present exactly when
   * `negative` > 0, syn1 exactly when `hs` = 1.
   */
  static fromJSON(json: Word2VecJSON | unknown, options: FromJSONOptions = {}): Word2Vec {
    const label = 'Word2Vec JSON';
    const m = checkJson(
      checkModelType(jsonInput(json, label), 'Word2Vec', label),
      WORD2VEC_SHAPE,
      label,
      '$',
    );
    const model = atPath(label, '$.options', () => new Word2Vec(m.options as Word2VecOptions));
    const vocabulary = Vocabulary.fromJSON(m.vocabulary, label, '$.vocabulary');
    const V = vocabulary.size;
    const D = model.options.vectorSize;
    const table = (text: string, name: string) =>
      decodeFloats(
        text,
        Float32Array,
        V * D,
        `${V} words × ${D}`,
        label,
        `$.${name}`,
        options.allowNonFinite ?? false,
      );
    const optional = (text: string | null, name: string, trained: boolean, why: string) => {
      if ((text !== null) !== trained)
        throw new FormatError(
          label,
          `$.${name}`,
          trained ? `is missing: ${why} trains it` : `must be null: nothing trains it (${why} is off)`,
        );
      return text === null ? null : table(text, name);
    };
    model.vocabulary = vocabulary;
    model.inputVectors = table(m.syn0, 'syn0');
    model.outputVectors = optional(m.syn1neg, 'syn1neg', model.options.negative > 0, 'negative sampling');
    model.hsVectors = optional(m.syn1, 'syn1', model.options.hs === 1, 'hierarchical softmax (hs)');
    model.lossCurve.push(...m.lossCurve.map((l) => l ?? Number.NaN));
    model.refreshKeyedVectors();
    return model;
  }
}

/** Counts words and loss as jobs finish; emits progress events. */
class ProgressTracker {
  rawWords = 0;
  effectiveWords = 0;
  private epoch = 0;
  private step = 0;
  private epochLoss = 0;
  private epochTerms = 0;
  private readonly t0 = performance.now();
  private readonly steps: number;

  constructor(
    private readonly epochs: number,
    totalWords: number,
    private readonly onProgress: TrainOptions['onProgress'],
  ) {
    this.steps = Math.max(1, Math.ceil(totalWords / MAX_SENTENCE_LENGTH));
  }

  seconds(): number {
    return (performance.now() - this.t0) / 1000;
  }

  private emit(phase: Word2VecProgress['phase'], loss: number): void {
    this.onProgress?.({
      phase,
      epoch: this.epoch + 1,
      epochs: this.epochs,
      step: Math.min(this.step, this.steps),
      steps: this.steps,
      loss,
      metrics: { wordsPerSecond: this.rawWords / Math.max(1e-9, this.seconds()) },
      elapsedMs: performance.now() - this.t0,
    });
  }

  startEpoch(epoch: number): void {
    this.epoch = epoch;
    this.step = 0;
    this.epochLoss = 0;
    this.epochTerms = 0;
  }

  onJob = (job: Job, r: JobResult): void => {
    this.rawWords += job.rawWords;
    this.effectiveWords += r.effectiveWords;
    this.epochLoss += r.loss;
    this.epochTerms += r.terms;
    this.step++;
    this.emit('step', r.terms > 0 ? r.loss / r.terms : Number.NaN);
  };

  endEpoch(): number {
    const loss = this.epochTerms > 0 ? this.epochLoss / this.epochTerms : Number.NaN;
    this.emit('epoch', loss);
    return loss;
  }

  end(loss: number): void {
    this.emit('end', loss);
  }
}
