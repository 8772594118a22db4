import { describe, expect, it } from 'vitest';
import { describeFailures, fuzz, summary } from './harness.ts';

describe('fuzz: Hugging Face BERT folder (loadBertForPreTraining on the shipped tiny BERT)', () => {
  it('300 seeded mutations of config.json and model.safetensors: each accepted folder is a consistent BERT with the file’s weights, every other one refused by a Firth error', async () => {
    const r = await fuzz(new URL('./formats/hf-bert-folder.ts', import.meta.url), 'hf-bert-folder', {
      count: 300,
    });
    console.log(summary(r));
    expect(r.failures, describeFailures(r)).toEqual([]);
    // bit flips in the weights and edits of fields Firth does not read load; the rest does not
    expect(r.outcomes.accepted).toBeGreaterThan(20);
    expect(r.outcomes.rejected).toBeGreaterThan(100);
    expect(r.rejections.join('\n')).toMatch(/config\.json: \$\.\w+ (must|appears|is missing)/);
  }, 240_000);
});
