/**
 * How good are word vectors? gensim's two intrinsic evaluations, computing the same numbers
 * (course: "Vector Spaces and Word Embeddings" — similarity and analogy).
 *
 * - Analogies (Mikolov et al. 2013, questions-words.txt: "athens greece baghdad iraq", 19,544
 *   questions in 14 sections): a is to b as c is to ?, answered by 3CosAdd, b − a + c.
 * - Word pairs (WordSim-353, SimLex-999): the correlation of cosine similarity with human scores.
 *
 * Both restrict the vocabulary to the first `restrictVocab` words (the most frequent) and compare
 * in upper case by default, skipping questions with words outside it, as gensim does.
 *
 * One question at a time, as the course asks it ("king − man + woman = ?"), `answerAnalogy` answers
 * and, given the expected word, says whether the answer is correct — the same verdict
 * `evaluateWordAnalogies` counts.
 */
import type * as fs from 'node:fs';
import { nodeBuiltin, ValidationError } from '@firth/numeric';
import { dot, type KeyedVectors } from './keyed-vectors.js';

/**
 * A benchmark file's text. Node's fs is looked up when called (nodeBuiltin), so KeyedVectors, whose
 * evaluate methods land here, bundles for a browser; there these two methods say they need Node.
 */
const readText = (path: string, what: string): string =>
  nodeBuiltin<typeof fs>('fs', what).readFileSync(path, 'utf8');

export interface AnalogyOptions {
  /** Skip questions with a word outside the first N words. @default 300000 — gensim's default */
  restrictVocab?: number;
  /** Compare words in upper case; the most frequent case variant wins. @default true */
  caseInsensitive?: boolean;
  /** Count questions with unknown words as wrong instead of skipping them. @default false */
  dummy4unknown?: boolean;
}

export interface AnalogySection {
  section: string;
  correct: number;
  incorrect: number;
}

export interface AnalogyResult {
  /** correct / (correct + incorrect) over all sections (gensim's `analogies_score`). */
  score: number;
  /** One entry per `: section` of the file, then `Total accuracy`, as gensim returns them. */
  sections: AnalogySection[];
  /** Percentage of questions with a word outside the restricted vocabulary. */
  oovRatio: number;
}

/** One analogy question: a is to b as c is to ? (questions-words.txt's line "a b c expected"). */
export interface AnalogyQuestion {
  a: string;
  b: string;
  c: string;
  /** The right answer, when known: the result then says whether the model found it. */
  expected?: string;
}

export interface AnalogyAnswerOptions {
  /** How many answers to list, best first. @default 5 — what gensim's evaluation looks at */
  topn?: number;
  /** Compare the answer with `expected` in upper case. @default true — as gensim's evaluation */
  caseInsensitive?: boolean;
}

export interface AnalogyAnswer {
  /** The question as the course writes it: 'man : king :: woman : ?' */
  analogy: string;
  /** The best answer (`answers[0]`), or null when the vocabulary has no fourth word. */
  answer: string | null;
  /** The expected answer, when the question has one. */
  expected?: string;
  /** Whether `answer` is `expected` (only when the question has one). */
  correct?: boolean;
  /** The words nearest to b − a + c by cosine, the three query words left out, best first. */
  answers: { word: string; score: number }[];
}

/**
 * Answers "a is to b as c is to ?" by 3CosAdd — the nearest words to b − a + c (unit vectors), the
 * query words excluded, gensim's `most_similar(positive=[b, c], negative=[a])` — and, when the
 * question gives the expected word, whether the answer is it (the check `evaluateWordAnalogies`
 * counts).
 *
 * answerAnalogy(glove, { a: 'man', b: 'king', c: 'woman', expected: 'queen' })
 * // { analogy: 'man : king :: woman : ?', answer: 'queen', expected: 'queen', correct: true,
 * //   answers: [{ word: 'queen', score: 0.7699 }, …] }
 * answerAnalogy(glove, { a: 'boy', b: 'girl', c: 'brother', expected: 'sister' }).correct // false: 'daughter'
 */
