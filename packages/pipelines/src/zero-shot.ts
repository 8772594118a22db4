/**
 * zero-shot-classification: Hugging Face's task shape — `classify(text, candidate_labels,
 * { hypothesis_template, multi_label })` → `{ sequence, labels, scores }`, labels best first — with
 * an offline default that needs no NLI data: each candidate label is put in the hypothesis
 * template ("This example is {}."), the text and each hypothesis are embedded with Universal
 * Sentence Encoder Lite, and a label's evidence is the cosine of the text with its hypothesis.
 *
 * A user's NLI folder runs Hugging Face's algorithm itself (nliZeroShotClassification). Hugging
 * Face's NLI pipeline scores a label by "the text entails the hypothesis"; the default replaces the
 * entailment logit by `SIMILARITY_SCALE × cosine`:
 * - single-label (default): a softmax over the labels, so the scores sum to 1;
 * - `multi_label: true` (and, as in Hugging Face, a single candidate label): each label on its
 *   own, `sigmoid(SIMILARITY_SCALE × (cosine − MULTI_LABEL_THRESHOLD))`, so several labels may be
 *   likely at once (or none).
 *
 *   const classify = await pipeline('zero-shot-classification');
 *   await classify('Australia has beaten South Africa by 246 runs.', ['sport', 'politics', 'business'])
 *   // { sequence: 'Australia has …', labels: ['sport', 'politics', 'business'], scores: [0.7…, …] }
 */
import { ValidationError } from '@firth/numeric';
import { encoderMaxTokens, frameOf, loadEncoderFolder, runEncoder } from './hf-folder.js';
import { defaultModel, type Pipeline, texts, withInfo } from './pipeline.js';
import { cosine, loadSentenceEncoder, type SentenceEncoder } from './sentence-encoder.js';

export interface ZeroShotOptions {
  /** The sentence each label is put in, at `{}`. @default 'This example is {}.' (Hugging Face's) */
  hypothesis_template?: string;
  /** Score each label on its own (several may be true) instead of a softmax over them. @default false */
  multi_label?: boolean;
}

export interface ZeroShotOutput {
  sequence: string;
  /** The candidate labels, best first. */
  labels: string[];
  /** Each label's score, in the order of `labels`. */
  scores: number[];
}

/** One text → one output; several → one output per text. */
export interface ZeroShotClassificationPipeline
  extends Pick<Pipeline<never, never, never>, 'task' | 'model'> {
  (input: string, candidate_labels: string | string[], options?: ZeroShotOptions): Promise<ZeroShotOutput>;
  (
    input: string[],
    candidate_labels: string | string[],
    options?: ZeroShotOptions,
  ): Promise<ZeroShotOutput[]>;
}

/**
 * Cosines are turned into logits by this factor (sentence-transformers' similarity scale: a
 * cosine gap of 0.05 is a factor e ≈ 2.7 between two labels).
 */
export const SIMILARITY_SCALE = 20;
/** multi_label: the cosine at which a label scores 0.5 (best F1 over the dev half of the topic set, every label against every text). */
export const MULTI_LABEL_THRESHOLD = 0.16;

export const DEFAULT_HYPOTHESIS_TEMPLATE = 'This example is {}.';

/** The candidate labels as Hugging Face takes them: a list, or one string of comma-separated labels. */
function candidateLabels(labels: unknown): string[] {
  const list = typeof labels === 'string' ? labels.split(',') : labels;
  if (!Array.isArray(list))
    throw new ValidationError(
      `zero-shot-classification: candidate_labels must be a list of labels (or one comma-separated string), got ${JSON.stringify(labels)}`,
      'candidate_labels',
    );
  const clean = list.map((l, i) => {
    if (typeof l !== 'string' || l.trim() === '')
      throw new ValidationError(
        `zero-shot-classification: candidate_labels[${i}] must be a non-empty string, got ${JSON.stringify(l)}`,
        'candidate_labels',
      );
    return l.trim();
  });
  if (clean.length === 0)
    throw new ValidationError(
      'zero-shot-classification: you must include at least one candidate label',
      'candidate_labels',
    );
  if (new Set(clean).size !== clean.length)
    throw new ValidationError(
      `zero-shot-classification: candidate_labels has a label twice: ${JSON.stringify(clean)}`,
      'candidate_labels',
    );
  return clean;
}

function hypothesisTemplate(template: unknown): string {
  if (typeof template !== 'string' || !template.includes('{}'))
    throw new ValidationError(
      `zero-shot-classification: hypothesis_template ${JSON.stringify(template)} has no {} where the label goes (e.g. 'This example is {}.')`,
      'hypothesis_template',
    );
  return template;
}

const softmax = (logits: number[]): number[] => {
  const max = Math.max(...logits);
  const e = logits.map((l) => Math.exp(l - max));
  const sum = e.reduce((s, v) => s + v, 0);
  return e.map((v) => v / sum);
};

