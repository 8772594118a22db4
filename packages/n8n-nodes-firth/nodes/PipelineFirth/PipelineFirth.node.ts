/**
 * Firth Pipeline node: the course's table of Hugging Face pipelines ("Other Huggingface Pipelines")
 * as one node — pick a task by its Hugging Face name, leave the model empty for the task's default
 * (or give a Hugging Face model folder), and each item's input goes through `pipeline(task, model)`
 * with the task's options. Each item gets the pipeline's own output (`result`, Hugging Face's shape)
 * and the model that gave it (`model`: id, isDefault, quality, parameters).
 *
 * Generic over @firth/pipelines' task list: every name of COURSE_TASKS is offered, described by
 * taskInfo (a task that does not run yet fails its items with taskInfo's reason, and runs once it
 * lands); a task's inputs are the fields below (text by default; OTHER_INPUTS says which tasks read
 * other fields) and become the pipeline's arguments by @firth/langchain's callPipeline; its
 * options are the entries of TASK_OPTIONS shown for it (add a task's options there). Pipelines are
 * loaded once per execution, one per (task, model).
 *
 * Thin adapter (STYLE.md): @firth/pipelines' pipeline() does the work.
 */

import { callPipeline, type PipelineInputs } from '@firth/langchain';
import { checkTextLength } from '@firth/numeric';
import { COURSE_TASKS, type PipelineModel, pipeline, taskInfo } from '@firth/pipelines';
import {
  type IDataObject,
  type IExecuteFunctions,
  type INodeExecutionData,
  type INodeProperties,
  type INodeType,
  type INodeTypeDescription,
  NodeConnectionTypes,
  NodeOperationError,
  UserError,
} from 'n8n-workflow';
import { textOf } from '../shared/bert';
import { toErrorMessage } from '../shared/dataset';
import { parseJsonText } from '../shared/parameters';
import { mapItems } from '../shared/per-item';
import { withRounded } from '../shared/rounded';

/** The task a name of the table means in the task list, and what it says about it. */
const taskOption = (task: string) => {
  const info = taskInfo(task);
  const d = info.defaultModel;
  return {
    name: task,
    value: task,
    description: !info.available
      ? `Not available yet: ${info.unavailable}`
      : d
        ? `Default model: ${d.id} — ${d.quality}`
        : `No default model: it ${info.noDefault}. Give a model folder.`,
  };
};

/** The tasks that read fields other than Text: which fields. Every other task reads Text. */
const OTHER_INPUTS: Record<string, string[]> = {
  'question-answering': ['question', 'context'],
  'table-question-answering': ['query', 'table'],
};
const readsText = COURSE_TASKS.filter((t) => !(t in OTHER_INPUTS));

/** The generation tasks: text-generation and the encoder–decoder tasks, with HF's generation options. */
const GENERATION = [
  'text-generation',
  'text2text-generation',
  'summarization',
  'translation',
  'conversational',
];

/**
 * Each option by Hugging Face's name, and the tasks it is shown for (names as in the task list,
 * aliases included). An option the user did not add is not passed: the pipeline's default holds.
 */
