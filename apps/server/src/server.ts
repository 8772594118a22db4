/**
 * `createFirthServer` — Firth's local models over HTTP, on `node:http` alone: the OpenAI/Groq API
 * (under /v1 and Groq's /openai/v1) and the Ollama API (under /api), bound to 127.0.0.1.
 *
 *   const server = await createFirthServer({ port: 8787 });
 *   server.url // 'http://127.0.0.1:8787'
 *   const groq = new Groq({ apiKey: 'local', baseURL: server.url });
 *   (await groq.chat.completions.create({ model: 'tinystories-260k', messages: [{ role: 'user', content: 'Once upon a time' }], max_tokens: 8 })).choices[0].message.content
 *   await server.close();
 *
 * Every request goes through one error boundary (`handle`): the request target, the Host and
 * Origin checks (access.ts), the bearer key, routing, the body (http.ts), the handler and its
 * stream. A client's mistake is a 4xx in the shape of the API asked (OpenAI `{ error: { message,
 * type, param, code } }`, Ollama `{ error }`); anything else is a 500 with a generic message (the
 * stack goes to the log, never to the client) and the process carries on. Malformed HTTP that
 * Node's parser refuses before a request exists ('clientError') gets a JSON 400/408/431 and the
 * connection is closed. Sizes, counts and times are bounded by `limits` and `timeouts` (limits.ts).
 * Log lines (`log` option) hold method, path, status and time — never a header.
 */
import { createServer, type IncomingMessage, type ServerResponse, STATUS_CODES } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { checkBearer, checkHost, checkOrigin, type HostRules, hostRules, isLoopback } from './access.js';
import {
  checkJsonContentType,
  decodeSegment,
  HttpError,
  INTERNAL_ERROR,
  ollamaError,
  openAiError,
  parseTarget,
  readJsonBody,
  sendJson,
  toHttpError,
} from './http.js';
import {
  DEFAULT_LIMITS,
  DEFAULT_TIMEOUTS,
  type Env,
  type ServerLimits,
  type ServerTimeouts,
  withDefaults,
} from './limits.js';
import * as ollama from './ollama.js';
import * as openai from './openai.js';
import { defaultRegistry, type ModelRegistry } from './registry.js';

export { isLoopback }; // for cli.ts and the package's index

export interface FirthServerOptions {
  /** Interface to listen on. @default '127.0.0.1' — only this machine can connect */
  host?: string;
  /** Port; 0 lets the system pick a free one. @default 0 */
  port?: number;
  /** When set, requests need `Authorization: Bearer <apiKey>`. @default undefined — no key */
  apiKey?: string;
  /** Listen on a non-loopback host (reachable from the network). @default false */
  allowRemote?: boolean;
  /**
   * Host names (or `name:port`) accepted besides localhost, 127.0.0.1 and [::1]; `'*'` = any Host.
   * Web pages from these names may call the server too. @default [] — loopback only
   */
  allowedHosts?: string[];
  /** The models served. @default tinystories-260k (chat) and bert-tiny (embeddings) */
  models?: Partial<ModelRegistry>;
  /** Largest request body in bytes (same as `limits.maxBodyBytes`). @default 1 MiB */
  maxBodyBytes?: number;
  /** Sizes and counts a request may have (limits.ts, README "Limits"). */
  limits?: Partial<ServerLimits>;
  /** How long a client may take (limits.ts). */
  timeouts?: Partial<ServerTimeouts>;
  /** Open connections at once; more are refused. @default 1024 */
  maxConnections?: number;
  /** Receives one line per request: method, path, status, milliseconds. @default none */
  log?: (line: string) => void;
}

export interface FirthServer {
  url: string;
  host: string;
  port: number;
  close(): Promise<void>;
}

type Body = Record<string, unknown>;
type Handler = (ctx: Ctx) => Promise<unknown> | unknown;
interface Route {
  GET?: Handler;
  POST?: Handler;
}
interface Ctx {
  req: IncomingMessage;
  res: ServerResponse;
  body: () => Promise<Body>;
  env: Env;
  path: string;
}

