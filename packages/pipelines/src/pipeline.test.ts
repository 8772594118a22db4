import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dataPath, loadSst2 } from '@firth/datasets';
import { ValidationError } from '@firth/numeric';
import { generate, loadLlama2c, loadLlama2cTokenizer, loadTinyBert } from '@firth/transformers';
import { describe, expect, it } from 'vitest';
import { pipeline } from './pipeline.js';
import { loadSentimentDefault } from './sentiment.js';
import { COURSE_TASKS, resolveTask, SUPPORTED_TASKS, taskInfo } from './tasks.js';

describe('task names', () => {
  it("resolve as Hugging Face's: aliases, translation_xx_to_yy, and every name of the course's table", () => {
    expect(resolveTask('sentiment-analysis').task).toBe('text-classification');
    expect(resolveTask('ner').task).toBe('token-classification');
    expect(resolveTask('translation_en_to_fr')).toEqual({
      task: 'translation',
      name: 'translation_en_to_fr',
      translation: { from: 'en', to: 'fr' },
    });
    expect(COURSE_TASKS).toHaveLength(15);
    for (const name of COURSE_TASKS) expect(taskInfo(name).task).toBe(resolveTask(name).task);
    expect(() => resolveTask('summarisation')).toThrow(/unknown task "summarisation"; the tasks are/);
    expect(() => resolveTask('')).toThrow(ValidationError);
  });

  it('a task of the table this version does not run is refused, naming why; the ones it runs have a measured default', async () => {
    for (const name of COURSE_TASKS.filter((t) => !taskInfo(t).available))
      await expect(pipeline(name)).rejects.toThrow(
        new RegExp(`"${name}" is not in this version of @firth/pipelines`),
      );
    // an available task has a measured default, or says why it has none (a model folder is the path)
    for (const info of Object.values(SUPPORTED_TASKS)) {
      expect(info.available).toBe(true);
      expect(info.defaultModel?.quality ?? info.noDefault).toMatch(/\w/);
    }
  });
});

describe('text-classification (sentiment-analysis)', () => {
  it("gives the shipped SST-2 model's labels and scores, in Hugging Face's shapes", async () => {
    const classify = await pipeline('sentiment-analysis');
    expect(classify.task).toBe('text-classification');
    expect(classify.model).toMatchObject({ id: 'bert-tiny-sst2+sst2-ngrams', isDefault: true });
    const classifier = await loadSentimentDefault();
    expect(classify.model.parameters).toBe(classifier.parameters);
    // transformers.js's default (distilbert-base-uncased-finetuned-sst-2-english) says POSITIVE / NEGATIVE
    expect(classifier.labels).toEqual(['NEGATIVE', 'POSITIVE']);
    const [core] = classifier.predict(['I love this!']);
    // one text → a list of its top_k (1) labels
    expect(await classify('I love this!')).toEqual([
      { label: core!.label, score: core!.scores[core!.label] },
    ]);
    // several texts → one label each; top_k 2 → a list per text, best first; null → every label
    const batch = ['what a wonderful , moving film .', 'a dull , tedious mess .', 'it is a film .'];
    const one = (await classify(batch)) as { label: string; score: number }[];
    expect(one.map((r) => r.label)).toEqual(classifier.predict(batch).map((p) => p.label));
    const two = (await classify(batch, { top_k: 2 })) as { label: string; score: number }[][];
    for (const r of two) {
      expect(r).toHaveLength(2);
      expect(r[0]!.score).toBeGreaterThanOrEqual(r[1]!.score);
    }
    const all = (await classify('it is a film .', { top_k: null })) as { score: number }[];
    expect(all).toHaveLength(classifier.labels.length);
    expect(all.reduce((s, r) => s + r.score, 0)).toBeCloseTo(1, 5);
    await expect(classify('')).rejects.toThrow(/input 0 must be a non-empty string/);
    await expect(classify('x', { top_k: 0 })).rejects.toThrow(/top_k must be a whole number ≥ 1/);
  });

  it('is well above chance on held-out SST-2 sentences (dev, never trained on)', async () => {
    const classify = await pipeline('text-classification');
    const dev = loadSst2('dev').slice(0, 200);
    const out = (await classify(dev.map((e) => e.sentence))) as { label: string }[];
    const right = out.filter((r, i) => r.label === (dev[i]!.label === 1 ? 'POSITIVE' : 'NEGATIVE')).length;
    // the README's 83.83 % is on all 872 (sentiment.test.ts recomputes it); on these 200 well above chance
    expect(right / dev.length).toBeGreaterThan(0.75);
  });
});

