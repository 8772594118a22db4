import { loadTinyBert, MONEY_BANK, RIVER_BANK } from '@firth/transformers';
import { MemoryVectorStore } from '@langchain/classic/vectorstores/memory';
import { Document } from '@langchain/core/documents';
import { describe, expect, it } from 'vitest';
import { FirthBertEmbeddings } from './firth-bert-embeddings.js';

const dot = (a: number[], b: number[]) => a.reduce((s, v, i) => s + v * b[i]!, 0);
const norm = (a: number[]) => Math.sqrt(dot(a, a));

describe('FirthBertEmbeddings', () => {
  it('embeds with the shipped tiny BERT: 128 numbers, unit length, the same text the same vector', async () => {
    const embeddings = new FirthBertEmbeddings();
    const [river, money] = await embeddings.embedDocuments([RIVER_BANK, MONEY_BANK]);
    expect(river).toHaveLength(128);
    expect(money).toHaveLength(128);
    expect(norm(river!)).toBeCloseTo(1, 12);
    expect(await embeddings.embedQuery(RIVER_BANK)).toEqual(river);
    expect(await new FirthBertEmbeddings().embedQuery(RIVER_BANK)).toEqual(river);
    expect(dot(river!, money!)).toBeLessThan(1 - 1e-6);
  });

  it("is the mean of BERT's token vectors ([CLS] and [SEP] included), or the [CLS] vector", async () => {
    const { bert, tokenizer } = await loadTinyBert();
    const { vectors } = bert.embed(tokenizer, MONEY_BANK);
    const mean = vectors[0]!.map((_, j) => vectors.reduce((s, v) => s + v[j]!, 0) / vectors.length);
    const raw = await new FirthBertEmbeddings({ normalize: false }).embedQuery(MONEY_BANK);
    for (const [j, v] of mean.entries()) expect(raw[j]).toBeCloseTo(v, 12);
    const cls = await new FirthBertEmbeddings({ pooling: 'cls', normalize: false }).embedQuery(MONEY_BANK);
    expect(cls).toEqual(vectors[0]);
    const unitCls = await new FirthBertEmbeddings({ pooling: 'cls' }).embedQuery(MONEY_BANK);
    for (const [j, v] of vectors[0]!.entries()) expect(unitCls[j]).toBeCloseTo(v / norm(vectors[0]!), 12);
  });

  it('uses any BERT and tokenizer handed to it', async () => {
    const { bert, tokenizer } = await loadTinyBert();
    const e = new FirthBertEmbeddings({ model: { bert, tokenizer } });
    expect(await e.embedQuery('a charming film')).toEqual(
      await new FirthBertEmbeddings().embedQuery('a charming film'),
    );
  });

  it('cuts texts longer than 64 tokens instead of failing', async () => {
    const v = await new FirthBertEmbeddings().embedQuery('the bank of the river . '.repeat(40));
    expect(v).toHaveLength(128);
    expect(v.every(Number.isFinite)).toBe(true);
  });

  it('names bad input', async () => {
    const e = new FirthBertEmbeddings();
    await expect(e.embedQuery('')).rejects.toThrow(
      'the query is empty: BERT needs at least one token to embed',
    );
    await expect(e.embedDocuments(['fine', '   '])).rejects.toThrow(
      'document 1 is empty: BERT needs at least one token to embed',
    );
    expect(() => new FirthBertEmbeddings({ pooling: 'max' as never })).toThrow(
      'pooling must be "mean" or "cls", got "max"',
    );
  });

  // Needs the trained model (an untrained BERT's vectors do not group sentences by meaning).
  it('plugs into a LangChain vector store: a money question finds the money sentence', async () => {
    const store = await MemoryVectorStore.fromDocuments(
      [
        new Document({ pageContent: RIVER_BANK, metadata: { id: 'river' } }),
        new Document({ pageContent: MONEY_BANK, metadata: { id: 'money' } }),
      ],
      new FirthBertEmbeddings(),
    );
    const results = await store.similaritySearchWithScore('she went to the bank to deposit her money .', 2);
    expect(results).toHaveLength(2);
    expect(results[0]![0].metadata.id).toBe('money');
    expect(results[0]![1]).toBeGreaterThanOrEqual(results[1]![1]);
  });
});
