/**
 * `firth-n8n start` and `firth n8n`: the model server, PGlite, the user folder with n8n-nodes-firth
 * and every workflow imported, then the pinned n8n in the foreground until Ctrl-C (see cli.ts).
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createPlaygroundServer, type PlaygroundServer, playgroundPort } from '@firth/playground';
import { type FirthServer, ggufThreads } from '@firth/server';
import { assertPortFree, LOOPBACK } from './env.js';
import { type CredentialOverrides, firthServerPort, startFirthServer } from './firth-server.js';
import { type PgliteServer, startPgliteServer } from './pglite-server.js';
import { ownerAccount, prepareUserFolder } from './prepare.js';
import { n8nBin } from './process.js';
import { setupOwner, spawnN8n } from './server.js';

const say = (line: string) => process.stderr.write(`[firth-n8n] ${line}\n`);

/** The repository root: `FIRTH_ROOT`, else three folders up from dist/start.js (apps/n8n-host/dist). */
export function repoRoot(): string {
  return process.env['FIRTH_ROOT'] || resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
}

function parsePort(value: string | undefined): number {
  const port = Number(value ?? 5678);
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new Error(`N8N_PORT must be a port number, not ${value}`);
  return port;
}

/**
 * The pinned n8n that scripts/start.sh installed: `FIRTH_N8N_BIN` when set, else the cached install
 * it made (`$FIRTH_CACHE/n8n-<hash of runtime/package.json + package-lock.json>`, as
 * firth_cached_npm_ci names it); undefined when neither exists.
 */
export function installedN8nBin(root = repoRoot(), env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env['FIRTH_N8N_BIN']) return env['FIRTH_N8N_BIN'];
  const runtime = join(root, 'apps', 'n8n-host', 'runtime');
  let hash: string;
  try {
    hash = createHash('sha256')
      .update(readFileSync(join(runtime, 'package.json')))
      .update(readFileSync(join(runtime, 'package-lock.json')))
      .digest('hex')
      .slice(0, 16);
  } catch {
    return undefined;
  }
  const cache = env['FIRTH_CACHE'] || join(env['XDG_CACHE_HOME'] || join(homedir(), '.cache'), 'firth');
  const dir = join(cache, `n8n-${hash}`);
  const bin = join(dir, 'node_modules', 'n8n', 'bin', 'n8n');
  return existsSync(join(dir, '.firth-complete')) && existsSync(bin) ? bin : undefined;
}

/** Firth's model server and PGlite beside n8n, and where the imported credentials point. */
export interface Companions {
  server?: FirthServer;
  postgres?: PgliteServer;
  /** The course playground (apps/playground), on FIRTH_PLAYGROUND_PORT; off with FIRTH_PLAYGROUND=off. */
  playground?: PlaygroundServer;
  /** The line `start` prints right under n8n's URL: where the playground is, or that it is off. */
  playgroundLine: string;
  /** Where the Firth nodes and the credentials reach the model server (also when it is off). */
  serverUrl: string;
  serverKey?: string;
  credentialOverrides: CredentialOverrides;
  /** What `start` prints about them. */
  lines(): string[];
  /** Stops them all (each at most once). */
  close(): Promise<void>;
}

/**
 * The model server (FIRTH_SERVER_PORT, FIRTH_SERVER_KEY, FIRTH_SERVER=off, FIRTH_GGUF_MODEL) and
 * PGlite for the PGVector workflow (FIRTH_PGVECTOR=off), as `start` runs them beside n8n: once,
 * whatever runs the workflows (one n8n, or queue mode's workers). Logs what it started.
 */
