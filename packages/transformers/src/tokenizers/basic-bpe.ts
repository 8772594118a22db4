/**
 * Basic byte pair encoding, as Karpathy's minbpe `basic.py` — the one idea: **start from the 256
 * byte values and repeatedly merge the most frequent adjacent pair into a new token** (Gage 1994;
 * Sennrich et al. 2016 for subwords). No regex pre-splitting, no special tokens: that is bpe.ts.
 *
 * Wikipedia's example, replayed in basic-bpe.test.ts:
 *
 *   new BasicBPETokenizer().train('aaabdaaabac', 256 + 3)
 *   // merges (97,97)→256 "Z", (97,98)→257 "Y", (256,257)→258 "X"
 *   .encode('aaabdaaabac') // [258, 100, 258, 97, 99]   i.e. "XdXac"
 *
 * Ties. When two pairs are equally frequent, the **lowest pair wins** (smaller left id, then smaller
 * right id) — the rule of Hugging Face tokenizers' BpeTrainer (`Merge`'s `Ord`), and the one that
 * reproduces Wikipedia's "ab"→Y. minbpe instead takes the pair seen first in the text
 * (`max(stats, key=stats.get)` over an insertion-ordered dict): `tieBreak: 'first-occurrence'`.
 * On Wikipedia's text that rule merges "Za" then "Zab" instead — different merges, same final ids.
 *
 * Encoding replays the merges with a priority queue (merge-queue.ts): O(n log n) on any text, the
 * same ids as minbpe's loop. Round trip: decode(encode(x)) === x for every well-formed string (UTF-8
 * is lossless); a lone UTF-16 surrogate becomes U+FFFD, as `TextEncoder` writes it. Texts longer than
 * `MAX_TEXT_LENGTH` are refused (base.ts).
 */
import { checkJson, parseJson, shape } from '@firth/numeric';
import { checkIds, checkText, FormatError, type TrainableTokenizer, ValidationError } from './base.js';
import { mergeSymbols } from './merge-queue.js';

/** How to choose between equally frequent pairs during training. */
export type TieBreak = 'lowest-pair' | 'first-occurrence';

/** A pre-split word and how many times it occurs (training counts each distinct word once). */
export interface WordCount {
  ids: number[];
  count: number;
}

/** A pair (a, b) packed into one Map key; ids stay below 2^21, so a·2^21 + b is exact. */
const PAIR = 2 ** 21;
const pairKey = (a: number, b: number): number => a * PAIR + b;

/**
 * The BPE training loop, shared by basic-bpe.ts and bpe.ts: `numMerges` times, count adjacent
 * pairs over all words and replace the most frequent pair by a new id (`firstNewId`, +1, …).
 * Stops early when no pair is left (every word is a single token).
 */
export function learnMerges(
  words: readonly WordCount[],
  numMerges: number,
  firstNewId: number,
  tieBreak: TieBreak = 'lowest-pair',
): Array<[number, number]> {
  const ws = words.map((w) => ({ ids: [...w.ids], count: w.count }));
  const merges: Array<[number, number]> = [];
  for (let i = 0; i < numMerges; i++) {
    // stats[(a, b)] = Σ_words count(word) · #occurrences of "a b" in word   (Map order = first occurrence)
    const stats = new Map<number, number>();
    for (const w of ws)
      for (let j = 0; j + 1 < w.ids.length; j++) {
        const k = pairKey(w.ids[j]!, w.ids[j + 1]!);
        stats.set(k, (stats.get(k) ?? 0) + w.count);
      }
    let best = -1;
    let bestCount = 0;
    for (const [k, c] of stats) {
      // first-occurrence: only a strictly larger count replaces; lowest-pair: also a smaller key on a tie
      if (c > bestCount || (c === bestCount && tieBreak === 'lowest-pair' && k < best)) {
        best = k;
        bestCount = c;
      }
    }
    if (best < 0) break;
    const pair: [number, number] = [Math.floor(best / PAIR), best % PAIR];
    const newId = firstNewId + i;
    for (const w of ws) w.ids = mergePair(w.ids, pair, newId);
    merges.push(pair);
  }
  return merges;
}

/** Replaces every non-overlapping occurrence of `pair`, left to right, by `newId` (minbpe `merge`). */
export function mergePair(ids: readonly number[], pair: readonly [number, number], newId: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < ids.length; i++) {
    if (i + 1 < ids.length && ids[i] === pair[0] && ids[i + 1] === pair[1]) {
      out.push(newId);
      i++;
    } else out.push(ids[i]!);
  }
  return out;
}

/**
 * Encodes byte ids by replaying merges in the order they were learned (minbpe `encode`): while
 * some adjacent pair has a merge, merge every occurrence of the pair with the lowest rank (= learned
 * earliest). Through the priority queue of merge-queue.ts: O(n log n), the same ids as the loop.
 */
export function applyMerges(
  ids: ArrayLike<number>,
  ranks: ReadonlyMap<number, number>,
  firstNewId: number,
): number[] {
  return mergeSymbols(
    ids,
    {
      find: (a, b) => ranks.get(pairKey(a, b)) ?? -1,
      priority: (rank) => rank,
      result: (rank) => firstNewId + rank,
    },
    'every-occurrence',
  );
}

