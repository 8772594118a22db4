/**
 * The user's own model, offline: any GGUF file (as llama.cpp and Ollama use) run by llama.cpp
 * through `node-llama-cpp`, on the CPU, with the chat template the file carries.
 *
 *   const model = await loadGgufModel('/models/qwen2.5-0.5b-instruct-q8_0.gguf');
 *   model.template   // 'gguf' — the file's tokenizer.chat_template (Jinja) formats the conversation
 *   const turn = await model.chat([{ role: 'user', content: 'Hi' }], { temperature: 0, maxTokens: 40 });
 *   // { text: 'Hello! How can I help you today?', finishReason: 'stop', promptTokens: 20, completionTokens: 9 }
 *
 * The chat template: node-llama-cpp's `resolveChatWrapper` reads `tokenizer.chat_template` from the
 * file's metadata (a known format gets its specialised wrapper, any other template runs as Jinja).
 * A file with no template (a base model such as stories260K) gets a plain transcript instead —
 * "### User" / "### Assistant" headings (node-llama-cpp's GeneralChatWrapper) — and says so:
 * `template` is 'plain'.
 *
 * node-llama-cpp is an optional peer dependency (pinned: NODE_LLAMA_CPP_VERSION); everything else
 * in @firth/llm works without it. Its prebuilt CPU binary is used as it is: `build: 'never'`, so
 * nothing is downloaded or compiled at run time, and `gpu: false`.
 *
 * One model file is loaded once per process (loadGgufModel caches by path); turns on one model run
 * one at a time (one llama.cpp context sequence), in the order they were asked.
 */
import { statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { importOptional, MissingOptionalPackageError, trackModelLoad } from '@firth/numeric';
import { LlmError } from './errors.js';
import type { ChatMessage } from './prompts.js';

/** The node-llama-cpp version Firth is tested with (the equality test, the server, the n8n node). */
export const NODE_LLAMA_CPP_VERSION = '3.22.1';
const FEATURE = 'a GGUF model (llama.cpp)';

type NodeLlamaCpp = typeof import('node-llama-cpp');
type LlamaModel = import('node-llama-cpp').LlamaModel;
type LlamaContextSequence = import('node-llama-cpp').LlamaContextSequence;
type ChatWrapper = import('node-llama-cpp').ChatWrapper;
type ChatHistoryItem = import('node-llama-cpp').ChatHistoryItem;

let library: Promise<NodeLlamaCpp> | undefined;

/**
 * node-llama-cpp, imported on first use; without it, an LlmError naming the exact install command.
 */
function importNodeLlamaCpp(): Promise<NodeLlamaCpp> {
  library ??= importOptional(() => import('node-llama-cpp'), 'node-llama-cpp', FEATURE).catch(
    (error: unknown) => {
      library = undefined;
      if (error instanceof MissingOptionalPackageError)
        throw new LlmError(
          `${FEATURE} needs the optional package node-llama-cpp: npm install node-llama-cpp@${NODE_LLAMA_CPP_VERSION}`,
          { kind: 'unsupported', provider: 'gguf' },
        );
      throw error;
    },
  );
  return library;
}

export interface GgufGenerateOptions {
  /** 0 = greedy (always the likeliest token). @default 0 */
  temperature?: number;
  topP?: number;
  topK?: number;
  seed?: number;
  /** Penalty on tokens already in the answer (1 = none). */
  repeatPenalty?: number;
  /** The most tokens the answer may have. @default 256 */
  maxTokens?: number;
  /** The answer ends before the first of these. */
  stop?: string[];
  signal?: AbortSignal;
  /** Each piece of text as it is generated. */
  onToken?: (text: string) => void;
}

export interface GgufTurn {
  text: string;
  /** 'stop': end of turn, a stop sequence or the caller's abort; 'length': maxTokens reached. */
  finishReason: 'stop' | 'length';
  promptTokens: number;
  completionTokens: number;
}

export interface GgufModelOptions {
  /** Tokens of prompt + answer. @default the model's training context, at most 4096 */
  contextSize?: number;
  /**
   * CPU threads llama.cpp computes with. @default FIRTH_GGUF_THREADS, else node-llama-cpp's: every
   * core. On a busy machine, or for a tiny model, 1 is faster: llama.cpp's threads wait for each
   * other by spinning.
   */
  threads?: number;
}

/**
 * A GGUF model file loaded by llama.cpp (`loadGgufModel`). An interface, so that the package's
 * type declarations name none of node-llama-cpp's types: a project without that optional package
 * still type-checks against @firth/llm.
 */
export interface GgufModel {
  /** The file's absolute path. */
  readonly path: string;
  /** 'gguf': the file's own chat template; 'plain': it has none, a plain transcript is used. */
  readonly template: 'gguf' | 'plain';
  /** general.name from the metadata, else the file name. */
  readonly name: string;
  /** general.architecture, e.g. 'llama'. */
  readonly architecture: string;
  /** Weights in the file (the product of each tensor's dimensions, summed). */
  readonly parameterCount: number;
  /** The weights' storage type, as Ollama names it: 'F32', 'Q8_0', … */
  readonly quantization: string;
  /** Tokens a prompt and its answer may have together. */
  readonly contextLength: number;
  /** The raw tokens of a text (no BOS). */
  tokenize(text: string): number[];
  /** The text of tokens. */
  detokenize(tokens: readonly number[]): string;
  /** Greedy (argmax) tokens from BOS alone: what the equality test compares with Firth's engine. */
  greedyFromBos(n: number): Promise<number[]>;
  /** Tokens of the prompt the chat template makes of these messages. */
  promptTokens(messages: ChatMessage[]): number;
  /** The prompt text the chat template makes of these messages. */
  renderPrompt(messages: ChatMessage[]): string;
  /** One answer to the conversation. */
  chat(messages: ChatMessage[], options?: GgufGenerateOptions): Promise<GgufTurn>;
  /** The answer piece by piece; the generator's return value is the whole turn. */
  stream(messages: ChatMessage[], options?: GgufGenerateOptions): AsyncGenerator<string, GgufTurn>;
}

/** A GGUF file loaded into llama.cpp (CPU): node-llama-cpp's model, context and chat wrapper. */
class LlamaCppModel implements GgufModel {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    /** The file's absolute path. */
    readonly path: string,
    private readonly llama: LlamaModel,
    private readonly sequence: LlamaContextSequence,
    private readonly wrapper: ChatWrapper,
    /** 'gguf': the file's own chat template; 'plain': it has none, a plain transcript is used. */
    readonly template: 'gguf' | 'plain',
    private readonly lib: NodeLlamaCpp,
  ) {}

  /** general.name from the metadata, else the file name. */
  get name(): string {
    const name = this.llama.fileInfo.metadata.general?.name;
    return typeof name === 'string' && name ? name : (this.path.split('/').pop() ?? this.path);
  }

  /** general.architecture, e.g. 'llama'. */
  get architecture(): string {
    return String(this.llama.fileInfo.metadata.general?.architecture ?? 'unknown');
  }

  /** Weights in the file (the product of each tensor's dimensions, summed). */
  get parameterCount(): number {
    let n = 0;
    for (const t of this.llama.fileInfo.tensorInfo ?? [])
      n += t.dimensions.reduce<number>((a, d) => a * Number(d), 1);
    return n;
  }

  /** The weights' storage type, as Ollama names it: the type holding most of the weights ('F32', 'Q8_0', …). */
  get quantization(): string {
    const weights = new Map<number, number>();
    for (const t of this.llama.fileInfo.tensorInfo ?? []) {
      const n = t.dimensions.reduce<number>((a, d) => a * Number(d), 1);
      weights.set(t.ggmlType, (weights.get(t.ggmlType) ?? 0) + n);
    }
    const [type] = [...weights].sort((a, b) => b[1] - a[1])[0] ?? [0];
    return this.lib.GgmlType[type] ?? `GGML type ${type}`;
  }

  /** Tokens a prompt and its answer may have together. */
  get contextLength(): number {
    return this.sequence.context.contextSize;
  }

  detokenize(tokens: readonly number[]): string {
    return this.llama.detokenize(tokens as never);
  }

  /** The raw tokens of a text (no BOS). */
  tokenize(text: string): number[] {
    return this.llama.tokenize(text) as number[];
  }

  /** Greedy continuation from BOS: the model's own `n` most likely tokens, one at a time. */
  greedyFromBos(n: number): Promise<number[]> {
    return this.exclusive(async () => {
      await this.sequence.clearHistory();
      const bos = this.llama.tokens.bos;
      if (bos === null) throw new LlmError(`${this.path} has no BOS token`, { kind: 'unsupported' });
      const out: number[] = [];
      for await (const token of this.sequence.evaluate([bos], { temperature: 0 })) {
        out.push(token as number);
        if (out.length >= n) break;
      }
      await this.sequence.clearHistory();
      return out;
    });
  }

  /** Tokens of the prompt the chat template makes of `messages` (BOS and the answer's header included). */
  promptTokens(messages: ChatMessage[]): number {
    return this.countPrompt(chatHistory(messages));
  }

  /** The prompt text the chat template makes of `messages` (special tokens as their text). */
  renderPrompt(messages: ChatMessage[]): string {
    return this.wrapper.generateContextState({ chatHistory: chatHistory(messages) }).contextText.toString();
  }

  private countPrompt(history: ChatHistoryItem[]): number {
    const state = this.wrapper.generateContextState({ chatHistory: history });
    return state.contextText.tokenize(this.llama.tokenizer).length;
  }

  /** One chat turn: the conversation through the chat template, the answer generated. */
  chat(messages: ChatMessage[], options: GgufGenerateOptions = {}): Promise<GgufTurn> {
    if (messages.length === 0)
      return Promise.reject(new LlmError('messages: give at least one message', { kind: 'invalid-config' }));
    return this.exclusive(async () => {
      const history = chatHistory(messages);
      const promptTokens = this.countPrompt(history);
      if (promptTokens >= this.contextLength)
        throw new LlmError(
          `the prompt has ${promptTokens} tokens; ${this.name} reads at most ${this.contextLength}: shorten it`,
          { kind: 'invalid-config', provider: 'gguf' },
        );
      const maxTokens = Math.min(options.maxTokens ?? 256, this.contextLength - promptTokens);
      let completionTokens = 0;
      const chat = new this.lib.LlamaChat({
        contextSequence: this.sequence,
        chatWrapper: this.wrapper,
        autoDisposeSequence: false,
      });
      try {
        const response = await chat.generateResponse(history, {
          temperature: options.temperature ?? 0,
          ...(options.topP !== undefined ? { topP: options.topP } : {}),
          ...(options.topK !== undefined ? { topK: options.topK } : {}),
          ...(options.seed !== undefined ? { seed: options.seed } : {}),
          ...(options.repeatPenalty !== undefined
            ? { repeatPenalty: { penalty: options.repeatPenalty } }
            : {}),
          maxTokens,
          ...(options.stop?.length ? { customStopTriggers: options.stop } : {}),
          ...(options.signal ? { signal: options.signal, stopOnAbortSignal: true } : {}),
          onToken: (tokens) => {
            completionTokens += tokens.length;
          },
          ...(options.onToken ? { onTextChunk: options.onToken } : {}),
        });
        return {
          text: response.response,
          finishReason: response.metadata.stopReason === 'maxTokens' ? 'length' : 'stop',
          promptTokens,
          completionTokens,
        };
      } finally {
        chat.dispose({ disposeSequence: false });
      }
    });
  }

  /**
   * One chat turn as a stream of text pieces; the generator's return value is the whole turn.
   * Leaving the loop early stops the generation.
   *
   *   for await (const piece of model.stream([{ role: 'user', content: 'Hi' }])) process.stdout.write(piece);
   */
  async *stream(
    messages: ChatMessage[],
    options: GgufGenerateOptions = {},
  ): AsyncGenerator<string, GgufTurn> {
    const pieces: string[] = [];
    let wake: (() => void) | undefined;
    let finished = false;
    const stop = new AbortController();
    const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
    const turn = this.chat(messages, {
      ...options,
      signal,
      onToken: (text) => {
        pieces.push(text);
        options.onToken?.(text);
        wake?.();
      },
    }).finally(() => {
      finished = true;
      wake?.();
    });
    try {
      for (;;) {
        const piece = pieces.shift();
        if (piece !== undefined) yield piece;
        else if (finished) return await turn;
        else
          await new Promise<void>((resolve) => {
            wake = resolve;
          });
      }
    } finally {
      stop.abort(); // the caller left early: stop generating (a no-op once the turn is over)
      await turn.catch(() => undefined);
    }
  }

  private exclusive<T>(f: () => Promise<T>): Promise<T> {
    const run = this.queue.then(f, f);
    this.queue = run.catch(() => undefined);
    return run;
  }
}

