/**
 * The fast path of GloVe training (glove.ts holds the model): shuffle.c and glove.c's training loop.
 *
 * 1. `shuffleCooccurrenceFile`: shuffle.c's design on disk, once — the sorted records are read in
 *    chunks that fit the `memory` budget, each chunk is shuffled in memory (Fisher–Yates with a
 *    seeded RandomState) and written to a temporary run; the runs are then merged by taking an
 *    equal slice of every run, shuffling the slice and appending it to the shuffled file (one run:
 *    that run is the file). Every epoch reads that one order, as glove.c reads shuffle.c's output.
 *    The shuffled file holds training records of 24 bytes — int32 i, int32 j, float64 log X_ij,
 *    float64 f(X_ij) — computed once here rather than in every epoch (glove.c computes them per
 *    update; WebAssembly has no log or pow, and the host's cost a third of the kernel's time).
 * 2. `GloVeTrainer`: glove.wat's kernel over one shared WebAssembly memory holding W, W̃, b, b̃ and
 *    their AdaGrad sums (float64, as glove.c's `real`). The shuffled file is read block by block
 *    straight into that memory; each step of STEP_ENTRIES records is cut into small pieces that the
 *    calling thread and `threads − 1` worker threads claim and train without locks (Hogwild, as
 *    glove.c's threads). With one thread everything runs on the calling thread: deterministic.
 *    The calling thread waits with `Atomics.wait` (allowed on Node's main thread), so training
 *    stays synchronous. A piece's cost lands in its own slot and the slots are summed in order, so
 *    the reported loss does not depend on which thread ran a piece.
 */

