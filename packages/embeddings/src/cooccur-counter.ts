/**
 * Co-occurrence counting in bounded memory, the design of Stanford GloVe's cooccur.c: GloVe's step 2,
 * X_ij = Σ over occurrences of word i of 1/d for each word j at distance d ≤ window, for corpora
 * whose non-zero X_ij do not fit in memory as JavaScript objects.
 *
 *   const counter = new CooccurrenceCounter(vocab.size, { window: 10, memory: 1 });
 *   counter.addSentence(ids)          // vocabulary indices, most frequent word = 0, OOV removed
 *   const X = counter.finish()        // { rows, cols, values } sorted by row then column
 *   counter.runs                      // sorted overflow runs that were written to disk
 *
 * Word indices are frequency ranks (Vocabulary sorts most frequent first), and by Zipf's law the
 * frequent pairs are the dense part of X:
 *   1. a dense Float64Array holds every cell with (i + 1)(j + 1) ≤ maxProduct — row i keeps its
 *      first min(V, ⌊maxProduct / (i + 1)⌋) columns (cooccur.c's `bigram_table` and `lookup`);
 *      when symmetric only the upper triangle (X = Xᵀ), so half the table and one update a pair;
 *   2. any other pair goes to an overflow buffer as a record (i, j·window + d − 1) of two uint32;
 *      when the buffer is full it is sorted (an LSD radix sort, O(n)), equal pairs are summed, and
 *      the run is written to a file in a temporary directory (cooccur.c's `overflow_NNNN.bin`);
 *   3. `finish` merges the dense table and the runs (a k-way heap merge, summing equal pairs) into
 *      one stream sorted by row then column; the temporary files are removed, also on error.
 * `memory` is cooccur.c's `-memory` in GB: rlimit = 0.85·memory·2^30 / 16, maxProduct = n with
 * n(ln n + 0.1544) = rlimit (the dense table then has at most rlimit cells, 8 bytes each), and the
 * overflow buffer holds rlimit/6 records of 16 bytes (cooccur.c's `overflow_length`; here 8 bytes
 * of record and 8 of radix-sort scratch). Like cooccur.c's, the limit is soft.
 *
 * Counting conventions are those of cooccurrence.ts and the GloVe class: windows stop at sentence
 * ends (one `addSentence` call each), out-of-vocabulary words are removed before windowing, and
 * with `symmetric: false` only the words to the left of word i are its context. Dense cells receive
 * the same additions in the same order as a plain sparse-row count, so they are bit-for-bit equal;
 * an overflow cell sums its 1/d terms grouped by run and by distance, so it may differ from the
 * corpus-order sum in the last bits (relative error ≲ 1e-15 · number of terms).
 */
import { closeSync, mkdtempSync, openSync, readSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ValidationError } from '@firth/numeric';

/** The co-occurrence matrix as coordinate lists, sorted by row then column (only X_ij > 0). */
export interface CooccurrenceEntries {
  rows: Int32Array;
  cols: Int32Array;
  values: Float64Array;
}

export interface CooccurrenceCounterOptions {
  /** Context words counted on each side (only the left when not symmetric). */
  window: number;
  /** Count context on both sides (X symmetric). @default true — cooccur.c's default */
  symmetric?: boolean;
  /** Soft memory limit in GB for the dense table and the overflow buffer (cooccur.c's `-memory`). @default 4 — cooccur.c's */
  memory?: number;
  /** Where the temporary run files go (a fresh sub-directory, removed by finish/dispose). @default os.tmpdir() */
  tempDir?: string;
}

/** cooccur.c's `-memory` heuristic: the dense table's maxProduct and the overflow buffer's size in records. */
export function cooccurrenceMemoryPlan(
  memory: number,
  window: number,
): { maxProduct: number; overflowLength: number } {
  checkMemory(memory);
  // rlimit = 0.85 · memory / sizeof(CREC): 16-byte records
  const rlimit = (0.85 * memory * 1073741824) / 16;
  // the dense table of maxProduct n holds Σ_{r=1..n} n/r ≈ n(ln n + γ − …) cells: solve n(ln n + 0.1544313298) = rlimit
  let n = 1e5;
  for (let it = 0; it < 200 && Math.abs(rlimit - n * (Math.log(n) + 0.1544313298)) > 1e-3; it++)
    n = rlimit / (Math.log(n) + 0.1544313298);
  // cooccur.c's overflow_length: rlimit/6 records of 16 bytes; at least room for a few positions' pairs
  return {
    maxProduct: Math.max(1, Math.floor(n)),
    overflowLength: Math.max(Math.floor(Math.floor(rlimit) / 6), 4 * window + 64),
  };
}

