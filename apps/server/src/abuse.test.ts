/**
 * The server against hostile or broken clients, in-process (createFirthServer on port 0): request
 * targets `new URL` cannot parse, foreign Host and Origin (DNS rebinding, cross-site pages),
 * bodies that are not JSON, too large, too deep or too wide, schema bombs, a 1 MB embedding input,
 * handlers that throw, and clients too slow to finish a request. Bytes that `fetch` would
 * normalise go over raw sockets (raw-http.test-support.ts). Every case checks the answer (status,
 * error code, the limit named) and that the server still answers a normal request afterwards.
 * Seeded; the slow-client cases run on a server with timeouts of a few hundred milliseconds.
 * The load figures (concurrency, RSS, event-loop delay) are in abuse-load.test.ts, the real CLI
 * process in abuse-cli.test.ts.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RandomState } from '@firth/numeric';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { writeChunk } from './http.js';
import { storyModelWith } from './models.test-support.js';
import { httpRequest, rawRequest } from './raw-http.test-support.js';
import { type LocalChatModel, type LocalEmbeddingModel, tinyStories260k } from './registry.js';
import { createFirthServer, type FirthServer } from './server.js';
import { valueForSchema } from './tool-policy.js';

const KEY = 'sk-abuse-0123456789abcdef';
const MODEL = 'tinystories-260k';
const JSON_TYPE = { 'content-type': 'application/json' };
let open: FirthServer;
let locked: FirthServer;
const logs: string[] = [];

beforeAll(async () => {
  open = await createFirthServer({ log: (l) => logs.push(l) });
  locked = await createFirthServer({ apiKey: KEY, log: (l) => logs.push(l) });
});
afterAll(async () => {
  await open.close();
  await locked.close();
});

const post = (
  server: FirthServer,
  path: string,
  body: unknown,
  headers: Record<string, string> = JSON_TYPE,
) =>
  fetch(server.url + path, {
    method: 'POST',
    headers,
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

/** The server answers a normal chat request with the known greedy story. */
async function stillServes(server: FirthServer, headers: Record<string, string> = {}) {
  const r = await post(
    server,
    '/v1/chat/completions',
    {
      model: MODEL,
      messages: [{ role: 'user', content: 'Once upon a time' }],
      max_tokens: 6,
      temperature: 0,
    },
    { ...JSON_TYPE, ...headers },
  );
  expect(r.status).toBe(200);
  expect(((await r.json()) as any).choices[0].message.content).toMatch(/^, there was a little/);
}

const port = (s: FirthServer) => Number(new URL(s.url).port);
const errorOf = (body: string) => JSON.parse(body).error;

