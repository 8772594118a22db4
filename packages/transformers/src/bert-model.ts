/**
 * BERT, trainable — the course's "BERT" (encoder-only, bidirectional) on Firth's autograd engine,
 * with Hugging Face's parameter names so that what is trained here saves as a `BertModel` folder
 * (config.json + model.safetensors + vocab.txt) that `BertModel.load`, or `transformers`, reads back.
 * `BertModel.load` is also how Hugging Face BERT folders are run: `encode(batch, { grad: false })`
 * is the inference path (bert.ts's `Bert` is a deprecated one-sequence facade over it).
 *
 *   const bert = new BertModel({ vocabSize: tok.vocabSize, hiddenSize: 128, numHiddenLayers: 2 });
 *   const h = bert.encode(collate([tok.encodePlus('he went to the bank')]));   // (B, T, H)
 *
 *   e = Dropout(LN(word[ids] + position[0..T) + tokenType[segments]))
 *   per layer (post-norm, as the original):
 *     q, k, v = e Wq + bq, e Wk + bk, e Wv + bv                 split into heads (B, h, T, d_head)
 *     A = Dropout(softmax(q kᵀ / √d_head, padding keys masked))
 *     a = LN(e + Dropout(concat_heads(A v) Wo + bo))
 *     e = LN(a + Dropout(GELU(a W1 + b1) W2 + b2))                 GELU(x) = ½x(1 + erf(x/√2))
 *   pooled = tanh(e[CLS] Wp + bp)                                  the sentence vector of [CLS]
 *
 * The heads (masked LM + next-sentence prediction, sequence/token classification, question
 * answering) live one task per file (bert-heads.ts lists them) and register their weights in the
 * same store, under the names Hugging Face gives them (`cls.predictions.*`, `classifier.*`,
 * `qa_outputs.*`).
 *
 * Linear weights are kept (in × out) so every product is x W; Hugging Face's nn.Linear stores
 * (out × in), so saving and loading transpose them. Embedding tables are (rows × H) in both.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { checkJson, FormatError, RandomState, shape, ValidationError } from '@firth/numeric';
import {
  add,
  addLayerNorm,
  arenaScope,
  concatLast,
  dropout,
  embedding,
  geluErfOp,
  layerNorm,
  linear as linearOp,
  reshape,
  selfAttentionWithWeights,
  Tensor,
  tanhOp,
} from '@firth/tensor';
import { type AttentionMaps, headsOf } from './attention-maps.js';
import { checkedTensor, configSize, readHfCheckpoint } from './hf-checkpoint.js';
import {
  type CheckpointOptions,
  readSafetensors,
  type Tensor as SafeTensor,
  writeSafetensors,
} from './safetensors.js';
import type { BertEncoding, WordPieceTokenizer } from './tokenizers/wordpiece.js';

export interface BertModelConfig {
  vocabSize: number;
  /** @default 128 */
  hiddenSize?: number;
  /** @default 2 */
  numHiddenLayers?: number;
  /** @default 2 */
  numAttentionHeads?: number;
  /** @default 4 · hiddenSize */
  intermediateSize?: number;
  /** @default 128 */
  maxPositionEmbeddings?: number;
  /** @default 2 */
  typeVocabSize?: number;
  /** Dropout on embeddings and sub-layer outputs while training. @default 0.1 */
  hiddenDropoutProb?: number;
  /** Dropout on attention weights while training. @default 0.1 */
  attentionProbsDropoutProb?: number;
  /** @default 1e-12 */
  layerNormEps?: number;
  /** Seeds the initial weights. @default 0 */
  seed?: number;
}

/** A padded batch: what BERT's forward pass reads (`input_ids`, `token_type_ids`, `attention_mask`). */
export interface BertBatch {
  inputIds: number[][];
  tokenTypeIds: number[][];
  attentionMask: number[][];
  /**
   * Each token's row of the position table; absent: 0, 1, …, T−1 (BERT). RoBERTa's count from
   * padding_idx + 1 and give padding padding_idx (hf-encoders.ts computes them).
   */
  positionIds?: number[][];
}

