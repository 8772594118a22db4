/**
 * Exact (brute-force) nearest-neighbour search, shared by the vector stores: the scores (cosine,
 * dot, L2), the metadata filter, a top-k list kept while scanning, and maximal marginal relevance.
 * Pure functions on Float32Array rows; where the rows live (memory, SQLite) is the store's business.
 */
import { ValidationError } from '@firth/numeric';
import { Document, type DocumentInterface } from '@langchain/core/documents';

/** The similarities a store can rank by; anything else is refused, never ranked by a guess. */
export const SIMILARITIES = ['cosine', 'dot', 'l2'] as const;
export type Similarity = (typeof SIMILARITIES)[number];

/** True for a known similarity name. */
export const isSimilarity = (value: unknown): value is Similarity =>
  (SIMILARITIES as readonly unknown[]).includes(value);

/**
 * `value` as a Similarity, or a ValidationError listing the valid ones (a typo such as 'L2' would
 * otherwise rank by a different rule — farthest first).
 *
 *   checkSimilarity('L2', 'similarity') // throws: similarity must be one of 'cosine', 'dot', 'l2', got "L2"
 */
export function checkSimilarity(value: unknown, name: string): Similarity {
  if (isSimilarity(value)) return value;
  throw new ValidationError(
    `${name} must be one of ${SIMILARITIES.map((s) => `'${s}'`).join(', ')}, got ${JSON.stringify(value) ?? String(value)}`,
    name,
  );
}

/** Largest embedding length a store accepts (a sanity bound for a tampered file). */
export const MAX_DIMENSION = 1 << 20;

/**
 * The dimension of a batch about to be stored: the store's, or (first batch) the first vector's
 * length, which must be 1 … MAX_DIMENSION. undefined for an empty first batch.
 */
export function batchDimension(
  stored: number | undefined,
  vectors: readonly { length: number }[],
): number | undefined {
  if (stored !== undefined || vectors.length === 0) return stored;
  const d = vectors[0]?.length;
  if (!(Number.isInteger(d) && d! >= 1 && d! <= MAX_DIMENSION))
    throw new ValidationError(
      `vector 0 has ${String(d)} dimensions; a store holds 1 to ${MAX_DIMENSION}`,
      'vectors[0]',
    );
  return d;
}

/** 'l2' is a distance (lower is closer); 'cosine' and 'dot' are similarities (higher is closer). */
const lowerIsCloser = (similarity: Similarity) => similarity === 'l2';

/** Keep a Document if every given metadata field equals the value, or if the function says so. */
export type MetadataFilter = Record<string, unknown> | ((doc: DocumentInterface) => boolean);

export interface MmrOptions {
  /** Documents returned. @default 4 */
  k?: number;
  /** Candidates taken by similarity before re-ranking. @default 20 */
  fetchK?: number;
  /** 1 = pure relevance, 0 = pure diversity. @default 0.5 — LangChain's default */
  lambda?: number;
  filter?: MetadataFilter;
}

export function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/** ‖a‖₂ */
export function norm(a: Float32Array): number {
  return Math.sqrt(dot(a, a));
}

export function matches(doc: DocumentInterface, filter: MetadataFilter | undefined): boolean {
  if (!filter) return true;
  if (typeof filter === 'function') return filter(doc);
  return Object.entries(filter).every(([key, value]) => doc.metadata[key] === value);
}

/** A vector as a Float32Array row, refused if its length is not `dimension` or it is not finite. */
export function toRow(
  vector: number[] | Float32Array,
  dimension: number | undefined,
  what: string,
): Float32Array {
  if (!Array.isArray(vector) && !(vector instanceof Float32Array))
    throw new ValidationError(`${what} must be an array of numbers`, what);
  if (dimension !== undefined && vector.length !== dimension)
    throw new ValidationError(
      `${what} has ${vector.length} dimensions but this store holds ${dimension}-dimensional vectors (were they made by a different embedding model?)`,
    );
  const row = new Float32Array(vector);
  // a plain loop: \`row.every(Number.isFinite)\` made inserts ~2× slower
  for (let j = 0; j < row.length; j++)
    if (!Number.isFinite(row[j]!))
      throw new ValidationError(`${what} contains NaN or Infinity (or a non-number) at index ${j}`, what);
  return row;
}

/** Score of a row against the query q (with their norms): higher is closer, except for 'l2'. */
export function score(
  similarity: Similarity,
  q: Float32Array,
  qNorm: number,
  row: Float32Array,
  rowNorm: number,
): number {
  if (similarity === 'dot') return dot(q, row);
  if (similarity === 'cosine') {
    // cos(q, x) = q·x / (‖q‖ ‖x‖); a zero vector is similar to nothing
    const denom = qNorm * rowNorm;
    return denom === 0 ? 0 : dot(q, row) / denom;
  }
  // ‖q − x‖₂ ('l2': TopK checked the name, so nothing else reaches here)
  let s = 0;
  for (let j = 0; j < q.length; j++) s += (q[j]! - row[j]!) ** 2;
  return Math.sqrt(s);
}

/**
 * The best k items seen so far, best first: an insertion into a short sorted list (a full sort of
 * every score cost most of a 100k-row search). Ties keep the earlier item first.
 */
export class TopK<T> {
  readonly items: [T, number][] = [];
  private readonly better: (a: number, b: number) => boolean;

