/**
 * `tinystories_generate` — a LangChain tool that writes a short story with llama2.c's stories260K
 * (a 260k-parameter Llama trained on TinyStories, shipped with Firth), the course's GPT lesson.
 * Runs offline; the same seed gives the same story.
 *
 *   JSON.parse(await tinyStoriesTool.invoke({ prompt: 'Once upon a time', maxNewTokens: 20, temperature: 0 })).text
 *   // ', there was a little girl named Lily. …'
 */
import { generate, type Llama2c, loadLlama2c, shippedTokenizer } from '@firth/transformers';
import { tool } from '@langchain/core/tools';
import { z } from 'zod/v3';

export const tinyStoriesSchema = z.object({
  prompt: z.string().max(2000).default('Once upon a time').describe('The start of the story'),
  maxNewTokens: z.number().int().positive().max(512).default(100).describe('Tokens to generate at most'),
  temperature: z.number().min(0).max(2).default(0.8).describe('0 always takes the most likely token'),
  seed: z.number().int().default(42).describe('Seed of the random draws (same seed, same story)'),
  topK: z.number().int().min(0).optional().describe('Sample only among the k most likely tokens (0 = all)'),
  topP: z
    .number()
    .gt(0)
    .max(1)
    .optional()
    .describe('Nucleus sampling: the smallest set with this much probability'),
  repetitionPenalty: z.number().min(1).optional().describe('Above 1 discourages repeating tokens'),
  stop: z.array(z.string().min(1).max(100)).max(4).optional().describe('Stop before any of these texts'),
});

export type TinyStoriesToolInput = z.input<typeof tinyStoriesSchema>;

let tinyStories: Promise<Llama2c> | undefined;

/** The function behind the tool; loads the model once per process. */
export async function generateStory(
  input: z.output<typeof tinyStoriesSchema>,
): Promise<Record<string, unknown>> {
  tinyStories ??= loadLlama2c().catch((error: unknown) => {
    tinyStories = undefined;
    throw error;
  });
  const model = await tinyStories;
  const tokenizer = shippedTokenizer('llama2c-tinystories') as Parameters<typeof generate>[1];
  const { prompt, maxNewTokens, temperature, seed, topK, topP, repetitionPenalty, stop } = input;
  const result = await generate(model, tokenizer, prompt, {
    maxNewTokens,
    temperature,
    seed,
    ...(topK !== undefined && { topK }),
    ...(topP !== undefined && { topP }),
    ...(repetitionPenalty !== undefined && { repetitionPenalty }),
    ...(stop !== undefined && { stop }),
    // an empty prompt starts from the beginning-of-sequence token alone
    ...(prompt === '' && { promptIds: [1] }),
  });
  return {
    prompt,
    text: result.text,
    completion: prompt + result.text,
    finishReason: result.finishReason,
    usage: { promptTokens: result.promptTokens, completionTokens: result.completionTokens },
    model: 'llama2.c stories260K (TinyStories)',
  };
}

export const tinyStoriesTool = tool(async (input) => JSON.stringify(await generateStory(input)), {
  name: 'tinystories_generate',
  description:
    'Generate a short story (TinyStories) with a tiny pretrained Llama transformer language model from a prompt such as "Once upon a time"; options: temperature, top-k, top-p, seed, length.',
  schema: tinyStoriesSchema,
});
