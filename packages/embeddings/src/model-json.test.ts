import { FormatError } from '@firth/numeric';
import { describe, expect, it } from 'vitest';
import { GloVe } from './glove.js';
import { KeyedVectors } from './keyed-vectors.js';
import { encodeFloats } from './model-json.js';
import { Vocabulary } from './vocabulary.js';
import { Word2Vec } from './word2vec.js';

/** `fn` throws a FormatError whose message contains each of `parts`. */
const refuses = (fn: () => unknown, ...parts: string[]) => {
  let error: unknown = null;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  expect(error, 'accepted').toBeInstanceOf(FormatError);
  for (const p of parts) expect((error as Error).message).toContain(p);
};
const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x));

describe('KeyedVectors.fromJSON checks every field, naming its JSON path', () => {
  const kv = new KeyedVectors(['a', 'b'], Float32Array.from([1, 2, 3, 4]), 2, [5, 3]);
  const json = clone(kv.toJSON());

  it('round-trips (object and JSON text)', () => {
    expect(KeyedVectors.fromJSON(json).vectors).toEqual(kv.vectors);
    expect(KeyedVectors.fromJSON(JSON.stringify(kv)).counts).toEqual([5, 3]);
  });

  it('refuses wrong types, lengths, duplicates and bad JSON text', () => {
    refuses(
      () => KeyedVectors.fromJSON({ ...json, vectors: [1, 2, 3] }),
      'KeyedVectors JSON: $.vectors holds 3 numbers, expected 4 (2 keys × 2)',
    );
    refuses(
      () => KeyedVectors.fromJSON({ ...json, vectors: [1, 2, 'x', 4] }),
      '$.vectors[2] must be a finite number, got the string "x"',
    );
    refuses(() => KeyedVectors.fromJSON({ ...json, keys: ['a', 'a'] }), '$.keys[1] repeats the key "a"');
    refuses(
      () => KeyedVectors.fromJSON({ ...json, vectorSize: 0 }),
      '$.vectorSize must be an integer ≥ 1, got number 0',
    );
    refuses(() => KeyedVectors.fromJSON({ ...json, counts: [1] }), '$.counts holds 1 counts for 2 keys');
    refuses(() => KeyedVectors.fromJSON({ ...json, keys: undefined }), '$.keys is missing');
    refuses(
      () => KeyedVectors.fromJSON('{"keys": ['),
      'KeyedVectors JSON: is not valid JSON: the text ends too early at line 1, column 11',
    );
  });

  it('NaN and ±Infinity (null after JSON.stringify) only with allowNonFinite', () => {
    const nan = clone(new KeyedVectors(['a'], Float32Array.from([Number.NaN, 1]), 2));
    refuses(() => KeyedVectors.fromJSON(nan), '$.vectors[0] must be a finite number, got null');
    expect(KeyedVectors.fromJSON(nan, { allowNonFinite: true }).vectors[0]).toBeNaN();
  });
});

