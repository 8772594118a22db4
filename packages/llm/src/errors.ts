/**
 * Provider errors as one clear error type, `LlmError`, and the redaction that keeps API keys out of
 * every message (course: "Create API Key – groq.com … keep your API keys safe").
 *
 *   toLlmError(groqError401, { provider: 'groq', secrets: [key] }).message
 *   // 'Groq rejected the API key (401 Unauthorized): check GROQ_API_KEY or apiKey. Groq said: Invalid API Key'
 *
 * A hosted model fails in a handful of ways, each with its own advice and its own answer to "is it
 * safe to try again?": a bad key (401) or a forbidden model (403) never gets better by retrying; a
 * rate limit (429, with the server's `retry-after`), a server error (5xx), a refused connection or
 * no answer in time may. Left out: provider-specific error codes beyond the HTTP status.
 */

import type { Provider } from './config.js';

export type LlmErrorKind =
  | 'missing-key' // no API key configured
  | 'invalid-config' // a parameter out of range, an unknown provider, …
  | 'unauthorized' // 401
  | 'forbidden' // 403
  | 'not-found' // 404: model or endpoint
  | 'bad-request' // other 4xx
  | 'rate-limited' // 429
  | 'server' // 5xx
  | 'timeout' // no response headers within timeoutMs
  | 'connection' // refused, DNS, reset
  | 'invalid-output' // structured output that stays invalid after the repair attempt
  | 'unsupported' // a feature the provider does not have (tools on the local model, …)
  | 'unknown';

const PROVIDER_NAMES: Record<Provider, string> = {
  groq: 'Groq',
  ollama: 'Ollama',
  'openai-compatible': 'The OpenAI-compatible server',
  local: 'The local Firth model',
  gguf: 'The GGUF model (llama.cpp)',
};

const KEY_ENV: Partial<Record<Provider, string>> = {
  groq: 'GROQ_API_KEY or apiKey',
  'openai-compatible': 'apiKey',
};

export class LlmError extends Error {
  override name = 'LlmError';
  readonly kind: LlmErrorKind;
  /** Whether trying the same request again may succeed (429, 5xx, timeouts, refused connections). */
  readonly retryable: boolean;
  /** HTTP status of the provider's answer, when there was one. */
  readonly status: number | undefined;
  /** Server's wait before the next try (`retry-after` / `retry-after-ms`), in milliseconds. */
  readonly retryAfterMs: number | undefined;
  readonly provider: Provider | undefined;

  constructor(
    message: string,
    fields: {
      kind: LlmErrorKind;
      retryable?: boolean;
      status?: number;
      retryAfterMs?: number;
      provider?: Provider;
    },
  ) {
    super(message);
    this.kind = fields.kind;
    this.retryable = fields.retryable ?? false;
    this.status = fields.status;
    this.retryAfterMs = fields.retryAfterMs;
    this.provider = fields.provider;
    // A configuration mistake is the user's to fix, not a bug: print it like the course's example
    // ("Please set the GROQ_API_KEY environment variable."), without a stack trace.
    if (fields.kind === 'missing-key' || fields.kind === 'invalid-config')
      this.stack = `${this.name}: ${message}`;
  }

  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      message: this.message,
      kind: this.kind,
      retryable: this.retryable,
      ...(this.status !== undefined ? { status: this.status } : {}),
      ...(this.retryAfterMs !== undefined ? { retryAfterMs: this.retryAfterMs } : {}),
      ...(this.provider !== undefined ? { provider: this.provider } : {}),
    };
  }
}

// Key shapes redacted even when the key itself is not known: Groq's `gsk_…`, OpenAI's `sk-…`, bearer tokens.
const KEY_PATTERNS = [
  /\bgsk_[A-Za-z0-9]{8,}/g,
  /\bsk-[A-Za-z0-9_-]{16,}/g,
  /\b(Bearer\s+)[A-Za-z0-9._~+/=-]{8,}/gi,
];

