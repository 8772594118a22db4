/**
 * A 2-D chart with linear axes: scatter points, line segments and polylines, a legend.
 * Used for decision boundaries, loss curves and embedding projections.
 *
 * const chart = new Chart({ title: 'AND gate', xDomain: [-0.5, 1.5], yDomain: [-0.5, 1.5] });
 * chart.points([{ x: 1, y: 1, series: 'class 1' }]).line({ x: -0.5, y: 1.5 }, { x: 1.5, y: -0.5 });
 * chart.toSVG() // '<svg xmlns="http://www.w3.org/2000/svg" …'
 */
import { el, svgDocument, text } from './svg.js';

export interface ChartOptions {
  title?: string;
  xLabel?: string;
  yLabel?: string;
  /** @default 480 — fits an n8n binary preview */
  width?: number;
  /** @default 360 */
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

  toSVG(): string {
    const { width, height, title, xLabel, yLabel } = this.opts;
    const m = { top: title ? 32 : 12, right: 120, bottom: 40, left: 52 };
    const { x: xd, y: yd } = this.domain();
    const sx = (x: number) => m.left + ((x - xd[0]) / (xd[1] - xd[0])) * (width - m.left - m.right);
    const sy = (y: number) =>
      height - m.bottom - ((y - yd[0]) / (yd[1] - yd[0])) * (height - m.top - m.bottom);
    const body: string[] = [];
    if (title)
      body.push(
        el('text', { x: width / 2, y: 20, 'text-anchor': 'middle', 'font-weight': 'bold' }, text(title)),
      );
    // plot area and clip path, so lines never leave the axes
    const pw = width - m.left - m.right;
    const ph = height - m.top - m.bottom;
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
    if (xLabel)
      body.push(el('text', { x: m.left + pw / 2, y: height - 6, 'text-anchor': 'middle' }, text(xLabel)));
    if (yLabel) {
      body.push(
        el(
          'text',
          {
            x: 14,
            y: m.top + ph / 2,
            'text-anchor': 'middle',
            transform: `rotate(-90 14 ${m.top + ph / 2})`,
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
      if (p.label) body.push(el('text', { x: cx + 8, y: cy - 8 }, text(p.label)));
    }
    // legend: series colours, then labelled lines
    const entries: [string, string, 'point' | 'line' | 'dashed'][] = [
      ...[...this.seriesColors]
        .filter(([s]) => s !== '')
        .map(([s, c]): [string, string, 'point'] => [s, c, 'point']),
      ...this.lines
        .filter((l) => l.label)
        .map((l): [string, string, 'line' | 'dashed'] => [l.label!, l.color, l.dashed ? 'dashed' : 'line']),
    ];
    entries.forEach(([label, color, kind], i) => {
      const y = m.top + 10 + i * 18;
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