/**
 * One vector for a text from BERT's token vectors (sentence-transformers' pooling): their mean,
 * [CLS] and [SEP] included (for one unpadded text), or the [CLS] vector alone; optionally scaled
 * to unit length.   v = (1/T) Σ_t h_t;  v / ‖v‖ when `normalize`
 */
export function poolVectors(
  vectors: readonly (readonly number[])[],
  options: { pooling?: 'mean' | 'cls'; normalize?: boolean } = {},
): number[] {
  if (vectors.length === 0) throw new ValidationError('no token vectors to pool', 'vectors');
  const pooling = options.pooling ?? 'mean';
  if (pooling !== 'mean' && pooling !== 'cls')
    throw new ValidationError(`pooling must be "mean" or "cls", got ${JSON.stringify(pooling)}`, 'pooling');
  const v =
    pooling === 'cls'
      ? [...vectors[0]!]
      : vectors[0]!.map((_, j) => vectors.reduce((s, row) => s + row[j]!, 0) / vectors.length);
  const norm = Math.hypot(...v);
  return options.normalize && norm > 0 ? v.map((x) => x / norm) : v;
}

/** A linear layer y = x W + b, W (in × out). */
export interface Dense {
  w: Tensor;
  b: Tensor;
}

interface Norm {
  g: Tensor;
  b: Tensor;
}

interface Layer {
  q: Dense;
  k: Dense;
  v: Dense;
  o: Dense;
  ln1: Norm;
  up: Dense;
  down: Dense;
  ln2: Norm;
}

/** Pads encodings to the longest with [PAD] = `padId` (attention mask 0, segment 0). */
export function collate(encodings: readonly BertEncoding[], padId = 0): BertBatch {
  if (encodings.length === 0) throw new ValidationError('an empty batch', 'batch');
  const T = Math.max(...encodings.map((e) => e.ids.length));
  const pad = (row: number[], v: number) => [...row, ...new Array<number>(T - row.length).fill(v)];
  return {
    inputIds: encodings.map((e) => pad(e.ids, padId)),
    tokenTypeIds: encodings.map((e) => pad(e.tokenTypeIds, 0)),
    attentionMask: encodings.map((e) => pad(e.attentionMask, 0)),
  };
}

/** The entries whose value is not undefined (so that `{ hiddenSize: undefined }` keeps the default). */
export const definedOnly = <T extends object>(o: T): T =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

export const linear = (x: Tensor, d: Dense): Tensor => linearOp(x, d.w, d.b);

/** Rows `rows` of a (B, T, H) tensor as (rows.length, H) — e.g. the [CLS] rows or masked positions. */
export const gatherRows = (h: Tensor, rows: number[]): Tensor => {
  const H = h.shape.at(-1)!;
  return embedding(reshape(h, [h.size / H, H]), rows);
};

/** The same tensor, sharing its values, as a constant: ops on it record no backward closure. */
const constant = (t: Tensor): Tensor => new Tensor(t.data, t.shape);
/** An object of parameters (one level of nesting: Dense, Norm) read through constants. */
function frozen<T extends object>(o: T): T {
  return Object.fromEntries(
    Object.entries(o).map(([k, v]) => [
      k,
      v instanceof Tensor
        ? constant(v)
        : Object.fromEntries(Object.entries(v as object).map(([j, t]) => [j, constant(t as Tensor)])),
    ]),
  ) as T;
}
const same = <T>(o: T): T => o;
/** A tensor made inside an arenaScope, copied out of the arena (its values in a new array). */
const copyOut = (t: Tensor): Tensor => new Tensor(t.data.slice(), t.shape);

