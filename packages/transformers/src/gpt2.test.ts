import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RandomState } from '@firth/numeric';
import { Tensor } from '@firth/tensor';
import { describe, expect, it } from 'vitest';
import { generate } from './generation.js';
import { GPT } from './gpt.js';
import { Gpt2, loadGpt2 } from './gpt2.js';
import { readHfCheckpoint } from './hf-checkpoint.js';
import { multiHeadAttention, ParameterStore } from './nn.js';
import { ReferenceGpt2 } from './reference/gpt2.js';

/** Written by fixtures/generate_hf_tiny.py: a tiny random GPT2LMHeadModel in PyTorch with its outputs. */
const fixtures = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');
const folder = join(fixtures, 'hf-tiny-gpt2');
const reference = JSON.parse(readFileSync(join(folder, 'reference.json'), 'utf8')) as {
  input_ids: number[][];
  logits: number[][][];
  last_hidden_state: number[][][];
};

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

describe('GPT-2 on the GPT class that trains (GPT.fromHuggingFace)', () => {
  it('logits and last hidden state = PyTorch and = the float64 reference (the oracle), to 1e-4', async () => {
    const gpt = await loadGpt2(folder);
    const oracle = await ReferenceGpt2.load(folder);
    expect(gpt).toBeInstanceOf(GPT);
    expect(gpt.config).toMatchObject({ vocabSize: 50, blockSize: 16, nEmbd: 32, nLayer: 2, nHead: 4 });
    expect(gpt.config).toMatchObject({ bias: true, tiedOutput: true, layerNormEps: 1e-5 });
    for (const [b, ids] of reference.input_ids.entries()) {
      const { logits, lastHiddenState } = gpt.forwardWithHidden([ids]);
      expect(logits.shape).toEqual([1, ids.length, 50]);
      const ref64 = oracle.forward(ids);
      expect(maxDiff(logits.data, reference.logits[b]!.flat()), `batch ${b} logits vs PyTorch`).toBeLessThan(
        1e-4,
      );
      expect(maxDiff(logits.data, ref64.logits.flat()), `batch ${b} logits vs float64`).toBeLessThan(1e-4);
      expect(maxDiff(lastHiddenState.data, reference.last_hidden_state[b]!.flat())).toBeLessThan(1e-4);
      expect(maxDiff(lastHiddenState.data, ref64.lastHiddenState.flat())).toBeLessThan(1e-4);
      // the oracle itself matches PyTorch
      expect(maxDiff(ref64.logits.flat(), reference.logits[b]!.flat())).toBeLessThan(1e-4);
    }
    // a batch of the equal-length rows gives each row's logits
    const [r0, r1] = reference.input_ids as [number[], number[]];
    const T = Math.min(r0.length, r1.length);
    const both = gpt.forward([r0.slice(0, T), r1.slice(0, T)]);
    const one = gpt.forward([r1.slice(0, T)]);
    expect(maxDiff(both.data.subarray(T * 50), one.data)).toBeLessThan(1e-6);
  });

  it('the parameters: biases on the attention products, the output tied to wte (no separate output matrix)', async () => {
    const gpt = await loadGpt2(folder);
    const names = [...gpt.tensors.keys()];
    expect(names).toContain('h.1.attention.bq');
    expect(names).toContain('h.1.attention.bo');
    expect(names).not.toContain('output');
    // GPT-2's parameter count: wte, wpe, 2 × (ln, c_attn, c_proj, ln, c_fc, c_proj), ln_f
    const d = 32;
    const block = 2 * d + (3 * d * d + 3 * d) + (d * d + d) + 2 * d + (4 * d * d + 4 * d) + (4 * d * d + d);
    expect(gpt.parameterCount).toBe(50 * d + 16 * d + 2 * block + 2 * d);
    // c_attn's columns d..2d are Wk: row 3 of Wk is row 3 of c_attn from column 32
    const ckpt = await readHfCheckpoint(folder, ['transformer.', '']);
    const cAttn = ckpt.tensor('h.1.attn.c_attn.weight', [d, 3 * d]);
    expect(Array.from(gpt.tensors.get('h.1.attention.wk')!.data.subarray(3 * d, 4 * d))).toEqual(
      Array.from(cAttn.subarray(3 * 3 * d + d, 3 * 3 * d + 2 * d)),
    );
  });

  it('the key/value cache (start) = re-reading the window = forward, with biases and the tied output, past n_positions too', async () => {
    const gpt = await loadGpt2(folder);
    const cached = gpt.start();
    const uncached = gpt.start({ cache: false });
    const rng = new RandomState(3);
    const ids = Array.from({ length: 24 }, () => rng.randint(50));
    for (const [i, t] of ids.entries()) {
      const a = cached.step(t);
      const b = uncached.step(t);
      expect(maxDiff(a, b), `token ${i}`).toBeLessThan(1e-4);
      if (i < 16) {
        const full = gpt.forward([ids.slice(0, i + 1)]).data.subarray(i * 50);
        expect(maxDiff(a, full)).toBeLessThan(1e-4);
      }
    }
  });

  it('generation through generate() gives the tokens the float64 reference gives (the old Gpt2 forward)', async () => {
    const ids = reference.input_ids[0]!;
    const byId = { encode: () => ids, decode: (xs: readonly number[]) => xs.map((x) => `<${x}>`).join('') };
    const options = { temperature: 0, maxNewTokens: 20 };
    const oracle = await ReferenceGpt2.load(folder);
    const before = await generate(oracle, byId, 'x', options);
    expect(before).toMatchObject({ finishReason: 'length', completionTokens: 9 });
    const facade = await generate(await Gpt2.load(folder), byId, 'x', options);
    expect(facade.tokens).toEqual(before.tokens);
    // the GPT itself has no maxContext (its window slides): 9 tokens, then past n_positions
    const gpt = await generate(await loadGpt2(folder), byId, 'x', { ...options, maxNewTokens: 9 });
    expect(gpt.tokens).toEqual(before.tokens);
    // sampled with a seed: the same tokens as the oracle too
    const sampled = { temperature: 0.8, seed: 7, maxNewTokens: 9 };
    const a = await generate(await Gpt2.load(folder), byId, 'x', sampled);
    const b = await generate(oracle, byId, 'x', sampled);
    expect(a.tokens).toEqual(b.tokens);
  });

  it('fine-tunes: fit lowers the loss, and the tied output layer trains the one embedding tensor', async () => {
    const gpt = await loadGpt2(folder);
    // the gradient of the embedding row of a token that is never an input comes only through the
    // output layer: dE[v] = Σ_t (softmax(logits_t)_v − [y_t = v]) h_t / N
    const x = [[1, 2, 3, 4, 5, 6]];
    const y = [[2, 3, 4, 5, 6, 7]];
    const { logits, lastHiddenState: h } = gpt.forwardWithHidden(x);
    const E = gpt.tensors.get('tokenEmbedding')!;
    E.grad = null;
    gpt.loss(x, y).backward();
    const V = 50;
    const d = 32;
    const N = 6;
    for (const v of [7, 40]) {
      const expected = new Float64Array(d);
      for (let t = 0; t < N; t++) {
        const row = logits.data.subarray(t * V, (t + 1) * V);
        const max = Math.max(...row);
        const z = row.reduce((s, l) => s + Math.exp(l - max), 0);
        const g = Math.exp(row[v]! - max) / z - (y[0]![t] === v ? 1 : 0);
        for (let j = 0; j < d; j++) expected[j]! += (g * h.data[t * d + j]!) / N;
      }
      const got = E.grad!.subarray(v * d, (v + 1) * d);
      expect(Math.max(...Array.from(got, Math.abs))).toBeGreaterThan(1e-4);
      expect(maxDiff(got, expected), `dE[${v}]`).toBeLessThan(1e-5);
    }
    // 20 steps of fit on a repeating sequence: the loss goes down, wte moves (only through
    // the output for token 40, absent from the text; no weight decay)
    const tokens = Array.from({ length: 200 }, (_, i) => [3, 9, 27, 31, 12][i % 5]!);
    const before = Float32Array.from(E.data.subarray(40 * d, 41 * d));
    const loss0 = gpt.estimateLoss(tokens, 2, 4);
    gpt.fit(tokens, { steps: 20, batchSize: 4, lr: 1e-2, warmup: 1, weightDecay: 0, seed: 2 });
    expect(gpt.lossCurve).toHaveLength(20);
    const loss1 = gpt.estimateLoss(tokens, 2, 4);
    // measured: 3.91 → 1.66 (the batch losses 3.90 → 1.62)
    expect(loss1).toBeLessThan(loss0 * 0.6);
    expect(gpt.lossCurve.at(-1)!).toBeLessThan(gpt.lossCurve[0]! - 1);
    expect(maxDiff(E.data.subarray(40 * d, 41 * d), before)).toBeGreaterThan(1e-4);
    expect(gpt.tensors.has('output')).toBe(false);
  });

  it('grad: false (inference) records no backward pass and gives the same numbers; the facade reads it', async () => {
    const gpt2 = await Gpt2.load(folder);
    const ids = reference.input_ids[0]!;
    const inference = gpt2.model.forwardWithHidden([ids], { grad: false });
    const training = gpt2.model.forwardWithHidden([ids]);
    expect(inference.logits.backwardFn).toBeNull();
    expect(inference.logits.parents).toEqual([]);
    expect(inference.lastHiddenState.backwardFn).toBeNull();
    expect(training.logits.backwardFn).not.toBeNull();
    expect(Array.from(inference.logits.data)).toEqual(Array.from(training.logits.data));
    expect(gpt2.forward(ids).logits.flat()).toEqual(Array.from(inference.logits.data));
    expect(gpt2.forward(ids).lastHiddenState.flat()).toEqual(Array.from(inference.lastHiddenState.data));
  });

  it('a GPT-2 GPT checkpoints to safetensors and back: the options and the logits', async () => {
    const gpt = await loadGpt2(folder);
    const back = GPT.fromSafetensors(gpt.toSafetensors(), 'gpt2.safetensors');
    expect(back.config).toEqual(gpt.config);
    const ids = reference.input_ids[1]!;
    expect(Array.from(back.forward([ids]).data)).toEqual(Array.from(gpt.forward([ids]).data));
  });

  it('the char-GPT is unchanged: no biases, its own output matrix, the same config keys in checkpoints', () => {
    const gpt = new GPT({ vocabSize: 11, blockSize: 8, nLayer: 1, nHead: 2, nEmbd: 8 });
    expect(Object.keys(gpt.config).sort()).toEqual([
      'blockSize',
      'nEmbd',
      'nHead',
      'nLayer',
      'seed',
      'vocabSize',
    ]);
    expect([...gpt.tensors.keys()]).toEqual([
      'tokenEmbedding',
      'positionEmbedding',
      'h.0.ln1.weight',
      'h.0.ln1.bias',
      'h.0.attention.wq',
      'h.0.attention.wk',
      'h.0.attention.wv',
      'h.0.attention.wo',
      'h.0.ln2.weight',
      'h.0.ln2.bias',
      'h.0.ffn.w1',
      'h.0.ffn.b1',
      'h.0.ffn.w2',
      'h.0.ffn.b2',
      'lnF.weight',
      'lnF.bias',
      'output',
    ]);
    // the options change the model only where given: the same seed draws the same weights
    const gpt2Like = new GPT({ ...gpt.config, bias: true, tiedOutput: true });
    expect(gpt2Like.tensors.get('h.0.attention.wv')!.data).toEqual(gpt.tensors.get('h.0.attention.wv')!.data);
    expect(() => new GPT({ vocabSize: 5, layerNormEps: -1 })).toThrow(
      'layerNormEps must be a number in [0, 1], got -1',
    );
  });

  it('a loaded parameter draws no random values with drawLoaded: false (a whole checkpoint), and does by default', () => {
    const values = Float32Array.from([1, 2, 3, 4, 5, 6]);
    const next = (drawLoaded?: boolean) => {
      const rng = new RandomState(9);
      const store = new ParameterStore(rng, () => values, { drawLoaded });
      const w = store.weight('w', [2, 3]);
      expect(Array.from(w.data)).toEqual([1, 2, 3, 4, 5, 6]);
      expect(w.requiresGrad).toBe(true);
      expect(w.data).not.toBe(values);
      return rng.randomSample();
    };
    const fresh = new RandomState(9).randomSample();
    expect(next(false)).toBe(fresh);
    expect(next()).not.toBe(fresh);
  });

  it('the one attention with biases: the cross-attention path (kv ≠ x) = the fused self-attention path', () => {
    const store = new ParameterStore(new RandomState(1));
    const a = store.attention('a', 8, { bias: true });
    for (const b of [a.bq!, a.bk!, a.bv!, a.bo!]) b.data.set(Tensor.randn([8], new RandomState(5), 0.5).data);
    const x = Tensor.randn([2, 5, 8], new RandomState(2), 1);
    const copy = new Tensor(Float32Array.from(x.data), x.shape);
    const self = multiHeadAttention(x, x, a, 2, true);
    const cross = multiHeadAttention(x, copy, a, 2, true);
    expect(maxDiff(self.out.data, cross.out.data)).toBeLessThan(1e-5);
    // the biases count: zero biases give another output
    const plain = multiHeadAttention(x, x, { wq: a.wq, wk: a.wk, wv: a.wv, wo: a.wo }, 2, true);
    expect(maxDiff(self.out.data, plain.out.data)).toBeGreaterThan(1e-2);
    expect(() => multiHeadAttention(x, x, { ...a, bo: undefined }, 2, true)).toThrow(
      'attention biases: give all of bq, bk, bv and bo, or none',
    );
  });
});

