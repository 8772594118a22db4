/**
 * PostgreSQL and Redis as child processes for n8n's queue mode (queue.ts): Debian's own binaries
 * (`apt-get install postgresql redis-server`; scripts/lib/queue-services.sh installs them), never a
 * system service. Each runs in a folder of the state directory, on 127.0.0.1 only, on a free port,
 * with a password the caller generated once and keeps (queue.ts: `<state>/secrets.json`, mode 0600),
 * until `stop()`. Each is its own process group, so nothing of it outlives `stop()`.
 *
 * PostgreSQL refuses to run as root: when this process is root, initdb and postgres run as the
 * `postgres` system user (FIRTH_PG_USER to pick another), which owns the cluster's folder. Where that
 * user cannot reach the state folder (e.g. one under /root, mode 0700), the cluster lives in
 * /var/tmp/firth-postgres-<hash of the folder> instead, and the folder is a link to it.
 *
 *   const pg = await startPostgres({ dir: '.n8n-queue/postgres', password }); // pg.port: a free port
 *   await psql(pg, 'SELECT 1'); // '1'
 *   await pg.stop();
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  accessSync,
  chmodSync,
  chownSync,
  closeSync,
  constants,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { freePort, LOOPBACK } from './env.js';
import { run, tail } from './process.js';

const OFF = /^(off|0|false|no)$/i;

/** How to install what queue mode needs, for error messages. */
const INSTALL_HINT =
  '`sudo apt-get install postgresql redis-server` (Debian/Ubuntu; `bash scripts/start.sh --queue` does it when it runs as root or with passwordless sudo)';

function executable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The folder holding PostgreSQL's initdb, postgres and psql: FIRTH_PG_BINDIR, else Debian's newest
 * /usr/lib/postgresql/<version>/bin. Throws a message naming what to install.
 */
export function findPostgres(env: NodeJS.ProcessEnv = process.env): string {
  const has = (dir: string) => ['initdb', 'postgres', 'psql'].every((b) => executable(join(dir, b)));
  const chosen = env['FIRTH_PG_BINDIR'];
  if (chosen) {
    if (!has(chosen)) throw new Error(`FIRTH_PG_BINDIR=${chosen} has no initdb, postgres and psql`);
    return chosen;
  }
  let versions: string[] = [];
  try {
    versions = readdirSync('/usr/lib/postgresql').filter((v) => /^\d+$/.test(v));
  } catch {
    // Not installed.
  }
  for (const version of versions.sort((a, b) => Number(b) - Number(a))) {
    const dir = `/usr/lib/postgresql/${version}/bin`;
    if (has(dir)) return dir;
  }
  throw new Error(
    `PostgreSQL is not installed, and n8n's queue mode keeps its workflows and executions there. Install it: ${INSTALL_HINT}, or set FIRTH_PG_BINDIR to a folder with initdb, postgres and psql`,
  );
}

/** redis-server: FIRTH_REDIS_SERVER, else on PATH or in /usr/bin. Throws a message naming what to install. */
export function findRedis(env: NodeJS.ProcessEnv = process.env): string {
  const chosen = env['FIRTH_REDIS_SERVER'];
  if (chosen) {
    if (!executable(chosen)) throw new Error(`FIRTH_REDIS_SERVER=${chosen} is not an executable file`);
    return chosen;
  }
  for (const dir of [...(env['PATH'] ?? '').split(delimiter), '/usr/bin', '/usr/sbin']) {
    if (dir && executable(join(dir, 'redis-server'))) return join(dir, 'redis-server');
  }
  throw new Error(
    `redis-server is not installed, and n8n's queue mode keeps its queue there. Install it: ${INSTALL_HINT}, or set FIRTH_REDIS_SERVER to a redis-server binary`,
  );
}

/**
 * What queue mode runs here, or why it cannot: `{ skip }` carries FIRTH_QUEUE_SKIP (scripts/test.sh
 * sets it when it could not install them), FIRTH_QUEUE=off, or the missing binary's message.
 */
export function findQueueServices(
  env: NodeJS.ProcessEnv = process.env,
): { postgres: string; redis: string } | { skip: string } {
  if (OFF.test(env['FIRTH_QUEUE'] ?? '')) return { skip: 'FIRTH_QUEUE=off: the queue tier was turned off' };
  if (env['FIRTH_QUEUE_SKIP']) return { skip: env['FIRTH_QUEUE_SKIP'] };
  try {
    return { postgres: findPostgres(env), redis: findRedis(env) };
  } catch (error) {
    return { skip: (error as Error).message };
  }
}