/** A 2-D weight is a linear layer's (transposed on save/load) unless it is an embedding table. */
const isLinearWeight = (name: string, shape: number[]) =>
  shape.length === 2 && name.endsWith('.weight') && !name.includes('embeddings.');

/** The transpose of a row-major (rows × cols) matrix. */
function transposed(data: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = data[i * cols + j]!;
  return out;
}

/**
 * The fields of a Hugging Face BERT config.json that Firth reads (other fields may be there);
 * RoBERTa's config.json has the same fields (model_type "roberta").
 */
const hfBertConfig = (modelType: 'bert' | 'roberta') =>
  shape.object({
    model_type: shape.optional(shape.literal(modelType)),
    hidden_act: shape.optional(shape.literal('gelu')),
    position_embedding_type: shape.optional(shape.literal('absolute')),
    vocab_size: configSize(),
    hidden_size: configSize(1 << 16),
    num_hidden_layers: configSize(1024),
    num_attention_heads: configSize(1 << 16),
    intermediate_size: configSize(1 << 20),
    max_position_embeddings: configSize(1 << 20),
    type_vocab_size: shape.optional(configSize(1 << 16)),
    hidden_dropout_prob: shape.optional(shape.number({ min: 0, max: 1 })),
    attention_probs_dropout_prob: shape.optional(shape.number({ min: 0, max: 1 })),
    layer_norm_eps: shape.optional(shape.number({ min: 0, max: 1 })),
    firth_seed: shape.optional(shape.integer()),
  });

/**
 * A Hugging Face BERT config.json (parsed) → the model's config, every field Firth reads checked:
 * FormatError naming `file` and the field (`config.json: $.hidden_act must be one of "gelu", …`).
 */
export function bertConfigFromHf(
  json: unknown,
  file = 'config.json',
  modelType: 'bert' | 'roberta' = 'bert',
): Required<BertModelConfig> {
  const c = checkJson(json, hfBertConfig(modelType), file);
  if (c.hidden_size % c.num_attention_heads)
    throw new FormatError(
      file,
      '$.num_attention_heads',
      `must divide hidden_size ${c.hidden_size}, got ${c.num_attention_heads}`,
    );
  for (const k of ['hidden_dropout_prob', 'attention_probs_dropout_prob'] as const)
    if (c[k] === 1) throw new FormatError(file, `$.${k}`, 'must be below 1, got 1');
  return {
    vocabSize: c.vocab_size,
    hiddenSize: c.hidden_size,
    numHiddenLayers: c.num_hidden_layers,
    numAttentionHeads: c.num_attention_heads,
    intermediateSize: c.intermediate_size,
    maxPositionEmbeddings: c.max_position_embeddings,
    typeVocabSize: c.type_vocab_size ?? 2,
    hiddenDropoutProb: c.hidden_dropout_prob ?? 0.1,
    attentionProbsDropoutProb: c.attention_probs_dropout_prob ?? 0.1,
    layerNormEps: c.layer_norm_eps ?? 1e-12,
    seed: c.firth_seed ?? 0,
  };
}

/** The reverse of bertConfigFromHf: a config's sizes and rates under config.json's names. */
export function bertHfFields(c: Required<BertModelConfig>) {
  return {
    vocab_size: c.vocabSize,
    hidden_size: c.hiddenSize,
    num_hidden_layers: c.numHiddenLayers,
    num_attention_heads: c.numAttentionHeads,
    intermediate_size: c.intermediateSize,
    max_position_embeddings: c.maxPositionEmbeddings,
    type_vocab_size: c.typeVocabSize,
    hidden_dropout_prob: c.hiddenDropoutProb,
    attention_probs_dropout_prob: c.attentionProbsDropoutProb,
    layer_norm_eps: c.layerNormEps,
  };
}

/** A checkpoint's tensors under BertModel's names (`bert.` added where missing), and its file. */
export interface BertCheckpointTensors {
  tensors: Map<string, SafeTensor>;
  file: string;
}

