/**
 * n8n's queue mode with Firth: `bash scripts/start.sh --queue` (or FIRTH_MODE=queue) and the queue
 * tier (test/src/queue/). One main instance (`n8n start`: editor, REST API, webhooks) puts every
 * execution on a Bull queue in Redis; N workers (`n8n worker`) take them off and run them; PostgreSQL
 * holds the workflows, credentials and executions they share.
 *
 * Everything runs on this machine, on 127.0.0.1, under one state folder (default `<repo>/.n8n-queue`):
 *
 *   secrets.json            PostgreSQL's and Redis' generated passwords (0600)
 *   postgres/, postgres.log the PostgreSQL cluster (services.ts), database `n8n`, user `firth`
 *   redis/                  Redis' config (0600), append-only file and log
 *   main/                   the main instance's user folder: `.n8n/config` (the encryption key
 *                           every process shares), `.n8n/nodes` (n8n-nodes-firth, installed once),
 *                           firth-owner.json (the login), n8n.log
 *   worker-<i>/             each worker's own user folder (own event log and crash journal): the
 *                           same key, and `.n8n/nodes` a link to main's — the same package, as a
 *                           shared volume gives it to workers on one host
 *
 * n8n's settings for it, as its queue-mode docs give them and n8n 2.41.1's code reads them:
 * EXECUTIONS_MODE=queue, DB_TYPE=postgresdb + DB_POSTGRESDB_*, QUEUE_BULL_REDIS_*, one
 * N8N_ENCRYPTION_KEY, N8N_DEFAULT_BINARY_DATA_MODE=database (the filesystem mode is not shared
 * between processes; n8n's own default in queue mode), OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS=true (the
 * editor's "Execute workflow" runs on a worker too), and per worker QUEUE_HEALTH_CHECK_ACTIVE on a
 * free port (its `/healthz/readiness` says when it is connected).
 *
 * Firth's model server (and PGlite for the PGVector lesson) runs once, in this process
 * (start.ts' startCompanions); the credentials imported into PostgreSQL point at it, and every n8n
 * process gets FIRTH_SERVER_URL / FIRTH_SERVER_KEY.
 */
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join, resolve } from 'node:path';
import { formatMemoryReports, type ProcessMemoryReport, readMemoryReports } from '@firth/numeric';
import type { RegisteredPackage } from './community-package.js';
import { communityNodesDir } from './community-package.js';
import { encryptionKey, freePort, LOOPBACK, n8nDir } from './env.js';
import type { CredentialOverrides } from './firth-server.js';
import type { WorkflowFile } from './headless.js';
import { ownerAccount, type Prepared, prepareUserFolder } from './prepare.js';
import { n8nBin } from './process.js';
import { type N8nHandle, setupOwner, spawnN8n } from './server.js';
import {
  type PostgresConnection,
  type PostgresServer,
  psql,
  type RedisServer,
  startPostgres,
  startRedis,
} from './services.js';
import { type Companions, repoRoot, startCompanions } from './start.js';

const say = (line: string) => process.stderr.write(`[firth-n8n] ${line}\n`);

/** What runs beside n8n and where the credentials point: start.ts' Companions, or a test's own server. */
export type QueueCompanions = Pick<Companions, 'serverUrl' | 'serverKey' | 'credentialOverrides' | 'close'> &
  Partial<Pick<Companions, 'lines' | 'playgroundLine'>>;

export interface QueueStackOptions {
  /** The state folder (created; reused on the next start). */
  stateDir: string;
  /** How many `n8n worker` processes. @default 2 */
  workers?: number;
  /** Jobs one worker runs at once (`n8n worker --concurrency`). @default 10, n8n's default */
  concurrency?: number;
  /** The main instance's port; 0 picks a free one. @default 5678 */
  port?: number;
  /** The community package's folder, built. @default <repo>/packages/n8n-nodes-firth */
  packageDir?: string;
  /** Workflows imported inactive (the course). @default none */
  workflowsDir?: string;
  /** Workflows imported and activated where their JSON says so (webhooks). @default none */
  activeWorkflowsDirs?: string[];
  /** Credentials imported once, into PostgreSQL. @default none */
  credentialsDir?: string;
  /** The model server and where the credentials point. @default startCompanions(): FIRTH_SERVER_* as `start` */
  companions?: QueueCompanions;
  /** More environment for every n8n process (e.g. QUEUE_WORKER_LOCK_DURATION). @default none */
  env?: NodeJS.ProcessEnv;
  /** Progress lines. @default to stderr, as `start` prints them */
  log?: (line: string) => void;
  /** Aborting it stops a start under way: what started so far is stopped, and the promise rejects. */
  signal?: AbortSignal;
}

