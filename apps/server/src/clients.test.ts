/**
 * The server through real clients, not mocks of them: the groq-sdk and openai SDKs, LangChain's
 * ChatGroq and ChatOllama (+ OllamaEmbeddings), and the ollama npm client — chat, streaming, tool
 * calls, embeddings, errors. Each client is pointed at the in-process server with a bearer key.
 */
import { ChatGroq } from '@langchain/groq';
import { ChatOllama, OllamaEmbeddings } from '@langchain/ollama';
import Groq from 'groq-sdk';
import { Ollama } from 'ollama';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { z } from 'zod';
import { createFirthServer, type FirthServer } from './server.js';

const KEY = 'gsk-local-firth-key-9f8e7d';
const MODEL = 'tinystories-260k';
const STORY = ', there was a little girl named Lily'; // the greedy continuation of 'Once upon a time'
let server: FirthServer;

beforeAll(async () => {
  server = await createFirthServer({ apiKey: KEY });
});
afterAll(() => server.close());

describe('groq-sdk', () => {
  const groq = () => new Groq({ apiKey: KEY, baseURL: server.url, maxRetries: 0 });

  test('chat, stream, models and embeddings under /openai/v1', async () => {
    const r = await groq().chat.completions.create({
      model: MODEL,
      messages: [{ role: 'user', content: 'Once upon a time' }],
      max_tokens: 10,
      temperature: 0,
    });
    expect(r.choices[0]!.message.content).toMatch(new RegExp(`^${STORY}`));
    expect(r.usage).toMatchObject({ prompt_tokens: 5, completion_tokens: 10 });
    const stream = await groq().chat.completions.create({
      model: MODEL,
      messages: [{ role: 'user', content: 'Once upon a time' }],
      max_tokens: 10,
      temperature: 0,
      stream: true,
    });
    let text = '';
    let finish: string | null | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      finish ??= chunk.choices[0]?.finish_reason;
    }
    expect(text).toBe(r.choices[0]!.message.content);
    expect(finish).toBe('length');
    expect((await groq().models.list()).data.map((m) => m.id)).toContain(MODEL);
    const e = await groq().embeddings.create({ model: 'bert-tiny', input: 'a charming film' });
    expect(e.data[0]!.embedding).toHaveLength(128);
  });

  test('a bad request is an APIError with the status; a wrong key a 401 that does not echo it', async () => {
    await expect(
      groq().chat.completions.create({ model: 'llama-3.3-70b', messages: [{ role: 'user', content: 'hi' }] }),
    ).rejects.toMatchObject({ status: 404 });
    const wrong = 'gsk-wrong-secret-value-123';
    const err = await new Groq({ apiKey: wrong, baseURL: server.url, maxRetries: 0 }).models
      .list()
      .catch((e) => e);
    expect(err).toBeInstanceOf(Groq.AuthenticationError);
    expect(String(err.message)).not.toContain(wrong);
    expect(JSON.stringify(err.error)).not.toContain(wrong);
  });
});

describe('openai', () => {
  const openai = () => new OpenAI({ apiKey: KEY, baseURL: `${server.url}/v1`, maxRetries: 0 });

  test('chat with seed and stop, streaming with usage, tool calls, json mode', async () => {
    const r = await openai().chat.completions.create({
      model: MODEL,
      messages: [{ role: 'user', content: 'Once upon a time' }],
      max_tokens: 20,
      seed: 3,
      stop: ['.'],
    });
    expect(r.choices[0]!.finish_reason).toBe('stop');
    expect(r.choices[0]!.message.content).not.toContain('.');
    const stream = await openai().chat.completions.create({
      model: MODEL,
      messages: [{ role: 'user', content: 'Once upon a time' }],
      max_tokens: 20,
      seed: 3,
      stop: ['.'],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      usage = chunk.usage ?? usage;
    }
    expect(text).toBe(r.choices[0]!.message.content);
    expect(usage).toEqual(r.usage);

    const tool = await openai().chat.completions.create({
      model: MODEL,
      messages: [{ role: 'user', content: 'convert 100 dollars' }],
      tools: [
        {
          type: 'function',
          function: {
            name: 'convert',
            parameters: {
              type: 'object',
              properties: {
                amount: { type: 'number' },
                currency: { type: 'string', enum: ['euros', 'dollars'] },
              },
              required: ['amount', 'currency'],
            },
          },
        },
      ],
    });
    const call = tool.choices[0]!.message.tool_calls![0]!;
    expect(call.type === 'function' && JSON.parse(call.function.arguments)).toEqual({
      amount: 100,
      currency: 'dollars',
    });

    const json = await openai().chat.completions.create({
      model: MODEL,
      messages: [{ role: 'user', content: 'Tom' }],
      max_tokens: 8,
      response_format: { type: 'json_object' },
    });
    expect(Object.keys(JSON.parse(json.choices[0]!.message.content!))).toEqual(['text']);
  });

  test('embeddings (the SDK asks for base64 and decodes it)', async () => {
    const e = await openai().embeddings.create({
      model: 'bert-tiny',
      input: ['the bank of the river', 'money in the bank'],
    });
    expect(e.data).toHaveLength(2);
    const [a, b] = e.data.map((d) => d.embedding);
    expect(a).toHaveLength(128);
    expect(Math.hypot(...a!)).toBeCloseTo(1, 5);
    const raw = (await (
      await fetch(`${server.url}/v1/embeddings`, {
        method: 'POST',
        headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'bert-tiny', input: 'money in the bank' }),
      })
    ).json()) as { data: { embedding: number[] }[] };
    expect(b![7]).toBeCloseTo(raw.data[0]!.embedding[7]!, 6);
  });

  test('errors: 400 with param, 401 without echoing the key', async () => {
    const bad = await openai()
      .chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'hi' }], temperature: 3 })
      .catch((e) => e);
    expect(bad).toBeInstanceOf(OpenAI.BadRequestError);
    expect(bad.param).toBe('temperature');
    const wrong = 'sk-proj-not-the-right-one';
    const denied = await new OpenAI({ apiKey: wrong, baseURL: `${server.url}/v1`, maxRetries: 0 }).models
      .list()
      .catch((e) => e);
    expect(denied.status).toBe(401);
    expect(`${denied.message}${JSON.stringify(denied.error)}`).not.toContain(wrong);
  });
});