export class BertModel {
  readonly config: Required<BertModelConfig>;
  /** Every parameter, the heads' too, under Hugging Face's names. */
  readonly tensors = new Map<string, Tensor>();
  private readonly rng: RandomState;
  /** While a checkpoint loads: its tensors, each checked as the parameter it fills is created. */
  private loading: BertCheckpointTensors | undefined;
  /** The parameters whose values came from a checkpoint. */
  private readonly loaded = new Set<string>();

  /**
   * A model with seeded random weights, or — `checkpoint`, used by fromTensors — with a
   * checkpoint's: each tensor is checked against the config's shape before the parameter is made,
   * so a config cannot make the model allocate more than the file holds.
   */
  constructor(config: BertModelConfig, checkpoint?: BertCheckpointTensors) {
    const H = config.hiddenSize ?? 128;
    this.config = {
      hiddenSize: H,
      numHiddenLayers: 2,
      numAttentionHeads: 2,
      intermediateSize: 4 * H,
      maxPositionEmbeddings: 128,
      typeVocabSize: 2,
      hiddenDropoutProb: 0.1,
      attentionProbsDropoutProb: 0.1,
      layerNormEps: 1e-12,
      seed: 0,
      ...definedOnly(config),
    };
    const c = this.config;
    for (const k of [
      'vocabSize',
      'hiddenSize',
      'numHiddenLayers',
      'numAttentionHeads',
      'intermediateSize',
      'maxPositionEmbeddings',
      'typeVocabSize',
    ] as const)
      if (!Number.isInteger(c[k]) || c[k] < 1)
        throw new ValidationError(`${k} must be a positive integer, got ${c[k]}`, k);
    if (c.hiddenSize % c.numAttentionHeads)
      throw new ValidationError(
        `hiddenSize ${c.hiddenSize} is not a multiple of numAttentionHeads ${c.numAttentionHeads}`,
        'numAttentionHeads',
      );
    for (const k of ['hiddenDropoutProb', 'attentionProbsDropoutProb'] as const)
      if (!(c[k] >= 0 && c[k] < 1)) throw new ValidationError(`${k} must be in [0, 1), got ${c[k]}`, k);
    this.rng = new RandomState(c.seed);
    this.loading = checkpoint;
    // create every encoder weight now, in a fixed order (the seed decides them all)
    this.embeddings();
    for (let i = 0; i < c.numHiddenLayers; i++) this.layer(i);
    this.pooler();
    this.loading = undefined;
  }

  /**
   * The checkpoint's values for parameter `name` of `shape` (Firth's layout), or undefined where
   * the checkpoint may lack it (the pooler: it starts random, as in Hugging Face).
   */
  private fromCheckpoint(
    name: string,
    shape: number[],
    { tensors, file }: BertCheckpointTensors,
  ): Float32Array | undefined {
    const t = tensors.get(name);
    const linear = isLinearWeight(name, shape);
    // nn.Linear stores (out × in); Firth keeps (in × out)
    const stored = linear ? [...shape].reverse() : shape;
    if (!t) {
      if (name.startsWith('bert.pooler.')) return undefined;
      throw new FormatError(
        file,
        '',
        `has no tensor "${name}" (config.json implies ${JSON.stringify(stored)})`,
      );
    }
    const data = checkedTensor(file, name, t, stored);
    return linear ? transposed(data, stored[0]!, stored[1]!) : data;
  }

