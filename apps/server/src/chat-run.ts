/**
 * One chat turn, whatever API asked for it: the chat template picks the prompt, the tool policy
 * may answer with a tool call, otherwise @firth/transformers' `streamGenerate` writes the text
 * (wrapped as JSON when asked). The result is a stream of events the two APIs frame their own way
 * (OpenAI: SSE `chat.completion.chunk`s; Ollama: NDJSON lines).
 *
 * `startChat` does everything that can fail on the caller's input — loading the model, encoding
 * the prompt, checking it fits the context, the first token — before it returns, so that an error
 * is still a proper status code and not a broken stream.
 *
 * Usage is counted by the model's tokenizer: prompt tokens = the prompt's ids (BOS included);
 * completion tokens = tokens generated (0 for a tool call and for relayed tool results, which the
 * model did not write — and which may be far longer than any prompt the tokenizer is given).
 */

import type { ChatMessage as GgufMessage } from '@firth/llm';
import { type GenerateOptions, type GenerationChunk, streamGenerate } from '@firth/transformers';
import {
  type ChatMessage,
  hasToolResultsSinceLastUser,
  JSON_OBJECT_CLOSE,
  JSON_OBJECT_OPEN,
  jsonForSchema,
  jsonStringPiece,
  type OutputFormat,
  promptFor,
  toolQuestion,
  toolResultsSinceLastUser,
} from './chat-template.js';
import { HttpError } from './http.js';
import type { ChatTokenizer, GgufLocalChatModel, LocalChatModel } from './registry.js';
import {
  chooseTool,
  mayCallTool,
  type ToolCall,
  type ToolChoice,
  type ToolSpec,
  toolCallFor,
  toolResultText,
  type ValueBudget,
} from './tool-policy.js';

export type FinishReason = 'stop' | 'length' | 'tool_calls';

export interface ChatJob {
  model: LocalChatModel;
  messages: ChatMessage[];
  /** Sampling: temperature, topK, topP, repetitionPenalty, stop, seed, maxNewTokens. */
  generation: GenerateOptions;
  format: OutputFormat;
  tools: ToolSpec[];
  toolChoice: ToolChoice;
  /** What building tool arguments or a JSON-schema answer may cost (limits.ts). */
  valueBudget?: ValueBudget;
}

export type ChatEvent =
  | { type: 'text'; text: string }
  | { type: 'tool_call'; call: ToolCall }
  | {
      type: 'done';
      finishReason: FinishReason;
      promptTokens: number;
      completionTokens: number;
      /** Milliseconds: reading the model (0 once loaded), and until the first token. */
      loadMs: number;
      promptMs: number;
    };

