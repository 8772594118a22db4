/**
 * Running untrusted work under a watchdog: a worker thread replays cases `0 … count - 1`, posting
 * `start` before each and `result` after it; the supervisor stops a case that runs past `timeoutMs`
 * (a hang), survives a worker that runs out of memory (`memoryMb`) or dies (a crash), and starts a
 * fresh worker at the next case. Used by the file-format fuzzer (harness.ts) and the n8n abuse
 * suite (test/src/abuse).
 *
 * A worker script reads `workerData` (the caller's data plus `from` and `count`) and posts
 * `WatchdogMessage`s; it runs under Node's type stripping, with packages resolved to their dist/.
 */
import { Worker } from 'node:worker_threads';

export type WatchdogMessage<R> =
  | { type: 'start'; index: number; description: string }
  | { type: 'result'; index: number; result: R; ms: number }
  | { type: 'end' };

export type CaseFailure = 'hang' | 'oom' | 'crash';

export interface WatchdogOptions {
  /** A case running longer than this is a hang. @default 2000 */
  timeoutMs?: number;
  /** Worker heap limit. @default 1024 */
  memoryMb?: number;
  /** Time allowed for a worker to start and post its first message. @default 60000 */
  startMs?: number;
}

export interface CaseReport<R> {
  index: number;
  description: string;
  ms: number;
  /** What the worker posted, or why there is no result. */
  outcome: { result: R } | { failure: CaseFailure; detail: string };
}

/** Runs every case, calling `onCase` once per case in order of completion. */
export async function runUnderWatchdog<R>(
  worker: URL,
  data: object,
  count: number,
  onCase: (c: CaseReport<R>) => void,
  options: WatchdogOptions = {},
): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 2000;
  const startMs = options.startMs ?? 60_000;
  let from = 0;
  while (from < count) {
    from = await new Promise<number>((resolve, reject) => {
      const w = new Worker(worker, {
        workerData: { ...data, from, count },
        // not the test runner's flags: its `--conditions firth-source` would load packages' TypeScript
        // sources, which Node's type stripping cannot resolve; the worker uses the built dist/
        execArgv: [],
        resourceLimits: { maxOldGenerationSizeMb: options.memoryMb ?? 1024 },
      });
      let current: { index: number; description: string; t0: number } | undefined;
      let timer: NodeJS.Timeout | undefined;
      let settled = false;
      const arm = (ms: number, onFire: () => void) => {
        clearTimeout(timer);
        timer = setTimeout(onFire, ms);
      };
      const stop = (next: number | Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        void w.terminate();
        if (next instanceof Error) reject(next);
        else resolve(next);
      };
      const fail = (failure: CaseFailure, detail: string) => {
        const c = current!;
        onCase({
          index: c.index,
          description: c.description,
          ms: performance.now() - c.t0,
          outcome: { failure, detail },
        });
        stop(c.index + 1);
      };
      arm(startMs, () =>
        stop(new Error(`${worker.pathname}: the worker did not start within ${startMs} ms`)),
      );
      w.on('message', (m: WatchdogMessage<R>) => {
        if (m.type === 'start') {
          current = { index: m.index, description: m.description, t0: performance.now() };
          arm(timeoutMs, () => fail('hang', `no result after ${timeoutMs} ms`));
        } else if (m.type === 'result') {
          clearTimeout(timer);
          const c = current;
          current = undefined;
          onCase(
            m.ms > timeoutMs
              ? {
                  index: m.index,
                  description: c?.description ?? '',
                  ms: m.ms,
                  outcome: { failure: 'hang', detail: `took ${Math.round(m.ms)} ms` },
                }
              : {
                  index: m.index,
                  description: c?.description ?? '',
                  ms: m.ms,
                  outcome: { result: m.result },
                },
          );
        } else stop(count);
      });
      w.on('error', (e: Error & { code?: string }) => {
        if (settled) return;
        if (!current)
          return stop(new Error(`${worker.pathname}: the worker failed outside a case: ${e.stack ?? e}`));
        const oom = e.code === 'ERR_WORKER_OUT_OF_MEMORY' || /out of memory/i.test(e.message);
        fail(oom ? 'oom' : 'crash', `${e.name}: ${e.message}`);
      });
      w.on('exit', (code) => {
        if (settled) return;
        if (current) fail('crash', `worker exited with code ${code}`);
        else stop(new Error(`${worker.pathname}: the worker exited (code ${code}) between cases`));
      });
    });
  }
}