export function answerAnalogy(
  kv: KeyedVectors,
  question: AnalogyQuestion,
  options: AnalogyAnswerOptions = {},
): AnalogyAnswer {
  const { a, b, c, expected } = question;
  const { topn = 5, caseInsensitive = true } = options;
  const answers = kv
    .mostSimilar({ positive: [b, c], negative: [a], topn })
    .map(([word, score]) => ({ word, score }));
  const answer = answers[0]?.word ?? null;
  // the verdict next to the answer, before the list (what n8n's table shows first)
  return {
    analogy: `${a} : ${b} :: ${c} : ?`,
    answer,
    ...(expected === undefined
      ? {}
      : { expected, correct: answer !== null && sameWord(answer, expected, caseInsensitive) }),
    answers,
  };
}

/** An analogy's verdict: the predicted word is the expected one (in upper case by default, as gensim). */
function sameWord(predicted: string, expected: string, caseInsensitive: boolean): boolean {
  return caseInsensitive ? predicted.toUpperCase() === expected.toUpperCase() : predicted === expected;
}

export interface WordPairsOptions extends AnalogyOptions {
  /** Column separator. @default '\t' */
  delimiter?: string;
}

export interface WordPairsResult {
  pearson: number;
  spearman: number;
  /** Percentage of pairs with an unknown word. */
  oovRatio: number;
  /** Pairs that were scored. */
  pairs: number;
}

/** The vocabulary restricted to the first `restrictVocab` words, optionally upper-cased. */
function evaluationVocab(
  kv: KeyedVectors,
  restrictVocab: number,
  caseInsensitive: boolean,
): Map<string, number> {
  const ok = new Map<string, number>();
  // Walk backwards so that the first (most frequent) case variant of a word wins, as in gensim.
  for (let i = Math.min(restrictVocab, kv.length) - 1; i >= 0; i--) {
    const k = kv.indexToKey[i] as string;
    ok.set(caseInsensitive ? k.toUpperCase() : k, i);
  }
  return ok;
}

/**
 * Accuracy on an analogy file ("a b c d": a is to b as c is to d), exactly as gensim's
 * `evaluate_word_analogies` computes it: the prediction is the first of
 * mostSimilar({ positive: [b, c], negative: [a], topn: 5, restrictVocab }) that is not a, b or c.
 *
 * Fast path, same numbers: since cos(x, b̂ + ĉ − â) ∝ x̂·b̂ + x̂·ĉ − x̂·â, each distinct word's
 * similarity row (x̂·ŵ for every x) is computed once and reused by every question it appears in.
 */
