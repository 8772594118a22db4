/**
 * The course's table of Hugging Face pipeline tasks ("Other Huggingface Pipelines"), by the names
 * Hugging Face gives them, and which of them this version of @firth/pipelines runs.
 *
 * Names resolve as Hugging Face's `pipeline()` resolves them: an alias ('sentiment-analysis',
 * 'ner') is its task ('text-classification', 'token-classification'), and 'translation_xx_to_yy'
 * is 'translation' from xx to yy.
 */
import { ValidationError } from '@firth/numeric';

/** Every task name of the course's table (aliases included). */
export const COURSE_TASKS = [
  'sentiment-analysis',
  'text-classification',
  'zero-shot-classification',
  'text-generation',
  'text2text-generation',
  'translation',
  'summarization',
  'question-answering',
  'fill-mask',
  'ner',
  'conversational',
  'sentence-similarity',
  'token-classification',
  'feature-extraction',
  'table-question-answering',
] as const;

export type CourseTask = (typeof COURSE_TASKS)[number];

/** Hugging Face's aliases: the name a user may give, and the task it is. */
export const TASK_ALIASES: Readonly<Record<string, string>> = {
  'sentiment-analysis': 'text-classification',
  ner: 'token-classification',
};

/** A task's default model: what `pipeline(task)` loads with no model named, and how good it is. */
export interface DefaultModel {
  /** Where it comes from (a folder shipped with @firth/datasets, or a model Firth trains). */
  id: string;
  description: string;
  /** Its quality, measured on public data (see the package README). */
  quality: string;
}

export interface TaskInfo {
  task: string;
  /** Runs in this version. */
  available: boolean;
  /** For an available task, its default model; for one that is not, why not. */
  defaultModel?: DefaultModel;
  unavailable?: string;
}

const NOT_YET =
  'not in this version of @firth/pipelines: Firth has no model for it yet (the pipeline table is being built task by task)';

/**
 * The tasks this version runs, with their default models. The others of the course's table are
 * listed by `taskInfo` with the reason they do not run yet.
 */
export const SUPPORTED_TASKS: Readonly<Record<string, TaskInfo>> = {
  'text-classification': {
    task: 'text-classification',
    available: true,
    defaultModel: {
      id: 'bert-tiny-sst2+sst2-ngrams',
      description:
        "Firth's tiny BERT (2 layers × 128, WordPiece 4,000) fine-tuned on SST-2, stacked with a negation-marked, NB-weighted word-bigram logistic regression on SST-2's phrases: NEGATIVE / POSITIVE",
      quality:
        '83.83 % accuracy on SST-2 dev (872 sentences; fastText 81.7 %, the BERT alone 80.96 %), 83.58 % on the labelled test (1,821)',
    },
  },
  'fill-mask': {
    task: 'fill-mask',
    available: true,
    defaultModel: {
      id: 'bert-tiny',
      description: "Firth's tiny BERT pretrained (masked LM + NSP) on the Lee corpus and SST-2 phrases",
      quality: 'a lesson model: its guesses are plausible words, not reliable facts',
    },
  },
  'feature-extraction': {
    task: 'feature-extraction',
    available: true,
    defaultModel: {
      id: 'bert-tiny',
      description:
        "Firth's tiny BERT's last hidden states (128 numbers per token), or their mean with pooling: 'mean'",
      quality: 'contextual vectors of a 2-layer model: good for the lessons, weak as sentence embeddings',
    },
  },
  'text-generation': {
    task: 'text-generation',
    available: true,
    defaultModel: {
      id: 'tinyllamas-stories260K',
      description:
        "llama2.c's stories260K (Karpathy's TinyStories, MIT): a 260K-parameter Llama that writes children's stories",
      quality: 'fluent TinyStories-style English; knows nothing else',
    },
  },
};

/** The task a name means: its canonical name, and for translation_xx_to_yy its languages. */
export interface ResolvedTask {
  task: string;
  /** What the user gave. */
  name: string;
  translation?: { from: string; to: string };
}

/** Resolves a task name (alias, translation_xx_to_yy) or says what is wrong with it. */
export function resolveTask(name: string): ResolvedTask {
  if (typeof name !== 'string' || name.trim() === '')
    throw new ValidationError('pipeline: a task name is needed, e.g. "sentiment-analysis"', 'task');
  const translation = /^translation_([a-z]{2,3})_to_([a-z]{2,3})$/.exec(name);
  if (translation)
    return { task: 'translation', name, translation: { from: translation[1]!, to: translation[2]! } };
  const task = TASK_ALIASES[name] ?? name;
  if (!(COURSE_TASKS as readonly string[]).includes(task))
    throw new ValidationError(
      `pipeline: unknown task "${name}"; the tasks are ${COURSE_TASKS.join(', ')} (and translation_xx_to_yy)`,
      'task',
    );
  return { task, name };
}

/** What this version knows of a task of the course's table: available, with its default, or why not. */
export function taskInfo(name: string): TaskInfo {
  const { task } = resolveTask(name);
  return SUPPORTED_TASKS[task] ?? { task, available: false, unavailable: NOT_YET };
}
