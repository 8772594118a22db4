/**
 * HTTP over a bare TCP socket, for the abuse tests: `fetch` normalises request targets (`//%`
 * becomes a URL error on the client, `http://evil/x` a request to evil), always sends Host and a
 * content type, and never dribbles — so the tests that need exactly these bytes on the wire send
 * them here.
 *
 *   const r = await rawRequest(port, 'GET //% HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n');
 *   r.status // 404
 */
import { connect, type Socket } from 'node:net';

export interface RawResponse {
  /** The status code, or 0 when the connection closed without a response. */
  status: number;
  headers: Record<string, string>;
  body: string;
  /** Milliseconds from connecting to the end of the response (or the close). */
  ms: number;
}

/** Splits one HTTP/1.1 response (headers and a Content-Length or chunked body) off `data`, if complete. */
export function parseResponse(data: Buffer): { response: Omit<RawResponse, 'ms'>; rest: Buffer } | null {
  const end = data.indexOf('\r\n\r\n');
  if (end < 0) return null;
  const [statusLine, ...lines] = data.subarray(0, end).toString('latin1').split('\r\n');
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine!)?.[1] ?? 0);
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const i = line.indexOf(':');
    headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  let at = end + 4;
  if (headers['content-length'] !== undefined) {
    const length = Number(headers['content-length']);
    if (data.length < at + length) return null;
    return {
      response: { status, headers, body: data.subarray(at, at + length).toString('utf8') },
      rest: data.subarray(at + length),
    };
  }
  if (headers['transfer-encoding'] === 'chunked') {
    const parts: Buffer[] = [];
    for (;;) {
      const lineEnd = data.indexOf('\r\n', at);
      if (lineEnd < 0) return null;
      const size = Number.parseInt(data.subarray(at, lineEnd).toString('latin1'), 16);
      if (data.length < lineEnd + 2 + size + 2) return null;
      parts.push(data.subarray(lineEnd + 2, lineEnd + 2 + size));
      at = lineEnd + 2 + size + 2;
      if (size === 0) break;
    }
    return {
      response: { status, headers, body: Buffer.concat(parts).toString('utf8') },
      rest: data.subarray(at),
    };
  }
  return null; // a body until close: complete only when the socket closes
}

/**
 * Sends `request` (text or bytes, or pieces written `gapMs` apart) and resolves with the first
 * response, or status 0 when the server closes the connection without one; rejects after
 * `timeoutMs` if neither happens.
 */
export function rawRequest(
  port: number,
  request: string | Buffer | (string | Buffer)[],
  options: { timeoutMs?: number; gapMs?: number } = {},
): Promise<RawResponse> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const socket: Socket = connect(port, '127.0.0.1');
    let data = Buffer.alloc(0);
    let settled = false;
    const done = (r: Omit<RawResponse, 'ms'> | Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearInterval(dribble);
      socket.destroy();
      if (r instanceof Error) reject(r);
      else resolve({ ...r, ms: performance.now() - started });
    };
    const timer = setTimeout(
      () => done(new Error(`no response within ${options.timeoutMs ?? 10_000} ms`)),
      options.timeoutMs ?? 10_000,
    );
    const pieces = Array.isArray(request) ? [...request] : [request];
    let dribble: NodeJS.Timeout | undefined;
    socket.on('connect', () => {
      if (!options.gapMs) for (const p of pieces) socket.write(p);
      else {
        socket.write(pieces.shift()!);
        dribble = setInterval(() => {
          const next = pieces.shift();
          if (next === undefined || socket.destroyed) clearInterval(dribble);
          else socket.write(next);
        }, options.gapMs);
      }
    });
    socket.on('data', (chunk) => {
      data = Buffer.concat([data, chunk]);
      const parsed = parseResponse(data);
      if (parsed) done(parsed.response);
    });
    socket.on('error', () => {}); // a reset after the response, or instead of one: 'close' decides
    socket.on('close', () => {
      const parsed = parseResponse(data);
      if (parsed) return done(parsed.response);
      const end = data.indexOf('\r\n\r\n');
      if (end >= 0) {
        const head = parseResponse(
          Buffer.concat([data.subarray(0, end), Buffer.from('\r\ncontent-length: 0\r\n\r\n')]),
        );
        return done({ ...head!.response, body: data.subarray(end + 4).toString('utf8') });
      }
      done({ status: 0, headers: {}, body: '' });
    });
  });
}

/** A request's bytes: request line, headers (Host first unless given as null), and an optional body. */
export function httpRequest(
  method: string,
  target: string,
  headers: Record<string, string | null> = {},
  body?: string | Buffer,
): Buffer {
  const all: Record<string, string | null> = { host: '127.0.0.1', connection: 'close', ...headers };
  if (body !== undefined && all['content-length'] === undefined && all['transfer-encoding'] === undefined)
    all['content-length'] = String(Buffer.byteLength(body));
  const head =
    `${method} ${target} HTTP/1.1\r\n` +
    Object.entries(all)
      .filter(([, v]) => v !== null)
      .map(([k, v]) => `${k}: ${v}\r\n`)
      .join('') +
    '\r\n';
  return Buffer.concat([
    Buffer.from(head, 'latin1'),
    body === undefined ? Buffer.alloc(0) : Buffer.from(body),
  ]);
}
