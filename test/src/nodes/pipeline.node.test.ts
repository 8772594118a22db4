import { dataPath } from '@firth/datasets';
import { COURSE_TASKS, pipeline, taskInfo } from '@firth/pipelines';
import { NodeOperationError } from 'n8n-workflow';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { PipelineFirth } from '../../../packages/n8n-nodes-firth/nodes/PipelineFirth/PipelineFirth.node.js';
import { nodeRunner } from '../harness/fake-context.js';
import { expectRoundedBeside } from '../harness/rounded.js';

// pipeline() as it is, counted: the node loads one pipeline per (task, model) per execution
vi.mock('@firth/pipelines', async (importOriginal) => {
  const original = await importOriginal<typeof import('@firth/pipelines')>();
  // each loaded pipeline records the arguments it is called with
  const pipeline = async (...load: Parameters<typeof original.pipeline>) => {
    const pipe = await original.pipeline(...load);
    const call = pipe as unknown as (...args: unknown[]) => Promise<unknown>;
    return Object.assign(
      (...args: unknown[]) => {
        calls.push(args);
        return call(...args);
      },
      { task: pipe.task, model: pipe.model },
    );
  };
  return { ...original, pipeline: vi.fn(pipeline) };
});
const calls: unknown[][] = [];
const loads = vi.mocked(pipeline);
beforeEach(() => {
  loads.mockClear();
});

const node = new PipelineFirth();
const run = nodeRunner(node);

/** The course's own examples ("Basic Model Usage": the batch; "Other Huggingface Pipelines"). */
const BATCH = [
  'This tutorial is amazing!',
  "I'm having trouble understanding this.",
  'The weather is terrible today.',
];
const defaults: Record<string, unknown> = Object.fromEntries(
  node.description.properties.map((p) => [p.name, p.default]),
);
const unavailable = COURSE_TASKS.filter((t) => !taskInfo(t).available);

