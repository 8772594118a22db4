/**
 * `HnswIndex` — an approximate nearest-neighbour index: Hierarchical Navigable Small World graphs
 * (Malkov & Yashunin, "Efficient and robust approximate nearest neighbor search using HNSW graphs",
 * 2016/2018), written here in TypeScript with no dependency.
 *
 *   const index = new HnswIndex({ dim: 384, metric: 'cosine' });
 *   index.add('doc-1', vector);                   // inserts (a held id is replaced)
 *   index.search(query, 10)                       // [{ id: 'doc-1', score: 0.93 }, …] nearest first
 *   index.remove('doc-1');                        // a tombstone: never returned again
 *   const again = HnswIndex.fromBytes(index.toBytes());
 *
 * The graph: every vector is a node on layers 0 … l, l drawn as ⌊−ln U · 1/ln M⌋ (U from a seeded
 * generator, so a build is reproducible). Layer 0 keeps up to M0 = 2M links per node, the layers
 * above up to M. An insert descends greedily from the top layer to l + 1, then on each layer l … 0
 * searches with efConstruction candidates and links to the M chosen by the neighbour-selection
 * heuristic (Algorithm 4: a candidate is kept only if it is closer to the new node than to every
 * neighbour kept so far — links that spread out in different directions); a neighbour whose list
 * overflows keeps its nearest (Algorithm 3: the heuristic there cost ~40 % of the build and gained
 * no recall on the benchmark's data). A query descends the same way and searches layer 0
 * with max(efSearch, k) candidates.
 *
 * Deletes are tombstones: the node stays in the graph (it still routes searches, as hnswlib's
 * markDelete) but is never returned; links are NOT repaired. `compact()` rebuilds the index from
 * the live vectors (the stores call it when tombstones outnumber live nodes), so memory and search
 * quality come back after many deletes.
 *
 * Distances: 'cosine' normalises each vector once on insert and ranks by 1 − a·b, 'dot' by −a·b
 * (maximum inner product through HNSW: good on normalised-ish embeddings, not guaranteed), 'l2'
 * by ‖a − b‖². Scores returned follow exact-search.ts: cosine similarity, dot product, Euclidean
 * distance (higher is closer, except 'l2').
 *
 * Storage: vectors in one growable Float32Array, layer-0 links in one Int32Array (count then M0
 * slots per node), upper layers one Int32Array per node that has them; a visited set stamped with a
 * generation (Uint32Array) and binary heaps on typed arrays, so a search allocates almost nothing.
 *
 * File (`toBytes` / `fromBytes`, `save` / `load`), little-endian:
 *   0 'FIRTHHNS' | 8 format | 12 dim | 16 metric (0 cosine, 1 dot, 2 l2) | 20 M | 24 efConstruction |
 *   28 efSearch | 32 count (nodes, tombstones included) | 36 entry point (−1: empty) | 40 top layer |
 *   44 generator state | 48 live count | 52 id bytes | 56 checksum (FNV-1a over the 32-bit words
 *   after the header) | 60 shrink (0 nearest, 1 heuristic)
 *   64: count × dim float32 vectors | count × (1 + M0) int32 layer-0 links | count uint8 layers
 *   (padded to 4) | count uint8 tombstones (padded) | Σ layer(i) × (1 + M) int32 upper links |
 *   count uint32 id lengths | id bytes (UTF-8, padded to 4).
 * `fromBytes` checks all of it (sizes, checksum, every link in range and within M/M0, layers,
 * entry point, finite vectors, unique ids) and refuses a bad file with a `FormatError`.
 */
import type * as fs from 'node:fs';
import { FormatError, nodeBuiltin, ValidationError } from '@firth/numeric';
import { writeFileAtomic } from './atomic-file.js';
import { checkK, checkSimilarity, MAX_DIMENSION, type Similarity } from './exact-search.js';

/** Bumped when the file layout changes; a file of another version is refused rather than misread. */
export const HNSW_FORMAT = 1;
const MAGIC = 'FIRTHHNS';
const HEADER_BYTES = 64;
const METRICS: readonly Similarity[] = ['cosine', 'dot', 'l2'];
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
/** Layers above this are never drawn (P ≈ M^-64); a file claiming more is corrupt. */
const MAX_LEVEL = 64;

export interface HnswOptions {
  /** Vector length. */
  dim: number;
  /** @default 'cosine' */
  metric?: Similarity;
  /** Links per node on the upper layers; layer 0 keeps M0 = 2M. @default 16 */
  M?: number;
  /** Candidates searched when inserting (higher: better graph, slower build). @default 100 */
  efConstruction?: number;
  /** Candidates searched per query (at least k are). @default 256 */
  efSearch?: number;
  /** Seeds the layer draws, so the same inserts build the same graph. @default 1 */
  seed?: number;
  /**
   * How a full neighbour list takes a new link: 'nearest' keeps the M (M0) nearest (Algorithm 3,
   * cheaper build); 'heuristic' re-selects with Algorithm 4 (better on densely clustered data).
   * @default 'heuristic'
   */
  shrink?: 'nearest' | 'heuristic';
  /** Nodes to allocate room for up front (the arrays grow by doubling otherwise). @default 1024 */
  capacity?: number;
}

