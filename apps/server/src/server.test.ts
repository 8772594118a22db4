/**
 * The server over plain HTTP (fetch): every endpoint, SSE and NDJSON framing, the error shapes
 * and statuses, the bearer key, and 50 concurrent streams. Small max_tokens: the 260K model
 * writes ~1,700 tokens/s on one core.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { storyModelWith } from './models.test-support.js';
import { createFirthServer, type FirthServer } from './server.js';

const MODEL = 'tinystories-260k';
const user = (content: string) => [{ role: 'user', content }];
let server: FirthServer;
const logs: string[] = [];

beforeAll(async () => {
  server = await createFirthServer({ log: (l) => logs.push(l), maxBodyBytes: 64 * 1024 });
});
afterAll(() => server.close());

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(server.url + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

/** The `data:` payloads of an SSE body, in order. */
function sseData(text: string): string[] {
  expect(text.endsWith('\n\n')).toBe(true);
  return text
    .split('\n\n')
    .filter((e) => e !== '')
    .map((event) => {
      expect(event.startsWith('data: ')).toBe(true);
      return event.slice('data: '.length);
    });
}

describe('OpenAI-compatible API', () => {
  test('binds to 127.0.0.1 by default', () => {
    expect(server.host).toBe('127.0.0.1');
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  test('GET /v1/models lists the chat and embedding models (also under /openai/v1)', async () => {
    for (const prefix of ['/v1', '/openai/v1']) {
      const r = await fetch(`${server.url}${prefix}/models`);
      expect(r.status).toBe(200);
      const body = (await r.json()) as { object: string; data: { id: string; object: string }[] };
      expect(body.object).toBe('list');
      expect(body.data.map((m) => m.id)).toEqual(['tinystories-260k', 'bert-tiny']);
      expect(body.data.every((m) => m.object === 'model')).toBe(true);
    }
    const one = await fetch(`${server.url}/v1/models/bert-tiny`);
    expect(await one.json()).toMatchObject({ id: 'bert-tiny', dimensions: 128 });
    expect((await fetch(`${server.url}/v1/models/gpt-4`)).status).toBe(404);
  });

  test('POST /v1/chat/completions: the last user message continues, greedy, with usage', async () => {
    const r = await post('/v1/chat/completions', {
      model: MODEL,
      messages: [{ role: 'system', content: 'You are helpful.' }, ...user('Once upon a time')],
      max_tokens: 12,
      temperature: 0,
    });
    expect(r.status).toBe(200);
    const body = (await r.json()) as any;
    expect(body).toMatchObject({ object: 'chat.completion', model: MODEL });
    expect(body.id).toMatch(/^chatcmpl-/);
    expect(body.choices[0].message).toMatchObject({ role: 'assistant' });
    expect(body.choices[0].message.content).toMatch(/^, there was a little girl named Lily/);
    expect(body.choices[0].finish_reason).toBe('length');
    // 'Once upon a time' = [BOS, Once, upon, a, time]
    expect(body.usage).toEqual({ prompt_tokens: 5, completion_tokens: 12, total_tokens: 17 });
  });

  test('stop ends the text before the sequence, finish_reason "stop"', async () => {
    const r = await post('/v1/chat/completions', {
      model: MODEL,
      messages: user('Once upon a time'),
      max_tokens: 30,
      temperature: 0,
      stop: ['Lily'],
    });
    const body = (await r.json()) as any;
    expect(body.choices[0].message.content).toBe(', there was a little girl named ');
    expect(body.choices[0].finish_reason).toBe('stop');
  });

  test('the same seed gives the same text; another seed another text', async () => {
    const ask = async (seed: number) =>
      (
        (await (
          await post('/v1/chat/completions', { model: MODEL, messages: user('Tom'), max_tokens: 16, seed })
        ).json()) as any
      ).choices[0].message.content as string;
    const a = await ask(7);
    expect(await ask(7)).toBe(a);
    expect(await ask(8)).not.toBe(a);
  });

  test('SSE streaming: role first, content deltas, finish chunk, usage chunk, then [DONE]', async () => {
    const body = { model: MODEL, messages: user('Once upon a time'), max_tokens: 10, temperature: 0 };
    const whole = ((await (await post('/v1/chat/completions', body)).json()) as any).choices[0].message
      .content;
    const r = await post('/v1/chat/completions', {
      ...body,
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const data = sseData(await r.text());
    expect(data.at(-1)).toBe('[DONE]');
    const chunks = data.slice(0, -1).map((d) => JSON.parse(d));
    expect(new Set(chunks.map((c) => c.id)).size).toBe(1);
    expect(chunks.every((c) => c.object === 'chat.completion.chunk')).toBe(true);
    expect(chunks[0].choices[0].delta).toEqual({ role: 'assistant', content: '' });
    const text = chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');
    expect(text).toBe(whole);
    const finish = chunks.at(-2);
    expect(finish.choices[0].finish_reason).toBe('length');
    expect(finish.x_groq.usage).toEqual({ prompt_tokens: 5, completion_tokens: 10, total_tokens: 15 });
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { completion_tokens: 10 } });
  });

  test('response_format json_object: the answer is JSON {"text": …}, streamed or not', async () => {
    const body = {
      model: MODEL,
      messages: user('Once upon a time'),
      max_tokens: 8,
      temperature: 0,
      response_format: { type: 'json_object' },
    };
    const plain = (
      (await (await post('/v1/chat/completions', { ...body, response_format: undefined })).json()) as any
    ).choices[0].message.content;
    const whole = ((await (await post('/v1/chat/completions', body)).json()) as any).choices[0].message
      .content;
    expect(JSON.parse(whole)).toEqual({ text: plain });
    const data = sseData(await (await post('/v1/chat/completions', { ...body, stream: true })).text());
    const streamed = data
      .slice(0, -1)
      .map((d) => JSON.parse(d).choices[0]?.delta.content ?? '')
      .join('');
    expect(streamed).toBe(whole);
  });

  test('response_format json_schema: an object of the schema, the text in its string fields', async () => {
    const r = await post('/v1/chat/completions', {
      model: MODEL,
      messages: user('Once upon a time'),
      max_tokens: 4,
      temperature: 0,
      response_format: {
        type: 'json_schema',
        json_schema: {
          name: 'story',
          schema: { type: 'object', properties: { story: { type: 'string' }, words: { type: 'integer' } } },
        },
      },
    });
    const parsed = JSON.parse(((await r.json()) as any).choices[0].message.content);
    expect(Object.keys(parsed)).toEqual(['story', 'words']);
    expect(typeof parsed.story).toBe('string');
    expect(parsed.words).toBe(0);
  });

  test('tools: a forced function gets arguments from its schema and the user message', async () => {
    const tools = [
      {
        type: 'function',
        function: {
          name: 'add',
          description: 'Add two numbers',
          parameters: {
            type: 'object',
            properties: { a: { type: 'number' }, b: { type: 'number' } },
            required: ['a', 'b'],
          },
        },
      },
      {
        type: 'function',
        function: {
          name: 'weather',
          description: 'The weather in a city',
          parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
        },
      },
    ];
    const r = await post('/v1/chat/completions', {
      model: MODEL,
      messages: user('What is 2 plus 3.5?'),
      tools,
      tool_choice: { type: 'function', function: { name: 'add' } },
    });
    const body = (await r.json()) as any;
    expect(body.choices[0].finish_reason).toBe('tool_calls');
    expect(body.choices[0].message.content).toBeNull();
    const [call] = body.choices[0].message.tool_calls;
    expect(call).toMatchObject({ type: 'function', function: { name: 'add' } });
    expect(call.id).toMatch(/^call_/);
    expect(JSON.parse(call.function.arguments)).toEqual({ a: 2, b: 3.5 });
    // auto with several tools: the one sharing words with the message
    const auto = (await (
      await post('/v1/chat/completions', { model: MODEL, messages: user('the weather in Paris'), tools })
    ).json()) as any;
    expect(auto.choices[0].message.tool_calls[0].function).toEqual({
      name: 'weather',
      arguments: JSON.stringify({ city: 'the weather in Paris' }),
    });
    // a tool result after the user message: the turn is answered in text, relaying the result
    const after = (await (
      await post('/v1/chat/completions', {
        model: MODEL,
        max_tokens: 4,
        tools,
        messages: [
          ...user('What is 2 plus 3.5?'),
          { role: 'assistant', content: null, tool_calls: [call] },
          { role: 'tool', tool_call_id: call.id, content: '5.5' },
        ],
      })
    ).json()) as any;
    expect(after.choices[0].finish_reason).toBe('stop');
    expect(after.choices[0].message.content).toBe('5.5');
    expect(after.choices[0].message.tool_calls).toBeUndefined();
    expect(after.usage.completion_tokens).toBe(0); // relayed, not written by the model
    // n8n sends a node-as-tool's output as the JSON list of its items: one item of one text field
    // is relayed as that text (an answer with its sources reads as prose, not as JSON)
    const answer = 'BERT is an encoder-only transformer. [2]\n\nSources:\n[2] bert.md — BERT > What it is';
    const fromN8n = (await (
      await post('/v1/chat/completions', {
        model: MODEL,
        tools,
        messages: [
          ...user('What is BERT?'),
          { role: 'assistant', content: null, tool_calls: [call] },
          { role: 'tool', tool_call_id: call.id, content: JSON.stringify([{ response: answer }]) },
        ],
      })
    ).json()) as any;
    expect(fromN8n.choices[0].message.content).toBe(answer);
  });

  test('tools: a follow-up is called with the standalone question (earlier turns read)', async () => {
    // as n8n's AI Agent with memory sends it: the course-notes tool, the previous turn, the follow-up
    const tools = [
      {
        type: 'function',
        function: {
          name: 'Course_notes',
          description:
            'Answers what the course says about a question (BERT, GPT, attention…) from the course notes',
          parameters: {
            type: 'object',
            properties: { question: { type: 'string' } },
            required: ['question'],
          },
        },
      },
      {
        type: 'function',
        function: {
          name: 'Tokenizer',
          description: 'Splits a text into tokens',
          parameters: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] },
        },
      },
    ];
    const turn1 = [
      { role: 'system', content: 'You are the course assistant.' },
      { role: 'user', content: 'What is BERT?' },
      { role: 'assistant', content: 'BERT is an encoder-only transformer. [1]' },
    ];
    const ask = async (question: string) =>
      (
        (await (
          await post('/v1/chat/completions', {
            model: MODEL,
            tools,
            tool_choice: 'required',
            messages: [...turn1, { role: 'user', content: question }],
          })
        ).json()) as any
      ).choices[0].message.tool_calls[0].function;
    expect(await ask('How is it pretrained?')).toEqual({
      name: 'Course_notes',
      arguments: JSON.stringify({ question: 'How is BERT pretrained?' }),
    });
    // a self-contained question is passed on as written
    expect(await ask('What does the course say about attention?')).toEqual({
      name: 'Course_notes',
      arguments: JSON.stringify({ question: 'What does the course say about attention?' }),
    });
    // Ollama's /api/chat reads the same question
    const ollama = (await (
      await post('/api/chat', {
        model: MODEL,
        stream: false,
        tools,
        messages: [...turn1, { role: 'user', content: 'How is it pretrained?' }],
      })
    ).json()) as any;
    expect(ollama.message.tool_calls).toEqual([
      { function: { name: 'Course_notes', arguments: { question: 'How is BERT pretrained?' } } },
    ]);
  });

  test('tools stream as one tool_calls delta', async () => {
    const r = await post('/v1/chat/completions', {
      model: MODEL,
      stream: true,
      messages: user('Lily'),
      tools: [
        {
          type: 'function',
          function: {
            name: 'remember',
            parameters: { type: 'object', properties: { note: { type: 'string' } } },
          },
        },
      ],
      tool_choice: 'required',
    });
    const chunks = sseData(await r.text())
      .slice(0, -1)
      .map((d) => JSON.parse(d));
    expect(chunks[1].choices[0].delta.tool_calls[0]).toMatchObject({
      index: 0,
      type: 'function',
      function: { name: 'remember', arguments: '{"note":"Lily"}' },
    });
    expect(chunks.at(-1).choices[0].finish_reason).toBe('tool_calls');
  });

  test('POST /v1/embeddings: 128-d unit vectors, floats or base64', async () => {
    const r = await post('/v1/embeddings', {
      model: 'bert-tiny',
      input: ['he went to the bank', 'a river bank'],
    });
    const body = (await r.json()) as any;
    expect(body).toMatchObject({ object: 'list', model: 'bert-tiny' });
    expect(body.data).toHaveLength(2);
    const v = body.data[0].embedding as number[];
    expect(v).toHaveLength(128);
    expect(Math.hypot(...v)).toBeCloseTo(1, 6);
    expect(body.usage.prompt_tokens).toBeGreaterThan(4);
    const b64 = (await (
      await post('/v1/embeddings', {
        model: 'bert-tiny',
        input: 'he went to the bank',
        encoding_format: 'base64',
      })
    ).json()) as any;
    const bytes = Buffer.from(b64.data[0].embedding, 'base64');
    const floats = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
    expect(floats.length).toBe(128);
    expect(floats[5]).toBeCloseTo(v[5]!, 6);
  });
});

