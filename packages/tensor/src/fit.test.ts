import { RandomState } from '@firth/numeric';
import { describe, expect, it } from 'vitest';
import { add, crossEntropy, gelu, matmul, Tensor } from './autograd.js';
import { type FitProgress, fit, warmupCosine } from './fit.js';
import { AdamW, clipGradNorm } from './optim.js';

/** A two-layer network on XOR, its parameters drawn from `seed`. */
function xorNet(seed = 0) {
  const r = new RandomState(seed);
  const params = [
    Tensor.randn([2, 8], r, 1, true),
    Tensor.zeros([8], true),
    Tensor.randn([8, 2], r, 1, true),
    Tensor.zeros([2], true),
  ];
  const [W1, b1, W2, b2] = params as [Tensor, Tensor, Tensor, Tensor];
  const X = Tensor.from([0, 0, 0, 1, 1, 0, 1, 1], [4, 2]);
  const loss = () => crossEntropy(add(matmul(gelu(add(matmul(X, W1), b1)), W2), b2), [0, 1, 1, 0]);
  return { params, loss };
}

describe('warmupCosine', () => {
  it('rises linearly to lr over the warm-up, then falls along a half cosine to minLr', () => {
    expect(warmupCosine(0, 100, 1, 10)).toBeCloseTo(0.1, 12);
    expect(warmupCosine(9, 100, 1, 10)).toBeCloseTo(1, 12);
    expect(warmupCosine(55, 100, 1, 10, 0.2)).toBeCloseTo(0.6, 12); // halfway: the mean of 1 and 0.2
    expect(warmupCosine(100, 100, 1, 10, 0.2)).toBeCloseTo(0.2, 12);
  });
});

