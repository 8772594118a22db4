import { ValidationError } from '@firth/numeric';
import { describe, expect, it } from 'vitest';
import { boundarySegment, decisionBoundarySvg, decisionSurface, paddedDomain } from './decision-boundary.js';

describe('decision boundary', () => {
  it('clips the course boundary 0.2·x1 + 0.2·x2 − 0.2 = 0 to the view', () => {
    const seg = boundarySegment([0.2, 0.2], -0.2, [-0.5, 1.5], [-0.5, 1.5])!;
    expect(seg[0].x).toBeCloseTo(-0.5, 12);
    expect(seg[0].y).toBeCloseTo(1.5, 12);
    expect(seg[1].x).toBeCloseTo(1.5, 12);
    expect(seg[1].y).toBeCloseTo(-0.5, 12);
    // every returned point lies on the line
    for (const p of seg) expect(0.2 * p.x + 0.2 * p.y - 0.2).toBeCloseTo(0, 12);
  });

  it('handles vertical lines and lines that miss the view', () => {
    const v = boundarySegment([1, 0], -0.5, [0, 1], [0, 1])!;
    expect(v.map((p) => p.x)).toEqual([0.5, 0.5]);
    expect(boundarySegment([1, 0], -5, [0, 1], [0, 1])).toBeNull();
    expect(boundarySegment([0, 0], 1, [0, 1], [0, 1])).toBeNull();
  });

  it('draws the AND points by class with the line', () => {
    const svg = decisionBoundarySvg(
      [
        [0, 0],
        [0, 1],
        [1, 0],
        [1, 1],
      ],
      [0, 0, 0, 1],
      { weights: [0.2, 0.2], bias: -0.2 },
    );
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.match(/class="point" data-series="class 0"/g)).toHaveLength(3);
    expect(svg.match(/class="point" data-series="class 1"/g)).toHaveLength(1);
    expect(svg).toContain('class="line"');
    expect(svg).toContain('0.2·x1 + 0.2·x2 − 0.2 = 0');
  });

  it('refuses more than two features', () => {
    expect(() => decisionBoundarySvg([[0, 0, 0]], [0], { weights: [1, 1, 1], bias: 0 })).toThrow(
      /2 features/,
    );
  });
});

describe('decisionSurface', () => {
  // a logistic model whose P(class 1) is known in closed form: σ(x1 − x2)
  const model = {
    predictProba: (X: number[][]) =>
      X.map(([a, b]) => {
        const p = 1 / (1 + Math.exp(-(a! - b!)));
        return [1 - p, p];
      }),
  };

  it("takes the data's padded view and puts row 0 at the top", () => {
    const s = decisionSurface(
      model,
      [
        [0, 0],
        [1, 1],
      ],
      { steps: 2 },
    );
    expect(s.xDomain).toEqual([-0.5, 1.5]);
    expect(s.yDomain).toEqual([-0.5, 1.5]);
    // cell centres: x ∈ {0, 1}; row 0 is y = 1, row 1 is y = 0
    const p = (a: number, b: number) => 1 / (1 + Math.exp(-(a - b)));
    expect(s.values).toEqual([
      [p(0, 1), p(1, 1)],
      [p(0, 0), p(1, 0)],
    ]);
  });

  it('keeps the last column of predictProba and a given view', () => {
    const three = { predictProba: (X: number[][]) => X.map(() => [0.2, 0.3, 0.5]) };
    const s = decisionSurface(three, [[0, 0]], { steps: 3, xDomain: [0, 3], yDomain: [0, 3] });
    expect(s.values).toEqual([
      [0.5, 0.5, 0.5],
      [0.5, 0.5, 0.5],
      [0.5, 0.5, 0.5],
    ]);
    expect(paddedDomain([2, 2])).toEqual([1.5, 2.5]);
  });

  it('rejects data without two features and a bad grid', () => {
    expect(() => decisionSurface(model, [[0, 0, 0]])).toThrow(ValidationError);
    expect(() => decisionSurface(model, [[0, 0]], { steps: 0 })).toThrow(/steps must be an integer/);
  });
});
