/**
 * Llama 2 in the shape of Karpathy's llama2.c (`run.c`): a decoder-only transformer that reads the
 * llama2.c checkpoint format and runs one token at a time with a key/value cache — the course's
 * "GPT" lesson (masked self-attention in the decoder, final linear layer and softmax) on a real
 * pretrained model, the 260K-parameter TinyStories model shipped in @firth/datasets.
 *
 *   const model = await loadLlama2c();          // stories260K: dim 64, 5 layers, 8 heads, 4 kv heads
 *   const model = Llama2c.fromBytes(bytes);     // any checkpoint's bytes, e.g. fetched in a browser
 *   const run = model.start();
 *   run.step(1)                                 // BOS → Float32Array(512) logits of the next token
 *
 * What each layer computes for the token at position `pos` (x: the residual stream, dim floats):
 *   xb = RMSNorm(x) ⊙ g_att                       RMSNorm(x) = x / √(mean(x²) + ε), ε = 1e-5
 *   q = Wq·xb, k = Wk·xb, v = Wv·xb               q: dim, k/v: kvDim = nKvHeads · headSize
 *   q, k ← RoPE(q, k, pos)                         rotate each pair (2i, 2i+1) of a head by pos·θ_i,
 *                                                  θ_i = 10000^(−2i/headSize)
 *                                                  (ε and the base 10000: rmsNormEps, ropeTheta)
 *   cache k, v at pos
 *   head h (query) reads kv head h / (nHeads / nKvHeads)      grouped-query attention (GQA)
 *   a_t = softmax_t(q_h · k_t / √headSize), t = 0..pos         causal: only past positions exist
 *   out_h = Σ_t a_t v_t
 *   x += Wo · concat(out_h)
 *   xb = RMSNorm(x) ⊙ g_ffn
 *   x += W2 · (SiLU(W1·xb) ⊙ (W3·xb))              SwiGLU feed-forward, SiLU(a) = a·σ(a)
 * and after the last layer: logits = E · (RMSNorm(x) ⊙ g_final), E the token embedding (tied).
 *
 * Two forward passes compute this (`start({ backend })`): 'wasm', the default, runs each token in one
 * call to @firth/tensor's WebAssembly SIMD decoder (llama-decode.wat; weights and KV cache in wasm
 * memory, float32 sums four lanes wide); 'js', the reference below, keeps weights and activations in
 * float32 arrays as run.c does but sums every dot product in float64 (JavaScript numbers), rounded
 * once when stored. They agree to float32 rounding (llama2c.test.ts), and both with the NumPy
 * reference to 1e-4.
 *
 * Left out: the llama2.c "version 1/2" exports (only the legacy format the shipped model uses),
 * quantised (int8) checkpoints, batching several sequences through one call.
 */
import { checkFiniteValues, FormatError, ValidationError } from '@firth/numeric';
import { attendCached, type LlamaDecodeConfig, type LlamaDecoder, llamaDecoderF32 } from '@firth/tensor';
import type { AttentionMaps } from './attention-maps.js';
import type { CheckpointOptions } from './safetensors.js';

/** The 7 int32s at the start of a llama2.c checkpoint. */
export interface Llama2cConfig extends LlamaDecodeConfig {
  /** The output layer reuses the token embedding (the checkpoint stores vocabSize > 0). */
  sharedClassifier: boolean;
  /** RoPE's base θ (Hugging Face's `rope_theta`; Llama 3: 500000). @default 10000, llama2.c's */
  ropeTheta?: number;
  /** RMSNorm's ε (Hugging Face's `rms_norm_eps`). @default 1e-5, llama2.c's */
  rmsNormEps?: number;
}

/** The checkpoint's tensors, row-major [out, in] like run.c's `TransformerWeights`. */
export interface Llama2cWeights {
  tokenEmbedding: Float32Array; // (vocab, dim)
  rmsAtt: Float32Array; // (layer, dim)
  wq: Float32Array; // (layer, dim, dim)
  wk: Float32Array; // (layer, kvDim, dim)
  wv: Float32Array; // (layer, kvDim, dim)
  wo: Float32Array; // (layer, dim, dim)
  rmsFfn: Float32Array; // (layer, dim)
  w1: Float32Array; // (layer, hidden, dim)
  w2: Float32Array; // (layer, dim, hidden)
  w3: Float32Array; // (layer, hidden, dim)
  rmsFinal: Float32Array; // (dim)
  wcls: Float32Array; // (vocab, dim) — the token embedding when shared
}

