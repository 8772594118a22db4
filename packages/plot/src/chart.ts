/**
 * A 2-D chart with linear axes: scatter points, line segments and polylines, a legend.
 * Used for decision boundaries, loss curves and embedding projections.
 *
 * const chart = new Chart({ title: 'AND gate', xDomain: [-0.5, 1.5], yDomain: [-0.5, 1.5] });
 * chart.points([{ x: 1, y: 1, series: 'class 1' }]).line({ x: -0.5, y: 1.5 }, { x: 1.5, y: -0.5 });
 * chart.toSVG() // '<svg xmlns="http://www.w3.org/2000/svg" …'
 */
import { el, svgDocument, text } from './svg.js';
import { textWidth } from './text-width.js';

/** Font size of every label (svgDocument's default). */
const FONT = 12;
/** Height of a line of text at FONT. */
const LINE = 14;
/** Blank space kept between any text and the picture's edge. */
const EDGE = 6;
/** Vertical distance between legend entries. */
const LEGEND_ROW = 18;
/** The plot area is never narrower than this (and not lower than ¾ of it). */
const MIN_PLOT = 200;

export interface ChartOptions {
  title?: string;
  xLabel?: string;
  yLabel?: string;
  /** @default 480 — fits an n8n binary preview; grows when the title or legend needs more */
  width?: number;
  /** @default 360; grows when the legend or the y label needs more */
  height?: number;
  /** Visible x range; @default the data's range with 10% padding */
  xDomain?: [number, number];
  yDomain?: [number, number];
}

export interface Point {
  x: number;
  y: number;
  /** Legend entry and colour group. */
  series?: string;
  label?: string;
}

/** Colour-blind-safe palette (Okabe–Ito). */
export const PALETTE = [
  '#0072B2',
  '#D55E00',
  '#009E73',
  '#CC79A7',
  '#E69F00',
  '#56B4E9',
  '#F0E442',
  '#000000',
];

interface LineItem {
  points: { x: number; y: number }[];
  color: string;
  dashed: boolean;
  label?: string;
}

export class Chart {
  private readonly opts: Required<Omit<ChartOptions, 'xDomain' | 'yDomain' | 'title' | 'xLabel' | 'yLabel'>> &
    ChartOptions;
  private readonly scatter: Point[] = [];
  private readonly lines: LineItem[] = [];
  /** Point series in order of first use, with their colours (the legend's point entries). */
  private readonly seriesColors = new Map<string, string>();
  /** Every colour handed out, points and lines alike, so lines and series never share one. */
  private readonly assigned = new Map<string, string>();

  constructor(options: ChartOptions = {}) {
    const given = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
    this.opts = { width: 480, height: 360, ...given };
  }

  /** Colour of a point series, assigned in order of first use. */
  color(series: string): string {
    const c = this.colorFor(`series:${series}`);
    this.seriesColors.set(series, c);
    return c;
  }

  private colorFor(key: string): string {
    let c = this.assigned.get(key);
    if (!c) {
      c = PALETTE[this.assigned.size % PALETTE.length]!;
      this.assigned.set(key, c);
    }
    return c;
  }

  points(points: Point[]): this {
    for (const p of points) {
      if (!Number.isFinite(p.x) || !Number.isFinite(p.y))
        throw new RangeError(`point (${p.x}, ${p.y}) is not finite`);
      this.color(p.series ?? '');
      this.scatter.push(p);
    }
    return this;
  }

  /** A polyline through `points` (e.g. a loss curve, or a boundary clipped to the view). */
  polyline(
    points: { x: number; y: number }[],
    options: { label?: string; color?: string; dashed?: boolean } = {},
  ): this {
    this.lines.push({
      points,
      color: options.color ?? (options.label ? this.colorFor(`line:${options.label}`) : '#333333'),
      dashed: options.dashed ?? false,
      label: options.label,
    });
    return this;
  }

  domain(): { x: [number, number]; y: [number, number] } {
    const xs = [...this.scatter.map((p) => p.x), ...this.lines.flatMap((l) => l.points.map((p) => p.x))];
    const ys = [...this.scatter.map((p) => p.y), ...this.lines.flatMap((l) => l.points.map((p) => p.y))];
    return { x: this.opts.xDomain ?? padded(xs), y: this.opts.yDomain ?? padded(ys) };
  }

