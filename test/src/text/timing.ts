/**
 * Linear time, measured as ratios (a 10× longer input may take about 10× longer, a quadratic
 * algorithm takes 100×): the fastest of a few runs after a warm-up, the two sizes interleaved so that
 * a slow patch of a busy machine hits both, and the adversarial inputs that made Firth quadratic
 * or overflow its stack before (one huge word, "aaaa…", runs of "!!!", initials, CJK, ZWJ emoji).
 */

import { rng } from '../fuzz/mutate.ts';

/** Repeats `unit` (or draws from `next`) up to exactly n UTF-16 units, never ending in half a pair. */
function fill(n: number, next: () => string): string {
  const parts: string[] = [];
  let length = 0;
  while (length < n) {
    const p = next();
    parts.push(p);
    length += p.length;
  }
  const s = parts.join('').slice(0, n);
  return /[\uD800-\uDBFF]$/.test(s) ? `${s.slice(0, -1)}x` : s;
}

export type InputKind =
  | 'english'
  | 'one word "aaaa…"'
  | 'random letters, no spaces'
  | 'random code points'
  | 'random bytes as UTF-8'
  | 'many short words'
  | 'CJK'
  | 'ZWJ emoji'
  | 'runs of "!!!"'
  | 'initials "A. A. A."'
  | 'short sentences'
  | 'a whitespace run';

/** An input of n UTF-16 units; `english` repeats `corpus`. */
export function makeInput(kind: InputKind, n: number, corpus: string): string {
  const r = rng(n ^ kind.length);
  switch (kind) {
    case 'english':
      return fill(n, () => corpus);
    case 'one word "aaaa…"':
      return 'a'.repeat(n);
    case 'random letters, no spaces':
      return fill(n, () => String.fromCharCode(97 + Math.floor(r() * 26)));
    case 'random code points':
      return fill(n, () => {
        const cp = Math.floor(r() * 0x110000);
        return cp >= 0xd800 && cp <= 0xdfff ? String.fromCharCode(cp) : String.fromCodePoint(cp);
      });
    case 'random bytes as UTF-8':
      return new TextDecoder()
        .decode(Uint8Array.from({ length: n }, () => Math.floor(r() * 256)))
        .slice(0, n);
    case 'many short words':
      return fill(n, () => pickWord(r));
    case 'CJK':
      return fill(n, () => String.fromCharCode(0x4e00 + Math.floor(r() * 2000)));
    case 'ZWJ emoji':
      return fill(n, () => '👩‍👩‍👧‍👦');
    case 'runs of "!!!"':
      return '!'.repeat(n);
    case 'initials "A. A. A."':
      return fill(n, () => 'A. ');
    case 'short sentences':
      return fill(n, () => `${pickWord(r).trim()}. `.replace(/^./, (c) => c.toUpperCase()));
    case 'a whitespace run':
      return `a${' '.repeat(n - 2)}b`;
  }
}

const WORDS = ['the ', 'a ', 'of ', 'king ', 'to ', 'be ', 'or ', 'not ', 'I ', 'x. ', 'ab ', 'cd. ', 'e '];
const pickWord = (r: () => number) => WORDS[Math.floor(r() * WORDS.length)]!;

/**
 * CPU milliseconds `f` takes (this process's user + system time, GC threads included): unlike
 * wall-clock time it does not grow when other processes share the cores, so a ratio taken on a
 * busy 2-core CI machine still measures the algorithm.
 */
const time = (f: () => unknown) => {
  const t0 = process.cpuUsage();
  f();
  const { user, system } = process.cpuUsage(t0);
  return (user + system) / 1000;
};
/**
 * The fastest of several runs: on a busy machine other processes only ever add time to a run, so the
 * minimum is the estimate least disturbed by them (a median still moves when half the runs are hit).
 */
const fastest = (xs: number[]) => Math.min(...xs);

export interface Scaling {
  ms10k: number;
  ms100k: number;
  ms1m: number;
}

/** Times `f` on inputs of 10 K, 100 K and 1 M units: the fastest of 7, 5 and 5 runs, 100 K and 1 M interleaved. */
export function measure(f: (text: string) => unknown, input: (n: number) => string): Scaling {
  const [small, medium, large] = [input(10_000), input(100_000), input(1_000_000)];
  f(small); // warm-up: compile, caches
  const t10k = Array.from({ length: 7 }, () => time(() => f(small)));
  const t100k: number[] = [];
  const t1m: number[] = [];
  for (let i = 0; i < 5; i++) {
    t100k.push(time(() => f(medium)));
    t1m.push(time(() => f(large)));
  }
  return { ms10k: fastest(t10k), ms100k: fastest(t100k), ms1m: fastest(t1m) };
}

/**
 * The ratio that decides, with a floor under the smaller time: below FLOOR_MS a time is mostly
 * timer and scheduler noise. Linear is 10 and quadratic 100; the limit is their midpoint on a log
 * scale, √(10 · 100) ≈ 32, so a pass means "closer to linear than to quadratic". Linear code does
 * not sit at 10 on real hardware: a 1 MB input's per-symbol state (≈ 16 MB for the merge queue) no
 * longer fits a core's caches while 100 KB's nearly does, so loops that follow a linked list over it
 * run up to ~2× slower per symbol — ratios 12–23 measured for the basic BPE merge queue, an
 * O(n log n) loop, in CPU time on this 2-core machine with two other test runs beside it. A
 * quadratic algorithm whose 100 KB run takes more than FLOOR_MS / 3 still fails.
 */
export const FLOOR_MS = 5;
export const LIMIT = 32;
export const ratio = (big: number, small: number) => big / Math.max(small, FLOOR_MS);
