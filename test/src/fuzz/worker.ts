/**
 * The fuzz worker: loads one format module, replays mutations `from`…`count - 1` through its
 * loader and posts each outcome. It runs in a worker thread so that the harness can stop a hung
 * loader (terminate) and survive one that runs out of memory (resourceLimits).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { isFirthError } from '@firth/numeric';
import type { FuzzFormat, WorkerMessage, WorkerTask } from './format.ts';
import { mutation } from './mutate.ts';

const task = workerData as WorkerTask;
const post = (m: WorkerMessage) => parentPort!.postMessage(m);
const format = (await import(task.module)).default as FuzzFormat;
const seeds = await format.seeds();
const same = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((v, i) => v === b[i]);

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
    post({ type: 'result', index: i, outcome: 'unchanged', detail: '', ms: 0 });
    continue;
  }
  const dir = mkdtempSync(join(tmpdir(), `firth-fuzz-${format.name}-`));
  for (const [name, bytes] of Object.entries(m.files)) writeFileSync(join(dir, name), bytes);
  const t0 = performance.now();
  try {
    const loaded = await format.load(m.files, dir);
    const ms = performance.now() - t0;
    const why = await format.inconsistency(m.files, loaded);
    post({
      type: 'result',
      index: i,
      outcome: why === null ? 'accepted' : 'inconsistent',
      detail: why ?? '',
      ms,
    });
  } catch (e) {
    const ms = performance.now() - t0;
    const error = e as Error;
    post(
      isFirthError(e)
        ? { type: 'result', index: i, outcome: 'rejected', detail: error.message.slice(0, 300), ms }
        : {
            type: 'result',
            index: i,
            outcome: 'crash',
            detail: `${error?.name ?? typeof e}: ${String(error?.message ?? e).slice(0, 300)}\n${String(
              error?.stack ?? '',
            )
              .split('\n')
              .slice(1, 6)
              .join('\n')}`,
            ms,
          },
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
post({ type: 'end' });
