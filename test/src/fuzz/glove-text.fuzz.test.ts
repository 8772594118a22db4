import { describe, expect, it } from 'vitest';
import { describeFailures, fuzz, summary } from './harness.ts';

describe('fuzz: GloVe text (loadVectors)', () => {
  it('300 mutations: each accepted and consistent with the file, or refused by a FormatError naming the file', async () => {
    const r = await fuzz(new URL('./formats/glove-text.ts', import.meta.url), 'glove-text', { count: 300 });
    console.log(summary(r));
    console.log(r.rejections.join('\n'));
    expect(r.failures, describeFailures(r)).toEqual([]);
    expect(r.outcomes.rejected).toBeGreaterThan(100);
    expect(r.outcomes.accepted).toBeGreaterThan(5);
    expect(r.rejections.every((m) => m.includes('glove.txt: '))).toBe(true);
  }, 180_000);
});