/**
 * Frees the memory of a typed array's ArrayBuffer now rather than at some later garbage collection:
 * detaches the buffer with `ArrayBuffer.prototype.transfer(0)` (Node ≥ 21), so that a stage's big
 * tables are gone before the next stage allocates its own (GloVe's peak memory is the largest
 * stage, not the sum of two). The array and every other view of its buffer are empty afterwards.
 * On Node 20 (no `transfer`) and for shared memory it does nothing: the collector frees it later.
 */
export function releaseBuffer(view: ArrayBufferView | null | undefined): void {
  const buffer = view?.buffer as (ArrayBuffer & { transfer?: (length: number) => ArrayBuffer }) | undefined;
  if (!buffer || typeof buffer.transfer !== 'function' || buffer.byteLength === 0) return;
  if (typeof SharedArrayBuffer !== 'undefined' && (buffer as unknown) instanceof SharedArrayBuffer) return;
  buffer.transfer(0);
}

function checkMemory(memory: unknown): void {
  if (typeof memory !== 'number' || !Number.isFinite(memory) || memory <= 0)
    throw new ValidationError(`memory must be a number of GB > 0, got ${JSON.stringify(memory)}`, 'memory');
}

/**
 * A sorted stream of (pair key = i·V + j, value) records read block by block: the dense table, the
 * in-memory overflow buffer, or a run file. `rec` holds `len` interleaved (key, value) pairs.
 */
abstract class Source {
  rec: Float64Array;
  len = 0;
  pos = 0;
  constructor(block: number) {
    this.rec = new Float64Array(2 * block);
  }
  /** Fills `rec` with the next block; returns its length (0 when exhausted). */
  abstract refill(): number;
}

/**
 * The dense table's non-zero cells in row-major order. Cell (i, j) is table[rowBase[i] + j]; when
 * symmetric only j ≥ i is stored, and (i, j < i) is read from (j, i): for a block of rows at a time
 * those cells are gathered into `lower` by contiguous reads of the rows j (a blocked transpose),
 * rather than one cache miss per cell.
 */
class DenseSource extends Source {
  private row = 0;
  private col = 0;
  private readonly lower: Float64Array;
  /** Rows [blockStart, blockEnd) have their cells j < i in lower[(i − blockStart)·stride + j]. */
  private blockStart = 0;
  private blockEnd = 0;
  private stride = 0;
  constructor(
    block: number,
    private readonly table: Float64Array,
    private readonly rowBase: Float64Array,
    private readonly rowLen: Int32Array,
    private readonly V: number,
    private readonly symmetric: boolean,
  ) {
    super(block);
    this.lower = new Float64Array(symmetric ? Math.max(1 << 20, V) : 0);
  }

  /** Gathers the cells (i, j < i) of rows i0, i0 + 1, … into `lower`. */
  private gather(i0: number): void {
    const { table, rowBase, rowLen, V, lower } = this;
    // row i0 has the longest lower part of the block: j < min(i0, rowLen[i0]) … and later rows
    // up to i − 1, bounded by rowLen[i] ≤ rowLen[i0]
    const stride = Math.max(1, rowLen[i0]!);
    const rows = Math.max(1, Math.min(V - i0, Math.floor(lower.length / stride)));
    const i1 = i0 + rows;
    const jEnd = Math.min(i1 - 1, stride);
    for (let j = 0; j < jEnd; j++) {
      // T(j, i) for i in [max(i0, j + 1), min(i1, rowLen[j])): contiguous in row j
      const base = rowBase[j]!;
      const end = Math.min(i1, rowLen[j]!);
      for (let i = Math.max(i0, j + 1); i < end; i++) lower[(i - i0) * stride + j] = table[base + i]!;
    }
    this.blockStart = i0;
    this.blockEnd = i1;
    this.stride = stride;
  }

