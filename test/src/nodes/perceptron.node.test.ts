import { NodeOperationError } from 'n8n-workflow';
import { describe, expect, it } from 'vitest';
import { Perceptron } from '../../../packages/n8n-nodes-firth/nodes/Perceptron/Perceptron.node.js';
import { fakeContext } from '../harness/fake-context.js';
import { expectPlotBinaries } from '../harness/plot-binaries.js';
import { expectRoundedBeside } from '../harness/rounded.js';

const AND = [
  { x1: 0, x2: 0, y: 0 },
  { x1: 0, x2: 1, y: 0 },
  { x1: 1, x2: 0, y: 0 },
  { x1: 1, x2: 1, y: 1 },
];
const courseParams = {
  operation: 'train',
  featureFields: 'x1, x2',
  labelField: 'y',
  rule: 'course',
  learningRate: 0.1,
  initialWeights: '0.3, -0.1',
  initialBias: 0.2,
  maxEpochs: 100,
  includeTrace: true,
  includePlot: true,
};
const node = new Perceptron();
const run = (items: object[], parameters: Record<string, unknown>, continueOnFail = false) =>
  node.execute.call(fakeContext({ items: items as never, parameters, continueOnFail }));

describe('Perceptron node', () => {
  it('is a valid n8n node description', () => {
    const d = node.description;
    expect(d.name).toBe('perceptron');
    expect(d.usableAsTool).toBe(true);
    expect(d.subtitle).toBeTruthy();
    expect(d.properties.map((p) => p.name)).toEqual(
      expect.arrayContaining(['operation', 'featureFields', 'labelField', 'rule', 'model']),
    );
  });

  it('trains with the course rule: trace, weights, plot', async () => {
    const [[out]] = (await run(AND, courseParams)) as [
      [{ json: Record<string, any>; binary?: any; pairedItem: unknown }],
    ];
    expect(out.json.converged).toBe(true);
    expect(out.json.predictions).toEqual([0, 0, 0, 1]);
    expect(out.json.trace[2]).toMatchObject({ inputs: [1, 0], output: 1, error: -1 });
    expect(out.json.trace[2].weights[0]).toBeCloseTo(0.2, 12);
    expect(out.json.trace[2].bias).toBeCloseTo(-0.1, 12);
    expect(out.json.model.type).toBe('firth.Perceptron');
    // the hand calculation's numbers beside float arithmetic's: 0.3 − 0.1 = 0.19999999999999998
    expect(out.json.trace[2].weights).toEqual([0.19999999999999998, -0.2]);
    expect(out.json.rounded.trace[2]).toEqual({ ...out.json.trace[2], weights: [0.2, -0.2] });
    expect(out.json.weights).toEqual([0.19999999999999998, 0.2]);
    expect(out.json.bias).toBe(-0.30000000000000004);
    expect(out.json.rounded).toMatchObject({ weights: [0.2, 0.2], bias: -0.3, accuracy: 1 });
    expectRoundedBeside(out.json, ['weights', 'bias', 'accuracy', 'trace']);
    expect(out.json.rounded.model).toBeUndefined();
    expect(out.pairedItem).toHaveLength(4);
    expect(expectPlotBinaries(out.binary, 'decision-boundary')).toContain('class="point"');
  });

  it("trains with scikit-learn's rule (the course's Python cell) and predicts with the model", async () => {
    const [[trained]] = (await run(AND, {
      operation: 'train',
      featureFields: 'x1, x2',
      labelField: 'y',
      rule: 'sklearn',
      maxIter: 100,
      eta0: 0.1,
      randomState: 42,
      sklearnOptions: {},
      includePlot: false,
    })) as [[{ json: Record<string, any>; binary?: unknown }]];
    expect(trained.json.coef[0][0]).toBeCloseTo(0.2, 9);
    expect(trained.json.coef[0][1]).toBeCloseTo(0.2, 9);
    expect(trained.json.intercept[0]).toBeCloseTo(-0.2, 9);
    expect(trained.binary).toBeUndefined();
    const [predicted] = await run(AND, {
      operation: 'predict',
      featureFields: 'x1, x2',
      model: trained.json.model,
    });
    expect(predicted!.map((i) => i.json.prediction)).toEqual([0, 0, 0, 1]);
    // w·x + b for (0, 1) is 0.2 − 0.20000000000000004 in float arithmetic: it reads 0
    expect(predicted![1]!.json.decision).toBe(-2.7755575615628914e-17);
    const rounded = predicted!.map((i) => (i.json.rounded as { decision: number }).decision);
    expect(rounded).toEqual([-0.2, 0, 0, 0.2]);
    expect(Object.is(rounded[1], -0)).toBe(false);
    expectRoundedBeside(trained.json, ['coef', 'intercept']);
    // the model also arrives as a JSON string when typed into the parameter
    const [again] = await run([{ x1: 1, x2: 1 }], {
      operation: 'predict',
      featureFields: 'x1, x2',
      model: JSON.stringify(trained.json.model),
    });
    expect(again![0]!.json.prediction).toBe(1);
  });

  it('accepts numeric strings and a single array field', async () => {
    const items = AND.map((r) => ({ features: [String(r.x1), r.x2], y: String(r.y) }));
    const [[out]] = (await run(items, { ...courseParams, featureFields: 'features' })) as [[{ json: any }]];
    expect(out.json.predictions).toEqual([0, 0, 0, 1]);
    expect(out.json.featureNames).toEqual(['features[0]', 'features[1]']);
  });

  describe('bad input: a NodeOperationError naming the problem and the item', () => {
    const bad: [string, object[], Record<string, unknown>, RegExp, number][] = [
      [
        'non-numeric feature',
        [AND[0]!, { x1: 'abc', x2: 1, y: 0 }],
        courseParams,
        /Item 1: field "x1" must be a number, got the string "abc"/,
        1,
      ],
      [
        'missing feature (ragged rows)',
        [AND[0]!, { x1: 1, y: 0 }],
        courseParams,
        /Item 1: field "x2" is missing/,
        1,
      ],
      [
        'ragged array rows',
        [
          { f: [0, 0], y: 0 },
          { f: [1], y: 1 },
        ],
        { ...courseParams, featureFields: 'f' },
        /Item 1 has 1 features but item 0 has 2/,
        1,
      ],
      [
        'label outside {0, 1}',
        [AND[0]!, AND[1]!, { x1: 1, x2: 1, y: 2 }],
        courseParams,
        /y\[2\] must be one of 0, 1, got 2/,
        2,
      ],
      ['empty input', [], courseParams, /No input items/, 0],
      [
        'NaN',
        [{ x1: Number.NaN, x2: 0, y: 0 }],
        courseParams,
        /Item 0: field "x1" must be a finite number, got NaN/,
        0,
      ],
      [
        'Infinity',
        [AND[0]!, { x1: 1, x2: Number.POSITIVE_INFINITY, y: 1 }],
        courseParams,
        /Item 1: field "x2" must be a finite number, got Infinity/,
        1,
      ],
      [
        'bad initial weights',
        AND,
        { ...courseParams, initialWeights: '0.3, abc' },
        /Initial Weights: value 2 \("abc"\) is not a number/,
        0,
      ],
    ];
    it.each(bad)('%s', async (_name, items, params, message, itemIndex) => {
      const err = await run(items, params).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(NodeOperationError);
      expect((err as Error).message).toMatch(message);
      expect((err as NodeOperationError).context.itemIndex).toBe(itemIndex);
    });

    it('a model JSON of the wrong shape fails the item that carries it', async () => {
      const err = await run(
        [
          { x1: 0, x2: 0 },
          { x1: 1, x2: 1 },
        ],
        {
          operation: 'predict',
          featureFields: 'x1, x2',
          model: (i: number) =>
            i === 1
              ? { type: 'firth.Perceptron', weights: 'oops', bias: 0 }
              : { type: 'firth.Perceptron', weights: [1, 1], bias: -1.5 },
        },
      ).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(NodeOperationError);
      expect((err as Error).message).toMatch(/model.weights must be an array of numbers/);
      expect((err as NodeOperationError).context.itemIndex).toBe(1);
    });

    it('continueOnFail keeps every item: the bad one carries its error, the others their predictions', async () => {
      const [out] = await run(
        [
          { x1: 1, x2: 1 },
          { x1: 'abc', x2: 1 },
          { x1: 0, x2: 0 },
        ],
        {
          operation: 'predict',
          featureFields: 'x1, x2',
          model: { type: 'firth.Perceptron', weights: [1, 1], bias: -1.5 },
        },
        true,
      );
      expect(out).toHaveLength(3);
      expect(out![0]!.json.prediction).toBe(1);
      expect(out![1]!.json.error).toMatch(/Item 1: field "x1"/);
      expect(out![2]!.json.prediction).toBe(0);
    });

    it('continueOnFail on training returns the error as an item instead of throwing', async () => {
      const [out] = await run([AND[0]!, { x1: 1, x2: 1, y: 7 }], courseParams, true);
      expect(out).toHaveLength(1);
      expect(out![0]!.json).toMatchObject({ itemIndex: 1 });
      expect(out![0]!.json.error).toMatch(/must be one of 0, 1/);
    });
  });
});
