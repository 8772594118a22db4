import { describe, expect, it } from 'vitest';
import { describeFailures, fuzz, summary } from '../harness.ts';

const toy = (mode: string) => new URL(`./toy-format.ts?mode=${mode}`, import.meta.url);

describe('the fuzz harness catches each class of failure', () => {
  it('a strict loader: every mutation accepted (consistent) or rejected by a Firth error', async () => {
    const r = await fuzz(toy('strict'), 'toy-strict', { count: 200 });
    console.log(summary(r));
    expect(r.failures, describeFailures(r)).toEqual([]);
    expect(r.outcomes.rejected).toBeGreaterThan(50);
    expect(r.outcomes.accepted).toBeGreaterThan(0);
    expect(r.outcomes.accepted + r.outcomes.rejected + r.outcomes.unchanged).toBe(200);
  }, 60_000);

  it('accepting trailing bytes is reported as inconsistent', async () => {
    const r = await fuzz(toy('inconsistent'), 'toy-inconsistent', { count: 100 });
    expect(r.outcomes.inconsistent).toBeGreaterThan(0);
    expect(r.failures.every((f) => f.outcome === 'inconsistent')).toBe(true);
  }, 60_000);

  it('a TypeError from inside the loader is a crash, with its stack', async () => {
    const r = await fuzz(toy('crash'), 'toy-crash', { count: 100 });
    expect(r.outcomes.crash).toBeGreaterThan(0);
    expect(r.failures[0]!.detail).toMatch(/^TypeError: /);
  }, 60_000);

  it('an endless loop is a hang: the worker is stopped and the run goes on', async () => {
    const r = await fuzz(toy('hang'), 'toy-hang', { count: 40, timeoutMs: 300 });
    expect(r.outcomes.hang).toBeGreaterThan(0);
    expect(Object.values(r.outcomes).reduce((a, b) => a + b, 0)).toBe(40);
  }, 120_000);

  it('running out of memory is an oom, and the run goes on', async () => {
    const r = await fuzz(toy('oom'), 'toy-oom', { count: 20, memoryMb: 64, timeoutMs: 10_000 });
    expect(r.outcomes.oom).toBeGreaterThan(0);
    expect(Object.values(r.outcomes).reduce((a, b) => a + b, 0)).toBe(20);
  }, 120_000);
});