/** A service this module started. */
export interface ServiceProcess {
  pid: number;
  /** Its log (PostgreSQL's and Redis' own messages). */
  logFile: string;
  /** Resolves with its exit code when it exits, for whatever reason. */
  exited: Promise<number>;
  /** Stops it (its clean shutdown signal, SIGKILL to its group after `graceMs`); resolves once it exited. */
  stop(graceMs?: number): Promise<void>;
}

/** Where a client reaches PostgreSQL, and the psql that talks to it. */
export interface PostgresConnection {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
  /** PostgreSQL's bin folder (psql). */
  bindir: string;
}

export interface PostgresServer extends PostgresConnection, ServiceProcess {
  /** The cluster's folder (the `dir` given, or where it links to when root could not use it). */
  dataDir: string;
}

export interface RedisServer extends ServiceProcess {
  host: string;
  port: number;
  password: string;
}

/** The unprivileged user PostgreSQL runs as when this process is root; undefined when it is not root. */
function postgresOwner(env: NodeJS.ProcessEnv): { name: string; uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const name = env['FIRTH_PG_USER'] || 'postgres';
  const entry = spawnSync('getent', ['passwd', name], { encoding: 'utf8' }).stdout?.trim();
  const [, , uid, gid] = entry ? entry.split(':') : [];
  if (!uid || !gid) {
    throw new Error(
      `running as root, and PostgreSQL refuses to run as root, but there is no "${name}" user to run it as: install Debian's postgresql (it creates one) or set FIRTH_PG_USER to an unprivileged user`,
    );
  }
  return { name, uid: Number(uid), gid: Number(gid) };
}

/** Whether `user` can reach (traverse into) `path`, every folder above it included. */
function reachable(path: string, user: { uid: number; gid: number }): boolean {
  return spawnSync('test', ['-x', path], { uid: user.uid, gid: user.gid }).status === 0;
}

/**
 * The cluster's folder: `dir`, owned by `owner` when there is one; or, where `owner` cannot reach
 * `dir`'s parent, a folder in /var/tmp that `dir` links to.
 */
function clusterDir(dir: string, owner: { uid: number; gid: number; name: string } | undefined): string {
  dir = resolve(dir);
  mkdirSync(dirname(dir), { recursive: true });
  let isLink = false;
  try {
    isLink = lstatSync(dir).isSymbolicLink();
  } catch {
    // Not there yet.
  }
  if (isLink) {
    const target = realpathSync(dir);
    if (owner) chownSync(target, owner.uid, owner.gid);
    return target;
  }
  if (!owner || reachable(dirname(dir), owner)) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    chmodSync(dir, 0o700);
    if (owner && !existsSync(join(dir, 'PG_VERSION'))) chownSync(dir, owner.uid, owner.gid);
    return dir;
  }
  const hash = createHash('sha256').update(dir).digest('hex').slice(0, 12);
  const elsewhere = `/var/tmp/firth-postgres-${hash}`;
  mkdirSync(elsewhere, { recursive: true, mode: 0o700 });
  chmodSync(elsewhere, 0o700);
  chownSync(elsewhere, owner.uid, owner.gid);
  rmSync(dir, { recursive: true, force: true });
  symlinkSync(elsewhere, dir);
  return elsewhere;
}

/** A process still alive whose command line mentions `word` (a leftover of an earlier start)? */
function aliveAs(pid: number, word: string): boolean {
  try {
    process.kill(pid, 0);
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(word);
  } catch {
    return false;
  }
}