describe('Firth Pipeline node', () => {
  it("offers every task of the course's table, each described by taskInfo", () => {
    const task = node.description.properties.find((p) => p.name === 'task')!;
    const options = task.options as { name: string; value: string; description: string }[];
    expect(options.map((o) => o.value)).toEqual([...COURSE_TASKS]);
    for (const o of options) {
      const info = taskInfo(o.value);
      expect(o.description).toContain(info.available ? info.defaultModel!.quality : info.unavailable!);
    }
    expect(task.default).toBe('sentiment-analysis');
  });

  it('sentiment-analysis on "I love this!": the pipeline\'s output and the default model\'s metadata', async () => {
    const [out] = await run([{ id: 1 }]);
    const classify = await pipeline('sentiment-analysis');
    const { json } = out!;
    expect(json).toMatchObject({ id: 1, task: 'sentiment-analysis', text: 'I love this!' });
    expect(json.result).toEqual(await classify('I love this!'));
    expect(json.result[0].label).toMatch(/^(POSITIVE|NEGATIVE)$/);
    const info = taskInfo('sentiment-analysis').defaultModel!;
    expect(json.model).toEqual({
      id: info.id,
      isDefault: true,
      quality: info.quality,
      parameters: classify.model.parameters,
    });
    expectRoundedBeside(json, ['result']);
    expect((out as { pairedItem?: unknown }).pairedItem).toEqual({ item: 0 });
  });

  it('loads one pipeline per (task, model) per execution, whatever the number of items', async () => {
    const out = await run(
      BATCH.map((text) => ({ text })),
      { text: (i: number) => BATCH[i] },
    );
    expect(loads).toHaveBeenCalledTimes(1);
    const classify = await pipeline('sentiment-analysis');
    expect(out.map((o) => o.json.result)).toEqual(await Promise.all(BATCH.map((t) => classify(t))));
    loads.mockClear();
    // two tasks and two models of one task across four items: three pipelines
    const folder = dataPath('models/bert-tiny');
    const tasks = ['fill-mask', 'sentiment-analysis', 'fill-mask', 'fill-mask'];
    const models = ['', '', '', folder];
    const mixed = await run([{}, {}, {}, {}], {
      task: (i: number) => tasks[i],
      model: (i: number) => models[i],
      text: (i: number) => (tasks[i] === 'fill-mask' ? 'he went to the [MASK] .' : 'I love this!'),
      options: (i: number) => (tasks[i] === 'fill-mask' ? { top_k: 2 } : {}),
    });
    expect(loads).toHaveBeenCalledTimes(3);
    expect(loads.mock.calls.map((c) => c[1])).toEqual([undefined, undefined, folder]);
    expect(mixed[3]!.json.model).toMatchObject({ id: folder, isDefault: false });
    expect(mixed[3]!.json.model.quality).toBeUndefined();
    // the shipped model read from its folder guesses as the default does
    expect(mixed[3]!.json.result).toEqual(mixed[0]!.json.result);
    expect(mixed[0]!.json.result).toHaveLength(2);
  });

  it("runs a list of texts as one batch, as the course's sentiment_analyzer(texts)", async () => {
    const [out] = await run([{}], { text: BATCH });
    const classify = await pipeline('sentiment-analysis');
    expect(out!.json.result).toEqual(await classify(BATCH));
    expect(out!.json.result).toHaveLength(3);
  });

  it("passes each task's options by Hugging Face's names", async () => {
    const [gen] = await run([{}], {
      task: 'text-generation',
      text: 'Once upon a time',
      options: { max_new_tokens: 10, return_full_text: false },
    });
    const generator = await pipeline('text-generation');
    expect(gen!.json.result).toEqual(
      await generator('Once upon a time', { max_new_tokens: 10, return_full_text: false }),
    );
    expect(gen!.json.model.id).toBe(taskInfo('text-generation').defaultModel!.id);
    const [features] = await run([{}], {
      task: 'feature-extraction',
      text: 'the cat sat .',
      options: { pooling: 'mean', normalize: true },
    });
    const [vector] = features!.json.result as number[][];
    expect(vector).toHaveLength(128);
    expect(Math.hypot(...vector!)).toBeCloseTo(1, 6);
    // an option set for another task (n8n keeps it when the task changes) is not passed
    calls.length = 0;
    const [both] = await run([{}], { options: { top_k: 2, pooling: 'mean', max_new_tokens: 3 } });
    expect(calls).toEqual([['I love this!', { top_k: 2 }]]);
    expect(both!.json.result).toHaveLength(2);
    // every option is shown only for the tasks that take it
    const options = node.description.properties.find((p) => p.name === 'options')!.options as unknown as {
      name: string;
      displayOptions: { show: { '/task': string[] } };
    }[];
    const shownFor = (name: string) => options.find((o) => o.name === name)!.displayOptions.show['/task'];
    expect(shownFor('pooling')).toEqual(['feature-extraction']);
    expect(shownFor('top_k')).toEqual(expect.arrayContaining(['sentiment-analysis', 'fill-mask']));
  });

  it("fails a bad item with a clear message, on that item (NodeOperationError, or the item's error with Continue On Fail)", async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ text: '  ' }, /^Text is empty$/],
      [{ text: { a: 1 } }, /^Text must be text, got object$/],
      [{ task: 'fill-mask', text: 'no mask here' }, /\[MASK\]/],
      [{ options: { top_k: 0 } }, /top_k must be a whole number ≥ 1/],
      [
        { task: 'fill-mask', text: 'the [MASK] .', model: '/no/such/folder' },
        /^cannot read \/no\/such\/folder\/config\.json: no such file or folder$/,
      ],
      [{ task: 'translation', sourceLanguage: 'english' }, /^Source Language must be a language code/],
      [{ model: 'x'.repeat(5000) }, /^Model has 5000 characters; at most 4096 are accepted/],
    ];
    for (const [bad, message] of cases) {
      // item 0 takes the defaults (sentiment of "I love this!"), item 1 the bad parameters
      const merged = Object.fromEntries(
        Object.entries(bad).map(([k, v]) => [k, (i: number) => (i === 1 ? v : defaults[k])]),
      );
      const error = await run([{}, {}], merged).catch((e: unknown) => e);
      expect(error, JSON.stringify(bad)).toBeInstanceOf(NodeOperationError);
      expect((error as NodeOperationError).message).toMatch(message);
      expect((error as NodeOperationError).context.itemIndex).toBe(1);
      const out = await run([{ id: 0 }, { id: 1 }], merged, true);
      expect(out[0]!.json.error).toBeUndefined();
      expect(out[0]!.json.result[0].label).toMatch(/^(POSITIVE|NEGATIVE)$/);
      expect(out[1]!.json).toMatchObject({ id: 1 });
      expect(out[1]!.json.error).toMatch(message);
    }
  });

  it("a task of the table that does not run yet fails each of its items with taskInfo's reason", async () => {
    for (const task of unavailable) {
      const reason = taskInfo(task).unavailable!;
      const out = await run(
        [{ id: 0 }, { id: 1 }],
        { task: (i: number) => (i === 0 ? 'sentiment-analysis' : task) },
        true,
      );
      expect(out[0]!.json.result).toBeDefined();
      expect(out[1]!.json.error, task).toContain(reason);
      const error = await run([{}, {}], {
        task: (i: number) => (i === 0 ? 'sentiment-analysis' : task),
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(NodeOperationError);
      expect((error as NodeOperationError).context.itemIndex).toBe(1);
    }
    // translation: the two language fields make Hugging Face's task name
    const [fr] = await run([{}], { task: 'translation', text: 'This is amazing.' }, true);
    if (taskInfo('translation').available) expect(fr!.json.task).toBe('translation_en_to_fr');
    else expect(fr!.json.error).toContain(`"translation_en_to_fr" is ${taskInfo('translation').unavailable}`);
  });
});
