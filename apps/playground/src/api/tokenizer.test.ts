import { compareTokenizers, PLAYGROUND_TOKENIZERS } from '@firth/llm';
import { MAX_TEXT_LENGTH } from '@firth/numeric';
import { HttpError } from '@firth/server';
import { describe, expect, it } from 'vitest';
import { tokenizerRoutes } from './tokenizer.js';
import type { ApiRequest } from './types.js';

const route = (path: string) => tokenizerRoutes.find((r) => r.path === path)!;
const call = (path: string, body: Record<string, unknown>) =>
  Promise.resolve().then(() => route(path).handle({ body } as ApiRequest));

describe('the tokenizer playground routes', () => {
  it('GET /api/tokenizers lists every playground tokenizer', async () => {
    expect(await call('/api/tokenizers', {})).toEqual({ tokenizers: PLAYGROUND_TOKENIZERS });
  });

  it("POST /api/tokenize answers compareTokenizers' views", async () => {
    const text = 'He went to the bank to deposit money.';
    expect(await call('/api/tokenize', { text, tokenizers: ['gpt-4o', 'char-shakespeare'] })).toEqual({
      views: await compareTokenizers(text, ['gpt-4o', 'char-shakespeare']),
    });
  });

  it.each([
    ['no tokenizer', { text: 'x', tokenizers: [] }, /choose at least one of llama2c-tinystories/],
    ['tokenizers not a list', { text: 'x', tokenizers: 'gpt-4o' }, /choose at least one/],
    ['an unknown tokenizer', { text: 'x', tokenizers: ['gpt-5'] }, /unknown tokenizer "gpt-5": one of /],
    ['a number for text', { text: 42, tokenizers: ['gpt-4o'] }, /text must be a string, got number/],
    [
      'a text past MAX_TEXT_LENGTH',
      { text: 'a'.repeat(MAX_TEXT_LENGTH + 1), tokenizers: ['gpt-4o'] },
      /at most 4194304 are accepted/,
    ],
  ])('%s is a 400 with the reason', async (_what, body, message) => {
    const error = await call('/api/tokenize', body).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpError);
    expect(error).toMatchObject({ status: 400, message: expect.stringMatching(message) });
  });
});
