/**
 * Prompt engineering (course: "Prompt Engineering"): templates with {variables}, few-shot examples,
 * system prompts, chat templates that turn a conversation into the single string a completion-only
 * model reads, and structured output — JSON checked against a zod schema, with one repair attempt.
 *
 *   formatPrompt('Translate to {language}: {text}', { language: 'French', text: 'cheese' })
 *   // 'Translate to French: cheese'
 *   applyChatTemplate([{ role: 'user', content: 'Hi' }], 'chatml')
 *   // '<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n'
 *
 * Plain strings and plain `{ role, content }` messages, so the same prompts feed any provider (and
 * `toLangChainMessages` hands them to LangChain). Left out: Jinja chat templates from tokenizer
 * configs, partial variables, output parsers beyond JSON.
 */

import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import {
  AIMessage,
  type BaseMessage,
  type BaseMessageLike,
  coerceMessageLikeToMessage,
  HumanMessage,
  SystemMessage,
} from '@langchain/core/messages';
import { toJsonSchema } from '@langchain/core/utils/json_schema';
import { LlmError } from './errors.js';

export type Role = 'system' | 'user' | 'assistant';
export interface ChatMessage {
  role: Role;
  content: string;
}

// ---------------------------------------------------------------------------------------------
// Templates

function templateError(message: string): never {
  throw new LlmError(message, { kind: 'invalid-config' });
}

/** `{name}` is a variable; `{{` and `}}` are literal braces (as in Python's str.format and LangChain). */
const PLACEHOLDER = /\{\{|\}\}|\{([^{}]*)\}/g;

/**
 * The variables a template uses, in order of first use.
 *   templateVariables('{greeting}, {name}! {{not a variable}}') // ['greeting', 'name']
 */
export function templateVariables(template: string): string[] {
  const names: string[] = [];
  for (const match of template.matchAll(PLACEHOLDER)) {
    const name = match[1]?.trim();
    if (match[1] !== undefined && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name ?? ''))
      templateError(`bad placeholder {${match[1]}}: a variable name is letters, digits and _`);
    if (name && !names.includes(name)) names.push(name);
  }
  return names;
}

/**
 * The template with each {variable} filled in; a missing variable is an error that names it.
 *   formatPrompt('Hello {name}', {}) // throws LlmError: missing variable "name" in the prompt template
 */
export function formatPrompt(template: string, variables: Record<string, unknown> = {}): string {
  const missing = templateVariables(template).filter((name) => variables[name] === undefined);
  if (missing.length)
    templateError(
      `missing variable${missing.length > 1 ? 's' : ''} ${missing.map((m) => `"${m}"`).join(', ')} in the prompt template`,
    );
  return template.replace(PLACEHOLDER, (match, name: string | undefined) => {
    if (match === '{{') return '{';
    if (match === '}}') return '}';
    const value = variables[name!.trim()];
    return typeof value === 'string' ? value : JSON.stringify(value);
  });
}

/** A reusable template: its variables, and `format`. */
export class PromptTemplate {
  readonly template: string;
  readonly variables: string[];
  constructor(template: string) {
    this.template = template;
    this.variables = templateVariables(template);
  }
  format(variables: Record<string, unknown> = {}): string {
    return formatPrompt(this.template, variables);
  }
}

// ---------------------------------------------------------------------------------------------
// Few-shot

export interface FewShotOptions {
  /** Each example's variables. */
  examples: Record<string, unknown>[];
  /** How one example is written, e.g. 'Q: {question}\nA: {answer}' (or a function). */
  exampleTemplate: string | ((example: Record<string, unknown>) => string);
  /** Text before the examples (the instruction). */
  prefix?: string;
  /** Text after them, with the new input's variables, e.g. 'Q: {question}\nA:'. */
  suffix: string;
  /** @default '\n\n' */
  separator?: string;
}

/**
 * A few-shot prompt: instruction, worked examples, then the new input in the same shape.
 *   fewShotPrompt({ prefix: 'Antonyms.', examples: [{ word: 'hot', antonym: 'cold' }],
 *     exampleTemplate: '{word} -> {antonym}', suffix: '{word} ->' }, { word: 'tall' })
 *   // 'Antonyms.\n\nhot -> cold\n\ntall ->'
 */
