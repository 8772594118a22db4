import { describe, expect, it } from 'vitest';
import {
  ACTIVATION_NAMES,
  ACTIVATIONS,
  activation,
  activationPlotSvg,
  applyActivation,
  erf,
  erfc,
  maxout,
  sigmoid,
  softmax,
  softmaxJacobian,
  softmaxJvp,
} from './activations.js';

// central difference (f(x+h) − f(x−h)) / 2h, error O(h²)
const central = (f: (x: number) => number, x: number, h = 1e-5) => (f(x + h) - f(x - h)) / (2 * h);

// −6 … 6 in steps of 0.37, kept away from the kink at 0 (no grid point lies within 0.05 of it)
const GRID = Array.from({ length: 33 }, (_, i) => -6 + 0.37 * i + 0.05);

describe('the course formulas at known points', () => {
  it('sigmoid: σ(0) = 0.5, σ(2) = 1/(1 + e^−2)', () => {
    expect(ACTIVATIONS.sigmoid.fn(0)).toBe(0.5);
    expect(ACTIVATIONS.sigmoid.fn(2)).toBeCloseTo(1 / (1 + Math.exp(-2)), 15);
    expect(ACTIVATIONS.sigmoid.fn(-2)).toBeCloseTo(1 / (1 + Math.exp(2)), 15);
    expect(ACTIVATIONS.sigmoid.derivative(0)).toBe(0.25);
  });

  it('tanh, ReLU max(0, x), leaky ReLU max(0.1x, x), ELU', () => {
    expect(ACTIVATIONS.tanh.fn(1)).toBeCloseTo(0.7615941559557649, 15);
    expect(ACTIVATIONS.relu.fn(-3)).toBe(0);
    expect(ACTIVATIONS.relu.fn(3)).toBe(3);
    expect(ACTIVATIONS.leakyRelu.fn(-2)).toBeCloseTo(-0.2, 15);
    expect(ACTIVATIONS.leakyRelu.fn(2)).toBe(2);
    expect(ACTIVATIONS.elu.fn(-1)).toBeCloseTo(Math.exp(-1) - 1, 15);
    expect(ACTIVATIONS.elu.fn(1.5)).toBe(1.5);
    expect(activation('elu', { alpha: 0.5 }).fn(-1)).toBeCloseTo(0.5 * (Math.exp(-1) - 1), 15);
    expect(activation('leakyRelu', { alpha: 0.2 }).fn(-2)).toBeCloseTo(-0.4, 15);
  });

  it('step is the perceptron step: 1 if x ≥ 0 else 0, derivative 0 (also at 0 by convention)', () => {
    expect([-1, 0, 1].map(ACTIVATIONS.step.fn)).toEqual([0, 1, 1]);
    expect([-1, 0, 1].map(ACTIVATIONS.step.derivative)).toEqual([0, 0, 0]);
  });

  it('the extras: identity, softplus, GELU (exact and tanh), SiLU', () => {
    expect(ACTIVATIONS.identity.fn(-3.5)).toBe(-3.5);
    expect(ACTIVATIONS.softplus.fn(0)).toBeCloseTo(Math.LN2, 15);
    expect(ACTIVATIONS.softplus.fn(1000)).toBe(1000);
    expect(ACTIVATIONS.softplus.fn(-1000)).toBe(0);
    // reference values from Python: x·½·erfc(−x/√2) and the tanh form
    expect(ACTIVATIONS.gelu.fn(1)).toBeCloseTo(0.8413447460685429, 14);
    expect(ACTIVATIONS.gelu.fn(-1)).toBeCloseTo(-0.15865525393145707, 14);
    expect(ACTIVATIONS.gelu.fn(2)).toBeCloseTo(1.9544997361036416, 14);
    expect(ACTIVATIONS.geluTanh.fn(1)).toBeCloseTo(0.8411919906082768, 14);
    expect(ACTIVATIONS.geluTanh.fn(-1)).toBeCloseTo(-0.15880800939172324, 14);
    expect(ACTIVATIONS.silu.fn(1)).toBeCloseTo(1 / (1 + Math.exp(-1)), 15);
    // the approximation stays within 1e-3 of the exact GELU
    for (const x of GRID)
      expect(Math.abs(ACTIVATIONS.gelu.fn(x) - ACTIVATIONS.geluTanh.fn(x))).toBeLessThan(1e-3);
  });

  it('erf and erfc match Python math.erf / math.erfc', () => {
    const table: [number, number, number][] = [
      [0.1, 0.1124629160182849, 0.8875370839817152],
      [0.5, 0.5204998778130465, 0.4795001221869535],
      [1, 0.8427007929497149, 0.15729920705028513],
      [2, 0.9953222650189527, 0.004677734981047265],
      [3, 0.9999779095030014, 2.2090496998585438e-5],
      [-1.5, -0.9661051464753108, 1.9661051464753108],
    ];
    for (const [x, e, c] of table) {
      expect(erf(x)).toBeCloseTo(e, 15);
      expect(Math.abs(erfc(x) - c) / c).toBeLessThan(1e-13);
    }
    expect(erf(0)).toBe(0);
    expect(Math.abs(erfc(5) - 1.5374597944280351e-12) / 1.5374597944280351e-12).toBeLessThan(1e-13);
    expect(Math.abs(erfc(10) - 2.088487583762545e-45) / 2.088487583762545e-45).toBeLessThan(1e-13);
    expect(erf(30)).toBe(1);
    expect(erf(-30)).toBe(-1);
  });
});

