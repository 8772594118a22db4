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
  /** An available task with no offline default: why, and that a user's model folder is the path. */
  noDefault?: string;
  unavailable?: string;
}

const NOT_YET =
  'not in this version of @firth/pipelines: Firth has no model for it yet (the pipeline table is being built task by task)';

/** What the tasks say when no model folder is given. */
export const NO_DEFAULT: Record<'text2text-generation' | 'translation' | 'summarization', string> = {
  'text2text-generation':
    'has no offline default: text-to-text generation needs a trained encoder–decoder (T5 is 60M parameters and more, trained on a large corpus), which this machine cannot train',
  translation:
    'has no offline default that reaches a useful level: a translator is tens of millions of parameters trained on millions of sentence pairs, which this machine can neither hold offline nor train',
  summarization:
    'has no offline abstractive default that reaches a useful level: an abstractive summariser (BART, T5) is tens of millions of parameters trained on hundreds of thousands of articles, which this machine cannot train',
};

/** Tasks whose defaults are built on USE-lite sentence vectors, GloVe and rules (see the README). */
const SENTENCE_TASKS: Record<string, TaskInfo> = {
  'zero-shot-classification': {
    task: 'zero-shot-classification',
    available: true,
    defaultModel: {
      id: 'use-lite',
      description:
        'Universal Sentence Encoder Lite (512-d, offline): each label in the hypothesis template, scored by the cosine of the text with it — no NLI model',
      quality:
        "68.1 % on a 7-topic news set's held-out half (32 of 47 Lee-corpus sentences; 70.8 % on its dev half); 70.64 % on SST-2 dev with labels positive / negative (616 of 872) — Hugging Face's template, nothing tuned on either",
    },
  },
  'sentence-similarity': {
    task: 'sentence-similarity',
    available: true,
    defaultModel: {
      id: 'use-lite',
      description: 'Universal Sentence Encoder Lite (512-d, offline): the cosine of two sentence vectors',
      quality:
        "Spearman's ρ 0.816 with hand similarity scores (0–5) on 24 held-out sentence pairs (0.855 on the 24 dev pairs)",
    },
  },
  summarization: {
    task: 'summarization',
    available: true,
    defaultModel: {
      id: 'extractive-use-lite',
      description:
        "EXTRACTIVE, not abstractive: the text's own sentences, ranked by closeness to the text's centroid (USE-lite vectors) with a lead bonus — an abstractive model cannot be trained to a useful level here",
      quality:
        'ROUGE-1 / 2 / L F1 0.538 / 0.352 / 0.499 against hand-written one-sentence summaries of 10 held-out Lee-corpus articles (the lead sentence alone: 0.603 / 0.422 / 0.578 — on short news the first sentence is the better summary)',
    },
  },
  'table-question-answering': {
    task: 'table-question-answering',
    available: true,
    defaultModel: {
      id: 'rules-glove',
      description:
        'a rule-based semantic parser (columns and cells matched by words and GloVe vectors; SUM / AVERAGE / COUNT / NONE, comparisons, superlatives) — no TAPAS model',
      quality:
        "24 of 24 held-out questions right (denotation: aggregator and answer) over 4 hand-written tables, 24 of 24 on the dev half — questions written by the rules' author: an upper bound for questions phrased otherwise",
    },
  },
};

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
  'text2text-generation': {
    task: 'text2text-generation',
    available: true,
    defaultModel: {
      id: 'firth-t5-prefixes',
      description:
        "NOT a T5: T5's task prefixes sent to Firth's offline defaults — 'summarize: ' (extractive summarization), 'translate English to French: ' / 'translate French to English: ' (the lexicon translator), 'question: … context: …' (question answering), 'sst2 sentence: ' (sentiment, answered positive / negative); no free generation",
      quality:
        'that of the default answering (each result names it): summarization ROUGE-L 0.499, translation chrF 53.0 (en→fr) / 51.3 (fr→en), question answering F1 0.832, sentiment 80.96 % on SST-2 dev — text with no known prefix is refused',
    },
  },
  translation: {
    task: 'translation',
    available: true,
    defaultModel: {
      id: 'firth-lexicon-en-fr',
      description:
        'a word-and-phrase GLOSS, NOT a neural translator: a hand-written English–French lexicon and phrase table with rules for French word order, agreement, conjugation and elision; English ↔ French only, unknown words passed through and listed in unknown_words — a translator that is any use (Marian, T5) needs a Hugging Face folder',
      quality:
        'chrF 53.0 / BLEU 30.1 (en→fr) and chrF 51.3 / BLEU 34.6 (fr→en) on 30 held-out simple sentences, scored once (dev, which it was tuned on: 96.9 / 93.2 and 90.7 / 87.4; copying the source unchanged: chrF 14.0 / 15.2) — a gloss of simple sentences, far below a neural translator',
    },
  },
  conversational: {
    task: 'conversational',
    available: true,
    defaultModel: {
      id: 'tinyllamas-stories260K',
      description:
        "llama2.c's stories260K (the text-generation default): a 260K-parameter TinyStories Llama with no chat template — the reply continues the last user message as a children's story",
      quality:
        'can: continue a story the user starts, in fluent TinyStories English; cannot: follow instructions, answer questions, know facts, or use earlier turns',
    },
  },
  'question-answering': {
    task: 'question-answering',
    available: true,
    defaultModel: {
      id: 'firth-qa-rules',
      description:
        "retrieval + answer types: the question's wh-word and head noun give the answer's type, the context's sentences are ranked by the question's words, and the NER tagger's, number and date spans of that type near those words are the candidates",
      quality:
        'exact match 0.744, F1 0.832 (SQuAD normalisation) on 43 held-out factoid questions on Lee corpus articles (dev: 0.800 / 0.877 on 50)',
    },
  },
  'token-classification': {
    task: 'token-classification',
    available: true,
    defaultModel: {
      id: 'firth-ner-rules',
      description:
        "a capitalisation + word-list + context tagger (PER, ORG, LOC, MISC) on the tiny BERT's WordPiece tokens, B-/I- labels with each rule's confidence as the score",
      quality:
        "entity F1 0.835 (precision 0.815, recall 0.857) on 30 held-out hand-labelled Lee corpus sentences (77 entities; aggregation_strategy 'simple', exact span and type)",
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
  ...SENTENCE_TASKS,
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
