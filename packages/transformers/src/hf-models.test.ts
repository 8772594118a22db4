import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { erf } from './autograd.js';
import { Bert } from './bert.js';
import { argmax, generate } from './generation.js';
import { Gpt2 } from './gpt2.js';
import { readSafetensors, writeSafetensors } from './safetensors.js';

/** Written by fixtures/generate_hf_tiny.py: tiny random models in PyTorch with HF's parameter names. */
const fixtures = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');
const reference = (name: string) => JSON.parse(readFileSync(join(fixtures, name, 'reference.json'), 'utf8'));

function maxDiff(a: number[][], b: number[][]): number {
  let m = 0;
  for (const [i, row] of a.entries())
    for (const [j, v] of row.entries()) m = Math.max(m, Math.abs(v - b[i]![j]!));
  return m;
}

describe('Hugging Face checkpoints: Firth forward passes = PyTorch (tiny random models)', () => {
  it('GPT-2 (GPT2LMHeadModel): logits and last hidden state to 1e-4', async () => {
    const gpt2 = await Gpt2.load(join(fixtures, 'hf-tiny-gpt2'));
    const ref = reference('hf-tiny-gpt2');
    for (const [b, ids] of (ref.input_ids as number[][]).entries()) {
      const out = gpt2.forward(ids);
      expect(maxDiff(out.logits, ref.logits[b]), `batch ${b} logits`).toBeLessThan(1e-4);
      expect(maxDiff(out.lastHiddenState, ref.last_hidden_state[b]), `batch ${b} hidden`).toBeLessThan(1e-4);
    }
  });

  it('BERT (BertModel, bert. prefix): last hidden state and pooler output to 1e-4, with padding and segments', async () => {
    const bert = await Bert.load(join(fixtures, 'hf-tiny-bert'));
    const ref = reference('hf-tiny-bert');
    for (const [b, ids] of (ref.input_ids as number[][]).entries()) {
      const out = bert.forward({
        inputIds: ids,
        tokenTypeIds: ref.token_type_ids[b],
        attentionMask: ref.attention_mask[b],
      });
      expect(maxDiff(out.lastHiddenState, ref.last_hidden_state[b]), `batch ${b} hidden`).toBeLessThan(1e-4);
      expect(maxDiff([out.poolerOutput!], [ref.pooler_output[b]]), `batch ${b} pooler`).toBeLessThan(1e-4);
    }
  });

  it('GPT-2 generates through the CausalLM contract: greedy = argmax of the reference logits', async () => {
    const gpt2 = await Gpt2.load(join(fixtures, 'hf-tiny-gpt2'));
    const ids = (reference('hf-tiny-gpt2').input_ids as number[][])[0]!;
    const run = gpt2.start();
    let logits: Float32Array = new Float32Array();
    for (const t of ids) logits = run.step(t);
    const full = gpt2.forward(ids).logits.at(-1)!;
    for (const [i, v] of full.entries()) expect(logits[i]).toBeCloseTo(v, 5);
    const byId = { encode: () => ids, decode: (xs: readonly number[]) => xs.map((x) => `<${x}>`).join('') };
    const r = await generate(gpt2, byId, 'ignored', { temperature: 0, maxNewTokens: 20 });
    // the context is 16 positions: 7 prompt tokens leave room for 9
    expect(r).toMatchObject({ finishReason: 'length', completionTokens: 9 });
    expect(r.tokens[0]).toBe(argmax(full));
  });

  it('erf to 1e-7 (BERT’s exact GELU)', () => {
    // erf(0.5) = 0.5204998778, erf(1) = 0.8427007929, erf(2) = 0.9953222650
    expect(erf(0.5)).toBeCloseTo(0.5204998778, 7);
    expect(erf(-1)).toBeCloseTo(-0.8427007929, 7);
    expect(erf(2)).toBeCloseTo(0.995322265, 7);
  });
});

describe('checkpoints — bad input', () => {
  const copy = (name: string) => {
    const dir = mkdtempSync(join(tmpdir(), 'firth-hf-'));
    cpSync(join(fixtures, name), dir, { recursive: true });
    return dir;
  };

  it('a config whose shapes do not match the weights', async () => {
    const dir = copy('hf-tiny-gpt2');
    const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ ...config, n_embd: 48 }));
    await expect(Gpt2.load(dir)).rejects.toThrow(
      /transformer\.h\.0\.ln_1\.weight has shape \[32\] but config\.json implies \[48\]/,
    );
  });

  it('a corrupt safetensors header, a truncated file, a missing tensor, a missing folder', async () => {
    const bytes = readFileSync(join(fixtures, 'hf-tiny-bert', 'model.safetensors'));
    const garbled = Uint8Array.from(bytes);
    garbled[9] = 0x7b; // '{{…' — not JSON any more
    garbled[10] = 0x7b;
    expect(() => readSafetensors(garbled, 'x.safetensors')).toThrow(
      /x\.safetensors: the header is not valid UTF-8 JSON/,
    );
    expect(() => readSafetensors(bytes.subarray(0, 100), 'cut.safetensors')).toThrow(
      /the header claims \d+ bytes but the file has 92/,
    );
    const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
    expect(() => readSafetensors(bytes.subarray(0, 8 + n + 10), 'short.safetensors')).toThrow(
      /data_offsets give/,
    );
    const dir = copy('hf-tiny-bert');
    const tensors = readSafetensors(bytes);
    tensors.delete('bert.pooler.dense.bias');
    writeFileSync(join(dir, 'model.safetensors'), writeSafetensors(tensors as never));
    await expect(Bert.load(dir)).rejects.toThrow(/has no tensor "pooler\.dense\.bias"/);
    await expect(Bert.load('/nonexistent')).rejects.toThrow(/cannot read \/nonexistent\/config\.json/);
  });

  it('safetensors written by Firth read back identically; inputs are checked', async () => {
    const t = new Map([['w', { shape: [2, 3], data: Float32Array.from([1, 2, 3, 4, 5, 6]) }]]);
    const back = readSafetensors(writeSafetensors(t, { format: 'pt' }));
    expect(back.get('w')).toEqual({
      dtype: 'F32',
      shape: [2, 3],
      data: Float32Array.from([1, 2, 3, 4, 5, 6]),
    });
    const gpt2 = await Gpt2.load(join(fixtures, 'hf-tiny-gpt2'));
    expect(() => gpt2.forward([])).toThrow('ids is empty');
    expect(() => gpt2.forward([50])).toThrow('ids[0] = 50 is outside the vocabulary [0, 50)');
    expect(() => gpt2.forward(new Array(17).fill(1))).toThrow('17 tokens, but the model has 16 positions');
  });
});
