/**
 * What both command lines run — `firth-playground` (./cli.ts) and `firth playground` (@firth/cli) —
 * and what `start` reads: the port from FIRTH_PLAYGROUND_PORT, the model server from
 * FIRTH_SERVER_URL / FIRTH_SERVER_KEY, the URL printed, Ctrl-C closing it.
 */
import {
  createPlaygroundServer,
  DEFAULT_PLAYGROUND_PORT,
  type PlaygroundOptions,
  type PlaygroundServer,
} from './server.js';

/**
 * A port number 0–65535 from text (`value` unset: 8790); otherwise an error naming `name`.
 *
 *   playgroundPort(undefined)       // → 8790
 *   playgroundPort('80a')           // throws 'FIRTH_PLAYGROUND_PORT must be a port number 0–65535, not 80a'
 */
export function playgroundPort(value: string | undefined, name = 'FIRTH_PLAYGROUND_PORT'): number {
  const text = value || String(DEFAULT_PLAYGROUND_PORT);
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65535)
    throw new Error(`${name} must be a port number 0–65535, not ${value}`);
  return port;
}

/**
 * Serves the playground until Ctrl-C (SIGINT/SIGTERM close it, then the process exits): what is not
 * given comes from `env` (FIRTH_PLAYGROUND_PORT, FIRTH_SERVER_URL, FIRTH_SERVER_KEY); one log line
 * per request on stderr unless `quiet`; `Firth playground: <url>` on stdout.
 */
export async function servePlayground(
  options: Omit<PlaygroundOptions, 'log'> & { quiet?: boolean },
  env: NodeJS.ProcessEnv = process.env,
): Promise<PlaygroundServer> {
  const { quiet, ...rest } = options;
  const url = rest.firthServerUrl ?? env['FIRTH_SERVER_URL'];
  const key = rest.firthServerKey ?? env['FIRTH_SERVER_KEY'];
  const server = await createPlaygroundServer({
    ...rest,
    port: rest.port ?? playgroundPort(env['FIRTH_PLAYGROUND_PORT']),
    ...(url ? { firthServerUrl: url } : {}),
    ...(key ? { firthServerKey: key } : {}),
    ...(quiet ? {} : { log: (line: string) => process.stderr.write(`${line}\n`) }),
  });
  process.stdout.write(`Firth playground: ${server.url}\n`);
  const stop = () => void server.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return server;
}
