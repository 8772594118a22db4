/**
 * Hugging Face encoder–decoder checkpoints — T5 (`T5ForConditionalGeneration`), BART
 * (`BartForConditionalGeneration`) and Marian (`MarianMTModel`) — from the folders `save_pretrained`
 * writes (config.json + model.safetensors, HF's parameter names; generation_config.json read when
 * present), run in float32 on @firth/tensor's engine: every linear layer a wasm SIMD product
 * (threads for the large ones) over weights laid out once at load (in × out), the norms its
 * elementwise kernels, intermediate tensors in its arena (released after each pass); the encoder's
 * self-attention is its attention op (padding as the key mask, T5's relative position bias added to
 * the scores), the decoder's self-attention over its key/value cache and cross-attention its
 * cached-attention step (`attendCached`, with the same bias).
 * Generation is seq2seq-generate.ts (greedy and beam search, as HF).
 *
 *   const model = await loadSeq2Seq('models/t5-small');        // T5, BART or Marian, by config.json
 *   const enc = model.encode([13959, 1566, 12, 2379, 10, 8774, 1]);   // encoder states (T × d_model)
 *   const run = model.startDecoder(enc);                       // cached decoding: one position a step
 *   run.step(model.generationConfig.decoderStartTokenId)      // logits of the first output token
 *
 * Batches, as HF pads them: `encodeBatch(ids, attentionMask?)` (ragged rows are padded on the right
 * with the pad token, to the longest) gives each sequence's states padded to the longest; a padding
 * key is never attended (encoder self-attention, decoder cross-attention), so every sequence's
 * states and logits are those of its unpadded run. `startDecoderBatch` steps several decoder rows in
 * one pass of the weights — a batch's sequences, or beam search's beams — each row with its own
 * key/value cache; a step names the row each new row continues (a beam that goes on takes its
 * parent's cache as it is; only a second continuation of one parent copies it), so a step costs
 * what changed, not a copy of every cache.
 *
 * T5 (Raffel et al. 2020): pre-norm blocks with RMS LayerNorm (no mean, no bias), no biases anywhere,
 *   scores q kᵀ (no 1/√d) + a learned bias per head and relative-position bucket (block 0's table,
 *   used by every block; bidirectional buckets in the encoder, past-only in the decoder; none in
 *   cross-attention); FFN relu (wi, wo) or gated (act(wi_0 x) ⊙ wi_1 x) per feed_forward_proj;
 *   logits = (h · d_model^−½) sharedᵀ when tied, else lm_head.
 * BART (Lewis et al. 2020) / Marian: post-norm blocks (x ← LN(x + sublayer(x))), biases on every
 *   product, scores q kᵀ/√d_head; token embedding × √d_model when scale_embedding; positions learned
 *   (BART: table offset by 2, then layernorm_embedding) or sinusoidal (Marian: sin half then cos
 *   half, not saved in the checkpoint); logits = h sharedᵀ + final_logits_bias.
 *
 * Every tensor's shape is checked against config.json; a missing tensor or a bad config field is a
 * FormatError naming the file and the tensor or JSON path.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { checkJson, FormatError, parseJson, type ShapeType, shape, ValidationError } from '@firth/numeric';
import {
  add,
  addLayerNorm,
  arenaScope,
  attendCached,
  attention,
  layerNorm,
  linear as linearBias,
  matmul,
  reshape,
  rmsNorm,
  scale as scaleOp,
  splitHeads,
  swapAxes12,
  Tensor,
} from '@firth/tensor';
import { type HfCheckpoint, readHfCheckpoint, readModelFile } from './hf-checkpoint.js';
import { configSize } from './hf-config.js';
import type { Matrix } from './reference/attention.js';
import { geluErf } from './reference/bert.js';
import { activations } from './reference/feed-forward.js';
import type { CheckpointOptions } from './safetensors.js';

export type Seq2SeqArchitecture = 't5' | 'bart' | 'marian';
/**
 * Generation defaults from config.json and generation_config.json (HF's field meanings): the
 * settings a task may set (Seq2SeqTaskParams) and the ones only the model has.
 */
export interface Seq2SeqGenerationConfig extends Seq2SeqTaskParams {
  decoderStartTokenId: number;
  /** Ends a sequence (HF allows several). */
  eosTokenId: number[];
  padTokenId?: number;
  /** Single-token bad words (Marian bans its pad token). */
  badWordsIds?: number[][];
  bosTokenId?: number;
  /** config.json's `prefix`: text put before every input (T5's task prefixes live per task). */
  prefix?: string;
  /**
   * config.json's `task_specific_params`, per task name (`summarization`, `translation_en_to_fr`):
   * the prefix and the generation settings HF's pipelines apply for that task.
   */
  taskSpecificParams?: Record<string, Seq2SeqTaskParams>;
}

/** One task's settings from task_specific_params (HF names turned into Firth's). */
export interface Seq2SeqTaskParams {
  prefix?: string;
  maxLength?: number;
  maxNewTokens?: number;
  minLength?: number;
  numBeams?: number;
  lengthPenalty?: number;
  earlyStopping?: boolean | 'never';
  noRepeatNgramSize?: number;
  forcedBosTokenId?: number;
  forcedEosTokenId?: number;
  decoderStartTokenId?: number;
}

/** One decoding run over fixed encoder states, with its key/value cache. */
export interface DecoderRun {
  /** Feeds the next decoder token; returns the logits for the token after it (vocabulary-long). */
  step(token: number): number[];
  /** An independent copy of the run so far (a beam that splits). */
  fork(): DecoderRun;
  /** Tokens fed so far. */
  readonly length: number;
}

/**
 * Decoder rows stepped together in one pass of the weights (a batch's sequences, beam search's
 * beams), each with its own key/value cache and its sequence's encoder states.
 */
export interface DecoderBatch {
  /**
   * Feeds tokens[i] to row i and returns each row's logits for the token after it. Without `from`
   * the rows are those of the last step (at first: one per sequence given to startDecoderBatch);
   * with it, row i continues row from[i] of the last step — rows may be repeated (a beam that
   * splits: its cache is copied for the second continuation on) or left out (a finished sequence).
   */
  step(tokens: number[], from?: number[]): number[][];
  /** Rows of the last step. */
  readonly rows: number;
}

/** What seq2seq-generate.ts needs from a model: encode once, decode one token at a time. */
export interface EncoderDecoderLM {
  readonly architecture: Seq2SeqArchitecture;
  readonly vocabSize: number;
  readonly generationConfig: Seq2SeqGenerationConfig;
  /** The encoder's last hidden state for one sequence of input ids (T × d_model). */
  encode(inputIds: number[]): Matrix;
  /**
   * The encoder over a batch: rows of equal length with their attention mask (1 = token, 0 =
   * padding), or ragged rows, padded here on the right with the pad token. Each sequence's states
   * (T × d_model, T the longest); at a token position they equal its unpadded encode().
   */
  encodeBatch(inputIds: number[][], attentionMask?: number[][]): Matrix[];
  /** A decoding run over encoder states (with the mask of their padding, from encodeBatch). */
  startDecoder(encoderStates: Matrix, attentionMask?: number[]): DecoderRun;
  /** Decoder rows over several sequences' encoder states, one row each at first. */
  startDecoderBatch(encoderStates: Matrix[], attentionMasks?: number[][]): DecoderBatch;
}

