import { ToolMessage } from '@langchain/core/messages';
import { describe, expect, it } from 'vitest';
import { perceptronTool } from './perceptron.js';

const rows = [
  [0, 0],
  [0, 1],
  [1, 0],
  [1, 1],
];

describe('perceptron tool', () => {
  it('trains with the course rule and returns weights, bias, predictions and the trace', async () => {
    const out = JSON.parse(
      await perceptronTool.invoke({
        rows,
        labels: [0, 0, 0, 1],
        learningRate: 0.1,
        initialWeights: [0.3, -0.1],
        initialBias: 0.2,
        includeTrace: true,
      }),
    );
    expect(out.predictions).toEqual([0, 0, 0, 1]);
    expect(out.accuracy).toBe(1);
    expect(out.converged).toBe(true);
    // first step of the course's hand calculation
    expect(out.trace[0]).toMatchObject({ inputs: [0, 0], output: 1, error: -1, weights: [0.3, -0.1] });
    expect(out.trace[0].z).toBeCloseTo(0.2, 12);
    expect(out.trace[0].bias).toBeCloseTo(0.1, 12);
  });

  it("replays the course's scikit-learn cell", async () => {
    const out = JSON.parse(
      await perceptronTool.invoke({
        rows,
        labels: [0, 0, 0, 1],
        rule: 'sklearn',
        maxIter: 100,
        eta0: 0.1,
        randomState: 42,
      }),
    );
    expect(out.coef[0][0]).toBeCloseTo(0.2, 9);
    expect(out.coef[0][1]).toBeCloseTo(0.2, 9);
    expect(out.intercept[0]).toBeCloseTo(-0.2, 9);
    expect(out.predictions).toEqual([0, 0, 0, 1]);
  });

  it('answers a tool call from a chat model with a ToolMessage', async () => {
    const msg = await perceptronTool.invoke({
      type: 'tool_call',
      id: 'call_1',
      name: 'perceptron',
      args: { rows, labels: [0, 1, 1, 1] },
    });
    expect(msg).toBeInstanceOf(ToolMessage);
    expect(JSON.parse(String((msg as ToolMessage).content)).predictions).toEqual([0, 1, 1, 1]);
  });

  it('rejects arguments that break the schema, naming the field', async () => {
    await expect(perceptronTool.invoke({ rows: [[0, 'x']], labels: [0] } as never)).rejects.toThrow(/rows/);
    await expect(perceptronTool.invoke({ rows: [], labels: [] })).rejects.toThrow(/rows/);
  });

  it('passes core validation errors through: ragged rows, labels outside {0, 1}', async () => {
    await expect(perceptronTool.invoke({ rows: [[0, 0], [1]], labels: [0, 1] })).rejects.toThrow(
      /X is ragged/,
    );
    await expect(perceptronTool.invoke({ rows, labels: [0, 0, 0, 2] })).rejects.toThrow(
      /y\[3\] must be one of 0, 1/,
    );
  });
});