/**
 * The defaults: the configuration measured at 1,000,000 × 384 (eval/ann/results.md, `bench:ann`):
 * recall@10 0.974 against exact search at p50 ≈ 2 ms. efSearch 64 gave 0.88 there (0.998 at 100k):
 * lower it for speed on smaller indexes, per index or per query.
 */
export const HNSW_DEFAULTS = {
  M: 16,
  efConstruction: 100,
  efSearch: 256,
  shrink: 'heuristic',
} as const satisfies Required<Pick<HnswOptions, 'M' | 'efConstruction' | 'efSearch' | 'shrink'>>;

/** How a vector store searches: every row ('exact', the default) or through an HnswIndex. */
export const INDEX_KINDS = ['exact', 'hnsw'] as const;
export type IndexKind = (typeof INDEX_KINDS)[number];

/** The HNSW parameters a store passes through (dim and metric are the store's). */
export type HnswParameters = Pick<HnswOptions, 'M' | 'efConstruction' | 'efSearch' | 'seed' | 'shrink'>;

/** `value` as an IndexKind, or a ValidationError naming the valid ones. */
export function checkIndexKind(value: unknown, name = 'index'): IndexKind {
  if ((INDEX_KINDS as readonly unknown[]).includes(value)) return value as IndexKind;
  throw new ValidationError(
    `${name} must be 'exact' or 'hnsw', got ${JSON.stringify(value) ?? String(value)}`,
    name,
  );
}

export interface HnswSearchOptions {
  /** Candidates kept on layer 0 for this query. @default the index's efSearch (at least k) */
  efSearch?: number;
  /** Only ids for which this is true are returned (others still route the search). */
  filter?: (id: string) => boolean;
}

export interface HnswHit {
  id: string;
  /** Cosine similarity, dot product or Euclidean distance, as exact-search.ts scores. */
  score: number;
}

/** A binary min-heap of (key, node) on typed arrays; a max-heap pushes −key. */
class Heap {
  keys = new Float64Array(64);
  vals = new Int32Array(64);
  size = 0;

  clear(): void {
    this.size = 0;
  }

  push(key: number, val: number): void {
    if (this.size === this.keys.length) {
      const keys = new Float64Array(this.size * 2);
      keys.set(this.keys);
      this.keys = keys;
      const vals = new Int32Array(this.size * 2);
      vals.set(this.vals);
      this.vals = vals;
    }
    const { keys, vals } = this;
    let i = this.size++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (keys[p]! <= key) break;
      keys[i] = keys[p]!;
      vals[i] = vals[p]!;
      i = p;
    }
    keys[i] = key;
    vals[i] = val;
  }

  /** Removes the smallest; returns its node (its key was `keys[0]` before the call). */
  pop(): number {
    const { keys, vals } = this;
    const top = vals[0]!;
    const n = --this.size;
    if (n === 0) return top;
    const key = keys[n]!;
    const val = vals[n]!;
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      if (c + 1 < n && keys[c + 1]! < keys[c]!) c++;
      if (keys[c]! >= key) break;
      keys[i] = keys[c]!;
      vals[i] = vals[c]!;
      i = c;
    }
    keys[i] = key;
    vals[i] = val;
    return top;
  }
}

/** a[ao … ao+n) · b[bo … bo+n), four sums at once. */
function dotAt(a: Float32Array, ao: number, b: Float32Array, bo: number, n: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = 0;
  for (; i + 3 < n; i += 4) {
    s0 += a[ao + i]! * b[bo + i]!;
    s1 += a[ao + i + 1]! * b[bo + i + 1]!;
    s2 += a[ao + i + 2]! * b[bo + i + 2]!;
    s3 += a[ao + i + 3]! * b[bo + i + 3]!;
  }
  for (; i < n; i++) s0 += a[ao + i]! * b[bo + i]!;
  return s0 + s1 + s2 + s3;
}

/** ‖a − b‖² over the same slices. */
function l2At(a: Float32Array, ao: number, b: Float32Array, bo: number, n: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = 0;
  for (; i + 3 < n; i += 4) {
    const d0 = a[ao + i]! - b[bo + i]!;
    const d1 = a[ao + i + 1]! - b[bo + i + 1]!;
    const d2 = a[ao + i + 2]! - b[bo + i + 2]!;
    const d3 = a[ao + i + 3]! - b[bo + i + 3]!;
    s0 += d0 * d0;
    s1 += d1 * d1;
    s2 += d2 * d2;
    s3 += d3 * d3;
  }
  for (; i < n; i++) {
    const d = a[ao + i]! - b[bo + i]!;
    s0 += d * d;
  }
  return s0 + s1 + s2 + s3;
}

