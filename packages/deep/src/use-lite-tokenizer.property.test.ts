/**
 * The USE-lite tokenizer against the one it reimplements (@tensorflow-models/universal-sentence-
 * encoder 1.3.3's Tokenizer), id for id, on random text — any code point, lone surrogates, ZWJ
 * sequences, bidi controls, combining marks, NUL, the boundary marker "▁" — drawn by fast-check with
 * a fixed seed. The forward Viterbi pass (relaxing from each start) must pick exactly the path of
 * the reference's backward lattice, quirks included.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Tokenizer } from '@tensorflow-models/universal-sentence-encoder/dist/tokenizer/index.js';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { findUseLiteDir } from './use-lite.js';
import { UnigramTokenizer, type VocabularyEntry } from './use-lite-tokenizer.js';

const vocab = JSON.parse(readFileSync(join(findUseLiteDir(), 'vocab.json'), 'utf8')) as VocabularyEntry[];
const ours = new UnigramTokenizer(vocab);
const reference = new Tokenizer(vocab as [string, number][]);

const pieces = fc.constantFrom(
  ' ',
  '  ',
  '\t',
  '\n',
  '\u2581',
  '\u200D',
  '👩‍👩‍👧',
  '\u202E',
  'e\u0301',
  '\u0000',
  '\uD800',
  '\uDFFF',
  'ﬁ',
  '：',
  '日本',
  'the',
  ' cat',
  '://',
  ':)',
  '”5',
  'ing',
);
const text = fc
  .array(fc.oneof(fc.string({ unit: 'binary', maxLength: 6 }), fc.string({ maxLength: 8 }), pieces), {
    maxLength: 30,
  })
  .map((parts) => parts.join(''));

describe('UnigramTokenizer = the reference Tokenizer, on random text', () => {
  test('same ids, every id inside the vocabulary', () => {
    fc.assert(
      fc.property(text, (s) => {
        const ids = ours.encode(s);
        expect(ids).toEqual(reference.encode(s));
        for (const id of ids) expect(id >= 0 && id < vocab.length).toBe(true);
      }),
      { seed: 20261206, numRuns: 1000 },
    );
  });
});
