/**
 * A labelled heat map: a matrix as coloured cells with row and column labels — attention weights
 * (rows = queries, columns = keys), confusion matrices, co-occurrence counts, convolution feature
 * maps.
 *
 *   heatmapSvg([[0.7, 0.3], [0.4, 0.6]], { rowLabels: ['YOUR', 'CAT'], colLabels: ['YOUR', 'CAT'] })
 *   // '<svg …><rect …/><text …>0.70</text>…</svg>'
 *
 * Colour: white at the smallest value (or `min`), deep blue (or black, `colors: 'greys'`) at the
 * largest (or `max`), linear. The picture is sized to its text: the title, the widest row label,
 * the column labels (cells widen for short ones, long ones stand upright) and the printed values
 * all fit.
 */
import { el, svgDocument, text } from './svg.js';
import { textWidth } from './text-width.js';

export interface HeatmapOptions {
  title?: string;
  rowLabels?: string[];
  colLabels?: string[];
  /** Side of one cell in pixels; cells grow to fit the printed values and short column labels. @default 44 */
  cell?: number;
  /** Print each value in its cell (with `digits` decimals). @default true up to 16 × 16 */
  showValues?: boolean;
  /** @default 2 */
  digits?: number;
  /** How a printed value reads. @default v.toFixed(digits) */
  format?: (value: number) => string;
  /** `blues`: white → deep blue (attention); `greys`: white → black (images). @default 'blues' */
  colors?: 'blues' | 'greys';
  /** Colour scale bounds. @default the matrix's min and max */
  min?: number;
  max?: number;
}

/** Size of the labels and values. */
const FONT = 11;
/** Size of the (bold) title. */
const TITLE_FONT = 12;
/** Blank space between the picture's edge and anything drawn. */
const EDGE = 4;

/** The colour scales, from the smallest value's colour to the largest's. */
const SCALES = {
  blues: [
    [255, 255, 255],
    [8, 48, 107],
  ],
  greys: [
    [255, 255, 255],
    [0, 0, 0],
  ],
} as const;

export function heatmapSvg(matrix: number[][], options: HeatmapOptions = {}): string {
  const rows = matrix.length;
  const cols = rows > 0 ? matrix[0]!.length : 0;
  if (rows === 0 || cols === 0 || matrix.some((r) => !Array.isArray(r) || r.length !== cols))
    throw new RangeError('heatmapSvg needs a non-empty rectangular matrix');
  const values = matrix.flat();
  if (values.some((v) => !Number.isFinite(v)))
    throw new RangeError('heatmapSvg: the matrix holds a non-finite value');
  const digits = options.digits ?? 2;
  const format = options.format ?? ((v: number) => v.toFixed(digits));
  const showValues = options.showValues ?? (rows <= 16 && cols <= 16);
  const [from, to] = SCALES[options.colors ?? 'blues'];
  const lo = options.min ?? Math.min(...values);
  const hi = options.max ?? Math.max(...values);
  const labels = matrix.map((row) => row.map(format));
  // cells wide enough for the widest printed value
  const widestValue = showValues ? Math.max(...labels.flat().map((l) => textWidth(l, FONT))) : 0;
  // column labels sit above their cells: cells widen up to half again for a short word
  // ("LOVELY"), a longer label stands upright instead
  const colLabelWidth = Math.max(0, ...(options.colLabels ?? []).map((l) => textWidth(l, FONT)));
  const base = Math.max(options.cell ?? 44, widestValue + 8);
  const upright = colLabelWidth + 6 > 1.5 * base;
  const cell = Math.ceil(upright ? base : Math.max(base, colLabelWidth + 6));
  const rowLabelWidth = options.rowLabels
    ? Math.ceil(6 + Math.max(0, ...options.rowLabels.map((l) => textWidth(l, FONT))))
    : 0;
  const left = EDGE + rowLabelWidth;
  const colBand = options.colLabels ? (upright ? Math.ceil(colLabelWidth) + 10 : 20) : 0;
  const titleBand = options.title ? 24 : 0;
  const top = EDGE + titleBand + colBand;
  const titleWidth = options.title ? textWidth(options.title, TITLE_FONT, { bold: true }) : 0;
  const width = Math.ceil(Math.max(left + cols * cell, titleWidth) + EDGE);
  const height = top + rows * cell + EDGE;

  const body: string[] = [];
  if (options.title)
    body.push(el('text', { x: EDGE, y: EDGE + 16, 'font-weight': 'bold' }, text(options.title)));
  for (const [j, label] of (options.colLabels ?? []).entries()) {
    const cx = left + j * cell + cell / 2;
    body.push(
      upright
        ? // rotated a quarter turn: reads bottom to top, its baseline a little right of the centre
          el(
            'text',
            { x: cx + 4, y: top - 6, 'font-size': FONT, transform: `rotate(-90 ${cx + 4} ${top - 6})` },
            text(label),
          )
        : el('text', { x: cx, y: top - 6, 'text-anchor': 'middle', 'font-size': FONT }, text(label)),
    );
  }
  for (const [i, row] of matrix.entries()) {
    const y = top + i * cell;
    if (options.rowLabels?.[i] !== undefined)
      body.push(
        el(
          'text',
          { x: left - 6, y: y + cell / 2 + 4, 'text-anchor': 'end', 'font-size': FONT },
          text(options.rowLabels[i]!),
        ),
      );
    for (const [j, v] of row.entries()) {
      const t = hi > lo ? Math.min(1, Math.max(0, (v - lo) / (hi - lo))) : 0.5;
      // linear from the scale's first colour to its last
      const c = (k: 0 | 1 | 2) => Math.round(from[k] + (to[k] - from[k]) * t);
      const x = left + j * cell;
      body.push(
        el('rect', { x, y, width: cell, height: cell, fill: `rgb(${c(0)},${c(1)},${c(2)})`, stroke: '#ccc' }),
      );
      if (showValues)
        body.push(
          el(
            'text',
            {
              x: x + cell / 2,
              y: y + cell / 2 + 4,
              'text-anchor': 'middle',
              'font-size': FONT,
              fill: t > 0.55 ? 'white' : 'black',
            },
            text(labels[i]![j]!),
          ),
        );
    }
  }
  return svgDocument(width, height, body, options.title);
}