describe('derivatives against central finite differences', () => {
  for (const name of ACTIVATION_NAMES) {
    it(name, () => {
      const act = ACTIVATIONS[name];
      for (const x of GRID) {
        const fd = central(act.fn, x);
        expect(Math.abs(act.derivative(x) - fd), `${name}′(${x})`).toBeLessThan(1e-6 * (1 + Math.abs(fd)));
      }
    });
  }

  it('leaky ReLU and ELU with another α', () => {
    for (const name of ['leakyRelu', 'elu'] as const) {
      const act = activation(name, { alpha: 0.3 });
      for (const x of GRID) expect(Math.abs(act.derivative(x) - central(act.fn, x))).toBeLessThan(1e-6);
    }
  });

  it('documented conventions at the kink x = 0', () => {
    expect(ACTIVATIONS.relu.derivative(0)).toBe(0);
    expect(ACTIVATIONS.leakyRelu.derivative(0)).toBe(0.1);
    expect(ACTIVATIONS.elu.derivative(0)).toBe(1);
  });
});

describe('numerical stability and ranges', () => {
  it('sigmoid at ±1000 is 1 and 0, never NaN', () => {
    expect(sigmoid(1000)).toBe(1);
    expect(sigmoid(-1000)).toBe(0);
    expect(ACTIVATIONS.sigmoid.derivative(1000)).toBe(0);
    expect(ACTIVATIONS.sigmoid.derivative(-1000)).toBe(0);
    expect(ACTIVATIONS.silu.fn(-1000)).toBe(-0);
    expect(ACTIVATIONS.gelu.fn(-1000)).toBe(-0);
    for (const name of ACTIVATION_NAMES) {
      for (const x of [-1000, 1000]) {
        expect(Number.isNaN(ACTIVATIONS[name].fn(x)), `${name}(${x})`).toBe(false);
        expect(Number.isNaN(ACTIVATIONS[name].derivative(x)), `${name}′(${x})`).toBe(false);
      }
    }
  });

  it('every value lies in the declared range', () => {
    for (const name of ACTIVATION_NAMES) {
      const [lo, hi] = ACTIVATIONS[name].range;
      const outside: string[] = [];
      for (let x = -20; x <= 20; x += 0.01) {
        const y = ACTIVATIONS[name].fn(x);
        if (!(y >= lo && y <= hi)) outside.push(`${name}(${x}) = ${y}`);
      }
      expect(outside, `outside [${lo}, ${hi}]`).toEqual([]);
    }
  });
});

