/**
 * The Ollama-compatible API:
 *
 *   POST /api/chat        chat; NDJSON stream by default (`stream: false` for one object)
 *   POST /api/generate    continue a prompt; NDJSON stream by default
 *   POST /api/embed       vectors for a text or a list (`/api/embeddings`, the older form, too)
 *   GET  /api/tags        the models (as `name:latest`); POST /api/show one; GET /api/version
 *
 * As Ollama does: an empty `messages` / `prompt` only "loads" the model (`done_reason: 'load'`);
 * `format: 'json'` or a JSON schema; `tools`; options temperature (0–2), top_k, top_p, seed,
 * num_predict (−1/−2 = until the context is full), stop (≤ 4), repeat_penalty (others ignored),
 * checked by the parser the OpenAI routes share (generation-params.ts);
 * `system` of /api/generate is ignored, as system messages are (chat-template.ts). Durations are in
 * nanoseconds. Errors are `{ "error": "…" }` with the status; mid-stream, an `{"error"}` line.
 */
import type { ServerResponse } from 'node:http';
import { type ChatEvent, type ChatJob, startChat } from './chat-run.js';
import type { ChatMessage, OutputFormat, Role } from './chat-template.js';
import { OLLAMA_PARAMS, parseGeneration } from './generation-params.js';
import { HttpError, invalid, objectWithArray, ollamaError, sendJson, writeChunk } from './http.js';
import { checkChatSize, type Env, overLimit, type ServerLimits } from './limits.js';
import { embedAll, embeddingInputs } from './openai.js';
import { findModel, type LocalChatModel, type LocalEmbeddingModel, type ModelRegistry } from './registry.js';
import { parseTools, validateSchema } from './tool-policy.js';

const MODIFIED = new Date().toISOString();
const ROLES = new Set<Role>(['system', 'user', 'assistant', 'tool']);
const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);
const ns = (ms: number) => Math.round(ms * 1e6);

const notFound = (name: string) =>
  new HttpError(404, `model "${name}" not found, try pulling it first`, 'model');

function details(m: LocalChatModel | LocalEmbeddingModel) {
  return {
    parent_model: '',
    format: ('format' in m && m.format) || 'firth',
    family: m.family,
    families: [m.family],
    parameter_size: m.parameterSize,
    quantization_level: ('quantization' in m && m.quantization) || 'F32',
  };
}

export function tags(registry: ModelRegistry) {
  return {
    models: [...registry.chat, ...registry.embeddings].map((m) => ({
      name: `${m.id}:latest`,
      model: `${m.id}:latest`,
      modified_at: MODIFIED,
      size: 0,
      digest: '',
      details: details(m),
    })),
  };
}

export function show(body: Record<string, unknown>, registry: ModelRegistry) {
  const name = body.model ?? body.name;
  if (typeof name !== 'string' || name === '') throw invalid('model is required', 'model');
  const chat = findModel(registry.chat, name);
  const m = chat ?? findModel(registry.embeddings, name);
  if (!m) throw notFound(name);
  return {
    modelfile: '',
    parameters: '',
    template: '{{ .Prompt }}',
    details: details(m),
    model_info: chat ? { 'general.context_length': chat.contextLength } : {},
    capabilities: chat ? ['completion', 'tools'] : ['embedding'],
    modified_at: MODIFIED,
  };
}

function chatModel(
  body: Record<string, unknown>,
  registry: ModelRegistry,
): { model: LocalChatModel; name: string } {
  if (typeof body.model !== 'string' || body.model === '') throw invalid('model is required', 'model');
  const model = findModel(registry.chat, body.model);
  if (!model) {
    if (findModel(registry.embeddings, body.model))
      throw invalid(`"${body.model}" does not support chat: it is an embedding model`, 'model');
    throw notFound(body.model);
  }
  return { model, name: body.model };
}

function options(body: Record<string, unknown>, model: LocalChatModel, limits: ServerLimits) {
  const o = body.options ?? {};
  if (!isObject(o)) throw invalid('options must be an object', 'options');
  return parseGeneration(o, OLLAMA_PARAMS, model.contextLength, limits);
}

function format(raw: unknown, limits: ServerLimits): OutputFormat {
  if (raw === undefined || raw === null || raw === '') return { type: 'text' };
  if (raw === 'json') return { type: 'json_object' };
  if (isObject(raw)) {
    validateSchema(raw, 'format', limits);
    return { type: 'json_schema', schema: raw };
  }
  throw invalid('format must be "json" or a JSON schema object', 'format');
}

function messages(raw: unknown, limits: ServerLimits): ChatMessage[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw invalid('messages must be an array', 'messages');
  if (raw.length > limits.maxMessages)
    throw overLimit('messages', 'messages', raw.length, 'messages', 'maxMessages', limits);
  return raw.map((m, i) => {
    const p = `messages[${i}]`;
    if (!isObject(m) || typeof m.role !== 'string' || !ROLES.has(m.role as Role))
      throw invalid(`${p} must have a role: system, user, assistant or tool`, p);
    if (m.content !== undefined && typeof m.content !== 'string')
      throw invalid(`${p}.content must be a string`, p);
    if (Array.isArray(m.images) && m.images.length > 0)
      throw invalid(`${p}: the local models read text only`, p);
    return { role: m.role as Role, content: (m.content as string | undefined) ?? '' };
  });
}

