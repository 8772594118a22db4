/**
 * A running `n8n start` (editor, REST API, webhooks) and a logged-in REST session to it.
 *
 * n8n runs in its own process group, so `stop()` also ends the task runner it spawns, and a Ctrl-C
 * in the terminal reaches us first (we stop n8n cleanly instead of both racing to exit).
 */
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { assertPortFree, LOOPBACK, n8nEnv } from './env.js';
import { n8nCommand, tail } from './process.js';

export interface StartOptions {
  /** @default 5678 */
  port?: number;
  /** Where n8n's own log goes. @default `<userFolder>/n8n.log` */
  logFile?: string;
  /** How long to wait for `/healthz/readiness`. @default 180 s — ~25 s on 2 cores, cold disks are slower */
  readyTimeoutMs?: number;
  /**
   * The n8n command line. @default ['start']. Queue mode's workers: ['worker', '--concurrency=10'],
   * with `port` the worker's health-check port (QUEUE_HEALTH_CHECK_PORT in `env`), where
   * `/healthz/readiness` answers once its database and Redis are connected.
   */
  args?: readonly string[];
  /** More environment over the headless settings (queue mode: Postgres, Redis). @default none */
  env?: NodeJS.ProcessEnv;
}

export interface N8nHandle {
  /** `http://127.0.0.1:<port>` */
  baseUrl: string;
  pid: number;
  logFile: string;
  /** Resolves with n8n's exit code when it exits, for whatever reason. */
  exited: Promise<number>;
  /** SIGTERM to n8n's process group, SIGKILL after `graceMs`; resolves once it has exited. */
  stop(graceMs?: number): Promise<number>;
  /** Sends `signal` to n8n's process group (n8n and its task runner), e.g. SIGKILL for a crash. */
  kill(signal: NodeJS.Signals): void;
}

/**
 * Spawns `n8n start` on a user folder and resolves once `GET /healthz/readiness` answers 200
 * (database migrated, server listening). Fails fast when the port is taken or n8n exits.
 *
 *   const n8n = await startN8n('/tmp/u', { port: 5800 }); // n8n.baseUrl === 'http://127.0.0.1:5800'
 *   await n8n.stop();
 */
export async function startN8n(userFolder: string, options: StartOptions = {}): Promise<N8nHandle> {
  const handle = await spawnN8n(userFolder, options);
  await handle.ready;
  return handle;
}

/**
 * `startN8n` without the wait: returns as soon as n8n is spawned, so a caller can install signal
 * handlers that stop it before it is ready. `ready` rejects (after stopping n8n) if it never is.
 */
