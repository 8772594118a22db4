/**
 * The reference path of Word2Vec training (word2vec.ts holds the model): gensim's train_batch_sg /
 * train_batch_cbow (word2vec_inner.pyx) in plain TypeScript, one job at a time on the calling
 * thread, straight from the math. word2vec.wat (the fast path, word2vec-fast.ts) is the same code
 * statement for statement: it draws the same random numbers and differs only in float32 rounding
 * (SIMD sums in another order), which word2vec.test.ts bounds.
 *
 * Also here: what both paths share — the training state, a job, the σ tables.
 */
import type { Vocabulary } from './vocabulary.js';

/** What both training paths read and update (word2vec.ts owns it). */
export interface TrainState {
  vocab: Vocabulary;
  vectorSize: number;
  /** W_in, "syn0": row-major V × vectorSize. */
  syn0: Float32Array;
  /** W_out for negative sampling, "syn1neg" (null when negative = 0). */
  syn1neg: Float32Array | null;
  /** Inner-node vectors for hierarchical softmax, "syn1" (null when hs = 0). */
  syn1: Float32Array | null;
  window: number;
  negative: number;
  hs: boolean;
  sg: boolean;
  cbowMean: boolean;
  sample: boolean;
  /** Accumulate the loss (off: loss and terms stay 0). */
  computeLoss: boolean;
}

/** Up to 10,000 words in whole sentences, as vocabulary indexes, with its learning rate and seed. */
export interface Job {
  words: Int32Array;
  /** Exclusive end (in `words`) of each sentence. */
  sentenceEnds: Int32Array;
  alpha: number;
  /** The job's 48-bit random state, split (high 16 bits, low 32 bits). */
  seedHi: number;
  seedLo: number;
  /** Corpus words the job covers, out-of-vocabulary words included (for progress and alpha). */
  rawWords: number;
}

export interface JobResult {
  /** Words left after subsampling. */
  effectiveWords: number;
  /** Σ −log σ(±u·v) over the job's logistic terms, and their number. */
  loss: number;
  terms: number;
}

/** EXP_TABLE_SIZE and MAX_EXP of word2vec.c/gensim. */
export const EXP_TABLE_SIZE = 1000;
export const MAX_EXP = 6;

/** σ(x) and log σ(x) at x_i = (2i/1000 − 1)·6, float32 (gensim's EXP_TABLE, LOG_TABLE). */
export function sigmoidTables(): { exp: Float32Array; log: Float32Array } {
  const exp = new Float32Array(EXP_TABLE_SIZE);
  const log = new Float32Array(EXP_TABLE_SIZE);
  for (let i = 0; i < EXP_TABLE_SIZE; i++) {
    const e = Math.exp(((i / EXP_TABLE_SIZE) * 2 - 1) * MAX_EXP);
    exp[i] = e / (e + 1);
    log[i] = Math.log(exp[i]!);
  }
  return { exp, log };
}

/**
 * gensim's next_random: a 48-bit linear congruential generator (java.util.Random's constants),
 *   next = (next · 25214903917 + 11) mod 2^48,   random_int32 = (next >> 16) mod 2^32,
 * kept as two 24-bit halves so that every product is exact in a double.
 */
class Lcg48 {
  private hi: number;
  private lo: number;
  constructor(seedHi: number, seedLo: number) {
    const v = (seedHi & 0xffff) * 2 ** 32 + (seedLo >>> 0);
    this.hi = Math.floor(v / 2 ** 24);
    this.lo = v % 2 ** 24;
  }
  /** random_int32: the current state's bits 16..47, then one step. */
  next32(): number {
    const r = (this.hi * 256 + Math.floor(this.lo / 65536)) >>> 0;
    // 25214903917 = 0x5DE · 2^24 + 0xECE66D
    const t = this.lo * 0xece66d + 11;
    this.hi = (this.hi * 0xece66d + this.lo * 0x5de + Math.floor(t / 2 ** 24)) % 2 ** 24;
    this.lo = t % 2 ** 24;
    return r;
  }
}

