import { ValidationError } from '@firth/numeric';
import { describe, expect, it } from 'vitest';
import { deaccent, ENGLISH_STOP_WORDS, simplePreprocess, tokenize } from './tokenizer.js';

describe('tokenize (scikit-learn word analyzer)', () => {
  it.each([
    ["The cat sat on the mat, didn't it?", {}, ['the', 'cat', 'sat', 'on', 'the', 'mat', 'didn', 'it']],
    ['The cat sat on the mat', { stopWords: 'english' as const }, ['cat', 'sat', 'mat']],
    ['Is this the first document?', { stopWords: 'english' as const }, ['document']],
    ['A B cd', { tokenPattern: /\b\w+\b/g }, ['a', 'b', 'cd']],
    ['Keep CASE here', { lowercase: false }, ['Keep', 'CASE', 'here']],
    ['tf-idf vs. BoW (2013)', {}, ['tf', 'idf', 'vs', 'bow', '2013']],
    ['ΟΔΟΣ cafe\u0301 ＡＢＣ', {}, ['οδος', 'cafe', 'ａｂｃ']],
    ['price_tag x1 42', { stopWords: ['x1'] }, ['price_tag', '42']],
    ['aa1 bb2 cc', { tokenPattern: /([a-z]+)\d/g }, ['aa', 'bb']],
  ])('%s %j', (text, options, expected) => {
    expect(tokenize(text, options)).toEqual(expected);
  });

  it('carries sklearn’s 318 English stop words, quirks included', () => {
    expect(ENGLISH_STOP_WORDS.size).toBe(318);
    for (const w of ['the', 'amoungst', 'thick', 'whereafter']) expect(ENGLISH_STOP_WORDS.has(w)).toBe(true);
    expect(ENGLISH_STOP_WORDS.has('king')).toBe(false);
  });

  it('refuses bad input, naming it', () => {
    expect(() => tokenize(42 as unknown as string)).toThrow('text must be a string, got 42');
    expect(() => tokenize('a b', { stopWords: 'french' as 'english' })).toThrow(/got the string "french"/);
    expect(() => tokenize('a b', { tokenPattern: /(a)(b)/ })).toThrow(ValidationError);
    expect(() => tokenize('a b', { tokenPattern: '\\w+' as unknown as RegExp })).toThrow(/must be a RegExp/);
    expect(() => tokenize('x', { stopWords: ['ok', 3 as unknown as string] })).toThrow(/stopWords\[1\]/);
  });
});

describe('simplePreprocess (gensim)', () => {
  it('lowercases, keeps letter runs of 2..15 characters, drops leading underscores', () => {
    expect(simplePreprocess('Hello World! 3 cats, 2 dogs_ and _x_files')).toEqual([
      'hello',
      'world',
      'cats',
      'dogs_',
      'and',
    ]);
    expect(simplePreprocess('At about 4:00pm AEDT')).toEqual(['at', 'about', 'pm', 'aedt']);
    expect(simplePreprocess('I a supercalifragilistic x²')).toEqual(['x²']);
    expect(simplePreprocess('I a bc', { minLen: 1, maxLen: 1 })).toEqual(['i', 'a']);
  });

  it('counts length in code points, as Python does', () => {
    expect(simplePreprocess('𝔘𝔫 𝔘', { minLen: 2, maxLen: 2 })).toEqual(['𝔘𝔫']);
  });

  it('deacc strips accents (gensim’s own example)', () => {
    expect(deaccent('Šéf chomutovských komunistů dostal poštou bílý prášek')).toBe(
      'Sef chomutovskych komunistu dostal postou bily prasek',
    );
    expect(simplePreprocess('Café RÉSUMÉ', { deacc: true })).toEqual(['cafe', 'resume']);
    expect(simplePreprocess('Café RÉSUMÉ')).toEqual(['café', 'résumé']);
  });

  it('refuses non-strings and bad lengths', () => {
    expect(() => simplePreprocess(null as unknown as string)).toThrow(/text must be a string, got null/);
    expect(() => simplePreprocess('ab', { minLen: Number.NaN })).toThrow(/minLen must be a number/);
  });
});
