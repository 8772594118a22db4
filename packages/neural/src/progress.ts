/**
 * Training you can watch: one event shape that every trainer in Firth emits (MLP, CNN, RNN), and
 * three things that consume it — a terminal progress bar, a collector that turns events into
 * plain rows (n8n output items), and a loss-curve SVG.
 *
 *   const bar = new ProgressBar({ label: 'char-LSTM' });
 *   await model.fit(data, { onProgress: (e) => bar.update(e) });
 *   // char-LSTM ████████████░░░░░░░░  60% epoch 3/5 step 120/200 loss 1.8734 acc 0.4410 12.3s
 */
import { checkFinite, type ProgressEvent, ValidationError } from '@firth/numeric';
import { Chart, PALETTE } from '@firth/plot';

/** One moment of training (defined in @firth/numeric, shared by every trainer). */
export type { ProgressEvent };

export type ProgressCallback = (event: ProgressEvent) => void;

/** Fraction of all training done at this event, 0..1. */
export function progressFraction(e: ProgressEvent): number {
  if (e.phase === 'end') return 1;
  const total = e.epochs * e.steps;
  return total > 0 ? Math.min(1, ((e.epoch - 1) * e.steps + e.step) / total) : 0;
}

/** Short metric names for the bar. */
const SHORT: Record<string, string> = { accuracy: 'acc', valLoss: 'val', valAccuracy: 'val_acc' };

/** `loss 1.8734 acc 0.4410` */
export function formatMetrics(e: ProgressEvent): string {
  const parts = [`loss ${e.loss.toFixed(4)}`];
  for (const [k, v] of Object.entries(e.metrics ?? {})) parts.push(`${SHORT[k] ?? k} ${v.toFixed(4)}`);
  return parts.join(' ');
}

export interface ProgressBarOptions {
  /** Text before the bar. @default '' */
  label?: string;
  /** Bar width in characters. @default 24 */
  width?: number;
  /** Where to draw. @default process.stderr (stdout stays clean for results) */
  stream?: { write(s: string): unknown; isTTY?: boolean };
  /** Redraw at most this often (ms) for `step` events; epochs and the end always draw. @default 100 */
  throttleMs?: number;
}

/**
 * A one-line terminal progress bar. On a TTY it redraws in place (`\r`); otherwise (CI logs,
 * pipes) it prints one line per epoch and at the end, so logs stay readable.
 */
export class ProgressBar {
  private readonly label: string;
  private readonly width: number;
  private readonly stream: NonNullable<ProgressBarOptions['stream']>;
  private readonly throttleMs: number;
  private lastDraw = Number.NEGATIVE_INFINITY;
  private lastLine = '';

  constructor(options: ProgressBarOptions = {}) {
    this.label = options.label ?? '';
    this.width = options.width ?? 24;
    if (!Number.isInteger(this.width) || this.width < 1)
      throw new ValidationError(`width must be a positive integer, got ${options.width}`, 'width');
    this.stream = options.stream ?? process.stderr;
    this.throttleMs = options.throttleMs ?? 100;
  }

  /** The line for an event, without control characters. */
  render(e: ProgressEvent): string {
    const f = progressFraction(e);
    const filled = Math.round(f * this.width);
    const bar = '█'.repeat(filled) + '░'.repeat(this.width - filled);
    const pct = `${Math.round(f * 100)}`.padStart(3);
    const where = `epoch ${e.epoch}/${e.epochs} step ${e.step}/${e.steps}`;
    const time = `${(e.elapsedMs / 1000).toFixed(1)}s`;
    return [this.label, bar, `${pct}%`, where, formatMetrics(e), time].filter(Boolean).join(' ');
  }

  /** Draws an event (throttled for steps). Use as the trainer's `onProgress`. */
  update = (e: ProgressEvent): void => {
    const tty = this.stream.isTTY === true;
    if (e.phase === 'step') {
      if (!tty || e.elapsedMs - this.lastDraw < this.throttleMs) return;
    }
    this.lastDraw = e.elapsedMs;
    const line = this.render(e);
    if (tty) {
      const pad = ' '.repeat(Math.max(0, this.lastLine.length - line.length));
      this.stream.write(`\r${line}${pad}${e.phase === 'end' ? '\n' : ''}`);
    } else if (e.phase !== 'end' || line !== this.lastLine) {
      this.stream.write(`${line}\n`);
    }
    this.lastLine = line;
  };
}

/**
 * Keeps the epoch-level events (and the last step) as plain JSON rows — what an n8n node returns
 * as output items and what `lossCurveSvg` draws.
 */
export class ProgressLog {
  readonly epochs: ProgressEvent[] = [];
  readonly steps: ProgressEvent[] = [];
  constructor(private readonly keepSteps = false) {}
  update = (e: ProgressEvent): void => {
    if (e.phase === 'epoch') this.epochs.push(e);
    else if (e.phase === 'step' && this.keepSteps) this.steps.push(e);
  };
  /** `[{ epoch: 1, loss: 2.1, accuracy: 0.4, elapsedMs: 812 }, …]` */
  rows(): Record<string, number>[] {
    return this.epochs.map((e) => ({ epoch: e.epoch, loss: e.loss, ...e.metrics, elapsedMs: e.elapsedMs }));
  }
}

export interface LossCurveOptions {
  title?: string;
  xLabel?: string;
  /** Plot the y axis as log10(loss). @default false */
  logY?: boolean;
  width?: number;
  height?: number;
}

/**
 * A loss curve as SVG: one polyline per named series, x = 1..n (epochs or steps).
 *
 *   lossCurveSvg({ train: model.lossCurve, validation: valLosses }, { title: 'XOR MLP' })
 *   // '<svg xmlns="http://www.w3.org/2000/svg" …>…<polyline …/>…</svg>'
 */
export function lossCurveSvg(
  series: number[] | Record<string, number[]>,
  options: LossCurveOptions = {},
): string {
  const named = Array.isArray(series) ? { loss: series } : series;
  const entries = Object.entries(named);
  if (entries.length === 0 || entries.every(([, v]) => !Array.isArray(v) || v.length === 0)) {
    throw new ValidationError('a loss curve needs at least one non-empty series of losses', 'series');
  }
  const logY = options.logY ?? false;
  for (const [name, values] of entries) {
    if (!Array.isArray(values))
      throw new ValidationError(`series "${name}" must be an array of numbers`, name);
    values.forEach((v, i) => {
      checkFinite(v, `${name}[${i}]`);
      if (logY && v <= 0)
        throw new ValidationError(`${name}[${i}] must be > 0 on a log axis, got ${v}`, name);
    });
  }
  const y = (v: number) => (logY ? Math.log10(v) : v);
  const chart = new Chart({
    title: options.title ?? 'Loss curve',
    xLabel: options.xLabel ?? 'epoch',
    yLabel: logY ? 'log10(loss)' : 'loss',
    ...(options.width !== undefined && { width: options.width }),
    ...(options.height !== undefined && { height: options.height }),
  });
  for (const [i, [name, values]] of entries.entries()) {
    if (values.length === 0) continue;
    chart.polyline(
      values.map((v, j) => ({ x: j + 1, y: y(v) })),
      { label: name, color: PALETTE[i % PALETTE.length] as string },
    );
  }
  return chart.toSVG();
}