// ───────────────────────────────────────────────────────────── shared pieces

/** The transpose of a row-major (rows × cols) matrix, in 32 × 32 tiles (a weight laid out once at load). */
function transposed(data: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
  const B = 32;
  for (let i0 = 0; i0 < rows; i0 += B)
    for (let j0 = 0; j0 < cols; j0 += B) {
      const iEnd = Math.min(i0 + B, rows);
      const jEnd = Math.min(j0 + B, cols);
      for (let i = i0; i < iEnd; i++)
        for (let j = j0, src = i * cols + j0; j < jEnd; j++, src++) out[j * rows + i] = data[src]!;
    }
  return out;
}

/**
 * An nn.Linear as Hugging Face stores it, weight (out × in) and bias (out) or none, laid out once
 * as the engine's products take it: y = x W + b with W (in × out).
 */
interface Linear {
  w: Tensor;
  b: Tensor | null;
}

const linearOf = (weight: Float32Array, out: number, inp: number, bias: Float32Array | null): Linear => ({
  w: new Tensor(transposed(weight, out, inp), [inp, out]),
  b: bias && new Tensor(bias, [out]),
});

const loadLinear = (ckpt: HfCheckpoint, name: string, out: number, inp: number, bias = false): Linear =>
  linearOf(
    ckpt.tensor(`${name}.weight`, [out, inp]),
    out,
    inp,
    bias ? ckpt.tensor(`${name}.bias`, [out]) : null,
  );

/** x W (+ b) for each row of x (n × in) → (n × out). */
const linear = (x: Tensor, l: Linear): Tensor => (l.b ? linearBias(x, l.w, l.b) : matmul(x, l.w));

/** A vector of the checkpoint as a constant tensor. */
const vectorOf = (ckpt: HfCheckpoint, name: string, n: number): Tensor =>
  new Tensor(ckpt.tensor(name, [n]), [n]);

/** f applied to every value of an inference tensor, in place (its array is the pass's own). */
function mapInPlace(t: Tensor, f: (x: number) => number): Tensor {
  const a = t.data;
  for (let i = 0; i < a.length; i++) a[i] = f(a[i]!);
  return t;
}

/** act(a) ⊙ g in place in a (T5's gated feed-forward). */
function gateInPlace(a: Tensor, g: Tensor, act: (x: number) => number): Tensor {
  const x = a.data;
  const y = g.data;
  for (let i = 0; i < x.length; i++) x[i] = act(x[i]!) * y[i]!;
  return a;
}

/** A (rows × cols) Matrix of a flat float32 array (copied out of the arena). */
function toMatrix(a: Float32Array, rows: number, cols: number, from = 0): Matrix {
  return Array.from({ length: rows }, (_, i) =>
    Array.from(a.subarray(from + i * cols, from + (i + 1) * cols)),
  );
}

/**
 * The token embedding: the checkpoint's (vocab × d) table, or — when it is also the tied output
 * layer — only that layer's (d × vocab) layout, read a column at a time (one copy of the largest
 * tensor, not two).
 */
class Embedding {
  constructor(
    private readonly rows: Float32Array | null,
    private readonly columns: Tensor | null,
    readonly vocab: number,
    readonly d: number,
  ) {}

  /** Rows of `ids`, each times `scale`, into a new (n × d) array. */
  lookup(ids: readonly number[], scale = 1): Float32Array {
    const { d, vocab } = this;
    const out = new Float32Array(ids.length * d);
    for (const [i, t] of ids.entries()) {
      if (this.rows) for (let j = 0; j < d; j++) out[i * d + j] = this.rows[t * d + j]! * scale;
      else {
        const c = this.columns!.data;
        for (let j = 0; j < d; j++) out[i * d + j] = c[j * vocab + t]! * scale;
      }
    }
    return out;
  }
}

/**
 * One sequence's encoder states as the decoder reads them: only its token positions (padding keys
 * are never attended), and each decoder layer's cross-attention keys and values of them, made once.
 */
interface CrossMemory {
  length: number;
  k: Float32Array[];
  v: Float32Array[];
}

/**
 * One decoder row's self-attention cache: each layer's keys and values (a row of `width` floats
 * per position), grown by doubling.
 */
class SelfCache {
  length = 0;
  constructor(
    readonly memory: CrossMemory,
    readonly width: number,
    public k: Float32Array[],
    public v: Float32Array[],
  ) {}

  static empty(memory: CrossMemory, layers: number, width: number): SelfCache {
    const make = () => Array.from({ length: layers }, () => new Float32Array(8 * width));
    return new SelfCache(memory, width, make(), make());
  }

  /** Room for one more position. */
  reserve(): void {
    if ((this.length + 1) * this.width <= this.k[0]!.length) return;
    const grow = (a: Float32Array) => {
      const b = new Float32Array(a.length * 2);
      b.set(a.subarray(0, this.length * this.width));
      return b;
    };
    this.k = this.k.map(grow);
    this.v = this.v.map(grow);
  }

  /** An independent copy of the positions filled so far. */
  copy(): SelfCache {
    const n = this.length * this.width;
    const cap = Math.max(8, this.length * 2) * this.width;
    const dup = (a: Float32Array) => {
      const b = new Float32Array(cap);
      b.set(a.subarray(0, n));
      return b;
    };
    const c = new SelfCache(this.memory, this.width, this.k.map(dup), this.v.map(dup));
    c.length = this.length;
    return c;
  }
}

/** What the two architectures implement: encoder over flat padded rows, one decoder step over rows. */
abstract class EngineEncoderDecoder {
  abstract readonly vocabSize: number;
  abstract readonly generationConfig: Seq2SeqGenerationConfig;
  constructor(
    protected readonly dModel: number,
    /** Width of a key (or value) row: heads × head size. */
    protected readonly kvWidth: number,
    /** Each decoder layer's cross-attention weights. */
    protected readonly crossAttentions: AttentionWeights[],
  ) {}

  /** The encoder over B rows of T ids (flat) with their mask → B·T × d_model states (float32). */
  protected abstract encodeRows(ids: number[], mask: number[], B: number, T: number): Float32Array;
  /** Feeds tokens[i] to rows[i] (appending to its cache) → n × vocab logits. */
  protected abstract stepRows(rows: SelfCache[], tokens: number[]): Float32Array;

  encode(inputIds: number[]): Matrix {
    checkIds(inputIds, this.vocabSize, 'input_ids');
    const out = this.encodeRows(
      inputIds,
      inputIds.map(() => 1),
      1,
      inputIds.length,
    );
    return toMatrix(out, inputIds.length, this.dModel);
  }

