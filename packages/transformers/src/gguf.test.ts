import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FormatError, ValidationError } from '@firth/numeric';
import { describe, expect, it } from 'vitest';
import { f16ToNumber, numberToF16 } from './float16.js';
import { argmax } from './generation.js';
import { type GgufValue, ggufTensorToFloat32, quantizeQ8_0, readGguf, writeGguf } from './gguf.js';
import { ggufToLlama2c, llama2cToGguf } from './gguf-llama.js';
import { writeLlama2cGguf } from './gguf-write.js';
import type { Llama2c } from './llama2c.js';
import { loadLlama2c } from './llama2c-file.js';
import { loadLlama2cTokenizer } from './tokenizers/sentencepiece-file.js';

const everyType: [string, GgufValue][] = [
  ['a.u8', { type: 'u8', value: 255 }],
  ['a.i8', { type: 'i8', value: -128 }],
  ['a.u16', { type: 'u16', value: 65535 }],
  ['a.i16', { type: 'i16', value: -32768 }],
  ['a.u32', { type: 'u32', value: 4294967295 }],
  ['a.i32', { type: 'i32', value: -2147483648 }],
  ['a.f32', { type: 'f32', value: Math.fround(0.1) }],
  ['a.bool', { type: 'bool', value: true }],
  ['a.string', { type: 'string', value: 'héllo ▁ 🦙' }],
  ['a.u64', { type: 'u64', value: 18446744073709551615n }],
  ['a.i64', { type: 'i64', value: -9223372036854775808n }],
  ['a.f64', { type: 'f64', value: Math.PI }],
  ['a.arr.f32', { type: 'array', itemType: 'f32', value: [1.5, -2, 0] }],
  ['a.arr.string', { type: 'array', itemType: 'string', value: ['', 'x', '▁y'] }],
  ['a.arr.bool', { type: 'array', itemType: 'bool', value: [false, true] }],
  ['a.arr.i64', { type: 'array', itemType: 'i64', value: [1n, -1n] }],
  ['a.arr.empty', { type: 'array', itemType: 'u8', value: [] }],
  [
    'a.arr.nested',
    {
      type: 'array',
      itemType: 'array',
      value: [
        { type: 'array', itemType: 'i32', value: [1, 2] },
        { type: 'array', itemType: 'string', value: ['z'] },
      ],
    },
  ],
];

function oneTensorFile() {
  return writeGguf({
    metadata: [['general.architecture', { type: 'string', value: 'test' }]],
    tensors: [{ name: 'w', shape: [4, 2], type: 'F32', data: Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8]) }],
  });
}

