/**
 * `text_vectorizer` — a LangChain tool for the lesson "From words to vectors": texts as one-hot
 * rows, bag-of-words counts, TF-IDF weights (scikit-learn's CountVectorizer / TfidfVectorizer,
 * same numbers) or a word co-occurrence matrix, over the texts given.
 *
 *   JSON.parse(await textVectorizerTool.invoke({ texts: ['the cat sat', 'the dog sat'], method: 'bagOfWords' }))
 *   // { features: ['cat', 'dog', 'sat', 'the'], vectors: [[1, 0, 1, 1], [0, 1, 1, 1]], … }
 */
import { CountVectorizer, cooccurrenceMatrix, oneHot, TfidfVectorizer, tokenize } from '@firth/embeddings';
import { tool } from '@langchain/core/tools';
import { z } from 'zod/v3';

export const textVectorizerSchema = z.object({
  texts: z.array(z.string().max(20_000)).min(1).max(200).describe('The documents, one text each'),
  method: z
    .enum(['oneHot', 'bagOfWords', 'tfidf', 'cooccurrence'])
    .default('tfidf')
    .describe('oneHot (one row per token), bagOfWords (counts), tfidf (TF-IDF weights) or cooccurrence'),
  stopWords: z.boolean().default(false).describe("Drop English stop words (scikit-learn's list)"),
  binary: z.boolean().optional().describe('bagOfWords/tfidf: 1 for present words instead of counts'),
  maxFeatures: z
    .number()
    .int()
    .positive()
    .optional()
    .describe('bagOfWords/tfidf: keep the most frequent words only'),
  ngramMax: z.number().int().min(1).max(3).optional().describe('bagOfWords/tfidf: also n-grams up to this n'),
  window: z
    .number()
    .int()
    .positive()
    .max(20)
    .default(2)
    .describe('cooccurrence: words either side that count'),
});

export type TextVectorizerToolInput = z.input<typeof textVectorizerSchema>;

/** The function behind the tool, usable without LangChain. */
export function vectorizeTexts(input: z.output<typeof textVectorizerSchema>): Record<string, unknown> {
  const stopWords = input.stopWords ? ('english' as const) : null;
  if (input.method === 'bagOfWords' || input.method === 'tfidf') {
    const options = {
      stopWords,
      ...(input.binary !== undefined && { binary: input.binary }),
      ...(input.maxFeatures !== undefined && { maxFeatures: input.maxFeatures }),
      ...(input.ngramMax !== undefined && { ngramRange: [1, input.ngramMax] as [number, number] }),
    };
    const vectorizer = input.method === 'tfidf' ? new TfidfVectorizer(options) : new CountVectorizer(options);
    const vectors = vectorizer.fitTransform(input.texts);
    return {
      method: input.method,
      features: vectorizer.getFeatureNamesOut(),
      vectors,
      ...(vectorizer instanceof TfidfVectorizer && { idf: vectorizer.idf }),
    };
  }
  const tokenized = input.texts.map((t) => tokenize(t, { stopWords }));
  if (input.method === 'oneHot') {
    // one vocabulary for all the texts, in order of first appearance
    const vocabulary = [...new Set(tokenized.flat())];
    return {
      method: input.method,
      vocabulary,
      documents: tokenized.map((tokens) => ({ tokens, oneHot: oneHot(tokens, vocabulary) })),
    };
  }
  const { vocabulary, matrix } = cooccurrenceMatrix(tokenized, { window: input.window });
  return { method: input.method, vocabulary, matrix };
}

export const textVectorizerTool = tool(async (input) => JSON.stringify(vectorizeTexts(input)), {
  name: 'text_vectorizer',
  description:
    'Turn texts into vectors: one-hot encoding, bag-of-words counts, TF-IDF weights (as scikit-learn) or a word co-occurrence matrix. Give the texts; returns the vocabulary and one vector per text.',
  schema: textVectorizerSchema,
});
