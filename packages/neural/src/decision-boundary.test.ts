import { describe, expect, it } from 'vitest';
import { boundarySegment, decisionBoundarySvg } from './decision-boundary.js';

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
