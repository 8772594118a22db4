/**
 * BERT pretraining (course: "BERT"; Hugging Face's BertForPreTraining):
 *   masked LM: 15 % of the tokens are chosen; of those 80 % become [MASK], 10 % a random token,
 *   10 % stay — the model predicts the original at each chosen place:
 *     logits = LN(GELU(h Wt + bt)) Eᵀ + b        (E: the word embeddings, tied)
 *   next-sentence prediction: is segment B the sentence that followed A (label 0) or a random one
 *   (label 1)?   logits = pooled Wnsp + bnsp
 *   loss = CE(masked LM) + CE(NSP)
 * The corpus of sentence pairs, the masking, the heads, and fill-mask over the trained model.
 */
import { type RandomState, ValidationError } from '@firth/numeric';
import { add, crossEntropy, embedding, geluErfOp, matmul, type Tensor, transposeLast } from '@firth/tensor';
import {
  argmax,
  type BertFitOptions,
  checkTokenizer,
  idOf,
  positive,
  softmaxRow,
  train,
} from './bert-fit.js';
import { type BertModel, collate, gatherRows, linear } from './bert-model.js';
import type { BertEncoding, WordPieceTokenizer } from './tokenizers/wordpiece.js';

/** One pretraining input: masked ids, the masked positions and their original ids, the NSP label. */
export interface PretrainingExample {
  encoding: BertEncoding;
  /** Positions chosen for the masked LM and the ids that were there. */
  maskedPositions: number[];
  maskedLabels: number[];
  /** 0: B follows A; 1: B is a random sentence; −1: a single segment (no NSP loss). */
  nextSentenceLabel: 0 | 1 | -1;
}

/**
 * Documents split into sentences, tokenized once, from which pretraining examples are drawn:
 *   A = sentences from a random place of a document (about half the length budget),
 *   B = the sentences that follow (50 %, label 0) or from another document (50 %, label 1);
 * one-sentence documents give single-segment examples (masked LM only).
 */
export class PretrainingCorpus {
  readonly documents: number[][][];
  readonly tokenCount: number;

  constructor(
    readonly tokenizer: WordPieceTokenizer,
    documents: readonly string[],
  ) {
    this.documents = documents
      .map((d) =>
        splitSentences(d)
          .map((s) => tokenizer.encode(s, undefined, { addSpecialTokens: false }))
          .filter((ids) => ids.length > 0),
      )
      .filter((d) => d.length > 0);
    if (this.documents.length === 0)
      throw new ValidationError('the pretraining corpus has no text (every document is empty)', 'documents');
    this.tokenCount = this.documents.flat(2).length;
  }

  /** A masked example of at most `maxLength` tokens, special tokens included. */
  sample(rng: RandomState, maxLength: number, maskProb = 0.15): PretrainingExample {
    const tok = this.tokenizer;
    const budget = maxLength - 3;
    if (budget < 2)
      throw new ValidationError(`maxLength ${maxLength} is too short for two segments`, 'maxLength');
    const doc = this.documents[rng.randint(this.documents.length)]!;
    let a: number[] = [];
    let b: number[] | undefined;
    let label: 0 | 1 | -1 = -1;
    if (doc.length === 1) a = doc[0]!.slice(0, budget + 1);
    else {
      let i = rng.randint(doc.length - 1);
      a = [...doc[i]!];
      // grow A while it is under half the budget and a next sentence remains for B
      while (a.length < budget / 2 && i + 2 < doc.length) for (const id of doc[++i]!) a.push(id);
      if (rng.randomSample() < 0.5 || this.documents.length === 1) {
        label = 0;
        b = [];
        for (let j = i + 1; j < doc.length && b.length < budget - a.length; j++)
          for (const id of doc[j]!) b.push(id);
      } else {
        label = 1;
        let other = doc;
        while (other === doc) other = this.documents[rng.randint(this.documents.length)]!;
        b = [];
        for (let j = rng.randint(other.length); j < other.length && b.length < budget - a.length; j++)
          for (const id of other[j]!) b.push(id);
      }
    }
    // truncate longest-first to the budget (a single segment keeps budget + 1 tokens)
    const room = b === undefined ? budget + 1 : budget;
    while (a.length + (b?.length ?? 0) > room) {
      if (b === undefined || a.length > b.length) a.pop();
      else b.pop();
    }
    const [cls, sep] = [idOf(tok, '[CLS]'), idOf(tok, '[SEP]')];
    const ids = [cls, ...a, sep, ...(b ? [...b, sep] : [])];
    const tokenTypeIds = ids.map((_, t) => (t <= a.length + 1 ? 0 : 1));
    return { ...maskTokens(tok, ids, tokenTypeIds, rng, maskProb), nextSentenceLabel: label };
  }
}

/** Sentences: split after . ! ? followed by space (the Lee corpus, Wikipedia text). */
export const splitSentences = (text: string): string[] =>
  text
    .split(/(?<=[.!?])\s+/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);

