import { describe, expect, test } from 'vitest';
import { ValidationError } from './base.js';
import { CharTokenizer } from './char.js';

describe('CharTokenizer', () => {
  const tok = new CharTokenizer().train('hello world');
  // vocab = sorted distinct code points: ' ' d e h l o r w
  test.each([
    { text: 'hell', tokens: ['h', 'e', 'l', 'l'], ids: [3, 2, 4, 4] },
    { text: 'world', tokens: ['w', 'o', 'r', 'l', 'd'], ids: [7, 5, 6, 4, 1] },
    { text: 'he ll', tokens: ['h', 'e', ' ', 'l', 'l'], ids: [3, 2, 0, 4, 4] },
    { text: '', tokens: [], ids: [] },
  ])('$text → $tokens → $ids → decoded', ({ text, tokens, ids }) => {
    expect(tok.tokenize(text)).toEqual(tokens);
    expect(tok.encode(text)).toEqual(ids);
    expect(tok.decode(ids)).toBe(text);
  });

  test('vocabulary is sorted by code point, emoji is one token', () => {
    const t = new CharTokenizer().train('zа😀a');
    expect(t.vocab.pieces).toEqual(['a', 'z', 'а', '😀']);
    expect(t.encode('😀a')).toEqual([3, 0]);
    expect(t.vocabSize).toBe(4);
  });

  test('unknown character names the character and its index', () => {
    expect(() => tok.encode('help')).toThrow(ValidationError);
    expect(() => tok.encode('help')).toThrow(/unknown character "p" \(U\+0070\) at index 3/);
    try {
      tok.encode('he😀x');
    } catch (e) {
      expect((e as ValidationError).path).toBe('text[2]');
    }
  });

  test('unk option and special tokens', () => {
    const t = new CharTokenizer({ unk: '<unk>', specialTokens: ['<|endoftext|>'] }).train('ab');
    expect(t.tokenize('abc<|endoftext|>a')).toEqual(['a', 'b', '<unk>', '<|endoftext|>', 'a']);
    expect(t.encode('abc<|endoftext|>a')).toEqual([2, 3, 0, 1, 2]);
  });

  test('toJSON → fromJSON gives the same encodings; untrained and bad JSON throw', () => {
    const back = CharTokenizer.fromJSON(JSON.stringify(tok));
    expect(back.encode('hello world')).toEqual(tok.encode('hello world'));
    expect(() => new CharTokenizer().encode('a')).toThrow(/not trained/);
    expect(() => CharTokenizer.fromJSON({ type: 'Other' } as never)).toThrow(ValidationError);
    expect(() => new CharTokenizer().train('ab', 3)).toThrow(/2 ids, not 3/);
  });
});
