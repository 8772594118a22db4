import { NodeOperationError } from 'n8n-workflow';
import { describe, expect, it } from 'vitest';
import { RecurrentTextGenerator } from '../../../packages/n8n-nodes-firth/nodes/RecurrentTextGenerator/RecurrentTextGenerator.node.js';
import { fakeContext } from '../harness/fake-context.js';
import { expectPlotBinaries } from '../harness/plot-binaries.js';

const node = new RecurrentTextGenerator();
type Out = { json: Record<string, any>; binary?: any };
const defaults = Object.fromEntries(node.description.properties.map((p) => [p.name, p.default]));
const run = async (items: object[], parameters: Record<string, unknown> = {}, continueOnFail = false) =>
  (
    (await node.execute.call(
      fakeContext({ items: items as never, parameters: { ...defaults, ...parameters }, continueOnFail }),
    )) as Out[][]
  )[0]!;

describe('Recurrent Text Generator node', () => {
  it('samples Shakespeare from the pretrained ml5 char-LSTM, reproducibly per seed', async () => {
    const out = await run([{ seed: 1 }, { seed: 1 }, { seed: 2 }], {
      length: 120,
      seed: (i: number) => [1, 1, 2][i],
    });
    const texts = out.map((o) => o.json.text as string);
    expect(texts[0]).toHaveLength(120);
    expect(out[0]!.json.completion.startsWith('ROMEO:\n')).toBe(true);
    expect(out[0]!.json.model).toBe('ml5');
    expect(texts[1]).toBe(texts[0]);
    expect(texts[2]).not.toBe(texts[0]);
    expect(texts[0]).toMatch(/[a-z]+ [a-z]+/);
  }, 60_000);

  it('trains a small LSTM on item text, lowers the loss, and samples from the trained model', async () => {
    const text = 'to be or not to be, that is the question. '.repeat(40);
    const [trained, ...progress] = await run([{ text }], {
      operation: 'train',
      textSource: 'field',
      textField: 'text',
      maxChars: 0,
      cell: 'lstm',
      hiddenSize: 32,
      steps: 60,
      trainOptions: { seqLength: 16, batchSize: 16, learningRate: 0.02 },
      prompt: 'to be',
      length: 30,
      temperature: 0,
      output: 'progress',
    });
    const curve = trained!.json.lossCurve as number[];
    expect(curve).toHaveLength(60);
    expect(curve[0]).toBeGreaterThan(2.5);
    expect(trained!.json.loss).toBeLessThan(curve[0]! / 2);
    expect(trained!.json.valLoss).toBeLessThan(curve[0]!);
    expect(trained!.json.sample).toHaveLength(30);
    // one progress item per validation point, the last one at the last step
    expect(progress.map((p) => p.json.valLoss)).toEqual(trained!.json.valLossCurve.map((v: any) => v.loss));
    expect(progress.at(-1)!.json.step).toBe(60);
    expect(expectPlotBinaries(trained!.binary, 'loss-curve')).toContain('<polyline');
    const [again] = await run([{}], {
      modelSource: 'trained',
      model: trained!.json.model,
      prompt: 'to be',
      length: 30,
      temperature: 0,
    });
    expect(again!.json.text).toBe(trained!.json.sample);
  }, 120_000);

  it('names bad input per item', async () => {
    const error = await run([{ p: 'ROMEO' }, { p: 'ROMEO~' }], {
      prompt: (i: number) => ['ROMEO', 'ROMEO~'][i],
      length: 5,
    }).catch((e) => e);
    expect(error).toBeInstanceOf(NodeOperationError);
    expect(error.context.itemIndex).toBe(1);
    expect(error.message).toMatch(/"~"/);
    const soft = await run([{}], { length: 5, temperature: -1 }, true);
    expect(soft[0]!.json.error).toMatch(/temperature/);
    await expect(run([{}], { modelSource: 'trained', model: '' })).rejects.toThrow(/Model is empty/);
    await expect(
      run([{ text: 42 }], { operation: 'train', textSource: 'field', textField: 'text', steps: 1 }),
    ).rejects.toThrow(/Item 0: field "text" must be text, got number/);
    await expect(
      run([{ text: 'abc' }], {
        operation: 'train',
        textSource: 'field',
        textField: 'text',
        steps: 1,
        hiddenSize: 0,
      }),
    ).rejects.toThrow(/hiddenSize/);
  });
});

describe('Recurrent Text Generator node: vanishing gradient', () => {
  it('shows the RNN gradient dying out over 50 steps while the LSTM keeps far more of it', async () => {
    const rows = await run([{}], {
      operation: 'vanishingGradient',
      timeSteps: 50,
      gradientHiddenSize: 32,
      seed: 0,
    });
    expect(rows).toHaveLength(50);
    expect(rows.map((r) => r.json.timeStep)).toEqual(Array.from({ length: 50 }, (_, t) => t + 1));
    const first = rows[0]!.json;
    expect(rows[49]!.json.rnnRatio).toBe(1);
    // measured: RNN 1.6e-12, LSTM 5.3e-5 (seed 0)
    expect(first.rnnRatio).toBeLessThan(1e-9);
    expect(first.lstmRatio).toBeGreaterThan(1e-6);
    expect(expectPlotBinaries(rows[0]!.binary, 'vanishing-gradient')).toContain('LSTM');
    await expect(
      run([{}], { operation: 'vanishingGradient', timeSteps: 0, gradientHiddenSize: 32 }),
    ).rejects.toThrow(/timeSteps/);
  });
});
