import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Chart } from './chart.js';
import { heatmapSvg } from './heatmap.js';
import { findPlotAssets, PLOT_FONTS, pngSize, RESVG_WASM, renderSvg, svgToPng } from './png.js';
import { textWidth } from './text-width.js';

/** Grey level (0–255) of pixel (x, y) in RGBA `pixels` of a `width`-wide image. */
const grey = (pixels: Uint8Array, width: number, x: number, y: number) => {
  const i = 4 * (y * width + x);
  return (pixels[i]! + pixels[i + 1]! + pixels[i + 2]!) / 3;
};

/** The columns that hold a pixel darker than near-white (text ink), as [first, last]. */
function inkColumns(pixels: Uint8Array, width: number, height: number): [number, number] | undefined {
  let first: number | undefined;
  let last: number | undefined;
  for (let x = 0; x < width; x++)
    for (let y = 0; y < height; y++)
      if (grey(pixels, width, x, y) < 200) {
        first ??= x;
        last = x;
        break;
      }
  return first === undefined ? undefined : [first, last!];
}

const svgSize = (svg: string) => {
  const [, w, h] = svg.match(/^<svg[^>]* width="([\d.]+)" height="([\d.]+)"/) ?? [];
  return { width: Number(w), height: Number(h) };
};

describe('svgToPng', () => {
  it('writes a PNG whose IHDR size is the SVG size × scale (2 by default)', async () => {
    const svg = new Chart({ title: 'Loss', xLabel: 'epoch', yLabel: 'loss' })
      .polyline([
        { x: 1, y: 0.9 },
        { x: 2, y: 0.3 },
      ])
      .toSVG();
    const { width, height } = svgSize(svg);
    const png = await svgToPng(svg);
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(new TextDecoder().decode(png.subarray(12, 16))).toBe('IHDR');
    expect(pngSize(png)).toEqual({ width: 2 * width, height: 2 * height });
    expect(pngSize(await svgToPng(svg, { scale: 1 }))).toEqual({ width, height });
    expect(pngSize(await svgToPng(svg, { scale: 3 }))).toEqual({ width: 3 * width, height: 3 * height });
  });

  it('draws the chart: not blank, the lines in their colours', async () => {
    const svg = new Chart({ xDomain: [0, 1], yDomain: [0, 1] })
      .polyline(
        [
          { x: 0, y: 0 },
          { x: 1, y: 1 },
        ],
        { label: 'train', color: '#D55E00' },
      )
      .toSVG();
    const { pixels, width, height } = await renderSvg(svg, { scale: 1 });
    const greys = Array.from({ length: width * height }, (_, k) =>
      grey(pixels, width, k % width, Math.floor(k / width)),
    );
    const mean = greys.reduce((a, b) => a + b, 0) / greys.length;
    const variance = greys.reduce((a, b) => a + (b - mean) ** 2, 0) / greys.length;
    expect(variance).toBeGreaterThan(50);
    // the diagonal line is vermilion (213, 94, 0) somewhere
    let orange = 0;
    for (let k = 0; k < pixels.length; k += 4)
      if (pixels[k]! > 190 && pixels[k + 1]! > 70 && pixels[k + 1]! < 120 && pixels[k + 2]! < 40) orange++;
    expect(orange).toBeGreaterThan(100);
  });

  it('draws text with the shipped font: the title region changes when the title is there', async () => {
    const svg = new Chart({ title: 'Decision boundary', xDomain: [0, 1], yDomain: [0, 1] }).toSVG();
    const untitled = svg.replace(/<text [^>]*font-weight="bold"[^>]*>Decision boundary<\/text>/, '');
    expect(untitled).not.toBe(svg);
    const a = await renderSvg(svg, { scale: 1 });
    const b = await renderSvg(untitled, { scale: 1 });
    let differing = 0;
    for (let y = 0; y < 28; y++)
      for (let x = 0; x < a.width; x++)
        if (Math.abs(grey(a.pixels, a.width, x, y) - grey(b.pixels, b.width, x, y)) > 60) differing++;
    expect(differing).toBeGreaterThan(150);
    // and nothing is drawn there without it
    let drawn = 0;
    for (let y = 0; y < 24; y++)
      for (let x = 0; x < b.width; x++) if (grey(b.pixels, b.width, x, y) < 255) drawn++;
    expect(drawn).toBe(0);
  });

  it('refuses what is not an SVG document and a bad scale, with what was wrong', async () => {
    await expect(svgToPng('hello')).rejects.toThrow(/needs an SVG document/);
    await expect(svgToPng('<svg xmlns="http://www.w3.org/2000/svg"/>', { scale: 0 })).rejects.toThrow(
      /scale must be/,
    );
    await expect(
      svgToPng('<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><g></svg>'),
    ).rejects.toThrow();
  });
});

