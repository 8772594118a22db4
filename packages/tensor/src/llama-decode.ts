/**
 * Cached decoding in WebAssembly SIMD, for the two decoder architectures Firth runs: Llama
 * (llama2.c's `run.c`: RMSNorm, RoPE, grouped-query attention, SwiGLU) and GPT (GPT-2's: LayerNorm,
 * learned positions, GELU, biases). llama-decode.wat runs a whole per-token forward pass in one call
 * (`forward`, `forward_gpt`; the matrix-vector products and the cached attention are the same
 * functions), with the weights and each sequence's key/value cache in its memory. This file lays
 * that memory out: the model (its shape, the weights copied in once, for Llama a RoPE cos/sin table)
 * and one state block per live sequence.
 *
 *   const decoder = llamaDecoderF32(config, weights);   // or gptDecoderF32; null where it cannot run
 *   const seq = decoder.start();
 *   seq.forward(1, 0, logits);                          // token 1 at position 0 → logits (vocab)
 *
 * The JavaScript references of the same forward passes, and the checks of token and position, are
 * the models' (packages/transformers: Llama2c in llama2c.ts, GPT's start() in gpt.ts); their tests
 * compare the two paths' logits.
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
  forward_gpt(state: number, token: number, pos: number): void;
}

/** Compiled once (null: no WebAssembly, or no SIMD); each decoder instantiates it with its own memory. */
const decodeModule: object | null = compileWasm(LLAMA_DECODE_WASM_BASE64);

/** Whether this runtime runs the wasm decoder (WebAssembly with SIMD). */
export const llamaDecodeWasmAvailable: boolean = decodeModule !== null;

/** The decoder's memory stays below this (wasm32 addresses; the kernel computes them in i32). */
const MAX_BYTES = 2 ** 31;
const PAGE = 65536;
/** Bytes of the model header at address 0 (up to 32 fields, see llama-decode.wat's forward and forward_gpt). */
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
  const { dim, hiddenDim, nLayers, nHeads, nKvHeads, vocabSize, seqLen } = config;
  const headSize = dim / nHeads;
  if (dim % 4 !== 0 || hiddenDim % 4 !== 0 || !Number.isInteger(headSize) || headSize % 4 !== 0) return null;
  const names = [
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
  // RoPE at position p, pair j of a head: θ = p · ropeTheta^(−2j/headSize);
  // cos row [c0 c0 c1 c1 …], sin row [−s0 s0 −s1 s1 …]
  const rope = (sin: boolean) => (table: Float32Array) => {
    for (let p = 0; p < seqLen; p++)
      for (let j = 0; j < headSize / 2; j++) {
        const theta = p * ropeTheta ** (-(2 * j) / headSize);
        const o = p * headSize + 2 * j;
        table[o] = sin ? -Math.sin(theta) : Math.cos(theta);
        table[o + 1] = sin ? Math.sin(theta) : Math.cos(theta);
      }
  };
  return residentDecoder(
    {
      forward: 'forward',
      fields: [dim, hiddenDim, nLayers, nHeads, nKvHeads, vocabSize, seqLen, headSize],
      tensors: names.map((name, i) => [8 + i, weights[name]]),
      tables: [
        { field: 20, floats: seqLen * headSize, fill: rope(false) },
        { field: 21, floats: seqLen * headSize, fill: rope(true) },
      ],
      sizes: [dim, dim, dim, hiddenDim, hiddenDim, dim, seqLen + 3, vocabSize],
      nLayers,
      seqLen,
      kvDim: headSize * nKvHeads,
      vocabSize,
    },
    options.maxResident,
  );
}

/** The shape of a GPT model (GPT-2's architecture; names as LlamaDecodeConfig's where they mean the same). */
export interface GptDecodeConfig {
  /** Width of the residual stream (d_model). */
  dim: number;
  /** Width of the feed-forward layer (4 · dim in GPT-2). */
  hiddenDim: number;
  nLayers: number;
  nHeads: number;
  vocabSize: number;
  /** Positions the model has embeddings for (the context length). */
  seqLen: number;
  /** LayerNorm's ε. @default 1e-5 */
  layerNormEps?: number;
}

