/**
 * The OpenAI-compatible API (also Groq's, which serves the same routes under /openai/v1):
 *
 *   POST /v1/chat/completions   chat, non-streaming or SSE (`data: {chunk}` … `data: [DONE]`)
 *   GET  /v1/models             the chat and embedding models; GET /v1/models/{id} one of them
 *   POST /v1/embeddings         vectors, as floats or base64 (what the openai SDK asks for)
 *
 * Parameters honoured: model, messages, temperature (0–2), top_p, max_tokens /
 * max_completion_tokens, stop (≤ 4), seed (taken modulo 2^32; default 42, so the same request
 * gives the same text), stream, stream_options.include_usage, response_format (text, json_object,
 * json_schema), tools, tool_choice; extensions top_k and repetition_penalty — checked by the
 * parser Ollama's routes share (generation-params.ts), within the limits of limits.ts.
 * frequency_penalty and presence_penalty are range-checked (−2…2) and not applied;
 * n > 1 and logprobs are refused (400). Streams end with a chunk carrying finish_reason and
 * Groq's `x_groq.usage`, then (with include_usage) a chunk with `usage` and no choices, then [DONE].
 */
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { type ChatEvent, type ChatJob, runChat, startChat } from './chat-run.js';
import type { ChatMessage, OutputFormat, Role } from './chat-template.js';
import { numberParam, OPENAI_PARAMS, parseGeneration } from './generation-params.js';
import { HttpError, invalid, objectWithArray, openAiError, sendJson, writeChunk } from './http.js';
import { checkChatSize, type Env, overLimit, type ServerLimits } from './limits.js';
import { findModel, type LocalChatModel, type LocalEmbeddingModel, type ModelRegistry } from './registry.js';
import { parseToolChoice, parseTools, type ToolCall, validateSchema } from './tool-policy.js';

const CREATED = Math.floor(Date.now() / 1000);
const ROLES = new Set<Role>(['system', 'developer', 'user', 'assistant', 'tool']);

export const modelNotFound = (name: string, param = 'model') =>
  new HttpError(
    404,
    `The model \`${name}\` does not exist or you do not have access to it.`,
    param,
    'model_not_found',
  );

const modelObject = (m: LocalChatModel | LocalEmbeddingModel) => ({
  id: m.id,
  object: 'model',
  created: CREATED,
  owned_by: 'firth',
  active: true,
  ...('contextLength' in m ? { context_window: m.contextLength } : { dimensions: m.dimensions }),
});

export function listModels(registry: ModelRegistry) {
  return { object: 'list', data: [...registry.chat, ...registry.embeddings].map(modelObject) };
}

export function getModel(registry: ModelRegistry, id: string) {
  const m = findModel([...registry.chat, ...registry.embeddings], id);
  if (!m) throw modelNotFound(id);
  return modelObject(m);
}

// ── request checks ──────────────────────────────────────────────────────────────────────────────

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

function contentText(content: unknown, param: string, nullable: boolean): string {
  if (typeof content === 'string') return content;
  if ((content === null || content === undefined) && nullable) return '';
  if (Array.isArray(content))
    return content
      .map((part, j) => {
        if (isObject(part) && part.type === 'text' && typeof part.text === 'string') return part.text;
        const type = isObject(part) ? JSON.stringify(part.type) : 'that is not an object';
        throw invalid(`${param}[${j}]: the local models read text only (content part type ${type})`, param);
      })
      .join('\n');
  throw invalid(`${param} must be a string or an array of text parts`, param);
}

function parseMessages(raw: unknown, limits: ServerLimits): ChatMessage[] {
  if (raw === undefined) throw invalid("you must provide a 'messages' parameter", 'messages');
  if (!Array.isArray(raw) || raw.length === 0)
    throw invalid('messages must be a non-empty array', 'messages');
  if (raw.length > limits.maxMessages)
    throw overLimit('messages', 'messages', raw.length, 'messages', 'maxMessages', limits);
  const messages = raw.map((m, i): ChatMessage => {
    const p = `messages[${i}]`;
    if (!isObject(m)) throw invalid(`${p} must be an object with a role and content`, p);
    if (typeof m.role !== 'string' || !ROLES.has(m.role as Role))
      throw invalid(`${p}.role must be one of ${[...ROLES].join(', ')}`, `${p}.role`);
    const role = m.role as Role;
    if (role === 'tool' && typeof m.tool_call_id !== 'string')
      throw invalid(`${p}.tool_call_id is required for a tool message`, `${p}.tool_call_id`);
    if (
      m.tool_calls !== undefined &&
      m.tool_calls !== null &&
      (role !== 'assistant' || !Array.isArray(m.tool_calls))
    )
      throw invalid(`${p}.tool_calls must be an array on an assistant message`, `${p}.tool_calls`);
    return { role, content: contentText(m.content, `${p}.content`, role === 'assistant') };
  });
  checkChatSize(messages, limits);
  return messages;
}