/**
 * `text` with every secret (and anything shaped like an API key) replaced by `[REDACTED]`.
 *   redact('Invalid API Key: gsk_abc123secret', ['gsk_abc123secret']) // 'Invalid API Key: [REDACTED]'
 */
export function redact(text: string, secrets: readonly (string | undefined)[] = []): string {
  let out = text;
  for (const secret of secrets) {
    // too short to be a key (and replacing 'a' everywhere would destroy the message)
    if (!secret || secret.length < 6) continue;
    out = out.split(secret).join('[REDACTED]');
  }
  for (const pattern of KEY_PATTERNS)
    out = out.replace(pattern, (_match, bearer?: string) =>
      typeof bearer === 'string' ? `${bearer}[REDACTED]` : '[REDACTED]',
    );
  return out;
}

/**
 * Milliseconds to wait from a response's `retry-after-ms` or `retry-after` (seconds or an HTTP date).
 *   retryAfterMs(new Headers({ 'retry-after': '2' })) // 2000
 */
export function retryAfterMs(headers: Headers | Record<string, unknown> | undefined): number | undefined {
  if (!headers) return undefined;
  const get = (name: string): string | undefined => {
    if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
    const value = (headers as Record<string, unknown>)[name];
    return typeof value === 'string' ? value : undefined;
  };
  const ms = Number(get('retry-after-ms'));
  if (get('retry-after-ms') !== undefined && Number.isFinite(ms) && ms >= 0) return ms;
  const raw = get('retry-after')?.trim();
  if (!raw) return undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(raw);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** What a request was, to word an error: who, where, which model, which secrets to hide. */
export interface ErrorContext {
  provider?: Provider;
  baseUrl?: string;
  model?: string;
  timeoutMs?: number;
  secrets?: readonly (string | undefined)[];
}

type Loose = {
  name?: unknown;
  message?: unknown;
  status?: unknown;
  status_code?: unknown;
  statusCode?: unknown;
  code?: unknown;
  cause?: unknown;
  headers?: unknown;
  error?: unknown;
  response?: { status?: unknown; headers?: unknown };
};

function statusOf(e: Loose): number | undefined {
  for (const s of [e.status, e.status_code, e.statusCode, e.response?.status])
    if (typeof s === 'number' && s >= 100 && s < 600) return s;
  return undefined;
}

/** The error and its causes, outermost first (SDKs wrap a failed `fetch` in their own error). */
function chain(error: unknown): Loose[] {
  const out: Loose[] = [];
  let e: unknown = error;
  while (e && typeof e === 'object' && out.length < 8) {
    out.push(e as Loose);
    e = (e as Loose).cause;
  }
  return out;
}

/** The provider's own words, from an SDK error: `error.error.message`, `error.error` or the message. */
function upstreamMessage(e: Loose): string {
  const body = e.error as { message?: unknown; error?: unknown } | string | undefined;
  if (typeof body === 'string') return body;
  if (body && typeof body === 'object') {
    if (typeof body.message === 'string') return body.message;
    const inner = body.error as { message?: unknown } | string | undefined;
    if (typeof inner === 'string') return inner;
    if (inner && typeof inner.message === 'string') return inner.message;
  }
  return typeof e.message === 'string' ? e.message : String(e);
}

/**
 * Any error from a provider SDK, `fetch` or Node as an `LlmError` with a clear, redacted message.
 * An `LlmError` passes through (re-redacted).
 */
export function toLlmError(error: unknown, ctx: ErrorContext = {}): LlmError {
  const secrets = ctx.secrets ?? [];
  const provider = ctx.provider;
  const who = provider ? PROVIDER_NAMES[provider] : 'The model provider';
  const where = ctx.baseUrl ? ` at ${ctx.baseUrl}` : '';
  const links = chain(error);
  const make = (message: string, fields: ConstructorParameters<typeof LlmError>[1]) =>
    new LlmError(redact(message, secrets), { ...(provider ? { provider } : {}), ...fields });

  const known = links.find((e): e is LlmError & Loose => e instanceof LlmError);
  if (known) {
    return new LlmError(redact(known.message, secrets), {
      kind: known.kind,
      retryable: known.retryable,
      ...(known.status !== undefined ? { status: known.status } : {}),
      ...(known.retryAfterMs !== undefined ? { retryAfterMs: known.retryAfterMs } : {}),
      ...((known.provider ?? provider) ? { provider: known.provider ?? provider } : {}),
    });
  }

  const top = links[0] ?? ({ message: String(error) } as Loose);
  const withStatus = links.find((e) => statusOf(e) !== undefined);
  if (withStatus) {
    const status = statusOf(withStatus)!;
    const said = ` ${who} said: ${upstreamMessage(withStatus)}`;
    const keyEnv = provider ? KEY_ENV[provider] : undefined;
    if (status === 401)
      return make(
        `${who} rejected the API key (401 Unauthorized)${keyEnv ? `: check ${keyEnv}` : ''}.${said}`,
        { kind: 'unauthorized', status },
      );
    if (status === 403)
      return make(
        `${who} refused the request (403 Forbidden): the key may not use this model or endpoint.${said}`,
        {
          kind: 'forbidden',
          status,
        },
      );
    if (status === 404) {
      const hint = provider === 'ollama' && ctx.model ? ` (pull it first: ollama pull ${ctx.model})` : '';
      return make(
        `${who}${where} has no model "${ctx.model ?? '?'}" or no such endpoint (404 Not Found)${hint}.${said}`,
        { kind: 'not-found', status },
      );
    }
    if (status === 429) {
      const wait = retryAfterMs((withStatus.headers ?? withStatus.response?.headers) as Headers | undefined);
      return make(
        `${who} is rate limiting this key (429 Too Many Requests)${wait !== undefined ? `; retry after ${Math.ceil(wait / 1000)} s` : ''}.${said}`,
        {
          kind: 'rate-limited',
          status,
          retryable: true,
          ...(wait !== undefined ? { retryAfterMs: wait } : {}),
        },
      );
    }
    if (status >= 500)
      return make(`${who}${where} failed (${status} server error); try again later.${said}`, {
        kind: 'server',
        status,
        retryable: true,
      });
    return make(`${who} rejected the request (${status}).${said}`, { kind: 'bad-request', status });
  }

  const isTimeout = links.some(
    (e) => e.name === 'TimeoutError' || e.name === 'APIConnectionTimeoutError' || e.code === 'ETIMEDOUT',
  );
  if (isTimeout)
    return make(
      `${who}${where} did not answer${ctx.timeoutMs !== undefined ? ` within ${ctx.timeoutMs} ms` : ' in time'}.`,
      { kind: 'timeout', retryable: true },
    );
  const code = links.map((e) => e.code).find((c): c is string => typeof c === 'string');
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'ECONNRESET' || code === 'EAI_AGAIN') {
    const hint = provider === 'ollama' ? ' Is Ollama running (ollama serve)?' : ' Is the server running?';
    return make(`Cannot reach ${who.replace(/^The /, 'the ')}${where} (${code}).${hint}`, {
      kind: 'connection',
      retryable: code !== 'ENOTFOUND',
    });
  }
  if (top.name === 'APIConnectionError' || /fetch failed/i.test(String(top.message)))
    return make(`Cannot reach ${who.replace(/^The /, 'the ')}${where}: ${String(top.message)}`, {
      kind: 'connection',
      retryable: true,
    });
  return make(typeof top.message === 'string' ? top.message : String(error), { kind: 'unknown' });
}

/** A one-line, redacted description of any error, for logs and node output (never a stack trace). */
export function describeError(error: unknown, secrets: readonly (string | undefined)[] = []): string {
  if (error instanceof LlmError) return redact(error.message, secrets);
  return redact(error instanceof Error ? error.message : String(error), secrets);
}