  refill(): number {
    const { rec, table, rowBase, rowLen, V, symmetric, lower } = this;
    const cap = rec.length >> 1;
    let n = 0;
    let i = this.row;
    let j = this.col;
    while (i < V && n < cap) {
      const start = rowBase[i]!;
      const len = rowLen[i]!;
      if (symmetric && j < i && j < len) {
        if (i >= this.blockEnd) this.gather(i);
        const at = (i - this.blockStart) * this.stride;
        const end = Math.min(i, len);
        while (j < end && n < cap) {
          const x = lower[at + j]!;
          if (x !== 0) {
            rec[2 * n] = i * V + j;
            rec[2 * n + 1] = x;
            n++;
          }
          j++;
        }
        if (n === cap) break;
      }
      while (j < len && n < cap) {
        const x = table[start + j]!;
        if (x !== 0) {
          rec[2 * n] = i * V + j;
          rec[2 * n + 1] = x;
          n++;
        }
        j++;
      }
      if (j >= len) {
        i++;
        j = 0;
      }
    }
    this.row = i;
    this.col = j;
    this.len = n;
    this.pos = 0;
    return n;
  }
}

/** The sorted overflow records (row i, j·window + d − 1), equal pairs summed on the fly. */
class BufferSource extends Source {
  private at = 0;
  constructor(
    block: number,
    private readonly hi: Uint32Array,
    private readonly lo: Uint32Array,
    private readonly V: number,
    private readonly window: number,
    private readonly inverse: Float64Array,
  ) {
    super(block);
  }
  refill(): number {
    const { rec, hi, lo, V, window: W, inverse } = this;
    const cap = rec.length >> 1;
    const end = hi.length;
    let n = 0;
    let k = this.at;
    while (k < end && n < cap) {
      // lo = j·W + (d − 1): the column j, and the weight 1/d
      const i = hi[k]!;
      const j = Math.floor(lo[k]! / W);
      const base = j * W;
      let sum = inverse[lo[k]! - base]!;
      k++;
      // records of the same pair are adjacent: same row, lo < (j + 1)·W
      while (k < end && hi[k] === i && lo[k]! < base + W) sum += inverse[lo[k++]! - base]!;
      rec[2 * n] = i * V + j;
      rec[2 * n + 1] = sum;
      n++;
    }
    this.at = k;
    this.len = n;
    this.pos = 0;
    return n;
  }
}

/** Bits needed to write every integer below `n`. */
function bitsBelow(n: number): number {
  let b = 0;
  while (2 ** b < n) b++;
  return b;
}

/**
 * Sorts n records (hi, lo) by hi then lo: an LSD radix sort of the (hiBits + loBits)-bit key hi·2^loBits + lo
 * in passes of ≤ 12 bits, stable, O(n) per pass, moving the records between (hi, lo) and the scratch
 * arrays. Returns the arrays that hold the sorted records (their first n entries).
 */
export function radixSortPairs(
  hi: Uint32Array,
  lo: Uint32Array,
  n: number,
  scratchHi: Uint32Array,
  scratchLo: Uint32Array,
  hiBits: number,
  loBits: number,
): [Uint32Array, Uint32Array] {
  const bits = Math.max(1, hiBits + loBits);
  const passes = Math.ceil(bits / 12);
  const r = Math.ceil(bits / passes);
  const mask = (1 << r) - 1;
  const count = new Int32Array(1 << r);
  let [aHi, aLo, bHi, bLo] = [hi, lo, scratchHi, scratchLo];
  for (let p = 0; p < passes; p++) {
    const shift = p * r;
    const kind = shift >= loBits ? 2 : shift + r <= loBits ? 0 : 1;
    const hs = shift - loBits;
    const up = loBits - shift;
    count.fill(0);
    // histogram of the digit, then its starting offsets
    if (kind === 0) for (let k = 0; k < n; k++) count[(aLo[k]! >>> shift) & mask]!++;
    else if (kind === 2) for (let k = 0; k < n; k++) count[(aHi[k]! >>> hs) & mask]!++;
    else for (let k = 0; k < n; k++) count[((aLo[k]! >>> shift) | (aHi[k]! << up)) & mask]!++;
    let sum = 0;
    let skip = false;
    for (let d = 0; d <= mask; d++) {
      const c = count[d]!;
      if (c === n) skip = true; // every record has this digit: the pass would copy them in order
      count[d] = sum;
      sum += c;
    }
    if (skip) continue;
    if (kind === 0)
      for (let k = 0; k < n; k++) {
        const at = count[(aLo[k]! >>> shift) & mask]!++;
        bHi[at] = aHi[k]!;
        bLo[at] = aLo[k]!;
      }
    else if (kind === 2)
      for (let k = 0; k < n; k++) {
        const at = count[(aHi[k]! >>> hs) & mask]!++;
        bHi[at] = aHi[k]!;
        bLo[at] = aLo[k]!;
      }
    else
      for (let k = 0; k < n; k++) {
        const at = count[((aLo[k]! >>> shift) | (aHi[k]! << up)) & mask]!++;
        bHi[at] = aHi[k]!;
        bLo[at] = aLo[k]!;
      }
    [aHi, aLo, bHi, bLo] = [bHi, bLo, aHi, aLo];
  }
  return [aHi, aLo];
}

