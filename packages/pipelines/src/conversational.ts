/**
 * conversational — Hugging Face's (legacy) ConversationalPipeline: a `Conversation` (messages
 * `{ role, content }`) in, the same conversation with the assistant's reply appended out.
 *
 *   const chat = await pipeline('conversational');
 *   const c = await chat([{ role: 'user', content: 'Once upon a time, a cat' }], { max_new_tokens: 20 });
 *   c.messages.at(-1)   // { role: 'assistant', content: '…' }
 *
 * Accepted as Hugging Face accepts them: a Conversation, a list of messages (one conversation), a
 * string (one user message), or a list of conversations (a batch → a list). Generation options are
 * text-generation's (max_new_tokens, do_sample, temperature, top_k, top_p, repetition_penalty,
 * seed, stop).
 *
 * The default, llama2.c's 260K-parameter TinyStories model, is a story model, not an assistant: it
 * has no chat template, so the prompt is the last user message's text and the reply is its
 * continuation, as a story (as @firth/llm's FirthChatModel does). It does not follow
 * instructions, answer questions or use earlier turns; the model's `quality` says so.
 */
import { ValidationError } from '@firth/numeric';
import {
  type CausalLM,
  type GenerationTokenizer,
  generate,
  loadLlama2c,
  loadLlama2cTokenizer,
} from '@firth/transformers';
import { type CausalFolder, loadCausalFolder } from './hf-folder.js';
import {
  defaultModel,
  generationOptions,
  type PipelineInfo,
  type TextGenerationOptions,
  withInfo,
} from './pipeline.js';

export type ChatRole = 'system' | 'user' | 'assistant';
export interface ChatMessage {
  role: ChatRole;
  content: string;
}

const ROLES: readonly string[] = ['system', 'user', 'assistant'];

function checkMessage(m: unknown, at: string): ChatMessage {
  if (typeof m !== 'object' || m === null)
    throw new ValidationError(
      `conversational: ${at} must be { role, content }, got ${JSON.stringify(m)}`,
      'messages',
    );
  const { role, content } = m as Record<string, unknown>;
  if (typeof role !== 'string' || !ROLES.includes(role))
    throw new ValidationError(
      `conversational: ${at}.role must be 'system', 'user' or 'assistant', got ${JSON.stringify(role)}`,
      'messages',
    );
  if (typeof content !== 'string')
    throw new ValidationError(`conversational: ${at}.content must be a string`, 'messages');
  return { role: role as ChatRole, content };
}

/** Hugging Face's Conversation: its messages, and the views of them the legacy class gave. */
export class Conversation {
  readonly uuid: string;
  readonly messages: ChatMessage[];

  /** A string is one user message. */
  constructor(messages: string | readonly ChatMessage[] = [], conversationId?: string) {
    const list = typeof messages === 'string' ? [{ role: 'user', content: messages }] : messages;
    if (!Array.isArray(list))
      throw new ValidationError('conversational: messages must be a list of { role, content }', 'messages');
    this.messages = list.map((m, i) => checkMessage(m, `messages[${i}]`));
    this.uuid = conversationId ?? globalThis.crypto.randomUUID();
  }

  addMessage(message: ChatMessage): this {
    this.messages.push(checkMessage(message, 'the message'));
    return this;
  }

  /** The user's messages before the last one. */
  get past_user_inputs(): string[] {
    const users = this.messages.filter((m) => m.role === 'user').map((m) => m.content);
    return this.messages.at(-1)?.role === 'user' ? users.slice(0, -1) : users;
  }

  /** The assistant's messages. */
  get generated_responses(): string[] {
    return this.messages.filter((m) => m.role === 'assistant').map((m) => m.content);
  }

  /** The last message when it is the user's and not answered yet. */
  get new_user_input(): string | undefined {
    const last = this.messages.at(-1);
    return last?.role === 'user' ? last.content : undefined;
  }
}

export type ConversationInput = Conversation | ChatMessage[] | string;

/** One conversation → it with the reply appended; several → one each. */
export interface ConversationalPipeline extends PipelineInfo {
  (input: ConversationInput, options?: TextGenerationOptions): Promise<Conversation>;
  (input: (Conversation | ChatMessage[])[], options?: TextGenerationOptions): Promise<Conversation[]>;
}