const HEADER_BYTES = 7 * 4;
/** The header fields in file order, as run.c's `Config` names them. */
const FIELDS = ['dim', 'hidden_dim', 'n_layers', 'n_heads', 'n_kv_heads', 'vocab_size', 'seq_len'] as const;
/** Far above any llama2.c model (Llama 2 70B: dim 8192, 80 layers, 32000 tokens, 4096 positions). */
const MAX_FIELD = 1 << 24;
/** The first uint32 of llama2.c's later exports (export.py `version1_export`, `version2_export`). */
const VERSIONED_MAGIC = 0x616b3432; // "ak42"

/**
 * Parses a llama2.c checkpoint (legacy format, export.py `legacy_export`): seven int32 header
 * fields (dim, hidden_dim, n_layers, n_heads, n_kv_heads, vocab_size, seq_len; a negative
 * vocab_size means the classifier is stored separately, positive that it is the token embedding),
 * then float32 tensors in run.c's order, then seq_len × head_size floats of precomputed RoPE
 * frequencies (unused; RoPE is computed here), then — when not shared — the classifier.
 *
 * Checked before anything is allocated: every field positive and ≤ 2^24, n_heads divides dim into
 * heads of even size (RoPE rotates pairs), n_kv_heads divides n_heads, and the file holds exactly
 * the bytes the header implies. run.c itself checks none of this (it mmaps the file: extra bytes
 * are ignored, missing ones read past the mapping); here a file one byte off is a FormatError —
 * legacy_export writes nothing after the weights, so extra bytes mean a different or damaged file.
 * NaN/±Infinity weights are refused (naming the tensor) unless `allowNonFinite`.
 */
