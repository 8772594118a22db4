/**
 * The LLM panel's routes, called directly (no HTTP, no network): how a page request becomes
 * @firth/llm's config, where keys go (and where they never go), and the errors the page shows.
 */
import { chat, MISSING_GROQ_KEY_MESSAGE } from '@firth/llm';
import { HttpError } from '@firth/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { llmRoutes, playgroundRequest } from './llm.js';
import type { ApiRequest, PlaygroundContext } from './types.js';

const route = (path: string) => {
  const r = llmRoutes.find((x) => x.path === path);
  if (!r) throw new Error(`no route ${path}`);
  return r;
};
const call = (path: string, body: Record<string, unknown>, context: PlaygroundContext) =>
  route(path).handle({ body, context, signal: new AbortController().signal } as unknown as ApiRequest);

let savedKey: string | undefined;
beforeAll(() => {
  savedKey = process.env.GROQ_API_KEY;
  delete process.env.GROQ_API_KEY;
});
afterAll(() => {
  if (savedKey !== undefined) process.env.GROQ_API_KEY = savedKey;
});

describe('playgroundRequest', () => {
  const base = { user: 'Once upon a time', temperature: 0.5, maxTokens: 9, topP: 0.9, seed: 3, stream: true };

  it("Firth's model server is an OpenAI-compatible provider at <url>/v1 with the playground's key", () => {
    const context = { firthServerUrl: 'http://127.0.0.1:8787/', firthServerKey: 'server-secret' };
    const r = playgroundRequest(
      { ...base, source: 'firth-server', model: 'tinystories-260k', stop: ['.'] },
      context,
    );
    expect(r).toEqual({
      config: {
        provider: 'openai-compatible',
        baseUrl: 'http://127.0.0.1:8787/v1',
        model: 'tinystories-260k',
        apiKey: 'server-secret',
        temperature: 0.5,
        maxTokens: 9,
        topP: 0.9,
        seed: 3,
        stop: ['.'],
        streaming: true,
      },
      user: 'Once upon a time',
      apiKeyEnv: 'FIRTH_SERVER_KEY',
    });
  });

  it('passes parameters on unchanged (validateChatConfig judges them) and refuses what it cannot map', () => {
    expect(playgroundRequest({ ...base, source: 'local', temperature: 3 }, {}).config.temperature).toBe(3);
    expect(() => playgroundRequest({ ...base, source: 'local', user: '  ' }, {})).toThrow(
      'Type a user message first.',
    );
    expect(() => playgroundRequest({ ...base, source: 'elsewhere' }, {})).toThrow(HttpError);
    expect(() => playgroundRequest({ ...base, source: 'firth-server', model: 'x' }, {})).toThrow(
      /no Firth model server/,
    );
    expect(() =>
      playgroundRequest({ ...base, source: 'gguf', modelPath: '/no/such/model.gguf' }, {}),
    ).toThrow('no such file: /no/such/model.gguf');
    expect(playgroundRequest({ ...base, source: 'ollama' }, {}).config.baseUrl).toBe(
      'http://127.0.0.1:11434',
    );
  });
});

describe('keys', () => {
  it('a key typed in the page is held per playground server, used for Groq, and never answered back', async () => {
    const context: PlaygroundContext = {};
    const other: PlaygroundContext = {};
    const key = 'gsk_typed-in-the-page';
    const answer = await call('/api/llm/key', { provider: 'groq', apiKey: key }, context);
    expect(answer).toEqual({ groq: 'page', openaiCompatible: false });
    expect(JSON.stringify(answer)).not.toContain(key);
    expect(playgroundRequest({ source: 'groq', user: 'Hi' }, context).config.apiKey).toBe(key);
    expect(playgroundRequest({ source: 'groq', user: 'Hi' }, other).config.apiKey).toBeUndefined();
    const code = JSON.stringify(
      await call('/api/llm/code', { source: 'groq', user: 'Hi', stream: true }, context),
    );
    expect(code).not.toContain(key);
    expect(code).toContain('process.env.GROQ_API_KEY');
    expect(await call('/api/llm/key', { provider: 'groq', apiKey: '' }, context)).toEqual({
      groq: 'none',
      openaiCompatible: false,
    });
  });

  it("the Firth model server's key is not written in the code either", async () => {
    const context = { firthServerUrl: 'http://127.0.0.1:8787', firthServerKey: 'server-secret' };
    const code = JSON.stringify(
      await call('/api/llm/code', { source: 'firth-server', model: 'tinystories-260k', user: 'Hi' }, context),
    );
    expect(code).not.toContain('server-secret');
    expect(code).toContain('FIRTH_SERVER_KEY');
  });

  it("Groq without a key: the course's message (plus where to type one), before any request", async () => {
    await expect(call('/api/llm/chat', { source: 'groq', user: 'Hi' }, {})).rejects.toThrow(
      MISSING_GROQ_KEY_MESSAGE,
    );
  });
});

it("the local model's one answer is chat()'s", async () => {
  const params = { temperature: 0.7, maxTokens: 12, topP: 0.9, seed: 9 };
  const answer = (await call('/api/llm/chat', { source: 'local', user: 'Lily and Ben', ...params }, {})) as {
    text: string;
    usage: unknown;
    timing: { totalMs: number; tokensPerSecond: number };
  };
  const expected = await chat({ provider: 'local', ...params, streaming: false }, 'Lily and Ben');
  expect(answer.text).toBe(expected.text);
  expect(answer.usage).toEqual(expected.usage);
  expect(answer.timing.tokensPerSecond).toBeCloseTo(
    expected.usage.completionTokens / (answer.timing.totalMs / 1000),
    6,
  );
});
