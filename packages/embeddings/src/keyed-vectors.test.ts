import { readFileSync } from 'node:fs';
import { dataPath } from '@firth/datasets';
import { ValidationError } from '@firth/numeric';
import { beforeAll, describe, expect, it } from 'vitest';
import { FAKE_WORD_VECTORS } from './course-vectors.js';
import { answerAnalogy, averageRanks, pearson, spearman } from './evaluation.js';
import { KeyError, KeyedVectors, topK } from './keyed-vectors.js';
import { loadVectors } from './vector-formats.js';

/** gensim 4.2 on the same files: fixtures/generate_gensim_eval.py. */
interface GensimEval {
  fake: { similarity: Record<string, number>; kingManWoman: [string, number][]; doesntMatch: string };
  glove20k: {
    length: number;
    similarity: Record<string, number>;
    mostSimilar: Record<string, [string, number][]>;
    mostSimilarCosmul: Record<string, [string, number][]>;
    doesntMatch: Record<string, string>;
    analogies: {
      restrictVocab: number;
      score: number;
      sections: { section: string; correct: number; incorrect: number }[];
    }[];
    wordPairs: { file: string; restrictVocab: number; pearson: number; spearman: number; oovRatio: number }[];
  };
}
const gensim = JSON.parse(
  readFileSync(new URL('../fixtures/gensim-eval.json', import.meta.url), 'utf8'),
) as GensimEval;

function expectSims(actual: [string, number][], expected: [string, number][]) {
  expect(actual.map(([w]) => w)).toEqual(expected.map(([w]) => w));
  actual.forEach(([, s], i) => {
    expect(s).toBeCloseTo((expected[i] as [string, number])[1], 6);
  });
}

describe('the course: "Experimenting with Fake Embeddings" (3-D)', () => {
  // the seed's "# Fake word vectors (3D for simplicity)" cell, kept once in course-vectors.ts
  const kv = KeyedVectors.fromObject(FAKE_WORD_VECTORS);

  it('prints the cosine similarities sklearn prints', () => {
    // Similarity(king, queen): 0.9995995…  Similarity(man, woman): 0.9993998…  Similarity(king, apple): 0.5514092…
    expect(kv.similarity('king', 'queen')).toBeCloseTo(0.9995995265529729, 6);
    expect(kv.similarity('man', 'woman')).toBeCloseTo(0.9993998102860001, 6);
    expect(kv.similarity('king', 'apple')).toBeCloseTo(0.5514092058274782, 6);
    for (const [pair, value] of Object.entries(gensim.fake.similarity)) {
      const [a, b] = pair.split(',') as [string, string];
      expect(kv.similarity(a, b)).toBeCloseTo(value, 6);
    }
    expect(kv.distance('king', 'queen')).toBeCloseTo(1 - 0.9995995265529729, 6);
  });

  it('king − man + woman is queen, as in gensim', () => {
    expectSims(
      kv.mostSimilar({ positive: ['king', 'woman'], negative: ['man'], topn: 2 }),
      gensim.fake.kingManWoman,
    );
    expect(kv.doesntMatch(['king', 'queen', 'man', 'woman', 'apple'])).toBe(gensim.fake.doesntMatch);
  });

  it('names every unknown word', () => {
    expect(() => kv.get('prince')).toThrow(KeyError);
    expect(() => kv.get('prince')).toThrow('Key "prince" not present in vocabulary');
    expect(() => kv.mostSimilar({ positive: ['prince', 'king'], negative: ['duke'] })).toThrow(
      'Keys not present in vocabulary: "prince", "duke"',
    );
    expect(() => kv.get('prince')).toThrow(ValidationError);
  });

  it('accepts vectors and weighted keys as queries', () => {
    const king = kv.get('king');
    expect(kv.similarByVector(king, 1)[0]?.[0]).toBe('king'); // a raw vector excludes nothing
    const weighted = kv.mostSimilar({
      positive: [
        ['king', 1],
        ['woman', 1],
      ],
      negative: [['man', -1]],
      topn: 2,
    });
    expectSims(weighted, gensim.fake.kingManWoman);
    expect(kv.mostSimilar({ positive: 'king', topn: 1 })[0]?.[0]).toBe('queen');
    expect(kv.mostSimilar('king', 1)).toEqual(kv.mostSimilar({ positive: ['king'], topn: 1 }));
    expect(kv.mostSimilar({ positive: [0.8, 0.65, 0.1], topn: 1 })[0]?.[0]).toBe('king');
    expect(kv.mostSimilar({ positive: 'king', topn: 0 })).toEqual([]);
  });

  it('get returns a copy; unit vectors have length 1; JSON round trip', () => {
    const v = kv.get('king');
    v[0] = 99;
    expect(kv.get('king')[0]).toBeCloseTo(0.8, 6);
    expect(Math.hypot(...kv.get('apple', { norm: true }))).toBeCloseTo(1, 6);
    const back = KeyedVectors.fromJSON(JSON.parse(JSON.stringify(kv)));
    expect(back.indexToKey).toEqual(kv.indexToKey);
    expect(back.vectors).toEqual(kv.vectors);
    expect(back.length).toBe(5);
    expect(back.getIndex('apple')).toBe(4);
  });

  it('mean vectors, n_similarity, most_similar_to_given, rank', () => {
    const mean = kv.getMeanVector(['king', 'queen'], { preNormalize: false });
    expect(mean[0]).toBeCloseTo(0.79, 6);
    expect(kv.nSimilarity(['king'], ['queen'])).toBeCloseTo(kv.similarity('king', 'queen'), 6);
    expect(kv.mostSimilarToGiven('king', ['apple', 'woman', 'queen'])).toBe('queen');
    expect(kv.rank('king', 'queen')).toBe(1);
    expect(kv.closerThan('king', 'man')).toEqual(['queen', 'woman']);
  });

  it('rejects a table that does not fit its keys', () => {
    expect(() => new KeyedVectors(['a', 'b'], new Float32Array(5), 3)).toThrow(
      'vectors has 5 values, expected 2 keys × 3 = 6',
    );
    expect(() => new KeyedVectors(['a', 'a'], new Float32Array(2), 1)).toThrow('duplicate key "a"');
  });
});

