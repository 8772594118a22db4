import type { UniversalSentenceEncoderLite, UseLiteOptions } from '@firth/deep';
import { MemoryVectorStore } from '@langchain/classic/vectorstores/memory';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { FirthUseEmbeddings, type SentenceEncoder, type UseLiteLoadOptions } from './firth-use-embeddings.js';

const dot = (a: number[], b: number[]) => a.reduce((s, v, i) => s + v * (b[i] as number), 0);

describe('FirthUseEmbeddings', () => {
  it('embeds with USE-lite: 512 numbers, about unit length, the query as a one-document batch', async () => {
    const embeddings = new FirthUseEmbeddings();
    const [love, film] = await embeddings.embedDocuments(['I love this movie', 'This film is great']);
    expect(love).toHaveLength(512);
    expect(Math.sqrt(dot(love as number[], love as number[]))).toBeCloseTo(1, 3);
    expect(dot(love as number[], film as number[])).toBeCloseTo(0.85, 1);
    const query = await embeddings.embedQuery('I love this movie');
    for (const [i, v] of query.entries()) expect(v).toBeCloseTo((love as number[])[i] as number, 5);
  });

  it('ranks documents by meaning in a MemoryVectorStore, with no word in common', async () => {
    const store = await MemoryVectorStore.fromTexts(
      [
        'A kitten is resting on a rug.',
        'Stock markets fell sharply today.',
        'The recipe needs two eggs and some flour.',
      ],
      [{ id: 'cat' }, { id: 'stocks' }, { id: 'recipe' }],
      new FirthUseEmbeddings({ batchSize: 2 }),
    );
    const [top] = await store.similaritySearch('The cat sat on the mat.', 1);
    expect(top?.metadata.id).toBe('cat');
    const [finance] = await store.similaritySearch('Shares dropped on Wall Street', 1);
    expect(finance?.metadata.id).toBe('stocks');
  });

  it('names a missing model folder, and loads again after a failure', async () => {
    const embeddings = new FirthUseEmbeddings({ modelDir: '/nonexistent/use-lite' });
    await expect(embeddings.embedQuery('hello')).rejects.toThrow(/\/nonexistent\/use-lite does not exist/);
    await expect(embeddings.embedQuery('hello')).rejects.toThrow(/does not exist/);
  });

  it('shares an encoder handed to it', async () => {
    const first = new FirthUseEmbeddings();
    const model = await first.model();
    const second = new FirthUseEmbeddings({ model });
    expect(await second.model()).toBe(model);
  });

  it("writes @firth/deep's types out (an optional peer) the same as @firth/deep has them", () => {
    // checked by tsc (the package's typecheck): each side must accept the other
    expectTypeOf<UseLiteOptions>().toExtend<UseLiteLoadOptions>();
    expectTypeOf<UseLiteLoadOptions>().toExtend<UseLiteOptions>();
    expectTypeOf<UniversalSentenceEncoderLite>().toExtend<SentenceEncoder>();
    expect(new FirthUseEmbeddings({ backend: { backend: 'cpu' } })).toBeInstanceOf(FirthUseEmbeddings);
  });
});