/** One `n8n worker`. */
export interface QueueWorker {
  /** 1, 2, …: its folder is `<state>/worker-<index>`. */
  index: number;
  pid: number;
  folder: string;
  logFile: string;
  /** Its health-check server, `http://127.0.0.1:<port>` (`/healthz/readiness`). */
  healthUrl: string;
  handle: N8nHandle;
  /** Resident memory of the worker's Node process, in bytes (0 once it is gone). */
  rss(): number;
}

export interface QueueStack {
  /** The main instance: editor, REST API and webhooks (`<url>/webhook/<path>`). */
  url: string;
  owner: { email: string; password: string; generated: boolean };
  main: N8nHandle;
  /** The workers running now, in start order (killWorker removes one, startWorker adds one). */
  workers: QueueWorker[];
  postgres: PostgresConnection;
  redis: { host: string; port: number; password: string };
  stateDir: string;
  prepared: Prepared;
  companions: QueueCompanions;
  /** Sends `signal` to a worker's process group (SIGKILL: a crash) and resolves with its exit code. */
  killWorker(index: number, signal?: NodeJS.Signals): Promise<number>;
  /** Starts one more worker (index: one past the highest so far) and resolves once it is ready. */
  startWorker(): Promise<QueueWorker>;
  /** Stops the main instance with `signal` (SIGTERM: n8n's own shutdown; SIGKILL: a crash) and starts it again on its port. */
  restartMain(signal?: NodeJS.Signals): Promise<void>;
  /** Process groups this stack started (n8n's, the workers', PostgreSQL's, Redis'). */
  processGroups(): number[];
  /**
   * Memory per n8n process: main's and each worker's RSS now, and the Firth models each loaded (name,
   * weight bytes, how many loads, load time), from the reports the processes write to
   * `<state>/memory` (FIRTH_MEMORY_REPORT_DIR; @firth/numeric's trackModelLoad) after each model load.
   */
  memory(): ProcessMemoryReport[];
  /** Stops everything: workers and main, then Redis and PostgreSQL, then the model server. */
  stop(): Promise<void>;
}

