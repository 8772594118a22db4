import { loadTinyShakespeare } from '@firth/datasets';
import type { ProgressEvent } from '@firth/neural';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from './backend.js';
import { CharLanguageModel } from './char-lm.js';

const shakespeare = loadTinyShakespeare();
const train = shakespeare.slice(0, 100_000);
const validation = shakespeare.slice(100_000, 101_000);
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('CharLanguageModel: a char-LSTM learns tiny Shakespeare', () => {
  const lm = new CharLanguageModel({
    cell: 'lstm',
    hiddenSize: 64,
    seqLength: 32,
    batchSize: 16,
    learningRate: 0.02,
  });
  const events: ProgressEvent[] = [];
  beforeAll(async () => {
    await lm.fit(train, {
      steps: 100,
      validationText: validation,
      evalEvery: 50,
      onProgress: (e) => events.push(e),
    });
  }, 120_000);

  it('loss falls from ln V ≈ 4.11 to ~2.1 in 100 steps (measured), validation too', () => {
    expect(lm.vocab).toHaveLength(61); // the first 100k characters lack a few rare ones
    expect(lm.vocab).toEqual([...lm.vocab].sort());
    expect(lm.lossCurve).toHaveLength(100);
    expect(lm.nIter).toBe(100);
    // an untrained model guesses uniformly: −ln(1/61) = 4.11
    expect(lm.lossCurve[0]).toBeCloseTo(Math.log(61), 0);
    expect(Math.abs(lm.lossCurve[0]! - Math.log(61))).toBeLessThan(0.1);
    expect(mean(lm.lossCurve.slice(-10))).toBeLessThan(2.6);
    expect(lm.valLossCurve.map((v) => v.step)).toEqual([50, 100]);
    expect(lm.valLossCurve[1]!.loss).toBeLessThan(lm.valLossCurve[0]!.loss);
    expect(lm.valLossCurve[1]!.loss).toBeLessThan(2.6);
  });

  it('emits a step event per update, then epoch and end', () => {
    const steps = events.filter((e) => e.phase === 'step');
    expect(steps).toHaveLength(100);
    expect(steps[49]!.metrics?.valLoss).toBe(lm.valLossCurve[0]!.loss);
    expect(events.at(-2)!.phase).toBe('epoch');
    const end = events.at(-1)!;
    expect(end).toMatchObject({ phase: 'end', epoch: 1, epochs: 1, step: 100, steps: 100 });
    expect(end.loss).toBeCloseTo(mean(lm.lossCurve), 10);
  });

  it('evaluate() gives the validation cross-entropy in nats per character', async () => {
    expect(await lm.evaluate(validation)).toBeCloseTo(lm.valLossCurve[1]!.loss, 6);
  });

  it('sampling is reproducible for a seed, differs across seeds, and temperature 0 is greedy', async () => {
    const a = await lm.sample({ prompt: 'ROMEO:\n', length: 60, temperature: 0.8, seed: 1 });
    expect(a).toHaveLength(60);
    expect(await lm.sample({ prompt: 'ROMEO:\n', length: 60, temperature: 0.8, seed: 1 })).toBe(a);
    expect(await lm.sample({ prompt: 'ROMEO:\n', length: 60, temperature: 0.8, seed: 2 })).not.toBe(a);
    const greedy = await lm.sample({ prompt: 'ROMEO:\n', length: 4, temperature: 0, seed: 1 });
    expect(await lm.sample({ prompt: 'ROMEO:\n', length: 4, temperature: 1e-9, seed: 7 })).toBe(greedy);
    // greedy = argmax of the next-character distribution, character by character
    let text = 'ROMEO:\n';
    for (let i = 0; i < 4; i++) {
      const p = await lm.nextCharProbabilities(text);
      expect(Object.values(p).reduce((s, v) => s + v, 0)).toBeCloseTo(1, 6);
      text += Object.entries(p).reduce((best, e) => (e[1] > best[1] ? e : best))[0];
    }
    expect(text.slice('ROMEO:\n'.length)).toBe(greedy);
  });

  it('toJSON / fromJSON round-trips to identical samples and losses', async () => {
    const copy = CharLanguageModel.fromJSON(JSON.parse(JSON.stringify(lm)));
    expect(copy.vocab).toEqual(lm.vocab);
    expect(copy.lossCurve).toEqual(lm.lossCurve);
    const opts = { prompt: 'KING', length: 40, temperature: 0.7, seed: 3 };
    expect(await copy.sample(opts)).toBe(await lm.sample(opts));
    expect(await copy.evaluate(validation.slice(0, 300))).toBe(await lm.evaluate(validation.slice(0, 300)));
    copy.dispose();
  });

  it('names a prompt character outside the vocabulary, and rejects negative temperatures', async () => {
    await expect(lm.sample({ prompt: 'ROMEO@', length: 5 })).rejects.toThrow(/"@" \(at 5\)/);
    await expect(lm.sample({ length: 5, temperature: -0.5 })).rejects.toThrow(
      /temperature must be .*≥ 0, got -0.5/,
    );
    await expect(lm.evaluate('x')).rejects.toThrow(/at least 2 characters/);
  });
});

