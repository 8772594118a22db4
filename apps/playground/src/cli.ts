#!/usr/bin/env node
/**
 * `firth-playground [--port N] [--host H --allow-remote] [--quiet]`: serves the playground and prints
 * its URL (./serve.ts, as `firth playground` does). Environment: FIRTH_PLAYGROUND_PORT (default
 * 8790), FIRTH_SERVER_URL / FIRTH_SERVER_KEY (a Firth model server for the LLM panel). Ctrl-C stops it.
 */
import { parseArgs } from 'node:util';
import { playgroundPort, servePlayground } from './serve.js';

async function main(argv = process.argv.slice(2)): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      'allow-remote': { type: 'boolean' },
      quiet: { type: 'boolean' },
    },
  });
  await servePlayground({
    ...(values.port !== undefined ? { port: playgroundPort(values.port, '--port') } : {}),
    ...(values.host ? { host: values.host } : {}),
    ...(values['allow-remote'] ? { allowRemote: true } : {}),
    ...(values.quiet ? { quiet: true } : {}),
  });
}

main().catch((error: unknown) => {
  console.error(`firth-playground: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
