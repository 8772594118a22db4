/**
 * Tools over @firth/llm (course: "Prompt Engineering", "Tokenizer Playground"). They live here,
 * with the agent's other tools over core packages (the course-notes tools over @firth/rag).
 *   - `prompt_template`: a template with {variables}, a few-shot prompt or a chat conversation,
 *     optionally written in a chat template (ChatML, Llama 2). Plain substitution, no code runs.
 *   - `tokenizer_playground`: one text cut by several tokenizers side by side (Firth's and GPT-4o's).
 *
 *   JSON.parse(await promptTemplateTool.invoke({ template: 'Translate to {language}: {text}',
 *     variables: { language: 'French', text: 'cat' } })).prompt
 *   // 'Translate to French: cat'
 */
import {
  applyChatTemplate,
  CHAT_TEMPLATES,
  type ChatMessage,
  chatPrompt,
  compareTokenizers,
  fewShotPrompt,
  formatPrompt,
  PLAYGROUND_TOKENIZERS,
  type PlaygroundTokenizerName,
  templateVariables,
} from '@firth/llm';
import { tool } from '@langchain/core/tools';
import { z } from 'zod/v3';

const value = z.union([z.string().max(20_000), z.number(), z.boolean()]);
/** A record of at most `max` entries (z.record has no entry limit of its own); `maxEntries` says so to the limits test. */
const boundedRecord = <T extends z.ZodTypeAny>(values: T, max: number) =>
  Object.assign(
    z.record(values).refine((r) => Object.keys(r).length <= max, { message: `at most ${max} entries` }),
    { maxEntries: max },
  );

export const promptTemplateSchema = z.object({
  mode: z.enum(['template', 'fewShot', 'chat']).default('template'),
  template: z.string().max(20_000).default('').describe('template mode: text with {variables}'),
  variables: boundedRecord(value, 100).default({}).describe('Values of the {variables}'),
  prefix: z.string().max(20_000).default('').describe('fewShot: the instruction before the examples'),
  examples: z
    .array(boundedRecord(value, 100))
    .max(100)
    .default([])
    .describe('fewShot: worked examples (objects)'),
  exampleTemplate: z.string().max(20_000).default('').describe('fewShot: how one example is written'),
  suffix: z.string().max(20_000).default('').describe('fewShot: the new input, same shape'),
  separator: z.string().max(100).default('\n\n'),
  system: z.string().max(20_000).default('').describe('chat: the system prompt'),
  turns: z
    .array(z.object({ input: z.string().max(20_000), output: z.string().max(20_000) }))
    .max(100)
    .default([])
    .describe('chat: example turns'),
  input: z.string().max(20_000).default('').describe('chat: the new user message'),
  chatTemplate: z
    .enum(['none', ...CHAT_TEMPLATES])
    .default('none')
    .describe('Write the result as one string in this chat template'),
});

export type PromptTemplateToolInput = z.input<typeof promptTemplateSchema>;

/** The function behind the tool, usable without LangChain. */
export function buildPrompt(input: z.output<typeof promptTemplateSchema>): Record<string, unknown> {
  const { chatTemplate, variables } = input;
  if (input.mode === 'chat') {
    const messages = chatPrompt(
      { system: input.system, examples: input.turns, input: input.input },
      variables,
    );
    return {
      messages,
      variables: templateVariables(input.input),
      ...(chatTemplate !== 'none' && { prompt: applyChatTemplate(messages, chatTemplate) }),
    };
  }
  let prompt: string;
  let names: string[];
  if (input.mode === 'fewShot') {
    const { prefix, examples, exampleTemplate, suffix, separator } = input;
    prompt = fewShotPrompt({ prefix, examples, exampleTemplate, suffix, separator }, variables);
    names = [...new Set([...templateVariables(prefix), ...templateVariables(suffix)])];
  } else {
    prompt = formatPrompt(input.template, variables);
    names = templateVariables(input.template);
  }
  const messages: ChatMessage[] = [{ role: 'user', content: prompt }];
  return {
    prompt: chatTemplate === 'none' ? prompt : applyChatTemplate(messages, chatTemplate),
    variables: names,
  };
}

export const promptTemplateTool = tool(async (input) => JSON.stringify(buildPrompt(input)), {
  name: 'prompt_template',
  description:
    'Build a prompt from a template with {variables}, a few-shot prompt with examples, or chat messages with a system prompt, optionally in a chat template (ChatML, Llama 2). Prompt engineering.',
  schema: promptTemplateSchema,
});

export const tokenizerPlaygroundSchema = z.object({
  text: z.string().max(100_000).describe('The text to compare'),
  tokenizers: z
    .array(z.enum(PLAYGROUND_TOKENIZERS as unknown as [string, ...string[]]))
    .min(1)
    .max(PLAYGROUND_TOKENIZERS.length)
    .default([...PLAYGROUND_TOKENIZERS])
    .describe(`Which tokenizers: ${PLAYGROUND_TOKENIZERS.join(', ')}`),
});

/** The text cut by each tokenizer: tokens, ids, counts, characters per token. */
export async function playground(
  input: z.output<typeof tokenizerPlaygroundSchema>,
): Promise<Record<string, unknown>> {
  const views = await compareTokenizers(input.text, input.tokenizers as PlaygroundTokenizerName[]);
  return { text: input.text, counts: Object.fromEntries(views.map((v) => [v.name, v.count])), views };
}

export const tokenizerPlaygroundTool = tool(async (input) => JSON.stringify(await playground(input)), {
  name: 'tokenizer_playground',
  description:
    "Compare tokenizers side by side on one text: Firth's BPE, WordPiece, SentencePiece and character tokenizers and GPT-4o's, with token counts.",
  schema: tokenizerPlaygroundSchema,
});
