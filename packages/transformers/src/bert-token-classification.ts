/**
 * Token classification (Hugging Face's BertForTokenClassification): a tag for every word from its
 * first piece's vector,   logits_t = Dropout(h_t) Wc + bc.
 */
import { RandomState, ValidationError } from '@firth/numeric';
import { crossEntropy, dropout as dropoutOf, embedding, reshape, type Tensor } from '@firth/tensor';
import { argmax, type BertFitOptions, batchesOf, idOf, positive, softmaxRow, train } from './bert-fit.js';
import { BertLabelHead } from './bert-label-head.js';
import { type BertBatch, collate, linear } from './bert-model.js';
import type { BertEncoding } from './tokenizers/wordpiece.js';

/** A sentence as words with one tag each (e.g. CoNLL's B-PER, O). */
export interface TaggedSentence {
  words: string[];
  tags: string[];
}

export interface TokenPrediction {
  /** The word the tag belongs to (its first piece carries the prediction). */
  word: string;
  entity: string;
  score: number;
  /** The word's position in the sentence. */
  index: number;
}

/** A tag for every word from its first piece's vector (BertForTokenClassification). */
export class BertForTokenClassification extends BertLabelHead {
  /** [CLS] pieces… [SEP]; firstPiece[w] = the position of word w's first piece. */
  private encodeWords(words: readonly string[], maxLength: number) {
    if (words.length === 0) throw new ValidationError('a sentence with no words', 'words');
    const ids = [idOf(this.tokenizer, '[CLS]')];
    const firstPiece: number[] = [];
    for (const w of words) {
      const pieces = this.tokenizer.encode(w, undefined, { addSpecialTokens: false });
      if (ids.length + pieces.length + 1 > maxLength) break; // truncated: later words get no tag
      firstPiece.push(ids.length);
      for (const id of pieces.length ? pieces : [idOf(this.tokenizer, this.tokenizer.unkToken)]) ids.push(id);
    }
    ids.push(idOf(this.tokenizer, '[SEP]'));
    const enc: BertEncoding = {
      ids,
      tokens: ids.map((i) => this.tokenizer.idToToken(i)!),
      tokenTypeIds: ids.map(() => 0),
      attentionMask: ids.map(() => 1),
    };
    return { enc, firstPiece };
  }

  private logits(
    batch: BertBatch,
    options: { train?: boolean; rng?: RandomState; grad?: boolean } = {},
  ): Tensor {
    const h = this.bert.encode(batch, options);
    const p = this.bert.config.hiddenDropoutProb;
    return linear(options.train && p > 0 && options.rng ? dropoutOf(h, p, options.rng) : h, this.head());
  }

  fit(sentences: readonly TaggedSentence[], options: BertFitOptions = {}): this {
    if (sentences.length === 0) throw new ValidationError('no training sentences', 'sentences');
    const maxLength = Math.min(options.maxLength ?? 64, this.bert.config.maxPositionEmbeddings);
    const examples = sentences.map((s, i) => {
      if (s.words.length !== s.tags.length)
        throw new ValidationError(
          `sentence ${i}: ${s.words.length} words but ${s.tags.length} tags`,
          `sentences[${i}]`,
        );
      const { enc, firstPiece } = this.encodeWords(s.words, maxLength);
      const tags = firstPiece.map((_, w) => {
        const y = this.index.get(s.tags[w]!);
        if (y === undefined)
          throw new ValidationError(
            `sentence ${i}: tag ${JSON.stringify(s.tags[w])} is not one of ${JSON.stringify(this.labels)}`,
            `sentences[${i}].tags[${w}]`,
          );
        return y;
      });
      return { enc, firstPiece, tags };
    });
    const batchSize = positive(options.batchSize ?? 32, 'batchSize');
    const epochs = positive(options.epochs ?? 3, 'epochs');
    const order = batchesOf(examples, batchSize, epochs, new RandomState((options.seed ?? 1) + 1));
    const C = this.labels.length;
    const curve = train(
      this.bert,
      ['bert.', 'classifier.'],
      order.steps,
      (step, rng) => {
        const part = order.at(step);
        const batch = collate(part.map((p) => p.enc));
        const T = batch.inputIds[0]!.length;
        // only first pieces carry a tag (Hugging Face labels the rest −100)
        const rows = part.flatMap((p, b) => p.firstPiece.map((t) => b * T + t));
        const logits = reshape(this.logits(batch, { train: true, rng }), [part.length * T, C]);
        return crossEntropy(
          embedding(logits, rows),
          part.flatMap((p) => p.tags),
        );
      },
      options,
      epochs,
    );
    this.lossCurve.push(...curve);
    return this;
  }

  /**
   * A tag per word (Hugging Face's token-classification output without aggregation); words split
   * on whitespace; tags in `ignoreLabels` (default "O") are left out, as the pipeline does.
   */
  predict(text: string, options: { ignoreLabels?: string[] } = {}): TokenPrediction[] {
    const words = text.split(/\s+/).filter((w) => w.length > 0);
    if (words.length === 0) throw new ValidationError('the text is empty', 'text');
    const { enc, firstPiece } = this.encodeWords(words, this.bert.config.maxPositionEmbeddings);
    const logits = this.logits(collate([enc]), { grad: false });
    const C = this.labels.length;
    const ignore = new Set(options.ignoreLabels ?? ['O']);
    return firstPiece.flatMap((t, w) => {
      const p = softmaxRow(logits.data.subarray(t * C, (t + 1) * C));
      const k = argmax(p);
      const entity = this.labels[k]!;
      return ignore.has(entity) ? [] : [{ word: words[w]!, entity, score: p[k]!, index: w }];
    });
  }
}
