/**
 * Word-vector tools (lesson "Measuring Similarity Between Word Vectors"): nearest words, analogies
 * (king − man + woman ≈ queen), similarity and the odd one out, over GloVe 6B 100d (20k words,
 * shipped with Firth) or any `KeyedVectors`.
 *
 *   JSON.parse(await wordAnalogyTool.invoke({ a: 'man', b: 'king', c: 'woman' })).answers[0]
 *   // { word: 'queen', score: 0.7699 }
 */
import { type KeyedVectors, loadPretrained } from '@firth/embeddings';
import { type StructuredToolInterface, tool } from '@langchain/core/tools';
import { z } from 'zod/v3';

const word = z.string().min(1).max(200);

/** The tools over one set of vectors (default: the shipped GloVe 20k). */
export function wordVectorTools(
  vectors: KeyedVectors | (() => Promise<KeyedVectors>) = () => loadPretrained('glove-6b-100d-top20k'),
): StructuredToolInterface[] {
  const kv = () => (typeof vectors === 'function' ? vectors() : Promise.resolve(vectors));
  const pairs = (list: [string, number][]) => list.map(([w, score]) => ({ word: w, score }));
  return [
    tool(
      async ({ word: w, topn }) =>
        JSON.stringify({ word: w, similar: pairs((await kv()).mostSimilar({ positive: [w], topn })) }),
      {
        name: 'similar_words',
        description:
          'The words whose vectors are closest (cosine) to a word, e.g. king -> prince, queen, monarch.',
        schema: z.object({ word, topn: z.number().int().positive().max(100).default(10) }),
      },
    ),
    tool(
      async ({ a, b, c, topn }) =>
        JSON.stringify({
          question: `${a} : ${b} :: ${c} : ?`,
          answers: pairs((await kv()).mostSimilar({ positive: [b, c], negative: [a], topn })),
        }),
      {
        name: 'word_analogy',
        description:
          'Solve "a is to b as c is to ?" with vector arithmetic b - a + c (3CosAdd), e.g. man : king :: woman : queen.',
        schema: z.object({
          a: word,
          b: word,
          c: word,
          topn: z.number().int().positive().max(100).default(5),
        }),
      },
    ),
    tool(
      async ({ word1, word2 }) =>
        JSON.stringify({ word1, word2, similarity: (await kv()).similarity(word1, word2) }),
      {
        name: 'word_similarity',
        description: 'Cosine similarity (-1..1) of two words’ vectors.',
        schema: z.object({ word1: word, word2: word }),
      },
    ),
    tool(async ({ words }) => JSON.stringify({ words, oddOneOut: (await kv()).doesntMatch(words) }), {
      name: 'odd_one_out',
      description: 'The word that fits least with the others, e.g. breakfast cereal dinner lunch -> cereal.',
      schema: z.object({ words: z.array(word).min(2).max(1000) }),
    }),
  ];
}
