/**
 * TF-IDF — term frequency × inverse document frequency, the course's other pre-2013
 * representation ("Traditional models like Bag-of-Words (BoW) or TF-IDF"). One idea added to
 * `CountVectorizer`: a term that occurs in every document says little about any one of them, so
 * each count is weighted by how rare the term is across the corpus, and each row is normalised.
 *
 * scikit-learn 1.2.1's `TfidfVectorizer` (= `CountVectorizer` + `TfidfTransformer`), with its
 * defaults and its exact numbers:
 *
 *   tf(t, d)  = count of t in d                 (sublinearTf: 1 + ln count)
 *   idf(t)    = ln((1 + n) / (1 + df(t))) + 1   (smoothIdf, the default: as if one extra document held every term once)
 *   idf(t)    = ln(n / df(t)) + 1               (smoothIdf: false)
 *   x(t, d)   = tf(t, d) · idf(t), then each row divided by its L2 (or L1) norm
 *
 * The "+ 1" keeps terms that occur in every document (idf = 1, not 0) instead of erasing them.
 *
 *   const tv = new TfidfVectorizer();
 *   tv.fitTransform(['the cat sat', 'the dog sat']);
 *   // columns ['cat', 'dog', 'sat', 'the'];  idf = [1.405…, 1.405…, 1, 1]
 *   // [[0.7049…, 0, 0.5015…, 0.5015…], [0, 0.7049…, 0.5015…, 0.5015…]]
 */
import { ValidationError } from '@firth/numeric';
import {
  CountVectorizer,
  type CountVectorizerJSON,
  type CountVectorizerOptions,
  type CsrMatrix,
  parseVectorizerJSON,
  type ResolvedCountOptions,
  serializeOptions,
  toDense,
} from './bag-of-words.js';

export interface TfidfVectorizerOptions extends CountVectorizerOptions {
  /** Row normalisation: 'l2' (unit length, so dot product = cosine), 'l1' (entries sum to 1 in absolute value) or null. @default 'l2' */
  norm?: 'l2' | 'l1' | null;
  /** Weight counts by idf. @default true — false leaves (normalised) term frequencies */
  useIdf?: boolean;
  /** Add one to every document frequency and to n, preventing division by zero. @default true */
  smoothIdf?: boolean;
  /** Replace tf by 1 + ln(tf): the 10th occurrence of a word matters less than the first. @default false */
  sublinearTf?: boolean;
}

export interface ResolvedTfidfOptions extends ResolvedCountOptions {
  norm: 'l2' | 'l1' | null;
  useIdf: boolean;
  smoothIdf: boolean;
  sublinearTf: boolean;
}

/** The serialised form of a fitted `TfidfVectorizer` (`toJSON` / `fromJSON`). */
export interface TfidfVectorizerJSON extends CountVectorizerJSON {
  type: 'firth.TfidfVectorizer';
  options: Omit<ResolvedTfidfOptions, 'tokenPattern'> & { tokenPattern: { source: string; flags: string } };
  idf: number[] | null;
}

export class TfidfVectorizer extends CountVectorizer {
  declare readonly options: ResolvedTfidfOptions;

  /** idf(t) per column (`idf_`); null when useIdf is false. */
  idf: number[] | null = null;
  private isFitted = false;

  /**
   * new TfidfVectorizer({ sublinearTf: true, norm: 'l1' })
   */
  constructor(options: TfidfVectorizerOptions = {}) {
    super(options);
    const { norm = 'l2', useIdf = true, smoothIdf = true, sublinearTf = false } = options;
    if (norm !== 'l2' && norm !== 'l1' && norm !== null)
      throw new ValidationError(`norm must be 'l2', 'l1' or null, got ${JSON.stringify(norm)}`, 'norm');
    for (const [key, v] of [
      ['useIdf', useIdf],
      ['smoothIdf', smoothIdf],
      ['sublinearTf', sublinearTf],
    ] as const) {
      if (typeof v !== 'boolean')
        throw new ValidationError(`${key} must be true or false, got ${JSON.stringify(v)}`, key);
    }
    Object.assign(this.options, { norm, useIdf, smoothIdf, sublinearTf });
  }