describe('LangChain ChatGroq', () => {
  // @langchain/groq hands baseUrl to groq-sdk, which appends /openai/v1/…: give the server's root
  const chat = (fields = {}) =>
    new ChatGroq({
      apiKey: KEY,
      model: MODEL,
      baseUrl: server.url,
      temperature: 0,
      maxTokens: 10,
      ...fields,
    });

  test('invoke, stream and tool calls', async () => {
    const message = await chat().invoke('Once upon a time');
    expect(message.content).toMatch(new RegExp(`^${STORY}`));
    expect(message.usage_metadata).toMatchObject({ input_tokens: 5, output_tokens: 10, total_tokens: 15 });
    let streamed = '';
    for await (const chunk of await chat().stream('Once upon a time')) streamed += chunk.content;
    expect(streamed).toBe(message.content);

    const withTool = chat().bindTools([
      {
        type: 'function',
        function: {
          name: 'lookup',
          description: 'Look up a word',
          parameters: { type: 'object', properties: { word: { type: 'string' } }, required: ['word'] },
        },
      },
    ]);
    const called = await withTool.invoke('dragon');
    expect(called.tool_calls).toHaveLength(1);
    expect(called.tool_calls![0]).toMatchObject({ name: 'lookup', args: { word: 'dragon' } });
  });

  test('withStructuredOutput (zod, function calling) gets a well-formed object', async () => {
    const structured = chat().withStructuredOutput(z.object({ name: z.string(), age: z.number() }), {
      method: 'functionCalling',
    });
    expect(await structured.invoke('Lily is 5')).toEqual({ name: 'Lily is 5', age: 5 });
  });
});

describe('LangChain ChatOllama and OllamaEmbeddings', () => {
  const headers = { Authorization: `Bearer ${KEY}` };
  const chat = () =>
    new ChatOllama({ baseUrl: server.url, model: MODEL, temperature: 0, numPredict: 10, headers });

  test('invoke, stream, tools', async () => {
    const message = await chat().invoke('Once upon a time');
    expect(message.content).toMatch(new RegExp(`^${STORY}`));
    expect(message.usage_metadata).toMatchObject({ input_tokens: 5, output_tokens: 10 });
    let streamed = '';
    for await (const chunk of await chat().stream('Once upon a time')) streamed += chunk.content;
    expect(streamed).toBe(message.content);
    const called = await chat()
      .bindTools([
        {
          type: 'function',
          function: {
            name: 'count',
            parameters: { type: 'object', properties: { n: { type: 'integer' } }, required: ['n'] },
          },
        },
      ])
      .invoke('count to 3');
    expect(called.tool_calls![0]).toMatchObject({ name: 'count', args: { n: 3 } });
  });

  test('OllamaEmbeddings', async () => {
    const embeddings = new OllamaEmbeddings({ baseUrl: server.url, model: 'bert-tiny', headers });
    const [v] = await embeddings.embedDocuments(['a charming film']);
    expect(v).toHaveLength(128);
    expect(await embeddings.embedQuery('a charming film')).toEqual(v);
  });
});

describe('ollama npm client', () => {
  const ollama = () => new Ollama({ host: server.url, headers: { Authorization: `Bearer ${KEY}` } });

  test('list, chat, streamed chat, generate, embed', async () => {
    expect((await ollama().list()).models.map((m) => m.name)).toEqual([
      'tinystories-260k:latest',
      'bert-tiny:latest',
    ]);
    const request = {
      model: MODEL,
      messages: [{ role: 'user', content: 'Once upon a time' }],
      options: { temperature: 0, num_predict: 8 },
    };
    const r = await ollama().chat(request);
    expect(r.message.content).toMatch(/^, there was a little/);
    expect(r).toMatchObject({ done: true, done_reason: 'length', eval_count: 8, prompt_eval_count: 5 });
    let streamed = '';
    for await (const part of await ollama().chat({ ...request, stream: true }))
      streamed += part.message.content;
    expect(streamed).toBe(r.message.content);
    const g = await ollama().generate({
      model: MODEL,
      prompt: 'Once upon a time',
      options: { temperature: 0, num_predict: 8 },
    });
    expect(g.response).toBe(r.message.content);
    const e = await ollama().embed({ model: 'bert-tiny', input: ['one', 'two'] });
    expect(e.embeddings.map((v) => v.length)).toEqual([128, 128]);
  });

  test('errors are ResponseErrors with the status and Ollama message', async () => {
    const err = await ollama()
      .chat({ model: 'llama3.2', messages: [{ role: 'user', content: 'hi' }] })
      .catch((e) => e);
    expect(err.status_code).toBe(404);
    expect(err.message).toMatch(/not found/);
    const denied = await new Ollama({ host: server.url }).list().catch((e) => e);
    expect(denied.status_code).toBe(401);
  });
});
