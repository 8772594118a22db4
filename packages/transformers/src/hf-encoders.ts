/**
 * Users' Hugging Face encoder checkpoints — BERT, DistilBERT and RoBERTa folders as
 * `save_pretrained` writes them (config.json + model.safetensors), the bare model or one of its
 * task heads — run on Firth's one BERT encoder (bert-model.ts's BertModel, @firth/tensor's
 * attention). The three are the same post-norm encoder; what differs is mapped on loading:
 *
 *                BERT                          DistilBERT                          RoBERTa
 *   prefix       bert.                         distilbert.                         roberta.
 *   layer i      encoder.layer.i.attention     transformer.layer.i.attention       as BERT
 *                .self.{query,key,value},      .{q_lin,k_lin,v_lin,out_lin},
 *                .output.dense/LayerNorm,      sa_layer_norm, ffn.lin1, ffn.lin2,
 *                intermediate, output          output_layer_norm
 *   positions    0 … T−1                       0 … T−1                             padding_idx + 1 + (non-pad
 *                                                                                  tokens so far); pads: padding_idx
 *   segments     token_type_embeddings         none (a zero row is used)           one type
 *   sequence     tanh(h[CLS] Wp + bp) Wc + bc  ReLU(h[CLS] Wpre + bpre) Wc + bc    tanh(h[<s>] Wd + bd) Wo + bo
 *   head           (pooler, classifier)          (pre_classifier, classifier)        (classifier.dense, .out_proj)
 *   token head   h_t Wc + bc (classifier)      the same                            the same
 *   QA head      h_t Wqa + bqa (qa_outputs) → start and end logits, the same for all three
 *   masked LM    LN(GELU(h Wt + bt)) Eᵀ + b, E the word embeddings (tied, not stored):
 *                cls.predictions.transform     vocab_transform, vocab_layer_norm,  lm_head.dense, .layer_norm,
 *                                              vocab_projector.bias                .bias
 *
 *   const model = await HfEncoder.load('models/distilbert-sst2');      // DistilBertForSequenceClassification
 *   model.forward({ inputIds: [[101, 1045, 2293, 2023, 102]] }).logits  // (1, labels): one row of logits
 *   model.labels                                                        // config.json's id2label, by id
 *
 * Every tensor is checked, under the file's own name, against the shape config.json implies,
 * before anything is built; a bad field or tensor is a FormatError naming the file and the field
 * (`…/config.json: $.n_heads must divide dim 16, got 3`, `…/model.safetensors: has no tensor
 * "distilbert.transformer.layer.1.ffn.lin2.weight"`).
 */
import { checkJson, FormatError, shape, ValidationError } from '@firth/numeric';
import { linear, relu, reshape, sliceLast, Tensor } from '@firth/tensor';
import { type BertBatch, BertModel, bertConfigFromHf, bertHfFields, gatherRows } from './bert-model.js';
import { maskedLmLogits } from './bert-pretraining.js';
import { checkedTensor, configSize, readHfCheckpoint } from './hf-checkpoint.js';
import type { CheckpointOptions, Tensor as SafeTensor } from './safetensors.js';

export type EncoderArchitecture = 'bert' | 'distilbert' | 'roberta';
/** What the checkpoint computes on top of the encoder (`base`: the bare model). */
export type EncoderHead =
  | 'base'
  | 'sequence-classification'
  | 'token-classification'
  | 'question-answering'
  | 'masked-lm';

/** The class names' endings (`DistilBert` + `ForQuestionAnswering`) and the head each loads. */
const HEAD_OF_CLASS: Record<string, EncoderHead> = {
  Model: 'base',
  ForSequenceClassification: 'sequence-classification',
  ForTokenClassification: 'token-classification',
  ForQuestionAnswering: 'question-answering',
  ForMaskedLM: 'masked-lm',
  ForPreTraining: 'masked-lm',
};
const CLASS_PREFIX: Record<EncoderArchitecture, string> = {
  bert: 'Bert',
  distilbert: 'DistilBert',
  roberta: 'Roberta',
};

