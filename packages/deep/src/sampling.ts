/**
 * Sampling text from a character language model, shared by the model trained here
 * (`CharLanguageModel`) and the pretrained ml5 char-LSTM: one options shape, one interface, one
 * categorical draw with temperature.
 *
 * Temperature T reshapes the next-character distribution before the draw:
 *   p_i = exp(z_i / T) / Σ_j exp(z_j / T)
 * T = 1 samples the model as trained, T < 1 sharpens it (safer, more repetitive text), T > 1
 * flattens it (more surprising, more misspelt), and T → 0 is greedy decoding (always the argmax).
 */
import { checkTextLength, type RandomState, ValidationError } from '@firth/numeric';

export interface SampleOptions {
  /** Text fed to the model first; the sample continues it. @default '' (start after a newline, like the beginning of a speech) */
  prompt?: string;
  /** How many characters to generate (the prompt not included). */
  length: number;
  /** Softmax temperature, ≥ 0; 0 (or below 1e-6) is greedy argmax. @default 1 — the model's own distribution */
  temperature?: number;
  /** Seed of the RandomState that draws the characters. @default 0 — the same call gives the same text */
  seed?: number;
}

/** Anything that continues a prompt one character at a time. */
export interface TextSampler {
  /** The characters the model knows, index = id. */
  readonly vocab: readonly string[];
  /** Generates `length` characters after `prompt` (the returned string excludes the prompt). */
  sample(options: SampleOptions): Promise<string>;
  /** The distribution of the character after `prompt` (temperature 1), as `{ char: probability }`. */
  nextCharProbabilities(prompt: string): Promise<Record<string, number>>;
  /** Mean cross-entropy of `text` under the model, in nats per predicted character. */
  evaluate(text: string): Promise<number>;
}

/** Below this temperature a draw is the argmax (exp(z/T) would only be rounding noise). */
export const GREEDY_TEMPERATURE = 1e-6;

/**
 * The longest prompt a character model reads: each character is one recurrent step (~0.1 ms), so
 * 10,000 characters prime in about a second; past that, the caller hears so at once.
 */
export const MAX_PROMPT_CHARS = 10_000;
/** The most characters one sample generates (each is one step and one draw). */
export const MAX_SAMPLE_LENGTH = 100_000;
/** The longest text `evaluate` scores (one step per character: about 10 s at this size). */
export const MAX_EVALUATE_CHARS = 100_000;

/** Checks a text to evaluate: a string of 2 to MAX_EVALUATE_CHARS characters. */
export function checkEvaluateText(text: unknown): string {
  checkTextLength(text, 'text', MAX_EVALUATE_CHARS);
  if ((text as string).length < 2)
    throw new ValidationError('text needs at least 2 characters to evaluate', 'text');
  return text as string;
}

/** Checks sampling options and fills the defaults. */
export function checkSampleOptions(options: SampleOptions): Required<SampleOptions> {
  const { prompt = '', length, temperature = 1, seed = 0 } = options ?? ({} as SampleOptions);
  checkTextLength(prompt, 'prompt', MAX_PROMPT_CHARS);
  if (!Number.isInteger(length) || length < 0 || length > MAX_SAMPLE_LENGTH) {
    throw new ValidationError(
      `length must be an integer from 0 to ${MAX_SAMPLE_LENGTH}, got ${String(length)}`,
      'length',
    );
  }
  if (typeof temperature !== 'number' || !(temperature >= 0) || !Number.isFinite(temperature)) {
    throw new ValidationError(
      `temperature must be a finite number ≥ 0, got ${String(temperature)}`,
      'temperature',
    );
  }
  if (!Number.isInteger(seed))
    throw new ValidationError(`seed must be an integer, got ${String(seed)}`, 'seed');
  return { prompt, length, temperature, seed };
}

/**
 * Character ids of `text`; a character outside the vocabulary is an error that names it.
 *
 *   encodeChars('ab', new Map([['a', 0], ['b', 1]])) // [0, 1]
 */
export function encodeChars(text: string, index: ReadonlyMap<string, number>, what = 'text'): number[] {
  const ids: number[] = [];
  let pos = 0;
  for (const ch of text) {
    const id = index.get(ch);
    if (id === undefined) {
      throw new ValidationError(
        `${what} has the character ${JSON.stringify(ch)} (at ${pos}) that is not in the model's vocabulary`,
        what,
      );
    }
    ids.push(id);
    pos++;
  }
  return ids;
}

/**
 * The next-character distribution at temperature T, computed stably in float64:
 *   p = softmax(z / T) = exp(z/T − max(z/T)) / Σ exp(z/T − max(z/T))
 * T below GREEDY_TEMPERATURE gives the one-hot of the argmax (first one on ties).
 *
 *   softmaxWithTemperature([0, Math.log(3)], 1) // Float64Array [0.25, 0.75]
 */
export function softmaxWithTemperature(logits: ArrayLike<number>, temperature = 1): Float64Array {
  const n = logits.length;
  const p = new Float64Array(n);
  if (n === 0) return p;
  let best = 0;
  for (let i = 1; i < n; i++) if ((logits[i] as number) > (logits[best] as number)) best = i;
  if (temperature < GREEDY_TEMPERATURE) {
    p[best] = 1;
    return p;
  }
  const max = (logits[best] as number) / temperature;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    p[i] = Math.exp((logits[i] as number) / temperature - max);
    sum += p[i] as number;
  }
  for (let i = 0; i < n; i++) p[i] = (p[i] as number) / sum;
  return p;
}

/**
 * Draws one index from softmax(logits / T), the way NumPy's `choice(n, p=p)` does: build the
 * cumulative distribution, normalise it, and take the first bin whose cdf exceeds u ~ U[0, 1).
 *
 *   sampleFromLogits([0, 0, 10], 0, new RandomState(0)) // 2 (greedy)
 */
export function sampleFromLogits(logits: ArrayLike<number>, temperature: number, rng: RandomState): number {
  const p = softmaxWithTemperature(logits, temperature);
  if (temperature < GREEDY_TEMPERATURE) return p.indexOf(1);
  let total = 0;
  for (const v of p) total += v;
  const u = rng.randomSample() * total;
  let cdf = 0;
  for (let i = 0; i < p.length; i++) {
    cdf += p[i] as number;
    if (u < cdf) return i;
  }
  // u landed in the rounding gap at the top: the last character with any probability.
  for (let i = p.length - 1; i >= 0; i--) if ((p[i] as number) > 0) return i;
  return p.length - 1;
}