describe('GGUF reader and writer', () => {
  it('round-trips metadata of every value type, nested arrays included', () => {
    const bytes = writeGguf({ metadata: everyType, tensors: [] });
    const file = readGguf(bytes, 'meta.gguf');
    expect(file.version).toBe(3);
    expect([...file.metadata.entries()]).toEqual(everyType);
    expect(bytes.length % 32).toBe(0);
  });

  it('round-trips F32, F16 and Q8_0 tensors with alignment padding', () => {
    const values = Float32Array.from({ length: 64 }, (_, i) => Math.sin(i) * 3);
    const bytes = writeGguf({
      metadata: [['general.alignment', { type: 'u32', value: 64 }]],
      tensors: [
        { name: 'a', shape: [3], type: 'F32', data: Float32Array.from([1, -2, 3]) },
        { name: 'b', shape: [32, 2], type: 'F16', data: values },
        { name: 'c', shape: [32, 2], type: 'Q8_0', data: values },
      ],
    });
    const file = readGguf(bytes);
    expect(file.alignment).toBe(64);
    expect(file.tensors.map((t) => [t.name, t.type, t.offset, t.byteLength])).toEqual([
      ['a', 'F32', 0, 12],
      ['b', 'F16', 64, 128],
      ['c', 'Q8_0', 192, 68],
    ]);
    expect([...ggufTensorToFloat32(file, file.tensors[0]!)]).toEqual([1, -2, 3]);
    const f16 = ggufTensorToFloat32(file, file.tensors[1]!);
    for (let i = 0; i < 64; i++)
      expect(Math.abs(f16[i]! - values[i]!)).toBeLessThanOrEqual(Math.abs(values[i]!) * 2 ** -11);
    const q = ggufTensorToFloat32(file, file.tensors[2]!);
    for (let i = 0; i < 64; i++) expect(Math.abs(q[i]! - values[i]!)).toBeLessThan(3 / 127);
  });

  it('float16 conversion: exact values, rounding to even, subnormals, overflow', () => {
    for (const [x, bits] of [
      [1, 0x3c00],
      [-2, 0xc000],
      [65504, 0x7bff],
      [1e6, 0x7c00],
      [2 ** -24, 0x0001],
      [1 + 2 ** -11, 0x3c00], // halfway → even
      [1 + 3 * 2 ** -11, 0x3c02],
    ] as const) {
      expect(numberToF16(x), String(x)).toBe(bits);
    }
    for (let h = 0; h < 0x7c00; h += 97) expect(numberToF16(f16ToNumber(h))).toBe(h);
  });

  it('Q8_0: every value within d/2 + 127·|d − d_f16| of its block (d = max|x|/127), zeros exact', () => {
    const values = Float32Array.from(
      { length: 32 * 50 },
      (_, i) => Math.sin(i * 1.7) * (1 + (i % 13)) * 0.01,
    );
    values.fill(0, 32, 64);
    const blocks = quantizeQ8_0(values);
    expect(blocks.length).toBe(50 * 34);
    const file = readGguf(
      writeGguf({ metadata: [], tensors: [{ name: 'q', shape: [32, 50], type: 'Q8_0', data: values }] }),
    );
    const back = ggufTensorToFloat32(file, file.tensors[0]!);
    for (let b = 0; b < 50; b++) {
      let amax = 0;
      for (let j = 0; j < 32; j++) amax = Math.max(amax, Math.abs(values[b * 32 + j]!));
      const d = amax / 127;
      const d16 = f16ToNumber(numberToF16(d));
      for (let j = 0; j < 32; j++)
        expect(Math.abs(back[b * 32 + j]! - values[b * 32 + j]!)).toBeLessThanOrEqual(
          d16 / 2 + 127 * Math.abs(d - d16) + 1e-12,
        );
    }
    expect([...back.subarray(32, 64)].every((x) => x === 0)).toBe(true);
  });

  it('refuses damaged files with a FormatError naming the problem', () => {
    const good = oneTensorFile();
    const bad = (bytes: Uint8Array, pattern: RegExp) => {
      expect(() => readGguf(bytes, 'bad.gguf')).toThrow(FormatError);
      expect(() => readGguf(bytes, 'bad.gguf')).toThrow(pattern);
    };
    bad(good.subarray(0, 3), /magic.*needs 4 bytes/);
    const magic = good.slice();
    magic[0] = 0x47 + 1;
    bad(magic, /not the GGUF magic/);
    bad(good.subarray(0, good.length - 1), /past the end of the file/);
    bad(good.subarray(0, 40), /bad\.gguf: at byte offset \d+:/);
    const absurd = good.slice();
    new DataView(absurd.buffer).setBigUint64(8, 1n << 40n, true); // tensor count
    bad(absurd, /claims 1099511627776 tensors/);
    const longArray = writeGguf({
      metadata: [['x', { type: 'array', itemType: 'u32', value: [1, 2] }]],
      tensors: [],
    });
    // the array length sits after magic, version, counts (24), key (8 + 1), type (4), item type (4)
    new DataView(longArray.buffer).setBigUint64(24 + 9 + 4 + 4, 1n << 50n, true);
    bad(longArray, /claims 1125899906842624 items/);
    // the tensor info: name "w" (uint64 length 1, 0x77), n_dims, 2 × ne, type, then the uint64 offset
    const offset = good.slice();
    const nameAt = offset.indexOf(0x77, 24);
    new DataView(offset.buffer).setBigUint64(nameAt + 1 + 4 + 16 + 4, 32n, true);
    bad(offset, /has data offset 32/);
    const extra = new Uint8Array(good.length + 64);
    extra.set(good);
    bad(extra, /bytes after the last tensor/);
    const version = good.slice();
    new DataView(version.buffer).setUint32(4, 9, true);
    bad(version, /version 9/);
  });
});

/** Greedy ids and the logits of each step from BOS. */
function greedy(model: Llama2c, steps: number) {
  const run = model.start();
  let logits = run.step(1);
  const ids: number[] = [];
  const all: Float32Array[] = [];
  for (let i = 0; i < steps; i++) {
    all.push(logits.slice());
    const next = argmax(logits);
    ids.push(next);
    logits = run.step(next);
  }
  return { ids, logits: all };
}

