/**
 * `pipeline(task, model?)` in transformers.js's shape: an async factory that loads a model once and
 * returns an async function with Hugging Face's inputs and outputs for that task.
 *
 *   const classify = await pipeline('sentiment-analysis');
 *   await classify('I love this!')            // [{ label: 'POSITIVE', score: 0.9… }]
 *   await classify(['good', 'bad'])           // one { label, score } per text
 *   const unmask = await pipeline('fill-mask');
 *   await unmask('he went to the [MASK] .')   // [{ score, token, token_str, sequence }, …] (top 5)
 *
 * `model`: a Hugging Face folder (config.json, model.safetensors, tokenizer files, as
 * `save_pretrained` writes them) of an architecture Firth reads for that task; omitted, the task's
 * default (tasks.ts). Options use Hugging Face's names (top_k, max_new_tokens, do_sample, …).
 */
import { ValidationError } from '@firth/numeric';
import {
  type BertForPreTraining,
  type BertForSequenceClassification,
  type BertModel,
  type CausalLM,
  type GenerationTokenizer,
  generate,
  loadLlama2c,
  loadLlama2cTokenizer,
  loadTinyBert,
  type WordPieceTokenizer,
} from '@firth/transformers';
import { type ConversationalPipeline, conversationalPipeline } from './conversational.js';
import {
  type AbstractiveSummarizationPipeline,
  encoderDecoderPipeline,
  type Text2TextGenerationPipeline,
  type TranslationPipeline,
} from './encoder-decoder.js';
import {
  type EncoderFolder,
  encodeForEncoder,
  loadCausalFolder,
  loadEncoderFolder,
  runEncoder,
  softmax,
} from './hf-folder.js';
import { type QuestionAnsweringPipeline, questionAnsweringPipeline } from './question-answering.js';
import { buildSentenceSimilarity, type SentenceSimilarityPipeline } from './sentence-similarity.js';
import { loadSentimentDefault } from './sentiment.js';
import { buildSummarization, type SummarizationPipeline } from './summarization.js';
import { buildTableQuestionAnswering, type TableQuestionAnsweringPipeline } from './table-qa.js';
import { type ResolvedTask, resolveTask, SUPPORTED_TASKS, taskInfo } from './tasks.js';
import { folderTextClassification } from './text-classification-folder.js';
import { buildText2Text, type Text2TextDefaultPipeline } from './text2text.js';
import { type TokenClassificationPipeline, tokenClassificationPipeline } from './token-classification.js';
import { buildLexiconTranslation, type LexiconTranslationPipeline } from './translation.js';
import { buildZeroShotClassification, type ZeroShotClassificationPipeline } from './zero-shot.js';

/** The model a pipeline runs. */
export interface PipelineModel {
  /** The default's id, or the folder given. */
  id: string;
  /** Whether it is the task's default. */
  isDefault: boolean;
  parameters: number;
  /** The default's measured quality (see the README); absent for a user's model. */
  quality?: string;
  /** What the default is and does (e.g. that a summary is extractive); absent for a user's model. */
  description?: string;
}

/** What every loaded pipeline carries beside being callable. */
export interface PipelineInfo {
  readonly task: string;
  readonly model: PipelineModel;
}

/** A loaded pipeline: call it with the task's input and options. */
export interface Pipeline<In, Options, Out> extends PipelineInfo {
  (input: In, options?: Options): Promise<Out>;
}

export interface ClassificationLabel {
  label: string;
  score: number;
}
export interface TextClassificationOptions {
  /** Labels per text, best first; null: all of them. @default 1 */
  top_k?: number | null;
}
/**
 * Hugging Face's shapes: one text → its top_k labels as a list; several texts → with top_k 1 one
 * label per text, otherwise one list per text.
 */
export interface TextClassificationPipeline extends PipelineInfo {
  (input: string, options?: TextClassificationOptions): Promise<ClassificationLabel[]>;
  (
    input: string[],
    options?: TextClassificationOptions,
  ): Promise<ClassificationLabel[] | ClassificationLabel[][]>;
}

