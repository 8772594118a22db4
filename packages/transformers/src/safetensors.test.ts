/**
 * safetensors: what readSafetensors reads (every dtype, built byte by byte here) and each class of
 * inconsistent file it refuses — the classes mutation fuzzing found accepted on main (gaps,
 * overlaps, repeated names, byte counts that disagree with dtype × shape, trailing bytes, NaN
 * weights), each asserting that the message names the problem.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isFirthError } from '@firth/numeric';
import { describe, expect, it } from 'vitest';
import { GPT } from './gpt.js';
import { readSafetensors, readSafetensorsHeader, writeSafetensors } from './safetensors.js';

/** A safetensors file from a header's JSON text and the data section's bytes. */
function file(header: string | object, data: ArrayLike<number> = []): Uint8Array {
  const json = new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(Array.from(data), 8 + json.length);
  return out;
}
const f32 = (...xs: number[]) => new Uint8Array(Float32Array.from(xs).buffer);
const read = (bytes: Uint8Array) => () => readSafetensors(bytes, 'm.safetensors');

describe('safetensors: reading each dtype', () => {
  it('F32, F16, BF16, I32 and I64 (built by hand), a scalar and empty tensors', () => {
    const bytes = file(
      {
        __metadata__: { format: 'pt' },
        a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] },
        h: { dtype: 'F16', shape: [3], data_offsets: [8, 14] },
        b: { dtype: 'BF16', shape: [1, 2], data_offsets: [14, 18] },
        i: { dtype: 'I32', shape: [1], data_offsets: [18, 22] },
        l: { dtype: 'I64', shape: [2], data_offsets: [22, 38] },
        s: { dtype: 'F32', shape: [], data_offsets: [38, 42] },
        e: { dtype: 'F32', shape: [0, 5], data_offsets: [42, 42] },
        z: { dtype: 'I64', shape: [0], data_offsets: [42, 42] },
      },
      [
        ...f32(1.5, -2),
        ...[0x00, 0x3c, 0x00, 0xc0, 0xff, 0x7b], // F16 1, -2, 65504 (the largest half)
        ...[0x80, 0x3f, 0x40, 0xc0], // BF16 1, -3
        ...[0xff, 0xff, 0xff, 0xff], // I32 -1
        ...[7, 0, 0, 0, 0, 0, 0, 0, 0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff], // I64 7, -2
        ...f32(0.25),
      ],
    );
    const t = readSafetensors(bytes, 'm.safetensors');
    expect(Array.from(t.get('a')!.data)).toEqual([1.5, -2]);
    expect(Array.from(t.get('h')!.data)).toEqual([1, -2, 65504]);
    expect(t.get('b')).toEqual({ dtype: 'BF16', shape: [1, 2], data: Float32Array.from([1, -3]) });
    expect(t.get('i')).toEqual({ dtype: 'I32', shape: [1], data: Int32Array.from([-1]) });
    expect(t.get('l')).toEqual({ dtype: 'I64', shape: [2], data: Int32Array.from([7, -2]) });
    expect(Array.from(t.get('s')!.data)).toEqual([0.25]);
    expect(t.get('e')!.data.length).toBe(0);
    expect(readSafetensorsHeader(bytes, 'm.safetensors').metadata).toEqual({ format: 'pt' });
  });

  it('a file Firth wrote reads back bit for bit, at any alignment in memory', () => {
    const w = Float32Array.from([1, -0, 3.4e38, 1e-45, Math.PI, -7]);
    const bytes = writeSafetensors(new Map([['w', { shape: [2, 3], data: w }]]));
    const shifted = new Uint8Array(bytes.length + 1).subarray(1); // an odd byteOffset
    shifted.set(bytes);
    expect(readSafetensors(shifted).get('w')!.data).toEqual(w);
    expect(() => writeSafetensors(new Map([['__metadata__', { shape: [1], data: [0] }]]))).toThrow(
      'a tensor cannot be named "__metadata__"',
    );
  });
});

