/**
 * The LLM nodes (Firth Chat Model sub-node, Generate, Prompt Template, Tokenizer Playground) with a
 * fake execution context: the course's prompts on the in-process model, the playground's parameters
 * checked per item, an OpenAI-compatible server started here on 127.0.0.1 (the Firth server's
 * shape), the real Firth server (@firth/server) for Groq without a key, and keys that never show in
 * an output or an error.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
// @firth/llm is not a dependency of this test package: the core's own source, for the expected values
import { chat, compareTokenizers, fewShotPrompt } from '@firth/llm';
import { createFirthServer, type FirthServer } from '@firth/server';
import type { ICredentialDataDecryptedObject, IExecuteFunctions, ISupplyDataFunctions } from 'n8n-workflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Generate } from '../../../packages/n8n-nodes-firth/nodes/Generate/Generate.node.js';
import { LmChatFirth } from '../../../packages/n8n-nodes-firth/nodes/LmChatFirth/LmChatFirth.node.js';
import { PromptTemplate } from '../../../packages/n8n-nodes-firth/nodes/PromptTemplate/PromptTemplate.node.js';
import { TokenizerPlayground } from '../../../packages/n8n-nodes-firth/nodes/TokenizerPlayground/TokenizerPlayground.node.js';
import { fakeContext, nodeRunner } from '../harness/fake-context.js';

type Item = { json: Record<string, any> };

/** A fake context with credentials: `credentials` maps a credential type to its decrypted data. */
function contextWith(
  node: { description: { properties: { name: string; default: unknown }[] } },
  items: object[],
  parameters: Record<string, unknown>,
  options: { credentials?: Record<string, ICredentialDataDecryptedObject>; continueOnFail?: boolean } = {},
) {
  const defaults = Object.fromEntries(node.description.properties.map((p) => [p.name, p.default]));
  const ctx = fakeContext({
    items: items as never,
    parameters: { ...defaults, ...parameters },
    continueOnFail: options.continueOnFail ?? false,
  });
  const base = ctx.getNode();
  const credentials = options.credentials ?? {};
  return Object.assign(ctx, {
    getNode: () => ({
      ...base,
      credentials: Object.fromEntries(Object.keys(credentials).map((k) => [k, { id: '1', name: k }])),
    }),
    getCredentials: async (type: string) => {
      if (!credentials[type]) throw new Error(`Node does not have any credentials of type "${type}" set`);
      return credentials[type];
    },
  });
}

const generateNode = new Generate();
async function generate(
  items: object[],
  parameters: Record<string, unknown>,
  options: Parameters<typeof contextWith>[3] = {},
): Promise<Item[]> {
  const ctx = contextWith(generateNode, items, parameters, options);
  return ((await generateNode.execute.call(ctx as unknown as IExecuteFunctions)) as Item[][])[0]!;
}

const promptTemplate = nodeRunner(new PromptTemplate());
const tokenizerPlayground = nodeRunner(new TokenizerPlayground());

/** Greedy and short: the in-process TinyStories model answers in well under a second. */
const LOCAL = { provider: 'local', options: { temperature: 0, maxTokens: 12 } };

// ---------------------------------------------------------------------------------------------
// A fake OpenAI-compatible server (what firth-server, llama.cpp and vLLM answer)

const KEY = 'sk-firth-test-secret-0123456789';
let server: Server;
let serverUrl: string;
const requests: { url: string; authorization?: string; body: Record<string, any> }[] = [];

async function bodyOf(req: IncomingMessage): Promise<Record<string, any>> {
  let text = '';
  for await (const chunk of req) text += chunk;
  return text ? JSON.parse(text) : {};
}