const TABLES = sigmoidTables();
/** EXP_TABLE_SIZE / MAX_EXP / 2 = 1000/12, as a float32 (word2vec.wat computes the index in float32). */
const TABLE_SCALE = Math.fround(EXP_TABLE_SIZE / MAX_EXP / 2);
/** Table row of x ∈ (−6, 6): ⌊(x + 6) · 1000/12⌋. */
const tableIndex = (x: number) => Math.trunc(Math.fround(Math.fround(x + MAX_EXP) * TABLE_SCALE));

/** The reference path: one job at a time on the calling thread, straight from the math. */
export class ReferenceTrainer {
  private readonly work: Float32Array;
  private readonly neu1: Float32Array;
  private loss = 0;
  private terms = 0;

  constructor(
    private readonly s: TrainState,
    private readonly onResult: (job: Job, r: JobResult) => void,
  ) {
    this.work = new Float32Array(s.vectorSize);
    this.neu1 = new Float32Array(s.vectorSize);
  }

  runSync(job: Job): JobResult {
    const { vocab, window, negative, hs, sg, sample, vectorSize: D, syn0 } = this.s;
    const rng = new Lcg48(job.seedHi, job.seedLo);
    const alpha = Math.fround(job.alpha);
    this.loss = 0;
    this.terms = 0;
    // 1. subsampling: keep word w with probability p_keep(w), i.e. iff sampleInt[w] ≥ a random uint32
    const eff: number[] = [];
    const effEnds = [0];
    let w = 0;
    for (const end of job.sentenceEnds) {
      for (; w < end; w++) {
        const word = job.words[w]!;
        if (sample && vocab.sampleInt[word]! < rng.next32()) continue;
        eff.push(word);
      }
      effEnds.push(eff.length);
    }
    // 2. random window shrinking: word i looks at window − b_i words each side, b_i uniform in [0, window)
    const reduced = eff.map(() => rng.next32() % window);
    // 3. train, sentence by sentence
    for (let s = 0; s + 1 < effEnds.length; s++) {
      const start = effEnds[s]!;
      const end = effEnds[s + 1]!;
      for (let i = start; i < end; i++) {
        const j = Math.max(start, i - window + reduced[i]!);
        const k = Math.min(end, i + window + 1 - reduced[i]!);
        const centre = eff[i]!;
        if (sg) {
          // skip-gram: h = W_in[context] predicts the centre word; W_in[context] += Σ g·u
          for (let m = j; m < k; m++) {
            if (m === i) continue;
            const row = eff[m]! * D;
            if (hs) {
              this.work.fill(0);
              this.hsPath(centre, syn0, row, alpha);
              for (let d = 0; d < D; d++) syn0[row + d]! += this.work[d]!;
            }
            if (negative) {
              this.work.fill(0);
              this.negSample(centre, syn0, row, alpha, rng);
              for (let d = 0; d < D; d++) syn0[row + d]! += this.work[d]!;
            }
          }
        } else {
          // CBOW: h = mean (or sum) of the context words' W_in rows predicts the centre word
          if (hs) {
            const inv = this.cbowInput(eff, i, j, k);
            this.work.fill(0);
            this.hsPath(centre, this.neu1, 0, alpha);
            this.cbowApply(eff, i, j, k, inv);
          }
          if (negative) {
            const inv = this.cbowInput(eff, i, j, k);
            this.work.fill(0);
            this.negSample(centre, this.neu1, 0, alpha, rng);
            this.cbowApply(eff, i, j, k, inv);
          }
        }
      }
    }
    const r = { effectiveWords: eff.length, loss: this.loss, terms: this.terms };
    this.onResult(job, r);
    return r;
  }

  /** f = u·h; returns g = (label − σ(f))·alpha, or null when |f| ≥ 6 (σ saturated: no update, as gensim). */
  private logistic(f: number, label: number, alpha: number): number | null {
    if (f <= -MAX_EXP || f >= MAX_EXP) return null;
    // loss −log σ(f) for the true word (label 1), −log σ(−f) for a noise word (label 0)
    if (this.s.computeLoss) {
      this.loss -= TABLES.log[tableIndex(label === 1 ? f : -f)]!;
      this.terms++;
    }
    return Math.fround((label - TABLES.exp[tableIndex(f)]!) * alpha);
  }

