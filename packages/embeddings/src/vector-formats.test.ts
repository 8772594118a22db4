import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dataPath } from '@firth/datasets';
import { FormatError, ValidationError } from '@firth/numeric';
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
import { parseVectors } from './vector-parse.js';

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
      // the same readers over the file's contents (a browser's fetched bytes): same result, same sniffing
      const bytes = new Uint8Array(readFileSync(p));
      for (const parsed of [
        await parseVectors(bytes, { name }),
        await parseVectors(bytes.slice().buffer, { format }),
        ...(format === 'word2vec-binary'
          ? []
          : [await parseVectors(new TextDecoder().decode(bytes), { name })]),
      ]) {
        expect(parsed.indexToKey).toEqual(small.indexToKey);
        expect(Array.from(parsed.vectors)).toEqual(Array.from(small.vectors));
      }
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

/** Loads `content` as `name`; the error must be a FormatError naming the file, then `message`. */
const refuses = async (
  name: string,
  content: string | Uint8Array,
  message: string | RegExp,
  options = {},
) => {
  const p = file(name, content);
  const error = await loadVectors(p, options).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error, `${name} was accepted`).toBeInstanceOf(FormatError);
  const text = (error as Error).message;
  expect(text.startsWith(`${p}: `), text).toBe(true);
  if (typeof message === 'string') expect(text).toContain(message);
  else expect(text).toMatch(message);
};
const f32 = (...values: number[]) => {
  const b = Buffer.alloc(4 * values.length);
  values.forEach((v, k) => {
    b.writeFloatLE(v, 4 * k);
  });
  return b;
};
const bin = (...parts: (string | Buffer)[]) =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : p)));

