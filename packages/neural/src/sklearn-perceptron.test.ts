/**
 * SklearnPerceptron against scikit-learn 1.2.1 itself. `fixtures/sklearn-perceptron.json` is written by
 *   /usr/bin/python3 packages/neural/fixtures/generate_sklearn_perceptron.py
 * Each case replays its steps (fit / partial_fit) on one model and compares everything to 1e-9.
 */
import { readFileSync } from 'node:fs';
import { RandomState, ValidationError } from '@firth/numeric';
import { describe, expect, it } from 'vitest';
import {
  type ClassLabel,
  ourRandR,
  SklearnPerceptron,
  type SklearnPerceptronOptions,
  shuffleIndex,
} from './sklearn-perceptron.js';

interface Expected {
  classes: ClassLabel[];
  coef: number[][];
  intercept: number[];
  nIter: number;
  tUpdates: number;
  convergenceWarning: boolean;
  predict: ClassLabel[];
  decisionFunction: number[] | number[][];
  score: number;
}
interface Step {
  method: 'fit' | 'partial_fit';
  X: number[][];
  y: ClassLabel[];
  sampleWeight?: number[];
  classes?: ClassLabel[];
  expected: Expected;
}
interface Case {
  name: string;
  options: Omit<SklearnPerceptronOptions, 'randomState'> & {
    randomState?: number | null | { instance: number };
  };
  steps: Step[];
}

const fixture = JSON.parse(
  readFileSync(new URL('../fixtures/sklearn-perceptron.json', import.meta.url), 'utf8'),
) as { sklearn: string; cases: Case[] };

const TOL = 1e-9;

function expectClose(actual: number[] | number[][], expected: number[] | number[][], what: string) {
  const a = actual.flat();
  const e = expected.flat();
  expect(a.length, `${what} length`).toBe(e.length);
  a.forEach((v, i) => {
    expect(Math.abs(v - e[i]!), `${what}[${i}]: ${v} vs ${e[i]}`).toBeLessThanOrEqual(TOL);
  });
}

function modelFor(c: Case): SklearnPerceptron {
  const rs = c.options.randomState;
  const randomState = typeof rs === 'object' && rs !== null ? new RandomState(rs.instance) : rs;
  return new SklearnPerceptron({ ...c.options, randomState });
}

function replay(model: SklearnPerceptron, step: Step) {
  if (step.method === 'fit') model.fit(step.X, step.y, { sampleWeight: step.sampleWeight });
  else model.partialFit(step.X, step.y, { classes: step.classes, sampleWeight: step.sampleWeight });
}

const AND_X = [
  [0, 0],
  [0, 1],
  [1, 0],
  [1, 1],
];

describe('SklearnPerceptron — the course example', () => {
  it('AND gate: Perceptron(max_iter=100, eta0=0.1, random_state=42)', () => {
    const model = new SklearnPerceptron({ maxIter: 100, eta0: 0.1, randomState: 42 }).fit(
      AND_X,
      [0, 0, 0, 1],
    );
    // printed by the course: Weights: [[0.2 0.2]]  Bias: [-0.2]  Predictions: [0 0 0 1]
    expect(model.coef![0]![0]).toBeCloseTo(0.2, 12);
    expect(model.coef![0]![1]).toBeCloseTo(0.2, 12);
    expect(model.intercept![0]).toBeCloseTo(-0.2, 12);
    expect(model.predict(AND_X)).toEqual([0, 0, 0, 1]);
    expect(model.nIter).toBe(9);
    expect(model.classes).toEqual([0, 1]);
    expect(model.score(AND_X, [0, 0, 0, 1])).toBe(1);
  });
});

