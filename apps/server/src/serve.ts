/**
 * What `firth-server` and `firth serve` do: read the options (flags and environment), start the
 * server, print its URL on stdout and a line on stderr, stop on Ctrl-C / SIGTERM.
 */
import { parseArgs } from 'node:util';
import { parseHost } from './access.js';
import { ggufChatModel, withGguf } from './registry.js';
import { createFirthServer, type FirthServer, isLoopback } from './server.js';

export interface CliOptions {
  host: string;
  port: number;
  apiKey: string | undefined;
  allowRemote: boolean;
  allowedHosts: string[];
  quiet: boolean;
  /** A GGUF model file served beside tinystories-260k (llama.cpp through node-llama-cpp). */
  gguf?: string;
  /** CPU threads for the GGUF model. @default every core */
  threads?: number;
}

/** Reads argv and the environment; throws a message for the user on bad input. */
export function parseCli(argv: string[], env: NodeJS.ProcessEnv = process.env): CliOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      key: { type: 'string' },
      'allow-remote': { type: 'boolean', default: false },
      'allow-host': { type: 'string', multiple: true },
      quiet: { type: 'boolean', default: false },
      gguf: { type: 'string' },
      threads: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) throw new Error(SERVER_USAGE);
  const portText = values.port ?? env.FIRTH_SERVER_PORT ?? '8787';
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65535) throw new Error(`--port must be 0–65535, got "${portText}"`);
  const host = values.host ?? '127.0.0.1';
  const allowRemote = values['allow-remote'] ?? false;
  if (!isLoopback(host) && !allowRemote)
    throw new Error(
      `refusing to listen on ${host}: not a loopback address; add --allow-remote (and set a key)`,
    );
  const allowedHosts = values['allow-host'] ?? [];
  for (const name of allowedHosts)
    if (name !== '*' && !parseHost(name))
      throw new Error(`--allow-host must be a host name or host:port (or '*'), got "${name}"`);
  const apiKey = values.key ?? (env.FIRTH_SERVER_KEY || undefined);
  const gguf = values.gguf ?? (env.FIRTH_GGUF_MODEL || undefined);
  const threads = ggufThreads(
    values.threads ?? (env.FIRTH_GGUF_THREADS || undefined),
    values.threads !== undefined ? '--threads' : 'FIRTH_GGUF_THREADS',
  );
  if (threads !== undefined && gguf === undefined) throw new Error('--threads is for a --gguf model');
  return {
    host,
    port,
    apiKey,
    allowRemote,
    allowedHosts,
    quiet: values.quiet ?? false,
    ...(gguf !== undefined ? { gguf } : {}),
    ...(threads !== undefined ? { threads } : {}),
  };
}

/**
 * A GGUF model's CPU threads as given (`--threads`, FIRTH_GGUF_THREADS): a whole number from 1;
 * absent → undefined (llama.cpp's default, every core). `name` names it in the error.
 */
export function ggufThreads(text: string | undefined, name = '--threads'): number | undefined {
  if (text === undefined) return undefined;
  if (!/^[1-9]\d{0,3}$/.test(text)) throw new Error(`${name} must be a whole number from 1, got "${text}"`);
  return Number(text);
}

/** The usage line of `firth-server` (parseCli throws it for --help). */
export const SERVER_USAGE =
  'usage: firth-server [--port 8787] [--host 127.0.0.1] [--key KEY] [--allow-remote] [--allow-host NAME]… [--gguf FILE [--threads N]] [--quiet]\n' +
  'env: FIRTH_SERVER_PORT, FIRTH_SERVER_KEY, FIRTH_GGUF_MODEL, FIRTH_GGUF_THREADS';

/**
 * Starts the server with parsed options, prints its URL (stdout) and what it serves (stderr), and
 * closes it then exits 0 on SIGINT/SIGTERM. Resolves with the running server.
 */
export async function serve(o: CliOptions): Promise<FirthServer> {
  // a GGUF file is loaded before the server listens: a bad path fails here, not on the first request
  const gguf = o.gguf ? await ggufChatModel(o.gguf, o.threads ? { threads: o.threads } : {}) : undefined;
  const server = await createFirthServer({
    ...(gguf ? { models: withGguf(gguf) } : {}),
    host: o.host,
    port: o.port,
    apiKey: o.apiKey,
    allowRemote: o.allowRemote,
    allowedHosts: o.allowedHosts,
    ...(o.quiet ? {} : { log: (line: string) => console.error(line) }),
  });
  console.log(server.url);
  console.error(
    `Firth local model server: OpenAI/Groq at ${server.url}/v1, Ollama at ${server.url}/api` +
      (o.apiKey ? ' (bearer key required)' : ' (no key)') +
      (gguf
        ? `; GGUF model "${gguf.id}" (${gguf.family}, ${gguf.parameterSize}, context ${gguf.contextLength})`
        : ''),
  );
  const stop = () => void server.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  return server;
}
