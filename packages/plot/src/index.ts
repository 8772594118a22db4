/**
 * @firth/plot — SVG charts for lessons (decision boundaries, loss curves, attention heatmaps,
 * embedding projections), each sized to its text, and the same chart as PNG for viewers that do
 * not show SVG (n8n's binary view).
 */

// A 2-D chart: points, lines, legend.
export { Chart, type ChartOptions, PALETTE, type Point, ticks } from './chart.js';
// A labelled heat map (attention weights, confusion matrices).
export { type HeatmapOptions, heatmapSvg } from './heatmap.js';
// SVG → PNG with resvg (WebAssembly) and the shipped DejaVu Sans.
export {
  findPlotAssets,
  PLOT_FONTS,
  type PngOptions,
  pngSize,
  RESVG_WASM,
  renderSvg,
  svgToPng,
} from './png.js';
// Low-level SVG writing with escaping.
export { type Attributes, el, escapeXml, fmt, svgDocument, text } from './svg.js';
// How wide a label is in the charts' font, for sizing a chart to its text.
export { textWidth } from './text-width.js';
