/**
 * The WebAssembly API the Hogwild trainers use (word2vec-fast.ts, glove-train.ts), typed here: the
 * package compiles without the DOM library. Each trainer compiles its module once, puts its tables
 * in one shared memory, and instantiates the module over that memory on the calling thread and in
 * every worker.
 */
export interface SharedWasmMemory {
  readonly buffer: SharedArrayBuffer;
}
interface WebAssemblyApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: object };
  Memory: new (descriptor: { initial: number; maximum: number; shared: boolean }) => SharedWasmMemory;
}
const WA = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly;

/** A compiler of one module from its base64 bytes (a `*-wasm.ts` file), compiling at the first call only. */
export function wasmModuleOnce(base64: string): () => object {
  let compiled: object | null = null;
  return () => {
    compiled ??= new WA.Module(Buffer.from(base64, 'base64'));
    return compiled;
  };
}

/** A shared memory of a fixed number of 64 KiB pages. */
export const sharedMemory = (pages: number): SharedWasmMemory =>
  new WA.Memory({ initial: pages, maximum: pages, shared: true });

/** The exports of an instance of `module` over the shared memory of `imports`. */
export const instantiate = <Exports>(module: object, imports: object): Exports =>
  new WA.Instance(module, imports).exports as Exports;