  /**
   * The layout, sized to the text: margins fit the tick labels, the axis labels and the legend;
   * the chart grows past `width` × `height` when the title, the legend or an axis label needs it.
   */
  private layout(xd: [number, number], yd: [number, number]) {
    const { title, xLabel, yLabel } = this.opts;
    const legend = this.legend();
    const yTickWidth = Math.max(0, ...ticks(yd).map((t) => textWidth(tickLabel(t), FONT)));
    const xTickLabels = ticks(xd).map((t) => textWidth(tickLabel(t), FONT));
    // left: the rotated y label, the y tick labels and 10 px for the tick marks; or half the
    // first x tick label, which is centred on the plot area's left edge
    const left = Math.ceil(
      Math.max((yLabel ? EDGE + LINE + 6 : EDGE) + yTickWidth + 10, EDGE + (xTickLabels[0] ?? 0) / 2),
    );
    // right: the legend (swatch 18 px + label), or half the last x tick label
    const legendWidth = Math.max(0, ...legend.map((e) => 12 + 18 + textWidth(e.label, FONT)));
    const right = Math.ceil(Math.max(legendWidth + EDGE, EDGE + (xTickLabels.at(-1) ?? 0) / 2, 16));
    const top = title ? 32 : 12;
    const bottom = xLabel ? 40 : 28;
    const width = Math.ceil(
      Math.max(
        this.opts.width,
        title ? textWidth(title, FONT, { bold: true }) + 2 * EDGE : 0,
        left + Math.max(MIN_PLOT, xLabel ? textWidth(xLabel, FONT) : 0) + right,
      ),
    );
    const height = Math.ceil(
      Math.max(
        this.opts.height,
        top + 10 + legend.length * LEGEND_ROW + bottom,
        top + Math.max(MIN_PLOT * 0.75, yLabel ? textWidth(yLabel, FONT) + 8 : 0) + bottom,
      ),
    );
    return { width, height, m: { top, right, bottom, left }, legend };
  }

  /** Legend entries: point series in order of first use, then labelled lines. */
  private legend(): { label: string; color: string; kind: 'point' | 'line' | 'dashed' }[] {
    return [
      ...[...this.seriesColors]
        .filter(([s]) => s !== '')
        .map(([label, color]) => ({ label, color, kind: 'point' as const })),
      ...this.lines
        .filter((l) => l.label)
        .map((l) => ({
          label: l.label!,
          color: l.color,
          kind: l.dashed ? ('dashed' as const) : ('line' as const),
        })),
    ];
  }