beforeAll(async () => {
  server = createServer(async (req, res) => {
    const body = await bodyOf(req);
    requests.push({ url: req.url ?? '', authorization: req.headers.authorization, body });
    res.setHeader('content-type', 'application/json');
    if (req.headers.authorization !== `Bearer ${KEY}`) {
      res.statusCode = 401;
      // a careless server quoting the key it was given
      res.end(JSON.stringify({ error: { message: `Invalid API Key: ${req.headers.authorization}` } }));
      return;
    }
    res.end(
      JSON.stringify({
        id: 'chatcmpl-1',
        object: 'chat.completion',
        created: 0,
        model: body.model,
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: 'The capital of France is Paris.' },
            finish_reason: 'stop',
          },
        ],
        usage: { prompt_tokens: 17, completion_tokens: 8, total_tokens: 25 },
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  serverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

// ---------------------------------------------------------------------------------------------
// The real Firth local server (@firth/server), with a key, where Groq without a key is sent

const FIRTH_KEY = 'firth-node-test-key-0123456789';
let firth: FirthServer;
beforeAll(async () => {
  firth = await createFirthServer({ port: 0, apiKey: FIRTH_KEY });
});
afterAll(async () => {
  await firth.close();
});

/** What the Firth server answers a request itself (model tinystories-260k), as Generate reports it. */
async function firthServerAnswer(path: string, body: Record<string, unknown>) {
  const res = await fetch(`${firth.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${FIRTH_KEY}` },
    body: JSON.stringify({ model: 'tinystories-260k', ...body }),
  });
  expect(res.status).toBe(200);
  const json = (await res.json()) as {
    choices: { message: { content: string }; finish_reason: string }[];
    usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
  };
  return {
    text: json.choices[0]!.message.content,
    usage: {
      promptTokens: json.usage.prompt_tokens,
      completionTokens: json.usage.completion_tokens,
      totalTokens: json.usage.total_tokens,
    },
    finishReason: json.choices[0]!.finish_reason,
  };
}

/** Runs `fn` with these environment variables (undefined: unset), restoring them after. */
async function withEnv<T>(vars: Record<string, string | undefined>, fn: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  const apply = (values: Record<string, string | undefined>) => {
    for (const [k, v] of Object.entries(values)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
  apply(vars);
  try {
    return await fn();
  } finally {
    apply(saved);
  }
}

/** A URL on a port that was just free: nothing listens there. */
async function deadUrl(): Promise<string> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(probe.address() as AddressInfo).port}`;
  await new Promise((resolve) => probe.close(resolve));
  return url;
}

// ---------------------------------------------------------------------------------------------

describe('Generate node', () => {
  it('"What is the capital of France?" on the local model: the same answer as @firth/llm chat()', async () => {
    const [out] = await generate([{}], { ...LOCAL, prompt: 'What is the capital of France?' });
    const core = await chat(
      { provider: 'local', temperature: 0, maxTokens: 12 },
      'What is the capital of France?',
    );
    expect(out!.json).toMatchObject({
      text: core.text,
      usage: core.usage,
      finishReason: core.finishReason,
      provider: 'local',
      model: 'tinystories-260k',
    });
    expect(out!.json.usage.completionTokens).toBe(12);
    expect(out!.json.usage.promptTokens).toBeGreaterThan(0);
    expect(out!.json.finishReason).toBe('length');
  });

  it('messages in (a conversation) and the item fields kept', async () => {
    const [out] = await generate([{ topic: 'stories' }], {
      ...LOCAL,
      input: 'messages',
      messages: [
        { role: 'system', content: 'You tell stories.' },
        { role: 'user', content: 'Once upon a time' },
      ],
    });
    expect(out!.json.topic).toBe('stories');
    expect(typeof out!.json.text).toBe('string');
    expect(out!.json.usage.totalTokens).toBe(out!.json.usage.promptTokens + out!.json.usage.completionTokens);
  });

  it('an OpenAI-compatible server (Firth server shape): /v1 added, key sent, every parameter mapped', async () => {
    requests.length = 0;
    const [out] = await generate(
      [{}],
      {
        provider: 'openai-compatible',
        prompt: 'What is the capital of France?',
        system: 'Answer briefly.',
        options: { temperature: 0.2, maxTokens: 2048, topP: 0.9, seed: 7, stop: ['\n\n'], jsonMode: false },
      },
      { credentials: { firthLocalServerApi: { baseUrl: serverUrl, apiKey: KEY } } },
    );
    expect(out!.json).toMatchObject({
      text: 'The capital of France is Paris.',
      usage: { promptTokens: 17, completionTokens: 8, totalTokens: 25 },
      finishReason: 'stop',
      provider: 'openai-compatible',
      model: 'tinystories-260k',
    });
    expect(requests).toHaveLength(1);
    expect(requests[0]!.url).toBe('/v1/chat/completions');
    expect(requests[0]!.authorization).toBe(`Bearer ${KEY}`);
    expect(requests[0]!.body).toMatchObject({
      model: 'tinystories-260k',
      temperature: 0.2,
      max_tokens: 2048,
      top_p: 0.9,
      seed: 7,
      stop: ['\n\n'],
      messages: [
        { role: 'system', content: 'Answer briefly.' },
        { role: 'user', content: 'What is the capital of France?' },
      ],
    });
    expect(JSON.stringify(out)).not.toContain(KEY);
  });

  it('a 401 from the server: a clear per-item error, the key redacted even when the server quotes it', async () => {
    const wrong = 'sk-wrong-key-abcdefghijklmnop';
    const run = () =>
      generate(
        [{}],
        { provider: 'openai-compatible', options: { maxRetries: 0 } },
        { credentials: { firthLocalServerApi: { baseUrl: serverUrl, apiKey: wrong } } },
      );
    const error = await run().catch((e: Error & { context?: { itemIndex?: number } }) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toContain('rejected the API key (401 Unauthorized)');
    expect((error as Error).message).not.toContain(wrong);
    expect(JSON.stringify(error)).not.toContain(wrong);
    expect((error as { context?: { itemIndex?: number } }).context?.itemIndex).toBe(0);
  });

  it('temperature 3 and 5 stop sequences: per-item errors naming the parameter; continueOnFail keeps going', async () => {
    const items = [{ n: 0 }, { n: 1 }, { n: 2 }];
    const parameters = {
      provider: 'local',
      options: (i: number) =>
        i === 0
          ? { temperature: 3 }
          : i === 1
            ? { stop: ['a', 'b', 'c', 'd', 'e'], maxTokens: 4 }
            : { temperature: 0, maxTokens: 4 },
    };
    await expect(generate(items, parameters)).rejects.toThrow(
      'temperature must be a number from 0 to 2, got 3',
    );
    const out = await generate(items, parameters, { continueOnFail: true });
    expect(out).toHaveLength(3);
    expect(out[0]!.json).toEqual({ n: 0, error: 'temperature must be a number from 0 to 2, got 3' });
    expect(out[1]!.json).toEqual({ n: 1, error: 'stop: at most 4 stop sequences, got 5' });
    expect(out[2]!.json.usage.completionTokens).toBe(4);
  });

  it('Groq with no credential: an error naming GROQ_API_KEY, unless the Firth local server is to answer', async () => {
    const run = (continueOnFail = false) =>
      generate([{}], { provider: 'groq', prompt: 'What is the capital of France?' }, { continueOnFail });
    await expect(run()).rejects.toThrow(/Groq needs an API key \(GROQ_API_KEY\).*Use the Firth Local Server/);
    const [failed] = await run(true);
    expect(failed!.json.error).toContain('GROQ_API_KEY');
  });

  it('Groq without a key, "Use the Firth Local Server": ChatGroq asks the real Firth server and the output says so', async () => {
    const parameters = {
      provider: 'groq',
      useLocalServerWithoutKey: true,
      model: 'ignored-without-a-key',
      prompt: 'What is the capital of France?',
      options: { maxTokens: 12, temperature: 0 },
    };
    const expected = await firthServerAnswer('/openai/v1/chat/completions', {
      messages: [{ role: 'user', content: 'What is the capital of France?' }],
      max_completion_tokens: 12,
      temperature: 0,
    });
    const output = (url: string) => ({
      ...expected,
      provider: 'groq',
      model: 'tinystories-260k',
      requestedProvider: 'groq',
      servedBy: 'firth-local-server',
      note: `No Groq credential: the Groq client asked the Firth local server at ${url} (model tinystories-260k) instead`,
    });
    // the URL and key from a Firth Local Server API credential ("/v1" on the URL is fine)
    const [viaCredential] = await generate([{}], parameters, {
      credentials: { firthLocalServerApi: { baseUrl: `${firth.url}/v1`, apiKey: FIRTH_KEY } },
    });
    expect(viaCredential!.json).toEqual(output(firth.url));
    expect(viaCredential!.json.usage.completionTokens).toBeGreaterThan(0);
    // without one: FIRTH_SERVER_URL and FIRTH_SERVER_KEY
    const [viaEnv] = await withEnv({ FIRTH_SERVER_URL: firth.url, FIRTH_SERVER_KEY: FIRTH_KEY }, () =>
      generate([{}], parameters),
    );
    expect(viaEnv!.json).toEqual(output(firth.url));
    for (const out of [viaCredential, viaEnv]) {
      expect(JSON.stringify(out)).not.toContain(FIRTH_KEY);
      expect(JSON.stringify(out)).not.toMatch(/Bearer|apiKey|gsk_/i);
    }
  });

  it('Groq with a key and a Base URL: ChatGroq sends the key there (the Firth server, Groq routes)', async () => {
    const [out] = await generate(
      [{}],
      {
        provider: 'groq',
        groqBaseUrl: firth.url,
        model: 'tinystories-260k',
        prompt: 'Once upon a time',
        options: { maxTokens: 8, temperature: 0 },
      },
      { credentials: { firthGroqApi: { apiKey: FIRTH_KEY } } },
    );
    const expected = await firthServerAnswer('/openai/v1/chat/completions', {
      messages: [{ role: 'user', content: 'Once upon a time' }],
      max_completion_tokens: 8,
      temperature: 0,
    });
    expect(out!.json).toEqual({ ...expected, provider: 'groq', model: 'tinystories-260k' });
    // a wrong key: the server's 401, the key redacted
    await expect(
      generate(
        [{}],
        { provider: 'groq', groqBaseUrl: firth.url, options: { maxRetries: 0 } },
        { credentials: { firthGroqApi: { apiKey: 'gsk_wrong0123456789' } } },
      ),
    ).rejects.toThrow(/401/);
  });

  it('Groq without a key and no Firth server listening: a per-item error naming the URL and scripts/start.sh', async () => {
    const url = await deadUrl();
    const parameters = {
      provider: 'groq',
      useLocalServerWithoutKey: true,
      options: { maxRetries: 0, timeoutMs: 2000 },
    };
    const message = `The Firth local server at ${url} is not reachable: bash scripts/start.sh starts it`;
    await withEnv({ FIRTH_SERVER_URL: url, FIRTH_SERVER_KEY: undefined }, async () => {
      await expect(generate([{}], parameters)).rejects.toThrow(message);
      const [out] = await generate([{ q: 1 }], parameters, { continueOnFail: true });
      expect(out!.json.q).toBe(1);
      expect(out!.json.error).toContain(message);
      expect(out!.json.error).toContain('ECONNREFUSED');
    });
  });

  it('OpenAI-compatible without a credential: the Firth server at FIRTH_SERVER_URL, and the output says so', async () => {
    const [out] = await withEnv({ FIRTH_SERVER_URL: firth.url, FIRTH_SERVER_KEY: FIRTH_KEY }, () =>
      generate([{}], {
        provider: 'openai-compatible',
        prompt: 'Once upon a time',
        options: { maxTokens: 8 },
      }),
    );
    const expected = await firthServerAnswer('/v1/chat/completions', {
      messages: [{ role: 'user', content: 'Once upon a time' }],
      max_tokens: 8,
    });
    expect(out!.json).toEqual({
      ...expected,
      provider: 'openai-compatible',
      model: 'tinystories-260k',
      requestedProvider: 'openai-compatible',
      servedBy: 'firth-local-server',
    });
  });

  it('an unreachable Ollama: a clear per-item error (is Ollama running?)', async () => {
    // a port that was just free: nothing listens there
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(probe.address() as AddressInfo).port}`;
    await new Promise((resolve) => probe.close(resolve));
    const message = `Cannot reach Ollama at ${url} (ECONNREFUSED). Is Ollama running (ollama serve)?`;
    const parameters = {
      provider: 'ollama',
      ollamaBaseUrl: url,
      options: { maxRetries: 0, timeoutMs: 2000 },
    };
    await expect(generate([{}], parameters)).rejects.toThrow(message);
    const [out] = await generate([{ q: 1 }], parameters, { continueOnFail: true });
    expect(out!.json).toEqual({ q: 1, error: message });
  });

  it('bad messages and bad tools JSON fail the item with what was expected', async () => {
    await expect(
      generate([{}], { ...LOCAL, input: 'messages', messages: [{ role: 'robot', content: 'hi' }] }),
    ).rejects.toThrow(
      'Messages must be a non-empty list of { role: "system" | "user" | "assistant", content: text }',
    );
    await expect(generate([{}], { ...LOCAL, tools: { definitions: '[oops' } })).rejects.toThrow(
      'Tools is not valid JSON',
    );
    await expect(
      generate([{}], {
        ...LOCAL,
        tools: {
          definitions: [{ type: 'function', function: { name: 'f', parameters: { type: 'object' } } }],
        },
      }),
    ).rejects.toThrow('tools: the local model cannot call tools');
  });
});