describe('request targets that new URL cannot parse', () => {
  const targets: [string, number, string | null][] = [
    ['//%', 404, 'unknown_url'],
    ['//x:999999/', 404, 'unknown_url'],
    ['//x:999999/v1/models', 404, 'unknown_url'],
    ['/%zz', 404, 'unknown_url'],
    ['/v1/models/%zz', 400, 'bad_request_target'],
    ['/v1/models/%E0%A4%A', 400, 'bad_request_target'],
    ['/v1/models/bert%2Dtiny', 200, null],
    ['/v1/models/?%', 200, null],
    ['*', 400, 'bad_request_target'],
    ['example.com:80', 400, null], // refused by Node's parser (authority-form is for CONNECT)
    ['http://evil.example/v1/models', 403, 'host_not_allowed'],
    ['http://[::1/v1/models', 403, 'host_not_allowed'],
    [`/${'a/'.repeat(6000)}`, 404, 'unknown_url'],
  ];
  const cases = targets.map(([target, status, code]) => ({
    label: target.length > 40 ? `${target.slice(0, 20)}… (${target.length} characters)` : target,
    target,
    status,
    code,
  }));
  test.each(cases)('GET $label → $status, the server lives on', async ({ target, status, code }) => {
    for (const [server, auth] of [
      [open, {}],
      [locked, { authorization: `Bearer ${KEY}` }],
    ] as const) {
      const r = await rawRequest(port(server), httpRequest('GET', target, auth));
      expect(r.status).toBe(status);
      if (code) expect(errorOf(r.body).code).toBe(code);
    }
    // without the key: the same target never gets further than a 4xx
    const anonymous = await rawRequest(port(locked), httpRequest('GET', target));
    expect([401, status === 200 ? 401 : status]).toContain(anonymous.status);
    const up = await fetch(`${open.url}/v1/models`);
    expect(up.status).toBe(200);
  });

  test('absolute-form naming this server is served; a long path is cut in the message', async () => {
    const self = await rawRequest(port(open), httpRequest('GET', `http://127.0.0.1:${port(open)}/v1/models`));
    expect(self.status).toBe(200);
    expect(JSON.parse(self.body).data.map((m: any) => m.id)).toContain(MODEL);
    const long = await rawRequest(port(open), httpRequest('GET', `/${'x'.repeat(5000)}`));
    expect(long.status).toBe(404);
    expect(errorOf(long.body).message.length).toBeLessThan(300);
  });

  test('what Node refuses before a request exists (NUL, spaces, header overflow) is a JSON 4xx', async () => {
    for (const [bytes, status] of [
      [Buffer.from('GET /v1/\0models HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n', 'latin1'), 400],
      [Buffer.from('GET /a b HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n', 'latin1'), 400],
      [Buffer.from('NOT-HTTP\r\n\r\n', 'latin1'), 400],
      [httpRequest('GET', `/${'y'.repeat(20_000)}`), 431],
      [httpRequest('GET', '/', { 'x-big': 'z'.repeat(20_000) }), 431],
    ] as const) {
      const r = await rawRequest(port(open), bytes);
      expect(r.status).toBe(status);
      expect(errorOf(r.body).type).toBe('invalid_request_error');
    }
    await stillServes(open);
  });

  test('300 seeded random targets: never a 5xx, never a dead server', async () => {
    const rng = new RandomState(13);
    const alphabet = [
      '/',
      '/',
      '%',
      '%2',
      '%zz',
      '%E0',
      ':',
      '@',
      '[',
      ']',
      '?',
      '#',
      '.',
      '..',
      '\\',
      'v1',
      'api',
      'models',
      'x',
      '9999999',
      '~',
      '!',
      '$',
      '&',
      "'",
      '(',
      '*',
      '+',
      ',',
      ';',
      '=',
    ];
    const statuses = new Map<number, number>();
    for (let i = 0; i < 300; i++) {
      let target = rng.randomSample() < 0.8 ? '/' : '';
      const n = rng.randint(1, 12);
      for (let k = 0; k < n; k++) target += alphabet[rng.randint(0, alphabet.length)];
      const r = await rawRequest(
        port(i % 2 ? locked : open),
        httpRequest(rng.randomSample() < 0.5 ? 'GET' : 'HEAD', target),
      );
      statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
      expect(r.status, target).toBeGreaterThanOrEqual(200);
      expect(r.status, target).toBeLessThan(500);
    }
    console.log('random targets, statuses:', Object.fromEntries(statuses));
    expect(statuses.size).toBeGreaterThan(2); // the mix reached several outcomes
    await stillServes(open);
    await stillServes(locked, { authorization: `Bearer ${KEY}` });
  });
});