describe('stories260K as a llama-architecture GGUF', () => {
  it('float32: the GGUF model reads back to the same logits (1e-6) and the same 40 greedy tokens', async () => {
    const model = await loadLlama2c();
    const tokenizer = loadLlama2cTokenizer();
    const bytes = llama2cToGguf(model, tokenizer, { type: 'f32' });
    const { model: back, tokenizer: tokBack, file } = ggufToLlama2c(bytes, 'stories260K-f32.gguf');
    expect(file.metadata.get('general.architecture')).toEqual({ type: 'string', value: 'llama' });
    expect(file.metadata.get('llama.attention.head_count_kv')).toEqual({ type: 'u32', value: 4 });
    expect(file.tensors).toHaveLength(3 + 9 * 5);
    expect(back.config).toEqual({ ...model.config, sharedClassifier: false });
    const tokens = file.metadata.get('tokenizer.ggml.tokens')!.value as string[];
    expect(tokens.slice(0, 4)).toEqual(['<unk>', '<s>', '</s>', '<0x00>']);
    expect(tokens.some((t) => t.includes(' '))).toBe(false);
    const a = greedy(model, 40);
    const b = greedy(back, 40);
    for (let p = 0; p < 3; p++)
      for (let i = 0; i < 512; i++)
        expect(Math.abs(a.logits[p]![i]! - b.logits[p]![i]!)).toBeLessThanOrEqual(1e-6);
    expect(b.ids).toEqual(a.ids);
    const text = 'Once upon a time, Lily saw a café.';
    expect(tokBack.encode(text)).toEqual(tokenizer.encode(text));
    expect(tokBack.decode(a.ids)).toBe(tokenizer.decode(a.ids));
    expect([...tokBack.pieces.map((p) => [...p])]).toEqual([...tokenizer.pieces.map((p) => [...p])]);
  });

  it('Q8_0: 2-D weights quantised, norms F32; the first 30 greedy tokens agree (measured: 40/40), logits within 0.3 (measured 0.146)', async () => {
    const model = await loadLlama2c();
    const tokenizer = loadLlama2cTokenizer();
    const bytes = llama2cToGguf(model, tokenizer, { type: 'q8_0' });
    const { model: back, file } = ggufToLlama2c(bytes, 'stories260K-q8_0.gguf');
    const types = new Map(file.tensors.map((t) => [t.name, t.type]));
    expect(types.get('blk.0.attn_q.weight')).toBe('Q8_0');
    expect(types.get('blk.0.ffn_down.weight')).toBe('F32'); // rows of 172 values: not a multiple of 32
    expect(types.get('blk.0.attn_norm.weight')).toBe('F32');
    expect(bytes.length).toBeLessThan(llama2cToGguf(model, tokenizer).length / 2);
    const a = greedy(model, 40);
    const b = greedy(back, 40);
    let worst = 0;
    for (let i = 0; i < 512; i++) worst = Math.max(worst, Math.abs(a.logits[0]![i]! - b.logits[0]![i]!));
    let agree = 0;
    while (agree < 40 && a.ids[agree] === b.ids[agree]) agree++;
    const same = a.ids.filter((id, i) => id === b.ids[i]).length;
    console.log(
      `Q8_0: first ${agree}/40 greedy tokens equal (${same}/40 at the same position); max |Δlogit| at position 0 = ${worst.toFixed(5)}`,
    );
    expect(worst).toBeLessThan(0.3);
    expect(agree).toBeGreaterThanOrEqual(30);
  });

  it('refuses a GGUF that is not llama or misses a tensor', async () => {
    const model = await loadLlama2c();
    const tokenizer = loadLlama2cTokenizer();
    const file = readGguf(llama2cToGguf(model, tokenizer));
    const metadata = new Map(file.metadata);
    metadata.set('general.architecture', { type: 'string', value: 'gpt2' });
    expect(() => ggufToLlama2c(writeGguf({ metadata, tensors: [] }))).toThrow(/only "llama" is read/);
    const tensors = file.tensors
      .filter((t) => t.name !== 'blk.3.ffn_up.weight')
      .map((t) => ({
        name: t.name,
        shape: t.shape,
        type: 'F32' as const,
        data: ggufTensorToFloat32(file, t),
      }));
    expect(() => ggufToLlama2c(writeGguf({ metadata: file.metadata, tensors }), 'x.gguf')).toThrow(
      /x\.gguf: tensor "blk\.3\.ffn_up\.weight" is missing/,
    );
  });

  it('refuses NaN weights unless allowNonFinite', async () => {
    const model = await loadLlama2c();
    const tokenizer = loadLlama2cTokenizer();
    const file = readGguf(llama2cToGguf(model, tokenizer));
    const tensors = file.tensors.map((t) => {
      const data = ggufTensorToFloat32(file, t);
      if (t.name === 'blk.1.attn_k.weight') data[5] = Number.NaN;
      return { name: t.name, shape: t.shape, type: 'F32' as const, data };
    });
    const bytes = writeGguf({ metadata: file.metadata, tensors });
    expect(() => ggufToLlama2c(bytes, 'nan.gguf')).toThrow(/nan\.gguf.*blk\.1\.attn_k\.weight/);
    expect(
      Number.isNaN(ggufToLlama2c(bytes, 'nan.gguf', { allowNonFinite: true }).model.weights.wk[5 + 64 * 32]!),
    ).toBe(true);
  });

  it('the gguf:write script writes the file the converter makes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'firth-gguf-'));
    try {
      const out = join(dir, 'q.gguf');
      const { path, bytes } = await writeLlama2cGguf(['--', '--type', 'q8_0', '--out', out]);
      expect(path).toBe(out);
      const expected = llama2cToGguf(await loadLlama2c(), loadLlama2cTokenizer(), { type: 'q8_0' });
      expect(bytes).toBe(expected.length);
      expect(new Uint8Array(readFileSync(out))).toEqual(expected);
      await expect(writeLlama2cGguf(['--type', 'q4'])).rejects.toThrow(ValidationError);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
