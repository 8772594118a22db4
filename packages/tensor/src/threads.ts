/**
 * The one place that decides how many threads @firth/tensor's large operations use (the float32
 * products and the fused attention, matmul-f32-threads.ts). In order:
 *
 *   1. `setTensorThreads(n)` — set in code (n ≥ 1; `setTensorThreads(undefined)` returns to the
 *      default below, read again);
 *   2. the environment variable FIRTH_THREADS (a whole number ≥ 1), read once, at the first use;
 *   3. the cores Node reports (`os.availableParallelism()`), at most MAX_DEFAULT_THREADS;
 *   4. 1 where there are no Node worker threads (browsers: the products are synchronous, and a
 *      browser's main thread may not block in `Atomics.wait` for its workers).
 *
 * One thread means the products never leave the calling thread. With more, a product or an attention
 * call big enough to repay the hand-off (matmul-f32-threads.ts) is cut into bands computed by that many threads —
 * the caller and `tensorThreads() − 1` worker threads — with results equal bit for bit to one
 * thread's.
 *
 * Word2Vec (@firth/embeddings) keeps its own `workers` option, default 3 as gensim's: its Hogwild
 * threads change the trained vectors with their number, so its default does not follow the machine.
 *
 *   tensorThreads()        // e.g. 2 on a 2-core machine
 *   setTensorThreads(1)    // every product on the calling thread
 */
import { ValidationError } from '@firth/numeric';

/** The default's cap: a product is cut into at most 2 bands a thread, and GPT-sized ones have a few thousand rows. */
export const MAX_DEFAULT_THREADS = 8;

let chosen: number | undefined;
/** The default, worked out once (FIRTH_THREADS or the cores). */
let byDefault: number | undefined;

type GetBuiltinModule = (id: string) => unknown;

/**
 * A Node built-in by `process.getBuiltinModule` (Node ≥ 20.16), or undefined outside Node: no
 * `import 'node:…'` stands in this package's browser graph.
 */
export function nodeBuiltinOrUndefined<T>(id: string): T | undefined {
  const get = (globalThis as { process?: { getBuiltinModule?: GetBuiltinModule } }).process?.getBuiltinModule;
  return typeof get === 'function' ? (get(id) as T) : undefined;
}

/** A thread count from FIRTH_THREADS, or a ValidationError saying what is wrong with it. */
function fromEnvironment(): number | undefined {
  const raw = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env
    ?.FIRTH_THREADS;
  if (raw === undefined || raw.trim() === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1)
    throw new ValidationError(`FIRTH_THREADS must be a whole number ≥ 1, got '${raw}'`, 'FIRTH_THREADS');
  return n;
}

/** How many threads the large operations of @firth/tensor use now (≥ 1); see the file's comment. */
export function tensorThreads(): number {
  if (chosen !== undefined) return chosen;
  if (byDefault !== undefined) return byDefault;
  if (nodeBuiltinOrUndefined<object>('worker_threads') === undefined) byDefault = 1;
  else {
    const os = nodeBuiltinOrUndefined<{ availableParallelism?: () => number; cpus: () => unknown[] }>('os');
    const cores = os?.availableParallelism?.() ?? os?.cpus().length ?? 1;
    byDefault = fromEnvironment() ?? Math.max(1, Math.min(MAX_DEFAULT_THREADS, cores));
  }
  return byDefault;
}

/**
 * Sets the thread count for every later large operation (n ≥ 1), or with `undefined` returns to the
 * default (FIRTH_THREADS, else the cores). Where Node's worker threads are missing it stays 1.
 */
export function setTensorThreads(n: number | undefined): void {
  if (n !== undefined && (!Number.isInteger(n) || n < 1))
    throw new ValidationError(`setTensorThreads: a whole number ≥ 1, got ${n}`, 'threads');
  chosen = n === undefined || nodeBuiltinOrUndefined('worker_threads') === undefined ? undefined : n;
  byDefault = undefined;
}
