import { describe, expect, it } from 'vitest';
import { Chart, ticks } from './chart.js';
import { heatmapSvg } from './heatmap.js';
import { el, escapeXml } from './svg.js';

describe('svg', () => {
  it('escapes text and attributes', () => {
    expect(escapeXml(`<a href="x">&'`)).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&apos;');
    expect(el('text', { x: 1.005, label: 'a"b' }, 'hi')).toBe('<text x="1" label="a&quot;b">hi</text>');
    expect(el('circle', { r: 3, skip: undefined })).toBe('<circle r="3"/>');
  });
});

describe('Chart', () => {
  it('places nice ticks inside the domain', () => {
    expect(ticks([0, 1])).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(ticks([-0.5, 1.5])).toEqual([-0.5, 0, 0.5, 1, 1.5]);
    expect(ticks([0, 1000])).toEqual([0, 200, 400, 600, 800, 1000]);
  });

  it('maps data to pixels: the domain corners land on the plot-area corners', () => {
    const svg = new Chart({ xDomain: [0, 10], yDomain: [0, 10], width: 480, height: 360 })
      .points([
        { x: 0, y: 0, series: 'a' },
        { x: 10, y: 10, series: 'b' },
      ])
      .toSVG();
    // margins: left 52, right 120, top 12, bottom 40
    expect(svg).toContain('<circle cx="52" cy="320" r="6" fill="#0072B2"');
    expect(svg).toContain('<circle cx="360" cy="12" r="6" fill="#D55E00"');
    expect(svg.match(/<text[^>]*>a<\/text>/)).not.toBeNull(); // legend entry
  });

  it('escapes titles and refuses non-finite points', () => {
    expect(new Chart({ title: 'x < y & z' }).toSVG()).toContain('x &lt; y &amp; z');
    expect(() => new Chart().points([{ x: Number.NaN, y: 0 }])).toThrow(/not finite/);
  });
});

describe('Chart legend and options', () => {
  it('gives labelled lines their own colours and legend entries (dashed when dashed), no point entry', () => {
    const svg = new Chart({ width: undefined })
      .polyline(
        [
          { x: 0, y: 0 },
          { x: 1, y: 1 },
        ],
        { label: 'f' },
      )
      .polyline(
        [
          { x: 0, y: 1 },
          { x: 1, y: 0 },
        ],
        { label: "f'", dashed: true },
      )
      .toSVG();
    expect(svg).toContain('width="480"'); // undefined options keep the defaults
    expect(svg.match(/<circle/g)).toBeNull(); // no point legend entries for lines
    expect(svg.match(/stroke-dasharray="4 3"/g)).toHaveLength(1);
    expect(svg).toContain('stroke="#0072B2"');
    expect(svg).toContain('stroke="#D55E00"');
  });
});

describe('heatmapSvg', () => {
  it('draws one cell per value with labels, white at the minimum and deep blue at the maximum', () => {
    const svg = heatmapSvg(
      [
        [0.1, 0.9],
        [0.5, 0.5],
      ],
      { rowLabels: ['YOUR', 'CAT'], colLabels: ['YOUR', 'CAT'], title: 'attention' },
    );
    expect(svg).toMatch(/^<svg[\s>]/);
    expect(svg.match(/<rect [^>]*stroke="#ccc"/g)).toHaveLength(4); // plus the background
    expect(svg).toContain('fill="rgb(255,255,255)"'); // 0.1, the minimum
    expect(svg).toContain('fill="rgb(8,48,107)"'); // 0.9, the maximum
    expect(svg).toContain('>0.90<');
    expect(svg.match(/>CAT</g)).toHaveLength(2);
    expect(() => heatmapSvg([[1, 2], [3]])).toThrow(RangeError);
    expect(() => heatmapSvg([[Number.NaN]])).toThrow(/non-finite/);
  });
});