export interface FillMaskResult {
  score: number;
  token: number;
  token_str: string;
  sequence: string;
}
export interface FillMaskOptions {
  /** Guesses per mask. @default 5 */
  top_k?: number;
}
/** One mask → its guesses; several masks in a text → one list per mask (Hugging Face's shapes). */
export type FillMaskPipeline = Pipeline<string, FillMaskOptions, FillMaskResult[] | FillMaskResult[][]>;

export interface FeatureExtractionOptions {
  /** 'none': every token's vector; 'mean': their mean (padding excluded); 'cls': the first token's. @default 'none' */
  pooling?: 'none' | 'mean' | 'cls';
  /** Scale each returned vector to length 1. @default false */
  normalize?: boolean;
}
/** Per text (a batch of one for a single text): [tokens][hidden] with pooling 'none', else [hidden]. */
export type FeatureExtractionPipeline = Pipeline<
  string | string[],
  FeatureExtractionOptions,
  number[][][] | number[][]
>;

export interface TextGenerationOptions {
  /** @default 50 */
  max_new_tokens?: number;
  /** false: greedy (the most likely token each step). @default false */
  do_sample?: boolean;
  /** With do_sample. @default 1 */
  temperature?: number;
  /** With do_sample: sample among the k most likely (0: all). @default 50 */
  top_k?: number;
  /** With do_sample: nucleus sampling. @default 1 */
  top_p?: number;
  /** > 1 penalises tokens already present. @default 1 */
  repetition_penalty?: number;
  /** The prompt at the start of generated_text. @default true */
  return_full_text?: boolean;
  /** Stop at any of these strings (Firth's; OpenAI's `stop`). */
  stop?: string[];
  /** Seeds the sampler: the same seed, the same text (Firth's). @default 0 */
  seed?: number;
}
export interface GeneratedText {
  generated_text: string;
}
/** One prompt → [{ generated_text }]; several → one such list per prompt. */
export interface TextGenerationPipeline extends PipelineInfo {
  (input: string, options?: TextGenerationOptions): Promise<GeneratedText[]>;
  (input: string[], options?: TextGenerationOptions): Promise<GeneratedText[][]>;
}

export function pipeline(
  task: 'text-classification' | 'sentiment-analysis',
  model?: string,
): Promise<TextClassificationPipeline>;
export function pipeline(task: 'fill-mask', model?: string): Promise<FillMaskPipeline>;
export function pipeline(task: 'feature-extraction', model?: string): Promise<FeatureExtractionPipeline>;
export function pipeline(task: 'text-generation', model?: string): Promise<TextGenerationPipeline>;
export function pipeline(task: 'question-answering', model?: string): Promise<QuestionAnsweringPipeline>;
export function pipeline(task: 'conversational', model?: string): Promise<ConversationalPipeline>;
export function pipeline(task: 'text2text-generation'): Promise<Text2TextDefaultPipeline>;
export function pipeline(task: 'text2text-generation', model: string): Promise<Text2TextGenerationPipeline>;
export function pipeline(
  task: 'translation' | `translation_${string}_to_${string}`,
): Promise<LexiconTranslationPipeline>;
export function pipeline(
  task: 'translation' | `translation_${string}_to_${string}`,
  model: string,
): Promise<TranslationPipeline>;
export function pipeline(
  task: 'token-classification' | 'ner',
  model?: string,
): Promise<TokenClassificationPipeline>;
export function pipeline(
  task: 'zero-shot-classification',
  model?: string,
): Promise<ZeroShotClassificationPipeline>;
export function pipeline(task: 'sentence-similarity', model?: string): Promise<SentenceSimilarityPipeline>;
export function pipeline(task: 'summarization'): Promise<SummarizationPipeline>;
export function pipeline(task: 'summarization', model: string): Promise<AbstractiveSummarizationPipeline>;
export function pipeline(
  task: 'table-question-answering',
  model?: string,
): Promise<TableQuestionAnsweringPipeline>;
export function pipeline(task: string, model?: string): Promise<Pipeline<never, never, unknown>>;
/**
 * Loads the model of `task` (a name of the course's table: aliases and translation_xx_to_yy
 * resolve as in Hugging Face) — `model` a Hugging Face folder, or the task's default — and returns
 * the pipeline. A task this version does not run, or a model it cannot read for that task, is a
 * ValidationError saying so.
 */
