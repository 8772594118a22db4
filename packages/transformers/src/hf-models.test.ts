import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { erf } from '@firth/tensor';
import { describe, expect, it } from 'vitest';
import { Bert } from './bert.js';
import { BertModel } from './bert-model.js';
import { argmax, generate } from './generation.js';
import { Gpt2 } from './gpt2.js';
import { ReferenceBert } from './reference/bert.js';
import { readSafetensors, readSafetensorsHeader, writeSafetensors } from './safetensors.js';

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

  it('BERT, the float64 reference (the oracle): the same outputs to 1e-4', async () => {
    const ref64 = await ReferenceBert.load(join(fixtures, 'hf-tiny-bert'));
    const ref = reference('hf-tiny-bert');
    for (const [b, ids] of (ref.input_ids as number[][]).entries()) {
      const out = ref64.forward({
        inputIds: ids,
        tokenTypeIds: ref.token_type_ids[b],
        attentionMask: ref.attention_mask[b],
      });
      expect(maxDiff(out.lastHiddenState, ref.last_hidden_state[b]), `batch ${b} hidden`).toBeLessThan(1e-4);
      expect(maxDiff([out.poolerOutput!], [ref.pooler_output[b]]), `batch ${b} pooler`).toBeLessThan(1e-4);
    }
  });

  it('Bert is a facade over BertModel: the same numbers as encode/pool without gradients, which record no backward pass', async () => {
    const bert = await Bert.load(join(fixtures, 'hf-tiny-bert'));
    expect(bert.model).toBeInstanceOf(BertModel);
    const ref = reference('hf-tiny-bert');
    const batch = {
      inputIds: [ref.input_ids[1] as number[]],
      tokenTypeIds: [ref.token_type_ids[1] as number[]],
      attentionMask: [ref.attention_mask[1] as number[]],
    };
    const h = bert.model.encode(batch, { grad: false });
    const pooled = bert.model.pool(h, { grad: false });
    expect(h.backwardFn).toBeNull();
    expect(h.parents).toEqual([]);
    expect(pooled.backwardFn).toBeNull();
    const out = bert.forward({
      inputIds: batch.inputIds[0]!,
      tokenTypeIds: batch.tokenTypeIds[0],
      attentionMask: batch.attentionMask[0],
    });
    expect(out.lastHiddenState.flat()).toEqual(Array.from(h.data));
    expect(out.poolerOutput).toEqual(Array.from(pooled.data));
    // with gradients (the default, for training) the same values, and a graph to run backward on
    const withGrad = bert.model.encode(batch);
    expect(Array.from(withGrad.data)).toEqual(Array.from(h.data));
    expect(withGrad.backwardFn).not.toBeNull();
    // a checkpoint without a pooler: no pooled vector (BertModel starts one at random for training)
    const dir = mkdtempSync(join(tmpdir(), 'firth-hf-'));
    cpSync(join(fixtures, 'hf-tiny-bert'), dir, { recursive: true });
    const tensors = readSafetensors(readFileSync(join(dir, 'model.safetensors')));
    tensors.delete('bert.pooler.dense.weight');
    tensors.delete('bert.pooler.dense.bias');
    writeFileSync(join(dir, 'model.safetensors'), writeSafetensors(tensors as never));
    const noPooler = await Bert.load(dir);
    expect(noPooler.forward({ inputIds: [2, 5, 3] }).poolerOutput).toBeNull();
    expect(noPooler.model.newlyInitialized()).toEqual(['bert.pooler.dense.weight', 'bert.pooler.dense.bias']);
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
      /model\.safetensors: tensor "transformer\.h\.0\.ln_1\.weight" has shape \[32\], but config\.json implies \[48\]/,
    );
  });

  it('a corrupt safetensors header, a truncated file, a missing tensor, a missing folder', async () => {
    const bytes = readFileSync(join(fixtures, 'hf-tiny-bert', 'model.safetensors'));
    const garbled = Uint8Array.from(bytes);
    garbled[9] = 0x7b; // '{{…' — not JSON any more
    garbled[10] = 0x7b;
    expect(() => readSafetensors(garbled, 'x.safetensors')).toThrow(
      'x.safetensors: header is not valid JSON: unexpected "{" at line 1, column 2',
    );
    expect(() => readSafetensors(bytes.subarray(0, 100), 'cut.safetensors')).toThrow(
      /cut\.safetensors: header length \d+ runs past the end of the file \(92 bytes follow the length\)/,
    );
    const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
    expect(() => readSafetensors(bytes.subarray(0, 8 + n + 10), 'short.safetensors')).toThrow(
      /short\.safetensors: tensor "[\w.]+" has data_offsets \[\d+, \d+\] past the end of the 10-byte data section/,
    );
    const dir = copy('hf-tiny-bert');
    const tensors = readSafetensors(bytes);
    tensors.delete('bert.pooler.dense.bias');
    writeFileSync(join(dir, 'model.safetensors'), writeSafetensors(tensors as never));
    await expect(Bert.load(dir)).rejects.toThrow(/has no tensor "pooler\.dense\.bias"/);
    await expect(Bert.load('/nonexistent')).rejects.toThrow(/cannot read \/nonexistent\/config\.json/);
  });

  it('integer buffers HF may save beside the weights (position_ids, token_type_ids) are skipped by both loaders', async () => {
    const dir = copy('hf-tiny-bert');
    const bytes = readFileSync(join(dir, 'model.safetensors'));
    const n = Number(bytes.readBigUInt64LE(0));
    const header = JSON.parse(bytes.subarray(8, 8 + n).toString('utf8'));
    const data = bytes.subarray(8 + n);
    // two I32 buffers of 16 positions, appended after the weights
    const extra = Buffer.alloc(2 * 16 * 4);
    for (let i = 0; i < 16; i++) extra.writeInt32LE(i, 4 * i);
    header['bert.embeddings.position_ids'] = {
      dtype: 'I32',
      shape: [1, 16],
      data_offsets: [data.length, data.length + 64],
    };
    header['bert.embeddings.token_type_ids'] = {
      dtype: 'I32',
      shape: [1, 16],
      data_offsets: [data.length + 64, data.length + 128],
    };
    const json = Buffer.from(JSON.stringify(header));
    const len = Buffer.alloc(8);
    len.writeBigUInt64LE(BigInt(json.length));
    writeFileSync(join(dir, 'model.safetensors'), Buffer.concat([len, json, data, extra]));
    const ids = [2, 5, 7, 3];
    const withBuffers = (await Bert.load(dir)).forward({ inputIds: ids });
    expect(withBuffers).toEqual((await Bert.load(join(fixtures, 'hf-tiny-bert'))).forward({ inputIds: ids }));
    expect((await BertModel.load(dir)).tensors.has('bert.embeddings.token_type_ids')).toBe(false);
  });

  /** A copy of a fixture folder with config.json edited. */
  const withConfig = (
    name: string,
    edit: (c: Record<string, unknown>) => Record<string, unknown> | string,
  ) => {
    const dir = copy(name);
    const edited = edit(JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')));
    writeFileSync(join(dir, 'config.json'), typeof edited === 'string' ? edited : JSON.stringify(edited));
    return dir;
  };

  it('config.json: each field BERT and GPT-2 read is checked, naming the file and the JSON path', async () => {
    const bert = (edit: (c: Record<string, unknown>) => Record<string, unknown> | string) =>
      BertModel.load(withConfig('hf-tiny-bert', edit));
    await expect(bert((c) => ({ ...c, hidden_act: 'relu' }))).rejects.toThrow(
      /config\.json: \$\.hidden_act must be one of "gelu", got the string "relu"$/,
    );
    await expect(bert((c) => ({ ...c, vocab_size: -1 }))).rejects.toThrow(
      /config\.json: \$\.vocab_size must be an integer ≥ 1 and ≤ 16777216, got number -1$/,
    );
    await expect(bert((c) => ({ ...c, num_attention_heads: 5 }))).rejects.toThrow(
      /config\.json: \$\.num_attention_heads must divide hidden_size 32, got 5$/,
    );
    await expect(bert(({ hidden_size, ...c }) => c)).rejects.toThrow(
      /config\.json: \$\.hidden_size is missing$/,
    );
    await expect(bert((c) => ({ ...c, model_type: 'gpt2' }))).rejects.toThrow(
      /\$\.model_type must be one of "bert"/,
    );
    await expect(bert((c) => `{"vocab_size": 60, ${JSON.stringify(c).slice(1)}`)).rejects.toThrow(
      /config\.json: \$\.vocab_size appears twice in the same object/,
    );
    await expect(bert(() => '[1, 2')).rejects.toThrow(
      /config\.json: is not valid JSON: the text ends too early/,
    );
    // a vocabulary of 2^24 × 32 floats is refused by its shape before the model allocates it
    await expect(bert((c) => ({ ...c, vocab_size: 2 ** 24 }))).rejects.toThrow(
      /model\.safetensors: tensor "bert\.embeddings\.word_embeddings\.weight" has shape \[60,32\], but config\.json implies \[16777216,32\]$/,
    );
    await expect(
      Bert.load(withConfig('hf-tiny-bert', (c) => ({ ...c, hidden_act: 'tanh' }))),
    ).rejects.toThrow('$.hidden_act must be one of "gelu"');
    const gpt2 = (edit: (c: Record<string, unknown>) => Record<string, unknown>) =>
      Gpt2.load(withConfig('hf-tiny-gpt2', edit));
    await expect(gpt2((c) => ({ ...c, activation_function: 'relu' }))).rejects.toThrow(
      /config\.json: \$\.activation_function must be one of "gelu_new", got the string "relu"$/,
    );
    await expect(gpt2((c) => ({ ...c, n_head: 3 }))).rejects.toThrow(
      /config\.json: \$\.n_head must divide n_embd 32, got 3$/,
    );
    await expect(gpt2((c) => ({ ...c, n_layer: 1.5 }))).rejects.toThrow(
      /\$\.n_layer must be an integer ≥ 1 and ≤ 1024, got number 1\.5$/,
    );
  });

  it('NaN weights: every HF loader refuses them naming the tensor, and loads them with allowNonFinite', async () => {
    const dir = copy('hf-tiny-bert');
    const bytes = readFileSync(join(dir, 'model.safetensors'));
    const { tensors, dataStart } = readSafetensorsHeader(bytes);
    const t = tensors.find((x) => x.name === 'bert.encoder.layer.1.output.dense.weight')!;
    bytes.writeFloatLE(Number.NaN, dataStart + t.begin + 4 * 7);
    writeFileSync(join(dir, 'model.safetensors'), bytes);
    const problem =
      /model\.safetensors: tensor "bert\.encoder\.layer\.1\.output\.dense\.weight" holds NaN at index 7: weights must be finite/;
    await expect(Bert.load(dir)).rejects.toThrow(problem);
    await expect(BertModel.load(dir)).rejects.toThrow(problem);
    const bert = await BertModel.load(dir, { allowNonFinite: true });
    // Firth keeps linear weights (in × out): HF's (out, in) = (32, 64) index 7 is row 0, column 7
    expect(Number.isNaN(bert.tensors.get('bert.encoder.layer.1.output.dense.weight')!.data[7 * 32])).toBe(
      true,
    );
    expect((await Bert.load(dir, { allowNonFinite: true })).config.hiddenSize).toBe(32);
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
