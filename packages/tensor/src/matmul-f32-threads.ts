/**
 * The float32 products of matmul-f32.ts on several threads, still synchronous: the calling thread
 * and `threads − 1` Node worker threads share one WebAssembly memory (matmul-f32.wat assembled over
 * an imported shared memory, matmul-f32-shared-wasm.ts) — the engine memory of engine.ts where there
 * is one, so that arena tensors are read by address and C written in place, else the pool's own. A
 * product copies in the operands that are not views of that memory (wasm.ts' floatRegions), cuts C
 * into bands and publishes them; every thread — the caller included —
 * claims bands with an atomic counter until none is left, and the caller then waits in
 * `Atomics.wait` (allowed on Node's main thread) for the bands still running. A busy or slow worker
 * therefore never holds the caller up for more than the band it took: on a loaded machine the
 * caller simply computes most bands itself.
 *
 * Bands: a 2-D product is cut along the longer side of C — blocks of rows (multiples of 12: whole
 * micro-kernel tiles of 6 or 4 rows), or blocks of columns (multiples of 8, the micro-kernel's
 * width; matmul-f32.wat's exported `gemm` takes the row stride of B and C apart from the band's
 * width); a batched product is cut into runs of whole matrices. Every element of C is still the sum
 * over k in ascending order of the same float32 operations, whichever tile computes it and however
 * the reduction is blocked, so the result equals the one-thread kernel's bit for bit
 * (matmul-f32-threads.test.ts checks every form the autograd uses). Products of fewer than
 * `minProduct` multiply-adds (n·m·p, times the batch) stay on the calling thread: handing off costs
 * tens of microseconds.
 *
 * The fused attention (attention-f32.wat, also assembled over the shared memory: attention.ts hands
 * its calls here when there are several threads) is cut into bands of whole sequences b: every (b, h)
 * head is computed by one thread with the one-thread code, each thread with its own transposition and
 * dS scratch, so it too equals one thread bit for bit (attention-threads.test.ts). Calls of one
 * sequence, or under `minProduct` multiply-adds, run on the calling thread over the shared memory.
 *
 * The workers start at the first large product, are unref'd (they never keep a process alive) and
 * are stopped by `close()`. Node only: where `process.getBuiltinModule('worker_threads')` or shared
 * WebAssembly memory is missing, `threadedKernelsF32` returns null.
 */

import { ATTENTION_F32_SHARED_WASM_BASE64 } from './attention-f32-shared-wasm.js';
import { engineBase, engineMemory, engineReserve } from './engine.js';
import type { MatmulF32Kernels, MatmulF32WasmExports } from './matmul-f32.js';
import { MATMUL_F32_SHARED_FMA_WASM_BASE64 } from './matmul-f32-shared-fma-wasm.js';
import { MATMUL_F32_SHARED_WASM_BASE64 } from './matmul-f32-shared-wasm.js';
import { nodeBuiltinOrUndefined } from './threads.js';
import { floatRegions, productRegions, type WebAssemblyApi, webAssembly } from './wasm.js';

/**
 * Multiply-adds (n·m·p) from which a product is cut into bands. matmul-f32.bench.ts's sweep of square
 * products at 2 threads (on a shared 2-core machine, load 3–6): at 2^21 and below the second thread
 * never won (the hand-off costs ~5–20 µs; 128³ took 98–111 µs on one thread, 119–129 µs on two), at
 * 2^24 it did (1.0–1.5×). Every product of the GPT step (≥ 2^24) is above it.
 */
export const THREADED_MIN_PRODUCT = 1 << 21;

/**
 * attention-f32.wat's `forward` and `backward` over the pool's shared memory, cut into bands of whole
 * sequences (b): each takes the kernel's own arguments (addresses in bytes) plus `end`, the byte
 * address from which the memory is free for each thread's scratch (their kt, vt, ds arguments are
 * replaced by per-thread scratch there). Every (b, h) head is computed by one thread with the same
 * operations as on one thread, so the results are equal bit for bit.
 */
