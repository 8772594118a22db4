/**
 * Vocabulary — the word list a Word2Vec model learns vectors for, with everything training needs
 * to know about each word: its count, how often to skip it (subsampling of frequent words), how
 * often to draw it as a negative sample (unigram^0.75 table), and its path in the Huffman tree
 * (hierarchical softmax). Built by streaming a corpus once, with gensim 4.2's semantics
 * (`Word2Vec.scan_vocab`, `prepare_vocab`, `make_cum_table`, `create_binary_tree`).
 *
 *   const vocab = await Vocabulary.build([['data', 'science', 'is', 'fun'], ['data', 'is', 'big']], { minCount: 2 });
 *   vocab.words   // ['data', 'is']       (descending count, ties in first-seen order)
 *   vocab.counts  // [2, 2]
 *
 * One deliberate difference from gensim: ties in count keep first-seen order (a stable sort);
 * gensim sorts with NumPy's unstable `argsort`, so its order among equal counts is arbitrary.
 */
import { checkJson, FormatError, shape, ValidationError } from '@firth/numeric';
import { type Corpus, sentences } from './corpus.js';
import { atPath, checkModelType, firstDuplicate, jsonInput } from './model-json.js';

export interface VocabularyOptions {
  /** Ignore words seen fewer times than this. @default 5 — gensim's default; rare words get poor vectors anyway */
  minCount?: number;
  /**
   * Bound on distinct words held while scanning: when exceeded, words seen fewer than `minReduce`
   * times are dropped and `minReduce` grows by one (gensim's `max_vocab_size`, `prune_vocab`).
   * About 1 GB of RAM per 10 million words in gensim. @default null — no bound
   */
  maxVocabSize?: number | null;
  /** Keep at most this many words, raising the effective min count as needed (gensim's `max_final_vocab`). @default null */
  maxFinalVocab?: number | null;
  /** Subsampling threshold t: words more frequent than t are randomly skipped. @default 1e-3 — gensim's default; 0 disables */
  sample?: number;
  /** Exponent of the negative-sampling distribution P(w) ∝ count^e. @default 0.75 — Mikolov et al. 2013 */
  nsExponent?: number;
  /** Build the Huffman tree for hierarchical softmax. @default false */
  huffman?: boolean;
}

/** Size of the cumulative negative-sampling table's range: gensim's `domain = 2**31 - 1`. */
export const CUM_TABLE_DOMAIN = 2 ** 31 - 1;

