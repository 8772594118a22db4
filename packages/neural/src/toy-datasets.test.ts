/**
 * The playground's data sets. makeCircles against scikit-learn 1.2.1's make_circles itself:
 * `fixtures/sklearn-circles.json` is written by
 *   /usr/bin/python3 packages/neural/fixtures/generate_sklearn_circles.py
 * makeSpirals against its documented formula (scikit-learn has none to compare with).
 */
import { readFileSync } from 'node:fs';
import { RandomState, ValidationError } from '@firth/numeric';
import { describe, expect, it } from 'vitest';
import { type CirclesOptions, logicGate, makeCircles, makeSpirals } from './toy-datasets.js';

const fixture = JSON.parse(
  readFileSync(new URL('../fixtures/sklearn-circles.json', import.meta.url), 'utf8'),
) as { sklearn: string; cases: { options: CirclesOptions; X: number[][]; y: number[] }[] };

describe('logicGate', () => {
  it("gives the course's truth tables in the course's order", () => {
    expect(logicGate('and')).toEqual({
      X: [
        [0, 0],
        [0, 1],
        [1, 0],
        [1, 1],
      ],
      y: [0, 0, 0, 1],
    });
    expect(logicGate('or').y).toEqual([0, 1, 1, 1]);
    expect(logicGate('xor').y).toEqual([0, 1, 1, 0]);
  });

  it('names an unknown gate', () => {
    expect(() => logicGate('nand' as 'and')).toThrow(/unknown logic gate "nand"/);
  });
});

describe('makeCircles', () => {
  it.each(fixture.cases.map((c) => [JSON.stringify(c.options), c] as const))(
    'equals scikit-learn 1.2.1 make_circles(%s)',
    (_, c) => {
      expect(fixture.sklearn).toBe('1.2.1');
      const { X, y } = makeCircles(c.options);
      expect(y).toEqual(c.y);
      expect(X.length).toBe(c.X.length);
      // measured: up to 4.4e-16 apart — NumPy's vectorised cos/sin and V8's differ in the last bit or
      // two; the labels (so the shuffle) are exact
      X.forEach((row, i) => {
        expect(row[0]).toBeCloseTo(c.X[i]![0]!, 14);
        expect(row[1]).toBeCloseTo(c.X[i]![1]!, 14);
      });
    },
  );

  it('puts ⌊n/2⌋ points on the outer circle (radius 1) and the rest on the inner (radius factor)', () => {
    const { X, y } = makeCircles({ nSamples: 9, factor: 0.25, shuffle: false });
    expect(y).toEqual([0, 0, 0, 0, 1, 1, 1, 1, 1]);
    X.forEach((p, i) => {
      expect(Math.hypot(p[0]!, p[1]!)).toBeCloseTo(y[i] ? 0.25 : 1, 12);
    });
  });

  it('is reproducible with a seed, and a shared RandomState moves on', () => {
    expect(makeCircles({ noise: 0.1, randomState: 3 })).toEqual(makeCircles({ noise: 0.1, randomState: 3 }));
    const rs = new RandomState(3);
    expect(makeCircles({ noise: 0.1, randomState: rs })).not.toEqual(
      makeCircles({ noise: 0.1, randomState: rs }),
    );
  });

  it('rejects bad options by name', () => {
    expect(() => makeCircles({ nSamples: 1 })).toThrow(ValidationError);
    expect(() => makeCircles({ factor: 1 })).toThrow(/factor must be in \[0, 1\), got 1/);
    expect(() => makeCircles({ noise: -0.1 })).toThrow(/noise must be a number >= 0/);
  });
});

describe('makeSpirals', () => {
  it('follows the formula: r = i/m, t = 1.75·2π·i/m + Δ, then uniform noise (x, then y)', () => {
    const n = 11;
    const noise = 0.05;
    const { X, y } = makeSpirals({ nSamples: n, noise, randomState: 7 });
    const rng = new RandomState(7);
    const m = [5, 6];
    expect(y).toEqual([...new Array(5).fill(0), ...new Array(6).fill(1)]);
    let k = 0;
    for (const label of [0, 1]) {
      for (let i = 0; i < m[label]!; i++, k++) {
        const r = i / m[label]!;
        const t = 1.75 * 2 * Math.PI * (i / m[label]!) + label * Math.PI;
        const dx = rng.uniform(-1, 1) * noise;
        const dy = rng.uniform(-1, 1) * noise;
        expect(X[k]![0]).toBeCloseTo(r * Math.sin(t) + dx, 12);
        expect(X[k]![1]).toBeCloseTo(r * Math.cos(t) + dy, 12);
      }
    }
  });

  it('makes the two spirals point-symmetric about the origin without noise', () => {
    const { X } = makeSpirals({ nSamples: 40 });
    for (let i = 0; i < 20; i++) {
      expect(X[20 + i]![0]).toBeCloseTo(-X[i]![0]!, 12);
      expect(X[20 + i]![1]).toBeCloseTo(-X[i]![1]!, 12);
    }
  });

  it('is not separable by a line but an MLP-sized problem: every point lies inside the unit disc', () => {
    const { X } = makeSpirals({ nSamples: 200, noise: 0, randomState: 0 });
    for (const p of X) expect(Math.hypot(p[0]!, p[1]!)).toBeLessThan(1);
  });

  it('rejects bad options by name', () => {
    expect(() => makeSpirals({ nSamples: 2.5 })).toThrow(/nSamples must be an integer >= 2, got 2.5/);
    expect(() => makeSpirals({ noise: Number.NaN })).toThrow(/noise must be a number >= 0/);
  });
});