/** A run file of (key, value) float64 pairs, read block by block (opened per block: no descriptor limit). */
class FileSource extends Source {
  private offset = 0;
  constructor(
    block: number,
    private readonly path: string,
  ) {
    super(block);
  }
  refill(): number {
    const bytes = new Uint8Array(this.rec.buffer);
    const fd = openSync(this.path, 'r');
    let got = 0;
    try {
      while (got < bytes.length) {
        const r = readSync(fd, bytes, got, bytes.length - got, this.offset + got);
        if (r === 0) break;
        got += r;
      }
    } finally {
      closeSync(fd);
    }
    this.offset += got;
    this.len = got >> 4;
    this.pos = 0;
    return this.len;
  }
}

/**
 * k-way merge of sorted sources, summing equal keys; ties between sources are taken in source
 * order (earlier runs first, as the corpus came). Writes each distinct key and its sum to `out`
 * (interleaved, in order) and calls flush(n) whenever it holds n = out.length / 2 records, and at the end.
 */
function mergeSources(sources: Source[], out: Float64Array, flush: (n: number) => void): void {
  const cap = out.length >> 1;
  let n = 0;
  const heap: number[] = [];
  const head = new Float64Array(sources.length);
  const less = (a: number, b: number) => head[a]! < head[b]! || (head[a] === head[b] && a < b);
  const siftDown = (p0: number) => {
    let p = p0;
    const size = heap.length;
    for (;;) {
      const l = 2 * p + 1;
      if (l >= size) return;
      const c = l + 1 < size && less(heap[l + 1]!, heap[l]!) ? l + 1 : l;
      if (!less(heap[c]!, heap[p]!)) return;
      const t = heap[c]!;
      heap[c] = heap[p]!;
      heap[p] = t;
      p = c;
    }
  };
  sources.forEach((s, k) => {
    if (s.refill() > 0) {
      head[k] = s.rec[0]!;
      heap.push(k);
    }
  });
  for (let p = (heap.length >> 1) - 1; p >= 0; p--) siftDown(p);
  let lastKey = -1;
  let acc = 0;
  while (heap.length > 0) {
    const k = heap[0]!;
    const s = sources[k]!;
    // drain this source while it stays the minimum (runs of keys below the next source's head)
    const rec = s.rec;
    const other =
      heap.length > 1 ? Math.min(head[heap[1]!]!, heap.length > 2 ? head[heap[2]!]! : Infinity) : Infinity;
    let p = s.pos;
    let key = rec[2 * p]!;
    for (;;) {
      const value = rec[2 * p + 1]!;
      if (key === lastKey) acc += value;
      else {
        if (lastKey >= 0) {
          out[2 * n] = lastKey;
          out[2 * n + 1] = acc;
          if (++n === cap) {
            flush(n);
            n = 0;
          }
        }
        lastKey = key;
        acc = value;
      }
      p++;
      if (p === s.len) {
        if (s.refill() === 0) {
          heap[0] = heap[heap.length - 1]!;
          heap.pop();
          p = -1;
        } else p = 0;
        break;
      }
      key = rec[2 * p]!;
      // an equal key in another source with a lower index must come first: stop at ≥ other
      if (key >= other) break;
    }
    if (p >= 0) {
      s.pos = p;
      head[k] = rec[2 * p]!;
    }
    siftDown(0);
  }
  if (lastKey >= 0) {
    out[2 * n] = lastKey;
    out[2 * n + 1] = acc;
    n++;
  }
  flush(n);
}

/**
 * cooccur.c in TypeScript: a dense table for frequent pairs and sorted overflow runs on disk,
 * merged by `finish`. Use once: addSentence for every sentence, then finish (or dispose).
 */
