/**
 * The losses and scores of scikit-learn's multi-layer perceptron (`neural_network/_base.py`
 * LOSS_FUNCTIONS, `metrics.r2_score`), computed in NumPy's order of operations so the values match
 * sklearn 1.2.1 to the last bit or close to it: NumPy sums a contiguous array pairwise (blocks of 8
 * partial sums), and `pairwiseSum` does the same. The loss only steers training through the
 * "no improvement by tol" test, but a last-bit difference there can change when training stops.
 *
 * Matrices are row-major Float64Arrays: element (i, j) of an (n, k) matrix is `a[i * k + j]`.
 */
import { glibcLog } from '@firth/numeric';

/** np.finfo(np.float64).eps = 2^-52: probabilities are clipped to [eps, 1 − eps] before the log. */
export const EPS = 2.220446049250313e-16;

/**
 * `np.sum` of a contiguous float64 array: NumPy's `pairwise_sum` (umath/loops_utils.h.src).
 * n < 8: left to right; n <= 128: eight running sums combined as a tree; larger: split in two
 * halves (the first a multiple of 8) and add their sums. `f` maps each element before summing.
 * Arrays past 8192 elements are summed in buffered chunks by NumPy; not mirrored here.
 */
export function pairwiseSum(
  a: ArrayLike<number>,
  start = 0,
  n = a.length - start,
  f?: (x: number) => number,
) {
  const at = f ? (i: number) => f(a[start + i]!) : (i: number) => a[start + i]!;
  const rec = (off: number, len: number): number => {
    if (len < 8) {
      let res = 0.0;
      for (let i = 0; i < len; i++) res += at(off + i);
      return res;
    }
    if (len <= 128) {
      const r = [
        at(off),
        at(off + 1),
        at(off + 2),
        at(off + 3),
        at(off + 4),
        at(off + 5),
        at(off + 6),
        at(off + 7),
      ];
      let i = 8;
      for (; i < len - (len % 8); i += 8) for (let j = 0; j < 8; j++) r[j]! += at(off + i + j);
      let res = r[0]! + r[1]! + (r[2]! + r[3]!) + (r[4]! + r[5]! + (r[6]! + r[7]!));
      for (; i < len; i++) res += at(off + i);
      return res;
    }
    let n2 = Math.floor(len / 2);
    n2 -= n2 % 8;
    return rec(off, n2) + rec(off + n2, len - n2);
  };
  return 0.0 + rec(0, n);
}

/** scipy's xlogy(x, y) = x·log(y), and 0 where x = 0 (so 0·log 0 = 0); log as glibc rounds it. */
function xlogy(x: number, y: number): number {
  return x === 0 && !Number.isNaN(y) ? 0 : x * glibcLog(y);
}

const clip = (p: number) => Math.min(Math.max(p, EPS), 1 - EPS);

/**
 * `squared_loss` (MLPRegressor): L = mean((y − ŷ)²) / 2 over all n·k entries.
 * y, yPred: (n, k) row-major.
 */
export function squaredLoss(y: Float64Array, yPred: Float64Array): number {
  const d = new Float64Array(y.length);
  for (let i = 0; i < y.length; i++) d[i] = (y[i]! - yPred[i]!) ** 2;
  return pairwiseSum(d) / y.length / 2;
}

/**
 * `log_loss` (softmax output, k >= 2 classes): L = −Σ_i Σ_c y_ic · log(clip(p_ic)) / n.
 * y: one-hot (n, k); yProb: (n, k).
 */
export function logLoss(y: Float64Array, yProb: Float64Array, n: number): number {
  const t = new Float64Array(y.length);
  for (let i = 0; i < y.length; i++) t[i] = xlogy(y[i]!, clip(yProb[i]!));
  return -pairwiseSum(t) / n;
}

/**
 * `binary_log_loss` (logistic outputs: binary or multilabel), with p clipped to [eps, 1 − eps]:
 * L = −( Σ y·log p + Σ (1 − y)·log(1 − p) ) / n.   y, yProb: (n, k) with k independent outputs.
 */
export function binaryLogLoss(y: Float64Array, yProb: Float64Array, n: number): number {
  const pos = new Float64Array(y.length);
  const neg = new Float64Array(y.length);
  for (let i = 0; i < y.length; i++) {
    const p = clip(yProb[i]!);
    pos[i] = xlogy(y[i]!, p);
    neg[i] = xlogy(1 - y[i]!, 1 - p);
  }
  return -(pairwiseSum(pos) + pairwiseSum(neg)) / n;
}

/**
 * `r2_score(y, ŷ)` with multioutput='uniform_average': per output column j
 * R²_j = 1 − Σ_i (y_ij − ŷ_ij)² / Σ_i (y_ij − ȳ_j)², where a constant column scores 1 when predicted
 * exactly and 0 otherwise (sklearn's force_finite); the mean over the k columns is returned.
 * NumPy sums a column pairwise when k = 1 and row by row (left to right) when k > 1.
 */
export function r2Score(y: Float64Array, yPred: Float64Array, n: number, k: number): number {
  const colSum = (a: Float64Array, j: number) => {
    if (k === 1) return pairwiseSum(a);
    let s = 0.0;
    for (let i = 0; i < n; i++) s += a[i * k + j]!;
    return s;
  };
  const scores: number[] = [];
  const tmp = new Float64Array(n * k);
  for (let j = 0; j < k; j++) {
    for (let i = 0; i < n; i++) tmp[i * k + j] = 1.0 * (y[i * k + j]! - yPred[i * k + j]!) ** 2;
    const num = colSum(tmp, j);
    const mean = colSum(y, j) / n;
    for (let i = 0; i < n; i++) tmp[i * k + j] = 1.0 * (y[i * k + j]! - mean) ** 2;
    const den = colSum(tmp, j);
    scores.push(den !== 0 ? 1 - num / den : num !== 0 ? 0.0 : 1.0);
  }
  return pairwiseSum(scores) / k;
}
