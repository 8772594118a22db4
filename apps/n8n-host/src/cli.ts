#!/usr/bin/env node
/**
 * firth-n8n — the project's n8n, ready to use.
 *
 *   firth-n8n start    start Firth's model server on 127.0.0.1:$FIRTH_SERVER_PORT (8787), install
 *                      n8n-nodes-firth into the user folder, import workflows/credentials/*.json and
 *                      every workflows/*.json, run n8n on 127.0.0.1:$N8N_PORT (5678) in the
 *                      foreground until Ctrl-C (which stops both)
 *
 *   firth-n8n start --queue [--workers=N]
 *                      the same in n8n's queue mode (also FIRTH_MODE=queue): PostgreSQL and Redis
 *                      as child processes on free 127.0.0.1 ports, n8n main + N workers (FIRTH_WORKERS,
 *                      default 2), state in $FIRTH_QUEUE_DIR (default <repo>/.n8n-queue); see queue.ts
 *
 * Environment: FIRTH_N8N_BIN (required; scripts/start.sh sets it), N8N_PORT,
 * FIRTH_N8N_USER_FOLDER (default <repo>/.n8n-user), FIRTH_N8N_EMAIL, FIRTH_N8N_PASSWORD,
 * FIRTH_SERVER_PORT (default 8787), FIRTH_SERVER_KEY (the server then wants it; the imported
 * credentials carry it), FIRTH_SERVER=off (no model server; the credentials still point at the port),
 * FIRTH_GGUF_MODEL / FIRTH_GGUF_THREADS (a GGUF model file the server also serves, by llama.cpp),
 * FIRTH_PGVECTOR=off (no PGlite: the committed postgres credential keeps its placeholder).
 *
 * Beside them, for workflows/embeddings-into-pgvector.json (n8n's own Postgres PGVector Store):
 * PGlite — Postgres compiled to WASM, in memory, with the real pgvector extension — on a free
 * 127.0.0.1 port, and the committed `postgres` credential pointed at it. Its data lives as long as
 * the process; for a real database, set FIRTH_PGVECTOR=off and edit the credential in n8n.
 */
import { startQueueMode } from './queue.js';
import { startFirthN8n } from './start.js';

const say = (line: string) => process.stderr.write(`[firth-n8n] ${line}\n`);

async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  switch (command) {
    case 'start': {
      const mode = process.env['FIRTH_MODE'] || 'single';
      if (!/^(single|queue)$/.test(mode)) throw new Error(`FIRTH_MODE must be single or queue, not ${mode}`);
      if (args.includes('--queue') || mode === 'queue')
        return startQueueMode(args.filter((a) => a !== '--queue'));
      return startFirthN8n(args);
    }
    default:
      process.stderr.write('usage: firth-n8n start [--port=5678] [--queue [--workers=2]]\n');
      return command === undefined || command === '--help' || command === '-h' ? 0 : 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    say(`error: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
