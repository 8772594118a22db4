/**
 * Which pretrained models this process holds, and what its memory is — per n8n worker, per server.
 *
 * Firth's loaders keep each shipped model once per process (a module-level promise, loaded on first
 * use: `loadTinyBert`, `loadPretrained`, the USE-lite and TinyStories caches). Each of them reports
 * its load here through `trackModelLoad`, so a process can say what it loaded, how often, how big
 * and how long it took:
 *
 *   processMemory()
 *   // { pid: 4242, rssBytes: 412…, heapUsedBytes: …, models: [{ name: 'bert-tiny', loads: 1,
 *   //   bytes: 17_8…, loadMs: 310, … }], modelBytes: 17_8…, … }
 *
 * `loads` above 1 means several copies were read (two caches of the same model, or a failed
 * first load retried). The registry lives on `globalThis` under one Symbol, so two copies of this
 * module in one process (a bundle and the sources) share it.
 *
 * For processes another program starts (n8n's `n8n worker`), set FIRTH_MEMORY_REPORT_DIR: after
 * every model load the process writes `<dir>/<pid>.json` (this snapshot), which
 * `readMemoryReports(dir)` (memory-report.ts) reads back with each process's live RSS.
 */
import { nodeBuiltin } from './node-builtin.js';

export interface LoadedModel {
  /** The model, as the loader names it: 'bert-tiny', 'glove-6b-100d-top20k', 'use-lite', 'tinystories-260k'… */
  name: string;
  /** Bytes of weights it holds: the ArrayBuffers reachable from the loaded object (each counted once), or the loader's own figure. */
  bytes: number;
  /** Times it was loaded in this process: 1 when every user shares one copy. */
  loads: number;
  /** How long the last load took, in milliseconds. */
  loadMs: number;
  /** When the last load finished (ISO 8601). */
  loadedAt: string;
}

export interface ProcessMemory {
  pid: number;
  /** The command: the script's file name and its arguments ('n8n worker --concurrency=5'), at most 80 characters. */
  role: string;
  /** Resident set size: what the operating system counts for the process. */
  rssBytes: number;
  heapUsedBytes: number;
  heapTotalBytes: number;
  /** Memory of C++ objects bound to JavaScript ones, ArrayBuffers included. */
  externalBytes: number;
  arrayBuffersBytes: number;
  /** The models this process loaded, in load order. */
  models: LoadedModel[];
  /** Σ bytes × loads over `models`: what the loaded copies of the weights take. */
  modelBytes: number;
  /** When this snapshot was taken (ISO 8601). */
  at: string;
}

/** The environment variable naming the folder where each process writes `<pid>.json`. */
export const MEMORY_REPORT_DIR_ENV = 'FIRTH_MEMORY_REPORT_DIR';

const REGISTRY = Symbol.for('firth.loadedModels');

function registry(): Map<string, LoadedModel> {
  const g = globalThis as { [REGISTRY]?: Map<string, LoadedModel> };
  g[REGISTRY] ??= new Map();
  return g[REGISTRY];
}

/** Objects visited at most by `weightBytes` (a model is a few thousand objects; this bounds a cycle-rich graph). */
const MAX_VISITS = 1_000_000;

/**
 * Bytes of the distinct ArrayBuffers (and SharedArrayBuffers) reachable from `value` through
 * properties, array elements, Map and Set entries: a model's weights. Views into one buffer count it
 * once; functions are not followed.
 *
 *   weightBytes({ w: new Float32Array(10), b: new Float32Array(2) }) // 48
 */
export function weightBytes(value: unknown): number {
  const seen = new Set<object>();
  const buffers = new Set<ArrayBufferLike>();
  const stack: unknown[] = [value];
  while (stack.length > 0 && seen.size < MAX_VISITS) {
    const v = stack.pop();
    if (v === null || typeof v !== 'object' || seen.has(v)) continue;
    seen.add(v);
    if (ArrayBuffer.isView(v)) {
      buffers.add(v.buffer);
      continue;
    }
    if (
      v instanceof ArrayBuffer ||
      (typeof SharedArrayBuffer !== 'undefined' && v instanceof SharedArrayBuffer)
    ) {
      buffers.add(v);
      continue;
    }
    if (v instanceof Map) {
      for (const [k, x] of v) stack.push(k, x);
      continue;
    }
    if (v instanceof Set) {
      for (const x of v) stack.push(x);
      continue;
    }
    if (Array.isArray(v)) {
      // an array of numbers or strings holds no buffer: skip its elements quickly
      if (v.length > 0 && typeof v[0] !== 'object') continue;
      for (const x of v) stack.push(x);
      continue;
    }
    for (const key of Object.getOwnPropertyNames(v)) {
      const d = Object.getOwnPropertyDescriptor(v, key);
      if (d && 'value' in d) stack.push(d.value);
    }
  }
  let bytes = 0;
  for (const b of buffers) bytes += b.byteLength;
  return bytes;
}

