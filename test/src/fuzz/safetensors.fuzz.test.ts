import { describe, expect, it } from 'vitest';
import { describeFailures, fuzz, summary } from './harness.ts';

describe('fuzz: safetensors (readSafetensors)', () => {
  it('300 seeded mutations: each accepted file is consistent and decoded right, every other one refused by a Firth error', async () => {
    const r = await fuzz(new URL('./formats/safetensors.ts', import.meta.url), 'safetensors', { count: 300 });
    console.log(summary(r));
    expect(r.failures, describeFailures(r)).toEqual([]);
    // bit flips inside float data and legitimate header edits (reordering, padding, reshapes) load
    expect(r.outcomes.accepted).toBeGreaterThan(10);
    expect(r.outcomes.rejected).toBeGreaterThan(100);
    // the refusals name what is wrong, not just "invalid"
    expect(r.rejections.join('\n')).toMatch(
      /overlaps|gap of|trailing bytes|appears twice|holds (NaN|-?Infinity)|data_offsets/,
    );
  }, 120_000);
});
