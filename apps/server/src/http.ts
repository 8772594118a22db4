/**
 * The HTTP plumbing under both APIs, on `node:http` alone: reading a JSON body with a size limit,
 * the two error shapes (OpenAI's `{ error: { message, type, param, code } }` and Ollama's
 * `{ error: "…" }`), the bearer-key check, and writing a stream with back-pressure.
 *
 * Keys are secrets: the Authorization header is compared in constant time and its value never
 * goes into a message, a log line or an error body.
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** An error that becomes an HTTP response: status, message and the OpenAI fields. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly param: string | null = null,
    readonly code: string | null = null,
    readonly type: string = status === 401
      ? 'authentication_error'
      : status >= 500
        ? 'server_error'
        : 'invalid_request_error',
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** 400 about one request field. */
export const invalid = (message: string, param: string | null = null, code: string | null = null) =>
  new HttpError(400, message, param, code);

/** The OpenAI error body: `{ error: { message, type, param, code } }`. */
export function openAiError(e: HttpError) {
  return { error: { message: e.message, type: e.type, param: e.param, code: e.code } };
}

/** The Ollama error body: `{ error: "…" }`. */
export function ollamaError(e: HttpError) {
  return { error: e.message };
}

/** Any thrown value as an HttpError: a core `ValidationError` is the caller's fault (400), the rest is ours (500). */
export function toHttpError(e: unknown): HttpError {
  if (e instanceof HttpError) return e;
  if (e instanceof Error && e.name === 'ValidationError') {
    const path = (e as Error & { path?: string }).path;
    const context = /context/.test(e.message) ? 'context_length_exceeded' : null;
    return new HttpError(400, e.message, path ?? null, context);
  }
  return new HttpError(500, 'the server failed to complete the request', null, 'internal_error');
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/** Reads and parses the JSON body; 413 past `limit` bytes, 400 when it is not a JSON object. */
export async function readJsonBody(req: IncomingMessage, limit: number): Promise<Record<string, unknown>> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) throw tooLarge(limit);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw tooLarge(limit);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw invalid(
      'We could not parse the JSON body of your request. The body must be a JSON object (send the header "Content-Type: application/json").',
    );
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    throw invalid('the request body must be a JSON object');
  return body as Record<string, unknown>;
}

const tooLarge = (limit: number) =>
  new HttpError(413, `the request body is larger than ${limit} bytes`, null, 'request_too_large');

/**
 * Checks `Authorization: Bearer <key>` when a key is configured (Ollama clients may also send the
 * same header). The message names what is wrong, never the value that was sent.
 */
export function checkBearer(req: IncomingMessage, apiKey: string | undefined): void {
  if (apiKey === undefined) return;
  const header = req.headers.authorization;
  if (typeof header !== 'string' || header.trim() === '')
    throw new HttpError(
      401,
      "You didn't provide an API key. Send it in the Authorization header as 'Bearer <key>'.",
      null,
      'missing_api_key',
    );
  const match = /^Bearer\s+(.+)$/i.exec(header.trim());
  const given = Buffer.from(match?.[1] ?? '', 'utf8');
  const expected = Buffer.from(apiKey, 'utf8');
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    throw new HttpError(401, 'Incorrect API key provided.', null, 'invalid_api_key');
}

/** Writes one piece of a streamed response, waiting for 'drain' when the socket's buffer is full. */
export async function writeChunk(res: ServerResponse, text: string): Promise<void> {
  if (res.destroyed || res.writableEnded) return;
  if (!res.write(text))
    await new Promise<void>((resolve) => {
      const done = () => {
        res.off('drain', done);
        res.off('close', done);
        resolve();
      };
      res.on('drain', done);
      res.on('close', done);
    });
}
