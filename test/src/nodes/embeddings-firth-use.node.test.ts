import { NodeOperationError } from 'n8n-workflow';
import { describe, expect, it } from 'vitest';
import { EmbeddingsFirth } from '../../../packages/n8n-nodes-firth/nodes/EmbeddingsFirth/EmbeddingsFirth.node.js';
import { fakeContext } from '../harness/fake-context.js';

type LcEmbeddings = {
  embedDocuments(t: string[]): Promise<number[][]>;
  embedQuery(t: string): Promise<number[]>;
};
const dot = (x: number[], y: number[]) => x.reduce((s, v, k) => s + v * y[k]!, 0);

describe('Embeddings Firth sub-node — Universal Sentence Encoder Lite', () => {
  it('is one of the Vectors options and hides word-vector pooling', () => {
    const props = new EmbeddingsFirth().description.properties;
    const vectors = props.find((p) => p.name === 'vectors')!;
    expect(vectors.options).toContainEqual(
      expect.objectContaining({
        name: expect.stringMatching(/^Universal Sentence Encoder Lite \(512-d, sentences\)$/i),
        value: 'use-lite',
      }),
    );
    const pooling = props.find((p) => p.name === 'pooling')!;
    expect(pooling.displayOptions?.hide?.vectors).toContain('use-lite');
  });

  it('supplies 512-d sentence vectors: paraphrases close, unrelated texts far', async () => {
    const ctx = fakeContext({ items: [], parameters: { vectors: 'use-lite' } });
    const { response } = await new EmbeddingsFirth().supplyData.call(ctx as never, 0);
    const embeddings = response as LcEmbeddings;
    const [love, film, stocks] = await embeddings.embedDocuments([
      'I love this movie',
      'This film is great',
      'Stock markets fell sharply today.',
    ]);
    expect(love).toHaveLength(512);
    expect(dot(love!, love!)).toBeCloseTo(1, 3);
    expect(dot(love!, film!)).toBeCloseTo(0.85, 1);
    expect(dot(love!, film!)).toBeGreaterThan(dot(love!, stocks!) + 0.3);
    const q = await embeddings.embedQuery('I love this movie');
    for (const [k, v] of q.entries()) expect(v).toBeCloseTo(love![k]!, 5);
    const runs = (ctx as unknown as { runs: { type: string }[] }).runs;
    expect(runs.map((r) => r.type)).toEqual(['ai_embedding', 'ai_embedding']);
  });

  it('reports an empty text as a node error', async () => {
    const ctx = fakeContext({ items: [], parameters: { vectors: 'use-lite' } });
    const { response } = await new EmbeddingsFirth().supplyData.call(ctx as never, 0);
    const error = await (response as LcEmbeddings).embedDocuments(['fine', ' ']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NodeOperationError);
    expect((error as Error).message).toMatch(/Text 2 is empty/);
  });
});
