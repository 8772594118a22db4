import { describe, expect, it } from 'vitest';
import { describeFailures, fuzz, summary } from './harness.ts';

describe('fuzz: the ml5 char-RNN folder (manifest.json, vocab.json, weight files) through loadMl5CharLSTM', () => {
  it('300 mutations: each accepted and consistent, or refused by a FormatError naming the file', async () => {
    const r = await fuzz(new URL('./formats/ml5-json.ts', import.meta.url), 'ml5-json', { count: 300 });
    console.log(summary(r));
    console.log(r.rejections.join('\n'));
    expect(r.failures, describeFailures(r)).toEqual([]);
    expect(r.outcomes.rejected).toBeGreaterThan(100);
    expect(r.outcomes.accepted).toBeGreaterThan(5);
    // every message names a file of the case's folder: manifest.json, vocab.json or a weight file
    expect(r.rejections.every((m) => /\/firth-fuzz-ml5-json-\w+\/[^:]+: /.test(m))).toBe(true);
  }, 180_000);
});