/**
 * BERT's masking: choose round(maskProb · n) of the n non-special tokens (at least one); each
 * becomes [MASK] (80 %), a random non-special token (10 %) or stays (10 %).
 */
export function maskTokens(
  tokenizer: WordPieceTokenizer,
  ids: number[],
  tokenTypeIds: number[],
  rng: RandomState,
  maskProb = 0.15,
): Omit<PretrainingExample, 'nextSentenceLabel'> {
  const special = new Set(tokenizer.specialTokens.map((t) => tokenizer.tokenToId(t)));
  const candidates = ids.flatMap((id, t) => (special.has(id) ? [] : [t]));
  const n = Math.max(1, Math.round(maskProb * candidates.length));
  const chosen = rng
    .permutation(candidates.length)
    .slice(0, n)
    .map((k) => candidates[k]!)
    .sort((x, y) => x - y);
  const mask = idOf(tokenizer, '[MASK]');
  const firstNormal = tokenizer.specialTokens.length; // specials come first in a trained vocabulary
  const masked = [...ids];
  for (const t of chosen) {
    const r = rng.randomSample();
    if (r < 0.8) masked[t] = mask;
    else if (r < 0.9) masked[t] = firstNormal + rng.randint(tokenizer.vocabSize - firstNormal);
  }
  return {
    encoding: {
      ids: masked,
      tokens: masked.map((id) => tokenizer.idToToken(id)!),
      tokenTypeIds,
      attentionMask: ids.map(() => 1),
    },
    maskedPositions: chosen,
    maskedLabels: chosen.map((t) => ids[t]!),
  };
}

export interface FillMaskPrediction {
  score: number;
  token: number;
  token_str: string;
  /** The text with this prediction in place of the [MASK]. */
  sequence: string;
  /** Which [MASK] of the text (0-based), when it has several. */
  maskIndex: number;
}

/**
 * The masked-LM head over hidden vectors h (…, H): LN(GELU(h Wt + bt)) Eᵀ + b, E the word
 * embeddings (tied) — BERT's `cls.predictions`, and RoBERTa's `lm_head` and DistilBERT's
 * vocab_transform / vocab_layer_norm / vocab_projector, which hf-encoders.ts loads under its names.
 */
export function maskedLmLogits(bert: BertModel, h: Tensor): Tensor {
  const { hiddenSize: H, vocabSize: V } = bert.config;
  const transform = bert.dense('cls.predictions.transform.dense', H, H);
  const t = bert.layerNorm(geluErfOp(linear(h, transform)), bert.norm('cls.predictions.transform.LayerNorm'));
  return add(matmul(t, transposeLast(bert.wordEmbeddings)), bert.param('cls.predictions.bias', [V], 'zeros'));
}

/** Masked LM + NSP heads over a BertModel (Hugging Face's BertForPreTraining). */
export class BertForPreTraining {
  readonly lossCurve: number[] = [];

  constructor(
    readonly bert: BertModel,
    readonly tokenizer: WordPieceTokenizer,
  ) {
    checkTokenizer(bert, tokenizer);
    this.heads();
  }

  private heads() {
    const { hiddenSize: H, vocabSize: V } = this.bert.config;
    return {
      transform: this.bert.dense('cls.predictions.transform.dense', H, H),
      ln: this.bert.norm('cls.predictions.transform.LayerNorm'),
      bias: this.bert.param('cls.predictions.bias', [V], 'zeros'),
      nsp: this.bert.dense('cls.seq_relationship', H, 2),
    };
  }

  /** Vocabulary logits (N, V) for the hidden vectors (N, H) of chosen positions. */
  mlmLogits(h: Tensor): Tensor {
    this.heads();
    return maskedLmLogits(this.bert, h);
  }

  /** Masked-LM and NSP losses of a batch of examples (each a mean cross-entropy). */
  losses(examples: readonly PretrainingExample[], options: { train?: boolean; rng?: RandomState } = {}) {
    const batch = collate(examples.map((e) => e.encoding));
    const T = batch.inputIds[0]!.length;
    const h = this.bert.encode(batch, options);
    const rows = examples.flatMap((e, b) => e.maskedPositions.map((t) => b * T + t));
    const mlm = crossEntropy(
      this.mlmLogits(gatherRows(h, rows)),
      examples.flatMap((e) => e.maskedLabels),
    );
    const withNsp = examples.flatMap((e, b) => (e.nextSentenceLabel >= 0 ? [b] : []));
    if (withNsp.length === 0) return { mlm, nsp: null, total: mlm };
    const pooled = this.bert.pool(h);
    const nsp = crossEntropy(
      linear(embedding(pooled, withNsp), this.heads().nsp),
      withNsp.map((b) => examples[b]!.nextSentenceLabel),
    );
    return { mlm, nsp, total: add(mlm, nsp) };
  }