/** Python's `round` (half to even), as gensim's `make_cum_table` uses it. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

export interface VocabularyJSON {
  type: 'Vocabulary';
  words: string[];
  counts: number[];
  totalWords: number;
  corpusCount: number;
  options: Required<VocabularyOptions>;
}

export class Vocabulary {
  /** index → word, most frequent first (gensim's `wv.index_to_key`). */
  readonly words: string[];
  /** index → count in the corpus. */
  readonly counts: number[];
  /** word → index (gensim's `wv.key_to_index`). */
  readonly index: Map<string, number>;
  /** Raw words in the corpus, every word counted (gensim's `corpus_total_words`). */
  readonly totalWords: number;
  /** Sentences in the corpus (gensim's `corpus_count`). */
  readonly corpusCount: number;
  /**
   * index → keep probability × (2^32 − 1) (gensim's `sample_int`); a word is kept when
   * sampleInt[w] ≥ a uniform 32-bit random number.
   *   threshold = sample × (sum of retained counts)
   *   p_keep(w) = (√(count/threshold) + 1) · threshold/count, capped at 1
   */
  readonly sampleInt: Uint32Array;
  /**
   * Cumulative unigram^nsExponent table (gensim's `cum_table`): cumTable[i] = round(Σ_{j≤i} c_j^e / Σ_j c_j^e · (2^31 − 1)).
   * A negative sample is the first index whose entry exceeds a uniform draw (bisect_left).
   */
  readonly cumTable: Uint32Array;
  /** Huffman codes (0/1 per inner node on the path from the root), when built. */
  codes: Uint8Array[] = [];
  /** Inner-node indexes on each word's path (rows of `syn1`), when built. */
  points: Uint32Array[] = [];
  readonly options: Required<VocabularyOptions>;

  private constructor(
    words: string[],
    counts: number[],
    totalWords: number,
    corpusCount: number,
    options: Required<VocabularyOptions>,
  ) {
    this.words = words;
    this.counts = counts;
    this.totalWords = totalWords;
    this.corpusCount = corpusCount;
    this.options = options;
    this.index = new Map(words.map((w, i) => [w, i]));
    this.sampleInt = makeSampleInt(counts, options.sample);
    this.cumTable = makeCumTable(counts, options.nsExponent);
    if (options.huffman) this.buildHuffman();
  }

  get size(): number {
    return this.words.length;
  }

  /** Counts the corpus's words in one streaming pass, then applies minCount/maxFinalVocab and sorts. */
  static async build(corpus: Corpus, options: VocabularyOptions = {}): Promise<Vocabulary> {
    const opts = checkVocabularyOptions(options);
    const counter = new WordCounter(opts.maxVocabSize);
    for await (const sentence of sentences(corpus)) counter.add(sentence);
    return counter.finish(opts);
  }

  /**
   * `build`, and the corpus as this vocabulary's word indexes from the same pass (`EncodedCorpus`),
   * so that training reads ids instead of decompressing, decoding and splitting the text again.
   * The encoding is null when the corpus has more than `maxTokens` words (it would take 4 bytes a
   * word) or when `maxVocabSize` pruned words during the scan (their first-seen ids change).
   */
  static async buildEncoded(
    corpus: Corpus,
    options: VocabularyOptions = {},
    maxTokens: number = MAX_ENCODED_TOKENS,
  ): Promise<{ vocabulary: Vocabulary; encoded: EncodedCorpus | null }> {
    const opts = checkVocabularyOptions(options);
    const counter = new WordCounter(opts.maxVocabSize, maxTokens);
    for await (const sentence of sentences(corpus)) counter.add(sentence);
    const vocabulary = counter.finish(opts);
    return { vocabulary, encoded: counter.encoded(vocabulary) };
  }

  /** `build` for sentences already in memory, synchronously. */
  static fromSentences(corpus: readonly (readonly string[])[], options: VocabularyOptions = {}): Vocabulary {
    const opts = checkVocabularyOptions(options);
    const counter = new WordCounter(opts.maxVocabSize);
    corpus.forEach((sentence, i) => {
      if (!Array.isArray(sentence) || sentence.some((t) => typeof t !== 'string'))
        throw new ValidationError(
          `corpus[${i}] must be an array of strings (a tokenized sentence)`,
          `corpus[${i}]`,
        );
      counter.add(sentence);
    });
    return counter.finish(opts);
  }

  /** From word counts in first-seen order (what `build` collects). */
  static fromCounts(
    raw: Map<string, number>,
    totalWords: number,
    corpusCount: number,
    options: VocabularyOptions = {},
  ): Vocabulary {
    return Vocabulary.fromWordCounts(
      [...raw.keys()],
      [...raw.values()],
      raw.size,
      totalWords,
      corpusCount,
      options,
    );
  }

  /** `fromCounts` for the first `n` words and counts of two parallel arrays (first-seen order). */
  private static fromWordCounts(
    words: readonly string[],
    counts: ArrayLike<number>,
    n: number,
    totalWords: number,
    corpusCount: number,
    options: VocabularyOptions,
  ): Vocabulary {
    const opts = checkVocabularyOptions(options);
    let minCount = opts.minCount;
    if (opts.maxFinalVocab !== null) {
      // gensim: effective min count = count of the (maxFinalVocab+1)-th most frequent word + 1
      const sorted = Float64Array.from({ length: n }, (_, k) => counts[k]!)
        .sort()
        .reverse();
      if (opts.maxFinalVocab < n) minCount = Math.max(minCount, sorted[opts.maxFinalVocab]! + 1);
    }
    const kept: number[] = [];
    let maxCount = 0;
    for (let k = 0; k < n; k++) {
      const c = counts[k]!;
      if (c >= minCount) kept.push(k);
      if (c > maxCount) maxCount = c;
    }
    if (kept.length === 0) {
      throw new ValidationError(
        `no word left after minCount ${minCount}: the corpus has ${n} distinct words and the most frequent occurs ${maxCount} times`,
        'minCount',
      );
    }
    // Array.prototype.sort is stable: equal counts keep first-seen order
    kept.sort((a, b) => counts[b]! - counts[a]!);
    return new Vocabulary(
      kept.map((k) => words[k]!),
      kept.map((k) => counts[k]!),
      totalWords,
      corpusCount,
      opts,
    );
  }

  /**
   * gensim's `_assign_binary_codes`: a min-heap of (count, index) items; repeatedly merge the two
   * smallest into a new inner node numbered size + i; then walk from the root, left = 0, right = 1.
   * points[w] lists the inner nodes (0-based, minus size) from the root down.
   */
  private buildHuffman(): void {
    const n = this.size;
    const count = new Float64Array(2 * n);
    const left = new Int32Array(2 * n).fill(-1);
    const right = new Int32Array(2 * n).fill(-1);
    for (let i = 0; i < n; i++) count[i] = this.counts[i]!;
    const heap: number[] = []; // node ids, ordered by (count, id) like Python's tuple comparison
    const less = (a: number, b: number) => count[a]! < count[b]! || (count[a] === count[b] && a < b);
    const push = (x: number) => {
      heap.push(x);
      let i = heap.length - 1;
      while (i > 0) {
        const p = (i - 1) >> 1;
        if (!less(heap[i]!, heap[p]!)) break;
        [heap[i], heap[p]] = [heap[p]!, heap[i]!];
        i = p;
      }
    };
    const pop = (): number => {
      const top = heap[0]!;
      const last = heap.pop()!;
      if (heap.length > 0) {
        heap[0] = last;
        let i = 0;
        for (;;) {
          const l = 2 * i + 1;
          const r = l + 1;
          let m = i;
          if (l < heap.length && less(heap[l]!, heap[m]!)) m = l;
          if (r < heap.length && less(heap[r]!, heap[m]!)) m = r;
          if (m === i) break;
          [heap[i], heap[m]] = [heap[m]!, heap[i]!];
          i = m;
        }
      }
      return top;
    };
    for (let i = 0; i < n; i++) push(i);
    for (let i = 0; i < n - 1; i++) {
      const a = pop();
      const b = pop();
      const id = n + i;
      count[id] = count[a]! + count[b]!;
      left[id] = a;
      right[id] = b;
      push(id);
    }
    this.codes = new Array(n);
    this.points = new Array(n);
    if (n === 1) {
      this.codes[0] = new Uint8Array(0);
      this.points[0] = new Uint32Array(0);
      return;
    }
    const stack: [number, number[], number[]][] = [[heap[0]!, [], []]];
    while (stack.length > 0) {
      const [node, codes, points] = stack.pop()!;
      if (node < n) {
        this.codes[node] = Uint8Array.from(codes);
        this.points[node] = Uint32Array.from(points);
      } else {
        const p = [...points, node - n];
        stack.push([left[node]!, [...codes, 0], p]);
        stack.push([right[node]!, [...codes, 1], p]);
      }
    }
  }

  toJSON(): VocabularyJSON {
    return {
      type: 'Vocabulary',
      words: this.words,
      counts: this.counts,
      totalWords: this.totalWords,
      corpusCount: this.corpusCount,
      options: this.options,
    };
  }

  /**
   * Rebuilds a vocabulary from `toJSON()` (object or JSON text), checking every field; `label` and
   * `path` name where it sits when it is part of a model's JSON (`$.vocabulary` of Word2Vec JSON).
   */
  static fromJSON(json: VocabularyJSON | unknown, label = 'Vocabulary JSON', path = '$'): Vocabulary {
    const v = checkJson(
      checkModelType(jsonInput(json, label), 'Vocabulary', label, path),
      VOCABULARY_SHAPE,
      label,
      path,
    );
    if (v.words.length === 0)
      throw new FormatError(label, `${path}.words`, 'is empty: a vocabulary holds at least one word');
    if (v.counts.length !== v.words.length)
      throw new FormatError(
        label,
        `${path}.counts`,
        `holds ${v.counts.length} counts for ${v.words.length} words`,
      );
    const dup = firstDuplicate(v.words);
    if (dup >= 0)
      throw new FormatError(
        label,
        `${path}.words[${dup}]`,
        `repeats the word ${JSON.stringify(v.words[dup])}`,
      );
    const options = atPath(label, `${path}.options`, () =>
      checkVocabularyOptions(v.options as VocabularyOptions),
    );
    return new Vocabulary(v.words, v.counts, v.totalWords, v.corpusCount, options);
  }
}

