/**
 * What the labelling heads share (bert-sequence-classification.ts, bert-token-classification.ts):
 * the labels and their index, and the `classifier` layer (H × labels) Hugging Face names the same
 * for sequence and token classification.
 */
import { ValidationError } from '@firth/numeric';
import { checkTokenizer } from './bert-fit.js';
import type { BertModel } from './bert-model.js';
import type { WordPieceTokenizer } from './tokenizers/wordpiece.js';

const labelIndex = (labels: readonly string[]) => {
  if (labels.length < 2 || new Set(labels).size !== labels.length)
    throw new ValidationError(
      `labels must be at least 2 distinct names, got ${JSON.stringify(labels)}`,
      'labels',
    );
  return new Map(labels.map((l, i) => [l, i]));
};

/**
 * What the labelling heads share: the labels and their index, and the `classifier` layer (H ×
 * labels) Hugging Face names the same for sequence and token classification.
 */
export abstract class BertLabelHead {
  readonly lossCurve: number[] = [];
  protected readonly index: Map<string, number>;

  constructor(
    readonly bert: BertModel,
    readonly tokenizer: WordPieceTokenizer,
    readonly labels: readonly string[],
  ) {
    checkTokenizer(bert, tokenizer);
    this.index = labelIndex(labels);
    this.head();
  }
  protected head() {
    return this.bert.dense('classifier', this.bert.config.hiddenSize, this.labels.length);
  }
}
