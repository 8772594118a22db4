import { describe, expect, it } from 'vitest';
import { describeFailures, fuzz, summary } from './harness.ts';

describe('fuzz: llama2.c tokenizer.bin (the shipped tok512.bin)', () => {
  it('1,000 seeded mutations: each accepted (and consistent) or rejected with a FormatError', async () => {
    const r = await fuzz(new URL('./formats/llama2c-tokenizer.ts', import.meta.url), 'llama2c-tokenizer', {
      count: 1000,
    });
    console.log(summary(r));
    console.log(r.rejections.join('\n'));
    expect(r.failures, describeFailures(r)).toEqual([]);
    expect(r.outcomes.rejected).toBeGreaterThan(300);
    expect(r.outcomes.accepted).toBeGreaterThan(30);
  }, 180_000);
});
