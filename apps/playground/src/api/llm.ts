/**
 * The LLM playground's server side (course: "groq Playground"): the page picks a model source and
 * the playground's parameters; this file turns them into one @firth/llm `ChatConfig` and calls
 * `chat` — streamed to the page as server-sent events, or as one answer — and `playgroundCode`
 * for "view code". Keys stay here: Groq's comes from GROQ_API_KEY or is typed in the page and held
 * in this process's memory (per playground server), never logged, never sent back; the Firth
 * model server's key comes from the playground's options only.
 *
 *   GET  /api/llm/sources  the model sources, their models, whether a Groq key is set
 *   POST /api/llm/key      { provider: 'groq' | 'openai-compatible', apiKey } ('' forgets it)
 *   POST /api/llm/chat     { source, model, …parameters, stream } → SSE (token, done) or JSON
 *   POST /api/llm/code     the same body → { snippets } (view code)
 */
import { existsSync } from 'node:fs';
import {
  type ChatConfig,
  type ChatResponse,
  chat,
  createChatModel,
  DEFAULT_BASE_URLS,
  DEFAULT_MODELS,
  LlmError,
  MISSING_GROQ_KEY_MESSAGE,
  playgroundCode,
} from '@firth/llm';
import { HttpError } from '@firth/server';
import type { ApiRoute, PlaygroundContext } from './types.js';

/** Where the page's model comes from; each becomes one @firth/llm provider. */
export const LLM_SOURCES = ['local', 'firth-server', 'groq', 'ollama', 'openai-compatible', 'gguf'] as const;
export type LlmSource = (typeof LLM_SOURCES)[number];

/** Groq models offered in the picker (any other name may be typed). */
const GROQ_MODELS = [
  DEFAULT_MODELS.groq!,
  'llama-3.3-70b-versatile',
  'llama-3.1-8b-instant',
  'compound-beta', // the course's "Access Cloud Based LLMs (groq.com)" example
];

/** The keys typed in the page, per playground server (its context object), in memory only. */
const sessionKeys = new WeakMap<PlaygroundContext, { groq?: string; 'openai-compatible'?: string }>();
const keysOf = (context: PlaygroundContext) => {
  const keys = sessionKeys.get(context) ?? {};
  sessionKeys.set(context, keys);
  return keys;
};

function groqKeyState(context: PlaygroundContext): 'page' | 'environment' | 'none' {
  if (keysOf(context).groq) return 'page';
  return process.env.GROQ_API_KEY?.trim() ? 'environment' : 'none';
}

const firthServerV1 = (url: string) => `${url.replace(/\/+$/, '')}/v1`;

/** The chat models of Firth's model server (its /v1/models lists embedding models too). */
async function firthServerModels(context: PlaygroundContext, signal: AbortSignal): Promise<string[]> {
  const res = await fetch(`${firthServerV1(context.firthServerUrl!)}/models`, {
    headers: context.firthServerKey ? { Authorization: `Bearer ${context.firthServerKey}` } : {},
    signal: AbortSignal.any([signal, AbortSignal.timeout(5000)]),
  });
  if (!res.ok) throw new Error(`its /v1/models answered ${res.status}`);
  const body = (await res.json()) as { data?: { id: string; context_window?: number }[] };
  return (body.data ?? []).filter((m) => m.context_window !== undefined).map((m) => m.id);
}

const str = (body: Record<string, unknown>, name: string): string | undefined => {
  const v = body[name];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string') throw new HttpError(400, `${name} must be text`);
  return v;
};

