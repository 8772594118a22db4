/**
 * `word2vec_train` and `glove_train` — LangChain tools that train word vectors on the texts given
 * (lessons "Word2Vec" and "GloVe"), with small defaults so that a call on a few sentences takes
 * well under a second. Texts are tokenised like gensim's `simple_preprocess`.
 *
 *   const out = JSON.parse(await word2VecTrainTool.invoke({ texts: ['the cat sat on the mat', …], vectorSize: 8 }));
 *   out.vectors.cat.length // 8
 */

import { GloVe, type KeyedVectors, simplePreprocess, Word2Vec } from '@firth/embeddings';
import { ValidationError } from '@firth/numeric';
import { tool } from '@langchain/core/tools';
import { z } from 'zod/v3';

const common = {
  texts: z
    .array(z.string().max(100_000))
    .min(1)
    .max(10_000)
    .describe('The training corpus: one document per text (lowercased, split into words)'),
  vectorSize: z.number().int().min(2).max(300).default(16).describe('Dimensions of each word vector'),
  window: z.number().int().min(1).max(20).default(5).describe('Context words either side'),
  minCount: z.number().int().min(1).default(1).describe('Ignore words seen fewer times'),
  epochs: z.number().int().min(1).max(200).default(10).describe('Passes over the corpus'),
  seed: z.number().int().default(1).describe('Seed (same seed, same vectors)'),
  probeWords: z
    .array(z.string().min(1).max(200))
    .max(20)
    .default([])
    .describe('Words whose 5 nearest neighbours to list'),
  maxWords: z
    .number()
    .int()
    .min(0)
    .max(5000)
    .default(200)
    .describe('Return the vectors of at most this many words (most frequent first)'),
};

export const word2VecTrainSchema = z.object({
  ...common,
  sg: z
    .union([z.literal(0), z.literal(1)])
    .default(0)
    .describe('0 = CBOW, 1 = skip-gram'),
});
export const gloVeTrainSchema = z.object({
  ...common,
  xMax: z.number().positive().default(10).describe('Co-occurrence count where the weighting saturates'),
});

export type Word2VecTrainToolInput = z.input<typeof word2VecTrainSchema>;
export type GloVeTrainToolInput = z.input<typeof gloVeTrainSchema>;

function corpusOf(texts: string[]): string[][] {
  const sentences = texts.map((t) => simplePreprocess(t));
  if (sentences.every((s) => s.length === 0)) throw new ValidationError('texts: no words to train on');
  return sentences;
}

function summary(
  kv: KeyedVectors,
  lossCurve: readonly number[],
  input: { probeWords: string[]; maxWords: number },
) {
  const neighbours = Object.fromEntries(
    input.probeWords
      .map((w) => w.toLowerCase())
      .filter((w) => kv.has(w))
      .map((w) => [w, kv.mostSimilar({ positive: [w], topn: 5 }).map(([n, s]) => ({ word: n, score: s }))]),
  );
  const words = kv.indexToKey.slice(0, input.maxWords);
  return {
    vocabularySize: kv.length,
    vectorSize: kv.vectorSize,
    lossCurve,
    neighbours,
    vectors: Object.fromEntries(words.map((w) => [w, Array.from(kv.get(w))])),
  };
}

/** Trains Word2Vec (CBOW or skip-gram, negative sampling) on the texts. */
export async function trainWord2Vec(
  input: z.output<typeof word2VecTrainSchema>,
): Promise<Record<string, unknown>> {
  const model = await Word2Vec.create(corpusOf(input.texts), {
    sg: input.sg,
    vectorSize: input.vectorSize,
    window: input.window,
    minCount: input.minCount,
    epochs: input.epochs,
    seed: input.seed,
    workers: 1,
  });
  return { model: 'word2vec', sg: input.sg, ...summary(model.wv, model.lossCurve, input) };
}

/** Trains GloVe (weighted least squares on log co-occurrences) on the texts. */
export async function trainGloVe(input: z.output<typeof gloVeTrainSchema>): Promise<Record<string, unknown>> {
  const model = await GloVe.create(corpusOf(input.texts), {
    vectorSize: input.vectorSize,
    window: input.window,
    minCount: input.minCount,
    epochs: input.epochs,
    xMax: input.xMax,
    seed: input.seed,
  });
  return { model: 'glove', ...summary(model.wv, model.lossCurve, input) };
}

export const word2VecTrainTool = tool(async (input) => JSON.stringify(await trainWord2Vec(input)), {
  name: 'word2vec_train',
  description:
    'Train word2vec word embeddings (CBOW or skip-gram) on a small corpus of texts you give; returns the vectors, the loss curve and nearest neighbours of probe words.',
  schema: word2VecTrainSchema,
});

export const gloVeTrainTool = tool(async (input) => JSON.stringify(await trainGloVe(input)), {
  name: 'glove_train',
  description:
    'Train GloVe word embeddings (global co-occurrence vectors) on a small corpus of texts you give; returns the vectors, the loss curve and nearest neighbours of probe words.',
  schema: gloVeTrainSchema,
});