/** Signals a leftover server and waits (up to 30 s) for it to exit. */
async function stopLeftover(pid: number, signal: NodeJS.Signals, say: (line: string) => void, what: string) {
  say(`stopping ${what} (pid ${pid}) left running by an earlier start`);
  try {
    process.kill(pid, signal);
  } catch {
    return;
  }
  for (let i = 0; i < 300; i++) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} (pid ${pid}) did not stop; stop it yourself and start again`);
}

/** Spawns a service in its own process group with its output appended to `logFile`. */
function spawnService(
  command: string,
  args: readonly string[],
  options: {
    logFile: string;
    stopSignal: NodeJS.Signals;
    uid?: number;
    gid?: number;
    env?: NodeJS.ProcessEnv;
  },
): ServiceProcess {
  const log = openSync(options.logFile, 'a');
  const child = spawn(command, args, {
    cwd: '/',
    env: options.env ?? process.env,
    detached: true,
    stdio: ['ignore', log, log],
    ...(options.uid !== undefined ? { uid: options.uid, gid: options.gid } : {}),
  });
  closeSync(log);
  if (child.pid === undefined) throw new Error(`could not spawn ${command}`);
  const pid = child.pid;
  let code: number | undefined;
  const exited = new Promise<number>((resolve) => {
    child.on('exit', (c, signal) => {
      code = c ?? (signal ? 128 : 1);
      resolve(code);
    });
  });
  child.on('error', () => {}); // reported through `exited`
  const killGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-pid, signal);
    } catch {
      // Already gone.
    }
  };
  return {
    pid,
    logFile: options.logFile,
    exited,
    async stop(graceMs = 20_000) {
      if (code === undefined) killGroup(options.stopSignal);
      const timer = setTimeout(() => killGroup('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
      killGroup('SIGKILL'); // anything of its group still there
    },
  };
}

function readLog(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

/** Polls `check` every 250 ms until it resolves true; fails when `service` exits or after `timeoutMs`. */
async function waitFor(
  what: string,
  service: ServiceProcess,
  check: () => Promise<boolean>,
  timeoutMs: number,
): Promise<void> {
  let exitCode: number | undefined;
  void service.exited.then((c) => {
    exitCode = c;
  });
  const deadline = Date.now() + timeoutMs;
  while (true) {
    if (exitCode !== undefined)
      throw new Error(
        `${what} exited with ${exitCode} before it was ready. ${service.logFile}:\n${tail(readLog(service.logFile))}`,
      );
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) {
      await service.stop(5_000);
      throw new Error(
        `${what} was not ready after ${timeoutMs} ms. ${service.logFile}:\n${tail(readLog(service.logFile))}`,
      );
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * Runs SQL through psql on a connection; resolves with psql's unaligned, tuples-only output (one
 * row a line, `|` between columns). `vars` become psql variables (`:'name'` quotes one as a literal).
 * Throws psql's message on an error.
 *
 *   await psql(pg, "SELECT count(*) FROM execution_entity WHERE status = :'s'", { vars: { s: 'success' } })
 */
export async function psql(
  connection: PostgresConnection,
  sql: string,
  options: { database?: string; vars?: Record<string, string> } = {},
): Promise<string> {
  const args = ['-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1'];
  for (const [name, value] of Object.entries(options.vars ?? {})) args.push('-v', `${name}=${value}`);
  args.push(
    '-h',
    connection.host,
    '-p',
    String(connection.port),
    '-U',
    connection.user,
    '-d',
    options.database ?? connection.database,
    '-f',
    '-',
  );
  const result = await run(join(connection.bindir, 'psql'), args, {
    env: { ...process.env, PGPASSWORD: connection.password, PGCONNECT_TIMEOUT: '5', PGAPPNAME: 'firth' },
    input: sql,
  });
  if (result.code !== 0)
    throw new Error(`psql on ${connection.host}:${connection.port}: ${result.stderr.trim()}`);
  return result.stdout.trimEnd();
}

/**
 * Starts PostgreSQL on a free 127.0.0.1 port with its cluster in `dir` (initdb on first use: user
 * `firth` with `password`, scram-sha-256, no Unix socket) and makes sure `database` exists.
 */
export async function startPostgres(options: {
  dir: string;
  password: string;
  /** @default 'n8n' */
  database?: string;
  /** @default `<dir>.log` */
  logFile?: string;
  say?: (line: string) => void;
  env?: NodeJS.ProcessEnv;
}): Promise<PostgresServer> {
  const env = options.env ?? process.env;
  const say = options.say ?? (() => {});
  const bindir = findPostgres(env);
  const owner = postgresOwner(env);
  const dataDir = clusterDir(options.dir, owner);
  const logFile = options.logFile ?? `${resolve(options.dir)}.log`;
  const as = owner ? { uid: owner.uid, gid: owner.gid } : {};
  const user = 'firth';
  if (!existsSync(join(dataDir, 'PG_VERSION'))) {
    say(
      `initdb: a new PostgreSQL cluster in ${dataDir}${owner ? ` (owned by ${owner.name}: PostgreSQL refuses root)` : ''}`,
    );
    const secret = mkdtempSync(join(tmpdir(), 'firth-pg-'));
    try {
      const pwfile = join(secret, 'pw');
      writeFileSync(pwfile, `${options.password}\n`, { mode: 0o600 });
      if (owner) {
        chownSync(secret, owner.uid, owner.gid);
        chownSync(pwfile, owner.uid, owner.gid);
      }
      const init = await run(
        join(bindir, 'initdb'),
        [
          '-D',
          dataDir,
          '-U',
          user,
          `--pwfile=${pwfile}`,
          '--auth=scram-sha-256',
          '--encoding=UTF8',
          '--locale=C',
        ],
        { cwd: '/', env, ...as },
      );
      if (init.code !== 0)
        throw new Error(`initdb failed (exit ${init.code}):\n${tail(init.stdout + init.stderr)}`);
    } finally {
      rmSync(secret, { recursive: true, force: true });
    }
  }
  const pidFile = join(dataDir, 'postmaster.pid');
  if (existsSync(pidFile)) {
    const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
    if (pid > 0 && aliveAs(pid, 'postgres')) await stopLeftover(pid, 'SIGINT', say, 'a PostgreSQL');
  }
  const port = await freePort();
  const service = spawnService(
    join(bindir, 'postgres'),
    [
      '-D',
      dataDir,
      '-p',
      String(port),
      '-c',
      `listen_addresses=${LOOPBACK}`,
      '-c',
      'unix_socket_directories=',
    ],
    // SIGINT: PostgreSQL's "fast" shutdown (SIGTERM would wait for n8n's pooled connections)
    { logFile, stopSignal: 'SIGINT', env, ...as },
  );
  const connection: PostgresConnection = {
    host: LOOPBACK,
    port,
    user,
    password: options.password,
    database: 'postgres',
    bindir,
  };
  await waitFor('PostgreSQL', service, async () => (await psql(connection, 'SELECT 1')) === '1', 60_000);
  const database = options.database ?? 'n8n';
  if (
    (await psql(connection, `SELECT 1 FROM pg_database WHERE datname = :'db'`, {
      vars: { db: database },
    })) !== '1'
  )
    await psql(connection, `CREATE DATABASE "${database.replace(/"/g, '""')}"`);
  return { ...connection, ...service, database, dataDir };
}

