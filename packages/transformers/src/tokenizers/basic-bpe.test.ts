import { describe, expect, test } from 'vitest';
import { BasicBPETokenizer } from './basic-bpe.js';

describe('BasicBPETokenizer (minbpe basic.py)', () => {
  // Wikipedia "Byte pair encoding": aaabdaaabac → ZabdZabac → ZYdZYac → XdXac
  test('test_wikipedia_example: aa→Z, ab→Y, ZY→X', () => {
    const tok = new BasicBPETokenizer().train('aaabdaaabac', 256 + 3);
    expect(tok.merges).toEqual([
      [97, 97], // aa → Z = 256
      [97, 98], // ab → Y = 257
      [256, 257], // ZY → X = 258
    ]);
    expect(tok.encode('aaabdaaabac')).toEqual([258, 100, 258, 97, 99]);
    expect(tok.decode([258, 100, 258, 97, 99])).toBe('aaabdaaabac');
    expect(tok.tokenize('aaabdaaabac')).toEqual(['aaab', 'd', 'aaab', 'a', 'c']);
  });

  test("minbpe's first-occurrence tie rule: different merges, same ids", () => {
    const tok = new BasicBPETokenizer({ tieBreak: 'first-occurrence' }).train('aaabdaaabac', 259);
    expect(tok.merges).toEqual([
      [97, 97],
      [256, 97],
      [257, 98],
    ]);
    expect(tok.encode('aaabdaaabac')).toEqual([258, 100, 258, 97, 99]);
  });

  test.each([{ text: '' }, { text: 'hello world' }, { text: 'naïve café 🤖 日本語' }])(
    'round trip $text',
    ({ text }) => {
      const tok = new BasicBPETokenizer().train('hello hello world 🤖🤖', 280);
      expect(tok.decode(tok.encode(text))).toBe(text);
    },
  );

  test('save → load', () => {
    const tok = new BasicBPETokenizer().train('aaabdaaabac', 259);
    const back = BasicBPETokenizer.fromJSON(JSON.stringify(tok));
    expect(back.encode('aaabdaaabac')).toEqual([258, 100, 258, 97, 99]);
    expect(back.vocabSize).toBe(259);
    expect(() => new BasicBPETokenizer().train('ab', 100)).toThrow(/≥ 256/);
  });
});
