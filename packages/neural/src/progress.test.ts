import { describe, expect, it } from 'vitest';
import { MLPClassifier } from './mlp.js';
import { lossCurveSvg, ProgressBar, type ProgressEvent, ProgressLog, progressFraction } from './progress.js';

const XOR = [
  [0, 0],
  [0, 1],
  [1, 0],
  [1, 1],
];

describe('progress events from the MLP', () => {
  it('reports every step and epoch; the epoch losses are the loss curve', () => {
    const events: ProgressEvent[] = [];
    const mlp = new MLPClassifier({
      hiddenLayerSizes: [4],
      activation: 'tanh',
      maxIter: 30,
      randomState: 0,
      batchSize: 2,
    });
    mlp.fit(XOR, [0, 1, 1, 0], { onProgress: (e) => events.push(e) });
    const epochs = events.filter((e) => e.phase === 'epoch');
    expect(epochs.map((e) => e.loss)).toEqual(mlp.lossCurve);
    expect(events.filter((e) => e.phase === 'step')).toHaveLength(2 * mlp.nIter);
    const end = events.at(-1)!;
    expect(end.phase).toBe('end');
    expect(end.loss).toBe(mlp.loss);
    expect(progressFraction(end)).toBe(1);
    expect(events.every((e, i) => i === 0 || e.elapsedMs >= events[i - 1]!.elapsedMs)).toBe(true);
  });
});

describe('ProgressBar', () => {
  const ev = (epoch: number, step: number, phase: ProgressEvent['phase'] = 'step'): ProgressEvent => ({
    phase,
    epoch,
    epochs: 2,
    step,
    steps: 4,
    loss: 0.5,
    metrics: { accuracy: 0.75 },
    elapsedMs: epoch * 1000 + step * 200,
  });
  it('renders fraction, position and metrics', () => {
    const bar = new ProgressBar({ label: 'mlp', width: 10, stream: { write: () => 0 } });
    expect(bar.render(ev(2, 1))).toBe('mlp ██████░░░░  63% epoch 2/2 step 1/4 loss 0.5000 acc 0.7500 2.2s');
  });
  it('redraws in place on a TTY and prints one line per epoch elsewhere', () => {
    const tty: string[] = [];
    const bar = new ProgressBar({
      width: 4,
      throttleMs: 0,
      stream: { write: (s) => tty.push(s), isTTY: true },
    });
    for (let s = 1; s <= 4; s++) bar.update(ev(1, s));
    bar.update(ev(1, 4, 'epoch'));
    bar.update(ev(2, 4, 'end'));
    expect(tty.every((s) => s.startsWith('\r'))).toBe(true);
    expect(tty.at(-1)!.endsWith('\n')).toBe(true);
    const log: string[] = [];
    const plain = new ProgressBar({ width: 4, stream: { write: (s) => log.push(s) } });
    for (let s = 1; s <= 4; s++) plain.update(ev(1, s));
    plain.update(ev(1, 4, 'epoch'));
    plain.update(ev(2, 4, 'end'));
    expect(log).toHaveLength(2);
    expect(log[0]).toContain('epoch 1/2 step 4/4');
  });
  it('rejects a width that is not a positive integer', () => {
    expect(() => new ProgressBar({ width: 0 })).toThrow(/width must be a positive integer, got 0/);
  });
});

describe('ProgressLog and lossCurveSvg', () => {
  it('keeps epoch rows and draws one polyline per series', () => {
    const log = new ProgressLog();
    const mlp = new MLPClassifier({ hiddenLayerSizes: [3], maxIter: 5, randomState: 1 });
    mlp.fit(XOR, [0, 1, 1, 0], { onProgress: log.update });
    expect(log.rows().map((r) => r.loss)).toEqual(mlp.lossCurve);
    const svg = lossCurveSvg(
      { train: mlp.lossCurve, other: mlp.lossCurve.map((l) => l / 2) },
      { logY: true },
    );
    expect(svg.match(/<polyline/g)).toHaveLength(2);
    expect(svg).toContain('log10(loss)');
  });
  it('names a bad value', () => {
    expect(() => lossCurveSvg([1, Number.NaN])).toThrow(/loss\[1\]/);
    expect(() => lossCurveSvg([1, 0], { logY: true })).toThrow(/loss\[1\] must be > 0 on a log axis/);
    expect(() => lossCurveSvg({})).toThrow(/at least one non-empty series/);
  });
});