export function evaluateWordAnalogies(
  kv: KeyedVectors,
  path: string,
  options: AnalogyOptions = {},
): AnalogyResult {
  const { restrictVocab = 300000, caseInsensitive = true, dummy4unknown = false } = options;
  const okVocab = evaluationVocab(kv, restrictVocab, caseInsensitive);
  const end = Math.min(restrictVocab, kv.length);
  const rows = new SimilarityRows(kv, end);
  const sections: AnalogySection[] = [];
  let section: AnalogySection | null = null;
  let oov = 0;
  let questions = 0;
  const lines = readText(path, 'evaluateWordAnalogies(path)').split('\n');
  // The 8 best rows of the current question (5 answers + the 3 query words), best first.
  const K = 8;
  const bestIndex = new Int32Array(K);
  const bestScore = new Float64Array(K);
  for (let lineNo = 0; lineNo < lines.length; lineNo++) {
    const line = (lines[lineNo] as string).replace(/\r$/, '');
    if (line === '' && lineNo === lines.length - 1) continue;
    if (line.startsWith(': ')) {
      if (section) sections.push(section);
      section = { section: line.replace(/^[: ]+/, '').trim(), correct: 0, incorrect: 0 };
      rows.clearIfLarge();
      // Look ahead: the rows of every word this section asks about, computed four at a time.
      const needed = new Set<number>();
      for (let k = lineNo + 1; k < lines.length && !(lines[k] as string).startsWith(': '); k++) {
        const ids = (lines[k] as string)
          .split(/\s+/)
          .filter((w) => w !== '')
          .map((w) => okVocab.get(caseInsensitive ? w.toUpperCase() : w));
        if (ids.length === 4 && ids.every((id) => id !== undefined))
          for (const id of ids.slice(0, 3)) needed.add(id as number);
      }
      rows.prepare([...needed]);
      continue;
    }
    if (!section)
      throw new ValidationError(
        `Missing section header before line #${lineNo} in ${path}`,
        `${path}:${lineNo + 1}`,
      );
    const words = line.split(/\s+/).filter((w) => w !== '');
    if (words.length !== 4) continue; // gensim: "Skipping invalid line"
    const [a, b, c, expected] = words.map((w) => (caseInsensitive ? w.toUpperCase() : w)) as [
      string,
      string,
      string,
      string,
    ];
    questions++;
    const ia = okVocab.get(a);
    const ib = okVocab.get(b);
    const ic = okVocab.get(c);
    if (ia === undefined || ib === undefined || ic === undefined || !okVocab.has(expected)) {
      oov++;
      if (dummy4unknown) section.incorrect++;
      continue;
    }
    // scores = U (b̂ + ĉ − â)   (end,) — proportional to gensim's cosines, same ranking
    const rb = rows.get(ib);
    const rc = rows.get(ic);
    const ra = rows.get(ia);
    // Fused with the top-8 selection (same order as `topK`): most rows fail the first comparison.
    bestScore.fill(Number.NEGATIVE_INFINITY);
    let kth = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < end; i++) {
      const s = (rb[i] as number) + (rc[i] as number) - (ra[i] as number);
      if (s <= kth) continue;
      let j = K - 1;
      while (j > 0 && (bestScore[j - 1] as number) < s) {
        bestScore[j] = bestScore[j - 1] as number;
        bestIndex[j] = bestIndex[j - 1] as number;
        j--;
      }
      bestScore[j] = s;
      bestIndex[j] = i;
      kth = bestScore[K - 1] as number;
    }
    const exclude = [ia, ib, ic];
    const sims = Array.from(bestIndex.subarray(0, Math.min(K, end)))
      .filter((i) => !exclude.includes(i))
      .slice(0, 5);
    const ignore = new Set([a, b, c]);
    let predicted: string | null = null;
    for (const i of sims) {
      const w = kv.indexToKey[i] as string;
      predicted = caseInsensitive ? w.toUpperCase() : w;
      if (okVocab.has(predicted) && !ignore.has(predicted)) break;
    }
    if (predicted !== null && sameWord(predicted, expected, caseInsensitive)) section.correct++;
    else section.incorrect++;
  }
  if (section) sections.push(section);
  if (questions === 0) throw new ValidationError(`no analogy questions found in ${path}`, path);
  const correct = sections.reduce((s, x) => s + x.correct, 0);
  const incorrect = sections.reduce((s, x) => s + x.incorrect, 0);
  sections.push({ section: 'Total accuracy', correct, incorrect });
  return {
    score: correct + incorrect === 0 ? 0 : correct / (correct + incorrect),
    sections,
    oovRatio: (oov / questions) * 100,
  };
}

/**
 * Correlation of the model's cosine similarities with human judgements ("w1<TAB>w2<TAB>score"
 * lines, `#` comments), exactly as gensim's `evaluate_word_pairs`: Pearson's r and Spearman's ρ
 * (Pearson on ranks, ties sharing their average rank).
 */
export function evaluateWordPairs(
  kv: KeyedVectors,
  path: string,
  options: WordPairsOptions = {},
): WordPairsResult {
  const { delimiter = '\t', restrictVocab = 300000, caseInsensitive = true, dummy4unknown = false } = options;
  const okVocab = evaluationVocab(kv, restrictVocab, caseInsensitive);
  const gold: number[] = [];
  const model: number[] = [];
  let oov = 0;
  const u = kv.unitVectors();
  for (const line of readText(path, 'evaluateWordPairs(path)').split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const parts = line.split(delimiter).map((p) => (caseInsensitive ? p.toUpperCase() : p));
    if (parts.length !== 3) continue; // gensim: "Skipping invalid line"
    const [a, b, simText] = parts as [string, string, string];
    const sim = Number(simText.trim());
    if (simText.trim() === '' || Number.isNaN(sim)) continue;
    const ia = okVocab.get(a);
    const ib = okVocab.get(b);
    if (ia === undefined || ib === undefined) {
      oov++;
      if (dummy4unknown) {
        gold.push(sim);
        model.push(0);
      }
      continue;
    }
    gold.push(sim);
    model.push(dot(u, ia * kv.vectorSize, u.subarray(ib * kv.vectorSize), kv.vectorSize));
  }
  if (gold.length === 0)
    throw new ValidationError(
      `No valid similarity judgements found in ${path}: invalid format or all out of vocabulary`,
      path,
    );
  const oovRatio = dummy4unknown ? (oov / gold.length) * 100 : (oov / (gold.length + oov)) * 100;
  return { pearson: pearson(gold, model), spearman: spearman(gold, model), oovRatio, pairs: gold.length };
}