export function fewShotPrompt(options: FewShotOptions, variables: Record<string, unknown> = {}): string {
  const write =
    typeof options.exampleTemplate === 'string'
      ? (example: Record<string, unknown>) => formatPrompt(options.exampleTemplate as string, example)
      : options.exampleTemplate;
  const parts = [
    ...(options.prefix ? [formatPrompt(options.prefix, variables)] : []),
    ...options.examples.map(write),
    formatPrompt(options.suffix, variables),
  ];
  return parts.join(options.separator ?? '\n\n');
}

/**
 * A conversation: system prompt, few-shot examples as earlier user/assistant turns, the new input.
 *   chatPrompt({ system: 'Answer in one word.', examples: [{ input: '2+2?', output: 'Four' }],
 *     input: 'Capital of {country}?' }, { country: 'France' })
 *   // [{ role: 'system', … }, { role: 'user', content: '2+2?' }, { role: 'assistant', content: 'Four' },
 *   //  { role: 'user', content: 'Capital of France?' }]
 */
export function chatPrompt(
  options: { system?: string; examples?: { input: string; output: string }[]; input: string },
  variables: Record<string, unknown> = {},
): ChatMessage[] {
  return [
    ...(options.system
      ? [{ role: 'system' as const, content: formatPrompt(options.system, variables) }]
      : []),
    ...(options.examples ?? []).flatMap((e) => [
      { role: 'user' as const, content: e.input },
      { role: 'assistant' as const, content: e.output },
    ]),
    { role: 'user', content: formatPrompt(options.input, variables) },
  ];
}

/** Plain messages as LangChain messages. */
export function toLangChainMessages(messages: ChatMessage[]): BaseMessage[] {
  return messages.map((m) =>
    m.role === 'system'
      ? new SystemMessage(m.content)
      : m.role === 'assistant'
        ? new AIMessage(m.content)
        : new HumanMessage(m.content),
  );
}

// ---------------------------------------------------------------------------------------------
// Chat templates: a conversation as one string, for completion-only models

export const CHAT_TEMPLATES = ['chatml', 'llama2'] as const;
export type ChatTemplateName = (typeof CHAT_TEMPLATES)[number];

/**
 * A conversation written the way a chat-tuned model was trained to read it.
 *
 * - `chatml` (OpenAI, Qwen, many fine-tunes): `<|im_start|>{role}\n{content}<|im_end|>\n` per message,
 *   then `<|im_start|>assistant\n` for the model to continue.
 * - `llama2` (Llama-2-chat): `<s>[INST] <<SYS>>\n{system}\n<</SYS>>\n\n{user} [/INST] {assistant} </s>`
 *   per exchange; the system prompt sits inside the first user turn.
 *
 *   applyChatTemplate([{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hi' }], 'llama2')
 *   // '<s>[INST] <<SYS>>\nBe brief.\n<</SYS>>\n\nHi [/INST]'
 */
export function applyChatTemplate(
  messages: ChatMessage[],
  template: ChatTemplateName,
  options: { addGenerationPrompt?: boolean } = {},
): string {
  for (const m of messages)
    if (!['system', 'user', 'assistant'].includes(m.role) || typeof m.content !== 'string')
      templateError(`a message is { role: 'system' | 'user' | 'assistant', content: string }`);
  if (template === 'chatml') {
    const body = messages.map((m) => `<|im_start|>${m.role}\n${m.content}<|im_end|>\n`).join('');
    return options.addGenerationPrompt === false ? body : `${body}<|im_start|>assistant\n`;
  }
  if (template === 'llama2') {
    const system = messages.filter((m) => m.role === 'system').map((m) => m.content);
    const turns = messages.filter((m) => m.role !== 'system');
    let out = '';
    let first = true;
    for (let i = 0; i < turns.length; i++) {
      const turn = turns[i]!;
      if (turn.role !== 'user')
        templateError('llama2: the conversation must alternate user, assistant, user, …');
      let user = turn.content;
      if (first && system.length) user = `<<SYS>>\n${system.join('\n')}\n<</SYS>>\n\n${user}`;
      first = false;
      out += `<s>[INST] ${user} [/INST]`;
      const reply = turns[i + 1];
      if (reply) {
        if (reply.role !== 'assistant')
          templateError('llama2: the conversation must alternate user, assistant, user, …');
        out += ` ${reply.content} </s>`;
        i++;
      }
    }
    return out;
  }
  return templateError(`unknown chat template "${String(template)}": one of ${CHAT_TEMPLATES.join(', ')}`);
}

