import { describe, expect, it } from 'vitest';
import { TfidfVectorizer } from './tfidf.js';

describe('TfidfVectorizer', () => {
  it('idf = ln((1 + n) / (1 + df)) + 1, rows of unit length', () => {
    const tv = new TfidfVectorizer();
    const X = tv.fitTransform(['the cat sat', 'the dog sat']);
    expect(tv.getFeatureNamesOut()).toEqual(['cat', 'dog', 'sat', 'the']);
    const idfCat = Math.log(3 / 2) + 1; // 1.4054651081081644
    expect(tv.idf).toEqual([idfCat, idfCat, 1, 1]);
    const norm = Math.sqrt(idfCat ** 2 + 2);
    expect(X[0]![0]).toBeCloseTo(0.704909, 6);
    expect(X[0]).toEqual([idfCat / norm, 0, 1 / norm, 1 / norm]);
    expect(X.map((r) => Math.hypot(...r))).toEqual([1, 1].map((v) => expect.closeTo(v, 15)));
  });

  it('smoothIdf false, sublinearTf, l1 norm, no idf', () => {
    const docs = ['aa aa aa bb', 'bb cc'];
    const raw = new TfidfVectorizer({ smoothIdf: false, norm: null }).fit(docs);
    expect(raw.idf).toEqual([Math.log(2) + 1, 1, Math.log(2) + 1]);
    const sub = new TfidfVectorizer({ sublinearTf: true, useIdf: false, norm: 'l1' }).fitTransform(docs);
    const tf = 1 + Math.log(3);
    expect(sub[0]).toEqual([tf / (tf + 1), 1 / (tf + 1), 0]);
    expect(new TfidfVectorizer({ useIdf: false }).fit(docs).idf).toBeNull();
  });

  it('a term in every document keeps weight (idf = 1), not zero', () => {
    expect(new TfidfVectorizer({ norm: null }).fitTransform(['aa', 'aa'])).toEqual([[1], [1]]);
  });

  it('round-trips through JSON', () => {
    const tv = new TfidfVectorizer({ sublinearTf: true, ngramRange: [1, 2] }).fit([
      'aa bb aa',
      'bb cc',
      'cc cc',
    ]);
    const back = TfidfVectorizer.fromJSON(tv.toJSON());
    expect(back.transform(['aa bb cc dd'])).toEqual(tv.transform(['aa bb cc dd']));
    expect(() => TfidfVectorizer.fromJSON({ ...tv.toJSON(), idf: [1] })).toThrow(/model.idf/);
  });

  it('bad input', () => {
    expect(() => new TfidfVectorizer().transform(['aa'])).toThrow(/not fitted yet/);
    // sklearn too: a fixed vocabulary still needs fit() for the idf
    expect(() => new TfidfVectorizer({ vocabulary: ['aa'] }).transform(['aa'])).toThrow(/not fitted yet/);
    expect(() => new TfidfVectorizer({ norm: 'l3' as 'l2' })).toThrow(
      /norm must be 'l2', 'l1' or null, got "l3"/,
    );
    expect(() => new TfidfVectorizer().fit([])).toThrow(/rawDocuments is empty/);
    expect(() => new TfidfVectorizer().fit(['ok', undefined as unknown as string])).toThrow(
      /rawDocuments\[1\]/,
    );
    expect(() => new TfidfVectorizer({ stopWords: 'english' }).fit(['the'])).toThrow(/empty vocabulary/);
  });
});
