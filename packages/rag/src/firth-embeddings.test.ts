import { documentSimilarity, KeyedVectors, loadPretrained } from '@firth/embeddings';
import { MemoryVectorStore } from '@langchain/classic/vectorstores/memory';
import { Document } from '@langchain/core/documents';
import { describe, expect, it } from 'vitest';
import { FirthEmbeddings } from './firth-embeddings.js';

describe('FirthEmbeddings', () => {
  it('embeds offline with GloVe; dot products are spaCy-style document similarities', async () => {
    const embeddings = new FirthEmbeddings();
    const [a, b] = await embeddings.embedDocuments(['heart attack', 'cardiac arrest']);
    const q = await embeddings.embedQuery('heart attack');
    expect(a).toHaveLength(100);
    expect(q).toEqual(a);
    const dot = a!.reduce((s, v, i) => s + v * b![i]!, 0);
    expect(dot).toBeCloseTo(
      documentSimilarity('heart attack', 'cardiac arrest', await loadPretrained('glove-6b-100d-top20k')),
      6,
    );
  });

  it('ranks documents in a LangChain vector store', async () => {
    const store = await MemoryVectorStore.fromDocuments(
      [
        new Document({
          pageContent: 'The stock market fell sharply as investors sold shares.',
          metadata: { id: 1 },
        }),
        new Document({
          pageContent: 'The patient suffered a heart attack and was taken to hospital.',
          metadata: { id: 2 },
        }),
        new Document({ pageContent: 'The team won the football match in extra time.', metadata: { id: 3 } }),
      ],
      new FirthEmbeddings(),
    );
    const [top] = await store.similaritySearch('doctors treated a cardiac illness', 1);
    expect(top?.metadata.id).toBe(2);
  });

  it('uses any KeyedVectors (e.g. trained here) and names bad input', async () => {
    const kv = new KeyedVectors(['a', 'b'], Float32Array.from([1, 0, 0, 1]), 2);
    const e = new FirthEmbeddings({ vectors: kv });
    // mean of (1,0), (1,0), (0,1) = (2/3, 1/3), scaled to unit length = (2, 1)/√5
    const v = await e.embedQuery('a a b');
    expect(v[0]).toBeCloseTo(2 / Math.sqrt(5), 12);
    expect(v[1]).toBeCloseTo(1 / Math.sqrt(5), 12);
    await expect(new FirthEmbeddings({ pooling: 'max' as never }).embedQuery('x')).rejects.toThrow(/pooling/);
  });
});
