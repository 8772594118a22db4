/**
 * What every Firth node that draws a chart attaches: binary `plot`, a PNG (n8n's binary view shows
 * it inline; it only offers "Download" for SVG), first; `plotSvg`, the same chart as SVG, second.
 */
import { pngSize } from '@firth/plot';
import { expect } from 'vitest';

interface Binary {
  data: string;
  mimeType: string;
  fileName?: string;
}

/**
 * Checks `binary` (an item's binary data, as the fake context's prepareBinaryData leaves it) and
 * returns the SVG text: PNG first with the SVG's size × 2 in its IHDR, SVG second, `name`.png/.svg.
 */
export function expectPlotBinaries(binary: Record<string, Binary> | undefined, name: string): string {
  expect(Object.keys(binary ?? {})).toEqual(['plot', 'plotSvg']);
  const { plot, plotSvg } = binary as { plot: Binary; plotSvg: Binary };
  expect(plot.mimeType).toBe('image/png');
  expect(plot.fileName).toBe(`${name}.png`);
  expect(plotSvg.mimeType).toBe('image/svg+xml');
  expect(plotSvg.fileName).toBe(`${name}.svg`);
  const svg = Buffer.from(plotSvg.data, 'base64').toString('utf8');
  expect(svg).toMatch(/^<svg[\s>]/);
  const [, width, height] = svg.match(/^<svg[^>]* width="([\d.]+)" height="([\d.]+)"/) ?? [];
  expect(pngSize(Buffer.from(plot.data, 'base64'))).toEqual({
    width: 2 * Number(width),
    height: 2 * Number(height),
  });
  return svg;
}
