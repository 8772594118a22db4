/**
 * summarization: Hugging Face's task shape — `summarize(text | texts, { max_length, min_length })`
 * → `[{ summary_text }]`, one per text — with an EXTRACTIVE default: the summary is made of the
 * text's own sentences, copied, not written anew. An abstractive model (BART, T5: an
 * encoder–decoder that writes new sentences) cannot be trained to a useful level on this machine;
 * a user's BART/T5 folder is the way to abstractive summaries (not read in this version: refused
 * with a ValidationError naming the option).
 *
 * The method — centroid ranking over sentence vectors (Radev et al. 2004, "Centroid-based
 * summarization"; with sentence embeddings as Rossiello et al. 2017):
 *   1. the text is split into sentences; each is embedded with Universal Sentence Encoder Lite;
 *   2. a sentence's score is the cosine of its vector with the centroid (the mean of all the
 *      sentence vectors: what the text is about), plus a lead bonus LEAD_WEIGHT / (1 + position)
 *      (news puts the gist first);
 *   3. sentences are taken best first, skipping one nearly the same as one already taken (cosine
 *      above REDUNDANCY), while the summary stays within max_length tokens, and beyond that until
 *      it has min_length tokens; a first sentence longer than max_length is cut to max_length;
 *   4. the chosen sentences are joined in the order of the text.
 *
 * Tokens here are words and punctuation marks (`summaryTokens`), not a model's subword tokens.
 */
import { ValidationError } from '@firth/numeric';
import { defaultModel, type Pipeline, texts, withInfo } from './pipeline.js';
import { cosine, loadSentenceEncoder, type SentenceEncoder } from './sentence-encoder.js';

export interface SummarizationOptions {
  /** The most tokens (words and punctuation) in a summary. @default 40 */
  max_length?: number;
  /** The fewest tokens in a summary, when the text has them. @default 10 */
  min_length?: number;
}

export interface Summary {
  summary_text: string;
}

/** One text → [{ summary_text }]; several → one { summary_text } per text (Hugging Face's shapes). */
export interface SummarizationPipeline extends Pick<Pipeline<never, never, never>, 'task' | 'model'> {
  (input: string, options?: SummarizationOptions): Promise<Summary[]>;
  (input: string[], options?: SummarizationOptions): Promise<Summary[]>;
  /**
   * 'extractive' (the default): the summary's sentences are the text's own; 'abstractive': written
   * anew by an encoder–decoder (a user's BART / T5 folder, when this package reads one).
   */
  readonly method: 'extractive' | 'abstractive';
}

/** The lead bonus of the first sentence (position p gets LEAD_WEIGHT / (1 + p)); chosen on the dev half. */
export const LEAD_WEIGHT = 0.1;
/** Two sentences with a cosine above this say the same thing: the second is skipped. */
export const REDUNDANCY = 0.9;
export const DEFAULT_MAX_LENGTH = 40;
export const DEFAULT_MIN_LENGTH = 10;

const ABBREVIATION =
  /(?:\b(?:Mr|Mrs|Ms|Dr|Prof|St|Sen|Gen|Lt|Col|Capt|Sgt|Insp|Jr|Sr|Co|Corp|Inc|Ltd|No|vs|etc|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)|\b[A-Z]|\b(?:[A-Za-z]\.){1,}[A-Za-z])\.$/;

/**
 * The sentences of a text: a break after . ! or ? (and any closing quote or bracket) followed by
 * a space and a capital letter, digit or opening quote — not after a title (Mr., Dr.), a month
 * (Sept.), an initial (W.) or an abbreviation with inner dots (U.S.).
 */
export function splitSentences(text: string): string[] {
  const out: string[] = [];
  const re = /[.!?]+["'”’)\]]*(?=\s+["'“‘([]?[A-Z0-9])/g;
  let start = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const end = m.index + m[0].length;
    const piece = text.slice(start, end).trim();
    if (ABBREVIATION.test(text.slice(start, m.index + 1).trimEnd())) continue;
    if (piece !== '') out.push(piece);
    start = end;
  }
  const rest = text.slice(start).trim();
  if (rest !== '') out.push(rest);
  return out;
}

