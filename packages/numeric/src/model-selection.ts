/**
 * Splitting data the way scikit-learn does, with the same random draws, so estimators that hold
 * out a validation set (early stopping in Perceptron, MLP, …) pick exactly sklearn's rows.
 */
import type { RandomState } from './random-state.js';
import { ValidationError } from './validation.js';

/**
 * `sklearn.utils._approximate_mode`: how many of each class to draw so a sample of `nDraws` keeps
 * the class proportions; leftovers go to the largest remainders, ties broken by
 * `rng.choice(…, replace=False)`.
 *
 * approximateMode([6, 4], 5, rng) // [3, 2]
 */
export function approximateMode(counts: number[], nDraws: number, rng: RandomState): number[] {
  const total = counts.reduce((a, b) => a + b, 0);
  // continuous = class_counts / class_counts.sum() * n_draws
  const continuous = counts.map((c) => (c / total) * nDraws);
  const floored = continuous.map(Math.floor);
  let needToAdd = Math.trunc(nDraws - floored.reduce((a, b) => a + b, 0));
  if (needToAdd > 0) {
    const remainder = continuous.map((c, i) => c - floored[i]!);
    const values = [...new Set(remainder)].sort((a, b) => b - a);
    for (const value of values) {
      const inds = remainder.flatMap((r, i) => (r === value ? [i] : []));
      const addNow = Math.min(inds.length, needToAdd);
      for (const k of rng.choice(inds.length, addNow, false)) floored[inds[k]!]! += 1;
      needToAdd -= addNow;
      if (needToAdd === 0) break;
    }
  }
  return floored;
}

/**
 * The first split of `StratifiedShuffleSplit(test_size=nTest / n, random_state=rng)`: per class, a
 * random share of rows is held out. `yIndex[i]` is row i's class index (0 … nClasses−1).
 * Returns row indices in sklearn's order. Throws a `ValidationError` (path `name`) when a class has
 * fewer than 2 rows or a side would have fewer rows than there are classes.
 */
export function stratifiedShuffleSplit(
  yIndex: number[],
  nTest: number,
  rng: RandomState,
  name = 'validationFraction',
): { train: number[]; test: number[] } {
  const n = yIndex.length;
  const nTrain = n - nTest;
  const nClasses = Math.max(...yIndex) + 1;
  const counts = new Array<number>(nClasses).fill(0);
  for (const k of yIndex) counts[k]! += 1;
  const fail = (msg: string) => new ValidationError(msg, name);
  if (nTrain <= 0) throw fail(`${n} samples with a held-out set of ${nTest} leave no training set`);
  if (Math.min(...counts) < 2)
    throw fail('the least populated class in y has only 1 member; at least 2 are needed');
  if (nTrain < nClasses)
    throw fail(`the train size ${nTrain} should be at least the number of classes ${nClasses}`);
  if (nTest < nClasses)
    throw fail(`the test size ${nTest} should be at least the number of classes ${nClasses}`);
  const nI = approximateMode(counts, nTrain, rng);
  const tI = approximateMode(
    counts.map((c, k) => c - nI[k]!),
    nTest,
    rng,
  );
  const train: number[] = [];
  const test: number[] = [];
  for (let k = 0; k < nClasses; k++) {
    const members = yIndex.flatMap((c, idx) => (c === k ? [idx] : [])); // stable argsort, split by class
    const perm = rng.permutation(counts[k]!).map((j) => members[j]!);
    train.push(...perm.slice(0, nI[k]));
    test.push(...perm.slice(nI[k], nI[k]! + tI[k]!));
  }
  // train = rng.permutation(train); test = rng.permutation(test)
  rng.shuffle(train);
  rng.shuffle(test);
  return { train, test };
}
