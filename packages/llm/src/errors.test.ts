import { describe, expect, it } from 'vitest';
import { describeError, LlmError, redact, retryAfterMs, toLlmError } from './errors.js';
import { isRetryableStatus } from './retry.js';

const KEY = 'gsk_live0123456789abcdefXYZ';

describe('redact', () => {
  it('removes a known key wherever it appears, and key-shaped strings it was not told about', () => {
    expect(redact(`Invalid API Key: ${KEY}`, [KEY])).toBe('Invalid API Key: [REDACTED]');
    expect(redact(`${KEY}/${KEY}`, [KEY])).toBe('[REDACTED]/[REDACTED]');
    expect(redact('Incorrect API key provided: sk-proj-abcdefghijklmnop1234')).toBe(
      'Incorrect API key provided: [REDACTED]',
    );
    expect(redact('header Authorization: Bearer abc.def-ghi_jkl')).toBe(
      'header Authorization: Bearer [REDACTED]',
    );
    expect(redact('gsk_shortkey12 leaked')).toBe('[REDACTED] leaked');
  });

  it('leaves ordinary text alone (and ignores secrets too short to be keys)', () => {
    expect(redact('The capital of France is Paris.', ['a', '', undefined])).toBe(
      'The capital of France is Paris.',
    );
  });
});

describe('retryAfterMs', () => {
  it.each([
    [{ 'retry-after': '2' }, 2000],
    [{ 'retry-after': '0.5' }, 500],
    [{ 'retry-after-ms': '150', 'retry-after': '9' }, 150],
    [{}, undefined],
    [{ 'retry-after': 'soon' }, undefined],
  ])('%o -> %s', (headers, ms) => {
    expect(retryAfterMs(new Headers(headers as Record<string, string>))).toBe(ms);
  });

  it('reads an HTTP date too', () => {
    const inTenSeconds = new Date(Date.now() + 10_000).toUTCString();
    expect(retryAfterMs({ 'retry-after': inTenSeconds })).toBeGreaterThan(8000);
  });
});

describe('toLlmError: one clear error per failure', () => {
  // an SDK error as groq-sdk / openai build them: status, parsed body in `error`, response headers
  const sdkError = (status: number, message: string, headers: Record<string, string> = {}) =>
    Object.assign(new Error(`${status} ${JSON.stringify({ error: { message } })}`), {
      status,
      error: { error: { message } },
      headers: new Headers(headers),
    });
  const ctx = { provider: 'groq' as const, baseUrl: 'https://api.groq.com', model: 'llama', secrets: [KEY] };

  it.each([
    [
      401,
      'unauthorized',
      false,
      'Groq rejected the API key (401 Unauthorized): check GROQ_API_KEY or apiKey.',
    ],
    [403, 'forbidden', false, 'Groq refused the request (403 Forbidden)'],
    [404, 'not-found', false, 'Groq at https://api.groq.com has no model "llama"'],
    [400, 'bad-request', false, 'Groq rejected the request (400).'],
    [429, 'rate-limited', true, 'Groq is rate limiting this key (429 Too Many Requests); retry after 3 s.'],
    [500, 'server', true, 'Groq at https://api.groq.com failed (500 server error); try again later.'],
    [503, 'server', true, 'failed (503 server error)'],
  ])('%i -> %s (retryable: %s)', (status, kind, retryable, message) => {
    const error = toLlmError(sdkError(status, `upstream says ${KEY}`, { 'retry-after': '3' }), ctx);
    expect(error).toBeInstanceOf(LlmError);
    expect(error).toMatchObject({ kind, retryable, status, provider: 'groq' });
    expect(error.message).toContain(message);
    expect(error.message).toContain('Groq said: upstream says [REDACTED]');
    expect(error.message).not.toContain(KEY);
    expect(isRetryableStatus(status)).toBe(retryable);
  });

  it("reads Ollama's ResponseError (status_code) and suggests pulling the model", () => {
    const error = toLlmError(Object.assign(new Error('model "llama9" not found'), { status_code: 404 }), {
      provider: 'ollama',
      model: 'llama9',
    });
    expect(error.kind).toBe('not-found');
    expect(error.message).toContain('pull it first: ollama pull llama9');
  });

  it('timeouts and refused connections, found in the cause chain', () => {
    const refused = new TypeError('fetch failed', {
      cause: Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }),
    });
    expect(toLlmError(refused, { provider: 'ollama', baseUrl: 'http://127.0.0.1:11434' })).toMatchObject({
      kind: 'connection',
      retryable: true,
      message:
        'Cannot reach Ollama at http://127.0.0.1:11434 (ECONNREFUSED). Is Ollama running (ollama serve)?',
    });
    const timeout = Object.assign(new Error('Request timed out.'), { name: 'APIConnectionTimeoutError' });
    expect(toLlmError(timeout, { provider: 'groq', timeoutMs: 1000 })).toMatchObject({
      kind: 'timeout',
      retryable: true,
      message: 'Groq did not answer within 1000 ms.',
    });
  });

  it('an LlmError passes through (still redacted); describeError is one line without a stack', () => {
    const inner = new LlmError(`bad ${KEY}`, { kind: 'server', retryable: true, status: 500 });
    const wrapped = toLlmError(new Error('wrapper', { cause: inner }), { secrets: [KEY] });
    expect(wrapped).toMatchObject({
      kind: 'server',
      retryable: true,
      status: 500,
      message: 'bad [REDACTED]',
    });
    expect(describeError(new Error(`oops ${KEY}`), [KEY])).toBe('oops [REDACTED]');
    expect(JSON.parse(JSON.stringify(wrapped))).toEqual({
      name: 'LlmError',
      message: 'bad [REDACTED]',
      kind: 'server',
      retryable: true,
      status: 500,
    });
  });
});
