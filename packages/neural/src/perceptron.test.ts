import { ValidationError } from '@firth/numeric';
import { describe, expect, it } from 'vitest';
import { Perceptron, step } from './perceptron.js';

// "Step-by-Step Hand Calculation for AND Gate": X, y, η = 0.1, w = [0.3, -0.1], b = 0.2
const X = [
  [0, 0],
  [0, 1],
  [1, 0],
  [1, 1],
];
const y = [0, 0, 0, 1];
const course = () => new Perceptron({ learningRate: 0.1, initialWeights: [0.3, -0.1], initialBias: 0.2 });

/** The course's hand calculation, both iterations as printed: [inputs, z, output, error, w1, w2, b]. */
const HAND_CALCULATION: [number[], number, number, number, number, number, number][] = [
  // First Iteration
  [[0, 0], 0.2, 1, -1, 0.3, -0.1, 0.1],
  [[0, 1], 0, 1, -1, 0.3, -0.2, 0],
  [[1, 0], 0.3, 1, -1, 0.2, -0.2, -0.1],
  [[1, 1], -0.1, 0, 1, 0.3, -0.1, 0],
  // Second Iteration
  [[0, 0], 0, 1, -1, 0.3, -0.1, -0.1],
  [[0, 1], -0.2, 0, 0, 0.3, -0.1, -0.1],
];

describe('Perceptron (course rule)', () => {
  it('step activation: 1 if z >= 0, 0 if z < 0', () => {
    expect([step(-0.1), step(0), step(0.2)]).toEqual([0, 1, 1]);
  });

  it('replays the hand calculation for the AND gate number for number', () => {
    const p = course().fit(X, y);
    HAND_CALCULATION.forEach(([inputs, z, output, error, w1, w2, b], k) => {
      const s = p.trace[k]!;
      expect(s.epoch).toBe(k < 4 ? 1 : 2);
      expect(s.inputs).toEqual(inputs);
      expect(s.z).toBeCloseTo(z, 12);
      expect(s.output).toBe(output);
      expect(s.error).toBe(error);
      expect(s.weights[0]).toBeCloseTo(w1, 12);
      expect(s.weights[1]).toBeCloseTo(w2, 12);
      expect(s.bias).toBeCloseTo(b, 12);
    });
    // "End of Iteration 1: w1 = 0.3, w2 = -0.1, b = 0"
    expect(p.trace[3]!.weights[0]).toBeCloseTo(0.3, 12);
    expect(p.trace[3]!.bias).toBeCloseTo(0, 12);
  });

  it('keeps training until it converges, then classifies AND correctly', () => {
    const p = course().fit(X, y);
    expect(p.converged).toBe(true);
    expect(p.errorsPerEpoch.at(-1)).toBe(0);
    expect(p.errorsPerEpoch[0]).toBe(4); // every example of iteration 1 was wrong
    expect(p.trace).toHaveLength(p.epochs * 4);
    expect(p.predict(X)).toEqual(y);
    expect(p.score(X, y)).toBe(1);
    // the boundary separates (1,1) from the other three points
    const z = p.decisionFunction(X);
    expect(z[3]).toBeGreaterThanOrEqual(0);
    expect(Math.max(z[0]!, z[1]!, z[2]!)).toBeLessThan(0);
  });

  it('learns OR from zero weights, and stops at maxEpochs on XOR (not linearly separable)', () => {
    const or = new Perceptron().fit(X, [0, 1, 1, 1]);
    expect(or.converged).toBe(true);
    expect(or.predict(X)).toEqual([0, 1, 1, 1]);
    const xor = new Perceptron({ maxEpochs: 50, trace: false }).fit(X, [0, 1, 1, 0]);
    expect(xor.converged).toBe(false);
    expect(xor.epochs).toBe(50);
    expect(xor.trace).toEqual([]);
    expect(xor.score(X, [0, 1, 1, 0])).toBeLessThan(1);
  });

  it('round-trips through toJSON/fromJSON', () => {
    const p = course().fit(X, y);
    const q = Perceptron.fromJSON(JSON.parse(JSON.stringify(p)));
    expect(q.weights).toEqual(p.weights);
    expect(q.bias).toBe(p.bias);
    expect(q.predict(X)).toEqual(p.predict(X));
    expect(Perceptron.fromJSON(JSON.stringify(p.toJSON())).converged).toBe(true);
  });

  describe('bad input gets an error naming the problem', () => {
    const cases: [string, () => unknown, RegExp][] = [
      [
        'non-numeric feature',
        () =>
          new Perceptron().fit(
            [
              [0, 0],
              [0, 'abc' as unknown as number],
            ],
            [0, 1],
          ),
        /X\[1\]\[1\] must be a finite number, got the string "abc"/,
      ],
      [
        'ragged rows',
        () => new Perceptron().fit([[0, 0], [1]], [0, 1]),
        /X is ragged: row 1 has 1 value, row 0 has 2/,
      ],
      [
        'label outside {0, 1}',
        () => new Perceptron().fit(X, [0, 0, 2, 1]),
        /y\[2\] must be one of 0, 1, got 2/,
      ],
      ['empty input', () => new Perceptron().fit([], []), /X is empty/],
      [
        'NaN',
        () => new Perceptron().fit([[0, Number.NaN]], [0]),
        /X\[0\]\[1\] must be a finite number, got NaN/,
      ],
      [
        'Infinity',
        () => new Perceptron().fit([[Number.POSITIVE_INFINITY, 0]], [0]),
        /X\[0\]\[0\] must be a finite number, got Infinity/,
      ],
      [
        'labels and rows differ in number',
        () => new Perceptron().fit(X, [0, 1]),
        /y has 2 labels but X has 4 rows/,
      ],
      [
        'initial weights of the wrong size',
        () => new Perceptron({ initialWeights: [1] }).fit(X, y),
        /initialWeights has 1 values but X has 2 features/,
      ],
      [
        'model JSON of the wrong shape',
        () => Perceptron.fromJSON({ type: 'firth.Perceptron', weights: 'abc', bias: 0 }),
        /model.weights must be an array of numbers/,
      ],
      [
        'model JSON of another type',
        () => Perceptron.fromJSON({ type: 'other' }),
        /model.type must be "firth.Perceptron"/,
      ],
      [
        'wrong feature count at predict',
        () =>
          course()
            .fit(X, y)
            .predict([[1, 2, 3]]),
        /X has 3 features per row, but the model was trained on 2/,
      ],
      [
        'non-positive learning rate',
        () => new Perceptron({ learningRate: 0 }),
        /learningRate must be positive/,
      ],
    ];
    it.each(cases)('%s', (_name, run, message) => {
      expect(run).toThrow(ValidationError);
      expect(run).toThrow(message);
    });
    it('predict before fit', () => {
      expect(() => new Perceptron().predict(X)).toThrow(/not fitted yet/);
    });
  });
});
