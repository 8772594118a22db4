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
 * With `apiKey`, every route wants `Authorization: Bearer <apiKey>` (401 otherwise). Errors are
 * JSON in the shape of the API asked (OpenAI `{ error: { message, type, param, code } }`, Ollama
 * `{ error }`): 400 bad input, 401 key, 404 unknown route or model, 405 wrong method, 413 body
 * too large. Log lines (`log` option) hold method, path, status and time — never a header.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  checkBearer,
  HttpError,
  ollamaError,
  openAiError,
  readJsonBody,
  sendJson,
  toHttpError,
} from './http.js';
import * as ollama from './ollama.js';
import * as openai from './openai.js';
import { defaultRegistry, type ModelRegistry } from './registry.js';

export interface FirthServerOptions {
  /** Interface to listen on. @default '127.0.0.1' — only this machine can connect */
  host?: string;
  /** Port; 0 lets the system pick a free one. @default 0 */
  port?: number;
  /** When set, requests need `Authorization: Bearer <apiKey>`. @default undefined — no key */
  apiKey?: string;
  /** Listen on a non-loopback host (reachable from the network). @default false */
  allowRemote?: boolean;
  /** The models served. @default tinystories-260k (chat) and bert-tiny (embeddings) */
  models?: Partial<ModelRegistry>;
  /** Largest request body in bytes. @default 1 MiB — a 512-token context needs far less */
  maxBodyBytes?: number;
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
interface Route {
  GET?: (ctx: Ctx) => Promise<unknown> | unknown;
  POST?: (ctx: Ctx) => Promise<unknown> | unknown;
}
interface Ctx {
  req: IncomingMessage;
  res: ServerResponse;
  body: () => Promise<Body>;
  registry: ModelRegistry;
  path: string;
}

/** Handlers that return a value get it sent as JSON 200; the streaming ones write `res` themselves. */
function routes(): Record<string, Route> {
  const openAi: Record<string, Route> = {
    '/chat/completions': { POST: async (c) => openai.chatCompletions(await c.body(), c.res, c.registry) },
    '/models': { GET: (c) => openai.listModels(c.registry) },
    '/embeddings': { POST: async (c) => openai.embeddings(await c.body(), c.registry) },
  };
  const table: Record<string, Route> = {
    '/': { GET: () => ({ status: 'Firth local model server is running', openai: '/v1', ollama: '/api' }) },
    '/api/chat': { POST: async (c) => ollama.chatOrGenerate('chat', await c.body(), c.res, c.registry) },
    '/api/generate': {
      POST: async (c) => ollama.chatOrGenerate('generate', await c.body(), c.res, c.registry),
    },
    '/api/embed': { POST: async (c) => ollama.embed('embed', await c.body(), c.registry) },
    '/api/embeddings': { POST: async (c) => ollama.embed('embeddings', await c.body(), c.registry) },
    '/api/tags': { GET: (c) => ollama.tags(c.registry) },
    '/api/show': { POST: async (c) => ollama.show(await c.body(), c.registry) },
    '/api/version': { GET: () => ({ version: '0.1.0-firth' }) },
  };
  for (const prefix of ['/v1', '/openai/v1'])
    for (const [path, route] of Object.entries(openAi)) table[prefix + path] = route;
  return table;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);
export const isLoopback = (host: string) => LOOPBACK.has(host) || /^127\.\d+\.\d+\.\d+$/.test(host);

export async function createFirthServer(options: FirthServerOptions = {}): Promise<FirthServer> {
  const host = options.host ?? '127.0.0.1';
  if (!isLoopback(host) && !options.allowRemote)
    throw new Error(
      `refusing to listen on ${host}: not a loopback address (pass allowRemote / --allow-remote)`,
    );
  if (options.apiKey !== undefined && options.apiKey.trim() === '')
    throw new Error('apiKey is empty: give a key, or leave it out to accept every request');
  const registry: ModelRegistry = { ...defaultRegistry(), ...options.models };
  const limit = options.maxBodyBytes ?? 1024 * 1024;
  const table = routes();

  const server = createServer(async (req, res) => {
    const started = performance.now();
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname.length > 1 ? url.pathname.replace(/\/+$/, '') : url.pathname;
    const ollamaStyle = path.startsWith('/api/');
    const fail = (e: HttpError) => {
      if (res.headersSent) return void res.end();
      if (e.status === 413) res.setHeader('connection', 'close');
      sendJson(
        res,
        e.status,
        ollamaStyle ? ollamaError(e) : openAiError(e),
        e.status === 405 ? { allow: Object.keys(table[path] ?? {}).join(', ') } : {},
      );
    };
    res.on('finish', () =>
      options.log?.(`${req.method} ${path} ${res.statusCode} ${Math.round(performance.now() - started)}ms`),
    );
    try {
      checkBearer(req, options.apiKey);
      const modelPath = /^\/(?:openai\/)?v1\/models\/(.+)$/.exec(path);
      const route: Route | undefined = modelPath
        ? { GET: () => openai.getModel(registry, decodeURIComponent(modelPath[1]!)) }
        : table[path];
      if (!route) throw new HttpError(404, `Invalid URL (${req.method} ${path})`, null, 'unknown_url');
      const handler = route[req.method as 'GET' | 'POST'];
      if (!handler)
        throw new HttpError(405, `${req.method} is not allowed on ${path}`, null, 'method_not_allowed');
      const result = await handler({ req, res, registry, path, body: () => readJsonBody(req, limit) });
      if (result !== undefined && !res.headersSent) sendJson(res, 200, result);
    } catch (e) {
      const error = toHttpError(e);
      if (error.status >= 500) options.log?.(`${req.method} ${path} failed: ${(e as Error)?.stack ?? e}`);
      fail(error);
      if (error.status === 413) req.resume();
    }
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
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
