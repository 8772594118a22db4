import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  loadedModels,
  MEMORY_REPORT_DIR_ENV,
  processMemory,
  trackModelLoad,
  weightBytes,
  writeMemoryReport,
} from './loaded-models.js';
import { formatMemoryReports, readMemoryReports, residentBytes } from './memory-report.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'firth-memory-'));
});
afterEach(() => {
  delete process.env[MEMORY_REPORT_DIR_ENV];
  rmSync(dir, { recursive: true, force: true });
});

/** A unique model name per test: the registry is per process. */
const fresh = (what: string) => `${what}-${Math.random().toString(36).slice(2)}`;

describe('weightBytes', () => {
  it('counts each reachable buffer once: views, nesting, Maps, Sets, cycles', () => {
    const shared = new Float32Array(100); // 400 bytes
    const model: Record<string, unknown> = {
      a: shared,
      b: shared.subarray(10, 20), // the same buffer
      layers: [{ w: new Float64Array(8) }, { w: new Uint8Array(3) }], // 64 + 3
      byName: new Map([['emb', new Int32Array(4)]]), // 16
      set: new Set([new ArrayBuffer(5)]), // 5
      numbers: [1, 2, 3],
      fn: () => new Float32Array(1000),
    };
    model.self = model;
    expect(weightBytes(model)).toBe(400 + 64 + 3 + 16 + 5);
    expect(weightBytes(null)).toBe(0);
    expect(weightBytes('text')).toBe(0);
    class Private {
      private readonly weights = new Float32Array(7);
      get size() {
        return this.weights.length;
      }
    }
    expect(weightBytes(new Private())).toBe(28);
  });
});

describe('trackModelLoad', () => {
  it('records a load once it resolves: size, load count, time; a failed load is not recorded', async () => {
    const name = fresh('model');
    const model = { w: new Float32Array(256) };
    const loading = new Promise<typeof model>((resolve) => setTimeout(() => resolve(model), 30));
    expect(trackModelLoad(name, loading)).toBe(loading);
    expect(loadedModels().find((m) => m.name === name)).toBeUndefined(); // not loaded yet
    await loading;
    await Promise.resolve();
    const entry = loadedModels().find((m) => m.name === name)!;
    expect(entry).toMatchObject({ name, bytes: 1024, loads: 1 });
    expect(entry.loadMs).toBeGreaterThanOrEqual(20);
    expect(Date.parse(entry.loadedAt)).toBeGreaterThan(Date.now() - 60_000);
    // a second copy counts: loads 2 (the bytes are the last copy's)
    await trackModelLoad(name, Promise.resolve({ w: new Float32Array(512) }));
    await Promise.resolve();
    expect(loadedModels().find((m) => m.name === name)).toMatchObject({ bytes: 2048, loads: 2 });

    const failed = fresh('broken');
    await expect(trackModelLoad(failed, Promise.reject(new Error('no file')))).rejects.toThrow('no file');
    expect(loadedModels().some((m) => m.name === failed)).toBe(false);
    // the loader's own size, and a size function that throws (reported as 0, the load still succeeds)
    const sized = fresh('sized');
    await trackModelLoad(sized, Promise.resolve({}), () => 12_345);
    const unsized = fresh('unsized');
    await trackModelLoad(unsized, Promise.resolve({}), () => {
      throw new Error('cannot size');
    });
    await Promise.resolve();
    expect(loadedModels().find((m) => m.name === sized)?.bytes).toBe(12_345);
    expect(loadedModels().find((m) => m.name === unsized)).toMatchObject({ bytes: 0, loads: 1 });
  });

  it('processMemory: this process, its RSS and heap, the models and their total', async () => {
    const name = fresh('weights');
    await trackModelLoad(name, Promise.resolve(new Float32Array(1024)));
    await Promise.resolve();
    const m = processMemory();
    expect(m.pid).toBe(process.pid);
    expect(m.rssBytes).toBeGreaterThan(10 * 2 ** 20);
    expect(m.heapUsedBytes).toBeGreaterThan(0);
    expect(m.heapUsedBytes).toBeLessThanOrEqual(m.heapTotalBytes);
    expect(m.models.find((x) => x.name === name)?.bytes).toBe(4096);
    expect(m.modelBytes).toBe(m.models.reduce((s, x) => s + x.bytes * x.loads, 0));
  });
});

describe('memory reports across processes (FIRTH_MEMORY_REPORT_DIR)', () => {
  it('nothing is written without the variable', () => {
    expect(writeMemoryReport()).toBeUndefined();
  });

  it('each process writes <pid>.json on a model load; readMemoryReports adds live RSS and workers without models', async () => {
    process.env[MEMORY_REPORT_DIR_ENV] = dir;
    const name = fresh('here');
    await trackModelLoad(name, Promise.resolve({ w: new Float64Array(128) }));
    await Promise.resolve();
    const mine = JSON.parse(readFileSync(join(dir, `${process.pid}.json`), 'utf8'));
    expect(mine.models.find((x: { name: string }) => x.name === name)?.bytes).toBe(1024);

    // another process (exited by the time it is read) loads a model and reports
    const source = new URL('./loaded-models.ts', import.meta.url).pathname;
    const child = spawnSync(
      process.execPath,
      [
        '--conditions=firth-source',
        '--experimental-transform-types',
        '--disable-warning=ExperimentalWarning',
        '--import',
        new URL('../../../scripts/bench/ts-hooks.mjs', import.meta.url).pathname,
        '--input-type=module',
        '-e',
        `const { trackModelLoad } = await import(${JSON.stringify(source)});
await trackModelLoad('child-model', Promise.resolve({ w: new Float32Array(2 ** 18) }));
await new Promise((r) => setTimeout(r, 10));
console.log(process.pid);`,
      ],
      { env: { ...process.env, [MEMORY_REPORT_DIR_ENV]: dir }, encoding: 'utf8' },
    );
    expect(child.stderr).toBe('');
    const childPid = Number(child.stdout.trim());
    writeFileSync(join(dir, 'notes.txt'), 'not a report');
    writeFileSync(join(dir, '999999999.json'), '{ half a');

    const reports = readMemoryReports(dir, [process.pid, 1]);
    expect(reports.map((r) => r.pid)).toEqual([
      1,
      Math.min(process.pid, childPid),
      Math.max(process.pid, childPid),
    ]);
    const self = reports.find((r) => r.pid === process.pid)!;
    expect(self.alive).toBe(true);
    expect(residentBytes(process.pid)).toBeGreaterThan(10 * 2 ** 20); // Linux /proc
    expect(self.rssNowBytes).toBeGreaterThan(10 * 2 ** 20);
    const other = reports.find((r) => r.pid === childPid)!;
    expect(other.alive).toBe(false);
    expect(other.models).toEqual([
      expect.objectContaining({ name: 'child-model', bytes: 2 ** 20, loads: 1 }),
    ]);
    expect(other.rssNowBytes).toBe(other.rssBytes);
    const init = reports.find((r) => r.pid === 1)!;
    expect(init.models).toEqual([]);

    const text = formatMemoryReports(reports);
    expect(text.split('\n')).toHaveLength(3);
    expect(text).toMatch(
      new RegExp(
        `^pid ${childPid}( \\(.*\\))? \\[exited\\]: RSS \\d+\\.\\d MiB \\(\\d+\\.\\d MiB at last model load\\); models 1\\.0 MiB: child-model 1\\.0 MiB \\(1 load, \\d+ ms\\)$`,
        'm',
      ),
    );
    expect(text).toMatch(/^pid 1: RSS [\d.]+ MiB now; no Firth model loaded$/m);
  });
});