  // ── parameters: created on first use (N(0, 0.02²) as BERT, γ = 1, β = 0), found afterwards
  param(name: string, shape: number[], init: 'normal' | 'zeros' | 'ones' = 'normal'): Tensor {
    const have = this.tensors.get(name);
    if (have) {
      if (have.shape.join() !== shape.join())
        throw new ValidationError(
          `parameter ${name} has shape ${JSON.stringify(have.shape)}, the model needs ${JSON.stringify(shape)}`,
          name,
        );
      return have;
    }
    const loaded = this.loading && this.fromCheckpoint(name, shape, this.loading);
    const n = shape.reduce((a, b) => a * b, 1);
    // drawn even when loaded: the seed's later draws (a new head's weights) stay the same
    const t =
      init === 'normal'
        ? Tensor.randn(shape, this.rng, 0.02, true)
        : Tensor.from(new Array(n).fill(init === 'ones' ? 1 : 0), shape, true);
    if (loaded) {
      t.data.set(loaded);
      this.loaded.add(name);
    }
    this.tensors.set(name, t);
    return t;
  }
  dense(name: string, inp: number, out: number): Dense {
    return { w: this.param(`${name}.weight`, [inp, out]), b: this.param(`${name}.bias`, [out], 'zeros') };
  }
  norm(name: string): Norm {
    const H = this.config.hiddenSize;
    return { g: this.param(`${name}.weight`, [H], 'ones'), b: this.param(`${name}.bias`, [H], 'zeros') };
  }
  layerNorm(x: Tensor, n: Norm): Tensor {
    return layerNorm(x, n.g, n.b, this.config.layerNormEps);
  }
  /** LN(x + r): the residual add and its LayerNorm in one op (@firth/tensor's addLayerNorm). */
  addLayerNorm(x: Tensor, r: Tensor, n: Norm): Tensor {
    return addLayerNorm(x, r, n.g, n.b, this.config.layerNormEps);
  }

  private embeddings() {
    const { vocabSize: V, hiddenSize: H, maxPositionEmbeddings: P, typeVocabSize } = this.config;
    return {
      word: this.param('bert.embeddings.word_embeddings.weight', [V, H]),
      position: this.param('bert.embeddings.position_embeddings.weight', [P, H]),
      type: this.param('bert.embeddings.token_type_embeddings.weight', [typeVocabSize, H]),
      ln: this.norm('bert.embeddings.LayerNorm'),
    };
  }
  private layer(i: number): Layer {
    const { hiddenSize: H, intermediateSize: I } = this.config;
    const p = `bert.encoder.layer.${i}`;
    return {
      q: this.dense(`${p}.attention.self.query`, H, H),
      k: this.dense(`${p}.attention.self.key`, H, H),
      v: this.dense(`${p}.attention.self.value`, H, H),
      o: this.dense(`${p}.attention.output.dense`, H, H),
      ln1: this.norm(`${p}.attention.output.LayerNorm`),
      up: this.dense(`${p}.intermediate.dense`, H, I),
      down: this.dense(`${p}.output.dense`, I, H),
      ln2: this.norm(`${p}.output.LayerNorm`),
    };
  }
  private pooler(): Dense {
    const H = this.config.hiddenSize;
    return this.dense('bert.pooler.dense', H, H);
  }
  /**
   * The parameters that did not come from the checkpoint the model was loaded from (Hugging Face's
   * "newly initialized" weights): a missing pooler, a head created after loading. All of them for
   * a model built from scratch.
   */
  newlyInitialized(): string[] {
    return [...this.tensors.keys()].filter((k) => !this.loaded.has(k));
  }

  /** The word-embedding table (V × H): the masked-LM decoder is tied to it. */
  get wordEmbeddings(): Tensor {
    return this.embeddings().word;
  }

  /** The parameters a loss over these names would train (all of them by default). */
  parameters(prefixes?: string[]): Tensor[] {
    return [...this.tensors]
      .filter(([k]) => !prefixes || prefixes.some((p) => k.startsWith(p)))
      .map(([, t]) => t);
  }
  get parameterCount(): number {
    return this.parameters(['bert.']).reduce((s, p) => s + p.size, 0);
  }