describe('CharLanguageModel: RNN, GRU and stacked layers', () => {
  it.each(['rnn', 'gru'] as const)(
    '%s reduces the loss in 40 short steps',
    async (cell) => {
      const lm = new CharLanguageModel({
        cell,
        hiddenSize: 64,
        seqLength: 16,
        batchSize: 16,
        learningRate: 0.02,
        seed: 1,
      });
      await lm.fit(train, { steps: 40 });
      // measured: 4.1 → ~2.5 (rnn and gru alike)
      expect(lm.lossCurve[0]).toBeGreaterThan(3.9);
      expect(mean(lm.lossCurve.slice(-5))).toBeLessThan(3.0);
      expect((await lm.sample({ length: 20, seed: 0 })).length).toBe(20);
      lm.dispose();
    },
    30_000,
  );

  it('on TF.js, two stacked layers train, serialise and leak no tensors', async () => {
    await initBackend();
    const before = tf.memory().numTensors;
    const lm = new CharLanguageModel({
      engine: 'tfjs',
      cell: 'gru',
      hiddenSize: 16,
      numLayers: 2,
      embeddingSize: 8,
      seqLength: 8,
      batchSize: 4,
    });
    await lm.fit(train.slice(0, 2000), { steps: 3 });
    const json = lm.toJSON();
    expect(json.cells).toHaveLength(2);
    expect(json.cells[1]!.inputSize).toBe(16);
    const copy = CharLanguageModel.fromJSON(json, 'tfjs');
    expect(await copy.sample({ prompt: 'First', length: 10, seed: 4 })).toBe(
      await lm.sample({ prompt: 'First', length: 10, seed: 4 }),
    );
    lm.dispose();
    copy.dispose();
    expect(tf.memory().numTensors).toBe(before);
  }, 30_000);
});

