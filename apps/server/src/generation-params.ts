/**
 * The sampling parameters of a chat request, checked once for both APIs. OpenAI/Groq send them at
 * the top of the body, Ollama inside `options`, under other names; the rules are the same:
 *
 *   | rule                          | OpenAI / Groq                          | Ollama `options.` |
 *   | ----------------------------- | -------------------------------------- | ----------------- |
 *   | number 0–2                    | temperature                            | temperature       |
 *   | number 0–1 (0 → most likely)  | top_p                                  | top_p             |
 *   | integer ≥ 0 (0 = all)         | top_k (extension)                      | top_k             |
 *   | number 0.01–10                | repetition_penalty (extension)         | repeat_penalty    |
 *   | any integer, modulo 2^32      | seed (default 42)                      | seed (default 42) |
 *   | integer 1…limits.maxTokens    | max_completion_tokens, max_tokens      | num_predict (−1/−2 = until the context is full, 0 = nothing) |
 *   | ≤ limits.maxStop strings of 1…limits.maxStopChars | stop               | stop              |
 *
 * Absent or null means the default. Generation always ends when the model's context is full.
 */
import type { GenerateOptions } from '@firth/transformers';
import { invalid } from './http.js';
import { overLimit, type ServerLimits } from './limits.js';

/** Where each parameter sits in one API's body (`options.` prefixes Ollama's). */
export interface ParamNames {
  prefix: string;
  temperature: string;
  topP: string;
  topK: string;
  repetitionPenalty: string;
  seed: string;
  /** Looked up in order; the first present wins. */
  maxTokens: string[];
  /** Ollama's num_predict: −1 and −2 mean "until the context is full", 0 nothing. */
  maxTokensMayBeNegative: boolean;
  stop: string;
}

export const OPENAI_PARAMS: ParamNames = {
  prefix: '',
  temperature: 'temperature',
  topP: 'top_p',
  topK: 'top_k',
  repetitionPenalty: 'repetition_penalty',
  seed: 'seed',
  maxTokens: ['max_completion_tokens', 'max_tokens'],
  maxTokensMayBeNegative: false,
  stop: 'stop',
};

export const OLLAMA_PARAMS: ParamNames = {
  prefix: 'options.',
  temperature: 'temperature',
  topP: 'top_p',
  topK: 'top_k',
  repetitionPenalty: 'repeat_penalty',
  seed: 'seed',
  maxTokens: ['num_predict'],
  maxTokensMayBeNegative: true,
  stop: 'stop',
};

/** The seed every request gets unless it gives one: the same request, the same text. */
export const DEFAULT_SEED = 42;

/** Any integer seed, folded into the sampler's [0, 2^32). */
export const foldSeed = (seed: number) => ((seed % 2 ** 32) + 2 ** 32) % 2 ** 32;

const present = (v: unknown) => v !== undefined && v !== null;

/** A number in [lo, hi] (integer when asked), or undefined when absent; 400 naming the field otherwise. */
export function numberParam(
  source: Record<string, unknown>,
  key: string,
  param: string,
  lo: number,
  hi: number,
  integer = false,
): number | undefined {
  const v = source[key];
  if (!present(v)) return undefined;
  const ok =
    typeof v === 'number' && Number.isFinite(v) && v >= lo && v <= hi && (!integer || Number.isInteger(v));
  if (!ok) {
    const range = hi === Number.MAX_SAFE_INTEGER ? `≥ ${lo}` : `from ${lo} to ${hi}`;
    throw invalid(
      `${param} must be ${integer ? 'an integer' : 'a number'} ${range}, got ${preview(v)}`,
      param,
    );
  }
  return v as number;
}

const preview = (v: unknown) => {
  const text = JSON.stringify(v) ?? String(v);
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
};

/** Stop sequences from a string or an array: at most `limits.maxStop`, each 1…`limits.maxStopChars` characters. */
export function parseStop(v: unknown, param: string, limits: ServerLimits): string[] | undefined {
  if (!present(v)) return undefined;
  const list = typeof v === 'string' ? [v] : v;
  if (!Array.isArray(list) || list.some((s) => typeof s !== 'string' || s === ''))
    throw invalid(`${param} must be a string or an array of non-empty strings`, param);
  if (list.length > limits.maxStop)
    throw overLimit(param, param, list.length, 'sequences', 'maxStop', limits);
  const longest = Math.max(...list.map((s: string) => s.length));
  if (longest > limits.maxStopChars)
    throw overLimit(param, `a stop sequence of ${param}`, longest, 'characters', 'maxStopChars', limits);
  return list as string[];
}

/**
 * The sampling options of a request for a model with `contextLength` tokens, read where `names`
 * says; every value is range-checked and each error names the field as the client wrote it.
 */
export function parseGeneration(
  source: Record<string, unknown>,
  names: ParamNames,
  contextLength: number,
  limits: ServerLimits,
): GenerateOptions {
  const p = (key: string) => `${names.prefix}${key}`;
  const temperature = numberParam(source, names.temperature, p(names.temperature), 0, 2);
  const topP = numberParam(source, names.topP, p(names.topP), 0, 1);
  const topK = numberParam(source, names.topK, p(names.topK), 0, Number.MAX_SAFE_INTEGER, true);
  const repetitionPenalty = numberParam(
    source,
    names.repetitionPenalty,
    p(names.repetitionPenalty),
    0.01,
    10,
  );
  const seedValue = source[names.seed];
  if (present(seedValue) && !(typeof seedValue === 'number' && Number.isInteger(seedValue)))
    throw invalid(`${p(names.seed)} must be an integer, got ${preview(seedValue)}`, p(names.seed));
  const seed = present(seedValue) ? (seedValue as number) : DEFAULT_SEED;
  let maxTokens: number | undefined;
  for (const key of names.maxTokens) {
    const lo = names.maxTokensMayBeNegative ? -2 : 1;
    const v = numberParam(source, key, p(key), lo, Number.MAX_SAFE_INTEGER, true);
    if (v === undefined) continue;
    if (v > limits.maxTokens) throw overLimit(p(key), p(key), v, 'tokens', 'maxTokens', limits);
    maxTokens = v < 0 ? undefined : v; // num_predict −1/−2: until the context is full
    break;
  }
  const stop = parseStop(source[names.stop], p(names.stop), limits);
  return {
    maxNewTokens: maxTokens ?? contextLength,
    seed: foldSeed(seed),
    ...(temperature !== undefined ? { temperature } : {}),
    ...(topP !== undefined ? { topP: Math.max(topP, 1e-9) } : {}), // top_p 0 → the most likely token
    ...(topK !== undefined ? { topK } : {}),
    ...(repetitionPenalty !== undefined ? { repetitionPenalty } : {}),
    ...(stop ? { stop } : {}),
  };
}
