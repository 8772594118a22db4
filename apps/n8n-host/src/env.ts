/**
 * The environment a headless, offline, loopback-only n8n runs in (measured in shared/notes/n8n.md).
 *
 * A "user folder" is what n8n calls `N8N_USER_FOLDER`: n8n keeps everything under `<it>/.n8n`
 * (the SQLite database, `config` with the encryption key, community nodes in `nodes/`). One folder
 * is one n8n instance; `scripts/start.sh` keeps one at `<repo>/.n8n-user`, tests make a fresh one.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

/** The only address anything here listens on. */
export const LOOPBACK = '127.0.0.1';

/** `<userFolder>/.n8n`, where n8n keeps its state. */
export function n8nDir(userFolder: string): string {
  return join(userFolder, '.n8n');
}

/**
 * The instance's encryption key (n8n encrypts stored credentials with it). Generated once per user
 * folder and kept where n8n itself keeps it, `<userFolder>/.n8n/config`, so that passing it as
 * `N8N_ENCRYPTION_KEY` never disagrees with the file ("Mismatching encryption keys").
 */
export function encryptionKey(userFolder: string): string {
  const dir = n8nDir(userFolder);
  const file = join(dir, 'config');
  if (existsSync(file)) {
    const config = JSON.parse(readFileSync(file, 'utf8')) as { encryptionKey?: unknown };
    if (typeof config.encryptionKey === 'string' && config.encryptionKey) return config.encryptionKey;
  }
  const key = randomBytes(24).toString('base64url');
  mkdirSync(dir, { recursive: true });
  writeFileSync(file, `${JSON.stringify({ encryptionKey: key }, null, '\t')}\n`, { mode: 0o600 });
  return key;
}

export interface N8nEnvOptions {
  /** Port of the editor and REST API. @default 5678 — n8n's own default */
  port?: number;
  /**
   * Port of the task-runner broker (n8n runs Code-node JavaScript in a child runner that connects
   * back to it). @default a free port — n8n's default 5679 would collide between two instances,
   * e.g. `scripts/start.sh` running while the integration test executes workflows.
   */
  runnersBrokerPort?: number;
  /**
   * More environment, over the headless settings: queue mode's database, Redis and EXECUTIONS_MODE
   * (queue.ts). @default none — the folder's SQLite database, one process
   */
  env?: NodeJS.ProcessEnv;
}

/**
 * The environment for any `n8n` command on `userFolder`: this process's environment, then the
 * headless settings, then `extra` (which wins).
 *
 *   await n8nEnv('/tmp/u', { port: 5800 }) // { N8N_USER_FOLDER: '/tmp/u', N8N_PORT: '5800', DB_TYPE: 'sqlite', ... }
 */
export async function n8nEnv(
  userFolder: string,
  options: N8nEnvOptions = {},
  extra: NodeJS.ProcessEnv = {},
): Promise<NodeJS.ProcessEnv> {
  return {
    ...process.env,
    // As n8n's Docker image runs it. Under vitest NODE_ENV is 'test', and n8n then behaves like its
    // own test suite (e.g. `export:nodes` writes nothing and exits 0).
    NODE_ENV: 'production',
    N8N_USER_FOLDER: userFolder,
    N8N_ENCRYPTION_KEY: encryptionKey(userFolder),
    N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'true',
    DB_TYPE: 'sqlite',
    // Loopback only, plain http: the auth cookie must not be `Secure` or browsers drop it.
    N8N_LISTEN_ADDRESS: LOOPBACK,
    N8N_HOST: LOOPBACK,
    N8N_PROTOCOL: 'http',
    N8N_PORT: String(options.port ?? 5678),
    N8N_SECURE_COOKIE: 'false',
    // Offline: nothing phones home (startup still tries api.n8n.io once and carries on).
    N8N_DIAGNOSTICS_ENABLED: 'false',
    N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
    N8N_TEMPLATES_ENABLED: 'false',
    N8N_PERSONALIZATION_ENABLED: 'false',
    N8N_HIRING_BANNER_ENABLED: 'false',
    // Community packages are how n8n-nodes-firth gets loaded: keep them on.
    N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
    N8N_RUNNERS_MODE: 'internal',
    N8N_RUNNERS_BROKER_LISTEN_ADDRESS: LOOPBACK,
    N8N_RUNNERS_BROKER_PORT: String(options.runnersBrokerPort ?? (await freePort())),
    ...options.env,
    ...extra,
  };
}

/** A TCP port that is free on the loopback right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, LOOPBACK, () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('could not read the port of a probe server'));
      });
    });
  });
}

/** Throws a clear error when something already listens on `LOOPBACK:port`. */
export function assertPortFree(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'EADDRINUSE'
          ? new Error(
              `port ${port} on ${LOOPBACK} is already in use (another n8n?). Stop it or pick another, e.g. N8N_PORT=5690`,
            )
          : error,
      );
    });
    server.listen(port, LOOPBACK, () => server.close(() => resolve()));
  });
}
