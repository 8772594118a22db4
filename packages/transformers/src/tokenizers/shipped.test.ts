import { describe, expect, it } from 'vitest';
import { SHIPPED_TOKENIZERS, shippedTokenizer, tokenizeForDisplay } from './shipped.js';

describe('shipped tokenizers: the same text cut four ways', () => {
  const text = 'Once upon a time, there was a little girl named Lily.';

  it('llama2.c TinyStories: the NumPy reference ids', () => {
    const r = tokenizeForDisplay(shippedTokenizer('llama2c-tinystories'), 'Once upon a time');
    expect(r).toEqual({
      tokens: [' Once', ' upon', ' a', ' time'],
      ids: [403, 407, 261, 378],
      count: 4,
      characters: 16,
      decoded: 'Once upon a time',
    });
  });

  it('every tokenizer round-trips the sentence; a story-trained vocabulary needs the fewest tokens', () => {
    const counts = Object.fromEntries(
      SHIPPED_TOKENIZERS.map((name) => {
        const r = tokenizeForDisplay(shippedTokenizer(name), text);
        // WordPiece is uncased and splits punctuation: it gives the lowercased words back
        expect(name === 'wordpiece-shakespeare' ? r.decoded.replace(/ ([,.])/g, '$1') : r.decoded).toBe(
          name === 'wordpiece-shakespeare' ? text.toLowerCase() : text,
        );
        return [name, r.count];
      }),
    );
    expect(counts['char-shakespeare']).toBe(text.length);
    expect(counts['llama2c-tinystories']!).toBeLessThan(counts['bpe-shakespeare']!);
    expect(counts['bpe-shakespeare']!).toBeLessThan(counts['char-shakespeare']!);
  });

  it('is cached, and an unknown name is an error', () => {
    expect(shippedTokenizer('bpe-shakespeare')).toBe(shippedTokenizer('bpe-shakespeare'));
    expect(() => shippedTokenizer('gpt-4o' as never)).toThrow(/unknown tokenizer "gpt-4o"/);
  });
});
