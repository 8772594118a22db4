/**
 * `retryingFetch` — the `fetch` every provider SDK is given (Groq, OpenAI, Ollama all accept one),
 * so retries, timeouts and redaction behave the same whichever provider answers.
 *
 *   const f = retryingFetch({ maxRetries: 2, timeoutMs: 60_000, retryDelayMs: 500, secrets: [key] });
 *   new ChatGroq({ apiKey: key, fetch: f, maxRetries: 0 })   // the SDK's own retries off
 *
 * - Retried (safe: a chat completion changes nothing on the server): 408, 429 (waiting the server's
 *   `retry-after`), 5xx, refused/reset connections and attempts with no response headers within
 *   `timeoutMs`. Never retried: 400, 401, 403, 404 and other 4xx — the same request fails again.
 * - Backoff without a retry-after: retryDelayMs · 2^attempt. A retry-after over `maxRetryAfterMs`
 *   is not waited for: the 429 comes back at once, with its advice.
 * - An error response's body comes back redacted, so an SDK error that quotes it cannot leak a key.
 */

import type { Provider } from './config.js';
import { redact, retryAfterMs, toLlmError } from './errors.js';

export interface RetryOptions {
  maxRetries: number;
  /** Per attempt: time until the response headers (a stream may then take as long as it needs). */
  timeoutMs: number;
  retryDelayMs: number;
  /** Longest retry-after worth waiting. @default 60000 */
  maxRetryAfterMs?: number;
  secrets?: readonly (string | undefined)[];
  provider?: Provider;
  baseUrl?: string;
  model?: string;
  /** The underlying fetch. @default globalThis.fetch */
  fetch?: typeof fetch;
}

/** HTTP statuses worth another try. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

const sleep = (ms: number, signal?: AbortSignal | null) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });

/** One attempt: the caller's signal, plus our deadline until the headers arrive. */
async function attempt(
  base: typeof fetch,
  input: Parameters<typeof fetch>[0],
  init: RequestInit | undefined,
  options: RetryOptions,
): Promise<Response> {
  const controller = new AbortController();
  const outer = init?.signal;
  const onAbort = () => controller.abort(outer?.reason);
  if (outer?.aborted) onAbort();
  outer?.addEventListener('abort', onAbort, { once: true });
  const deadline = setTimeout(() => {
    // toLlmError words it: '<provider> at <url> did not answer within <timeoutMs> ms.'
    controller.abort(
      Object.assign(new Error(`no response within ${options.timeoutMs} ms`), { name: 'TimeoutError' }),
    );
  }, options.timeoutMs);
  try {
    return await base(input, { ...init, signal: controller.signal });
  } catch (error) {
    // the deadline's reason, not a bare AbortError
    throw controller.signal.aborted && !outer?.aborted ? controller.signal.reason : error;
  } finally {
    clearTimeout(deadline);
    outer?.removeEventListener('abort', onAbort);
  }
}

export function retryingFetch(options: RetryOptions): typeof fetch {
  const base = options.fetch ?? globalThis.fetch;
  const maxRetryAfterMs = options.maxRetryAfterMs ?? 60_000;
  const secrets = options.secrets ?? [];
  const context = {
    ...(options.provider ? { provider: options.provider } : {}),
    ...(options.baseUrl ? { baseUrl: options.baseUrl } : {}),
    ...(options.model ? { model: options.model } : {}),
    timeoutMs: options.timeoutMs,
    secrets,
  };
  const backoff = (n: number) => options.retryDelayMs * 2 ** n;

  return async (input, init) => {
    // a streamed request body cannot be sent twice
    const replayable = init?.body == null || typeof init.body === 'string' || init.body instanceof Uint8Array;
    for (let n = 0; ; n++) {
      const canRetry = replayable && n < options.maxRetries;
      let response: Response;
      try {
        response = await attempt(base, input, init, options);
      } catch (error) {
        if (init?.signal?.aborted) throw error; // the caller cancelled: not ours to retry
        const mapped = toLlmError(error, context);
        if (mapped.retryable && canRetry) {
          await sleep(backoff(n), init?.signal);
          continue;
        }
        throw mapped;
      }
      if (response.ok) return response;
      const wait = retryAfterMs(response.headers);
      if (isRetryableStatus(response.status) && canRetry && (wait === undefined || wait <= maxRetryAfterMs)) {
        await response.body?.cancel().catch(() => {});
        await sleep(wait ?? backoff(n), init?.signal);
        continue;
      }
      const headers = new Headers(response.headers);
      headers.delete('content-length');
      headers.delete('content-encoding');
      const body = redact(await response.text().catch(() => ''), secrets);
      return new Response(body, { status: response.status, statusText: response.statusText, headers });
    }
  };
}
