/**
 * A labelled heat map: a matrix as coloured cells with row and column labels — attention weights
 * (rows = queries, columns = keys), confusion matrices, co-occurrence counts.
 *
 *   heatmapSvg([[0.7, 0.3], [0.4, 0.6]], { rowLabels: ['YOUR', 'CAT'], colLabels: ['YOUR', 'CAT'] })
 *   // '<svg …><rect …/><text …>0.70</text>…</svg>'
 *
 * Colour: white at the smallest value (or `min`), deep blue at the largest (or `max`), linear.
 */
import { el, svgDocument, text } from './svg.js';

export interface HeatmapOptions {
  title?: string;
  rowLabels?: string[];
  colLabels?: string[];
  /** Side of one cell in pixels. @default 44 */
  cell?: number;
  /** Print each value in its cell (with `digits` decimals). @default true up to 16 × 16 */
  showValues?: boolean;
  /** @default 2 */
  digits?: number;
  /** Colour scale bounds. @default the matrix's min and max */
  min?: number;
  max?: number;
}

export function heatmapSvg(matrix: number[][], options: HeatmapOptions = {}): string {
  const rows = matrix.length;
  const cols = rows > 0 ? matrix[0]!.length : 0;
  if (rows === 0 || cols === 0 || matrix.some((r) => r.length !== cols))
    throw new RangeError('heatmapSvg needs a non-empty rectangular matrix');
  const values = matrix.flat();
  if (values.some((v) => !Number.isFinite(v)))
    throw new RangeError('heatmapSvg: the matrix holds a non-finite value');
  const cell = options.cell ?? 44;
  const digits = options.digits ?? 2;
  const showValues = options.showValues ?? (rows <= 16 && cols <= 16);
  const lo = options.min ?? Math.min(...values);
  const hi = options.max ?? Math.max(...values);
  const labelWidth = options.rowLabels ? 8 + 7 * Math.max(...options.rowLabels.map((l) => l.length)) : 0;
  const top = (options.title ? 24 : 0) + (options.colLabels ? 20 : 0);
  const body: string[] = [];
  if (options.title) body.push(el('text', { x: 4, y: 16, 'font-weight': 'bold' }, text(options.title)));
  for (const [j, label] of (options.colLabels ?? []).entries())
    body.push(
      el(
        'text',
        { x: labelWidth + j * cell + cell / 2, y: top - 6, 'text-anchor': 'middle', 'font-size': 11 },
        text(label),
      ),
    );
  for (const [i, row] of matrix.entries()) {
    const y = top + i * cell;
    if (options.rowLabels?.[i] !== undefined)
      body.push(
        el(
          'text',
          { x: labelWidth - 6, y: y + cell / 2 + 4, 'text-anchor': 'end', 'font-size': 11 },
          text(options.rowLabels[i]!),
        ),
      );
    for (const [j, v] of row.entries()) {
      const t = hi > lo ? Math.min(1, Math.max(0, (v - lo) / (hi - lo))) : 0.5;
      // white (255,255,255) → deep blue (8,48,107)
      const c = (a: number, b: number) => Math.round(a + (b - a) * t);
      const x = labelWidth + j * cell;
      body.push(
        el('rect', {
          x,
          y,
          width: cell,
          height: cell,
          fill: `rgb(${c(255, 8)},${c(255, 48)},${c(255, 107)})`,
          stroke: '#ccc',
        }),
      );
      if (showValues)
        body.push(
          el(
            'text',
            {
              x: x + cell / 2,
              y: y + cell / 2 + 4,
              'text-anchor': 'middle',
              'font-size': 11,
              fill: t > 0.55 ? 'white' : 'black',
            },
            text(v.toFixed(digits)),
          ),
        );
    }
  }
  return svgDocument(labelWidth + cols * cell, top + rows * cell, body, options.title);
}