const TASK_OPTIONS: { tasks: string[]; field: INodeProperties }[] = [
  {
    tasks: ['sentiment-analysis', 'text-classification', 'fill-mask', 'question-answering', ...GENERATION],
    field: {
      displayName: 'Top K',
      name: 'top_k',
      type: 'number',
      typeOptions: { minValue: 0 },
      default: 1,
      description:
        "Classification: labels per text (1); fill-mask: guesses per mask (5); question answering: answers (1); generation with Do Sample: only the K most likely tokens (50). In brackets: the pipeline's default.",
    },
  },
  {
    tasks: ['feature-extraction'],
    field: {
      displayName: 'Pooling',
      name: 'pooling',
      type: 'options',
      options: [
        { name: 'CLS', value: 'cls', description: "The first token's vector" },
        { name: 'Mean', value: 'mean', description: 'The mean of the tokens’ vectors: one vector per text' },
        { name: 'None', value: 'none', description: 'A vector per token' },
      ],
      default: 'none',
    },
  },
  {
    tasks: ['feature-extraction'],
    field: {
      displayName: 'Normalize',
      name: 'normalize',
      type: 'boolean',
      default: false,
      description: 'Whether to scale each vector to length 1',
    },
  },
  {
    tasks: GENERATION,
    field: {
      displayName: 'Max New Tokens',
      name: 'max_new_tokens',
      type: 'number',
      typeOptions: { minValue: 1, maxValue: 512 },
      default: 50,
    },
  },
  {
    tasks: GENERATION,
    field: {
      displayName: 'Do Sample',
      name: 'do_sample',
      type: 'boolean',
      default: false,
      description: 'Whether to sample (otherwise the most likely token each step: greedy)',
    },
  },
  {
    tasks: GENERATION,
    field: {
      displayName: 'Temperature',
      name: 'temperature',
      type: 'number',
      typeOptions: { minValue: 0, maxValue: 2 },
      default: 1,
      description: 'With Do Sample: higher is more random',
    },
  },
  {
    tasks: GENERATION,
    field: {
      displayName: 'Top P',
      name: 'top_p',
      type: 'number',
      typeOptions: { minValue: 0, maxValue: 1 },
      default: 1,
      description: 'With Do Sample: sample from the smallest set of tokens whose probability reaches P',
    },
  },
  {
    tasks: GENERATION,
    field: {
      displayName: 'Repetition Penalty',
      name: 'repetition_penalty',
      type: 'number',
      typeOptions: { minValue: 1 },
      default: 1,
      description: 'Above 1 discourages tokens that already appeared',
    },
  },
  {
    tasks: GENERATION,
    field: {
      displayName: 'Seed',
      name: 'seed',
      type: 'number',
      default: 0,
      description: 'With Do Sample: the same seed gives the same text',
    },
  },
  {
    tasks: ['text-generation'],
    field: {
      displayName: 'Return Full Text',
      name: 'return_full_text',
      type: 'boolean',
      default: true,
      description: 'Whether generated_text starts with the prompt',
    },
  },
  {
    tasks: ['zero-shot-classification'],
    field: {
      displayName: 'Hypothesis Template',
      name: 'hypothesis_template',
      type: 'string',
      default: 'This example is {}.',
      description: 'Each label is put in place of {} and the model judges whether the text entails it',
    },
  },
  {
    tasks: ['zero-shot-classification'],
    field: {
      displayName: 'Multi Label',
      name: 'multi_label',
      type: 'boolean',
      default: false,
      description: 'Whether each label is scored on its own (otherwise the scores of all labels sum to 1)',
    },
  },
  {
    tasks: ['ner', 'token-classification'],
    field: {
      displayName: 'Aggregation Strategy',
      name: 'aggregation_strategy',
      type: 'options',
      options: [
        { name: 'Average', value: 'average' },
        { name: 'First', value: 'first' },
        { name: 'Max', value: 'max' },
        { name: 'None', value: 'none', description: 'One entry per token' },
        { name: 'Simple', value: 'simple', description: 'Adjacent tokens of one entity grouped' },
      ],
      default: 'simple',
      description: "How word pieces group into entities (Hugging Face's strategies)",
    },
  },
  {
    tasks: ['question-answering'],
    field: {
      displayName: 'Handle Impossible Answer',
      name: 'handle_impossible_answer',
      type: 'boolean',
      default: false,
      description: 'Whether "no answer in the context" may be the answer',
    },
  },
];