  encodeBatch(inputIds: number[][], attentionMask?: number[][]): Matrix[] {
    const { ids, mask, T } = padBatch(
      inputIds,
      attentionMask,
      this.vocabSize,
      this.generationConfig.padTokenId ?? 0,
    );
    const out = this.encodeRows(ids.flat(), mask.flat(), ids.length, T);
    return ids.map((_, b) => toMatrix(out, T, this.dModel, b * T * this.dModel));
  }

  /** The token positions of encoder states (by the mask) and their cross-attention keys and values. */
  private memory(states: Matrix, mask: number[] | undefined, name: string): CrossMemory {
    const d = this.dModel;
    if (!Array.isArray(states) || states.length === 0 || states.some((r) => r?.length !== d))
      throw new ValidationError(`${name} must be a non-empty matrix of rows of d_model = ${d} values`, name);
    if (mask !== undefined && (!Array.isArray(mask) || mask.length !== states.length))
      throw new ValidationError(
        `the attention mask of ${name} must have one value per row (${states.length})`,
        name,
      );
    const kept = states.filter((_, i) => mask === undefined || mask[i] !== 0);
    if (kept.length === 0)
      throw new ValidationError(`${name}: the attention mask hides every position`, name);
    const flat = new Float32Array(kept.length * d);
    for (const [i, r] of kept.entries()) flat.set(r, i * d);
    // each decoder layer's cross-attention keys and values of the kept rows
    const kv = arenaScope(() => {
      const x = new Tensor(flat, [kept.length, d]);
      return {
        k: this.crossAttentions.map((a) => linear(x, a.k).data.slice()),
        v: this.crossAttentions.map((a) => linear(x, a.v).data.slice()),
      };
    });
    return { length: kept.length, ...kv };
  }

  /** Logits rows copied out as number arrays. */
  private split(logits: Float32Array, n: number): number[][] {
    const V = this.vocabSize;
    return Array.from({ length: n }, (_, i) => Array.from(logits.subarray(i * V, (i + 1) * V)));
  }

  private checkedStep(rows: SelfCache[], tokens: number[]): number[][] {
    if (!Array.isArray(tokens) || tokens.length !== rows.length)
      throw new ValidationError(
        `step needs one token a row (${rows.length}), got ${tokens?.length}`,
        'tokens',
      );
    checkIds(tokens, this.vocabSize, 'token');
    const logits = arenaScope(() => this.stepRows(rows, tokens).slice());
    return this.split(logits, rows.length);
  }

  startDecoder(encoderStates: Matrix, attentionMask?: number[]): DecoderRun {
    const memory = this.memory(encoderStates, attentionMask, 'encoderStates');
    const run = (cache: SelfCache): DecoderRun => ({
      get length() {
        return cache.length;
      },
      fork: () => run(cache.copy()),
      step: (token: number) => this.checkedStep([cache], [token])[0]!,
    });
    return run(SelfCache.empty(memory, this.crossAttentions.length, this.kvWidth));
  }

  startDecoderBatch(encoderStates: Matrix[], attentionMasks?: number[][]): DecoderBatch {
    if (!Array.isArray(encoderStates) || encoderStates.length === 0)
      throw new ValidationError('encoderStates must be a non-empty array of matrices', 'encoderStates');
    if (attentionMasks !== undefined && attentionMasks.length !== encoderStates.length)
      throw new ValidationError(
        `attentionMasks must have one mask a sequence (${encoderStates.length}), got ${attentionMasks.length}`,
        'attentionMasks',
      );
    let rows = encoderStates.map((s, i) =>
      SelfCache.empty(
        this.memory(s, attentionMasks?.[i], `encoderStates[${i}]`),
        this.crossAttentions.length,
        this.kvWidth,
      ),
    );
    return {
      get rows() {
        return rows.length;
      },
      step: (tokens: number[], from?: number[]) => {
        if (from !== undefined) {
          if (!Array.isArray(from) || from.some((f) => !Number.isInteger(f) || f < 0 || f >= rows.length))
            throw new ValidationError(`from must name rows of the last step, 0..${rows.length - 1}`, 'from');
          // a row that goes on takes its parent's cache as it is; a second continuation copies it
          const taken = new Set<number>();
          rows = from.map((f) => {
            if (taken.has(f)) return rows[f]!.copy();
            taken.add(f);
            return rows[f]!;
          });
        }
        return this.checkedStep(rows, tokens);
      },
    };
  }
}

/**
 * A batch of id rows padded to the longest: rows with their mask as given (checked), or ragged rows
 * padded on the right with `pad` (mask 0 there).
 */
function padBatch(
  inputIds: number[][],
  attentionMask: number[][] | undefined,
  vocabSize: number,
  pad: number,
): { ids: number[][]; mask: number[][]; T: number } {
  if (!Array.isArray(inputIds) || inputIds.length === 0)
    throw new ValidationError('input_ids must be a non-empty array of rows of token ids', 'input_ids');
  for (const [b, row] of inputIds.entries()) checkIds(row, vocabSize, `input_ids[${b}]`);
  const T = Math.max(...inputIds.map((r) => r.length));
  if (attentionMask === undefined)
    return {
      ids: inputIds.map((r) => [...r, ...new Array<number>(T - r.length).fill(pad)]),
      mask: inputIds.map((r) => [...r.map(() => 1), ...new Array<number>(T - r.length).fill(0)]),
      T,
    };
  if (!Array.isArray(attentionMask) || attentionMask.length !== inputIds.length)
    throw new ValidationError(
      `attention_mask must have one row per sequence (${inputIds.length})`,
      'attention_mask',
    );
  for (const [b, row] of inputIds.entries()) {
    const m = attentionMask[b];
    if (row.length !== T || !Array.isArray(m) || m.length !== T)
      throw new ValidationError(
        `with an attention mask every row of input_ids and attention_mask must have ${T} values (row ${b})`,
        `attention_mask[${b}]`,
      );
    if (m.some((v) => v !== 0 && v !== 1))
      throw new ValidationError(`attention_mask[${b}] must hold 0s and 1s`, `attention_mask[${b}]`);
    if (!m.includes(1))
      throw new ValidationError(`attention_mask[${b}] hides every token`, `attention_mask[${b}]`);
  }
  return { ids: inputIds, mask: attentionMask, T };
}

/** One attention's products (HF: q, k, v, o or q_proj … out_proj), each in × out. */
interface AttentionWeights {
  q: Linear;
  k: Linear;
  v: Linear;
  o: Linear;
}
/** Heads, head size and the scale of q kᵀ (T5: 1; BART: 1/√head size). */
interface Heads {
  nHeads: number;
  headSize: number;
  scale: number;
}