  /**
   * Pretrains on a corpus for `steps` batches of freshly masked examples. Progress metrics:
   * mlmLoss, nspLoss; with `heldOut`, evalMlmLoss and nspAccuracy on those fixed examples.
   */
  fit(
    corpus: PretrainingCorpus,
    options: BertFitOptions & { steps?: number; heldOut?: PretrainingExample[]; evalEvery?: number } = {},
  ): this {
    const steps = positive(options.steps ?? 1000, 'steps');
    const batchSize = positive(options.batchSize ?? 32, 'batchSize');
    const maxLength = Math.min(options.maxLength ?? 64, this.bert.config.maxPositionEmbeddings);
    let last: { mlm: number; nsp: number } = { mlm: Number.NaN, nsp: Number.NaN };
    const curve = train(
      this.bert,
      ['bert.', 'cls.'],
      steps,
      (_, rng) => {
        const ex = Array.from({ length: batchSize }, () => corpus.sample(rng, maxLength));
        const l = this.losses(ex, { train: true, rng });
        last = { mlm: l.mlm.item(), nsp: l.nsp?.item() ?? Number.NaN };
        return l.total;
      },
      {
        ...options,
        evaluate: () => ({
          mlmLoss: last.mlm,
          nspLoss: last.nsp,
          ...(options.heldOut ? this.evaluate(options.heldOut) : {}),
        }),
        evalEvery: options.evalEvery ?? 100,
      },
    );
    this.lossCurve.push(...curve);
    return this;
  }

  /** Held-out masked-LM loss, masked-token accuracy and NSP accuracy (dropout off). */
  evaluate(examples: readonly PretrainingExample[]): {
    evalMlmLoss: number;
    mlmAccuracy: number;
    nspAccuracy: number;
  } {
    let loss = 0;
    let right = 0;
    let total = 0;
    let nspRight = 0;
    let nspTotal = 0;
    for (let s = 0; s < examples.length; s += 32) {
      const part = examples.slice(s, s + 32);
      const batch = collate(part.map((e) => e.encoding));
      const T = batch.inputIds[0]!.length;
      const h = this.bert.encode(batch, { grad: false });
      const labels = part.flatMap((e) => e.maskedLabels);
      const logits = this.mlmLogits(
        gatherRows(
          h,
          part.flatMap((e, b) => e.maskedPositions.map((t) => b * T + t)),
        ),
      );
      loss += crossEntropy(logits, labels).item() * labels.length;
      const V = this.bert.config.vocabSize;
      labels.forEach((y, n) => {
        if (argmax(logits.data.subarray(n * V, (n + 1) * V)) === y) right++;
      });
      total += labels.length;
      const nspLogits = linear(this.bert.pool(h, { grad: false }), this.heads().nsp);
      part.forEach((e, b) => {
        if (e.nextSentenceLabel < 0) return;
        nspTotal++;
        if (argmax(nspLogits.data.subarray(2 * b, 2 * b + 2)) === e.nextSentenceLabel) nspRight++;
      });
    }
    return {
      evalMlmLoss: loss / Math.max(1, total),
      mlmAccuracy: right / Math.max(1, total),
      nspAccuracy: nspTotal ? nspRight / nspTotal : Number.NaN,
    };
  }

  /**
   * Hugging Face's fill-mask pipeline: the `topK` most likely tokens at each [MASK] of the text,
   * with their probabilities and the completed text.
   */
  fillMask(text: string, options: { topK?: number } = {}): FillMaskPrediction[] {
    const topK = positive(options.topK ?? 5, 'topK');
    const enc = this.tokenizer.encodePlus(text, undefined, {
      maxLength: this.bert.config.maxPositionEmbeddings,
    });
    const maskId = idOf(this.tokenizer, '[MASK]');
    const positions = enc.ids.flatMap((id, t) => (id === maskId ? [t] : []));
    if (positions.length === 0)
      throw new ValidationError(`the text has no [MASK] token: ${JSON.stringify(text.slice(0, 80))}`, 'text');
    const h = this.bert.encode(collate([enc]), { grad: false });
    const logits = this.mlmLogits(gatherRows(h, positions));
    const V = this.bert.config.vocabSize;
    const special = new Set(this.tokenizer.specialTokens);
    return positions.flatMap((pos, m) => {
      const p = softmaxRow(logits.data.subarray(m * V, (m + 1) * V));
      const ranked = [...p.keys()]
        .filter((id) => !special.has(this.tokenizer.idToToken(id)!))
        .sort((x, y) => p[y]! - p[x]!)
        .slice(0, topK);
      return ranked.map((id) => {
        const ids = enc.ids.slice(1, -1);
        ids[pos - 1] = id;
        return {
          score: p[id]!,
          token: id,
          token_str: this.tokenizer.idToToken(id)!,
          sequence: this.tokenizer.decode(ids),
          maskIndex: m,
        };
      });
    });
  }
}
