/**
 * Llama 2 in the shape of Karpathy's llama2.c (`run.c`): a decoder-only transformer that reads the
 * llama2.c checkpoint format and runs one token at a time with a key/value cache — the course's
 * "GPT" lesson (masked self-attention in the decoder, final linear layer and softmax) on a real
 * pretrained model, the 260K-parameter TinyStories model shipped in @firth/datasets.
 *
 *   const model = await loadLlama2c();          // stories260K: dim 64, 5 layers, 8 heads, 4 kv heads
 *   const run = model.start();
 *   run.step(1)                                 // BOS → Float32Array(512) logits of the next token
 *
 * What each layer computes for the token at position `pos` (x: the residual stream, dim floats):
 *   xb = RMSNorm(x) ⊙ g_att                       RMSNorm(x) = x / √(mean(x²) + 1e-5)
 *   q = Wq·xb, k = Wk·xb, v = Wv·xb               q: dim, k/v: kvDim = nKvHeads · headSize
 *   q, k ← RoPE(q, k, pos)                         rotate each pair (2i, 2i+1) of a head by pos·θ_i,
 *                                                  θ_i = 10000^(−2i/headSize)
 *   cache k, v at pos
 *   head h (query) reads kv head h / (nHeads / nKvHeads)      grouped-query attention (GQA)
 *   a_t = softmax_t(q_h · k_t / √headSize), t = 0..pos         causal: only past positions exist
 *   out_h = Σ_t a_t v_t
 *   x += Wo · concat(out_h)
 *   xb = RMSNorm(x) ⊙ g_ffn
 *   x += W2 · (SiLU(W1·xb) ⊙ (W3·xb))              SwiGLU feed-forward, SiLU(a) = a·σ(a)
 * and after the last layer: logits = E · (RMSNorm(x) ⊙ g_final), E the token embedding (tied).
 *
 * Arithmetic: weights and activations are float32 arrays as in run.c; every dot product is summed
 * in float64 (JavaScript numbers) and rounded once when stored, so the logits agree with a float32
 * implementation to ~1e-5.
 *
 * Left out: the llama2.c "version 1/2" exports (only the legacy format the shipped model uses),
 * quantised (int8) checkpoints, batching several sequences through one call.
 */
import { readFile } from 'node:fs/promises';
import { dataPath } from '@firth/datasets';
import { ValidationError } from '@firth/numeric';