describe('Ollama-compatible API', () => {
  test('GET /api/tags lists the models as name:latest', async () => {
    const body = (await (await fetch(`${server.url}/api/tags`)).json()) as any;
    expect(body.models.map((m: any) => m.name)).toEqual(['tinystories-260k:latest', 'bert-tiny:latest']);
    expect(body.models[0].details).toMatchObject({ family: 'llama', parameter_size: '260K' });
  });

  test('POST /api/chat streams NDJSON by default; the last line has done and counts', async () => {
    const r = await post('/api/chat', {
      model: MODEL,
      messages: user('Once upon a time'),
      options: { temperature: 0, num_predict: 6 },
    });
    expect(r.headers.get('content-type')).toBe('application/x-ndjson');
    const text = await r.text();
    expect(text.endsWith('\n')).toBe(true);
    const lines = text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.slice(0, -1).every((l) => l.done === false && l.message.role === 'assistant')).toBe(true);
    const last = lines.at(-1);
    expect(last).toMatchObject({ done: true, done_reason: 'length', prompt_eval_count: 5, eval_count: 6 });
    expect(last.total_duration).toBeGreaterThan(0);
    const streamed = lines.map((l) => l.message.content).join('');
    const whole = (await (
      await post('/api/chat', {
        model: `${MODEL}:latest`,
        stream: false,
        messages: user('Once upon a time'),
        options: { temperature: 0, num_predict: 6 },
      })
    ).json()) as any;
    expect(whole.message.content).toBe(streamed);
    expect(streamed).toMatch(/^, there was a little/);
  });

  test('POST /api/generate continues a prompt; format json wraps it; empty prompt loads', async () => {
    const r = await post('/api/generate', {
      model: MODEL,
      prompt: 'Once upon a time',
      stream: false,
      format: 'json',
      options: { temperature: 0, num_predict: 10, stop: ['girl'] },
    });
    const body = (await r.json()) as any;
    expect(JSON.parse(body.response)).toEqual({ text: ', there was a little ' });
    expect(body.done_reason).toBe('stop');
    const lines = (
      await (await post('/api/generate', { model: MODEL, prompt: 'Tom', options: { num_predict: 3 } })).text()
    )
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.at(-1)).toMatchObject({ done: true, eval_count: 3 });
    expect(lines.every((l) => typeof l.response === 'string')).toBe(true);
    const load = (await (await post('/api/generate', { model: MODEL, stream: false })).json()) as any;
    expect(load).toMatchObject({ done: true, done_reason: 'load', response: '' });
  });

  test('POST /api/chat with tools answers with message.tool_calls (arguments as an object)', async () => {
    const body = (await (
      await post('/api/chat', {
        model: MODEL,
        stream: false,
        messages: user('roll 2 dice'),
        tools: [
          {
            type: 'function',
            function: {
              name: 'roll',
              description: 'roll dice',
              parameters: { type: 'object', properties: { count: { type: 'integer' } }, required: ['count'] },
            },
          },
        ],
      })
    ).json()) as any;
    expect(body.message.tool_calls).toEqual([{ function: { name: 'roll', arguments: { count: 2 } } }]);
    expect(body.done_reason).toBe('stop');
  });

  test('POST /api/embed and /api/embeddings give the same vectors as /v1/embeddings', async () => {
    const v1 = (
      (await (await post('/v1/embeddings', { model: 'bert-tiny', input: 'a good film' })).json()) as any
    ).data[0].embedding;
    const embed = (await (
      await post('/api/embed', { model: 'bert-tiny', input: ['a good film'] })
    ).json()) as any;
    expect(embed.embeddings[0]).toEqual(v1);
    expect(embed.prompt_eval_count).toBeGreaterThan(2);
    const old = (await (
      await post('/api/embeddings', { model: 'bert-tiny', prompt: 'a good film' })
    ).json()) as any;
    expect(old.embedding).toEqual(v1);
  });

  test('errors are { error } with the status', async () => {
    const missing = await post('/api/chat', { model: 'llama3', messages: user('hi') });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: 'model "llama3" not found, try pulling it first' });
    const bad = await post('/api/chat', { model: MODEL, messages: user('hi'), options: { temperature: -1 } });
    expect(bad.status).toBe(400);
    expect(typeof ((await bad.json()) as any).error).toBe('string');
    expect((await post('/api/embed', { model: 'bert-tiny', input: '' })).status).toBe(400);
    expect((await post('/api/tags', {})).status).toBe(405);
  });
});