/** mulberry32: a small seeded generator (state in, [0, 1) out). */
function nextRandom(state: number): [number, number] {
  const s = (state + 0x6d2b79f5) >>> 0;
  let t = s;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return [s, ((t ^ (t >>> 14)) >>> 0) / 4294967296];
}

function checkInt(value: unknown, name: string, min: number, max: number): number {
  if (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max) return value;
  throw new ValidationError(`${name} must be an integer from ${min} to ${max}, got ${String(value)}`, name);
}

/** FNV-1a over 32-bit words: any one changed word changes the sum. */
function checksum(words: Uint32Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < words.length; i++) h = Math.imul(h ^ words[i]!, 0x01000193);
  return h >>> 0;
}

const pad4 = (n: number) => (n + 3) & ~3;

export class HnswIndex {
  readonly dim: number;
  readonly metric: Similarity;
  readonly M: number;
  readonly M0: number;
  readonly efConstruction: number;
  efSearch: number;
  readonly shrink: 'nearest' | 'heuristic';
  private readonly mL: number;
  private rng: number;

  /** Nodes, tombstones included. */
  private n = 0;
  private capacity: number;
  private vectors: Float32Array;
  /** Per node: count, then M0 slots. */
  private links0: Int32Array;
  private levels: Uint8Array;
  private dead: Uint8Array;
  /** Per node with layers above 0: for layer l ≥ 1, count then M slots at (l − 1)(1 + M). */
  private upper: (Int32Array | undefined)[] = [];
  private labels: string[] = [];
  private nodes = new Map<string, number>();
  private deadCount = 0;
  private entry = -1;
  private top = 0;

  private visited: Uint32Array;
  private stamp = 0;
  private readonly candidates = new Heap();
  private readonly results = new Heap();
  private readonly query: Float32Array;

  constructor(options: HnswOptions) {
    if (options === null || typeof options !== 'object')
      throw new ValidationError('HnswIndex needs options { dim, … }', 'options');
    this.dim = checkInt(options.dim, 'dim', 1, MAX_DIMENSION);
    this.metric = options.metric === undefined ? 'cosine' : checkSimilarity(options.metric, 'metric');
    this.M = checkInt(options.M ?? HNSW_DEFAULTS.M, 'M', 2, 256);
    this.M0 = 2 * this.M;
    this.efConstruction = checkInt(
      options.efConstruction ?? HNSW_DEFAULTS.efConstruction,
      'efConstruction',
      1,
      1 << 16,
    );
    this.efSearch = checkInt(options.efSearch ?? HNSW_DEFAULTS.efSearch, 'efSearch', 1, 1 << 16);
    this.rng = checkInt(options.seed ?? 1, 'seed', 0, 0xffffffff);
    this.capacity = checkInt(options.capacity ?? 1024, 'capacity', 1, 1 << 30);
    if (options.shrink !== undefined && options.shrink !== 'nearest' && options.shrink !== 'heuristic')
      throw new ValidationError(
        `shrink must be 'nearest' or 'heuristic', got ${String(options.shrink)}`,
        'shrink',
      );
    this.shrink = options.shrink ?? HNSW_DEFAULTS.shrink;
    this.mL = 1 / Math.log(this.M);
    this.vectors = new Float32Array(this.capacity * this.dim);
    this.links0 = new Int32Array(this.capacity * (1 + this.M0));
    this.levels = new Uint8Array(this.capacity);
    this.dead = new Uint8Array(this.capacity);
    this.visited = new Uint32Array(this.capacity);
    this.query = new Float32Array(this.dim);
  }

  /** Live vectors (tombstones not counted). */
  get size(): number {
    return this.n - this.deadCount;
  }

  /** Deleted nodes still in the graph (compact() drops them). */
  get tombstones(): number {
    return this.deadCount;
  }

  has(id: string): boolean {
    return this.nodes.has(id);
  }

  /** The live ids, in insertion order. */
  ids(): string[] {
    const out: string[] = [];
    for (let i = 0; i < this.n; i++) if (!this.dead[i]) out.push(this.labels[i]!);
    return out;
  }

  /** A copy of the stored vector (normalised for 'cosine'), or undefined. */
  vector(id: string): Float32Array | undefined {
    const node = this.nodes.get(id);
    return node === undefined ? undefined : this.vectors.slice(node * this.dim, (node + 1) * this.dim);
  }

  /**
   * True when `id` is held with exactly this vector (as stored: normalised for 'cosine') — how a
   * store finds index entries its file changed behind the index's back.
   */
  holds(id: string, vector: ArrayLike<number>): boolean {
    const node = this.nodes.get(id);
    if (node === undefined) return false;
    this.put(vector, this.query, 0, `vector for ${JSON.stringify(id)}`);
    const at = node * this.dim;
    for (let j = 0; j < this.dim; j++) if (this.vectors[at + j] !== this.query[j]) return false;
    return true;
  }

