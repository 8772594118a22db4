/**
 * question-answering in Hugging Face's shapes:
 *
 *   const qa = await pipeline('question-answering');
 *   await qa('Where do pandas live?', 'Giant pandas live in the mountains of central China.')
 *   // { answer: 'China', score: 0.9…, start: 45, end: 50 }  (character offsets in the context)
 *   await qa({ question, context }, { top_k: 3 })      // a list of 3, best first
 *   await qa([{ question, context }, …])               // one result per pair
 *
 * Options as Hugging Face's: top_k (1), handle_impossible_answer (false: with it, the empty answer
 * { answer: '', start: 0, end: 0 } competes with its no-answer score), max_answer_len (15),
 * doc_stride (128), max_seq_len (384), max_question_len (64) — the last three checked and used by
 * models that read the context in windows.
 */
import { ValidationError } from '@firth/numeric';
import { loadTinyBert } from '@firth/transformers';
import { loadBertQa, loadEncoderQa } from './bert-qa.js';
import { folderModelType, NON_BERT_ENCODERS } from './hf-folder.js';
import { RuleNerTagger } from './ner-tagger.js';
import {
  countParameters,
  defaultModel,
  type PipelineInfo,
  type PipelineModel,
  wholeNumber,
  withInfo,
} from './pipeline.js';
import { RuleQa } from './qa-rules.js';

export interface QaAnswer {
  answer: string;
  score: number;
  /** Character offsets of the answer in the context. */
  start: number;
  end: number;
}

export interface QuestionAnsweringOptions {
  /** Answers per question, best first; more than 1 gives a list. @default 1 */
  top_k?: number;
  /** Let the empty answer win when no span is likely enough. @default false */
  handle_impossible_answer?: boolean;
  /** Longest answer, in words. @default 15 */
  max_answer_len?: number;
  /** Overlap of a long context's windows, in tokens. @default 128 */
  doc_stride?: number;
  /** Longest window (question + context), in tokens. @default 384 */
  max_seq_len?: number;
  /** Longest question, in tokens. @default 64 */
  max_question_len?: number;
  /** Widen a span of tokens to whole words. @default true */
  align_to_words?: boolean;
}

export interface QaInput {
  question: string;
  context: string;
}

/** What a model gets from the pipeline. */
export interface QaModelOptions {
  /** Answers wanted (a model may return more; the pipeline keeps the best). */
  topK: number;
  maxAnswerLen: number;
  docStride: number;
  maxSeqLen: number;
  maxQuestionLen: number;
  alignToWords: boolean;
}

/** A question-answering model: its candidate spans with scores, and the score of no answer. */
export interface QaModel {
  answers(
    question: string,
    context: string,
    options: QaModelOptions,
  ): { answers: QaAnswer[]; nullScore: number };
}

/** One pair → its answer (a list with top_k > 1); several pairs → one such result each. */
export interface QuestionAnsweringPipeline extends PipelineInfo {
  (question: string, context: string, options?: QuestionAnsweringOptions): Promise<QaAnswer | QaAnswer[]>;
  (input: QaInput, options?: QuestionAnsweringOptions): Promise<QaAnswer | QaAnswer[]>;
  (input: QaInput[], options?: QuestionAnsweringOptions): Promise<(QaAnswer | QaAnswer[])[]>;
}

function checkOptions(o: QuestionAnsweringOptions): { impossible: boolean } & QaModelOptions {
  if (typeof o !== 'object' || o === null)
    throw new ValidationError('question-answering: options must be an object', 'options');
  const flag = (name: 'handle_impossible_answer' | 'align_to_words', fallback: boolean) => {
    const v = o[name] ?? fallback;
    if (typeof v !== 'boolean')
      throw new ValidationError(`${name} must be true or false, got ${JSON.stringify(v)}`, name);
    return v;
  };
  const impossible = flag('handle_impossible_answer', false);
  const alignToWords = flag('align_to_words', true);
  const maxSeqLen = wholeNumber(o.max_seq_len ?? 384, 'max_seq_len', 8);
  const docStride = wholeNumber(o.doc_stride ?? 128, 'doc_stride', 0);
  const maxQuestionLen = wholeNumber(o.max_question_len ?? 64, 'max_question_len', 1);
  if (docStride >= maxSeqLen)
    throw new ValidationError(
      `doc_stride (${docStride}) must be less than max_seq_len (${maxSeqLen}): the windows would not move on`,
      'doc_stride',
    );
  return {
    topK: wholeNumber(o.top_k ?? 1, 'top_k', 1),
    impossible,
    maxAnswerLen: wholeNumber(o.max_answer_len ?? 15, 'max_answer_len', 1),
    docStride,
    maxSeqLen,
    maxQuestionLen,
    alignToWords,
  };
}