describe('Firth Chat Model sub-node', () => {
  const node = new LmChatFirth();

  it('supplies a LangChain chat model (local by default) whose calls show as runs of the sub-node', async () => {
    const ctx = contextWith(node, [{}], { options: { temperature: 0, maxTokens: 8 } });
    const { response } = await node.supplyData.call(ctx as unknown as ISupplyDataFunctions, 0);
    const model = response as { lc_namespace: string[]; invoke(input: string): Promise<{ text: string }> };
    expect(model.lc_namespace).toContain('chat_models');
    const answer = await model.invoke('Once upon a time');
    const core = await chat({ provider: 'local', temperature: 0, maxTokens: 8 }, 'Once upon a time');
    expect(answer.text).toBe(core.text);
    const runs = (ctx as unknown as { runs: { type: string; input: any; output: any }[] }).runs;
    expect(runs).toHaveLength(1);
    expect(runs[0]!.type).toBe('ai_languageModel');
    expect(runs[0]!.input[0][0].json.messages).toEqual([{ role: 'human', content: 'Once upon a time' }]);
    expect(runs[0]!.output[0][0].json.response.generations[0].text).toBe(core.text);
  });

  it('bad parameters and Groq without a key fail when the model is supplied, with clear messages', async () => {
    const supply = (parameters: Record<string, unknown>) =>
      node.supplyData.call(contextWith(node, [{}], parameters) as unknown as ISupplyDataFunctions, 0);
    await expect(supply({ options: { temperature: 3 } })).rejects.toThrow(
      'temperature must be a number from 0 to 2, got 3',
    );
    await expect(supply({ provider: 'groq' })).rejects.toThrow('GROQ_API_KEY');
  });

  it('Groq without a key, "Use the Firth Local Server": a ChatGroq on the real Firth server; unreachable, a clear error', async () => {
    const supply = (ctx: ReturnType<typeof contextWith>) =>
      node.supplyData.call(ctx as unknown as ISupplyDataFunctions, 0);
    const parameters = {
      provider: 'groq',
      useLocalServerWithoutKey: true,
      options: { temperature: 0, maxTokens: 8 },
    };
    const { response } = await withEnv({ FIRTH_SERVER_URL: firth.url, FIRTH_SERVER_KEY: FIRTH_KEY }, () =>
      supply(contextWith(node, [{}], parameters)),
    );
    const model = response as { lc_namespace: string[]; invoke(input: string): Promise<{ text: string }> };
    expect(model.constructor.name).toBe('ChatGroq');
    const expected = await firthServerAnswer('/openai/v1/chat/completions', {
      messages: [{ role: 'user', content: 'Once upon a time' }],
      max_completion_tokens: 8,
      temperature: 0,
    });
    expect((await model.invoke('Once upon a time')).text).toBe(expected.text);

    const url = await deadUrl();
    const ctx = contextWith(node, [{}], { ...parameters, options: { maxRetries: 0, timeoutMs: 2000 } });
    const dead = await withEnv({ FIRTH_SERVER_URL: url, FIRTH_SERVER_KEY: undefined }, () => supply(ctx));
    await expect((dead.response as typeof model).invoke('Once upon a time')).rejects.toThrow(
      `The Firth local server at ${url} is not reachable: bash scripts/start.sh starts it`,
    );
  });

  it('an OpenAI-compatible server: a failed call is recorded on the run and thrown, without the key', async () => {
    const ctx = contextWith(
      node,
      [{}],
      { provider: 'openai-compatible', options: { maxRetries: 0 } },
      {
        credentials: {
          firthLocalServerApi: { baseUrl: `${serverUrl}/v1`, apiKey: 'sk-not-the-key-0123456789' },
        },
      },
    );
    const { response } = await node.supplyData.call(ctx as unknown as ISupplyDataFunctions, 0);
    const error = await (response as { invoke(i: string): Promise<unknown> })
      .invoke('Hi')
      .catch((e: Error) => e);
    expect((error as Error).message).toContain('401 Unauthorized');
    expect((error as Error).message).not.toContain('sk-not-the-key-0123456789');
    const runs = (ctx as unknown as { runs: { output: unknown }[] }).runs;
    expect(runs[0]!.output).toBe(error);
  });
});

