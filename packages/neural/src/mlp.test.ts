/**
 * MLPClassifier / MLPRegressor against scikit-learn 1.2.1 itself. `fixtures/sklearn-mlp.json` is written by
 *   /usr/bin/python3 packages/neural/fixtures/generate_sklearn_mlp.py
 * Each case replays its steps (fit / partial_fit) on one model and compares weights, losses and
 * predictions. Differences come only from summation order (BLAS) and libm's last bit.
 */
import { readFileSync } from 'node:fs';
import { ValidationError } from '@firth/numeric';
import { createF64Workspace, fusedF64Available } from '@firth/tensor';
import { describe, expect, it } from 'vitest';
import { MLPClassifier, type MLPLabel, type MLPOptions, MLPRegressor } from './mlp.js';

interface Expected {
  coefs: number[][][];
  intercepts: number[][];
  nIter: number;
  loss: number;
  lossCurve: number[];
  bestLoss: number | null;
  validationScores: number[] | null;
  nOutputs: number;
  outActivation: string;
  score: number;
  classes?: MLPLabel[];
  predict: MLPLabel[] | number[] | number[][];
  predictProba?: number[][];
}
interface Step {
  method: 'fit' | 'partial_fit';
  X: number[][];
  y: MLPLabel[] | number[][];
  classes?: MLPLabel[];
  expected: Expected;
}
interface Case {
  name: string;
  estimator: 'MLPClassifier' | 'MLPRegressor';
  options: MLPOptions;
  steps: Step[];
}

const fixture = JSON.parse(
  readFileSync(new URL('../fixtures/sklearn-mlp.json', import.meta.url), 'utf8'),
) as {
  cases: Case[];
};

/** Measured: the worst absolute difference over all cases is 1.8e-15 (BLAS / libm last bits). */
const TOL = 1e-12;

function maxDiff(actual: unknown, expected: unknown): number {
  const a = [actual].flat(3) as number[];
  const e = [expected].flat(3) as number[];
  expect(a.length).toBe(e.length);
  return a.reduce((m, v, i) => Math.max(m, Math.abs(v - e[i]!)), 0);
}

function replay(c: Case): { model: MLPClassifier | MLPRegressor; worst: number } {
  const model = c.estimator === 'MLPClassifier' ? new MLPClassifier(c.options) : new MLPRegressor(c.options);
  let worst = 0;
  for (const step of c.steps) {
    if (step.method === 'fit') model.fit(step.X, step.y);
    else if (model instanceof MLPClassifier) model.partialFit(step.X, step.y, { classes: step.classes });
    else model.partialFit(step.X, step.y);
    const e = step.expected;
    expect(model.nIter).toBe(e.nIter);
    expect(model.nOutputs).toBe(e.nOutputs);
    expect(model.outActivation).toBe(e.outActivation);
    expect(model.lossCurve.length).toBe(e.lossCurve.length);
    expect(model.bestLoss === null).toBe(e.bestLoss === null);
    expect(model.validationScores === null).toBe(e.validationScores === null);
    const diffs = [
      maxDiff(model.coefs, e.coefs),
      maxDiff(model.intercepts, e.intercepts),
      maxDiff(model.loss, e.loss),
      maxDiff(model.lossCurve, e.lossCurve),
      maxDiff(model.score(step.X, step.y), e.score),
    ];
    if (e.bestLoss !== null) diffs.push(maxDiff(model.bestLoss, e.bestLoss));
    if (e.validationScores) diffs.push(maxDiff(model.validationScores, e.validationScores));
    if (model instanceof MLPClassifier) {
      expect(model.classes).toEqual(e.classes);
      expect(model.predict(step.X)).toEqual(e.predict);
      diffs.push(maxDiff(model.predictProba(step.X), e.predictProba));
    } else {
      diffs.push(maxDiff(model.predict(step.X), e.predict));
    }
    worst = Math.max(worst, ...diffs);
  }
  return { model, worst };
}

const XOR = [
  [0, 0],
  [0, 1],
  [1, 0],
  [1, 1],
];

describe('MLPClassifier — the course example', () => {
  it('XOR: MLPClassifier((2,), tanh, adam, learning_rate_init=0.01, random_state=42)', () => {
    const model = new MLPClassifier({
      hiddenLayerSizes: [2],
      activation: 'tanh',
      solver: 'adam',
      learningRateInit: 0.01,
      maxIter: 10000,
      randomState: 42,
    }).fit(XOR, [0, 1, 1, 0]);
    expect(model.predict(XOR)).toEqual([0, 1, 1, 0]);
    expect(model.nIter).toBe(617);
    expect(
      maxDiff(model.coefs, [
        [
          [2.7144501, 3.27401218],
          [-2.73418453, -3.17014048],
        ],
        [[-4.37775211], [4.46553876]],
      ]),
    ).toBeLessThan(1e-6);
    expect(maxDiff(model.intercepts, [[1.21994174, -1.63451199], [3.61855675]])).toBeLessThan(1e-6);
    expect(model.loss).toBeCloseTo(0.0279368, 7);
  });
});