describe("CharLanguageModel: Firth's engine and TF.js train the same model", () => {
  it.each(['lstm', 'gru', 'rnn'] as const)(
    '%s, 2 layers: one seed gives the same losses and weights on both, up to float32 rounding',
    async (cell) => {
      const options = {
        cell,
        hiddenSize: 12,
        numLayers: 2,
        embeddingSize: 6,
        seqLength: 10,
        batchSize: 4,
        seed: 3,
      };
      const firth = await new CharLanguageModel({ ...options, engine: 'firth' }).fit(train.slice(0, 5000), {
        steps: 5,
      });
      const tfjs = await new CharLanguageModel({ ...options, engine: 'tfjs' }).fit(train.slice(0, 5000), {
        steps: 5,
      });
      expect(firth.engine).toBe('firth');
      for (const [i, l] of tfjs.lossCurve.entries())
        expect(Math.abs(firth.lossCurve[i]! - l)).toBeLessThan(1e-4);
      const [a, b] = [firth.toJSON(), tfjs.toJSON()];
      const flat = (j: typeof a) =>
        [j.embedding, j.cells.map((c) => Object.values(c.weights)), j.Wy, j.by].flat(9) as number[];
      const [fa, fb] = [flat(a), flat(b)];
      expect(fa.length).toBe(fb.length);
      for (const [i, v] of fb.entries()) expect(Math.abs(fa[i]! - v)).toBeLessThan(1e-4);
      // and a model saved from one engine samples the same text on the other
      const opts = { prompt: 'First', length: 12, temperature: 0, seed: 1 };
      expect(await CharLanguageModel.fromJSON(a, 'tfjs').sample(opts)).toBe(await firth.sample(opts));
      firth.dispose();
      tfjs.dispose();
    },
    30_000,
  );
});

describe('CharLanguageModel: bad input', () => {
  it('rejects bad options and texts with messages that name the value', async () => {
    expect(() => new CharLanguageModel({ hiddenSize: 0 })).toThrow(
      /hiddenSize must be a positive integer, got 0/,
    );
    expect(() => new CharLanguageModel({ hiddenSize: 1.5 })).toThrow(
      /hiddenSize must be a positive integer, got 1.5/,
    );
    expect(() => new CharLanguageModel({ cell: 'transformer' as never })).toThrow(
      /unknown cell type "transformer"/,
    );
    expect(() => new CharLanguageModel({ engine: 'gpu' as never })).toThrow(
      'engine must be one of firth, tfjs or auto, got "gpu"',
    );
    expect(() => new CharLanguageModel({ learningRate: -1 })).toThrow(
      /learningRate must be a positive number, got -1/,
    );
    const lm = new CharLanguageModel({ seqLength: 10 });
    await expect(lm.fit('', { steps: 1 })).rejects.toThrow(/text is empty/);
    await expect(lm.fit('too short', { steps: 1 })).rejects.toThrow(
      /text has 9 characters; it needs at least seqLength \+ 1 = 11/,
    );
    await expect(lm.fit('abcdefghijklmnop', { steps: 0 })).rejects.toThrow(
      /steps must be a positive integer, got 0/,
    );
    await expect(lm.sample({ length: 3 })).rejects.toThrow(/not fitted/);
    await expect(lm.fit('abcdefghijklmnop', { steps: 1, validationText: 'abcz!' })).rejects.toThrow(
      /validationText has the character "z" \(at 3\)/,
    );
    expect(() => CharLanguageModel.fromJSON({ kind: 'Other' } as never)).toThrow(
      /not a CharLanguageModel JSON/,
    );
    // weights that are not finite numbers (NaN becomes null in JSON) and a repeated character
    const small = new CharLanguageModel({ hiddenSize: 4, embeddingSize: 2, seqLength: 4, batchSize: 2 });
    await small.fit('abcabcabcabc', { steps: 1 });
    const json = JSON.parse(JSON.stringify(small.toJSON()));
    small.dispose();
    json.Wy[1][2] = null;
    expect(() => CharLanguageModel.fromJSON(json)).toThrow(/Wy\[1\]\[2\] must be a finite number, got null/);
    json.Wy[1][2] = 0;
    json.cells[0].weights.Wh[0][1] = 'x';
    expect(() => CharLanguageModel.fromJSON(json)).toThrow(
      /cells\[0\]\.weights\.Wh\[0\]\[1\] must be a finite number, got "x"/,
    );
    json.cells[0].weights.Wh[0][1] = 0;
    json.vocab[2] = 'a';
    expect(() => CharLanguageModel.fromJSON(json)).toThrow(
      /vocab\[2\] must be a character not seen before, got "a"/,
    );
  });
});
