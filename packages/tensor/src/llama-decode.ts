/**
 * Cached decoding of a Llama-architecture transformer (llama2.c's `run.c`) in WebAssembly SIMD:
 * llama-decode.wat runs a whole per-token forward pass in one call, with the weights and each
 * sequence's key/value cache in its memory. This file lays that memory out: the model (its shape,
 * the weights copied in once, a RoPE cos/sin table) and one state block per live sequence.
 *
 *   const decoder = llamaDecoderF32(config, weights);   // null where it cannot run (see there)
 *   const seq = decoder.start();
 *   seq.forward(1, 0, logits);                          // token 1 at position 0 → logits (vocab)
 *
 * The JavaScript reference of the same forward pass, and the checks of token and position, are
 * Llama2c's (packages/transformers/src/llama2c.ts); its tests compare the two paths' logits.
 */
import { ValidationError } from '@firth/numeric';
import { LLAMA_DECODE_WASM_BASE64 } from './llama-decode-wasm.js';
import { compileWasm, instantiateWasm } from './wasm.js';

/** The shape of a Llama model (as llama2.c's `Config`; names as Llama2cConfig's). */
export interface LlamaDecodeConfig {
  /** Width of the residual stream (d_model). */
  dim: number;
  /** Width of the SwiGLU feed-forward layer. */
  hiddenDim: number;
  nLayers: number;
  /** Query heads. */
  nHeads: number;
  /** Key/value heads (< nHeads: grouped-query attention). */
  nKvHeads: number;
  vocabSize: number;
  /** Longest sequence (positions) the model was trained on. */
  seqLen: number;
}

/** Its float32 tensors, row-major [out, in] (as Llama2cWeights; `wcls` may be `tokenEmbedding`). */
export interface LlamaDecodeWeights {
  tokenEmbedding: Float32Array;
  rmsAtt: Float32Array;
  wq: Float32Array;
  wk: Float32Array;
  wv: Float32Array;
  wo: Float32Array;
  rmsFfn: Float32Array;
  w1: Float32Array;
  w2: Float32Array;
  w3: Float32Array;
  rmsFinal: Float32Array;
  wcls: Float32Array;
}

/** One sequence: its key/value cache and activations, in the decoder's memory. */
export interface LlamaDecodeSequence {
  /**
   * Feeds `token` at position `pos` and writes the next token's logits (vocabSize floats) into
   * `logits`. Unchecked: the caller keeps 0 ≤ token < vocabSize and fills positions 0, 1, … in order
   * below seqLen (attention reads the cache at every position up to `pos`).
   */
  forward(token: number, pos: number, logits: Float32Array): void;
}

export interface LlamaDecoder {
  /**
   * A fresh sequence. Any number may be alive: the most recently used keep their caches in wasm
   * memory (LlamaDecodeOptions.maxResident), the others in JavaScript arrays until they run again.
   */
  start(): LlamaDecodeSequence;
}

export interface LlamaDecodeOptions {
  /** RoPE's base: θ_j = ropeTheta^(−2j/headSize) (llama2.c: 10000). */
  ropeTheta?: number;
  /**
   * Sequences whose caches stay in wasm memory at once (default: as many as fit in 64 MiB, at
   * least 4; stories260K: 101). Past that, starting or running another one moves the least recently used cache out.
   */
  maxResident?: number;
}

interface DecodeExports {
  memory: { readonly buffer: ArrayBuffer; grow(pages: number): number };
  forward(state: number, token: number, pos: number): void;
}

/** Compiled once (null: no WebAssembly, or no SIMD); each decoder instantiates it with its own memory. */
const decodeModule: object | null = compileWasm(LLAMA_DECODE_WASM_BASE64);

/** Whether this runtime runs the wasm decoder (WebAssembly with SIMD). */
export const llamaDecodeWasmAvailable: boolean = decodeModule !== null;

/** The decoder's memory stays below this (wasm32 addresses; the kernel computes them in i32). */
const MAX_BYTES = 2 ** 31;
const PAGE = 65536;
/** Bytes of the model header at address 0 (22 i32 fields, see llama-decode.wat's forward). */
const HEADER_BYTES = 128;
/** Bytes of a state block's pointer header (10 i32s, padded to 16-byte alignment). */
const STATE_HEADER_BYTES = 48;
/** Wasm memory for resident sequences' state blocks, by default (at least 4 blocks). */
const RESIDENT_BYTES = 64 * 2 ** 20;