/** Scores every text against every label, as the pipeline does. */
export async function zeroShotClassify(
  encoder: SentenceEncoder,
  input: string | string[],
  labels: unknown,
  options: ZeroShotOptions = {},
): Promise<ZeroShotOutput | ZeroShotOutput[]> {
  const { sequences, candidates, hypotheses, multi } = request(input, labels, options);
  const vectors = await encoder.embed([...hypotheses, ...sequences]);
  const H = vectors.slice(0, candidates.length);
  const out = sequences.map((sequence, i) => {
    const x = vectors[candidates.length + i]!;
    const sims = H.map((h) => cosine(x, h));
    const scores = multi
      ? sims.map((s) => 1 / (1 + Math.exp(-SIMILARITY_SCALE * (s - MULTI_LABEL_THRESHOLD))))
      : softmax(sims.map((s) => SIMILARITY_SCALE * s));
    const order = scores.map((_, k) => k).sort((a, b) => scores[b]! - scores[a]!);
    return { sequence, labels: order.map((k) => candidates[k]!), scores: order.map((k) => scores[k]!) };
  });
  return Array.isArray(input) ? out : out[0]!;
}

/**
 * The options every path checks alike: the texts, the candidate labels, the template filled with
 * each, and whether labels are scored on their own (multi_label, or one label alone, as HF).
 */
function request(input: string | string[], labels: unknown, options: ZeroShotOptions) {
  const sequences = texts(input, 'zero-shot-classification');
  const candidates = candidateLabels(labels);
  const template = hypothesisTemplate(options.hypothesis_template ?? DEFAULT_HYPOTHESIS_TEMPLATE);
  if (options.multi_label !== undefined && typeof options.multi_label !== 'boolean')
    throw new ValidationError(
      `zero-shot-classification: multi_label must be true or false, got ${JSON.stringify(options.multi_label)}`,
      'multi_label',
    );
  const multi = options.multi_label === true || candidates.length === 1;
  return { sequences, candidates, hypotheses: candidates.map((l) => template.replaceAll('{}', l)), multi };
}

/**
 * Hugging Face's ZeroShotClassificationPipeline on a user's NLI model (…ForSequenceClassification
 * whose id2label names an entailment label, e.g. BART-MNLI, RoBERTa-MNLI): each (premise = the
 * text, cut to fit — HF's truncation 'only_first' —, hypothesis = the template filled with a
 * label) pair through the model; single-label: a
 * softmax of the entailment logits across the labels; multi_label (or one label): per label, a
 * softmax over [contradiction, entailment] — contradiction being label 0, or the last label when
 * entailment is 0, as HF takes it.
 */
export async function nliZeroShotClassification(folder: string): Promise<ZeroShotClassificationPipeline> {
  const { encoder, tokenizer, info } = await loadEncoderFolder(folder, 'zero-shot-classification');
  const entailment = encoder.labels.findIndex((l) => l.toLowerCase().startsWith('entail'));
  if (entailment < 0)
    throw new ValidationError(
      `pipeline: ${folder} is not an NLI model: config.json's id2label (${encoder.labels.join(', ')}) names no entailment label, which zero-shot-classification scores`,
      'model',
    );
  const contradiction = entailment === 0 ? encoder.labels.length - 1 : 0;
  // HF's truncation 'only_first': the premise is cut, never the hypothesis
  const frame = frameOf(tokenizer, true);
  const room = encoderMaxTokens(encoder) - frame.specials;
  const logits = (premise: string, hypothesis: string) => {
    const h = tokenizer.encode(hypothesis, { addSpecialTokens: false });
    if (h.length >= room)
      throw new ValidationError(
        `zero-shot-classification: the hypothesis ${JSON.stringify(hypothesis)} takes ${h.length} of the model's ${room} positions, leaving none for the text`,
        'hypothesis_template',
      );
    const p = tokenizer.encode(premise, { addSpecialTokens: false }).slice(0, room - h.length);
    const { ids, tokenTypeIds } = frame.build(p, h);
    return (
      runEncoder(encoder, {
        ids,
        tokenTypeIds,
        attentionMask: ids.map(() => 1),
        tokens: [],
        specialTokensMask: [],
      }).logits as number[][]
    )[0]!;
  };
  return withInfo(
    async (input: string | string[], labels: string | string[], options: ZeroShotOptions = {}) => {
      const { sequences, candidates, hypotheses, multi } = request(input, labels, options);
      const out = sequences.map((sequence) => {
        const rows = hypotheses.map((h) => logits(sequence, h));
        const scores = multi
          ? rows.map((r) => softmax([r[contradiction]!, r[entailment]!])[1]!)
          : softmax(rows.map((r) => r[entailment]!));
        const order = scores.map((_, k) => k).sort((a, b) => scores[b]! - scores[a]!);
        return { sequence, labels: order.map((k) => candidates[k]!), scores: order.map((k) => scores[k]!) };
      });
      return Array.isArray(input) ? out : out[0]!;
    },
    'zero-shot-classification',
    info,
  ) as unknown as ZeroShotClassificationPipeline;
}

/** pipeline('zero-shot-classification'): USE-lite by default, or a user's NLI folder. */
export async function buildZeroShotClassification(model?: string): Promise<ZeroShotClassificationPipeline> {
  if (model !== undefined) return nliZeroShotClassification(model);
  const encoder = await loadSentenceEncoder();
  return withInfo(
    (input: string | string[], labels: string | string[], options?: ZeroShotOptions) =>
      zeroShotClassify(encoder, input, labels, options),
    'zero-shot-classification',
    defaultModel('zero-shot-classification', encoder.parameters),
  ) as unknown as ZeroShotClassificationPipeline;
}