  /** u·h over vectorSize floats. */
  private dot(a: Float32Array, ao: number, b: Float32Array, bo: number): number {
    let s = 0;
    for (let d = 0; d < this.s.vectorSize; d++) s += a[ao + d]! * b[bo + d]!;
    return Math.fround(s);
  }

  /**
   * Negative sampling for input h (a W_in row or neu1) and the centre word:
   *   for t in [centre, k noise words ~ unigram^0.75]:  g = (label − σ(u_t·h))·alpha
   *     work += g·u_t        (the gradient for h, applied by the caller)
   *     u_t  += g·h          (u_t = W_out[t], "syn1neg")
   */
  private negSample(centre: number, h: Float32Array, ho: number, alpha: number, rng: Lcg48): void {
    const { cumTable } = this.s.vocab;
    const out = this.s.syn1neg!;
    const D = this.s.vectorSize;
    const last = cumTable[cumTable.length - 1]!;
    for (let d = 0; d <= this.s.negative; d++) {
      let target = centre;
      let label = 1;
      if (d > 0) {
        // bisect_left(cum_table, random mod cum_table[-1]): word t drawn with probability ∝ count_t^0.75
        const x = rng.next32() % last;
        let lo = 0;
        let hi = cumTable.length;
        while (lo < hi) {
          const mid = (lo + hi) >>> 1;
          if (cumTable[mid]! < x) lo = mid + 1;
          else hi = mid;
        }
        target = lo;
        if (target === centre) continue;
        label = 0;
      }
      const row = target * D;
      const g = this.logistic(this.dot(h, ho, out, row), label, alpha);
      if (g === null) continue;
      for (let e = 0; e < D; e++) this.work[e]! += g * out[row + e]!;
      for (let e = 0; e < D; e++) out[row + e]! += g * h[ho + e]!;
    }
  }

  /**
   * Hierarchical softmax: p(centre | h) = Π_n σ((1 − 2·code_n)·u_n·h) over the inner nodes n on the
   * centre word's Huffman path; each node is one logistic term with label 1 − code_n.
   */
  private hsPath(centre: number, h: Float32Array, ho: number, alpha: number): void {
    const codes = this.s.vocab.codes[centre]!;
    const points = this.s.vocab.points[centre]!;
    const out = this.s.syn1!;
    const D = this.s.vectorSize;
    for (let b = 0; b < codes.length; b++) {
      const row = points[b]! * D;
      const g = this.logistic(this.dot(h, ho, out, row), 1 - codes[b]!, alpha);
      if (g === null) continue;
      for (let e = 0; e < D; e++) this.work[e]! += g * out[row + e]!;
      for (let e = 0; e < D; e++) out[row + e]! += g * h[ho + e]!;
    }
  }

  /** neu1 = Σ_{m ∈ [j, k), m ≠ i} W_in[eff[m]], ÷ count when cbowMean; returns 1/count. */
  private cbowInput(eff: number[], i: number, j: number, k: number): number {
    const { syn0, vectorSize: D, cbowMean } = this.s;
    this.neu1.fill(0);
    let count = 0;
    for (let m = j; m < k; m++) {
      if (m === i) continue;
      count++;
      for (let d = 0; d < D; d++) this.neu1[d]! += syn0[eff[m]! * D + d]!;
    }
    const inv = count > 0 ? Math.fround(1 / count) : 1;
    if (cbowMean) for (let d = 0; d < D; d++) this.neu1[d]! *= inv;
    return inv;
  }

  /** W_in[eff[m]] += work for every context word (work ÷ count first when summing, as gensim). */
  private cbowApply(eff: number[], i: number, j: number, k: number, inv: number): void {
    const { syn0, vectorSize: D, cbowMean } = this.s;
    if (!cbowMean) for (let d = 0; d < D; d++) this.work[d]! *= inv;
    for (let m = j; m < k; m++) {
      if (m === i) continue;
      const row = eff[m]! * D;
      for (let d = 0; d < D; d++) syn0[row + d]! += this.work[d]!;
    }
  }

  async submit(job: Job): Promise<void> {
    this.runSync(job);
  }
  async drain(): Promise<void> {}
  async close(): Promise<void> {}
  closeSync(): void {}
}