/** Resident memory of a process, in bytes (VmRSS of /proc/<pid>/status); 0 when it is gone. */
export function rssOf(pid: number): number {
  try {
    const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? Number(kb) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Every live process from /proc: pid, parent, process group (zombies left out). */
function processTable(): { pid: number; ppid: number; pgrp: number }[] {
  const table: { pid: number; ppid: number; pgrp: number }[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // /proc/<pid>/stat: pid (comm) state ppid pgrp …; comm may hold spaces and parentheses
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (fields[0] !== 'Z')
        table.push({ pid: Number(entry), ppid: Number(fields[1]), pgrp: Number(fields[2]) });
    } catch {
      // Gone meanwhile.
    }
  }
  return table;
}

/**
 * The live processes in these process groups and every descendant of their leaders (pids): what a
 * stack started. PostgreSQL's backends are not in the postmaster's group (each is a session of its
 * own), so groups alone would miss them.
 */
export function processesInGroups(groups: readonly number[]): number[] {
  const table = processTable();
  const found = new Set(table.filter((p) => groups.includes(p.pgrp)).map((p) => p.pid));
  let grew = true;
  while (grew) {
    grew = false;
    for (const p of table) {
      if (!found.has(p.pid) && (found.has(p.ppid) || groups.includes(p.ppid))) {
        found.add(p.pid);
        grew = true;
      }
    }
  }
  return [...found].sort((a, b) => a - b);
}

/** Which of these pids are still alive (not zombies). */
export function stillAlive(pids: readonly number[]): number[] {
  const alive = new Set(processTable().map((p) => p.pid));
  return pids.filter((pid) => alive.has(pid));
}

/** `<state>/secrets.json`: PostgreSQL's and Redis' passwords, generated once (mode 0600). */
export function queueSecrets(stateDir: string): { postgres: string; redis: string } {
  const file = join(stateDir, 'secrets.json');
  if (existsSync(file)) {
    const stored = JSON.parse(readFileSync(file, 'utf8')) as { postgres?: unknown; redis?: unknown };
    if (typeof stored.postgres === 'string' && typeof stored.redis === 'string')
      return { postgres: stored.postgres, redis: stored.redis };
  }
  const secrets = {
    postgres: randomBytes(18).toString('base64url'),
    redis: randomBytes(18).toString('base64url'),
  };
  mkdirSync(stateDir, { recursive: true });
  writeFileSync(file, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return secrets;
}

/** The environment every n8n process of the stack shares. */
function queueEnv(
  postgres: PostgresConnection,
  redis: { host: string; port: number; password: string },
  key: string,
  companions: QueueCompanions,
  extra: NodeJS.ProcessEnv,
): NodeJS.ProcessEnv {
  return {
    EXECUTIONS_MODE: 'queue',
    DB_TYPE: 'postgresdb',
    DB_POSTGRESDB_HOST: postgres.host,
    DB_POSTGRESDB_PORT: String(postgres.port),
    DB_POSTGRESDB_USER: postgres.user,
    DB_POSTGRESDB_PASSWORD: postgres.password,
    DB_POSTGRESDB_DATABASE: postgres.database,
    QUEUE_BULL_REDIS_HOST: redis.host,
    QUEUE_BULL_REDIS_PORT: String(redis.port),
    QUEUE_BULL_REDIS_PASSWORD: redis.password,
    N8N_ENCRYPTION_KEY: key,
    N8N_DEFAULT_BINARY_DATA_MODE: 'database',
    OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS: 'true',
    FIRTH_SERVER_URL: companions.serverUrl,
    ...(companions.serverKey ? { FIRTH_SERVER_KEY: companions.serverKey } : {}),
    ...extra,
  };
}

/**
 * Records n8n-nodes-firth in n8n's tables in PostgreSQL (installed_packages, installed_nodes), as
 * n8n does after installing it: Settings → Community nodes lists it. Replaces an earlier record.
 */
export async function recordInstalledPackageInPostgres(
  postgres: PostgresConnection,
  pkg: RegisteredPackage,
): Promise<void> {
  await psql(
    postgres,
    `BEGIN;
DELETE FROM installed_nodes WHERE package = :'name';
DELETE FROM installed_packages WHERE "packageName" = :'name';
INSERT INTO installed_packages ("packageName", "installedVersion", "authorName", "authorEmail")
  VALUES (:'name', :'version', NULLIF(:'author', ''), NULLIF(:'email', ''));
INSERT INTO installed_nodes (name, type, "latestVersion", package)
  SELECT n->>'name', n->>'type', (n->>'latestVersion')::int, :'name' FROM json_array_elements(:'nodes'::json) n;
COMMIT;`,
    {
      vars: {
        name: pkg.packageName,
        version: pkg.installedVersion,
        author: pkg.authorName ?? '',
        email: pkg.authorEmail ?? '',
        nodes: JSON.stringify(pkg.nodes),
      },
    },
  );
}

/** A worker's user folder: main's encryption key in its config, main's installed packages linked in. */
function workerFolder(stateDir: string, index: number, mainFolder: string, key: string): string {
  const folder = join(stateDir, `worker-${index}`);
  const dir = n8nDir(folder);
  mkdirSync(dir, { recursive: true });
  const config = join(dir, 'config');
  writeFileSync(config, `${JSON.stringify({ encryptionKey: key }, null, '\t')}\n`, { mode: 0o600 });
  const nodes = communityNodesDir(folder);
  let linked = false;
  try {
    linked = lstatSync(nodes).isSymbolicLink();
  } catch {
    // Not there yet.
  }
  if (!linked) {
    rmSync(nodes, { recursive: true, force: true });
    symlinkSync(communityNodesDir(mainFolder), nodes);
  }
  return folder;
}

/**
 * Starts PostgreSQL, Redis, the model server, imports the package, credentials and workflows once
 * (into PostgreSQL), then n8n main and the workers; resolves once all are ready and the owner is set
 * up. On a failure everything started so far is stopped.
 *
 *   const stack = await startQueueStack({ stateDir: '/tmp/q', port: 0, activeWorkflowsDirs: ['workflows/queue'] });
 *   await fetch(`${stack.url}/webhook/firth-queue-sentiment`, { method: 'POST', body: ... });
 *   await stack.killWorker(stack.workers[0].index, 'SIGKILL');
 *   await stack.stop();
 */
export async function startQueueStack(options: QueueStackOptions): Promise<QueueStack> {
  const log = options.log ?? say;
  n8nBin(); // Fail before any work when the pinned n8n is not there.
  const stateDir = resolve(options.stateDir);
  mkdirSync(stateDir, { recursive: true });
  const workerCount = options.workers ?? 2;
  if (!Number.isInteger(workerCount) || workerCount < 1)
    throw new Error(`the number of workers must be a whole number ≥ 1, not ${options.workers}`);
  const concurrency = options.concurrency ?? 10;
  const secrets = queueSecrets(stateDir);
  const groups = new Set<number>();
  const toStop: (() => Promise<unknown>)[] = []; // in reverse start order
  const stopAll = async () => {
    while (toStop.length > 0)
      await toStop
        .pop()?.()
        .catch(() => {});
  };
  // Each step of the start races the abort signal (Ctrl-C during the start).
  const aborted = new Promise<never>((_, reject) => {
    const fail = () => reject(new Error('queue-mode start aborted'));
    if (options.signal?.aborted) fail();
    options.signal?.addEventListener('abort', fail, { once: true });
  });
  aborted.catch(() => {});
  const step = <T>(promise: Promise<T>): Promise<T> => Promise.race([promise, aborted]);

  try {
    const postgres: PostgresServer = await startPostgres({
      dir: join(stateDir, 'postgres'),
      password: secrets.postgres,
      logFile: join(stateDir, 'postgres.log'),
      say: log,
    });
    groups.add(postgres.pid);
    toStop.push(() => postgres.stop());
    await step(Promise.resolve());
    log(`PostgreSQL ${postgres.bindir} on ${postgres.host}:${postgres.port} (cluster ${postgres.dataDir})`);
    const redis: RedisServer = await startRedis({
      dir: join(stateDir, 'redis'),
      password: secrets.redis,
      say: log,
    });
    groups.add(redis.pid);
    toStop.push(() => redis.stop());
    log(`Redis on ${redis.host}:${redis.port}`);
    await step(Promise.resolve());
    const companions = options.companions ?? (await startCompanions({ n8nPort: options.port ?? 5678 }));
    toStop.push(() => companions.close());
    await step(Promise.resolve());

    const mainFolder = join(stateDir, 'main');
    const key = encryptionKey(mainFolder);
    const memoryDir = join(stateDir, 'memory');
    rmSync(memoryDir, { recursive: true, force: true }); // the last start's processes are gone
    const env = queueEnv(postgres, redis, key, companions, {
      FIRTH_MEMORY_REPORT_DIR: memoryDir,
      ...options.env,
    });
    const root = repoRoot();
    log('installing n8n-nodes-firth and importing credentials and workflows into PostgreSQL ...');
    const prepared = await step(
      prepareUserFolder({
        userFolder: mainFolder,
        packageDir: options.packageDir ?? join(root, 'packages', 'n8n-nodes-firth'),
        ...(options.workflowsDir ? { workflowsDir: options.workflowsDir } : {}),
        moreWorkflowsDirs: options.activeWorkflowsDirs ?? [],
        ...(options.credentialsDir ? { credentialsDir: options.credentialsDir } : {}),
        credentialOverrides: companions.credentialOverrides satisfies CredentialOverrides,
        env,
        recordPackage: (pkg) => recordInstalledPackageInPostgres(postgres, pkg),
      }),
    );

    const port = options.port === 0 ? await freePort() : (options.port ?? 5678);
    const spawnMain = () => spawnN8n(mainFolder, { port, env });
    let main = await spawnMain();
    groups.add(main.pid);
    const workers: QueueWorker[] = [];
    // main and the workers stop together: n8n's own shutdown (workers finish their jobs, 30 s at most)
    toStop.push(() => Promise.all([main.stop(), ...workers.map((w) => w.handle.stop())]));

    let highest = 0;
    const spawnWorker = async (): Promise<QueueWorker & { ready: Promise<void> }> => {
      const index = ++highest;
      const folder = workerFolder(stateDir, index, mainFolder, key);
      const healthPort = await freePort();
      const handle = await spawnN8n(folder, {
        port: healthPort,
        args: ['worker', `--concurrency=${concurrency}`],
        env: {
          ...env,
          QUEUE_HEALTH_CHECK_ACTIVE: 'true',
          QUEUE_HEALTH_CHECK_PORT: String(healthPort),
          N8N_WORKER_SERVER_ADDRESS: LOOPBACK,
        },
      });
      groups.add(handle.pid);
      const worker: QueueWorker = {
        index,
        pid: handle.pid,
        folder,
        logFile: handle.logFile,
        healthUrl: handle.baseUrl,
        handle,
        rss: () => rssOf(handle.pid),
      };
      workers.push(worker);
      void handle.exited.then(() => {
        const at = workers.indexOf(worker);
        if (at >= 0) workers.splice(at, 1);
      });
      return { ...worker, ready: handle.ready };
    };
    const started = [];
    for (let i = 0; i < workerCount; i++) started.push(await spawnWorker());
    log(
      `starting n8n main on ${LOOPBACK}:${port} and ${workerCount} worker(s) (logs in ${stateDir}/*/n8n.log) ...`,
    );
    await step(Promise.all([main.ready, ...started.map((w) => w.ready)]));
    const owner = ownerAccount(mainFolder);
    const session = await step(setupOwner(main.baseUrl, owner));
    // Activated through main's REST API, as the editor's toggle does: main has the community
    // package loaded to validate them, and registers their webhooks (the import left them inactive).
    const active = prepared.workflows.filter((w) => w.active === true);
    for (const workflow of active) {
      const { data } = await step(
        session.get<{ data: { versionId: string } }>(`/rest/workflows/${workflow.id}`),
      );
      await step(session.post(`/rest/workflows/${workflow.id}/activate`, { versionId: data.versionId }));
    }
    await step(webhooksRegistered(main.baseUrl, active));

    const stack: QueueStack = {
      url: main.baseUrl,
      owner,
      get main() {
        return main;
      },
      workers,
      postgres: { ...postgres },
      redis: { host: redis.host, port: redis.port, password: redis.password },
      stateDir,
      prepared,
      companions,
      async killWorker(index, signal = 'SIGKILL') {
        const worker = workers.find((w) => w.index === index);
        if (!worker)
          throw new Error(
            `no worker ${index} is running (running: ${workers.map((w) => w.index).join(', ')})`,
          );
        worker.handle.kill(signal);
        const code = await worker.handle.exited;
        worker.handle.kill('SIGKILL'); // its task runner, if the signal left it
        return code;
      },
      async startWorker() {
        const worker = await spawnWorker();
        await worker.ready;
        const { ready: _, ...rest } = worker;
        return rest;
      },
      async restartMain(signal = 'SIGTERM') {
        if (signal === 'SIGTERM') await main.stop();
        else {
          main.kill(signal);
          await main.exited;
          main.kill('SIGKILL');
        }
        main = await spawnMain();
        groups.add(main.pid);
        await main.ready;
      },
      processGroups: () => [...groups],
      memory: () => readMemoryReports(memoryDir, [main.pid, ...workers.map((w) => w.pid)]),
      stop: stopAll,
    };
    return stack;
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/**
 * Waits (30 s at most) until main routes the POST webhooks of `workflows`: n8n registers an activated
 * workflow's webhooks a moment after the activation answers. A GET to a POST-only webhook answers
 * "not registered for GET requests" once it is registered (and "not registered" before), without
 * running anything.
 */
async function webhooksRegistered(baseUrl: string, workflows: readonly WorkflowFile[]): Promise<void> {
  const paths = workflows.flatMap((w) =>
    w.nodes
      .filter(
        (n) =>
          n.type === 'n8n-nodes-base.webhook' &&
          typeof n.parameters?.['path'] === 'string' &&
          typeof n.parameters?.['httpMethod'] === 'string' &&
          n.parameters['httpMethod'] !== 'GET',
      )
      .map((n) => String(n.parameters?.['path'])),
  );
  const deadline = Date.now() + 30_000;
  for (const path of paths) {
    while (true) {
      const response = await fetch(`${baseUrl}/webhook/${path}`, { signal: AbortSignal.timeout(5_000) });
      if (/not registered for GET/.test(await response.text())) break;
      if (Date.now() > deadline)
        throw new Error(`n8n did not register the webhook ${path} within 30 s of activating it`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

/** `--workers=N` or FIRTH_WORKERS, default 2. */
export function workerCountOf(args: readonly string[], env: NodeJS.ProcessEnv = process.env): number {
  const text =
    args.find((a) => a.startsWith('--workers='))?.slice('--workers='.length) ?? env['FIRTH_WORKERS'] ?? '2';
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < 1 || n > 64)
    throw new Error(`the number of workers (--workers / FIRTH_WORKERS) must be 1–64, not ${text}`);
  return n;
}

const MiB = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

/**
 * `firth-n8n start --queue`: the stack in the foreground until Ctrl-C (SIGINT, SIGTERM, SIGHUP stop
 * everything, then the process exits) or until the main instance exits on its own (resolves 1).
 */
export async function startQueueMode(args: readonly string[]): Promise<number> {
  const root = repoRoot();
  const portFlag = args.find((a) => a.startsWith('--port='))?.slice('--port='.length);
  const portText = portFlag ?? process.env['N8N_PORT'] ?? '5678';
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port < 1 || port > 65535)
    throw new Error(`N8N_PORT must be a port number, not ${portText}`);
  const workers = workerCountOf(args);
  const stateDir = resolve(process.env['FIRTH_QUEUE_DIR'] || join(root, '.n8n-queue'));
  const t0 = Date.now();
  say(`queue mode: state folder ${stateDir}`);
  let stack: QueueStack | undefined;
  let stopping = false;
  const abort = new AbortController();
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    if (stack) process.stdout.write(`\nmemory at the end:\n${formatMemoryReports(stack.memory())}\n`);
    say(`${signal}: stopping n8n main, the workers, Redis, PostgreSQL and the model server ...`);
    if (stack) void stack.stop().then(() => process.exit(0));
    else abort.abort(); // startQueueStack stops what it started, then rejects: exit below
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  process.on('SIGHUP', stop);
  try {
    stack = await startQueueStack({
      stateDir,
      workers,
      port,
      workflowsDir: join(root, 'workflows'),
      activeWorkflowsDirs: [join(root, 'workflows', 'queue')],
      credentialsDir: join(root, 'workflows', 'credentials'),
      signal: abort.signal,
    });
  } catch (error) {
    if (stopping) return 0;
    throw error;
  }
  if (stopping) {
    await stack.stop();
    return 0;
  }
  const { owner, prepared, postgres, redis, companions } = stack;
  const webhooks = prepared.workflows.flatMap((w) =>
    w.nodes
      .filter((n) => n.type === 'n8n-nodes-base.webhook' && typeof n.parameters?.['path'] === 'string')
      .map((n) => `  POST ${stack?.url}/webhook/${n.parameters?.['path']}  (${w.name})`),
  );
  const lines = [
    '',
    `n8n is running in queue mode (${((Date.now() - t0) / 1000).toFixed(1)} s): ${stack.url}`,
    `  email:    ${owner.email}`,
    `  password: ${owner.generated ? owner.password : '(from FIRTH_N8N_PASSWORD)'}`,
    ...(companions.playgroundLine ? [companions.playgroundLine] : []),
    '',
    `main      pid ${stack.main.pid}, RSS ${MiB(rssOf(stack.main.pid))}  (log ${stack.main.logFile})`,
    ...stack.workers.map(
      (w) =>
        `worker ${w.index}  pid ${w.pid}, RSS ${MiB(w.rss())}  (log ${w.logFile}, health ${w.healthUrl}/healthz/readiness)`,
    ),
    `PostgreSQL: ${postgres.host}:${postgres.port}, database ${postgres.database}, user ${postgres.user} (password in ${join(stateDir, 'secrets.json')})`,
    `Redis:      ${redis.host}:${redis.port} (password in ${join(stateDir, 'secrets.json')})`,
    ...(companions.lines?.() ?? []),
    `installed ${prepared.package.name}@${prepared.package.version} once (${prepared.registered.nodes.length} nodes; the workers load it from main's .n8n/nodes), imported ${prepared.credentials.length} credentials and ${prepared.workflows.length} workflows into PostgreSQL`,
    '',
    'Webhooks, active (each execution runs on a worker):',
    ...(webhooks.length > 0 ? webhooks : ['  (none in workflows/queue/)']),
    '',
    `Memory per process and the Firth models each loaded (once per process, on first use): \`kill -USR2 ${process.pid}\`; printed again at the end.`,
    `Ctrl-C stops n8n main, the ${workers} worker(s), Redis, PostgreSQL, the model server and the playground.`,
    '',
  ];
  process.stdout.write(lines.join('\n'));
  process.on('SIGUSR2', () => {
    if (stack && !stopping) process.stdout.write(`${formatMemoryReports(stack.memory())}\n`);
  });
  for (const worker of [...stack.workers]) {
    void worker.handle.exited.then((code) => {
      if (!stopping) say(`worker ${worker.index} exited with code ${code}; see ${worker.logFile}`);
    });
  }
  const code = await stack.main.exited;
  if (stopping) return new Promise<number>(() => {});
  say(`n8n main exited on its own with code ${code}; see ${stack.main.logFile}. Stopping the rest ...`);
  await stack.stop();
  return code === 0 ? 1 : code;
}