  /** `vector` checked (length, finite) into `out` at `at`, normalised for 'cosine'. */
  private put(vector: ArrayLike<number>, out: Float32Array, at: number, what: string): void {
    if (!Array.isArray(vector) && !ArrayBuffer.isView(vector))
      throw new ValidationError(`${what} must be an array of numbers`, what);
    if (vector.length !== this.dim)
      throw new ValidationError(
        `${what} has ${vector.length} dimensions but this index holds ${this.dim}-dimensional vectors`,
        what,
      );
    let sq = 0;
    for (let j = 0; j < this.dim; j++) {
      const x = vector[j];
      if (typeof x !== 'number' || !Number.isFinite(x))
        throw new ValidationError(`${what} contains NaN or Infinity (or a non-number) at index ${j}`, what);
      out[at + j] = x;
      sq += x * x;
    }
    if (this.metric === 'cosine' && sq > 0) {
      const inv = 1 / Math.sqrt(sq);
      for (let j = 0; j < this.dim; j++) out[at + j] = out[at + j]! * inv;
    }
  }

  /** Distance (lower is closer) from qa[qo …] to node b. */
  private dist(qa: Float32Array, qo: number, b: number): number {
    const d = this.dim;
    if (this.metric === 'l2') return l2At(qa, qo, this.vectors, b * d, d);
    const p = dotAt(qa, qo, this.vectors, b * d, d);
    return this.metric === 'cosine' ? 1 - p : -p;
  }

  /** Distance → the score exact-search.ts reports. */
  private toScore(distance: number): number {
    if (this.metric === 'l2') return Math.sqrt(Math.max(0, distance));
    return this.metric === 'cosine' ? 1 - distance : -distance;
  }

  private grow(): void {
    const cap = this.capacity * 2;
    const grown = <T extends Float32Array | Int32Array | Uint8Array | Uint32Array>(
      a: T,
      make: (n: number) => T,
      per: number,
    ): T => {
      const b = make(cap * per);
      b.set(a);
      return b;
    };
    this.vectors = grown(this.vectors, (k) => new Float32Array(k), this.dim);
    this.links0 = grown(this.links0, (k) => new Int32Array(k), 1 + this.M0);
    this.levels = grown(this.levels, (k) => new Uint8Array(k), 1);
    this.dead = grown(this.dead, (k) => new Uint8Array(k), 1);
    this.visited = grown(this.visited, (k) => new Uint32Array(k), 1);
    this.capacity = cap;
  }

  /** The links of `node` on `layer`: the array and the offset of its count slot. */
  private linksOf(node: number, layer: number): [Int32Array, number] {
    if (layer === 0) return [this.links0, node * (1 + this.M0)];
    return [this.upper[node]!, (layer - 1) * (1 + this.M)];
  }

  private nextStamp(): number {
    if (++this.stamp === 0xffffffff) {
      this.visited.fill(0);
      this.stamp = 1;
    }
    return this.stamp;
  }

  /** Greedy descent on one layer from `cur`: the closest node reachable one hop at a time. */
  private greedy(
    qa: Float32Array,
    qo: number,
    cur: number,
    curDist: number,
    layer: number,
  ): [number, number] {
    let changed = true;
    while (changed) {
      changed = false;
      const [links, at] = this.linksOf(cur, layer);
      const count = links[at]!;
      for (let j = 1; j <= count; j++) {
        const e = links[at + j]!;
        const d = this.dist(qa, qo, e);
        if (d < curDist) {
          curDist = d;
          cur = e;
          changed = true;
        }
      }
    }
    return [cur, curDist];
  }

  /**
   * SEARCH-LAYER (Algorithm 2) from the entry nodes: up to ef nodes accepted by `accept`, nearest
   * first, as [nodes, distances]. Nodes not accepted still route the search.
   */
  private searchLayer(
    qa: Float32Array,
    qo: number,
    entries: ArrayLike<number>,
    ef: number,
    layer: number,
    accept?: (node: number) => boolean,
  ): [Int32Array, Float64Array] {
    const stamp = this.nextStamp();
    const visited = this.visited;
    const cand = this.candidates;
    const res = this.results; // a max-heap: keys are −distance
    cand.clear();
    res.clear();
    for (let i = 0; i < entries.length; i++) {
      const ep = entries[i]!;
      if (visited[ep] === stamp) continue;
      visited[ep] = stamp;
      const d = this.dist(qa, qo, ep);
      cand.push(d, ep);
      if (!accept || accept(ep)) {
        res.push(-d, ep);
        if (res.size > ef) res.pop();
      }
    }
    let bound = res.size > 0 ? -res.keys[0]! : Number.POSITIVE_INFINITY;
    const M0 = this.M0;
    while (cand.size > 0) {
      if (cand.keys[0]! > bound && res.size >= ef) break;
      const c = cand.pop();
      let links: Int32Array;
      let at: number;
      if (layer === 0) {
        links = this.links0;
        at = c * (1 + M0);
      } else [links, at] = this.linksOf(c, layer);
      const count = links[at]!;
      for (let j = 1; j <= count; j++) {
        const e = links[at + j]!;
        if (visited[e] === stamp) continue;
        visited[e] = stamp;
        const d = this.dist(qa, qo, e);
        if (res.size < ef || d < bound) {
          cand.push(d, e);
          if (!accept || accept(e)) {
            res.push(-d, e);
            if (res.size > ef) res.pop();
            bound = -res.keys[0]!;
          }
        }
      }
    }
    const nodes = new Int32Array(res.size);
    const dists = new Float64Array(res.size);
    for (let i = res.size - 1; i >= 0; i--) {
      dists[i] = -res.keys[0]!;
      nodes[i] = res.pop();
    }
    return [nodes, dists];
  }