describe('bad requests get OpenAI error JSON', () => {
  const cases: [string, unknown, number, string | null, string | null][] = [
    ['bad JSON', '{"model": ', 400, null, null],
    ['not an object', '[1,2]', 400, null, null],
    ['no model', { messages: user('hi') }, 400, 'model', null],
    ['unknown model', { model: 'gpt-4o', messages: user('hi') }, 404, 'model', 'model_not_found'],
    ['no messages', { model: MODEL }, 400, 'messages', null],
    ['empty messages', { model: MODEL, messages: [] }, 400, 'messages', null],
    [
      'bad role',
      { model: MODEL, messages: [{ role: 'wizard', content: 'hi' }] },
      400,
      'messages[0].role',
      null,
    ],
    ['temperature 2.5', { model: MODEL, messages: user('hi'), temperature: 2.5 }, 400, 'temperature', null],
    ['temperature -0.1', { model: MODEL, messages: user('hi'), temperature: -0.1 }, 400, 'temperature', null],
    [
      'five stops',
      { model: MODEL, messages: user('hi'), stop: ['a', 'b', 'c', 'd', 'e'] },
      400,
      'stop',
      'limit_exceeded',
    ],
    ['max_tokens 0', { model: MODEL, messages: user('hi'), max_tokens: 0 }, 400, 'max_tokens', null],
    ['n 2', { model: MODEL, messages: user('hi'), n: 2 }, 400, 'n', null],
    [
      'image part',
      {
        model: MODEL,
        messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'x' } }] }],
      },
      400,
      'messages[0].content',
      null,
    ],
    [
      'bad response_format',
      { model: MODEL, messages: user('hi'), response_format: { type: 'xml' } },
      400,
      'response_format',
      null,
    ],
    [
      'bad tool schema',
      {
        model: MODEL,
        messages: user('hi'),
        tools: [
          {
            type: 'function',
            function: { name: 'f', parameters: { type: 'object', properties: { a: { type: 'decimal' } } } },
          },
        ],
      },
      400,
      'tools[0].function.parameters.properties.a',
      null,
    ],
    [
      'bad tool name',
      { model: MODEL, messages: user('hi'), tools: [{ type: 'function', function: { name: 'has space' } }] },
      400,
      'tools[0].function.name',
      null,
    ],
    [
      'unknown tool_choice',
      {
        model: MODEL,
        messages: user('hi'),
        tools: [{ type: 'function', function: { name: 'f' } }],
        tool_choice: { type: 'function', function: { name: 'g' } },
      },
      400,
      'tool_choice',
      null,
    ],
    [
      'embedding model for chat',
      { model: 'bert-tiny', messages: user('hi') },
      400,
      'model',
      'model_not_supported',
    ],
    [
      'prompt past the context',
      { model: MODEL, messages: user('word '.repeat(200)) },
      400,
      'prompt',
      'context_length_exceeded',
    ],
    [
      'prompt too long to encode',
      { model: MODEL, messages: user('word '.repeat(800)) },
      400,
      'messages',
      'context_length_exceeded',
    ],
  ];
  test.each(cases)('%s', async (_, body, status, param, code) => {
    const r = await post('/v1/chat/completions', body);
    expect(r.status).toBe(status);
    const { error } = (await r.json()) as any;
    expect(error).toMatchObject({ type: 'invalid_request_error', param, code });
    expect(typeof error.message).toBe('string');
  });

  test('a streaming request that fails is still a status code, not a broken stream', async () => {
    const r = await post('/v1/chat/completions', {
      model: MODEL,
      stream: true,
      messages: user('word '.repeat(200)),
    });
    expect(r.status).toBe(400);
    expect(r.headers.get('content-type')).toMatch(/json/);
  });

  test('embeddings: unknown model 404, empty input 400, wrong dimensions 400', async () => {
    expect((await post('/v1/embeddings', { model: 'text-embedding-3-small', input: 'x' })).status).toBe(404);
    expect((await post('/v1/embeddings', { model: 'bert-tiny', input: [] })).status).toBe(400);
    expect((await post('/v1/embeddings', { model: 'bert-tiny', input: [1, 2, 3] })).status).toBe(400);
    expect((await post('/v1/embeddings', { model: 'bert-tiny', input: 'x', dimensions: 256 })).status).toBe(
      400,
    );
  });

  test('404 unknown route, 405 wrong method (with Allow), 413 over-large body', async () => {
    const unknown = await fetch(`${server.url}/v1/completions-please`);
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as any).error.message).toBe('Invalid URL (GET /v1/completions-please)');
    const wrong = await fetch(`${server.url}/v1/chat/completions`);
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('POST');
    expect(((await wrong.json()) as any).error.type).toBe('invalid_request_error');
    const big = await post('/v1/chat/completions', { model: MODEL, messages: user('x'.repeat(70 * 1024)) });
    expect(big.status).toBe(413);
    expect(((await big.json()) as any).error.code).toBe('request_too_large');
  });
});

