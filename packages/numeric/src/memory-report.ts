/**
 * Memory per process, read from outside: the `<pid>.json` files that processes started with
 * FIRTH_MEMORY_REPORT_DIR write after each model load (loaded-models.ts), with each live process's
 * resident set size read now from /proc (Linux). A queue-mode start gives every `n8n worker` the
 * same folder and prints, when asked or at the end:
 *
 *   const reports = readMemoryReports(dir, workerPids);
 *   console.log(formatMemoryReports(reports));
 *   // pid 4242 (n8n worker): RSS 412.3 MiB now (398.0 MiB at last load); models: bert-tiny 17.0 MiB (1 load, 310 ms), …
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ProcessMemory } from './loaded-models.js';

export interface ProcessMemoryReport extends ProcessMemory {
  /** Whether the process is still running. */
  alive: boolean;
  /** Its resident set size now (from /proc/<pid>/status), when alive and readable; else the snapshot's. */
  rssNowBytes: number;
}

/** The resident set size of process `pid` now, in bytes (Linux /proc), or undefined when it cannot be read. */
export function residentBytes(pid: number): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status)?.[1];
    return kb === undefined ? undefined : Number(kb) * 1024;
  } catch {
    return undefined;
  }
}

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * The reports in `dir` (one per process that loaded a model), oldest pid first. `pids`, when given,
 * adds a report (no models) for each of those processes that has not written one yet — a worker that
 * ran no Firth model — so every worker has a line. A file that is not a report is skipped.
 */
export function readMemoryReports(dir: string, pids: readonly number[] = []): ProcessMemoryReport[] {
  const byPid = new Map<number, ProcessMemory>();
  if (existsSync(dir))
    for (const name of readdirSync(dir)) {
      if (!/^\d+\.json$/.test(name)) continue;
      try {
        const report = JSON.parse(readFileSync(join(dir, name), 'utf8')) as ProcessMemory;
        if (Number.isInteger(report?.pid) && Array.isArray(report.models)) byPid.set(report.pid, report);
      } catch {
        // being replaced, or not a report: skipped
      }
    }
  for (const pid of pids)
    if (!byPid.has(pid))
      byPid.set(pid, {
        pid,
        role: '',
        rssBytes: 0,
        heapUsedBytes: 0,
        heapTotalBytes: 0,
        externalBytes: 0,
        arrayBuffersBytes: 0,
        models: [],
        modelBytes: 0,
        at: '',
      });
  return [...byPid.values()]
    .sort((a, b) => a.pid - b.pid)
    .map((r) => {
      const alive = isAlive(r.pid);
      return { ...r, alive, rssNowBytes: (alive ? residentBytes(r.pid) : undefined) ?? r.rssBytes };
    });
}

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

/** One line per process: its RSS now (and at its last model load) and each model with its size, loads and load time. */
export function formatMemoryReports(reports: readonly ProcessMemoryReport[]): string {
  return reports
    .map((r) => {
      const who = `pid ${r.pid}${r.role ? ` (${r.role})` : ''}${r.alive ? '' : ' [exited]'}`;
      const rss = `RSS ${mib(r.rssNowBytes)}${r.alive ? ' now' : ''}${r.at ? ` (${mib(r.rssBytes)} at last model load)` : ''}`;
      const models =
        r.models.length === 0
          ? 'no Firth model loaded'
          : `models ${mib(r.modelBytes)}: ${r.models
              .map(
                (m) =>
                  `${m.name} ${mib(m.bytes)} (${m.loads} load${m.loads === 1 ? '' : 's'}, ${m.loadMs} ms)`,
              )
              .join(', ')}`;
      return `${who}: ${rss}; ${models}`;
    })
    .join('\n');
}