describe('Host and Origin: DNS rebinding and cross-site pages', () => {
  test('loopback Hosts pass, with the port or without; a foreign Host is 403', async () => {
    const p = port(open);
    for (const host of [`127.0.0.1:${p}`, '127.0.0.1', `localhost:${p}`, 'LOCALHOST', `[::1]:${p}`, '[::1]'])
      expect((await rawRequest(p, httpRequest('GET', '/v1/models', { host }))).status, host).toBe(200);
    for (const host of [
      'evil.example',
      `evil.example:${p}`,
      `localhost:${p + 1}`,
      '127.0.0.2',
      'localhost.',
      'a b',
      '',
    ]) {
      const r = await rawRequest(p, httpRequest('GET', '/v1/models', { host }));
      expect(r.status, host).toBe(host === '' ? 400 : 403);
      expect(errorOf(r.body).code).toBe(host === '' ? 'missing_host' : 'host_not_allowed');
    }
  });

  test('a rebound POST (Host evil) is refused before anything runs, also on Ollama routes', async () => {
    const body = JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: 'hi' }] });
    const r = await rawRequest(
      port(open),
      httpRequest('POST', '/v1/chat/completions', { host: 'evil.example:80', ...JSON_TYPE }, body),
    );
    expect(r.status).toBe(403);
    expect(errorOf(r.body)).toMatchObject({ code: 'host_not_allowed', type: 'permission_error' });
    const o = await rawRequest(
      port(open),
      httpRequest('POST', '/api/chat', { host: 'evil.example', ...JSON_TYPE }, body),
    );
    expect(o.status).toBe(403);
    expect(typeof JSON.parse(o.body).error).toBe('string');
  });

  test('no Host at all (HTTP/1.0) is 400; HTTP/1.1 without Host is refused by Node', async () => {
    const old = await rawRequest(port(open), 'GET /v1/models HTTP/1.0\r\n\r\n');
    expect(old.status).toBe(400);
    expect(errorOf(old.body).code).toBe('missing_host');
    expect((await rawRequest(port(open), 'GET /v1/models HTTP/1.1\r\n\r\n')).status).toBe(400);
  });

  test('Origin of another site, or "null", is 403; a page on this machine passes', async () => {
    for (const origin of [
      'https://evil.example',
      'http://evil.example:8787',
      'null',
      'file://',
      'http://127.0.0.1.evil.example',
    ]) {
      const r = await fetch(`${open.url}/v1/models`, { headers: { origin } });
      expect(r.status, origin).toBe(403);
      expect(((await r.json()) as any).error.code).toBe('origin_not_allowed');
    }
    for (const origin of ['http://localhost:3000', 'http://127.0.0.1', 'https://[::1]:8443'])
      expect((await fetch(`${open.url}/v1/models`, { headers: { origin } })).status, origin).toBe(200);
  });

  test('allowedHosts adds names (with any port for Origin); "*" accepts any Host but not any Origin', async () => {
    const named = await createFirthServer({ allowedHosts: ['mybox.lan', 'proxy.lan:8080'] });
    const any = await createFirthServer({ allowedHosts: ['*'] });
    try {
      const p = port(named);
      expect((await rawRequest(p, httpRequest('GET', '/v1/models', { host: `mybox.lan:${p}` }))).status).toBe(
        200,
      );
      expect((await rawRequest(p, httpRequest('GET', '/v1/models', { host: 'proxy.lan:8080' }))).status).toBe(
        200,
      );
      expect((await rawRequest(p, httpRequest('GET', '/v1/models', { host: 'proxy.lan:9090' }))).status).toBe(
        403,
      );
      expect(
        (await rawRequest(p, httpRequest('GET', '/v1/models', { origin: 'http://mybox.lan:5173' }))).status,
      ).toBe(200);
      expect(
        (await rawRequest(port(any), httpRequest('GET', '/v1/models', { host: 'whatever.example' }))).status,
      ).toBe(200);
      expect(
        (await rawRequest(port(any), httpRequest('GET', '/v1/models', { origin: 'https://evil.example' })))
          .status,
      ).toBe(403);
      await expect(createFirthServer({ allowedHosts: ['bad host'] })).rejects.toThrow(/allowedHosts/);
    } finally {
      await named.close();
      await any.close();
    }
  });
});

describe('content types: only JSON bodies', () => {
  const chat = JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: 'Tom' }], max_tokens: 2 });
  test.each([
    ['text/plain', 'text/plain;charset=UTF-8'],
    ['a form', 'application/x-www-form-urlencoded'],
    ['multipart', 'multipart/form-data; boundary=x'],
    ['no type', null],
    ['xml', 'application/xml'],
    ['json-ish', 'application/jsonp'],
  ])('%s → 415 on both APIs', async (_, type) => {
    for (const path of ['/v1/chat/completions', '/api/chat', '/v1/embeddings', '/api/show']) {
      const r = await rawRequest(port(open), httpRequest('POST', path, { 'content-type': type }, chat));
      expect(r.status, path).toBe(415);
      const error = JSON.parse(r.body).error;
      if (path.startsWith('/api/')) expect(error).toMatch(/Content-Type: application\/json/);
      else expect(error).toMatchObject({ code: 'unsupported_media_type', type: 'invalid_request_error' });
    }
  });

  test('application/json with a charset, and application/*+json, are read', async () => {
    for (const type of ['application/json; charset=utf-8', 'Application/JSON', 'application/vnd.api+json']) {
      const r = await post(open, '/v1/chat/completions', chat, { 'content-type': type });
      expect(r.status, type).toBe(200);
    }
  });
});

