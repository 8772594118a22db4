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
 *     merge keeps its left node;
 *   - a merge only creates the two pairs around the new symbol; pairs it destroyed stay in the heap
 *     and are skipped when popped (each node has a version, bumped whenever it changes or dies).
 * Every merge pushes at most two pairs, so the heap holds < 3n entries: O(n log n) time, O(n) memory.
 *
 * Two orders, exactly those of the reference loops (their tests compare the results id for id):
 *   'every-occurrence' (minbpe, GPT-2): take the lowest-priority pair, merge **all** its
 *       occurrences left to right (non-overlapping: "aaa" → "aa a"), then look again;
 *   'leftmost' (llama2.c run.c): merge only the leftmost occurrence of the best pair, then look again.
 * They differ only when a merge can create a pair that ranks before the one being merged (possible
 * in a hand-written merge list, never in a trained one).
 */

/** How pairs merge: `find` names the rule for (a, b), or −1 when the pair does not merge. */
export interface MergeRules {
  /** A handle for the rule merging (a, b) — a rank, or the merged piece's id — or −1. */
  find(a: number, b: number): number;
  /** Lower merges first (a rank; a negated score). */
  priority(rule: number): number;
  /** The id of the merged symbol. */
  result(rule: number): number;
}

/**
 * Applies `rules` to `ids` until no adjacent pair merges; returns the remaining ids in order.
 *
 *   mergeSymbols([97, 97, 97], { find: (a, b) => (a === 97 && b === 97 ? 0 : -1), priority: (r) => r, result: () => 256 }, 'every-occurrence')
 *   // [256, 97]
 */
export function mergeSymbols(
  ids: ArrayLike<number>,
  rules: MergeRules,
  order: 'every-occurrence' | 'leftmost',
): number[] {
  const n = ids.length;
  if (n < 2) return Array.from(ids);
  const sym = Int32Array.from(ids);
  const prev = new Int32Array(n);
  const next = new Int32Array(n);
  const version = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    prev[i] = i - 1;
    next[i] = i + 1 < n ? i + 1 : -1;
  }
  const heap = new PairHeap();
  // Queues the pair (left, next[left]) if it merges.
  const offer = (left: number) => {
    if (left < 0) return;
    const right = next[left]!;
    if (right < 0) return;
    const rule = rules.find(sym[left]!, sym[right]!);
    if (rule >= 0) heap.push(rules.priority(rule), left, right, version[left]!, version[right]!, rule);
  };
  for (let i = 0; i + 1 < n; i++) offer(i);

  // A popped pair is still there if neither of its nodes changed since it was pushed.
  const live = () => version[heap.left] === heap.leftVersion && version[heap.right] === heap.rightVersion;
  // left absorbs right: sym[left] = merged; right leaves the list.
  const merge = (left: number, right: number, rule: number) => {
    sym[left] = rules.result(rule);
    version[left]!++;
    version[right]!++;
    const after = next[right]!;
    next[left] = after;
    if (after >= 0) prev[after] = left;
  };

  const merged: number[] = [];
  while (heap.pop()) {
    if (!live()) continue;
    if (order === 'leftmost') {
      const left = heap.left;
      merge(left, heap.right, heap.rule);
      offer(prev[left]!);
      offer(left);
      continue;
    }
    // every-occurrence: this pair and every other live occurrence of the same rule, left to right
    // (the heap yields equal priorities by position); new pairs are offered only after the pass.
    // A node merged in the pass stays alive through it: a later pair holding it is stale.
    const rule = heap.rule;
    merged.length = 0;
    for (;;) {
      if (live()) {
        merge(heap.left, heap.right, rule);
        merged.push(heap.left);
      }
      if (heap.size === 0 || heap.peekRule() !== rule) break;
      heap.pop();
    }
    for (const node of merged) {
      offer(prev[node]!);
      offer(node);
    }
  }
  const out: number[] = [];
  for (let i = 0; i >= 0; i = next[i]!) out.push(sym[i]!);
  return out;
}

/** Numbers per heap entry: priority, left, right, left's version, right's version, rule. */
const STRIDE = 6;

/**
 * A binary min-heap of pairs keyed by (priority, left position), flat in one array. `pop()` moves
 * the smallest entry into the fields `left`, `right`, `rule`, `leftVersion`, `rightVersion`.
 */
class PairHeap {
  private readonly d: number[] = [];
  private readonly hole = new Float64Array(STRIDE);
  left = 0;
  right = 0;
  leftVersion = 0;
  rightVersion = 0;
  rule = 0;

  get size(): number {
    return this.d.length / STRIDE;
  }

  push(priority: number, left: number, right: number, lv: number, rv: number, rule: number): void {
    this.d.push(priority, left, right, lv, rv, rule);
    this.up(this.size - 1);
  }

  /** The rule of the smallest entry (the heap is not empty). */
  peekRule(): number {
    return this.d[5]!;
  }

  pop(): boolean {
    const d = this.d;
    if (d.length === 0) return false;
    this.left = d[1]!;
    this.right = d[2]!;
    this.leftVersion = d[3]!;
    this.rightVersion = d[4]!;
    this.rule = d[5]!;
    const last = d.length - STRIDE;
    for (let k = 0; k < STRIDE; k++) d[k] = d[last + k]!;
    d.length = last;
    if (last > 0) this.down(0);
    return true;
  }

  /** Entry i (in `d`, or the hole when i < 0) sorts before entry j. */
  private before(i: number, j: number): boolean {
    const d = this.d;
    const pi = i < 0 ? this.hole[0]! : d[i * STRIDE]!;
    const pj = d[j * STRIDE]!;
    if (pi !== pj) return pi < pj;
    return (i < 0 ? this.hole[1]! : d[i * STRIDE + 1]!) < d[j * STRIDE + 1]!;
  }

  private copy(from: number, to: number): void {
    const d = this.d;
    for (let k = 0; k < STRIDE; k++) d[to * STRIDE + k] = d[from * STRIDE + k]!;
  }

  /** Sift entry i up: parents after it move down, then it fills the hole. */
  private up(i: number): void {
    const d = this.d;
    for (let k = 0; k < STRIDE; k++) this.hole[k] = d[i * STRIDE + k]!;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(-1, parent)) break;
      this.copy(parent, i);
      i = parent;
    }
    for (let k = 0; k < STRIDE; k++) d[i * STRIDE + k] = this.hole[k]!;
  }

  /** Sift entry i down: smaller children move up, then it fills the hole. */
  private down(i: number): void {
    const d = this.d;
    const n = this.size;
    for (let k = 0; k < STRIDE; k++) this.hole[k] = d[i * STRIDE + k]!;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const c = l + 1 < n && this.before(l + 1, l) ? l + 1 : l;
      if (this.before(-1, c)) break;
      this.copy(c, i);
      i = c;
    }
    for (let k = 0; k < STRIDE; k++) d[i * STRIDE + k] = this.hole[k]!;
  }
}