/** A batch of token ids; the mask (1 = token, 0 = padding) and segments default as HF's. */
export interface EncoderInput {
  inputIds: number[][];
  /** @default all 1, as Hugging Face's models (give the tokenizer's mask for a padded batch) */
  attentionMask?: number[][];
  /** BERT's segments (0 / 1); ignored by DistilBERT, which has none. @default all 0 */
  tokenTypeIds?: number[][];
}

/** The outputs as Hugging Face names them (each model fills the ones its head computes). */
export interface EncoderOutput {
  /** (B, T, H) */
  lastHiddenState: number[][][];
  /** The bare BERT / RoBERTa model with a pooler: tanh(h[CLS] Wp + bp), (B, H). */
  poolerOutput?: number[][];
  /** Sequence classification (B, labels); token classification (B, T, labels); masked LM (B, T, vocab). */
  logits?: number[][] | number[][][];
  /** Question answering: (B, T) each. */
  startLogits?: number[][];
  endLogits?: number[][];
}

const fraction = shape.optional(shape.nullable(shape.number({ min: 0, max: 1 })));
const labelsShape = {
  id2label: shape.optional(shape.record(shape.string())),
  pad_token_id: shape.optional(shape.nullable(shape.integer({ min: 0 }))),
};
/** DistilBERT's config.json fields that Firth reads. */
const hfDistilBertConfig = shape.object({
  model_type: shape.optional(shape.literal('distilbert')),
  activation: shape.optional(shape.literal('gelu')),
  vocab_size: configSize(),
  dim: configSize(1 << 16),
  n_layers: configSize(1024),
  n_heads: configSize(1 << 16),
  hidden_dim: configSize(1 << 20),
  max_position_embeddings: configSize(1 << 20),
  dropout: fraction,
  attention_dropout: fraction,
  ...labelsShape,
});
const hfLabelsConfig = shape.object(labelsShape);

/** The model class config.json names (`architectures[0]`), if any. */
const architectureName = (config: Record<string, unknown>): string | undefined => {
  const a = config.architectures;
  return Array.isArray(a) && typeof a[0] === 'string' ? a[0] : undefined;
};

/** Which architecture a config.json describes: its model_type (or the class it names). */
export function encoderArchitectureOf(config: Record<string, unknown>): EncoderArchitecture | undefined {
  const t = config.model_type;
  if (t === 'bert' || t === 'distilbert' || t === 'roberta') return t;
  const name = architectureName(config);
  if (name?.startsWith('DistilBert')) return 'distilbert';
  if (name?.startsWith('Roberta')) return 'roberta';
  if (name?.startsWith('Bert')) return 'bert';
  return undefined;
}

/** The head the config's class computes (BertForQuestionAnswering → 'question-answering'); 'base' when none is named. */
export function encoderHeadOf(
  config: Record<string, unknown>,
  arch: EncoderArchitecture,
  file = 'config.json',
): EncoderHead {
  const name = architectureName(config);
  const prefix = CLASS_PREFIX[arch];
  if (name === undefined) return 'base';
  const head = name.startsWith(prefix) ? HEAD_OF_CLASS[name.slice(prefix.length)] : undefined;
  if (head === undefined)
    throw new FormatError(
      file,
      '$.architectures[0]',
      `is ${JSON.stringify(name)}; Firth reads ${Object.keys(HEAD_OF_CLASS)
        .map((k) => prefix + k)
        .join(', ')}`,
    );
  return head;
}

interface Plan {
  /** BertModel's config.json (BERT's field names), from the architecture's own. */
  bertConfig: {
    vocab_size: number;
    hidden_size: number;
    num_hidden_layers: number;
    intermediate_size: number;
    max_position_embeddings: number;
    type_vocab_size: number;
  } & Record<string, number>;
  padTokenId: number;
}