  /** Learns the vocabulary and the idf of every term. */
  override fit(rawDocuments: readonly string[]): this {
    this.fitTransformSparse(rawDocuments);
    return this;
  }

  override fitTransform(rawDocuments: readonly string[]): number[][] {
    return toDense(this.fitTransformSparse(rawDocuments));
  }

  /** Learns vocabulary and idf, and returns the tf-idf matrix (nDocs, nTerms) in CSR form. */
  override fitTransformSparse(rawDocuments: readonly string[]): CsrMatrix {
    const counts = super.fitTransformSparse(rawDocuments);
    this.idf = null;
    if (this.options.useIdf) {
      const [nDocs, nTerms] = counts.shape;
      // df(t): the number of documents with a non-zero count of t
      const df = new Array<number>(nTerms).fill(0);
      for (const j of counts.indices) df[j]! += 1;
      const smooth = this.options.smoothIdf ? 1 : 0;
      // idf(t) = ln((n + s) / (df(t) + s)) + 1,  s = 1 when smoothing
      this.idf = df.map((d) => Math.log((nDocs + smooth) / (d + smooth)) + 1);
    }
    this.isFitted = true;
    return this.weigh(counts);
  }

  override transform(rawDocuments: readonly string[]): number[][] {
    return toDense(this.transformSparse(rawDocuments));
  }

  /** Tf-idf of new documents with the fitted vocabulary and idf. */
  override transformSparse(rawDocuments: readonly string[]): CsrMatrix {
    if (!this.isFitted)
      throw new ValidationError('this TfidfVectorizer is not fitted yet; call fit() first', 'model');
    return this.weigh(super.transformSparse(rawDocuments));
  }

  /** TfidfTransformer.transform: sublinear tf, × idf, row normalisation — on the stored entries only. */
  private weigh(X: CsrMatrix): CsrMatrix {
    const { sublinearTf, norm } = this.options;
    const idf = this.idf;
    const data = X.data.map((count, k) => {
      // tf = 1 + ln(count) when sublinear
      const tf = sublinearTf ? Math.log(count) + 1 : count;
      return idf ? tf * idf[X.indices[k]!]! : tf;
    });
    if (norm !== null) {
      for (let i = 0; i < X.shape[0]; i++) {
        const start = X.indptr[i]!;
        const end = X.indptr[i + 1]!;
        // ||x||_2 = sqrt(Σ x_j²)  or  ||x||_1 = Σ |x_j|; an all-zero row stays zero
        let s = 0;
        for (let k = start; k < end; k++) s += norm === 'l2' ? data[k]! * data[k]! : Math.abs(data[k]!);
        if (s === 0) continue;
        if (norm === 'l2') s = Math.sqrt(s);
        for (let k = start; k < end; k++) data[k] = data[k]! / s;
      }
    }
    return { indptr: X.indptr, indices: X.indices, data, shape: X.shape };
  }

  override toJSON(): TfidfVectorizerJSON {
    if (!this.isFitted)
      throw new ValidationError('this TfidfVectorizer is not fitted yet; call fit() first', 'model');
    return {
      type: 'firth.TfidfVectorizer',
      version: 1,
      options: serializeOptions(this.options),
      featureNames: this.getFeatureNamesOut(),
      prunedTerms: this.prunedTerms.slice(),
      idf: this.idf ? this.idf.slice() : null,
    };
  }

  /** Rebuilds a fitted vectorizer from `toJSON()` output (object or JSON string). */
  static override fromJSON(json: unknown): TfidfVectorizer {
    const { j, options, vocabulary, prunedTerms } = parseVectorizerJSON(json, 'firth.TfidfVectorizer');
    const model = new TfidfVectorizer(options as TfidfVectorizerOptions);
    if (model.options.useIdf) {
      const idf = j.idf;
      if (
        !Array.isArray(idf) ||
        idf.length !== vocabulary.size ||
        !idf.every((v) => typeof v === 'number' && v >= 1)
      )
        throw new ValidationError(
          `model.idf must hold ${vocabulary.size} numbers ≥ 1, one per feature name`,
          'model.idf',
        );
      model.idf = idf.slice();
    }
    model.vocabulary = vocabulary;
    model.prunedTerms = prunedTerms;
    model.isFitted = true;
    return model;
  }
}
