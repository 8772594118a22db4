/**
 * The fast path of Word2Vec training (word2vec.ts holds the model, word2vec-reference.ts the plain path):
 * the job loop of word2vec.wat, compiled once, over one shared WebAssembly memory that holds the
 * weights and the vocabulary tables. With `workers > 1` each worker thread instantiates the same
 * module over the same memory and trains whole jobs as they arrive, all writing the same rows
 * without locks — Hogwild (Recht et al. 2011), as word2vec.c and gensim do. The learning rate of
 * every job is fixed when the job is cut, from the count of words handed out so far (gensim's
 * job producer), so it decays linearly over all words of all epochs whichever worker runs it.
 *
 * Two builds of word2vec.wat: fused multiply-adds (relaxed SIMD) where the runtime compiles them,
 * plain SIMD otherwise (chosen once, at load: `fusedKernelAvailable`).
 *
 * Memory layout (byte addresses, 16-aligned): σ and log σ tables, config, cum_table, sample_int,
 * the noise-word search index (bucketIndex),
 * Huffman offsets/lengths/codes/points, syn0, syn1neg, syn1, then per worker a job buffer and a
 * scratch area. Rows are padded to a multiple of 4 floats with zeros (which stay zero).
 */

import { Worker } from 'node:worker_threads';
import { compileWasm } from '@firth/tensor';
import { instantiate, type SharedWasmMemory, sharedMemory, wasmModuleOnce } from './shared-wasm.js';
import { WORD2VEC_FMA_WASM_BASE64 } from './word2vec-fma-wasm.js';
import {
  EXP_TABLE_SIZE,
  type Job,
  type JobResult,
  sigmoidTables,
  type TrainState,
} from './word2vec-reference.js';
import { WORD2VEC_WASM_BASE64 } from './word2vec-wasm.js';

const MAX_JOB_WORDS = 10_000;
/** Logistic terms word2vec.wat computes in one batch (its $fs, $ts). */
const MAX_TERMS = 64;
/** Rows of each table every worker keeps its own copy of, merged into the shared rows about 500 times an epoch (word2vec.wat, $hot). */
const HOT_ROWS = 256;

/** Buckets of the negative-sampling search index: draws are < 2^31, bucket = draw >> 15. */
const NEG_BUCKETS = 1 << 16;

/**
 * bucketIndex[b] = bisect_left(cumTable, b · 2^15): where the search for a draw in bucket b starts
 * (word2vec.wat's `$bisect`); the last entry closes the final bucket.
 */
export function bucketIndex(cumTable: Uint32Array): Uint32Array {
  const out = new Uint32Array(NEG_BUCKETS + 1);
  let i = 0;
  for (let b = 0; b <= NEG_BUCKETS; b++) {
    const x = b * 2 ** 15;
    while (i < cumTable.length - 1 && cumTable[i]! < x) i++;
    out[b] = i;
  }
  return out;
}

const plainModule = wasmModuleOnce(WORD2VEC_WASM_BASE64);

/**
 * word2vec.wat assembled with fused multiply-adds (relaxed SIMD's f32x4.relaxed_madd: one rounding
 * per a·b + c, an FMA instruction where the CPU has one), or null where the runtime lacks relaxed
 * SIMD (Node 20: the module does not compile) — then the plain-SIMD module, the same code with each
 * multiply-add unfused, trains instead.
 */
const fusedModule: object | null = compileWasm(WORD2VEC_FMA_WASM_BASE64);

/** Whether training uses the fused (relaxed SIMD) kernel here. */
export const fusedKernelAvailable: boolean = fusedModule !== null;

let preferFused = true;
/**
 * Chooses the kernel of the trainers made from now on: fused where available (the default) or the
 * plain-SIMD one everywhere (so that tests check both on a runtime that has both).
 */
export function useFusedKernel(on: boolean): void {
  preferFused = on;
}

const wasmModule = (): object => (preferFused && fusedModule !== null ? fusedModule : plainModule());

interface KernelExports {
  init(cfg: number): void;
  train_job(
    job: number,
    nWords: number,
    nSents: number,
    alpha: number,
    seedHi: number,
    seedLo: number,
    scratch: number,
  ): number;
  loss(): number;
  terms(): number;
}

/** Copies a job into the memory at `at` and runs it (used on the main thread and in workers alike). */
function runJob(k: KernelExports, mem: ArrayBufferLike, at: number, scratch: number, job: Job): JobResult {
  const i32 = new Int32Array(mem, at, job.words.length + job.sentenceEnds.length);
  i32.set(job.words);
  i32.set(job.sentenceEnds, job.words.length);
  const n = k.train_job(
    at,
    job.words.length,
    job.sentenceEnds.length,
    job.alpha,
    job.seedHi,
    job.seedLo,
    scratch,
  );
  return { effectiveWords: n, loss: k.loss(), terms: k.terms() };
}

