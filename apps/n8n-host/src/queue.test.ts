import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { processesInGroups, queueSecrets, rssOf, stillAlive, workerCountOf } from './queue.js';
import { findPostgres, findQueueServices, findRedis } from './services.js';

describe('workerCountOf: --workers=N, else FIRTH_WORKERS, else 2', () => {
  it('reads the flag before the environment', () => {
    expect(workerCountOf([], {})).toBe(2);
    expect(workerCountOf([], { FIRTH_WORKERS: '3' })).toBe(3);
    expect(workerCountOf(['--workers=1'], { FIRTH_WORKERS: '3' })).toBe(1);
  });

  it('refuses what is not 1–64 workers, naming both settings', () => {
    for (const bad of ['0', '-1', '2.5', 'two', '65', ''])
      expect(() => workerCountOf([`--workers=${bad}`], {}), bad).toThrow(/--workers \/ FIRTH_WORKERS/);
  });
});

describe('queueSecrets: generated once, kept private', () => {
  it('writes secrets.json with mode 0600 and gives the same passwords on the next start', () => {
    const dir = mkdtempSync(join(tmpdir(), 'firth-secrets-'));
    const first = queueSecrets(dir);
    expect(first.postgres).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(first.redis).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(first.redis).not.toBe(first.postgres);
    const file = join(dir, 'secrets.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(queueSecrets(dir)).toEqual(first);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(first);
  });
});

describe('processesInGroups and rssOf: what the stack leaves behind, and its memory', () => {
  it('finds a detached child, and its own child in a session of its own, until they are gone', async () => {
    // the grandchild calls setsid, as PostgreSQL's backends do: found as a descendant, not by group
    const child = spawn('sh', ['-c', 'setsid sleep 30 & sleep 30'], { detached: true, stdio: 'ignore' });
    const pid = child.pid!;
    const exited = new Promise((resolve) => child.on('exit', resolve));
    let found: number[] = [];
    try {
      for (let i = 0; i < 50 && found.length < 3; i++) {
        await new Promise((r) => setTimeout(r, 20));
        found = processesInGroups([pid]);
      }
      expect(found).toContain(pid);
      expect(found).toHaveLength(3); // sh, its sleep, the setsid'd sleep
      expect(rssOf(pid)).toBeGreaterThan(0);
    } finally {
      for (const p of found) process.kill(p, 'SIGKILL');
    }
    await exited;
    // SIGKILL is delivered at once but a process takes a moment to go (the grandchildren are not
    // the ones `exited` waited for): on a loaded machine they were still listed right after
    for (let i = 0; i < 250 && stillAlive(found).length > 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(stillAlive(found)).toEqual([]);
    expect(processesInGroups([pid])).toEqual([]);
    expect(rssOf(pid)).toBe(0);
  });
});

describe('findQueueServices: PostgreSQL and Redis, or why the queue tier is skipped', () => {
  it('skips when turned off or when scripts/lib/queue-services.sh said why', () => {
    expect(findQueueServices({ FIRTH_QUEUE: 'off' })).toEqual({
      skip: 'FIRTH_QUEUE=off: the queue tier was turned off',
    });
    expect(findQueueServices({ FIRTH_QUEUE_SKIP: 'no apt-get' })).toEqual({ skip: 'no apt-get' });
  });

  it('names what to install, or the setting that points elsewhere', () => {
    const nowhere = mkdtempSync(join(tmpdir(), 'firth-nobin-'));
    expect(() => findPostgres({ FIRTH_PG_BINDIR: nowhere })).toThrow(
      `FIRTH_PG_BINDIR=${nowhere} has no initdb, postgres and psql`,
    );
    expect(() => findRedis({ FIRTH_REDIS_SERVER: join(nowhere, 'redis-server') })).toThrow(
      /FIRTH_REDIS_SERVER=.* is not an executable file/,
    );
    const found = findQueueServices({ FIRTH_PG_BINDIR: nowhere });
    expect(found).toEqual({ skip: `FIRTH_PG_BINDIR=${nowhere} has no initdb, postgres and psql` });
  });
});
