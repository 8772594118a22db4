#!/usr/bin/env node
/**
 * `firth-playground [--port N] [--host H --allow-remote]`: serves the playground and prints its URL.
 * Environment: FIRTH_PLAYGROUND_PORT (default 8790), FIRTH_SERVER_URL / FIRTH_SERVER_KEY (a Firth
 * model server for the LLM panel). Ctrl-C stops it.
 */
import { parseArgs } from 'node:util';
import { createPlaygroundServer, DEFAULT_PLAYGROUND_PORT } from './server.js';

export async function main(argv = process.argv.slice(2), env = process.env): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      'allow-remote': { type: 'boolean' },
      quiet: { type: 'boolean' },
    },
  });
  const portText = values.port ?? env['FIRTH_PLAYGROUND_PORT'] ?? String(DEFAULT_PLAYGROUND_PORT);
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65535)
    throw new Error(`the playground's port must be a number 0–65535, not ${portText}`);
  const server = await createPlaygroundServer({
    port,
    ...(values.host ? { host: values.host } : {}),
    ...(values['allow-remote'] ? { allowRemote: true } : {}),
    ...(env['FIRTH_SERVER_URL'] ? { firthServerUrl: env['FIRTH_SERVER_URL'] } : {}),
    ...(env['FIRTH_SERVER_KEY'] ? { firthServerKey: env['FIRTH_SERVER_KEY'] } : {}),
    ...(values.quiet ? {} : { log: (line: string) => process.stderr.write(`${line}\n`) }),
  });
  console.log(`Firth playground: ${server.url}`);
  const stop = () => void server.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(`firth-playground: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