describe('bodies: size, depth, width, encoding', () => {
  test('a declared 10 MB body is 413 at once; a chunked 2 MiB one is cut at 1 MiB', async () => {
    const declared = await rawRequest(
      port(open),
      httpRequest('POST', '/v1/chat/completions', {
        ...JSON_TYPE,
        'content-length': String(10 * 1024 * 1024),
      }),
    );
    expect(declared.status).toBe(413);
    expect(errorOf(declared.body)).toMatchObject({ code: 'request_too_large' });
    expect(errorOf(declared.body).message).toMatch(/limits\.maxBodyBytes/);
    const chunk = Buffer.from(`${(64 * 1024).toString(16)}\r\n${'['.repeat(64 * 1024)}\r\n`);
    const chunked = await rawRequest(port(open), [
      httpRequest('POST', '/api/chat', { ...JSON_TYPE, 'transfer-encoding': 'chunked' }),
      ...Array.from({ length: 32 }, () => chunk),
    ]);
    expect(chunked.status).toBe(413);
    expect(JSON.parse(chunked.body).error).toMatch(/larger than 1048576 bytes/);
    await stillServes(open);
  });

  test('nesting past 64 levels is 400 before parsing; 60 levels inside const are answered', async () => {
    const t0 = performance.now();
    const deep = await post(
      open,
      '/v1/chat/completions',
      `{"model":"x","a":${'['.repeat(500_000)}${']'.repeat(500_000)}}`,
    );
    expect(deep.status).toBe(400);
    expect(((await deep.json()) as any).error).toMatchObject({ code: 'limit_exceeded' });
    console.log(`1 MB of nesting refused in ${Math.round(performance.now() - t0)} ms`);
    const nest = (n: number): unknown => (n === 0 ? 1 : { a: nest(n - 1) });
    const tool = (c: unknown) => ({
      model: MODEL,
      messages: [{ role: 'user', content: 'go' }],
      tools: [
        {
          type: 'function',
          function: { name: 'f', parameters: { type: 'object', properties: { x: { const: c } } } },
        },
      ],
    });
    const ok = await post(open, '/v1/chat/completions', tool(nest(56)));
    expect(ok.status).toBe(200);
    expect(
      JSON.parse(((await ok.json()) as any).choices[0].message.tool_calls[0].function.arguments),
    ).toEqual({ x: nest(56) });
    const tooDeep = await post(open, '/api/chat', { ...tool(nest(70)), stream: false });
    expect(tooDeep.status).toBe(400);
    expect(((await tooDeep.json()) as any).error).toMatch(/limits\.maxJsonDepth/);
  });

  test('huge arrays: messages, inputs, stop, tools are refused naming the limit', async () => {
    const cases: [string, unknown, string][] = [
      [
        '/v1/chat/completions',
        { model: MODEL, messages: Array(30_000).fill({ role: 'user', content: '' }) },
        'maxMessages',
      ],
      [
        '/api/chat',
        { model: MODEL, stream: false, messages: Array(30_000).fill({ role: 'user', content: '' }) },
        'maxMessages',
      ],
      ['/v1/embeddings', { model: 'bert-tiny', input: Array(3000).fill('a') }, 'maxEmbeddingInputs'],
      ['/api/embed', { model: 'bert-tiny', input: Array(3000).fill('a') }, 'maxEmbeddingInputs'],
      [
        '/v1/chat/completions',
        { model: MODEL, messages: [{ role: 'user', content: 'x' }], stop: ['a'.repeat(300)] },
        'maxStopChars',
      ],
      [
        '/api/generate',
        { model: MODEL, prompt: 'x', options: { stop: ['a', 'b', 'c', 'd', 'e'] } },
        'maxStop',
      ],
      [
        '/v1/chat/completions',
        {
          model: MODEL,
          messages: [{ role: 'user', content: 'x' }],
          tools: Array.from({ length: 129 }, (_, i) => ({ type: 'function', function: { name: `f${i}` } })),
        },
        'maxTools',
      ],
    ];
    for (const [path, body, limit] of cases) {
      const t0 = performance.now();
      const r = await post(open, path, body);
      expect(r.status, `${path} ${limit}`).toBe(400);
      const error = ((await r.json()) as any).error;
      expect(typeof error === 'string' ? error : error.message).toContain(`limits.${limit}`);
      expect(performance.now() - t0).toBeLessThan(2_000);
    }
    // an unread field may be a huge array: it is parsed and ignored
    const wide = await post(open, '/v1/chat/completions', {
      model: MODEL,
      messages: [{ role: 'user', content: 'Tom' }],
      max_tokens: 1,
      junk: Array(200_000).fill(0),
    });
    expect(wide.status).toBe(200);
  });

  test('bad UTF-8 and bad JSON are 400 with the place; bad escapes in a model id too', async () => {
    const bytes = Buffer.concat([Buffer.from('{"model":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]);
    const r = await rawRequest(port(open), httpRequest('POST', '/v1/embeddings', JSON_TYPE, bytes));
    expect(r.status).toBe(400);
    expect(errorOf(r.body).message).toMatch(/UTF-8/);
    const bad = await post(open, '/v1/embeddings', '{"model": "bert-tiny",\n "input": [1,}');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as any).error.message).toMatch(/line 2, column 14/);
  });

  test('sampling parameters: the same ranges on both APIs (temperature 1e308 is refused on Ollama too)', async () => {
    const m = [{ role: 'user', content: 'x' }];
    for (const [path, body, param] of [
      [
        '/api/chat',
        { model: MODEL, messages: m, stream: false, options: { temperature: 1e308 } },
        'options.temperature',
      ],
      [
        '/api/chat',
        { model: MODEL, messages: m, stream: false, options: { temperature: 2.01 } },
        'options.temperature',
      ],
      ['/v1/chat/completions', { model: MODEL, messages: m, temperature: 1e308 }, 'temperature'],
      [
        '/api/generate',
        { model: MODEL, prompt: 'x', stream: false, options: { num_predict: 1e12 } },
        'options.num_predict',
      ],
      ['/v1/chat/completions', { model: MODEL, messages: m, max_tokens: 1e12 }, 'max_tokens'],
      [
        '/api/chat',
        { model: MODEL, messages: m, stream: false, options: { repeat_penalty: 0 } },
        'options.repeat_penalty',
      ],
      ['/v1/chat/completions', { model: MODEL, messages: m, top_k: 1.5 }, 'top_k'],
      ['/api/chat', { model: MODEL, messages: m, stream: false, options: { seed: 'x' } }, 'options.seed'],
    ] as const) {
      const r = await post(open, path, body);
      expect(r.status, `${path} ${param}`).toBe(400);
      const error = ((await r.json()) as any).error;
      expect(typeof error === 'string' ? error : error.param, param).toContain(param);
    }
    // what both accept: the same text for the same parameters
    const o = (await (
      await post(open, '/api/chat', {
        model: MODEL,
        messages: m,
        stream: false,
        options: { temperature: 2, top_p: 0.9, top_k: 5, seed: -7, num_predict: 5, repeat_penalty: 1.2 },
      })
    ).json()) as any;
    const a = (await (
      await post(open, '/v1/chat/completions', {
        model: MODEL,
        messages: m,
        temperature: 2,
        top_p: 0.9,
        top_k: 5,
        seed: -7,
        max_tokens: 5,
        repetition_penalty: 1.2,
      })
    ).json()) as any;
    expect(a.choices[0].message.content).toBe(o.message.content);
  });

  test('HEAD answers like GET without a body; other methods are 405 with Allow', async () => {
    for (const path of ['/', '/v1/models', '/v1/models/bert-tiny', '/api/tags', '/api/version']) {
      const get = await fetch(open.url + path);
      const head = await fetch(open.url + path, { method: 'HEAD' });
      expect(head.status, path).toBe(200);
      expect(head.headers.get('content-length')).toBe(get.headers.get('content-length'));
      expect(await head.text()).toBe('');
    }
    const r = await rawRequest(port(open), httpRequest('HEAD', '/v1/models'));
    expect(r.body).toBe('');
    const wrong = await fetch(`${open.url}/v1/models`, { method: 'DELETE' });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('GET, HEAD');
    expect((await fetch(`${open.url}/v1/chat/completions`, { method: 'HEAD' })).status).toBe(405);
  });
});

describe('schema bombs: answered fast, with a 400 naming the problem', () => {
  const chatWith = (parameters: unknown) => ({
    model: MODEL,
    messages: [{ role: 'user', content: 'fill it 1 2 3' }],
    tools: [{ type: 'function', function: { name: 'bomb', parameters } }],
  });
  const timed = async (name: string, parameters: unknown, status: number, pattern?: RegExp) => {
    const t0 = performance.now();
    const r = await post(open, '/v1/chat/completions', chatWith(parameters));
    const ms = performance.now() - t0;
    console.log(`schema bomb "${name}": ${r.status} in ${ms.toFixed(1)} ms`);
    expect(r.status).toBe(status);
    const body = (await r.json()) as any;
    if (pattern) expect(body.error.message).toMatch(pattern);
    expect(ms).toBeLessThan(1_000);
    return body;
  };

  test('repeated required (the ×4-per-level bomb), 13 and 16 levels', async () => {
    const bomb = (levels: number): unknown =>
      levels === 0
        ? { type: 'string' }
        : { type: 'object', properties: { a: bomb(levels - 1) }, required: ['a', 'a', 'a', 'a'] };
    await timed('required ×4, 13 levels', bomb(13), 400, /required names "a" twice/);
    await timed('required ×4, 16 levels', bomb(16), 400, /twice/);
  });

  test('deep anyOf, wide properties, huge enum, deep nesting', async () => {
    const anyOf = (levels: number): unknown =>
      levels === 0 ? { type: 'string' } : { anyOf: [anyOf(levels - 1), anyOf(levels - 1)] };
    await timed(
      'anyOf ×2, 14 levels (16k nodes)',
      { type: 'object', properties: { x: anyOf(14) } },
      400,
      /limits\.maxSchemaNodes/,
    );
    const props = (n: number) =>
      Object.fromEntries(Array.from({ length: n }, (_, i) => [`p${i}`, { type: 'string' }]));
    await timed(
      '6000 properties',
      { type: 'object', properties: props(6000) },
      400,
      /limits\.maxSchemaNodes/,
    );
    const wide = await timed('4000 properties', { type: 'object', properties: props(4000) }, 200);
    expect(Object.keys(JSON.parse(wide.choices[0].message.tool_calls[0].function.arguments))).toHaveLength(
      4000,
    );
    await timed(
      'enum of 100k',
      { type: 'object', properties: { e: { enum: Array.from({ length: 100_000 }, (_, i) => i) } } },
      400,
      /limits\.maxSchemaNodes/,
    );
    const nest = (n: number): unknown =>
      n === 0 ? { type: 'string' } : { type: 'object', properties: { a: nest(n - 1) } };
    await timed('20 levels', nest(20), 400, /limits\.maxSchemaDepth/);
  });

  test('a value past maxSchemaValueChars is refused, not built', async () => {
    const server = await createFirthServer({ limits: { maxSchemaValueChars: 10_000 } });
    try {
      const props = Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`s${i}`, { type: 'string' }]));
      const r = await post(server, '/v1/chat/completions', chatWith({ type: 'object', properties: props }));
      expect(r.status).toBe(400);
      expect(((await r.json()) as any).error.message).toMatch(/limits\.maxSchemaValueChars/);
    } finally {
      await server.close();
    }
  });

  test('valueForSchema on a shared sub-schema (a DAG, 2^40 paths) stops at its budget', () => {
    let s: Record<string, unknown> = { type: 'string' };
    for (let i = 0; i < 40; i++) s = { type: 'object', properties: { a: s, b: s } };
    const t0 = performance.now();
    expect(() => valueForSchema(s, 'x')).toThrow(/maxSchemaNodes/);
    expect(performance.now() - t0).toBeLessThan(500);
  });
});

