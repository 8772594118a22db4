import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { LineSentence, sentences } from './corpus.js';

const dir = mkdtempSync(join(tmpdir(), 'firth-corpus-'));
async function collect(corpus: Parameters<typeof sentences>[0]): Promise<string[][]> {
  const out: string[][] = [];
  for await (const s of sentences(corpus)) out.push(s);
  return out;
}
async function collectLines(ls: LineSentence): Promise<string[][]> {
  const out: string[][] = [];
  for await (const s of ls) out.push(s);
  return out;
}

describe('corpus', () => {
  it('string[][] passes through; lines are split on whitespace', async () => {
    expect(await collect([['a', 'b'], ['c']])).toEqual([['a', 'b'], ['c']]);
    expect(await collect(['the cat  sat', '', '\tend '])).toEqual([['the', 'cat', 'sat'], ['end']]);
    async function* lines() {
      yield 'one two';
      yield 'three';
    }
    expect(await collect(lines())).toEqual([['one', 'two'], ['three']]);
  });

  it('a file read in 7-byte chunks gives exactly what reading it whole gives (tokens and UTF-8 across boundaries)', async () => {
    const text = 'naïve café — über straße\n\nmañana 日本語 テキスト  x\r\nlast line without newline';
    const path = join(dir, 'small.txt');
    writeFileSync(path, text);
    const whole = text
      .split('\n')
      .map((l) => l.split(/\s+/).filter(Boolean))
      .filter((s) => s.length > 0);
    for (const chunkSize of [1, 2, 3, 7, 64, 1 << 16]) {
      expect(await collectLines(new LineSentence(path, { chunkSize }))).toEqual(whole);
    }
    const gz = join(dir, 'small.txt.gz');
    writeFileSync(gz, gzipSync(text));
    expect(await collectLines(new LineSentence(gz, { chunkSize: 5 }))).toEqual(whole);
  });

  it('a one-line text8-style file becomes 10,000-word sentences (gensim Text8Corpus/LineSentence)', async () => {
    const words = Array.from({ length: 25_003 }, (_, i) => `w${i % 97}`);
    const path = join(dir, 'text8.txt');
    writeFileSync(path, ` ${words.join(' ')}`);
    const got = await collectLines(new LineSentence(path, { chunkSize: 4096 }));
    expect(got.map((s) => s.length)).toEqual([10_000, 10_000, 5003]);
    expect(got.flat()).toEqual(words);
    const small = await collectLines(new LineSentence(path, { maxSentenceLength: 7, chunkSize: 100 }));
    expect(small[0]).toEqual(words.slice(0, 7));
  });

  it('non-UTF-8 input: a clear error naming the byte offset', async () => {
    const path = join(dir, 'latin1.txt');
    writeFileSync(
      path,
      Buffer.concat([Buffer.from('hello wörld '), Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x20, 0x78])]),
    );
    // 'hello wörld ' is 13 bytes; then c a f at 13..15, 0xE9 at 16 (Latin-1 é, not followed by continuation bytes)
    await expect(collectLines(new LineSentence(path, { chunkSize: 4 }))).rejects.toThrow(
      /latin1\.txt is not valid UTF-8: bad byte at offset 16/,
    );
    const truncated = join(dir, 'truncated.txt');
    writeFileSync(truncated, Buffer.from([0x61, 0x20, 0xe6, 0x97]));
    await expect(collect(truncated)).rejects.toThrow(/truncated character at offset 2/);
  });

  it('bad corpora', async () => {
    await expect(collect(join(dir, 'missing.txt'))).rejects.toThrow(/corpus file not found/);
    await expect(collect([['a'], 'b' as unknown as string[]])).rejects.toThrow(
      /corpus\[1\] must be an array of strings/,
    );
    await expect(collect(42 as unknown as string)).rejects.toThrow(/a corpus must be/);
  });
});