describe('safetensors: inconsistent files are refused, naming the problem', () => {
  const two = (a: [number, number], b: [number, number], dataBytes: number) =>
    file(
      {
        a: { dtype: 'F32', shape: [(a[1] - a[0]) / 4], data_offsets: a },
        b: { dtype: 'F32', shape: [(b[1] - b[0]) / 4], data_offsets: b },
      },
      new Uint8Array(dataBytes),
    );

  it('gap: bytes between two tensors that belong to neither', () => {
    expect(read(two([0, 4], [8, 12], 12))).toThrow(
      'm.safetensors: tensor "b" begins at data byte 8, but tensor "a" ends at 4: a gap of 4 bytes that belong to no tensor',
    );
    expect(read(two([4, 8], [8, 12], 12))).toThrow(
      'tensor "a" begins at data byte 4, but the data section starts at 0: a gap of 4 bytes',
    );
  });

  it('overlap: two tensors sharing bytes', () => {
    expect(read(two([0, 8], [4, 12], 12))).toThrow(
      'm.safetensors: tensor "b" (data_offsets [4, 12]) overlaps tensor "a" (data_offsets [0, 8])',
    );
    expect(read(two([0, 8], [0, 8], 8))).toThrow('overlaps tensor');
  });

  it('duplicate name: a tensor listed twice (JSON.parse would keep the last)', () => {
    const header =
      '{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"w":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}';
    expect(read(file(header, f32(1, 2)))).toThrow(
      'm.safetensors: header $.w appears twice in the same object',
    );
    const field = '{"w":{"dtype":"F32","shape":[1],"dtype":"I32","data_offsets":[0,4]}}';
    expect(read(file(field, f32(1)))).toThrow('m.safetensors: header $.w.dtype appears twice');
  });

  it('byte-count mismatch: data_offsets that disagree with dtype × shape', () => {
    const bytes = file({ w: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, f32(1, 2));
    expect(read(bytes)).toThrow(
      'm.safetensors: tensor "w" is F32 of shape [3]: 3 × 4 = 12 bytes, but its data_offsets [0, 8] hold 8',
    );
    const half = file({ w: { dtype: 'F16', shape: [2, 2], data_offsets: [0, 16] } }, new Uint8Array(16));
    expect(read(half)).toThrow(
      'is F16 of shape [2,2]: 4 × 2 = 8 bytes, but its data_offsets [0, 16] hold 16',
    );
    // a shape whose product passes 2^53 is not multiplied out
    const huge = file({ w: { dtype: 'F32', shape: [2 ** 40, 2 ** 40], data_offsets: [0, 8] } }, f32(1, 2));
    expect(read(huge)).toThrow('is F32 of shape [1099511627776,1099511627776]: more than the file holds');
    const backwards = file({ w: { dtype: 'F32', shape: [0], data_offsets: [4, 0] } }, f32(1));
    expect(read(backwards)).toThrow('tensor "w" has data_offsets [4, 0]: the end is before the begin');
    const past = file({ w: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } }, f32(1));
    expect(read(past)).toThrow('has data_offsets [0, 8] past the end of the 4-byte data section');
  });

  it('trailing junk: bytes after the last tensor', () => {
    const bytes = writeSafetensors(new Map([['w', { shape: [2], data: [1, 2] }]]));
    const longer = new Uint8Array(bytes.length + 4);
    longer.set(bytes);
    expect(read(longer)).toThrow(
      "m.safetensors: has 4 trailing bytes after the last tensor's data (the tensors cover 8 of 12 bytes)",
    );
  });

  it('a BERT checkpoint with 4 bytes inserted in its data no longer loads (it gave NaN embeddings)', () => {
    const fixtures = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');
    const bytes = readFileSync(join(fixtures, 'hf-tiny-bert', 'model.safetensors'));
    const at = bytes.length - 1000;
    const grown = new Uint8Array(bytes.length + 4);
    grown.set(bytes.subarray(0, at));
    grown.set([0xde, 0xad, 0xbe, 0xef], at);
    grown.set(bytes.subarray(at), at + 4);
    expect(read(grown)).toThrow("m.safetensors: has 4 trailing bytes after the last tensor's data");
  });

  it('header length too big: over the 100 MB limit, or past the end of the file', () => {
    const bytes = file({ w: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } }, f32(1));
    const view = new DataView(bytes.buffer);
    view.setBigUint64(0, 2n ** 63n, true);
    expect(read(bytes)).toThrow(
      'm.safetensors: header length 9223372036854775808 is over the 100000000-byte limit',
    );
    view.setBigUint64(0, 1000n, true);
    expect(read(bytes)).toThrow(
      /^m\.safetensors: header length 1000 runs past the end of the file \(\d+ bytes follow/,
    );
    expect(read(bytes.subarray(0, 5))).toThrow(
      'm.safetensors: has 5 bytes, fewer than the 8 of the header length',
    );
  });

  it('a header that is not a JSON object of tensors: not UTF-8, not an object, wrong fields', () => {
    expect(read(file(' {}'))).toThrow('m.safetensors: header must be a JSON object starting with "{"');
    const bad = file('{}');
    bad[9] = 0xff;
    expect(read(bad)).toThrow('m.safetensors: header is not valid UTF-8 text');
    expect(read(file('{"a":1} x'))).toThrow('header is not valid JSON: unexpected "x" at line 1, column 9');
    expect(read(file('[]'))).toThrow('m.safetensors: header must be a JSON object starting with "{"');
    expect(read(file({ __metadata__: { format: 1 } }))).toThrow(
      'm.safetensors: __metadata__.format must be a string, got number 1',
    );
    expect(read(file({ w: { dtype: 'F64', shape: [1], data_offsets: [0, 8] } }, new Uint8Array(8)))).toThrow(
      'm.safetensors: tensor "w".dtype must be one of "F32", "F16", "BF16", "I32", "I64", got the string "F64"',
    );
    expect(read(file({ w: { dtype: 'F32', shape: [-1], data_offsets: [0, 4] } }, f32(1)))).toThrow(
      'm.safetensors: tensor "w".shape[0] must be an integer ≥ 0, got number -1',
    );
    expect(read(file({ w: { dtype: 'F32', shape: [1], data_offsets: [0] } }, f32(1)))).toThrow(
      'm.safetensors: tensor "w".data_offsets must be an array of 2 items',
    );
    expect(read(file({ w: 'x' }))).toThrow('m.safetensors: tensor "w" must be an object, got the string "x"');
  });

  it('I64 values that do not fit in int32', () => {
    const bytes = file({ ids: { dtype: 'I64', shape: [1], data_offsets: [0, 8] } }, [0, 0, 0, 0, 1, 0, 0, 0]);
    expect(read(bytes)).toThrow(
      'm.safetensors: tensor "ids" holds 4294967296 at index 0, which does not fit in int32',
    );
  });
});

