/**
 * Every limit of the server in one place: how big a request may be, how deep, how many of each
 * thing, and how long a client may take. Each default is far above what a reasonable client sends
 * and low enough that no request can hold the process for long (README, "Limits").
 *
 *   await createFirthServer({ limits: { maxMessages: 64 }, timeouts: { headersMs: 2_000 } });
 *
 * A request past a limit is refused before the work starts: 413 for the body's size, 400 for the
 * rest, with a message that names the limit and its value (`code: 'limit_exceeded'`), e.g.
 * `messages holds 3000 messages; this server accepts at most 2048 (limits.maxMessages)`.
 */
import { HttpError } from './http.js';
import type { ModelRegistry } from './registry.js';

export interface ServerLimits {
  /** Largest request body, in bytes. @default 1 MiB — a 512-token context needs a few KB */
  maxBodyBytes: number;
  /** Deepest nesting of arrays/objects in a JSON body. @default 64 — real requests nest < 20 levels */
  maxJsonDepth: number;
  /** Messages in one chat request. @default 2048 */
  maxMessages: number;
  /** Characters (UTF-16 units) in all message contents together. @default 1 Mi */
  maxMessageChars: number;
  /** Functions in `tools`. @default 128 — OpenAI's limit */
  maxTools: number;
  /** Nesting of one JSON schema (properties/items/anyOf/oneOf levels). @default 16 */
  maxSchemaDepth: number;
  /** Sub-schemas plus `required` and `enum` entries in one JSON schema. @default 5000 — OpenAI's structured outputs allow 5000 properties */
  maxSchemaNodes: number;
  /** Characters of text in the tool arguments or JSON answer built from one schema. @default 1 Mi */
  maxSchemaValueChars: number;
  /** Stop sequences. @default 4 — OpenAI's and Groq's limit */
  maxStop: number;
  /** Characters in one stop sequence. @default 256 — each generated token is checked against it */
  maxStopChars: number;
  /** Texts in one embedding request. @default 2048 — OpenAI's limit */
  maxEmbeddingInputs: number;
  /**
   * Characters in one embedding input. @default 64 Ki — OpenAI takes 8192 tokens (~32K characters);
   * bert-tiny reads its first 64 tokens, and a text with no place to cut it (one 64K-character
   * "word") is tokenized whole in ~30 ms
   */
  maxEmbeddingInputChars: number;
  /** Characters in all embedding inputs together. @default 1 Mi */
  maxEmbeddingTotalChars: number;
  /** `max_tokens`, `max_completion_tokens`, `num_predict`. @default 131072 — generation ends at the model's context anyway */
  maxTokens: number;
}

export const DEFAULT_LIMITS: Readonly<ServerLimits> = Object.freeze({
  maxBodyBytes: 1024 * 1024,
  maxJsonDepth: 64,
  maxMessages: 2048,
  maxMessageChars: 1024 * 1024,
  maxTools: 128,
  maxSchemaDepth: 16,
  maxSchemaNodes: 5000,
  maxSchemaValueChars: 1024 * 1024,
  maxStop: 4,
  maxStopChars: 256,
  maxEmbeddingInputs: 2048,
  maxEmbeddingInputChars: 64 * 1024,
  maxEmbeddingTotalChars: 1024 * 1024,
  maxTokens: 131_072,
});

export interface ServerTimeouts {
  /** From connecting to the end of the request's headers (Node's `headersTimeout`). @default 15 s */
  headersMs: number;
  /** From connecting to the end of the request's body (Node's `requestTimeout`). @default 60 s */
  requestMs: number;
  /** Reading one body, from its first byte to its last; 408 after. @default 30 s */
  bodyMs: number;
  /** An idle kept-alive connection is closed after this (Node's `keepAliveTimeout`). @default 5 s */
  keepAliveMs: number;
  /** A client that reads none of a streamed answer for this long is disconnected. @default 60 s */
  writeStallMs: number;
  /** How often Node checks `headersMs`/`requestMs` (`connectionsCheckingInterval`). @default 1 s */
  checkIntervalMs: number;
}

export const DEFAULT_TIMEOUTS: Readonly<ServerTimeouts> = Object.freeze({
  headersMs: 15_000,
  requestMs: 60_000,
  bodyMs: 30_000,
  keepAliveMs: 5_000,
  writeStallMs: 60_000,
  checkIntervalMs: 1_000,
});

/** Defaults overridden by the options given; every value must be a positive number. */
export function withDefaults<T extends object>(
  defaults: Readonly<T>,
  given: Partial<T> | undefined,
  name: string,
): T {
  const out = { ...defaults, ...given } as T;
  for (const [key, v] of Object.entries(out))
    if (typeof v !== 'number' || !(v > 0) || !Number.isFinite(v))
      throw new Error(`${name}.${key} must be a positive number, got ${String(v)}`);
  return out;
}

/** 400 naming the limit: `<what> holds <n> <unit>; this server accepts at most <max> (limits.<name>)`. */
export function overLimit(
  param: string,
  what: string,
  count: number,
  unit: string,
  name: keyof ServerLimits,
  limits: ServerLimits,
): HttpError {
  return new HttpError(
    400,
    `${what} holds ${count} ${unit}; this server accepts at most ${limits[name]} (limits.${name})`,
    param,
    'limit_exceeded',
  );
}

/** What a route handler gets besides the body: the models, the limits, the stall timeout. */
export interface Env {
  registry: ModelRegistry;
  limits: ServerLimits;
  /** timeouts.writeStallMs, for streamed answers. */
  writeStallMs: number;
  /** A failure after the answer started (mid-stream): as an HttpError to send; a 5xx is logged with its stack. */
  streamFailure(e: unknown): HttpError;
}

/** 400 past limits.maxMessages messages or limits.maxMessageChars characters of content. */
export function checkChatSize(messages: readonly { content: string }[], limits: ServerLimits): void {
  if (messages.length > limits.maxMessages)
    throw overLimit('messages', 'messages', messages.length, 'messages', 'maxMessages', limits);
  let chars = 0;
  for (const m of messages) chars += m.content.length;
  if (chars > limits.maxMessageChars)
    throw overLimit('messages', 'messages', chars, 'characters of content', 'maxMessageChars', limits);
}