/** The pairs of any of Hugging Face's call forms. */
function pairs(input: unknown, context: unknown): QaInput[] {
  const list =
    typeof input === 'string' ? [{ question: input, context }] : Array.isArray(input) ? input : [input];
  if (list.length === 0) throw new ValidationError('question-answering: no question given', 'input');
  return list.map((p, i) => {
    const at = list.length > 1 || Array.isArray(input) ? `input ${i}: ` : '';
    if (typeof p !== 'object' || p === null)
      throw new ValidationError(
        `question-answering: ${at}give { question, context }, got ${JSON.stringify(p)}`,
        'input',
      );
    const { question, context: ctx } = p as Record<string, unknown>;
    if (typeof question !== 'string' || question.trim() === '')
      throw new ValidationError(
        `question-answering: ${at}the question must be a non-empty string`,
        'question',
      );
    if (typeof ctx !== 'string' || ctx.trim() === '')
      throw new ValidationError(`question-answering: ${at}the context must be a non-empty string`, 'context');
    return { question, context: ctx };
  });
}

/** Hugging Face's postprocessing: the empty answer added if asked, best first, top_k kept; one answer unwrapped. */
export function answerQuestions(
  model: QaModel,
  input: unknown,
  contextOrOptions?: unknown,
  maybeOptions?: QuestionAnsweringOptions,
): QaAnswer | QaAnswer[] | (QaAnswer | QaAnswer[])[] {
  const options = (typeof input === 'string' ? maybeOptions : contextOrOptions) ?? {};
  const list = pairs(input, contextOrOptions);
  const o = checkOptions(options as QuestionAnsweringOptions);
  const out = list.map(({ question, context }) => {
    const { answers, nullScore } = model.answers(question, context, o);
    const all = o.impossible
      ? [...answers, { answer: '', score: nullScore, start: 0, end: 0 }]
      : [...answers];
    const best = all.sort((a, b) => b.score - a.score).slice(0, o.topK);
    return best.length === 1 ? best[0]! : best;
  });
  return Array.isArray(input) ? out : out[0]!;
}

/**
 * The question-answering pipeline: a user's BertForQuestionAnswering folder (bert-qa.ts, WordPiece),
 * a DistilBERT / RoBERTa …ForQuestionAnswering folder with any tokenizer (loadEncoderQa), or the
 * default RuleQa (qa-rules.ts).
 */
export async function questionAnsweringPipeline(model?: string): Promise<QuestionAnsweringPipeline> {
  let qa: QaModel;
  let info: PipelineModel;
  if (model !== undefined && !NON_BERT_ENCODERS.includes(String(await folderModelType(model)))) {
    const bertQa = await loadBertQa(model);
    qa = bertQa;
    info = { id: model, isDefault: false, parameters: countParameters(bertQa.qa.bert) };
  } else if (model !== undefined) {
    // DistilBERT, RoBERTa: HfEncoder with the folder's own tokenizer
    const encoderQa = await loadEncoderQa(model);
    qa = encoderQa;
    info = { id: model, isDefault: false, parameters: encoderQa.parameters };
  } else {
    const { tokenizer } = await loadTinyBert();
    qa = new RuleQa(new RuleNerTagger(tokenizer));
    // rules and word lists: no parameters learnt
    info = defaultModel('question-answering', 0);
  }
  return withInfo(
    async (input: unknown, context?: unknown, options?: QuestionAnsweringOptions) =>
      answerQuestions(qa, input, context, options),
    'question-answering',
    info,
  ) as unknown as QuestionAnsweringPipeline;
}