/** The page's request as @firth/llm's config (keys added here) and the user message. */
export function playgroundRequest(
  body: Record<string, unknown>,
  context: PlaygroundContext,
): { config: ChatConfig; user: string; apiKeyEnv?: string } {
  const source = body.source as LlmSource;
  if (!LLM_SOURCES.includes(source))
    throw new HttpError(400, `pick a model source: one of ${LLM_SOURCES.join(', ')}`);
  const user = str(body, 'user');
  if (!user?.trim()) throw new HttpError(400, 'Type a user message first.');
  const model = str(body, 'model');
  // the parameters go to @firth/llm unchanged: its validateChatConfig names a bad one
  const params: Partial<ChatConfig> = {};
  for (const name of ['temperature', 'maxTokens', 'topP', 'seed', 'stop'] as const)
    if (body[name] !== undefined && body[name] !== null)
      (params as Record<string, unknown>)[name] = body[name];
  const system = str(body, 'system');
  const common = {
    ...(system ? { system } : {}),
    ...params,
    streaming: body.stream === true,
    ...(body.jsonMode === true ? { jsonMode: true } : {}),
  };
  const keys = keysOf(context);
  switch (source) {
    case 'local':
      return { config: { provider: 'local', ...(model ? { model } : {}), ...common }, user };
    case 'firth-server': {
      if (!context.firthServerUrl)
        throw new HttpError(400, 'no Firth model server: start the playground with one (firthServerUrl)');
      if (!model) throw new HttpError(400, "pick one of the Firth model server's models");
      return {
        config: {
          provider: 'openai-compatible',
          baseUrl: firthServerV1(context.firthServerUrl),
          model,
          ...(context.firthServerKey ? { apiKey: context.firthServerKey } : {}),
          ...common,
        },
        user,
        ...(context.firthServerKey ? { apiKeyEnv: 'FIRTH_SERVER_KEY' } : {}),
      };
    }
    case 'groq':
      return {
        config: {
          provider: 'groq',
          ...(model ? { model } : {}),
          ...(keys.groq ? { apiKey: keys.groq } : {}),
          ...common,
        },
        user,
        apiKeyEnv: 'GROQ_API_KEY',
      };
    case 'ollama':
      return {
        config: {
          provider: 'ollama',
          baseUrl: str(body, 'baseUrl') ?? DEFAULT_BASE_URLS.ollama!,
          ...(model ? { model } : {}),
          ...common,
        },
        user,
      };
    case 'openai-compatible': {
      const baseUrl = str(body, 'baseUrl');
      if (!baseUrl)
        throw new HttpError(
          400,
          'Type the URL of the OpenAI-compatible server (e.g. http://127.0.0.1:8080/v1).',
        );
      const key = keys['openai-compatible'];
      return {
        config: {
          provider: 'openai-compatible',
          baseUrl,
          ...(model ? { model } : {}),
          ...(key ? { apiKey: key } : {}),
          ...common,
        },
        user,
        ...(key ? { apiKeyEnv: 'OPENAI_API_KEY' } : {}),
      };
    }
    case 'gguf': {
      const modelPath = str(body, 'modelPath');
      if (!modelPath) throw new HttpError(400, 'Type the path of a .gguf model file.');
      if (!existsSync(modelPath)) throw new HttpError(400, `no such file: ${modelPath}`);
      return { config: { provider: 'gguf', modelPath, ...common }, user };
    }
  }
}

/** An @firth/llm error as the page's message: the user's mistakes are 4xx, the provider's 502. */
function toHttp(error: unknown): unknown {
  if (!(error instanceof LlmError)) return error;
  if (error.kind === 'missing-key')
    return new HttpError(
      400,
      `${MISSING_GROQ_KEY_MESSAGE} — or type your key in the “Groq API key” field: it stays in this playground server's memory.`,
    );
  const userSide = ['invalid-config', 'unsupported', 'bad-request', 'not-found', 'unauthorized', 'forbidden'];
  // @firth/llm gives this hint when the refusal's code reaches it; ChatOllama's fetch error may hide it
  const hint =
    error.kind === 'connection' && error.provider === 'ollama' && !error.message.includes('ollama serve')
      ? ' Is Ollama running (ollama serve)?'
      : '';
  return new HttpError(userSide.includes(error.kind) ? (error.status ?? 400) : 502, error.message + hint);
}

interface Timing {
  /** From the request to the first token (streaming only). */
  firstTokenMs?: number;
  totalMs: number;
  /** Completion tokens per second of the whole call. */
  tokensPerSecond: number;
}

