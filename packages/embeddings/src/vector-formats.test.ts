import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dataPath } from '@firth/datasets';
import { ValidationError } from '@firth/numeric';
import { describe, expect, it } from 'vitest';
import { KeyedVectors } from './keyed-vectors.js';
import {
  detectFormat,
  firstInvalidUtf8,
  formatFloat32,
  loadVectors,
  saveVectors,
  type VectorFormat,
} from './vector-formats.js';

const dir = mkdtempSync(join(tmpdir(), 'firth-vector-formats-'));
const file = (name: string, content: string | Uint8Array) => {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
};

const small = new KeyedVectors(
  ['the', 'king', 'queen', 'café', 'ünïcödé'],
  Float32Array.from([
    0.1, -0.2, 0.3, 0.5, 0.25, -1e-7, 3.4e38, 1, 0.1, 0.2, 0.3, 0.4, -0.038194, -0.24487, 0.72812,
  ]),
  3,
);

describe('round trips through a temp file', () => {
  const cases: [VectorFormat, string][] = [
    ['word2vec', 'small.w2v.txt'],
    ['word2vec-binary', 'small.bin'],
    ['glove', 'small.glove.txt'],
    ['fasttext', 'small.vec'],
    ['ml5-json', 'small.json'],
  ];
  for (const [format, name] of cases) {
    it(`${format}: same words, same float32 values, format detected`, async () => {
      const p = join(dir, name);
      await saveVectors(small, p, { format });
      expect(await detectFormat(p)).toBe(format);
      const back = await loadVectors(p);
      expect(back.indexToKey).toEqual(small.indexToKey);
      expect(back.vectorSize).toBe(3);
      expect(Array.from(back.vectors)).toEqual(Array.from(small.vectors));
      const two = await loadVectors(p, { format, limit: 2 });
      expect(two.indexToKey).toEqual(['the', 'king']);
      expect(Array.from(two.vectors)).toEqual(Array.from(small.vectors.subarray(0, 6)));
    });
  }

  it('reads word2vec.c binary records that end with a newline, and fastText lines ending with a space', async () => {
    const header = Buffer.from('2 2\n');
    const rec = (w: string, a: number, b: number) => {
      const v = Buffer.alloc(8);
      v.writeFloatLE(a, 0);
      v.writeFloatLE(b, 4);
      return Buffer.concat([Buffer.from(`${w} `), v, Buffer.from('\n')]);
    };
    const kv = await loadVectors(file('c.bin', Buffer.concat([header, rec('a', 1, 2), rec('b', 3, 4)])));
    expect(kv.indexToKey).toEqual(['a', 'b']);
    expect(Array.from(kv.vectors)).toEqual([1, 2, 3, 4]);
    const vec = await loadVectors(file('ft.vec', '2 2\na 1 2 \nb 3 4 \n'));
    expect(Array.from(vec.vectors)).toEqual([1, 2, 3, 4]);
    const crlf = await loadVectors(file('crlf.txt', 'a 1 2\r\nb 3 4\r\n'));
    expect(crlf.indexToKey).toEqual(['a', 'b']);
  });

  it('writes the bytes gensim writes (first 20 GloVe words, text and binary) and reads gensim files', async () => {
    const glove = await loadVectors(dataPath('models/glove-6B-100d-top20k/glove.6B.100d.top20k.txt'), {
      limit: 20,
    });
    for (const [format, ext] of [
      ['word2vec', 'txt'],
      ['word2vec-binary', 'bin'],
    ] as const) {
      const gensimFile = new URL(`../fixtures/glove-first20.gensim.${ext}`, import.meta.url).pathname;
      const ours = join(dir, `first20.${ext}`);
      await saveVectors(glove, ours, { format });
      expect(readFileSync(ours).equals(readFileSync(gensimFile))).toBe(true);
      const back = await loadVectors(gensimFile);
      expect(back.indexToKey).toEqual(glove.indexToKey);
      expect(back.vectors).toEqual(glove.vectors);
    }
  });

  it("shortest float32 text, as Python's repr of a numpy float32", () => {
    expect(formatFloat32(Math.fround(0.1))).toBe('0.1');
    expect(formatFloat32(Math.fround(-0.038194))).toBe('-0.038194');
    expect(formatFloat32(Math.fround(3.4e38))).toBe('3.4e+38');
    // numpy: repr(np.float32(x)) for x in 2.6336e-05, 0.0001, 0.00012, 1.0, 1e15, 1e16, -0.0
    const numpy = ['2.6336e-05', '1e-04', '0.00012', '1.0', '1000000000000000.0', '1e+16', '-0.0'];
    expect([2.6336e-5, 1e-4, 1.2e-4, 1, 1e15, 1e16, -0].map((x) => formatFloat32(Math.fround(x)))).toEqual(
      numpy,
    );
  });

  it('reads the shipped files: GloVe 20k (limit 1,000) and the ml5 JSON', async () => {
    const glove = await loadVectors(dataPath('models/glove-6B-100d-top20k/glove.6B.100d.top20k.txt'), {
      limit: 1000,
    });
    expect(glove.length).toBe(1000);
    expect(glove.vectorSize).toBe(100);
    expect(glove.indexToKey.slice(0, 3)).toEqual(['the', ',', '.']);
    expect(Array.from(glove.get('the').subarray(0, 3))).toEqual(
      [-0.038194, -0.24487, 0.72812].map(Math.fround),
    );
    const ml5 = await loadVectors(dataPath('models/word2vec-300d-top1000-ml5/wordvecs1000.json'));
    expect(ml5.length).toBe(1000);
    expect(ml5.vectorSize).toBe(300);
    expect(ml5.indexToKey.slice(0, 4)).toEqual(['in', 'for', 'that', 'is']);
    expect(ml5.mostSimilar({ positive: 'good', topn: 3 }).map(([w]) => w)).toEqual(['great', 'bad', 'nice']);
    expect(Math.hypot(...ml5.get('water'))).toBeCloseTo(1, 4);
  });

  it("reads wink's JSON layout ({ words, vectors: word → [..., l2norm, index] }) keeping the first N numbers", async () => {
    const p = file('wink.json', '{"words":["the","a"],"vectors":{"the":[1,2,2.23,0],"a":[3,4,5,1]}}');
    const kv = await loadVectors(p, { dimensions: 2 });
    expect(kv.indexToKey).toEqual(['the', 'a']);
    expect(Array.from(kv.vectors)).toEqual([1, 2, 3, 4]);
  });
});

