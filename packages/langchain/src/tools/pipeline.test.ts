import { dataPath } from '@firth/datasets';
import { ValidationError } from '@firth/numeric';
import { COURSE_TASKS, pipeline, SUPPORTED_TASKS, taskInfo } from '@firth/pipelines';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import {
  pipelineArguments,
  pipelineDescription,
  pipelineTaskShape,
  pipelineTool,
  pipelineTools,
  TASK_SHAPES,
} from './pipeline.js';

// pipeline() as it is, counted: a tool loads its pipeline once
vi.mock('@firth/pipelines', async (importOriginal) => {
  const original = await importOriginal<typeof import('@firth/pipelines')>();
  return { ...original, pipeline: vi.fn(original.pipeline) };
});
const loads = vi.mocked(pipeline);
beforeEach(() => {
  loads.mockClear();
});

const parse = async (p: Promise<unknown>) => JSON.parse((await p) as string);

describe('pipelineTool', () => {
  it('sentiment-analysis: the course\'s "I love this!" gives the pipeline\'s own output and model', async () => {
    const tool = pipelineTool('sentiment-analysis');
    expect(tool.name).toBe('pipeline_sentiment_analysis');
    const info = taskInfo('sentiment-analysis').defaultModel!;
    expect(tool.description).toContain(info.id);
    expect(tool.description).toContain(info.quality);
    const out = await parse(tool.invoke({ text: 'I love this!' }));
    const classify = await pipeline('sentiment-analysis');
    expect(out.result).toEqual(await classify('I love this!'));
    expect(out.result[0].label).toMatch(/^(POSITIVE|NEGATIVE)$/);
    expect(out.model).toEqual(classify.model);
    expect(out.model).toMatchObject({ id: info.id, isDefault: true, quality: info.quality });
    // top_k by Hugging Face's name: both labels, best first
    const both = await parse(tool.invoke({ text: 'I love this!', top_k: 2 }));
    expect(both.result).toEqual(await classify('I love this!', { top_k: 2 }));
    expect(both.result).toHaveLength(2);
  });

  it('loads its pipeline once, on the first call', async () => {
    const tool = pipelineTool('fill-mask');
    expect(loads).not.toHaveBeenCalled();
    const a = await parse(tool.invoke({ text: 'he went to the [MASK] .', top_k: 3 }));
    const b = await parse(tool.invoke({ text: 'the [MASK] sat on the mat .' }));
    expect(loads).toHaveBeenCalledTimes(1);
    expect(a.result).toHaveLength(3);
    expect(b.result).toHaveLength(5); // the pipeline's default top_k
  });

  it("passes each task's options: greedy text generation and pooled features equal the pipeline's", async () => {
    const generator = pipelineTool('text-generation');
    const options = { max_new_tokens: 12, return_full_text: false };
    const out = await parse(generator.invoke({ text: 'Once upon a time', ...options }));
    const core = await pipeline('text-generation');
    expect(out.result).toEqual(await core('Once upon a time', options));
    const features = pipelineTool('feature-extraction');
    const [mean] = (await parse(features.invoke({ text: 'the cat sat .', pooling: 'mean', normalize: true })))
      .result as number[][];
    expect(mean).toHaveLength(128);
    expect(Math.hypot(...mean!)).toBeCloseTo(1, 6);
  });

  it("reads a model folder as a user's model (isDefault false)", async () => {
    const folder = dataPath('models/bert-tiny');
    const tool = pipelineTool('fill-mask', { model: folder, name: 'guess_word' });
    expect(tool.name).toBe('guess_word');
    expect(tool.description).toContain(folder);
    const out = await parse(tool.invoke({ text: 'he went to the [MASK] .', top_k: 2 }));
    expect(out.model).toMatchObject({ id: folder, isDefault: false });
    expect(out.result).toEqual(
      await parse(pipelineTool('fill-mask').invoke({ text: 'he went to the [MASK] .', top_k: 2 })).then(
        (r) => r.result,
      ),
    );
  });

  it("translation and text2text-generation run their offline defaults: the pipeline's own output", async () => {
    const translate = await parse(pipelineTool('translation_en_to_fr').invoke({ text: 'This is amazing.' }));
    expect(translate.result).toEqual(await (await pipeline('translation_en_to_fr'))('This is amazing.'));
    expect(translate.model).toMatchObject({ id: 'firth-lexicon-en-fr', isDefault: true });
    const t2t = await parse(
      pipelineTool('text2text-generation').invoke({ text: 'translate English to French: This is amazing.' }),
    );
    expect(t2t.result).toEqual([
      { generated_text: "C'est incroyable.", task: 'translation_en_to_fr', model: 'firth-lexicon-en-fr' },
    ]);
    // options the lexicon cannot honour are refused, not ignored
    await expect(
      pipelineTool('translation_en_to_fr').invoke({ text: 'This is amazing.', max_new_tokens: 4 }),
    ).rejects.toThrow(/takes only src_lang/);
  });

  it("refuses bad arguments by its schema, and the pipeline's own refusals come through", async () => {
    const tool = pipelineTool('text-classification');
    await expect(tool.invoke({ text: '   ' })).rejects.toThrow(/must not be empty/);
    await expect(tool.invoke({ text: 'x', top_k: 0 })).rejects.toThrow(/top_k/);
    await expect(pipelineTool('fill-mask').invoke({ text: 'no mask here' })).rejects.toThrow(/\[MASK\]/);
  });

  it('every task of the table: the ones that run get a tool described by taskInfo, the others are refused with its reason', () => {
    for (const task of COURSE_TASKS) {
      const info = taskInfo(task);
      if (info.available && !info.defaultModel) {
        // no offline default (translation, text2text): a tool needs a model folder, and says why
        expect(() => pipelineTool(task)).toThrow(info.noDefault!);
        expect(pipelineTool(task, { model: '/models/t5-small' }).description).toContain('/models/t5-small');
      } else if (info.available) {
        const tool = pipelineTool(task);
        expect(tool.description).toBe(pipelineDescription(task));
        expect(tool.description).toContain(info.defaultModel!.quality);
        // the schema holds the task's inputs and its options
        const keys = Object.keys((tool.schema as { shape: object }).shape);
        const shape = pipelineTaskShape(task);
        expect(keys.sort()).toEqual([...Object.keys(shape.inputs), ...Object.keys(shape.options)].sort());
      } else {
        expect(() => pipelineTool(task)).toThrow(ValidationError);
        expect(() => pipelineTool(task)).toThrow(info.unavailable!);
      }
    }
    expect(() => pipelineTool('summarisation')).toThrow(/unknown task "summarisation"/);
  });

  it('pipelineTools(): one tool per task this version runs', () => {
    const available = Object.keys(SUPPORTED_TASKS).filter(
      (t) => taskInfo(t).available && taskInfo(t).defaultModel !== undefined,
    );
    expect(available.length).toBeGreaterThanOrEqual(4);
    expect(pipelineTools().map((t) => t.name)).toEqual(
      available.map((t) => `pipeline_${t.replace(/-/g, '_')}`),
    );
  });

  it("orders each task's inputs as the pipeline takes them", () => {
    expect(
      pipelineArguments('question-answering', { question: 'Where do pandas live?', context: 'In China.' }),
    ).toEqual(['Where do pandas live?', 'In China.']);
    expect(
      pipelineArguments('zero-shot-classification', { text: 't', candidate_labels: ['a', 'b'] }),
    ).toEqual(['t', ['a', 'b']]);
    expect(pipelineArguments('sentiment-analysis', { text: 'I love this!' })).toEqual(['I love this!']);
    expect(pipelineArguments('translation_en_to_fr', { text: 'This is amazing.' })).toEqual([
      'This is amazing.',
    ]);
  });

  it("bounds every input an agent may send (a table's columns included)", () => {
    const { table, query } = TASK_SHAPES['table-question-answering']!.inputs;
    const columns = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, k) => [`c${k}`, ['x']]));
    expect(table!.safeParse(columns(100)).success).toBe(true);
    expect(table!.safeParse(columns(101)).success).toBe(false);
    expect(query!.safeParse('x'.repeat(20_001)).success).toBe(false);
  });
});
