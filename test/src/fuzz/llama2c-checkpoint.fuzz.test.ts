import { describe, expect, it } from 'vitest';
import { describeFailures, fuzz, summary } from './harness.ts';

describe('fuzz: llama2.c checkpoint (loadLlama2c on stories260K.bin)', () => {
  it('300 seeded mutations: each accepted checkpoint has the size its header implies and finite weights, every other one refused by a Firth error', async () => {
    const r = await fuzz(new URL('./formats/llama2c-checkpoint.ts', import.meta.url), 'llama2c-checkpoint', {
      count: 300,
    });
    console.log(summary(r));
    expect(r.failures, describeFailures(r)).toEqual([]);
    // bit flips and overwrites inside the weights load (unless they make NaN/Infinity), as does
    // moving the classifier out of the embedding; header and size edits do not
    expect(r.outcomes.accepted).toBeGreaterThan(20);
    expect(r.outcomes.rejected).toBeGreaterThan(100);
    expect(r.rejections.join('\n')).toMatch(
      /header field|needs exactly \d+: \d+ bytes (missing|too many)|holds (NaN|-?Infinity)/,
    );
  }, 120_000);
});