describe('registry and bad input', () => {
  it('looks up names and aliases, applies elementwise', () => {
    expect(activation('logistic').name).toBe('sigmoid');
    expect(activation('swish').name).toBe('silu');
    expect(applyActivation('relu', [-1, 0, 2])).toEqual([0, 0, 2]);
    expect(applyActivation('sigmoid', [0], { derivative: true })).toEqual([0.25]);
    expect(ACTIVATIONS.leakyRelu.formula).toBe('max(0.1x, x)');
    expect(ACTIVATIONS.relu.formula).toBe('max(0, x)');
    expect(ACTIVATION_NAMES.filter((n) => ACTIVATIONS[n].fromCourse)).toEqual([
      'step',
      'sigmoid',
      'tanh',
      'relu',
      'leakyRelu',
      'elu',
    ]);
  });

  it('an unknown name lists the valid ones', () => {
    expect(() => activation('relu6')).toThrow(
      /unknown activation "relu6"; valid names: step, sigmoid, tanh, relu/,
    );
    expect(() => applyActivation('nope', [1])).toThrow(/silu/);
  });

  it('non-finite input is refused with a clear message', () => {
    expect(() => ACTIVATIONS.sigmoid.fn(Number.NaN)).toThrow(
      'sigmoid(x): x must be a finite number, got NaN',
    );
    expect(() => ACTIVATIONS.relu.derivative(Number.POSITIVE_INFINITY)).toThrow(
      /finite number, got Infinity/,
    );
    expect(() => applyActivation('tanh', [0, Number.NaN])).toThrow('xs[1] must be a finite number, got NaN');
    expect(() => softmax([1, Number.NEGATIVE_INFINITY])).toThrow(/xs\[1\] must be a finite number/);
    expect(() => activation('elu', { alpha: -1 })).toThrow(/alpha must be ≥ 0/);
    expect(() => softmax([])).toThrow(/empty/);
  });
});

describe('softmax', () => {
  it('sums to 1 and matches e^x / Σ e^x', () => {
    const s = softmax([1, 2, 3]);
    expect(s.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 15);
    const e = [1, 2, 3].map(Math.exp);
    const z = e.reduce((a, b) => a + b, 0);
    for (const [i, v] of s.entries()) expect(v).toBeCloseTo(e[i]! / z, 15);
  });

  it('is shift-invariant and stable for large inputs', () => {
    const s = softmax([1, 2, 3]);
    const shifted = softmax([1001, 1002, 1003]);
    for (const [i, v] of shifted.entries()) expect(v).toBeCloseTo(s[i]!, 14);
    const big = softmax([1000, -1000, 0]);
    expect(big).toEqual([1, 0, 0]);
    expect(softmax([-1e300, -1e300])).toEqual([0.5, 0.5]);
  });

  it('its Jacobian matches finite differences and diag(s) − s sᵀ has rows summing to 0', () => {
    const x = [0.3, -1.2, 2.0, 0.7];
    const J = softmaxJacobian(x);
    const h = 1e-6;
    for (let j = 0; j < x.length; j++) {
      const plus = softmax(x.map((v, k) => (k === j ? v + h : v)));
      const minus = softmax(x.map((v, k) => (k === j ? v - h : v)));
      for (let i = 0; i < x.length; i++) expect(J[i]![j]!).toBeCloseTo((plus[i]! - minus[i]!) / (2 * h), 8);
    }
    for (const row of J) expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(0, 15);
  });

  it('the Jacobian-vector product equals J·v', () => {
    const x = [0.3, -1.2, 2.0, 0.7];
    const v = [1, -2, 0.5, 3];
    const J = softmaxJacobian(x);
    const Jv = J.map((row) => row.reduce((a, r, j) => a + r * v[j]!, 0));
    for (const [i, val] of softmaxJvp(x, v).entries()) expect(val).toBeCloseTo(Jv[i]!, 14);
    expect(() => softmaxJvp(x, [1, 2])).toThrow(/v must have 4 values/);
  });
});