export async function startCompanions(
  options: { n8nPort?: number; env?: NodeJS.ProcessEnv } = {},
): Promise<Companions> {
  const env = options.env ?? process.env;
  const serverPort = firthServerPort(env['FIRTH_SERVER_PORT']);
  const serverKey = env['FIRTH_SERVER_KEY'] || undefined;
  const serverOff = /^(off|0|false|no)$/i.test(env['FIRTH_SERVER'] ?? '');
  if (!serverOff && serverPort === options.n8nPort)
    throw new Error(`FIRTH_SERVER_PORT and N8N_PORT are both ${serverPort}: pick two ports`);

  // The model server first: the workflows' credentials point at it, and a taken port fails fast.
  let server: FirthServer | undefined;
  if (!serverOff) {
    const gguf = env['FIRTH_GGUF_MODEL'] || undefined;
    const threads = ggufThreads(env['FIRTH_GGUF_THREADS'] || undefined, 'FIRTH_GGUF_THREADS');
    server = await startFirthServer({
      port: serverPort,
      ...(serverKey ? { apiKey: serverKey } : {}),
      ...(gguf ? { gguf, ...(threads ? { threads } : {}) } : {}),
    });
    say(`Firth model server on ${server.url} (OpenAI API ${server.url}/v1, Ollama API ${server.url}/api)`);
    if (gguf) say(`GGUF model ${gguf} served by llama.cpp beside tinystories-260k (FIRTH_GGUF_MODEL)`);
  } else {
    say('FIRTH_SERVER=off: not starting the Firth model server');
  }
  const serverUrl = server?.url ?? `http://${LOOPBACK}:${serverPort}`;
  let postgres: PgliteServer | undefined;
  let playground: PlaygroundServer | undefined;
  const close = async () => {
    const s = server;
    const pg = postgres;
    const pl = playground;
    server = undefined;
    postgres = undefined;
    playground = undefined;
    await Promise.all([s?.close().catch(() => {}), pg?.close().catch(() => {}), pl?.close().catch(() => {})]);
  };
  const playgroundOff = /^(off|0|false|no)$/i.test(env['FIRTH_PLAYGROUND'] ?? '');
  if (!playgroundOff) {
    try {
      const port = playgroundPort(env['FIRTH_PLAYGROUND_PORT']);
      if (port === options.n8nPort || (!serverOff && port === serverPort))
        throw new Error(`FIRTH_PLAYGROUND_PORT ${port} is taken by n8n or the model server: pick another`);
      playground = await createPlaygroundServer({
        port,
        firthServerUrl: serverUrl,
        ...(serverKey ? { firthServerKey: serverKey } : {}),
      });
      say(`course playground on ${playground.url}`);
    } catch (error) {
      await close();
      throw error;
    }
  } else {
    say('FIRTH_PLAYGROUND=off: not starting the course playground');
  }
  if (!/^(off|0|false|no)$/i.test(env['FIRTH_PGVECTOR'] ?? '')) {
    try {
      postgres = await startPgliteServer({ port: 0 });
      say(
        `PGlite (Postgres with pgvector, in memory) on ${postgres.host}:${postgres.port} for the PGVector workflow`,
      );
    } catch (error) {
      await close();
      throw error;
    }
  }
  const started = { server, postgres, playground };
  return {
    ...started,
    playgroundLine: started.playground
      ? `Course playground: ${started.playground.url}  (LLM, tokenizer, inside the transformer, embedding projector, neural network)`
      : 'Course playground: off (FIRTH_PLAYGROUND=off)',
    serverUrl,
    ...(serverKey ? { serverKey } : {}),
    credentialOverrides: {
      firthServerUrl: serverUrl,
      ...(serverKey ? { firthServerKey: serverKey } : {}),
      ...(postgres
        ? {
            postgres: {
              host: postgres.host,
              port: postgres.port,
              user: postgres.user,
              password: postgres.password,
              database: postgres.database,
              name: postgres.name,
            },
          }
        : {}),
    },
    lines: () => [
      started.server
        ? `Firth model server: ${started.server.url}  (OpenAI API ${started.server.url}/v1, Ollama API ${started.server.url}/api${serverKey ? ', key from FIRTH_SERVER_KEY' : ', no key'})`
        : `Firth model server: off (FIRTH_SERVER=off); the credentials point at ${serverUrl}`,
      started.postgres
        ? `PGlite (Postgres + pgvector, in memory): ${started.postgres.host}:${started.postgres.port}, for the PGVector workflow`
        : 'PGlite: off (FIRTH_PGVECTOR=off)',
    ],
    close,
  };
}