/** The 7 int32s at the start of a llama2.c checkpoint. */
export interface Llama2cConfig {
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
  /** The output layer reuses the token embedding (the checkpoint stores vocabSize > 0). */
  sharedClassifier: boolean;
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

/**
 * Parses a llama2.c checkpoint (legacy format): the header, then the tensors in run.c's order, then
 * (legacy) seqLen × headSize/2 × 2 floats of precomputed RoPE frequencies, which are not needed.
 * Throws when the byte count does not match what the header implies.
 */
export function parseLlama2cCheckpoint(
  bytes: Uint8Array,
  name = 'checkpoint',
): {
  config: Llama2cConfig;
  weights: Llama2cWeights;
} {
  if (bytes.byteLength < HEADER_BYTES)
    throw new ValidationError(
      `${name}: ${bytes.byteLength} bytes, too short for the 28-byte header`,
      'checkpoint',
    );
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const h = Array.from({ length: 7 }, (_, i) => view.getInt32(i * 4, true));
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
  const positive = [dim, hiddenDim, nLayers, nHeads, nKvHeads, config.vocabSize, seqLen];
  if (positive.some((v) => !(v > 0 && v < 1 << 24)) || dim % nHeads !== 0 || nHeads % nKvHeads !== 0)
    throw new ValidationError(
      `${name}: the header ${JSON.stringify(h)} is not a llama2.c config (dim, hidden_dim, n_layers, n_heads, n_kv_heads, vocab_size, seq_len)`,
      'checkpoint',
    );
  const headSize = dim / nHeads;
  const kvDim = (dim * nKvHeads) / nHeads;
  const L = nLayers;
  const sizes: [keyof Llama2cWeights, number][] = [
    ['tokenEmbedding', config.vocabSize * dim],
    ['rmsAtt', L * dim],
    ['wq', L * dim * dim],
    ['wk', L * kvDim * dim],
    ['wv', L * kvDim * dim],
    ['wo', L * dim * dim],
    ['rmsFfn', L * dim],
    ['w1', L * hiddenDim * dim],
    ['w2', L * dim * hiddenDim],
    ['w3', L * hiddenDim * dim],
    ['rmsFinal', dim],
  ];
  const freqFloats = seqLen * headSize; // legacy freq_cis_real + freq_cis_imag
  const tensorFloats = sizes.reduce((s, [, n]) => s + n, 0);
  const classifierFloats = config.sharedClassifier ? 0 : config.vocabSize * dim;
  const expected = HEADER_BYTES + 4 * (tensorFloats + freqFloats + classifierFloats);
  if (bytes.byteLength !== expected)
    throw new ValidationError(
      `${name}: ${bytes.byteLength} bytes, but its header (${JSON.stringify(config)}) needs ${expected}`,
      'checkpoint',
    );
  // one aligned copy of the float payload; every tensor is a view into it
  const floats = new Float32Array((bytes.byteLength - HEADER_BYTES) / 4);
  new Uint8Array(floats.buffer).set(bytes.subarray(HEADER_BYTES));
  const weights = {} as Llama2cWeights;
  let at = 0;
  for (const [key, n] of sizes) {
    weights[key] = floats.subarray(at, at + n);
    at += n;
  }
  at += freqFloats;
  weights.wcls = config.sharedClassifier
    ? weights.tokenEmbedding
    : floats.subarray(at, at + classifierFloats);
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

/** out = x / √(mean(x²) + 1e-5) ⊙ g */
function rmsnorm(out: Float32Array, x: Float32Array, g: Float32Array, gOffset: number) {
  const n = x.length;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += x[i]! * x[i]!;
  const scale = 1 / Math.sqrt(ss / n + 1e-5);
  for (let i = 0; i < n; i++) out[i] = g[gOffset + i]! * (x[i]! * scale);
}

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

  constructor(
    readonly config: Llama2cConfig,
    readonly weights: Llama2cWeights,
  ) {
    this.headSize = config.dim / config.nHeads;
    this.kvDim = config.nKvHeads * this.headSize;
  }

  get vocabSize(): number {
    return this.config.vocabSize;
  }

  /** Positions a sequence may have (generation stops there). */
  get maxContext(): number {
    return this.config.seqLen;
  }

  /** A fresh sequence (empty cache). Runs are independent: several can be alive at once. */
  start(): Llama2cRun {
    const { dim, hiddenDim, nLayers, nHeads, nKvHeads, seqLen, vocabSize } = this.config;
    const { headSize, kvDim } = this;
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
    // the KV cache: (layer, position, kvDim)
    const keyCache = new Float32Array(nLayers * seqLen * kvDim);
    const valueCache = new Float32Array(nLayers * seqLen * kvDim);
    const kvMul = nHeads / nKvHeads;
    let pos = 0;

    const step = (token: number): Float32Array => {
      if (!Number.isInteger(token) || token < 0 || token >= vocabSize)
        throw new ValidationError(`token ${token} is outside the vocabulary [0, ${vocabSize})`, 'token');
      if (pos >= seqLen)
        throw new ValidationError(`the sequence is full: the model knows ${seqLen} positions`, 'position');
      // x = E[token]
      x.set(w.tokenEmbedding.subarray(token * dim, (token + 1) * dim));
      for (let l = 0; l < nLayers; l++) {
        // ── attention ──────────────────────────────────────────────────────────────────────────
        rmsnorm(xb, x, w.rmsAtt, l * dim);
        const kAt = (l * seqLen + pos) * kvDim;
        // q = Wq·xb (dim), k = Wk·xb and v = Wv·xb written straight into the cache (kvDim)
        matvec(q, w.wq, l * dim * dim, xb, dim, dim);
        matvec(keyCache.subarray(kAt, kAt + kvDim), w.wk, l * kvDim * dim, xb, kvDim, dim);
        matvec(valueCache.subarray(kAt, kAt + kvDim), w.wv, l * kvDim * dim, xb, kvDim, dim);
        // RoPE: rotate pair (i, i+1) by pos·θ, θ = 10000^(−(i mod headSize)/headSize)
        for (let i = 0; i < dim; i += 2) {
          const theta = pos * 10000 ** (-(i % headSize) / headSize);
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
        // each query head attends over positions 0..pos of its kv head
        const scale = 1 / Math.sqrt(headSize);
        for (let h = 0; h < nHeads; h++) {
          const qh = h * headSize;
          const kvh = Math.floor(h / kvMul) * headSize;
          // scores_t = q_h · k_t / √headSize
          let max = Number.NEGATIVE_INFINITY;
          for (let t = 0; t <= pos; t++) {
            const kt = (l * seqLen + t) * kvDim + kvh;
            let s = 0;
            for (let i = 0; i < headSize; i++) s += q[qh + i]! * keyCache[kt + i]!;
            att[t] = s * scale;
            if (att[t]! > max) max = att[t]!;
          }
          // a = softmax(scores) (max subtracted for stability)
          let sum = 0;
          for (let t = 0; t <= pos; t++) {
            att[t] = Math.exp(att[t]! - max);
            sum += att[t]!;
          }
          // out_h = Σ_t a_t v_t
          for (let i = 0; i < headSize; i++) {
            let s = 0;
            for (let t = 0; t <= pos; t++) s += att[t]! * valueCache[(l * seqLen + t) * kvDim + kvh + i]!;
            xb[qh + i] = s / sum;
          }
        }
        // x += Wo · concat(out_h)
        matvec(xb2, w.wo, l * dim * dim, xb, dim, dim);
        for (let i = 0; i < dim; i++) x[i]! += xb2[i]!;
        // ── feed-forward (SwiGLU) ──────────────────────────────────────────────────────────────
        rmsnorm(xb, x, w.rmsFfn, l * dim);
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
      rmsnorm(xb, x, w.rmsFinal, 0);
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

/** The shipped TinyStories model (or a llama2.c checkpoint at `path`). */
export async function loadLlama2c(path?: string): Promise<Llama2c> {
  const file = path ?? dataPath('models/tinyllamas-stories260K/stories260K.bin');
  const bytes = await readFile(file).catch((e: NodeJS.ErrnoException) => {
    throw new ValidationError(`cannot read the llama2.c checkpoint ${file}: ${e.code ?? e.message}`, 'path');
  });
  const { config, weights } = parseLlama2cCheckpoint(bytes, file);
  return new Llama2c(config, weights);
}