describe('bearer key', () => {
  const KEY = 'sk-firth-test-0123456789';
  let locked: FirthServer;
  const locklog: string[] = [];
  beforeAll(async () => {
    locked = await createFirthServer({ apiKey: KEY, log: (l) => locklog.push(l) });
  });
  afterAll(() => locked.close());
  const ask = (auth?: string, path = '/v1/models') =>
    fetch(locked.url + path, auth === undefined ? {} : { headers: { authorization: auth } });

  test('no key or a wrong key → 401; the right key → 200', async () => {
    const none = await ask();
    expect(none.status).toBe(401);
    expect(((await none.json()) as any).error).toMatchObject({
      code: 'missing_api_key',
      type: 'authentication_error',
    });
    const wrong = await ask('Bearer sk-wrong-key-value');
    expect(wrong.status).toBe(401);
    expect(((await wrong.json()) as any).error.code).toBe('invalid_api_key');
    expect((await ask(`Bearer ${KEY}`)).status).toBe(200);
    expect((await ask(`Bearer ${KEY}`, '/api/tags')).status).toBe(200);
    expect((await ask(undefined, '/api/tags')).status).toBe(401);
  });

  test('a key never appears in an error body or a log line', async () => {
    const bodies: string[] = [];
    for (const auth of [`Bearer ${KEY}x`, `Bearer ${KEY.slice(0, -1)}`, `Basic ${KEY}`, `${KEY}`])
      bodies.push(await (await ask(auth)).text(), await (await ask(auth, '/api/chat')).text());
    bodies.push(
      await (
        await fetch(`${locked.url}/v1/chat/completions`, {
          method: 'POST',
          headers: { authorization: `Bearer ${KEY}` },
          body: JSON.stringify({ model: 'nope', messages: user('hi') }),
        })
      ).text(),
    );
    for (const text of [...bodies, ...locklog]) {
      expect(text).not.toContain(KEY);
      expect(text).not.toContain(KEY.slice(0, 12));
    }
    expect(locklog.length).toBeGreaterThan(8);
  });

  test('without a key any Authorization is accepted (clients that insist on sending one)', async () => {
    expect(
      (await fetch(`${server.url}/v1/models`, { headers: { authorization: 'Bearer anything' } })).status,
    ).toBe(200);
  });

  test('a non-loopback host is refused unless allowRemote', async () => {
    await expect(createFirthServer({ host: '0.0.0.0' })).rejects.toThrow(/loopback/);
    await expect(createFirthServer({ apiKey: ' ' })).rejects.toThrow(/empty/);
  });
});

