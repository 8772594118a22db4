/**
 * Firth's local model server (@firth/server) beside n8n, and the n8n credentials that point at it.
 *
 * The workflows' embedded default is `http://127.0.0.1:8787` (OpenAI API under `/v1`, Ollama API
 * under `/api`): `firth-n8n start` runs the server there, and imports the committed credentials
 * (`workflows/credentials/*.json`, placeholder key only) so n8n's own OpenAI / Ollama chat-model
 * nodes reach it out of the box. A server elsewhere (another port, the tests' free port, a key)
 * gets the credentials rewritten at import time; the committed files never change.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFirthServer, type FirthServer, ggufChatModel, withGguf } from '@firth/server';
import { assertPortFree, LOOPBACK, type N8nEnvOptions } from './env.js';
import { n8nCli } from './headless.js';

/** Where the committed workflows and credentials expect the server. */
export const DEFAULT_FIRTH_SERVER_URL = 'http://127.0.0.1:8787';

/** `FIRTH_SERVER_PORT` (default 8787) as a port number; throws a message for the user otherwise. */
export function firthServerPort(value: string | undefined): number {
  const text = value || '8787';
  const port = Number(text);
  if (!/^\d+$/.test(text) || port < 1 || port > 65535)
    throw new Error(`FIRTH_SERVER_PORT must be a port number 1–65535, not ${value}`);
  return port;
}

/**
 * Starts @firth/server on `127.0.0.1:port` (0 = any free port). Fails with a clear message when the
 * port is taken. `apiKey` makes every request need `Authorization: Bearer <apiKey>`. `gguf` (a
 * model file; `firth-n8n start` reads FIRTH_GGUF_MODEL and FIRTH_GGUF_THREADS) is served beside
 * the shipped model by llama.cpp, so n8n's OpenAI and Ollama chat-model nodes reach the user's
 * own model through the committed credentials; it is loaded before the port opens.
 *
 *   const server = await startFirthServer({ port: 8787 }); // server.url === 'http://127.0.0.1:8787'
 *   await server.close();
 */
export async function startFirthServer(
  options: {
    port: number;
    apiKey?: string;
    log?: (line: string) => void;
    gguf?: string;
    threads?: number;
  } = { port: 8787 },
): Promise<FirthServer> {
  if (options.port !== 0) {
    await assertPortFree(options.port).catch(() => {
      throw new Error(
        `port ${options.port} on ${LOOPBACK} is already in use, so the Firth model server cannot start there. ` +
          `Stop what uses it, pick another (FIRTH_SERVER_PORT=8788; the imported credentials follow), ` +
          `or run without the server (FIRTH_SERVER=off)`,
      );
    });
  }
  const gguf = options.gguf
    ? await ggufChatModel(options.gguf, options.threads ? { threads: options.threads } : {})
    : undefined;
  return createFirthServer({
    ...(gguf ? { models: withGguf(gguf) } : {}),
    host: LOOPBACK,
    port: options.port,
    ...(options.apiKey ? { apiKey: options.apiKey } : {}),
    ...(options.log ? { log: options.log } : {}),
  });
}

/** One credential as `n8n import:credentials` reads it. `data` is plain (n8n encrypts it on import). */
export interface CredentialFile {
  id: string;
  name: string;
  type: string;
  data: Record<string, unknown>;
  [key: string]: unknown;
}

/** Where the imported credentials should point instead of what the files say. */
export interface CredentialOverrides {
  /** Replaces `http://127.0.0.1:8787` at the start of every string in `data` (e.g. a test's port). */
  firthServerUrl?: string;
  /** Replaces `apiKey` in every credential whose URL points at the Firth server. */
  firthServerKey?: string;
  /**
   * Replaces the connection of every `postgres` credential (host, port, user, password, database;
   * SSL off), e.g. the tests' PGlite server (startPgliteServer), and with `name` its display name
   * (a PgliteServer carries PGLITE_CREDENTIAL_NAME). The other fields stay.
   */
  postgres?: { host: string; port: number; user: string; password: string; database: string; name?: string };
}

/** Every credential in the `*.json` files of `dir` (each file: one credential or an array), by file name. */
export function readCredentialFiles(dir: string): CredentialFile[] {
  let files: string[];
  try {
    files = readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .sort();
  } catch {
    return [];
  }
  return files.flatMap((f) => {
    const parsed = JSON.parse(readFileSync(join(dir, f), 'utf8')) as CredentialFile | CredentialFile[];
    const list = Array.isArray(parsed) ? parsed : [parsed];
    for (const c of list) {
      if (typeof c.id !== 'string' || !c.id || typeof c.type !== 'string' || typeof c.data !== 'object') {
        throw new Error(`${join(dir, f)}: every credential needs a fixed "id", a "type" and a "data" object`);
      }
    }
    return list;
  });
}

/** The credentials with the overrides applied (pure; the input is not changed). */
export function applyCredentialOverrides(
  credentials: readonly CredentialFile[],
  overrides: CredentialOverrides = {},
): CredentialFile[] {
  const base = DEFAULT_FIRTH_SERVER_URL;
  const to = overrides.firthServerUrl?.replace(/\/+$/, '');
  return credentials.map((credential) => {
    const data: Record<string, unknown> = {};
    let pointsAtFirth = false;
    for (const [key, value] of Object.entries(credential.data)) {
      if (typeof value === 'string' && (value === base || value.startsWith(`${base}/`))) {
        pointsAtFirth = true;
        data[key] = to ? to + value.slice(base.length) : value;
      } else {
        data[key] = value;
      }
    }
    if (pointsAtFirth && overrides.firthServerKey) data['apiKey'] = overrides.firthServerKey;
    if (credential.type === 'postgres' && overrides.postgres) {
      const { host, port, user, password, database, name } = overrides.postgres;
      Object.assign(data, { host, port, user, password, database, ssl: 'disable' });
      if (name) return { ...credential, name, data };
    }
    return { ...credential, data };
  });
}

/**
 * Imports every credential in `dir` (`n8n import:credentials`), overrides applied. Credentials keep
 * their file `id`, so importing again updates them. The rewritten copy (it may hold a key) lives in a
 * private temporary folder only while n8n reads it. Returns what was imported (`data` not included).
 */
export async function importCredentials(
  userFolder: string,
  dir: string,
  overrides: CredentialOverrides = {},
  options: N8nEnvOptions = {},
): Promise<{ id: string; name: string; type: string }[]> {
  const credentials = applyCredentialOverrides(readCredentialFiles(dir), overrides);
  if (credentials.length === 0) return [];
  const tmp = mkdtempSync(join(tmpdir(), 'firth-credentials-'));
  try {
    const file = join(tmp, 'credentials.json');
    writeFileSync(file, JSON.stringify(credentials), { mode: 0o600 });
    await n8nCli(userFolder, ['import:credentials', `--input=${file}`], options);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return credentials.map(({ id, name, type }) => ({ id, name, type }));
}