describe('Prompt Template node', () => {
  it('a template filled from the item; a missing variable fails that item, naming it', async () => {
    const items = [{ language: 'French', text: 'cheese' }, { language: 'German' }];
    await expect(promptTemplate(items, { template: 'Translate to {language}: {text}' })).rejects.toThrow(
      'missing variable "text" in the prompt template',
    );
    const out = await promptTemplate(items, { template: 'Translate to {language}: {text}' }, true);
    expect(out[0]!.json).toMatchObject({
      prompt: 'Translate to French: cheese',
      variables: ['language', 'text'],
    });
    expect(out[1]!.json).toEqual({
      language: 'German',
      error: 'missing variable "text" in the prompt template',
    });
  });

  it('few-shot: the antonyms prompt, exactly as @firth/llm writes it', async () => {
    const [out] = await promptTemplate([{ word: 'fast' }], { mode: 'fewShot' });
    expect(out!.json.prompt).toBe(
      'Give the antonym of every word.\n\nWord: happy\nAntonym: sad\n\nWord: tall\nAntonym: short\n\nWord: fast\nAntonym:',
    );
    expect(out!.json.prompt).toBe(
      fewShotPrompt(
        {
          prefix: 'Give the antonym of every word.',
          examples: [
            { word: 'happy', antonym: 'sad' },
            { word: 'tall', antonym: 'short' },
          ],
          exampleTemplate: 'Word: {word}\nAntonym: {antonym}',
          suffix: 'Word: {word}\nAntonym:',
        },
        { word: 'fast' },
      ),
    );
    await expect(promptTemplate([{ word: 'x' }], { mode: 'fewShot', examples: '[1, 2]' })).rejects.toThrow(
      'Examples must be a list of objects',
    );
  });

  it('chat messages, and the same conversation in the Llama 2 and ChatML templates', async () => {
    const [chatOut] = await promptTemplate([{ country: 'France' }], { mode: 'chat' });
    expect(chatOut!.json.messages).toEqual([
      { role: 'system', content: 'Answer in one word.' },
      { role: 'user', content: 'Capital of Italy?' },
      { role: 'assistant', content: 'Rome' },
      { role: 'user', content: 'Capital of France?' },
    ]);
    expect(chatOut!.json.prompt).toBeUndefined();
    const [llama] = await promptTemplate([{ country: 'France' }], { mode: 'chat', chatTemplate: 'llama2' });
    expect(llama!.json.prompt).toBe(
      '<s>[INST] <<SYS>>\nAnswer in one word.\n<</SYS>>\n\nCapital of Italy? [/INST] Rome </s><s>[INST] Capital of France? [/INST]',
    );
    const [chatml] = await promptTemplate([{ name: 'Ada' }], {
      template: 'Hi {name}',
      chatTemplate: 'chatml',
    });
    expect(chatml!.json.prompt).toBe('<|im_start|>user\nHi Ada<|im_end|>\n<|im_start|>assistant\n');
  });
});

