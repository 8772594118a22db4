/**
 * Principal component analysis — the projection TensorFlow's Embedding Projector opens with, and
 * how the course's word vectors are drawn in 2-D or 3-D: centre the vectors, find the directions of
 * largest variance, and give each vector its coordinates along the first k of them.
 *
 * Identical to scikit-learn 1.2.1's `PCA(n_components=k, svd_solver='full')` (Debian's, the
 * project's reference): the same `components_`, `explained_variance_`,
 * `explained_variance_ratio_`, `mean_` and `fit_transform` output, signs included
 * (fixtures/generate_sklearn_pca.py). scikit-learn takes an SVD of the centred data; here the
 * d × d covariance matrix is diagonalised by cyclic Jacobi rotations instead — for word vectors
 * (n words ≫ d dimensions) one pass over the data plus a small eigenproblem: 20,000 × 100 in about
 * 0.1 s. Its eigenvalues are sklearn's S² / (n − 1) and its eigenvectors the rows of Vᵀ.
 *
 * Sign convention: an eigenvector's sign is arbitrary, so it is fixed as scikit-learn 1.2.1's
 * `svd_flip(U, Vt)` fixes it (u-based): for each component, the vector with the largest absolute
 * coordinate along it gets a positive coordinate. (scikit-learn ≥ 1.5 decides from Vᵀ instead,
 * which can flip some axes relative to this.)
 *
 * `firstPrincipalComponent` (document-similarity.ts) is a different thing on purpose: SIF removes
 * the first singular vector of the *uncentred* sentence vectors, as Arora et al.'s TruncatedSVD.
 *
 *   const p = pca([[0.8, 0.65, 0.1], [0.78, 0.66, 0.12], [0.9, 0.1, 0.1], [0.88, 0.12, 0.12], [0.1, 0.8, 0.9]], 2);
 *   p.explainedVarianceRatio // Float64Array [0.8397…, 0.1603…]
 *   p.projected[4]           // Float64Array [0.9194…, -0.1268…] (apple, far from the other four)
 */
import { ValidationError } from '@firth/numeric';

/** Row vectors: an array of rows, or one row-major table (`KeyedVectors.vectors`) with its shape. */
export type PcaInput =
  | readonly ArrayLike<number>[]
  | { readonly data: ArrayLike<number>; readonly rows: number; readonly cols: number };

export interface PcaResult {
  /** The principal axes, k rows of length d, largest variance first (sklearn's `components_`). */
  components: Float64Array[];
  /** The variance along each axis, with n − 1 in the denominator (`explained_variance_`). */
  explainedVariance: Float64Array;
  /** Each axis's share of the total variance (`explained_variance_ratio_`). */
  explainedVarianceRatio: Float64Array;
  /** The mean vector that was subtracted (`mean_`). */
  mean: Float64Array;
  /** The input rows' coordinates on the k axes, n rows of length k (`fit_transform`). */
  projected: Float64Array[];
  /** Coordinates of any other d-vector on the same axes (sklearn's `transform`). */
  transform(vector: ArrayLike<number>): Float64Array;
}

interface Table {
  data: ArrayLike<number>;
  rows: readonly ArrayLike<number>[] | null;
  n: number;
  d: number;
}

function asTable(matrix: PcaInput): Table {
  if (Array.isArray(matrix)) {
    const rows = matrix as readonly ArrayLike<number>[];
    const d = rows[0]?.length ?? 0;
    rows.forEach((r, i) => {
      if (r.length !== d)
        throw new ValidationError(
          `row ${i} has ${r.length} values, expected ${d} like row 0`,
          `matrix[${i}]`,
        );
    });
    return { data: [], rows, n: rows.length, d };
  }
  const { data, rows, cols } = matrix as Exclude<PcaInput, readonly ArrayLike<number>[]>;
  if (!(Number.isSafeInteger(rows) && rows >= 0 && Number.isSafeInteger(cols) && cols >= 0))
    throw new ValidationError(`rows and cols must be whole numbers, got ${rows} × ${cols}`, 'matrix');
  if (data.length < rows * cols)
    throw new ValidationError(
      `the table holds ${data.length} numbers, fewer than ${rows} × ${cols}`,
      'matrix.data',
    );
  return { data, rows: null, n: rows, d: cols };
}

/**
 * Eigenvalues and eigenvectors of the symmetric n × n matrix `a` (row-major, destroyed) by cyclic
 * Jacobi rotations (Golub & Van Loan §8.5): each rotation zeroes one off-diagonal pair; sweeps
 * repeat until the off-diagonal part is below rounding. Returns the values and V, whose column j
 * (V[k·n + j]) is the eigenvector of values[j].
 */
export function symmetricEigen(a: Float64Array, n: number): { values: Float64Array; vectors: Float64Array } {
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  let scale = 0;
  for (let i = 0; i < n * n; i++) scale += (a[i] as number) ** 2;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += (a[p * n + q] as number) ** 2;
    if (off <= 1e-30 * scale || off === 0) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q] as number;
        if (apq === 0) continue;
        const app = a[p * n + p] as number;
        const aqq = a[q * n + q] as number;
        // t = tan φ, the smaller root of t² + 2θt − 1 = 0, θ = cot 2φ: A'[p][q] = 0
        const theta = (aqq - app) / (2 * apq);
        const t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        // A ← Jᵀ A J: columns p and q, then rows p and q; V ← V J
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p] as number;
          const akq = a[k * n + q] as number;
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k] as number;
          const aqk = a[q * n + k] as number;
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p] as number;
          const vkq = v[k * n + q] as number;
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = a[i * n + i] as number;
  return { values, vectors: v };
}