describe('textWidth (the estimate the charts are sized with)', () => {
  it.each([
    ['Loss curve', false],
    ['WWW mmm', false],
    ['the king and the queen', false],
    ['iiii llll', false],
    ['softmax(QKᵀ/√d_k): each row sums to 1', true],
    ['Vanishing gradient: ‖∂L/∂h_t‖', true],
    ['0.123 -12.50', false],
  ])('covers the ink of %j (bold %s) as resvg draws it (within a fifth)', async (label, bold) => {
    const estimate = textWidth(label, 12, { bold });
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="600" height="30" font-family="DejaVu Sans" font-size="12"><rect width="600" height="30" fill="white"/><text x="10" y="20"${bold ? ' font-weight="bold"' : ''}>${label.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</text></svg>`;
    const { pixels, width, height } = await renderSvg(svg, { scale: 1 });
    const [first, last] = inkColumns(pixels, width, height) ?? [0, -1];
    const ink = last - first + 1;
    expect(ink).toBeGreaterThan(0);
    expect(ink).toBeLessThanOrEqual(estimate + 1);
    expect(ink).toBeGreaterThan(0.8 * estimate);
  });
});

describe('findPlotAssets', () => {
  afterEach(() => {
    delete process.env.FIRTH_PLOT_ASSETS_DIR;
  });

  it("finds resvg's wasm and the shipped fonts in the repository", () => {
    const { wasm, fonts } = findPlotAssets();
    expect(wasm).toMatch(/@resvg[/\\]resvg-wasm[/\\]index_bg\.wasm$/);
    expect(fonts).toMatch(/plot[/\\]fonts$/);
  });

  it('takes a folder holding the wasm and the fonts together (the layout of a bundle’s firth-plot/)', async () => {
    const { wasm, fonts } = findPlotAssets();
    const dir = mkdtempSync(join(tmpdir(), 'firth-plot-'));
    try {
      copyFileSync(wasm, join(dir, RESVG_WASM));
      for (const f of PLOT_FONTS) copyFileSync(join(fonts, f), join(dir, f));
      process.env.FIRTH_PLOT_ASSETS_DIR = dir;
      expect(findPlotAssets()).toEqual({ wasm: join(dir, RESVG_WASM), fonts: dir });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("takes a folder of fonts only (the n8n package's firth-plot/) and resvg's wasm from npm", async () => {
    const { wasm, fonts } = findPlotAssets();
    const dir = mkdtempSync(join(tmpdir(), 'firth-plot-'));
    try {
      for (const f of PLOT_FONTS) copyFileSync(join(fonts, f), join(dir, f));
      process.env.FIRTH_PLOT_ASSETS_DIR = dir;
      expect(findPlotAssets()).toEqual({ wasm, fonts: dir });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/**
 * Every chart type with long text: nothing may reach the picture's edge (clipped text always
 * would), checked on the rendered pixels — a 2-pixel frame of pure white.
 */
describe('every chart fits its text', () => {
  const charts: Record<string, string> = {
    'chart with a long title, axis labels, legend and point labels': new Chart({
      title: 'Word vectors projected with PCA onto two axes, coloured by their topic',
      xLabel: 'first principal component',
      yLabel: 'second principal component',
    })
      .points([
        { x: 0, y: 0, series: 'royalty and nobility', label: 'king' },
        { x: 1, y: 1, series: 'food and drink', label: 'hamburger sandwich' },
        { x: 1, y: -0.5, series: 'food and drink', label: 'internationalization' },
      ])
      .polyline(
        [
          { x: 0, y: -1000 },
          { x: 1, y: 1000 },
        ],
        { label: 'a very long legend entry for a line' },
      )
      .toSVG(),
    'chart with many legend entries': (() => {
      const chart = new Chart({ title: 'Activation functions' });
      for (let k = 0; k < 24; k++)
        chart.polyline(
          [
            { x: 0, y: k },
            { x: 1, y: k + 1 },
          ],
          { label: `curve number ${k}` },
        );
      return chart.toSVG();
    })(),
    'chart with a long y label and wide tick labels': new Chart({
      height: 120,
      yLabel: 'log10 of the gradient norm at time step t',
    })
      .polyline([
        { x: -123456, y: -0.000123 },
        { x: 987654, y: 123456.5 },
      ])
      .toSVG(),
    'attention heatmap of "the king and the queen"': heatmapSvg(
      [
        [0.3, 0.1, 0.1, 0.3, 0.2],
        [0.1, 0.4, 0.2, 0.1, 0.2],
        [0.2, 0.1, 0.4, 0.2, 0.1],
        [0.3, 0.1, 0.1, 0.3, 0.2],
        [0.1, 0.2, 0.1, 0.2, 0.4],
      ],
      {
        rowLabels: ['the', 'king', 'and', 'the', 'queen'],
        colLabels: ['the', 'king', 'and', 'the', 'queen'],
        title: 'softmax(QKᵀ/√d_k): each row sums to 1',
        digits: 3,
      },
    ),
    'heatmap with long words and wide values': heatmapSvg(
      [
        [-1234.5, 2],
        [3, 40000.25],
      ],
      {
        rowLabels: ['internationalization', 'a'],
        colLabels: ['internationalization', 'understanding'],
        title: 'x',
      },
    ),
    'grey heatmap (feature map) with a title wider than the grid': heatmapSvg([[1]], {
      title: 'Feature map: a 3×3 kernel, valid padding, stride 1',
      colors: 'greys',
      cell: 40,
    }),
  };

  it.each(Object.entries(charts))('%s', async (_, svg) => {
    const { pixels, width, height } = await renderSvg(svg, { scale: 1 });
    const dark: string[] = [];
    for (let y = 0; y < height; y++)
      for (let x = 0; x < width; x++) {
        const frame = x < 2 || y < 2 || x >= width - 2 || y >= height - 2;
        if (frame && grey(pixels, width, x, y) < 250) dark.push(`(${x}, ${y})`);
      }
    expect(dark.slice(0, 5), `${dark.length} pixels drawn on the frame`).toEqual([]);
  });
});