export interface SharedAttentionF32 {
  /** The shared memory the arguments' addresses point into (grown by the caller as needed). */
  readonly memory: { readonly buffer: ArrayBufferLike; grow(pages: number): number };
  forward(args: number[], end: number): void;
  backward(args: number[], end: number): void;
}

/** The products on several threads, with the worker pool they run on. */
export interface ThreadedMatmulF32 extends MatmulF32Kernels {
  /** The fused attention kernels on the same threads (null where its module failed to load). */
  readonly attention: SharedAttentionF32 | null;
  /** Threads a large product runs on, the caller's included. */
  readonly threads: number;
  /** Worker threads started so far (0 until the first large product). */
  readonly started: number;
  /** Bands cut so far, and how many of them the workers computed (the rest: the calling thread). */
  readonly bands: { total: number; byWorkers: number };
  /** Stops the workers; a later large product starts them again. */
  close(): Promise<void>;
}

/** attention-f32.wat's exports over the shared memory (its forward: 23 arguments, backward: 26). */
interface SharedAttentionExports {
  forward(...args: number[]): void;
  backward(...args: number[]): void;
}

/** The shared module's exports (addresses in bytes): matmul-f32.wat assembled over a shared memory. */
type SharedExports = Pick<
  MatmulF32WasmExports,
  'gemm' | 'transpose' | 'matmulBatch' | 'matmulTNBatch' | 'matmulNTBatch'
>;

// The control block, an Int32Array over its own SharedArrayBuffer: these indices, then ARGS.
const GEN = 0; // bumped for every product: the workers wait on it
const CLAIM = 1; // the next band to claim (CLOSED between products)
const DONE = 2; // bands finished
const NBANDS = 3;
const KIND = 4; // ROWS, COLS, BATCH_NN, BATCH_TN, BATCH_NT
const BAND = 5; // rows, columns or matrices per band
const TOTAL = 6; // rows, columns or matrices in all
const SCRATCH = 7; // byte address of thread 0's scratch
const SCRATCH_BYTES = 8; // scratch bytes per thread
const FAILED = 9; // 1 when a band threw in a worker
const BY_WORKERS = 10; // bands computed by the workers since the pool was made
const ARGS = 11; // up to 26 arguments, see runBand
const CONTROL_INTS = ARGS + 26;
/** CLAIM between products: far above any band count, so a late worker claims nothing. */
const CLOSED = 1 << 30;

const ROWS = 0;
const COLS = 1;
const BATCH_NN = 2;
const BATCH_TN = 3;
const BATCH_NT = 4;
const ATTENTION_FORWARD = 5;
const ATTENTION_BACKWARD = 6;

/**
 * Computes band i of the published product on thread `thread`. Shared by the caller and the workers,
 * which receive its source (so it may use nothing outside itself).
 */
