/**
 * CountVectorizer, TfidfVectorizer, the word analyzer, simplePreprocess and numpyArgsort against
 * scikit-learn 1.2.1 / gensim 4.2 / NumPy 1.24 themselves. `fixtures/sklearn-text.json` is written by
 *   /usr/bin/python3 packages/embeddings/fixtures/generate_sklearn_text.py
 * Each case fits on a named text, compares feature names, pruned terms, idf and both fitTransform
 * and transform (as CSR) to 1e-12, or checks that we refuse what sklearn refused.
 */
import { readFileSync } from 'node:fs';
import { ValidationError } from '@firth/numeric';
import { describe, expect, it } from 'vitest';
import { CountVectorizer, type CountVectorizerOptions, type CsrMatrix, toDense } from './bag-of-words.js';
import { numpyArgsort } from './numpy-argsort.js';
import { TfidfVectorizer, type TfidfVectorizerOptions } from './tfidf.js';
import { type SimplePreprocessOptions, simplePreprocess, tokenize } from './tokenizer.js';

type JsonOptions = Omit<TfidfVectorizerOptions, 'tokenPattern'> & {
  tokenPattern?: { source: string; flags: string };
};
interface Case {
  name: string;
  vectorizer: 'count' | 'tfidf';
  text: string;
  options: JsonOptions;
  error?: string;
  expected?: {
    featureNames: string[];
    prunedTerms: string[];
    idf: number[] | null;
    fitTransform: CsrMatrix;
    transform: CsrMatrix;
  };
}
interface Fixture {
  sklearn: string;
  texts: Record<string, { fit: string[]; transform: string[] }>;
  cases: Case[];
  analyzer: Record<string, { documents: string[]; default: string[][]; english: string[][] }>;
  simplePreprocess: {
    documents: string[];
    cases: { options: SimplePreprocessOptions; tokens: string[][] }[];
  };
  argsort: { values: number[]; order: number[] }[];
}

const fixture = JSON.parse(
  readFileSync(new URL('../fixtures/sklearn-text.json', import.meta.url), 'utf8'),
) as Fixture;

const TOL = 1e-12;

function options(o: JsonOptions): TfidfVectorizerOptions {
  const { tokenPattern, ...rest } = o;
  return tokenPattern ? { ...rest, tokenPattern: new RegExp(tokenPattern.source, tokenPattern.flags) } : rest;
}

function expectCsr(actual: CsrMatrix, expected: CsrMatrix, what: string) {
  expect(actual.shape, `${what} shape`).toEqual(expected.shape);
  expect(actual.indptr, `${what} indptr`).toEqual(expected.indptr);
  // toEqual on long arrays is slow; compare as one string first, diff only on failure
  if (actual.indices.join() !== expected.indices.join())
    expect(actual.indices, `${what} indices`).toEqual(expected.indices);
  let worst = 0;
  let at = -1;
  actual.data.forEach((v, k) => {
    const d = Math.abs(v - expected.data[k]!);
    if (!(d <= worst)) [worst, at] = [d, k];
  });
  expect(worst, `${what} data[${at}]: ${actual.data[at]} vs ${expected.data[at]}`).toBeLessThanOrEqual(TOL);
}

describe(`CountVectorizer and TfidfVectorizer equal scikit-learn ${fixture.sklearn}`, () => {
  it.each(fixture.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const text = fixture.texts[c.text]!;
    const make = () =>
      c.vectorizer === 'count'
        ? new CountVectorizer(options(c.options) as CountVectorizerOptions)
        : new TfidfVectorizer(options(c.options));
    if (c.error !== undefined) {
      expect(() => make().fit(text.fit)).toThrow(ValidationError);
      const keyword = c.error.startsWith('empty vocabulary')
        ? /empty vocabulary/
        : c.error.startsWith('After pruning')
          ? /no terms remain/
          : /fewer than minDf/;
      expect(() => make().fit(text.fit)).toThrow(keyword);
      return;
    }
    const e = c.expected!;
    const v = make();
    expectCsr(v.fitTransformSparse(text.fit), e.fitTransform, 'fitTransform');
    expect(v.getFeatureNamesOut()).toEqual(e.featureNames);
    expect(v.prunedTerms).toEqual(e.prunedTerms);
    if (v instanceof TfidfVectorizer) {
      if (e.idf === null) expect(v.idf).toBeNull();
      else
        v.idf!.forEach((x, j) => {
          expect(Math.abs(x - e.idf![j]!)).toBeLessThanOrEqual(TOL);
        });
    }
    expectCsr(v.transformSparse(text.transform), e.transform, 'transform');
    // fit() then transform() gives what fitTransform gave; a JSON round trip keeps it
    const again = make().fit(text.fit);
    expectCsr(again.transformSparse(text.fit), e.fitTransform, 'fit + transform');
    const restored =
      v instanceof TfidfVectorizer
        ? TfidfVectorizer.fromJSON(JSON.stringify(v.toJSON()))
        : CountVectorizer.fromJSON(JSON.stringify(v.toJSON()));
    expectCsr(restored.transformSparse(text.transform), e.transform, 'transform after fromJSON');
    expect(v.transform(text.transform)).toEqual(toDense(v.transformSparse(text.transform)));
  });
});

describe('tokenize equals CountVectorizer().build_analyzer()', () => {
  it.each(Object.entries(fixture.analyzer))('%s', (_name, a) => {
    a.documents.forEach((doc, i) => {
      expect(tokenize(doc), `default, document ${i}`).toEqual(a.default[i]);
      expect(tokenize(doc, { stopWords: 'english' }), `english, document ${i}`).toEqual(a.english[i]);
    });
  });
});

describe('simplePreprocess equals gensim.utils.simple_preprocess', () => {
  it.each(fixture.simplePreprocess.cases.map((c) => [JSON.stringify(c.options), c] as const))(
    '%s',
    (_n, c) => {
      fixture.simplePreprocess.documents.forEach((doc, i) => {
        expect(simplePreprocess(doc, c.options), `document ${i}: ${doc.slice(0, 40)}`).toEqual(c.tokens[i]);
      });
    },
  );
});

describe('numpyArgsort equals np.argsort (quicksort) tie for tie', () => {
  it('on 26 integer arrays full of ties, lengths 0 to 3000', () => {
    for (const { values, order } of fixture.argsort) expect(numpyArgsort(values)).toEqual(order);
  });
});
