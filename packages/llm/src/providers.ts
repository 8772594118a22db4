/**
 * One chat interface over many providers (course: "groq Playground", "Access Cloud Based LLMs
 * (groq.com)", "Local LLM i.e. Ollama"): Groq, Ollama, any OpenAI-compatible server and Firth's
 * local TinyStories model, each a LangChain chat model, so each composes with LangChain chains and
 * agents.
 *
 *   const model = createChatModel({ provider: 'groq', temperature: 0, maxTokens: 2048 });
 *   await chat({ provider: 'groq', model: 'compound-beta' }, 'What is the capital of France?')
 *   // { text: 'The capital of France is Paris.', usage: { promptTokens: 17, completionTokens: 8,
 *   //   totalTokens: 25 }, finishReason: 'stop', toolCalls: [], … }
 *
 * The course's Python example, line by line: `os.environ.get("GROQ_API_KEY")` is `apiKey`'s default,
 * "Please set the GROQ_API_KEY environment variable." is the error without one, `max_tokens=2048`
 * is `maxTokens`, `stop=None` is `stop` unset, `completion.choices[0].message.content` is `text`.
 *
 * Thin adapter: LangChain's ChatGroq / ChatOllama / ChatOpenAI and ./firth-chat-model.ts's FirthChatModel
 * do the work; this file maps the playground's parameters onto them, gives each the same retrying,
 * redacting `fetch` (./retry.ts) and turns every failure into an `LlmError` (./errors.ts).
 */

import type { CallbackManagerForLLMRun } from '@langchain/core/callbacks/manager';
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import {
  type AIMessage,
  AIMessageChunk,
  type BaseMessage,
  type BaseMessageLike,
  coerceMessageLikeToMessage,
  SystemMessage,
} from '@langchain/core/messages';
import type { ChatGenerationChunk, ChatResult } from '@langchain/core/outputs';
import { ChatGroq } from '@langchain/groq';
import { ChatOllama } from '@langchain/ollama';
import { ChatOpenAI } from '@langchain/openai';
import { type ChatConfig, type Provider, validateChatConfig } from './config.js';
import { type ErrorContext, LlmError, toLlmError } from './errors.js';
import { FirthChatModel } from './firth-chat-model.js';
import { GgufChatModel } from './gguf-chat-model.js';
import { retryingFetch } from './retry.js';

/** What the course's example prints when the key is missing, plus where to get one. */
export const MISSING_GROQ_KEY_MESSAGE =
  'Please set the GROQ_API_KEY environment variable (or pass apiKey). Create a key at https://console.groq.com/keys';

type CallOptions = Record<string, unknown> & { stop?: string[] };
type Generate = (
  messages: BaseMessage[],
  options: never,
  runManager?: CallbackManagerForLLMRun,
) => Promise<ChatResult>;
type Stream = (
  messages: BaseMessage[],
  options: never,
  runManager?: CallbackManagerForLLMRun,
) => AsyncGenerator<ChatGenerationChunk>;

/** The conversation with the playground's system message in front, unless it has one already. */
function withSystem(messages: BaseMessage[], system: string | undefined): BaseMessage[] {
  if (!system || messages.some((m) => m.getType() === 'system')) return messages;
  return [new SystemMessage(system), ...messages];
}

/**
 * Gives a LangChain chat model the playground's defaults that its class only takes per call
 * (system message, stop, seed, JSON mode), and makes every failure an `LlmError` — for `invoke`,
 * `stream`, and inside chains and agents alike.
 */
function playground<T extends BaseChatModel>(
  model: T,
  system: string | undefined,
  callDefaults: CallOptions,
  ctx: ErrorContext,
): T {
  const generate = model._generate.bind(model) as unknown as Generate;
  const stream = model._streamResponseChunks.bind(model) as unknown as Stream;
  const options = (o: CallOptions): never => {
    const merged: CallOptions = { ...o };
    for (const [key, value] of Object.entries(callDefaults))
      if (merged[key] === undefined) merged[key] = value;
    return merged as never;
  };
  const patched = model as unknown as { _generate: Generate; _streamResponseChunks: Stream };
  patched._generate = async (messages, o, runManager) => {
    try {
      return await generate(withSystem(messages, system), options(o), runManager);
    } catch (error) {
      throw toLlmError(error, ctx);
    }
  };
  patched._streamResponseChunks = async function* (messages, o, runManager) {
    try {
      yield* stream(withSystem(messages, system), options(o), runManager);
    } catch (error) {
      throw toLlmError(error, ctx);
    }
  };
  return model;
}