describe('SklearnPerceptron equals scikit-learn', () => {
  it(`fixture comes from scikit-learn ${fixture.sklearn} and has the course case plus >= 12 others`, () => {
    expect(fixture.sklearn).toBe('1.2.1');
    expect(fixture.cases.length).toBeGreaterThanOrEqual(13);
  });

  for (const c of fixture.cases) {
    it(c.name, () => {
      const model = modelFor(c);
      c.steps.forEach((step, s) => {
        replay(model, step);
        const e = step.expected;
        const at = `step ${s} (${step.method})`;
        expect(model.classes, `${at} classes`).toEqual(e.classes);
        expectClose(model.coef!, e.coef, `${at} coef`);
        expectClose(model.intercept!, e.intercept, `${at} intercept`);
        expect(model.nIter, `${at} nIter`).toBe(e.nIter);
        expect(model.tUpdates, `${at} tUpdates`).toBe(e.tUpdates);
        if (step.method === 'fit')
          expect(!model.converged, `${at} ConvergenceWarning`).toBe(e.convergenceWarning);
        expect(model.predict(step.X), `${at} predict`).toEqual(e.predict);
        expectClose(model.decisionFunction(step.X), e.decisionFunction, `${at} decisionFunction`);
        expect(model.score(step.X, step.y)).toBeCloseTo(e.score, 12);
      });
    });
  }
});

describe('SklearnPerceptron internals', () => {
  it('our_rand_r is a 32-bit xorshift reduced mod 2^31; seed 0 behaves as 1', () => {
    const a = new Uint32Array([1]);
    // 1 ^ 1<<13 = 8193; ^ >>17 = 8193; ^ <<5 = 8193 ^ 262176 = 270369
    expect(ourRandR(a)).toBe(270369);
    expect(a[0]).toBe(270369);
    expect(ourRandR(new Uint32Array([0]))).toBe(270369);
  });

  it('shuffle replays the same swaps each epoch (the seed is passed by value)', () => {
    const once = new Int32Array([0, 1, 2, 3, 4, 5, 6, 7]);
    shuffleIndex(once, 12345);
    const twice = once.slice();
    shuffleIndex(twice, 12345);
    // the second pass applies the first permutation again: twice[i] = once[once[i]]
    expect(Array.from(twice)).toEqual(Array.from(once, (v) => once[v]!));
  });

  it('predict: binary uses score > 0, multiclass argmax takes the first of ties', () => {
    const bin = SklearnPerceptron.fromJSON({
      ...new SklearnPerceptron().fit(AND_X, ['a', 'a', 'a', 'b']).toJSON(),
      coef: [[1, 0]],
      intercept: [-1],
    });
    expect(
      bin.predict([
        [1, 0],
        [2, 0],
      ]),
    ).toEqual(['a', 'b']); // score 0 -> classes[0]
    const multi = SklearnPerceptron.fromJSON({
      ...new SklearnPerceptron().fit([[0], [1], [2]], [0, 1, 2]).toJSON(),
      coef: [[0], [0], [0]],
      intercept: [1, 1, 0],
    });
    expect(multi.predict([[5]])).toEqual([0]);
  });
});

describe('SklearnPerceptron toJSON / fromJSON', () => {
  const iris = fixture.cases.find((c) => c.name === 'iris, one-vs-all')!.steps[0]!;

  it('round-trips through JSON text with identical predictions', () => {
    const model = new SklearnPerceptron({ randomState: 3 }).fit(iris.X, iris.y);
    const back = SklearnPerceptron.fromJSON(JSON.stringify(model));
    expect(back.coef).toEqual(model.coef);
    expect(back.intercept).toEqual(model.intercept);
    expect(back.classes).toEqual(model.classes);
    expect([back.nIter, back.tUpdates, back.converged]).toEqual([
      model.nIter,
      model.tUpdates,
      model.converged,
    ]);
    expect(back.options).toEqual(model.options);
    expect(back.predict(iris.X)).toEqual(model.predict(iris.X));
    expect(back.decisionFunction(iris.X)).toEqual(model.decisionFunction(iris.X));
  });

  it('rejects a wrongly shaped model, naming the field', () => {
    const good = new SklearnPerceptron().fit(AND_X, [0, 1, 1, 1]).toJSON();
    const bad = (patch: object) => () => SklearnPerceptron.fromJSON({ ...good, ...patch });
    expect(bad({ type: 'firth.Perceptron' })).toThrow(/model\.type/);
    expect(
      bad({
        coef: [
          [1, 2],
          [3, 4],
        ],
      }),
    ).toThrow(/model\.coef must have 1 row/);
    expect(bad({ coef: [[1, 'x']] })).toThrow(/model\.coef\[0\]\[1\]/);
    expect(bad({ intercept: [0, 1] })).toThrow(/model\.intercept must have 1 value/);
    expect(bad({ classes: [1, 0] })).toThrow(/model\.classes/);
    expect(bad({ classes: [0] })).toThrow(/model\.classes/);
    expect(bad({ nIter: -1 })).toThrow(/model\.nIter/);
    expect(bad({ options: { ...good.options, eta0: -1 } })).toThrow(/eta0/);
    expect(() => SklearnPerceptron.fromJSON('{not json')).toThrow(/not valid JSON/);
    expect(() => SklearnPerceptron.fromJSON([1, 2])).toThrow(ValidationError);
  });
});