describe('NaN and Infinity weights: refused by default, loaded with allowNonFinite', () => {
  it('readSafetensors names the tensor and the index (F32, and F16 infinity)', () => {
    const nan = file({ w: { dtype: 'F32', shape: [3], data_offsets: [0, 12] } }, f32(0, Number.NaN, 1));
    expect(read(nan)).toThrow(
      'm.safetensors: tensor "w" holds NaN at index 1: weights must be finite (pass allowNonFinite: true to load them anyway)',
    );
    expect(Array.from(readSafetensors(nan, 'm', { allowNonFinite: true }).get('w')!.data)).toEqual([
      0,
      Number.NaN,
      1,
    ]);
    const inf = file({ h: { dtype: 'F16', shape: [2], data_offsets: [0, 4] } }, [0, 0, 0x00, 0xfc]);
    expect(read(inf)).toThrow('tensor "h" holds -Infinity at index 1');
  });

  it('GPT.fromSafetensors (Firth checkpoints) with and without allowNonFinite', () => {
    const gpt = new GPT({ vocabSize: 5, blockSize: 4, nLayer: 1, nHead: 1, nEmbd: 4 });
    const bytes = gpt.toSafetensors();
    const { tensors, dataStart } = readSafetensorsHeader(bytes);
    const wq = tensors.find((t) => t.name === 'h.0.attention.wq')!;
    new DataView(bytes.buffer).setFloat32(dataStart + wq.begin + 8, Number.POSITIVE_INFINITY, true);
    expect(() => GPT.fromSafetensors(bytes, 'gpt.safetensors')).toThrow(
      'gpt.safetensors: tensor "h.0.attention.wq" holds Infinity at index 2',
    );
    const loaded = GPT.fromSafetensors(bytes, 'gpt.safetensors', { allowNonFinite: true });
    expect(loaded.parameterCount).toBe(gpt.parameterCount);
  });

  it('GPT.fromSafetensors checks the config in the metadata before allocating anything', () => {
    const gpt = new GPT({ vocabSize: 5, blockSize: 4, nLayer: 1, nHead: 1, nEmbd: 4 });
    const withConfig = (config: string) =>
      writeSafetensors(new Map([['w', { shape: [1], data: [0] }]]), { format: 'firth-gpt', config });
    // 2^24 × 2^16 floats would be 4 TiB: refused before the first parameter is made
    const huge = '{"vocabSize": 16777216, "nEmbd": 65536, "nLayer": 1000}';
    expect(() => GPT.fromSafetensors(withConfig(huge), 'g')).toThrow(
      'g: has no tensor "tokenEmbedding" (the config needs [16777216,65536])',
    );
    expect(() => GPT.fromSafetensors(withConfig('{"vocabSize": -5}'), 'g')).toThrow(
      'g metadata config: $.vocabSize must be an integer ≥ 1 and ≤ 16777216, got number -5',
    );
    expect(() => GPT.fromSafetensors(withConfig('{"vocabSize": 5, "nEmbd": 6, "nHead": 4}'), 'g')).toThrow(
      'g: metadata config nHead 4 does not divide nEmbd 6',
    );
    expect(() => GPT.fromSafetensors(withConfig('[1'), 'g')).toThrow('g metadata config: is not valid JSON');
    const small = new GPT({ vocabSize: 5, blockSize: 4, nLayer: 1, nHead: 1, nEmbd: 8 }).toSafetensors();
    expect(() =>
      GPT.fromSafetensors(
        writeSafetensors(new Map([...readSafetensors(small)].map(([k, t]) => [k, t] as const)), {
          format: 'firth-gpt',
          config: JSON.stringify(gpt.config),
        }),
        'g',
      ),
    ).toThrow('g: tensor "tokenEmbedding" has shape [5,8], the config needs [5,4]');
  });

  it('every refusal above is a Firth error (never a RangeError or TypeError)', () => {
    for (const bytes of [file('{"w": 1}'), file('[]'), file('{"w": {"dtype": "F32"}}'), new Uint8Array(3)])
      try {
        readSafetensors(bytes);
        expect.unreachable();
      } catch (e) {
        expect(isFirthError(e), String(e)).toBe(true);
      }
  });
});