/**
 * Multi-head self-attention of B sequences of T rows x (B·T × d_model) with weights `a`: q, k, v
 * through @firth/tensor's attention op (the fused wasm kernels where they apply; with T5's `bias`,
 * heads × T × T, its products path), padding keys (mask 0) never attended; the heads side by side
 * through the output product (B·T × d_model).
 */
function encoderAttention(
  x: Tensor,
  a: AttentionWeights,
  mask: number[],
  B: number,
  T: number,
  { nHeads, headSize, scale }: Heads,
  bias: Float32Array | null,
): Tensor {
  const width = nHeads * headSize;
  const heads = (p: Linear) => splitHeads(reshape(linear(x, p), [B, T, width]), nHeads);
  const out = attention(heads(a.q), heads(a.k), heads(a.v), {
    scale,
    ...(mask.includes(0) ? { keyMask: mask } : {}),
    ...(bias ? { bias } : {}),
  });
  return linear(reshape(swapAxes12(out), [B * T, width]), a.o);
}

/**
 * Each decoder row's query (x: n × d_model, weights `a`) over its own cache (self-attention: the new
 * key and value appended first) or its sequence's encoder memory (cross-attention), through the
 * output product. `bias(length)`: T5's, or null.
 */
function decoderAttention(
  x: Tensor,
  a: AttentionWeights,
  rows: SelfCache[],
  layer: number,
  cross: boolean,
  { nHeads, headSize, scale }: Heads,
  bias: ((length: number) => Float32Array) | null,
): Tensor {
  if (!cross) appendKeysValues(rows, layer, linear(x, a.k), linear(x, a.v));
  const q = linear(x, a.q);
  const width = nHeads * headSize;
  const out = new Float32Array(rows.length * width);
  for (const [i, row] of rows.entries()) {
    const keys = cross ? row.memory.k[layer]! : row.k[layer]!;
    const values = cross ? row.memory.v[layer]! : row.v[layer]!;
    const length = cross ? row.memory.length : row.length + 1;
    const heads = { nHeads, headSize, scale, ...(bias ? { bias: bias(length) } : {}) };
    attendCached(
      q.data.subarray(i * width, (i + 1) * width),
      keys,
      values,
      length,
      heads,
      out.subarray(i * width, (i + 1) * width),
    );
  }
  return linear(new Tensor(out, [rows.length, width]), a.o);
}

/** Appends each row's new key and value (rows of k and v, n × width) to its cache at its length. */
function appendKeysValues(rows: SelfCache[], layer: number, k: Tensor, v: Tensor): void {
  for (const [i, row] of rows.entries()) {
    if (layer === 0) row.reserve();
    const w = row.width;
    row.k[layer]!.set(k.data.subarray(i * w, (i + 1) * w), row.length * w);
    row.v[layer]!.set(v.data.subarray(i * w, (i + 1) * w), row.length * w);
  }
}

/** An activation by HF's name (ACT2FN): `gelu` is the exact erf form, `gelu_new` the tanh form. */
function activation(name: string, file: string, field: string): (x: number) => number {
  switch (name) {
    case 'relu':
      return activations.relu;
    case 'gelu':
      return geluErf;
    case 'gelu_new':
    case 'gelu_pytorch_tanh':
      return activations.gelu;
    case 'silu':
    case 'swish':
      return activations.silu;
    case 'tanh':
      return Math.tanh;
    default:
      throw new FormatError(
        file,
        field,
        `names an activation Firth does not have: ${JSON.stringify(name)} (relu, gelu, gelu_new, gelu_pytorch_tanh, silu, swish, tanh)`,
      );
  }
}

const tokenId = shape.integer({ min: 0 });
const generationFields = {
  decoder_start_token_id: shape.optional(shape.nullable(tokenId)),
  eos_token_id: shape.optional(shape.nullable(shape.union(tokenId, shape.array(tokenId, { min: 1 })))),
  pad_token_id: shape.optional(shape.nullable(tokenId)),
  bos_token_id: shape.optional(shape.nullable(tokenId)),
  forced_bos_token_id: shape.optional(shape.nullable(tokenId)),
  forced_eos_token_id: shape.optional(shape.nullable(tokenId)),
  bad_words_ids: shape.optional(shape.nullable(shape.array(shape.array(tokenId, { min: 1 })))),
  max_length: shape.optional(shape.nullable(configSize())),
  max_new_tokens: shape.optional(shape.nullable(configSize())),
  min_length: shape.optional(shape.nullable(shape.integer({ min: 0 }))),
  num_beams: shape.optional(shape.nullable(configSize(1024))),
  length_penalty: shape.optional(shape.nullable(shape.number())),
  early_stopping: shape.optional(shape.nullable(shape.union(shape.boolean(), shape.literal('never')))),
  no_repeat_ngram_size: shape.optional(shape.nullable(shape.integer({ min: 0 }))),
};
const generationShape = shape.object(generationFields);
const taskParamsShape = shape.record(
  shape.object({ prefix: shape.optional(shape.string()), ...generationFields }),
);
type GenerationFields = ShapeType<typeof generationShape>;

/** The generation settings a task may set too: Firth's name, HF's. */
const TASK_SETTINGS = [
  ['maxLength', 'max_length'],
  ['maxNewTokens', 'max_new_tokens'],
  ['minLength', 'min_length'],
  ['numBeams', 'num_beams'],
  ['lengthPenalty', 'length_penalty'],
  ['earlyStopping', 'early_stopping'],
  ['noRepeatNgramSize', 'no_repeat_ngram_size'],
  ['forcedBosTokenId', 'forced_bos_token_id'],
  ['forcedEosTokenId', 'forced_eos_token_id'],
] as const satisfies readonly (readonly [keyof Seq2SeqTaskParams, keyof GenerationFields])[];

/** The settings `get` has (by HF's name; null or undefined: not set) into `to`, by Firth's. */
function setTaskSettings(to: Seq2SeqTaskParams, get: (hf: keyof GenerationFields) => unknown): void {
  for (const [name, hf] of TASK_SETTINGS) {
    const v = get(hf);
    if (v != null) (to as Record<string, unknown>)[name] = v;
  }
}

/**
 * The generation defaults as HF takes them: generation_config.json's fields over config.json's.
 */
