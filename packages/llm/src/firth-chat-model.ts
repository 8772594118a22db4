/**
 * `FirthChatModel` — a LangChain chat model over Firth's local transformers: the llama2.c
 * TinyStories model (260K parameters, shipped, offline), or a character-level GPT trained here
 * (`checkpoint`: the safetensors bytes `train:gpt` or the n8n GPT Train node writes). It streams,
 * honours `stop`, and reports token usage, so it composes with LangChain chains like any hosted
 * chat model.
 *
 *   const chat = new FirthChatModel({ temperature: 0, maxTokens: 40 });
 *   (await chat.invoke('Once upon a time')).content // ', there was a little girl named Lily. …'
 *   for await (const chunk of await chat.stream('Lily and Ben')) process.stdout.write(chunk.content)
 *
 * TinyStories is a story model, not an instruction-tuned assistant: the prompt is the text of the
 * last human message (system and earlier messages are not shown to it), and the answer continues
 * that text. Thin adapter: @firth/transformers' `streamGenerate` does the work.
 */

import { ValidationError } from '@firth/numeric';
import {
  type CausalLM,
  type GenerateOptions,
  type GenerationTokenizer,
  type Llama2c,
  loadLlama2c,
  readCharGptCheckpoint,
  shippedTokenizer,
  streamGenerate,
} from '@firth/transformers';
import type { CallbackManagerForLLMRun } from '@langchain/core/callbacks/manager';
import {
  BaseChatModel,
  type BaseChatModelCallOptions,
  type BaseChatModelParams,
} from '@langchain/core/language_models/chat_models';
import { AIMessage, AIMessageChunk, type BaseMessage } from '@langchain/core/messages';
import { ChatGenerationChunk, type ChatResult } from '@langchain/core/outputs';

export interface FirthChatModelFields extends BaseChatModelParams {
  /** @default 'tinystories-260k' ('char-gpt' when a checkpoint is given) */
  model?: 'tinystories-260k' | 'char-gpt';
  /** A character-level GPT checkpoint with its vocabulary (train:gpt, the GPT Train node). */
  checkpoint?: Uint8Array;
  /** @default 0.8 */
  temperature?: number;
  /** Most new tokens. @default 256 */
  maxTokens?: number;
  topK?: number;
  topP?: number;
  repetitionPenalty?: number;
  /** @default 42 */
  seed?: number;
}

export interface FirthChatModelCallOptions extends BaseChatModelCallOptions {
  temperature?: number;
  maxTokens?: number;
  seed?: number;
}

let tinyStories: Promise<Llama2c> | null = null;

export class FirthChatModel extends BaseChatModel<FirthChatModelCallOptions, AIMessageChunk> {
  model: 'tinystories-260k' | 'char-gpt';
  private readonly gpt: { model: CausalLM; tokenizer: GenerationTokenizer; startIds: number[] } | null;
  temperature: number;
  maxTokens: number;
  topK: number | undefined;
  topP: number | undefined;
  repetitionPenalty: number | undefined;
  seed: number;

  static override lc_name() {
    return 'FirthChatModel';
  }

  constructor(fields: FirthChatModelFields = {}) {
    super(fields);
    this.model = fields.model ?? (fields.checkpoint ? 'char-gpt' : 'tinystories-260k');
    if (this.model !== 'tinystories-260k' && this.model !== 'char-gpt')
      throw new ValidationError(
        `FirthChatModel: unknown model "${String(this.model)}"; available: tinystories-260k, char-gpt (with a checkpoint)`,
      );
    if ((this.model === 'char-gpt') !== (fields.checkpoint !== undefined))
      throw new ValidationError('FirthChatModel: model "char-gpt" and `checkpoint` go together');
    if (fields.checkpoint) {
      const { model, tokenizer } = readCharGptCheckpoint(fields.checkpoint, 'FirthChatModel checkpoint');
      // an empty prompt starts a new line (when the vocabulary has one)
      const newline = tokenizer.tokenToId('\n');
      this.gpt = { model, tokenizer, startIds: newline === undefined ? [] : [newline] };
    } else this.gpt = null;
    this.temperature = fields.temperature ?? 0.8;
    this.maxTokens = fields.maxTokens ?? 256;
    this.topK = fields.topK;
    this.topP = fields.topP;
    this.repetitionPenalty = fields.repetitionPenalty;
    this.seed = fields.seed ?? 42;
  }

