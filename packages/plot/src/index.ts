/**
 * @firth/plot — SVG charts for lessons (decision boundaries, loss curves, attention heatmaps,
 * embedding projections), each sized to its text, and the same chart as PNG for viewers that do
 * not show SVG (n8n's binary view).
 */

// The browser entry (browser.ts): a 2-D chart (points, lines, legend); a labelled heat map
// (attention weights, confusion matrices); low-level SVG writing with escaping; how wide a label
// is in the charts' font, for sizing a chart to its text.
export * from './browser.js';
// SVG → PNG with resvg (WebAssembly) and the shipped DejaVu Sans (Node only: reads the font and wasm).
export {
  findPlotAssets,
  PLOT_FONTS,
  type PngOptions,
  pngSize,
  RESVG_WASM,
  renderSvg,
  svgToPng,
} from './png.js';
