/**
 * The server under load, in-process: 500 concurrent mixed requests (models, chat, embeddings,
 * Ollama, bad requests) all answered correctly, with p50/p95 latency; 100 streams of which half
 * are aborted mid-way; the memory after 5,000 requests; and the event loop's longest stall while
 * heavy requests run (a 494-token prefill, 2048-input embeddings, a 1 MB body, a 4000-property
 * tool schema). The bounds are generous for a busy 2-core CI machine; the measured numbers are
 * printed. Seeded.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { RandomState } from '@firth/numeric';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createFirthServer, type FirthServer } from './server.js';

const MODEL = 'tinystories-260k';
const JSON_TYPE = { 'content-type': 'application/json' };
const PROMPTS = ['Once upon a time', 'Tom and Sue', 'The little dog', 'Lily saw a bird'];
const TEXTS = ['a good film', 'the river bank', 'money in the bank', 'a charming and moving story'];
let server: FirthServer;
const logs: string[] = [];
/** The answers of each request kind, asked one at a time before the load. */
const expected = { chat: [] as string[], ollama: [] as string[], embedding: [] as number[][] };

const post = (
  path: string,
  body: unknown,
  headers: Record<string, string> = JSON_TYPE,
  signal?: AbortSignal,
) =>
  fetch(server.url + path, {
    method: 'POST',
    headers,
    body: JSON.stringify(body),
    ...(signal ? { signal } : {}),
  });
const chatBody = (i: number) => ({
  model: MODEL,
  messages: [{ role: 'user', content: PROMPTS[i] }],
  max_tokens: 4,
  temperature: 0,
});
const ollamaBody = (i: number) => ({
  model: MODEL,
  stream: false,
  messages: [{ role: 'user', content: PROMPTS[i] }],
  options: { num_predict: 4, temperature: 0 },
});

beforeAll(async () => {
  server = await createFirthServer({ log: (l) => logs.push(l) });
  for (let i = 0; i < PROMPTS.length; i++) {
    expected.chat.push(
      ((await (await post('/v1/chat/completions', chatBody(i))).json()) as any).choices[0].message.content,
    );
    expected.ollama.push(((await (await post('/api/chat', ollamaBody(i))).json()) as any).message.content);
    expected.embedding.push(
      ((await (await post('/v1/embeddings', { model: 'bert-tiny', input: TEXTS[i] })).json()) as any).data[0]
        .embedding,
    );
  }
});
afterAll(() => server.close());

/** One request of a seeded random kind; resolves once its answer was checked. */
async function oneRequest(rng: RandomState): Promise<string> {
  const kind = rng.randint(0, 8);
  const i = rng.randint(0, PROMPTS.length);
  switch (kind) {
    case 0: {
      const r = await fetch(`${server.url}/v1/models`);
      expect(((await r.json()) as any).data.map((m: any) => m.id)).toEqual([MODEL, 'bert-tiny']);
      return 'models';
    }
    case 1:
    case 2: {
      const r = await post('/v1/chat/completions', chatBody(i));
      expect(((await r.json()) as any).choices[0].message.content).toBe(expected.chat[i]);
      return 'chat';
    }
    case 3: {
      const r = await post('/api/chat', ollamaBody(i));
      expect(((await r.json()) as any).message.content).toBe(expected.ollama[i]);
      return 'ollama';
    }
    case 4:
    case 5: {
      const r = await post('/v1/embeddings', { model: 'bert-tiny', input: TEXTS[i] });
      expect(((await r.json()) as any).data[0].embedding).toEqual(expected.embedding[i]);
      return 'embedding';
    }
    case 6: {
      const r = await post('/v1/chat/completions', {
        model: MODEL,
        messages: chatBody(i).messages,
        temperature: 3,
      });
      expect(r.status).toBe(400);
      expect(((await r.json()) as any).error.param).toBe('temperature');
      return 'bad';
    }
    default: {
      const r = await fetch(`${server.url}/api/chat`, { method: 'POST', body: '{"model":"x"}' }); // text/plain
      expect(r.status).toBe(415);
      await r.text();
      return 'bad';
    }
  }
}