function runBand(
  ex: SharedExports,
  att: SharedAttentionExports | null,
  ctl: Int32Array,
  i: number,
  thread: number,
): void {
  const kind = ctl[4]!;
  const band = ctl[5]!;
  const lo = i * band;
  const count = Math.min(band, ctl[6]! - lo);
  const w = ctl[7]! + thread * ctl[8]!;
  const g = (k: number): number => ctl[11 + k]!;
  // args: a ar ak b c rows len cols rb acc — or for batches: a b c sa sb sc d0 d1 d2 acc tBytes
  if (kind >= 5) {
    // attention over sequences lo … lo + count − 1: the kernel's arguments with the addresses moved
    // to sequence lo, B = count, and this thread's scratch (args: see attention-f32.wat; s as f32 bits)
    const args: number[] = [];
    for (let k = 0; k < (kind === 5 ? 23 : 26); k++) args.push(g(k));
    const [qB, kB, oB] = kind === 5 ? [g(11), g(14), g(17)] : [g(15), g(18), g(21)];
    const at = kind === 5 ? 7 : 11; // H, Tq, Tk from here
    const pB = 4 * g(at) * g(at + 1) * g(at + 2); // P: H·Tq·Tk floats a sequence, as bytes
    const shift = (k: number, stride: number) => {
      args[k] = args[k]! + 4 * lo * stride;
    };
    const scale = new Float32Array(new Int32Array([kind === 5 ? g(21) : g(25)]).buffer)[0]!;
    if (kind === 5) {
      // q k v o p kt B H Tq Tk d qB qH qT kB kH kT oB oH oT causal s mask
      shift(0, qB);
      shift(1, kB);
      shift(2, kB);
      shift(3, oB);
      args[4] = args[4]! + lo * pB;
      args[5] = w;
      args[6] = count;
      args[21] = scale;
      if (args[22] !== 0) shift(22, g(9));
      att!.forward(...args);
    } else {
      // q k v dO p dq dk dv vt ds B H Tq Tk d qB qH qT kB kH kT oB oH oT causal s
      shift(0, qB);
      shift(1, kB);
      shift(2, kB);
      shift(3, oB);
      args[4] = args[4]! + lo * pB;
      shift(5, qB);
      shift(6, kB);
      shift(7, kB);
      args[8] = w;
      args[9] = w + 16 * Math.ceil((g(14) * g(13)) / 4); // after vt (d × Tk floats): ds (Tq × Tk)
      args[10] = count;
      args[25] = scale;
      att!.backward(...args);
    }
  } else if (kind === 0)
    ex.gemm(g(0) + lo * g(1), g(1), g(2), g(3), g(4) + lo * g(8), count, g(6), g(7), g(8), g(9), w);
  else if (kind === 1)
    ex.gemm(g(0), g(1), g(2), g(3) + 4 * lo, g(4) + 4 * lo, g(5), g(6), count, g(8), g(9), w);
  else {
    const a = g(0) + lo * g(3);
    const b = g(1) + lo * g(4);
    const c = g(2) + lo * g(5);
    if (kind === 2) ex.matmulBatch(a, b, c, w, g(6), g(7), g(8), g(9), count);
    else if (kind === 3) ex.matmulTNBatch(a, b, c, w, g(6), g(7), g(8), g(9), count);
    else ex.matmulNTBatch(a, b, c, w, w + g(10), g(6), g(7), g(8), g(9), count);
  }
}

/** Claims and computes bands until none is left (every thread runs this). */
function claimBands(
  ex: SharedExports,
  att: SharedAttentionExports | null,
  ctl: Int32Array,
  thread: number,
): void {
  for (;;) {
    const i = Atomics.add(ctl, 1, 1);
    const n = Atomics.load(ctl, 3);
    if (i >= n) return;
    try {
      runBand(ex, att, ctl, i, thread);
      if (thread !== 0) Atomics.add(ctl, 10, 1);
    } catch (e) {
      Atomics.store(ctl, 9, 1);
      if (thread === 0) throw e;
    } finally {
      if (Atomics.add(ctl, 2, 1) + 1 === n) Atomics.notify(ctl, 2);
    }
  }
}

/**
 * A worker: instantiates the shared module over the shared memory, then claims bands at every
 * product. The two functions travel as source text and are called by their own `.name` (a minifier
 * may rename them). A bundler's `keepNames` (esbuild's, as n8n-nodes-firth's bundle uses) wraps
 * functions inside them in `__name(f, "name")`: the worker defines that helper as the identity. A
 * worker that fails to start claims nothing: the caller computes every band.
 */
const WORKER_SOURCE = `
var __name = (f) => f;
const { workerData } = process.getBuiltinModule('worker_threads');
const { module, attentionModule, memory, control, thread } = workerData;
const ex = new WebAssembly.Instance(module, { env: { memory } }).exports;
const att = attentionModule === null ? null : new WebAssembly.Instance(attentionModule, { env: { memory } }).exports;
const ctl = new Int32Array(control);
${runBand.toString()}
${claimBands.toString()}
let seen = Atomics.load(ctl, 0);
for (;;) {
  Atomics.wait(ctl, 0, seen);
  seen = Atomics.load(ctl, 0);
  ${claimBands.name}(ex, att, ctl, thread);
}
`;

