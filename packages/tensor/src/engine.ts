/**
 * The engine memory and its arena: ONE shared WebAssembly memory that every float32 kernel module
 * runs over (the products of matmul-f32.ts, one thread and the worker pool, elementwise-f32.ts and
 * attention.ts), and a bump allocator on it for the float32 tensors made inside `arenaScope`.
 *
 * A tensor whose data is a view of the engine memory is handed to a kernel by its address, not
 * copied in, and a kernel writes its result straight into such a view: inside a scope the autograd's
 * ops and gradients live where the kernels read and write them. Outside a scope `allocF32` is
 * `new Float32Array`, and the kernels copy in and out as before.
 *
 * Layout of the memory: [0, top) the arena's live allocations; from `top` up, each kernel call's own
 * regions (operands that are not engine views, packing scratch, the threads' scratch). A scope's
 * allocations end with it: on exit `top` goes back to where the scope began (scopes nest), so a
 * tensor made inside a scope must not be used after it — copy what must survive (`.slice()`).
 * FIRTH_ARENA_POISON=1 fills released memory with NaN, so a tensor that escaped shows up as NaN.
 *
 * The memory is shared (SharedArrayBuffer-backed), so growing it never detaches the views already
 * handed out; a grown memory gives a new buffer object for the same memory, and every buffer object
 * seen is kept in a WeakSet to recognise views. Where shared memory is missing (browsers without
 * cross-origin isolation, no WebAssembly) or FIRTH_ARENA=off, there is no engine memory: every
 * kernel module keeps its own memory and `arenaScope` just calls its function.
 */
import { ValidationError } from '@firth/numeric';

/** The global WebAssembly's Memory (read here, not from wasm.ts, which imports this module). */
const WasmMemory = (
  globalThis as {
    WebAssembly?: {
      Memory: new (d: {
        initial: number;
        maximum: number;
        shared: boolean;
      }) => {
        readonly buffer: ArrayBufferLike;
        grow(pages: number): number;
      };
    };
  }
).WebAssembly?.Memory;

/** The engine memory's maximum: 16384 pages = 1 GiB, what the shared modules declare. */
export const ENGINE_MAX_BYTES = 2 ** 30;

const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;

/** The shared memory, or null (no shared WebAssembly memory here, or FIRTH_ARENA=off). */
export const engineMemory: { readonly buffer: ArrayBufferLike; grow(pages: number): number } | null = (() => {
  if (env?.FIRTH_ARENA === 'off' || WasmMemory === undefined || typeof SharedArrayBuffer === 'undefined')
    return null;
  try {
    return new WasmMemory({ initial: 1, maximum: ENGINE_MAX_BYTES / 65536, shared: true });
  } catch {
    return null;
  }
})();

/** FIRTH_ARENA_POISON=1: released arena memory is filled with NaN. */
const poison = env?.FIRTH_ARENA_POISON === '1';

/** Every buffer object the engine memory has given out. */
const buffers = new WeakSet<ArrayBufferLike>();
let heap: Float32Array = engineMemory ? new Float32Array(engineMemory.buffer) : new Float32Array(0);
if (engineMemory) buffers.add(engineMemory.buffer);

/** The engine memory as floats, current (after growing). */
export function engineHeap(): Float32Array {
  const buffer = engineMemory!.buffer;
  if (heap.buffer !== buffer) {
    buffers.add(buffer);
    heap = new Float32Array(buffer);
  }
  return heap;
}

/** Grows the engine memory to at least `bytes`; false when that is beyond its maximum. */
export function engineReserve(bytes: number): boolean {
  if (bytes > ENGINE_MAX_BYTES) return false;
  const missing = bytes - engineMemory!.buffer.byteLength;
  if (missing > 0) {
    try {
      engineMemory!.grow(Math.ceil(missing / 65536));
    } catch {
      return false;
    }
  }
  return true;
}

/** The byte offset of `a` in the engine memory when it is a view of it, else -1. */
export function engineOffset(a: Float32Array): number {
  return buffers.has(a.buffer) ? a.byteOffset : -1;
}

