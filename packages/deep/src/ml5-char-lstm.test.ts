import {
  copyFileSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dataPath, loadTinyShakespeare } from '@firth/datasets';
import { FormatError } from '@firth/numeric';
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
});

describe('ml5 char-LSTM: a bad model folder is a FormatError naming the file and the place', () => {
  const src = dataPath('models/charrnn-shakespeare-ml5');
  /** A copy of the shipped model with `edit` applied; the load must fail with a FormatError matching `message`. */
  const refuses = async (edit: (dir: string) => void, message: RegExp, options = {}) => {
    const dir = mkdtempSync(join(tmpdir(), 'ml5-'));
    try {
      for (const f of readdirSync(src)) copyFileSync(join(src, f), join(dir, f));
      edit(dir);
      const error = await loadMl5CharLSTM(dir, options).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error, 'accepted').toBeInstanceOf(FormatError);
      expect((error as Error).message.startsWith(dir), (error as Error).message).toBe(true);
      expect((error as Error).message).toMatch(message);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  const json = (dir: string, name: string) => JSON.parse(readFileSync(join(dir, name), 'utf8'));
  const editJson = (name: string, change: (value: Record<string, unknown>) => void) => (dir: string) => {
    const value = json(dir, name);
    change(value);
    writeFileSync(join(dir, name), JSON.stringify(value));
  };
  const cell0 = 'rnnlm/multi_rnn_cell/cell_0/basic_lstm_cell';

  it('missing, truncated or unreadable files', async () => {
    await refuses(
      (d) => truncateSync(join(d, 'rnnlm_softmax_b'), 100),
      /rnnlm_softmax_b: has 100 bytes; "rnnlm\/softmax_b" of shape \[65\] needs 65 float32 = 260 bytes/,
    );
    await refuses(
      (d) => rmSync(join(d, 'rnnlm_softmax_b')),
      /rnnlm_softmax_b: cannot be read \(ENOENT\): the weights of "rnnlm\/softmax_b" are missing/,
    );
    await refuses((d) => rmSync(join(d, 'manifest.json')), /manifest\.json: cannot be read \(ENOENT\)/);
  });

  it('JSON that does not parse names the file, line and column (never a bare SyntaxError)', async () => {
    await refuses(
      (d) => writeFileSync(join(d, 'manifest.json'), '{\n  "embedding": {"filename": "embedding",}\n}'),
      /manifest\.json: is not valid JSON: unexpected "}" at line 2, column 41/,
    );
    await refuses(
      (d) => writeFileSync(join(d, 'vocab.json'), '{"a": 1'),
      /vocab\.json: is not valid JSON: the text ends too early/,
    );
    await refuses(
      (d) => writeFileSync(join(d, 'vocab.json'), Buffer.from([0x7b, 0xff, 0x7d])),
      /vocab\.json: is not valid UTF-8 text/,
    );
  });

  it('the manifest: shapes, file names, known variables, every layer', async () => {
    await refuses(
      editJson('manifest.json', (m) => ((m.embedding as { shape: unknown[] }).shape[1] = 'x')),
      /manifest\.json: \$\.embedding\.shape\[1\] must be an integer ≥ 0 and ≤ 2147483648, got the string "x"/,
    );
    await refuses(
      editJson('manifest.json', (m) => ((m['rnnlm/softmax_b'] as { shape: number[] }).shape = [64])),
      /manifest\.json: \$\["rnnlm\/softmax_b"\]\.shape is \[64\], expected \[65\]/,
    );
    await refuses(
      editJson(
        'manifest.json',
        (m) => ((m['rnnlm/softmax_b'] as { filename: string }).filename = '../vocab.json'),
      ),
      /\$\["rnnlm\/softmax_b"\]\.filename must name a file in the model folder, got "\.\.\/vocab\.json"/,
    );
    await refuses(
      editJson('manifest.json', (m) => (m['rnnlm/extra'] = m.embedding)),
      /\$\["rnnlm\/extra"\] is not a variable of the TF1 char-RNN/,
    );
    await refuses(
      editJson('manifest.json', (m) => delete m[`${cell0}/biases`]),
      /\$\["rnnlm\/multi_rnn_cell\/cell_0\/basic_lstm_cell\/biases"\] is missing/,
    );
    await refuses(
      editJson(
        'manifest.json',
        (m) => (m['rnnlm/multi_rnn_cell/cell_3/basic_lstm_cell/weights'] = m[`${cell0}/weights`]),
      ),
      /cell_2\/basic_lstm_cell\/weights"\] is missing/,
    );
    await refuses(
      editJson('manifest.json', (m) => ((m.embedding as { shape: number[] }).shape = [65, 64])),
      /embedding: has 33280 bytes; "embedding" of shape \[65,64\] needs 4160 float32 = 16640 bytes/,
    );
  });

  it('the vocabulary: every id 0…V−1 once, one character a key', async () => {
    await refuses(
      editJson('vocab.json', (v) => (v.e = 70)),
      /vocab\.json: \$\.e has id 70: 65 characters take the ids 0 to 64/,
    );
    await refuses(
      editJson('vocab.json', (v) => (v.e = 0)),
      /vocab\.json: \$\.e repeats the id 0 of " "/,
    );
    await refuses(
      editJson('vocab.json', (v) => (v.ab = 65)),
      /vocab\.json: \$\.ab is not a single character \(id 65\)/,
    );
    await refuses(
      editJson('vocab.json', (v) => (v.e = -1)),
      /vocab\.json: \$\.e must be an integer ≥ 0, got number -1/,
    );
  });

  it('NaN or ±Infinity weights are refused unless allowNonFinite: true', async () => {
    const poison = (d: string) => {
      const b = readFileSync(join(d, 'rnnlm_softmax_b'));
      b.writeFloatLE(Number.NaN, 12);
      writeFileSync(join(d, 'rnnlm_softmax_b'), b);
    };
    await refuses(
      poison,
      /rnnlm_softmax_b: variable "rnnlm\/softmax_b" holds NaN at index 3: weights must be finite \(pass allowNonFinite: true/,
    );
    const dir = mkdtempSync(join(tmpdir(), 'ml5-'));
    try {
      for (const f of readdirSync(src)) copyFileSync(join(src, f), join(dir, f));
      poison(dir);
      expect((await loadMl5CharLSTM(dir, { allowNonFinite: true })).vocab).toHaveLength(65);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
