/**
 * `self_attention` — a LangChain tool for the lesson "What is Self-Attention": one vector per word
 * (random, as the course, or GloVe), Q = K = V = those vectors, weights = softmax(QKᵀ/√d_k).
 * Each row says how much one word attends to every word, and sums to 1.
 *
 *   JSON.parse(await attentionTool.invoke({ text: 'YOUR CAT IS A LOVELY CAT' })).weights[1]
 *   // [0.0…, 0.49…, 0.0…, 0.0…, 0.0…, 0.49…]  ("CAT" attends to both CATs)
 */

import { loadPretrained } from '@firth/embeddings';
import { ValidationError } from '@firth/numeric';
import { selfAttentionLesson } from '@firth/transformers';
import { tool } from '@langchain/core/tools';
import { z } from 'zod/v3';

export const attentionSchema = z.object({
  text: z
    .string()
    .min(1)
    .max(10_000)
    .describe('The sentence whose words attend to each other, e.g. "YOUR CAT IS A LOVELY CAT"'),
  vectors: z
    .enum(['random', 'glove'])
    .default('random')
    .describe('"random": seeded random word vectors, as the course; "glove": the shipped GloVe 100d vectors'),
  dModel: z
    .number()
    .int()
    .min(2)
    .max(4096)
    .refine((d) => d % 2 === 0, 'dModel must be even')
    .default(512)
    .describe('Width of the random vectors, d_model = d_k (even)'),
  seed: z.number().int().default(0).describe('Seed of the random vectors'),
  positions: z.boolean().default(false).describe('Add sinusoidal positional encodings first'),
  causal: z.boolean().default(false).describe('Each word attends only to itself and earlier words'),
});

export type AttentionToolInput = z.input<typeof attentionSchema>;

/** The function behind the tool, usable without LangChain. */
export async function selfAttentionWeights(
  input: z.output<typeof attentionSchema>,
): Promise<Record<string, unknown>> {
  const words = input.text.match(/[\p{L}\p{N}]+(?:['’][\p{L}]+)?/gu) ?? [];
  if (words.length === 0) throw new ValidationError('text has no words');
  if (words.length > 64) throw new ValidationError(`text has ${words.length} words; at most 64`);
  let embed: ((w: string) => ArrayLike<number>) | undefined;
  if (input.vectors === 'glove') {
    const glove = await loadPretrained('glove-6b-100d-top20k');
    const missing = [...new Set(words.map((w) => w.toLowerCase()).filter((w) => !glove.has(w)))];
    if (missing.length > 0)
      throw new ValidationError(
        `Not among GloVe's 20,000 shipped words: ${missing.join(', ')} — use vectors "random"`,
      );
    embed = (w) => glove.get(w.toLowerCase());
  }
  const lesson = selfAttentionLesson(words, {
    ...(embed ? { embed } : {}),
    dModel: input.vectors === 'random' ? input.dModel : 100,
    seed: input.seed,
    positions: input.positions,
    mask: input.causal ? 'causal' : null,
  });
  return { words, weights: lesson.weights, vectors: input.vectors, causal: input.causal };
}

export const attentionTool = tool(async (input) => JSON.stringify(await selfAttentionWeights(input)), {
  name: 'self_attention',
  description:
    'Compute the self-attention weights softmax(QK^T/sqrt(d)) between the words of a sentence (the transformer attention lesson): how much each word attends to every other word; each row sums to 1.',
  schema: attentionSchema,
});