export async function pipeline(task: string, model?: string): Promise<unknown> {
  const resolved = resolveTask(task);
  const info = taskInfo(task);
  if (!info.available) throw new ValidationError(`pipeline: "${task}" is ${info.unavailable}`, 'task');
  if (model !== undefined && (typeof model !== 'string' || model.trim() === ''))
    throw new ValidationError('pipeline: model must be a folder path (or omitted for the default)', 'model');
  const make = BUILDERS[resolved.task]!;
  return (await make(model, resolved)) as unknown as Pipeline<never, never, unknown>;
}

/** A pipeline function with its task and model attached. */
export function withInfo<F extends (...args: never[]) => unknown>(
  fn: F,
  task: string,
  model: PipelineModel,
): F & { task: string; model: PipelineModel } {
  return Object.assign(fn, { task, model: Object.freeze(model) });
}

export function defaultModel(task: string, parameters: number): PipelineModel {
  const d = SUPPORTED_TASKS[task]!.defaultModel!;
  return { id: d.id, isDefault: true, parameters, quality: d.quality, description: d.description };
}

/** Every tensor of the model, its task heads included (BertModel.parameterCount counts the encoder only). */
export const countParameters = (bert: BertModel): number =>
  [...bert.tensors.values()].reduce((s, t) => s + t.size, 0);

export const texts = (input: unknown, what: string): string[] => {
  const list = Array.isArray(input) ? input : [input];
  if (list.length === 0) throw new ValidationError(`${what}: no text given`, 'input');
  list.forEach((t, i) => {
    if (typeof t !== 'string' || t.trim() === '')
      throw new ValidationError(
        `${what}: input ${i} must be a non-empty string, got ${JSON.stringify(t)}`,
        'input',
      );
  });
  return list as string[];
};

export const wholeNumber = (v: unknown, name: string, min: number): number => {
  if (!(typeof v === 'number' && Number.isInteger(v) && v >= min))
    throw new ValidationError(`${name} must be a whole number ≥ ${min}, got ${JSON.stringify(v)}`, name);
  return v;
};