  /** Checks a batch: rectangular, ids in the vocabulary, segments < typeVocabSize, T ≤ positions. */
  private check(batch: BertBatch): [number, number] {
    const B = batch.inputIds.length;
    const T = batch.inputIds[0]?.length ?? 0;
    const { vocabSize: V, maxPositionEmbeddings: P, typeVocabSize } = this.config;
    if (B === 0 || T === 0)
      throw new ValidationError('an empty batch (no sequences or no tokens)', 'inputIds');
    if (T > P)
      throw new ValidationError(
        `sequences of ${T} tokens, but the model has ${P} positions (truncate with maxLength)`,
        'inputIds',
      );
    const rows = (name: keyof BertBatch, limit: number) => {
      const m = batch[name];
      if (m === undefined) return;
      if (m.length !== B || m.some((r) => r.length !== T))
        throw new ValidationError(`${name} must be ${B} rows of ${T} values like inputIds`, name);
      for (const [b, r] of m.entries())
        for (const [t, v] of r.entries())
          if (!Number.isInteger(v) || v < 0 || v >= limit)
            throw new ValidationError(`${name}[${b}][${t}] = ${v} is outside [0, ${limit})`, name);
    };
    rows('inputIds', V);
    rows('tokenTypeIds', typeVocabSize);
    rows('attentionMask', 2);
    rows('positionIds', P);
    return [B, T];
  }

  /**
   * The contextual vectors (B, T, H) of a padded batch — BertModel's `last_hidden_state`. With
   * `train`, dropout is on (seeded by `rng`); padding keys never receive attention. With
   * `grad: false` (inference: no backward pass will follow) the parameters are read through
   * views that need no gradient, so no op records a backward closure or keeps its inputs.
   */
  encode(batch: BertBatch, options: { train?: boolean; rng?: RandomState; grad?: boolean } = {}): Tensor {
    // inference: every intermediate tensor in @firth/tensor's arena (the kernels' own memory, no
    // copies in and out), released at the end; only the result is copied out
    if (options.grad === false) return arenaScope(() => copyOut(this.encodeWith(batch, options)));
    return this.encodeWith(batch, options);
  }

  /**
   * The attention maps of a batch of one sequence (attention-maps.ts): maps[layer][head][i][j], the
   * weight token i gave token j (rows sum to 1; a padding key gets 0) — the weights of the encoder's
   * attention op in encode's own pass (inference), Hugging Face's `output_attentions`.
   *
   *   const { bert, tokenizer } = await loadTinyBert();
   *   const maps = bert.attentionMaps(collate([tokenizer.encodePlus('he went to the bank')]));
   *   maps[0][1][0];   // layer 1, head 2: what [CLS] looks at, one weight per token
   */
  attentionMaps(batch: BertBatch): AttentionMaps {
    const [B, T] = this.check(batch);
    if (B !== 1)
      throw new ValidationError(`attention maps are for one sequence, got a batch of ${B}`, 'inputIds');
    const maps: AttentionMaps = [];
    const nh = this.config.numAttentionHeads;
    arenaScope(() =>
      this.encodeWith(batch, {
        grad: false,
        // the weights live in the arena until the scope ends: copied out here
        onAttention: (w) => maps.push(headsOf(w.data, nh, T)),
      }),
    );
    return maps;
  }