  toSVG(): string {
    const { title, xLabel, yLabel } = this.opts;
    const { x: xd, y: yd } = this.domain();
    const { width, height, m, legend } = this.layout(xd, yd);
    const pw = width - m.left - m.right;
    const ph = height - m.top - m.bottom;
    const sx = (x: number) => m.left + ((x - xd[0]) / (xd[1] - xd[0])) * pw;
    const sy = (y: number) => height - m.bottom - ((y - yd[0]) / (yd[1] - yd[0])) * ph;
    const body: string[] = [];
    if (title)
      body.push(
        el('text', { x: width / 2, y: 20, 'text-anchor': 'middle', 'font-weight': 'bold' }, text(title)),
      );
    // plot area and clip path, so lines never leave the axes
    body.push(
      el('clipPath', { id: 'plot-area' }, el('rect', { x: m.left, y: m.top, width: pw, height: ph })),
    );
    body.push(el('rect', { x: m.left, y: m.top, width: pw, height: ph, fill: 'none', stroke: '#999999' }));
    for (const t of ticks(xd)) {
      body.push(
        el('line', {
          x1: sx(t),
          x2: sx(t),
          y1: height - m.bottom,
          y2: height - m.bottom + 4,
          stroke: '#999999',
        }),
      );
      body.push(
        el('text', { x: sx(t), y: height - m.bottom + 16, 'text-anchor': 'middle' }, text(tickLabel(t))),
      );
    }
    for (const t of ticks(yd)) {
      body.push(el('line', { x1: m.left - 4, x2: m.left, y1: sy(t), y2: sy(t), stroke: '#999999' }));
      body.push(el('text', { x: m.left - 6, y: sy(t) + 4, 'text-anchor': 'end' }, text(tickLabel(t))));
    }
    if (xLabel) {
      // centred under the plot area, moved in when that would push it past an edge
      const half = textWidth(xLabel, FONT) / 2;
      const x = Math.min(Math.max(m.left + pw / 2, EDGE + half), width - EDGE - half);
      body.push(el('text', { x, y: height - 8, 'text-anchor': 'middle' }, text(xLabel)));
    }
    if (yLabel) {
      const x = EDGE + LINE - 4; // the baseline of the rotated label; its glyphs rise to the left
      body.push(
        el(
          'text',
          {
            x,
            y: m.top + ph / 2,
            'text-anchor': 'middle',
            transform: `rotate(-90 ${x} ${m.top + ph / 2})`,
          },
          text(yLabel),
        ),
      );
    }
    for (const l of this.lines) {
      body.push(
        el('polyline', {
          points: l.points.map((p) => `${round(sx(p.x))},${round(sy(p.y))}`).join(' '),
          fill: 'none',
          stroke: l.color,
          'stroke-width': 2,
          'stroke-dasharray': l.dashed ? '6 4' : undefined,
          'clip-path': 'url(#plot-area)',
          class: 'line',
        }),
      );
    }
    for (const p of this.scatter) {
      const cx = sx(p.x);
      const cy = sy(p.y);
      body.push(
        el('circle', {
          cx,
          cy,
          r: 6,
          fill: this.color(p.series ?? ''),
          stroke: 'white',
          class: 'point',
          'data-series': p.series,
        }),
      );
      if (p.label) {
        // above right of the point; left of it when that would leave the plot area, below it
        // when that would run into the title
        const toLeft = cx + 8 + textWidth(p.label, FONT) > m.left + pw;
        const below = cy - 8 - LINE < m.top;
        body.push(
          el(
            'text',
            {
              x: toLeft ? cx - 8 : cx + 8,
              y: below ? cy + 8 + LINE : cy - 8,
              'text-anchor': toLeft ? 'end' : undefined,
            },
            text(p.label),
          ),
        );
      }
    }
    legend.forEach(({ label, color, kind }, i) => {
      const y = m.top + 10 + i * LEGEND_ROW;
      const x = width - m.right + 12;
      body.push(
        kind === 'point'
          ? el('circle', { cx: x + 6, cy: y - 4, r: 5, fill: color })
          : el('line', {
              x1: x,
              x2: x + 14,
              y1: y - 4,
              y2: y - 4,
              stroke: color,
              'stroke-width': 2,
              'stroke-dasharray': kind === 'dashed' ? '4 3' : undefined,
            }),
      );
      body.push(el('text', { x: x + 18, y }, text(label)));
    });
    return svgDocument(width, height, body, title);
  }
}

function padded(values: number[]): [number, number] {
  if (values.length === 0) return [0, 1];
  let lo = Math.min(...values);
  let hi = Math.max(...values);
  if (lo === hi) {
    lo -= 1;
    hi += 1;
  }
  const pad = (hi - lo) * 0.1;
  return [lo - pad, hi + pad];
}

/** About five "nice" ticks (1, 2, 5 × 10^k steps) inside the domain. */
export function ticks([lo, hi]: [number, number], count = 5): number[] {
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const stepSize = [1, 2, 5, 10].map((f) => f * mag).find((s) => raw <= s) ?? 10 * mag;
  const out: number[] = [];
  // k·step rounded to 12 significant digits, so 3 × 0.2 is 0.6, not 0.6000000000000001
  for (let k = Math.ceil(lo / stepSize - 1e-9); k * stepSize <= hi + stepSize * 1e-9; k++) {
    out.push(Number((k * stepSize).toPrecision(12)));
  }
  return out;
}

function tickLabel(t: number): string {
  return String(Number(t.toPrecision(6)));
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
