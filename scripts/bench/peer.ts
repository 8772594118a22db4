/**
 * What the benchmarks (`packages/<name>/src/<x>.bench.ts`) share: running a peer written in Python in a
 * separate process, the median, the machine's load. Run them with `scripts/bench/ts-hooks.mjs`
 * preloaded (see there).
 *
 * The peer script reads one JSON file (its first argument) and prints one JSON line last: its
 * results, or `{"error": "…"}` when an import fails. Python is `FIRTH_BENCH_PYTHON`, by default
 * `/usr/bin/python3` — Debian's, which sees python3-sklearn and python3-torch (a pyenv `python3`
 * on PATH does not).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';

export const PYTHON = process.env.FIRTH_BENCH_PYTHON ?? '/usr/bin/python3';

/** Median of a non-empty list. */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

/** `load average 1.02 0.97 0.80` — timings on a busy machine are pessimistic; print it with them. */
export function loadAverage(): string {
  return `load average ${loadavg()
    .map((v) => v.toFixed(2))
    .join(' ')}`;
}

/**
 * Runs `script` with `input` (written as JSON to a temporary file, whose path is `sys.argv[1]`)
 * and returns the last line of its stdout, parsed; or, when Python or an import is missing or the
 * script fails, a string saying why. `env` entries override the environment; `null` unsets one.
 *
 *   runPython<{ ms: number[] }>(PY, { steps: 30 }, { OPENBLAS_NUM_THREADS: '1' })
 */
export function runPython<T extends object>(
  script: string,
  input: unknown,
  env: Record<string, string | null> = {},
): T | string {
  const childEnv = { ...process.env };
  for (const [k, v] of Object.entries(env)) {
    if (v === null) delete childEnv[k];
    else childEnv[k] = v;
  }
  const dir = mkdtempSync(join(tmpdir(), 'firth-bench-'));
  try {
    const file = join(dir, 'input.json');
    writeFileSync(file, JSON.stringify(input));
    const r = spawnSync(PYTHON, ['-c', script, file], {
      env: childEnv,
      encoding: 'utf8',
      maxBuffer: 1 << 26,
    });
    if (r.error) return `${PYTHON}: ${r.error.message}`;
    const last = r.stdout.trim().split('\n').at(-1) ?? '';
    let parsed: T & { error?: string };
    try {
      parsed = JSON.parse(last);
    } catch {
      return `${PYTHON} exited ${r.status}: ${(r.stderr || r.stdout).trim().split('\n').at(-1)}`;
    }
    if (parsed === null || typeof parsed !== 'object') return `${PYTHON} printed ${last.slice(0, 80)}`;
    return parsed.error === undefined ? parsed : parsed.error;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