/**
 * The most bytes the arena takes (half the memory): beyond it allocF32 gives plain arrays, so that the
 * kernels keep room above the arena for the operands they copy in and their scratch.
 */
let arenaLimit = ENGINE_MAX_BYTES / 2;

/** Sets the arena's limit in bytes (for the tests: a full arena without allocating half a GiB); returns the previous one. */
export function setArenaLimit(bytes: number): number {
  const before = arenaLimit;
  arenaLimit = bytes;
  return before;
}

/** Bytes in use by the arena: kernel calls lay out their own regions from here (16-byte aligned). */
let top = 0;
/** Nesting depth of arenaScope (0: no scope, allocF32 is new Float32Array). */
let depth = 0;
/** Arena allocations made (for the tests: the arena was used). */
let allocations = 0;

/** The byte address from which a kernel call may lay out its own regions: above the arena's allocations. */
export function engineBase(): number {
  return top;
}

/**
 * n zeroed floats: inside an `arenaScope` (with an engine memory), a view bump-allocated in the engine
 * memory, 16-byte aligned and padded to whole f32x4 vectors (kernels may write the padding);
 * otherwise, or when the arena is full (half the engine memory), a new Float32Array. `zero` false: in the arena, not zeroed
 * (what the memory last held, NaN under FIRTH_ARENA_POISON) — only for an output a kernel writes
 * whole before anything reads it.
 */
export function allocF32(n: number, zero = true): Float32Array {
  if (depth === 0 || engineMemory === null) return new Float32Array(n);
  const at = top;
  const end = at + Math.ceil(n / 4) * 16;
  if (end > arenaLimit || !engineReserve(end)) return new Float32Array(n);
  top = end;
  allocations++;
  const h = engineHeap();
  if (zero) h.fill(0, at / 4, end / 4);
  return new Float32Array(h.buffer, at, n);
}

/**
 * Runs fn with the arena on: the float32 tensors its ops make (outputs and gradients) are views of
 * the engine memory, released when fn returns or throws — they must not be used afterwards (return
 * numbers, or copies). Scopes nest; each releases only its own allocations.
 *
 *   const loss = arenaScope(() => model.loss(batch).item());
 */
export function arenaScope<R>(fn: () => R): R {
  if (engineMemory === null) return fn();
  const mark = top;
  const trackedMark = tracked.length;
  depth++;
  try {
    const result = fn();
    // an async fn would go on using its tensors after the scope released them
    if (typeof (result as { then?: unknown } | null)?.then === 'function')
      throw new ValidationError(
        'arenaScope takes a synchronous function: the tensors an async one made would be released at its first await',
        'fn',
      );
    return result;
  } finally {
    depth--;
    // gradients the scope allocated are taken back from the tensors holding them
    for (let i = trackedMark; i < tracked.length; i++) {
      const t = tracked[i]!;
      const g = t.grad;
      if (g instanceof Float32Array && buffers.has(g.buffer) && g.byteOffset >= mark) t.grad = null;
    }
    tracked.length = trackedMark;
    if (poison && top > mark) engineHeap().fill(Number.NaN, mark / 4, top / 4);
    top = mark;
  }
}

/** Tensors given a gradient inside the open scopes (see arenaTrack). */
const tracked: { grad: unknown }[] = [];

/**
 * Remembers a tensor just given a gradient buffer inside a scope: when the scope ends, a gradient
 * it allocated is taken back (grad = null), so that no tensor made before the scope (a parameter)
 * keeps a view of memory the arena hands out again.
 */
export function arenaTrack(t: { grad: unknown }): void {
  if (depth > 0) tracked.push(t);
}

/** Whether the arena is on (an engine memory exists here and FIRTH_ARENA is not 'off'). */
export const arenaEnabled: boolean = engineMemory !== null;

/** The arena's state, for tests: bytes in use, scope depth, allocations made so far. */
export function arenaStats(): { top: number; depth: number; allocations: number } {
  return { top, depth, allocations };
}