function generationConfig(
  config: GenerationFields,
  extra: GenerationFields | null,
  file: string,
  vocabSize: number,
): Seq2SeqGenerationConfig {
  const pick = <K extends keyof GenerationFields>(k: K): NonNullable<GenerationFields[K]> | undefined =>
    (extra?.[k] ?? config[k] ?? undefined) as NonNullable<GenerationFields[K]> | undefined;
  // T5 names no decoder start: it is the pad token
  const start = pick('decoder_start_token_id') ?? pick('pad_token_id');
  if (start === undefined)
    throw new FormatError(file, '$.decoder_start_token_id', 'is missing (and there is no pad_token_id)');
  const eos = pick('eos_token_id');
  if (eos === undefined) throw new FormatError(file, '$.eos_token_id', 'is missing');
  const eosIds = Array.isArray(eos) ? eos : [eos];
  const ids: [string, number | undefined][] = [
    ['decoder_start_token_id', start],
    ['forced_bos_token_id', pick('forced_bos_token_id')],
    ['forced_eos_token_id', pick('forced_eos_token_id')],
    ...eosIds.map((e): [string, number] => ['eos_token_id', e]),
  ];
  for (const [k, v] of ids)
    if (v !== undefined && v >= vocabSize)
      throw new FormatError(file, `$.${k}`, `must be a token id below vocab_size ${vocabSize}, got ${v}`);
  const g: Seq2SeqGenerationConfig = { decoderStartTokenId: start, eosTokenId: eosIds };
  const set = <K extends keyof Seq2SeqGenerationConfig>(k: K, v: Seq2SeqGenerationConfig[K] | undefined) => {
    if (v !== undefined) g[k] = v;
  };
  set('padTokenId', pick('pad_token_id'));
  set('badWordsIds', pick('bad_words_ids'));
  set('bosTokenId', pick('bos_token_id'));
  setTaskSettings(g, pick);
  return g;
}

/** The optional settings of a task's entry in task_specific_params, in Firth's names. */
function taskParams(f: GenerationFields & { prefix?: string | undefined }): Seq2SeqTaskParams {
  const t: Seq2SeqTaskParams = {};
  const set = <K extends keyof Seq2SeqTaskParams>(k: K, v: Seq2SeqTaskParams[K] | null | undefined) => {
    if (v != null) t[k] = v;
  };
  set('prefix', f.prefix);
  set('decoderStartTokenId', f.decoder_start_token_id);
  setTaskSettings(t, (hf) => f[hf]);
  return t;
}

/** config.json's `prefix` and `task_specific_params`, checked, added to the generation defaults. */
function withTasks(g: Seq2SeqGenerationConfig, ckpt: HfCheckpoint): Seq2SeqGenerationConfig {
  const c = ckpt.checkConfig(
    shape.object({
      prefix: shape.optional(shape.nullable(shape.string())),
      task_specific_params: shape.optional(shape.nullable(taskParamsShape)),
    }),
  );
  if (c.prefix != null) g.prefix = c.prefix;
  if (c.task_specific_params != null)
    g.taskSpecificParams = Object.fromEntries(
      Object.entries(c.task_specific_params).map(([task, f]) => [task, taskParams(f)]),
    );
  return g;
}

/** generation_config.json beside config.json, when the folder has one. */
async function readGenerationConfig(
  folder: string,
): Promise<{ file: string; fields: GenerationFields } | null> {
  const file = join(folder, 'generation_config.json');
  if (!existsSync(file)) return null;
  const json = parseJson(await readModelFile(file), file, { uniqueKeys: true });
  return { file, fields: checkJson(json, generationShape, file) };
}

function checkIds(ids: number[], vocabSize: number, name: string): void {
  if (!Array.isArray(ids) || ids.length === 0)
    throw new ValidationError(`${name} must be a non-empty array of token ids`, name);
  for (const [i, t] of ids.entries())
    if (!Number.isInteger(t) || t < 0 || t >= vocabSize)
      throw new ValidationError(
        `${name}[${i}] = ${t} is outside the vocabulary [0, ${vocabSize})`,
        `${name}[${i}]`,
      );
}

/**
 * The token embedding and the output layer: the shared table (the first of `prefix` + shared,
 * encoder or decoder embed_tokens that the checkpoint holds), and as output the table itself when
 * tied, else lm_head; `bias()`, read after the table, added to the logits (BART's final_logits_bias).
 */
function embeddingAndHead(
  ckpt: HfCheckpoint,
  prefix: string,
  V: number,
  d: number,
  tied: boolean,
  bias: () => Float32Array | null,
): { shared: Embedding; lmHead: Linear } {
  const sharedName = firstTensor(ckpt, [
    `${prefix}shared.weight`,
    `${prefix}encoder.embed_tokens.weight`,
    `${prefix}decoder.embed_tokens.weight`,
  ]);
  const table = ckpt.tensor(sharedName, [V, d]);
  const b = bias();
  const lmHead = linearOf(tied ? table : ckpt.tensor('lm_head.weight', [V, d]), V, d, b);
  return { shared: tied ? new Embedding(null, lmHead.w, V, d) : new Embedding(table, null, V, d), lmHead };
}

/** The first of `names` the checkpoint holds (tied weights are saved under one of their names). */
function firstTensor(ckpt: HfCheckpoint, names: string[]): string {
  const found = names.find((n) => ckpt.tensors.has(n));
  if (!found)
    throw new FormatError(ckpt.weightsFile, '', `has no tensor ${names.map((n) => `"${n}"`).join(' or ')}`);
  return found;
}

// ───────────────────────────────────────────────────────────── T5

const t5ConfigShape = shape.object({
  model_type: shape.optional(shape.literal('t5', 'mt5')),
  vocab_size: configSize(),
  d_model: configSize(1 << 16),
  d_kv: configSize(1 << 16),
  d_ff: configSize(1 << 20),
  num_layers: configSize(1024),
  num_decoder_layers: shape.optional(shape.nullable(configSize(1024))),
  num_heads: configSize(1024),
  relative_attention_num_buckets: shape.optional(configSize(1 << 16)),
  relative_attention_max_distance: shape.optional(configSize(1 << 20)),
  layer_norm_epsilon: shape.optional(shape.number({ min: 0, max: 1 })),
  feed_forward_proj: shape.optional(shape.string({ nonEmpty: true })),
  tie_word_embeddings: shape.optional(shape.boolean()),
  ...generationFields,
});

interface T5Block {
  selfLn: Tensor;
  self: AttentionWeights;
  crossLn?: Tensor;
  cross?: AttentionWeights;
  ffLn: Tensor;
  /** wi, or wi_0 (gated) */
  wi: Linear;
  /** wi_1, gated only */
  wiGate?: Linear;
  wo: Linear;
}

/**
 * T5's relative position bucket (HF's `_relative_position_bucket`) of memory − context:
 * bidirectional splits the buckets between keys before and after; half of each side's buckets are
 * exact distances, the rest grow logarithmically up to maxDistance (float32 arithmetic, as PyTorch).
 */
export function relativePositionBucket(
  relativePosition: number,
  bidirectional: boolean,
  numBuckets: number,
  maxDistance: number,
): number {
  let buckets = 0;
  let n = numBuckets;
  let rp = relativePosition;
  if (bidirectional) {
    n = Math.floor(n / 2);
    if (rp > 0) buckets += n;
    rp = Math.abs(rp);
  } else rp = -Math.min(rp, 0);
  const maxExact = Math.floor(n / 2);
  if (rp < maxExact) return buckets + rp;
  const f = Math.fround;
  const ratio = f(Math.log(f(f(rp) / maxExact)));
  const large = maxExact + Math.trunc(f(f(ratio / f(Math.log(maxDistance / maxExact))) * (n - maxExact)));
  return buckets + Math.min(large, n - 1);
}

