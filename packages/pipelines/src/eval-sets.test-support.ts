/**
 * The hand-written evaluation sets of eval/ (written before any tuning; 'dev' tuned on, 'heldout'
 * scored once) and the measures the tests re-compute on them.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const evalDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'eval');

export type Split = 'dev' | 'heldout';

export function readEvalSet<T>(name: string): T {
  return JSON.parse(readFileSync(join(evalDir, name), 'utf8')) as T;
}

/** Ranks from 0, ties sharing their mean rank. */
function ranks(xs: readonly number[]): number[] {
  const order = xs.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const r = new Array<number>(xs.length);
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && order[j + 1]![0] === order[i]![0]) j++;
    for (let k = i; k <= j; k++) r[order[k]![1]] = (i + j) / 2;
    i = j + 1;
  }
  return r;
}

export function pearson(a: readonly number[], b: readonly number[]): number {
  const mean = (xs: readonly number[]) => xs.reduce((s, v) => s + v, 0) / xs.length;
  const ma = mean(a);
  const mb = mean(b);
  let n = 0;
  let x = 0;
  let y = 0;
  a.forEach((v, i) => {
    n += (v - ma) * (b[i]! - mb);
    x += (v - ma) ** 2;
    y += (b[i]! - mb) ** 2;
  });
  return n / Math.sqrt(x * y);
}

/** Spearman's rank correlation: Pearson's of the ranks (ties averaged). */
export const spearman = (a: readonly number[], b: readonly number[]): number => pearson(ranks(a), ranks(b));