  _llmType(): string {
    return 'firth';
  }

  /** The generation settings of one call: constructor fields, overridden by call options. */
  private settings(options: this['ParsedCallOptions']): GenerateOptions {
    return {
      temperature: options.temperature ?? this.temperature,
      maxNewTokens: options.maxTokens ?? this.maxTokens,
      seed: options.seed ?? this.seed,
      ...(this.topK !== undefined ? { topK: this.topK } : {}),
      ...(this.topP !== undefined ? { topP: this.topP } : {}),
      ...(this.repetitionPenalty !== undefined ? { repetitionPenalty: this.repetitionPenalty } : {}),
      ...(options.stop ? { stop: options.stop } : {}),
    };
  }

  /** The story so far: the last human message's text ('' starts a story from scratch). */
  private prompt(messages: BaseMessage[]): string {
    const human = [...messages].reverse().find((m) => m.getType() === 'human');
    if (!human)
      throw new ValidationError('FirthChatModel needs a human message: its text is the start of the story');
    return typeof human.content === 'string' ? human.content : human.text;
  }

  override async *_streamResponseChunks(
    messages: BaseMessage[],
    options: this['ParsedCallOptions'],
    runManager?: CallbackManagerForLLMRun,
  ): AsyncGenerator<ChatGenerationChunk> {
    let model: CausalLM;
    let tokenizer: GenerationTokenizer;
    let startIds: number[];
    if (this.gpt) ({ model, tokenizer, startIds } = this.gpt);
    else {
      tinyStories ??= loadLlama2c();
      model = await tinyStories;
      const tok = shippedTokenizer('llama2c-tinystories') as unknown as GenerationTokenizer & { bos: number };
      [tokenizer, startIds] = [tok, [tok.bos]];
    }
    const prompt = this.prompt(messages);
    const settings = this.settings(options);
    for await (const chunk of streamGenerate(model, tokenizer, prompt, {
      ...settings,
      ...(prompt === '' && startIds.length > 0 ? { promptIds: startIds } : {}),
    })) {
      const done = chunk.finishReason !== undefined;
      const message = new AIMessageChunk({
        content: chunk.text,
        ...(done && chunk.usage
          ? {
              usage_metadata: {
                input_tokens: chunk.usage.promptTokens,
                output_tokens: chunk.usage.completionTokens,
                total_tokens: chunk.usage.promptTokens + chunk.usage.completionTokens,
              },
              response_metadata: { finish_reason: chunk.finishReason, model: this.model },
            }
          : {}),
      });
      if (chunk.text === '' && !done) continue;
      yield new ChatGenerationChunk({ text: chunk.text, message });
      if (chunk.text !== '') await runManager?.handleLLMNewToken(chunk.text);
    }
  }

  async _generate(
    messages: BaseMessage[],
    options: this['ParsedCallOptions'],
    runManager?: CallbackManagerForLLMRun,
  ): Promise<ChatResult> {
    let text = '';
    let last: AIMessageChunk | undefined;
    for await (const chunk of this._streamResponseChunks(messages, options, runManager)) {
      text += chunk.text;
      last = chunk.message as AIMessageChunk;
    }
    const message = new AIMessage({
      content: text,
      ...(last?.usage_metadata ? { usage_metadata: last.usage_metadata } : {}),
      response_metadata: last?.response_metadata ?? {},
    });
    return { generations: [{ text, message }] };
  }
}