  /**
   * SELECT-NEIGHBORS-HEURISTIC (Algorithm 4, without extending candidates): from candidates sorted
   * nearest first (distances to the base), keep one only if it is closer to the base than to every
   * node kept so far; at most `max`.
   */
  private selectNeighbors(nodes: ArrayLike<number>, dists: ArrayLike<number>, max: number): number[] {
    const kept: number[] = [];
    const d = this.dim;
    for (let i = 0; i < nodes.length && kept.length < max; i++) {
      const c = nodes[i]!;
      let good = true;
      for (const s of kept)
        if (this.dist(this.vectors, s * d, c) < dists[i]!) {
          good = false;
          break;
        }
      if (good) kept.push(c);
    }
    return kept;
  }

  /**
   * Adds link node → to on `layer`. A full list keeps its nearest `max` (SELECT-NEIGHBORS-SIMPLE,
   * Algorithm 3, which the paper allows for shrinking): the new link replaces the farthest one if
   * it is nearer. Measured: the heuristic here cost ~40 % of the build for no recall gained at
   * efSearch ≥ 64 on the benchmark's data (results.md).
   */
  private link(node: number, to: number, layer: number, distance: number): void {
    const max = layer === 0 ? this.M0 : this.M;
    const [links, at] = this.linksOf(node, layer);
    const count = links[at]!;
    if (count < max) {
      links[at + 1 + count] = to;
      links[at] = count + 1;
      return;
    }
    const base = node * this.dim;
    if (this.shrink === 'heuristic') {
      const pairs: [number, number][] = [[to, distance]];
      for (let j = 1; j <= count; j++)
        pairs.push([links[at + j]!, this.dist(this.vectors, base, links[at + j]!)]);
      pairs.sort((a, b) => a[1] - b[1]);
      const kept = this.selectNeighbors(
        pairs.map((p) => p[0]),
        pairs.map((p) => p[1]),
        max,
      );
      links[at] = kept.length;
      kept.forEach((e, j) => {
        links[at + 1 + j] = e;
      });
      return;
    }
    let worst = -1;
    let worstDist = distance;
    for (let j = 1; j <= count; j++) {
      const d = this.dist(this.vectors, base, links[at + j]!);
      if (d > worstDist) {
        worstDist = d;
        worst = j;
      }
    }
    if (worst > 0) links[at + worst] = to;
  }

  /**
   * Inserts `vector` under `id` (INSERT, Algorithm 1); an id the index holds is replaced (the old
   * node becomes a tombstone). Throws a ValidationError for a vector of the wrong length or one
   * holding NaN/Infinity, or an id that is not a non-empty string.
   */
  add(id: string, vector: ArrayLike<number>): void {
    if (typeof id !== 'string' || id === '')
      throw new ValidationError(
        `id must be a non-empty string, got ${JSON.stringify(id) ?? String(id)}`,
        'id',
      );
    if (this.n === this.capacity) this.grow();
    const node = this.n;
    const d = this.dim;
    this.put(vector, this.vectors, node * d, `vector for ${JSON.stringify(id)}`);
    if (this.nodes.has(id)) this.remove(id);
    let r: number;
    [this.rng, r] = nextRandom(this.rng);
    const level = Math.min(MAX_LEVEL, Math.floor(-Math.log(1 - r) * this.mL));
    this.n++;
    this.levels[node] = level;
    this.dead[node] = 0;
    this.links0[node * (1 + this.M0)] = 0;
    this.upper[node] = level > 0 ? new Int32Array(level * (1 + this.M)) : undefined;
    this.labels[node] = id;
    this.nodes.set(id, node);
    if (this.entry < 0) {
      this.entry = node;
      this.top = level;
      return;
    }
    const vecs = this.vectors;
    let cur = this.entry;
    let curDist = this.dist(vecs, node * d, cur);
    for (let layer = this.top; layer > level; layer--)
      [cur, curDist] = this.greedy(vecs, node * d, cur, curDist, layer);
    let entries: ArrayLike<number> = [cur];
    for (let layer = Math.min(level, this.top); layer >= 0; layer--) {
      const [nodes, dists] = this.searchLayer(vecs, node * d, entries, this.efConstruction, layer);
      const neighbours = this.selectNeighbors(nodes, dists, this.M);
      const [links, at] = this.linksOf(node, layer);
      links[at] = neighbours.length;
      neighbours.forEach((e, j) => {
        links[at + 1 + j] = e;
      });
      for (const e of neighbours) this.link(e, node, layer, this.dist(vecs, node * d, e));
      entries = nodes;
    }
    if (level > this.top) {
      this.top = level;
      this.entry = node;
    }
  }

