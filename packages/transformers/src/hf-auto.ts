/**
 * A Hugging Face model folder of any architecture Firth reads, its class chosen from config.json
 * (`architectures[0]`, else `model_type`) as `AutoModelFor….from_pretrained` chooses it — what the
 * pipelines call with a user's folder:
 *
 *   const m = await loadHfModel('models/distilbert-sst2', { task: 'sentiment-analysis' });
 *   m.kind === 'encoder' && m.model.forward({ inputIds }).logits     // HfEncoder
 *   const g = await loadHfModel('models/TinyLlama', { task: 'text-generation' });
 *   g.kind === 'causal-lm' && (await generate(g.model, tokenizer, 'Hi'))
 *
 *   architecture                 kind        class                            tasks
 *   bert, distilbert, roberta    encoder     HfEncoder (hf-encoders.ts)       by head: base → feature-extraction,
 *                                                                             sentence-similarity; ForSequenceClassification
 *                                                                             → text-classification, sentiment-analysis,
 *                                                                             zero-shot-classification; ForTokenClassification
 *                                                                             → token-classification, ner;
 *                                                                             ForQuestionAnswering → question-answering;
 *                                                                             ForMaskedLM → fill-mask
 *   llama                        causal-lm   Llama2c (hf-llama.ts)            text-generation
 *   gpt2                         causal-lm   GPT (gpt2.ts)                    text-generation
 *
 * feature-extraction and sentence-similarity take any encoder folder (its hidden states; a head is
 * not read). A task the folder's class does not compute is a ValidationError naming the class and
 * what the task needs. The tokenizer is loaded separately (loadHfTokenizer).
 */

import { FormatError, ValidationError } from '@firth/numeric';
import type { GPT } from './gpt.js';
import { loadGpt2 } from './gpt2.js';
import { readConfigJson } from './hf-checkpoint.js';
import {
  type EncoderArchitecture,
  type EncoderHead,
  encoderArchitectureOf,
  encoderHeadOf,
  HfEncoder,
} from './hf-encoders.js';
import { type LlamaLoadOptions, loadLlama } from './hf-llama.js';
import type { Llama2c } from './llama2c.js';

/** The head each task needs from an encoder; 'any': the hidden states of whatever head it has. */
const TASK_HEADS: Record<string, EncoderHead | 'any' | 'causal-lm'> = {
  'feature-extraction': 'any',
  'sentence-similarity': 'any',
  'text-classification': 'sequence-classification',
  'sentiment-analysis': 'sequence-classification',
  'zero-shot-classification': 'sequence-classification',
  'token-classification': 'token-classification',
  ner: 'token-classification',
  'question-answering': 'question-answering',
  'fill-mask': 'masked-lm',
  'text-generation': 'causal-lm',
};

/** The tasks a user's folder can serve (loadHfModel's `task`). */
export const HF_MODEL_TASKS: readonly string[] = Object.keys(TASK_HEADS);

export type HfModel =
  | {
      kind: 'encoder';
      architecture: EncoderArchitecture;
      /** The head the model computes ('base' when loaded for its hidden states). */
      head: EncoderHead;
      model: HfEncoder;
      config: Record<string, unknown>;
    }
  | {
      kind: 'causal-lm';
      architecture: 'llama' | 'gpt2';
      /** A CausalLM (generation.ts): start() → step(token) → next-token logits. */
      model: Llama2c | GPT;
      config: Record<string, unknown>;
    };

export interface HfModelOptions extends LlamaLoadOptions {
  /** A pipeline task (HF_MODEL_TASKS): checks that the folder's class computes it. */
  task?: string;
}

/**
 * The model in a save_pretrained folder, its class from config.json. FormatError: a config.json
 * naming an architecture Firth does not read (or the errors of that architecture's loader);
 * ValidationError: a `task` the folder's class does not compute.
 */
export async function loadHfModel(folder: string, options: HfModelOptions = {}): Promise<HfModel> {
  const { configFile, config } = await readConfigJson(folder);
  const { task } = options;
  const wants = task === undefined ? undefined : TASK_HEADS[task];
  if (task !== undefined && wants === undefined)
    throw new ValidationError(
      `task ${JSON.stringify(task)}: a model folder serves ${HF_MODEL_TASKS.join(', ')}`,
      'task',
    );
  const className = Array.isArray(config.architectures) ? String(config.architectures[0]) : undefined;
  const what = className ?? `a ${String(config.model_type)} model`;
  const refuse = (needs: string) =>
    new ValidationError(
      `${folder} holds ${what} (config.json); task ${JSON.stringify(task)} needs ${needs}`,
      'task',
    );
  const type = config.model_type;
  if (
    type === 'llama' ||
    type === 'gpt2' ||
    className === 'LlamaForCausalLM' ||
    className === 'GPT2LMHeadModel'
  ) {
    if (wants !== undefined && wants !== 'causal-lm')
      throw refuse(`an encoder with its head (${String(wants)})`);
    const llama = type === 'llama' || className === 'LlamaForCausalLM';
    return {
      kind: 'causal-lm',
      architecture: llama ? 'llama' : 'gpt2',
      model: llama ? await loadLlama(folder, options) : await loadGpt2(folder, options),
      config,
    };
  }
  const architecture = encoderArchitectureOf(config);
  if (architecture === undefined)
    throw new FormatError(
      configFile,
      '$.model_type',
      `is ${JSON.stringify(type)}; Firth reads bert, distilbert, roberta, llama and gpt2 folders`,
    );
  const own = encoderHeadOf(config, architecture, configFile);
  if (wants === 'causal-lm') throw refuse('a causal language model (LlamaForCausalLM, GPT2LMHeadModel)');
  if (wants !== undefined && wants !== 'any' && wants !== own)
    throw refuse(`a ${CLASS_PREFIX[architecture]}For${headClass(wants)} checkpoint`);
  const head = wants === 'any' ? 'base' : own;
  const model = await HfEncoder.load(folder, { ...options, head });
  return { kind: 'encoder', architecture, head, model, config };
}

const CLASS_PREFIX = { bert: 'Bert', distilbert: 'DistilBert', roberta: 'Roberta' } as const;
const headClass = (h: EncoderHead) =>
  ({
    base: 'Model',
    'sequence-classification': 'SequenceClassification',
    'token-classification': 'TokenClassification',
    'question-answering': 'QuestionAnswering',
    'masked-lm': 'MaskedLM',
  })[h];
