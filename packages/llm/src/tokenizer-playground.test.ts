import { describe, expect, it } from 'vitest';
import {
  compareTokenizers,
  PLAYGROUND_TOKENIZERS,
  tokenizeWith,
  visibleToken,
} from './tokenizer-playground.js';

describe('tokenizer playground', () => {
  it('"Once upon a time": TinyStories\' SentencePiece and GPT-4o side by side', async () => {
    const [llama, gpt] = await compareTokenizers('Once upon a time', ['llama2c-tinystories', 'gpt-4o']);
    expect(llama).toEqual({
      name: 'llama2c-tinystories',
      tokens: [' Once', ' upon', ' a', ' time'],
      ids: [403, 407, 261, 378],
      count: 4,
      charsPerToken: 4,
      shown: ['·Once', '·upon', '·a', '·time'],
    });
    // o200k_base, as OpenAI's tokenizer page shows it
    expect(gpt).toEqual({
      name: 'gpt-4o',
      tokens: ['Once', ' upon', ' a', ' time'],
      ids: [18049, 7557, 261, 1058],
      count: 4,
      charsPerToken: 4,
      shown: ['Once', '·upon', '·a', '·time'],
    });
  });

  it('every tokenizer by default; a small vocabulary cuts into more pieces; errors per tokenizer', async () => {
    const views = await compareTokenizers('Hello, world! 🤖');
    expect(views.map((v) => v.name)).toEqual([...PLAYGROUND_TOKENIZERS]);
    const byName = Object.fromEntries(views.map((v) => [v.name, v]));
    expect(byName['gpt-4o']!.count).toBeLessThan(byName['bpe-shakespeare']!.count);
    // tiny Shakespeare has no emoji: the character tokenizer says so instead of failing the comparison
    expect(byName['char-shakespeare']).toMatchObject({
      count: 0,
      error: expect.stringContaining('unknown character'),
    });
    // GPT-4o splits the robot emoji's four bytes over two tokens: shown as bytes, not '\uFFFD'
    expect(byName['gpt-4o']!.tokens.slice(-2)).toEqual([' <0xF0><0x9F><0xA4>', '<0x96>']);
    for (const v of views) expect(v.ids).toHaveLength(v.count);
    expect(byName['char-shakespeare']!.shown).toEqual([]);
  });

  it('shown: whitespace visible, byte-level BPE pieces as the text of their bytes', async () => {
    expect(visibleToken(' went')).toBe('·went');
    expect(visibleToken('\n\t \r\n')).toBe('↵→·␍↵');
    expect(visibleToken('··')).toBe('··');
    const byName = Object.fromEntries(
      (await compareTokenizers('Hello\n  world naïve')).map((v) => [v.name, v]),
    );
    // GPT-4o: the newline and the lone space are tokens of their own
    expect(byName['gpt-4o']!.tokens.slice(0, 4)).toEqual(['Hello', '\n', ' ', ' world']);
    expect(byName['gpt-4o']!.shown.slice(0, 4)).toEqual(['Hello', '↵', '·', '·world']);
    // tiny Shakespeare's byte-level BPE: 'Ċ' is the newline byte, 'Ġ' the space; 'ï' is two bytes
    // that the 512-id vocabulary keeps apart, so each reads as a byte
    const bpe = byName['bpe-shakespeare']!;
    expect(bpe.tokens.slice(0, 5)).toEqual(['He', 'll', 'o', 'Ċ', 'Ġ']);
    expect(bpe.shown.slice(0, 5)).toEqual(['He', 'll', 'o', '↵', '·']);
    expect(bpe.shown.join('')).toBe('Hello↵··world·na<0xC3><0xAF>ve');
    // SentencePiece's byte-fallback pieces stay as the vocabulary names them
    expect(byName['llama2c-tinystories']!.shown).toContain('<0x0A>');
    for (const v of Object.values(byName)) expect(v.shown).toHaveLength(v.count);
  });

  it('empty text and bad names', async () => {
    expect(await tokenizeWith('gpt-4o', '')).toEqual({
      name: 'gpt-4o',
      tokens: [],
      ids: [],
      count: 0,
      charsPerToken: 0,
      shown: [],
    });
    await expect(tokenizeWith('gpt-5' as never, 'x')).rejects.toThrow(/unknown tokenizer "gpt-5"/);
  });
});