describe('Tokenizer Playground node', () => {
  it("'Once upon a time' through every tokenizer, GPT-4o included: the core's tokens, ids and counts", async () => {
    const [out] = await tokenizerPlayground([{}], { text: 'Once upon a time' });
    const core = await compareTokenizers('Once upon a time');
    expect(out!.json.tokenizers).toEqual(core);
    expect(out!.json.counts['llama2c-tinystories']).toBe(4);
    expect(out!.json.counts['gpt-4o']).toBe(4);
    expect(out!.json.tokenizers.find((v: { name: string }) => v.name === 'gpt-4o').tokens).toEqual([
      'Once',
      ' upon',
      ' a',
      ' time',
    ]);
    expect(Object.keys(out!.json.counts)).toEqual([
      'llama2c-tinystories',
      'bpe-shakespeare',
      'wordpiece-shakespeare',
      'char-shakespeare',
      'gpt-4o',
    ]);
  });

  it('an unknown tokenizer or a non-text fails the item', async () => {
    await expect(tokenizerPlayground([{}], { tokenizers: ['gpt-5'] })).rejects.toThrow(
      'Unknown tokenizer "gpt-5"',
    );
    const [out] = await tokenizerPlayground([{}], { text: 42 }, true);
    expect(out!.json.error).toBe('Text must be text, got number');
  });
});
