/**
 * Sequence classification (Hugging Face's BertForSequenceClassification): a label for a whole
 * text from the pooled [CLS] vector,   logits = Dropout(pooled) Wc + bc.
 */
import { RandomState, ValidationError } from '@firth/numeric';
import { crossEntropy, dropout as dropoutOf, type Tensor } from '@firth/tensor';
import { argmax, type BertFitOptions, batchesOf, positive, softmaxRow, train } from './bert-fit.js';
import { BertLabelHead } from './bert-label-head.js';
import { type BertBatch, collate, linear } from './bert-model.js';
import type { BertEncoding } from './tokenizers/wordpiece.js';

export interface TextClassification {
  label: string;
  score: number;
  /** Every label's probability. */
  scores: Record<string, number>;
}

/** A label for a whole text from the pooled [CLS] vector (BertForSequenceClassification). */
export class BertForSequenceClassification extends BertLabelHead {
  /** The logits (B, labels); `grad: false` (inference) runs the encoder without recording a backward pass. */
  logits(batch: BertBatch, options: { train?: boolean; rng?: RandomState; grad?: boolean } = {}): Tensor {
    const pooled = this.bert.pool(this.bert.encode(batch, options), options);
    const p = this.bert.config.hiddenDropoutProb;
    const x = options.train && p > 0 && options.rng ? dropoutOf(pooled, p, options.rng) : pooled;
    return linear(x, this.head());
  }

  private encodeAll(texts: readonly string[], maxLength: number): BertEncoding[] {
    return texts.map((t, i) => {
      if (typeof t !== 'string' || t.trim() === '')
        throw new ValidationError(`text ${i} is empty`, `texts[${i}]`);
      return this.tokenizer.encodePlus(t, undefined, { maxLength });
    });
  }

  private targets(labels: readonly (string | number)[]): number[] {
    return labels.map((l, i) => {
      const y = typeof l === 'number' ? l : this.index.get(l);
      if (y === undefined || !Number.isInteger(y) || y < 0 || y >= this.labels.length)
        throw new ValidationError(
          `label ${JSON.stringify(l)} of example ${i} is not one of ${JSON.stringify(this.labels)}`,
          `labels[${i}]`,
        );
      return y;
    });
  }

  /** Fine-tunes encoder and head on labelled texts; `valTexts`/`valLabels` report accuracy. */
  fit(
    texts: readonly string[],
    labels: readonly (string | number)[],
    options: BertFitOptions & {
      valTexts?: readonly string[];
      valLabels?: readonly (string | number)[];
      evalEvery?: number;
    } = {},
  ): this {
    if (texts.length === 0) throw new ValidationError('no training texts', 'texts');
    if (texts.length !== labels.length)
      throw new ValidationError(`${texts.length} texts but ${labels.length} labels`, 'labels');
    const maxLength = Math.min(options.maxLength ?? 64, this.bert.config.maxPositionEmbeddings);
    const encodings = this.encodeAll(texts, maxLength);
    const y = this.targets(labels);
    const examples = encodings.map((e, i) => ({ e, y: y[i]! }));
    const batchSize = positive(options.batchSize ?? 32, 'batchSize');
    const epochs = positive(options.epochs ?? 3, 'epochs');
    const order = batchesOf(
      examples,
      batchSize,
      epochs,
      new RandomState((options.seed ?? 1) + 1),
      (x) => x.e.ids.length,
    );
    const curve = train(
      this.bert,
      ['bert.', 'classifier.'],
      order.steps,
      (step, rng) => {
        const part = order.at(step);
        return crossEntropy(
          this.logits(collate(part.map((p) => p.e)), { train: true, rng }),
          part.map((p) => p.y),
        );
      },
      {
        ...options,
        evaluate:
          options.valTexts && options.valLabels
            ? () => ({ valAccuracy: this.accuracy(options.valTexts!, options.valLabels!) })
            : undefined,
        evalEvery: options.evalEvery ?? order.steps,
      },
      epochs,
    );
    this.lossCurve.push(...curve);
    return this;
  }

  /** Hugging Face's text-classification output for each text: the best label and its probability. */
  predict(texts: readonly string[], options: { maxLength?: number } = {}): TextClassification[] {
    const encodings = this.encodeAll(texts, options.maxLength ?? this.bert.config.maxPositionEmbeddings);
    const out: TextClassification[] = new Array(encodings.length);
    const C = this.labels.length;
    // batches of similar lengths (less padding); results go back to the input order
    const order = [...encodings.keys()].sort((a, b) => encodings[a]!.ids.length - encodings[b]!.ids.length);
    for (let s = 0; s < order.length; s += 64) {
      const part = order.slice(s, s + 64);
      const logits = this.logits(collate(part.map((i) => encodings[i]!)), { grad: false });
      part.forEach((i, b) => {
        const p = softmaxRow(logits.data.subarray(b * C, (b + 1) * C));
        const k = argmax(p);
        out[i] = {
          label: this.labels[k]!,
          score: p[k]!,
          scores: Object.fromEntries(this.labels.map((l, j) => [l, p[j]!])),
        };
      });
    }
    return out;
  }

  /** The fraction of texts whose predicted label is the given one. */
  accuracy(texts: readonly string[], labels: readonly (string | number)[]): number {
    const y = this.targets(labels);
    const pred = this.predict(texts);
    return pred.filter((p, i) => this.index.get(p.label) === y[i]).length / Math.max(1, pred.length);
  }
}