describe('the rest', () => {
  test('GET / says what runs; /api/show and /api/version answer', async () => {
    expect(await (await fetch(`${server.url}/`)).json()).toMatchObject({ openai: '/v1', ollama: '/api' });
    const show = (await (await post('/api/show', { model: 'tinystories-260k:latest' })).json()) as any;
    expect(show).toMatchObject({
      capabilities: ['completion', 'tools'],
      model_info: { 'general.context_length': 512 },
    });
    expect(((await (await post('/api/show', { model: 'bert-tiny' })).json()) as any).capabilities).toEqual([
      'embedding',
    ]);
    expect((await post('/api/show', { model: 'nope' })).status).toBe(404);
    expect(((await (await fetch(`${server.url}/api/version`)).json()) as any).version).toMatch(/firth/);
  });

  test('a client that hangs up mid-stream stops its generation; the server carries on', async () => {
    // the shipped model under another id, counting forward steps
    let steps = 0;
    const counting = storyModelWith('counting', () => {
      steps++;
    });
    const own = await createFirthServer({ models: { chat: [counting] } });
    try {
      const r = await fetch(`${own.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'counting', messages: user('Tom'), max_tokens: 500, stream: true }),
      });
      const reader = r.body!.getReader();
      await reader.read();
      await reader.cancel();
      await new Promise((resolve) => setTimeout(resolve, 100));
      const afterCancel = steps;
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(steps).toBe(afterCancel); // nothing runs any more
      expect(steps).toBeLessThan(400);
      const ok = await fetch(`${own.url}/v1/models`);
      expect(((await ok.json()) as any).data.map((m: any) => m.id)).toEqual(['counting', 'bert-tiny']);
    } finally {
      await own.close();
    }
  });
});

describe('concurrency', () => {
  test('50 concurrent streaming requests all complete with the text of a non-streaming call', async () => {
    const N = 50;
    const body = (i: number) => ({
      model: MODEL,
      messages: user(i % 2 ? 'Once upon a time' : 'Tom and Sue'),
      max_tokens: 12,
      seed: i,
    });
    const expected = await Promise.all(
      [0, 1, 2, 3].map(
        async (i) =>
          ((await (await post('/v1/chat/completions', body(i))).json()) as any).choices[0].message.content,
      ),
    );
    const t0 = performance.now();
    const texts = await Promise.all(
      Array.from({ length: N }, async (_, i) => {
        const r = await post('/v1/chat/completions', { ...body(i), stream: true });
        const data = sseData(await r.text());
        expect(data.at(-1)).toBe('[DONE]');
        return data
          .slice(0, -1)
          .map((d) => JSON.parse(d).choices[0]?.delta.content ?? '')
          .join('');
      }),
    );
    const ms = performance.now() - t0;
    console.log(`50 concurrent streams × 12 tokens: ${Math.round(ms)} ms`);
    expect(texts).toHaveLength(N);
    expect(texts.slice(0, 4)).toEqual(expected);
    // two more, checked against their own non-streaming run with the same seed
    const again = await Promise.all(
      [17, 42].map(
        async (i) =>
          ((await (await post('/v1/chat/completions', body(i))).json()) as any).choices[0].message.content,
      ),
    );
    expect([texts[17], texts[42]]).toEqual(again);
    expect(texts.every((t) => t.length > 0)).toBe(true);
  });
});
