/**
 * The playground's HTTP server: the built page (dist/public), the panels' JSON APIs under `/api/`
 * and the model files the page runs in the browser under `/data/`. `node:http` alone, on
 * 127.0.0.1 by default; the same Host/Origin checks as @firth/server (a page on another site, or
 * a DNS-rebound name, gets 403), bounded JSON bodies, and every failure as `{ error }` JSON.
 *
 *   const playground = await createPlaygroundServer({ port: 0 });
 *   playground.url; // → 'http://127.0.0.1:…'
 *   await playground.close();
 */
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ValidationError } from '@firth/numeric';
import {
  checkHost,
  checkOrigin,
  type HostRules,
  HttpError,
  hostRules,
  isLoopback,
  readJsonBody,
  sendJson,
} from '@firth/server';
import { DATA_FILES, ROUTES } from './api/index.js';
import type { ApiRoute, PlaygroundContext } from './api/types.js';

export interface PlaygroundOptions extends PlaygroundContext {
  /** Default 8790; 0 = any free port. */
  port?: number;
  /** Default 127.0.0.1. Any other address needs `allowRemote`. */
  host?: string;
  allowRemote?: boolean;
  /** The built page; default: `public/` beside the built server, or apps/playground/dist/public. */
  publicDir?: string;
  /** One line per request (method, path, status, ms). */
  log?: (line: string) => void;
}

export interface PlaygroundServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

export const DEFAULT_PLAYGROUND_PORT = 8790;
const BODY_LIMITS = { maxBytes: 4 * 1024 * 1024, maxDepth: 64, timeoutMs: 30_000 };

const STATIC: Record<string, string> = {
  '/': 'index.html',
  '/index.html': 'index.html',
  '/app.js': 'app.js',
  '/app.css': 'app.css',
};
const TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
};

/** Where the built page is: `public/` beside this file once built, else the package's dist/public. */
export function defaultPublicDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  for (const dir of [join(here, 'public'), join(here, '..', 'dist', 'public')])
    if (existsSync(join(dir, 'index.html'))) return dir;
  throw new Error(
    'the playground page is not built: run `pnpm --filter @firth/playground build` (or `bash scripts/start.sh`, which builds everything)',
  );
}

const noStore = { 'Cache-Control': 'no-store' };

function queryBody(url: URL): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const [k, v] of url.searchParams) body[k] = v;
  return body;
}

export async function createPlaygroundServer(options: PlaygroundOptions = {}): Promise<PlaygroundServer> {
  const host = options.host ?? '127.0.0.1';
  if (!isLoopback(host) && !options.allowRemote)
    throw new Error(
      `the playground listens on 127.0.0.1 unless told otherwise: host ${host} needs allowRemote (--allow-remote); its LLM panel can use your API keys`,
    );
  const publicDir = options.publicDir ?? defaultPublicDir();
  const files = new Map<string, Buffer>();
  for (const [route, name] of Object.entries(STATIC)) files.set(route, readFileSync(join(publicDir, name)));
  const routes = new Map<string, ApiRoute>(ROUTES.map((r) => [`${r.method} ${r.path}`, r]));
  const data = new Map(DATA_FILES.map((f) => [`/data/${f.name}`, f]));
  const context: PlaygroundContext = {
    ...(options.firthServerUrl ? { firthServerUrl: options.firthServerUrl } : {}),
    ...(options.firthServerKey ? { firthServerKey: options.firthServerKey } : {}),
  };
  // set once the port is known (0 asks for any free one); requests come only after that
  let rules: HostRules;

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://playground');
    checkHost(req, rules);
    checkOrigin(req, rules);
    const path = url.pathname;
    const page = files.get(path);
    if (page && (req.method === 'GET' || req.method === 'HEAD')) {
      const type = TYPES[STATIC[path]!.split('.').pop()!]!;
      res.writeHead(200, {
        'Content-Type': type,
        'Content-Length': page.length,
        'Cache-Control': 'no-cache',
        'X-Content-Type-Options': 'nosniff',
        ...(type.startsWith('text/html')
          ? {
              // the page talks only to this server: nothing leaves 127.0.0.1 from the browser
              'Content-Security-Policy':
                "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self'",
            }
          : {}),
      });
      res.end(req.method === 'HEAD' ? undefined : page);
      return;
    }
    const file = data.get(path);
    if (file && req.method === 'GET') {
      const p = file.path();
      res.writeHead(200, {
        'Content-Type': file.contentType,
        'Content-Length': statSync(p).size,
        'Cache-Control': 'max-age=3600',
      });
      createReadStream(p).pipe(res);
      return;
    }
    const route = routes.get(`${req.method} ${path}`);
    if (!route) {
      const other = ROUTES.some((r) => r.path === path);
      throw new HttpError(
        other ? 405 : 404,
        other ? `${req.method} is not allowed on ${path}` : `no such page: ${path}`,
      );
    }
    const body = req.method === 'POST' ? await readJsonBody(req, BODY_LIMITS) : queryBody(url);
    const abort = new AbortController();
    res.on('close', () => abort.abort());
    const answer = await route.handle({ body, signal: abort.signal, req, res, context });
    if (answer !== undefined) sendJson(res, 200, answer, noStore);
  };

  const server: Server = createServer((req, res) => {
    const t0 = performance.now();
    res.on('finish', () =>
      options.log?.(
        `${req.method} ${req.url?.split('?')[0]} ${res.statusCode} ${Math.round(performance.now() - t0)} ms`,
      ),
    );
    handle(req, res).catch((error: unknown) => {
      // a Firth ValidationError (bad text, unknown word, bad parameter) is the user's: 400
      const status = error instanceof HttpError ? error.status : error instanceof ValidationError ? 400 : 500;
      const message = error instanceof Error ? error.message : String(error);
      if (res.headersSent) {
        // a stream already started: say it in the stream's own format, then end
        if (!res.writableEnded) res.end(`event: error\ndata: ${JSON.stringify({ error: message })}\n\n`);
        return;
      }
      sendJson(res, status, { error: message }, noStore);
    });
  });
  server.requestTimeout = 0; // streams may run long; bodies have their own limit
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) =>
      reject(
        e.code === 'EADDRINUSE'
          ? new Error(
              `port ${options.port ?? DEFAULT_PLAYGROUND_PORT} on ${host} is already in use, so the playground cannot start there: pick another (FIRTH_PLAYGROUND_PORT / --port) or turn it off (FIRTH_PLAYGROUND=off)`,
            )
          : e,
      ),
    );
    server.listen(options.port ?? DEFAULT_PLAYGROUND_PORT, host, resolve);
  });
  const port = (server.address() as AddressInfo).port;
  rules = hostRules(port, host);
  const shown = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shown}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