export class CooccurrenceCounter {
  readonly vocabSize: number;
  readonly window: number;
  readonly symmetric: boolean;
  /** Cells with (i + 1)(j + 1) ≤ maxProduct are counted in the dense table. */
  readonly maxProduct: number;
  /** Overflow keys held in memory before a run is sorted and written to disk. */
  readonly overflowLength: number;
  private readonly tempRoot: string;
  private dense: Float64Array | null;
  /** Cell (i, j) of the dense table is dense[rowBase[i] + j] (when symmetric, for j ≥ i only). */
  private readonly rowBase: Float64Array;
  private readonly rowLen: Int32Array;
  /** The overflow records (row, column·window + d − 1) and the radix sort's scratch: 16 bytes a record. */
  private buffer: { hi: Uint32Array; lo: Uint32Array } | null;
  /** The radix sort's scratch, allocated at the first sort (the buffer and it stay within 16 bytes a record). */
  private scratch: { hi: Uint32Array; lo: Uint32Array } | null = null;
  private readonly hiBits: number;
  private readonly loBits: number;
  private fill = 0;
  private threshold: number;
  private readonly inverse: Float64Array;
  private dir: string | null = null;
  private readonly runFiles: string[] = [];
  private done = false;

  constructor(vocabSize: number, options: CooccurrenceCounterOptions) {
    if (typeof options !== 'object' || options === null)
      throw new ValidationError('options must be an object', 'options');
    const { window, symmetric = true, memory = 4, tempDir = tmpdir() } = options;
    if (!Number.isInteger(vocabSize) || vocabSize < 1)
      throw new ValidationError(
        `vocabSize must be an integer ≥ 1, got ${JSON.stringify(vocabSize)}`,
        'vocabSize',
      );
    if (!Number.isInteger(window) || window < 1)
      throw new ValidationError(`window must be an integer ≥ 1, got ${JSON.stringify(window)}`, 'window');
    if (typeof symmetric !== 'boolean')
      throw new ValidationError(
        `symmetric must be true or false, got ${JSON.stringify(symmetric)}`,
        'symmetric',
      );
    if (typeof tempDir !== 'string' || tempDir === '')
      throw new ValidationError(
        `tempDir must be a directory path, got ${JSON.stringify(tempDir)}`,
        'tempDir',
      );
    const plan = cooccurrenceMemoryPlan(memory, window);
    const V = vocabSize;
    // an overflow record keeps j·window + d − 1 in 32 bits
    if (V * window > 2 ** 32)
      throw new ValidationError(
        `vocabulary of ${V} words × window ${window} is too large to count (V·window must be ≤ 2^32)`,
        'vocabSize',
      );
    this.vocabSize = V;
    this.window = window;
    this.symmetric = symmetric;
    this.maxProduct = plan.maxProduct;
    this.overflowLength = plan.overflowLength;
    this.tempRoot = tempDir;
    // cooccur.c's lookup: row i (rank i + 1) keeps columns j < min(V, ⌊maxProduct / (i + 1)⌋)
    // When symmetric, X = Xᵀ cell by cell (every window adds 1/d to X[w][c] and to X[c][w], in the
    // same order), so only the upper triangle j ≥ i is stored: half the table, one update a pair.
    this.rowBase = new Float64Array(V);
    this.rowLen = new Int32Array(V);
    let cells = 0;
    for (let i = 0; i < V; i++) {
      const len = Math.min(V, Math.floor(this.maxProduct / (i + 1)));
      this.rowLen[i] = len;
      this.rowBase[i] = symmetric ? cells - i : cells;
      cells += symmetric ? Math.max(0, len - i) : len;
    }
    this.dense = new Float64Array(cells);
    // the buffer grows by doubling up to overflowLength, so a small corpus allocates little
    this.buffer = overflowBuffer(Math.min(this.overflowLength, 1 << 16));
    // one position adds at most 2·window records (cooccur.c's overflow_threshold)
    this.threshold = this.buffer.hi.length - 2 * window;
    this.hiBits = bitsBelow(V);
    this.loBits = bitsBelow(V * window);
    this.inverse = new Float64Array(window);
    for (let d = 1; d <= window; d++) this.inverse[d - 1] = 1 / d;
  }

  /** Sorted overflow runs written to disk so far. */
  get runs(): number {
    return this.runFiles.length;
  }

  /** The temporary directory of the runs, or null when none was needed (or after finish/dispose). */
  get tempPath(): string | null {
    return this.dir;
  }

