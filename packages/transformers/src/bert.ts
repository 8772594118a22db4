import { BertModel, bertConfigFromHf } from './bert-model.js';
import { type HfCheckpoint, readHfCheckpoint } from './hf-checkpoint.js';
import type { Matrix } from './reference/attention.js';
import { type BertConfig, type BertInput, bertConfigOf, checkBertInput } from './reference/bert.js';
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
    this.config = bertConfigOf(model.config);
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
    const { hiddenSize: H } = this.config;
    const { types, mask } = checkBertInput(input, this.config);
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
