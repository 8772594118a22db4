/**
 * Running child processes: a command to completion (`run`), and the n8n binary (`n8nCommand`).
 *
 * n8n is started with this process's own Node (`process.execPath`), never with whatever `node` is
 * first on PATH: n8n 2.x needs Node >= 24, and the toolchain guarantees only that we run on 24.
 */
import { spawn } from 'node:child_process';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Run as this user and group (the caller must be root): PostgreSQL as `postgres`, see services.ts. */
  uid?: number;
  gid?: number;
  /** Written to the command's standard input, then closed. @default no input */
  input?: string;
}

/** Runs `command args` to completion and collects its output; rejects only if it cannot be spawned. */
export function run(command: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env,
      ...(options.uid !== undefined ? { uid: options.uid } : {}),
      ...(options.gid !== undefined ? { gid: options.gid } : {}),
      stdio: [options.input !== undefined ? 'pipe' : 'ignore', 'pipe', 'pipe'],
    });
    if (options.input !== undefined) {
      child.stdin?.on('error', () => {}); // it exited before reading: its exit code says why
      child.stdin?.end(options.input);
    }
    let stdout = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr }));
  });
}

/** Like `run`, but a non-zero exit is an error that carries the command and the tail of its output. */
export async function runChecked(
  command: string,
  args: readonly string[],
  options: RunOptions = {},
): Promise<RunResult> {
  const result = await run(command, args, options);
  if (result.code !== 0) {
    throw new Error(
      `\`${[command, ...args].join(' ')}\` exited with ${result.code}\n${tail(result.stdout + result.stderr)}`,
    );
  }
  return result;
}

/** The last `lines` lines of a log, for error messages. */
export function tail(text: string, lines = 40): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

/**
 * The pinned n8n's bin script, from `FIRTH_N8N_BIN` (exported by `firth_ensure_n8n` in
 * scripts/lib/n8n-runtime.sh). Throws a message that says how to get it.
 */
export function n8nBin(env: NodeJS.ProcessEnv = process.env): string {
  const bin = env['FIRTH_N8N_BIN'];
  if (!bin) {
    throw new Error(
      'FIRTH_N8N_BIN is not set. It points at the pinned n8n; get it with\n' +
        '  source scripts/lib/toolchain.sh && source scripts/lib/n8n-runtime.sh && firth_ensure_toolchain && firth_ensure_n8n\n' +
        '(scripts/start.sh does this for you).',
    );
  }
  return bin;
}

/** `n8n <args>` as [command, args] for `spawn`, run by the current Node. */
export function n8nCommand(
  args: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): [string, string[]] {
  return [process.execPath, [n8nBin(env), ...args]];
}