/**
 * Its float32 tensors, matrices row-major [out, in] (the transposes of x·W's W), each per-layer one
 * stacked over the layers (layer 0 first). Absent biases are zeros; `wcls` is `tokenEmbedding`
 * when the output is tied.
 */
export interface GptDecodeWeights {
  /** (vocabSize, dim) */
  tokenEmbedding: Float32Array;
  /** (seqLen, dim) */
  positionEmbedding: Float32Array;
  /** LayerNorm before attention: gain and bias, (nLayers, dim) each. */
  ln1Gain: Float32Array;
  ln1Bias: Float32Array;
  /** (nLayers, dim, dim) each, and their biases (nLayers, dim). */
  wq: Float32Array;
  bq: Float32Array;
  wk: Float32Array;
  bk: Float32Array;
  wv: Float32Array;
  bv: Float32Array;
  wo: Float32Array;
  bo: Float32Array;
  ln2Gain: Float32Array;
  ln2Bias: Float32Array;
  /** (nLayers, hiddenDim, dim) and (nLayers, hiddenDim) */
  w1: Float32Array;
  b1: Float32Array;
  /** (nLayers, dim, hiddenDim) and (nLayers, dim) */
  w2: Float32Array;
  b2: Float32Array;
  /** Final LayerNorm, (dim) each. */
  lnFGain: Float32Array;
  lnFBias: Float32Array;
  /** (vocabSize, dim) */
  wcls: Float32Array;
}

/**
 * A wasm decoder for a GPT model holding a copy of `weights` (llama-decode.wat's forward_gpt), or
 * null where it cannot run (as llamaDecoderF32: no WebAssembly SIMD, dim, hiddenDim or the head size
 * not a multiple of 4, past 2 GiB). A tensor of the wrong length is a ValidationError naming it.
 */
export function gptDecoderF32(
  config: GptDecodeConfig,
  weights: GptDecodeWeights,
  options: Pick<LlamaDecodeOptions, 'maxResident'> = {},
): LlamaDecoder | null {
  const { dim, hiddenDim, nLayers, nHeads, vocabSize, seqLen } = config;
  const headSize = dim / nHeads;
  const expected: [keyof GptDecodeWeights, number][] = [
    ['tokenEmbedding', vocabSize * dim],
    ['positionEmbedding', seqLen * dim],
    ['ln1Gain', nLayers * dim],
    ['ln1Bias', nLayers * dim],
    ['wq', nLayers * dim * dim],
    ['bq', nLayers * dim],
    ['wk', nLayers * dim * dim],
    ['bk', nLayers * dim],
    ['wv', nLayers * dim * dim],
    ['bv', nLayers * dim],
    ['wo', nLayers * dim * dim],
    ['bo', nLayers * dim],
    ['ln2Gain', nLayers * dim],
    ['ln2Bias', nLayers * dim],
    ['w1', nLayers * hiddenDim * dim],
    ['b1', nLayers * hiddenDim],
    ['w2', nLayers * dim * hiddenDim],
    ['b2', nLayers * dim],
    ['lnFGain', dim],
    ['lnFBias', dim],
    ['wcls', vocabSize * dim],
  ];
  for (const [name, n] of expected)
    if (weights[name]?.length !== n)
      throw new ValidationError(
        `gptDecoderF32: ${name} must hold ${n} floats for this config, got ${weights[name]?.length ?? 'none'}`,
        name,
      );
  if (dim % 4 !== 0 || hiddenDim % 4 !== 0 || !Number.isInteger(headSize) || headSize % 4 !== 0) return null;
  return residentDecoder(
    {
      forward: 'forward_gpt',
      fields: [dim, hiddenDim, nLayers, nHeads, vocabSize, seqLen, headSize],
      floatFields: [[7, config.layerNormEps ?? 1e-5]],
      tensors: expected.map(([name], i) => [8 + i, weights[name]]),
      tables: [],
      sizes: [dim, dim, dim, hiddenDim, 0, dim, seqLen + 3, vocabSize],
      nLayers,
      seqLen,
      kvDim: dim,
      vocabSize,
    },
    options.maxResident,
  );
}