/**
 * A LangChain chat model for a provider, every parameter checked first.
 *
 *   createChatModel({ provider: 'ollama', model: 'llama3.2', temperature: 0.2, seed: 7 })  // ChatOllama
 *   createChatModel({ provider: 'openai-compatible', baseUrl: 'http://127.0.0.1:8080/v1', model: 'qwen' }) // ChatOpenAI
 *   createChatModel({ provider: 'local' })                                               // FirthChatModel
 *   createChatModel({ provider: 'gguf', modelPath: 'model.gguf' })                      // GgufChatModel (llama.cpp)
 *   createChatModel({ provider: 'groq' }) // without GROQ_API_KEY: throws LlmError
 *   //   'Please set the GROQ_API_KEY environment variable (or pass apiKey). …'
 */
export function createChatModel(config: ChatConfig): BaseChatModel {
  const c = validateChatConfig(config);
  const jsonFormat = c.jsonMode ? { type: 'json_object' } : undefined;
  const stop = c.stop?.length ? c.stop : undefined;

  if (c.provider === 'local') {
    const model = new FirthChatModel({
      model: 'tinystories-260k',
      ...(c.temperature !== undefined ? { temperature: c.temperature } : {}),
      ...(c.maxTokens !== undefined ? { maxTokens: c.maxTokens } : {}),
      ...(c.topP !== undefined ? { topP: c.topP } : {}),
      ...(c.seed !== undefined ? { seed: c.seed } : {}),
    });
    return playground(model, c.system, { stop }, { provider: 'local', model: c.model });
  }

  if (c.provider === 'gguf') {
    const model = new GgufChatModel({
      modelPath: c.modelPath!,
      ...(c.temperature !== undefined ? { temperature: c.temperature } : {}),
      ...(c.maxTokens !== undefined ? { maxTokens: c.maxTokens } : {}),
      ...(c.topP !== undefined ? { topP: c.topP } : {}),
      ...(c.seed !== undefined ? { seed: c.seed } : {}),
      ...(c.threads !== undefined ? { threads: c.threads } : {}),
    });
    return playground(model, c.system, { stop }, { provider: 'gguf', model: c.model });
  }

  const apiKey =
    c.provider === 'groq'
      ? c.apiKey || process.env.GROQ_API_KEY
      : // an OpenAI-compatible server gets only the key it is given (never OPENAI_API_KEY sent to a stranger)
        c.apiKey;
  if (c.provider === 'groq' && !apiKey)
    throw new LlmError(MISSING_GROQ_KEY_MESSAGE, { kind: 'missing-key', provider: 'groq' });
  const ctx: ErrorContext = {
    provider: c.provider,
    ...(c.baseUrl ? { baseUrl: c.baseUrl } : {}),
    model: c.model,
    timeoutMs: c.timeoutMs,
    secrets: [apiKey],
  };
  const fetch = retryingFetch({
    maxRetries: c.maxRetries,
    timeoutMs: c.timeoutMs,
    retryDelayMs: c.retryDelayMs,
    secrets: [apiKey],
    provider: c.provider,
    ...(c.baseUrl ? { baseUrl: c.baseUrl } : {}),
    model: c.model,
  });
  const common = {
    model: c.model,
    ...(c.temperature !== undefined ? { temperature: c.temperature } : {}),
    ...(c.topP !== undefined ? { topP: c.topP } : {}),
    ...(c.streaming !== undefined ? { streaming: c.streaming } : {}),
    // retries live in retryingFetch, once for every provider
    maxRetries: 0,
  };

  if (c.provider === 'groq') {
    const model = new ChatGroq({
      ...common,
      apiKey: apiKey!,
      baseUrl: c.baseUrl!,
      fetch,
      ...(c.maxTokens !== undefined ? { maxTokens: c.maxTokens } : {}),
      ...(stop ? { stop } : {}),
    });
    return playground(model, c.system, { stop, seed: c.seed, response_format: jsonFormat }, ctx);
  }
  if (c.provider === 'openai-compatible') {
    const model = new ChatOpenAI({
      ...common,
      // servers such as llama.cpp and vLLM need no key, but the OpenAI client insists on one
      apiKey: apiKey || 'not-needed',
      configuration: { baseURL: c.baseUrl!, fetch },
      ...(c.maxTokens !== undefined ? { maxTokens: c.maxTokens } : {}),
      ...(stop ? { stop } : {}),
    });
    return playground(model, c.system, { stop, seed: c.seed, response_format: jsonFormat }, ctx);
  }
  const model = new ChatOllama({
    ...common,
    baseUrl: c.baseUrl!,
    fetch,
    ...(c.maxTokens !== undefined ? { numPredict: c.maxTokens } : {}),
    ...(c.seed !== undefined ? { seed: c.seed } : {}),
    ...(c.jsonMode ? { format: 'json' } : {}),
  });
  return playground(model, c.system, { stop }, ctx);
}