  /**
   * Adds one sentence of vocabulary indices (OOV words already removed): for position t and
   * d = 1..window with t − d ≥ 0, the left neighbour c = s[t − d] is context of w = s[t] with weight
   * 1/d; when symmetric, w is also context of c (which covers right neighbours).
   */
  addSentence(ids: ArrayLike<number>, length: number = ids.length): void {
    const dense = this.dense;
    if (!dense || !this.buffer || this.done)
      throw new ValidationError('the counter has finished: make a new one', 'counter');
    let { hi, lo: low } = this.buffer;
    const { window: W, symmetric, rowBase, rowLen, inverse, vocabSize: V } = this;
    let fill = this.fill;
    let threshold = this.threshold;
    for (let t = 0; t < length; t++) {
      if (fill > threshold) {
        this.fill = fill;
        if (hi.length < this.overflowLength) this.grow();
        else this.spill();
        ({ hi, lo: low } = this.buffer!);
        threshold = this.threshold;
        fill = this.fill;
      }
      const w = ids[t]!;
      // every context word was checked as a word at its own position
      if (!(w >= 0 && w < V && (w | 0) === w)) {
        this.fill = fill;
        throw new ValidationError(
          `ids[${t}] must be a vocabulary index in [0, ${V}), got ${JSON.stringify(w)}`,
          `ids[${t}]`,
        );
      }
      const lenW = rowLen[w]!;
      const baseW = rowBase[w]!;
      const lo = t > W ? t - W : 0;
      for (let k = t - 1; k >= lo; k--) {
        const c = ids[k]!;
        const d = t - k;
        if (c < lenW) {
          // (w + 1)(c + 1) ≤ maxProduct, for (c, w) as well: X[w][c] += 1/d (and X[c][w] += 1/d)
          const x = inverse[d - 1]!;
          if (!symmetric || c > w) dense[baseW + c]! += x;
          else if (c < w)
            dense[rowBase[c]! + w]! += x; // the one cell of X[w][c] and X[c][w]
          else {
            // X[w][w] gets both additions
            dense[baseW + c]! += x;
            dense[baseW + c]! += x;
          }
        } else {
          // a record (i, j·W + d − 1) for X[i][j] += 1/d
          hi[fill] = w;
          low[fill++] = c * W + d - 1;
          if (symmetric) {
            hi[fill] = c;
            low[fill++] = w * W + d - 1;
          }
        }
      }
    }
    this.fill = fill;
  }

  private block(sources: number): number {
    // read buffers share the overflow buffer's budget: 16 bytes a record, 512 … 32,768 records each
    return Math.max(512, Math.min(32_768, Math.floor(this.overflowLength / sources)));
  }

  /** Doubles the overflow buffer (at most overflowLength records). */
  private grow(): void {
    const old = this.buffer!;
    const buf = overflowBuffer(Math.min(this.overflowLength, 2 * old.hi.length));
    // while both live: 8 bytes a record of each, within the 16 bytes a record of the full buffer
    buf.hi.set(old.hi.subarray(0, this.fill));
    buf.lo.set(old.lo.subarray(0, this.fill));
    releaseBuffer(old.hi);
    releaseBuffer(old.lo);
    this.buffer = buf;
    this.threshold = buf.hi.length - 2 * this.window;
  }

  /** The overflow buffer sorted by pair, as a source that sums equal pairs. */
  private sortedBuffer(block: number): BufferSource {
    const { hi, lo } = this.buffer!;
    const n = this.fill;
    if (!this.scratch || this.scratch.hi.length < n) this.scratch = overflowBuffer(hi.length);
    const [sHi, sLo] = radixSortPairs(hi, lo, n, this.scratch.hi, this.scratch.lo, this.hiBits, this.loBits);
    const { vocabSize: V, window: W, inverse } = this;
    return new BufferSource(block, sHi.subarray(0, n), sLo.subarray(0, n), V, W, inverse);
  }

  /** Sorts the overflow buffer, sums equal pairs and writes them as the next run file. */
  private spill(): void {
    this.dir ??= this.makeTempDir();
    const path = join(this.dir, `run-${String(this.runFiles.length).padStart(4, '0')}.bin`);
    const source = this.sortedBuffer(32_768);
    const fd = openSync(path, 'w');
    try {
      this.runFiles.push(path);
      for (let n = source.refill(); n > 0; n = source.refill()) writeAll(fd, source.rec, 2 * n);
    } finally {
      closeSync(fd);
    }
    this.fill = 0;
  }