const BUILDERS: Record<string, (model: string | undefined, task: ResolvedTask) => Promise<unknown>> = {
  // no folder: the offline defaults (T5's prefixes over Firth's defaults; the en/fr lexicon)
  'text2text-generation': (model, { name }) =>
    model === undefined ? buildText2Text() : encoderDecoderPipeline('text2text-generation', name, model),
  translation: (model, task) =>
    model === undefined
      ? buildLexiconTranslation(task)
      : encoderDecoderPipeline('translation', task.name, model),
  summarization: (model, { name }) =>
    model === undefined ? buildSummarization() : encoderDecoderPipeline('summarization', name, model),
  'token-classification': tokenClassificationPipeline,
  'question-answering': questionAnsweringPipeline,
  conversational: conversationalPipeline,
  'zero-shot-classification': buildZeroShotClassification,
  'sentence-similarity': buildSentenceSimilarity,
  'table-question-answering': buildTableQuestionAnswering,
  async 'text-classification'(model) {
    if (model !== undefined) return folderTextClassification(model);
    const sentiment = await loadSentimentDefault();
    return withInfo(
      async (input: string | string[], options: TextClassificationOptions = {}) =>
        classify(sentiment, input, options),
      'text-classification',
      defaultModel('text-classification', sentiment.parameters),
    );
  },

  async 'fill-mask'(model) {
    if (model !== undefined) {
      const folder = await loadEncoderFolder(model, 'fill-mask');
      return withInfo(
        async (input: string, options: FillMaskOptions = {}) => folderFillMask(folder, input, options),
        'fill-mask',
        folder.info,
      );
    }
    const { pretrainer } = await loadTinyBert();
    return withInfo(
      async (input: string, options: FillMaskOptions = {}) => fillMask(pretrainer, input, options),
      'fill-mask',
      defaultModel('fill-mask', countParameters(pretrainer.bert)),
    );
  },

  async 'feature-extraction'(model) {
    if (model !== undefined) {
      const { encoder, tokenizer, info } = await loadEncoderFolder(model, 'feature-extraction');
      return withInfo(
        async (input: string | string[], options: FeatureExtractionOptions = {}) =>
          texts(input, 'feature-extraction').map((text) =>
            pool(
              runEncoder(encoder, encodeForEncoder(encoder, tokenizer, text)).lastHiddenState[0]!,
              options,
            ),
          ) as number[][][] | number[][],
        'feature-extraction',
        info,
      );
    }
    const { bert, tokenizer } = await loadTinyBert();
    return withInfo(
      async (input: string | string[], options: FeatureExtractionOptions = {}) =>
        extractFeatures(bert, tokenizer, input, options),
      'feature-extraction',
      defaultModel('feature-extraction', countParameters(bert)),
    );
  },

  async 'text-generation'(model) {
    let lm: CausalLM;
    let tokenizer: GenerationTokenizer;
    let info: PipelineModel;
    let stopTokens: number[] | undefined;
    if (model !== undefined) {
      const folder = await loadCausalFolder(model, 'text-generation');
      ({ lm, info, stopTokens } = folder);
      tokenizer = folder.generation;
    } else {
      const llama = await loadLlama2c();
      lm = llama;
      // its encode starts with BOS, as llama2.c's run.c
      tokenizer = await loadLlama2cTokenizer();
      // each tensor once (a tied classifier is the token embedding)
      const parameters = [...new Set(Object.values(llama.weights))].reduce((s, w) => s + w.length, 0);
      info = defaultModel('text-generation', parameters);
    }
    return withInfo(
      async (input: string | string[], options: TextGenerationOptions = {}) => {
        const prompts = texts(input, 'text-generation');
        const settings = { ...generationOptions(options), ...(stopTokens ? { stopTokens } : {}) };
        const out: GeneratedText[][] = [];
        for (const prompt of prompts) {
          const r = await generate(lm, tokenizer, prompt, settings);
          out.push([{ generated_text: (options.return_full_text ?? true) ? prompt + r.text : r.text }]);
        }
        return Array.isArray(input) ? out : out[0]!;
      },
      'text-generation',
      info,
    );
  },
};

function classify(
  classifier: Pick<BertForSequenceClassification, 'labels' | 'predict'>,
  input: string | string[],
  options: TextClassificationOptions,
): ClassificationLabel[] | ClassificationLabel[][] {
  const list = texts(input, 'text-classification');
  const all = options.top_k === null;
  const k = all ? classifier.labels.length : wholeNumber(options.top_k ?? 1, 'top_k', 1);
  const ranked = classifier.predict(list).map((p) =>
    Object.entries(p.scores)
      .map(([label, score]) => ({ label, score }))
      .sort((a, b) => b.score - a.score)
      .slice(0, k),
  );
  if (!Array.isArray(input)) return ranked[0]!;
  return k === 1 && !all ? ranked.map((r) => r[0]!) : ranked;
}

function fillMask(
  pretrainer: BertForPreTraining,
  input: string,
  options: FillMaskOptions,
): FillMaskResult[] | FillMaskResult[][] {
  const [text] = texts(input, 'fill-mask');
  if (Array.isArray(input)) throw new ValidationError('fill-mask: one text at a time', 'input');
  const topK = wholeNumber(options.top_k ?? 5, 'top_k', 1);
  const predictions = pretrainer.fillMask(text!, { topK });
  const masks = Math.max(...predictions.map((p) => p.maskIndex)) + 1;
  const byMask = Array.from({ length: masks }, (_, m) =>
    predictions
      .filter((p) => p.maskIndex === m)
      .map(({ score, token, token_str, sequence }) => ({ score, token, token_str, sequence })),
  );
  return masks === 1 ? byMask[0]! : byMask;
}