describe('embeddings: a 1 MB input is answered in bounded time', () => {
  test('1 MB input: 400 naming the per-input limit, fast; 60 KB under the limit: the first 62 tokens, fast', async () => {
    const text = 'the river bank was quiet and the water was cold. '.repeat(21_000); // ~1 MB
    let t0 = performance.now();
    const big = await post(open, '/v1/embeddings', { model: 'bert-tiny', input: text });
    const bigMs = performance.now() - t0;
    expect(big.status).toBe(400);
    expect(((await big.json()) as any).error.message).toMatch(/limits\.maxEmbeddingInputChars/);
    const short = text.slice(0, 1000);
    const expected = (
      (await (await post(open, '/v1/embeddings', { model: 'bert-tiny', input: short })).json()) as any
    ).data[0].embedding;
    t0 = performance.now();
    const under = await post(open, '/api/embed', { model: 'bert-tiny', input: text.slice(0, 60_000) });
    const underMs = performance.now() - t0;
    expect(under.status).toBe(200);
    expect(((await under.json()) as any).embeddings[0]).toEqual(expected); // exact: the same 62 tokens
    console.log(
      `embedding: 1 MB input refused in ${bigMs.toFixed(1)} ms; 60 KB input embedded in ${underMs.toFixed(1)} ms`,
    );
    expect(bigMs).toBeLessThan(1_000);
    expect(underMs).toBeLessThan(1_000);
  });

  test('with the limits raised, a 1 MB input is embedded in bounded time (the readable prefix)', async () => {
    const server = await createFirthServer({
      maxBodyBytes: 4 * 1024 * 1024,
      limits: { maxEmbeddingInputChars: 2 * 1024 * 1024, maxEmbeddingTotalChars: 4 * 1024 * 1024 },
    });
    try {
      for (const [name, text] of [
        ['prose', 'a charming and moving film about a river. '.repeat(25_000)],
        ['CJK', '我爱自然语言处理。'.repeat(110_000)],
        ['one giant word', 'x'.repeat(1_000_000)],
      ] as const) {
        const t0 = performance.now();
        const r = await post(server, '/v1/embeddings', { model: 'bert-tiny', input: text });
        const ms = performance.now() - t0;
        console.log(`1 MB embedding input (${name}, limits raised): ${r.status} in ${ms.toFixed(1)} ms`);
        expect(r.status).toBe(200);
        expect(((await r.json()) as any).data[0].embedding).toHaveLength(128);
        expect(ms).toBeLessThan(3_000);
      }
    } finally {
      await server.close();
    }
  });

  test('the total of all inputs is bounded too', async () => {
    const server = await createFirthServer({ limits: { maxEmbeddingTotalChars: 1000 } });
    try {
      const r = await post(server, '/api/embed', {
        model: 'bert-tiny',
        input: Array(11).fill('x'.repeat(100)),
      });
      expect(r.status).toBe(400);
      expect(((await r.json()) as any).error).toMatch(/limits\.maxEmbeddingTotalChars/);
    } finally {
      await server.close();
    }
  });
});

