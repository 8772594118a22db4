import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { ValidationError } from './base.js';
import { SentencePieceBPETokenizer } from './sentencepiece-bpe.js';
import { loadLlama2cTokenizer } from './sentencepiece-file.js';

const tok = loadLlama2cTokenizer();

describe('llama2.c tokenizer, tinyllamas-stories260K tok512.bin', () => {
  test('file layout: 512 pieces, <unk>, BOS, EOS, byte tokens', () => {
    expect(tok.vocabSize).toBe(512);
    expect(tok.idToToken(0)).toBe('<unk>');
    expect(tok.idToToken(1)).toBe('\n<s>\n');
    expect(tok.idToToken(2)).toBe('\n</s>\n');
    expect(tok.idToToken(3)).toBe('<0x00>');
    expect(tok.idToToken(258)).toBe('<0xFF>');
    expect(tok.tokenToId(' ')).toBe(410);
  });

  // text → pieces (no BOS) → ids (with BOS, as run.c's generate) → decoded
  test.each([
    { text: 'Once upon a time', pieces: [' Once', ' upon', ' a', ' time'], ids: [1, 403, 407, 261, 378] },
    {
      text: 'Hello 🤖 world',
      pieces: [' He', 'll', 'o', ' ', '<0xF0>', '<0x9F>', '<0xA4>', '<0x96>', ' w', 'or', 'ld'],
      ids: [1, 346, 306, 414, 410, 243, 162, 167, 153, 263, 304, 341],
    },
    {
      text: 'Lily said, "Hi!"\nThe end.',
      pieces: [' Lily', ' said', ',', ' "', 'H', 'i', '!', '"', '<0x0A>', 'T', 'he', ' e', 'nd', '.'],
      ids: [1, 317, 336, 432, 313, 440, 417, 443, 436, 13, 434, 260, 344, 264, 426],
    },
    { text: '', pieces: [], ids: [1] },
  ])('$text', ({ text, pieces, ids }) => {
    expect(tok.tokenize(text)).toEqual(pieces);
    expect(tok.encode(text)).toEqual(ids);
    expect(tok.decode(ids)).toBe(text);
  });

  test.each([
    'The little dog was happy. He played with his ball all day.',
    'naïve café — 日本語 🙂',
    '  two leading spaces',
  ])('round trip %s', (text) => {
    expect(tok.decode(tok.encode(text))).toBe(text);
    expect(tok.decode(tok.encode(text, { bos: true, eos: true }))).toBe(text);
  });

  test('bos/eos options; without BOS the dummy-prefix space stays (run.c strips it only after BOS)', () => {
    expect(tok.encode('Once', { bos: false })).toEqual([403]);
    expect(tok.encode('Once', { eos: true })).toEqual([1, 403, 2]);
    expect(tok.encode('', { bos: false })).toEqual([]);
    expect(tok.decode([403])).toBe(' Once');
  });

  test('toBytes writes the file back byte for byte', () => {
    const path = fileURLToPath(
      new URL('../../../datasets/models/tinyllamas-stories260K/tok512.bin', import.meta.url),
    );
    if (!existsSync(path)) return;
    expect(Buffer.from(tok.toBytes()).equals(readFileSync(path))).toBe(true);
  });

  test('a truncated file names the entry and the byte offset', () => {
    const bytes = tok.toBytes().slice(0, 1000);
    expect(() => SentencePieceBPETokenizer.fromBytes(bytes)).toThrow(ValidationError);
    expect(() => SentencePieceBPETokenizer.fromBytes(bytes)).toThrow(
      /truncated: entry \d+ of 512 .* at byte offset \d+/,
    );
    expect(() => SentencePieceBPETokenizer.fromBytes(new Uint8Array(2))).toThrow(/header .* byte offset 0/);
    expect(() => SentencePieceBPETokenizer.fromBytes(tok.toBytes(), 511)).toThrow(
      /bytes after its 511 entries/,
    );
    expect(() => loadLlama2cTokenizer('/nonexistent/tok.bin')).toThrow(/cannot read/);
    expect(() => tok.decode([512])).toThrow(/ids\[0\] = 512/);
  });
});

// An independent NumPy implementation's output, when the fixture exists.
const fixturePath = fileURLToPath(new URL('../../fixtures/llama2c-stories260k.json', import.meta.url));
const fixture = existsSync(fixturePath)
  ? (JSON.parse(readFileSync(fixturePath, 'utf8')) as {
      tokenizer?: Array<{ text: string; ids: number[]; pieces?: string[]; decoded: string }>;
    })
  : undefined;
describe.runIf(fixture?.tokenizer)('llama2.c tokenizer vs the NumPy fixture', () => {
  test.each(fixture?.tokenizer ?? [])('$text', ({ text, ids, pieces, decoded }) => {
    const bos = ids[0] === 1;
    expect(tok.encode(text, { bos, eos: ids.at(-1) === 2 && ids.length > 1 })).toEqual(ids);
    if (pieces) expect(ids.map((id) => tok.idToToken(id))).toEqual(pieces);
    expect(tok.decode(ids)).toBe(decoded);
  });
});
