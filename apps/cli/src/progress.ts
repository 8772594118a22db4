/**
 * The progress bar every training command draws on stderr, fed by Firth's ProgressEvents —
 * percent, throughput, loss and ETA, what gensim's log lines say
 * ("EPOCH 1 - PROGRESS: at 42.00% examples, 512300 words/s").
 *
 *   on a terminal:   word2vec  42% [########............]  512,300 words/s  loss 2.3456  epoch 1/5  ETA 0:12
 *                    (one line redrawn with \r; colour unless NO_COLOR is set)
 *   piped or logged: word2vec: 42% epoch 1/5, 512300 words/s, loss 2.3456, ETA 0:12
 *                    (a plain line at most every `intervalMs`, and at each 10 % step; no escape codes)
 */

export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

export interface ProgressOptions {
  /** What is training: 'word2vec', 'gpt'. */
  label: string;
  /** @default process.stderr */
  stream?: ProgressStream;
  /** Redraw one line with \r. @default stream.isTTY */
  tty?: boolean;
  /** ANSI colours (only on a TTY). @default tty && NO_COLOR unset && TERM ≠ dumb */
  color?: boolean;
  /** Plain mode: the shortest time between two lines. @default 3000 */
  intervalMs?: number;
  /** Clock in ms. @default performance.now */
  now?: () => number;
}

export interface ProgressUpdate {
  /** Done so far, 0…1. */
  fraction: number;
  /** Throughput, in `unit` per second. */
  rate?: number;
  /** @default 'words/s' */
  unit?: string;
  loss?: number;
  /** e.g. 'epoch 1/5', 'step 30/1900'. */
  detail?: string;
}

/** 75 → '1:15', 3725 → '1:02:05'. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** Colours on a terminal that has not asked for none (https://no-color.org). */
export function colorWanted(stream: ProgressStream, env: NodeJS.ProcessEnv = process.env): boolean {
  return stream.isTTY === true && env.NO_COLOR === undefined && env.TERM !== 'dumb';
}

const WIDTH = 20;

export class ProgressBar {
  private readonly label: string;
  private readonly stream: ProgressStream;
  private readonly tty: boolean;
  private readonly color: boolean;
  private readonly intervalMs: number;
  private readonly now: () => number;
  private readonly t0: number;
  private lastDraw = Number.NEGATIVE_INFINITY;
  private lastDecile = -1;
  private drawn = false;
  private last: ProgressUpdate | null = null;

  constructor(options: ProgressOptions) {
    this.label = options.label;
    this.stream = options.stream ?? process.stderr;
    this.tty = options.tty ?? this.stream.isTTY === true;
    this.color = this.tty && (options.color ?? colorWanted(this.stream));
    this.intervalMs = options.intervalMs ?? 3000;
    this.now = options.now ?? (() => performance.now());
    this.t0 = this.now();
  }

  /** Seconds since the bar was made. */
  elapsed(): number {
    return (this.now() - this.t0) / 1000;
  }

  /** The remaining time, from the elapsed time and the fraction done. */
  eta(fraction: number): number {
    return fraction > 0 ? (this.elapsed() * (1 - fraction)) / fraction : Number.NaN;
  }

  update(u: ProgressUpdate): void {
    const fraction = Math.min(1, Math.max(0, u.fraction));
    this.last = { ...u, fraction };
    const t = this.now();
    if (this.tty) {
      if (t - this.lastDraw < 100 && fraction < 1) return; // at most 10 redraws a second
      this.lastDraw = t;
      this.stream.write(`\r${this.line(this.last, true)}\x1b[K`);
      this.drawn = true;
      return;
    }
    const decile = Math.floor(fraction * 10);
    if (t - this.lastDraw < this.intervalMs && decile === this.lastDecile) return;
    this.lastDraw = t;
    this.lastDecile = decile;
    this.stream.write(`${this.line(this.last, false)}\n`);
  }

  /** A line that stays (an evaluation, a note), printed above the bar. */
  log(text: string): void {
    if (this.tty && this.drawn) this.stream.write('\r\x1b[K');
    this.stream.write(`${text}\n`);
    if (this.tty && this.drawn && this.last) this.stream.write(`${this.line(this.last, true)}\x1b[K`);
  }

  /** Ends the bar: on a terminal the bar line is replaced by `text` (or kept at its last state). */
  done(text?: string): void {
    if (this.tty && this.drawn) this.stream.write(text === undefined ? '\n' : '\r\x1b[K');
    this.drawn = false;
    if (text !== undefined) this.stream.write(`${text}\n`);
  }

  private line(u: ProgressUpdate, tty: boolean): string {
    const pct = `${(u.fraction * 100).toFixed(0).padStart(3)}%`;
    const unit = u.unit ?? 'words/s';
    const rate =
      u.rate === undefined
        ? undefined
        : `${tty ? Math.round(u.rate).toLocaleString('en-US') : Math.round(u.rate)} ${unit}`;
    const loss = u.loss === undefined || Number.isNaN(u.loss) ? undefined : `loss ${u.loss.toFixed(4)}`;
    const eta = `ETA ${u.fraction >= 1 ? '0:00' : formatDuration(this.eta(u.fraction))}`;
    if (!tty)
      return `${this.label}: ${[`${pct.trim()} ${u.detail ?? ''}`.trim(), rate, loss, eta].filter(Boolean).join(', ')}`;
    const filled = Math.round(u.fraction * WIDTH);
    const paint = (code: string, s: string) => (this.color ? `\x1b[${code}m${s}\x1b[0m` : s);
    const bar = `[${paint('32', '#'.repeat(filled))}${'.'.repeat(WIDTH - filled)}]`;
    return [paint('1', this.label), pct, bar, rate, loss && paint('33', loss), u.detail, paint('2', eta)]
      .filter(Boolean)
      .join('  ');
  }
}