/**
 * PCA of n row vectors of dimension d onto their first k principal axes, as scikit-learn 1.2.1's
 * `PCA(n_components=k, svd_solver='full').fit_transform` (signs included; see the file's comment).
 * Needs at least two vectors and 1 ≤ k ≤ min(n, d); every value must be finite.
 *
 *   pca([[0.8, 0.65, 0.1], [0.78, 0.66, 0.12], [0.9, 0.1, 0.1], [0.88, 0.12, 0.12], [0.1, 0.8, 0.9]], 2)
 *     .explainedVarianceRatio // Float64Array [0.8397…, 0.1603…]
 *   pca({ data: kv.vectors, rows: kv.length, cols: kv.vectorSize }, 3).explainedVarianceRatio
 *     // Float64Array [0.0494…, 0.0371…, 0.0331…] (GloVe 20k: 100 dimensions share the variance)
 */
export function pca(matrix: PcaInput, k: number): PcaResult {
  const t = asTable(matrix);
  const { n, d } = t;
  if (n < 2) throw new ValidationError(`PCA needs at least 2 vectors, got ${n}`, 'matrix');
  if (d < 1) throw new ValidationError('PCA needs vectors of at least 1 dimension', 'matrix');
  if (!(Number.isSafeInteger(k) && k >= 1 && k <= Math.min(n, d)))
    throw new ValidationError(
      `k must be a whole number from 1 to min(vectors, dimensions) = ${Math.min(n, d)}, got ${String(k)}`,
      'k',
    );
  const row = (i: number, out: Float64Array): Float64Array => {
    if (t.rows) {
      const r = t.rows[i] as ArrayLike<number>;
      for (let j = 0; j < d; j++) out[j] = r[j] as number;
    } else {
      const o = i * d;
      for (let j = 0; j < d; j++) out[j] = t.data[o + j] as number;
    }
    return out;
  };

  const x = new Float64Array(d);
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    row(i, x);
    for (let j = 0; j < d; j++) {
      const value = x[j] as number;
      if (!Number.isFinite(value))
        throw new ValidationError(
          `vector ${i} holds ${value} at position ${j}; PCA needs finite numbers`,
          `matrix[${i}][${j}]`,
        );
      (mean[j] as number) += value;
    }
  }
  for (let j = 0; j < d; j++) (mean[j] as number) /= n;

  // The covariance (n − 1 in the denominator), upper triangle accumulated then mirrored.
  const cov = new Float64Array(d * d);
  for (let i = 0; i < n; i++) {
    row(i, x);
    for (let j = 0; j < d; j++) (x[j] as number) -= mean[j] as number;
    for (let a = 0; a < d; a++) {
      const xa = x[a] as number;
      if (xa === 0) continue;
      const base = a * d;
      for (let b = a; b < d; b++) (cov[base + b] as number) += xa * (x[b] as number);
    }
  }
  let total = 0;
  for (let a = 0; a < d; a++) {
    for (let b = a; b < d; b++) {
      const value = (cov[a * d + b] as number) / (n - 1);
      cov[a * d + b] = value;
      cov[b * d + a] = value;
    }
    total += cov[a * d + a] as number;
  }

  const { values, vectors } = symmetricEigen(cov, d);
  const order = Array.from({ length: d }, (_, i) => i).sort(
    (i, j) => (values[j] as number) - (values[i] as number),
  );
  const components = order.slice(0, k).map((col) => {
    const c = new Float64Array(d);
    for (let j = 0; j < d; j++) c[j] = vectors[j * d + col] as number;
    return c;
  });
  const explainedVariance = Float64Array.from(order.slice(0, k), (col) => Math.max(0, values[col] as number));
  const explainedVarianceRatio = explainedVariance.map((v) => (total > 0 ? v / total : 0));

  const project = (centred: ArrayLike<number>): Float64Array => {
    const out = new Float64Array(k);
    for (let c = 0; c < k; c++) {
      const axis = components[c] as Float64Array;
      let s = 0;
      for (let j = 0; j < d; j++) s += (centred[j] as number) * (axis[j] as number);
      out[c] = s;
    }
    return out;
  };
  const projected: Float64Array[] = new Array(n);
  for (let i = 0; i < n; i++) {
    row(i, x);
    for (let j = 0; j < d; j++) (x[j] as number) -= mean[j] as number;
    projected[i] = project(x);
  }

  // svd_flip (u-based, sklearn 1.2.1): the largest |coordinate| on each axis is positive.
  for (let c = 0; c < k; c++) {
    let best = 0;
    for (let i = 1; i < n; i++)
      if (
        Math.abs((projected[i] as Float64Array)[c] as number) >
        Math.abs((projected[best] as Float64Array)[c] as number)
      )
        best = i;
    if (((projected[best] as Float64Array)[c] as number) < 0) {
      (components[c] as Float64Array).forEach((v, j, a) => {
        a[j] = -v;
      });
      for (const p of projected) p[c] = -(p[c] as number);
    }
  }

  return {
    components,
    explainedVariance,
    explainedVarianceRatio,
    mean,
    projected,
    transform(vector) {
      if (vector.length !== d)
        throw new ValidationError(
          `the vector has ${vector.length} values; this PCA was fitted on ${d}`,
          'vector',
        );
      const centred = new Float64Array(d);
      for (let j = 0; j < d; j++) centred[j] = (vector[j] as number) - (mean[j] as number);
      return project(centred);
    },
  };
}
