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
 * Errors: `ValidationError(message, path)` from `@firth/numeric` (re-exported here).
 */

import { ValidationError } from '@firth/numeric';

/** Raised for bad input; the field names the offending value (e.g. `text[12]`, `model.vocab`). */
export { ValidationError };

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
 * their pieces as strings. The first id wins when a piece appears twice.
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

  /** Builds the id → piece table from a `{ piece: id }` object (Hugging Face's `model.vocab`). */
  static fromRecord(vocab: Record<string, number>, path = 'model.vocab'): Vocabulary {
    const pieces: string[] = [];
    for (const [piece, id] of Object.entries(vocab)) {
      if (!Number.isInteger(id) || id < 0)
        throw new ValidationError(
          `${path}[${JSON.stringify(piece)}] must be a non-negative integer id`,
          path,
        );
      if (pieces[id] !== undefined)
        throw new ValidationError(
          `${path} gives id ${id} to both ${JSON.stringify(pieces[id])} and ${JSON.stringify(piece)}`,
          path,
        );
      pieces[id] = piece;
    }
    for (let id = 0; id < pieces.length; id++)
      if (pieces[id] === undefined) throw new ValidationError(`${path} has no piece for id ${id}`, path);
    return new Vocabulary(pieces);
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

  /** `{ piece: id }`, as Hugging Face's `tokenizer.json` stores it. */
  toRecord(): Record<string, number> {
    const out: Record<string, number> = {};
    this.pieces.forEach((p, id) => {
      if (!(p in out)) out[p] = id;
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

/** Throws unless `text` is a string (the same message reaches n8n and LangChain users). */
export function checkText(text: unknown, path = 'text'): string {
  if (typeof text !== 'string')
    throw new ValidationError(`${path} must be a string, got ${typeof text}`, path);
  return text;
}