  /** Deletes `id` (a tombstone: never returned again; compact() drops it). False if not held. */
  remove(id: string): boolean {
    const node = this.nodes.get(id);
    if (node === undefined) return false;
    this.nodes.delete(id);
    this.dead[node] = 1;
    this.deadCount++;
    return true;
  }

  /**
   * The k nearest live vectors to `query` (K-NN-SEARCH, Algorithm 5), nearest first, with
   * exact-search.ts scores. Throws a ValidationError for a query of the wrong length or holding
   * NaN/Infinity, or k not an integer ≥ 1.
   */
  search(query: ArrayLike<number>, k: number, options: HnswSearchOptions = {}): HnswHit[] {
    checkK(k, 'k');
    if (k < 1 || !Number.isFinite(k))
      throw new ValidationError(`k must be an integer ≥ 1, got ${String(k)}`, 'k');
    const ef = Math.max(k, checkInt(options.efSearch ?? this.efSearch, 'efSearch', 1, 1 << 16));
    const filter = options.filter;
    if (filter !== undefined && typeof filter !== 'function')
      throw new ValidationError('filter must be a function of the id', 'filter');
    const q = this.query;
    this.put(query, q, 0, 'query vector');
    if (this.size === 0) return [];
    let cur = this.entry;
    let curDist = this.dist(q, 0, cur);
    for (let layer = this.top; layer > 0; layer--) [cur, curDist] = this.greedy(q, 0, cur, curDist, layer);
    const dead = this.dead;
    const labels = this.labels;
    const accept = filter ? (v: number) => dead[v] === 0 && filter(labels[v]!) : (v: number) => dead[v] === 0;
    const [nodes, dists] = this.searchLayer(q, 0, [cur], ef, 0, accept);
    const hits: HnswHit[] = [];
    for (let i = 0; i < nodes.length && i < k; i++)
      hits.push({ id: labels[nodes[i]!]!, score: this.toScore(dists[i]!) });
    return hits;
  }

  /** A new index of the live vectors only (same parameters and seed): what drops tombstones. */
  compact(): HnswIndex {
    const out = new HnswIndex({
      dim: this.dim,
      metric: this.metric,
      M: this.M,
      efConstruction: this.efConstruction,
      efSearch: this.efSearch,
      shrink: this.shrink,
      capacity: Math.max(1, this.size),
    });
    const d = this.dim;
    for (let i = 0; i < this.n; i++)
      if (!this.dead[i]) out.add(this.labels[i]!, this.vectors.subarray(i * d, (i + 1) * d));
    return out;
  }

  /** Bytes `toBytes` would write. */
  byteLength(): number {
    return this.layout().total;
  }

  private layout() {
    const n = this.n;
    let upperInts = 0;
    for (let i = 0; i < n; i++) upperInts += this.levels[i]! * (1 + this.M);
    const idBytes = this.labels.slice(0, n).map((s) => new TextEncoder().encode(s));
    const idTotal = idBytes.reduce((s, b) => s + b.length, 0);
    const vectorsAt = HEADER_BYTES;
    const links0At = vectorsAt + 4 * n * this.dim;
    const levelsAt = links0At + 4 * n * (1 + this.M0);
    const deadAt = levelsAt + pad4(n);
    const upperAt = deadAt + pad4(n);
    const idLengthsAt = upperAt + 4 * upperInts;
    const idsAt = idLengthsAt + 4 * n;
    const total = idsAt + pad4(idTotal);
    return {
      upperInts,
      idBytes,
      idTotal,
      vectorsAt,
      links0At,
      levelsAt,
      deadAt,
      upperAt,
      idLengthsAt,
      idsAt,
      total,
    };
  }

