/**
 * The encoding loop shared by every merge-based tokenizer here — basic-bpe.ts (minbpe), bpe.ts
 * (GPT-2) and sentencepiece-bpe.ts (llama2.c) — in O(n log n) instead of the textbook O(n²).
 *
 * The textbook loop (minbpe `encode`, GPT-2 `bpe()`, run.c `encode`) rescans every adjacent pair
 * after each merge: one merge costs O(n), and a text of n symbols can need n − 1 merges, so a 1 MB
 * word without spaces takes minutes. Here (as Hugging Face tokenizers' `Word::merge_all` and
 * SentencePiece's `bpe_model.cc`):
 *   - the symbols are a doubly linked list (`prev`, `next`), so merging two neighbours is O(1);
 *   - every adjacent pair that can merge waits in a binary heap ordered by (priority, position),
 *     position = the index of the pair's left symbol in the input, which keeps list order because a
 *     merge keeps its left node; both are packed in one number, key = priority · 2^24 + position;
 *   - a merge only creates the two pairs around the new symbol; pairs it destroyed stay in the heap
 *     and are skipped when popped (the pair now at that position no longer has that key).
 * Every merge pushes at most two pairs, so the heap holds < 3n keys: O(n log n) time, O(n) memory.
 *
 * Two orders, exactly those of the reference loops (their tests compare the results id for id):
 *   'every-occurrence' (minbpe, GPT-2): take the lowest-priority pair, merge **all** its
 *       occurrences left to right (non-overlapping: "aaa" → "aa a"), then look again;
 *   'leftmost' (llama2.c run.c): merge only the leftmost occurrence of the best pair, then look again.
 * They differ only when a merge can create a pair that ranks before the one being merged (possible
 * in a hand-written merge list, never in a trained one).
 */

import { ValidationError } from '@firth/numeric';

/** How pairs merge: `find` names the rule for (a, b), or −1 when the pair does not merge. */
export interface MergeRules {
  /** A handle for the rule merging (a, b) — a rank, or the merged piece's id — or −1. */
  find(a: number, b: number): number;
  /** Lower merges first: an integer in [0, 2^29) (a rank; the position of a score, best first). */
  priority(rule: number): number;
  /** The id of the merged symbol. */
  result(rule: number): number;
}

/** Positions take the low 24 bits of a key: up to 16 Mi symbols (a 4 Mi-unit text is ≤ 12 MiB of UTF-8). */
const POSITIONS = 2 ** 24;

/**
 * Applies `rules` to `ids` until no adjacent pair merges; returns the remaining ids in order.
 *
 *   const aa = { find: (a, b) => (a === 97 && b === 97 ? 0 : -1), priority: (r) => r, result: () => 256 };
 *   mergeSymbols([97, 97, 97], aa, 'every-occurrence') // [256, 97]
 */
export function mergeSymbols(
  ids: ArrayLike<number>,
  rules: MergeRules,
  order: 'every-occurrence' | 'leftmost',
): number[] {
  const n = ids.length;
  if (n < 2) return Array.from(ids);
  if (n > POSITIONS)
    throw new ValidationError(`mergeSymbols takes at most ${POSITIONS} symbols, got ${n}`, 'ids');
  const sym = Int32Array.from(ids);
  const prev = new Int32Array(n);
  const next = new Int32Array(n);
  const dead = new Uint8Array(n);
  /** pass[i] = the every-occurrence pass in which node i last merged (0: never). */
  const pass = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    prev[i] = i - 1;
    next[i] = i + 1 < n ? i + 1 : -1;
  }
  // The key of the pair starting at node `left` now, or −1 when there is none or it does not merge.
  const keyAt = (left: number): number => {
    if (left < 0) return -1;
    const right = next[left]!;
    if (right < 0) return -1;
    const rule = rules.find(sym[left]!, sym[right]!);
    return rule < 0 ? -1 : rules.priority(rule) * POSITIONS + left;
  };
  const heap = new KeyHeap();
  for (let i = 0; i + 1 < n; i++) heap.add(keyAt(i));
  heap.heapify();
  const offer = (left: number) => {
    const key = keyAt(left);
    if (key >= 0) heap.push(key);
  };
  // left absorbs its right neighbour: sym[left] = the merged id; the neighbour leaves the list.
  const merge = (left: number) => {
    const right = next[left]!;
    sym[left] = rules.result(rules.find(sym[left]!, sym[right]!));
    dead[right] = 1;
    const after = next[right]!;
    next[left] = after;
    if (after >= 0) prev[after] = left;
  };

  const merged: number[] = [];
  let passes = 0;
  while (heap.size > 0) {
    const key = heap.pop();
    const left = key % POSITIONS;
    // stale: the pair now at `left` is not the one queued (a merge changed or removed it)
    if (dead[left] || keyAt(left) !== key) continue;
    if (order === 'leftmost') {
      merge(left);
      offer(prev[left]!);
      offer(left);
      continue;
    }
    // every-occurrence: this pair and every other occurrence of the same rule (same priority) that
    // was there when the pass began, left to right — the heap yields them by position. Pairs the
    // pass creates are queued after it, as the textbook loop sees them only on its next scan.
    const priority = key - left;
    passes++;
    merged.length = 0;
    let k = key;
    for (;;) {
      const at = k % POSITIONS;
      const fresh = !dead[at] && pass[at] !== passes && pass[next[at]!] !== passes && keyAt(at) === k;
      if (fresh) {
        merge(at);
        pass[at] = passes;
        merged.push(at);
      }
      if (heap.size === 0 || heap.peek() - (heap.peek() % POSITIONS) !== priority) break;
      k = heap.pop();
    }
    for (const node of merged) {
      // (prev, node) is queued by prev itself when prev also merged in this pass
      if (prev[node]! >= 0 && pass[prev[node]!] !== passes) offer(prev[node]!);
      offer(node);
    }
  }
  const out: number[] = [];
  for (let i = 0; i >= 0; i = next[i]!) out.push(sym[i]!);
  return out;
}

/** A binary min-heap of numbers in a growable Float64Array. */
class KeyHeap {
  private keys = new Float64Array(16);
  size = 0;

  /** Appends without ordering (call `heapify` once after the first batch). Negative keys are dropped. */
  add(key: number): void {
    if (key < 0) return;
    if (this.size === this.keys.length) {
      const bigger = new Float64Array(2 * this.keys.length);
      bigger.set(this.keys);
      this.keys = bigger;
    }
    this.keys[this.size++] = key;
  }

  /** Orders what `add` appended: O(n), bottom-up (Floyd). */
  heapify(): void {
    for (let i = (this.size >> 1) - 1; i >= 0; i--) this.down(i);
  }

  push(key: number): void {
    this.add(key);
    // sift up: parents larger than the key move down into the hole
    const h = this.keys;
    let i = this.size - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (h[parent]! <= key) break;
      h[i] = h[parent]!;
      i = parent;
    }
    h[i] = key;
  }

  peek(): number {
    return this.keys[0]!;
  }

  pop(): number {
    const h = this.keys;
    const top = h[0]!;
    this.size--;
    if (this.size > 0) {
      h[0] = h[this.size]!;
      this.down(0);
    }
    return top;
  }

  /** Sift down: smaller children move up into the hole. */
  private down(i: number): void {
    const h = this.keys;
    const n = this.size;
    const key = h[i]!;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const c = l + 1 < n && h[l + 1]! < h[l]! ? l + 1 : l;
      if (h[c]! >= key) break;
      h[i] = h[c]!;
      i = c;
    }
    h[i] = key;
  }
}