/** The tensors of one encoder layer: [file name, BertModel name, shape]. */
function layerTensors(
  arch: EncoderArchitecture,
  i: number,
  H: number,
  I: number,
): [string, string, number[]][] {
  const b = `encoder.layer.${i}`;
  const names: [string, string, number[]][] = [
    ['attention.self.query.weight', 'attention.q_lin.weight', [H, H]],
    ['attention.self.query.bias', 'attention.q_lin.bias', [H]],
    ['attention.self.key.weight', 'attention.k_lin.weight', [H, H]],
    ['attention.self.key.bias', 'attention.k_lin.bias', [H]],
    ['attention.self.value.weight', 'attention.v_lin.weight', [H, H]],
    ['attention.self.value.bias', 'attention.v_lin.bias', [H]],
    ['attention.output.dense.weight', 'attention.out_lin.weight', [H, H]],
    ['attention.output.dense.bias', 'attention.out_lin.bias', [H]],
    ['attention.output.LayerNorm.weight', 'sa_layer_norm.weight', [H]],
    ['attention.output.LayerNorm.bias', 'sa_layer_norm.bias', [H]],
    ['intermediate.dense.weight', 'ffn.lin1.weight', [I, H]],
    ['intermediate.dense.bias', 'ffn.lin1.bias', [I]],
    ['output.dense.weight', 'ffn.lin2.weight', [H, I]],
    ['output.dense.bias', 'ffn.lin2.bias', [H]],
    ['output.LayerNorm.weight', 'output_layer_norm.weight', [H]],
    ['output.LayerNorm.bias', 'output_layer_norm.bias', [H]],
  ];
  return names.map(([bert, distil, s]) => [
    arch === 'distilbert' ? `transformer.layer.${i}.${distil}` : `${b}.${bert}`,
    `bert.${b}.${bert}`,
    s,
  ]);
}

/** The head's tensors: [file name, BertModel name, shape as stored]. */
function headTensors(
  arch: EncoderArchitecture,
  head: EncoderHead,
  H: number,
  V: number,
  C: number,
): [string, string, number[]][] {
  const dense = (from: string, to: string, out: number, inp = H): [string, string, number[]][] => [
    [`${from}.weight`, `${to}.weight`, [out, inp]],
    [`${from}.bias`, `${to}.bias`, [out]],
  ];
  const norm = (from: string, to: string): [string, string, number[]][] => [
    [`${from}.weight`, `${to}.weight`, [H]],
    [`${from}.bias`, `${to}.bias`, [H]],
  ];
  switch (head) {
    case 'base':
      return [];
    case 'token-classification':
      return dense('classifier', 'classifier', C);
    case 'question-answering':
      return dense('qa_outputs', 'qa_outputs', 2);
    case 'sequence-classification':
      if (arch === 'roberta')
        return [
          ...dense('classifier.dense', 'bert.pooler.dense', H),
          ...dense('classifier.out_proj', 'classifier', C),
        ];
      if (arch === 'distilbert')
        return [...dense('pre_classifier', 'pre_classifier', H), ...dense('classifier', 'classifier', C)];
      return [...dense('pooler.dense', 'bert.pooler.dense', H), ...dense('classifier', 'classifier', C)];
    case 'masked-lm': {
      const to = 'cls.predictions.transform';
      const [t, ln, bias] =
        arch === 'roberta'
          ? ['lm_head.dense', 'lm_head.layer_norm', 'lm_head.bias']
          : arch === 'distilbert'
            ? ['vocab_transform', 'vocab_layer_norm', 'vocab_projector.bias']
            : [`${to}.dense`, `${to}.LayerNorm`, 'cls.predictions.bias'];
      return [
        ...dense(t, `${to}.dense`, H),
        ...norm(ln, `${to}.LayerNorm`),
        [bias, 'cls.predictions.bias', [V]],
      ];
    }
  }
}

