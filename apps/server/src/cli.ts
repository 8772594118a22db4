#!/usr/bin/env node
/**
 * `firth-server` — starts the local model server and prints its URL.
 *
 *   firth-server                         # http://127.0.0.1:8787
 *   firth-server --port 9000 --key s3cret
 *   FIRTH_SERVER_PORT=9000 FIRTH_SERVER_KEY=s3cret firth-server
 *   firth-server --host 0.0.0.0 --allow-remote --allow-host mybox.lan   # reachable from the network: set a key
 *
 * Options: --port (env FIRTH_SERVER_PORT, default 8787), --host (default 127.0.0.1), --key (env
 * FIRTH_SERVER_KEY; prefer the env var, a flag shows in `ps`), --allow-remote, --allow-host NAME
 * (repeatable: a Host name, or name:port, accepted besides localhost/127.0.0.1/[::1]; '*' = any),
 * --quiet.
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parseHost } from './access.js';
import { createFirthServer, isLoopback } from './server.js';

export interface CliOptions {
  host: string;
  port: number;
  apiKey: string | undefined;
  allowRemote: boolean;
  allowedHosts: string[];
  quiet: boolean;
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
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help)
    throw new Error(
      'usage: firth-server [--port 8787] [--host 127.0.0.1] [--key KEY] [--allow-remote] [--allow-host NAME]… [--quiet]\n' +
        'env: FIRTH_SERVER_PORT, FIRTH_SERVER_KEY',
    );
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
  return { host, port, apiKey, allowRemote, allowedHosts, quiet: values.quiet ?? false };
}

async function main() {
  let o: CliOptions;
  try {
    o = parseCli(process.argv.slice(2));
  } catch (e) {
    console.error((e as Error).message);
    process.exit(2);
  }
  const server = await createFirthServer({
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
      (o.apiKey ? ' (bearer key required)' : ' (no key)'),
  );
  const stop = () => void server.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

// run when executed (also through the node_modules/.bin symlink), not when imported by a test
const invoked = process.argv[1] ? realpathSync(process.argv[1]) : '';
if (invoked === fileURLToPath(import.meta.url)) await main();
