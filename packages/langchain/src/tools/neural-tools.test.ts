import { MLPClassifier } from '@firth/neural';
import { ToolMessage } from '@langchain/core/messages';
import { describe, expect, it } from 'vitest';
import { activationTool } from './activation.js';
import { convolutionTool } from './convolution.js';
import { mlpTool } from './mlp.js';
import { charRnnTool } from './text-generator.js';

const XOR = [
  [0, 0],
  [0, 1],
  [1, 0],
  [1, 1],
];
// The course's 5×5 input and 3×3 kernel (section "Convolutional Neural Networks").
const IMAGE = [
  [3, 3, 2, 1, 0],
  [0, 0, 1, 3, 1],
  [3, 1, 2, 2, 3],
  [2, 0, 0, 2, 2],
  [2, 0, 0, 0, 1],
];
const KERNEL = [
  [0, 1, 2],
  [2, 2, 0],
  [0, 1, 2],
];

describe('mlp tool', () => {
  it("replays the course's XOR cell with the same weights as the core model", async () => {
    const args = {
      hiddenLayerSizes: [2],
      activation: 'tanh' as const,
      learningRateInit: 0.01,
      maxIter: 10000,
      randomState: 42,
    };
    const out = JSON.parse(
      (await mlpTool.invoke({ rows: XOR, labels: [0, 1, 1, 0], ...args, predictRows: [[1, 1]] })) as string,
    );
    const core = new MLPClassifier(args).fit(XOR, [0, 1, 1, 0]);
    expect(out.coefs).toEqual(core.coefs);
    expect(out.nIter).toBe(617);
    expect(out.predictions).toEqual([0, 1, 1, 0]);
    expect(out.newPredictions).toEqual([0]);
    expect(out.newProbabilities[0][0]).toBeGreaterThan(0.9);
  });
  it('trains a regressor and answers a tool call', async () => {
    const rows = Array.from({ length: 20 }, (_, i) => [i / 10]);
    const msg = await mlpTool.invoke({
      type: 'tool_call',
      id: 'c1',
      name: 'mlp',
      args: {
        rows,
        labels: rows.map(([x]) => 2 * x! + 1),
        task: 'regression',
        hiddenLayerSizes: [8],
        maxIter: 2000,
      },
    });
    expect(msg).toBeInstanceOf(ToolMessage);
    expect(JSON.parse(String((msg as ToolMessage).content)).r2).toBeGreaterThan(0.9);
  });
  it('names bad arguments', async () => {
    await expect(mlpTool.invoke({ rows: XOR, labels: [0, 1, 1, 0], hiddenLayerSizes: [0] })).rejects.toThrow(
      /hiddenLayerSizes/,
    );
    await expect(mlpTool.invoke({ rows: [[0, 0], [1]], labels: [0, 1] })).rejects.toThrow(/ragged/);
    await expect(mlpTool.invoke({ rows: XOR, labels: [0, 1, 1, 'x'], task: 'regression' })).rejects.toThrow(
      /y\[3\]/,
    );
  });
});

describe('activation_function tool', () => {
  it('evaluates functions, derivatives and softmax', async () => {
    const sig = JSON.parse(
      await activationTool.invoke({ function: 'sigmoid', values: [0, 2], derivative: true }),
    );
    expect(sig.values[0]).toBe(0.5);
    expect(sig.derivatives[0]).toBe(0.25);
    expect(sig.values[1]).toBeCloseTo(1 / (1 + Math.exp(-2)), 15);
    const leaky = JSON.parse(await activationTool.invoke({ function: 'leakyRelu', values: [-2, 3] }));
    expect(leaky.values).toEqual([-0.2, 3]);
    const soft = JSON.parse(
      await activationTool.invoke({ function: 'softmax', values: [1, 1], derivative: true }),
    );
    expect(soft.values).toEqual([0.5, 0.5]);
    expect(soft.jacobian).toEqual([
      [0.25, -0.25],
      [-0.25, 0.25],
    ]);
  });
  it('names bad arguments', async () => {
    await expect(activationTool.invoke({ function: 'swishy' as never, values: [1] })).rejects.toThrow(
      /function/,
    );
    await expect(activationTool.invoke({ function: 'relu', values: [] })).rejects.toThrow(/values/);
  });
});

describe('convolution tool', () => {
  it("gives the course's feature map [[12,12,17],[10,17,19],[9,6,14]] and pools it", async () => {
    const out = JSON.parse(
      await convolutionTool.invoke({ image: IMAGE, kernel: KERNEL, pool: 'max', poolSize: 2 }),
    );
    expect(out.output).toEqual([
      [12, 12, 17],
      [10, 17, 19],
      [9, 6, 14],
    ]);
    expect(out.shape).toEqual([3, 3]);
    expect(out.pooled).toEqual([[17]]);
  });
  it('names bad arguments', async () => {
    await expect(convolutionTool.invoke({ image: [[1, 2], [3]], kernel: [[1]] })).rejects.toThrow(/image/);
    await expect(convolutionTool.invoke({ image: [[1, 2]], kernel: [[1, 1, 1]] })).rejects.toThrow(/kernel/);
    await expect(convolutionTool.invoke({ image: IMAGE, kernel: KERNEL, stride: 0 })).rejects.toThrow(
      /stride/,
    );
  });
});

describe('char_rnn_generate tool', () => {
  it('continues a prompt with the pretrained Shakespeare LSTM, reproducibly', async () => {
    const a = JSON.parse(await charRnnTool.invoke({ prompt: 'ROMEO:\n', length: 60, seed: 3 }));
    const b = JSON.parse(await charRnnTool.invoke({ prompt: 'ROMEO:\n', length: 60, seed: 3 }));
    expect(a.text).toHaveLength(60);
    expect(a.text).toBe(b.text);
    expect(a.completion.startsWith('ROMEO:\n')).toBe(true);
  }, 60_000);
  it('names bad arguments', async () => {
    await expect(charRnnTool.invoke({ prompt: 'naïve €', length: 5 })).rejects.toThrow(/"€"|"ï"/);
    await expect(charRnnTool.invoke({ length: 0 })).rejects.toThrow(/length/);
  });
});