// ---------------------------------------------------------------------------------------------
// Structured output

/** Any zod schema (v3 or v4): what `structured` needs of it. */
export interface Schema<T> {
  safeParse(
    data: unknown,
  ):
    | { success: true; data: T }
    | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } };
}

/**
 * The JSON in a model's answer: code fences stripped, and the outermost {…} or […] if there is
 * chatter around it.
 *   parseJsonAnswer('```json\n{"city": "Paris"}\n```') // { city: 'Paris' }
 */
export function parseJsonAnswer(text: string): unknown {
  const fenced = /```(?:json|JSON)?\s*\n?([\s\S]*?)```/.exec(text);
  const candidate = (fenced ? fenced[1]! : text).trim();
  try {
    return JSON.parse(candidate);
  } catch {
    const start = candidate.search(/[{[]/);
    const end = Math.max(candidate.lastIndexOf('}'), candidate.lastIndexOf(']'));
    if (start >= 0 && end > start) {
      try {
        return JSON.parse(candidate.slice(start, end + 1));
      } catch {
        // fall through to the error below
      }
    }
    throw new LlmError(`the answer is not JSON: ${JSON.stringify(candidate.slice(0, 200))}`, {
      kind: 'invalid-output',
    });
  }
}

function check<T>(schema: Schema<T>, text: string): { ok: true; data: T } | { ok: false; problem: string } {
  let value: unknown;
  try {
    value = parseJsonAnswer(text);
  } catch (error) {
    return { ok: false, problem: (error as Error).message };
  }
  const result = schema.safeParse(value);
  if (result.success) return { ok: true, data: result.data };
  const issues = result.error.issues.map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`);
  return { ok: false, problem: `the JSON does not match the schema: ${issues.join('; ')}` };
}

export interface StructuredResult<T> {
  data: T;
  /** 1, or 2 when the repair attempt was needed. */
  attempts: number;
  /** The model's final answer, as text. */
  text: string;
}

/**
 * Asks for JSON matching `schema`, parses and validates it; if it fails, asks once more with the
 * validation error (the repair attempt), then gives up with a clear `LlmError` ('invalid-output').
 *
 *   const City = z.object({ city: z.string(), country: z.string() });
 *   await structured(model, City, 'What is the capital of France?')
 *   // { data: { city: 'Paris', country: 'France' }, attempts: 1, text: '{"city":"Paris",…}' }
 */
export async function structured<T>(
  model: Pick<BaseChatModel, 'invoke'>,
  schema: Schema<T>,
  prompt: string | BaseMessageLike[],
): Promise<StructuredResult<T>> {
  const jsonSchema = JSON.stringify(toJsonSchema(schema as never));
  // the instruction goes in the user's turn, so a model's own system prompt (ChatConfig.system) stays
  const instruction = `Answer with one JSON value only, no prose, matching this JSON schema:\n${jsonSchema}`;
  const conversation: BaseMessage[] =
    typeof prompt === 'string'
      ? [new HumanMessage(`${prompt}\n\n${instruction}`)]
      : [...prompt.map(coerceMessageLikeToMessage), new HumanMessage(instruction)];
  const first = (await model.invoke(conversation)).text;
  const one = check(schema, first);
  if (one.ok) return { data: one.data, attempts: 1, text: first };
  // the repair attempt: show the model its answer and what was wrong with it
  conversation.push(
    new AIMessage(first),
    new HumanMessage(`That answer was invalid: ${one.problem}. Reply with the corrected JSON only.`),
  );
  const second = (await model.invoke(conversation)).text;
  const two = check(schema, second);
  if (two.ok) return { data: two.data, attempts: 2, text: second };
  throw new LlmError(`structured output failed after a repair attempt: ${two.problem}`, {
    kind: 'invalid-output',
  });
}
