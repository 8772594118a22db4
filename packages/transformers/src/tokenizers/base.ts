/**
 * The tokenizer contract, as in Karpathy's minbpe `base.py`: every tokenizer of the course turns
 * text into integer ids and back, and names its pieces.
 *
 *   encode(text)   → number[]   the ids a model reads
 *   decode(ids)    → string     the text they stand for
 *   tokenize(text) → string[]   the pieces, one per id (what a lesson prints)
 *   idToToken / tokenToId / vocabSize
 *   train(text, vocabSize)      where a vocabulary is learned (char, BPE, WordPiece)
 *
 * The idea this file adds: **special tokens** (`<|endoftext|>`, `[CLS]`, `<s>`) are matched in the
 * raw text first and kept whole, before any splitting — Hugging Face tokenizers' "added tokens".
 * Each variant then adds one idea: char.ts (characters), basic-bpe.ts (byte pair merges), bpe.ts
 * (GPT-2's regex + byte-to-unicode table), wordpiece.ts (BERT), sentencepiece-bpe.ts (llama2.c).
 *
 * Errors: `ValidationError(message, path)` from `@firth/numeric` (re-exported here) for bad input,
 * its subclass `FormatError(file, where, problem)` for a bad tokenizer file. Nothing else escapes.
 *
 * Limits. Every public `encode` / `tokenize` / `train` accepts at most `MAX_TEXT_LENGTH` (4 Mi
 * UTF-16 units, from `@firth/numeric`) and refuses a longer text at once, before any work, with a
 * ValidationError naming its length and the limit. Up to that size every tokenizer runs in
 * O(n log n) time or better (the merge loops: merge-queue.ts) and never recurses or spreads an
 * argument list in proportion to the text, so a 1 MB word without spaces encodes in well under a
 * second and cannot overflow the call stack.
 */

import { checkTextLength, FormatError, MAX_TEXT_LENGTH, ValidationError } from '@firth/numeric';

/** Raised for bad input; the field names the offending value (e.g. `text[12]`, `model.vocab`). */
export { FormatError, MAX_TEXT_LENGTH, ValidationError };

/** What every tokenizer answers. */
export interface Tokenizer {
  /** Number of ids, special tokens included. */
  readonly vocabSize: number;
  encode(text: string): number[];
  decode(ids: readonly number[]): string;
  tokenize(text: string): string[];
  /** The piece an id stands for; `undefined` outside the vocabulary. */
  idToToken(id: number): string | undefined;
  /** The id of a piece; `undefined` if it is not in the vocabulary. */
  tokenToId(token: string): number | undefined;
}

/** A tokenizer that learns its vocabulary from text (scikit-learn's `fit`, minbpe's `train`). */
export interface TrainableTokenizer extends Tokenizer {
  train(text: string, vocabSize: number): this;
}

/** A stretch of text: either ordinary text or one whole special token. */
export interface TextSegment {
  text: string;
  special: boolean;
}

/**
 * Splits `text` around the special tokens it contains, longest match first, so that
 * `<|endoftext|>` is never cut into `<`, `|`, `endo`… by the ordinary tokenizer.
 *
 *   splitOnSpecialTokens('a<|endoftext|>b', ['<|endoftext|>'])
 *   // [{ text: 'a', special: false }, { text: '<|endoftext|>', special: true }, { text: 'b', special: false }]
 */
