/**
 * Hugging Face encoder–decoder checkpoints — T5 (`T5ForConditionalGeneration`), BART
 * (`BartForConditionalGeneration`) and Marian (`MarianMTModel`) — from the folders `save_pretrained`
 * writes (config.json + model.safetensors, HF's parameter names; generation_config.json read when
 * present), run in float64 on the reference blocks (reference/: the one attention, LayerNorm,
 * RMSNorm, the activations). Generation is seq2seq-generate.ts (greedy and beam search, as HF).
 *
 *   const model = await loadSeq2Seq('models/t5-small');        // T5, BART or Marian, by config.json
 *   const enc = model.encode([13959, 1566, 12, 2379, 10, 8774, 1]);   // encoder states (T × d_model)
 *   const run = model.startDecoder(enc);                       // cached decoding: one position a step
 *   run.step(model.generationConfig.decoderStartTokenId)      // logits of the first output token
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
import { type HfCheckpoint, readHfCheckpoint, readModelFile } from './hf-checkpoint.js';
import { configSize } from './hf-config.js';
import { type Matrix, scaledDotProductAttention } from './reference/attention.js';
import { geluErf } from './reference/bert.js';
import { activations } from './reference/feed-forward.js';
import { layerNorm, rmsNorm } from './reference/normalization.js';
import type { CheckpointOptions } from './safetensors.js';

export type Seq2SeqArchitecture = 't5' | 'bart' | 'marian';

/** Generation defaults from config.json and generation_config.json (HF's field meanings). */
export interface Seq2SeqGenerationConfig {
  decoderStartTokenId: number;
  /** Ends a sequence (HF allows several). */
  eosTokenId: number[];
  padTokenId?: number;
  forcedBosTokenId?: number;
  forcedEosTokenId?: number;
  /** Single-token bad words (Marian bans its pad token). */
  badWordsIds?: number[][];
  maxLength?: number;
  maxNewTokens?: number;
  minLength?: number;
  numBeams?: number;
  lengthPenalty?: number;
  earlyStopping?: boolean | 'never';
  noRepeatNgramSize?: number;
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

/** What seq2seq-generate.ts needs from a model: encode once, decode one token at a time. */
export interface EncoderDecoderLM {
  readonly architecture: Seq2SeqArchitecture;
  readonly vocabSize: number;
  readonly generationConfig: Seq2SeqGenerationConfig;
  /** The encoder's last hidden state for one sequence of input ids (T × d_model). */
  encode(inputIds: number[]): Matrix;
  startDecoder(encoderStates: Matrix): DecoderRun;
}

// ───────────────────────────────────────────────────────────── shared pieces

const addRows = (a: Matrix, b: Matrix): Matrix => a.map((r, i) => r.map((v, j) => v + b[i]![j]!));

/**
 * An nn.Linear as Hugging Face stores it: weight (out × in) row-major float32, bias (out) or none;
 * y = x Wᵀ + b, summed in float64. Kept as the checkpoint's arrays (no copy, no transpose): a large
 * checkpoint costs its own size in memory, and each output is one contiguous dot product.
 */
interface Linear {
  w: Float32Array;
  b: Float32Array | null;
  out: number;
  inp: number;
}

const loadLinear = (ckpt: HfCheckpoint, name: string, out: number, inp: number, bias = false): Linear => ({
  w: ckpt.tensor(`${name}.weight`, [out, inp]),
  b: bias ? ckpt.tensor(`${name}.bias`, [out]) : null,
  out,
  inp,
});

/** x Wᵀ + b for each row of x. */
function linear(x: Matrix, l: Linear): Matrix {
  const { w, b, out, inp } = l;
  return x.map((row) => {
    const y = new Array<number>(out);
    for (let o = 0; o < out; o++) {
      let s = b ? b[o]! : 0;
      const off = o * inp;
      for (let i = 0; i < inp; i++) s += w[off + i]! * row[i]!;
      y[o] = s;
    }
    return y;
  });
}

/** Row t of an embedding table kept as a Linear (vocab × d). */
const embeddingRow = (table: Linear, t: number): number[] =>
  Array.from(table.w.subarray(t * table.inp, (t + 1) * table.inp));

/**
 * Multi-head attention of query rows over key/value rows already projected (T × nHeads·headSize),
 * head by head through the one attention (reference/attention.ts); `bias(h)` is head h's additive
 * score bias (T5). Returns the heads side by side (Tq × nHeads·headSize), before the output product.
 */
function attendHeads(
  Q: Matrix,
  K: Matrix,
  V: Matrix,
  nHeads: number,
  headSize: number,
  scale: number,
  bias?: (h: number) => Matrix,
): Matrix {
  const cols = (m: Matrix, h: number) => m.map((r) => r.slice(h * headSize, (h + 1) * headSize));
  const heads = Array.from({ length: nHeads }, (_, h) => {
    const b = bias?.(h);
    return scaledDotProductAttention(cols(Q, h), cols(K, h), cols(V, h), {
      scale,
      ...(b ? { bias: b } : {}),
    }).output;
  });
  return Q.map((_, i) => heads.flatMap((o) => o[i]!));
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
  set('forcedBosTokenId', pick('forced_bos_token_id'));
  set('forcedEosTokenId', pick('forced_eos_token_id'));
  set('badWordsIds', pick('bad_words_ids'));
  set('maxLength', pick('max_length'));
  set('maxNewTokens', pick('max_new_tokens'));
  set('minLength', pick('min_length'));
  set('numBeams', pick('num_beams'));
  set('lengthPenalty', pick('length_penalty'));
  set('earlyStopping', pick('early_stopping'));
  set('noRepeatNgramSize', pick('no_repeat_ngram_size'));
  set('bosTokenId', pick('bos_token_id'));
  return g;
}

/** The optional settings of a task's entry in task_specific_params, in Firth's names. */
function taskParams(f: GenerationFields & { prefix?: string | undefined }): Seq2SeqTaskParams {
  const t: Seq2SeqTaskParams = {};
  const set = <K extends keyof Seq2SeqTaskParams>(k: K, v: Seq2SeqTaskParams[K] | null | undefined) => {
    if (v != null) t[k] = v;
  };
  set('prefix', f.prefix);
  set('maxLength', f.max_length);
  set('maxNewTokens', f.max_new_tokens);
  set('minLength', f.min_length);
  set('numBeams', f.num_beams);
  set('lengthPenalty', f.length_penalty);
  set('earlyStopping', f.early_stopping);
  set('noRepeatNgramSize', f.no_repeat_ngram_size);
  set('forcedBosTokenId', f.forced_bos_token_id);
  set('forcedEosTokenId', f.forced_eos_token_id);
  set('decoderStartTokenId', f.decoder_start_token_id);
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

interface T5Attention {
  q: Linear;
  k: Linear;
  v: Linear;
  o: Linear;
}
interface T5Block {
  selfLn: number[];
  self: T5Attention;
  crossLn?: number[];
  cross?: T5Attention;
  ffLn: number[];
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

export class T5ForConditionalGeneration implements EncoderDecoderLM {
  readonly architecture = 't5' as const;
  private constructor(
    readonly config: ShapeType<typeof t5ConfigShape>,
    readonly generationConfig: Seq2SeqGenerationConfig,
    private readonly shared: Linear,
    private readonly lmHead: Linear | null,
    private readonly encoderBlocks: T5Block[],
    private readonly decoderBlocks: T5Block[],
    private readonly encoderBias: Matrix,
    private readonly decoderBias: Matrix,
    private readonly encoderFinal: number[],
    private readonly decoderFinal: number[],
    private readonly act: (x: number) => number,
  ) {}

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
    const attention = (p: string): T5Attention => ({
      q: loadLinear(ckpt, `${p}.q`, inner, d),
      k: loadLinear(ckpt, `${p}.k`, inner, d),
      v: loadLinear(ckpt, `${p}.v`, inner, d),
      o: loadLinear(ckpt, `${p}.o`, d, inner),
    });
    const block = (stack: string, i: number, decoder: boolean): T5Block => {
      const p = `${stack}.block.${i}.layer`;
      const ff = `${p}.${decoder ? 2 : 1}`;
      const b: T5Block = {
        selfLn: ckpt.vector(`${p}.0.layer_norm.weight`, d),
        self: attention(`${p}.0.SelfAttention`),
        ffLn: ckpt.vector(`${ff}.layer_norm.weight`, d),
        wi: loadLinear(ckpt, `${ff}.DenseReluDense.${gated ? 'wi_0' : 'wi'}`, c.d_ff, d),
        wo: loadLinear(ckpt, `${ff}.DenseReluDense.wo`, d, c.d_ff),
      };
      if (gated) b.wiGate = loadLinear(ckpt, `${ff}.DenseReluDense.wi_1`, c.d_ff, d);
      if (decoder) {
        b.crossLn = ckpt.vector(`${p}.1.layer_norm.weight`, d);
        b.cross = attention(`${p}.1.EncDecAttention`);
      }
      return b;
    };
    const nDec = c.num_decoder_layers ?? c.num_layers;
    const tied = c.tie_word_embeddings ?? true;
    const sharedName = firstTensor(ckpt, [
      'shared.weight',
      'encoder.embed_tokens.weight',
      'decoder.embed_tokens.weight',
    ]);
    return new T5ForConditionalGeneration(
      c,
      withTasks(generationConfig(c, extra, file, c.vocab_size), ckpt),
      { w: ckpt.tensor(sharedName, [c.vocab_size, d]), b: null, out: c.vocab_size, inp: d },
      tied ? null : loadLinear(ckpt, 'lm_head', c.vocab_size, d),
      Array.from({ length: c.num_layers }, (_, i) => block('encoder', i, false)),
      Array.from({ length: nDec }, (_, i) => block('decoder', i, true)),
      ckpt.matrix('encoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight', [nb, c.num_heads]),
      ckpt.matrix('decoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight', [nb, c.num_heads]),
      ckpt.vector('encoder.final_layer_norm.weight', d),
      ckpt.vector('decoder.final_layer_norm.weight', d),
      act,
    );
  }

  get vocabSize(): number {
    return this.config.vocab_size;
  }

  private get eps(): number {
    return this.config.layer_norm_epsilon ?? 1e-6;
  }

  /** Head h's bias for queries at `queries` over keys 0..nKeys−1 (the table's bucket of key − query). */
  private positionBias(
    table: Matrix,
    h: number,
    queries: number[],
    nKeys: number,
    bidirectional: boolean,
  ): Matrix {
    const nb = this.config.relative_attention_num_buckets ?? 32;
    const md = this.config.relative_attention_max_distance ?? 128;
    return queries.map((q) =>
      Array.from(
        { length: nKeys },
        (_, k) => table[relativePositionBucket(k - q, bidirectional, nb, md)]![h]!,
      ),
    );
  }

  private feedForward(x: Matrix, b: T5Block): Matrix {
    const n = rmsNorm(x, b.ffLn, this.eps);
    let h = linear(n, b.wi).map((r) => r.map(this.act));
    if (b.wiGate) {
      const g = linear(n, b.wiGate);
      h = h.map((r, i) => r.map((v, j) => v * g[i]![j]!));
    }
    return addRows(x, linear(h, b.wo));
  }

  encode(inputIds: number[]): Matrix {
    const { num_heads: nh, d_kv: hd } = this.config;
    checkIds(inputIds, this.vocabSize, 'input_ids');
    let x: Matrix = inputIds.map((t) => embeddingRow(this.shared, t));
    const positions = inputIds.map((_, i) => i);
    const bias = Array.from({ length: nh }, (_, h) =>
      this.positionBias(this.encoderBias, h, positions, inputIds.length, true),
    );
    for (const b of this.encoderBlocks) {
      const n = rmsNorm(x, b.selfLn, this.eps);
      const ctx = attendHeads(
        linear(n, b.self.q),
        linear(n, b.self.k),
        linear(n, b.self.v),
        nh,
        hd,
        1,
        (h) => bias[h]!,
      );
      x = addRows(x, linear(ctx, b.self.o));
      x = this.feedForward(x, b);
    }
    return rmsNorm(x, this.encoderFinal, this.eps);
  }

  startDecoder(encoderStates: Matrix): DecoderRun {
    const { num_heads: nh, d_kv: hd, d_model: d } = this.config;
    const cross = this.decoderBlocks.map((b) => ({
      k: linear(encoderStates, b.cross!.k),
      v: linear(encoderStates, b.cross!.v),
    }));
    const run = (keys: Matrix[], values: Matrix[]): DecoderRun => ({
      get length() {
        return keys[0]!.length;
      },
      fork: () =>
        run(
          keys.map((k) => k.slice()),
          values.map((v) => v.slice()),
        ),
      step: (token: number) => {
        checkIds([token], this.vocabSize, 'token');
        const pos = keys[0]!.length;
        let x: Matrix = [embeddingRow(this.shared, token)];
        for (const [l, b] of this.decoderBlocks.entries()) {
          const n = rmsNorm(x, b.selfLn, this.eps);
          keys[l]!.push(linear(n, b.self.k)[0]!);
          values[l]!.push(linear(n, b.self.v)[0]!);
          const ctx = attendHeads(linear(n, b.self.q), keys[l]!, values[l]!, nh, hd, 1, (h) =>
            this.positionBias(this.decoderBias, h, [pos], pos + 1, false),
          );
          x = addRows(x, linear(ctx, b.self.o));
          const m = rmsNorm(x, b.crossLn!, this.eps);
          const cctx = attendHeads(linear(m, b.cross!.q), cross[l]!.k, cross[l]!.v, nh, hd, 1);
          x = addRows(x, linear(cctx, b.cross!.o));
          x = this.feedForward(x, b);
        }
        const h = rmsNorm(x, this.decoderFinal, this.eps)[0]!;
        if (this.lmHead) return linear([h], this.lmHead)[0]!;
        // tied: rescale by d_model^−½ before the shared embedding (Mesh TensorFlow's convention)
        const s = d ** -0.5;
        return linear([h.map((v) => v * s)], this.shared)[0]!;
      },
    });
    return run(
      this.decoderBlocks.map(() => []),
      this.decoderBlocks.map(() => []),
    );
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

interface BartAttention {
  q: Linear;
  k: Linear;
  v: Linear;
  o: Linear;
}
type LayerNormWeights = [number[], number[]];
interface BartLayer {
  self: BartAttention;
  selfLn: LayerNormWeights;
  cross?: BartAttention;
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

export class BartForConditionalGeneration implements EncoderDecoderLM {
  private constructor(
    readonly architecture: 'bart' | 'marian',
    readonly config: ShapeType<typeof bartConfigShape>,
    readonly generationConfig: Seq2SeqGenerationConfig,
    private readonly shared: Linear,
    /** The output layer: the shared embedding (or lm_head) and final_logits_bias. */
    private readonly lmHead: Linear,
    private readonly encoderPositions: Matrix,
    private readonly decoderPositions: Matrix,
    private readonly encoderLnEmbedding: LayerNormWeights | null,
    private readonly decoderLnEmbedding: LayerNormWeights | null,
    private readonly encoderLayers: BartLayer[],
    private readonly decoderLayers: BartLayer[],
    private readonly act: (x: number) => number,
  ) {}

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
    const ln = (p: string): LayerNormWeights => [ckpt.vector(`${p}.weight`, d), ckpt.vector(`${p}.bias`, d)];
    const attention = (p: string): BartAttention => ({
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
    const sharedName = firstTensor(ckpt, [
      'model.shared.weight',
      'model.encoder.embed_tokens.weight',
      'model.decoder.embed_tokens.weight',
    ]);
    const shared: Linear = { w: ckpt.tensor(sharedName, [V, d]), b: null, out: V, inp: d };
    const tied = c.tie_word_embeddings ?? true;
    // final_logits_bias is a buffer HF saves; a checkpoint without it has zeros (as HF loads it)
    const lmHead: Linear = {
      ...(tied ? shared : loadLinear(ckpt, 'lm_head', V, d)),
      b: ckpt.tensors.has('final_logits_bias') ? ckpt.tensor('final_logits_bias', [1, V]) : null,
    };
    const P = c.max_position_embeddings;
    const positions = (stack: string) =>
      marian
        ? marianSinusoidalPositions(P, d)
        : ckpt.matrix(`model.${stack}.embed_positions.weight`, [P + 2, d]).slice(2);
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

  private embed(ids: number[], positions: Matrix, from: number, ln: LayerNormWeights | null): Matrix {
    const scale = this.config.scale_embedding ? Math.sqrt(this.config.d_model) : 1;
    if (from + ids.length > positions.length)
      throw new ValidationError(
        `${from + ids.length} positions, but the model has max_position_embeddings ${positions.length}`,
        'ids',
      );
    const x = ids.map((t, i) =>
      embeddingRow(this.shared, t).map((v, j) => v * scale + positions[from + i]![j]!),
    );
    return ln ? layerNorm(x, ln[0], ln[1]) : x;
  }

  private feedForward(x: Matrix, l: BartLayer): Matrix {
    const h = linear(x, l.fc1).map((r) => r.map(this.act));
    return layerNorm(addRows(x, linear(h, l.fc2)), l.finalLn[0], l.finalLn[1]);
  }

  encode(inputIds: number[]): Matrix {
    checkIds(inputIds, this.vocabSize, 'input_ids');
    const nh = this.config.encoder_attention_heads;
    const hd = this.config.d_model / nh;
    let x = this.embed(inputIds, this.encoderPositions, 0, this.encoderLnEmbedding);
    for (const l of this.encoderLayers) {
      const a = l.self;
      const ctx = attendHeads(linear(x, a.q), linear(x, a.k), linear(x, a.v), nh, hd, hd ** -0.5);
      x = layerNorm(addRows(x, linear(ctx, a.o)), l.selfLn[0], l.selfLn[1]);
      x = this.feedForward(x, l);
    }
    return x;
  }

  startDecoder(encoderStates: Matrix): DecoderRun {
    const nh = this.config.decoder_attention_heads;
    const hd = this.config.d_model / nh;
    const cross = this.decoderLayers.map((l) => ({
      k: linear(encoderStates, l.cross!.k),
      v: linear(encoderStates, l.cross!.v),
    }));
    const run = (keys: Matrix[], values: Matrix[]): DecoderRun => ({
      get length() {
        return keys[0]!.length;
      },
      fork: () =>
        run(
          keys.map((k) => k.slice()),
          values.map((v) => v.slice()),
        ),
      step: (token: number) => {
        checkIds([token], this.vocabSize, 'token');
        let x = this.embed([token], this.decoderPositions, keys[0]!.length, this.decoderLnEmbedding);
        for (const [i, l] of this.decoderLayers.entries()) {
          const a = l.self;
          keys[i]!.push(linear(x, a.k)[0]!);
          values[i]!.push(linear(x, a.v)[0]!);
          // the cache holds only past positions and this one: no mask needed
          const ctx = attendHeads(linear(x, a.q), keys[i]!, values[i]!, nh, hd, hd ** -0.5);
          x = layerNorm(addRows(x, linear(ctx, a.o)), l.selfLn[0], l.selfLn[1]);
          const b = l.cross!;
          const cctx = attendHeads(linear(x, b.q), cross[i]!.k, cross[i]!.v, nh, hd, hd ** -0.5);
          x = layerNorm(addRows(x, linear(cctx, b.o)), l.crossLn![0], l.crossLn![1]);
          x = this.feedForward(x, l);
        }
        const h = x[0]!;
        return linear([h], this.lmHead)[0]!;
      },
    });
    return run(
      this.decoderLayers.map(() => []),
      this.decoderLayers.map(() => []),
    );
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
