import { MLPClassifier } from '@firth/neural';
import { NodeOperationError } from 'n8n-workflow';
import { describe, expect, it } from 'vitest';
import { Mlp } from '../../../packages/n8n-nodes-firth/nodes/Mlp/Mlp.node.js';
import { fakeContext } from '../harness/fake-context.js';
import { expectPlotBinaries } from '../harness/plot-binaries.js';
import { expectRoundedBeside } from '../harness/rounded.js';

const XOR = [
  { x1: 0, x2: 0, y: 0 },
  { x1: 0, x2: 1, y: 1 },
  { x1: 1, x2: 0, y: 1 },
  { x1: 1, x2: 1, y: 0 },
];
// The course's cell: MLPClassifier(hidden_layer_sizes=(2,), activation='tanh', solver='adam',
// learning_rate_init=0.01, max_iter=10000, random_state=42)
const courseParams = {
  operation: 'train',
  task: 'classification',
  featureFields: 'x1, x2',
  labelField: 'y',
  hiddenLayerSizes: '2',
  activation: 'tanh',
  solver: 'adam',
  learningRateInit: 0.01,
  maxIter: 10000,
  randomState: 42,
  options: {},
  output: 'model',
  includePlot: true,
};
const node = new Mlp();
type Out = { json: Record<string, any>; binary?: any; pairedItem: unknown };
const run = async (items: object[], parameters: Record<string, unknown>, continueOnFail = false) =>
  (
    (await node.execute.call(fakeContext({ items: items as never, parameters, continueOnFail }))) as Out[][]
  )[0]!;

describe('MLP node', () => {
  it('is a valid n8n node description', () => {
    expect(node.description.name).toBe('mlp');
    expect(node.description.usableAsTool).toBe(true);
  });

  it("trains the course's XOR network exactly as the core (and scikit-learn) does", async () => {
    const [out] = await run(XOR, courseParams);
    const core = new MLPClassifier({
      hiddenLayerSizes: [2],
      activation: 'tanh',
      learningRateInit: 0.01,
      maxIter: 10000,
      randomState: 42,
    }).fit(
      XOR.map((r) => [r.x1, r.x2]),
      XOR.map((r) => r.y),
    );
    expect(out!.json.coefs).toEqual(core.coefs);
    expect(out!.json.intercepts).toEqual(core.intercepts);
    expect(out!.json.nIter).toBe(core.nIter);
    expect(out!.json.predictions).toEqual([0, 1, 1, 0]);
    expect(out!.json.accuracy).toBe(1);
    // the course prints 2.7144501 for coefs[0][0][0]: 2.7145 beside the exact 2.7144501001242287
    expect(out!.json.rounded.coefs[0][0][0]).toBe(2.7145);
    expectRoundedBeside(out!.json, ['coefs', 'intercepts', 'loss', 'probabilities', 'accuracy']);
    expect(out!.json.model.type).toBe('firth.MLPClassifier');
    expect(out!.pairedItem).toHaveLength(4);
    expect(expectPlotBinaries(out!.binary, 'loss-curve')).toContain('<polyline');
  });

  it('outputs one item per epoch on request, and predicts with the trained model', async () => {
    const items = await run(XOR, { ...courseParams, maxIter: 50, output: 'epochs', includePlot: false });
    expect(items).toHaveLength(1 + 50);
    expect(items.slice(1).map((i) => i.json.loss)).toEqual(items[0]!.json.lossCurve);
    expect(items[50]!.json.epoch).toBe(50);
    const [model] = await run(XOR, courseParams);
    const predicted = await run(XOR, {
      operation: 'predict',
      featureFields: 'x1, x2',
      model: model!.json.model,
    });
    expect(predicted.map((p) => p.json.prediction)).toEqual([0, 1, 1, 0]);
    expect(Object.keys(predicted[0]!.json.probabilities)).toEqual(['0', '1']);
    for (const p of predicted) expectRoundedBeside(p.json, ['probabilities']);
    // the model also arrives as JSON text when typed into the field
    const fromText = await run(XOR.slice(0, 1), {
      operation: 'predict',
      featureFields: 'x1, x2',
      model: JSON.stringify(model!.json.model),
    });
    expect(fromText[0]!.json.prediction).toBe(0);
  });

  it('trains a regressor', async () => {
    const rows = Array.from({ length: 20 }, (_, i) => ({ x: i / 10, y: 2 * (i / 10) + 1 }));
    const [out] = await run(rows, {
      ...courseParams,
      task: 'regression',
      featureFields: 'x',
      hiddenLayerSizes: '8',
      activation: 'relu',
      learningRateInit: 0.001,
      options: { tol: 1e-9 },
      maxIter: 2000,
      randomState: 0,
      includePlot: false,
    });
    expect(out!.json.r2).toBeGreaterThan(0.95);
    const pred = await run([{ x: 0.5 }], {
      operation: 'predict',
      featureFields: 'x',
      model: out!.json.model,
    });
    expect(pred[0]!.json.prediction).toBeCloseTo(2, 0);
    expectRoundedBeside(pred[0]!.json, ['prediction']);
    expectRoundedBeside(out!.json, ['predictions', 'r2']);
  });

  it('reports bad input per item, naming the problem', async () => {
    await expect(run(XOR, { ...courseParams, hiddenLayerSizes: '2, 0' })).rejects.toThrow(/hiddenLayerSizes/);
    await expect(run(XOR, { ...courseParams, hiddenLayerSizes: '2, x' })).rejects.toThrow(
      /Hidden Layer Sizes: value 2 \("x"\) is not a number/,
    );
    const bad = [...XOR.slice(0, 2), { x1: 'abc', x2: 1, y: 1 }];
    const error = await run(bad, courseParams).catch((e) => e);
    expect(error).toBeInstanceOf(NodeOperationError);
    expect(error.message).toMatch(/Item 2: field "x1" must be a number, got the string "abc"/);
    expect(error.context.itemIndex).toBe(2);
    const [soft] = await run(bad, courseParams, true);
    expect(soft!.json).toMatchObject({ itemIndex: 2 });
    await expect(run(XOR, { ...courseParams, task: 'regression', labelField: 'x1' })).resolves.toBeDefined();
    const labels = XOR.map((r, i) => ({ ...r, y: i === 3 ? 'cat' : r.y }));
    await expect(run(labels, { ...courseParams, task: 'regression' })).rejects.toThrow(
      /Item 3: regression needs a numeric label, got "cat"/,
    );
    const [model] = await run(XOR, { ...courseParams, maxIter: 5, includePlot: false });
    const wrongWidth = await run(
      [{ x1: 1 }, { x1: 0, x2: 1 }],
      { operation: 'predict', featureFields: 'x1', model: model!.json.model },
      true,
    );
    expect(wrongWidth[0]!.json.error).toMatch(/feature/i);
    await expect(run(XOR, { operation: 'predict', featureFields: 'x1, x2', model: '' })).rejects.toThrow(
      /Model is empty/,
    );
    await expect(run(XOR, { operation: 'predict', featureFields: 'x1, x2', model: '{oops' })).rejects.toThrow(
      /Model is not valid JSON/,
    );
  });
});