export function splitOnSpecialTokens(text: string, specials: readonly string[]): TextSegment[] {
  const live = specials.filter((s) => s.length > 0);
  if (live.length === 0) return text.length > 0 ? [{ text, special: false }] : [];
  // Longest first, so that `<|a|b|>` wins over `<|a` when both are special.
  const sorted = [...live].sort((a, b) => b.length - a.length);
  const pattern = new RegExp(sorted.map(escapeRegExp).join('|'), 'gu');
  const out: TextSegment[] = [];
  let last = 0;
  for (const m of text.matchAll(pattern)) {
    if (m.index > last) out.push({ text: text.slice(last, m.index), special: false });
    out.push({ text: m[0], special: true });
    last = m.index + m[0].length;
  }
  if (last < text.length) out.push({ text: text.slice(last), special: false });
  return out;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

/**
 * A vocabulary as two lookups, id → piece and piece → id, shared by the variants that store
 * their pieces as strings. The first id wins when a piece appears twice (a trained vocabulary;
 * the file loaders refuse repeated pieces).
 */
export class Vocabulary {
  readonly pieces: string[];
  private readonly ids = new Map<string, number>();

  constructor(pieces: readonly string[]) {
    this.pieces = [...pieces];
    this.pieces.forEach((p, id) => {
      if (!this.ids.has(p)) this.ids.set(p, id);
    });
  }

  /**
   * Builds the id → piece table from `{ piece: id }` entries (Hugging Face's `model.vocab`, GPT-2's
   * `vocab.json`). The ids must be exactly 0..n−1, each once; otherwise a FormatError names the
   * first id given twice or the first id missing. O(n), whatever the ids claim.
   */
  static fromEntries(
    entries: Iterable<readonly [string, number]>,
    file = 'tokenizer.json',
    where = '$.model.vocab',
  ): Vocabulary {
    const list = [...entries];
    const pieces: Array<string | undefined> = new Array(list.length).fill(undefined);
    for (const [piece, id] of list) {
      if (!Number.isInteger(id) || id < 0)
        throw new FormatError(
          file,
          `${where}[${JSON.stringify(piece)}]`,
          `must be an integer id ≥ 0, got ${id}`,
        );
      if (id >= list.length) continue; // then some id below n is missing: reported below
      if (pieces[id] !== undefined)
        throw new FormatError(
          file,
          where,
          `gives id ${id} to both ${JSON.stringify(pieces[id])} and ${JSON.stringify(piece)}`,
        );
      pieces[id] = piece;
    }
    const missing = pieces.indexOf(undefined);
    if (missing >= 0)
      throw new FormatError(
        file,
        where,
        `has no piece for id ${missing} (${list.length} pieces must hold the ids 0..${list.length - 1})`,
      );
    return new Vocabulary(pieces as string[]);
  }

  /** {@link fromEntries} of a `{ piece: id }` object. */
  static fromRecord(
    vocab: Record<string, number>,
    file = 'tokenizer.json',
    where = '$.model.vocab',
  ): Vocabulary {
    return Vocabulary.fromEntries(Object.entries(vocab), file, where);
  }

  get size(): number {
    return this.pieces.length;
  }

  idOf(piece: string): number | undefined {
    return this.ids.get(piece);
  }

  pieceOf(id: number): string | undefined {
    return Number.isInteger(id) ? this.pieces[id] : undefined;
  }

  /**
   * `{ piece: id }`, as Hugging Face's `tokenizer.json` stores it. A prototype-free object, so that
   * pieces such as "constructor" or "__proto__" are written like any other.
   */
  toRecord(): Record<string, number> {
    const out: Record<string, number> = Object.create(null);
    this.pieces.forEach((p, id) => {
      if (!Object.hasOwn(out, p)) out[p] = id;
    });
    return out;
  }
}

/** Throws unless every id is an integer in [0, vocabSize); names the first bad one. */
export function checkIds(ids: readonly number[], vocabSize: number): void {
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!;
    if (!Number.isInteger(id) || id < 0 || id >= vocabSize)
      throw new ValidationError(
        `ids[${i}] = ${id} is not an id of this vocabulary (0..${vocabSize - 1})`,
        `ids[${i}]`,
      );
  }
}

/**
 * Throws unless `text` is a string of at most `MAX_TEXT_LENGTH` UTF-16 units (the same message
 * reaches n8n and LangChain users); checked before any work, so a 5 MB text fails at once.
 */
export function checkText(text: unknown, path = 'text'): string {
  return checkTextLength(text, path);
}