/** The conversations of any of Hugging Face's call forms, and whether they were a batch. */
function conversations(input: unknown): { list: Conversation[]; batch: boolean } {
  const one = (c: unknown, i?: number) => {
    if (c instanceof Conversation) return new Conversation(c.messages, c.uuid);
    if (typeof c === 'string' || Array.isArray(c)) return new Conversation(c as ChatMessage[]);
    throw new ValidationError(
      `conversational: ${i === undefined ? 'the input' : `input ${i}`} must be a Conversation, a list of { role, content } or a string`,
      'input',
    );
  };
  if (
    Array.isArray(input) &&
    input.length > 0 &&
    (input[0] instanceof Conversation || Array.isArray(input[0]))
  )
    return { list: input.map(one), batch: true };
  return { list: [one(input)], batch: false };
}

/** The conversational pipeline on a causal LM with no chat template: the last user message is the prompt. */
export async function reply(
  lm: CausalLM,
  tokenizer: GenerationTokenizer,
  input: unknown,
  options: TextGenerationOptions = {},
): Promise<Conversation | Conversation[]> {
  const { list, batch } = conversations(input);
  const settings = generationOptions(options);
  for (const [i, c] of list.entries()) {
    const prompt = c.new_user_input;
    if (prompt === undefined || prompt.trim() === '')
      throw new ValidationError(
        `conversational: ${batch ? `conversation ${i}` : 'the conversation'} must end with a non-empty user message (there is nothing new to answer)`,
        'messages',
      );
    const r = await generate(lm, tokenizer, prompt, settings);
    c.addMessage({ role: 'assistant', content: r.text.trim() });
  }
  return batch ? list : list[0]!;
}

export async function conversationalPipeline(model?: string): Promise<ConversationalPipeline> {
  if (model !== undefined) {
    const folder = await loadCausalFolder(model, 'conversational');
    if (folder.tokenizer.config.chat_template == null)
      throw new ValidationError(
        `pipeline: ${model} has no chat template (tokenizer_config.json's chat_template, or chat_template.jinja): conversational renders the conversation with it; use text-generation for a model without one`,
        'model',
      );
    return withInfo(
      async (input: unknown, options: TextGenerationOptions = {}) => chatReply(folder, input, options),
      'conversational',
      folder.info,
    ) as unknown as ConversationalPipeline;
  }
  const llama = await loadLlama2c();
  const tokenizer = await loadLlama2cTokenizer();
  const parameters = [...new Set(Object.values(llama.weights))].reduce((s, w) => s + w.length, 0);
  return withInfo(
    async (input: unknown, options: TextGenerationOptions = {}) => reply(llama, tokenizer, input, options),
    'conversational',
    defaultModel('conversational', parameters),
  ) as unknown as ConversationalPipeline;
}

/**
 * A chat model's reply, as Hugging Face's ConversationalPipeline: the whole conversation rendered
 * with the folder's chat template (add_generation_prompt), encoded without adding special tokens
 * (the template wrote them), generated until the model's end token, the reply appended.
 */
export async function chatReply(
  folder: CausalFolder,
  input: unknown,
  options: TextGenerationOptions = {},
): Promise<Conversation | Conversation[]> {
  const { list, batch } = conversations(input);
  const settings = { ...generationOptions(options), stopTokens: folder.stopTokens };
  const { tokenizer } = folder;
  const rendered = {
    encode: (text: string) => tokenizer.encode(text, { addSpecialTokens: false }),
    decode: folder.generation.decode,
  };
  for (const [i, c] of list.entries()) {
    if (c.new_user_input === undefined || c.new_user_input.trim() === '')
      throw new ValidationError(
        `conversational: ${batch ? `conversation ${i}` : 'the conversation'} must end with a non-empty user message (there is nothing new to answer)`,
        'messages',
      );
    const messages = c.messages.map((m) => ({ role: m.role, content: m.content }));
    const prompt = tokenizer.applyChatTemplate(messages, { add_generation_prompt: true });
    const r = await generate(folder.lm, rendered, prompt, settings);
    c.addMessage({ role: 'assistant', content: r.text.trim() });
  }
  return batch ? list : list[0]!;
}
