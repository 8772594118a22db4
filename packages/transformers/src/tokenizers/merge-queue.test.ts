/**
 * The priority-queue merge loop (merge-queue.ts) against the textbook loops it replaces, kept here
 * as the reference (as scikit-learn keeps a tiny reference implementation in its tests):
 *   - minbpe / GPT-2 `bpe()`: find the lowest-ranked pair, merge all its occurrences left to right;
 *   - llama2.c run.c `encode`: find the best-scoring pair (leftmost on ties), merge that one.
 * fast-check draws the symbols and the merge tables — including hand-written tables whose merges
 * create pairs ranked before the one being merged, and many equal scores — with a fixed seed.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { mergeSymbols } from './merge-queue.js';

/** A merge table over symbols 0..5: pair "a,b" → rule index; rule i makes symbol `result[i]`. */
interface Table {
  pairs: Map<string, number>;
  result: number[];
  priority: number[];
}

const table = (distinctPriorities: boolean) =>
  fc
    .array(
      fc.record({
        a: fc.nat(5),
        b: fc.nat(5),
        result: fc.nat(9),
        // scores from a small set, so that ties are common
        score: fc.constantFrom(-3, -2, -1, 0, 1, 2),
      }),
      { maxLength: 12 },
    )
    .map((rules): Table => {
      const pairs = new Map<string, number>();
      const result: number[] = [];
      const priority: number[] = [];
      for (const r of rules) {
        const key = `${r.a},${r.b}`;
        if (pairs.has(key)) continue; // one rule per pair, as in a merge list or a vocabulary
        pairs.set(key, result.length);
        // ranks are unique (a merge list); scores may tie (SentencePiece); best score = priority 0
        priority.push(distinctPriorities ? result.length : 2 - r.score);
        result.push(r.result);
      }
      return { pairs, result, priority };
    });

const symbols = fc.array(fc.nat(9), { maxLength: 60 });
const find = (t: Table) => (a: number, b: number) => t.pairs.get(`${a},${b}`) ?? -1;

/** minbpe `encode` / GPT-2 `bpe()`: the lowest rank present, every occurrence, left to right. */
function everyOccurrenceReference(ids: number[], t: Table): number[] {
  let out = [...ids];
  for (;;) {
    let best = -1;
    for (let i = 0; i + 1 < out.length; i++) {
      const r = find(t)(out[i]!, out[i + 1]!);
      if (r >= 0 && (best < 0 || t.priority[r]! < t.priority[best]!)) best = r;
    }
    if (best < 0) return out;
    const next: number[] = [];
    for (let i = 0; i < out.length; i++) {
      if (i + 1 < out.length && find(t)(out[i]!, out[i + 1]!) === best) {
        next.push(t.result[best]!);
        i++;
      } else next.push(out[i]!);
    }
    out = next;
  }
}

/** run.c `encode`: the best (lowest priority = highest score) pair, the first one on ties. */
function leftmostReference(ids: number[], t: Table): number[] {
  const out = [...ids];
  for (;;) {
    let bestIdx = -1;
    let bestPriority = Number.POSITIVE_INFINITY;
    for (let i = 0; i + 1 < out.length; i++) {
      const r = find(t)(out[i]!, out[i + 1]!);
      if (r >= 0 && t.priority[r]! < bestPriority) [bestIdx, bestPriority] = [i, t.priority[r]!];
    }
    if (bestIdx < 0) return out;
    out.splice(bestIdx, 2, t.result[find(t)(out[bestIdx]!, out[bestIdx + 1]!)]!);
  }
}

const rulesOf = (t: Table) => ({
  find: find(t),
  priority: (r: number) => t.priority[r]!,
  result: (r: number) => t.result[r]!,
});

describe('mergeSymbols gives the ids of the textbook loops', () => {
  test('every-occurrence = minbpe / GPT-2 (any merge table, any ranks)', () => {
    fc.assert(
      fc.property(symbols, table(true), (ids, t) => {
        expect(mergeSymbols(ids, rulesOf(t), 'every-occurrence')).toEqual(everyOccurrenceReference(ids, t));
      }),
      { seed: 13, numRuns: 2000 },
    );
  });

  test('leftmost = llama2.c run.c (scores with ties)', () => {
    fc.assert(
      fc.property(symbols, table(false), (ids, t) => {
        expect(mergeSymbols(ids, rulesOf(t), 'leftmost')).toEqual(leftmostReference(ids, t));
      }),
      { seed: 13, numRuns: 2000 },
    );
  });

  test('the worked cases: "aaa" merges left to right; a merge that creates an earlier-ranked pair waits', () => {
    const aa: Table = { pairs: new Map([['0,0', 0]]), result: [7], priority: [0] };
    expect(mergeSymbols([0, 0, 0], rulesOf(aa), 'every-occurrence')).toEqual([7, 0]);
    expect(mergeSymbols([0, 0, 0, 0], rulesOf(aa), 'every-occurrence')).toEqual([7, 7]);
    // "a b a b" with merges [ab a], [a b], [ab ab]: GPT-2 merges both "a b" first → "abab"; merging
    // one at a time would make "ab a" first → "aba b"
    const t: Table = {
      pairs: new Map([
        ['5,0', 0],
        ['0,1', 1],
        ['5,5', 2],
      ]),
      result: [6, 5, 8],
      priority: [0, 1, 2],
    };
    expect(mergeSymbols([0, 1, 0, 1], rulesOf(t), 'every-occurrence')).toEqual([8]);
    expect(mergeSymbols([0, 1, 0, 1], rulesOf(t), 'leftmost')).toEqual([6, 1]);
  });

  test('a million symbols: one long word merges in well under a second', () => {
    // byte pairs (a a) → A, (A A) → B, …: "aaaa…" becomes a handful of symbols
    const ranks = new Map<number, number>(Array.from({ length: 20 }, (_, r) => [r, r]));
    const rules = {
      find: (a: number, b: number) => (a === b ? (ranks.get(a) ?? -1) : -1),
      priority: (r: number) => r,
      result: (r: number) => r + 1,
    };
    const t0 = performance.now();
    const out = mergeSymbols(new Int32Array(1 << 20), rules, 'every-occurrence');
    const ms = performance.now() - t0;
    console.log(`mergeSymbols on 2^20 equal symbols: ${ms.toFixed(0)} ms → ${JSON.stringify(out)}`);
    expect(out).toEqual([20]);
    expect(ms).toBeLessThan(10_000);
  });
});