export class T5ForConditionalGeneration extends EngineEncoderDecoder implements EncoderDecoderLM {
  readonly architecture = 't5' as const;
  private constructor(
    readonly config: ShapeType<typeof t5ConfigShape>,
    readonly generationConfig: Seq2SeqGenerationConfig,
    private readonly shared: Embedding,
    /** The output layer: lm_head, or the shared embedding when tied (its d × vocab layout). */
    private readonly lmHead: Linear,
    private readonly tied: boolean,
    private readonly encoderBlocks: T5Block[],
    private readonly decoderBlocks: T5Block[],
    /** relative_attention_bias tables (buckets × heads). */
    private readonly encoderBias: Float32Array,
    private readonly decoderBias: Float32Array,
    private readonly encoderFinal: Tensor,
    private readonly decoderFinal: Tensor,
    private readonly act: (x: number) => number,
  ) {
    super(
      config.d_model,
      config.num_heads * config.d_kv,
      decoderBlocks.map((b) => b.cross!),
    );
  }

  static fromCheckpoint(
    ckpt: HfCheckpoint,
    extra: GenerationFields | null = null,
  ): T5ForConditionalGeneration {
    const c = ckpt.checkConfig(t5ConfigShape);
    const file = ckpt.configFile;
    const proj = c.feed_forward_proj ?? 'relu';
    const parts = proj.split('-');
    const gated = parts[0] === 'gated';
    if (parts.length > 2 || (parts.length === 2 && !gated))
      throw new FormatError(
        file,
        '$.feed_forward_proj',
        `must be ACT or gated-ACT, got ${JSON.stringify(proj)}`,
      );
    // HF: "gated-gelu" means the tanh GELU (gelu_new)
    const actName = proj === 'gated-gelu' ? 'gelu_new' : parts.at(-1)!;
    const act = activation(actName, file, '$.feed_forward_proj');
    const d = c.d_model;
    const inner = c.num_heads * c.d_kv;
    const nb = c.relative_attention_num_buckets ?? 32;
    const md = c.relative_attention_max_distance ?? 128;
    // the encoder's buckets split in two, each half exact up to a quarter: at least one exact bucket,
    // and the logarithmic range must start below max_distance
    if (nb < 4) throw new FormatError(file, '$.relative_attention_num_buckets', `must be ≥ 4, got ${nb}`);
    if (md < Math.floor(nb / 2))
      throw new FormatError(
        file,
        '$.relative_attention_max_distance',
        `must be ≥ relative_attention_num_buckets / 2 = ${Math.floor(nb / 2)}, got ${md}`,
      );
    const attention = (p: string): AttentionWeights => ({
      q: loadLinear(ckpt, `${p}.q`, inner, d),
      k: loadLinear(ckpt, `${p}.k`, inner, d),
      v: loadLinear(ckpt, `${p}.v`, inner, d),
      o: loadLinear(ckpt, `${p}.o`, d, inner),
    });
    const block = (stack: string, i: number, decoder: boolean): T5Block => {
      const p = `${stack}.block.${i}.layer`;
      const ff = `${p}.${decoder ? 2 : 1}`;
      const b: T5Block = {
        selfLn: vectorOf(ckpt, `${p}.0.layer_norm.weight`, d),
        self: attention(`${p}.0.SelfAttention`),
        ffLn: vectorOf(ckpt, `${ff}.layer_norm.weight`, d),
        wi: loadLinear(ckpt, `${ff}.DenseReluDense.${gated ? 'wi_0' : 'wi'}`, c.d_ff, d),
        wo: loadLinear(ckpt, `${ff}.DenseReluDense.wo`, d, c.d_ff),
      };
      if (gated) b.wiGate = loadLinear(ckpt, `${ff}.DenseReluDense.wi_1`, c.d_ff, d);
      if (decoder) {
        b.crossLn = vectorOf(ckpt, `${p}.1.layer_norm.weight`, d);
        b.cross = attention(`${p}.1.EncDecAttention`);
      }
      return b;
    };
    const nDec = c.num_decoder_layers ?? c.num_layers;
    const tied = c.tie_word_embeddings ?? true;
    const V = c.vocab_size;
    const { shared, lmHead } = embeddingAndHead(ckpt, '', V, d, tied, () => null);
    return new T5ForConditionalGeneration(
      c,
      withTasks(generationConfig(c, extra, file, V), ckpt),
      shared,
      lmHead,
      tied,
      Array.from({ length: c.num_layers }, (_, i) => block('encoder', i, false)),
      Array.from({ length: nDec }, (_, i) => block('decoder', i, true)),
      ckpt.tensor('encoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight', [nb, c.num_heads]),
      ckpt.tensor('decoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight', [nb, c.num_heads]),
      vectorOf(ckpt, 'encoder.final_layer_norm.weight', d),
      vectorOf(ckpt, 'decoder.final_layer_norm.weight', d),
      act,
    );
  }

  get vocabSize(): number {
    return this.config.vocab_size;
  }

  /** T5's scores: q kᵀ, no 1/√d. */
  private get heads(): Heads {
    return { nHeads: this.config.num_heads, headSize: this.config.d_kv, scale: 1 };
  }

  private get eps(): number {
    return this.config.layer_norm_epsilon ?? 1e-6;
  }

  /** Each head's bias (heads × keys) for a query at `query` over keys at `keys`: the table's bucket of key − query. */
  private positionBias(
    table: Float32Array,
    query: number,
    keys: readonly number[],
    bidirectional: boolean,
  ): Float32Array {
    const nh = this.config.num_heads;
    const nb = this.config.relative_attention_num_buckets ?? 32;
    const md = this.config.relative_attention_max_distance ?? 128;
    const n = keys.length;
    const out = new Float32Array(nh * n);
    for (let j = 0; j < n; j++) {
      const row = relativePositionBucket(keys[j]! - query, bidirectional, nb, md) * nh;
      for (let h = 0; h < nh; h++) out[h * n + j] = table[row + h]!;
    }
    return out;
  }

  private feedForward(x: Tensor, b: T5Block): Tensor {
    const n = rmsNorm(x, b.ffLn, this.eps);
    const h = b.wiGate
      ? gateInPlace(linear(n, b.wi), linear(n, b.wiGate), this.act)
      : mapInPlace(linear(n, b.wi), this.act);
    return add(x, linear(h, b.wo));
  }