/** What `Vocabulary.fromJSON` accepts (the options are checked by checkVocabularyOptions). */
const VOCABULARY_SHAPE = shape.object({
  words: shape.array(shape.string({ nonEmpty: true })),
  counts: shape.array(shape.integer({ min: 1 })),
  totalWords: shape.integer({ min: 0 }),
  corpusCount: shape.integer({ min: 0 }),
  options: shape.object({}),
});

function makeSampleInt(counts: number[], sample: number): Uint32Array {
  const retainTotal = counts.reduce((s, c) => s + c, 0);
  // gensim: sample < 1 is a proportion of the corpus; sample ≥ 1 an absolute count (golden-ratio shorthand)
  const threshold = !sample
    ? retainTotal
    : sample < 1
      ? sample * retainTotal
      : Math.trunc((sample * (3 + Math.sqrt(5))) / 2);
  const out = new Uint32Array(counts.length);
  counts.forEach((v, i) => {
    const p = Math.min(1, (Math.sqrt(v / threshold) + 1) * (threshold / v));
    out[i] = Math.trunc(p * (2 ** 32 - 1)); // np.uint32(p * (2**32 - 1)) truncates
  });
  return out;
}

function makeCumTable(counts: number[], exponent: number): Uint32Array {
  let total = 0;
  for (const c of counts) total += c ** exponent;
  const out = new Uint32Array(counts.length);
  let cumulative = 0;
  counts.forEach((c, i) => {
    cumulative += c ** exponent;
    out[i] = roundHalfEven((cumulative / total) * CUM_TABLE_DOMAIN);
  });
  return out;
}