describe('fit — the one training loop', () => {
  it('is the loop written out by hand: the same losses and weights, bit for bit', () => {
    const a = xorNet();
    const { curve } = fit({ params: a.params, steps: 40, lr: 0.05, lossAt: a.loss });
    const b = xorNet();
    const decayed = new AdamW([b.params[0]!, b.params[2]!], { lr: 0.05, weightDecay: 0.01 });
    const plain = new AdamW([b.params[1]!, b.params[3]!], { lr: 0.05, weightDecay: 0 });
    const hand: number[] = [];
    for (let step = 0; step < 40; step++) {
      const rate = warmupCosine(step, 40, 0.05, 2);
      decayed.zeroGrad();
      plain.zeroGrad();
      const L = b.loss();
      L.backward();
      clipGradNorm(b.params, 1);
      decayed.step(rate);
      plain.step(rate);
      hand.push(L.item());
    }
    expect(curve).toEqual(hand);
    for (let i = 0; i < 4; i++) expect(a.params[i]!.data).toEqual(b.params[i]!.data);
    expect(curve.at(-1)!).toBeLessThan(curve[0]! / 2); // and it learned
  });

  it('emits step, eval and end events with the rate and the metrics; evaluates once at the end', () => {
    const n = xorNet();
    const events: FitProgress[] = [];
    const evaluatedAt: number[] = [];
    const result = fit({
      params: n.params,
      steps: 10,
      lossAt: n.loss,
      evalEvery: 4,
      evaluate: (step) => {
        evaluatedAt.push(step);
        return { valLoss: n.loss().item() };
      },
      onProgress: (e) => events.push(e),
    });
    expect(evaluatedAt).toEqual([4, 8, 10]);
    expect(events.filter((e) => e.phase === 'step').map((e) => e.step)).toEqual([
      1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
    ]);
    expect(events.filter((e) => e.phase === 'eval').map((e) => e.step)).toEqual([4, 8, 10]);
    const end = events.at(-1)!;
    expect(end.phase).toBe('end');
    expect(end.metrics?.valLoss).toBe(result.evaluations.at(-1)!.metrics.valLoss);
    expect(end.loss).toBe(result.curve.at(-1));
    expect(events[0]!.metrics!.lr!).toBeCloseTo(warmupCosine(0, 10, 1e-3, 1), 15);
    expect(result.stopped).toBe('steps');
  });

  it('stops early when the watched metric stops improving for `patience` evaluations', () => {
    const n = xorNet();
    // a metric that improves for 3 evaluations, then stays flat
    const values = [5, 4, 3, 3, 3, 3, 3, 3, 3, 3];
    let i = 0;
    const result = fit({
      params: n.params,
      steps: 100,
      lossAt: n.loss,
      evalEvery: 5,
      evaluate: () => ({ metric: values[i++]! }),
      earlyStopping: { metric: 'metric', patience: 2 },
    });
    expect(result.stopped).toBe('early-stopping');
    expect(result.steps).toBe(25); // evaluations at 5, 10, 15 improve; 20 and 25 do not
    expect(result.curve).toHaveLength(25);
    // mode 'max' watches an accuracy
    let j = 0;
    const up = fit({
      params: xorNet().params,
      steps: 100,
      lossAt: xorNet().loss,
      evalEvery: 10,
      evaluate: () => ({ acc: [0.5, 0.7, 0.6, 0.65, 0.7][j++] ?? 0 }),
      earlyStopping: { metric: 'acc', patience: 3, mode: 'max' },
    });
    expect(up.steps).toBe(50);
  });

  it('saves a checkpoint every `every` steps and at the step it ends on', () => {
    const n = xorNet();
    const saved: number[] = [];
    fit({
      params: n.params,
      steps: 10,
      lossAt: n.loss,
      checkpoint: { every: 4, save: (s) => saved.push(s) },
    });
    expect(saved).toEqual([4, 8, 10]);
    const atEnd: number[] = [];
    fit({ params: n.params, steps: 8, lossAt: n.loss, checkpoint: { every: 4, save: (s) => atEnd.push(s) } });
    expect(atEnd).toEqual([4, 8]);
  });

  it('stops when shouldStop says so, and hands lossAt one seeded generator', () => {
    const n = xorNet();
    let calls = 0;
    const draws: number[] = [];
    const result = fit({
      params: n.params,
      steps: 50,
      seed: 7,
      lossAt: (_s, rng) => {
        draws.push(rng.randint(1000));
        return n.loss();
      },
      shouldStop: () => ++calls >= 3,
    });
    expect(result).toMatchObject({ steps: 3, stopped: 'shouldStop' });
    const r = new RandomState(7);
    expect(draws).toEqual([r.randint(1000), r.randint(1000), r.randint(1000)]);
  });

  it('clips the global gradient norm (clipNorm), or not (0)', () => {
    // d loss / dW = xᵀ (p − onehot): with x = [100, 100] its norm is 100
    const X = Tensor.from([100, 100], [1, 2]);
    const normAfterStep = (clipNorm?: number) => {
      const W = Tensor.zeros([2, 2], true);
      let norm = 0;
      fit({
        params: [W],
        steps: 1,
        clipNorm,
        lossAt: () => crossEntropy(matmul(X, W), [0]),
        // the step's event still sees the gradients (the arena clears them when the step ends)
        onProgress: (e) => {
          if (e.phase === 'step') norm = Math.hypot(...W.grad!);
        },
      });
      return norm;
    };
    expect(normAfterStep()).toBeCloseTo(1, 5);
    expect(normAfterStep(0)).toBeCloseTo(100, 3);
  });

  it('rejects bad settings with the setting named', () => {
    const n = xorNet();
    expect(() => fit({ params: n.params, steps: -1, lossAt: n.loss })).toThrow(
      /steps must be a whole number/,
    );
    expect(() => fit({ params: n.params, steps: 3, lr: 0, lossAt: n.loss })).toThrow(/lr must be a positive/);
    expect(() =>
      fit({ params: n.params, steps: 3, lossAt: n.loss, earlyStopping: { metric: 'x', patience: 1 } }),
    ).toThrow(/earlyStopping needs evaluate/);
    expect(() =>
      fit({
        params: n.params,
        steps: 3,
        evalEvery: 1,
        lossAt: n.loss,
        evaluate: () => ({ other: 1 }),
        earlyStopping: { metric: 'x', patience: 1 },
      }),
    ).toThrow(/evaluate returned no "x"/);
  });
});