  /** The index as the bytes of its file (layout in the header comment). */
  toBytes(): Uint8Array {
    if (!LITTLE_ENDIAN)
      throw new ValidationError('HNSW index files are little-endian; this machine is big-endian');
    const L = this.layout();
    const n = this.n;
    const out = new Uint8Array(L.total);
    const view = new DataView(out.buffer);
    for (let i = 0; i < MAGIC.length; i++) out[i] = MAGIC.charCodeAt(i);
    const header = [
      HNSW_FORMAT,
      this.dim,
      METRICS.indexOf(this.metric),
      this.M,
      this.efConstruction,
      this.efSearch,
      n,
      this.entry,
      this.top,
      this.rng,
      this.size,
      L.idTotal,
      0,
      this.shrink === 'heuristic' ? 1 : 0,
    ];
    header.forEach((v, i) => void view.setUint32(8 + 4 * i, v >>> 0, true)); // 56: the checksum, below
    out.set(new Uint8Array(this.vectors.buffer, 0, 4 * n * this.dim), L.vectorsAt);
    out.set(new Uint8Array(this.links0.buffer, 0, 4 * n * (1 + this.M0)), L.links0At);
    out.set(this.levels.subarray(0, n), L.levelsAt);
    out.set(this.dead.subarray(0, n), L.deadAt);
    let at = L.upperAt;
    for (let i = 0; i < n; i++) {
      const u = this.upper[i];
      if (!u) continue;
      out.set(new Uint8Array(u.buffer, u.byteOffset, u.byteLength), at);
      at += u.byteLength;
    }
    let idAt = L.idsAt;
    L.idBytes.forEach((b, i) => {
      view.setUint32(L.idLengthsAt + 4 * i, b.length, true);
      out.set(b, idAt);
      idAt += b.length;
    });
    view.setUint32(
      56,
      checksum(new Uint32Array(out.buffer, HEADER_BYTES, (L.total - HEADER_BYTES) / 4)),
      true,
    );
    return out;
  }

