/**
 * Chat templates — the one idea: **a chat model reads a conversation as one text in the exact
 * format it was fine-tuned on**, and the model's folder says how, as a Jinja template in
 * tokenizer_config.json (`chat_template`: one template, or a list of named ones such as "default"
 * and "tool_use"; newer folders keep it in chat_template.jinja). Rendered with `@huggingface/jinja`,
 * the renderer transformers.js uses, with what 🤗 Transformers' `apply_chat_template` passes:
 * `messages`, `add_generation_prompt`, `tools`, `documents`, the special tokens of
 * tokenizer_config.json (`bos_token`, `eos_token`, …) and any extra keyword.
 *
 *   renderChatTemplate(config, [{ role: 'user', content: 'Hi' }], { add_generation_prompt: true })
 *   // with Zephyr's template: '<|user|>\nHi</s>\n<|assistant|>\n'
 *
 * Choosing a template (as `apply_chat_template`): `chat_template: 'name'` picks a named one; else
 * "tool_use" when `tools` are given and there is one, else "default". A template that does not
 * parse is a FormatError naming the file and `$.chat_template`; one that fails while rendering
 * (its own `raise_exception('…')`, e.g. "Conversation roles must alternate") is a ValidationError
 * naming the file and carrying the template's message.
 */

import { FormatError, ValidationError } from '@firth/numeric';
import { Template } from '@huggingface/jinja';

/** One turn of a conversation (`content` may also be a list of parts, as multimodal templates read). */
export interface ChatMessage {
  role: string;
  content?: unknown;
  [field: string]: unknown;
}

/** Options of `applyChatTemplate`, named as in 🤗 Transformers. */
export interface ChatTemplateOptions {
  /** End with the opening of the assistant's turn, so generation continues as the assistant. @default false */
  add_generation_prompt?: boolean;
  /** Tool (function) schemas for templates that support tool use. */
  tools?: readonly unknown[];
  /** Documents for retrieval-augmented templates. */
  documents?: readonly unknown[];
  /** A template's name in a list of named templates, or a template text to use instead. */
  chat_template?: string;
  /** Further variables the template reads (e.g. `enable_thinking`, `date_string`). */
  [kwarg: string]: unknown;
}

/** Where the template came from, for messages. */
export interface ChatTemplateSource {
  /** tokenizer_config.json's `chat_template`: a string or `[{ name, template }]`. */
  chat_template?: unknown;
  /** The file named in errors. @default 'tokenizer_config.json' */
  file?: string;
  /** Variables every rendering gets: the special tokens (`bos_token`: '<s>', …). */
  specialTokens?: Record<string, unknown>;
}

const cache = new Map<string, Template>();

/** The named templates of a source (a single string is "default"). */
export function chatTemplates(source: ChatTemplateSource): Map<string, string> {
  const file = source.file ?? 'tokenizer_config.json';
  const t = source.chat_template;
  const out = new Map<string, string>();
  if (t === undefined || t === null) return out;
  if (typeof t === 'string') return out.set('default', t);
  if (!Array.isArray(t))
    throw new FormatError(
      file,
      '$.chat_template',
      'must be a template string or a list of { "name", "template" }',
    );
  t.forEach((entry, i) => {
    const e = entry as { name?: unknown; template?: unknown } | null;
    if (typeof e !== 'object' || e === null || typeof e.name !== 'string' || typeof e.template !== 'string')
      throw new FormatError(file, `$.chat_template[${i}]`, 'must be { "name": "…", "template": "…" }');
    out.set(e.name, e.template);
  });
  return out;
}

/** Renders the conversation with the source's chat template (see the file's comment). */
export function renderChatTemplate(
  source: ChatTemplateSource,
  messages: readonly ChatMessage[],
  options: ChatTemplateOptions = {},
): string {
  const file = source.file ?? 'tokenizer_config.json';
  if (!Array.isArray(messages))
    throw new ValidationError('messages must be an array of { role, content }', 'messages');
  messages.forEach((m, i) => {
    if (typeof m !== 'object' || m === null || typeof m.role !== 'string')
      throw new ValidationError(`messages[${i}] must be an object with a string role`, `messages[${i}]`);
  });
  const { chat_template: wanted, add_generation_prompt, tools, documents, ...kwargs } = options;
  const templates = chatTemplates(source);
  const jinjaFile = file.endsWith('.jinja');
  let where = jinjaFile ? '' : '$.chat_template';
  let text: string | undefined;
  if (wanted !== undefined && templates.has(wanted)) {
    text = templates.get(wanted);
    where = `$.chat_template (${JSON.stringify(wanted)})`;
  } else if (wanted !== undefined) text = wanted;
  else if (tools !== undefined && templates.has('tool_use')) {
    text = templates.get('tool_use');
    where = '$.chat_template ("tool_use")';
  } else text = templates.get('default');
  // what messages call the template: its file and place, or the option that supplied it
  const label =
    wanted !== undefined && !templates.has(wanted)
      ? 'options.chat_template'
      : where
        ? `${file} ${where}`
        : file;
  if (text === undefined)
    throw new ValidationError(
      templates.size === 0
        ? `${file} has no chat_template: this tokenizer's model was not trained for chat (pass options.chat_template to supply one)`
        : `${file} has no default chat_template; its templates are ${[...templates.keys()].join(', ')} (pick one with options.chat_template)`,
      'chat_template',
    );
  let template = cache.get(text);
  if (template === undefined) {
    try {
      template = new Template(text);
    } catch (e) {
      throw new FormatError(
        file,
        where,
        `is not a template @huggingface/jinja can parse: ${(e as Error).message}`,
      );
    }
    if (cache.size > 64) cache.clear();
    cache.set(text, template);
  }
  try {
    return template.render({
      ...source.specialTokens,
      ...kwargs,
      messages,
      add_generation_prompt: add_generation_prompt ?? false,
      ...(tools === undefined ? {} : { tools }),
      ...(documents === undefined ? {} : { documents }),
    });
  } catch (e) {
    throw new ValidationError(`${label} failed to render: ${(e as Error).message}`, 'messages');
  }
}