  protected encodeRows(ids: number[], mask: number[], B: number, T: number): Float32Array {
    const { num_heads: nh, d_model: d } = this.config;
    return arenaScope(() => {
      let x = new Tensor(this.shared.lookup(ids), [B * T, d]);
      // each head's bias for query i over key j (T × T): the same in every block and sequence
      const positions = Array.from({ length: T }, (_, t) => t);
      const bias = new Float32Array(nh * T * T);
      for (let i = 0; i < T; i++) {
        const row = this.positionBias(this.encoderBias, i, positions, true);
        for (let h = 0; h < nh; h++) bias.set(row.subarray(h * T, (h + 1) * T), (h * T + i) * T);
      }
      for (const b of this.encoderBlocks) {
        const n = rmsNorm(x, b.selfLn, this.eps);
        x = add(x, encoderAttention(n, b.self, mask, B, T, this.heads, bias));
        x = this.feedForward(x, b);
      }
      return rmsNorm(x, this.encoderFinal, this.eps).data.slice();
    });
  }

  protected stepRows(rows: SelfCache[], tokens: number[]): Float32Array {
    const d = this.config.d_model;
    let x = new Tensor(this.shared.lookup(tokens), [rows.length, d]);
    // query at position p over keys 0..p (past-only buckets)
    const memo = new Map<number, Float32Array>();
    const selfBias = (length: number) => {
      let b = memo.get(length);
      if (!b) {
        const keys = Array.from({ length }, (_, t) => t);
        b = this.positionBias(this.decoderBias, length - 1, keys, false);
        memo.set(length, b);
      }
      return b;
    };
    for (const [l, b] of this.decoderBlocks.entries()) {
      const n = rmsNorm(x, b.selfLn, this.eps);
      x = add(x, decoderAttention(n, b.self, rows, l, false, this.heads, selfBias));
      const m = rmsNorm(x, b.crossLn!, this.eps);
      x = add(x, decoderAttention(m, b.cross!, rows, l, true, this.heads, null));
      x = this.feedForward(x, b);
    }
    for (const row of rows) row.length++;
    const h = rmsNorm(x, this.decoderFinal, this.eps);
    // tied: rescale by d_model^−½ before the shared embedding (Mesh TensorFlow's convention)
    return linear(this.tied ? scaleOp(h, d ** -0.5) : h, this.lmHead).data;
  }
}

// ───────────────────────────────────────────────────────────── BART / Marian

const bartConfigShape = shape.object({
  model_type: shape.literal('bart', 'marian'),
  vocab_size: configSize(),
  d_model: configSize(1 << 16),
  encoder_layers: configSize(1024),
  decoder_layers: configSize(1024),
  encoder_attention_heads: configSize(1024),
  decoder_attention_heads: configSize(1024),
  encoder_ffn_dim: configSize(1 << 20),
  decoder_ffn_dim: configSize(1 << 20),
  max_position_embeddings: configSize(1 << 20),
  activation_function: shape.optional(shape.string({ nonEmpty: true })),
  scale_embedding: shape.optional(shape.boolean()),
  normalize_before: shape.optional(shape.literal(false)),
  add_final_layer_norm: shape.optional(shape.literal(false)),
  tie_word_embeddings: shape.optional(shape.boolean()),
  decoder_vocab_size: shape.optional(shape.nullable(configSize())),
  ...generationFields,
});

type LayerNormWeights = [Tensor, Tensor];
interface BartLayer {
  self: AttentionWeights;
  selfLn: LayerNormWeights;
  cross?: AttentionWeights;
  crossLn?: LayerNormWeights;
  fc1: Linear;
  fc2: Linear;
  finalLn: LayerNormWeights;
}

/** Marian's sinusoidal table: sin(pos / 10000^(2⌊j/2⌋/d)) of the even j in the first half, cos of the odd j in the second. */
export function marianSinusoidalPositions(nPositions: number, d: number): Matrix {
  const sentinel = Math.ceil(d / 2);
  return Array.from({ length: nPositions }, (_, pos) => {
    const angle = (j: number) => pos / 10000 ** ((2 * Math.floor(j / 2)) / d);
    const row = new Array<number>(d);
    for (let j = 0; j < d; j += 2) row[j / 2] = Math.fround(Math.sin(angle(j)));
    for (let j = 1; j < d; j += 2) row[sentinel + (j - 1) / 2] = Math.fround(Math.cos(angle(j)));
    return row;
  });
}

export class BartForConditionalGeneration extends EngineEncoderDecoder implements EncoderDecoderLM {
  private constructor(
    readonly architecture: 'bart' | 'marian',
    readonly config: ShapeType<typeof bartConfigShape>,
    readonly generationConfig: Seq2SeqGenerationConfig,
    private readonly shared: Embedding,
    /** The output layer: the shared embedding (or lm_head) and final_logits_bias. */
    private readonly lmHead: Linear,
    /** Position tables (positions × d_model). */
    private readonly encoderPositions: Float32Array,
    private readonly decoderPositions: Float32Array,
    private readonly encoderLnEmbedding: LayerNormWeights | null,
    private readonly decoderLnEmbedding: LayerNormWeights | null,
    private readonly encoderLayers: BartLayer[],
    private readonly decoderLayers: BartLayer[],
    private readonly act: (x: number) => number,
  ) {
    super(
      config.d_model,
      config.d_model,
      decoderLayers.map((l) => l.cross!),
    );
  }

  static fromCheckpoint(
    ckpt: HfCheckpoint,
    extra: GenerationFields | null = null,
  ): BartForConditionalGeneration {
    const c = ckpt.checkConfig(bartConfigShape);
    const file = ckpt.configFile;
    const marian = c.model_type === 'marian';
    if (c.decoder_vocab_size != null && c.decoder_vocab_size !== c.vocab_size)
      throw new FormatError(
        file,
        '$.decoder_vocab_size',
        `must equal vocab_size ${c.vocab_size} (separate decoder vocabularies are not supported), got ${c.decoder_vocab_size}`,
      );
    for (const [k, h] of [
      ['encoder_attention_heads', c.encoder_attention_heads],
      ['decoder_attention_heads', c.decoder_attention_heads],
    ] as const)
      if (c.d_model % h) throw new FormatError(file, `$.${k}`, `must divide d_model ${c.d_model}, got ${h}`);
    const act = activation(c.activation_function ?? 'gelu', file, '$.activation_function');
    const d = c.d_model;
    const ln = (p: string): LayerNormWeights => [
      vectorOf(ckpt, `${p}.weight`, d),
      vectorOf(ckpt, `${p}.bias`, d),
    ];
    const attention = (p: string): AttentionWeights => ({
      q: loadLinear(ckpt, `${p}.q_proj`, d, d, true),
      k: loadLinear(ckpt, `${p}.k_proj`, d, d, true),
      v: loadLinear(ckpt, `${p}.v_proj`, d, d, true),
      o: loadLinear(ckpt, `${p}.out_proj`, d, d, true),
    });
    const layer = (stack: 'encoder' | 'decoder', i: number): BartLayer => {
      const p = `model.${stack}.layers.${i}`;
      const ffn = stack === 'encoder' ? c.encoder_ffn_dim : c.decoder_ffn_dim;
      const l: BartLayer = {
        self: attention(`${p}.self_attn`),
        selfLn: ln(`${p}.self_attn_layer_norm`),
        fc1: loadLinear(ckpt, `${p}.fc1`, ffn, d, true),
        fc2: loadLinear(ckpt, `${p}.fc2`, d, ffn, true),
        finalLn: ln(`${p}.final_layer_norm`),
      };
      if (stack === 'decoder') {
        l.cross = attention(`${p}.encoder_attn`);
        l.crossLn = ln(`${p}.encoder_attn_layer_norm`);
      }
      return l;
    };
    const V = c.vocab_size;
    const tied = c.tie_word_embeddings ?? true;
    // final_logits_bias is a buffer HF saves; a checkpoint without it has zeros (as HF loads it)
    const { shared, lmHead } = embeddingAndHead(ckpt, 'model.', V, d, tied, () =>
      ckpt.tensors.has('final_logits_bias') ? ckpt.tensor('final_logits_bias', [1, V]) : new Float32Array(V),
    );
    const P = c.max_position_embeddings;
    const positions = (stack: string) =>
      marian
        ? Float32Array.from(marianSinusoidalPositions(P, d).flat())
        : ckpt.tensor(`model.${stack}.embed_positions.weight`, [P + 2, d]).subarray(2 * d);
    return new BartForConditionalGeneration(
      marian ? 'marian' : 'bart',
      c,
      withTasks(generationConfig(c, extra, file, V), ckpt),
      shared,
      lmHead,
      positions('encoder'),
      positions('decoder'),
      marian ? null : ln('model.encoder.layernorm_embedding'),
      marian ? null : ln('model.decoder.layernorm_embedding'),
      Array.from({ length: c.encoder_layers }, (_, i) => layer('encoder', i)),
      Array.from({ length: c.decoder_layers }, (_, i) => layer('decoder', i)),
      act,
    );
  }