  private encodeWith(
    batch: BertBatch,
    options: { train?: boolean; rng?: RandomState; grad?: boolean; onAttention?: (weights: Tensor) => void },
  ): Tensor {
    const [B, T] = this.check(batch);
    const c = this.config;
    const w = options.grad === false ? frozen : same;
    const _H = c.hiddenSize;
    const nh = c.numAttentionHeads;
    const rng = options.rng ?? this.rng;
    const drop = (x: Tensor, p: number) => (options.train && p > 0 ? dropout(x, p, rng) : x);
    const e = w(this.embeddings());
    // LN(word + position + type): the last add fused with the LayerNorm
    const wordAndPosition = add(
      embedding(e.word, batch.inputIds.flat(), [B, T]),
      batch.positionIds
        ? embedding(e.position, batch.positionIds.flat(), [B, T])
        : embedding(
            e.position,
            Array.from({ length: T }, (_, t) => t),
            [T],
          ),
    );
    const typeEmb = embedding(e.type, batch.tokenTypeIds.flat(), [B, T]);
    let x = drop(this.addLayerNorm(wordAndPosition, typeEmb, e.ln), c.hiddenDropoutProb);
    const keyMask = batch.attentionMask.flat();
    const pDrop = options.train ? c.attentionProbsDropoutProb : 0;
    for (let i = 0; i < c.numHiddenLayers; i++) {
      const L = w(this.layer(i));
      // q, k and v from one product x [Wq Wk Wv]; @firth/tensor's one attention reads the heads in place
      const qkv = linearOp(x, concatLast([L.q.w, L.k.w, L.v.w]), concatLast([L.q.b, L.k.b, L.v.b]));
      const { out: ctx, weights } = selfAttentionWithWeights(qkv, nh, {
        keyMask,
        dropout: pDrop > 0 ? { p: pDrop, rng } : undefined,
      });
      options.onAttention?.(weights);
      const a = this.addLayerNorm(x, drop(linear(ctx, L.o), c.hiddenDropoutProb), L.ln1);
      const f = linear(geluErfOp(linear(a, L.up)), L.down);
      x = this.addLayerNorm(a, drop(f, c.hiddenDropoutProb), L.ln2);
    }
    return x;
  }

  /** tanh(h[CLS] Wp + bp) for each sequence: (B, H) — BertModel's `pooler_output` (`grad` as encode's). */
  pool(hidden: Tensor, options: { grad?: boolean } = {}): Tensor {
    if (options.grad === false) return arenaScope(() => copyOut(this.poolWith(hidden, frozen)));
    return this.poolWith(hidden, same);
  }

  private poolWith(hidden: Tensor, w: <T extends object>(o: T) => T): Tensor {
    const [B, T] = hidden.shape as [number, number, number];
    return tanhOp(
      linear(
        gatherRows(
          hidden,
          Array.from({ length: B }, (_, b) => b * T),
        ),
        w(this.pooler()),
      ),
    );
  }

  /**
   * The course's "print the embeddings": contextual vectors for a text, one per token, [CLS] and
   * [SEP] included (`outputs.last_hidden_state[0]`), with the tokens they belong to.
   */
  embed(
    tokenizer: WordPieceTokenizer,
    text: string,
    pair?: string,
  ): { tokens: string[]; vectors: number[][] } {
    const enc = tokenizer.encodePlus(text, pair, { maxLength: this.config.maxPositionEmbeddings });
    const h = this.encode(collate([enc]), { grad: false });
    const H = this.config.hiddenSize;
    return {
      tokens: enc.tokens,
      vectors: enc.tokens.map((_, t) => Array.from(h.data.subarray(t * H, (t + 1) * H))),
    };
  }

  /** config.json as Hugging Face writes it for BertModel. */
  hfConfig(): Record<string, unknown> {
    const c = this.config;
    const { hidden_dropout_prob, attention_probs_dropout_prob, layer_norm_eps, ...sizes } = bertHfFields(c);
    return {
      architectures: ['BertForPreTraining'],
      model_type: 'bert',
      ...sizes,
      hidden_act: 'gelu',
      hidden_dropout_prob,
      attention_probs_dropout_prob,
      layer_norm_eps,
      initializer_range: 0.02,
      pad_token_id: 0,
      firth_seed: c.seed,
    };
  }

  /** Every parameter under its Hugging Face name, linear weights as (out × in); `metadata` added. */
  toSafetensors(metadata: Record<string, string> = {}): Uint8Array {
    const out = new Map<string, { shape: number[]; data: Float32Array }>();
    for (const [name, t] of this.tensors) {
      if (!isLinearWeight(name, t.shape)) {
        out.set(name, t);
        continue;
      }
      const [r, c] = t.shape as [number, number];
      out.set(name, { shape: [c, r], data: transposed(t.data, r, c) });
    }
    return writeSafetensors(out, { format: 'pt', ...metadata });
  }