describe('bad files say what is wrong and where', () => {
  it('an empty, missing or unreadable file', async () => {
    await refuses('empty.txt', '', 'is empty');
    await refuses('empty.bin', '', 'is empty');
    await expect(loadVectors(join(dir, 'nope.txt'))).rejects.toThrow(/nope\.txt: cannot be read \(ENOENT\)/);
    await expect(loadVectors(dir)).rejects.toThrow(/is not a file/);
  });

  it('a tiny file whose header announces huge counts or vector sizes: refused before allocating', async () => {
    // the RangeError "Array buffer allocation failed" of a 14–29 byte file, text and binary
    await refuses(
      'huge-dim.txt',
      '2 999999999\na 1\n',
      'announces vectors of size 999999999: the size must be 1 to 65536',
    );
    await refuses(
      'huge-dim.bin',
      bin('2 65536\na ', f32(1)),
      /announces 2 vectors of size 65536, which need at least 524292 bytes; the file has 6 after the header/,
    );
    await refuses(
      'huge-count.bin',
      bin('99999999 300\nab ', f32(1)),
      'announces 99999999 vectors of size 300',
    );
    await refuses(
      'huge-count.txt',
      '4294967295 2\na 1 2\n',
      /line 1 \(the header\) announces 4294967295 vectors of size 2, which need at least 21474836475 bytes; the file has 6/,
    );
    await refuses('zero.txt', '0 2\n', 'announces 0 vectors: a vector file holds at least one');
    await refuses('zero-dim.bin', bin('1 0\na '), 'announces vectors of size 0');
    await refuses(
      'header.bin',
      'ten 3\n',
      'line 1 should be the header "<count> <vector size>", got "ten 3"',
    );
    await refuses('noheader.bin', Buffer.alloc(100, 0x41), 'a newline, within the first 64 bytes');
  });

  it('fewer vectors than the header announces; content after the last one', async () => {
    await refuses(
      'short.txt',
      '3 2\nalpha 1 2\nbeta 3 4\n',
      'is truncated: the header announces 3 vectors, the file holds 2',
    );
    await refuses('long.txt', '1 2\na 1 2\nb 3 4\n', 'line 3 comes after the 1 vectors the header announces');
    await refuses('blank-end.txt', '1 2\na 1 2\n\n', 'line 3 comes after the 1 vectors');
    const word = 'w'.repeat(30);
    await refuses(
      'short.bin',
      bin('3 2\n', `${word}a `, f32(1, 2), `${word}b `, f32(3, 4)),
      'is truncated: the header announces 3 vectors, the file holds 2',
    );
    await refuses(
      'cut.bin',
      bin('2 2\n', `${word}a `, f32(1, 2), '\nb ', f32(3).subarray(0, 3)),
      /record 2 \(word "b", byte offset 45\) is truncated: 3 of 8 vector bytes/,
    );
    await refuses(
      'junk.bin',
      bin('1 2\na ', f32(1, 2), '\nxyz'),
      'byte offset 15 holds 3 more bytes after the 1 vectors',
    );
    // one "\n" after a record is word2vec.c's; two are not
    await refuses(
      'two-newlines.bin',
      bin('2 1\na ', f32(1), '\n\nb ', f32(2)),
      'record 2 holds the word "\\nb", which contains a newline',
    );
  });

  it('a line with the wrong number of values names its line number and word', async () => {
    await refuses('dim.txt', 'a 1 2 3\nb 1 2 3\nc 1 2\n', 'line 3 (word "c") has 2 values, expected 3');
    await refuses('dim.w2v.txt', '2 3\na 1 2 3\nb 1 2 3 4\n', 'line 3 (word "b") has 4 values, expected 3');
    await refuses(
      'dim.json',
      '{"vectors":{"a":[1,2],"b":[1]}}',
      'entry 2 (word "b") has 1 values, expected 2',
    );
    await refuses('bare.txt', 'a\nb 1\n', 'line 1 (word "a") holds 0 numbers: a vector has 1 to 65536');
    await refuses('blank.txt', 'a 1\n\nb 2\n', 'line 2 is empty: each line holds a word and its numbers');
  });

  it('numbers are read strictly: 1.5abc, 0x10, 1_0 and empty fields are errors', async () => {
    await refuses('x2.txt', 'a 1 2\nb 1 x2\n', 'line 2 (word "b"), value 2: "x2" is not a number');
    await refuses('abc.txt', 'a 1.5abc\n', 'line 1 (word "a"), value 1: "1.5abc" is not a number');
    await refuses('hex.w2v.txt', '1 2\na 0x10 1\n', 'value 1: "0x10" is not a number');
    await refuses('underscore.txt', 'a 1_0\n', '"1_0" is not a number');
    await refuses(
      'twospaces.txt',
      'a 1  2\n',
      'line 1 (word "a"), value 2: "" is not a number (two spaces in a row?)',
    );
    await refuses(
      'str.json',
      '{"vectors":{"a":[1,"x"]}}',
      'entry 1 (word "a"), value 2: "\\"x\\"" is not a JSON number',
    );
    await refuses('hex.json', '{"vectors":{"a":[0x10]}}', '"0x10" is not a JSON number');
    await refuses('plus.json', '{"vectors":{"a":[+1]}}', '"+1" is not a JSON number');
    // Python float() reads these too; they are fine
    const kv = await loadVectors(file('forms.txt', 'a 1. .5 -2e-3 +3E+2\n'));
    expect(Array.from(kv.vectors)).toEqual([1, 0.5, -2e-3, 300].map(Math.fround));
  });

  it('NaN and ±Infinity are refused unless allowNonFinite: true (text, binary, float32 overflow in JSON)', async () => {
    await refuses(
      'nan.txt',
      'a 1 nan\n',
      /line 1 \(word "a"\) holds NaN at index 1: weights must be finite \(pass allowNonFinite: true/,
    );
    await refuses('inf.w2v.txt', '1 2\na -inf 1\n', 'line 2 (word "a") holds -Infinity at index 0');
    await refuses('overflow.txt', 'a 1e39\n', 'holds Infinity at index 0');
    await refuses(
      'nan.bin',
      bin('1 2\nab ', f32(0, Number.NaN)),
      /record 1 \(word "ab", byte offset 4\) holds NaN at index 1/,
    );
    await refuses('big.json', '{"vectors":{"a":[1e39]}}', 'entry 1 (word "a") holds Infinity at index 0');
    const kv = await loadVectors(file('nan-ok.txt', 'a 1 nan\nb inf -inf\n'), { allowNonFinite: true });
    expect(Array.from(kv.vectors)).toEqual([
      1,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
    ]);
    const b = await loadVectors(file('nan-ok.bin', bin('1 1\na ', f32(Number.NaN))), {
      allowNonFinite: true,
    });
    expect(b.vectors[0]).toBeNaN();
    // a NaN beyond the numbers kept (`dimensions`) is never loaded
    expect((await loadVectors(file('nan-dropped.txt', 'a 1 nan\n'), { dimensions: 1 })).vectorSize).toBe(1);
  });

  it('a repeated word is an error naming both places (gensim would keep the first)', async () => {
    await refuses(
      'dup.txt',
      'a 1\nb 2\na 3\n',
      'line 3 repeats the word "a" of line 1: each word may appear once',
    );
    await refuses('dup.vec', '3 1\na 1\nb 2\nb 3\n', 'line 4 repeats the word "b" of line 3');
    await refuses(
      'dup.bin',
      bin('2 1\nx ', f32(1), 'x ', f32(2)),
      'record 2 repeats the word "x" of record 1',
    );
    await refuses(
      'dup.json',
      '{"vectors":{"x":[1],"y":[2],"x":[3]}}',
      'entry 3 repeats the word "x" of entry 1',
    );
  });

  it('bytes that are not UTF-8, and words with control characters (the place and byte offset)', async () => {
    const bad = Buffer.concat([Buffer.from('a 1 2\nb'), Buffer.from([0xe9]), Buffer.from(' 3 4\n')]);
    await refuses('latin1.txt', bad, 'line 2 is not valid UTF-8 (byte offset 7)');
    await refuses(
      'latin1.bin',
      bin('1 1\nx', Buffer.from([0xff]), ' ', f32(0)),
      'record 1 (its word) is not valid UTF-8 (byte offset 5)',
    );
    await refuses(
      'latin1.json',
      bin('{"vectors":{"', Buffer.from([0xc3, 0x28]), '":[1]}}'),
      'near byte offset 13 is not valid UTF-8',
    );
    await refuses('tab.txt', 'a\tb 1\n', 'line 1 holds the word "a\\tb", which contains a tab');
    await refuses('ctl.json', '{"vectors":{"a\\u0001":[1]}}', 'contains the control character U+0001');
    await refuses('surrogate.json', '{"vectors":{"\\ud800":[1]}}', 'contains a lone UTF-16 surrogate');
    expect(firstInvalidUtf8(Buffer.from('café'))).toBe(-1);
    expect(firstInvalidUtf8(Uint8Array.from([0x61, 0xc3]))).toBe(1);
  });

  it('overlong lines and words are bounded', async () => {
    await refuses('longline.txt', `a ${'1 '.repeat(1_100_000)}\n`, /line 1 is longer than \d+ bytes/);
    await refuses(
      'longword.bin',
      bin('1 1\n', 'w'.repeat(5000), ' ', f32(1)),
      'record 1 (byte offset 4) has no space within 4097 bytes',
    );
    await refuses('longword.txt', `${'w'.repeat(5000)} 1\n`, 'which is longer than 4096 bytes');
  });

  it('JSON: syntax errors with line and column (never a bare SyntaxError), one "vectors", nothing after', async () => {
    await refuses(
      'escape.json',
      '{"vectors":{"a\\x":[1]}}',
      'line 1, column 13 the word of entry 1 of "vectors" is not a valid JSON string',
    );
    await refuses(
      'comma.json',
      '{"vectors":{"a":[1],}}',
      /line 1, column 21 expected the word of entry 2 of "vectors" \(a string in double quotes\), found "}"/,
    );
    await refuses(
      'open.json',
      '{"vectors":{"a":[1]',
      'line 1, column 20 expected "," or "}" after the vector of "a", found the end of the file',
    );
    await refuses('unterminated.json', '{"vectors":{"a', 'the file ends inside the word of entry 1');
    await refuses(
      'after.json',
      '{"vectors":{"a":[1]}} x',
      'line 1, column 23 holds "x" after the end of the JSON object',
    );
    await refuses(
      'two.json',
      '{"vectors":{"a":[1]},\n "vectors":{"b":[1]}}',
      'line 2, column 12 holds a second "vectors" member',
    );
    await refuses('novectors.json', '{"words":["a"]}', 'has no "vectors" object');
    await refuses('emptyvectors.json', '{"vectors":{}}', '"vectors" holds no vectors');
    await refuses(
      'badother.json',
      '{"words":["a" "b"],"vectors":{"a":[1]}}',
      'expected "," or "]", found "\\""',
    );
    await refuses('literal.json', '{"meta":tru,"vectors":{"a":[1]}}', 'expected a JSON value, found "tru"');
    await refuses('array.json', '[1]', 'expected "{" at the start of the file');
    // other members are checked and skipped, at any depth
    const kv = await loadVectors(
      file('other.json', '{"meta":{"a":[1,{"b":null}],"c":"\\u00e9"},"vectors":{"x":[1,2]},"n":-0.5e3}'),
    );
    expect(kv.indexToKey).toEqual(['x']);
  });

  it('bad options are a ValidationError', async () => {
    const p = file('ok.txt', 'a 1\n');
    await expect(loadVectors(p, { limit: 0 })).rejects.toThrow('limit must be a positive integer, got 0');
    await expect(loadVectors(p, { dimensions: 1.5 })).rejects.toThrow(
      'dimensions must be a positive integer',
    );
    await expect(loadVectors(p, { format: 'npy' as never })).rejects.toThrow('unknown vector format "npy"');
    await expect(loadVectors(p, { limit: 0 })).rejects.toBeInstanceOf(ValidationError);
  });

  it('saveVectors refuses words no reader would accept, and NaN in JSON', async () => {
    const kv = new KeyedVectors(['a b'], Float32Array.from([1]), 1);
    await expect(saveVectors(kv, join(dir, 'space.txt'))).rejects.toThrow(
      'word "a b" (row 0) contains a space',
    );
    const nan = new KeyedVectors(['a'], Float32Array.from([Number.NaN]), 1);
    await expect(saveVectors(nan, join(dir, 'nan.json'), { format: 'ml5-json' })).rejects.toThrow(
      'holds NaN, which JSON cannot store',
    );
    await saveVectors(nan, join(dir, 'nan-out.txt'), { format: 'glove' });
    expect(readFileSync(join(dir, 'nan-out.txt'), 'utf8')).toBe('a nan\n');
  });
});

describe("parseVectors: a file's contents, with no file system", () => {
  it('names the given name in errors, refuses empty data and data that is not bytes or text', async () => {
    await expect(parseVectors('a 1 2\nb 3\n', { name: 'fetched.txt' })).rejects.toThrow(
      'fetched.txt: line 2 (word "b") has 1 values, expected 2',
    );
    await expect(parseVectors('', { name: 'empty.txt' })).rejects.toThrow('empty.txt: is empty');
    await expect(parseVectors(42 as never)).rejects.toThrow(ValidationError);
    await expect(parseVectors('a 1\n', { limit: 0 })).rejects.toThrow('limit must be a positive integer');
  });
});
