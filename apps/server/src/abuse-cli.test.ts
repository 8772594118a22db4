/**
 * The real `firth-server` process (node dist/cli.js), with and without a key: request targets
 * that used to end the process (`//%`, `//x:999999/`), bad percent-escapes, NUL bytes, a foreign
 * Host, a slowloris, an oversized body — then it still answers a chat, and it stops cleanly on
 * SIGTERM. dist/ is rebuilt first when it is older than src/ (CI builds before testing anyway).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { httpRequest, rawRequest } from './raw-http.test-support.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = join(root, 'dist', 'cli.js');
const KEY = 'sk-cli-abuse-9876543210';

/** Builds dist/ when a source file is newer than dist/cli.js. */
function ensureBuilt() {
  const built = existsSync(cli) ? statSync(cli).mtimeMs : 0;
  const src = join(root, 'src');
  const newest = Math.max(...readdirSync(src).map((f) => statSync(join(src, f)).mtimeMs));
  if (newest <= built) return;
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
}

interface Running {
  child: ChildProcess;
  port: number;
  stderr: string[];
}

/** Starts the CLI on a free port; resolves with its port once it printed its URL. */
function start(env: Record<string, string> = {}): Promise<Running> {
  const child = spawn(process.execPath, [cli, '--port', '0'], {
    env: { ...process.env, FIRTH_SERVER_KEY: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stderr: string[] = [];
  child.stderr!.on('data', (d) => stderr.push(String(d)));
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`firth-server exited (${code}): ${stderr.join('')}`)));
    child.stdout!.once('data', (d) => {
      const url = /http:\/\/127\.0\.0\.1:(\d+)/.exec(String(d));
      if (!url) reject(new Error(`no URL in ${String(d)}`));
      else resolve({ child, port: Number(url[1]), stderr });
    });
  });
}

const alive = (r: Running) => r.child.exitCode === null && r.child.signalCode === null;

let open: Running;
let locked: Running;
beforeAll(async () => {
  ensureBuilt();
  [open, locked] = await Promise.all([start(), start({ FIRTH_SERVER_KEY: KEY })]);
}, 120_000);
afterAll(() => {
  for (const r of [open, locked]) if (r && alive(r)) r.child.kill('SIGKILL');
});

describe('the real CLI process', () => {
  test('malformed request targets, a foreign Host, bad bytes: answered, the process lives', async () => {
    for (const r of [open, locked]) {
      const expect4xx = async (bytes: Buffer | string, status?: number) => {
        const answer = await rawRequest(r.port, bytes);
        if (status) expect(answer.status).toBe(status);
        expect(answer.status).toBeGreaterThanOrEqual(400);
        expect(answer.status).toBeLessThan(500);
      };
      const key: Record<string, string> = r === locked ? { authorization: `Bearer ${KEY}` } : {};
      await expect4xx(httpRequest('GET', '//%', key), 404);
      await expect4xx(httpRequest('GET', '//x:999999/', key), 404);
      await expect4xx(httpRequest('GET', '//x:999999/')); // no key: 401 on the locked one
      await expect4xx(httpRequest('GET', '/v1/models/%zz', key), 400);
      await expect4xx(httpRequest('GET', 'http://evil.example/v1/models', key), 403);
      await expect4xx(httpRequest('GET', '/v1/models', { ...key, host: 'rebound.evil.example' }), 403);
      await expect4xx(Buffer.from('GET /\0 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n', 'latin1'), 400);
      await expect4xx(
        httpRequest('POST', '/v1/chat/completions', {
          ...key,
          'content-type': 'application/json',
          'content-length': '99999999',
        }),
        413,
      );
      await expect4xx(httpRequest('POST', '/api/chat', { ...key, 'content-type': 'text/plain' }, '{}'), 415);
      expect(alive(r)).toBe(true);
      const chat = await rawRequest(
        r.port,
        httpRequest(
          'POST',
          '/v1/chat/completions',
          { ...key, 'content-type': 'application/json' },
          JSON.stringify({
            model: 'tinystories-260k',
            messages: [{ role: 'user', content: 'Once upon a time' }],
            max_tokens: 6,
            temperature: 0,
          }),
        ),
        { timeoutMs: 30_000 },
      );
      expect(chat.status).toBe(200);
      expect(JSON.parse(chat.body).choices[0].message.content).toMatch(/^, there was a little/);
    }
    expect(locked.stderr.join('')).not.toContain(KEY);
  }, 60_000);

  test('stops cleanly on SIGTERM', async () => {
    const exited = new Promise<number | null>((resolve) => open.child.once('exit', resolve));
    open.child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