describe('MLP against scikit-learn 1.2.1', () => {
  for (const c of fixture.cases) {
    it(c.name, () => {
      const { worst } = replay(c);
      expect(worst, `${c.name}: max |difference| ${worst}`).toBeLessThanOrEqual(TOL);
    });
  }
});

describe('MLP: the fast path (mlp-kernels.ts WasmTrainer) against the JavaScript reference', () => {
  /** `run()` on the reference path (FIRTH_MATMUL=js) or the fast one. */
  const onPath = <T>(path: 'js' | 'wasm', run: () => T): T => {
    const before = process.env.FIRTH_MATMUL;
    if (path === 'js') process.env.FIRTH_MATMUL = 'js';
    else delete process.env.FIRTH_MATMUL;
    try {
      return run();
    } finally {
      if (before === undefined) delete process.env.FIRTH_MATMUL;
      else process.env.FIRTH_MATMUL = before;
    }
  };
  const replayOn = (path: 'js' | 'wasm', c: Case) => onPath(path, () => replay(c).model);

  it('the fast path is there to compare (WebAssembly SIMD in Node), and fit takes it', () => {
    expect(createF64Workspace(16)).not.toBeNull();
    // tanh differs in its last bits between the paths: equal weights would mean fit never left JavaScript
    const c = fixture.cases.find((k) => k.name === 'regressor tanh sgd, batch 7')!;
    expect(replayOn('wasm', c).coefs).not.toEqual(replayOn('js', c).coefs);
  });

  for (const c of fixture.cases) {
    // Two operations differ between the paths: tanh (Math.tanh vs the wasm kernel's, within 4 ulp)
    // and, where the runtime has relaxed SIMD (Node 24), the products' fused multiply-adds (one
    // rounding per term, as OpenBLAS under scikit-learn). Those agree to the fixtures' tolerance;
    // without either (Node 20, no tanh) the two paths are bit-identical.
    const exact = c.options.activation !== 'tanh' && !fusedF64Available;
    it(`${c.name}: ${exact ? 'bit-identical' : `within ${TOL}`}`, () => {
      const fast = replayOn('wasm', c);
      const ref = replayOn('js', c);
      expect(fast.nIter).toBe(ref.nIter);
      if (!exact) {
        expect(maxDiff(fast.coefs, ref.coefs)).toBeLessThanOrEqual(TOL);
        expect(maxDiff(fast.intercepts, ref.intercepts)).toBeLessThanOrEqual(TOL);
        expect(maxDiff(fast.lossCurve, ref.lossCurve)).toBeLessThanOrEqual(TOL);
        expect(fast.validationScores === null).toBe(ref.validationScores === null);
        if (ref.validationScores)
          expect(maxDiff(fast.validationScores, ref.validationScores)).toBeLessThanOrEqual(TOL);
      } else {
        expect(fast.coefs).toEqual(ref.coefs);
        expect(fast.intercepts).toEqual(ref.intercepts);
        expect(fast.lossCurve).toEqual(ref.lossCurve);
        expect(fast.validationScores).toEqual(ref.validationScores);
      }
    });
  }

  it("partialFit continues the optimizer's moments across calls on both paths", () => {
    const X = Array.from({ length: 30 }, (_, i) => [Math.sin(i), Math.cos(i * 0.7), i / 30]);
    const y = X.map((x) => x[0]! - 2 * x[2]!);
    const run = (path: 'js' | 'wasm') =>
      onPath(path, () => {
        const m = new MLPRegressor({ hiddenLayerSizes: [5], solver: 'adam', randomState: 3, batchSize: 7 });
        for (let k = 0; k < 3; k++) m.partialFit(X, y);
        return m;
      });
    const [fast, ref] = [run('wasm'), run('js')];
    if (fusedF64Available) expect(maxDiff(fast.coefs, ref.coefs)).toBeLessThanOrEqual(TOL);
    else expect(fast.coefs).toEqual(ref.coefs);
    // the moments carried over: a fresh optimizer on the third call (fromJSON drops them) lands elsewhere
    const fresh = onPath('wasm', () => {
      const m = new MLPRegressor({ hiddenLayerSizes: [5], solver: 'adam', randomState: 3, batchSize: 7 });
      m.partialFit(X, y);
      m.partialFit(X, y);
      return MLPRegressor.fromJSON(m.toJSON()).partialFit(X, y);
    });
    expect(maxDiff(fresh.coefs, fast.coefs)).toBeGreaterThan(1e-6);
  });
});

