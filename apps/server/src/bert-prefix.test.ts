/**
 * bertReadablePrefix is exact: on seeded random texts built from the characters that make BERT's
 * tokenization context-dependent (capital sigma before case-ignorable punctuation, special tokens,
 * combining marks, control and format characters, CJK, non-ASCII spaces, words over 100
 * characters), the first 62 tokens of the prefix are the first 62 tokens of the whole text.
 */
import { RandomState } from '@firth/numeric';
import { loadTinyBert, WordPieceTokenizer } from '@firth/transformers';
import { beforeAll, describe, expect, test } from 'vitest';
import { bertReadablePrefix } from './bert-prefix.js';

let tokenizer: WordPieceTokenizer;
beforeAll(async () => {
  ({ tokenizer } = await loadTinyBert());
});

const PIECES = [
  'the',
  'bank',
  'River',
  'a',
  'Z9',
  ' ',
  ' ',
  ' ',
  '  ',
  '\t',
  '\n',
  '\r\n',
  '.',
  ',',
  "'",
  ':',
  '!',
  '-',
  '$',
  'Σ',
  'ΑΣ',
  'ΟΔΟΣ',
  'σ',
  'ς',
  '我',
  '爱',
  '。',
  '「',
  'é',
  'e\u0301',
  '\u0301',
  'İ',
  'ß',
  '😀',
  '\u0000',
  '\u200b',
  '\u00ad',
  '\u3000',
  '\u00a0',
  '[CLS]',
  '[MASK]',
  '[SEP',
  'SEP]',
  '[',
  ']',
  'x'.repeat(120),
  '\uFFFD',
];

describe('bertReadablePrefix', () => {
  test('400 seeded texts: the prefix has the same first 62 tokens as the whole text', () => {
    const rng = new RandomState(2026);
    let cut = 0;
    for (let n = 0; n < 400; n++) {
      let text = '';
      const count = rng.randint(1, 1500);
      for (let k = 0; k < count; k++) text += PIECES[rng.randint(0, PIECES.length)];
      const prefix = bertReadablePrefix(tokenizer, text, 62);
      expect(text.startsWith(prefix)).toBe(true);
      const whole = tokenizer.tokenize(text).slice(0, 62);
      const read = tokenizer.tokenize(prefix);
      expect(read.slice(0, 62), JSON.stringify(text.slice(prefix.length - 20, prefix.length + 20))).toEqual(
        whole,
      );
      if (prefix.length < text.length) {
        cut++;
        expect(read.length).toBeGreaterThanOrEqual(62);
      }
    }
    expect(cut).toBeGreaterThan(200); // most texts were long enough to be cut
  });

  test('the sigma rule: no cut before "." after a capital sigma (it would change "σ" to "ς")', () => {
    // the whole text lowercases to "ασ.α" (Σ inside a word), a prefix ending "ΑΣ" to "ας" (at the end);
    // the shipped vocabulary knows no Greek (both are [UNK]), so a vocabulary that tells them apart
    const greek = WordPieceTokenizer.fromVocabTxt(
      ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', 'ας', 'ασ', 'α', '.'].join('\n'),
    );
    const text = `ΑΣ${'\u00ad'.repeat(10)}.Α`; // soft hyphens: dropped by BERT, no cut inside them
    expect(greek.tokenize(text)).toEqual(['ασ', '.', 'α']);
    const prefix = bertReadablePrefix(greek, text, 1);
    expect(greek.tokenize(prefix)[0]).toBe('ασ');
    expect(prefix).toBe(text);
    // without a sigma before it, the same "." is a cut
    const plain = `ΑΑ${'\u00ad'.repeat(10)}.Α`;
    expect(bertReadablePrefix(greek, plain, 1)).toBe(plain.slice(0, 12));
  });

  test('a long text costs what its prefix costs; text without a cut is returned whole', () => {
    const long = 'the cat sat on the mat. '.repeat(40_000); // ~1 MB
    const t0 = performance.now();
    const prefix = bertReadablePrefix(tokenizer, long, 62);
    expect(performance.now() - t0).toBeLessThan(200);
    expect(prefix.length).toBeLessThan(1000);
    const word = 'x'.repeat(5000);
    expect(bertReadablePrefix(tokenizer, word, 62)).toBe(word);
    expect(bertReadablePrefix(tokenizer, 'short text', 62)).toBe('short text');
  });
});
