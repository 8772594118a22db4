/**
 * @firth/plot — dependency-free SVG charts for lessons: decision boundaries, loss curves,
 * (later) attention heatmaps and embedding projections.
 */

// Low-level SVG writing with escaping.
export { escapeXml, el, fmt, svgDocument, text, type Attributes } from './svg.js';

// A 2-D chart: points, lines, legend.
export { Chart, PALETTE, ticks, type ChartOptions, type Point } from './chart.js';