/** Handlers that return a value get it sent as JSON 200; the streaming ones write `res` themselves. */
function routes(): Record<string, Route> {
  const openAi: Record<string, Route> = {
    '/chat/completions': { POST: async (c) => openai.chatCompletions(await c.body(), c.res, c.env) },
    '/models': { GET: (c) => openai.listModels(c.env.registry) },
    '/embeddings': { POST: async (c) => openai.embeddings(await c.body(), c.env) },
  };
  const table: Record<string, Route> = {
    '/': { GET: () => ({ status: 'Firth local model server is running', openai: '/v1', ollama: '/api' }) },
    '/api/chat': { POST: async (c) => ollama.chatOrGenerate('chat', await c.body(), c.res, c.env) },
    '/api/generate': { POST: async (c) => ollama.chatOrGenerate('generate', await c.body(), c.res, c.env) },
    '/api/embed': { POST: async (c) => ollama.embed('embed', await c.body(), c.env) },
    '/api/embeddings': { POST: async (c) => ollama.embed('embeddings', await c.body(), c.env) },
    '/api/tags': { GET: (c) => ollama.tags(c.env.registry) },
    '/api/show': { POST: async (c) => ollama.show(await c.body(), c.env.registry) },
    '/api/version': { GET: () => ({ version: '0.1.0-firth' }) },
  };
  for (const prefix of ['/v1', '/openai/v1'])
    for (const [path, route] of Object.entries(openAi)) table[prefix + path] = route;
  return table;
}

/** `GET /v1/models/{id}` (and under /openai/v1): the id percent-decoded, a bad escape a 400. */
function modelRoute(path: string): Route | undefined {
  const m = /^\/(?:openai\/)?v1\/models\/([^/]+)$/.exec(path);
  if (!m) return undefined;
  return { GET: (c) => openai.getModel(c.env.registry, decodeSegment(m[1]!, 'model')) };
}

/** HEAD is GET without the body (Node leaves the body out and keeps the headers). */
const allowed = (route: Route) => Object.keys(route).flatMap((m) => (m === 'GET' ? ['GET', 'HEAD'] : [m]));

/** A path as it may appear in a log line or a message: printable, at most 200 characters. */
const shown = (path: string) => (path.length > 200 ? `${path.slice(0, 200)}…` : path);

