import { describe, expect, it } from 'vitest';
import { loadMl5CharLSTM } from './ml5-char-lstm.js';
import {
  checkEvaluateText,
  checkSampleOptions,
  MAX_EVALUATE_CHARS,
  MAX_PROMPT_CHARS,
  MAX_SAMPLE_LENGTH,
} from './sampling.js';

describe('sampling limits: one call is a bounded number of recurrent steps', () => {
  it('prompts, lengths and evaluated texts past their limits are refused by name', () => {
    expect(
      checkSampleOptions({ prompt: 'x'.repeat(MAX_PROMPT_CHARS), length: MAX_SAMPLE_LENGTH }).length,
    ).toBe(MAX_SAMPLE_LENGTH);
    expect(() => checkSampleOptions({ prompt: 'x'.repeat(MAX_PROMPT_CHARS + 1), length: 1 })).toThrow(
      `prompt has ${MAX_PROMPT_CHARS + 1} characters; at most ${MAX_PROMPT_CHARS} are accepted`,
    );
    expect(() => checkSampleOptions({ length: MAX_SAMPLE_LENGTH + 1 })).toThrow(
      `length must be an integer from 0 to ${MAX_SAMPLE_LENGTH}, got ${MAX_SAMPLE_LENGTH + 1}`,
    );
    expect(() => checkEvaluateText('x'.repeat(MAX_EVALUATE_CHARS + 1))).toThrow('text has 100001 characters');
    expect(() => checkEvaluateText('x')).toThrow('text needs at least 2 characters');
  });

  it('the pretrained ml5 model refuses a 10 MB prompt at once, before any step', async () => {
    const ml5 = await loadMl5CharLSTM();
    const huge = 'ROMEO: '.repeat(1_500_000);
    const t0 = performance.now();
    await expect(ml5.sample({ prompt: huge, length: 5 })).rejects.toThrow('prompt has 10500000 characters');
    await expect(ml5.nextCharProbabilities(huge)).rejects.toThrow('at most 10000 are accepted');
    await expect(ml5.evaluate(huge)).rejects.toThrow('at most 100000 are accepted');
    expect(performance.now() - t0).toBeLessThan(1000);
  });
});
