/**
 * The HTTP plumbing under both APIs, on `node:http` alone: the request target, the JSON body
 * (content type, size, nesting depth, time, strict UTF-8), the two error shapes (OpenAI's
 * `{ error: { message, type, param, code } }` and Ollama's `{ error: "…" }`), and writing a
 * stream with back-pressure and a stall timeout.
 *
 * Nothing here trusts the bytes it reads: the request target is split by hand (never `new URL`,
 * which reads `//x:99999/` as a host and throws), percent-escapes are decoded with a 400 on a bad
 * one, and the body's nesting is measured on the raw bytes before `JSON.parse` builds anything
 * (a body nested a million levels deep would otherwise overflow the stack of whatever walks it).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseJson } from '@firth/numeric';

/** An error that becomes an HTTP response: status, message and the OpenAI fields. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly param: string | null = null,
    readonly code: string | null = null,
    readonly type: string = status === 401
      ? 'authentication_error'
      : status === 403
        ? 'permission_error'
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

/** The only message a client sees for a failure that is not its fault (the details go to the log). */
export const INTERNAL_ERROR = 'the server failed to complete the request';

/** Any thrown value as an HttpError: a core `ValidationError` is the caller's fault (400), the rest is ours (500). */
export function toHttpError(e: unknown): HttpError {
  if (e instanceof HttpError) return e;
  if (e instanceof Error && (e.name === 'ValidationError' || e.name === 'FormatError')) {
    const path = (e as Error & { path?: string }).path;
    const context = /context/.test(e.message) ? 'context_length_exceeded' : null;
    return new HttpError(400, e.message, path ?? null, context);
  }
  return new HttpError(500, INTERNAL_ERROR, null, 'internal_error');
}

/** JSON text serialized already, piece by piece (sendJson writes it as it is). */
export class JsonText {
  constructor(readonly text: string) {}
}

/**
 * `{ ...fields, [key]: [items] }` (or `[key]: item` with `asArray` false) as JSON text, the items
 * given as JSON text already.
 */
