/**
 * A GGUF model on the server's OpenAI and Ollama routes: stories260K written as GGUF at test time
 * (@firth/transformers' llama2cToGguf), served by llama.cpp through @firth/llm beside the shipped
 * models. Answers, streaming (SSE, NDJSON), usage, stop, the tool policy and the context check.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type GgufModel, loadGgufModel } from '@firth/llm';
import { llama2cToGguf, loadLlama2c, loadLlama2cTokenizer } from '@firth/transformers';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ggufConversation } from './chat-run.js';
import { parseCli } from './cli.js';
import { ggufChatModel, parameterSize, tinyStories260k } from './registry.js';
import { ggufThreads } from './serve.js';
import { createFirthServer, type FirthServer } from './server.js';

// node-llama-cpp is a devDependency here: without it these tests fail (they never skip)

const MODEL = 'stories260K-f32';
const user = (content: string) => [{ role: 'user', content }];

describe('a GGUF model on the OpenAI and Ollama routes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'firth-server-gguf-'));
  const path = join(dir, `${MODEL}.gguf`);
  let server: FirthServer;
  let gguf: GgufModel;

  beforeAll(async () => {
    writeFileSync(path, llama2cToGguf(await loadLlama2c(), loadLlama2cTokenizer(), { type: 'f32' }));
    const entry = await ggufChatModel(path, { threads: 1 });
    expect(entry).toMatchObject({ engine: 'gguf', id: MODEL, contextLength: 512, family: 'llama' });
    gguf = await loadGgufModel(path, { threads: 1 });
    server = await createFirthServer({ models: { chat: [tinyStories260k, entry] } });
  }, 120_000);
  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const post = (route: string, body: unknown) =>
    fetch(server.url + route, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  test('listed by /v1/models and /api/tags beside the shipped models', async () => {
    const models = (await (await fetch(`${server.url}/v1/models`)).json()) as { data: { id: string }[] };
    expect(models.data.map((m) => m.id)).toEqual(['tinystories-260k', MODEL, 'bert-tiny']);
    const tags = (await (await fetch(`${server.url}/api/tags`)).json()) as {
      models: { name: string; details: { family: string; parameter_size: string } }[];
    };
    const tag = tags.models.find((m) => m.name.startsWith(MODEL))!;
    // stories260K: 289,536 weights plus the output matrix GGUF stores beside the tied embedding
    expect(tag.details).toMatchObject({
      family: 'llama',
      parameter_size: parameterSize(gguf.parameterCount),
    });
    expect(gguf.parameterCount).toBeGreaterThan(260_000);
  });

  test('POST /v1/chat/completions: the same answer as @firth/llm, with usage; streamed as SSE', async () => {
    const direct = await gguf.chat(user('Tell me a story.') as never, { temperature: 0, maxTokens: 16 });
    const r = await post('/v1/chat/completions', {
      model: MODEL,
      messages: user('Tell me a story.'),
      temperature: 0,
      max_tokens: 16,
    });
    expect(r.status).toBe(200);
    const body = (await r.json()) as any;
    expect(body.choices[0].message.content).toBe(direct.text);
    expect(body.choices[0].finish_reason).toBe(direct.finishReason);
    expect(body.usage).toEqual({
      prompt_tokens: direct.promptTokens,
      completion_tokens: direct.completionTokens,
      total_tokens: direct.promptTokens + direct.completionTokens,
    });

    const s = await post('/v1/chat/completions', {
      model: MODEL,
      messages: user('Tell me a story.'),
      temperature: 0,
      max_tokens: 16,
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(s.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const events = (await s.text())
      .split('\n\n')
      .filter((e) => e !== '')
      .map((e) => e.slice('data: '.length));
    expect(events.at(-1)).toBe('[DONE]');
    const chunks = events.slice(0, -1).map((e) => JSON.parse(e));
    const text = chunks.map((c) => c.choices[0]?.delta?.content ?? '').join('');
    expect(chunks.filter((c) => c.choices[0]?.delta?.content).length).toBeGreaterThan(1);
    expect(text).toBe(direct.text);
    expect(chunks.at(-1).usage.completion_tokens).toBe(direct.completionTokens);
  });

  test('POST /api/chat streams NDJSON; /api/generate answers; stop ends the answer', async () => {
    const direct = await gguf.chat(user('Once upon a time') as never, { temperature: 0, maxTokens: 12 });
    const r = await post('/api/chat', {
      model: MODEL,
      messages: user('Once upon a time'),
      options: { temperature: 0, num_predict: 12 },
    });
    expect(r.headers.get('content-type')).toMatch(/application\/x-ndjson/);
    const lines = (await r.text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.message.content).join('')).toBe(direct.text);
    expect(lines.at(-1)).toMatchObject({ done: true, eval_count: direct.completionTokens });

    const g = (await (
      await post('/api/generate', {
        model: `${MODEL}:latest`,
        prompt: 'Once upon a time',
        stream: false,
        options: { temperature: 0, num_predict: 12 },
      })
    ).json()) as any;
    expect(g.response).toBe(direct.text);

    const word = direct.text.trim().split(' ')[2]!;
    const cut = (await (
      await post('/v1/chat/completions', {
        model: MODEL,
        messages: user('Once upon a time'),
        temperature: 0,
        max_tokens: 12,
        stop: [word],
      })
    ).json()) as any;
    expect(cut.choices[0].message.content).not.toContain(word);
    expect(direct.text.startsWith(cut.choices[0].message.content)).toBe(true);
  });

  test('tools go through the server tool policy; JSON mode wraps the text', async () => {
    const tools = [
      {
        type: 'function',
        function: {
          name: 'weather',
          description: 'The weather in a city',
          parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
        },
      },
    ];
    const call = (await (
      await post('/v1/chat/completions', { model: MODEL, messages: user('the weather in Paris'), tools })
    ).json()) as any;
    expect(call.choices[0].finish_reason).toBe('tool_calls');
    expect(call.choices[0].message.tool_calls[0].function.name).toBe('weather');
    const json = (await (
      await post('/v1/chat/completions', {
        model: MODEL,
        messages: user('Once upon a time'),
        temperature: 0,
        max_tokens: 8,
        response_format: { type: 'json_object' },
      })
    ).json()) as any;
    expect(typeof JSON.parse(json.choices[0].message.content).text).toBe('string');
  });

  test('a prompt longer than the context is a 400 context_length_exceeded', async () => {
    const r = await post('/v1/chat/completions', {
      model: MODEL,
      messages: user('once upon a time '.repeat(200)),
      max_tokens: 4,
    });
    expect(r.status).toBe(400);
    const body = (await r.json()) as any;
    expect(body.error.code).toBe('context_length_exceeded');
    expect(body.error.message).toMatch(/reads at most 512 tokens/);
  });
});

describe('GGUF on the command line and in the conversation', () => {
  test('--gguf / FIRTH_GGUF_MODEL and --threads / FIRTH_GGUF_THREADS', () => {
    expect(parseCli(['--gguf', '/m/a.gguf', '--threads', '2'], {})).toMatchObject({
      gguf: '/m/a.gguf',
      threads: 2,
    });
    expect(parseCli([], { FIRTH_GGUF_MODEL: '/m/b.gguf', FIRTH_GGUF_THREADS: '1' })).toMatchObject({
      gguf: '/m/b.gguf',
      threads: 1,
    });
    expect(() => parseCli(['--threads', '2'], {})).toThrow(/--threads is for a --gguf model/);
    expect(() => parseCli(['--gguf', 'a.gguf', '--threads', '0'], {})).toThrow(/--threads must be/);
    // the environment's value is named as such (firth-n8n start reads it with the same ggufThreads)
    expect(() => parseCli(['--gguf', 'a.gguf'], { FIRTH_GGUF_THREADS: '0' })).toThrow(
      'FIRTH_GGUF_THREADS must be a whole number from 1, got "0"',
    );
    expect([ggufThreads(undefined), ggufThreads('2')]).toEqual([undefined, 2]);
    expect(() => parseCli(['--gguf', 'a.gguf', '--threads', ''], {})).toThrow(
      '--threads must be a whole number from 1, got ""',
    );
    expect(parseCli([], {})).not.toHaveProperty('gguf');
  });

  test('the chat template reads system, developer and tool messages; tool-only assistant turns are left out', () => {
    expect(
      ggufConversation([
        { role: 'developer', content: 'Be brief.' },
        { role: 'user', content: 'Weather in Paris?' },
        { role: 'assistant', content: '' },
        { role: 'tool', content: '{"temp":21}' },
      ]),
    ).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Weather in Paris?' },
      { role: 'user', content: 'Tool result: {"temp":21}' },
    ]);
    expect(ggufConversation([{ role: 'system', content: 'S' }])).toEqual([
      { role: 'system', content: 'S' },
      { role: 'user', content: '' },
    ]);
  });

  test('parameter sizes as Ollama shows them', () => {
    expect(parameterSize(289_536)).toBe('290K');
    expect(parameterSize(1_235_814_400)).toBe('1.2B');
    expect(parameterSize(7_000_000)).toBe('7M');
    expect(parameterSize(12)).toBe('12');
  });
});
