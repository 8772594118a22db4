import { describe, expect, it } from 'vitest';
import { Chart, ticks } from './chart.js';
import { heatmapSvg } from './heatmap.js';
import { el, escapeXml } from './svg.js';
import { textWidth } from './text-width.js';

/** The SVG's declared size. */
const sizeOf = (svg: string) => {
  const [, w, h] = svg.match(/^<svg[^>]* width="([\d.]+)" height="([\d.]+)"/) ?? [];
  return { width: Number(w), height: Number(h) };
};

/** Each unrotated <text>'s estimated box [left, right] from its x, anchor and content. */
const textBoxes = (svg: string) =>
  [...svg.matchAll(/<text ([^>]*)>([^<]*)<\/text>/g)]
    .filter(([, attrs]) => !attrs!.includes('rotate('))
    .map(([, attrs, content]) => {
      const x = Number(attrs!.match(/\bx="([-\d.]+)"/)?.[1]);
      const size = Number(attrs!.match(/font-size="([\d.]+)"/)?.[1] ?? 12);
      const w = textWidth(content!.replace(/&lt;/g, '<').replace(/&amp;/g, '&'), size, {
        bold: attrs!.includes('font-weight="bold"'),
      });
      const anchor = attrs!.match(/text-anchor="(\w+)"/)?.[1] ?? 'start';
      const left = anchor === 'middle' ? x - w / 2 : anchor === 'end' ? x - w : x;
      return { content, left, right: left + w };
    });

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
    // margins sized to the text: left 6 + the widest y tick label ("10", 15.3 px) + 10 → 32;
    // right: the legend (12 + swatch 18 + "a" 7.4 + 6) → 44; top 12; bottom 28 (no x label)
    expect(svg).toContain('<circle cx="32" cy="332" r="6" fill="#0072B2"');
    expect(svg).toContain('<circle cx="436" cy="12" r="6" fill="#D55E00"');
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

  it('is as wide as its title: "the king and the queen" no longer clips it', () => {
    const words = ['the', 'king', 'and', 'the', 'queen'];
    const title = 'softmax(QKᵀ/√d_k): each row sums to 1';
    const svg = heatmapSvg(
      words.map(() => words.map(() => 0.2)),
      { rowLabels: words, colLabels: words, title, digits: 3 },
    );
    const { width } = sizeOf(svg);
    expect(width).toBeGreaterThanOrEqual(textWidth(title, 12, { bold: true }) + 4);
    for (const box of textBoxes(svg)) {
      expect(box.left, box.content).toBeGreaterThanOrEqual(0);
      expect(box.right, box.content).toBeLessThanOrEqual(width);
    }
  });

  it('stands long column labels upright, widens cells for short ones and for the values', () => {
    const svg = heatmapSvg(
      [
        [1, -12345.678],
        [3, 4],
      ],
      { colLabels: ['a', 'internationalization'], rowLabels: ['a', 'internationalization'] },
    );
    expect(svg.match(/transform="rotate\(-90 /g)).toHaveLength(2);
    const cell = Number(svg.match(/<rect x="[\d.]+" y="[\d.]+" width="([\d.]+)"[^>]*stroke="#ccc"/)?.[1]);
    expect(cell).toBeGreaterThanOrEqual(textWidth('-12345.68', 11) + 8);
    const { width } = sizeOf(svg);
    for (const box of textBoxes(svg)) expect(box.left, box.content).toBeGreaterThanOrEqual(0);
    for (const box of textBoxes(svg)) expect(box.right, box.content).toBeLessThanOrEqual(width);
    // horizontal labels when every one fits its cell, or a cell half again as wide
    expect(heatmapSvg([[1, 2]], { colLabels: ['a', 'b'] })).not.toContain('rotate(');
    const lovely = heatmapSvg([[1, 2]], { colLabels: ['A', 'LOVELY'] });
    expect(lovely).not.toContain('rotate(');
    expect(lovely).toContain('width="49"'); // 44 → "LOVELY" (42.1 px) + 6
  });

  it('draws greys for images: white at the minimum, black at the maximum, with its own format', () => {
    const svg = heatmapSvg([[0, 0.5, 2]], { colors: 'greys', format: (v) => `<${v}>` });
    expect(svg).toContain('fill="rgb(255,255,255)"');
    expect(svg).toContain('fill="rgb(0,0,0)"');
    expect(svg).toContain('>&lt;0.5&gt;<');
  });
});

describe('Chart sizing', () => {
  it('grows past its width for a long title and keeps every label inside the picture', () => {
    const title = 'Decision boundary 0.19999999999999998·petal length (cm) + 0.3·petal width (cm) − 0.3 = 0';
    const svg = new Chart({ title, xLabel: 'petal length (cm)', yLabel: 'petal width (cm)' })
      .points([
        { x: 0, y: 0, series: 'class 0', label: 'setosa' },
        { x: 1, y: 1, series: 'class 1 (versicolor and virginica)', label: 'a long point label' },
      ])
      .toSVG();
    const { width } = sizeOf(svg);
    expect(width).toBeGreaterThan(480);
    expect(width).toBeGreaterThanOrEqual(textWidth(title, 12, { bold: true }));
    for (const box of textBoxes(svg)) {
      expect(box.left, box.content).toBeGreaterThanOrEqual(0);
      expect(box.right, box.content).toBeLessThanOrEqual(width);
    }
  });

  it('makes room for the legend and grows taller when the legend is long', () => {
    const chart = new Chart({ height: 200 });
    for (let k = 0; k < 12; k++)
      chart.polyline(
        [
          { x: 0, y: 0 },
          { x: 1, y: k },
        ],
        { label: `a rather long legend entry ${k}` },
      );
    const svg = chart.toSVG();
    const { width, height } = sizeOf(svg);
    expect(height).toBeGreaterThanOrEqual(12 + 10 + 12 * 18 + 28);
    for (const box of textBoxes(svg)) expect(box.right, box.content).toBeLessThanOrEqual(width);
  });
});
