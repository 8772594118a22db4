/**
 * Loading the package's WebAssembly kernels: each `*-wasm.ts` holds a module's bytes as base64
 * (scripts/build-wasm.mjs), compiled synchronously here — every module is a few KB, within
 * browsers' limit for compiling on the main thread. A module that does not compile (no WebAssembly,
 * or a runtime without SIMD or relaxed SIMD) gives null, and its caller takes the JavaScript path.
 */

/** The part of the WebAssembly API the kernels use, typed here: the package compiles without the DOM library. */
export interface WebAssemblyApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports?: object) => { exports: object };
  Memory: new (descriptor: {
    initial: number;
    maximum: number;
    shared: boolean;
  }) => { readonly buffer: ArrayBufferLike; grow(pages: number): number };
}

import { engineBase, engineHeap, engineOffset, engineReserve } from './engine.js';

/** The global WebAssembly, or undefined where the runtime has none. */
export const webAssembly: WebAssemblyApi | undefined = (globalThis as { WebAssembly?: WebAssemblyApi })
  .WebAssembly;

/** The module whose bytes `base64` holds, or null where it does not compile here. */
export function compileWasm(base64: string): object | null {
  if (webAssembly === undefined) return null;
  try {
    return new webAssembly.Module(Uint8Array.from(atob(base64), (ch) => ch.charCodeAt(0)));
  } catch {
    return null;
  }
}

/** The exports of a new instance (its own memory) of a compiled module, or null where instantiating fails. */
export function instantiateWasm<Exports>(module: object | null, imports?: object): Exports | null {
  if (module === null || webAssembly === undefined) return null;
  try {
    return new webAssembly.Instance(module, imports).exports as Exports;
  } catch {
    return null;
  }
}

/**
 * Above this many bytes of operands a call does not go to wasm (wasm32 addresses are 32-bit): the
 * kernels fall back to JavaScript or to a path that splits the work.
 */
export const WASM_MAX_BYTES = 2 ** 30;

/**
 * An output for floatRegions that must not be written in place (a kernel that writes past the
 * array's end): never a view of the engine memory, so its region is a copy.
 */
export const COPY: Float32Array = new Float32Array(0);

/** A call's regions, laid out by `floatRegions`. */
export interface Regions {
  /** Each region's byte address. */
  at: number[];
  /** The memory as floats (current: after growing). */
  heap: Float32Array;
  /** Copies region i into `dst` (its first dst.length floats) — nothing when dst is region i itself. */
  out(i: number, dst: Float32Array): void;
  /** The byte address after the call's own regions (free for scratch). */
  end: number;
}

/**
 * Float32 regions for one kernel call, in `memory` — a module's own memory, or with `memory` null the
 * engine memory (engine.ts). `sizes[i]` floats each; region i is:
 * - the operand `inputs[i]` itself when it is a view of the engine memory (passed by address, no copy);
 * - else `outputs[i]` itself when that is a view of the engine memory (the kernel writes it in place:
 *   the caller passes only outputs whose `sizes[i]` floats the kernel may write, and that no input
 *   region overlaps);
 * - else a new region, laid out one after another from the first free byte (0 in a module's own
 *   memory, the arena's top in the engine memory), padded to whole f32x4 vectors (16-byte aligned),
 *   into which `inputs[i]` (when not null) is copied.
 * Grows the memory to fit; null when the call is too large for wasm32 (WASM_MAX_BYTES).
 */
export function floatRegions(
  memory: { readonly buffer: ArrayBufferLike; grow(pages: number): number } | null,
): (sizes: number[], inputs: (Float32Array | null)[], outputs?: (Float32Array | null)[]) => Regions | null {
  if (memory === null) return engineRegions;
  let heap = new Float32Array(memory.buffer);
  const out = (at: number[]) => (i: number, dst: Float32Array) =>
    dst.set(heap.subarray(at[i]! / 4, at[i]! / 4 + dst.length));
  return (sizes, inputs) => {
    const at: number[] = [];
    let end = 0;
    for (const n of sizes) {
      at.push(end * 4);
      end += Math.ceil(n / 4) * 4;
    }
    if (end * 4 > WASM_MAX_BYTES) return null;
    const missing = end * 4 - memory.buffer.byteLength;
    if (missing > 0) memory.grow(Math.ceil(missing / 65536));
    if (heap.buffer !== memory.buffer) heap = new Float32Array(memory.buffer);
    inputs.forEach((a, i) => {
      if (a) heap.set(a, at[i]! / 4);
    });
    return { at, heap, out: out(at), end: end * 4 };
  };
}

/** floatRegions over the engine memory: engine views by address, the rest above the arena's top. */
function engineRegions(
  sizes: number[],
  inputs: (Float32Array | null)[],
  outputs?: (Float32Array | null)[],
): Regions | null {
  const k = sizes.length;
  // by address: an input where the kernel writes nothing there, or writes it back to the input itself;
  // an output the kernel writes (no input there)
  const own: number[] = [];
  for (let i = 0; i < k; i++) {
    const a = inputs[i];
    const d = outputs?.[i] ?? null;
    own.push(a ? (d === null || d === a ? engineOffset(a) : -1) : d ? engineOffset(d) : -1);
  }
  // a written region by address must not overlap another region by address (e.g. softmax(P) into P)
  for (let i = 0; i < k; i++) {
    if (own[i]! < 0 || !outputs?.[i]) continue;
    const lo = own[i]!;
    const hi = lo + sizes[i]! * 4;
    for (let j = 0; j < k; j++)
      if (j !== i && own[j]! >= 0 && own[j]! < hi && lo < own[j]! + sizes[j]! * 4) {
        own[i] = -1;
        break;
      }
  }
  const at: number[] = [];
  let end = engineBase();
  for (let i = 0; i < k; i++) {
    if (own[i]! >= 0) at.push(own[i]!);
    else {
      at.push(end);
      end += Math.ceil(sizes[i]! / 4) * 16;
    }
  }
  // 16 bytes of slack: a kernel may read a view's last f32x4 past its end
  if (end + 16 > WASM_MAX_BYTES || !engineReserve(end + 16)) return null;
  const heap = engineHeap();
  for (let i = 0; i < k; i++) {
    const a = inputs[i];
    if (a && own[i]! < 0) heap.set(a, at[i]! / 4);
  }
  return {
    at,
    heap,
    end,
    out: (i, dst) => {
      if (own[i] !== at[i] || engineOffset(dst) !== at[i])
        dst.set(heap.subarray(at[i]! / 4, at[i]! / 4 + dst.length));
    },
  };
}

/**
 * The regions of a product C (+)= A·B in `regions` (a floatRegions function): A and B copied in
 * (or passed by address), C copied in only when accumulating, C written back (or in place), then
 * `extra` floats of scratch each — what matmul-f32.ts and matmul-f32-threads.ts lay out for every
 * product. `sizes`: the floats of A, B and C used (the arrays may be longer).
 */
export function productRegions(
  regions: ReturnType<typeof floatRegions>,
): (
  A: Float32Array,
  B: Float32Array,
  C: Float32Array,
  sizes: [number, number, number],
  acc: boolean,
  extra: number[],
) => Regions | null {
  const first = (x: Float32Array, size: number) => (x.length === size ? x : x.subarray(0, size));
  return (A, B, C, sizes, acc, extra) =>
    regions(
      [...sizes, ...extra],
      [first(A, sizes[0]), first(B, sizes[1]), acc ? first(C, sizes[2]) : null],
      [null, null, first(C, sizes[2])],
    );
}