const summary = (answer: ChatResponse, timing: Omit<Timing, 'tokensPerSecond'>) => ({
  usage: answer.usage,
  finishReason: answer.finishReason,
  timing: {
    ...timing,
    tokensPerSecond: timing.totalMs > 0 ? answer.usage.completionTokens / (timing.totalMs / 1000) : 0,
  },
});

export const llmRoutes: ApiRoute[] = [
  {
    method: 'GET',
    path: '/api/llm/sources',
    async handle({ context, signal }) {
      let firthServer: { url: string; models: string[]; error?: string } | undefined;
      if (context.firthServerUrl) {
        try {
          firthServer = { url: context.firthServerUrl, models: await firthServerModels(context, signal) };
        } catch (error) {
          firthServer = {
            url: context.firthServerUrl,
            models: [],
            error: `Cannot list the Firth model server's models at ${context.firthServerUrl}: ${(error as Error).message}`,
          };
        }
      }
      return {
        local: { models: [DEFAULT_MODELS.local!] },
        ...(firthServer ? { firthServer } : {}),
        groq: { models: GROQ_MODELS, key: groqKeyState(context) },
        ollama: { baseUrl: DEFAULT_BASE_URLS.ollama!, model: DEFAULT_MODELS.ollama! },
        openaiCompatible: { key: Boolean(keysOf(context)['openai-compatible']) },
      };
    },
  },
  {
    method: 'POST',
    path: '/api/llm/key',
    handle({ body, context }) {
      const provider = body.provider;
      if (provider !== 'groq' && provider !== 'openai-compatible')
        throw new HttpError(400, 'provider must be groq or openai-compatible');
      if (typeof body.apiKey !== 'string') throw new HttpError(400, 'apiKey must be text');
      const keys = keysOf(context);
      const key = body.apiKey.trim();
      if (key) keys[provider] = key;
      else delete keys[provider];
      // never the key itself: only whether one is set
      return { groq: groqKeyState(context), openaiCompatible: Boolean(keys['openai-compatible']) };
    },
  },
  {
    method: 'POST',
    path: '/api/llm/chat',
    async handle({ body, context, signal, res }) {
      const { config, user } = playgroundRequest(body, context);
      try {
        createChatModel(config); // every parameter and the key checked before anything starts
      } catch (error) {
        throw toHttp(error);
      }
      const t0 = performance.now();
      if (!config.streaming) {
        try {
          const answer = await chat(config, user, { signal });
          return { text: answer.text, ...summary(answer, { totalMs: performance.now() - t0 }) };
        } catch (error) {
          throw toHttp(error);
        }
      }
      res.writeHead(200, {
        'Content-Type': 'text/event-stream; charset=utf-8',
        'Cache-Control': 'no-store',
        Connection: 'keep-alive',
      });
      const send = (event: string, data: unknown) => {
        if (!res.writableEnded) res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
      };
      let firstTokenMs: number | undefined;
      try {
        const answer = await chat(config, user, {
          signal,
          onToken: (text) => {
            firstTokenMs ??= performance.now() - t0;
            send('token', { text });
          },
        });
        send(
          'done',
          summary(answer, {
            ...(firstTokenMs !== undefined ? { firstTokenMs } : {}),
            totalMs: performance.now() - t0,
          }),
        );
      } catch (error) {
        // the page went away (Stop): nothing is listening
        if (!signal.aborted) send('error', { error: (toHttp(error) as Error).message });
      }
      res.end();
      return undefined;
    },
  },
  {
    method: 'POST',
    path: '/api/llm/code',
    handle({ body, context }) {
      const { config, user, apiKeyEnv } = playgroundRequest(body, context);
      const { apiKey: _never, ...withoutKey } = config;
      try {
        return { snippets: playgroundCode(withoutKey, user, apiKeyEnv ? { apiKeyEnv } : {}) };
      } catch (error) {
        throw toHttp(error);
      }
    },
  },
];