  /**
   * Merges the dense table and the runs: calls flush(i32, f64, n) with the next n non-zero cells,
   * sorted by row then column, as cooccur.c's 16-byte records in one reused buffer (record k:
   * i = i32[4k], j = i32[4k + 1], X_ij = f64[2k + 1]). Runs stay on disk until finish/dispose.
   */
  private merge(flush: (i32: Int32Array, f64: Float64Array, n: number) => void): void {
    const V = this.vocabSize;
    const sources: Source[] = [];
    if (this.runFiles.length > 0) {
      if (this.fill > 0) this.spill();
      // the runs hold every overflow record now: free the buffer before the merge reads them
      this.releaseOverflow();
    } else {
      sources.push(this.sortedBuffer(this.block(2)));
    }
    const block = this.block(this.runFiles.length + 2);
    sources.unshift(new DenseSource(block, this.dense!, this.rowBase, this.rowLen, V, this.symmetric));
    for (const path of this.runFiles) sources.push(new FileSource(block, path));
    const records = 32_768;
    const out = new Float64Array(2 * records);
    const i32 = new Int32Array(out.buffer);
    mergeSources(sources, out, (n) => {
      for (let k = 0; k < n; k++) {
        // the key i·V + j becomes int32 i, j in its own 8 bytes
        const key = out[2 * k]!;
        const i = Math.floor(key / V);
        i32[4 * k] = i;
        i32[4 * k + 1] = key - i * V;
      }
      flush(i32, out, n);
    });
  }

  /**
   * Merges everything into coordinate lists sorted by row then column and removes the temporary
   * files. A small count is merged in memory; otherwise the merged stream is written to one file
   * (`finishToFile`), the tables are freed, and the file is read into typed arrays.
   */
  finish(): CooccurrenceEntries {
    this.checkOpen();
    try {
      // small counts merge in memory (chunks, then one copy); larger ones go through one file, so
      // the tables are freed before the entries are allocated
      if (this.runFiles.length === 0 && this.fill + this.dense!.length <= IN_MEMORY_MERGE) {
        const chunks: CooccurrenceEntries[] = [];
        this.merge((i32, f64, n) => {
          const chunk = newChunk(n);
          for (let k = 0; k < n; k++) {
            chunk.rows[k] = i32[4 * k]!;
            chunk.cols[k] = i32[4 * k + 1]!;
            chunk.values[k] = f64[2 * k + 1]!;
          }
          chunks.push(chunk);
        });
        return concatChunks(chunks);
      }
      const file = this.finishToFile();
      try {
        return file.read();
      } finally {
        file.dispose();
      }
    } finally {
      this.dispose();
    }
  }

  /**
   * Merges everything into one file of sorted records (see CooccurrenceFile) and removes the runs
   * and the tables; the file is the caller's to read and dispose.
   */
  finishToFile(): CooccurrenceFile {
    this.checkOpen();
    try {
      const path = this.mergeToFile();
      for (const run of this.runFiles) rmSync(run, { force: true });
      const file = new CooccurrenceFile(path, this.dir);
      this.dir = null; // the file owns the directory now
      return file;
    } finally {
      this.dispose();
    }
  }

  /** Writes the merged stream to `merged.bin` in the temporary directory (frees the dense table). */
  private mergeToFile(): string {
    this.dir ??= this.makeTempDir();
    const path = join(this.dir, 'merged.bin');
    const fd = openSync(path, 'w');
    try {
      this.merge((_, f64, n) => writeAll(fd, f64, 2 * n));
    } finally {
      closeSync(fd);
    }
    this.releaseTables();
    return path;
  }

  /** Removes the temporary files and frees the tables; safe to call more than once. */
  dispose(): void {
    this.done = true;
    this.releaseTables();
    if (this.dir !== null) {
      rmSync(this.dir, { recursive: true, force: true });
      this.dir = null;
    }
  }

  /** Frees the overflow buffer and the radix sort's scratch now (releaseBuffer), not at the next GC. */
  private releaseOverflow(): void {
    for (const b of [this.buffer, this.scratch]) {
      releaseBuffer(b?.hi);
      releaseBuffer(b?.lo);
    }
    this.buffer = null;
    this.scratch = null;
  }

  /** Frees the dense table and the overflow buffers: nothing of the counter outlives finishing. */
  private releaseTables(): void {
    releaseBuffer(this.dense);
    this.dense = null;
    this.releaseOverflow();
  }

  private makeTempDir(): string {
    try {
      return mkdtempSync(join(this.tempRoot, 'firth-cooccur-'));
    } catch (e) {
      throw new ValidationError(
        `cannot create a temporary directory for co-occurrence runs in ${JSON.stringify(this.tempRoot)}: ${(e as Error).message}`,
        'tempDir',
      );
    }
  }

