#!/usr/bin/env node
/**
 * firth-n8n — the project's n8n, ready to use.
 *
 *   firth-n8n start    install n8n-nodes-firth into the user folder, import every workflows/*.json,
 *                      run n8n on 127.0.0.1:$N8N_PORT (5678) in the foreground until Ctrl-C
 *
 * Environment: FIRTH_N8N_BIN (required; scripts/start.sh sets it), N8N_PORT,
 * FIRTH_N8N_USER_FOLDER (default <repo>/.n8n-user), FIRTH_N8N_EMAIL, FIRTH_N8N_PASSWORD.
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assertPortFree } from './env.js';
import { ownerAccount, prepareUserFolder } from './prepare.js';
import { n8nBin } from './process.js';
import { setupOwner, spawnN8n } from './server.js';

const say = (line: string) => process.stderr.write(`[firth-n8n] ${line}\n`);

/** The repository root: `FIRTH_ROOT`, else three folders up from dist/cli.js (apps/n8n-host/dist). */
function repoRoot(): string {
  return process.env['FIRTH_ROOT'] || resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
}

function parsePort(value: string | undefined): number {
  const port = Number(value ?? 5678);
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new Error(`N8N_PORT must be a port number, not ${value}`);
  return port;
}

async function start(args: string[]): Promise<number> {
  const root = repoRoot();
  n8nBin(); // Fail before any work when the pinned n8n is not there.
  const portFlag = args.find((a) => a.startsWith('--port='))?.slice('--port='.length);
  const port = parsePort(portFlag ?? process.env['N8N_PORT']);
  await assertPortFree(port);
  const userFolder = resolve(process.env['FIRTH_N8N_USER_FOLDER'] || join(root, '.n8n-user'));

  const t0 = Date.now();
  const seconds = () => `${((Date.now() - t0) / 1000).toFixed(1)} s`;
  say(`user folder ${userFolder}`);
  say('installing n8n-nodes-firth and importing workflows/*.json ...');
  const prepared = await prepareUserFolder({
    userFolder,
    packageDir: join(root, 'packages', 'n8n-nodes-firth'),
    workflowsDir: join(root, 'workflows'),
  });
  say(
    `installed ${prepared.package.name}@${prepared.package.version}, imported ${prepared.workflows.length} workflows (${seconds()})`,
  );

  say(`starting n8n on 127.0.0.1:${port} (log: ${join(userFolder, 'n8n.log')}) ...`);
  const n8n = await spawnN8n(userFolder, { port });
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    say(`${signal}: stopping n8n ...`);
    void n8n.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  process.on('SIGHUP', stop);
  const owner = ownerAccount(userFolder);
  let known: Set<string>;
  try {
    await n8n.ready;
    const session = await setupOwner(n8n.baseUrl, owner);
    const listed = await session.get<{ data: { id: string; name: string }[] }>('/rest/workflows');
    known = new Set(listed.data.map((w) => w.id));
  } catch (error) {
    if (stopping) return new Promise<number>(() => {}); // The signal handler exits.
    await n8n.stop();
    throw error;
  }

  const lines = [
    '',
    `n8n is running (${seconds()}): ${n8n.baseUrl}`,
    `  email:    ${owner.email}`,
    `  password: ${owner.generated ? owner.password : '(from FIRTH_N8N_PASSWORD)'}`,
    '',
    'Workflows:',
    ...prepared.workflows.map(
      (w) => `  ${w.name}  ${n8n.baseUrl}/workflow/${w.id}${known.has(w.id) ? '' : '  (NOT listed by n8n!)'}`,
    ),
    ...(prepared.workflows.length === 0 ? ['  (none in workflows/)'] : []),
    '',
    'Ctrl-C stops n8n.',
    '',
  ];
  process.stdout.write(lines.join('\n'));

  const code = await n8n.exited;
  if (stopping) return new Promise<number>(() => {});
  say(`n8n exited on its own with code ${code}; see ${n8n.logFile}`);
  return code === 0 ? 1 : code;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  switch (command) {
    case 'start':
      return start(args);
    default:
      process.stderr.write('usage: firth-n8n start [--port=5678]\n');
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
