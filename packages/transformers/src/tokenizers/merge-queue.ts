/**
 * The encoding loop shared by every merge-based tokenizer here — basic-bpe.ts (minbpe), bpe.ts
 * (GPT-2) and sentencepiece-bpe.ts (llama2.c) — in O(n log n) instead of the textbook O(n²).
 *
 * The textbook loop (minbpe `encode`, GPT-2 `bpe()`, run.c `encode`) rescans every adjacent pair
 * after each merge: one merge costs O(n), and a text of n symbols can need n − 1 merges, so a 1 MB
 * word without spaces takes minutes. Here (as Hugging Face tokenizers' `Word::merge_all` and
 * SentencePiece's `bpe_model.cc`):
 *   - the symbols are a doubly linked list (`prev`, `next`), so merging two neighbours is O(1); a
 *     merge keeps its left node, so the input index of a pair's left symbol orders pairs as the list;
 *   - the pairs that can merge wait in a priority queue; a merge only creates the two pairs around
 *     the new symbol; pairs it destroyed stay queued and are skipped when their turn comes (the pair
 *     now at that position no longer has that priority).
 * Every merge queues at most two pairs, so < 3n entries: O(n log n) time, O(n) memory.
 *
 * Two orders, exactly those of the reference loops (merge-queue.test.ts compares them id for id):
 *   'every-occurrence' (minbpe, GPT-2): take the lowest-priority pair, merge **all** its
 *       occurrences left to right (non-overlapping: "aaa" → "aa a"), then look again. The queue is
 *       a bucket per priority (the positions of its pairs, sorted when a pass takes them) and a heap
 *       of the priorities present: one pass reads its bucket in order, which keeps a 1 MB text
 *       within the processor's caches.
 *   'leftmost' (llama2.c run.c): merge only the leftmost occurrence of the best pair, then look
 *       again. The queue is one heap of keys = priority · 2^24 + position.
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
  const list = new SymbolList(ids, rules);
  if (order === 'leftmost') mergeLeftmost(list);
  else mergeEveryOccurrence(list);
  return list.toArray();
}

/**
 * The symbols as a doubly linked list over their input positions. Each node's four fields lie side
 * by side in one Int32Array (16 bytes: a cache line holds four nodes): symbol, prev, next, and a
 * mark — −1 once the node is merged into its left neighbour, otherwise the number of the
 * every-occurrence pass in which it last absorbed its right neighbour (0: never).
 */
class SymbolList {
  readonly length: number;
  private readonly d: Int32Array;

  constructor(
    ids: ArrayLike<number>,
    readonly rules: MergeRules,
  ) {
    const n = ids.length;
    this.length = n;
    this.d = new Int32Array(4 * n);
    for (let i = 0; i < n; i++) {
      this.d[4 * i] = ids[i]!;
      this.d[4 * i + 1] = i - 1;
      this.d[4 * i + 2] = i + 1 < n ? i + 1 : -1;
    }
  }

  prev(i: number): number {
    return this.d[4 * i + 1]!;
  }

  next(i: number): number {
    return this.d[4 * i + 2]!;
  }

  mark(i: number): number {
    return this.d[4 * i + 3]!;
  }

  setMark(i: number, pass: number): void {
    this.d[4 * i + 3] = pass;
  }

  /** The priority of the pair starting at node `left` now, or −1 when there is none or it does not merge. */
  priorityAt(left: number): number {
    if (left < 0) return -1;
    const d = this.d;
    const right = d[4 * left + 2]!;
    if (right < 0 || d[4 * left + 3] === -1) return -1;
    const rule = this.rules.find(d[4 * left]!, d[4 * right]!);
    return rule < 0 ? -1 : this.rules.priority(rule);
  }

  /** `left` absorbs its right neighbour: its symbol becomes the merged id; the neighbour leaves. */
  merge(left: number): void {
    const d = this.d;
    const right = d[4 * left + 2]!;
    d[4 * left] = this.rules.result(this.rules.find(d[4 * left]!, d[4 * right]!));
    d[4 * right + 3] = -1;
    const after = d[4 * right + 2]!;
    d[4 * left + 2] = after;
    if (after >= 0) d[4 * after + 1] = left;
  }

  toArray(): number[] {
    const out: number[] = [];
    for (let i = 0; i >= 0; i = this.d[4 * i + 2]!) out.push(this.d[4 * i]!);
    return out;
  }
}

/** run.c: one merge at a time, the best pair first, the leftmost on ties — a heap of packed keys. */
function mergeLeftmost(list: SymbolList): void {
  const keyAt = (left: number) => {
    const p = list.priorityAt(left);
    return p < 0 ? -1 : p * POSITIONS + left;
  };
  const heap = new KeyHeap();
  for (let i = 0; i + 1 < list.length; i++) heap.add(keyAt(i));
  heap.heapify();
  while (heap.size > 0) {
    const key = heap.pop();
    const left = key % POSITIONS;
    if (keyAt(left) !== key) continue; // stale: a merge changed or removed this pair
    list.merge(left);
    heap.push(keyAt(list.prev(left)));
    heap.push(keyAt(left));
  }
}

/**
 * minbpe / GPT-2: each pass merges every occurrence of the lowest priority present, left to right,
 * counting only the pairs that were there when the pass began (the textbook loop builds its next
 * list from the old one); the pairs a pass creates are queued after it.
 */
function mergeEveryOccurrence(list: SymbolList): void {
  const buckets = new Map<number, number[]>();
  const priorities = new KeyHeap();
  const offer = (left: number) => {
    const p = list.priorityAt(left);
    if (p < 0) return;
    const bucket = buckets.get(p);
    if (bucket) bucket.push(left);
    else {
      buckets.set(p, [left]);
      priorities.push(p);
    }
  };
  for (let i = 0; i + 1 < list.length; i++) offer(i);
  let passes = 0;
  const merged: number[] = [];
  while (priorities.size > 0) {
    const p = priorities.pop();
    const bucket = buckets.get(p)!;
    buckets.delete(p);
    let sorted = true;
    for (let i = 1; i < bucket.length && sorted; i++) sorted = bucket[i - 1]! <= bucket[i]!;
    const positions = sorted ? bucket : Int32Array.from(bucket).sort();
    passes++;
    merged.length = 0;
    for (const left of positions) {
      // stale, merged already in this pass, or its right neighbour is new in this pass
      const right = list.next(left);
      if (
        list.mark(left) === passes ||
        (right >= 0 && list.mark(right) === passes) ||
        list.priorityAt(left) !== p
      )
        continue;
      list.merge(left);
      list.setMark(left, passes);
      merged.push(left);
    }
    for (const node of merged) {
      const before = list.prev(node);
      // (before, node) is queued by `before` itself when it merged in this pass too
      if (before >= 0 && list.mark(before) !== passes) offer(before);
      offer(node);
    }
  }
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

  /** Adds a key (a negative one is dropped). */
  push(key: number): void {
    if (key < 0) return;
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