const align16 = (bytes: number) => Math.ceil(bytes / 16) * 16;

/**
 * A wasm decoder holding a copy of `weights`, or null where it cannot run: no WebAssembly SIMD in
 * this runtime, a width (dim, hiddenDim, head size) that is not a multiple of 4, or a model whose
 * weights and one sequence's cache pass 2 GiB. The caller then runs its JavaScript path.
 */
export function llamaDecoderF32(
  config: LlamaDecodeConfig,
  weights: LlamaDecodeWeights,
  options: LlamaDecodeOptions = {},
): LlamaDecoder | null {
  const ropeTheta = options.ropeTheta ?? 10000;
  if (decodeModule === null) return null;
  const { dim, hiddenDim, nLayers, nHeads, nKvHeads, vocabSize, seqLen } = config;
  const headSize = dim / nHeads;
  const kvDim = headSize * nKvHeads;
  if (dim % 4 !== 0 || hiddenDim % 4 !== 0 || !Number.isInteger(headSize) || headSize % 4 !== 0) return null;
  // the model: header, tensors (wcls only when not the embedding), RoPE tables
  const tensors = [
    'tokenEmbedding',
    'rmsAtt',
    'wq',
    'wk',
    'wv',
    'wo',
    'rmsFfn',
    'w1',
    'w2',
    'w3',
    'rmsFinal',
    'wcls',
  ] as const;
  const at = new Map<Float32Array, number>();
  let end = HEADER_BYTES;
  for (const name of tensors) {
    const t = weights[name];
    if (at.has(t)) continue;
    at.set(t, end);
    end = align16(end + t.byteLength);
  }
  const ropeBytes = seqLen * headSize * 4;
  const cosAt = end;
  const sinAt = cosAt + ropeBytes;
  const modelEnd = align16(sinAt + ropeBytes);
  // one sequence: x, xb, xb2, q (dim), hb, hb2 (hidden), att (seqLen + 3), logits, the two caches
  // (each with 3 spare positions: the score loop reads keys four positions at a time)
  const sizes = [dim, dim, dim, hiddenDim, hiddenDim, dim, seqLen + 3, vocabSize];
  const cacheBytes = align16((nLayers * seqLen + 3) * kvDim * 4);
  const stateBytes = STATE_HEADER_BYTES + sizes.reduce((s, n) => s + align16(n * 4), 0) + 2 * cacheBytes;
  if (modelEnd + stateBytes > MAX_BYTES) return null;
  if (
    options.maxResident !== undefined &&
    !(Number.isInteger(options.maxResident) && options.maxResident >= 1)
  )
    throw new ValidationError(
      `maxResident must be a whole number ≥ 1, got ${options.maxResident}`,
      'maxResident',
    );

  const instance = instantiateWasm<DecodeExports>(decodeModule);
  if (instance === null) return null;
  const ex: DecodeExports = instance;
  const grow = (bytes: number) => {
    const missing = bytes - ex.memory.buffer.byteLength;
    if (missing > 0) ex.memory.grow(Math.ceil(missing / PAGE));
  };
  grow(modelEnd);
  const heap = new Float32Array(ex.memory.buffer);
  const header = new Int32Array(ex.memory.buffer, 0, HEADER_BYTES / 4);
  header.set([dim, hiddenDim, nLayers, nHeads, nKvHeads, vocabSize, seqLen, headSize]);
  tensors.forEach((name, i) => {
    header[8 + i] = at.get(weights[name])!;
  });
  header[20] = cosAt;
  header[21] = sinAt;
  for (const [t, byte] of at) heap.set(t, byte / 4);
  // RoPE at position p, pair j of a head: θ = p · ropeTheta^(−2j/headSize);
  // cos row [c0 c0 c1 c1 …], sin row [−s0 s0 −s1 s1 …]
  for (let p = 0; p < seqLen; p++) {
    for (let j = 0; j < headSize / 2; j++) {
      const theta = p * ropeTheta ** (-(2 * j) / headSize);
      const c = Math.cos(theta);
      const s = Math.sin(theta);
      const o = p * headSize + 2 * j;
      heap[cosAt / 4 + o] = c;
      heap[cosAt / 4 + o + 1] = c;
      heap[sinAt / 4 + o] = -s;
      heap[sinAt / 4 + o + 1] = s;
    }
  }

  // State blocks after the model, one per resident sequence, at most maxResident of them: a
  // sequence that needs a block when none is free takes the least recently used one, whose cache
  // (the positions it filled) moves to a Float32Array until that sequence runs again. The memory
  // stays bounded however many sequences are started, and nothing waits on garbage collection.
  const slots: { block: number; cache: number; owner: Sequence }[] = [];
  const maxSlots = Math.max(
    1,
    Math.min(
      options.maxResident ?? Math.max(4, Math.floor(RESIDENT_BYTES / stateBytes)),
      Math.floor((MAX_BYTES - modelEnd) / stateBytes),
    ),
  );
  let clock = 0;
  /** Floats of one layer's key (or value) cache: seqLen positions. */
  const layerFloats = seqLen * kvDim;
  /** Copies `filled` positions of every layer's keys and values out of (`save`) or into a block. */
  const moveCache = (cache: number, filled: number, saved: Float32Array, save: boolean) => {
    const heap = new Float32Array(ex.memory.buffer);
    const n = filled * kvDim;
    for (let kv = 0; kv < 2; kv++)
      for (let l = 0; l < nLayers; l++) {
        const inWasm = (cache + kv * cacheBytes) / 4 + l * layerFloats;
        const inJs = (kv * nLayers + l) * n;
        if (save) saved.set(heap.subarray(inWasm, inWasm + n), inJs);
        else heap.set(saved.subarray(inJs, inJs + n), inWasm);
      }
  };
  const acquire = (seq: Sequence) => {
    let slot: (typeof slots)[number];
    if (slots.length < maxSlots) {
      const block = modelEnd + slots.length * stateBytes;
      grow(block + stateBytes);
      const ptr = new Int32Array(ex.memory.buffer, block, 10);
      let p = block + STATE_HEADER_BYTES;
      sizes.forEach((n, i) => {
        ptr[i] = p;
        p += align16(n * 4);
      });
      ptr[8] = p;
      ptr[9] = p + cacheBytes;
      slot = { block, cache: p, owner: seq };
      slots.push(slot);
    } else {
      slot = slots.reduce((a, b) => (b.owner.lastUse < a.owner.lastUse ? b : a));
      const evicted = slot.owner;
      evicted.slot = null;
      if (evicted.filled > 0) {
        evicted.saved = new Float32Array(2 * nLayers * evicted.filled * kvDim);
        moveCache(slot.cache, evicted.filled, evicted.saved, true);
      }
      slot.owner = seq;
    }
    if (seq.saved !== null) {
      moveCache(slot.cache, seq.filled, seq.saved, false);
      seq.saved = null;
    }
    seq.slot = slot;
    return slot;
  };
  /** The logits of each block, as views (remade when growing the memory detached them). */
  let views: Float32Array[] = [];
  const logitsOf = (slot: (typeof slots)[number]): Float32Array => {
    if (views[0]?.buffer !== ex.memory.buffer) views = [];
    const index = (slot.block - modelEnd) / stateBytes;
    views[index] ??= new Float32Array(
      ex.memory.buffer,
      new Int32Array(ex.memory.buffer, slot.block, 10)[7]!,
      vocabSize,
    );
    return views[index]!;
  };

  class Sequence implements LlamaDecodeSequence {
    slot: (typeof slots)[number] | null = null;
    /** Positions written to the cache. */
    filled = 0;
    lastUse = 0;
    /** The cache while another sequence holds the block. */
    saved: Float32Array | null = null;
    forward(token: number, pos: number, logits: Float32Array): void {
      const slot = this.slot ?? acquire(this);
      this.lastUse = ++clock;
      ex.forward(slot.block, token, pos);
      if (pos >= this.filled) this.filled = pos + 1;
      logits.set(logitsOf(slot));
    }
  }

  return {
    start: () => new Sequence(),
  };
}