/**
 * Watches the event loop: a 5 ms timer notes, at each turn, how much CPU this thread spent since
 * the last one (the longest stretch without a turn, free of time other processes took) and
 * monitorEventLoopDelay the wall-clock delays.
 */
function watchEventLoop() {
  const histogram = monitorEventLoopDelay({ resolution: 5 });
  histogram.enable();
  const cpu = () => {
    const u = process.threadCpuUsage();
    return (u.user + u.system) / 1000;
  };
  let last = cpu();
  let maxCpuMs = 0;
  const timer = setInterval(() => {
    const now = cpu();
    maxCpuMs = Math.max(maxCpuMs, now - last);
    last = now;
  }, 5);
  return {
    stop() {
      clearInterval(timer);
      histogram.disable();
      return { maxCpuMs, maxDelayMs: histogram.max / 1e6, p99DelayMs: histogram.percentile(99) / 1e6 };
    },
  };
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;

describe('load', () => {
  test('500 concurrent mixed requests are all answered correctly (p50/p95 printed)', async () => {
    const rng = new RandomState(500);
    const kinds = new Map<string, number>();
    const latencies = await Promise.all(
      Array.from({ length: 500 }, async () => {
        const t0 = performance.now();
        const kind = await oneRequest(rng);
        kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
        return performance.now() - t0;
      }),
    );
    latencies.sort((a, b) => a - b);
    const [p50, p95] = [percentile(latencies, 0.5), percentile(latencies, 0.95)];
    console.log(
      `500 concurrent requests ${JSON.stringify(Object.fromEntries(kinds))}: p50 ${p50.toFixed(0)} ms, p95 ${p95.toFixed(0)} ms, max ${latencies.at(-1)!.toFixed(0)} ms`,
    );
    expect(kinds.size).toBe(5);
    expect(p95).toBeLessThan(30_000);
  });

  test('100 streams, half aborted mid-way: the others complete, nothing crashes', async () => {
    const results = await Promise.all(
      Array.from({ length: 100 }, async (_, i) => {
        const abort = new AbortController();
        const r = await post(
          i % 2 ? '/api/chat' : '/v1/chat/completions',
          i % 2
            ? {
                model: MODEL,
                messages: [{ role: 'user', content: PROMPTS[i % 4] }],
                options: { num_predict: 200, seed: i },
              }
            : {
                model: MODEL,
                messages: [{ role: 'user', content: PROMPTS[i % 4] }],
                max_tokens: 200,
                seed: i,
                stream: true,
              },
          JSON_TYPE,
          abort.signal,
        );
        const reader = r.body!.getReader();
        let text = '';
        try {
          for (let chunks = 0; ; chunks++) {
            if (i % 4 < 2 && chunks === 1) {
              abort.abort();
              return 'aborted';
            }
            const { done, value } = await reader.read();
            if (done) break;
            text += new TextDecoder().decode(value);
          }
        } catch (e) {
          return `failed: ${(e as Error).message}`;
        }
        const complete =
          i % 2
            ? /"done":true/.test(text.trim().split('\n').at(-1)!)
            : text.trimEnd().endsWith('data: [DONE]');
        return complete ? 'complete' : `incomplete: ${text.slice(-80)}`;
      }),
    );
    const counts = Object.fromEntries(
      [...new Set(results)].map((r) => [r, results.filter((x) => x === r).length]),
    );
    console.log('100 streams:', counts);
    expect(counts).toEqual({ aborted: 50, complete: 50 });
    const up = await post('/v1/chat/completions', chatBody(0));
    expect(((await up.json()) as any).choices[0].message.content).toBe(expected.chat[0]);
  });

  test('memory: RSS after 5,000 requests grows by less than 100 MB after warm-up', async () => {
    const rng = new RandomState(5000);
    const batch = async (n: number) => {
      for (let done = 0; done < n; done += 50)
        await Promise.all(Array.from({ length: 50 }, () => oneRequest(rng)));
    };
    await batch(500); // warm-up: code compiled, models loaded, pools filled
    const before = process.memoryUsage().rss;
    const t0 = performance.now();
    await batch(5_000);
    const growth = (process.memoryUsage().rss - before) / 1024 / 1024;
    console.log(
      `RSS after 5,000 requests (${((performance.now() - t0) / 1000).toFixed(1)} s): ${growth >= 0 ? '+' : ''}${growth.toFixed(1)} MB (from ${(before / 1024 / 1024).toFixed(0)} MB)`,
    );
    expect(growth).toBeLessThan(100);
  }, 180_000);

  test('event loop: heavy requests never hold it long (max delay printed)', async () => {
    const long = 'Once upon a time there was a little girl. '.repeat(41); // 494 tokens
    const schema = {
      type: 'object',
      properties: Object.fromEntries(Array.from({ length: 4000 }, (_, i) => [`p${i}`, { type: 'integer' }])),
    };
    const heavy = [
      ...Array.from({ length: 4 }, () =>
        post('/v1/chat/completions', {
          model: MODEL,
          messages: [{ role: 'user', content: long }],
          max_tokens: 8,
        }),
      ),
      post('/v1/embeddings', {
        model: 'bert-tiny',
        input: Array.from({ length: 2048 }, (_, i) => TEXTS[i % 4]),
      }),
      post('/api/embed', {
        model: 'bert-tiny',
        input: Array.from({ length: 200 }, (_, i) => `${TEXTS[i % 4]} ${'x '.repeat(2000)}`),
      }),
      post('/v1/chat/completions', {
        model: MODEL,
        messages: [
          { role: 'system', content: 'z'.repeat(1_000_000) },
          { role: 'user', content: 'Tom' },
        ],
        max_tokens: 2,
      }),
      post('/v1/chat/completions', {
        model: MODEL,
        messages: [{ role: 'user', content: 'add 1 2 3' }],
        tools: [{ type: 'function', function: { name: 'f', parameters: schema } }],
      }),
    ];
    const watch = watchEventLoop();
    const pings: number[] = [];
    let running = true;
    const ping = (async () => {
      while (running) {
        const t0 = performance.now();
        await (await fetch(`${server.url}/api/version`)).text();
        pings.push(performance.now() - t0);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    })();
    const statuses = await Promise.all(heavy.map(async (p) => (await p).status));
    running = false;
    await ping;
    const loop = watch.stop();
    pings.sort((a, b) => a - b);
    console.log(
      `event loop during heavy requests: longest turn ${loop.maxCpuMs.toFixed(1)} ms of CPU; delay max ${loop.maxDelayMs.toFixed(1)} ms, p99 ${loop.p99DelayMs.toFixed(1)} ms (wall clock, ` +
        `includes other processes' turns on the CPU); a cheap GET meanwhile: ${pings.length} pings, median ${percentile(pings, 0.5).toFixed(1)} ms, max ${pings.at(-1)!.toFixed(1)} ms`,
    );
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 200, 200]);
    // target ~100 ms (all concurrent requests' slices of one loop turn together, and GC); without
    // the prefill's yields this was ~500 ms
    expect(loop.maxCpuMs).toBeLessThan(250);
    expect(loop.maxDelayMs).toBeLessThan(2_000); // seconds-long stalls fail even on a crowded machine
    expect(pings.length).toBeGreaterThan(5);
  }, 120_000);

  test('afterwards: no 5xx in the log, and a normal chat and embedding are still right', async () => {
    expect(logs.filter((l) => / 5\d\d \d+ms$/.test(l))).toEqual([]);
    const chat = await post('/v1/chat/completions', chatBody(0));
    expect(((await chat.json()) as any).choices[0].message.content).toBe(expected.chat[0]);
    const e = await post('/v1/embeddings', { model: 'bert-tiny', input: TEXTS[1] });
    expect(((await e.json()) as any).data[0].embedding).toEqual(expected.embedding[1]);
  });
});
