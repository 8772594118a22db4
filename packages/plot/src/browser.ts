/**
 * @firth/plot for a browser: the SVG charts (Chart, heatmapSvg, the SVG writer, textWidth). PNG
 * rendering (png.ts: resvg's wasm and the shipped font, found on disk) is Node only; a browser
 * shows the SVG itself. `@firth/plot` resolves here under the `browser` condition.
 */

export { Chart, type ChartOptions, PALETTE, type Point, ticks } from './chart.js';
export { type HeatmapOptions, heatmapSvg } from './heatmap.js';
export { type Attributes, el, escapeXml, fmt, svgDocument, text } from './svg.js';
export { textWidth } from './text-width.js';
