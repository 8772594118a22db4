#!/usr/bin/env node
/**
 * `firth-server` — starts the local model server and prints its URL.
 *
 *   firth-server                         # http://127.0.0.1:8787
 *   firth-server --port 9000 --key s3cret
 *   FIRTH_SERVER_PORT=9000 FIRTH_SERVER_KEY=s3cret firth-server
 *   firth-server --host 0.0.0.0 --allow-remote --allow-host mybox.lan   # reachable from the network: set a key
 *   firth-server --gguf ~/models/qwen2.5-0.5b-instruct-q8_0.gguf        # also serve your own GGUF model (llama.cpp)
 *
 * Options: --port (env FIRTH_SERVER_PORT, default 8787), --host (default 127.0.0.1), --key (env
 * FIRTH_SERVER_KEY; prefer the env var, a flag shows in `ps`), --allow-remote, --allow-host NAME
 * (repeatable: a Host name, or name:port, accepted besides localhost/127.0.0.1/[::1]; '*' = any),
 * --gguf FILE (env FIRTH_GGUF_MODEL: a GGUF model served beside tinystories-260k, by llama.cpp through
 * the optional package node-llama-cpp), --threads N (env FIRTH_GGUF_THREADS: its CPU threads), --quiet.
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type CliOptions, parseCli, serve } from './serve.js';

export { type CliOptions, parseCli } from './serve.js';

async function main() {
  let o: CliOptions;
  try {
    o = parseCli(process.argv.slice(2));
  } catch (e) {
    console.error((e as Error).message);
    process.exit(2);
  }
  try {
    await serve(o);
  } catch (e) {
    // what can fail before listening: the port taken, a --gguf file that is not a model…
    console.error(`firth-server: ${(e as Error).message}`);
    process.exit(1);
  }
}

// run when executed (also through the node_modules/.bin symlink), not when imported by a test
const invoked = process.argv[1] ? realpathSync(process.argv[1]) : '';
if (invoked === fileURLToPath(import.meta.url)) await main();