describe('SklearnPerceptron input validation', () => {
  const fitted = () => new SklearnPerceptron().fit(AND_X, [0, 1, 1, 1]);

  it('rejects bad training data with a clear message', () => {
    const m = new SklearnPerceptron();
    expect(() => m.fit([[0, 'a']], [0])).toThrow(/X\[0\]\[1\] must be a finite number, got the string "a"/);
    expect(() => m.fit([[0, 1], [1]], [0, 1])).toThrow(/X is ragged/);
    expect(() => m.fit([], [])).toThrow(/X is empty/);
    expect(() => m.fit([[0, Number.NaN]], [0])).toThrow(/X\[0\]\[1\] must be a finite number, got NaN/);
    expect(() => m.fit([[Number.POSITIVE_INFINITY]], [0])).toThrow(/got Infinity/);
    expect(() => m.fit(AND_X, [0, 1])).toThrow(/y has 2 labels but X has 4 rows/);
    expect(() => m.fit(AND_X, [0, 0, 0, 0])).toThrow(/greater than one; got 1 class/);
    expect(() => m.fit(AND_X, [0, 'a', 0, 'a'])).toThrow(/mixes numbers and strings/);
    expect(() => m.fit(AND_X, [0, 1, 1, 1], { sampleWeight: [1, 2] })).toThrow(
      /sampleWeight must have 4 values/,
    );
  });

  it('rejects the wrong number of features at predict time, and predicting before fit', () => {
    expect(() => fitted().predict([[1, 2, 3]])).toThrow(
      /X has 3 features per row, but the model was trained on 2/,
    );
    expect(() => fitted().decisionFunction([[Number.NaN, 0]])).toThrow(ValidationError);
    expect(() => new SklearnPerceptron().predict(AND_X)).toThrow(/not fitted/);
  });

  it('rejects bad options', () => {
    expect(() => new SklearnPerceptron({ eta0: 0 })).toThrow(/eta0 must be a number > 0/);
    expect(() => new SklearnPerceptron({ maxIter: 1.5 })).toThrow(/maxIter/);
    expect(() => new SklearnPerceptron({ penalty: 'l3' as never })).toThrow(/penalty/);
    expect(() => new SklearnPerceptron({ validationFraction: 1 })).toThrow(/validationFraction/);
    expect(() => new SklearnPerceptron({ classWeight: { 1: Number.NaN } })).toThrow(/classWeight\.1/);
  });

  it('partialFit needs classes first and refuses early stopping', () => {
    expect(() => new SklearnPerceptron().partialFit(AND_X, [0, 1, 1, 1])).toThrow(/classes must be passed/);
    expect(() =>
      new SklearnPerceptron({ earlyStopping: true }).partialFit(AND_X, [0, 1, 1, 1], { classes: [0, 1] }),
    ).toThrow(/earlyStopping/);
    expect(() => new SklearnPerceptron().partialFit(AND_X, [0, 1, 2, 1], { classes: [0, 1] })).toThrow(
      /y\[2\]/,
    );
  });
});