  /**
   * An index from the bytes `toBytes` wrote; `file` names them in errors. Throws a FormatError
   * ("<file>: <where> <problem>") for anything but a whole, unaltered index file of this format.
   */
  static fromBytes(input: Uint8Array, file = 'HNSW index'): HnswIndex {
    if (!LITTLE_ENDIAN)
      throw new ValidationError('HNSW index files are little-endian; this machine is big-endian');
    const bad = (where: string, problem: string) => new FormatError(file, where, problem);
    if (!(input instanceof Uint8Array))
      throw new ValidationError(`${file} must be bytes (a Uint8Array)`, file);
    if (input.length < HEADER_BYTES || String.fromCharCode(...input.subarray(0, 8)) !== MAGIC)
      throw bad('', `is not a Firth HNSW index (it does not start with "${MAGIC}")`);
    // aligned: typed views need offsets that are multiples of 4
    const bytes = input.byteOffset % 4 === 0 ? input : input.slice();
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const u32 = (at: number) => view.getUint32(at, true);
    const format = u32(8);
    if (format !== HNSW_FORMAT) throw bad('', `has HNSW format ${format}; this version reads ${HNSW_FORMAT}`);
    const [dim, metric, M, efC, efS, n] = [12, 16, 20, 24, 28, 32].map(u32) as [
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    const entry = view.getInt32(36, true);
    const top = u32(40);
    const live = u32(48);
    const idTotal = u32(52);
    const shrink = u32(60);
    if (shrink > 1) throw bad('header', `shrink ${shrink} is not 0 (nearest) or 1 (heuristic)`);
    if (dim < 1 || dim > MAX_DIMENSION) throw bad('header', `dim ${dim} is out of range`);
    if (metric >= METRICS.length)
      throw bad('header', `metric ${metric} is not 0 (cosine), 1 (dot) or 2 (l2)`);
    if (M < 2 || M > 256) throw bad('header', `M ${M} is out of range 2 … 256`);
    if (efC < 1 || efC > 1 << 16 || efS < 1 || efS > 1 << 16)
      throw bad('header', 'efConstruction/efSearch out of range');
    if (top > MAX_LEVEL) throw bad('header', `top layer ${top} is above ${MAX_LEVEL}`);
    if ((n === 0) !== (entry === -1) || entry < -1 || entry >= n)
      throw bad('header', `entry point ${entry} does not fit ${n} nodes`);
    if (live > n) throw bad('header', `live count ${live} exceeds ${n} nodes`);
    const M0 = 2 * M;
    // sizes before any allocation, so a lying header cannot ask for a huge buffer
    const fixed = HEADER_BYTES + 4 * n * dim + 4 * n * (1 + M0) + 2 * pad4(n) + 4 * n;
    if (fixed > bytes.length)
      throw bad('', `is truncated: ${bytes.length} bytes, at least ${fixed} expected for ${n} nodes`);
    const index = new HnswIndex({
      dim,
      metric: METRICS[metric],
      M,
      efConstruction: efC,
      efSearch: efS,
      shrink: shrink === 1 ? 'heuristic' : 'nearest',
      capacity: Math.max(1, n),
    });
    const vectorsAt = HEADER_BYTES;
    const links0At = vectorsAt + 4 * n * dim;
    const levelsAt = links0At + 4 * n * (1 + M0);
    const deadAt = levelsAt + pad4(n);
    const upperAt = deadAt + pad4(n);
    const levels = bytes.subarray(levelsAt, levelsAt + n);
    let upperInts = 0;
    for (let i = 0; i < n; i++) {
      if (levels[i]! > top) throw bad(`node ${i}`, `is on layer ${levels[i]}, above the top layer ${top}`);
      upperInts += levels[i]! * (1 + M);
    }
    if (n > 0 && levels[entry]! !== top)
      throw bad('header', `the entry point is on layer ${levels[entry]}, not the top ${top}`);
    const idLengthsAt = upperAt + 4 * upperInts;
    const idsAt = idLengthsAt + 4 * n;
    const total = idsAt + pad4(idTotal);
    if (bytes.length !== total)
      throw bad(
        '',
        `${bytes.length < total ? 'is truncated' : 'has trailing bytes'}: ${bytes.length} bytes, expected ${total}`,
      );
    const sum = checksum(
      new Uint32Array(bytes.buffer, bytes.byteOffset + HEADER_BYTES, (total - HEADER_BYTES) / 4),
    );
    if (sum !== u32(56)) throw bad('', 'is corrupt: its checksum does not match its contents');
    index.vectors.set(new Float32Array(bytes.buffer, bytes.byteOffset + vectorsAt, n * dim));
    for (let i = 0; i < n * dim; i++)
      if (!Number.isFinite(index.vectors[i]!))
        throw bad(
          `node ${Math.floor(i / dim)}`,
          `holds ${index.vectors[i]} at index ${i % dim}: vectors must be finite`,
        );
    const checkLinks = (links: Int32Array, at: number, max: number, node: number, layer: number) => {
      const count = links[at]!;
      if (count < 0 || count > max)
        throw bad(`node ${node}`, `has ${count} links on layer ${layer}; at most ${max}`);
      for (let j = 1; j <= count; j++) {
        const e = links[at + j]!;
        if (e < 0 || e >= n || e === node || levels[e]! < layer)
          throw bad(`node ${node}`, `links on layer ${layer} to ${e}, not a node of that layer`);
      }
    };
    index.links0.set(new Int32Array(bytes.buffer, bytes.byteOffset + links0At, n * (1 + M0)));
    for (let i = 0; i < n; i++) checkLinks(index.links0, i * (1 + M0), M0, i, 0);
    index.levels.set(levels);
    let dead = 0;
    for (let i = 0; i < n; i++) {
      const t = bytes[deadAt + i]!;
      if (t > 1) throw bad(`node ${i}`, `has tombstone flag ${t}; 0 or 1 expected`);
      index.dead[i] = t;
      dead += t;
    }
    if (n - dead !== live) throw bad('header', `says ${live} live nodes, the tombstones leave ${n - dead}`);
    let at = upperAt;
    for (let i = 0; i < n; i++) {
      const l = levels[i]!;
      if (l === 0) {
        index.upper[i] = undefined;
        continue;
      }
      const u = new Int32Array(
        bytes.buffer.slice(bytes.byteOffset + at, bytes.byteOffset + at + 4 * l * (1 + M)),
      );
      for (let layer = 1; layer <= l; layer++) checkLinks(u, (layer - 1) * (1 + M), M, i, layer);
      index.upper[i] = u;
      at += u.byteLength;
    }
    const decoder = new TextDecoder('utf-8', { fatal: true });
    let idAt = idsAt;
    for (let i = 0; i < n; i++) {
      const len = u32(idLengthsAt + 4 * i);
      if (len === 0 || idAt + len > idsAt + idTotal)
        throw bad(`id ${i}`, `has length ${len}, outside the id bytes`);
      let id: string;
      try {
        id = decoder.decode(bytes.subarray(idAt, idAt + len));
      } catch {
        throw bad(`id ${i}`, 'is not valid UTF-8');
      }
      idAt += len;
      index.labels[i] = id;
      if (index.dead[i]) continue;
      if (index.nodes.has(id)) throw bad(`id ${i}`, `repeats the live id ${JSON.stringify(id)}`);
      index.nodes.set(id, i);
    }
    if (idAt !== idsAt + idTotal) throw bad('ids', `fill ${idAt - idsAt} of the ${idTotal} id bytes`);
    index.n = n;
    index.deadCount = dead;
    index.entry = entry;
    index.top = top;
    index.rng = u32(44);
    return index;
  }

  /** Writes the index file: to a temporary file first, flushed, then renamed over `path`. */
  save(path: string): void {
    writeFileAtomic(
      path,
      this.toBytes(),
      'HnswIndex.save(path)',
      'in a browser keep index.toBytes() instead',
    );
  }

  /** Reads an index file written by `save`; a FormatError naming `path` when it is not one. */
  static load(path: string): HnswIndex {
    const { readFileSync } = nodeBuiltin<typeof fs>(
      'fs',
      'HnswIndex.load(path)',
      'in a browser use HnswIndex.fromBytes(bytes)',
    );
    let bytes: Uint8Array;
    try {
      bytes = readFileSync(path);
    } catch (error) {
      throw new ValidationError(`${path}: cannot read the HNSW index (${(error as Error).message})`, path);
    }
    return HnswIndex.fromBytes(bytes, path);
  }
}
