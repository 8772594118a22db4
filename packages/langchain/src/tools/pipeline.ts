/**
 * `pipelineTool(task)` — a task of the course's Hugging Face pipeline table ("Other Huggingface
 * Pipelines", @firth/pipelines) as a LangChain tool: its schema holds the task's inputs and Hugging
 * Face's option names, its description is the task's default model and measured quality (taskInfo),
 * and it returns the pipeline's own output as JSON with the model that gave it.
 *
 *   const sentiment = pipelineTool('sentiment-analysis');
 *   JSON.parse(await sentiment.invoke({ text: 'I love this!' })).result
 *   // [{ label: 'POSITIVE', score: 0.9… }]
 *
 * Generic over the task list: a task's inputs and options are one entry of TASK_SHAPES (tasks
 * without an entry take one text and no options), so a task @firth/pipelines starts to run needs
 * only its entry here. `pipelineTools()` is one tool per task this version runs. The pipeline is
 * loaded on the tool's first call and kept; a task of the table that does not run yet is refused
 * when the tool is made, with taskInfo's reason.
 *
 * Thin adapter (STYLE.md): @firth/pipelines' pipeline() does the work.
 */
import { ValidationError } from '@firth/numeric';
import { pipeline, resolveTask, SUPPORTED_TASKS, taskInfo } from '@firth/pipelines';
import { type DynamicStructuredTool, tool } from '@langchain/core/tools';
import { z } from 'zod/v3';

/** Columns of a table an agent may hand to table question answering. */
const MAX_COLUMNS = 100;

const text = z
  .string()
  .max(20_000)
  .refine((s) => s.trim() !== '', 'must not be empty');

/** The named inputs of a task: what a tool's arguments and an n8n node's fields hold. */
export interface PipelineInputs {
  text?: string | string[];
  question?: string;
  context?: string;
  candidate_labels?: string[];
  source_sentence?: string;
  sentences?: string[];
  table?: Record<string, string[]>;
  query?: string;
}

/** How a task is called: its inputs (schema and order of the pipeline's arguments) and its options. */
export interface PipelineTaskShape {
  /** The inputs, by name, as the tool's arguments. */
  inputs: z.ZodRawShape;
  /** The pipeline's arguments before its options, from the named inputs (transformers.js's order). */
  args: (inputs: PipelineInputs) => unknown[];
  /** The options, by Hugging Face's names. */
  options: z.ZodRawShape;
}

const generation: z.ZodRawShape = {
  max_new_tokens: z.number().int().positive().max(512).optional().describe('Tokens to generate at most'),
  do_sample: z.boolean().optional().describe('Sample (true) or take the most likely token (false, greedy)'),
  temperature: z.number().min(0).max(2).optional().describe('With do_sample: higher is more random'),
  top_k: z
    .number()
    .int()
    .min(0)
    .optional()
    .describe('With do_sample: only the k most likely tokens (0 = all)'),
  top_p: z.number().gt(0).max(1).optional().describe('With do_sample: nucleus sampling'),
  repetition_penalty: z.number().min(1).optional().describe('Above 1 discourages repeating tokens'),
  seed: z.number().int().optional().describe('Seed of the random draws (same seed, same text)'),
};

const oneText: PipelineTaskShape['inputs'] = { text: text.describe('The text') };
const ofText = (inputs: PipelineInputs) => [inputs.text];

/**
 * The tasks' inputs and options, by the task's canonical name (aliases resolve: sentiment-analysis
 * is text-classification). A task without an entry takes `text` and no options.
 */
export const TASK_SHAPES: Readonly<Record<string, PipelineTaskShape>> = {
  'text-classification': {
    inputs: { text: text.describe('The text to classify, e.g. "I love this!"') },
    args: ofText,
    options: {
      top_k: z
        .number()
        .int()
        .positive()
        .max(100)
        .optional()
        .describe('Labels to return, best first (default 1)'),
    },
  },
  'fill-mask': {
    inputs: { text: text.describe('A sentence with [MASK] where the missing word goes') },
    args: ofText,
    options: {
      top_k: z.number().int().positive().max(50).optional().describe('Guesses per mask (default 5)'),
    },
  },
  'feature-extraction': {
    inputs: { text: text.describe('The text to embed') },
    args: ofText,
    options: {
      pooling: z
        .enum(['none', 'mean', 'cls'])
        .optional()
        .describe("'none': a vector per token; 'mean' or 'cls': one vector for the text"),
      normalize: z.boolean().optional().describe('Scale each vector to length 1'),
    },
  },
  'text-generation': {
    inputs: { text: text.describe('The prompt to continue') },
    args: ofText,
    options: {
      ...generation,
      return_full_text: z.boolean().optional().describe('The prompt at the start of generated_text'),
    },
  },
  // the tasks being added to @firth/pipelines, in Hugging Face's (transformers.js's) shapes
  'zero-shot-classification': {
    inputs: {
      text: text.describe('The text to classify'),
      candidate_labels: z
        .array(z.string().min(1).max(200))
        .min(1)
        .max(50)
        .describe('The labels to choose from'),
    },
    args: (x) => [x.text, x.candidate_labels],
    options: {
      hypothesis_template: z.string().max(500).optional().describe('e.g. "This example is {}."'),
      multi_label: z.boolean().optional().describe('Score each label on its own (true) or as one choice'),
    },
  },
  'question-answering': {
    inputs: {
      question: text.describe('The question, e.g. "Where do pandas live?"'),
      context: text.describe('The text that holds the answer'),
    },
    args: (x) => [x.question, x.context],
    options: {
      top_k: z.number().int().positive().max(20).optional().describe('Answers to return (default 1)'),
      handle_impossible_answer: z.boolean().optional().describe('Allow "no answer in the context"'),
    },
  },
  'token-classification': {
    inputs: { text: text.describe('The text whose entities to find') },
    args: ofText,
    options: {
      aggregation_strategy: z
        .enum(['none', 'simple', 'first', 'average', 'max'])
        .optional()
        .describe("How word pieces group into entities (Hugging Face's)"),
    },
  },
  'sentence-similarity': {
    inputs: {
      source_sentence: text.describe('The sentence to compare'),
      sentences: z.array(text).min(1).max(100).describe('The sentences to compare it with'),
    },
    args: (x) => [{ source_sentence: x.source_sentence, sentences: x.sentences }],
    options: {},
  },
  'table-question-answering': {
    inputs: {
      table: Object.assign(
        z
          .record(z.array(z.string().max(1000)).max(1000))
          .refine((t) => Object.keys(t).length <= MAX_COLUMNS, `at most ${MAX_COLUMNS} columns`),
        { maxEntries: MAX_COLUMNS },
      ).describe('The table: column name → its cells'),
      query: text.describe('The question about the table'),
    },
    args: (x) => [{ table: x.table, query: x.query }],
    options: {},
  },
  summarization: { inputs: oneText, args: ofText, options: generation },
  translation: { inputs: oneText, args: ofText, options: generation },
  'text2text-generation': { inputs: oneText, args: ofText, options: generation },
  conversational: {
    inputs: { text: text.describe("The user's message") },
    args: ofText,
    options: generation,
  },
};

