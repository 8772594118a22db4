import { FirthEmbeddings } from '@firth/langchain';
import { Document } from '@langchain/core/documents';
import { Embeddings } from '@langchain/core/embeddings';
import { describe, expect, it } from 'vitest';
import { FirthMemoryVectorStore } from './memory-store.js';

/** Texts name their vectors: 'x:1,0' embeds as [1, 0]. */
class TableEmbeddings extends Embeddings {
  constructor() {
    super({});
  }
  async embedDocuments(texts: string[]): Promise<number[][]> {
    return texts.map((t) => (t.split(':')[1] ?? '').split(',').map(Number));
  }
  async embedQuery(text: string): Promise<number[]> {
    return (await this.embedDocuments([text]))[0]!;
  }
}

const texts = ['a:1,0', 'b:0.9,0.1', 'c:0,1', 'd:2,2', 'e:-1,0'];
const metas = texts.map((t, i) => ({ name: t[0], even: i % 2 === 0 }));

describe('FirthMemoryVectorStore', () => {
  it('ranks by cosine, dot product or L2 distance', async () => {
    const e = new TableEmbeddings();
    const cosine = await FirthMemoryVectorStore.fromTexts(texts, metas, e);
    const hits = await cosine.similaritySearchVectorWithScore([1, 0], 3);
    expect(hits.map(([d]) => d.metadata.name)).toEqual(['a', 'b', 'd']);
    expect(hits[0]?.[1]).toBeCloseTo(1, 6);
    expect(hits[2]?.[1]).toBeCloseTo(Math.SQRT1_2, 6);
    const dot = await FirthMemoryVectorStore.fromTexts(texts, metas, e, { similarity: 'dot' });
    expect(
      (await dot.similaritySearchVectorWithScore([1, 0], 2)).map(([d, s]) => [d.metadata.name, s]),
    ).toEqual([
      ['d', 2],
      ['a', 1],
    ]);
    const l2 = await FirthMemoryVectorStore.fromTexts(texts, metas, e, { similarity: 'l2' });
    const near = await l2.similaritySearchVectorWithScore([0, 0.9], 2);
    expect(near.map(([d]) => d.metadata.name)).toEqual(['c', 'b']);
    expect(near[0]?.[1]).toBeCloseTo(0.1, 6);
    expect(cosine.rows[0]).toBeInstanceOf(Float32Array);
    expect(cosine._vectorstoreType()).toBe('firth-memory');
  });

  it('filters by metadata equality or a function; text queries go through the embeddings', async () => {
    const store = await FirthMemoryVectorStore.fromTexts(texts, metas, new TableEmbeddings());
    expect((await store.similaritySearch('q:1,0', 5, { even: true })).map((d) => d.metadata.name)).toEqual([
      'a',
      'c',
      'e',
    ]);
    const fn = (d: { metadata: Record<string, unknown> }) => d.metadata.name !== 'a';
    expect((await store.similaritySearch('q:1,0', 1, fn))[0]?.metadata.name).toBe('b');
    const retrieved = await store.asRetriever({ k: 2 }).invoke('q:0,1');
    expect(retrieved.map((d) => d.metadata.name)).toEqual(['c', 'd']);
  });

  it('MMR trades relevance for diversity with lambda', async () => {
    const docs = ['p:1,0', 'p2:0.99,0.01', 'p3:0.98,0.02', 'q:0.6,0.8'].map(
      (pageContent) => new Document({ pageContent, metadata: { name: pageContent.split(':')[0] } }),
    );
    const store = await FirthMemoryVectorStore.fromDocuments(docs, new TableEmbeddings());
    const names = async (lambda: number) =>
      (await store.maxMarginalRelevanceSearch('x:1,0', { k: 2, fetchK: 4, lambda })).map(
        (d) => d.metadata.name,
      );
    expect(await names(1)).toEqual(['p', 'p2']); // pure relevance
    // λ = 0.3: p2 scores 0.3·1.00 − 0.7·1.00 = −0.40, q scores 0.3·0.6 − 0.7·0.6 = −0.24
    expect(await names(0.3)).toEqual(['p', 'q']); // the near-duplicate is skipped
    await expect(store.maxMarginalRelevanceSearch('x:1,0', { k: 2, lambda: 2 })).rejects.toThrow(/lambda/);
  });

  it('says so when dimensions do not match; deletes by id', async () => {
    const store = await FirthMemoryVectorStore.fromTexts(texts, metas, new TableEmbeddings());
    await expect(store.similaritySearch('q:1,0,0', 1)).rejects.toThrow(
      /query vector has 3 dimensions but this store holds 2-dimensional vectors/,
    );
    await expect(store.addVectors([[1, 2, 3]], [new Document({ pageContent: 'x' })])).rejects.toThrow(
      /vector 0 has 3 dimensions/,
    );
    await expect(store.addVectors([[1, Number.NaN]], [new Document({ pageContent: 'x' })])).rejects.toThrow(
      /NaN/,
    );
    const ids = await store.addVectors([[0, -1]], [new Document({ pageContent: 'neg' })], { ids: ['neg'] });
    expect(ids).toEqual(['neg']);
    expect((await store.similaritySearchVectorWithScore([0, -1], 1))[0]?.[0].pageContent).toBe('neg');
    await store.delete({ ids: ['neg'] });
    expect(store.documents).toHaveLength(5);
  });

  it('works with FirthEmbeddings (GloVe) end to end', async () => {
    const store = await FirthMemoryVectorStore.fromTexts(
      ['The cat sat on the mat.', 'Stock markets fell sharply today.', 'The rocket reached orbit.'],
      [{ id: 'pets' }, { id: 'finance' }, { id: 'space' }],
      new FirthEmbeddings(),
    );
    expect((await store.similaritySearch('kittens and dogs', 1))[0]?.metadata.id).toBe('pets');
    expect((await store.similaritySearch('shares and investors', 1))[0]?.metadata.id).toBe('finance');
    expect(store.dimension).toBe(100);
  });
});