describe('fill-mask', () => {
  it("gives top_k guesses per [MASK] with Hugging Face's fields, from the default or a model folder", async () => {
    const unmask = await pipeline('fill-mask');
    const text = 'he went to the [MASK] to deposit money .';
    const out = (await unmask(text, { top_k: 3 })) as {
      score: number;
      token: number;
      token_str: string;
      sequence: string;
    }[];
    expect(out).toHaveLength(3);
    expect(Object.keys(out[0]!).sort()).toEqual(['score', 'sequence', 'token', 'token_str']);
    expect(out[0]!.score).toBeGreaterThanOrEqual(out[2]!.score);
    for (const r of out) expect(r.sequence).toContain(r.token_str);
    const { pretrainer } = await loadTinyBert();
    expect(out.map((r) => r.token_str)).toEqual(
      pretrainer.fillMask(text, { topK: 3 }).map((p) => p.token_str),
    );
    // two masks: a list per mask
    const two = (await unmask('the [MASK] sat on the [MASK] .', { top_k: 2 })) as unknown[][];
    expect(two).toHaveLength(2);
    expect(two[1]).toHaveLength(2);
    // the same model read from its folder as a user's model
    const fromFolder = await pipeline('fill-mask', dataPath('models/bert-tiny'));
    expect(fromFolder.model).toMatchObject({ id: dataPath('models/bert-tiny'), isDefault: false });
    expect(await fromFolder(text, { top_k: 3 })).toEqual(out);
    await expect(unmask('no mask here')).rejects.toThrow(/no \[MASK\] token/);
    const empty = mkdtempSync(join(tmpdir(), 'firth-pipeline-'));
    await expect(pipeline('fill-mask', empty)).rejects.toThrow(/vocab\.txt|config\.json/);
  });
});

describe('feature-extraction', () => {
  it('gives each token a hidden-size vector; mean and cls pooling and normalize as transformers.js', async () => {
    const extract = await pipeline('feature-extraction');
    const tokens = (await extract('the cat sat .')) as number[][][];
    expect(tokens).toHaveLength(1);
    const rows = tokens[0]!;
    expect(rows.length).toBeGreaterThan(3); // [CLS] the cat sat . [SEP]
    expect(rows[0]).toHaveLength(128);
    const [mean] = (await extract('the cat sat .', { pooling: 'mean' })) as number[][];
    for (const j of [0, 64, 127])
      expect(mean![j]).toBeCloseTo(rows.reduce((s, r) => s + r[j]!, 0) / rows.length, 5);
    const [cls] = (await extract('the cat sat .', { pooling: 'cls', normalize: true })) as number[][];
    expect(Math.hypot(...cls!)).toBeCloseTo(1, 5);
    expect(cls![5]! / rows[0]![5]!).toBeCloseTo(1 / Math.hypot(...rows[0]!), 5);
    expect(await extract(['a', 'b'], { pooling: 'mean' })).toHaveLength(2);
    // a BERT folder as a user's model: the shipped one gives the same vectors
    const fromFolder = await pipeline('feature-extraction', dataPath('models/bert-tiny'));
    expect(fromFolder.model.isDefault).toBe(false);
    expect(await fromFolder('the cat sat .')).toEqual(tokens);
    await expect(extract('x', { pooling: 'max' as 'mean' })).rejects.toThrow(/pooling must be/);
  });
});

describe('text-generation', () => {
  it('continues a prompt with the shipped TinyStories model: greedy by default, sampling seeded, as the core generates', async () => {
    const generator = await pipeline('text-generation');
    expect(generator.model).toMatchObject({ id: 'tinyllamas-stories260K', isDefault: true });
    const [greedy] = (await generator('Once upon a time', { max_new_tokens: 20 })) as {
      generated_text: string;
    }[];
    const core = await generate(await loadLlama2c(), await loadLlama2cTokenizer(), 'Once upon a time', {
      maxNewTokens: 20,
      temperature: 0,
    });
    expect(greedy!.generated_text).toBe(`Once upon a time${core.text}`);
    const [bare] = (await generator('Once upon a time', { max_new_tokens: 20, return_full_text: false })) as {
      generated_text: string;
    }[];
    expect(bare!.generated_text).toBe(core.text);
    const options = { max_new_tokens: 15, do_sample: true, temperature: 0.9, top_p: 0.9, seed: 4 };
    const a = await generator('Lily and Ben', options);
    expect(await generator('Lily and Ben', options)).toEqual(a);
    expect(await generator(['Lily', 'Ben'], { max_new_tokens: 5 })).toHaveLength(2);
    await expect(generator('x', { max_new_tokens: 0 })).rejects.toThrow(
      /max_new_tokens must be a whole number ≥ 1/,
    );
  });
});

describe('model folders that cannot be read', () => {
  it('are refused naming the file, not guessed', async () => {
    await expect(pipeline('text-generation', '/some/gpt2')).rejects.toThrow(
      /cannot read \/some\/gpt2\/config\.json: ENOENT/,
    );
    await expect(pipeline('sentiment-analysis', '/some/bert')).rejects.toThrow(
      /cannot read \/some\/bert\/config\.json: ENOENT/,
    );
    await expect(pipeline('fill-mask', '  ')).rejects.toThrow(/model must be a folder path/);
  });
});