/**
 * A worker: instantiates the module over the shared memory and trains jobs as they come. Source
 * text (`eval: true`) so that it runs the same from src/*.ts and from dist/*.js.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { module, memory, cfg, jobAt, scratch, hotAt, hot, syncWords } = workerData;
const k = new WebAssembly.Instance(module, { env: { memory } }).exports;
k.init(cfg);
if (hot > 0) k.init_hot(hotAt, hot, syncWords);
parentPort.on('message', (job) => {
  const i32 = new Int32Array(memory.buffer, jobAt, job.words.length + job.sentenceEnds.length);
  i32.set(job.words);
  i32.set(job.sentenceEnds, job.words.length);
  const n = k.train_job(jobAt, job.words.length, job.sentenceEnds.length, job.alpha, job.seedHi, job.seedLo, scratch);
  parentPort.postMessage({ effectiveWords: n, loss: k.loss(), terms: k.terms() });
});
`;

interface Slot {
  worker: Worker;
  pending: ((r: JobResult) => void)[];
}

export class WasmTrainer {
  private readonly memory: SharedWasmMemory;
  private readonly kernel: KernelExports;
  /**
   * Floats from one row to the next: D rounded up to 16, and the tables start on 64-byte boundaries,
   * so that every row has cache lines of its own (workers writing neighbouring rows do not share one).
   */
  private readonly stride: number;
  private readonly at: { syn0: number; syn1neg: number; syn1: number; cfg: number; slots: number[] };
  private readonly slotBytes: number;
  private readonly workers: Slot[] = [];
  private inFlight = 0;
  private wake: (() => void) | null = null;

  constructor(
    private readonly state: TrainState,
    nWorkers: number,
    private readonly onResult: (job: Job, r: JobResult) => void,
  ) {
    const { vocab, vectorSize } = state;
    const V = vocab.size;
    const D = Math.ceil(vectorSize / 4) * 4;
    this.stride = Math.ceil(D / 16) * 16;
    const rowBytes = this.stride * 4;
    let top = 0;
    const alloc = (bytes: number, align = 16) => {
      top = Math.ceil(top / align) * align;
      const a = top;
      top += Math.ceil(bytes / 16) * 16;
      return a;
    };
    const codeLens = state.hs ? vocab.codes.map((c) => c.length) : [];
    const totalCode = codeLens.reduce((s, n) => s + n, 0);
    const tables = sigmoidTables();
    const expTab = alloc(EXP_TABLE_SIZE * 4);
    const logTab = alloc(EXP_TABLE_SIZE * 4);
    const cfg = alloc(32 * 4);
    const cum = alloc(V * 4);
    const sampleInt = alloc(V * 4);
    const buckets = alloc((NEG_BUCKETS + 1) * 4);
    const codeOff = alloc(V * 4);
    const codeLen = alloc(V * 4);
    const codes = alloc(totalCode);
    const points = alloc(totalCode * 4);
    const syn0 = alloc(V * rowBytes, 64);
    const syn1neg = state.syn1neg ? alloc(V * rowBytes, 64) : 0;
    const syn1 = state.syn1 ? alloc(V * rowBytes, 64) : 0;
    const workerCount = Math.max(1, nWorkers);
    // per slot: the job (words + sentence ends) and scratch (work, neu1, 3 × (words + 1) ints, then
    // MAX_TERMS floats and MAX_TERMS ints for one batch of logistic terms)
    this.slotBytes =
      2 * MAX_JOB_WORDS * 4 + 16 + 2 * rowBytes + 3 * (MAX_JOB_WORDS + 1) * 4 + 2 * MAX_TERMS * 4 + 16;
    const slots = Array.from({ length: workerCount }, () => alloc(this.slotBytes));
    // per worker (when there are several): its copies of the hot rows (word2vec.wat, init_hot)
    // FIRTH_W2V_HOT=n sets their number (0: every row shared, as before; for benchmarks and tests)
    const envHot = Number(process.env['FIRTH_W2V_HOT'] ?? HOT_ROWS);
    const hot = nWorkers > 1 && Number.isInteger(envHot) && envHot > 0 ? Math.min(V, envHot) : 0;
    const hotAreas = slots.map(() => (hot > 0 ? alloc(6 * hot * rowBytes, 64) : 0));
    // and how often they merge them: about 500 times an epoch, every 1,000 to 10,000 trained words
    const syncWords = Math.min(MAX_JOB_WORDS, Math.max(1000, Math.floor(vocab.totalWords / 500)));
    const pages = Math.ceil(top / 65536) + 1;
    this.memory = sharedMemory(pages);
    const buf = this.memory.buffer;
    new Float32Array(buf, expTab, EXP_TABLE_SIZE).set(tables.exp);
    new Float32Array(buf, logTab, EXP_TABLE_SIZE).set(tables.log);
    new Uint32Array(buf, cum, V).set(vocab.cumTable);
    new Uint32Array(buf, sampleInt, V).set(vocab.sampleInt);
    new Uint32Array(buf, buckets, NEG_BUCKETS + 1).set(bucketIndex(vocab.cumTable));
    if (state.hs) {
      const off = new Uint32Array(buf, codeOff, V);
      const len = new Uint32Array(buf, codeLen, V);
      const c8 = new Uint8Array(buf, codes, totalCode);
      const p32 = new Uint32Array(buf, points, totalCode);
      let o = 0;
      for (let w = 0; w < V; w++) {
        off[w] = o;
        len[w] = codeLens[w]!;
        c8.set(vocab.codes[w]!, o);
        p32.set(vocab.points[w]!, o);
        o += codeLens[w]!;
      }
    }
    new Int32Array(buf, cfg, 22).set([
      D,
      syn0,
      syn1neg,
      syn1,
      cum,
      V,
      sampleInt,
      codeOff,
      codeLen,
      codes,
      points,
      expTab,
      logTab,
      state.window,
      state.negative,
      state.hs ? 1 : 0,
      state.sg ? 1 : 0,
      state.cbowMean ? 1 : 0,
      state.sample ? 1 : 0,
      buckets,
      state.computeLoss ? 1 : 0,
      rowBytes,
    ]);
    this.at = { syn0, syn1neg, syn1, cfg, slots };
    this.copyRows(state.syn0, syn0, 'in');
    if (state.syn1neg) this.copyRows(state.syn1neg, syn1neg, 'in');
    if (state.syn1) this.copyRows(state.syn1, syn1, 'in');

    const module = wasmModule();
    this.kernel = instantiate<KernelExports>(module, { env: { memory: this.memory } });
    this.kernel.init(cfg);
    if (nWorkers > 1) {
      for (let w = 0; w < nWorkers; w++) {
        const slot = slots[w]!;
        const worker = new Worker(WORKER_SOURCE, {
          eval: true,
          workerData: {
            module,
            memory: this.memory,
            cfg,
            jobAt: slot,
            scratch: slot + 2 * MAX_JOB_WORDS * 4 + 16,
            hotAt: hotAreas[w],
            hot,
            syncWords,
          },
        });
        const s: Slot = { worker, pending: [] };
        worker.on('message', (r: JobResult) => s.pending.shift()?.(r));
        this.workers.push(s);
      }
    }
  }

  /** Copies V rows between a packed (vectorSize) array and the padded (D) rows in memory. */
  private copyRows(arr: Float32Array, addr: number, dir: 'in' | 'out'): void {
    const { vectorSize: n } = this.state;
    const V = this.state.vocab.size;
    const mem = new Float32Array(this.memory.buffer, addr, V * this.stride);
    for (let w = 0; w < V; w++) {
      if (dir === 'in') mem.set(arr.subarray(w * n, w * n + n), w * this.stride);
      else arr.set(mem.subarray(w * this.stride, w * this.stride + n), w * n);
    }
  }

  /** Trains one job on the calling thread. */
  runSync(job: Job): JobResult {
    const slot = this.at.slots[0]!;
    const r = runJob(this.kernel, this.memory.buffer, slot, slot + 2 * MAX_JOB_WORDS * 4 + 16, job);
    this.onResult(job, r);
    return r;
  }

  /** Hands a job to the least busy worker; waits while every worker has two jobs queued. */
  async submit(job: Job): Promise<void> {
    if (this.workers.length === 0) {
      this.runSync(job);
      return;
    }
    while (this.inFlight >= 2 * this.workers.length) await new Promise<void>((r) => (this.wake = r));
    const slot = this.workers.reduce((a, b) => (b.pending.length < a.pending.length ? b : a));
    this.inFlight++;
    slot.pending.push((r) => {
      this.inFlight--;
      this.onResult(job, r);
      const wake = this.wake;
      this.wake = null;
      wake?.();
    });
    slot.worker.postMessage(job);
  }

  /** Waits until every submitted job is done. */
  async drain(): Promise<void> {
    while (this.inFlight > 0) await new Promise<void>((r) => (this.wake = r));
  }

  /** Copies the weights back into the state's arrays and stops the workers. */
  async close(): Promise<void> {
    await this.drain();
    this.copyRows(this.state.syn0, this.at.syn0, 'out');
    if (this.state.syn1neg) this.copyRows(this.state.syn1neg, this.at.syn1neg, 'out');
    if (this.state.syn1) this.copyRows(this.state.syn1, this.at.syn1, 'out');
    await Promise.all(this.workers.map((s) => s.worker.terminate()));
    this.workers.length = 0;
  }

  /** Like close, for the synchronous path (no workers were started). */
  closeSync(): void {
    this.copyRows(this.state.syn0, this.at.syn0, 'out');
    if (this.state.syn1neg) this.copyRows(this.state.syn1neg, this.at.syn1neg, 'out');
    if (this.state.syn1) this.copyRows(this.state.syn1, this.at.syn1, 'out');
  }
}