/** Lazily computed rows x̂·ŵ over the first `end` words, one per query word w. */
class SimilarityRows {
  private readonly cache = new Map<number, Float64Array>();
  constructor(
    private readonly kv: KeyedVectors,
    private readonly end: number,
  ) {}

  get(index: number): Float64Array {
    let row = this.cache.get(index);
    if (!row) {
      this.prepare([index]);
      row = this.cache.get(index) as Float64Array;
    }
    return row;
  }

  /**
   * Computes the missing rows of `indices`, four words per pass over U:
   *   R = U Wᵀ   (end, d) @ (d, 4) -> (end, 4), each û_i loaded once for four dot products.
   */
  prepare(indices: readonly number[]): void {
    const todo = indices.filter((i) => !this.cache.has(i));
    const u = this.kv.unitVectors();
    const d = this.kv.vectorSize;
    const end = this.end;
    for (let start = 0; start < todo.length; start += 4) {
      const group = todo.slice(start, start + 4);
      const w = new Float64Array(4 * d);
      group.forEach((index, g) => {
        w.set(u.subarray(index * d, (index + 1) * d), g * d);
      });
      const out = [0, 1, 2, 3].map(() => new Float64Array(end));
      const [r0, r1, r2, r3] = out as [Float64Array, Float64Array, Float64Array, Float64Array];
      for (let i = 0, at = 0; i < end; i++, at += d) {
        let s0 = 0;
        let s1 = 0;
        let s2 = 0;
        let s3 = 0;
        for (let k = 0; k < d; k++) {
          const x = u[at + k] as number;
          s0 += x * (w[k] as number);
          s1 += x * (w[d + k] as number);
          s2 += x * (w[2 * d + k] as number);
          s3 += x * (w[3 * d + k] as number);
        }
        r0[i] = s0;
        r1[i] = s1;
        r2[i] = s2;
        r3[i] = s3;
      }
      group.forEach((index, g) => {
        this.cache.set(index, out[g] as Float64Array);
      });
    }
  }

  /** Keeps memory bounded (~256 MB) on large vocabularies: drop rows between sections. */
  clearIfLarge(): void {
    if (this.cache.size * this.end > 2 ** 25) this.cache.clear();
  }
}

/** Pearson's r = Σ(x−x̄)(y−ȳ) / √(Σ(x−x̄)² Σ(y−ȳ)²). */
export function pearson(x: readonly number[], y: readonly number[]): number {
  const n = x.length;
  const mx = x.reduce((s, v) => s + v, 0) / n;
  const my = y.reduce((s, v) => s + v, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = (x[i] as number) - mx;
    const dy = (y[i] as number) - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return sxy / Math.sqrt(sxx * syy);
}

/** Ranks 1..n, ties sharing the average of their ranks (scipy's `rankdata(method='average')`). */
export function averageRanks(x: readonly number[]): number[] {
  const order = x.map((_, i) => i).sort((a, b) => (x[a] as number) - (x[b] as number));
  const ranks = new Array<number>(x.length);
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && x[order[j + 1] as number] === x[order[i] as number]) j++;
    const avg = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) ranks[order[k] as number] = avg;
    i = j + 1;
  }
  return ranks;
}

/** Spearman's ρ = Pearson's r of the average ranks. */
export function spearman(x: readonly number[], y: readonly number[]): number {
  return pearson(averageRanks(x), averageRanks(y));
}