export function parseLlama2cCheckpoint(
  bytes: Uint8Array,
  name = 'checkpoint',
  options: CheckpointOptions = {},
): {
  config: Llama2cConfig;
  weights: Llama2cWeights;
} {
  if (bytes.byteLength < HEADER_BYTES)
    throw new FormatError(name, '', `has ${bytes.byteLength} bytes, too few for the 28-byte header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0, true) === VERSIONED_MAGIC)
    throw new FormatError(
      name,
      '',
      `is a llama2.c version ${view.getInt32(4, true)} export (magic "ak42"); only the legacy format is read`,
    );
  const h = FIELDS.map((_, i) => view.getInt32(i * 4, true));
  const [dim, hiddenDim, nLayers, nHeads, nKvHeads, rawVocab, seqLen] = h as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const config: Llama2cConfig = {
    dim,
    hiddenDim,
    nLayers,
    nHeads,
    nKvHeads,
    vocabSize: Math.abs(rawVocab),
    seqLen,
    sharedClassifier: rawVocab > 0,
  };
  const header = (field: string, problem: string) => new FormatError(name, `header field ${field}`, problem);
  for (const [i, field] of FIELDS.entries()) {
    const v = field === 'vocab_size' ? config.vocabSize : h[i]!;
    if (v < 1 || v > MAX_FIELD)
      throw header(field, `is ${h[i]}: must be ${field === 'vocab_size' ? '± ' : ''}1 … ${MAX_FIELD}`);
  }
  if (dim % nHeads !== 0) throw header('n_heads', `is ${nHeads}, which does not divide dim ${dim}`);
  if ((dim / nHeads) % 2 !== 0)
    throw header(
      'n_heads',
      `is ${nHeads}: heads of ${dim / nHeads} values, but RoPE needs an even head size`,
    );
  if (nHeads % nKvHeads !== 0)
    throw header('n_kv_heads', `is ${nKvHeads}, which does not divide n_heads ${nHeads}`);
  const headSize = dim / nHeads;
  const kvDim = headSize * nKvHeads;
  // sizes in floats, counted in BigInt: products of fields up to 2^24 pass 2^53
  const [D, Hd, L, Kv, V] = [dim, hiddenDim, nLayers, kvDim, config.vocabSize].map(BigInt) as [
    bigint,
    bigint,
    bigint,
    bigint,
    bigint,
  ];
  const sizes: [keyof Llama2cWeights, bigint][] = [
    ['tokenEmbedding', V * D],
    ['rmsAtt', L * D],
    ['wq', L * D * D],
    ['wk', L * Kv * D],
    ['wv', L * Kv * D],
    ['wo', L * D * D],
    ['rmsFfn', L * D],
    ['w1', L * Hd * D],
    ['w2', L * D * Hd],
    ['w3', L * Hd * D],
    ['rmsFinal', D],
  ];
  const freqFloats = BigInt(seqLen * headSize); // legacy freq_cis_real + freq_cis_imag
  const classifierFloats = config.sharedClassifier ? 0n : V * D;
  const floats = sizes.reduce((s, [, n]) => s + n, 0n) + freqFloats + classifierFloats;
  const expected = BigInt(HEADER_BYTES) + 4n * floats;
  // compared before anything is allocated
  if (BigInt(bytes.byteLength) !== expected) {
    const off = BigInt(bytes.byteLength) - expected;
    throw new FormatError(
      name,
      '',
      `has ${bytes.byteLength} bytes, but its header (${FIELDS.map((f, i) => `${f} ${h[i]}`).join(', ')}) needs exactly ${expected}: ${off > 0n ? `${off} bytes too many` : `${-off} bytes missing`}`,
    );
  }
  // one aligned copy of the float payload; every tensor is a view into it (all sizes now < 2^30)
  const payload = new Float32Array((bytes.byteLength - HEADER_BYTES) / 4);
  new Uint8Array(payload.buffer).set(bytes.subarray(HEADER_BYTES));
  const weights = {} as Llama2cWeights;
  let at = 0;
  const take = (n: bigint) => {
    const from = at;
    at += Number(n);
    return payload.subarray(from, at);
  };
  for (const [key, n] of sizes) weights[key] = take(n);
  take(freqFloats);
  weights.wcls = config.sharedClassifier ? weights.tokenEmbedding : take(classifierFloats);
  if (!options.allowNonFinite) {
    for (const [key] of sizes) checkFiniteValues(weights[key], name, `tensor ${key}`);
    if (!config.sharedClassifier) checkFiniteValues(weights.wcls, name, 'tensor wcls');
  }
  return { config, weights };
}

/** y = W x for row-major W (rows × cols), summed in float64. */
function matvec(
  out: Float32Array,
  W: Float32Array,
  wOffset: number,
  x: Float32Array,
  rows: number,
  cols: number,
) {
  for (let r = 0; r < rows; r++) {
    let s = 0;
    const base = wOffset + r * cols;
    for (let c = 0; c < cols; c++) s += W[base + c]! * x[c]!;
    out[r] = s;
  }
}

/** out = x / √(mean(x²) + ε) ⊙ g */
function rmsnorm(out: Float32Array, x: Float32Array, g: Float32Array, gOffset: number, eps: number) {
  const n = x.length;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += x[i]! * x[i]!;
  const scale = 1 / Math.sqrt(ss / n + eps);
  for (let i = 0; i < n; i++) out[i] = g[gOffset + i]! * (x[i]! * scale);
}

/**
 * Which forward pass a sequence runs: 'wasm', the WebAssembly SIMD decoder of @firth/tensor
 * (llama-decode.wat: weights and cache in wasm memory, float32 sums), or 'js', the reference loops in
 * this file (float64 sums). Both give the same logits to float32 rounding (llama2c.test.ts).
 */
export type Llama2cBackend = 'wasm' | 'js';

/** One sequence being generated: the key/value cache of every layer and the next position. */
export interface Llama2cRun {
  /** Feeds `token` at the next position; returns the logits of the token after it. */
  step(token: number): Float32Array;
  /** Positions filled so far. */
  readonly position: number;
}

export class Llama2c {
  readonly headSize: number;
  readonly kvDim: number;
  /** The wasm decoder (built on the first wasm sequence; null: it cannot run this model here). */
  #decoder: LlamaDecoder | null | undefined;

  constructor(
    readonly config: Llama2cConfig,
    readonly weights: Llama2cWeights,
  ) {
    this.headSize = config.dim / config.nHeads;
    this.kvDim = config.nKvHeads * this.headSize;
  }

  /**
   * The model in a llama2.c checkpoint's bytes (checked as parseLlama2cCheckpoint says; `name` names
   * it in errors). No file system: in a browser, the bytes of a fetched `stories260K.bin`.
   */
  static fromBytes(
    bytes: ArrayBuffer | Uint8Array,
    name = 'checkpoint',
    options: CheckpointOptions = {},
  ): Llama2c {
    const view = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
    const { config, weights } = parseLlama2cCheckpoint(view, name, options);
    return new Llama2c(config, weights);
  }

  get vocabSize(): number {
    return this.config.vocabSize;
  }

  /** Positions a sequence may have (generation stops there). */
  get maxContext(): number {
    return this.config.seqLen;
  }

  /**
   * The forward pass `start()` runs: 'wasm' where the runtime has WebAssembly SIMD and the model's
   * widths (dim, hidden_dim, head size) are multiples of 4, unless FIRTH_MATMUL=js is set; 'js'
   * otherwise. The wasm decoder keeps its own copy of the weights, made on first use: changes to
   * `weights` after that reach only the 'js' path.
   */
  get backend(): Llama2cBackend {
    if (globalThis.process?.env?.FIRTH_MATMUL === 'js') return 'js';
    return this.#wasmDecoder() === null ? 'js' : 'wasm';
  }

  /** The wasm decoder, or null where it cannot run this model (its RMSNorm's ε is llama2.c's 1e-5). */
  #wasmDecoder(): LlamaDecoder | null {
    if ((this.config.rmsNormEps ?? 1e-5) !== 1e-5) return null;
    this.#decoder ??= llamaDecoderF32(this.config, this.weights, { ropeTheta: this.config.ropeTheta });
    return this.#decoder;
  }

  /**
   * A fresh sequence (empty cache). Runs are independent: several can be alive at once.
   * `backend` picks the forward pass (default: `this.backend`); 'wasm' where it cannot run is a
   * ValidationError.
   */
  start(options: { backend?: Llama2cBackend } = {}): Llama2cRun {
    const backend = options.backend ?? this.backend;
    if (backend === 'wasm') {
      const decoder = this.#wasmDecoder();
      if (decoder === null)
        throw new ValidationError(
          (this.config.rmsNormEps ?? 1e-5) !== 1e-5
            ? `the wasm decoder computes RMSNorm with ε = 1e-5, this model's is ${this.config.rmsNormEps}`
            : 'the wasm decoder cannot run this model here (no WebAssembly SIMD, or a width that is not a multiple of 4)',
          'backend',
        );
      return this.#wasmRun(decoder);
    }
    if (backend !== 'js')
      throw new ValidationError(`backend must be 'wasm' or 'js', got ${String(backend)}`, 'backend');
    return this.#jsRun();
  }

  /** The checks both paths make before a step. */
  #check(token: number, pos: number): void {
    const { vocabSize, seqLen } = this.config;
    if (!Number.isInteger(token) || token < 0 || token >= vocabSize)
      throw new ValidationError(`token ${token} is outside the vocabulary [0, ${vocabSize})`, 'token');
    if (pos >= seqLen)
      throw new ValidationError(`the sequence is full: the model knows ${seqLen} positions`, 'position');
  }

  #wasmRun(decoder: LlamaDecoder): Llama2cRun {
    const sequence = decoder.start();
    const logits = new Float32Array(this.config.vocabSize);
    let pos = 0;
    return {
      step: (token: number): Float32Array => {
        this.#check(token, pos);
        sequence.forward(token, pos, logits);
        pos++;
        return logits;
      },
      get position() {
        return pos;
      },
    };
  }

  /**
   * The attention maps of one sequence (attention-maps.ts): maps[layer][head][i][j], the weight
   * position i's query gave position j (0 for j > i: causal). Read off the 'js' forward pass token
   * by token — each step's softmax in attendCached, the same numbers that weigh its values.
   *
   *   const tok = loadLlama2cTokenizer();
   *   const maps = (await loadLlama2c()).attentionMaps(tok.encode('Once upon a time'));
   *   maps.length;          // 5 layers
   *   maps[0].length;       // 8 heads (query heads; two share each of the 4 kv heads)
   *   maps[0][0][1];        // [w(1→0), w(1→1), 0, 0, 0], w(1→0) + w(1→1) = 1
   */
  attentionMaps(tokenIds: readonly number[]): AttentionMaps {
    const T = tokenIds.length;
    if (T === 0) throw new ValidationError('no tokens: attention needs at least one', 'tokenIds');
    const { nLayers, nHeads } = this.config;
    const maps: AttentionMaps = Array.from({ length: nLayers }, () =>
      Array.from({ length: nHeads }, () => Array.from({ length: T }, () => new Array<number>(T).fill(0))),
    );
    const run = this.#jsRun((layer, pos, weights) => {
      for (let h = 0; h < nHeads; h++)
        for (let t = 0; t <= pos; t++) maps[layer]![h]![pos]![t] = weights[h * (pos + 1) + t]!;
    });
    for (const token of tokenIds) run.step(token);
    return maps;
  }

  /**
   * The reference forward pass: run.c's loops in JavaScript, dot products summed in float64.
   * `onAttention` (attentionMaps) receives each layer's weights at each position: head h's over
   * positions 0..pos at weights[h · (pos + 1) + t].
   */
  #jsRun(onAttention?: (layer: number, pos: number, weights: Float32Array) => void): Llama2cRun {
    const { dim, hiddenDim, nLayers, nHeads, nKvHeads, seqLen, vocabSize } = this.config;
    const { headSize, kvDim } = this;
    const ropeTheta = this.config.ropeTheta ?? 10000;
    const eps = this.config.rmsNormEps ?? 1e-5;
    const w = this.weights;
    // activations, reused at every step (run.c's RunState)
    const x = new Float32Array(dim);
    const xb = new Float32Array(dim);
    const xb2 = new Float32Array(dim);
    const hb = new Float32Array(hiddenDim);
    const hb2 = new Float32Array(hiddenDim);
    const q = new Float32Array(dim);
    const att = new Float32Array(seqLen);
    const logits = new Float32Array(vocabSize);
    const weights = onAttention ? new Float32Array(nHeads * seqLen) : undefined;
    // the KV cache: (layer, position, kvDim)
    const keyCache = new Float32Array(nLayers * seqLen * kvDim);
    const valueCache = new Float32Array(nLayers * seqLen * kvDim);
    let pos = 0;

    const step = (token: number): Float32Array => {
      this.#check(token, pos);
      // x = E[token]
      x.set(w.tokenEmbedding.subarray(token * dim, (token + 1) * dim));
      for (let l = 0; l < nLayers; l++) {
        // ── attention ──────────────────────────────────────────────────────────────────────────
        rmsnorm(xb, x, w.rmsAtt, l * dim, eps);
        const kAt = (l * seqLen + pos) * kvDim;
        // q = Wq·xb (dim), k = Wk·xb and v = Wv·xb written straight into the cache (kvDim)
        matvec(q, w.wq, l * dim * dim, xb, dim, dim);
        matvec(keyCache.subarray(kAt, kAt + kvDim), w.wk, l * kvDim * dim, xb, kvDim, dim);
        matvec(valueCache.subarray(kAt, kAt + kvDim), w.wv, l * kvDim * dim, xb, kvDim, dim);
        // RoPE: rotate pair (i, i+1) by pos·θ, θ = ropeTheta^(−(i mod headSize)/headSize)
        for (let i = 0; i < dim; i += 2) {
          const theta = pos * ropeTheta ** (-(i % headSize) / headSize);
          const cos = Math.cos(theta);
          const sin = Math.sin(theta);
          const q0 = q[i]!;
          const q1 = q[i + 1]!;
          q[i] = q0 * cos - q1 * sin;
          q[i + 1] = q0 * sin + q1 * cos;
          if (i < kvDim) {
            const k0 = keyCache[kAt + i]!;
            const k1 = keyCache[kAt + i + 1]!;
            keyCache[kAt + i] = k0 * cos - k1 * sin;
            keyCache[kAt + i + 1] = k0 * sin + k1 * cos;
          }
        }
        // each query head attends over positions 0..pos of its kv head (@firth/tensor's attendCached)
        const layer = l * seqLen * kvDim;
        attendCached(
          q,
          keyCache.subarray(layer, layer + (pos + 1) * kvDim),
          valueCache.subarray(layer, layer + (pos + 1) * kvDim),
          pos + 1,
          { nHeads, nKvHeads, headSize, ...(weights ? { weights } : {}) },
          xb,
          att,
        );
        if (weights) onAttention!(l, pos, weights);
        // x += Wo · concat(out_h)
        matvec(xb2, w.wo, l * dim * dim, xb, dim, dim);
        for (let i = 0; i < dim; i++) x[i]! += xb2[i]!;
        // ── feed-forward (SwiGLU) ──────────────────────────────────────────────────────────────
        rmsnorm(xb, x, w.rmsFfn, l * dim, eps);
        matvec(hb, w.w1, l * hiddenDim * dim, xb, hiddenDim, dim);
        matvec(hb2, w.w3, l * hiddenDim * dim, xb, hiddenDim, dim);
        // h = SiLU(W1·xb) ⊙ (W3·xb), SiLU(a) = a·σ(a)
        for (let i = 0; i < hiddenDim; i++) {
          const a = hb[i]!;
          hb[i] = (a / (1 + Math.exp(-a))) * hb2[i]!;
        }
        matvec(xb, w.w2, l * dim * hiddenDim, hb, dim, hiddenDim);
        for (let i = 0; i < dim; i++) x[i]! += xb[i]!;
      }
      // logits = Wcls · (RMSNorm(x) ⊙ g_final)
      rmsnorm(xb, x, w.rmsFinal, 0, eps);
      matvec(logits, w.wcls, 0, xb, vocabSize, dim);
      pos++;
      return logits;
    };
    return {
      step,
      get position() {
        return pos;
      },
    };
  }
}
