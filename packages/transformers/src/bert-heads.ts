/**
 * BERT's heads and how each is trained (course: "BERT", "Question Answering with BERT"):
 *
 *   pretraining   masked LM: 15 % of the tokens are chosen; of those 80 % become [MASK], 10 % a
 *                 random token, 10 % stay — the model predicts the original at each chosen place:
 *                   logits = LN(GELU(h Wt + bt)) Eᵀ + b        (E: the word embeddings, tied)
 *                 next-sentence prediction: is segment B the sentence that followed A (label 0)
 *                 or a random one (label 1)?   logits = pooled Wnsp + bnsp
 *                 loss = CE(masked LM) + CE(NSP)                (BertForPreTraining)
 *   sequence      logits = Dropout(pooled) Wc + bc               (BertForSequenceClassification)
 *   token         logits_t = Dropout(h_t) Wc + bc, every token   (BertForTokenClassification)
 *   question      [CLS] question [SEP] context [SEP];  start_t, end_t = h_t Wqa + bqa;
 *   answering     answer = the context span i ≤ j (j − i < maxAnswerLength) maximising
 *                 p_start(i) · p_end(j)                          (BertForQuestionAnswering)
 *
 * Each head adds its weights to the BertModel's store under Hugging Face's names, so one
 * safetensors file holds encoder and heads. Training: AdamW (no decay on biases and norms),
 * linear warm-up then cosine decay, gradient clipping at 1, dropout on, progress events.
 */
import { type ProgressEvent, RandomState, ValidationError } from '@firth/numeric';
import {
  AdamW,
  add,
  clipGradNorm,
  crossEntropy,
  dropout as dropoutOf,
  embedding,
  geluErfOp,
  matmul,
  reshape,
  sliceLast,
  type Tensor,
  transposeLast,
} from '@firth/tensor';
import { type BertBatch, type BertModel, collate, gatherRows, linear } from './bert-model.js';
import { warmupCosine } from './nn.js';
import type { BertEncoding, WordPieceTokenizer } from './tokenizers/wordpiece.js';

/** Training progress: `loss` is the batch loss, `metrics.lr` the rate, plus any evaluation. */
export type BertProgress = ProgressEvent<'step' | 'eval' | 'end'>;

export interface BertFitOptions {
  /** Passes over the examples (pretraining counts `steps` instead). @default 3 */
  epochs?: number;
  /** @default 32 */
  batchSize?: number;
  /** Peak learning rate. @default 1e-3 from scratch-sized models; use ~5e-5 for big pretrained ones */
  lr?: number;
  /** Warm-up as a fraction of all steps. @default 0.1 */
  warmupRatio?: number;
  /** AdamW decoupled weight decay on matrices. @default 0.01 */
  weightDecay?: number;
  /** Tokens per sequence, special tokens included (longer inputs are truncated). @default 64 */
  maxLength?: number;
  /** Seeds shuffling, masking and dropout. @default 1 */
  seed?: number;
  onProgress?: (event: BertProgress) => void;
  /** Checked after every step: true ends training early (a time budget). */
  shouldStop?: () => boolean;
}

/**
 * The loop every head trains with: `steps` updates of all parameters whose names start with one
 * of `prefixes`, `lossAt(step, rng)` giving the batch loss. Returns the loss curve.
 */
function train(
  bert: BertModel,
  prefixes: string[],
  steps: number,
  lossAt: (step: number, rng: RandomState) => Tensor,
  options: BertFitOptions & { evaluate?: (step: number) => Record<string, number>; evalEvery?: number },
  epochs = 1,
): number[] {
  const lr = options.lr ?? 1e-3;
  const warmup = Math.max(1, Math.round((options.warmupRatio ?? 0.1) * steps));
  const params = bert.parameters(prefixes);
  const opt = new AdamW(
    params.filter((p) => p.shape.length >= 2),
    { lr, weightDecay: options.weightDecay ?? 0.01 },
  );
  const optPlain = new AdamW(
    params.filter((p) => p.shape.length < 2),
    { lr, weightDecay: 0 },
  );
  const rng = new RandomState(options.seed ?? 1);
  const curve: number[] = [];
  const t0 = performance.now();
  const emit = (phase: BertProgress['phase'], step: number, loss: number, metrics: Record<string, number>) =>
    options.onProgress?.({
      phase,
      epoch: Math.min(epochs, Math.floor((step * epochs) / Math.max(1, steps)) + (phase === 'end' ? 0 : 1)),
      epochs,
      step,
      steps,
      loss,
      metrics,
      elapsedMs: performance.now() - t0,
    });
  let done = 0;
  let rate = lr;
  for (let step = 0; step < steps; step++) {
    rate = warmupCosine(step, steps, lr, warmup, 0);
    for (const p of params) p.grad = null;
    const L = lossAt(step, rng);
    L.backward();
    clipGradNorm(params, 1);
    opt.step(rate);
    optPlain.step(rate);
    curve.push(L.item());
    done = step + 1;
    emit('step', done, L.item(), { lr: rate });
    if (options.evaluate && options.evalEvery && done % options.evalEvery === 0 && done < steps)
      emit('eval', done, L.item(), { lr: rate, ...options.evaluate(done) });
    if (options.shouldStop?.()) break;
  }
  emit('end', done, curve.at(-1) ?? Number.NaN, { lr: rate, ...(options.evaluate?.(done) ?? {}) });
  return curve;
}