const streamFlag = (body: Record<string, unknown>) => {
  if (body.stream !== undefined && body.stream !== null && typeof body.stream !== 'boolean')
    throw invalid('stream must be a boolean', 'stream');
  return body.stream !== false; // Ollama streams unless told not to
};

/** POST /api/chat and /api/generate: the same turn, framed as `message` or as `response`. */
export async function chatOrGenerate(
  kind: 'chat' | 'generate',
  body: Record<string, unknown>,
  res: ServerResponse,
  env: Env,
) {
  const t0 = performance.now();
  const { limits } = env;
  const { model, name } = chatModel(body, env.registry);
  const stream = streamFlag(body);
  let msgs: ChatMessage[];
  if (kind === 'chat') msgs = messages(body.messages, limits);
  else {
    if (body.prompt !== undefined && typeof body.prompt !== 'string')
      throw invalid('prompt must be a string', 'prompt');
    if (Array.isArray(body.images) && body.images.length > 0)
      throw invalid('the local models read text only', 'images');
    msgs = body.prompt ? [{ role: 'user', content: body.prompt as string }] : [];
  }
  checkChatSize(msgs, limits);
  const tools = kind === 'chat' ? parseTools(body.tools, limits) : [];
  const job: ChatJob = {
    model,
    messages: msgs,
    generation: options(body, model, limits),
    format: format(body.format, limits),
    tools,
    toolChoice: 'auto',
    valueBudget: { maxNodes: limits.maxSchemaNodes, maxChars: limits.maxSchemaValueChars },
  };
  const head = () => ({ model: name, created_at: new Date().toISOString() });
  const piece = (text: string, calls?: object[]) =>
    kind === 'chat'
      ? { message: { role: 'assistant', content: text, ...(calls ? { tool_calls: calls } : {}) } }
      : { response: text };
  if (msgs.length === 0) {
    // Ollama's "load the model" request
    await model.load();
    const done = { ...head(), ...piece(''), done: true, done_reason: 'load' };
    if (stream) {
      res.writeHead(200, { 'content-type': 'application/x-ndjson' });
      res.end(`${JSON.stringify(done)}\n`);
    } else sendJson(res, 200, done);
    return;
  }
  const events = await startChat(job);
  const final = (e: Extract<ChatEvent, { type: 'done' }>) => ({
    done: true,
    done_reason: e.finishReason === 'length' ? 'length' : 'stop',
    total_duration: ns(performance.now() - t0),
    load_duration: ns(e.loadMs),
    prompt_eval_count: e.promptTokens,
    prompt_eval_duration: ns(e.promptMs),
    eval_count: e.completionTokens,
    eval_duration: ns(Math.max(0, performance.now() - t0 - e.loadMs - e.promptMs)),
  });
  const callJson = (e: Extract<ChatEvent, { type: 'tool_call' }>) => ({
    function: { name: e.call.name, arguments: e.call.arguments },
  });
  if (!stream) {
    let text = '';
    const calls: object[] = [];
    let done: Extract<ChatEvent, { type: 'done' }> | undefined;
    for await (const e of events)
      if (e.type === 'text') text += e.text;
      else if (e.type === 'tool_call') calls.push(callJson(e));
      else done = e;
    sendJson(res, 200, { ...head(), ...piece(text, calls.length ? calls : undefined), ...final(done!) });
    return;
  }
  res.writeHead(200, { 'content-type': 'application/x-ndjson' });
  const line = (v: object) => writeChunk(res, `${JSON.stringify(v)}\n`, env.writeStallMs);
  try {
    for await (const e of events) {
      if (res.destroyed) break;
      if (e.type === 'text') await line({ ...head(), ...piece(e.text), done: false });
      else if (e.type === 'tool_call') await line({ ...head(), ...piece('', [callJson(e)]), done: false });
      else await line({ ...head(), ...piece(''), ...final(e) });
    }
  } catch (e) {
    await line(ollamaError(env.streamFailure(e)));
  }
  res.end();
}

/** POST /api/embed ({ model, input }) and the older /api/embeddings ({ model, prompt }). */
export async function embed(kind: 'embed' | 'embeddings', body: Record<string, unknown>, env: Env) {
  const { registry, limits } = env;
  const t0 = performance.now();
  if (typeof body.model !== 'string' || body.model === '') throw invalid('model is required', 'model');
  const model = findModel(registry.embeddings, body.model);
  if (!model) {
    if (findModel(registry.chat, body.model))
      throw invalid(`"${body.model}" does not support embeddings: use bert-tiny`, 'model');
    throw notFound(body.model);
  }
  if (kind === 'embeddings') {
    const [text] = embeddingInputs(body.prompt, 'prompt', limits);
    const { pieces } = await embedAll(model, [text!]);
    return objectWithArray({}, 'embedding', pieces, false);
  }
  if (body.dimensions !== undefined && body.dimensions !== model.dimensions)
    throw invalid(`dimensions: ${model.id} gives ${model.dimensions}-dimensional vectors only`, 'dimensions');
  const { pieces, tokens } = await embedAll(model, embeddingInputs(body.input, 'input', limits));
  return objectWithArray(
    {
      model: body.model,
      total_duration: ns(performance.now() - t0),
      load_duration: 0,
      prompt_eval_count: tokens,
    },
    'embeddings',
    pieces,
  );
}
