/**
 * The playground's parameters (course: "groq Playground": SYSTEM, Temperature, Max Completion
 * Tokens, Stream, JSON Mode, Top P, Seed, Stop Sequence) as one configuration for every provider,
 * checked before any request is made.
 *
 *   validateChatConfig({ provider: 'groq', temperature: 3 })
 *   // throws LlmError: temperature must be a number from 0 to 2, got 3
 *
 * A parameter left unset is not sent: the provider's own default applies (Groq's playground shows
 * temperature 1, max completion tokens 1024, top-p 1).
 */

import { LlmError } from './errors.js';

export const PROVIDERS = ['groq', 'ollama', 'openai-compatible', 'local', 'gguf'] as const;
export type Provider = (typeof PROVIDERS)[number];

/** Model used when `model` is unset. */
export const DEFAULT_MODELS: Record<Provider, string | undefined> = {
  /** the course's playground screenshot: "Llama 4 Scout 17B 16E" */
  groq: 'meta-llama/llama-4-scout-17b-16e-instruct',
  ollama: 'llama3.2',
  /** any server: name the model */
  'openai-compatible': undefined,
  /** the shipped llama2.c TinyStories model */
  local: 'tinystories-260k',
  /** the file's name (modelPath) */
  gguf: undefined,
};

export const DEFAULT_BASE_URLS: Record<Provider, string | undefined> = {
  groq: 'https://api.groq.com',
  ollama: 'http://127.0.0.1:11434',
  'openai-compatible': undefined,
  local: undefined,
  gguf: undefined,
};

/** The environment variable naming a GGUF file when `modelPath` is unset (provider 'gguf'). */
export const GGUF_MODEL_ENV = 'FIRTH_GGUF_MODEL';

/** Where Firth's local model server (apps/server, `firth-server`) listens unless told otherwise. */
export const DEFAULT_FIRTH_SERVER_URL = 'http://127.0.0.1:8787';

/**
 * Firth's local model server as the environment names it — the variables `firth-server` and
 * `firth-n8n start` read: FIRTH_SERVER_URL (else http://127.0.0.1:8787) and FIRTH_SERVER_KEY.
 *
 *   firthServerFromEnv({}) // { url: 'http://127.0.0.1:8787' }
 */
export function firthServerFromEnv(env: Record<string, string | undefined> = process.env): {
  url: string;
  apiKey?: string;
} {
  const url = (env.FIRTH_SERVER_URL ?? '').trim() || DEFAULT_FIRTH_SERVER_URL;
  const apiKey = (env.FIRTH_SERVER_KEY ?? '').trim();
  return { url, ...(apiKey ? { apiKey } : {}) };
}

export interface ChatConfig {
  provider: Provider;
  /** Model name. @default DEFAULT_MODELS[provider] (required for 'openai-compatible') */
  model?: string;
  /**
   * API key. @default process.env.GROQ_API_KEY for groq; none for openai-compatible (a key from the
   * environment is never sent to an arbitrary URL); Ollama and local need none.
   */
  apiKey?: string;
  /** Server URL. @default Groq's API, Ollama's 127.0.0.1:11434; required for 'openai-compatible' */
  baseUrl?: string;
  /** The playground's SYSTEM box: prepended when a conversation has no system message of its own. */
  system?: string;
  /** Sampling temperature, 0–2 (0 ≈ always the likeliest token). */
  temperature?: number;
  /** Max completion tokens: the most tokens the answer may have. */
  maxTokens?: number;
  /** Top-p (nucleus) sampling, 0–1. */
  topP?: number;
  /** Seed for (best-effort) reproducible sampling; an integer. */
  seed?: number;
  /** Stop sequences, at most 4 (as the OpenAI and Groq APIs allow). */
  stop?: string[];
  /**
   * Provider 'gguf': the .gguf model file llama.cpp runs (node-llama-cpp, CPU). @default
   * process.env.FIRTH_GGUF_MODEL
   */
  modelPath?: string;
  /** Provider 'gguf': CPU threads. @default every core */
  threads?: number;
  /** Stream the answer token by token. @default false */
  streaming?: boolean;
  /** JSON mode: the answer is a JSON object (`response_format: { type: 'json_object' }`). @default false */
  jsonMode?: boolean;
  /** Wait at most this long for the response to start, per attempt. @default 60000 */
  timeoutMs?: number;
  /** Retries after a 429, a 5xx, a refused connection or a timeout (never after 4xx). @default 2 */
  maxRetries?: number;
  /** First backoff between retries when the server gives no retry-after; doubles each time. @default 500 */
  retryDelayMs?: number;
}

export const DEFAULT_TIMEOUT_MS = 60_000;
export const DEFAULT_MAX_RETRIES = 2;
export const DEFAULT_RETRY_DELAY_MS = 500;
export const MAX_STOP_SEQUENCES = 4;

const KNOWN_KEYS = new Set<string>([
  'provider',
  'model',
  'apiKey',
  'baseUrl',
  'system',
  'temperature',
  'maxTokens',
  'topP',
  'seed',
  'stop',
  'streaming',
  'jsonMode',
  'timeoutMs',
  'maxRetries',
  'retryDelayMs',
  'modelPath',
  'threads',
]);

