import { copyFileSync, mkdtempSync, readdirSync, rmSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dataPath, loadTinyShakespeare } from '@firth/datasets';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadMl5CharLSTM, type Ml5CharLSTM } from './ml5-char-lstm.js';

describe('ml5 char-LSTM (pretrained Shakespeare, TF1 BasicLSTMCell 2×128)', () => {
  let model: Ml5CharLSTM;
  beforeAll(async () => {
    model = await loadMl5CharLSTM();
  });

  it('loads 65 characters, with the damaged vocab keys repaired to U and u', () => {
    expect(model.vocab).toHaveLength(65);
    expect(model.hiddenSize).toBe(128);
    expect(new Set(model.vocab).size).toBe(65);
    expect(model.vocab[13]).toBe('u');
    expect(model.vocab[40]).toBe('U');
    expect([...model.vocab].sort()).toEqual([...new Set(loadTinyShakespeare())].sort());
  });

  it('next-character probabilities sum to 1 and favour plausible continuations', async () => {
    const p = await model.nextCharProbabilities('ROMEO:\nI');
    expect(Object.values(p).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 10);
    expect(p[' ']).toBeGreaterThan(0.8); // measured 0.90: "I " starts a speech
    expect((await model.nextCharProbabilities('What say yo')).u).toBeGreaterThan(0.9); // measured 0.984
    expect((await model.nextCharProbabilities('First Citizen'))[':']).toBeGreaterThan(0.9); // measured 0.963
  });

  it('tiny Shakespeare costs ~1.3 nats per character (uniform guessing: ln 65 = 4.17)', async () => {
    // measured: 1.28 on characters 0..2000 (and 1.32 on 0..1000); swapping the repaired u/U gives 1.89
    const nats = await model.evaluate(loadTinyShakespeare().slice(0, 1000));
    expect(nats).toBeGreaterThan(1.0);
    expect(nats).toBeLessThan(1.6);
  });

  it('samples Shakespeare-like text from "ROMEO:\\n" at temperature 0.5, reproducibly', async () => {
    const text = await model.sample({ prompt: 'ROMEO:\n', length: 300, temperature: 0.5, seed: 2 });
    expect(text).toHaveLength(300);
    // measured (seed 2): "…\n\nGLOUCESTER:\n\nMARCIUS:\nHath the water…\n\nFirst Senator:\nSir, …\n\nQUEEN MARGARET:\nO, sir,"
    expect(text).toMatch(/\n[A-Z][A-Za-z ]+:\n/); // a speaker line
    expect(text).toMatch(/ the /);
    expect(await model.sample({ prompt: 'ROMEO:\n', length: 300, temperature: 0.5, seed: 2 })).toBe(text);
    expect(await model.sample({ prompt: 'ROMEO:\n', length: 300, temperature: 0.5, seed: 3 })).not.toBe(text);
    // temperature 0 is greedy: the same for every seed
    const g = await model.sample({ prompt: 'ROMEO:\n', length: 40, temperature: 0, seed: 1 });
    expect(await model.sample({ prompt: 'ROMEO:\n', length: 40, temperature: 0, seed: 9 })).toBe(g);
    expect(g.startsWith('Murder me to the stranger')).toBe(true);
  });

  it('names bad prompt characters and bad temperatures', async () => {
    await expect(model.sample({ prompt: 'ROMEO{', length: 5 })).rejects.toThrow(/"\{"/);
    await expect(model.sample({ prompt: 'a', length: 5, temperature: -1 })).rejects.toThrow(
      /temperature must be .*≥ 0, got -1/,
    );
  });

  it('a truncated or missing weight file is a clear error naming the file', async () => {
    const src = dataPath('models/charrnn-shakespeare-ml5');
    const dir = mkdtempSync(join(tmpdir(), 'ml5-'));
    try {
      for (const f of readdirSync(src)) copyFileSync(join(src, f), join(dir, f));
      truncateSync(join(dir, 'rnnlm_softmax_b'), 100);
      await expect(loadMl5CharLSTM(dir)).rejects.toThrow(
        /rnnlm_softmax_b has 100 bytes; shape \[65\] needs 65 float32 = 260 bytes/,
      );
      rmSync(join(dir, 'rnnlm_softmax_b'));
      await expect(loadMl5CharLSTM(dir)).rejects.toThrow(/rnnlm_softmax_b .*missing/);
      rmSync(join(dir, 'manifest.json'));
      await expect(loadMl5CharLSTM(dir)).rejects.toThrow(/cannot read manifest\.json/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