/**
 * Records a model load: `loading` is returned unchanged; when it resolves, the model is entered
 * (or its `loads` counted up) with its size — `bytesOf(model)`, by default `weightBytes(model)` —
 * and how long it took. A failed load is not recorded. Call it where the model is actually read,
 * not where a cached promise is handed out, so `loads` counts copies.
 *
 *   cached ??= trackModelLoad('bert-tiny', load());
 */
export function trackModelLoad<T>(
  name: string,
  loading: Promise<T>,
  bytesOf: (model: T) => number = weightBytes,
): Promise<T> {
  const started = performance.now();
  loading.then(
    (model) => {
      const entry = registry().get(name);
      let bytes = 0;
      try {
        bytes = bytesOf(model);
      } catch {
        // a size that cannot be read is reported as 0, never fails the load
      }
      registry().set(name, {
        name,
        bytes,
        loads: (entry?.loads ?? 0) + 1,
        loadMs: Math.round(performance.now() - started),
        loadedAt: new Date().toISOString(),
      });
      writeMemoryReport();
    },
    () => {
      // the caller sees the failure; nothing was loaded
    },
  );
  return loading;
}

/** The models this process loaded (copies: see `loads`), in load order. */
export function loadedModels(): LoadedModel[] {
  return [...registry().values()].map((m) => ({ ...m }));
}

type NodeProcess = {
  pid: number;
  argv: string[];
  env: Record<string, string | undefined>;
  memoryUsage(): { rss: number; heapUsed: number; heapTotal: number; external: number; arrayBuffers: number };
};

const nodeProcess = (): NodeProcess | undefined =>
  (globalThis as { process?: NodeProcess }).process?.memoryUsage
    ? (globalThis as { process: NodeProcess }).process
    : undefined;

/** 'n8n worker --concurrency=5' for `node …/bin/n8n worker --concurrency=5`. */
const roleOf = (argv: string[]): string => {
  const words = [argv[1]?.split('/').pop() ?? '', ...argv.slice(2)].join(' ').trim();
  return words.length > 80 ? `${words.slice(0, 79)}…` : words;
};

/**
 * This process's memory and the models it loaded. In a browser (no `process`), the memory figures
 * are 0 and `pid` is 0.
 */
export function processMemory(): ProcessMemory {
  const proc = nodeProcess();
  const usage = proc?.memoryUsage() ?? { rss: 0, heapUsed: 0, heapTotal: 0, external: 0, arrayBuffers: 0 };
  const models = loadedModels();
  return {
    pid: proc?.pid ?? 0,
    role: proc ? roleOf(proc.argv) : '',
    rssBytes: usage.rss,
    heapUsedBytes: usage.heapUsed,
    heapTotalBytes: usage.heapTotal,
    externalBytes: usage.external,
    arrayBuffersBytes: usage.arrayBuffers,
    models,
    modelBytes: models.reduce((s, m) => s + m.bytes * m.loads, 0),
    at: new Date().toISOString(),
  };
}

/**
 * When FIRTH_MEMORY_REPORT_DIR is set: writes `processMemory()` to `<dir>/<pid>.json` (a temporary
 * file renamed into place, so a reader never sees half of it). Returns the file, or undefined when
 * the variable is unset. A folder that cannot be written is left alone: a report never fails a load.
 */
export function writeMemoryReport(): string | undefined {
  const proc = nodeProcess();
  const dir = proc?.env[MEMORY_REPORT_DIR_ENV];
  if (!proc || !dir) return undefined;
  try {
    const fs = nodeBuiltin<typeof import('node:fs')>('fs', 'writeMemoryReport');
    fs.mkdirSync(dir, { recursive: true });
    const file = `${dir}/${proc.pid}.json`;
    const tmp = `${file}.tmp`;
    fs.writeFileSync(tmp, `${JSON.stringify(processMemory())}\n`);
    fs.renameSync(tmp, file);
    return file;
  } catch {
    return undefined;
  }
}