describe('handlers that throw: one 500 with a generic message, the process lives', () => {
  const broken: LocalChatModel = {
    ...tinyStories260k,
    id: 'broken',
    load: async () => {
      throw new TypeError('cannot read properties of undefined (reading "weights")');
    },
  };
  /** A model that fails after a few tokens, when the stream has long started. */
  const flaky = storyModelWith('flaky', (n) => {
    if (n > 8) throw new RangeError('the kernel fell over');
  });
  const badEmbedder: LocalEmbeddingModel = {
    id: 'bad-embedder',
    dimensions: 4,
    family: 'x',
    parameterSize: '0',
    load: async () => ({
      embed: () => {
        throw new Error('boom');
      },
    }),
  };
  let server: FirthServer;
  const serverLog: string[] = [];
  beforeAll(async () => {
    server = await createFirthServer({
      apiKey: KEY,
      models: { chat: [tinyStories260k, broken, flaky], embeddings: [badEmbedder] },
      log: (l) => serverLog.push(l),
    });
  });
  afterAll(() => server.close());
  const auth = { ...JSON_TYPE, authorization: `Bearer ${KEY}` };

  test('a throwing load and a throwing embedder: 500, generic, no key, no stack; the stack is in the log', async () => {
    for (const [path, body] of [
      ['/v1/chat/completions', { model: 'broken', messages: [{ role: 'user', content: 'x' }] }],
      ['/api/chat', { model: 'broken', stream: false, messages: [{ role: 'user', content: 'x' }] }],
      ['/v1/embeddings', { model: 'bad-embedder', input: 'x' }],
    ] as const) {
      const r = await post(server, path, body, auth);
      expect(r.status).toBe(500);
      const text = await r.text();
      expect(text).toContain('the server failed to complete the request');
      expect(text).not.toContain(KEY);
      expect(text).not.toMatch(/TypeError|at .*\.ts/);
    }
    expect(serverLog.some((l) => l.includes('failed:') && l.includes('TypeError'))).toBe(true);
    expect(serverLog.join('\n')).not.toContain(KEY);
    await stillServes(server, { authorization: `Bearer ${KEY}` });
  });

  test('a throw mid-stream ends the stream with an error event / line; the server carries on', async () => {
    const sse = await (
      await post(
        server,
        '/v1/chat/completions',
        { model: 'flaky', stream: true, messages: [{ role: 'user', content: 'Once upon a time' }] },
        auth,
      )
    ).text();
    expect(sse).toContain('"server_error"');
    expect(sse.trimEnd().endsWith('data: [DONE]')).toBe(true);
    const nd = await (
      await post(
        server,
        '/api/chat',
        { model: 'flaky', messages: [{ role: 'user', content: 'Once upon a time' }] },
        auth,
      )
    ).text();
    expect(JSON.parse(nd.trim().split('\n').at(-1)!)).toEqual({
      error: 'the server failed to complete the request',
    });
    expect(serverLog.some((l) => l.startsWith('failed mid-stream: RangeError: the kernel fell over'))).toBe(
      true,
    );
    await stillServes(server, { authorization: `Bearer ${KEY}` });
  });
});

