/**
 * NumPy's default `argsort` (kind='quicksort'), step for step, so that ties come out in NumPy's
 * order. scikit-learn's `CountVectorizer(max_features=k)` keeps the k most frequent terms with
 * `(-tfs[mask]).argsort()[:k]`; when several terms share the k-th count, which of them survive
 * depends on this (unstable) sort, so matching sklearn means matching it exactly.
 *
 * The algorithm is NumPy 1.24's `aquicksort_` (numpy/core/src/npysort/quicksort.cpp): an
 * introsort — median-of-3 quicksort that pushes the larger partition on a stack, insertion sort
 * for partitions of at most 16 elements (pr - pl <= 15), and heapsort (`aheapsort_`, heapsort.cpp) once the
 * recursion depth passes 2·floor(log2 n). (NumPy 1.25+ may dispatch to an AVX-512 sort instead;
 * the fixtures are made with NumPy 1.24.2, where argsort has no SIMD path.)
 *
 *   numpyArgsort([3, 1, 2, 1]) // [1, 3, 2, 0]
 */

/** Partitions with pr - pl no larger than this are finished by insertion sort (`SMALL_QUICKSORT`). */
const SMALL_QUICKSORT = 15;

/** NumPy's `aheapsort_` on tosort[lo .. lo+n), comparing v[index]. */
function heapsortIndices(v: ArrayLike<number>, tosort: number[], lo: number, n: number): void {
  // a[k] = tosort[lo + k - 1]: heapsort indexes from 1
  const get = (k: number) => tosort[lo + k - 1]!;
  const set = (k: number, x: number) => {
    tosort[lo + k - 1] = x;
  };
  let tmp: number;
  let i: number;
  let j: number;
  for (let l = n >> 1; l > 0; --l) {
    tmp = get(l);
    for (i = l, j = l << 1; j <= n; ) {
      if (j < n && v[get(j)]! < v[get(j + 1)]!) j += 1;
      if (v[tmp]! < v[get(j)]!) {
        set(i, get(j));
        i = j;
        j += j;
      } else break;
    }
    set(i, tmp);
  }
  for (; n > 1; ) {
    tmp = get(n);
    set(n, get(1));
    n -= 1;
    for (i = 1, j = 2; j <= n; ) {
      if (j < n && v[get(j)]! < v[get(j + 1)]!) j++;
      if (v[tmp]! < v[get(j)]!) {
        set(i, get(j));
        i = j;
        j += j;
      } else break;
    }
    set(i, tmp);
  }
}

/** The indices that sort `v` ascending, tie order exactly as `np.argsort(v)` (NumPy 1.24). */
export function numpyArgsort(v: ArrayLike<number>): number[] {
  const num = v.length;
  const tosort = Array.from({ length: num }, (_, i) => i);
  if (num < 2) return tosort;
  const swap = (a: number, b: number) => {
    const t = tosort[a]!;
    tosort[a] = tosort[b]!;
    tosort[b] = t;
  };
  const at = (k: number) => v[tosort[k]!]!;
  let pl = 0;
  let pr = num - 1;
  const stack: number[] = [];
  const depths: number[] = [];
  // npy_get_msb(num) * 2: the depth at which introsort gives up on quicksort
  let cdepth = Math.floor(Math.log2(num)) * 2;
  for (;;) {
    if (cdepth < 0) {
      heapsortIndices(v, tosort, pl, pr - pl + 1);
    } else {
      while (pr - pl > SMALL_QUICKSORT) {
        // median of three: v[pl] <= v[pm] <= v[pr]
        const pm = pl + ((pr - pl) >> 1);
        if (at(pm) < at(pl)) swap(pm, pl);
        if (at(pr) < at(pm)) swap(pr, pm);
        if (at(pm) < at(pl)) swap(pm, pl);
        const vp = at(pm);
        let pi = pl;
        let pj = pr - 1;
        swap(pm, pj);
        for (;;) {
          do ++pi;
          while (at(pi) < vp);
          do --pj;
          while (vp < at(pj));
          if (pi >= pj) break;
          swap(pi, pj);
        }
        swap(pi, pr - 1);
        // push the larger partition, continue with the smaller
        if (pi - pl < pr - pi) {
          stack.push(pi + 1, pr);
          pr = pi - 1;
        } else {
          stack.push(pl, pi - 1);
          pl = pi + 1;
        }
        depths.push(--cdepth);
      }
      // insertion sort
      for (let pi = pl + 1; pi <= pr; ++pi) {
        const vi = tosort[pi]!;
        const vpv = v[vi]!;
        let pj = pi;
        while (pj > pl && vpv < v[tosort[pj - 1]!]!) {
          tosort[pj] = tosort[pj - 1]!;
          pj--;
        }
        tosort[pj] = vi;
      }
    }
    if (stack.length === 0) break;
    pr = stack.pop()!;
    pl = stack.pop()!;
    cdepth = depths.pop()!;
  }
  return tosort;
}