const idOf = (tokenizer: WordPieceTokenizer, token: string): number => {
  const id = tokenizer.tokenToId(token);
  if (id === undefined) throw new ValidationError(`the vocabulary has no ${token} token`, 'vocab');
  return id;
};

const checkTokenizer = (bert: BertModel, tokenizer: WordPieceTokenizer) => {
  if (tokenizer.vocabSize !== bert.config.vocabSize)
    throw new ValidationError(
      `the tokenizer has ${tokenizer.vocabSize} pieces but the model's vocabulary is ${bert.config.vocabSize}`,
      'tokenizer',
    );
};

const positive = (v: number, name: string) => {
  if (!Number.isInteger(v) || v < 1)
    throw new ValidationError(`${name} must be a positive integer, got ${v}`, name);
  return v;
};

/**
 * Examples in a seeded random order, `batchSize` at a time, epoch after epoch. With `length`,
 * batches group examples of similar length (Hugging Face's group_by_length): each epoch's order is
 * cut into chunks of 50 batches, each chunk sorted by length and split, and the batches shuffled
 * — less padding, the same examples per epoch.
 */
function batchesOf<T>(
  items: readonly T[],
  batchSize: number,
  epochs: number,
  rng: RandomState,
  length?: (item: T) => number,
) {
  const perEpoch = Math.ceil(items.length / batchSize);
  let batches: number[][] = [];
  return {
    steps: perEpoch * epochs,
    at(step: number): T[] {
      const k = step % perEpoch;
      if (k === 0) {
        const order = rng.permutation(items.length);
        batches = [];
        const chunk = length ? 50 * batchSize : batchSize;
        for (let c = 0; c < order.length; c += chunk) {
          const part = order.slice(c, c + chunk);
          if (length) part.sort((x, y) => length(items[x]!) - length(items[y]!));
          for (let s = 0; s < part.length; s += batchSize) batches.push(part.slice(s, s + batchSize));
        }
        if (length) batches = rng.permutation(batches.length).map((i) => batches[i]!);
      }
      return batches[k]!.map((i) => items[i]!);
    },
  };
}

// ── Pretraining: masked LM + next-sentence prediction ────────────────────────────────────────────

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
    const hd = this.heads();
    const t = this.bert.layerNorm(geluErfOp(linear(h, hd.transform)), hd.ln);
    return add(matmul(t, transposeLast(this.bert.wordEmbeddings)), hd.bias);
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
      const h = this.bert.encode(batch);
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
      const nspLogits = linear(this.bert.pool(h), this.heads().nsp);
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
    const h = this.bert.encode(collate([enc]));
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

const argmax = (v: ArrayLike<number>): number => {
  let best = 0;
  for (let i = 1; i < v.length; i++) if (v[i]! > v[best]!) best = i;
  return best;
};

const softmaxRow = (v: ArrayLike<number>): Float64Array => {
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < v.length; i++) max = Math.max(max, v[i]!);
  const p = new Float64Array(v.length);
  let sum = 0;
  for (let i = 0; i < v.length; i++) sum += p[i] = Math.exp(v[i]! - max);
  for (let i = 0; i < v.length; i++) p[i]! /= sum;
  return p;
};

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
abstract class BertLabelHead {
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

// ── Sequence classification ──────────────────────────────────────────────────────────────────────

export interface TextClassification {
  label: string;
  score: number;
  /** Every label's probability. */
  scores: Record<string, number>;
}

/** A label for a whole text from the pooled [CLS] vector (BertForSequenceClassification). */
export class BertForSequenceClassification extends BertLabelHead {
  logits(batch: BertBatch, options: { train?: boolean; rng?: RandomState } = {}): Tensor {
    const pooled = this.bert.pool(this.bert.encode(batch, options));
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
      const logits = this.logits(collate(part.map((i) => encodings[i]!)));
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

// ── Token classification ─────────────────────────────────────────────────────────────────────────

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

  private logits(batch: BertBatch, options: { train?: boolean; rng?: RandomState } = {}): Tensor {
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
    const logits = this.logits(collate([enc]));
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

// ── Question answering ───────────────────────────────────────────────────────────────────────────

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

  /** Start and end logits, each (B, T). */
  logits(batch: BertBatch, options: { train?: boolean; rng?: RandomState } = {}) {
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
    const { start, end } = this.logits(collate([enc]));
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