// ---------------------------------------------------------------------------------------------
// chat(): one call, one normalised answer

export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
}

export interface ToolCallResult {
  id?: string;
  name: string;
  args: Record<string, unknown>;
}

export interface ChatResponse {
  text: string;
  usage: TokenUsage;
  /** 'stop' (natural end or a stop sequence), 'length' (max tokens), 'tool_calls', … or null */
  finishReason: string | null;
  toolCalls: ToolCallResult[];
  provider: Provider;
  model: string;
  /** The LangChain message, for chaining the conversation on. */
  message: AIMessage | AIMessageChunk;
}

/** A tool as LangChain's `bindTools` takes it: a LangChain tool or an OpenAI function definition. */
export type ToolInput = Parameters<NonNullable<BaseChatModel['bindTools']>>[0][number];

export interface ChatCallOptions {
  /** Tools the model may call (not on the local model). */
  tools?: ToolInput[];
  /** 'auto' | 'none' | 'required' | a tool's name (Groq, OpenAI-compatible; Ollama always chooses). */
  toolChoice?: string;
  /** Each piece of text as it streams (turns streaming on). */
  onToken?: (text: string) => void;
  signal?: AbortSignal;
}

/** Usage and finish reason from wherever the provider put them (usage_metadata, response_metadata). */
export function normaliseResponse(
  message: AIMessage | AIMessageChunk,
  provider: Provider,
  model: string,
): ChatResponse {
  const usage = message.usage_metadata;
  const meta = (message.response_metadata ?? {}) as Record<string, unknown>;
  const tokenUsage = (meta.tokenUsage ?? meta.usage) as Record<string, number> | undefined;
  const promptTokens = usage?.input_tokens ?? tokenUsage?.promptTokens ?? tokenUsage?.prompt_tokens ?? 0;
  const completionTokens =
    usage?.output_tokens ?? tokenUsage?.completionTokens ?? tokenUsage?.completion_tokens ?? 0;
  const finish = meta.finish_reason ?? meta.done_reason ?? meta.stop_reason ?? null;
  return {
    text: message.text,
    usage: {
      promptTokens,
      completionTokens,
      totalTokens: usage?.total_tokens ?? promptTokens + completionTokens,
    },
    finishReason: typeof finish === 'string' ? finish : null,
    toolCalls: (message.tool_calls ?? []).map((call) => ({
      ...(call.id ? { id: call.id } : {}),
      name: call.name,
      args: call.args,
    })),
    provider,
    model,
    message,
  };
}

/**
 * One chat turn with the playground's parameters; the answer normalised across providers.
 *
 *   await chat({ provider: 'local', temperature: 0, maxTokens: 20 }, 'Once upon a time')
 *   // { text: ', there was a little girl named Lily. …', usage: { promptTokens: 5, completionTokens: 20,
 *   //   totalTokens: 25 }, finishReason: 'length', toolCalls: [], provider: 'local', … }
 */
export async function chat(
  config: ChatConfig,
  input: string | BaseMessageLike[],
  options: ChatCallOptions = {},
): Promise<ChatResponse> {
  const model = createChatModel(config);
  const c = validateChatConfig(config);
  const messages = typeof input === 'string' ? [coerceMessageLikeToMessage(['human', input])] : input;
  let runnable = model as Pick<BaseChatModel, 'invoke' | 'stream'>;
  if (options.tools?.length) {
    if (!model.bindTools)
      throw new LlmError(`tools: the ${c.provider} model cannot call tools`, {
        kind: 'unsupported',
        provider: c.provider,
      });
    if (options.toolChoice !== undefined && c.provider === 'ollama')
      throw new LlmError('toolChoice: Ollama chooses tools itself; leave toolChoice unset', {
        kind: 'unsupported',
        provider: 'ollama',
      });
    runnable = model.bindTools(options.tools, {
      ...(options.toolChoice !== undefined ? { tool_choice: options.toolChoice } : {}),
    }) as unknown as typeof runnable;
  } else if (options.toolChoice !== undefined)
    throw new LlmError('toolChoice needs tools', { kind: 'invalid-config', provider: c.provider });
  const callOptions = options.signal ? { signal: options.signal } : {};

  if (c.streaming || options.onToken) {
    let full: AIMessageChunk | undefined;
    for await (const chunk of await runnable.stream(messages, callOptions)) {
      if (chunk.text) options.onToken?.(chunk.text);
      full = full ? full.concat(chunk) : chunk;
    }
    return normaliseResponse(full ?? new AIMessageChunk({ content: '' }), c.provider, c.model);
  }
  const message = await runnable.invoke(messages, callOptions);
  return normaliseResponse(message as AIMessage, c.provider, c.model);
}