const DEFAULT_SHAPE: PipelineTaskShape = { inputs: oneText, args: ofText, options: {} };

/** The inputs and options of a task (any name of the course's table; aliases resolve). */
export function pipelineTaskShape(task: string): PipelineTaskShape {
  return TASK_SHAPES[resolveTask(task).task] ?? DEFAULT_SHAPE;
}

/** The pipeline's arguments for a task, before its options, from the named inputs. */
export function pipelineArguments(task: string, inputs: PipelineInputs): unknown[] {
  return pipelineTaskShape(task).args(inputs);
}

/** Runs a loaded pipeline of `task` on named inputs: the task's arguments, then the options. */
export function callPipeline(
  pipe: Awaited<ReturnType<typeof pipeline>>,
  task: string,
  inputs: PipelineInputs,
  options: Record<string, unknown>,
): Promise<unknown> {
  const call = pipe as unknown as (...args: unknown[]) => Promise<unknown>;
  return call(...pipelineArguments(task, inputs), options);
}

/** What a task's tool does, from taskInfo: the default model, its description and measured quality. */
export function pipelineDescription(task: string, model?: string): string {
  const info = taskInfo(task);
  const what = `Hugging Face's "${task}" pipeline`;
  if (!info.available) return `${what}: ${info.unavailable}`;
  if (model !== undefined) return `${what} on the model in ${model}.`;
  const d = info.defaultModel;
  if (!d) return `${what}: it ${info.noDefault}.`;
  return `${what} on ${d.id}: ${d.description}. Quality: ${d.quality}.`;
}

export interface PipelineToolOptions {
  /** A Hugging Face model folder; omitted: the task's default. */
  model?: string;
  /** @default `pipeline_<task>` (dashes as underscores) */
  name?: string;
  /** @default from taskInfo (pipelineDescription) */
  description?: string;
}

/**
 * The tool for one task of the course's table. A name that is not a task, or a task this version
 * does not run, is a ValidationError here, before any agent sees the tool.
 */
export function pipelineTool(task: string, options: PipelineToolOptions = {}): DynamicStructuredTool {
  const info = taskInfo(task);
  if (!info.available) throw new ValidationError(`pipelineTool: "${task}" is ${info.unavailable}`, 'task');
  if (!info.defaultModel && options.model === undefined)
    throw new ValidationError(
      `pipelineTool: "${task}" ${info.noDefault}; give options.model, a model folder`,
      'model',
    );
  const shape = pipelineTaskShape(task);
  const schema = z.object({ ...shape.inputs, ...shape.options });
  const optionNames = Object.keys(shape.options);
  let loaded: ReturnType<typeof pipeline> | undefined;
  const run = async (input: Record<string, unknown>) => {
    loaded ??= pipeline(task, options.model).catch((error: unknown) => {
      loaded = undefined;
      throw error;
    });
    const pipe = await loaded;
    const callOptions = Object.fromEntries(
      optionNames.filter((k) => input[k] !== undefined).map((k) => [k, input[k]]),
    );
    const result = await callPipeline(pipe, task, input as PipelineInputs, callOptions);
    return { task, model: pipe.model, result };
  };
  return tool(async (input) => JSON.stringify(await run(input as Record<string, unknown>)), {
    name: options.name ?? `pipeline_${task.replace(/-/g, '_')}`,
    description: options.description ?? pipelineDescription(task, options.model),
    schema,
  }) as DynamicStructuredTool;
}

/** One tool per task this version of @firth/pipelines runs, each with its default model. */
export function pipelineTools(): DynamicStructuredTool[] {
  return Object.keys(SUPPORTED_TASKS)
    .filter((task) => taskInfo(task).available && taskInfo(task).defaultModel !== undefined)
    .map((task) => pipelineTool(task));
}