function parseFormat(raw: unknown, limits: ServerLimits): OutputFormat {
  if (raw === undefined || raw === null) return { type: 'text' };
  if (!isObject(raw)) throw invalid('response_format must be an object', 'response_format');
  if (raw.type === 'text' || raw.type === 'json_object') return { type: raw.type };
  if (raw.type === 'json_schema') {
    const js = raw.json_schema;
    if (!isObject(js) || typeof js.name !== 'string')
      throw invalid('response_format.json_schema must be { name, schema }', 'response_format');
    const schema = js.schema ?? { type: 'object', properties: {} };
    validateSchema(schema, 'response_format.json_schema.schema', limits);
    return { type: 'json_schema', schema };
  }
  throw invalid('response_format.type must be "text", "json_object" or "json_schema"', 'response_format');
}

/** Checks a chat-completions body; throws the 400 or 404 it deserves. */
export function parseChatRequest(
  body: Record<string, unknown>,
  registry: ModelRegistry,
  limits: ServerLimits,
) {
  if (typeof body.model !== 'string' || body.model === '')
    throw invalid('you must provide a model parameter', 'model');
  const model = findModel(registry.chat, body.model);
  if (!model) {
    if (findModel(registry.embeddings, body.model))
      throw invalid(
        `\`${body.model}\` is an embedding model: use /v1/embeddings`,
        'model',
        'model_not_supported',
      );
    throw modelNotFound(body.model);
  }
  const messages = parseMessages(body.messages, limits);
  const generation = parseGeneration(body, OPENAI_PARAMS, model.contextLength, limits);
  numberParam(body, 'frequency_penalty', 'frequency_penalty', -2, 2);
  numberParam(body, 'presence_penalty', 'presence_penalty', -2, 2);
  const n = numberParam(body, 'n', 'n', 1, Number.MAX_SAFE_INTEGER, true);
  if (n !== undefined && n > 1) throw invalid('n must be 1: the local models return one choice', 'n');
  if (body.logprobs === true) throw invalid('logprobs are not supported by the local models', 'logprobs');
  if (body.stream !== undefined && body.stream !== null && typeof body.stream !== 'boolean')
    throw invalid('stream must be a boolean', 'stream');
  const streamOptions = body.stream_options;
  if (streamOptions !== undefined && streamOptions !== null && !isObject(streamOptions))
    throw invalid('stream_options must be an object', 'stream_options');
  const tools = parseTools(body.tools, limits);
  const job: ChatJob = {
    model,
    messages,
    generation,
    format: parseFormat(body.response_format, limits),
    tools,
    toolChoice: parseToolChoice(body.tool_choice, tools),
    valueBudget: { maxNodes: limits.maxSchemaNodes, maxChars: limits.maxSchemaValueChars },
  };
  return {
    job,
    modelName: model.id,
    stream: body.stream === true,
    includeUsage: isObject(streamOptions) && streamOptions.include_usage === true,
  };
}

// ── responses ───────────────────────────────────────────────────────────────────────────────────

const usageOf = (d: Extract<ChatEvent, { type: 'done' }>) => ({
  prompt_tokens: d.promptTokens,
  completion_tokens: d.completionTokens,
  total_tokens: d.promptTokens + d.completionTokens,
});

const toolCallJson = (c: ToolCall) => ({
  id: c.id,
  type: 'function',
  function: { name: c.name, arguments: JSON.stringify(c.arguments) },
});