import { closeSync, openSync, readSync, rmSync, statSync, writeSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { RandomState, ValidationError } from '@firth/numeric';
import { releaseBuffer } from './cooccur-counter.js';
import type { GloVeParameters } from './glove.js';
import { GLOVE_WASM_BASE64 } from './glove-wasm.js';
import { instantiate, type SharedWasmMemory, sharedMemory, wasmModuleOnce } from './shared-wasm.js';

/** Records per claimed piece of a step (Hogwild's unit of work). */
const PIECE = 4096;
/** The most threads GloVe starts (a sanity bound; the rows are shared anyway). */
export const MAX_GLOVE_THREADS = 64;

/** A checked thread count: a whole number in [1, MAX_GLOVE_THREADS]. */
export function checkGloveThreads(threads: unknown): number {
  if (!Number.isInteger(threads) || (threads as number) < 1 || (threads as number) > MAX_GLOVE_THREADS)
    throw new ValidationError(
      `threads must be a whole number from 1 to ${MAX_GLOVE_THREADS}, got ${JSON.stringify(threads)}`,
      'threads',
    );
  return threads as number;
}

// ── shuffle.c on disk ────────────────────────────────────────────────────────────────────────

/** Records of 16 bytes a chunk may hold in `memory` GB (shuffle.c: 0.95 · memory / sizeof(CREC)). */
export function shuffleChunkRecords(memory: number): number {
  return Math.max(1024, Math.floor((0.95 * memory * 1073741824) / 16));
}

/** Fisher–Yates on n 16-byte records (4 int32 each) with a seeded generator. */
function shuffleRecords(rec: Int32Array, n: number, rs: RandomState): void {
  for (let k = n - 1; k > 0; k--) {
    const m = rs.randint(0, k + 1);
    if (m === k) continue;
    const a = 4 * k;
    const b = 4 * m;
    for (let q = 0; q < 4; q++) {
      const t = rec[a + q]!;
      rec[a + q] = rec[b + q]!;
      rec[b + q] = t;
    }
  }
}

function readFully(fd: number, u8: Uint8Array, bytes: number, path: string): void {
  for (let got = 0; got < bytes; ) {
    const r = readSync(fd, u8, got, bytes - got, null);
    if (r === 0) throw new Error(`unexpected end of ${path}`);
    got += r;
  }
}

function writeFully(fd: number, u8: Uint8Array, bytes: number): void {
  for (let done = 0; done < bytes; ) done += writeSync(fd, u8, done, bytes - done);
}

/** GloVe's weighting f(x) = 1 for x > xMax, else (x / xMax)^α (GloVe.weight). */
export interface GloVeWeighting {
  xMax: number;
  alpha: number;
}

/** Bytes of a training record: int32 i, int32 j, float64 log X_ij, float64 f(X_ij). */
export const TRAINING_RECORD = 24;

/**
 * Converts n cooccur.c records (16 bytes: int32 i, int32 j, float64 X) from `rec` (an Int32Array
 * view, 16-byte aligned) into training records at out[at …).
 */
export function toTrainingRecords(
  rec: Int32Array,
  from: number,
  n: number,
  out: ArrayBuffer | SharedArrayBuffer,
  at: number,
  { xMax, alpha }: GloVeWeighting,
): void {
  const src = new Float64Array(rec.buffer, rec.byteOffset + 16 * from, 2 * n);
  const o32 = new Int32Array(out, at, 6 * n);
  const o64 = new Float64Array(out, at, 3 * n);
  for (let k = 0; k < n; k++) {
    const x = src[2 * k + 1]!;
    o32[6 * k] = rec[4 * (from + k)]!;
    o32[6 * k + 1] = rec[4 * (from + k) + 1]!;
    o64[3 * k + 1] = Math.log(x);
    o64[3 * k + 2] = x > xMax ? 1 : (x / xMax) ** alpha;
  }
}

const CONVERT_BLOCK = 65_536;

/** Writes n cooccur.c records of `rec` as training records, a block at a time. */
function writeTraining(fd: number, rec: Int32Array, n: number, w: GloVeWeighting): void {
  const out = new ArrayBuffer(TRAINING_RECORD * Math.min(n, CONVERT_BLOCK));
  const u8 = new Uint8Array(out);
  for (let at = 0; at < n; at += CONVERT_BLOCK) {
    const m = Math.min(CONVERT_BLOCK, n - at);
    toTrainingRecords(rec, at, m, out, 0, w);
    writeFully(fd, u8, TRAINING_RECORD * m);
  }
}

/**
 * Writes the records of `input` (cooccur.c's, 16 bytes each) in a random order to `output` as
 * training records (TRAINING_RECORD bytes: i, j, log X, f(X)), in chunks of at most `chunkRecords`
 * records (shuffle.c): shuffled runs `output.run<k>`, then merged by shuffled equal slices. The
 * runs are removed; `input` is left as it was.
 */
export function shuffleCooccurrenceFile(
  input: string,
  output: string,
  chunkRecords: number,
  seed: number | number[],
  weighting: GloVeWeighting,
): void {
  const total = statSync(input).size / 16;
  const size = Math.max(1, Math.min(total, chunkRecords));
  const buf = new Int32Array(4 * size);
  try {
    shuffleInChunks(input, output, total, size, buf, seed, weighting);
  } finally {
    // the chunk is the shuffle's whole memory: free it before training allocates its tables
    releaseBuffer(buf);
  }
}

function shuffleInChunks(
  input: string,
  output: string,
  total: number,
  size: number,
  buf: Int32Array,
  seed: number | number[],
  weighting: GloVeWeighting,
): void {
  const u8 = new Uint8Array(buf.buffer);
  const rs = new RandomState(seed);
  const runs: string[] = [];
  const inFd = openSync(input, 'r');
  try {
    for (let at = 0; at < total; at += size) {
      const n = Math.min(size, total - at);
      readFully(inFd, u8, 16 * n, input);
      shuffleRecords(buf, n, rs);
      const one = total <= size;
      const run = one ? output : `${output}.run${runs.length}`;
      runs.push(run);
      const fd = openSync(run, 'w');
      try {
        if (one) writeTraining(fd, buf, n, weighting);
        else writeFully(fd, u8, 16 * n);
      } finally {
        closeSync(fd);
      }
    }
  } finally {
    closeSync(inFd);
  }
  if (runs.length <= 1) return;
  // shuffle_merge: an equal slice from every run, shuffled together, until all are read
  const slice = Math.max(1, Math.floor(size / runs.length));
  const fds = runs.map((r) => openSync(r, 'r'));
  const left = runs.map((r) => statSync(r).size / 16);
  const outFd = openSync(output, 'w');
  try {
    for (;;) {
      let n = 0;
      for (let r = 0; r < runs.length; r++) {
        const take = Math.min(slice, left[r]!);
        if (take === 0) continue;
        readFully(fds[r]!, u8.subarray(16 * n), 16 * take, runs[r]!);
        left[r]! -= take;
        n += take;
      }
      if (n === 0) break;
      shuffleRecords(buf, n, rs);
      writeTraining(outFd, buf, n, weighting);
    }
  } finally {
    closeSync(outFd);
    for (const fd of fds) closeSync(fd);
    for (const r of runs) rmSync(r, { force: true });
  }
}

// ── the Hogwild trainer ──────────────────────────────────────────────────────────────────────

export interface GloVeTrainerOptions {
  vectorSize: number;
  learningRate: number;
  biasLearningRate: number;
  xMax: number;
  alpha: number;
  /** Threads training at once (the calling thread included). */
  threads: number;
  /** Records one step holds (a read block is a whole number of steps). */
  stepRecords: number;
  /** Records read from disk at once (rounded up to whole steps). */
  blockRecords: number;
}

const gloveModule = wasmModuleOnce(GLOVE_WASM_BASE64);

interface GloveExports {
  init(...args: number[]): void;
  train(rec: number, n: number): number;
}

// control words (Int32Array over the first 64 bytes of the memory)
const GEN = 0; // bumped for every step; -1 stops the workers
const CLAIM = 1; // next piece to claim
const PIECES = 2; // pieces in this step
const DONE = 3; // pieces finished
const FAILED = 4; // 1 when a worker's piece threw
const FIRST = 5; // byte address of the step's first record
const COUNT = 6; // records in the step
const BY_WORKERS = 7; // pieces trained by worker threads so far
const CLOSED = 1 << 30;

/**
 * Claims pieces of the current step until none is left (every thread runs this; it travels to the
 * workers as source text, so it uses nothing outside its arguments).
 */
function claimPieces(
  k: GloveExports,
  ctl: Int32Array,
  costs: Float64Array,
  piece: number,
  thread: number,
): void {
  for (;;) {
    const p = Atomics.add(ctl, 1, 1);
    const pieces = Atomics.load(ctl, 2);
    if (p >= pieces) return;
    try {
      const from = p * piece;
      const n = Math.min(piece, Atomics.load(ctl, 6) - from);
      costs[p] = k.train(Atomics.load(ctl, 5) + 24 * from, n);
      if (thread !== 0) Atomics.add(ctl, 7, 1);
    } catch (e) {
      Atomics.store(ctl, 4, 1);
      if (thread === 0) throw e;
    } finally {
      if (Atomics.add(ctl, 3, 1) + 1 === pieces) Atomics.notify(ctl, 3);
    }
  }
}

/**
 * A worker: instantiates glove.wat over the shared memory, then claims pieces at every step. A
 * bundler's `keepNames` (esbuild's, as n8n-nodes-firth's bundle uses) wraps functions in
 * `__name(f, "name")`: the worker defines that helper as the identity.
 */
const WORKER_SOURCE = `
var __name = (f) => f;
const { workerData } = process.getBuiltinModule('worker_threads');
const { module, memory, init, costsAt, maxPieces, piece, thread } = workerData;
const k = new WebAssembly.Instance(module, { env: { memory } }).exports;
k.init(...init);
const ctl = new Int32Array(memory.buffer, 0, 16);
const costs = new Float64Array(memory.buffer, costsAt, maxPieces);
${claimPieces.toString()}
let seen = Atomics.load(ctl, 0);
for (;;) {
  Atomics.wait(ctl, 0, seen);
  seen = Atomics.load(ctl, 0);
  if (seen === -1) break;
  ${claimPieces.name}(k, ctl, costs, piece, thread);
}
`;

/** Trains GloVe parameters on shuffled record files with glove.wat, on `threads` threads. */
export class GloVeTrainer {
  private readonly memory: SharedWasmMemory;
  private readonly kernel: GloveExports;
  private readonly D: number;
  private readonly V: number;
  private readonly at: Record<keyof GloVeParameters, number>;
  private readonly recAt: number;
  private readonly ctl: Int32Array;
  private readonly costs: Float64Array;
  private readonly stepRecords: number;
  private readonly blockRecords: number;
  private workers: Worker[] = [];

  constructor(
    private readonly tables: GloVeParameters,
    private readonly o: GloVeTrainerOptions,
  ) {
    const n = o.vectorSize;
    const D = n + (n % 2);
    const V = tables.wordBiases.length;
    this.D = D;
    this.V = V;
    this.stepRecords = o.stepRecords;
    this.blockRecords = Math.max(1, Math.ceil(o.blockRecords / o.stepRecords)) * o.stepRecords;
    const maxPieces = Math.ceil(this.stepRecords / PIECE);
    let top = 64;
    const alloc = (bytes: number) => {
      const a = top;
      top += Math.ceil(bytes / 16) * 16;
      return a;
    };
    const costsAt = alloc(8 * maxPieces);
    const at = {
      wordVectors: alloc(8 * V * D),
      contextVectors: alloc(8 * V * D),
      gradsqWords: alloc(8 * V * D),
      gradsqContexts: alloc(8 * V * D),
      wordBiases: alloc(8 * V),
      contextBiases: alloc(8 * V),
      gradsqWordBiases: alloc(8 * V),
      gradsqContextBiases: alloc(8 * V),
    };
    this.recAt = alloc(TRAINING_RECORD * this.blockRecords);
    if (top > 2 ** 32 - 65536)
      throw new ValidationError(
        `GloVe's parameters (${V} words × ${n}) do not fit WebAssembly's 4 GB memory: lower vectorSize or maxVocabSize`,
        'vectorSize',
      );
    const pages = Math.ceil(top / 65536);
    this.memory = sharedMemory(pages);
    this.at = at;
    this.ctl = new Int32Array(this.memory.buffer, 0, 16);
    this.costs = new Float64Array(this.memory.buffer, costsAt, maxPieces);
    // padded columns: vectors 0, AdaGrad sums 1 (their gradient is 0: they never change)
    if (D !== n) {
      new Float64Array(this.memory.buffer, at.gradsqWords, V * D).fill(1);
      new Float64Array(this.memory.buffer, at.gradsqContexts, V * D).fill(1);
    }
    this.copy('in');
    const init = [
      D,
      at.wordVectors,
      at.contextVectors,
      at.wordBiases,
      at.contextBiases,
      at.gradsqWords,
      at.gradsqContexts,
      at.gradsqWordBiases,
      at.gradsqContextBiases,
      o.learningRate,
      o.biasLearningRate,
    ];
    const module = gloveModule();
    const env = { memory: this.memory };
    this.kernel = instantiate<GloveExports>(module, { env });
    this.kernel.init(...init);
    for (let thread = 1; thread < o.threads; thread++) {
      const worker = new Worker(WORKER_SOURCE, {
        eval: true,
        name: `firth-glove-${thread}`,
        workerData: { module, memory: this.memory, init, costsAt, maxPieces, piece: PIECE, thread },
      });
      worker.on('error', () => Atomics.store(this.ctl, FAILED, 1));
      worker.unref();
      this.workers.push(worker);
    }
  }

  /** Copies the tables between the model's packed rows and the padded rows in the memory. */
  private copy(dir: 'in' | 'out'): void {
    const { D, V } = this;
    const n = this.o.vectorSize;
    const buf = this.memory.buffer;
    for (const name of Object.keys(this.at) as (keyof GloVeParameters)[]) {
      const arr = this.tables[name];
      const rows = arr.length === V;
      const mem = new Float64Array(buf, this.at[name], rows ? V : V * D);
      if (rows || D === n) {
        if (dir === 'in') mem.set(arr);
        else arr.set(mem);
        continue;
      }
      for (let w = 0; w < V; w++) {
        if (dir === 'in') mem.set(arr.subarray(w * n, w * n + n), w * D);
        else arr.set(mem.subarray(w * D, w * D + n), w * n);
      }
    }
  }

  /** Trains one step: the `count` records at byte address `first`; returns their summed cost. */
  private step(first: number, count: number): number {
    const ctl = this.ctl;
    const pieces = Math.ceil(count / PIECE);
    if (this.workers.length === 0) return this.kernel.train(first, count);
    ctl[FIRST] = first;
    ctl[COUNT] = count;
    ctl[FAILED] = 0;
    Atomics.store(ctl, PIECES, pieces);
    Atomics.store(ctl, DONE, 0);
    Atomics.store(ctl, CLAIM, 0);
    Atomics.add(ctl, GEN, 1);
    Atomics.notify(ctl, GEN);
    let error: unknown;
    try {
      claimPieces(this.kernel, ctl, this.costs, PIECE, 0);
    } catch (e) {
      error = e;
    }
    const claimed = Math.min(Atomics.exchange(ctl, CLAIM, CLOSED), pieces);
    for (let d = Atomics.load(ctl, DONE); d < claimed; d = Atomics.load(ctl, DONE))
      Atomics.wait(ctl, DONE, d);
    if (error !== undefined || Atomics.load(ctl, FAILED) === 1) {
      this.close();
      throw (
        error ?? new Error('GloVe: a piece of training failed in a worker thread; the workers were stopped')
      );
    }
    let cost = 0;
    for (let p = 0; p < pieces; p++) cost += this.costs[p]!;
    return cost;
  }

  /**
   * One pass over the training records of `path` (shuffleCooccurrenceFile's, in the file's order);
   * `onStep(records, cost)` after every step. Returns the summed cost.
   */
  epoch(path: string, onStep: (records: number, cost: number) => void): number {
    const total = statSync(path).size / TRAINING_RECORD;
    const fd = openSync(path, 'r');
    let sum = 0;
    try {
      const u8 = new Uint8Array(this.memory.buffer, this.recAt, TRAINING_RECORD * this.blockRecords);
      for (let at = 0; at < total; at += this.blockRecords) {
        const n = Math.min(this.blockRecords, total - at);
        readFully(fd, u8, TRAINING_RECORD * n, path);
        for (let s = 0; s < n; s += this.stepRecords) {
          const m = Math.min(this.stepRecords, n - s);
          const cost = this.step(this.recAt + TRAINING_RECORD * s, m);
          sum += cost;
          onStep(m, cost);
        }
      }
    } finally {
      closeSync(fd);
    }
    return sum;
  }

  /**
   * Trains on records held in memory, in order: cooccur.c's (int32 i, int32 j, float64 X; the
   * Int32Array's buffer 8-byte aligned), weighted with the trainer's xMax and α.
   */
  trainRecords(records: Int32Array): number {
    const total = records.length / 4;
    let sum = 0;
    for (let at = 0; at < total; at += this.blockRecords) {
      const n = Math.min(this.blockRecords, total - at);
      toTrainingRecords(records, at, n, this.memory.buffer, this.recAt, this.o);
      for (let s = 0; s < n; s += this.stepRecords)
        sum += this.step(this.recAt + TRAINING_RECORD * s, Math.min(this.stepRecords, n - s));
    }
    return sum;
  }

  /** Pieces of PIECE records that worker threads (not the calling thread) have trained. */
  get workerPieces(): number {
    return Atomics.load(this.ctl, BY_WORKERS);
  }

  /** Copies the parameters back into the tables. */
  sync(): void {
    this.copy('out');
  }

  /** Copies the parameters back and stops the workers; safe to call more than once. */
  close(): void {
    if (this.workers.length > 0) {
      Atomics.store(this.ctl, GEN, -1);
      Atomics.notify(this.ctl, GEN);
      for (const w of this.workers) void w.terminate();
      this.workers = [];
    }
    this.copy('out');
  }
}
