/**
 * The word–word co-occurrence matrix — the distributional hypothesis as a table ("You shall know a
 * word by the company it keeps", J.R. Firth 1957), and what GloVe factorises (Pennington, Socher &
 * Manning 2014; the course's GloVe slide shows one for a cat/hat corpus).
 *
 *   X[i][j] = how often word j appears within `window` positions of an occurrence of word i
 *
 *   cooccurrenceMatrix([['the', 'cat', 'sat', 'on', 'the', 'mat']], { window: 1 })
 *   // vocabulary ['cat', 'mat', 'on', 'sat', 'the']
 *   // matrix [[0, 0, 0, 1, 1], [0, 0, 0, 0, 1], [0, 0, 0, 1, 1], [1, 0, 1, 0, 0], [1, 1, 1, 0, 0]]
 *
 * Conventions, as GloVe's `cooccur.c`:
 * - symmetric (default): context on both sides, so X = Xᵀ; a word next to itself counts from both
 *   occurrences (X[i][i] += 2 per pair). Asymmetric: only the words to the LEFT of word i count.
 * - distanceWeighting: a context word d positions away adds 1/d instead of 1.
 * - windows stop at sentence ends; words outside the vocabulary (or rarer than minCount) are
 *   removed first, so the words around them become neighbours (as in GloVe and word2vec).
 * The vocabulary is sorted in code-point order (the course's table and CountVectorizer), unless given.
 *
 * Two paths: `cooccurrenceMatrix` fills a dense V×V array (the readable reference), and
 * `cooccurrenceMatrixSparse` accumulates only the non-zero cells into CSR, for vocabularies too
 * large for V² numbers. A test proves they agree.
 */
import { ValidationError } from '@firth/numeric';
import { type CsrMatrix, compareCodePoints } from './bag-of-words.js';

export interface CooccurrenceOptions {
  /** How many words on each side count as context. @default 2 — a narrow window favours syntactic neighbours */
  window?: number;
  /** Count context on both sides (X symmetric) or only on the left. @default true — GloVe's default */
  symmetric?: boolean;
  /** Weight a context word d positions away by 1/d (GloVe). @default false — plain counts, as in the course's table */
  distanceWeighting?: boolean;
  /** Rows/columns in this order; other words are dropped before windowing. @default all words with count ≥ minCount, sorted */
  vocabulary?: readonly string[] | null;
  /** Drop words seen fewer times than this (ignored when a vocabulary is given). @default 1 — keep every word */
  minCount?: number;
}

export interface Cooccurrence<M> {
  /** Row/column i is vocabulary[i]. */
  vocabulary: string[];
  matrix: M;
}

/** Checks the corpus and options, and maps every sentence to vocabulary indices (OOV removed). */
function prepare(sentences: unknown, options: CooccurrenceOptions) {
  if (typeof options !== 'object' || options === null)
    throw new ValidationError('options must be an object', 'options');
  const { window = 2, symmetric = true, distanceWeighting = false, minCount = 1 } = options;
  if (!Number.isInteger(window) || window < 1)
    throw new ValidationError(`window must be a whole number ≥ 1, got ${JSON.stringify(window)}`, 'window');
  if (!Number.isInteger(minCount) || minCount < 1)
    throw new ValidationError(
      `minCount must be a whole number ≥ 1, got ${JSON.stringify(minCount)}`,
      'minCount',
    );
  for (const [key, v] of [
    ['symmetric', symmetric],
    ['distanceWeighting', distanceWeighting],
  ] as const) {
    if (typeof v !== 'boolean')
      throw new ValidationError(`${key} must be true or false, got ${JSON.stringify(v)}`, key);
  }
  if (!Array.isArray(sentences))
    throw new ValidationError(
      `sentences must be an array of token arrays, got ${typeof sentences === 'string' ? 'a string (tokenize it first)' : typeof sentences}`,
      'sentences',
    );
  if (sentences.length === 0)
    throw new ValidationError('sentences is empty: the corpus needs at least one sentence', 'sentences');
  const counts = new Map<string, number>();
  sentences.forEach((s, i) => {
    if (!Array.isArray(s))
      throw new ValidationError(
        `sentences[${i}] must be an array of tokens, got ${typeof s === 'string' ? `the string ${JSON.stringify(s.slice(0, 40))} (tokenize it first)` : s === null ? 'null' : typeof s}`,
        `sentences[${i}]`,
      );
    s.forEach((w, k) => {
      if (typeof w !== 'string')
        throw new ValidationError(
          `sentences[${i}][${k}] must be a string, got ${w === null ? 'null' : typeof w}`,
          `sentences[${i}][${k}]`,
        );
      counts.set(w, (counts.get(w) ?? 0) + 1);
    });
  });
  let vocabulary: string[];
  if (options.vocabulary !== undefined && options.vocabulary !== null) {
    if (!Array.isArray(options.vocabulary))
      throw new ValidationError('vocabulary must be an array of words', 'vocabulary');
    vocabulary = [...options.vocabulary];
    const seen = new Set<string>();
    vocabulary.forEach((w, j) => {
      if (typeof w !== 'string')
        throw new ValidationError(`vocabulary[${j}] must be a string`, `vocabulary[${j}]`);
      if (seen.has(w))
        throw new ValidationError(`duplicate word in vocabulary: ${JSON.stringify(w)}`, `vocabulary[${j}]`);
      seen.add(w);
    });
  } else {
    vocabulary = [...counts]
      .filter(([, c]) => c >= minCount)
      .map(([w]) => w)
      .sort(compareCodePoints);
  }
  if (vocabulary.length === 0)
    throw new ValidationError(
      options.vocabulary
        ? 'vocabulary is empty'
        : `empty vocabulary: no word occurs minCount=${minCount} times or more`,
      options.vocabulary ? 'vocabulary' : 'minCount',
    );
  const index = new Map(vocabulary.map((w, j) => [w, j]));
  const ids = (sentences as string[][]).map((s) => s.flatMap((w) => (index.has(w) ? [index.get(w)!] : [])));
  return { vocabulary, ids, window, symmetric, distanceWeighting };
}