/** Words (with inner apostrophes, dots, commas or hyphens: "don't", "3.5", "1,000") and punctuation marks. */
export function summaryTokens(text: string): string[] {
  return text.match(/[\p{L}\p{N}]+(?:['’.,-][\p{L}\p{N}]+)*|[^\s\p{L}\p{N}]/gu) ?? [];
}

const length = (v: unknown, name: string, fallback: number): number => {
  if (v === undefined) return fallback;
  if (!(typeof v === 'number' && Number.isInteger(v) && v >= 0))
    throw new ValidationError(`${name} must be a whole number ≥ 0, got ${JSON.stringify(v)}`, name);
  return v;
};

/** The first `n` tokens of a sentence, as text (spaces kept as they were). */
function cut(sentence: string, n: number): string {
  const re = /[\p{L}\p{N}]+(?:['’.,-][\p{L}\p{N}]+)*|[^\s\p{L}\p{N}]/gu;
  let end = 0;
  for (let k = 0; k < n; k++) {
    const m = re.exec(sentence);
    if (!m) break;
    end = m.index + m[0].length;
  }
  return sentence.slice(0, end);
}

/** The extractive summary of each text, as the pipeline makes it. */
export async function summarize(
  encoder: SentenceEncoder,
  input: string | string[],
  options: SummarizationOptions = {},
): Promise<Summary[]> {
  const list = texts(input, 'summarization');
  const maxLength = length(options.max_length, 'max_length', DEFAULT_MAX_LENGTH);
  if (maxLength < 1)
    throw new ValidationError(`max_length must be a whole number ≥ 1, got ${maxLength}`, 'max_length');
  const minLength = length(options.min_length, 'min_length', Math.min(DEFAULT_MIN_LENGTH, maxLength));
  if (minLength > maxLength)
    throw new ValidationError(
      `min_length (${minLength}) must not be above max_length (${maxLength})`,
      'min_length',
    );
  const sentences = list.map(splitSentences);
  const vectors = await encoder.embed(sentences.flat());
  let at = 0;
  return sentences.map((ss) => {
    const V = vectors.slice(at, at + ss.length);
    at += ss.length;
    const centroid = V[0]!.map((_, j) => V.reduce((s, v) => s + v[j]!, 0) / V.length);
    const scores = V.map((v, i) => cosine(v, centroid) + LEAD_WEIGHT / (1 + i));
    const order = ss.map((_, i) => i).sort((a, b) => scores[b]! - scores[a]! || a - b);
    const sizes = ss.map((s) => summaryTokens(s).length);
    const chosen: number[] = [];
    let total = 0;
    for (const i of order) {
      if (chosen.some((c) => cosine(V[c]!, V[i]!) > REDUNDANCY)) continue;
      if (chosen.length > 0 && total + sizes[i]! > maxLength && total >= minLength) continue;
      chosen.push(i);
      total += sizes[i]!;
      if (total >= maxLength) break;
    }
    const parts = chosen.sort((a, b) => a - b).map((i) => ss[i]!);
    let summary = parts.join(' ');
    if (summaryTokens(summary).length > maxLength) summary = cut(summary, maxLength);
    return { summary_text: summary };
  });
}

/**
 * pipeline('summarization'): the extractive default. A BART / T5 / Marian folder is the abstractive
 * path, which pipeline() sends to encoder-decoder.ts; this builder makes the default only.
 */
export async function buildSummarization(model?: string): Promise<SummarizationPipeline> {
  if (model !== undefined)
    throw new ValidationError(
      "buildSummarization builds the extractive default; a Hugging Face BART, T5 or Marian folder (abstractive) is read by pipeline('summarization', folder)",
      'model',
    );
  const encoder = await loadSentenceEncoder();
  return Object.assign(
    withInfo(
      (input: string | string[], options?: SummarizationOptions) => summarize(encoder, input, options),
      'summarization',
      defaultModel('summarization', encoder.parameters),
    ),
    { method: 'extractive' as const },
  ) as unknown as SummarizationPipeline;
}