describe('maxout', () => {
  const pieces = [
    { w: [0.5, -1, 2], b: 0.1 },
    { w: [-0.3, 0.8, 1], b: -0.2 },
  ];
  const x = [1.2, -0.7, 0.4];

  it('is the course max(w1ᵀx + b1, w2ᵀx + b2)', () => {
    const r = maxout(x, pieces);
    const z1 = 0.5 * 1.2 + 1 * 0.7 + 2 * 0.4 + 0.1;
    const z2 = -0.3 * 1.2 - 0.8 * 0.7 + 0.4 - 0.2;
    expect(r.z[0]).toBeCloseTo(z1, 15);
    expect(r.z[1]).toBeCloseTo(z2, 15);
    expect(r.value).toBeCloseTo(Math.max(z1, z2), 15);
    expect(r.piece).toBe(0);
    expect(
      maxout(
        [1, 2],
        [
          { w: [1, 0], b: 0 },
          { w: [0, 1], b: 0.5 },
        ],
      ).value,
    ).toBe(2.5);
  });

  it('gradients w.r.t. x, each w and each b match finite differences', () => {
    const h = 1e-6;
    const f = (xx: number[], ps: typeof pieces) => maxout(xx, ps).value;
    const r = maxout(x, pieces);
    x.forEach((_, i) => {
      const d =
        (f(
          x.map((v, k) => (k === i ? v + h : v)),
          pieces,
        ) -
          f(
            x.map((v, k) => (k === i ? v - h : v)),
            pieces,
          )) /
        (2 * h);
      expect(r.dx[i]).toBeCloseTo(d, 8);
    });
    pieces.forEach((p, k) => {
      p.w.forEach((_, i) => {
        const bump = (e: number) =>
          pieces.map((q, kk) => (kk === k ? { w: q.w.map((v, ii) => (ii === i ? v + e : v)), b: q.b } : q));
        expect(r.dw[k]![i]).toBeCloseTo((f(x, bump(h)) - f(x, bump(-h))) / (2 * h), 8);
      });
      const bumpB = (e: number) => pieces.map((q, kk) => (kk === k ? { w: q.w, b: q.b + e } : q));
      expect(r.db[k]).toBeCloseTo((f(x, bumpB(h)) - f(x, bumpB(-h))) / (2 * h), 8);
    });
  });

  it('refuses mismatched pieces', () => {
    expect(() => maxout([1, 2], [{ w: [1], b: 0 }])).toThrow(/pieces\[0\]\.w must have 2 values/);
    expect(() => maxout([1], [])).toThrow(/at least one piece/);
    expect(() => maxout([1], [{ w: [1], b: Number.NaN }])).toThrow(/pieces\[0\]\.b must be a finite number/);
  });
});

describe('activationPlotSvg', () => {
  it('draws one polyline per curve with a legend entry', () => {
    const svg = activationPlotSvg(['sigmoid', 'tanh', 'relu']);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.match(/<polyline /g)).toHaveLength(3);
    expect(svg.match(/stroke-dasharray/g)).toBeNull();
    for (const name of ['sigmoid', 'tanh', 'relu']) expect(svg).toContain(`>${name}</text>`);
    // legend entries are short lines, never point markers
    expect(svg).not.toContain('<circle');
  });

  it('adds the derivatives dashed', () => {
    const svg = activationPlotSvg(['sigmoid', 'elu'], { derivative: true, samples: 11 });
    expect(svg.match(/<polyline /g)).toHaveLength(4);
    expect(svg.match(/<polyline [^>]*stroke-dasharray/g)).toHaveLength(2); // the derivative curves
    expect(svg.match(/<line [^>]*stroke-dasharray/g)).toHaveLength(2); // and their legend entries
    expect(svg).toContain('>sigmoid′</text>');
    expect(svg).toContain('>elu′</text>');
  });

  it('refuses bad options', () => {
    expect(() => activationPlotSvg(['nope'])).toThrow(/valid names/);
    expect(() => activationPlotSvg(['relu'], { from: 1, to: 0 })).toThrow(/greater than/);
    expect(() => activationPlotSvg(['relu'], { samples: 1 })).toThrow(/samples/);
  });
});