export async function chatCompletions(body: Record<string, unknown>, res: ServerResponse, env: Env) {
  const request = parseChatRequest(body, env.registry, env.limits);
  const id = `chatcmpl-${randomUUID().replaceAll('-', '')}`;
  const created = Math.floor(Date.now() / 1000);
  const head = { id, created, model: request.modelName, system_fingerprint: 'firth' };
  if (!request.stream) {
    const { text, toolCalls, done } = await runChat(request.job);
    sendJson(res, 200, {
      ...head,
      object: 'chat.completion',
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: toolCalls.length > 0 ? null : text,
            ...(toolCalls.length > 0 ? { tool_calls: toolCalls.map(toolCallJson) } : {}),
            refusal: null,
          },
          logprobs: null,
          finish_reason: done.finishReason,
        },
      ],
      usage: usageOf(done),
    });
    return;
  }
  const events = await startChat(request.job); // a bad prompt is still a 400 here
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
  });
  const send = (data: unknown) => writeChunk(res, `data: ${JSON.stringify(data)}\n\n`, env.writeStallMs);
  const chunk = (delta: object, finish: string | null = null, extra: object = {}) =>
    send({
      ...head,
      object: 'chat.completion.chunk',
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
      ...extra,
    });
  try {
    await chunk({ role: 'assistant', content: '' });
    for await (const e of events) {
      if (res.destroyed) break;
      if (e.type === 'text') await chunk({ content: e.text });
      else if (e.type === 'tool_call') await chunk({ tool_calls: [{ index: 0, ...toolCallJson(e.call) }] });
      else {
        await chunk({}, e.finishReason, { x_groq: { id, usage: usageOf(e) } });
        if (request.includeUsage)
          await send({ ...head, object: 'chat.completion.chunk', choices: [], usage: usageOf(e) });
      }
    }
  } catch (e) {
    await send(openAiError(env.streamFailure(e)));
  }
  await writeChunk(res, 'data: [DONE]\n\n', env.writeStallMs);
  res.end();
}

export async function embeddings(body: Record<string, unknown>, { registry, limits }: Env) {
  if (typeof body.model !== 'string' || body.model === '')
    throw invalid('you must provide a model parameter', 'model');
  const model = findModel(registry.embeddings, body.model);
  if (!model) {
    if (findModel(registry.chat, body.model))
      throw invalid(
        `\`${body.model}\` is a chat model: use bert-tiny for embeddings`,
        'model',
        'model_not_supported',
      );
    throw modelNotFound(body.model);
  }
  const texts = embeddingInputs(body.input, 'input', limits);
  const format = body.encoding_format ?? 'float';
  if (format !== 'float' && format !== 'base64')
    throw invalid('encoding_format must be "float" or "base64"', 'encoding_format');
  if (body.dimensions !== undefined && body.dimensions !== model.dimensions)
    throw invalid(`dimensions: ${model.id} gives ${model.dimensions}-dimensional vectors only`, 'dimensions');
  const { pieces, tokens } = await embedAll(model, texts, (v, index) =>
    JSON.stringify({
      object: 'embedding',
      index,
      embedding: format === 'base64' ? Buffer.from(Float32Array.from(v).buffer).toString('base64') : v,
    }),
  );
  return objectWithArray(
    { object: 'list', model: model.id, usage: { prompt_tokens: tokens, total_tokens: tokens } },
    'data',
    pieces,
  );
}

/**
 * A text or a list of texts, none empty; token-id inputs are refused. At most
 * limits.maxEmbeddingInputs texts, each of at most limits.maxEmbeddingInputChars characters,
 * limits.maxEmbeddingTotalChars in all.
 */
export function embeddingInputs(raw: unknown, param: string, limits: ServerLimits): string[] {
  const list = typeof raw === 'string' ? [raw] : raw;
  if (!Array.isArray(list) || list.length === 0)
    throw invalid(`${param} must be a string or a non-empty array of strings`, param);
  if (list.length > limits.maxEmbeddingInputs)
    throw overLimit(param, param, list.length, 'texts', 'maxEmbeddingInputs', limits);
  let total = 0;
  list.forEach((t, i) => {
    if (typeof t !== 'string')
      throw invalid(`${param}[${i}] must be a string (token ids are not accepted)`, param);
    if (t.length > limits.maxEmbeddingInputChars)
      throw overLimit(param, `${param}[${i}]`, t.length, 'characters', 'maxEmbeddingInputChars', limits);
    if (t.trim() === '') throw invalid(`${param}[${i}] is empty: BERT needs at least one token`, param);
    total += t.length;
  });
  if (total > limits.maxEmbeddingTotalChars)
    throw overLimit(param, param, total, 'characters in all', 'maxEmbeddingTotalChars', limits);
  return list as string[];
}

/**
 * Embeds texts one by one, letting other requests run in between, and writes each vector's JSON
 * (`json`) as soon as it exists: 2048 vectors are ~5 MB of JSON, which built in one piece at the
 * end would hold the event loop for ~40 ms.
 */
export async function embedAll(
  model: LocalEmbeddingModel,
  texts: string[],
  json: (vector: number[], index: number) => string = (v) => JSON.stringify(v),
) {
  const loaded = await model.load();
  const pieces: string[] = [];
  let tokens = 0;
  for (const [i, text] of texts.entries()) {
    const e = loaded.embed(text);
    pieces.push(json(e.vector, i));
    tokens += e.tokens;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return { pieces, tokens };
}
