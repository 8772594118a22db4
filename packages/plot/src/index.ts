/**
 * @firth/plot — dependency-free SVG charts for lessons: decision boundaries, loss curves,
 * attention heatmaps, (later) embedding projections.
 */

// A 2-D chart: points, lines, legend.
export { Chart, type ChartOptions, PALETTE, type Point, ticks } from './chart.js';
// A labelled heat map (attention weights, confusion matrices).
export { type HeatmapOptions, heatmapSvg } from './heatmap.js';
// Low-level SVG writing with escaping.
export { type Attributes, el, escapeXml, fmt, svgDocument, text } from './svg.js';
