/**
 * Tools over the shipped tiny BERT (models/bert-tiny and its SST-2 fine-tune: 2 layers, 128 wide,
 * 4,000 WordPiece tokens, 64 positions), the course's BERT lesson:
 *   - `fill_mask`: guesses for [MASK], in Hugging Face's fill-mask shape;
 *   - `contextual_word_similarity`: one word's vector in two sentences, compared (cosine);
 *   - `sentiment`: POSITIVE / NEGATIVE with scores (SST-2).
 *
 *   JSON.parse(await fillMaskTool.invoke({ text: 'he went to the [MASK] to deposit money .' })).predictions[0]
 *   // { score: 0.…, token: …, token_str: 'bank', sequence: 'he went to the bank to deposit money .', maskIndex: 0 }
 */
import { ValidationError } from '@firth/numeric';
import { cosine, loadTinyBert, wordVector } from '@firth/transformers';
import { tool } from '@langchain/core/tools';
import { z } from 'zod/v3';

const text = z
  .string()
  .max(2000)
  .refine((s) => s.trim() !== '', 'must not be empty');

export const fillMaskSchema = z.object({
  text: text
    .refine((s) => s.includes('[MASK]'), 'must contain [MASK] (in capitals) where the word to guess goes')
    .describe(
      'A sentence with [MASK] where the missing word goes, e.g. "he went to the [MASK] to deposit money ."',
    ),
  topK: z.number().int().positive().max(50).default(5).describe('Guesses per mask'),
});

/** Fill-mask: the guesses, best first, as Hugging Face's pipeline returns them. */
export async function fillMask(input: z.output<typeof fillMaskSchema>): Promise<Record<string, unknown>> {
  const { pretrainer } = await loadTinyBert();
  const predictions = pretrainer.fillMask(input.text, { topK: input.topK });
  return { text: input.text, predictions: predictions.map((p) => ({ ...p })) };
}

export const fillMaskTool = tool(async (input) => JSON.stringify(await fillMask(input)), {
  name: 'fill_mask',
  description:
    'Fill in the [MASK] word of a sentence with BERT (masked language model): the most likely words with their scores, e.g. "the [MASK] barked" -> dog.',
  schema: fillMaskSchema,
});

export const contextualSimilaritySchema = z.object({
  word: z.string().min(1).max(50).describe('The word to compare, e.g. "bank"'),
  sentenceA: text.describe('First sentence containing the word'),
  sentenceB: text.describe('Second sentence containing the word'),
});

/** cos(word's BERT vector in A, in B): contextual embeddings differ with context. */
export async function contextualWordSimilarity(
  input: z.output<typeof contextualSimilaritySchema>,
): Promise<Record<string, unknown>> {
  const { bert, tokenizer } = await loadTinyBert();
  const word = input.word.trim();
  const vectorIn = (sentence: string, label: string) => {
    try {
      return wordVector(bert, tokenizer, sentence, word);
    } catch (error) {
      throw new ValidationError(`word "${word}" is not in ${label}: ${(error as Error).message}`);
    }
  };
  const similarity = cosine(vectorIn(input.sentenceA, 'sentenceA'), vectorIn(input.sentenceB, 'sentenceB'));
  return { word, sentenceA: input.sentenceA, sentenceB: input.sentenceB, cosine: similarity };
}

export const contextualSimilarityTool = tool(
  async (input) => JSON.stringify(await contextualWordSimilarity(input)),
  {
    name: 'contextual_word_similarity',
    description:
      'Compare the contextual BERT embeddings of one word in two sentences (cosine), e.g. "bank" in a river sentence vs a money sentence: the same word gets a different vector in each context.',
    schema: contextualSimilaritySchema,
  },
);

export const sentimentSchema = z.object({
  text: text.describe('The text to classify, e.g. "a charming and moving film"'),
});

/** SST-2 sentiment of the fine-tuned tiny BERT. */
export async function sentiment(input: z.output<typeof sentimentSchema>): Promise<Record<string, unknown>> {
  const { classifier } = await loadTinyBert();
  const { label, score, scores } = classifier.predict([input.text])[0]!;
  return { text: input.text, label, score, scores };
}

export const sentimentTool = tool(async (input) => JSON.stringify(await sentiment(input)), {
  name: 'sentiment',
  description:
    'Classify the sentiment of a text (a review, an opinion) as POSITIVE or NEGATIVE with a fine-tuned BERT (SST-2); returns the label and scores.',
  schema: sentimentSchema,
});