interface NodeWorker {
  unref(): void;
  terminate(): Promise<number>;
  on(event: 'error', listener: (e: Error) => void): void;
}
type WorkerConstructor = new (
  source: string,
  options: { eval: true; workerData: object; name?: string },
) => NodeWorker;

/** Above this many bytes the products stay on one thread (the shared memory's maximum, 16384 pages). */
const MAX_BYTES = 2 ** 30;
const align4 = (floats: number): number => Math.ceil(floats / 4) * 4;
/** Floats of packing scratch for `cols` columns, as matmul-f32.ts reserves. */
const packFloats = (cols: number): number => 256 * (cols + 8);

/**
 * The products on `threads` threads (≥ 2), falling back to `single` (the one-thread wasm kernels)
 * below `minProduct` multiply-adds; null where Node's worker threads or shared wasm memory are missing.
 * `fused`: the threads run the fused (relaxed-SIMD) module where it compiles, as `single` must then
 * do too for the two to agree bit for bit (matmul-f32.ts passes `matmulF32Fused`); false: the plain one.
 */
export function threadedKernelsF32(
  threads: number,
  single: MatmulF32Kernels,
  minProduct = THREADED_MIN_PRODUCT,
  fused = true,
): ThreadedMatmulF32 | null {
  const wt = nodeBuiltinOrUndefined<{ Worker: WorkerConstructor }>('worker_threads');
  const WA = webAssembly;
  if (wt === undefined || WA === undefined || typeof SharedArrayBuffer === 'undefined') return null;
  let module: object;
  let memory: InstanceType<WebAssemblyApi['Memory']>;
  let ex: SharedExports;
  const bytes = (base64: string) => Uint8Array.from(atob(base64), (ch) => ch.charCodeAt(0));
  try {
    // the fused module where relaxed SIMD compiles (as matmul-f32.ts chooses), else the plain one
    try {
      module = new WA.Module(
        bytes(fused ? MATMUL_F32_SHARED_FMA_WASM_BASE64 : MATMUL_F32_SHARED_WASM_BASE64),
      );
    } catch {
      module = new WA.Module(bytes(MATMUL_F32_SHARED_WASM_BASE64));
    }
    // the engine memory where there is one (engine.ts: the arena's tensors by address), else its own
    memory = engineMemory ?? new WA.Memory({ initial: 1, maximum: MAX_BYTES / 65536, shared: true });
    ex = new WA.Instance(module, { env: { memory } }).exports as unknown as SharedExports;
  } catch {
    return null;
  }
  let attentionModule: object | null = null;
  let att: SharedAttentionExports | null = null;
  try {
    attentionModule = new WA.Module(
      Uint8Array.from(atob(ATTENTION_F32_SHARED_WASM_BASE64), (ch) => ch.charCodeAt(0)),
    );
    att = new WA.Instance(attentionModule, { env: { memory } }).exports as unknown as SharedAttentionExports;
  } catch {
    attentionModule = null;
  }
  const control = new SharedArrayBuffer(CONTROL_INTS * 4);
  const ctl = new Int32Array(control);
  ctl[CLAIM] = CLOSED;
  let workers: NodeWorker[] = [];
  let bandsTotal = 0;

  const start = (): void => {
    if (workers.length > 0) return;
    for (let thread = 1; thread < threads; thread++) {
      const worker = new wt.Worker(WORKER_SOURCE, {
        eval: true,
        name: `firth-tensor-${thread}`,
        workerData: { module, attentionModule, memory, control, thread },
      });
      // a band that throws is caught in the worker (claimBands) and reported through FAILED; an
      // 'error' event could only be delivered after the product, to this thread's event loop
      worker.on('error', () => Atomics.store(ctl, FAILED, 1));
      worker.unref();
      workers.push(worker);
    }
  };

  /** Grows the shared memory to hold at least `bytes`; false beyond its maximum. */
  const reserveBytes = (bytes: number): boolean => {
    if (memory === engineMemory) return engineReserve(bytes);
    if (bytes > MAX_BYTES) return false;
    const missing = bytes - memory.buffer.byteLength;
    if (missing > 0) memory.grow(Math.ceil(missing / 65536));
    return true;
  };
  /** The shared memory grown to hold at least `floats` (scratch the kernels write). */
  const reserve = (floats: number): void => {
    if (!reserveBytes(floats * 4)) throw new RangeError('matmul-f32-threads: the shared memory is full');
  };
  /**
   * The operands' regions (wasm.ts' floatRegions): over the engine memory, engine views by address and
   * C in place, the rest above the arena's top; over the pool's own memory, copies from 0 on.
   */
  const regions = floatRegions(memory === engineMemory ? null : memory);
  const sum = (sizes: number[]) => sizes.reduce((x, y) => x + y, 0) + engineBase() / 4;
  const first = (x: Float32Array, size: number) => (x.length === size ? x : x.subarray(0, size));
  const load = productRegions(regions);

  /** Publishes a product of `total` rows/columns/matrices in bands of `band`, computes it, waits. */
  const run = (
    kind: number,
    total: number,
    band: number,
    scratch: number,
    scratchBytes: number,
    args: number[],
  ) => {
    start();
    const nb = Math.ceil(total / band);
    bandsTotal += nb;
    ctl[KIND] = kind;
    ctl[BAND] = band;
    ctl[TOTAL] = total;
    ctl[SCRATCH] = scratch;
    ctl[SCRATCH_BYTES] = scratchBytes;
    ctl[FAILED] = 0;
    for (let k = 0; k < args.length; k++) ctl[ARGS + k] = args[k]!;
    Atomics.store(ctl, NBANDS, nb);
    Atomics.store(ctl, DONE, 0);
    Atomics.store(ctl, CLAIM, 0);
    Atomics.add(ctl, GEN, 1);
    Atomics.notify(ctl, GEN);
    let error: unknown;
    try {
      claimBands(ex, att, ctl, 0);
    } catch (e) {
      error = e;
    }
    // no more claims; then wait for every band claimed (all of them, unless this thread threw) to
    // finish, so that no worker still writes the heap when the next product is copied in
    const claimed = Math.min(Atomics.exchange(ctl, CLAIM, CLOSED), nb);
    for (let d = Atomics.load(ctl, DONE); d < claimed; d = Atomics.load(ctl, DONE)) {
      try {
        Atomics.wait(ctl, DONE, d);
      } catch {
        // a thread that may not block (e.g. an Electron renderer's main thread): spin instead
      }
    }
    if (error !== undefined || Atomics.load(ctl, FAILED) === 1) {
      void kernels.close();
      throw (
        error ?? new Error('matmul-f32-threads: a band failed in a worker thread; the workers were stopped')
      );
    }
  };

  /** Band size: about two bands per thread (so a stalled thread costs little), a multiple of `unit`. */
  const bandOf = (total: number, unit: number): number =>
    Math.max(unit, Math.ceil(total / (2 * threads) / unit) * unit);

  /**
   * C (+)= a·B on the threads: a(r,k) at a + r·ar + k·ak, B (len, cols) at b, C (rows, cols) at c,
   * all in the heap already; scratch from `free` on.
   */
  const gemm = (
    a: number,
    ar: number,
    ak: number,
    b: number,
    c: number,
    rows: number,
    len: number,
    cols: number,
    acc: boolean,
    free: number,
  ): void => {
    const byRows = rows >= cols;
    // rows in multiples of 12 (whole 6- and 4-row tiles of matmul-f32.wat), columns of 8 (its width)
    const band = byRows ? bandOf(rows, 12) : bandOf(cols, 8);
    const per = packFloats(byRows ? cols : band) * 4;
    reserve(free + threads * (per / 4));
    const args = [a * 4, ar, ak, b * 4, c * 4, rows, len, cols, cols * 4, acc ? 1 : 0];
    run(byRows ? ROWS : COLS, byRows ? rows : cols, band, free * 4, per, args);
  };

  /** Whether a product of this many multiply-adds (and floats) goes to the threads. */
  const large = (madds: number, floats: number): boolean => madds >= minProduct && floats * 4 <= MAX_BYTES;

  /**
   * Attention forward (kind 5) or backward (6) of B sequences: in bands of whole sequences on the
   * threads, or on this thread alone where it does not pay (fewer than 2 sequences, or fewer
   * multiply-adds than minProduct); per-thread scratch from byte `end` on.
   */
  const attention = (kind: number, args: number[], end: number): void => {
    const [B, H, Tq, Tk, d] = kind === ATTENTION_FORWARD ? args.slice(6, 11) : args.slice(10, 15);
    // forward: q kᵀ and P v; backward: four such products
    const madds = (kind === ATTENTION_FORWARD ? 2 : 4) * B! * H! * Tq! * Tk! * d!;
    // per thread: kt or vt (d × Tk), and for the backward pass ds (Tq × Tk)
    const per = align4(d! * Tk!) + (kind === ATTENTION_BACKWARD ? align4(Tq! * Tk!) : 0);
    const free = align4(Math.ceil(end / 4));
    if (B! < 2 || madds < minProduct || (free + threads * per) * 4 > MAX_BYTES) {
      if (kind === ATTENTION_FORWARD) att!.forward(...args);
      else att!.backward(...args);
      return;
    }
    reserve(free + threads * per);
    const sAt = kind === ATTENTION_FORWARD ? 21 : 25;
    const bits = [...args];
    bits[sAt] = new Int32Array(new Float32Array([args[sAt]!]).buffer)[0]!;
    run(kind, B!, bandOf(B!, 1), free * 4, per * 4, bits);
  };

  /**
   * A·B or Aᵀ·B for each matrix of a batch, the matrices in bands on the pool (`sizes`: one A's, B's
   * and C's floats); below the threshold, or without the room, the one-thread kernel.
   */
  const batchOnPool =
    (
      name: 'matmulBatch' | 'matmulTNBatch',
      kind: typeof BATCH_NN | typeof BATCH_TN,
      sizesOf: (n: number, m: number, p: number) => [number, number, number],
    ): MatmulF32Kernels['matmulBatch'] =>
    (A, B, batch, n, m, p, C, acc) => {
      const [sa, sb, sc] = sizesOf(n, m, p);
      const sizes: [number, number, number] = [batch * sa, batch * sb, batch * sc];
      const per = packFloats(p);
      if (batch < 2 || !large(batch * n * m * p, sum(sizes) + threads * per))
        return single[name](A, B, batch, n, m, p, C, acc);
      const r = load(A, B, C, sizes, acc, []);
      const free = r && align4(r.end / 4);
      if (!r || !reserveBytes((free! + threads * per) * 4)) return single[name](A, B, batch, n, m, p, C, acc);
      const [a, b, c] = r.at;
      const args = [a!, b!, c!, sa * 4, sb * 4, sc * 4, n, m, p, acc ? 1 : 0, 0];
      run(kind, batch, bandOf(batch, 1), free! * 4, per * 4, args);
      r.out(2, first(C, batch * sc));
    };

  const kernels: ThreadedMatmulF32 = {
    threads,
    attention:
      att === null
        ? null
        : {
            memory,
            forward: (args, end) => attention(ATTENTION_FORWARD, args, end),
            backward: (args, end) => attention(ATTENTION_BACKWARD, args, end),
          },
    get started() {
      return workers.length;
    },
    get bands() {
      return { total: bandsTotal, byWorkers: Atomics.load(ctl, BY_WORKERS) };
    },
    async close() {
      const stopping = workers;
      workers = [];
      await Promise.all(stopping.map((w) => w.terminate()));
    },
    matmul(A, B, n, m, p, C, acc) {
      const sizes: [number, number, number] = [n * m, m * p, n * p];
      if (!large(n * m * p, sum(sizes) + threads * packFloats(p)))
        return single.matmul(A, B, n, m, p, C, acc);
      const r = load(A, B, C, sizes, acc, []);
      if (!r) return single.matmul(A, B, n, m, p, C, acc);
      const [a, b, c] = r.at.map((x) => x / 4) as [number, number, number];
      gemm(a, m * 4, 4, b, c, n, m, p, acc, r.end / 4);
      r.out(2, first(C, n * p));
    },
    matmulBias(A, B, bias, n, m, p, C) {
      const sizes: [number, number, number] = [n * m, m * p, n * p];
      if (n === 0 || !large(n * m * p, sum(sizes) + threads * packFloats(p)))
        return single.matmulBias(A, B, bias, n, m, p, C);
      const r = load(A, B, C, sizes, false, []);
      if (!r) return single.matmulBias(A, B, bias, n, m, p, C);
      const [a, b, c] = r.at.map((x) => x / 4) as [number, number, number];
      // C starts as the bias in every row, as in matmul-f32.ts; the product adds to it
      const h = r.heap;
      h.set(bias.subarray(0, p), c);
      for (let filled = p; filled < n * p; filled *= 2)
        h.copyWithin(c + filled, c, c + Math.min(filled, n * p - filled));
      gemm(a, m * 4, 4, b, c, n, m, p, true, r.end / 4);
      r.out(2, first(C, n * p));
    },
    matmulTN(A, B, n, m, p, C, acc) {
      const sizes: [number, number, number] = [n * m, n * p, m * p];
      if (!large(n * m * p, sum(sizes) + threads * packFloats(p)))
        return single.matmulTN(A, B, n, m, p, C, acc);
      const r = load(A, B, C, sizes, acc, []);
      if (!r) return single.matmulTN(A, B, n, m, p, C, acc);
      const [a, b, c] = r.at.map((x) => x / 4) as [number, number, number];
      // the rows of C are the columns of A: rows 4 bytes apart, the reduction m·4
      gemm(a, 4, m * 4, b, c, m, n, p, acc, r.end / 4);
      r.out(2, first(C, m * p));
    },
    matmulNT(A, B, n, p, m, C, acc) {
      const sizes: [number, number, number] = [n * p, m * p, n * m];
      if (!large(n * m * p, sum(sizes) + m * p + threads * packFloats(m)))
        return single.matmulNT(A, B, n, p, m, C, acc);
      const r = load(A, B, C, sizes, acc, [m * p]);
      if (!r) return single.matmulNT(A, B, n, p, m, C, acc);
      const [a, b, c, t] = r.at.map((x) => x / 4) as [number, number, number, number];
      // Bᵀ (p, m) once, on this thread, then C = A·Bᵀ as the plain product (as matmul-f32.wat's matmulNT)
      ex.transpose(b * 4, t * 4, m, p);
      gemm(a, p * 4, 4, t, c, n, p, m, acc, r.end / 4);
      r.out(2, first(C, n * m));
    },
    matmulBatch: batchOnPool('matmulBatch', BATCH_NN, (n, m, p) => [n * m, m * p, n * p]),
    matmulTNBatch: batchOnPool('matmulTNBatch', BATCH_TN, (n, m, p) => [n * m, n * p, m * p]),
    matmulNTBatch(A, B, batch, n, p, m, C, acc) {
      const [sa, sb, sc] = [n * p, m * p, n * m];
      const sizes: [number, number, number] = [batch * sa, batch * sb, batch * sc];
      // per thread: room for one Bᵀ (p, m), then the packing scratch
      const tFloats = align4(m * p);
      const per = tFloats + packFloats(m);
      if (batch < 2 || !large(batch * n * m * p, sum(sizes) + threads * per))
        return single.matmulNTBatch(A, B, batch, n, p, m, C, acc);
      const r = load(A, B, C, sizes, acc, []);
      const free = r && align4(r.end / 4);
      if (!r || !reserveBytes((free! + threads * per) * 4))
        return single.matmulNTBatch(A, B, batch, n, p, m, C, acc);
      const [a, b, c] = r.at;
      const args = [a!, b!, c!, sa * 4, sb * 4, sc * 4, n, p, m, acc ? 1 : 0, tFloats * 4];
      run(BATCH_NT, batch, bandOf(batch, 1), free! * 4, per * 4, args);
      r.out(2, first(C, batch * sc));
    },
  };
  return kernels;
}
