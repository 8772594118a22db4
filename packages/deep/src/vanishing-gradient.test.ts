import { describe, expect, it } from 'vitest';
import { chooseEngine } from './backend.js';
import {
  gradientNormsByTimeStep,
  vanishingGradientSvg,
  vanishingGradientTable,
} from './vanishing-gradient.js';

describe('vanishing gradient (course: "the influence of early inputs fades over time")', () => {
  it('T = 50, H = 32: the RNN gradient falls by ~1e12, the LSTM one by ~1e4–1e5 (measured, seed 0)', async () => {
    const rows = await vanishingGradientTable({ timeSteps: 50, hiddenSize: 32, seed: 0 });
    expect(rows).toHaveLength(50);
    const first = rows[0]!;
    const last = rows[49]!;
    // ∂L/∂h_T = 1 for L = Σ h_T: its norm is √H for both cells
    expect(last.rnn).toBeCloseTo(Math.sqrt(32), 4);
    expect(last.lstm).toBeCloseTo(Math.sqrt(32), 4);
    // measured: rnn 9.2e-12 / 5.66 ≈ 1.6e-12; lstm 3.0e-4 / 5.66 ≈ 5.3e-5
    const rnnRatio = first.rnn / last.rnn;
    const lstmRatio = first.lstm / last.lstm;
    expect(rnnRatio).toBeLessThan(1e-2); // "orders of magnitude": far more than 100×
    expect(rnnRatio).toBeLessThan(1e-9);
    expect(lstmRatio).toBeGreaterThan(1e-6);
    // the LSTM keeps ~3e7× more gradient at the first step
    expect(lstmRatio / rnnRatio).toBeGreaterThan(1e5);
    // the RNN decays monotonically going back in time
    for (let t = 1; t < 50; t++) expect(rows[t - 1]!.rnn).toBeLessThan(rows[t]!.rnn);
    const svg = vanishingGradientSvg(rows);
    expect(svg).toMatch(/^<svg/);
    expect(svg).toContain('LSTM');
    expect(svg).toContain('vanilla RNN');
  });

  it('runs on the engine chooseEngine picks, and both engines give the same norms', async () => {
    // 'firth' here (no tfjs-node); FIRTH_DEEP_ENGINE may force either
    const picked = chooseEngine();
    for (const cell of ['rnn', 'lstm', 'gru'] as const) {
      const auto = await gradientNormsByTimeStep({ cell, timeSteps: 30, seed: 4 });
      const firth = await gradientNormsByTimeStep({ cell, timeSteps: 30, seed: 4, engine: 'firth' });
      const tfjs = await gradientNormsByTimeStep({ cell, timeSteps: 30, seed: 4, engine: 'tfjs' });
      expect(auto).toEqual(picked === 'firth' ? firth : tfjs);
      // float32 on both, summed in different orders: equal to ~1e-5 relative, at every step
      for (let t = 0; t < 30; t++)
        expect(Math.abs(firth[t]! / tfjs[t]! - 1), `${cell} t=${t}`).toBeLessThan(1e-4);
    }
  });

  it('holds across seeds, and is reproducible for a seed', async () => {
    for (const seed of [1, 2]) {
      const rnn = await gradientNormsByTimeStep({ cell: 'rnn', seed });
      const lstm = await gradientNormsByTimeStep({ cell: 'lstm', seed });
      expect(rnn[0]! / rnn[49]!).toBeLessThan(1e-9);
      expect(lstm[0]! / lstm[49]!).toBeGreaterThan(1e-7);
    }
    const a = await gradientNormsByTimeStep({ cell: 'gru', timeSteps: 10, seed: 3 });
    const b = await gradientNormsByTimeStep({ cell: 'gru', timeSteps: 10, seed: 3 });
    expect(a).toEqual(b);
  });

  it('rejects bad options', async () => {
    await expect(gradientNormsByTimeStep({ timeSteps: 0 })).rejects.toThrow(
      /timeSteps must be a positive integer, got 0/,
    );
    await expect(gradientNormsByTimeStep({ cell: 'transformer' as never })).rejects.toThrow(
      /unknown cell type "transformer"/,
    );
    await expect(gradientNormsByTimeStep({ engine: 'torch' as never })).rejects.toThrow(
      /engine must be one of firth, tfjs or auto/,
    );
    expect(() => vanishingGradientSvg([{ timeStep: 1, rnn: 0, lstm: 1 }])).toThrow(/rows\[0\]\.rnn/);
  });
});
