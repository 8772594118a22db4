/**
 * text2text-generation, translation (translation_xx_to_yy) and abstractive summarization — the
 * tasks of an encoder–decoder (T5, BART, Marian) — in Hugging Face's shapes:
 *
 *   const translate = await pipeline('translation_en_to_fr', '/models/t5-small');
 *   await translate('This is amazing.')     // [{ translation_text: '…' }]
 *   await summarize(article, { max_length: 60, num_beams: 4 })   // [{ summary_text: '…' }]
 *   await text2text('question: … context: …')                  // [{ generated_text: '…' }]
 *
 * One text → a list of num_return_sequences results; several texts → one result each (a list each
 * when num_return_sequences > 1). Options use Hugging Face's names (max_new_tokens, max_length,
 * min_length, num_beams, length_penalty, early_stopping, no_repeat_ngram_size,
 * num_return_sequences; translation's src_lang / tgt_lang); the model's task_specific_params
 * (T5's 'translate English to French: ' prefix, its beam settings) apply under them, as in
 * Hugging Face's pipelines.
 *
 * No offline default: a translator or an abstractive summariser that is any use is tens of
 * millions of parameters trained on millions of examples, which this machine cannot train; the
 * user's Hugging Face folder is the path, and `pipeline(task)` without one says so.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FormatError, parseJson, ValidationError } from '@firth/numeric';
import { type PipelineInfo, type PipelineModel, texts, wholeNumber, withInfo } from './pipeline.js';
import { NO_DEFAULT } from './tasks.js';

/** Hugging Face's generation options for these tasks. */
export interface Seq2SeqPipelineOptions {
  /** Tokens to generate (wins over max_length). */
  max_new_tokens?: number;
  /** Most decoder tokens. @default the model's */
  max_length?: number;
  /** Fewest decoder tokens before the end token is allowed. @default the model's, else 0 */
  min_length?: number;
  /** 1: greedy. @default the model's, else 1 */
  num_beams?: number;
  /** Beam scores divided by length^length_penalty. @default 1 */
  length_penalty?: number;
  early_stopping?: boolean | 'never';
  no_repeat_ngram_size?: number;
  /** Results per text (≤ num_beams). @default 1 */
  num_return_sequences?: number;
}

export interface TranslationOptions extends Seq2SeqPipelineOptions {
  /** With tgt_lang: the task translation_{src_lang}_to_{tgt_lang} of the model's task_specific_params. */
  src_lang?: string;
  tgt_lang?: string;
}

/** What the pipelines ask of an encoder–decoder, in Firth's names (@firth/transformers' Seq2SeqTextOptions). */
export interface Seq2SeqRequest {
  /** The task whose task_specific_params apply ('summarization', 'translation_en_to_fr', …). */
  task?: string;
  maxNewTokens?: number;
  maxLength?: number;
  minLength?: number;
  numBeams?: number;
  lengthPenalty?: number;
  earlyStopping?: boolean | 'never';
  noRepeatNgramSize?: number;
  numReturnSequences?: number;
}

/** An encoder–decoder with its tokenizer: text in, the generated texts (best first) out. */
export interface Seq2SeqTextModel {
  readonly id: string;
  readonly parameters: number;
  generate(text: string, request: Seq2SeqRequest): Promise<string[]> | string[];
}

/** The encoder–decoder kinds Firth reads, by config.json's model_type. */
export const ENCODER_DECODERS = ['t5', 'mt5', 'bart', 'marian'] as const;

const folderHint = (task: string) =>
  `give a Hugging Face T5, BART or Marian folder (config.json, model.safetensors and tokenizer files, as save_pretrained writes them): pipeline('${task}', '/path/to/model')`;

/**
 * The one place the pipelines read an encoder–decoder folder. config.json is read and must name
 * an encoder–decoder (model_type t5, mt5, bart or marian, or such an architecture); the model itself
 * is @firth/transformers' (loadSeq2Seq, loadHfTokenizer, generateSeq2SeqText), which this build
 * does not include yet — the folder is refused with a ValidationError that says so.
 */
export async function loadEncoderDecoder(folder: string): Promise<Seq2SeqTextModel> {
  const configFile = join(folder, 'config.json');
  const bytes = await readFile(configFile).catch((e: NodeJS.ErrnoException) => {
    throw new ValidationError(`cannot read ${configFile}: ${e.code ?? e.message}`, 'model');
  });
  const config = parseJson(bytes, configFile);
  if (typeof config !== 'object' || config === null || Array.isArray(config))
    throw new FormatError(configFile, '$', 'must be an object');
  const { model_type: type, architectures } = config as { model_type?: unknown; architectures?: unknown };
  const names = Array.isArray(architectures) ? architectures.filter((a) => typeof a === 'string') : [];
  const kind =
    typeof type === 'string'
      ? type
      : names.some((a) => /^M?T5/.test(a))
        ? 't5'
        : names.some((a) => a.startsWith('Marian'))
          ? 'marian'
          : names.some((a) => a.startsWith('Bart'))
            ? 'bart'
            : undefined;
  if (!(ENCODER_DECODERS as readonly (string | undefined)[]).includes(kind))
    throw new ValidationError(
      `pipeline: ${folder} is ${kind === undefined ? 'not a model Firth recognises' : `a ${kind} model`}, not an encoder–decoder (T5, BART, Marian: config.json's model_type ${ENCODER_DECODERS.join(', ')})`,
      'model',
    );
  throw new ValidationError(
    `pipeline: ${folder} is a ${kind} encoder–decoder, which this build of @firth/pipelines cannot run yet (reading T5 / BART / Marian weights comes with @firth/transformers' encoder–decoder models)`,
    'model',
  );
}