export async function spawnN8n(
  userFolder: string,
  options: StartOptions = {},
): Promise<N8nHandle & { ready: Promise<void> }> {
  const port = options.port ?? 5678;
  await assertPortFree(port);
  const env = await n8nEnv(userFolder, { port, ...(options.env ? { env: options.env } : {}) });
  const logFile = options.logFile ?? join(userFolder, 'n8n.log');
  mkdirSync(dirname(logFile), { recursive: true });
  const log = openSync(logFile, 'a');
  const [command, argv] = n8nCommand(options.args ?? ['start'], env);
  const child = spawn(command, argv, { env, detached: true, stdio: ['ignore', log, log] });
  closeSync(log);
  if (child.pid === undefined) throw new Error(`could not spawn ${command}`);
  const pid = child.pid;
  let exitCode: number | undefined;
  const exited = new Promise<number>((resolve) => {
    child.on('exit', (code, signal) => {
      exitCode = code ?? (signal ? 128 : 1);
      resolve(exitCode);
    });
  });

  const killGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-pid, signal);
    } catch {
      // Already gone.
    }
  };
  const handle: N8nHandle = {
    baseUrl: `http://${LOOPBACK}:${port}`,
    pid,
    logFile,
    exited,
    async stop(graceMs = 20_000) {
      if (exitCode === undefined) killGroup('SIGTERM');
      const timer = setTimeout(() => killGroup('SIGKILL'), graceMs);
      const code = await exited;
      clearTimeout(timer);
      // The task runner shares the group; make sure nothing of it outlives n8n.
      killGroup('SIGKILL');
      return code;
    },
    kill: killGroup,
  };

  const timeoutMs = options.readyTimeoutMs ?? 180_000;
  const ready = (async () => {
    const deadline = Date.now() + timeoutMs;
    while (true) {
      if (exitCode !== undefined) {
        throw new Error(
          `n8n exited with ${exitCode} before it was ready. ${logFile}:\n${tail(readLog(logFile))}`,
        );
      }
      if (Date.now() > deadline) {
        await handle.stop(5_000);
        throw new Error(`n8n was not ready after ${timeoutMs} ms. ${logFile}:\n${tail(readLog(logFile))}`);
      }
      try {
        const response = await fetch(`${handle.baseUrl}/healthz/readiness`, {
          signal: AbortSignal.timeout(2_000),
        });
        if (response.ok) return;
      } catch {
        // Not listening yet.
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  })();
  // Reported through `await ready`; never an unhandled rejection if the caller stops first.
  ready.catch(() => {});
  return { ...handle, ready };
}

function readLog(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

export interface OwnerAccount {
  email: string;
  firstName: string;
  lastName: string;
  /** 8–64 characters with at least one digit and one capital letter (n8n's rule). */
  password: string;
}

/** A logged-in session: requests carry n8n's `n8n-auth` cookie. */
export interface RestSession {
  baseUrl: string;
  /** True when this call created the owner; false when it existed and we logged in. */
  created: boolean;
  /** GET a path (`/rest/workflows`, `/types/nodes.json`) and parse the JSON; throws on non-2xx. */
  get<T = unknown>(path: string): Promise<T>;
  /** POST JSON to a path (`/rest/workflows/<id>/activate`) and parse the answer; throws on non-2xx. */
  post<T = unknown>(path: string, body: unknown): Promise<T>;
}

/**
 * Sets up the instance owner (`POST /rest/owner/setup`) on a fresh n8n and returns a session.
 * Idempotent: when the owner already exists, logs in with the same credentials instead
 * (`POST /rest/login`), which fails loudly if the password differs.
 */
export async function setupOwner(baseUrl: string, owner: OwnerAccount): Promise<RestSession> {
  const setup = await postJson(baseUrl, '/rest/owner/setup', owner);
  if (setup.ok) return session(baseUrl, authCookie(setup), true);
  const body = await setup.text();
  if (!(setup.status === 400 && /already set ?up/i.test(body))) {
    throw new Error(`owner setup failed: ${setup.status} ${body}`);
  }
  return login(baseUrl, owner.email, owner.password);
}

/** Logs in (`POST /rest/login`) and returns a session. */
export async function login(baseUrl: string, email: string, password: string): Promise<RestSession> {
  const response = await postJson(baseUrl, '/rest/login', { emailOrLdapLoginId: email, password });
  if (!response.ok) {
    throw new Error(
      `login as ${email} failed: ${response.status} ${await response.text()}` +
        (response.status === 401 ? ' (the owner exists with another password?)' : ''),
    );
  }
  return session(baseUrl, authCookie(response), false);
}

function postJson(baseUrl: string, path: string, body: unknown): Promise<Response> {
  return fetch(`${baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

function authCookie(response: Response): string {
  const cookie = response.headers
    .getSetCookie()
    .map((c) => c.split(';')[0] ?? '')
    .find((c) => c.startsWith('n8n-auth='));
  if (!cookie) throw new Error(`n8n answered ${response.url} without an n8n-auth cookie`);
  return cookie;
}

function session(baseUrl: string, cookie: string, created: boolean): RestSession {
  return {
    baseUrl,
    created,
    async get<T>(path: string) {
      const response = await fetch(`${baseUrl}${path}`, { headers: { cookie } });
      if (!response.ok) throw new Error(`GET ${path}: ${response.status} ${await response.text()}`);
      return (await response.json()) as T;
    },
    async post<T>(path: string, body: unknown) {
      const response = await fetch(`${baseUrl}${path}`, {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      if (!response.ok) throw new Error(`POST ${path}: ${response.status} ${await response.text()}`);
      return (await response.json()) as T;
    },
  };
}
