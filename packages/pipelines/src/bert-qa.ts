/**
 * A user's BERT question-answering folder (Hugging Face's BertForQuestionAnswering: config.json,
 * model.safetensors with qa_outputs, vocab.txt or tokenizer.json) run as Hugging Face's
 * QuestionAnsweringPipeline runs it:
 *
 *   windows  [CLS] question [SEP] context part [SEP], the question cut to max_question_len tokens,
 *            each window at most max_seq_len tokens (and the model's positions), consecutive
 *            windows sharing doc_stride context tokens;
 *   scores   start and end logits; every token that is neither context nor [CLS] set to −10000;
 *            softmax over each; the no-answer score is p_start([CLS]) · p_end([CLS]) (its least over
 *            the windows), then [CLS] is set to 0;
 *   spans    i ≤ j < i + max_answer_len over context tokens, scored p_start(i) · p_end(j), the best
 *            top_k of each window; offsets widened to whole words (align_to_words, default true).
 */
import { FormatError, ValidationError } from '@firth/numeric';
import {
  BertForQuestionAnswering,
  BertModel,
  collate,
  loadHfTokenizer,
  type WordPieceTokenizer,
} from '@firth/transformers';
import { encoderMaxTokens, frameOf, loadEncoderFolder, piecesWithOffsets, runEncoder } from './hf-folder.js';
import { type OffsetPiece, wordPieces, words } from './ner-tagger.js';
import type { QaAnswer, QaModel, QaModelOptions } from './question-answering.js';

const softmax = (xs: number[]) => {
  const top = Math.max(...xs);
  const e = xs.map((x) => Math.exp(x - top));
  const z = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / z);
};

/** Start and end logits of one window (an encoder with a question-answering head). */
export type QaLogits = (window: { ids: number[]; tokenTypeIds: number[] }) => {
  start: ArrayLike<number>;
  end: ArrayLike<number>;
};

/**
 * How an encoder's tokenizer writes a question-answering window: the question's ids, the context's
 * pieces with offsets, and a window [specials] question [specials] context part [specials].
 */
export interface QaTokenization {
  question(question: string): number[];
  pieces(context: string): OffsetPiece[];
  /**
   * The window's ids and token types, and the position of the part's first piece; position 0 holds
   * the classifier token (the no-answer score's).
   */
  frame(question: number[], part: number[]): { ids: number[]; tokenTypeIds: number[]; contextAt: number };
  /** The special tokens a window adds (3 for BERT's [CLS] q [SEP] c [SEP], 4 for RoBERTa's). */
  specials: number;
}

/** The WordPiece tokenizer's windows: [CLS] question [SEP] context part [SEP], types 0 … 0 1 … 1. */
export function wordPieceTokenization(tok: WordPieceTokenizer): QaTokenization {
  const id = (t: string) => tok.tokenToId(t)!;
  return {
    question: (q) => tok.encode(q, undefined, { addSpecialTokens: false }),
    pieces: (context) => wordPieces(tok, words(context)).flat(),
    frame: (q, part) => ({
      ids: [id('[CLS]'), ...q, id('[SEP]'), ...part, id('[SEP]')],
      tokenTypeIds: [...Array(q.length + 2).fill(0), ...Array(part.length + 1).fill(1)],
      contextAt: q.length + 2,
    }),
    specials: 3,
  };
}

/** Hugging Face's question-answering on any encoder with start / end logits and a QaTokenization. */
export class EncoderQa implements QaModel {
  constructor(
    readonly tokenization: QaTokenization,
    /** The model's positions (a window is never longer). */
    readonly maxPositions: number,
    readonly logits: QaLogits,
  ) {}

  /** The windows of a question and a context: token ids, and which context piece each position holds. */
  windows(question: string, context: string, o: QaModelOptions) {
    const tok = this.tokenization;
    const q = tok.question(question).slice(0, o.maxQuestionLen);
    const pieces = tok.pieces(context);
    const maxLen = Math.min(o.maxSeqLen, this.maxPositions);
    const room = maxLen - q.length - tok.specials;
    if (room < 1)
      throw new ValidationError(
        `question-answering: the question takes ${q.length} of the model's ${maxLen} positions, leaving none for the context (max_question_len cuts it)`,
        'max_question_len',
      );
    const step = Math.max(1, room - Math.min(o.docStride, room - 1));
    const out: { ids: number[]; tokenTypeIds: number[]; context: (OffsetPiece | null)[] }[] = [];
    for (let from = 0; ; from += step) {
      const part = pieces.slice(from, from + room);
      const { ids, tokenTypeIds, contextAt } = tok.frame(
        q,
        part.map((p) => p.id),
      );
      const context: (OffsetPiece | null)[] = ids.map(() => null);
      for (const [k, p] of part.entries()) context[contextAt + k] = p;
      out.push({ ids, tokenTypeIds, context });
      if (from + room >= pieces.length) break;
    }
    return out;
  }

