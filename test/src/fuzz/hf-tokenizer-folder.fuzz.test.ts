import { describe, expect, it } from 'vitest';
import { describeFailures, fuzz, summary } from './harness.ts';

describe('fuzz: the tokenizer files of a Hugging Face folder (vocab.txt + tokenizer_config.json; vocab.json + merges.txt)', () => {
  it('1,000 seeded mutations: each accepted (and consistent) or rejected with a FormatError', async () => {
    const r = await fuzz(
      new URL('./formats/hf-tokenizer-folder.ts', import.meta.url),
      'hf-tokenizer-folder',
      { count: 1000 },
    );
    console.log(summary(r));
    console.log(r.rejections.join('\n'));
    expect(r.failures, describeFailures(r)).toEqual([]);
    expect(r.outcomes.rejected).toBeGreaterThan(300);
    expect(r.outcomes.accepted).toBeGreaterThan(30);
  }, 180_000);
});
