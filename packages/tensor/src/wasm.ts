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
 * Float32 regions in a module's memory, laid out afresh by each call: region i starts where region
 * i − 1 ends, padded to whole f32x4 vectors (16-byte aligned), the first at 0. The returned function
 * grows the memory to fit, copies `inputs[i]` (when not null) into region i, and gives the regions'
 * offsets in floats with the current view of the memory (growing detaches the old one) — or null
 * when the call is too large for wasm32 (WASM_MAX_BYTES).
 */
export function floatRegions(memory: {
  readonly buffer: ArrayBufferLike;
  grow(pages: number): number;
}): (sizes: number[], inputs: (Float32Array | null)[]) => { at: number[]; heap: Float32Array } | null {
  let heap = new Float32Array(memory.buffer);
  return (sizes, inputs) => {
    const at: number[] = [];
    let end = 0;
    for (const n of sizes) {
      at.push(end);
      end += Math.ceil(n / 4) * 4;
    }
    if (end * 4 > WASM_MAX_BYTES) return null;
    const missing = end * 4 - memory.buffer.byteLength;
    if (missing > 0) memory.grow(Math.ceil(missing / 65536));
    if (heap.buffer !== memory.buffer) heap = new Float32Array(memory.buffer);
    inputs.forEach((a, i) => {
      if (a) heap.set(a, at[i]!);
    });
    return { at, heap };
  };
}