/** Sends RESP commands and resolves with what Redis answered (until `expect` matches or 5 s). */
function redisSay(port: number, commands: string[], expect: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: LOOPBACK, port });
    let answer = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`Redis answered ${JSON.stringify(answer)}`));
    }, 5_000);
    socket.setEncoding('utf8');
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.on('data', (chunk: string) => {
      answer += chunk;
      if (expect.test(answer)) {
        clearTimeout(timer);
        socket.end();
        resolve(answer);
      }
    });
    socket.on('connect', () => {
      socket.write(
        commands
          .map((c) => {
            const parts = c.split(' ');
            return `*${parts.length}\r\n${parts.map((p) => `$${Buffer.byteLength(p)}\r\n${p}\r\n`).join('')}`;
          })
          .join(''),
      );
    });
  });
}

/**
 * Starts redis-server on a free 127.0.0.1 port with `password` (requirepass), its append-only file
 * in `dir` (so a queue survives a restart of the stack), no RDB snapshots.
 */
export async function startRedis(options: {
  dir: string;
  password: string;
  say?: (line: string) => void;
  env?: NodeJS.ProcessEnv;
}): Promise<RedisServer> {
  const env = options.env ?? process.env;
  const say = options.say ?? (() => {});
  const bin = findRedis(env);
  const dir = resolve(options.dir);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  const pidFile = join(dir, 'redis.pid');
  if (existsSync(pidFile)) {
    const pid = Number(readFileSync(pidFile, 'utf8').trim());
    if (pid > 0 && aliveAs(pid, 'redis')) await stopLeftover(pid, 'SIGTERM', say, 'a Redis');
  }
  if (!/^[A-Za-z0-9_-]+$/.test(options.password))
    throw new Error('the Redis password must be [A-Za-z0-9_-]+');
  const port = await freePort();
  const conf = join(dir, 'redis.conf');
  // The password lives in a 0600 file, not on a command line every user can read in `ps`.
  writeFileSync(
    conf,
    [
      `bind ${LOOPBACK}`,
      `port ${port}`,
      'protected-mode yes',
      `requirepass ${options.password}`,
      `dir ${dir}`,
      'appendonly yes',
      'save ""',
      'daemonize no',
      `pidfile ${pidFile}`,
      'logfile ""',
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
  chmodSync(conf, 0o600);
  const service = spawnService(bin, [conf], { logFile: join(dir, 'redis.log'), stopSignal: 'SIGTERM', env });
  await waitFor(
    'Redis',
    service,
    async () =>
      /\+PONG/.test(
        await redisSay(port, [`AUTH ${options.password}`, 'PING'], /\+PONG|-ERR|-WRONGPASS|-NOAUTH/),
      ),
    30_000,
  );
  return { ...service, host: LOOPBACK, port, password: options.password };
}
