/**
 * `Bert` — the forward pass of a Hugging Face BERT folder (`BertModel`, or `BertFor…` with the
 * `bert.` prefix: config.json + model.safetensors) one sequence at a time, giving contextual
 * embeddings and the pooled [CLS] vector.
 *
 *   const bert = await Bert.load('fixtures/hf-tiny-bert');
 *   bert.forward({ inputIds, tokenTypeIds, attentionMask }).lastHiddenState  // (T × hidden)
 *
 * @deprecated A thin facade kept for its API: the checkpoint loads into bert-model.ts's
 * `BertModel` — the one BERT, the class that trains — and `forward` runs its float32 forward
 * pass without gradients (`encode(batch, { grad: false })`, then `pool`). New code uses
 * `BertModel.load(folder)` directly, which also keeps the heads saved beside the encoder. Only
 * the encoder's tensors are read here; a checkpoint without a pooler gives `poolerOutput: null`.
 * The readable float64 version of the same forward pass, the oracle the tests compare against, is
 * reference/bert.ts.
 */
import { ValidationError } from '@firth/numeric';
import { BertModel, bertConfigFromHf } from './bert-model.js';
import { type HfCheckpoint, readHfCheckpoint } from './hf-checkpoint.js';
import type { Matrix } from './reference/attention.js';
import type { BertConfig, BertInput } from './reference/bert.js';
import type { CheckpointOptions, Tensor as SafeTensor } from './safetensors.js';

export { type BertConfig, type BertInput, geluErf } from './reference/bert.js';

/** @deprecated Use `BertModel.load` (see the file's note). */
export class Bert {
  readonly config: BertConfig;

  private constructor(
    /** The model the checkpoint was loaded into. */
    readonly model: BertModel,
    private readonly hasPooler: boolean,
  ) {
    const c = model.config;
    this.config = {
      vocabSize: c.vocabSize,
      hiddenSize: c.hiddenSize,
      numHiddenLayers: c.numHiddenLayers,
      numAttentionHeads: c.numAttentionHeads,
      intermediateSize: c.intermediateSize,
      maxPositionEmbeddings: c.maxPositionEmbeddings,
      typeVocabSize: c.typeVocabSize,
      layerNormEps: c.layerNormEps,
    };
  }

  /** A Hugging Face BERT folder; NaN/Infinity weights are refused unless `allowNonFinite`. */
  static async load(folder: string, options: CheckpointOptions = {}): Promise<Bert> {
    return Bert.fromCheckpoint(await readHfCheckpoint(folder, ['bert.', ''], options));
  }

  /** The encoder of a checkpoint read with the prefixes `['bert.', '']`. */
  static fromCheckpoint(ckpt: HfCheckpoint): Bert {
    // the encoder's tensors only (heads beside it are not read), "bert.…" first as before
    const encoder = new Map<string, SafeTensor>();
    for (const [name, t] of ckpt.tensors) {
      const key = name.replace(/^bert\./, '');
      if (/^(embeddings|encoder|pooler)\./.test(key) && (name !== key || !encoder.has(key)))
        encoder.set(key, t);
    }
    // a pooler is all there or absent: both halves checked, with the prefixes' error messages
    const hasPooler = encoder.has('pooler.dense.weight');
    if (hasPooler) {
      const H = bertConfigFromHf(ckpt.config, ckpt.configFile).hiddenSize;
      ckpt.tensor('pooler.dense.weight', [H, H]);
      ckpt.tensor('pooler.dense.bias', [H]);
    }
    const model = BertModel.fromTensors(ckpt.config, encoder, {
      config: ckpt.configFile,
      weights: ckpt.weightsFile,
    });
    return new Bert(model, hasPooler);
  }

  /** Contextual vectors for every token (lastHiddenState) and the pooled [CLS] vector. */
  forward(input: BertInput): { lastHiddenState: Matrix; poolerOutput: number[] | null } {
    const { inputIds } = input;
    const T = inputIds.length;
    const { vocabSize, maxPositionEmbeddings, typeVocabSize, hiddenSize: H } = this.config;
    if (T === 0) throw new ValidationError('inputIds is empty', 'inputIds');
    if (T > maxPositionEmbeddings)
      throw new ValidationError(
        `${T} tokens, but the model has ${maxPositionEmbeddings} positions`,
        'inputIds',
      );
    const types = input.tokenTypeIds ?? new Array<number>(T).fill(0);
    const mask = input.attentionMask ?? new Array<number>(T).fill(1);
    if (types.length !== T || mask.length !== T)
      throw new ValidationError(
        `tokenTypeIds and attentionMask must have ${T} entries like inputIds`,
        'attentionMask',
      );
    for (const [i, t] of inputIds.entries())
      if (!Number.isInteger(t) || t < 0 || t >= vocabSize)
        throw new ValidationError(
          `inputIds[${i}] = ${t} is outside the vocabulary [0, ${vocabSize})`,
          `inputIds[${i}]`,
        );
    for (const [i, t] of types.entries())
      if (!Number.isInteger(t) || t < 0 || t >= typeVocabSize)
        throw new ValidationError(
          `tokenTypeIds[${i}] = ${t} is not a segment id below ${typeVocabSize}`,
          `tokenTypeIds[${i}]`,
        );
    const h = this.model.encode(
      {
        inputIds: [inputIds],
        tokenTypeIds: [types],
        // any non-zero entry is a token, as before
        attentionMask: [mask.map((m) => (m !== 0 ? 1 : 0))],
      },
      { grad: false },
    );
    const lastHiddenState = Array.from({ length: T }, (_, t) =>
      Array.from(h.data.subarray(t * H, (t + 1) * H)),
    );
    const poolerOutput = this.hasPooler ? Array.from(this.model.pool(h, { grad: false }).data) : null;
    return { lastHiddenState, poolerOutput };
  }
}
