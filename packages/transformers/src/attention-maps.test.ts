import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dataPath, loadTinyShakespeare } from '@firth/datasets';
import { describe, expect, it } from 'vitest';
import type { AttentionMaps } from './attention-maps.js';
import { BertModel } from './bert-model.js';
import { loadGpt2 } from './gpt2.js';
import { loadLlama2c } from './llama2c-file.js';
import { type Matrix, scaledDotProductAttention } from './reference/attention.js';
import { ReferenceBert } from './reference/bert.js';
import { ReferenceGpt2 } from './reference/gpt2.js';
import { rmsNorm } from './reference/normalization.js';
import { applyRope } from './reference/positional-encoding.js';
import { loadLlama2cTokenizer } from './tokenizers/sentencepiece-file.js';
import { readCharGptCheckpoint } from './train-char-gpt.js';

/** Written by fixtures/generate_hf_tiny.py: tiny random PyTorch models, which the float64 references match. */
const fixtures = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');
const reference = (name: string) =>
  JSON.parse(readFileSync(join(fixtures, name, 'reference.json'), 'utf8')) as {
    input_ids: number[][];
    token_type_ids?: number[][];
    attention_mask?: number[][];
  };

/** Every row of every head sums to 1; with `causal`, every weight right of the diagonal is 0. */
function expectWellFormed(maps: AttentionMaps, layers: number, heads: number, T: number, causal: boolean) {
  expect(maps.length).toBe(layers);
  for (const layer of maps) {
    expect(layer.length).toBe(heads);
    for (const head of layer) {
      expect(head.length).toBe(T);
      for (const [i, row] of head.entries()) {
        expect(row.length).toBe(T);
        expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
        if (causal) expect(row.slice(i + 1).every((w) => w === 0)).toBe(true);
      }
    }
  }
}

/** The largest difference between the maps and a reference's attentions[layer][head]. */
function worst(maps: AttentionMaps, ref: Matrix[][]): number {
  let m = 0;
  for (const [l, layer] of ref.entries())
    for (const [h, head] of layer.entries())
      for (const [i, row] of head.entries())
        for (const [j, w] of row.entries()) m = Math.max(m, Math.abs(w - maps[l]![h]![i]![j]!));
  return m;
}

describe('attention maps, read off each model’s own forward pass', () => {
  it('GPT (GPT-2 checkpoint): every layer and head equals the float64 reference’s weights', async () => {
    const folder = join(fixtures, 'hf-tiny-gpt2');
    const gpt = await loadGpt2(folder);
    const oracle = await ReferenceGpt2.load(folder);
    for (const ids of reference('hf-tiny-gpt2').input_ids) {
      const maps = gpt.attentionMaps(ids);
      expectWellFormed(maps, gpt.config.nLayer, gpt.config.nHead, ids.length, true);
      expect(worst(maps, oracle.forward(ids).attentions)).toBeLessThan(1e-5);
    }
    // reading the maps leaves the model's answer as it was
    const ids = reference('hf-tiny-gpt2').input_ids[0]!;
    const before = gpt.forward([ids], { grad: false }).data.slice();
    gpt.attentionMaps(ids);
    expect(gpt.forward([ids], { grad: false }).data).toEqual(before);
    expect(() => gpt.attentionMaps([])).toThrow(/sequences must have 1\.\./);
  });

  it('BERT: every layer and head equals the float64 reference’s weights; padding keys get 0', async () => {
    const folder = join(fixtures, 'hf-tiny-bert');
    const bert = await BertModel.load(folder);
    const oracle = await ReferenceBert.load(folder);
    const r = reference('hf-tiny-bert');
    for (const [b, inputIds] of r.input_ids.entries()) {
      const input = { inputIds, tokenTypeIds: r.token_type_ids![b]!, attentionMask: r.attention_mask![b]! };
      const maps = bert.attentionMaps({
        inputIds: [input.inputIds],
        tokenTypeIds: [input.tokenTypeIds],
        attentionMask: [input.attentionMask],
      });
      expectWellFormed(maps, 2, 4, inputIds.length, false);
      expect(worst(maps, oracle.forward(input).attentions)).toBeLessThan(1e-5);
      const padding = input.attentionMask.flatMap((m, j) => (m === 0 ? [j] : []));
      for (const head of maps.flat()) for (const row of head) for (const j of padding) expect(row[j]).toBe(0);
    }
    expect(() =>
      bert.attentionMaps({ inputIds: [[1], [2]], tokenTypeIds: [[0], [0]], attentionMask: [[1], [1]] }),
    ).toThrow(/one sequence, got a batch of 2/);
  });

  it('llama2.c TinyStories: causal rows summing to 1; layer 1 equals softmax(RoPE(q)·RoPE(k)ᵀ/√d) from the float64 reference blocks', async () => {
    const model = await loadLlama2c();
    const ids = loadLlama2cTokenizer().encode('Once upon a time, a cat');
    const maps = model.attentionMaps(ids);
    const { dim, nLayers, nHeads, nKvHeads } = model.config;
    expectWellFormed(maps, nLayers, nHeads, ids.length, true);
    // layer 0's input is the token embeddings: q, k = Wq·RMSNorm(x), Wk·RMSNorm(x), rotated
    const w = model.weights;
    const x = ids.map((t) => Array.from(w.tokenEmbedding.subarray(t * dim, (t + 1) * dim)));
    const xb = rmsNorm(x, Array.from(w.rmsAtt.subarray(0, dim)));
    const project = (W: Float32Array, rows: number) =>
      xb.map((v) =>
        Array.from({ length: rows }, (_, r) => v.reduce((s, xi, c) => s + W[r * dim + c]! * xi, 0)),
      );
    const hs = model.headSize;
    const q = applyRope(project(w.wq, dim), hs);
    const k = applyRope(project(w.wk, model.kvDim), hs);
    const cols = (m: Matrix, h: number) => m.map((r) => r.slice(h * hs, (h + 1) * hs));
    const layer0 = Array.from(
      { length: nHeads },
      (_, h) =>
        scaledDotProductAttention(cols(q, h), cols(k, Math.floor(h / (nHeads / nKvHeads))), cols(k, 0), {
          mask: 'causal',
        }).weights,
    );
    expect(worst(maps, [layer0])).toBeLessThan(1e-5);
    expect(() => model.attentionMaps([])).toThrow(/no tokens/);
    expect(() => model.attentionMaps([1, 99999])).toThrow(/outside the vocabulary/);
  });

  it('the shipped char-GPT (datasets/models/char-gpt-shakespeare): its README’s validation loss, causal maps', () => {
    const path = dataPath('models/char-gpt-shakespeare/model.safetensors');
    const { model, tokenizer } = readCharGptCheckpoint(new Uint8Array(readFileSync(path)), path);
    expect(model.config).toMatchObject({ nLayer: 2, nHead: 4, nEmbd: 64, blockSize: 64 });
    expect(model.parameterCount).toBe(112_000);
    // train:gpt's estimate (4 batches of 32 windows of the last 10 %, seed 12345): the README's 1.899
    const ids = tokenizer.encode(loadTinyShakespeare());
    expect(model.estimateLoss(ids.slice(Math.floor(ids.length * 0.9)), 4, 32)).toBeCloseTo(1.899, 3);
    const text = 'ROMEO:\nBut soft, what light';
    expectWellFormed(model.attentionMaps(tokenizer.encode(text)), 2, 4, text.length, true);
  });
});