  answers(question: string, context: string, o: QaModelOptions): { answers: QaAnswer[]; nullScore: number } {
    let nullScore = 1;
    const found: QaAnswer[] = [];
    for (const w of this.windows(question, context, o)) {
      const T = w.ids.length;
      const { start, end } = this.logits(w);
      const allowed = (t: number) => t === 0 || w.context[t] !== null;
      const ps = softmax(Array.from({ length: T }, (_, t) => (allowed(t) ? start[t]! : -10000)));
      const pe = softmax(Array.from({ length: T }, (_, t) => (allowed(t) ? end[t]! : -10000)));
      nullScore = Math.min(nullScore, ps[0]! * pe[0]!);
      ps[0] = 0;
      pe[0] = 0;
      const spans: { i: number; j: number; score: number }[] = [];
      for (let i = 1; i < T; i++)
        if (w.context[i])
          for (let j = i; j < Math.min(T, i + o.maxAnswerLen); j++)
            if (w.context[j]) spans.push({ i, j, score: ps[i]! * pe[j]! });
      spans.sort((a, b) => b.score - a.score);
      for (const { i, j, score } of spans.slice(0, o.topK)) {
        const s = o.alignToWords ? w.context[i]!.wordStart : w.context[i]!.start;
        const e = o.alignToWords ? w.context[j]!.wordEnd : w.context[j]!.end;
        found.push({ answer: context.slice(s, e), score, start: s, end: e });
      }
    }
    return { answers: found, nullScore };
  }
}

/** Hugging Face's question-answering on a WordPiece encoder (BERT's [CLS] q [SEP] c [SEP]). */
export class WordPieceQa extends EncoderQa {
  constructor(
    readonly tokenizer: WordPieceTokenizer,
    maxPositions: number,
    logits: QaLogits,
  ) {
    super(wordPieceTokenization(tokenizer), maxPositions, logits);
  }
}

/**
 * A Hugging Face BertForQuestionAnswering folder: the encoder and qa_outputs read from the
 * checkpoint (a folder without qa_outputs is a FormatError), the WordPiece tokenizer from its files.
 */
export async function loadBertQa(folder: string): Promise<WordPieceQa & { qa: BertForQuestionAnswering }> {
  const bert = await BertModel.load(folder);
  const tokenizer = await loadHfTokenizer(folder);
  if (!('encodePlus' in tokenizer))
    throw new ValidationError(
      `pipeline: ${folder} has a byte-level BPE tokenizer; question-answering reads BERT folders (WordPiece)`,
      'model',
    );
  const qa = new BertForQuestionAnswering(bert, tokenizer);
  const fresh = bert.newlyInitialized();
  if (fresh.length)
    throw new FormatError(
      `${folder}/model.safetensors`,
      '',
      `has no tensor "${fresh[0]}"${fresh.length > 1 ? ` (nor ${fresh.length - 1} more)` : ''}: it is not a question-answering model (BertForQuestionAnswering)`,
    );
  const logits: QaLogits = ({ ids, tokenTypeIds }) => {
    const enc = {
      ids,
      tokens: ids.map((i) => tokenizer.idToToken(i)!),
      tokenTypeIds,
      attentionMask: ids.map(() => 1),
    };
    const { start, end } = qa.logits(collate([enc]), { grad: false });
    return { start: start.data, end: end.data };
  };
  return Object.assign(new WordPieceQa(tokenizer, bert.config.maxPositionEmbeddings, logits), { qa });
}

/**
 * A user's DistilBERT, RoBERTa or BERT …ForQuestionAnswering folder with any tokenizer the folder
 * holds (tokenizer.json, vocab.json + merges.txt, vocab.txt): windows framed as its post-processor
 * frames a pair (<s> q </s></s> c </s> for RoBERTa), the context's pieces with offsets
 * (piecesWithOffsets), the logits from the checkpoint's qa_outputs.
 */
export async function loadEncoderQa(folder: string): Promise<EncoderQa & { parameters: number }> {
  const { encoder, tokenizer, info } = await loadEncoderFolder(folder, 'question-answering');
  const frame = frameOf(tokenizer, true);
  const tokenization: QaTokenization = {
    question: (q) => tokenizer.encode(q, { addSpecialTokens: false }),
    pieces: (context) => piecesWithOffsets(tokenizer, context),
    frame: (q, part) => {
      const f = frame.build(q, part);
      return { ids: f.ids, tokenTypeIds: f.tokenTypeIds, contextAt: f.bAt };
    },
    specials: frame.specials,
  };
  const logits: QaLogits = ({ ids, tokenTypeIds }) => {
    const out = runEncoder(encoder, {
      ids,
      tokenTypeIds,
      attentionMask: ids.map(() => 1),
      tokens: [],
      specialTokensMask: [],
    });
    return { start: out.startLogits![0]!, end: out.endLogits![0]! };
  };
  return Object.assign(new EncoderQa(tokenization, encoderMaxTokens(encoder), logits), {
    parameters: info.parameters,
  });
}