describe('MLP toJSON / fromJSON', () => {
  it('a classifier round-trips through JSON and predicts the same', () => {
    const c = fixture.cases.find((k) => k.name === 'iris string labels, batch 16')!;
    const { model } = replay(c);
    const clf = model as MLPClassifier;
    const back = MLPClassifier.fromJSON(JSON.stringify(clf.toJSON()));
    const X = c.steps[0]!.X;
    expect(back.predict(X)).toEqual(clf.predict(X));
    expect(back.predictProba(X)).toEqual(clf.predictProba(X));
    expect(back.coefs).toEqual(clf.coefs);
    expect(back.lossCurve).toEqual(clf.lossCurve);
    expect(back.classes).toEqual(clf.classes);
  });

  it('a regressor round-trips through JSON', () => {
    const c = fixture.cases.find((k) => k.name === 'regressor two outputs, logistic')!;
    const reg = replay(c).model as MLPRegressor;
    const back = MLPRegressor.fromJSON(reg.toJSON());
    expect(back.predict(c.steps[0]!.X)).toEqual(reg.predict(c.steps[0]!.X));
    expect(back.toJSON()).toEqual(reg.toJSON());
  });

  it('rejects foreign or broken JSON', () => {
    const clf = new MLPClassifier({ hiddenLayerSizes: [2], randomState: 0, maxIter: 2 }).fit(
      XOR,
      [0, 1, 1, 0],
    );
    const json = clf.toJSON();
    expect(() => MLPRegressor.fromJSON(json)).toThrow(ValidationError);
    expect(() => MLPClassifier.fromJSON({ ...json, intercepts: [[0], [0]] })).toThrow(/intercepts\[0\]/);
    expect(() => MLPClassifier.fromJSON({ ...json, coefs: [[[1, 2, 3]], [[1]]] })).toThrow(ValidationError);
    expect(() => MLPClassifier.fromJSON('{nope')).toThrow(/not valid JSON/);
  });
});

describe('MLP bad input', () => {
  const small = { hiddenLayerSizes: [2], maxIter: 2, randomState: 0 };
  it('hiddenLayerSizes <= 0 and other bad options', () => {
    expect(() => new MLPClassifier({ hiddenLayerSizes: [0] })).toThrow(
      /hiddenLayerSizes must be an array of integers > 0/,
    );
    expect(() => new MLPClassifier({ hiddenLayerSizes: [3, -1] })).toThrow(ValidationError);
    expect(() => new MLPRegressor({ activation: 'softplus' as never })).toThrow(/activation/);
    expect(() => new MLPRegressor({ validationFraction: 1 })).toThrow(/validationFraction/);
    expect(() => new MLPRegressor({ batchSize: 0 })).toThrow(/batchSize/);
  });
  it("solver 'lbfgs' is not supported", () => {
    expect(() => new MLPClassifier({ ...small, solver: 'lbfgs' }).fit(XOR, [0, 1, 1, 0])).toThrow(
      /lbfgs.*not supported/,
    );
  });
  it('wrong shapes and non-finite values', () => {
    const clf = new MLPClassifier(small);
    expect(() => clf.fit(XOR, [0, 1, 1])).toThrow(/y has 3 labels but X has 4 rows/);
    expect(() => clf.fit([[0, 0], [1]], [0, 1])).toThrow(/ragged/);
    expect(() =>
      clf.fit(
        [
          [0, Number.NaN],
          [1, 1],
        ],
        [0, 1],
      ),
    ).toThrow(/X\[0\]\[1\] must be a finite number/);
    expect(() => clf.predict(XOR)).toThrow(/not fitted/);
    clf.fit(XOR, [0, 1, 1, 0]);
    expect(() => clf.predict([[1, 2, 3]])).toThrow(/trained on 2/);
    expect(() => new MLPRegressor(small).fit(XOR, [0, 1, Number.POSITIVE_INFINITY, 0])).toThrow(/y\[2\]/);
    expect(() => new MLPClassifier(small).fit(XOR, [0, 0.5, 1, 0])).toThrow(/MLPRegressor/);
  });
  it('partialFit: classes first, then no unseen labels', () => {
    const clf = new MLPClassifier(small);
    expect(() => clf.partialFit(XOR, [0, 1, 1, 0])).toThrow(/classes must be passed/);
    clf.partialFit(XOR, [0, 1, 1, 0], { classes: [0, 1] });
    expect(() => clf.partialFit(XOR, [0, 1, 2, 0])).toThrow(/classes not seen before: 2/);
  });
  it('warmStart needs the same classes', () => {
    const clf = new MLPClassifier({ ...small, warmStart: true }).fit(XOR, [0, 1, 1, 0]);
    expect(() => clf.fit(XOR, [0, 1, 2, 0])).toThrow(/warmStart/);
  });
});