export async function createFirthServer(options: FirthServerOptions = {}): Promise<FirthServer> {
  const host = options.host ?? '127.0.0.1';
  if (!isLoopback(host) && !options.allowRemote)
    throw new Error(
      `refusing to listen on ${host}: not a loopback address (pass allowRemote / --allow-remote)`,
    );
  if (options.apiKey !== undefined && options.apiKey.trim() === '')
    throw new Error('apiKey is empty: give a key, or leave it out to accept every request');
  const limits = withDefaults(
    DEFAULT_LIMITS,
    {
      ...(options.maxBodyBytes !== undefined ? { maxBodyBytes: options.maxBodyBytes } : {}),
      ...options.limits,
    },
    'limits',
  );
  const timeouts = withDefaults(DEFAULT_TIMEOUTS, options.timeouts, 'timeouts');
  if (timeouts.headersMs > timeouts.requestMs)
    throw new Error('timeouts.headersMs must not be longer than timeouts.requestMs');
  let rules: HostRules = hostRules(0, host, options.allowedHosts); // a bad entry fails before listening
  const log = (line: string) => {
    try {
      options.log?.(line);
    } catch {
      // a failing logger must not fail the request
    }
  };
  const env: Env = {
    registry: { ...defaultRegistry(), ...options.models },
    limits,
    writeStallMs: timeouts.writeStallMs,
    streamFailure(e) {
      const error = toHttpError(e);
      if (error.status >= 500) log(`failed mid-stream: ${(e as Error)?.stack ?? String(e)}`);
      return error;
    },
  };
  const table = routes();

  /** One request, start to end, inside the error boundary. */
  async function handle(req: IncomingMessage, res: ServerResponse) {
    const started = performance.now();
    let path = '(bad request target)';
    let ollamaStyle = false;
    res.on('finish', () =>
      log(`${req.method} ${shown(path)} ${res.statusCode} ${Math.round(performance.now() - started)}ms`),
    );
    let route: Route | undefined;
    try {
      const target = parseTarget(req.url);
      path = target.path;
      ollamaStyle = path.startsWith('/api/');
      checkHost(req, rules, target.authority);
      checkOrigin(req, rules);
      checkBearer(req, options.apiKey);
      route = modelRoute(path) ?? table[path];
      if (!route) throw new HttpError(404, `Invalid URL (${req.method} ${shown(path)})`, null, 'unknown_url');
      const method = req.method === 'HEAD' ? 'GET' : req.method;
      const handler = route[method as keyof Route];
      if (!handler)
        throw new HttpError(
          405,
          `${req.method} is not allowed on ${shown(path)}`,
          null,
          'method_not_allowed',
        );
      if (method === 'POST') checkJsonContentType(req);
      let body: Promise<Body> | undefined;
      const read = () =>
        (body ??= readJsonBody(req, {
          maxBytes: limits.maxBodyBytes,
          maxDepth: limits.maxJsonDepth,
          timeoutMs: timeouts.bodyMs,
        }));
      const result = await handler({ req, res, env, path, body: read });
      if (result !== undefined && !res.headersSent) sendJson(res, 200, result);
    } catch (e) {
      const error = toHttpError(e);
      if (error.status >= 500)
        log(`${req.method} ${shown(path)} failed: ${(e as Error)?.stack ?? String(e)}`);
      respondWithError(req, res, error, ollamaStyle, route);
    }
  }

  /** The error as JSON, unless the response already started (then the connection is cut). */
  function respondWithError(
    req: IncomingMessage,
    res: ServerResponse,
    e: HttpError,
    ollamaStyle: boolean,
    route: Route | undefined,
  ) {
    if (res.headersSent || res.destroyed) {
      res.destroy();
      return;
    }
    const headers: Record<string, string> = {};
    if (e.status === 405 && route) headers.allow = allowed(route).join(', ');
    if (e.status === 408) headers.connection = 'close';
    sendJson(res, e.status, ollamaStyle ? ollamaError(e) : openAiError(e), headers);
    lingerThenClose(req, res);
  }

  /**
   * After an error answered before the body was read (413, 401, 415, …): Node reads the rest of
   * the body and discards it, so the client still gets the answer instead of a reset connection;
   * a body that is still arriving a second later has its connection closed.
   */
  function lingerThenClose(req: IncomingMessage, res: ServerResponse) {
    if (req.complete) return;
    res.once('finish', () => {
      const timer = setTimeout(() => {
        if (!req.complete) req.socket.destroy();
      }, 1_000);
      timer.unref();
      req.socket.once('close', () => clearTimeout(timer));
    });
  }

  /** The last line of defence: a throw from the boundary itself. */
  function lastResort(req: IncomingMessage, res: ServerResponse, e: unknown) {
    log(`${req.method} failed outside the error boundary: ${(e as Error)?.stack ?? String(e)}`);
    try {
      if (!res.headersSent) sendJson(res, 500, openAiError(new HttpError(500, INTERNAL_ERROR)));
      else res.destroy();
    } catch {
      res.destroy();
    }
  }

  const server = createServer(
    {
      headersTimeout: timeouts.headersMs,
      requestTimeout: timeouts.requestMs,
      keepAliveTimeout: timeouts.keepAliveMs,
      connectionsCheckingInterval: timeouts.checkIntervalMs,
    },
    (req, res) => {
      // errors of the streams themselves (a reset socket) end the request, never the process
      req.on('error', () => {});
      res.on('error', () => {});
      handle(req, res).catch((e) => lastResort(req, res, e));
    },
  );
  server.maxConnections = options.maxConnections ?? 1024;
  // HTTP that Node's parser refuses (bad request line, header overflow, header timeout): answer in
  // JSON when nothing was written on the connection yet, then close it. Never throws.
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
    try {
      if (err.code !== 'ECONNRESET' && socket.writable && socket.bytesWritten === 0) {
        const status =
          err.code === 'HPE_HEADER_OVERFLOW' ? 431 : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
        const message =
          status === 431
            ? 'the request headers are too large'
            : status === 408
              ? 'the request took too long to arrive (timeouts.headersMs / timeouts.requestMs)'
              : 'the request is not valid HTTP';
        const body = JSON.stringify(openAiError(new HttpError(status, message, null, 'bad_request')));
        socket.end(
          `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\ncontent-type: application/json; charset=utf-8\r\n` +
            `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
        );
        log(`(${err.code ?? 'client error'}) ${status}`);
      }
      socket.destroySoon();
    } catch {
      socket.destroy();
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      rules = hostRules((server.address() as AddressInfo).port, host, options.allowedHosts);
      resolve();
    });
  });
  server.on('error', (e) => log(`server error: ${e.message}`)); // e.g. EMFILE while accepting
  const address = server.address() as AddressInfo;
  const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${urlHost}:${address.port}`,
    host: address.address,
    port: address.port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((e) => (e ? reject(e) : resolve()));
        server.closeAllConnections();
      }),
  };
}