export function objectWithArray(
  fields: Record<string, unknown>,
  key: string,
  items: readonly string[],
  asArray = true,
): JsonText {
  const head = JSON.stringify(fields).slice(0, -1); // '{…' without its '}'
  const value = asArray ? `[${items.join(',')}]` : items.join('');
  return new JsonText(`${head}${head === '{' ? '' : ','}${JSON.stringify(key)}:${value}}`);
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  const text = body instanceof JsonText ? body.text : JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

// ── the request target ──────────────────────────────────────────────────────────────────────────

/** What a request names: its path (query dropped) and, for an absolute-form target, its authority. */
export interface Target {
  path: string;
  /** `host[:port]` of `GET http://host:port/path` (RFC 9112 §3.2.2: it replaces the Host header). */
  authority?: string;
}

/**
 * Splits a request target without interpreting it: origin-form `/path?query` or absolute-form
 * `http://authority/path?query`; anything else (`*`, `example.com`, '') is a 400. The path keeps
 * its percent-escapes (routes compare raw paths); trailing slashes are dropped (`/v1/models/`).
 */
export function parseTarget(raw: string | undefined): Target {
  let target = raw ?? '';
  let authority: string | undefined;
  const absolute = /^https?:\/\/([^/?#]*)/i.exec(target);
  if (absolute) {
    authority = absolute[1]!;
    target = target.slice(absolute[0].length) || '/';
  }
  if (!target.startsWith('/'))
    throw new HttpError(
      400,
      `the request target must be a path starting with "/", got ${quote(target)}`,
      null,
      'bad_request_target',
    );
  let path = target.replace(/[?#].*$/s, '');
  if (path.length > 1) path = path.replace(/\/+$/, '') || '/';
  return authority === undefined ? { path } : { path, authority };
}

/** One percent-encoded path segment decoded; a bad escape (`%zz`, a broken UTF-8 sequence) is a 400. */
export function decodeSegment(segment: string, param: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw invalid(`${param} holds a bad percent-escape: ${quote(segment)}`, param, 'bad_request_target');
  }
}

/** A client's text for a message: JSON-quoted and cut to 120 characters. */
export const quote = (text: string) => JSON.stringify(text.length > 120 ? `${text.slice(0, 120)}…` : text);

// ── the body ────────────────────────────────────────────────────────────────────────────────────

/** True when the request carries a body (a non-zero Content-Length, or Transfer-Encoding). */
export const hasBody = (req: IncomingMessage) =>
  req.headers['transfer-encoding'] !== undefined ||
  (req.headers['content-length'] !== undefined && req.headers['content-length'] !== '0');

/**
 * 415 unless a body is declared JSON: `application/json` or `application/<anything>+json`, any
 * parameters (`; charset=utf-8`). A form, `text/plain` or a missing type is refused: those are
 * what a web page can send to another site without asking (a CORS "simple request").
 */
export function checkJsonContentType(req: IncomingMessage): void {
  if (!hasBody(req)) return;
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/json' || /^application\/[a-z0-9.+-]+\+json$/.test(type)) return;
  throw new HttpError(
    415,
    `${type === '' ? 'the request has no Content-Type' : `Content-Type ${quote(type)} is not accepted`}: send the JSON body with "Content-Type: application/json"`,
    null,
    'unsupported_media_type',
  );
}

export interface BodyLimits {
  /** Most bytes. */
  maxBytes: number;
  /** Deepest nesting of arrays and objects. */
  maxDepth: number;
  /** Most milliseconds from the first read to the last byte. */
  timeoutMs: number;
}

/**
 * Reads and parses the JSON body: 413 past `maxBytes` (declared or counted), 408 when it takes
 * longer than `timeoutMs`, 400 when it is nested deeper than `maxDepth`, is not strict UTF-8 JSON
 * (with line and column), or is not a JSON object.
 */
export async function readJsonBody(
  req: IncomingMessage,
  limits: BodyLimits,
): Promise<Record<string, unknown>> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limits.maxBytes) throw tooLarge(limits.maxBytes);
  const bytes = await readBytes(req, limits);
  const depth = jsonDepth(bytes, limits.maxDepth);
  if (depth > limits.maxDepth)
    throw new HttpError(
      400,
      `the JSON body is nested more than ${limits.maxDepth} levels deep; this server accepts at most ${limits.maxDepth} (limits.maxJsonDepth)`,
      null,
      'limit_exceeded',
    );
  let body: unknown;
  try {
    body = parseJson(bytes, 'request body');
  } catch (e) {
    throw invalid(`We could not parse the JSON body of your request (${(e as Error).message}).`);
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    throw invalid('the request body must be a JSON object');
  return body as Record<string, unknown>;
}

const tooLarge = (limit: number) =>
  new HttpError(
    413,
    `the request body is larger than ${limit} bytes (limits.maxBodyBytes)`,
    null,
    'request_too_large',
  );

/** The body's bytes, at most `maxBytes`, within `timeoutMs`; rejects if the client goes away. */
function readBytes(req: IncomingMessage, limits: BodyLimits): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (error?: HttpError) => {
      clearTimeout(timer);
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('close', onClose);
      if (error) reject(error);
      else resolve(Buffer.concat(chunks, size));
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limits.maxBytes) finish(tooLarge(limits.maxBytes));
      else chunks.push(chunk);
    };
    const onEnd = () => finish();
    const onClose = () =>
      finish(new HttpError(400, 'the client closed the connection before the body ended', null, 'aborted'));
    const timer = setTimeout(
      () =>
        finish(
          new HttpError(
            408,
            `the request body took longer than ${limits.timeoutMs} ms to arrive (timeouts.bodyMs)`,
            null,
            'request_timeout',
          ),
        ),
      limits.timeoutMs,
    );
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('close', onClose);
  });
}

/**
 * The deepest nesting of `[`/`{` in JSON text, read byte by byte (strings skipped, escapes
 * honoured), stopping as soon as it passes `stopAbove`. Linear and allocation-free; it does not
 * check the syntax (JSON.parse does that next).
 */
export function jsonDepth(bytes: Uint8Array, stopAbove = Number.POSITIVE_INFINITY): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i]!;
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: the next byte is escaped
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      depth++;
      if (depth > deepest) {
        deepest = depth;
        if (deepest > stopAbove) return deepest;
      }
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return deepest;
}

// ── streaming ───────────────────────────────────────────────────────────────────────────────────

/**
 * Writes one piece of a streamed response, waiting for 'drain' when the socket's buffer is full.
 * A client that reads nothing for `stallMs` is disconnected (its generation then stops).
 */
export async function writeChunk(res: ServerResponse, text: string, stallMs = 60_000): Promise<void> {
  if (res.destroyed || res.writableEnded) return;
  if (!res.write(text))
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        res.off('drain', done);
        res.off('close', done);
        resolve();
      };
      const timer = setTimeout(() => {
        res.destroy();
        done();
      }, stallMs);
      res.on('drain', done);
      res.on('close', done);
    });
}