/** Longest text one token decodes to, per tokenizer (bounds how much text can fit in a context). */
const longestPiece = new WeakMap<object, number>();
function maxPromptChars(
  model: { vocabSize: number },
  tokenizer: ChatTokenizer,
  contextLength: number,
): number {
  let longest = longestPiece.get(tokenizer);
  if (longest === undefined) {
    longest = 1;
    for (let id = 0; id < model.vocabSize; id++) longest = Math.max(longest, tokenizer.decode([id]).length);
    longestPiece.set(tokenizer, longest);
  }
  return (contextLength - 1) * longest;
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * This turn's tool call, or null when the turn is answered in text (tool-policy.ts): the tool and its
 * arguments are read from the standalone question, a follow-up rewritten with the earlier turns
 * (chat-template.ts' `toolQuestion`).
 */
function toolCallOf(job: ChatJob) {
  // checked before the question is condensed: most turns offer no tool
  if (!mayCallTool(job.tools, job.toolChoice, hasToolResultsSinceLastUser(job.messages))) return null;
  const question = toolQuestion(job.messages);
  const tool = chooseTool(job.tools, job.toolChoice, question, false);
  return tool ? toolCallFor(tool, question, job.messages.length, job.valueBudget) : null;
}

/** Starts a turn; resolves once the first token exists (or rejects with the caller's error). */
export async function startChat(job: ChatJob): Promise<AsyncGenerator<ChatEvent>> {
  if (job.model.engine === 'gguf') return startGgufChat(job, job.model);
  const t0 = performance.now();
  const { model, tokenizer } = await (job.model as Exclude<LocalChatModel, GgufLocalChatModel>).load();
  const loadMs = performance.now() - t0;
  const prompt = promptFor(job.messages);
  // a text longer than (context − 1) × the longest piece cannot fit: refuse it before encoding
  // (encoding is not linear in the text's length, and the body may be up to the size limit)
  const limit = maxPromptChars(model, tokenizer, job.model.contextLength);
  if (prompt.length > limit)
    throw new HttpError(
      400,
      `the prompt has ${prompt.length} characters; ${job.model.id} reads at most ${job.model.contextLength} tokens (${limit} characters at most): shorten it`,
      'messages',
      'context_length_exceeded',
    );
  const promptIds = prompt === '' && tokenizer.bos !== undefined ? [tokenizer.bos] : tokenizer.encode(prompt);

  const call = toolCallOf(job);
  if (call) {
    return (async function* () {
      yield { type: 'tool_call', call };
      yield {
        type: 'done',
        finishReason: 'tool_calls',
        promptTokens: promptIds.length,
        completionTokens: 0,
        loadMs,
        promptMs: performance.now() - t0 - loadMs,
      };
    })();
  }

  // Tool results after the last user message: the story model cannot read them, so the answer
  // relays them as text (tool-policy.ts, "After tool results") instead of continuing the question.
  const results = toolResultsSinceLastUser(job.messages);
  if (results.length > 0 && job.format.type === 'text') {
    const text = results.map(toolResultText).join('\n\n');
    return (async function* (): AsyncGenerator<ChatEvent> {
      yield { type: 'text', text };
      yield {
        type: 'done',
        finishReason: 'stop',
        promptTokens: promptIds.length,
        completionTokens: 0,
        loadMs,
        promptMs: performance.now() - t0 - loadMs,
      };
    })();
  }

  const chunks = streamGenerate(model, tokenizer, prompt, { ...job.generation, promptIds });
  const first = await chunks.next(); // encodes, checks the context, runs the prompt: errors surface here
  const promptMs = performance.now() - t0 - loadMs;
  const format = job.format;
  return (async function* (): AsyncGenerator<ChatEvent> {
    let last: GenerationChunk | undefined;
    let generated = '';
    if (format.type === 'json_object') yield { type: 'text', text: JSON_OBJECT_OPEN };
    try {
      for (let r = first; !r.done; r = await chunks.next()) {
        await turn(); // generation is CPU work: let other requests (and sockets) take turns
        last = r.value;
        if (r.value.text === '') continue;
        if (format.type === 'json_schema') generated += r.value.text;
        else
          yield {
            type: 'text',
            text: format.type === 'json_object' ? jsonStringPiece(r.value.text) : r.value.text,
          };
      }
    } finally {
      await chunks.return(undefined); // the client went away: stop generating
    }
    if (format.type === 'json_object') yield { type: 'text', text: JSON_OBJECT_CLOSE };
    if (format.type === 'json_schema')
      yield { type: 'text', text: jsonForSchema(format.schema, generated, job.valueBudget) };
    yield {
      type: 'done',
      finishReason: last?.finishReason ?? 'length',
      promptTokens: last?.usage?.promptTokens ?? promptIds.length,
      completionTokens: last?.usage?.completionTokens ?? 0,
      loadMs,
      promptMs,
    };
  })();
}

/**
 * The conversation as a GGUF model's chat template reads it: system and developer messages as
 * system, tool results as user messages ("Tool result: …"), assistant turns that only called tools
 * left out. Unlike the story model, a chat model reads the whole conversation — tool results too.
 */
export function ggufConversation(messages: readonly ChatMessage[]): GgufMessage[] {
  const out: GgufMessage[] = [];
  for (const m of messages) {
    if (m.role === 'tool') out.push({ role: 'user', content: `Tool result: ${m.content}` });
    else if (m.role === 'assistant') {
      if (m.content !== '') out.push({ role: 'assistant', content: m.content });
    } else out.push({ role: m.role === 'developer' ? 'system' : m.role, content: m.content });
  }
  if (!out.some((m) => m.role === 'user')) out.push({ role: 'user', content: '' });
  return out;
}

/**
 * A turn on a GGUF model (llama.cpp through @firth/llm): the same tool policy first, then the
 * file's chat template and llama.cpp's sampling; JSON formats wrap the text as for the story model.
 */
async function startGgufChat(job: ChatJob, entry: GgufLocalChatModel): Promise<AsyncGenerator<ChatEvent>> {
  const t0 = performance.now();
  const gguf = await entry.load();
  const loadMs = performance.now() - t0;
  const conversation = ggufConversation(job.messages);
  const promptTokens = gguf.promptTokens(conversation);
  if (promptTokens >= entry.contextLength)
    throw new HttpError(
      400,
      `the prompt has ${promptTokens} tokens; ${entry.id} reads at most ${entry.contextLength} tokens: shorten it`,
      'messages',
      'context_length_exceeded',
    );
  const call = toolCallOf(job);
  if (call) {
    return (async function* (): AsyncGenerator<ChatEvent> {
      yield { type: 'tool_call', call };
      const promptMs = performance.now() - t0 - loadMs;
      yield { type: 'done', finishReason: 'tool_calls', promptTokens, completionTokens: 0, loadMs, promptMs };
    })();
  }
  const g = job.generation;
  const pieces = gguf.stream(conversation, {
    // the server's defaults for every local model: temperature 1, the request's folded seed
    temperature: g.temperature ?? 1,
    ...(g.topP !== undefined ? { topP: g.topP } : {}),
    ...(g.topK !== undefined ? { topK: g.topK } : {}),
    ...(g.repetitionPenalty !== undefined ? { repeatPenalty: g.repetitionPenalty } : {}),
    ...(g.seed !== undefined ? { seed: g.seed } : {}),
    ...(g.maxNewTokens !== undefined ? { maxTokens: g.maxNewTokens } : {}),
    ...(g.stop?.length ? { stop: g.stop } : {}),
  });
  const first = await pieces.next(); // runs the prompt: errors surface here, as a status code
  const promptMs = performance.now() - t0 - loadMs;
  const format = job.format;
  return (async function* (): AsyncGenerator<ChatEvent> {
    let generated = '';
    let r = first;
    if (format.type === 'json_object') yield { type: 'text', text: JSON_OBJECT_OPEN };
    try {
      for (; !r.done; r = await pieces.next()) {
        if (r.value === '') continue;
        if (format.type === 'json_schema') generated += r.value;
        else yield { type: 'text', text: format.type === 'json_object' ? jsonStringPiece(r.value) : r.value };
      }
    } finally {
      await pieces.return(undefined as never); // the client went away: stop generating
    }
    if (format.type === 'json_object') yield { type: 'text', text: JSON_OBJECT_CLOSE };
    if (format.type === 'json_schema')
      yield { type: 'text', text: jsonForSchema(format.schema, generated, job.valueBudget) };
    yield {
      type: 'done',
      finishReason: r.value.finishReason,
      promptTokens: r.value.promptTokens,
      completionTokens: r.value.completionTokens,
      loadMs,
      promptMs,
    };
  })();
}

/** A whole turn collected: the text, the tool calls and the closing event. */
export async function runChat(job: ChatJob) {
  let text = '';
  const toolCalls: ToolCall[] = [];
  let done: Extract<ChatEvent, { type: 'done' }> | undefined;
  for await (const e of await startChat(job)) {
    if (e.type === 'text') text += e.text;
    else if (e.type === 'tool_call') toolCalls.push(e.call);
    else done = e;
  }
  return { text, toolCalls, done: done! };
}