/** config.json checked for its architecture, and what loading needs from it. */
function plan(json: Record<string, unknown>, arch: EncoderArchitecture, file: string): Plan {
  if (arch === 'distilbert') {
    const c = checkJson(json, hfDistilBertConfig, file);
    if (c.dim % c.n_heads)
      throw new FormatError(file, '$.n_heads', `must divide dim ${c.dim}, got ${c.n_heads}`);
    for (const k of ['dropout', 'attention_dropout'] as const)
      if (c[k] === 1) throw new FormatError(file, `$.${k}`, 'must be below 1, got 1');
    const bertConfig = {
      vocab_size: c.vocab_size,
      hidden_size: c.dim,
      num_hidden_layers: c.n_layers,
      num_attention_heads: c.n_heads,
      intermediate_size: c.hidden_dim,
      max_position_embeddings: c.max_position_embeddings,
      type_vocab_size: 1,
      hidden_dropout_prob: c.dropout ?? 0.1,
      attention_probs_dropout_prob: c.attention_dropout ?? 0.1,
      layer_norm_eps: 1e-12,
    };
    return { bertConfig, padTokenId: c.pad_token_id ?? 0 };
  }
  // BERT and RoBERTa: the same fields (bertConfigFromHf checks them, model_type included)
  const c = bertConfigFromHf(json, file, arch);
  const extra = checkJson(json, hfLabelsConfig, file);
  const padTokenId = extra.pad_token_id ?? (arch === 'roberta' ? 1 : 0);
  if (arch === 'roberta' && padTokenId + 2 > c.maxPositionEmbeddings)
    throw new FormatError(
      file,
      '$.max_position_embeddings',
      `must leave rows after padding_idx ${padTokenId} (RoBERTa's positions start at ${padTokenId + 1}), got ${c.maxPositionEmbeddings}`,
    );
  return { bertConfig: bertHfFields(c), padTokenId };
}

/**
 * An encoder checkpoint — BertModel under the hood (its `bert` is the trainable model, with BERT's
 * parameter names whatever the architecture), and the head its class computes.
 */
export class HfEncoder {
  private constructor(
    readonly architecture: EncoderArchitecture,
    readonly head: EncoderHead,
    readonly bert: BertModel,
    /** Label names by id (config.json's id2label; LABEL_i where absent); [] for other heads. */
    readonly labels: readonly string[],
    /** The padding id (RoBERTa's positions skip it). */
    readonly padTokenId: number,
  ) {}