describe('statistics', () => {
  it("average ranks for ties, Pearson and Spearman (scipy's values)", () => {
    expect(averageRanks([10, 20, 20, 5])).toEqual([2, 3.5, 3.5, 1]);
    // scipy.stats.pearsonr([1,2,3,4,5],[2,1,4,3,5]) = 0.8; spearmanr([1,2,2,3],[1,3,2,4]) = 0.9486832980505138
    expect(pearson([1, 2, 3, 4, 5], [2, 1, 4, 3, 5])).toBeCloseTo(0.8, 12);
    expect(spearman([1, 2, 2, 3], [1, 3, 2, 4])).toBeCloseTo(0.9486832980505138, 12);
    expect(topK([0.1, 0.9, 0.5, 0.7], 2)).toEqual([1, 3]);
  });
});

describe('GloVe 6B 100d, the 20,000 shipped words, against gensim 4.2', () => {
  let kv: KeyedVectors;
  beforeAll(async () => {
    kv = await loadVectors(dataPath('models/glove-6B-100d-top20k/glove.6B.100d.top20k.txt'));
  });
  const g = gensim.glove20k;

  it('similarities and nearest words', () => {
    expect(kv.length).toBe(g.length);
    for (const [pair, value] of Object.entries(g.similarity)) {
      const [a, b] = pair.split(',') as [string, string];
      expect(kv.similarity(a, b)).toBeCloseTo(value, 6);
    }
    expectSims(kv.mostSimilar({ positive: ['king'], topn: 5 }), g.mostSimilar.king as [string, number][]);
    expectSims(kv.similarByKey('computer', 5), g.mostSimilar.computer as [string, number][]);
    expectSims(kv.similarByKey('king', 5, 1000), g.mostSimilar['restrict1000:king'] as [string, number][]);
  });

  it('king − man + woman ≈ queen (top-1, 0.7699)', () => {
    const result = kv.mostSimilar({ positive: ['woman', 'king'], negative: ['man'], topn: 5 });
    expect(result[0]?.[0]).toBe('queen');
    expect(result[0]?.[1]).toBeCloseTo(0.7699, 4);
    expectSims(result, g.mostSimilar['king-man+woman'] as [string, number][]);
    expectSims(
      kv.mostSimilar({ positive: ['paris', 'italy'], negative: ['france'], topn: 3 }),
      g.mostSimilar['paris-france+italy'] as [string, number][],
    );
    expectSims(
      kv.mostSimilarCosmul({ positive: ['woman', 'king'], negative: ['man'], topn: 5 }),
      g.mostSimilarCosmul['king-man+woman'] as [string, number][],
    );
  });

  it("doesntMatch(['breakfast', 'cereal', 'dinner', 'lunch']) is 'cereal', as in gensim's docs", () => {
    expect(kv.doesntMatch(['breakfast', 'cereal', 'dinner', 'lunch'])).toBe('cereal');
    expect(g.doesntMatch['breakfast cereal dinner lunch']).toBe('cereal');
  });

  it('evaluateWordAnalogies on questions-words.txt: the same correct/incorrect counts in every section', () => {
    for (const expected of g.analogies) {
      const result = kv.evaluateWordAnalogies(dataPath('data/evaluation/questions-words.txt'), {
        restrictVocab: expected.restrictVocab,
      });
      expect(result.sections).toEqual(expected.sections);
      expect(result.score).toBe(expected.score);
    }
    // restrictVocab 30000 (all 20,000 words): 8356 / 12363 = 67.59 %; 36.7 % of questions skipped.
  });

  it("answerAnalogy says which answers are correct: its verdicts add up to gensim's section counts", () => {
    const course = answerAnalogy(kv, { a: 'man', b: 'king', c: 'woman', expected: 'queen' }, { topn: 3 });
    expect(course).toMatchObject({ analogy: 'man : king :: woman : ?', answer: 'queen', expected: 'queen' });
    expect(course.correct).toBe(true);
    expect(course.answers.map((x) => x.word)).toEqual(
      kv.mostSimilar({ positive: ['king', 'woman'], negative: ['man'], topn: 3 }).map(([w]) => w),
    );
    // 3CosAdd's known miss: boy : girl :: brother : daughter (not sister)
    const miss = answerAnalogy(kv, { a: 'boy', b: 'girl', c: 'brother', expected: 'sister' });
    expect(miss).toMatchObject({ answer: 'daughter', correct: false });
    expect(answerAnalogy(kv, { a: 'man', b: 'king', c: 'woman', expected: 'QUEEN' }).correct).toBe(true);
    expect(
      answerAnalogy(kv, { a: 'man', b: 'king', c: 'woman', expected: 'QUEEN' }, { caseInsensitive: false })
        .correct,
    ).toBe(false);
    expect('correct' in answerAnalogy(kv, { a: 'man', b: 'king', c: 'woman' })).toBe(false);

    // every question of "capital-common-countries" (all words among the 20,000): gensim counts
    // correct/incorrect over the whole vocabulary (restrictVocab 30000) with the same 3CosAdd
    const lines = readFileSync(dataPath('data/evaluation/questions-words.txt'), 'utf8').split('\n');
    const section = lines.slice(
      1,
      lines.findIndex((l, i) => i > 0 && l.startsWith(': ')),
    );
    const verdicts = section.map((line) => {
      const [a, b, c, expected] = line.toLowerCase().split(' ') as [string, string, string, string];
      return answerAnalogy(kv, { a, b, c, expected }).correct;
    });
    const gensimCounts = g.analogies.find((x) => x.restrictVocab === 30000)!.sections[0]!;
    expect(gensimCounts.section).toBe('capital-common-countries');
    expect(verdicts.filter((v) => v === true).length).toBe(gensimCounts.correct);
    expect(verdicts.filter((v) => v === false).length).toBe(gensimCounts.incorrect);
  });

  it('evaluateWordPairs on WordSim-353 and SimLex-999: Pearson, Spearman, OOV ratio to 1e-6', () => {
    for (const expected of g.wordPairs) {
      const result = kv.evaluateWordPairs(dataPath(`data/evaluation/${expected.file}`), {
        restrictVocab: expected.restrictVocab,
        dummy4unknown: expected.file === 'simlex999.txt' && expected.restrictVocab === 2000,
      });
      expect(result.pearson).toBeCloseTo(expected.pearson, 6);
      expect(result.spearman).toBeCloseTo(expected.spearman, 6);
      expect(result.oovRatio).toBeCloseTo(expected.oovRatio, 9);
    }
  });
});
