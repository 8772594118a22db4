/**
 * A GGUF model file (./gguf.ts) as a LangChain chat model: what `createChatModel({ provider: 'gguf',
 * modelPath })` returns, so the user's own model composes with chains and agents like any other.
 *
 *   const model = new GgufChatModel({ modelPath: '/models/qwen2.5-0.5b-instruct-q8_0.gguf', temperature: 0 });
 *   (await model.invoke('What is the capital of France?')).text // 'The capital of France is Paris.'
 *
 * System, human and AI messages go through the file's chat template; other message types (tool
 * results) are refused: llama.cpp's function calling is not wired here (the local server's tool
 * policy serves tools for every local model).
 */
import type { CallbackManagerForLLMRun } from '@langchain/core/callbacks/manager';
import {
  BaseChatModel,
  type BaseChatModelCallOptions,
  type BaseChatModelParams,
} from '@langchain/core/language_models/chat_models';
import { AIMessage, AIMessageChunk, type BaseMessage } from '@langchain/core/messages';
import { ChatGenerationChunk, type ChatResult } from '@langchain/core/outputs';
import { LlmError } from './errors.js';
import { type GgufModelOptions, type GgufTurn, loadGgufModel } from './gguf.js';
import type { ChatMessage } from './prompts.js';

export interface GgufChatModelFields extends BaseChatModelParams, GgufModelOptions {
  /** The .gguf file. */
  modelPath: string;
  /** @default 0 (greedy) */
  temperature?: number;
  /** @default 256 */
  maxTokens?: number;
  topP?: number;
  seed?: number;
  stop?: string[];
}

export interface GgufChatModelCallOptions extends BaseChatModelCallOptions {
  temperature?: number;
  maxTokens?: number;
  seed?: number;
}

const ROLES: Record<string, ChatMessage['role'] | undefined> = {
  system: 'system',
  human: 'user',
  ai: 'assistant',
};

/** LangChain messages as the chat template's roles. */
export function toGgufMessages(messages: BaseMessage[]): ChatMessage[] {
  return messages.map((m) => {
    const role = ROLES[m.getType()];
    if (!role)
      throw new LlmError(
        `a GGUF model reads system, human and AI messages; got a ${m.getType()} message (tool calling is not supported here)`,
        { kind: 'unsupported', provider: 'gguf' },
      );
    return { role, content: typeof m.content === 'string' ? m.content : m.text };
  });
}

/** The last chunk of an answer: usage and finish reason, no text. */
function finalChunk(turn: GgufTurn, name: string, template: string): ChatGenerationChunk {
  return new ChatGenerationChunk({
    text: '',
    message: new AIMessageChunk({
      content: '',
      usage_metadata: {
        input_tokens: turn.promptTokens,
        output_tokens: turn.completionTokens,
        total_tokens: turn.promptTokens + turn.completionTokens,
      },
      response_metadata: { finish_reason: turn.finishReason, model: name, template },
    }),
  });
}

export class GgufChatModel extends BaseChatModel<GgufChatModelCallOptions, AIMessageChunk> {
  modelPath: string;
  temperature: number;
  maxTokens: number;
  topP: number | undefined;
  seed: number | undefined;
  stop: string[] | undefined;
  private readonly modelOptions: GgufModelOptions;

  static override lc_name() {
    return 'GgufChatModel';
  }

  constructor(fields: GgufChatModelFields) {
    super(fields);
    this.modelPath = fields.modelPath;
    this.temperature = fields.temperature ?? 0;
    this.maxTokens = fields.maxTokens ?? 256;
    this.topP = fields.topP;
    this.seed = fields.seed;
    this.stop = fields.stop;
    this.modelOptions = {
      ...(fields.contextSize !== undefined ? { contextSize: fields.contextSize } : {}),
      ...(fields.threads !== undefined ? { threads: fields.threads } : {}),
    };
  }

  _llmType(): string {
    return 'gguf';
  }

  override async *_streamResponseChunks(
    messages: BaseMessage[],
    options: this['ParsedCallOptions'],
    runManager?: CallbackManagerForLLMRun,
  ): AsyncGenerator<ChatGenerationChunk> {
    const conversation = toGgufMessages(messages);
    const model = await loadGgufModel(this.modelPath, this.modelOptions);
    const stop = options.stop ?? this.stop;
    const seed = options.seed ?? this.seed;
    const stream = model.stream(conversation, {
      temperature: options.temperature ?? this.temperature,
      maxTokens: options.maxTokens ?? this.maxTokens,
      ...(this.topP !== undefined ? { topP: this.topP } : {}),
      ...(seed !== undefined ? { seed } : {}),
      ...(stop?.length ? { stop } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    for (let r = await stream.next(); ; r = await stream.next()) {
      if (r.done) {
        yield finalChunk(r.value, model.name, model.template);
        return;
      }
      yield new ChatGenerationChunk({ text: r.value, message: new AIMessageChunk({ content: r.value }) });
      await runManager?.handleLLMNewToken(r.value);
    }
  }

  async _generate(
    messages: BaseMessage[],
    options: this['ParsedCallOptions'],
    runManager?: CallbackManagerForLLMRun,
  ): Promise<ChatResult> {
    let full: AIMessageChunk | undefined;
    for await (const chunk of this._streamResponseChunks(messages, options, runManager))
      full = full ? full.concat(chunk.message as AIMessageChunk) : (chunk.message as AIMessageChunk);
    const message = new AIMessage({
      content: full?.text ?? '',
      ...(full?.usage_metadata ? { usage_metadata: full.usage_metadata } : {}),
      response_metadata: full?.response_metadata ?? {},
    });
    return { generations: [{ text: message.text, message }] };
  }
}