  /**
   * A model from a config.json (parsed) and the tensors of its model.safetensors; `head` overrides
   * the head config.json's `architectures` names (e.g. 'base' for a classifier's encoder alone).
   */
  static fromTensors(
    config: Record<string, unknown>,
    tensors: Map<string, SafeTensor>,
    files: { config?: string; weights?: string } = {},
    options: { head?: EncoderHead } = {},
  ): HfEncoder {
    const configFile = files.config ?? 'config.json';
    const weightsFile = files.weights ?? 'model.safetensors';
    const arch = encoderArchitectureOf(config);
    if (arch === undefined)
      throw new FormatError(
        configFile,
        '$.model_type',
        `is ${JSON.stringify(config.model_type)}; the encoders read are "bert", "distilbert" and "roberta"`,
      );
    const head = options.head ?? encoderHeadOf(config, arch, configFile);
    const p = plan(config, arch, configFile);
    const c = p.bertConfig;
    const { hidden_size: H, num_hidden_layers: L, max_position_embeddings: P, vocab_size: V } = c;
    const prefix = `${arch}.`;
    // a classifier's labels: config.json's id2label (HF writes one for every class)
    const labels =
      head === 'sequence-classification' || head === 'token-classification'
        ? labelNames(config, configFile)
        : [];
    const C = labels.length;
    // every tensor the encoder and head read: [file name (no prefix), BertModel name, shape]
    const wanted: [string, string, number[], boolean][] = [
      ['embeddings.word_embeddings.weight', 'bert.embeddings.word_embeddings.weight', [V, H], false],
      ['embeddings.position_embeddings.weight', 'bert.embeddings.position_embeddings.weight', [P, H], false],
      ['embeddings.LayerNorm.weight', 'bert.embeddings.LayerNorm.weight', [H], false],
      ['embeddings.LayerNorm.bias', 'bert.embeddings.LayerNorm.bias', [H], false],
    ];
    if (arch !== 'distilbert') {
      wanted.push([
        'embeddings.token_type_embeddings.weight',
        'bert.embeddings.token_type_embeddings.weight',
        [c.type_vocab_size, H],
        false,
      ]);
    }
    for (let i = 0; i < L; i++)
      for (const [f, b, s] of layerTensors(arch, i, H, c.intermediate_size)) wanted.push([f, b, s, false]);
    const headList = headTensors(arch, head, H, V, C);
    for (const [f, b, s] of headList) wanted.push([f, b, s, false]);
    // the bare BERT / RoBERTa model's pooler, where it was saved
    if (arch !== 'distilbert' && head === 'base') {
      wanted.push(['pooler.dense.weight', 'bert.pooler.dense.weight', [H, H], true]);
      wanted.push(['pooler.dense.bias', 'bert.pooler.dense.bias', [H], true]);
    }
    const named = new Map<string, SafeTensor>();
    // the head's tensors carry no prefix; the encoder's do, except in a bare model's folder
    const headNames = new Set(headList.map(([f]) => f));
    for (const [file, bert, s, optional] of wanted) {
      const candidates =
        headNames.has(file) && !file.startsWith('pooler.') ? [file, prefix + file] : [prefix + file, file];
      // RoBERTa's tied decoder bias may be saved under its other name
      if (file === 'lm_head.bias') candidates.push('lm_head.decoder.bias');
      const found = candidates.find((n) => tensors.has(n));
      if (found === undefined) {
        if (optional) continue;
        throw new FormatError(
          weightsFile,
          '',
          `has no tensor "${candidates[0]}" (config.json implies ${JSON.stringify(s)}; ${CLASS_PREFIX[arch]}${Object.entries(HEAD_OF_CLASS).find(([, h]) => h === head)![0]} reads it)`,
        );
      }
      const t = tensors.get(found)!;
      checkedTensor(weightsFile, found, t, s);
      named.set(bert, t);
    }
    // DistilBERT has no segments: one zero row adds nothing
    if (arch === 'distilbert')
      named.set('bert.embeddings.token_type_embeddings.weight', {
        dtype: 'F32',
        shape: [1, H],
        data: new Float32Array(H),
      } as SafeTensor);
    const bert = BertModel.fromTensors(p.bertConfig, named, { config: configFile, weights: weightsFile });
    return new HfEncoder(arch, head, bert, labels, p.padTokenId);
  }

  /** A save_pretrained folder (config.json + model.safetensors); NaN/Infinity refused unless allowNonFinite. */
  static async load(
    folder: string,
    options: CheckpointOptions & { head?: EncoderHead } = {},
  ): Promise<HfEncoder> {
    const ckpt = await readHfCheckpoint(folder, [''], options);
    return HfEncoder.fromTensors(
      ckpt.config,
      ckpt.tensors,
      { config: ckpt.configFile, weights: ckpt.weightsFile },
      options,
    );
  }

  get config() {
    return this.bert.config;
  }

  /** The batch BertModel reads: mask and segments defaulted, RoBERTa's position ids computed. */
  batch(input: EncoderInput): BertBatch {
    const { inputIds } = input;
    if (!Array.isArray(inputIds) || inputIds.length === 0 || !Array.isArray(inputIds[0]))
      throw new ValidationError('inputIds must be a non-empty batch of token-id rows', 'inputIds');
    const P = this.config.maxPositionEmbeddings;
    const first = this.architecture === 'roberta' ? this.padTokenId + 1 : 0;
    const T = inputIds[0]!.length;
    if (first + T > P)
      throw new ValidationError(
        `sequences of ${T} tokens, but the model has ${P - first} positions (truncate them)`,
        'inputIds',
      );
    const zeros = inputIds.map((r) => r.map(() => 0));
    const batch: BertBatch = {
      inputIds,
      attentionMask: input.attentionMask ?? inputIds.map((r) => r.map(() => 1)),
      tokenTypeIds: this.architecture === 'distilbert' ? zeros : (input.tokenTypeIds ?? zeros),
    };
    if (this.architecture === 'roberta') {
      // create_position_ids_from_input_ids: padding_idx + the count of non-pad tokens so far; pads get padding_idx
      batch.positionIds = inputIds.map((row) => {
        let n = 0;
        return row.map((id) => (id === this.padTokenId ? this.padTokenId : this.padTokenId + ++n));
      });
    }
    return batch;
  }

