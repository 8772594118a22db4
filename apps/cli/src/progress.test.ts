import { describe, expect, it } from 'vitest';
import { colorWanted, formatDuration, ProgressBar } from './progress.js';

/** A stream that records what is written, and a clock the test moves. */
function fake(isTTY: boolean) {
  const out: string[] = [];
  let t = 0;
  return {
    stream: { isTTY, write: (s: string) => out.push(s) },
    out,
    advance: (ms: number) => {
      t += ms;
    },
    now: () => t,
  };
}

describe('ProgressBar', () => {
  it('on a terminal redraws one line with \\r: percent, bar, rate, loss, detail, ETA', () => {
    const f = fake(true);
    const bar = new ProgressBar({ label: 'word2vec', stream: f.stream, color: false, now: f.now });
    f.advance(10_000);
    bar.update({ fraction: 0.25, rate: 512300, loss: 2.34567, detail: 'epoch 1/5' });
    expect(f.out).toEqual([
      '\rword2vec   25%  [#####...............]  512,300 words/s  loss 2.3457  epoch 1/5  ETA 0:30\x1b[K',
    ]);
    f.advance(50); // within 100 ms: no redraw
    bar.update({ fraction: 0.26 });
    expect(f.out).toHaveLength(1);
    bar.log('epoch 1 done'); // clears the bar, prints the line, redraws the bar
    expect(f.out.slice(1, 3)).toEqual(['\r\x1b[K', 'epoch 1 done\n']);
    bar.done('finished');
    expect(f.out.at(-1)).toBe('finished\n');
  });

  it('colours only when asked and never in plain mode', () => {
    const f = fake(true);
    new ProgressBar({ label: 'gpt', stream: f.stream, color: true, now: f.now }).update({
      fraction: 0.5,
      loss: 1,
    });
    expect(f.out[0]).toContain('\x1b[32m');
    expect(colorWanted({ isTTY: true, write: () => {} }, { NO_COLOR: '1' })).toBe(false);
    expect(colorWanted({ isTTY: true, write: () => {} }, {})).toBe(true);
    expect(colorWanted({ isTTY: false, write: () => {} }, {})).toBe(false);
    const p = fake(false);
    new ProgressBar({ label: 'gpt', stream: p.stream, color: true, now: p.now }).update({
      fraction: 0.5,
      loss: 1,
    });
    expect(p.out.join('')).not.toContain('\x1b');
  });

  it('piped, prints a plain line at each 10 % step or after intervalMs, not at every update', () => {
    const f = fake(false);
    const bar = new ProgressBar({ label: 'glove', stream: f.stream, intervalMs: 3000, now: f.now });
    for (let i = 1; i <= 100; i++) {
      f.advance(10); // 1 s in all: the interval never passes, only the 10 % steps print
      bar.update({ fraction: i / 100, rate: 1000, unit: 'entries/s', loss: 0.5, detail: 'epoch 1/1' });
    }
    expect(f.out).toHaveLength(11); // 1 %, then 10 %, 20 %, … 100 %
    expect(f.out[1]).toBe('glove: 10% epoch 1/1, 1000 entries/s, loss 0.5000, ETA 0:01\n');
    expect(f.out.at(-1)).toBe('glove: 100% epoch 1/1, 1000 entries/s, loss 0.5000, ETA 0:00\n');
    f.advance(3000);
    bar.update({ fraction: 1 });
    expect(f.out).toHaveLength(12); // the interval passed
  });

  it('formats durations as m:ss and h:mm:ss', () => {
    expect(formatDuration(75)).toBe('1:15');
    expect(formatDuration(3725)).toBe('1:02:05');
    expect(formatDuration(Number.NaN)).toBe('?');
  });
});