/** `merges[i] = (a, b)` → a lookup pair → rank i. */
export function mergeRanks(merges: ReadonlyArray<readonly [number, number]>): Map<number, number> {
  return new Map(merges.map(([a, b], i) => [pairKey(a, b), i]));
}

const utf8 = new TextEncoder();
// invalid bytes → U+FFFD, as minbpe's errors="replace"; a leading U+FEFF is text, not a BOM to drop
const utf8Decoder = new TextDecoder('utf-8', { ignoreBOM: true });

export interface BasicBPEOptions {
  /** @default 'lowest-pair' — Hugging Face's rule; reproduces Wikipedia's example */
  tieBreak?: TieBreak;
}

/** Saved form of a trained {@link BasicBPETokenizer} (minbpe's `.model` file, as JSON). */
export interface BasicBPEJSON {
  type: 'BasicBPE';
  tieBreak: TieBreak;
  /** merges[i] = [a, b] made id 256 + i. */
  merges: Array<[number, number]>;
}

export class BasicBPETokenizer implements TrainableTokenizer {
  readonly tieBreak: TieBreak;
  /** Learned by `train`: merges[i] = (a, b) → new id 256 + i. */
  merges: Array<[number, number]> = [];
  /** id → the bytes it stands for (256 single bytes, then one entry per merge). */
  vocabBytes: Uint8Array[] = Array.from({ length: 256 }, (_, b) => Uint8Array.of(b));
  private ranks = new Map<number, number>();

  constructor(options: BasicBPEOptions = {}) {
    this.tieBreak = options.tieBreak ?? 'lowest-pair';
  }

  /** Learns `vocabSize - 256` merges from the UTF-8 bytes of `text`. */
  train(text: string, vocabSize: number): this {
    checkText(text);
    if (!Number.isInteger(vocabSize) || vocabSize < 256)
      throw new ValidationError(
        `vocabSize must be an integer ≥ 256 (the byte values), got ${vocabSize}`,
        'vocabSize',
      );
    const ids = Array.from(utf8.encode(text));
    this.setMerges(learnMerges([{ ids, count: 1 }], vocabSize - 256, 256, this.tieBreak));
    return this;
  }

  get vocabSize(): number {
    return this.vocabBytes.length;
  }

  encode(text: string): number[] {
    checkText(text);
    return applyMerges(utf8.encode(text), this.ranks, 256);
  }

  decode(ids: readonly number[]): string {
    checkIds(ids, this.vocabSize);
    return utf8Decoder.decode(concatBytes(ids.map((id) => this.vocabBytes[id]!)));
  }

  /** Pieces as text; a piece that is part of a multi-byte character shows as U+FFFD. */
  tokenize(text: string): string[] {
    return this.encode(text).map((id) => this.idToToken(id)!);
  }

  idToToken(id: number): string | undefined {
    const bytes = Number.isInteger(id) ? this.vocabBytes[id] : undefined;
    return bytes === undefined ? undefined : utf8Decoder.decode(bytes);
  }

  /** The id whose bytes are exactly the UTF-8 of `token`. */
  tokenToId(token: string): number | undefined {
    const ids = this.encode(token);
    return ids.length === 1 ? ids[0] : undefined;
  }

  toJSON(): BasicBPEJSON {
    return { type: 'BasicBPE', tieBreak: this.tieBreak, merges: this.merges.map(([a, b]) => [a, b]) };
  }

  /** Loads what `toJSON` wrote (an object or its JSON text); a bad file is a FormatError naming the field. */
  static fromJSON(json: BasicBPEJSON | string, file = 'BasicBPE JSON'): BasicBPETokenizer {
    const j = typeof json === 'string' ? parseJson(json, file) : json;
    if ((j as { type?: unknown } | null)?.type !== 'BasicBPE')
      throw new FormatError(
        file,
        '$.type',
        'must be "BasicBPE": not a saved BasicBPE tokenizer (expected type "BasicBPE" and merges)',
      );
    const checked = checkJson(j, BASIC_BPE_JSON, file);
    return new BasicBPETokenizer({ tieBreak: checked.tieBreak ?? 'lowest-pair' }).setMerges(
      checked.merges.map(([a, b]) => [a, b]),
      file,
    );
  }

  private setMerges(merges: Array<[number, number]>, file = 'merges'): this {
    const vocabBytes = this.vocabBytes.slice(0, 256);
    merges.forEach(([a, b], i) => {
      const left = vocabBytes[a];
      const right = vocabBytes[b];
      if (left === undefined || right === undefined)
        throw new FormatError(
          file,
          `$.merges[${i}]`,
          `= [${a}, ${b}] uses an id not defined before it (ids 0..${vocabBytes.length - 1})`,
        );
      vocabBytes.push(concatBytes([left, right]));
    });
    this.merges = merges;
    this.ranks = mergeRanks(merges);
    this.vocabBytes = vocabBytes;
    return this;
  }
}

/** The saved form, checked field by field (merges are new ids 256.., so at most 2^21 − 256 of them). */
const BASIC_BPE_JSON = shape.object({
  type: shape.literal('BasicBPE'),
  tieBreak: shape.optional(shape.literal('lowest-pair', 'first-occurrence')),
  merges: shape.array(shape.tuple(shape.integer({ min: 0 }), shape.integer({ min: 0 })), { max: PAIR - 256 }),
});

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