export class PipelineFirth implements INodeType {
  description: INodeTypeDescription = {
    displayName: 'Firth Pipeline',
    name: 'pipelineFirth',
    icon: { light: 'file:pipeline.svg', dark: 'file:pipeline.dark.svg' },
    group: ['transform'],
    version: 1,
    subtitle: '={{ $parameter["task"] }}',
    description:
      "Hugging Face's pipeline(task) on Firth's offline models or your model folder: sentiment, fill-mask, features, generation and the course's other tasks. Lesson: Introduction to Hugging Face",
    defaults: { name: 'Firth Pipeline' },
    usableAsTool: true,
    inputs: [NodeConnectionTypes.Main],
    outputs: [NodeConnectionTypes.Main],
    properties: [
      {
        displayName: 'Task',
        name: 'task',
        type: 'options',
        // the course's table, in its order
        options: COURSE_TASKS.map(taskOption),
        default: 'sentiment-analysis',
        description: "The task, by Hugging Face's name",
      },
      {
        displayName: 'Source Language',
        name: 'sourceLanguage',
        type: 'string',
        default: 'en',
        displayOptions: { show: { task: ['translation'] } },
        description:
          'Two or three letters: the task is translation_xx_to_yy, xx the source language and yy the target',
      },
      {
        displayName: 'Target Language',
        name: 'targetLanguage',
        type: 'string',
        default: 'fr',
        displayOptions: { show: { task: ['translation'] } },
      },
      {
        displayName: 'Model',
        name: 'model',
        type: 'string',
        default: '',
        placeholder: '/path/to/a/hugging-face-model-folder',
        description:
          "Empty: the task's default model. Otherwise a Hugging Face model folder on this machine, as save_pretrained writes it: its config, model.safetensors and tokenizer files.",
      },
      {
        displayName: 'Text',
        name: 'text',
        type: 'string',
        typeOptions: { rows: 2 },
        default: 'I love this!',
        displayOptions: { show: { task: readsText } },
        description:
          "The input of each item; an expression reads it from the item's fields. An expression giving a list of texts runs them as one batch.",
      },
      {
        displayName: 'Candidate Labels',
        name: 'candidateLabels',
        type: 'string',
        default: 'positive, negative',
        displayOptions: { show: { task: ['zero-shot-classification'] } },
        description: 'The labels to choose from, separated by commas',
      },
      {
        displayName: 'Sentences',
        name: 'sentences',
        type: 'string',
        typeOptions: { rows: 3 },
        default: '',
        displayOptions: { show: { task: ['sentence-similarity'] } },
        description: 'The sentences to compare the Text with, one per line',
      },
      {
        displayName: 'Question',
        name: 'question',
        type: 'string',
        default: 'Where do pandas live?',
        displayOptions: { show: { task: ['question-answering'] } },
      },
      {
        displayName: 'Context',
        name: 'context',
        type: 'string',
        typeOptions: { rows: 3 },
        default: 'Pandas are native to China and prefer bamboo forests.',
        displayOptions: { show: { task: ['question-answering'] } },
        description: 'The text that holds the answer',
      },
      {
        displayName: 'Query',
        name: 'query',
        type: 'string',
        default: '',
        displayOptions: { show: { task: ['table-question-answering'] } },
        description: 'The question about the table',
      },
      {
        displayName: 'Table (JSON)',
        name: 'table',
        type: 'json',
        default: '{}',
        displayOptions: { show: { task: ['table-question-answering'] } },
        description:
          'The table as column name → its cells, e.g. {"City": ["Paris", "Lyon"], "People": ["2.1M", "0.5M"]}',
      },
      {
        displayName: 'Options',
        name: 'options',
        type: 'collection',
        placeholder: 'Add Option',
        default: {},
        options: TASK_OPTIONS.map(({ tasks, field }) => ({
          ...field,
          displayOptions: { show: { '/task': tasks } },
        })).sort((a, b) => a.displayName.localeCompare(b.displayName)),
      },
    ],
  };

  async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
    // one pipeline per (task, model) for this execution; a failed load fails each item that needs it
    const loaded = new Map<string, ReturnType<typeof pipeline>>();
    const load = (task: string, model: string | undefined) => {
      const key = JSON.stringify([task, model ?? null]);
      if (!loaded.has(key)) loaded.set(key, pipeline(task, model));
      return loaded.get(key)!;
    };
    return mapItems(
      this,
      async (i, item) => {
        const chosen = String(this.getNodeParameter('task', i));
        const task = chosen === 'translation' ? translationTask(this, i) : chosen;
        const modelParameter = this.getNodeParameter('model', i, '');
        if (typeof modelParameter !== 'string')
          throw new UserError(`Model must be a folder path, got ${typeof modelParameter}`);
        // a folder path: at most PATH_MAX characters
        const model =
          modelParameter.trim() === '' ? undefined : checkTextLength(modelParameter.trim(), 'Model', 4096);
        // the task and model first: a task that does not run yet says so whatever its inputs
        const pipe = await load(task, model);
        const inputs = readInputs(this, i, chosen);
        const options = optionsFor(chosen, this.getNodeParameter('options', i, {}) as IDataObject);
        const result = await callPipeline(pipe, task, inputs, options);
        return {
          json: withRounded(
            {
              ...item.json,
              task,
              ...inputsJson(inputs),
              result: result as IDataObject,
              model: modelJson(pipe.model),
            },
            ['result'],
          ),
          pairedItem: { item: i },
        };
      },
      (error, i) => failure(this, error, i),
    );
  }
}

