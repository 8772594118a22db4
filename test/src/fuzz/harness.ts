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
import { Worker } from 'node:worker_threads';
import { FAILURES, type Outcome, type WorkerMessage, type WorkerTask } from './format.ts';

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

export interface FuzzOptions {
  /** Mutations to try. @default 300 */
  count?: number;
  /** @default 1 */
  seed?: number;
  /** A case running longer than this is a hang. @default 2000 */
  timeoutMs?: number;
  /** Worker heap limit. @default 1024 */
  memoryMb?: number;
  /** Time allowed for the worker to start and build its seeds. @default 60000 */
  startMs?: number;
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
  const timeoutMs = options.timeoutMs ?? 2000;
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

  let from = 0;
  while (from < count) {
    // one worker for as many cases as it survives; a hang or a death restarts after that case
    from = await new Promise<number>((resolve, reject) => {
      const task: WorkerTask = { module: module.href, seed, from, count };
      const worker = new Worker(new URL('./worker.ts', import.meta.url), {
        workerData: task,
        // not the test runner's flags: its `--conditions firth-source` would load packages' TypeScript
        // sources, which Node's type stripping cannot resolve; the worker uses the built dist/
        execArgv: [],
        resourceLimits: { maxOldGenerationSizeMb: options.memoryMb ?? 1024 },
      });
      let current: { index: number; description: string } | undefined;
      let timer: NodeJS.Timeout | undefined;
      let settled = false;
      const arm = (ms: number, onFire: () => void) => {
        clearTimeout(timer);
        timer = setTimeout(onFire, ms);
      };
      const finish = (next: number) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        void worker.terminate();
        resolve(next);
      };
      arm(options.startMs ?? 60_000, () => {
        settled = true;
        void worker.terminate();
        reject(new Error(`fuzz ${name}: the worker did not start within ${options.startMs ?? 60_000} ms`));
      });
      worker.on('message', (m: WorkerMessage) => {
        if (m.type === 'start') {
          current = { index: m.index, description: m.description };
          arm(timeoutMs, () => {
            record(m.index, 'hang', m.description, `no result after ${timeoutMs} ms`);
            finish(m.index + 1);
          });
        } else if (m.type === 'result') {
          clearTimeout(timer);
          report.slowestMs = Math.max(report.slowestMs, m.ms);
          if (m.ms > timeoutMs)
            record(m.index, 'hang', current?.description ?? '', `took ${Math.round(m.ms)} ms`);
          else record(m.index, m.outcome, current?.description ?? '', m.detail);
          current = undefined;
        } else finish(count);
      });
      worker.on('error', (e: Error & { code?: string }) => {
        if (settled) return;
        if (!current) {
          settled = true;
          clearTimeout(timer);
          reject(new Error(`fuzz ${name}: the worker failed outside a case: ${e.stack ?? e}`));
          return;
        }
        const oom = e.code === 'ERR_WORKER_OUT_OF_MEMORY' || /out of memory/i.test(e.message);
        record(current.index, oom ? 'oom' : 'crash', current.description, `${e.name}: ${e.message}`);
        finish(current.index + 1);
      });
      worker.on('exit', (code) => {
        if (settled) return;
        if (current) {
          record(current.index, 'crash', current.description, `worker exited with code ${code}`);
          finish(current.index + 1);
        } else {
          settled = true;
          clearTimeout(timer);
          reject(new Error(`fuzz ${name}: the worker exited (code ${code}) between cases`));
        }
      });
    });
  }
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