  constructor(
    readonly k: number,
    similarity: Similarity,
  ) {
    checkK(k, 'k');
    this.better = lowerIsCloser(checkSimilarity(similarity, 'similarity'))
      ? (a, b) => a < b
      : (a, b) => a > b;
  }

  /** Would an item with this score get in? (Lets a scan skip building items that would not.) */
  admits(s: number): boolean {
    return this.k >= 1 && (this.items.length < this.k || this.better(s, this.items[this.k - 1]![1]));
  }

  offer(item: T, s: number): void {
    if (!this.admits(s)) return;
    const top = this.items;
    let at = top.length;
    while (at > 0 && this.better(s, top[at - 1]![1])) at--;
    top.splice(at, 0, [item, s]);
    if (top.length > this.k) top.pop();
  }
}

/**
 * Maximal marginal relevance (Carbonell & Goldstein 1998): from the candidates, pick one at a time
 * the one maximising  λ·cos(q, d) − (1 − λ)·max_{s ∈ picked} cos(d, s).  Returns candidate positions.
 */
export function mmrSelect(
  q: Float32Array,
  rows: Float32Array[],
  norms: number[],
  k: number,
  lambda: number,
): number[] {
  checkLambda(lambda);
  checkK(k, 'k');
  const qNorm = norm(q);
  const cos = (a: Float32Array, na: number, b: Float32Array, nb: number) =>
    na * nb === 0 ? 0 : dot(a, b) / (na * nb);
  const relevance = rows.map((row, c) => cos(q, qNorm, row, norms[c]!));
  const picked: number[] = [];
  const maxSimToPicked = rows.map(() => Number.NEGATIVE_INFINITY);
  while (picked.length < Math.min(k, rows.length)) {
    let best = -1;
    let bestScore = Number.NEGATIVE_INFINITY;
    rows.forEach((_, c) => {
      if (picked.includes(c)) return;
      const redundancy = picked.length === 0 ? 0 : maxSimToPicked[c]!;
      const mmr = lambda * relevance[c]! - (1 - lambda) * redundancy;
      if (mmr > bestScore) [best, bestScore] = [c, mmr];
    });
    picked.push(best);
    const row = rows[best]!;
    const rowNorm = norms[best]!;
    rows.forEach((other, c) => {
      maxSimToPicked[c] = Math.max(maxSimToPicked[c]!, cos(other, norms[c]!, row, rowNorm));
    });
  }
  return picked;
}

/** How many results: an integer ≥ 0 (or Infinity, for all). */
export function checkK(k: unknown, name: string): number {
  if (typeof k === 'number' && k >= 0 && (Number.isInteger(k) || k === Number.POSITIVE_INFINITY)) return k;
  throw new ValidationError(`${name} must be an integer ≥ 0, got ${String(k)}`, name);
}

/** MMR's λ: a number in [0, 1]. */
export function checkLambda(lambda: unknown): number {
  if (typeof lambda === 'number' && lambda >= 0 && lambda <= 1) return lambda;
  throw new ValidationError(`lambda must be in [0, 1], got ${String(lambda)}`, 'lambda');
}

/** LangChain's fromTexts input as Documents: metadatas per text (an array) or shared (an object). */
export function textsToDocuments(texts: string[], metadatas: object[] | object): Document[] {
  return texts.map(
    (pageContent, i) =>
      new Document({
        pageContent,
        metadata: { ...((Array.isArray(metadatas) ? metadatas[i] : metadatas) as Record<string, unknown>) },
      }),
  );
}

/** addVectors' arguments agree: one vector (and one id, when ids are given) per Document. */
export function checkAddVectors(vectors: unknown, documents: unknown, ids?: unknown): void {
  if (!Array.isArray(vectors)) throw new ValidationError('addVectors: vectors must be an array', 'vectors');
  if (!Array.isArray(documents))
    throw new ValidationError('addVectors: documents must be an array', 'documents');
  if (vectors.length !== documents.length)
    throw new ValidationError(`addVectors: ${vectors.length} vectors for ${documents.length} documents`);
  if (ids !== undefined && (!Array.isArray(ids) || ids.length !== documents.length))
    throw new ValidationError(
      `addVectors: ${Array.isArray(ids) ? ids.length : 'no array of'} ids for ${documents.length} documents`,
      'ids',
    );
  documents.forEach((d: unknown, i) => {
    const doc = d as DocumentInterface | null;
    if (typeof doc?.pageContent !== 'string')
      throw new ValidationError(`addVectors: document ${i} has no string pageContent`, `documents[${i}]`);
    const m = doc.metadata;
    if (m !== undefined && (m === null || typeof m !== 'object' || Array.isArray(m)))
      throw new ValidationError(`addVectors: document ${i} metadata must be an object`, `documents[${i}]`);
    const id = (ids as unknown[] | undefined)?.[i] ?? doc.id;
    if (id !== undefined && (typeof id !== 'string' || id === ''))
      throw new ValidationError(`addVectors: document ${i} id must be a non-empty string`, `documents[${i}]`);
  });
}

/**
 * A Document's metadata as the JSON a store writes; a ValidationError (not a TypeError from
 * JSON.stringify) when it holds a BigInt or a cycle.
 */
export function metadataJson(metadata: unknown, what: string): string {
  let json: string | undefined;
  try {
    json = JSON.stringify(metadata ?? {});
  } catch (error) {
    throw new ValidationError(
      `${what} metadata cannot be stored as JSON (${(error as Error).message})`,
      what,
    );
  }
  return json ?? '{}';
}