describe('GPT-2 folders — bad input, the same clear errors through GPT', () => {
  const withConfig = (edit: (c: Record<string, unknown>) => Record<string, unknown>) => {
    const dir = mkdtempSync(join(tmpdir(), 'firth-gpt2-'));
    cpSync(folder, dir, { recursive: true });
    const c = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
    writeFileSync(join(dir, 'config.json'), JSON.stringify(edit(c)));
    return dir;
  };

  it('a config whose shapes do not match, a bad field, a head count that does not divide', async () => {
    await expect(loadGpt2(withConfig((c) => ({ ...c, n_embd: 48 })))).rejects.toThrow(
      /model\.safetensors: tensor "transformer\.h\.0\.ln_1\.weight" has shape \[32\], but config\.json implies \[48\]/,
    );
    await expect(loadGpt2(withConfig((c) => ({ ...c, n_positions: 32 })))).rejects.toThrow(
      /tensor "transformer\.wpe\.weight" has shape \[16,32\], but config\.json implies \[32,32\]/,
    );
    await expect(loadGpt2(withConfig((c) => ({ ...c, activation_function: 'relu' })))).rejects.toThrow(
      /config\.json: \$\.activation_function must be one of "gelu_new", got the string "relu"$/,
    );
    await expect(loadGpt2(withConfig((c) => ({ ...c, n_head: 3 })))).rejects.toThrow(
      /config\.json: \$\.n_head must divide n_embd 32, got 3$/,
    );
    await expect(ReferenceGpt2.load(withConfig((c) => ({ ...c, n_head: 3 })))).rejects.toThrow(
      /config\.json: \$\.n_head must divide n_embd 32, got 3$/,
    );
    await expect(loadGpt2('/nonexistent')).rejects.toThrow(/cannot read \/nonexistent\/config\.json/);
  });

  it('the facade checks its one sequence as before', async () => {
    const gpt2 = await Gpt2.load(folder);
    expect(gpt2.model).toBeInstanceOf(GPT);
    expect(gpt2.config).toEqual({
      vocabSize: 50,
      nPositions: 16,
      nEmbd: 32,
      nLayer: 2,
      nHead: 4,
      layerNormEpsilon: 1e-5,
    });
    expect(() => gpt2.forward([])).toThrow('ids is empty');
    expect(() => gpt2.forward([1, 2.5])).toThrow('ids[1] = 2.5 is outside the vocabulary [0, 50)');
    expect(() => gpt2.forward(new Array(17).fill(1))).toThrow('17 tokens, but the model has 16 positions');
    expect(() => gpt2.model.start().step(50)).toThrow('token 50 is outside the vocabulary [0, 50)');
  });
});
