/**
 * Question answering (course: "Question Answering with BERT"; Hugging Face's
 * BertForQuestionAnswering): [CLS] question [SEP] context [SEP];  start_t, end_t = h_t Wqa + bqa;
 * the answer is the context span i ≤ j (j − i < maxAnswerLength) maximising p_start(i) · p_end(j).
 */
import { RandomState, ValidationError } from '@firth/numeric';
import { add, crossEntropy, reshape, sliceLast } from '@firth/tensor';
import { type BertFitOptions, batchesOf, checkTokenizer, positive, softmaxRow, train } from './bert-fit.js';
import { type BertBatch, type BertModel, collate, linear } from './bert-model.js';
import type { BertEncoding, WordPieceTokenizer } from './tokenizers/wordpiece.js';

export interface QaExample {
  question: string;
  context: string;
  /** The answer as it appears in the context. */
  answer: string;
}

export interface QaAnswer {
  answer: string;
  score: number;
  /** Character offsets of the answer in the context (−1 when the detokenized span is not found verbatim). */
  start: number;
  end: number;
}

/** Start and end logits over the context's tokens (BertForQuestionAnswering). */
export class BertForQuestionAnswering {
  readonly lossCurve: number[] = [];

  constructor(
    readonly bert: BertModel,
    readonly tokenizer: WordPieceTokenizer,
  ) {
    checkTokenizer(bert, tokenizer);
    this.head();
  }
  private head() {
    return this.bert.dense('qa_outputs', this.bert.config.hiddenSize, 2);
  }

  /** Start and end logits, each (B, T); `grad: false` as BertModel.encode's (inference). */
  logits(batch: BertBatch, options: { train?: boolean; rng?: RandomState; grad?: boolean } = {}) {
    const se = linear(this.bert.encode(batch, options), this.head()); // (B, T, 2)
    const [B, T] = se.shape as [number, number, number];
    return {
      start: reshape(sliceLast(se, 0, 1), [B, T]),
      end: reshape(sliceLast(se, 1, 1), [B, T]),
    };
  }

  private encode(question: string, context: string, maxLength: number): BertEncoding {
    if (question.trim() === '') throw new ValidationError('the question is empty', 'question');
    if (context.trim() === '') throw new ValidationError('the context is empty', 'context');
    return this.tokenizer.encodePlus(question, context, { maxLength });
  }

  fit(examples: readonly QaExample[], options: BertFitOptions = {}): this {
    if (examples.length === 0) throw new ValidationError('no training examples', 'examples');
    const maxLength = Math.min(options.maxLength ?? 64, this.bert.config.maxPositionEmbeddings);
    const data = examples.map((ex, i) => {
      const enc = this.encode(ex.question, ex.context, maxLength);
      const answer = this.tokenizer.encode(ex.answer, undefined, { addSpecialTokens: false });
      const from = enc.tokenTypeIds.indexOf(1);
      let start = -1;
      for (let t = from; t >= 0 && t + answer.length <= enc.ids.length - 1 && start < 0; t++)
        if (answer.length > 0 && answer.every((id, k) => enc.ids[t + k] === id)) start = t;
      if (start < 0)
        throw new ValidationError(
          `example ${i}: the answer ${JSON.stringify(ex.answer)} is not in the (truncated) context`,
          `examples[${i}].answer`,
        );
      return { enc, start, end: start + answer.length - 1 };
    });
    const batchSize = positive(options.batchSize ?? 32, 'batchSize');
    const epochs = positive(options.epochs ?? 3, 'epochs');
    const order = batchesOf(data, batchSize, epochs, new RandomState((options.seed ?? 1) + 1));
    const curve = train(
      this.bert,
      ['bert.', 'qa_outputs.'],
      order.steps,
      (step, rng) => {
        const part = order.at(step);
        const { start, end } = this.logits(collate(part.map((p) => p.enc)), { train: true, rng });
        // (CE(start) + CE(end)) / 2, as Hugging Face
        return add(
          crossEntropy(
            start,
            part.map((p) => p.start),
          ),
          crossEntropy(
            end,
            part.map((p) => p.end),
          ),
        );
      },
      options,
      epochs,
    );
    this.lossCurve.push(...curve.map((l) => l / 2));
    return this;
  }

  /**
   * Hugging Face's question-answering pipeline: the context span (at most `maxAnswerLength`
   * tokens) with the highest p_start(i) · p_end(j), probabilities over the context's tokens.
   */
  answer(question: string, context: string, options: { maxAnswerLength?: number } = {}): QaAnswer {
    const maxLen = positive(options.maxAnswerLength ?? 15, 'maxAnswerLength');
    const enc = this.encode(question, context, this.bert.config.maxPositionEmbeddings);
    const { start, end } = this.logits(collate([enc]), { grad: false });
    const ctx = enc.ids.flatMap((_, t) => (enc.tokenTypeIds[t] === 1 && t < enc.ids.length - 1 ? [t] : []));
    const ps = softmaxRow(ctx.map((t) => start.data[t]!));
    const pe = softmaxRow(ctx.map((t) => end.data[t]!));
    let best = { i: 0, j: 0, score: -1 };
    for (let i = 0; i < ctx.length; i++)
      for (let j = i; j < Math.min(ctx.length, i + maxLen); j++)
        if (ps[i]! * pe[j]! > best.score) best = { i, j, score: ps[i]! * pe[j]! };
    const text = this.tokenizer.decode(enc.ids.slice(ctx[best.i]!, ctx[best.j]! + 1));
    const at = context.toLowerCase().indexOf(text.toLowerCase());
    return {
      answer: at >= 0 ? context.slice(at, at + text.length) : text,
      score: best.score,
      start: at,
      end: at >= 0 ? at + text.length : -1,
    };
  }
}
