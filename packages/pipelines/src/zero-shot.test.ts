import { loadSst2 } from '@firth/datasets';
import { embedTexts, loadPretrained } from '@firth/embeddings';
import { ValidationError } from '@firth/numeric';
import { describe, expect, it } from 'vitest';
import { readEvalSet, type Split } from './eval-sets.test-support.js';
import { pipeline } from './pipeline.js';
import { cosine, loadSentenceEncoder } from './sentence-encoder.js';
import { MULTI_LABEL_THRESHOLD, SIMILARITY_SCALE } from './zero-shot.js';

interface TopicSet {
  candidate_labels: string[];
  items: { text: string; label: string; split: Split }[];
}

describe('zero-shot-classification', () => {
  it("gives Hugging Face's { sequence, labels, scores }: labels best first, a softmax over them", async () => {
    const classify = await pipeline('zero-shot-classification');
    expect(classify.task).toBe('zero-shot-classification');
    expect(classify.model).toMatchObject({ id: 'use-lite', isDefault: true });
    expect(classify.model.description).toMatch(/no NLI model/);
    expect(classify.model.parameters).toBeGreaterThan(1_000_000);
    const text = 'Australia has beaten South Africa by 246 runs in the first Test at the Adelaide Oval.';
    const labels = ['politics', 'sport', 'business'];
    const out = await classify(text, labels);
    expect(Object.keys(out).sort()).toEqual(['labels', 'scores', 'sequence']);
    expect(out.sequence).toBe(text);
    expect([...out.labels].sort()).toEqual([...labels].sort());
    expect(out.labels[0]).toBe('sport');
    expect(out.scores.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 6);
    for (let i = 1; i < out.scores.length; i++)
      expect(out.scores[i - 1]).toBeGreaterThanOrEqual(out.scores[i]!);
    // the scores are the softmax of SIMILARITY_SCALE × cosine(text, hypothesis)
    const encoder = await loadSentenceEncoder();
    const [x, ...H] = await encoder.embed([text, ...out.labels.map((l) => `This example is ${l}.`)]);
    const logits = H.map((h) => SIMILARITY_SCALE * cosine(x!, h));
    const z = logits.reduce((s, l) => s + Math.exp(l), 0);
    for (const [i, s] of out.scores.entries()) expect(s).toBeCloseTo(Math.exp(logits[i]!) / z, 5);
    // a comma-separated string of labels, as Hugging Face splits it; a template of the user's
    expect((await classify(text, 'politics, sport,business')).labels[0]).toBe('sport');
    const templated = await classify(text, labels, { hypothesis_template: 'This news story is about {}.' });
    expect(templated.labels[0]).toBe('sport');
  });

  it('takes a batch (one output per text) and multi_label (each label on its own; one label alone is always so)', async () => {
    const classify = await pipeline('zero-shot-classification');
    const batch = [
      'Shares in the bank rose after it reported a record profit.',
      'Firefighters are battling a huge bushfire near the town.',
    ];
    const out = await classify(batch, ['business', 'disaster', 'sport']);
    expect(out).toHaveLength(2);
    // each text of a batch is scored as it would be alone
    for (const [i, text] of batch.entries()) {
      const one = await classify(text, ['business', 'disaster', 'sport']);
      expect(out[i]!.labels).toEqual(one.labels);
      for (const [k, s] of out[i]!.scores.entries()) expect(s).toBeCloseTo(one.scores[k]!, 5);
    }
    expect(out[1]!.labels[0]).toBe('disaster');
    expect(out.map((o) => o.sequence)).toEqual(batch);
    const multi = await classify(batch[0]!, ['business', 'economy', 'sport'], { multi_label: true });
    // independent scores: they need not sum to 1, and each is sigmoid(scale × (cosine − threshold))
    expect(multi.scores.reduce((s, v) => s + v, 0)).not.toBeCloseTo(1, 2);
    const encoder = await loadSentenceEncoder();
    const [x, h] = await encoder.embed([batch[0]!, `This example is ${multi.labels[0]}.`]);
    expect(multi.scores[0]).toBeCloseTo(
      1 / (1 + Math.exp(-SIMILARITY_SCALE * (cosine(x!, h!) - MULTI_LABEL_THRESHOLD))),
      5,
    );
    expect(['business', 'economy']).toContain(multi.labels[0]);
    expect(multi.labels[2]).toBe('sport');
    const alone = await classify(batch[1]!, ['disaster']);
    const alone2 = await classify(batch[1]!, ['disaster'], { multi_label: true });
    expect(alone.scores).toEqual(alone2.scores);
    expect(alone.scores[0]).toBeLessThan(1);
  });

  it('refuses bad input with a ValidationError naming the option', async () => {
    const classify = await pipeline('zero-shot-classification');
    const named = async (p: Promise<unknown>, path: string, message: RegExp) => {
      const e = await p.then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(e).toBeInstanceOf(ValidationError);
      expect((e as ValidationError).path).toBe(path);
      expect((e as Error).message).toMatch(message);
    };
    await named(classify('a text', []), 'candidate_labels', /at least one candidate label/);
    await named(classify('a text', ['sport', '']), 'candidate_labels', /candidate_labels\[1\]/);
    await named(classify('a text', ['sport', 'sport']), 'candidate_labels', /a label twice/);
    await named(classify('a text', 42 as unknown as string[]), 'candidate_labels', /must be a list/);
    await named(
      classify('a text', ['sport'], { hypothesis_template: 'This example is about' }),
      'hypothesis_template',
      /has no \{\}/,
    );
    await named(
      classify('a text', ['sport'], { multi_label: 'yes' as unknown as boolean }),
      'multi_label',
      /true or false/,
    );
    await named(classify('', ['sport']), 'input', /input 0 must be a non-empty string/);
    await named(
      pipeline('zero-shot-classification', '/some/bart-large-mnli'),
      '/some/bart-large-mnli/config.json',
      /cannot read \/some\/bart-large-mnli\/config\.json: ENOENT/,
    );
  });

  it("measures as the README says: the topic set's held-out half and SST-2 dev, never tuned on", async () => {
    const classify = await pipeline('zero-shot-classification');
    const set = readEvalSet<TopicSet>('zero-shot-topics.json');
    const heldout = set.items.filter((i) => i.split === 'heldout');
    const topics = await classify(
      heldout.map((i) => i.text),
      set.candidate_labels,
    );
    const topicAccuracy = topics.filter((o, i) => o.labels[0] === heldout[i]!.label).length / heldout.length;
    // README: 32 of 47 held-out = 68.1 % (7 labels: chance 14 %)
    expect(topicAccuracy).toBeGreaterThanOrEqual(0.65);
    // the same method on averaged GloVe vectors instead of USE-lite: 20 of 47 = 42.6 %
    const kv = await loadPretrained('glove-6b-100d-top20k');
    const X = embedTexts(
      heldout.map((i) => i.text),
      kv,
    );
    const H = embedTexts(
      set.candidate_labels.map((l) => `This example is ${l}.`),
      kv,
    );
    const glove = X.filter((x, i) => {
      const sims = H.map((h) => cosine(x, h));
      return set.candidate_labels[sims.indexOf(Math.max(...sims))] === heldout[i]!.label;
    }).length;
    expect(glove).toBe(20);
    const dev = loadSst2('dev');
    const sst = await classify(
      dev.map((e) => e.sentence),
      ['positive', 'negative'],
    );
    const right = sst.filter(
      (o, i) => o.labels[0] === (dev[i]!.label === 1 ? 'positive' : 'negative'),
    ).length;
    // README: 616 of 872 = 70.64 % (labels 'positive' / 'negative', Hugging Face's template; chance 51 %)
    expect(right / dev.length).toBeGreaterThanOrEqual(0.68);
  }, 300_000);
});