describe('slow clients are timed out', () => {
  let slow: FirthServer;
  /** The story model, 1.5 ms slower per step: a generation that outlasts requestMs. */
  const sluggish = storyModelWith('sluggish', () => {
    const until = performance.now() + 1.5;
    while (performance.now() < until);
  });
  beforeAll(async () => {
    slow = await createFirthServer({
      models: { chat: [tinyStories260k, sluggish] },
      timeouts: { headersMs: 300, requestMs: 400, bodyMs: 250, keepAliveMs: 300, checkIntervalMs: 100 },
    });
  });
  afterAll(() => slow.close());

  test('headers dribbled a byte at a time: closed after headersMs (408)', async () => {
    const bytes = [...httpRequest('GET', '/v1/models').toString('latin1')];
    const r = await rawRequest(port(slow), bytes, { gapMs: 100, timeoutMs: 5_000 });
    expect([0, 408]).toContain(r.status);
    expect(r.ms).toBeLessThan(2_000);
  });

  test('a connection that sends nothing is closed', async () => {
    const r = await rawRequest(port(slow), '', { timeoutMs: 5_000 });
    expect([0, 408]).toContain(r.status);
    expect(r.ms).toBeLessThan(2_000);
  });

  test('a body dribbled: 408 after bodyMs, naming the timeout', async () => {
    const body = JSON.stringify({ model: 'bert-tiny', input: 'x'.repeat(200) });
    const head = httpRequest('POST', '/v1/embeddings', {
      ...JSON_TYPE,
      'content-length': String(body.length),
    });
    const r = await rawRequest(port(slow), [head, ...body.match(/.{1,10}/g)!], {
      gapMs: 100,
      timeoutMs: 5_000,
    });
    expect(r.status).toBe(408);
    expect(errorOf(r.body).message).toMatch(/timeouts\.bodyMs/);
    expect(r.ms).toBeLessThan(2_000);
  });

  test('an idle kept-alive connection is closed after keepAliveMs', async () => {
    const r = await rawRequest(port(slow), httpRequest('GET', '/v1/models', { connection: 'keep-alive' }));
    expect(r.status).toBe(200);
    const { connect } = await import('node:net');
    const closedAfter = await new Promise<number>((resolve) => {
      const s = connect(port(slow), '127.0.0.1', () =>
        s.write(httpRequest('GET', '/v1/models', { connection: 'keep-alive' })),
      );
      let answered = 0;
      s.on('data', () => {
        answered ||= performance.now();
      });
      s.on('close', () => resolve(performance.now() - answered));
    });
    expect(closedAfter).toBeLessThan(1_500);
  });

  test('a generation longer than requestMs is not cut (the timeouts cover receiving only)', async () => {
    const t0 = performance.now();
    const r = await post(slow, '/v1/chat/completions', {
      model: 'sluggish',
      stream: true,
      messages: [{ role: 'user', content: 'Once upon a time' }],
      max_tokens: 400,
      temperature: 0,
    });
    const text = await r.text();
    expect(performance.now() - t0).toBeGreaterThan(600);
    expect(text.trimEnd().endsWith('data: [DONE]')).toBe(true);
    expect(text).not.toContain('"error"');
  });

  test('connections past maxConnections are refused; the server answers again once they close', async () => {
    const capped = await createFirthServer({ maxConnections: 2 });
    const { connect } = await import('node:net');
    const idle = await Promise.all(
      [0, 1].map(
        () =>
          new Promise<import('node:net').Socket>((resolve) => {
            const s = connect(port(capped), '127.0.0.1', () => resolve(s));
            s.on('error', () => {});
          }),
      ),
    );
    try {
      await new Promise((resolve) => setTimeout(resolve, 50));
      const third = await rawRequest(port(capped), httpRequest('GET', '/v1/models'));
      expect(third.status).toBe(0); // closed at once, no answer
      for (const s of idle) s.destroy();
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect((await rawRequest(port(capped), httpRequest('GET', '/v1/models'))).status).toBe(200);
    } finally {
      for (const s of idle) s.destroy();
      await capped.close();
    }
  });

  test('writeChunk disconnects a client that stops reading for writeStallMs', async () => {
    let handlerDone: (destroyed: boolean) => void;
    const finished = new Promise<boolean>((resolve) => {
      handlerDone = resolve;
    });
    const http = createServer(async (_req, res) => {
      res.writeHead(200);
      const piece = 'z'.repeat(64 * 1024);
      for (let i = 0; i < 2000 && !res.destroyed; i++) await writeChunk(res, piece, 300);
      handlerDone(res.destroyed);
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const { connect } = await import('node:net');
    const s = connect((http.address() as AddressInfo).port, '127.0.0.1', () =>
      s.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n'),
    );
    s.on('error', () => {});
    s.pause(); // never reads
    try {
      const t0 = performance.now();
      expect(await finished).toBe(true); // the stalled response was destroyed…
      expect(performance.now() - t0).toBeLessThan(3_000); // …soon after the buffers filled
    } finally {
      s.destroy();
      http.closeAllConnections();
      await new Promise((resolve) => http.close(resolve));
    }
  });
});

test('no request above logged a 5xx it did not mean, and the servers still answer', async () => {
  expect(logs.filter((l) => / 5\d\d \d+ms$/.test(l))).toEqual([]);
  await stillServes(open);
  await stillServes(locked, { authorization: `Bearer ${KEY}` });
  const e = await post(open, '/v1/embeddings', { model: 'bert-tiny', input: 'a river bank' });
  expect(((await e.json()) as any).data[0].embedding).toHaveLength(128);
});