function checkVocabularyOptions(o: VocabularyOptions): Required<VocabularyOptions> {
  const opts = {
    minCount: o.minCount ?? 5,
    maxVocabSize: o.maxVocabSize ?? null,
    maxFinalVocab: o.maxFinalVocab ?? null,
    sample: o.sample ?? 1e-3,
    nsExponent: o.nsExponent ?? 0.75,
    huffman: o.huffman ?? false,
  };
  const int = (name: string, v: number, min: number) => {
    if (!Number.isInteger(v) || v < min)
      throw new ValidationError(`${name} must be an integer ≥ ${min}, got ${v}`, name);
  };
  int('minCount', opts.minCount, 0);
  if (opts.maxVocabSize !== null) int('maxVocabSize', opts.maxVocabSize, 1);
  if (opts.maxFinalVocab !== null) int('maxFinalVocab', opts.maxFinalVocab, 1);
  if (!Number.isFinite(opts.sample) || opts.sample < 0)
    throw new ValidationError(`sample must be a number ≥ 0, got ${opts.sample}`, 'sample');
  if (!Number.isFinite(opts.nsExponent))
    throw new ValidationError(`nsExponent must be a finite number, got ${opts.nsExponent}`, 'nsExponent');
  if (typeof opts.huffman !== 'boolean')
    throw new ValidationError(`huffman must be true or false, got ${String(opts.huffman)}`, 'huffman');
  return opts;
}

/** The most words `Vocabulary.buildEncoded` encodes (256 MiB of ids); a larger corpus is streamed. */
export const MAX_ENCODED_TOKENS = 2 ** 26;

/**
 * A corpus as word indexes of a vocabulary, sentence by sentence, in corpus order: `ids[i]` is the
 * index of the corpus's i-th word, −1 for a word outside the vocabulary (it still counts as a
 * corpus word); sentence s is `ids[sentenceEnds[s − 1] .. sentenceEnds[s])` (from 0 for s = 0).
 * What `sentences(corpus)` streams, looked up once.
 */
export class EncodedCorpus {
  constructor(
    readonly ids: Int32Array,
    readonly sentenceEnds: Int32Array,
  ) {}

  get sentenceCount(): number {
    return this.sentenceEnds.length;
  }
}

/** Appends int32s to a growing buffer (doubling), up to a bound. */
class IntBuffer {
  data = new Int32Array(1 << 16);
  length = 0;
  constructor(private readonly max: number) {}

  /** Room for `n` more values; false past the bound. */
  reserve(n: number): boolean {
    const need = this.length + n;
    if (need > this.max) return false;
    if (need > this.data.length) {
      const grown = new Int32Array(Math.min(this.max, Math.max(need, 2 * this.data.length)));
      grown.set(this.data.subarray(0, this.length));
      this.data = grown;
    }
    return true;
  }
}