describe('bad files say what is wrong and where', () => {
  const fails = async (p: string, message: string | RegExp, options = {}) => {
    await expect(loadVectors(p, options)).rejects.toThrow(message);
    await expect(loadVectors(p, options)).rejects.toBeInstanceOf(ValidationError);
  };

  it('an empty file', async () => {
    await fails(file('empty.txt', ''), /empty\.txt is empty/);
    await fails(file('empty.bin', ''), /is empty/);
  });

  it('fewer rows than the header announces (text and binary)', async () => {
    await fails(file('short.txt', '3 2\na 1 2\nb 3 4\n'), 'the header announces 3 vectors, the file holds 2');
    const two = Buffer.alloc(8);
    await fails(
      file('short.bin', Buffer.concat([Buffer.from('3 2\na '), two, Buffer.from('b '), two])),
      'the header announces 3 vectors, the file holds 2',
    );
  });

  it('a short binary record', async () => {
    await fails(
      file(
        'cut.bin',
        Buffer.concat([Buffer.from('2 2\na '), Buffer.alloc(8), Buffer.from('b '), Buffer.alloc(5)]),
      ),
      'truncated inside record 2 (word "b", byte offset 14): 5 of 8 vector bytes',
    );
  });

  it('a line with the wrong number of values names its line number and word', async () => {
    await fails(file('dim.txt', 'a 1 2 3\nb 1 2 3\nc 1 2\n'), 'line 3 (word "c") has 2 values, expected 3');
    await fails(
      file('dim.w2v.txt', '2 3\na 1 2 3\nb 1 2 3 4\n'),
      'line 3 (word "b") has 4 values, expected 3',
    );
    await fails(
      file('dim.json', '{"vectors":{"a":[1,2],"b":[1]}}'),
      'entry 2 (word "b") has 1 values, expected 2',
    );
  });

  it('a value that is not a number', async () => {
    await fails(file('nan.txt', 'a 1 2\nb 1 x2\n'), 'line 2 (word "b"), value 2: "x2" is not a number');
    await fails(
      file('nan.json', '{"vectors":{"a":[1,"x"]}}'),
      'entry 1 (word "a"), value 2: "\\"x\\"" is not a number',
    );
  });

  it('bytes that are not UTF-8 (the byte offset and line)', async () => {
    const bad = Buffer.concat([Buffer.from('a 1 2\nb'), Buffer.from([0xe9]), Buffer.from(' 3 4\n')]);
    await fails(file('latin1.txt', bad), 'is not valid UTF-8: line 2, byte offset 7');
    const binary = Buffer.concat([
      Buffer.from('1 1\nx'),
      Buffer.from([0xff]),
      Buffer.from(' '),
      Buffer.alloc(4),
    ]);
    await fails(file('latin1.bin', binary), 'not valid UTF-8 in the word of record 1, byte offset 5');
    expect(firstInvalidUtf8(Buffer.from('café'))).toBe(-1);
    expect(firstInvalidUtf8(Uint8Array.from([0x61, 0xc3]))).toBe(1);
  });

  it('a bad header, a missing "vectors" object', async () => {
    await fails(file('header.bin', 'ten 3\n'), 'header "ten 3" should be "<count> <dimension>"');
    await fails(file('novectors.json', '{"words":["a"]}'), 'no "vectors" object found');
  });
});
