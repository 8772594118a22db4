import { describe, expect, it } from 'vitest';
import { wordVectorTools } from './word-vectors.js';

describe('word vector tools', () => {
  const [similar, analogy, similarity, odd] = wordVectorTools();
  it("answers the course's analogy and similarity questions on GloVe", async () => {
    expect(JSON.parse(await analogy!.invoke({ a: 'man', b: 'king', c: 'woman' })).answers[0].word).toBe(
      'queen',
    );
    expect(
      JSON.parse(await similar!.invoke({ word: 'paris', topn: 3 })).similar.map((s: any) => s.word),
    ).toContain('france');
    expect(
      JSON.parse(await similarity!.invoke({ word1: 'king', word2: 'queen' })).similarity,
    ).toBeGreaterThan(0.7);
    expect(
      JSON.parse(await odd!.invoke({ words: ['breakfast', 'cereal', 'dinner', 'lunch'] })).oddOneOut,
    ).toBe('cereal');
  });
  it('lists out-of-vocabulary words in the error', async () => {
    await expect(similarity!.invoke({ word1: 'king', word2: 'qqqzzz' })).rejects.toThrow(/qqqzzz/);
    await expect(analogy!.invoke({ a: 'man', b: '', c: 'woman' })).rejects.toThrow(/b/);
  });
});