/** Hugging Face's options checked and turned into Firth's names. */
export function seq2seqRequest(task: string, o: TranslationOptions = {}): Seq2SeqRequest {
  if (typeof o !== 'object' || o === null)
    throw new ValidationError(`${task}: options must be an object`, 'options');
  const r: Seq2SeqRequest = { task };
  if (o.max_new_tokens !== undefined) r.maxNewTokens = wholeNumber(o.max_new_tokens, 'max_new_tokens', 1);
  if (o.max_length !== undefined) r.maxLength = wholeNumber(o.max_length, 'max_length', 1);
  if (o.min_length !== undefined) r.minLength = wholeNumber(o.min_length, 'min_length', 0);
  if (o.num_beams !== undefined) r.numBeams = wholeNumber(o.num_beams, 'num_beams', 1);
  if (o.no_repeat_ngram_size !== undefined)
    r.noRepeatNgramSize = wholeNumber(o.no_repeat_ngram_size, 'no_repeat_ngram_size', 0);
  if (o.num_return_sequences !== undefined) {
    r.numReturnSequences = wholeNumber(o.num_return_sequences, 'num_return_sequences', 1);
    if (r.numReturnSequences > (r.numBeams ?? 1))
      throw new ValidationError(
        `num_return_sequences (${r.numReturnSequences}) must be at most num_beams (${r.numBeams ?? 1})`,
        'num_return_sequences',
      );
  }
  if (o.length_penalty !== undefined) {
    if (!(typeof o.length_penalty === 'number' && Number.isFinite(o.length_penalty)))
      throw new ValidationError(
        `length_penalty must be a number, got ${JSON.stringify(o.length_penalty)}`,
        'length_penalty',
      );
    r.lengthPenalty = o.length_penalty;
  }
  if (o.early_stopping !== undefined) {
    if (!(typeof o.early_stopping === 'boolean' || o.early_stopping === 'never'))
      throw new ValidationError(
        `early_stopping must be true, false or 'never', got ${JSON.stringify(o.early_stopping)}`,
        'early_stopping',
      );
    r.earlyStopping = o.early_stopping;
  }
  if (o.min_length !== undefined && r.maxLength !== undefined && r.minLength! > r.maxLength)
    throw new ValidationError(
      `min_length (${r.minLength}) is more than max_length (${r.maxLength})`,
      'min_length',
    );
  if (task.startsWith('translation')) {
    const { src_lang: src, tgt_lang: tgt } = o;
    for (const [name, v] of [
      ['src_lang', src],
      ['tgt_lang', tgt],
    ] as const)
      if (v !== undefined && !(typeof v === 'string' && /^[a-z]{2,3}(?:_[A-Z]{2})?$/.test(v)))
        throw new ValidationError(
          `${name} must be a language code such as 'en' or 'fr', got ${JSON.stringify(v)}`,
          name,
        );
    if ((src === undefined) !== (tgt === undefined))
      throw new ValidationError(
        'translation: give both src_lang and tgt_lang, or neither',
        src === undefined ? 'src_lang' : 'tgt_lang',
      );
    if (src !== undefined) r.task = `translation_${src}_to_${tgt}`;
  } else if ('src_lang' in o || 'tgt_lang' in o)
    throw new ValidationError(
      `${task}: src_lang and tgt_lang are translation's options`,
      'src_lang' in o ? 'src_lang' : 'tgt_lang',
    );
  return r;
}

type OutputKey = 'generated_text' | 'translation_text' | 'summary_text';
const OUTPUT: Record<string, OutputKey> = {
  'text2text-generation': 'generated_text',
  translation: 'translation_text',
  summarization: 'summary_text',
};

/** One text → its results; several → one result each, or one list each with num_return_sequences > 1. */
export interface Seq2SeqPipeline<K extends OutputKey, O> extends PipelineInfo {
  (input: string, options?: O): Promise<Record<K, string>[]>;
  (input: string[], options?: O): Promise<Record<K, string>[] | Record<K, string>[][]>;
}
export type Text2TextGenerationPipeline = Seq2SeqPipeline<'generated_text', Seq2SeqPipelineOptions>;
export type TranslationPipeline = Seq2SeqPipeline<'translation_text', TranslationOptions>;
export type AbstractiveSummarizationPipeline = Seq2SeqPipeline<'summary_text', Seq2SeqPipelineOptions>;

/**
 * A task of an encoder–decoder on `model`: `name` is the task as the user gave it
 * ('translation_en_to_fr' chooses that entry of the model's task_specific_params).
 */
export function seq2seqTask(
  task: 'text2text-generation' | 'translation' | 'summarization',
  name: string,
  model: Seq2SeqTextModel,
  info: PipelineModel,
) {
  const key = OUTPUT[task]!;
  return withInfo(
    async (input: string | string[], options: TranslationOptions = {}) => {
      const list = texts(input, task);
      const request = seq2seqRequest(name, options);
      const out: Record<string, string>[][] = [];
      for (const text of list) {
        const generated = await model.generate(text, request);
        out.push(generated.map((g) => ({ [key]: g })));
      }
      if (!Array.isArray(input)) return out[0]!;
      return out.every((r) => r.length === 1) ? out.map((r) => r[0]!) : out;
    },
    task,
    info,
  );
}

/** The pipeline of one of the three tasks from a user's folder; without one, why there is no default. */
export async function encoderDecoderPipeline(
  task: 'text2text-generation' | 'translation' | 'summarization',
  name: string,
  folder: string | undefined,
): Promise<unknown> {
  if (folder === undefined)
    throw new ValidationError(`pipeline: ${task} ${NO_DEFAULT[task]}; ${folderHint(name)}`, 'model');
  const model = await loadEncoderDecoder(folder);
  return seq2seqTask(task, name, model, { id: folder, isDefault: false, parameters: model.parameters });
}