/** What a model puts in the decoder's memory, and the shape of one sequence's state. */
interface ModelLayout {
  /** The module's per-token export. */
  forward: 'forward' | 'forward_gpt';
  /** i32 header fields from address 0. */
  fields: number[];
  /** f32 header fields: [field index, value]. */
  floatFields?: [number, number][];
  /** Tensors copied in after the header (one copy of a tensor named twice), their addresses in these fields. */
  tensors: [number, Float32Array][];
  /** Float tables made here (e.g. RoPE's), after the tensors, their addresses in these fields. */
  tables: { field: number; floats: number; fill(table: Float32Array): void }[];
  /** Floats of a sequence's buffers x, xb, xb2, hb, hb2, q, att, logits (the state block's first 8 pointers). */
  sizes: number[];
  nLayers: number;
  seqLen: number;
  /** Floats of one position's keys (or values) in one layer. */
  kvDim: number;
  vocabSize: number;
}

/** The model copied into a new instance's memory, and sequences whose caches live in it (see start()). */
function residentDecoder(layout: ModelLayout, maxResident: number | undefined): LlamaDecoder | null {
  if (decodeModule === null) return null;
  const { nLayers, seqLen, kvDim, vocabSize, sizes } = layout;
  const at = new Map<Float32Array, number>();
  let end = HEADER_BYTES;
  for (const [, t] of layout.tensors) {
    if (at.has(t)) continue;
    at.set(t, end);
    end = align16(end + t.byteLength);
  }
  const tableAt = layout.tables.map((t) => {
    const byte = end;
    end = align16(end + t.floats * 4);
    return byte;
  });
  const modelEnd = end;
  // one sequence: its buffers, then the two caches (each with 3 spare positions: the score loop
  // reads keys four positions at a time)
  const cacheBytes = align16((nLayers * seqLen + 3) * kvDim * 4);
  const stateBytes = STATE_HEADER_BYTES + sizes.reduce((s, n) => s + align16(n * 4), 0) + 2 * cacheBytes;
  if (modelEnd + stateBytes > MAX_BYTES) return null;
  if (maxResident !== undefined && !(Number.isInteger(maxResident) && maxResident >= 1))
    throw new ValidationError(`maxResident must be a whole number ≥ 1, got ${maxResident}`, 'maxResident');

  const instance = instantiateWasm<DecodeExports>(decodeModule);
  if (instance === null) return null;
  const ex: DecodeExports = instance;
  const forward = ex[layout.forward];
  const grow = (bytes: number) => {
    const missing = bytes - ex.memory.buffer.byteLength;
    if (missing > 0) ex.memory.grow(Math.ceil(missing / PAGE));
  };
  grow(modelEnd);
  const heap = new Float32Array(ex.memory.buffer);
  const header = new Int32Array(ex.memory.buffer, 0, HEADER_BYTES / 4);
  header.set(layout.fields);
  const headerFloats = new Float32Array(ex.memory.buffer, 0, HEADER_BYTES / 4);
  for (const [field, value] of layout.floatFields ?? []) headerFloats[field] = value;
  for (const [field, t] of layout.tensors) header[field] = at.get(t)!;
  for (const [t, byte] of at) heap.set(t, byte / 4);
  layout.tables.forEach((t, i) => {
    header[t.field] = tableAt[i]!;
    t.fill(heap.subarray(tableAt[i]! / 4, tableAt[i]! / 4 + t.floats));
  });

  // State blocks after the model, one per resident sequence, at most maxResident of them: a
  // sequence that needs a block when none is free takes the least recently used one, whose cache
  // (the positions it filled) moves to a Float32Array until that sequence runs again. The memory
  // stays bounded however many sequences are started, and nothing waits on garbage collection.
  const slots: { block: number; cache: number; owner: Sequence }[] = [];
  const maxSlots = Math.max(
    1,
    Math.min(
      maxResident ?? Math.max(4, Math.floor(RESIDENT_BYTES / stateBytes)),
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
      forward(slot.block, token, pos);
      if (pos >= this.filled) this.filled = pos + 1;
      logits.set(logitsOf(slot));
    }
  }

  return {
    start: () => new Sequence(),
  };
}
