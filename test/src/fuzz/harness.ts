/**
 * The mutation fuzz harness: `fuzz(format module)` replays N seeded mutations of the format's seed
 * files through its loader in a worker thread and classifies every outcome:
 *
 *   accepted     loaded, and an independent check finds the files consistent
 *   rejected     a Firth error (ValidationError / FormatError) naming the problem
 *   unchanged    the mutation happened to give back the seed's bytes
 *   inconsistent FAILURE: loaded, but the files' structure is not consistent
 *   crash        FAILURE: any other exception (TypeError, RangeError, SyntaxError, …)
 *   hang         FAILURE: one case ran past `timeoutMs` (the worker is stopped and restarted)
 *   oom          FAILURE: the worker ran out of memory (`memoryMb`)
 *
 * As in OSS-Fuzz, a failing case is named by (seed, index) and replays exactly. Reports are written
 * to test/.reports/fuzz/<format>.json for the record.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { FAILURES, type Outcome, type WorkerTask } from './format.ts';
import { runUnderWatchdog, type WatchdogOptions } from './watchdog.ts';

export interface FuzzFailure {
  index: number;
  outcome: Outcome;
  description: string;
  detail: string;
}

export interface FuzzReport {
  format: string;
  tries: number;
  seed: number;
  outcomes: Record<Outcome, number>;
  failures: FuzzFailure[];
  /** A few distinct rejection messages, to see that errors name the problem. */
  rejections: string[];
  /** Slowest single case, in ms. */
  slowestMs: number;
  wallMs: number;
}

export interface FuzzOptions extends WatchdogOptions {
  /** Mutations to try. @default 300 */
  count?: number;
  /** @default 1 */
  seed?: number;
}

const empty = (): Record<Outcome, number> => ({
  accepted: 0,
  rejected: 0,
  unchanged: 0,
  inconsistent: 0,
  crash: 0,
  hang: 0,
  oom: 0,
});

export async function fuzz(module: URL, name: string, options: FuzzOptions = {}): Promise<FuzzReport> {
  const count = options.count ?? 300;
  const seed = options.seed ?? 1;
  const t0 = performance.now();
  const report: FuzzReport = {
    format: name,
    tries: count,
    seed,
    outcomes: empty(),
    failures: [],
    rejections: [],
    slowestMs: 0,
    wallMs: 0,
  };
  const record = (index: number, outcome: Outcome, description: string, detail: string) => {
    report.outcomes[outcome]++;
    if (FAILURES.includes(outcome)) report.failures.push({ index, outcome, description, detail });
    else if (outcome === 'rejected' && report.rejections.length < 8) {
      const shape = detail.replace(/\d+/g, 'N');
      if (!report.rejections.some((r) => r.replace(/\d+/g, 'N') === shape)) report.rejections.push(detail);
    }
  };

  await runUnderWatchdog<{ outcome: Outcome; detail: string }>(
    new URL('./worker.ts', import.meta.url),
    { module: module.href, seed } satisfies Omit<WorkerTask, 'from' | 'count'>,
    count,
    (c) => {
      report.slowestMs = Math.max(report.slowestMs, c.ms);
      if ('failure' in c.outcome) record(c.index, c.outcome.failure, c.description, c.outcome.detail);
      else record(c.index, c.outcome.result.outcome, c.description, c.outcome.result.detail);
    },
    options,
  );
  report.wallMs = Math.round(performance.now() - t0);
  report.slowestMs = Math.round(report.slowestMs);
  const dir = new URL('../../.reports/fuzz/', import.meta.url);
  mkdirSync(dir, { recursive: true });
  writeFileSync(new URL(`${name}.json`, dir), `${JSON.stringify(report, null, 2)}\n`);
  return report;
}

/** One line for the test log: 'safetensors: 300 tries — 41 accepted, 250 rejected, …'. */
export function summary(r: FuzzReport): string {
  const parts = (Object.entries(r.outcomes) as [Outcome, number][])
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${n} ${k}`);
  return `${r.format}: ${r.tries} tries (seed ${r.seed}) — ${parts.join(', ')}; slowest case ${r.slowestMs} ms, ${(r.wallMs / 1000).toFixed(1)} s in all`;
}

/** Readable failures for an assertion message. */
export const describeFailures = (r: FuzzReport) =>
  r.failures.map((f) => `#${f.index} ${f.outcome} [${f.description}] ${f.detail}`).join('\n');