  get vocabSize(): number {
    return this.config.vocab_size;
  }

  /** Token embeddings (× √d_model when scale_embedding) + each one's position, then layernorm_embedding. */
  private embed(ids: number[], positions: Float32Array, at: number[], ln: LayerNormWeights | null): Tensor {
    const d = this.config.d_model;
    const P = this.config.max_position_embeddings;
    const last = Math.max(...at);
    if (last >= P)
      throw new ValidationError(
        `${last + 1} positions, but the model has max_position_embeddings ${P}`,
        'ids',
      );
    const x = this.shared.lookup(ids, this.config.scale_embedding ? Math.sqrt(d) : 1);
    for (const [i, p] of at.entries()) for (let j = 0; j < d; j++) x[i * d + j]! += positions[p * d + j]!;
    const t = new Tensor(x, [ids.length, d]);
    return ln ? layerNorm(t, ln[0], ln[1]) : t;
  }

  /** q kᵀ/√head size; the encoder's and the decoder's heads. */
  private heads(nHeads: number): Heads {
    const headSize = this.config.d_model / nHeads;
    return { nHeads, headSize, scale: headSize ** -0.5 };
  }

  private feedForward(x: Tensor, l: BartLayer): Tensor {
    const h = mapInPlace(linear(x, l.fc1), this.act);
    return addLayerNorm(x, linear(h, l.fc2), l.finalLn[0], l.finalLn[1]);
  }

  protected encodeRows(ids: number[], mask: number[], B: number, T: number): Float32Array {
    const heads = this.heads(this.config.encoder_attention_heads);
    return arenaScope(() => {
      // positions count from each row's start, padding included (as HF's)
      const at = ids.map((_, i) => i % T);
      let x = this.embed(ids, this.encoderPositions, at, this.encoderLnEmbedding);
      for (const l of this.encoderLayers) {
        const a = encoderAttention(x, l.self, mask, B, T, heads, null);
        x = addLayerNorm(x, a, l.selfLn[0], l.selfLn[1]);
        x = this.feedForward(x, l);
      }
      return x.data.slice();
    });
  }

  protected stepRows(rows: SelfCache[], tokens: number[]): Float32Array {
    const heads = this.heads(this.config.decoder_attention_heads);
    let x = this.embed(
      tokens,
      this.decoderPositions,
      rows.map((r) => r.length),
      this.decoderLnEmbedding,
    );
    for (const [i, l] of this.decoderLayers.entries()) {
      // the cache holds only past positions and this one: no mask needed
      const a = decoderAttention(x, l.self, rows, i, false, heads, null);
      x = addLayerNorm(x, a, l.selfLn[0], l.selfLn[1]);
      const c = decoderAttention(x, l.cross!, rows, i, true, heads, null);
      x = addLayerNorm(x, c, l.crossLn![0], l.crossLn![1]);
      x = this.feedForward(x, l);
    }
    for (const row of rows) row.length++;
    return linear(x, this.lmHead).data;
  }
}

// ───────────────────────────────────────────────────────────── loading

const architectureShape = shape.object({
  model_type: shape.optional(shape.string()),
  architectures: shape.optional(shape.array(shape.string())),
});

/**
 * A Hugging Face encoder–decoder folder (T5, mT5, BART, Marian: by config.json's model_type, else
 * its architectures). NaN/Infinity weights are refused unless `allowNonFinite`.
 */
export async function loadSeq2Seq(
  folder: string,
  options: CheckpointOptions = {},
): Promise<EncoderDecoderLM> {
  const ckpt = await readHfCheckpoint(folder, [''], options);
  const gen = await readGenerationConfig(folder);
  const { model_type, architectures = [] } = ckpt.checkConfig(architectureShape);
  const kind =
    model_type ??
    (architectures.some((a) => a.startsWith('T5') || a.startsWith('MT5'))
      ? 't5'
      : architectures.some((a) => a.startsWith('Marian'))
        ? 'marian'
        : architectures.some((a) => a.startsWith('Bart'))
          ? 'bart'
          : undefined);
  if (kind === 't5' || kind === 'mt5')
    return T5ForConditionalGeneration.fromCheckpoint(ckpt, gen?.fields ?? null);
  if (kind === 'bart' || kind === 'marian')
    return BartForConditionalGeneration.fromCheckpoint(ckpt, gen?.fields ?? null);
  throw new FormatError(
    ckpt.configFile,
    '$.model_type',
    `must name an encoder–decoder Firth runs (t5, mt5, bart, marian), got ${JSON.stringify(model_type ?? architectures)}`,
  );
}

/**
 * Decoder logits for given decoder input ids (teacher forcing, as HF's forward with
 * decoder_input_ids): the encoder once, then the cached decoder one position at a time.
 */
export function seq2seqForward(
  model: EncoderDecoderLM,
  inputIds: number[],
  decoderInputIds: number[],
): { encoderLastHiddenState: Matrix; logits: Matrix } {
  const encoderLastHiddenState = model.encode(inputIds);
  checkIds(decoderInputIds, model.vocabSize, 'decoder_input_ids');
  const run = model.startDecoder(encoderLastHiddenState);
  return { encoderLastHiddenState, logits: decoderInputIds.map((t) => run.step(t)) };
}