  private checkOpen(): void {
    if (this.done || !this.dense)
      throw new ValidationError('the counter has finished: make a new one', 'counter');
  }
}

/** Cells (dense table + overflow records) up to which `finish` merges without a file. */
const IN_MEMORY_MERGE = 1 << 22;

function overflowBuffer(size: number) {
  return { hi: new Uint32Array(size), lo: new Uint32Array(size) };
}

function newChunk(size: number): CooccurrenceEntries {
  return { rows: new Int32Array(size), cols: new Int32Array(size), values: new Float64Array(size) };
}

function concatChunks(chunks: CooccurrenceEntries[]): CooccurrenceEntries {
  if (chunks.length === 1) return chunks[0]!;
  const total = chunks.reduce((s, c) => s + c.values.length, 0);
  const out = newChunk(total);
  let at = 0;
  for (const c of chunks) {
    out.rows.set(c.rows, at);
    out.cols.set(c.cols, at);
    out.values.set(c.values, at);
    at += c.values.length;
  }
  return out;
}

/**
 * The merged co-occurrences on disk, sorted by row then column, in cooccur.c's record layout: 16
 * bytes each, int32 i, int32 j, float64 X_ij (little-endian here, 0-based indices where
 * cooccur.c's are 1-based). For a training step that streams the entries instead of holding them.
 */
export class CooccurrenceFile {
  /** Number of records (non-zero X_ij). */
  readonly length: number;
  constructor(
    readonly path: string,
    private dir: string | null,
  ) {
    this.length = statSync(path).size / 16;
  }

  /** The records in order, `size` at a time (fresh arrays each chunk). */
  *chunks(size = 65_536): Generator<CooccurrenceEntries> {
    if (!Number.isInteger(size) || size < 1)
      throw new ValidationError(`size must be an integer ≥ 1, got ${JSON.stringify(size)}`, 'size');
    const reader = new RecordReader(this.path, Math.min(size, 32_768));
    try {
      for (let at = 0; at < this.length; ) {
        const n = Math.min(size, this.length - at);
        const chunk = newChunk(n);
        reader.read(chunk, 0, n);
        at += n;
        yield chunk;
      }
    } finally {
      reader.close();
    }
  }

  /** All records as coordinate lists. */
  read(): CooccurrenceEntries {
    const out = newChunk(this.length);
    const reader = new RecordReader(this.path, 32_768);
    try {
      reader.read(out, 0, this.length);
    } finally {
      reader.close();
    }
    return out;
  }

  /** Removes the file and its temporary directory; safe to call more than once. */
  dispose(): void {
    if (this.dir !== null) rmSync(this.dir, { recursive: true, force: true });
    this.dir = null;
  }
}

/** Reads 16-byte records (int32 i, int32 j, float64 X_ij) in order through a staging buffer. */
class RecordReader {
  private readonly fd: number;
  private readonly u8: Uint8Array;
  private readonly i32: Int32Array;
  private readonly f64: Float64Array;
  constructor(
    private readonly path: string,
    records: number,
  ) {
    const bytes = new ArrayBuffer(16 * records);
    this.u8 = new Uint8Array(bytes);
    this.i32 = new Int32Array(bytes);
    this.f64 = new Float64Array(bytes);
    this.fd = openSync(path, 'r');
  }
  /** The next n records into out[at .. at + n). */
  read(out: CooccurrenceEntries, at: number, n: number): void {
    const { u8, i32, f64 } = this;
    const records = f64.length >> 1;
    for (let done = 0; done < n; ) {
      const want = Math.min(records, n - done) * 16;
      let got = 0;
      while (got < want) {
        const r = readSync(this.fd, u8, got, want - got, null);
        if (r === 0) throw new Error(`unexpected end of ${this.path}`);
        got += r;
      }
      const m = want / 16;
      const base = at + done;
      for (let k = 0; k < m; k++) {
        out.rows[base + k] = i32[4 * k]!;
        out.cols[base + k] = i32[4 * k + 1]!;
        out.values[base + k] = f64[2 * k + 1]!;
      }
      done += m;
    }
  }
  close(): void {
    closeSync(this.fd);
  }
}

function writeAll(fd: number, data: Float64Array, count: number): void {
  const bytes = new Uint8Array(data.buffer, data.byteOffset, count * 8);
  let done = 0;
  while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done);
}