/**
 * gensim's `_scan_vocab`: word counts in first-seen order, pruned when maxVocabSize is exceeded.
 * One Map lookup a word: the Map gives a word's first-seen id (a Map keeps insertion order, like
 * gensim's dict), the count lives in a typed array at that id; only a new word is inserted.
 */
class WordCounter {
  private ids = new Map<string, number>();
  /** id → word and id → count, for the first `ids.size` ids. */
  private words: string[] = [];
  private counts = new Float64Array(1024);
  totalWords = 0;
  corpusCount = 0;
  private minReduce = 1;
  /** With `maxTokens`: every word's first-seen id, and each sentence's end (null once given up). */
  private tokens: IntBuffer | null = null;
  private ends: IntBuffer | null = null;

  constructor(
    private readonly maxVocabSize: number | null,
    maxTokens?: number,
  ) {
    if (maxTokens !== undefined) {
      this.tokens = new IntBuffer(maxTokens);
      // one sentence a word at most, plus the empty sentences of a string[][] corpus
      this.ends = new IntBuffer(2 ** 31 - 1);
    }
  }

  add(sentence: readonly string[]): void {
    const { ids, words } = this;
    let counts = this.counts;
    let out: Int32Array | null = null;
    let at = 0;
    if (this.tokens !== null) {
      if (this.tokens.reserve(sentence.length) && this.ends!.reserve(1)) {
        out = this.tokens.data;
        at = this.tokens.length;
      } else this.tokens = this.ends = null;
    }
    for (let t = 0; t < sentence.length; t++) {
      const w = sentence[t]!;
      let id = ids.get(w);
      if (id !== undefined) counts[id]!++;
      else {
        id = words.length;
        if (id === counts.length) {
          const grown = new Float64Array(2 * counts.length);
          grown.set(counts);
          this.counts = counts = grown;
        }
        ids.set(w, id);
        words.push(w);
        counts[id] = 1;
      }
      if (out !== null) out[at + t] = id;
    }
    if (out !== null) {
      this.tokens!.length += sentence.length;
      this.ends!.data[this.ends!.length++] = this.tokens!.length;
    }
    this.totalWords += sentence.length;
    this.corpusCount++;
    // prune_vocab: drop words seen fewer than minReduce times, then raise the bar
    if (this.maxVocabSize !== null && ids.size > this.maxVocabSize) {
      this.prune();
      this.tokens = this.ends = null; // the recorded ids are the old ones
    }
  }

  /** The recorded corpus as `vocabulary`'s indexes (null when nothing was recorded or it was given up). */
  encoded(vocabulary: Vocabulary): EncodedCorpus | null {
    if (this.tokens === null || this.ends === null) return null;
    const n = this.words.length;
    const toIndex = new Int32Array(n);
    for (let k = 0; k < n; k++) toIndex[k] = vocabulary.index.get(this.words[k]!) ?? -1;
    const { data, length } = this.tokens;
    // up to half of a doubled buffer is spare: copy out rather than hold it
    const ids = data.length > 1.25 * length ? data.slice(0, length) : data.subarray(0, length);
    for (let i = 0; i < ids.length; i++) ids[i] = toIndex[ids[i]!]!;
    const ends = this.ends.data.slice(0, this.ends.length);
    this.tokens = this.ends = null;
    return new EncodedCorpus(ids, ends);
  }

  /** Keeps the words seen at least minReduce times, in first-seen order, with new ids 0, 1, … */
  private prune(): void {
    const { words, counts, minReduce } = this;
    const ids = new Map<string, number>();
    let n = 0;
    for (let k = 0; k < words.length; k++) {
      if (counts[k]! < minReduce) continue;
      ids.set(words[k]!, n);
      words[n] = words[k]!;
      counts[n++] = counts[k]!;
    }
    words.length = n;
    this.ids = ids;
    this.minReduce++;
  }

  finish(opts: Required<VocabularyOptions>): Vocabulary {
    if (this.totalWords === 0)
      throw new ValidationError('the corpus is empty: no words to build a vocabulary from', 'corpus');
    const n = this.words.length;
    return Vocabulary['fromWordCounts'](this.words, this.counts, n, this.totalWords, this.corpusCount, opts);
  }
}