/** The conversation as node-llama-cpp's chat history, ending with the answer to write. */
function chatHistory(messages: ChatMessage[]): ChatHistoryItem[] {
  const history: ChatHistoryItem[] = messages.map((m) =>
    m.role === 'assistant' ? { type: 'model', response: [m.content] } : { type: m.role, text: m.content },
  );
  history.push({ type: 'model', response: [] });
  return history;
}

const loaded = new Map<string, Promise<GgufModel>>();

/**
 * A GGUF file loaded once per process (by absolute path). Throws LlmError when node-llama-cpp is
 * missing or the file cannot be read as a model.
 */
export function loadGgufModel(path: string, options: GgufModelOptions = {}): Promise<GgufModel> {
  if (typeof path !== 'string' || path.trim() === '')
    return Promise.reject(
      new LlmError('modelPath: give the path of a .gguf file', { kind: 'invalid-config', provider: 'gguf' }),
    );
  const file = resolve(path);
  const fromEnv = process.env.FIRTH_GGUF_THREADS?.trim();
  if (options.threads === undefined && fromEnv) {
    const threads = Number(fromEnv);
    if (!Number.isInteger(threads) || threads < 1)
      return Promise.reject(
        new LlmError(`FIRTH_GGUF_THREADS must be a whole number from 1, got "${fromEnv}"`, {
          kind: 'invalid-config',
          provider: 'gguf',
        }),
      );
    options = { ...options, threads };
  }
  const key = `${file}\0${options.contextSize ?? ''}\0${options.threads ?? ''}`;
  let model = loaded.get(key);
  if (!model) {
    // its size: the file's (llama.cpp maps the weights from it, outside the JavaScript heap)
    model = trackModelLoad(
      `gguf ${basename(file)}`,
      openGguf(file, options),
      () => statSync(file).size,
    ).catch((error: unknown) => {
      loaded.delete(key);
      throw error;
    });
    loaded.set(key, model);
  }
  return model;
}

async function openGguf(file: string, options: GgufModelOptions): Promise<GgufModel> {
  const lib = await importNodeLlamaCpp();
  const llama = await lib.getLlama({ gpu: false, build: 'never', logLevel: lib.LlamaLogLevel.error });
  let model: LlamaModel;
  try {
    model = await llama.loadModel({ modelPath: file });
  } catch (error) {
    throw new LlmError(`cannot load the GGUF model ${file}: ${(error as Error).message}`, {
      kind: 'invalid-config',
      provider: 'gguf',
    });
  }
  const trained = model.trainContextSize;
  const contextSize = options.contextSize ?? Math.min(trained > 0 ? trained : 4096, 4096);
  const context = await model.createContext({
    contextSize,
    sequences: 1,
    ...(options.threads !== undefined ? { threads: options.threads } : {}),
  });
  const hasTemplate = typeof model.fileInfo.metadata.tokenizer?.chat_template === 'string';
  const wrapper = hasTemplate
    ? lib.resolveChatWrapper(model)
    : new lib.GeneralChatWrapper({ userMessageTitle: 'User', modelResponseTitle: 'Assistant' });
  return new LlamaCppModel(file, model, context.getSequence(), wrapper, hasTemplate ? 'gguf' : 'plain', lib);
}