export function extractFeatures(
  bert: BertModel,
  tokenizer: WordPieceTokenizer,
  input: string | string[],
  options: FeatureExtractionOptions,
): number[][][] | number[][] {
  const list = texts(input, 'feature-extraction');
  const H = bert.config.hiddenSize;
  return list.map((text) => {
    const enc = tokenizer.encodePlus(text, undefined, { maxLength: bert.config.maxPositionEmbeddings });
    const h = bert.encode(
      { inputIds: [enc.ids], tokenTypeIds: [enc.tokenTypeIds], attentionMask: [enc.attentionMask] },
      { grad: false },
    ).data;
    const rows = Array.from({ length: enc.ids.length }, (_, t) => Array.from(h.subarray(t * H, (t + 1) * H)));
    return pool(rows, options);
  }) as number[][][] | number[][];
}

/** One text's hidden states (tokens × hidden) pooled and normalised as the options say. */
export function pool(rows: number[][], options: FeatureExtractionOptions): number[][] | number[] {
  const pooling = options.pooling ?? 'none';
  if (!['none', 'mean', 'cls'].includes(pooling))
    throw new ValidationError(
      `pooling must be 'none', 'mean' or 'cls', got ${JSON.stringify(pooling)}`,
      'pooling',
    );
  const unit = (v: number[]) => {
    if (!options.normalize) return v;
    const n = Math.hypot(...v);
    return n > 0 ? v.map((x) => x / n) : v;
  };
  if (pooling === 'cls') return unit(rows[0]!);
  if (pooling === 'mean') {
    const T = rows.length;
    const mean = new Array<number>(rows[0]!.length).fill(0);
    for (const row of rows) for (let j = 0; j < row.length; j++) mean[j]! += row[j]! / T;
    return unit(mean);
  }
  return rows.map(unit);
}

/**
 * Hugging Face's FillMaskPipeline on an encoder with a masked-LM head: each position holding the
 * tokenizer's mask token gets a softmax over the vocabulary, its top_k tokens, and per token the
 * text with that mask filled (the other masks and special tokens left out of the decoded sequence).
 */
function folderFillMask(
  { encoder, tokenizer }: EncoderFolder,
  input: string,
  options: FillMaskOptions,
): FillMaskResult[] | FillMaskResult[][] {
  const [text] = texts(input, 'fill-mask');
  if (Array.isArray(input)) throw new ValidationError('fill-mask: one text at a time', 'input');
  const topK = wholeNumber(options.top_k ?? 5, 'top_k', 1);
  const maskToken =
    tokenizer.specialToken('mask_token') ??
    ['[MASK]', '<mask>'].find((t) => tokenizer.tokenToId(t) !== undefined);
  const maskId = maskToken === undefined ? undefined : tokenizer.tokenToId(maskToken);
  if (maskId === undefined)
    throw new ValidationError(
      "fill-mask: the folder's tokenizer has no mask token (tokenizer_config.json mask_token)",
      'model',
    );
  const enc = encodeForEncoder(encoder, tokenizer, text!);
  const positions = enc.ids.flatMap((id, t) => (id === maskId ? [t] : []));
  if (positions.length === 0)
    throw new ValidationError(`fill-mask: no ${maskToken} token in ${JSON.stringify(text)}`, 'input');
  const logits = runEncoder(encoder, enc).logits as number[][][];
  const byMask = positions.map((t) =>
    softmax(logits[0]![t]!)
      .map((score, token) => ({ score, token }))
      .sort((a, b) => b.score - a.score)
      .slice(0, Math.min(topK, tokenizer.vocabSize))
      .map(({ score, token }) => {
        const ids = enc.ids.slice();
        ids[t] = token;
        return {
          score,
          token,
          token_str: tokenizer.decode([token]),
          sequence: tokenizer.decode(ids, { skipSpecialTokens: true }),
        };
      }),
  );
  return byMask.length === 1 ? byMask[0]! : byMask;
}

export function generationOptions(o: TextGenerationOptions) {
  const sample = o.do_sample ?? false;
  return {
    maxNewTokens: wholeNumber(o.max_new_tokens ?? 50, 'max_new_tokens', 1),
    temperature: sample ? (o.temperature ?? 1) : 0,
    topK: sample ? (o.top_k ?? 50) : 0,
    topP: sample ? (o.top_p ?? 1) : 1,
    repetitionPenalty: o.repetition_penalty ?? 1,
    stop: o.stop,
    seed: o.seed ?? 0,
  };
}