/**
 * Runs n8n with Firth until a signal (then exits the process) or until n8n exits on its own
 * (resolves with an exit code). `--port=N` in `args` (or N8N_PORT) picks n8n's port.
 */
export async function startFirthN8n(args: string[] = []): Promise<number> {
  const root = repoRoot();
  n8nBin(); // Fail before any work when the pinned n8n is not there.
  const portFlag = args.find((a) => a.startsWith('--port='))?.slice('--port='.length);
  const port = parsePort(portFlag ?? process.env['N8N_PORT']);
  await assertPortFree(port);
  const userFolder = resolve(process.env['FIRTH_N8N_USER_FOLDER'] || join(root, '.n8n-user'));
  const t0 = Date.now();
  const seconds = () => `${((Date.now() - t0) / 1000).toFixed(1)} s`;
  const companions = await startCompanions({ n8nPort: port });
  const { serverUrl } = companions;
  let server = companions.server;
  let postgres = companions.postgres;
  const closeServer = async () => {
    server = undefined;
    postgres = undefined;
    await companions.close();
  };

  let n8n: Awaited<ReturnType<typeof spawnN8n>>;
  let prepared: Awaited<ReturnType<typeof prepareUserFolder>>;
  try {
    say(`user folder ${userFolder}`);
    say('installing n8n-nodes-firth and importing workflows/credentials/*.json and workflows/*.json ...');
    prepared = await prepareUserFolder({
      userFolder,
      packageDir: join(root, 'packages', 'n8n-nodes-firth'),
      workflowsDir: join(root, 'workflows'),
      credentialsDir: join(root, 'workflows', 'credentials'),
      credentialOverrides: companions.credentialOverrides,
    });
    say(
      `installed ${prepared.package.name}@${prepared.package.version} (${prepared.registered.nodes.length} nodes, listed in Settings → Community nodes), imported ${prepared.credentials.length} credentials and ${prepared.workflows.length} workflows (${seconds()})`,
    );

    say(`starting n8n on 127.0.0.1:${port} (log: ${join(userFolder, 'n8n.log')}) ...`);
    // n8n inherits it: the Firth nodes without a credential (Groq without a key, OpenAI-compatible)
    // reach the server here; FIRTH_SERVER_KEY, when set, is already in the environment
    process.env['FIRTH_SERVER_URL'] = serverUrl;
    n8n = await spawnN8n(userFolder, { port });
  } catch (error) {
    await closeServer();
    throw error;
  }
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    say(
      `${signal}: stopping n8n${server ? ' and the Firth model server' : ''}${postgres ? ' and PGlite' : ''}${companions.playground ? ' and the playground' : ''} ...`,
    );
    void Promise.all([n8n.stop(), closeServer()]).then(() => process.exit(0));
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
    await closeServer();
    throw error;
  }

  const lines = [
    '',
    `n8n is running (${seconds()}): ${n8n.baseUrl}`,
    `  email:    ${owner.email}`,
    `  password: ${owner.generated ? owner.password : '(from FIRTH_N8N_PASSWORD)'}`,
    companions.playgroundLine,
    '',
    ...companions.lines(),
    ...prepared.credentials.map((c) => `  credential "${c.name}" (${c.type})`),
    '',
    'Workflows, the course in order (each sticky note names the next lesson):',
    ...prepared.workflows.map(
      (w, i) =>
        `  ${w.name}  ${n8n.baseUrl}/workflow/${w.id}${i === 0 ? '  <- start here' : ''}${known.has(w.id) ? '' : '  (NOT listed by n8n!)'}`,
    ),
    ...(prepared.workflows.length === 0 ? ['  (none in workflows/)'] : []),
    '',
    `Ctrl-C stops n8n${[
      server ? 'the model server' : '',
      postgres ? 'PGlite' : '',
      companions.playground ? 'the playground' : '',
    ]
      .filter(Boolean)
      .map((x) => `, ${x}`)
      .join('')}.`,
    '',
  ];
  process.stdout.write(lines.join('\n'));

  const code = await n8n.exited;
  if (stopping) return new Promise<number>(() => {});
  await closeServer();
  say(`n8n exited on its own with code ${code}; see ${n8n.logFile}`);
  return code === 0 ? 1 : code;
}