function invalid(message: string): never {
  throw new LlmError(message, { kind: 'invalid-config' });
}

function checkNumber(name: string, value: unknown, min: number, max: number, integer = false): void {
  if (value === undefined) return;
  const ok = typeof value === 'number' && Number.isFinite(value) && value >= min && value <= max;
  if (!ok || (integer && !Number.isInteger(value)))
    invalid(
      `${name} must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max === Number.MAX_SAFE_INTEGER ? 'any' : max}, got ${JSON.stringify(value) ?? String(value)}`,
    );
}

/**
 * Checks every parameter and returns the config with defaults filled in (model, baseUrl, timeouts).
 * Throws `LlmError` (kind 'invalid-config') naming the first bad parameter.
 */
export function validateChatConfig(config: ChatConfig): ChatConfig & {
  model: string;
  timeoutMs: number;
  maxRetries: number;
  retryDelayMs: number;
} {
  if (!config || typeof config !== 'object') invalid('config must be an object with a provider');
  if (!PROVIDERS.includes(config.provider))
    invalid(`unknown provider ${JSON.stringify(config.provider)}: one of ${PROVIDERS.join(', ')}`);
  for (const key of Object.keys(config))
    if (!KNOWN_KEYS.has(key)) invalid(`unknown parameter "${key}": one of ${[...KNOWN_KEYS].join(', ')}`);
  for (const name of ['model', 'apiKey', 'baseUrl', 'system', 'modelPath'] as const) {
    const value = config[name];
    if (value !== undefined && typeof value !== 'string')
      invalid(`${name} must be a string, got ${typeof value}`);
  }
  checkNumber('temperature', config.temperature, 0, 2);
  checkNumber('topP', config.topP, 0, 1);
  checkNumber('maxTokens', config.maxTokens, 1, Number.MAX_SAFE_INTEGER, true);
  checkNumber('seed', config.seed, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, true);
  checkNumber('timeoutMs', config.timeoutMs, 1, Number.MAX_SAFE_INTEGER, true);
  checkNumber('maxRetries', config.maxRetries, 0, 10, true);
  checkNumber('retryDelayMs', config.retryDelayMs, 0, 60_000, true);
  checkNumber('threads', config.threads, 1, 1024, true);
  if ((config.modelPath !== undefined || config.threads !== undefined) && config.provider !== 'gguf')
    invalid(`${config.modelPath !== undefined ? 'modelPath' : 'threads'} is for the gguf provider only`);
  if (config.stop !== undefined) {
    if (!Array.isArray(config.stop) || config.stop.some((s) => typeof s !== 'string' || s === ''))
      invalid('stop must be a list of non-empty strings');
    if (config.stop.length > MAX_STOP_SEQUENCES)
      invalid(`stop: at most ${MAX_STOP_SEQUENCES} stop sequences, got ${config.stop.length}`);
  }
  for (const name of ['streaming', 'jsonMode'] as const)
    if (config[name] !== undefined && typeof config[name] !== 'boolean')
      invalid(`${name} must be true or false, got ${JSON.stringify(config[name])}`);
  const baseUrl = config.baseUrl ?? DEFAULT_BASE_URLS[config.provider];
  if (baseUrl !== undefined) {
    if (config.provider === 'local' || config.provider === 'gguf')
      invalid(`baseUrl: the ${config.provider} provider runs in this process and has no URL`);
    let url: URL | undefined;
    try {
      url = new URL(baseUrl);
    } catch {
      url = undefined;
    }
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:'))
      invalid(`baseUrl must be an http(s) URL, got ${JSON.stringify(baseUrl)}`);
  } else if (config.provider === 'openai-compatible')
    invalid('baseUrl is required for an OpenAI-compatible server (e.g. http://127.0.0.1:8080/v1)');
  let modelPath: string | undefined;
  if (config.provider === 'gguf') {
    modelPath = (config.modelPath ?? process.env[GGUF_MODEL_ENV] ?? '').trim();
    if (!modelPath)
      invalid(
        `modelPath is required for the gguf provider: the path of a .gguf file (or set ${GGUF_MODEL_ENV})`,
      );
    if (config.jsonMode) invalid('jsonMode: not supported for GGUF models here');
  }
  const model = config.model ?? DEFAULT_MODELS[config.provider] ?? modelPath?.split(/[\\/]/).pop();
  if (!model) invalid(`model is required for the ${config.provider} provider`);
  if (config.provider === 'local') {
    if (model !== 'tinystories-260k') invalid(`unknown local model "${model}": available: tinystories-260k`);
    if (config.jsonMode) invalid('jsonMode: the local TinyStories model writes stories, not JSON');
  }
  return {
    ...config,
    model,
    ...(baseUrl !== undefined ? { baseUrl } : {}),
    ...(modelPath !== undefined ? { modelPath } : {}),
    timeoutMs: config.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    maxRetries: config.maxRetries ?? DEFAULT_MAX_RETRIES,
    retryDelayMs: config.retryDelayMs ?? DEFAULT_RETRY_DELAY_MS,
  };
}