/**
 * The options the task takes, of those set: one set for another task (n8n keeps a collection's
 * values when the task changes) is not passed.
 */
function optionsFor(task: string, set: IDataObject): IDataObject {
  const taken = new Set(TASK_OPTIONS.filter((o) => o.tasks.includes(task)).map((o) => o.field.name));
  return Object.fromEntries(Object.entries(set).filter(([name]) => taken.has(name)));
}

/** translation_<source>_to_<target> from the two language fields (Hugging Face's task name). */
function translationTask(ctx: IExecuteFunctions, i: number): string {
  const language = (name: string, label: string) => {
    const value = String(ctx.getNodeParameter(name, i, ''))
      .trim()
      .toLowerCase();
    if (!/^[a-z]{2,3}$/.test(value))
      throw new UserError(
        `${label} must be a language code of 2 or 3 letters (e.g. "en", "fr"), got "${value}"`,
      );
    return value;
  };
  return `translation_${language('sourceLanguage', 'Source Language')}_to_${language('targetLanguage', 'Target Language')}`;
}

/** An item's inputs for its task, read from the task's fields and checked. */
function readInputs(ctx: IExecuteFunctions, i: number, task: string): PipelineInputs {
  const field = (name: string, label: string) =>
    checkTextLength(textOf(ctx.getNodeParameter(name, i), label), label);
  const lines = (name: string, label: string, separator: RegExp) =>
    field(name, label)
      .split(separator)
      .map((s) => s.trim())
      .filter((s) => s !== '');
  switch (task) {
    case 'question-answering':
      return { question: field('question', 'Question'), context: field('context', 'Context') };
    case 'table-question-answering':
      return { query: field('query', 'Query'), table: tableOf(ctx.getNodeParameter('table', i)) };
    case 'zero-shot-classification':
      return { text: textInput(ctx, i), candidate_labels: lines('candidateLabels', 'Candidate Labels', /,/) };
    case 'sentence-similarity':
      return { source_sentence: field('text', 'Text'), sentences: lines('sentences', 'Sentences', /\n/) };
    default:
      return { text: textInput(ctx, i) };
  }
}

/** Text: one text, or a list of texts (an expression's result) run as one batch. */
function textInput(ctx: IExecuteFunctions, i: number): string | string[] {
  const value = ctx.getNodeParameter('text', i);
  if (!Array.isArray(value)) return checkTextLength(textOf(value, 'Text'), 'Text');
  if (value.length === 0) throw new UserError('Text is an empty list');
  return value.map((v, k) => checkTextLength(textOf(v, `Text ${k + 1}`), `Text ${k + 1}`));
}

/** A table: column name → cells (JSON text or the object itself). */
function tableOf(value: unknown): Record<string, string[]> {
  const table = typeof value === 'string' ? parseJsonText(checkTextLength(value, 'Table')) : value;
  if (table instanceof Error) throw new UserError(`Table is not valid JSON: ${table.message}`);
  if (table === null || typeof table !== 'object' || Array.isArray(table))
    throw new UserError('Table must be an object of columns, e.g. {"City": ["Paris", "Lyon"]}');
  return table as Record<string, string[]>;
}

/** The inputs as the item shows them. */
function inputsJson(inputs: PipelineInputs): IDataObject {
  return Object.fromEntries(Object.entries(inputs).filter(([, v]) => v !== undefined)) as IDataObject;
}

function modelJson(model: PipelineModel): IDataObject {
  return {
    id: model.id,
    isDefault: model.isDefault,
    ...(model.quality !== undefined && { quality: model.quality }),
    parameters: model.parameters,
  };
}

/**
 * An item's error as the node words it: the core's message, with a missing file's code said in
 * words (n8n replaces a whole message that names ENOENT by "The file or directory does not exist",
 * losing which file).
 */
function failure(ctx: IExecuteFunctions, error: unknown, i: number): NodeOperationError {
  const message = toErrorMessage(error).replace(/\bENOENT\b/g, 'no such file or folder');
  return new NodeOperationError(ctx.getNode(), message, { itemIndex: i });
}