describe('Vocabulary, Word2Vec and GloVe fromJSON', () => {
  const sentences = [
    ['the', 'cat', 'sat', 'on', 'the', 'mat'],
    ['the', 'dog', 'sat', 'on', 'the', 'log'],
  ];
  const w2v = new Word2Vec(sentences, { vectorSize: 3, minCount: 1, epochs: 1, engine: 'reference' });
  const w2vJson = clone(w2v.toJSON());
  const glove = new GloVe(sentences, { vectorSize: 2, window: 2, minCount: 1, epochs: 1 });
  const gloveJson = clone(glove.toJSON());
  const V = w2v.vocabulary!.size;

  it('a vocabulary: counts per word, unique words, checked options', () => {
    const v = w2vJson.vocabulary;
    expect(Vocabulary.fromJSON(JSON.stringify(v)).words).toEqual(w2v.vocabulary!.words);
    refuses(
      () => Vocabulary.fromJSON({ ...v, counts: v.counts.slice(1) }),
      `Vocabulary JSON: $.counts holds ${V - 1} counts for ${V} words`,
    );
    refuses(
      () => Vocabulary.fromJSON({ ...v, words: v.words.map(() => 'x') }),
      '$.words[1] repeats the word "x"',
    );
    refuses(
      () => Vocabulary.fromJSON({ ...v, counts: v.counts.map(() => 0) }),
      '$.counts[0] must be an integer ≥ 1',
    );
    refuses(
      () => Vocabulary.fromJSON({ ...v, options: { ...v.options, sample: -1 } }),
      '$.options.sample sample must be a number ≥ 0',
    );
    refuses(
      () => Vocabulary.fromJSON({ ...v, type: 'Vocab' }),
      'is not a Vocabulary JSON object ($.type must be "Vocabulary", got "Vocab")',
    );
  });

  it('Word2Vec: table sizes from the vocabulary and vectorSize, strict base64, finite values', () => {
    expect(Word2Vec.fromJSON(JSON.stringify(w2vJson)).inputVectors).toEqual(w2v.inputVectors);
    refuses(
      () => Word2Vec.fromJSON({ ...w2vJson, syn0: 'AAAA' }),
      `Word2Vec JSON: $.syn0 holds 3 bytes, expected ${V * 12} (${V * 3} float32 values: ${V} words × 3)`,
    );
    refuses(
      () => Word2Vec.fromJSON({ ...w2vJson, syn0: `${w2vJson.syn0.slice(0, -4)}!!!!` }),
      '$.syn0 must be base64 text',
    );
    const nan = Float32Array.from(w2v.inputVectors);
    nan[4] = Number.POSITIVE_INFINITY;
    refuses(
      () => Word2Vec.fromJSON({ ...w2vJson, syn0: encodeFloats(nan) }),
      '$.syn0 holds Infinity at index 4: weights must be finite',
    );
    expect(
      Word2Vec.fromJSON({ ...w2vJson, syn0: encodeFloats(nan) }, { allowNonFinite: true }).inputVectors[4],
    ).toBe(Infinity);
    refuses(
      () => Word2Vec.fromJSON({ ...w2vJson, syn1neg: null }),
      '$.syn1neg is missing: negative sampling trains it',
    );
    refuses(() => Word2Vec.fromJSON({ ...w2vJson, syn1: w2vJson.syn0 }), '$.syn1 must be null');
    refuses(
      () => Word2Vec.fromJSON({ ...w2vJson, options: { ...w2vJson.options, vectorSize: 0 } }),
      '$.options.vectorSize vectorSize must be an integer ≥ 1',
    );
    refuses(
      () => Word2Vec.fromJSON({ ...w2vJson, vocabulary: { ...w2vJson.vocabulary, totalWords: -1 } }),
      '$.vocabulary.totalWords must be an integer ≥ 0',
    );
    refuses(
      () => Word2Vec.fromJSON({ ...w2vJson, lossCurve: ['x'] }),
      '$.lossCurve[0] must be a finite number, got the string "x"',
    );
    refuses(() => Word2Vec.fromJSON({ type: 'GloVe' }), 'not a Word2Vec JSON object');
  });

  it('GloVe: float64 tables of V × D and V values', () => {
    const n = glove.vocabulary!.size;
    expect(GloVe.fromJSON(gloveJson).wv.vectors).toEqual(glove.wv.vectors);
    refuses(
      () => GloVe.fromJSON({ ...gloveJson, params: { ...gloveJson.params, wordBiases: 'AAAAAAAAAAA=' } }),
      `GloVe JSON: $.params.wordBiases holds 8 bytes, expected ${n * 8} (${n} float64 values: ${n} words)`,
    );
    refuses(
      () => GloVe.fromJSON({ ...gloveJson, params: { ...gloveJson.params, contextVectors: undefined } }),
      '$.params.contextVectors is missing',
    );
    refuses(
      () =>
        GloVe.fromJSON({
          ...gloveJson,
          params: {
            ...gloveJson.params,
            gradsqWords: encodeFloats(new Float64Array(n * 2).fill(Number.NaN)),
          },
        }),
      '$.params.gradsqWords holds NaN at index 0',
    );
  });
});