/**
 * Calls add(i, j, weight) for every (word i, context j) pair, in corpus order:
 * for each position t and each d = 1..window with t - d ≥ 0, the left neighbour c = s[t - d]
 * is context of w = s[t]; when symmetric, w is also context of c (which covers right neighbours).
 */
function eachPair(
  ids: number[][],
  window: number,
  symmetric: boolean,
  distanceWeighting: boolean,
  add: (i: number, j: number, weight: number) => void,
): void {
  for (const s of ids) {
    for (let t = 0; t < s.length; t++) {
      for (let d = 1; d <= window && t - d >= 0; d++) {
        // weight = 1/d with distance weighting (GloVe), else 1
        const weight = distanceWeighting ? 1 / d : 1;
        add(s[t]!, s[t - d]!, weight);
        if (symmetric) add(s[t - d]!, s[t]!, weight);
      }
    }
  }
}

/**
 * The co-occurrence matrix as a dense V×V array (the reference path).
 *
 *   cooccurrenceMatrix([['a', 'b', 'a']], { window: 1 }).matrix // [[0, 2], [2, 0]]
 */
export function cooccurrenceMatrix(
  sentences: readonly (readonly string[])[],
  options: CooccurrenceOptions = {},
): Cooccurrence<number[][]> {
  const { vocabulary, ids, window, symmetric, distanceWeighting } = prepare(sentences, options);
  const V = vocabulary.length;
  // X: (V, V) zeros
  const matrix = Array.from({ length: V }, () => new Array<number>(V).fill(0));
  eachPair(ids, window, symmetric, distanceWeighting, (i, j, weight) => {
    // X[w][c] += weight
    matrix[i]![j]! += weight;
  });
  return { vocabulary, matrix };
}

/**
 * The same matrix in CSR form, touching only non-zero cells: memory O(nnz) instead of O(V²).
 * Values equal the dense path's exactly (same additions in the same order).
 */
export function cooccurrenceMatrixSparse(
  sentences: readonly (readonly string[])[],
  options: CooccurrenceOptions = {},
): Cooccurrence<CsrMatrix> {
  const { vocabulary, ids, window, symmetric, distanceWeighting } = prepare(sentences, options);
  const V = vocabulary.length;
  const rows: Map<number, number>[] = Array.from({ length: V }, () => new Map());
  eachPair(ids, window, symmetric, distanceWeighting, (i, j, weight) => {
    const row = rows[i]!;
    row.set(j, (row.get(j) ?? 0) + weight);
  });
  const indptr = [0];
  const indices: number[] = [];
  const data: number[] = [];
  for (const row of rows) {
    for (const j of [...row.keys()].sort((a, b) => a - b)) {
      indices.push(j);
      data.push(row.get(j)!);
    }
    indptr.push(indices.length);
  }
  return { vocabulary, matrix: { indptr, indices, data, shape: [V, V] } };
}
