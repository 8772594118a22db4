/**
 * The fuzz worker: loads one format module, replays mutations `from`…`count - 1` through its
 * loader and posts each outcome (watchdog.ts supervises it: hangs, out-of-memory, deaths).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { isFirthError } from '@firth/numeric';
import type { FuzzFormat, FuzzResult, WorkerTask } from './format.ts';
import { mutation } from './mutate.ts';
import type { WatchdogMessage } from './watchdog.ts';

const task = workerData as WorkerTask;
const post = (m: WatchdogMessage<FuzzResult>) => parentPort!.postMessage(m);
const format = (await import(task.module)).default as FuzzFormat;
const seeds = await format.seeds();
const same = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((v, i) => v === b[i]);

/** A non-Firth exception, with the top of its stack to find where it came from. */
const crash = (e: unknown) => {
  const error = e as Error;
  const stack = String(error?.stack ?? '')
    .split('\n')
    .slice(1, 6)
    .join('\n');
  return `${error?.name ?? typeof e}: ${String(error?.message ?? e).slice(0, 300)}\n${stack}`;
};

for (let i = task.from; i < task.count; i++) {
  const m = mutation(seeds, {
    seed: task.seed,
    index: i,
    kind: format.kind,
    ...(format.mutable ? { mutable: format.mutable } : {}),
    ...(format.extra ? { extra: format.extra } : {}),
  });
  post({ type: 'start', index: i, description: m.description });
  const original = seeds[m.seedIndex]!;
  if (Object.entries(m.files).every(([k, v]) => same(v, original[k]!))) {
    post({ type: 'result', index: i, result: { outcome: 'unchanged', detail: '' }, ms: 0 });
    continue;
  }
  const dir = mkdtempSync(join(tmpdir(), `firth-fuzz-${format.name}-`));
  for (const [name, bytes] of Object.entries(m.files)) writeFileSync(join(dir, name), bytes);
  const t0 = performance.now();
  let result: FuzzResult;
  try {
    const loaded = await format.load(m.files, dir);
    const why = await format.inconsistency(m.files, loaded);
    result = why === null ? { outcome: 'accepted', detail: '' } : { outcome: 'inconsistent', detail: why };
  } catch (e) {
    result = isFirthError(e)
      ? { outcome: 'rejected', detail: (e as Error).message.slice(0, 300) }
      : { outcome: 'crash', detail: crash(e) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  post({ type: 'result', index: i, result, ms: performance.now() - t0 });
}
post({ type: 'end' });
