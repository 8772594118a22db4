/**
 * What the benchmarks (`packages/<name>/src/<x>.bench.ts`) share: running a peer written in Python in a
 * separate process, the median and percentiles, the machine's load, plain-text tables, seeded
 * random unit vectors. Run them with `scripts/bench/ts-hooks.mjs`
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

/** Nearest-rank percentile (p in 0–100) of a non-empty list. */
export function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}

/** Plain-text table: first column left-aligned, the rest right-aligned. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const line = (cells: string[]) =>
    cells.map((x, c) => (c === 0 ? x.padEnd(widths[c]!) : x.padStart(widths[c]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** Deterministic standard normals (mulberry32 + Box–Muller). */
export function gaussian(seed: number): () => number {
  let a = seed >>> 0;
  const uniform = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
}

/** A random direction in d dimensions, unit length. */
export function unitVector(rand: () => number, d: number): number[] {
  const v = Array.from({ length: d }, rand);
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}

/**
 * An `Embeddings` for stores filled with ready vectors (`addVectors`, searches by vector): any call
 * to embed text is a mistake in the benchmark, so it throws.
 */
export const vectorsOnlyEmbeddings = {
  embedDocuments: async (): Promise<number[][]> => {
    throw new Error('vectors only');
  },
  embedQuery: async (): Promise<number[]> => {
    throw new Error('vectors only');
  },
};

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