  /** The encoder's hidden states (B, T, H) as a tensor that records no backward pass. */
  encode(input: EncoderInput): Tensor {
    return this.bert.encode(this.batch(input), { grad: false });
  }

  /** The forward pass: hidden states and what the head computes (HF's output names). */
  forward(input: EncoderInput): EncoderOutput {
    const h = this.encode(input);
    const [B, T, H] = h.shape as [number, number, number];
    const out: EncoderOutput = { lastHiddenState: nested(h.data, [B, T, H]) as number[][][] };
    const w = (name: string, inp: number, n: number) => constant(this.bert.dense(name, inp, n));
    const cls = () =>
      gatherRows(
        h,
        Array.from({ length: B }, (_, b) => b * T),
      );
    const C = this.labels.length;
    switch (this.head) {
      case 'base':
        if (
          this.architecture !== 'distilbert' &&
          !this.bert.newlyInitialized().includes('bert.pooler.dense.weight')
        )
          out.poolerOutput = nested(this.bert.pool(h, { grad: false }).data, [B, H]) as number[][];
        break;
      case 'sequence-classification': {
        const x =
          this.architecture === 'distilbert'
            ? relu(linearOf(cls(), w('pre_classifier', H, H)))
            : this.bert.pool(h, { grad: false });
        out.logits = nested(linearOf(x, w('classifier', H, C)).data, [B, C]) as number[][];
        break;
      }
      case 'token-classification':
        out.logits = nested(linearOf(h, w('classifier', H, C)).data, [B, T, C]) as number[][][];
        break;
      case 'question-answering': {
        const se = linearOf(h, w('qa_outputs', H, 2));
        out.startLogits = nested(reshape(sliceLast(se, 0, 1), [B, T]).data, [B, T]) as number[][];
        out.endLogits = nested(reshape(sliceLast(se, 1, 1), [B, T]).data, [B, T]) as number[][];
        break;
      }
      case 'masked-lm': {
        const V = this.config.vocabSize;
        out.logits = nested(maskedLmLogits(this.bert, h).data, [B, T, V]) as number[][][];
        break;
      }
    }
    return out;
  }
}

/**
 * config.json's id2label as a list by id, checked to name ids 0 … n−1; absent, HF's default
 * (PretrainedConfig: num_labels 2, LABEL_0 and LABEL_1).
 */
function labelNames(config: Record<string, unknown>, file: string): string[] {
  const { id2label } = checkJson(config, hfLabelsConfig, file);
  if (id2label === undefined) return ['LABEL_0', 'LABEL_1'];
  const n = Object.keys(id2label).length;
  const names = Array.from({ length: n }, (_, i) => id2label[String(i)]);
  if (n < 1 || names.some((x) => x === undefined))
    throw new FormatError(file, '$.id2label', `must name labels "0" … "${n - 1}", one each`);
  return names as string[];
}

const constant = (d: { w: Tensor; b: Tensor }) => ({
  w: new Tensor(d.w.data, d.w.shape),
  b: new Tensor(d.b.data, d.b.shape),
});
const linearOf = (x: Tensor, d: { w: Tensor; b: Tensor }) => linear(x, d.w, d.b);

/** Flat values as nested arrays of `shape`. */
function nested(data: ArrayLike<number>, shape: number[]): unknown[] {
  const [n, ...rest] = shape as [number, ...number[]];
  const size = rest.reduce((a, b) => a * b, 1);
  return Array.from({ length: n }, (_, i) =>
    rest.length === 0 ? data[i] : nested(Array.prototype.slice.call(data, i * size, (i + 1) * size), rest),
  );
}