  /**
   * A Hugging Face folder: config.json, model.safetensors and, with a tokenizer, vocab.txt —
   * `BertForPreTraining.from_pretrained(folder)` (and reference/bert.ts's float64 oracle) read it.
   */
  async save(folder: string, tokenizer?: WordPieceTokenizer, extraConfig: Record<string, unknown> = {}) {
    await writeFile(
      join(folder, 'config.json'),
      `${JSON.stringify({ ...this.hfConfig(), ...extraConfig }, null, 2)}\n`,
    );
    await writeFile(join(folder, 'model.safetensors'), this.toSafetensors());
    if (tokenizer) await writeFile(join(folder, 'vocab.txt'), tokenizer.toVocabTxt());
  }

  /**
   * A model from a Hugging Face config (config.json's fields) and its tensors: every tensor is
   * loaded under its name (`bert.` added where a `BertModel` checkpoint lacks it), so heads saved
   * beside the encoder come back too; the encoder's tensors must all be there, with the config's
   * shapes. `files` name config.json and the weights in errors.
   */
  static fromTensors(
    hfConfig: unknown,
    tensors: Map<string, SafeTensor>,
    files: { config?: string; weights?: string } = {},
  ): BertModel {
    const file = files.weights ?? 'model.safetensors';
    const config = bertConfigFromHf(hfConfig, files.config ?? 'config.json');
    const named = new Map<string, SafeTensor>();
    for (const [raw, t] of tensors) {
      // the decoder is tied to the word embeddings; position_ids and token_type_ids are buffers
      if (
        raw === 'cls.predictions.decoder.weight' ||
        raw.endsWith('position_ids') ||
        raw.endsWith('embeddings.token_type_ids')
      )
        continue;
      const key = /^(embeddings|encoder|pooler)\./.test(raw) ? `bert.${raw}` : raw;
      if (named.has(key))
        throw new FormatError(file, `tensor "${raw}"`, `is there twice, with and without the "bert." prefix`);
      named.set(key, t);
    }
    const bert = new BertModel(config, { tensors: named, file });
    // the rest (heads saved beside the encoder), for the head classes to find
    for (const [key, t] of named) {
      if (bert.tensors.has(key)) continue;
      if (!(t.data instanceof Float32Array))
        throw new FormatError(file, `tensor "${key}"`, `is ${t.dtype}, not a float`);
      const [r, c] = t.shape as [number, number];
      const data = isLinearWeight(key, t.shape) ? transposed(t.data, r, c) : t.data;
      bert.tensors.set(
        key,
        new Tensor(Float32Array.from(data), isLinearWeight(key, t.shape) ? [c, r] : t.shape, true),
      );
      bert.loaded.add(key);
    }
    return bert;
  }

  /** From `toSafetensors` bytes and the config they were saved with. */
  static fromSafetensors(
    bytes: Uint8Array,
    hfConfig: Record<string, unknown>,
    name = 'model.safetensors',
    options: CheckpointOptions = {},
  ): BertModel {
    return BertModel.fromTensors(hfConfig, readSafetensors(bytes, name, options), { weights: name });
  }

  /**
   * A Hugging Face BERT folder (config.json + model.safetensors), for fine-tuning or inference.
   * NaN/Infinity weights are refused unless `allowNonFinite`.
   */
  static async load(folder: string, options: CheckpointOptions = {}): Promise<BertModel> {
    const ckpt = await readHfCheckpoint(folder, [''], options);
    return BertModel.fromTensors(ckpt.config, ckpt.tensors, {
      config: ckpt.configFile,
      weights: ckpt.weightsFile,
    });
  }
}
