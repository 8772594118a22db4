/**
 * The tokenizer playground's server side (course: "Tokenizer Playground"): @firth/llm's
 * `compareTokenizers` cuts the text with each chosen tokenizer — Firth's four and GPT-4o's, whose
 * 30 MB tables (gpt-tokenizer) stay on the server. The page only shows what comes back.
 *
 *   GET  /api/tokenizers → { tokenizers: ['llama2c-tinystories', …, 'gpt-4o'] }
 *   POST /api/tokenize { text: 'Once upon a time', tokenizers: ['gpt-4o'] }
 *     → { views: [{ name: 'gpt-4o', tokens: ['Once', ' upon', ' a', ' time'], ids: [18049, 7557, 261, 1058],
 *                   count: 4, charsPerToken: 4, shown: ['Once', '·upon', '·a', '·time'] }] }
 */
import { compareTokenizers, LlmError, PLAYGROUND_TOKENIZERS, type PlaygroundTokenizerName } from '@firth/llm';
import { HttpError } from '@firth/server';
import type { ApiRoute } from './types.js';

function tokenizerNames(value: unknown): PlaygroundTokenizerName[] {
  if (value === undefined) return [...PLAYGROUND_TOKENIZERS];
  if (!Array.isArray(value) || value.length === 0)
    throw new HttpError(400, `tokenizers: choose at least one of ${PLAYGROUND_TOKENIZERS.join(', ')}`);
  for (const name of value)
    if (!PLAYGROUND_TOKENIZERS.includes(name))
      throw new HttpError(
        400,
        `unknown tokenizer ${JSON.stringify(name)}: one of ${PLAYGROUND_TOKENIZERS.join(', ')}`,
      );
  return value as PlaygroundTokenizerName[];
}

export const tokenizerRoutes: ApiRoute[] = [
  {
    method: 'GET',
    path: '/api/tokenizers',
    handle: () => ({ tokenizers: PLAYGROUND_TOKENIZERS }),
  },
  {
    method: 'POST',
    path: '/api/tokenize',
    async handle({ body }) {
      const names = tokenizerNames(body.tokenizers);
      try {
        return { views: await compareTokenizers(body.text as string, names) };
      } catch (error) {
        // a text that is not a string or is longer than MAX_TEXT_LENGTH: the user's, 400
        if (error instanceof LlmError && error.kind === 'invalid-config')
          throw new HttpError(400, error.message);
        throw error;
      }
    },
  },
];
