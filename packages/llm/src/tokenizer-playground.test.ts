import { describe, expect, it } from 'vitest';
import { compareTokenizers, PLAYGROUND_TOKENIZERS, tokenizeWith } from './tokenizer-playground.js';

describe('tokenizer playground', () => {
  it('"Once upon a time": TinyStories\' SentencePiece and GPT-4o side by side', async () => {
    const [llama, gpt] = await compareTokenizers('Once upon a time', ['llama2c-tinystories', 'gpt-4o']);
    expect(llama).toEqual({
      name: 'llama2c-tinystories',
      tokens: [' Once', ' upon', ' a', ' time'],
      ids: [403, 407, 261, 378],
      count: 4,
      charsPerToken: 4,
    });
    // o200k_base, as OpenAI's tokenizer page shows it
    expect(gpt).toEqual({
      name: 'gpt-4o',
      tokens: ['Once', ' upon', ' a', ' time'],
      ids: [18049, 7557, 261, 1058],
      count: 4,
      charsPerToken: 4,
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
  });

  it('empty text and bad names', async () => {
    expect(await tokenizeWith('gpt-4o', '')).toEqual({
      name: 'gpt-4o',
      tokens: [],
      ids: [],
      count: 0,
      charsPerToken: 0,
    });
    await expect(tokenizeWith('gpt-5' as never, 'x')).rejects.toThrow(/unknown tokenizer "gpt-5"/);
  });
});
