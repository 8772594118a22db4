/**
 * Which word vectors a node uses: a set shipped with Firth (loaded once per process) or the JSON
 * "model" of a Word2Vec / GloVe Train step. Shared by the Word Vectors node and the Embeddings
 * sub-node.
 */
import { KeyedVectors, loadPretrained } from '@firth/embeddings';
import { type IExecuteFunctions, UserError } from 'n8n-workflow';
import { parseModelParameter } from './parameters';

export const VECTOR_SOURCES = [
  {
    name: 'GloVe 6B 100d (20k Words, Shipped)',
    value: 'glove-6b-100d-top20k',
    description: "Stanford's GloVe vectors for the 20,000 most frequent English words",
  },
  {
    name: 'Word2vec 300d (1,000 Words, Shipped)',
    value: 'word2vec-300d-top1000',
    description: "Ml5's sample of 1,000 common words (GoogleNews word2vec)",
  },
  {
    name: 'Trained Model',
    value: 'model',
    description: 'The "model" output of a Word2Vec Train or GloVe Train step',
  },
];

/** The vectors item i asks for: a shipped set (cached per process) or a trained model's JSON. */
export function vectorsFor(
  ctx: Pick<IExecuteFunctions, 'getNodeParameter'>,
  i: number,
  cache: Map<string, Promise<KeyedVectors>>,
): Promise<KeyedVectors> {
  const source = ctx.getNodeParameter('vectors', i) as string;
  if (source !== 'model') return loadPretrained(source as 'glove-6b-100d-top20k' | 'word2vec-300d-top1000');
  const json = parseModelParameter(ctx.getNodeParameter('model', i), 'Word2Vec Train or GloVe Train') as {
    wv?: unknown;
    keys?: unknown;
  };
  const vectors = (json.keys !== undefined ? json : json.wv) as
    | { keys?: unknown[]; vectorSize?: number; vectors?: unknown[] }
    | undefined;
  if (vectors === undefined || typeof vectors !== 'object')
    throw new UserError(
      'Model has no word vectors: expected the "model" output of a Word2Vec or GloVe Train step',
    );
  // items usually share one model (an expression pointing at the Train step): parse it once
  const key = JSON.stringify([
    vectors.vectorSize,
    vectors.keys?.length,
    vectors.keys?.slice(0, 8),
    vectors.vectors?.slice(0, 8),
  ]);
  let kv = cache.get(key);
  if (!kv) {
    kv = Promise.resolve().then(() =>
      KeyedVectors.fromJSON(vectors as Parameters<typeof KeyedVectors.fromJSON>[0]),
    );
    cache.set(key, kv);
  }
  return kv;
}
