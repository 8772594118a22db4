/**
 * Character-level tokenizer — the one idea: **a token is one character** (one Unicode code point),
 * as in Karpathy's "Let's build GPT" lesson on tiny Shakespeare (`chars = sorted(list(set(text)))`,
 * `stoi`, `itos`). The vocabulary is every distinct code point of the training text, sorted by
 * code point; special tokens, if any, come first.
 *
 *   const tok = new CharTokenizer().train('hello world');
 *   tok.encode('hell')           // [3, 2, 4, 4]
 *   tok.tokenize('hell')         // ['h', 'e', 'l', 'l']
 *   tok.decode([3, 2, 4, 4])     // 'hell'
 *
 * An unseen character is an error naming it and its index, unless an `unk` token is configured.
 * Round trip: decode(encode(x)) === x for every text over the training alphabet (special tokens
 * included); with `unk`, an unseen character comes back as the unk piece. Linear time; texts longer
 * than `MAX_TEXT_LENGTH` are refused (base.ts).
 * Left out: normalisation (NFC vs NFD are different characters here, as in the lesson).
 */
import { checkJson, parseJson, shape } from '@firth/numeric';
import {
  checkIds,
  checkText,
  FormatError,
  splitOnSpecialTokens,
  type TrainableTokenizer,
  ValidationError,
  Vocabulary,
} from './base.js';

export interface CharTokenizerOptions {
  /**
   * Piece that stands for any character not seen in training (e.g. `'<unk>'`); it gets id 0.
   * @default undefined — an unseen character throws, so a lesson never hides a data bug
   */
  unk?: string | undefined;
  /**
   * Tokens kept whole when they appear in the text (e.g. `'<|endoftext|>'`); ids after `unk`.
   * @default [] — the lesson's tokenizer has none
   */
  specialTokens?: readonly string[];
}

/** Saved form of a trained {@link CharTokenizer}. */
export interface CharTokenizerJSON {
  type: 'CharTokenizer';
  unk: string | null;
  specialTokens: string[];
  /** id → piece. */
  vocab: string[];
}

export class CharTokenizer implements TrainableTokenizer {
  readonly unk: string | undefined;
  readonly specialTokens: readonly string[];
  /** Learned by `train`: id → character (`itos`) and character → id (`stoi`). */
  vocab = new Vocabulary([]);

  constructor(options: CharTokenizerOptions = {}) {
    this.unk = options.unk;
    this.specialTokens = [...(options.specialTokens ?? [])];
  }

  /**
   * Learns the vocabulary: the sorted distinct code points of `text`. `vocabSize` does not apply
   * (the text decides it); pass it to check that the text yields exactly that many ids.
   */
  train(text: string, vocabSize?: number): this {
    checkText(text);
    const specials = [...(this.unk === undefined ? [] : [this.unk]), ...this.specialTokens];
    // chars = sorted(set(text)) — by code point, so '😀' (U+1F600) sorts after 'z'
    const chars = new Set<string>();
    for (const seg of splitOnSpecialTokens(text, specials))
      if (!seg.special) for (const c of seg.text) chars.add(c);
    const sorted = [...chars].sort((a, b) => a.codePointAt(0)! - b.codePointAt(0)!);
    this.vocab = new Vocabulary([...specials, ...sorted]);
    if (vocabSize !== undefined && vocabSize !== this.vocab.size)
      throw new ValidationError(
        `the text has ${sorted.length} distinct characters, so the vocabulary has ${this.vocab.size} ids, not ${vocabSize}`,
        'vocabSize',
      );
    return this;
  }

  get vocabSize(): number {
    return this.vocab.size;
  }

  /** Empty text → `[]`. */
  encode(text: string): number[] {
    return this.tokenize(text).map((piece) => this.vocab.idOf(piece)!);
  }

  tokenize(text: string): string[] {
    checkText(text);
    this.checkTrained();
    const specials = [...(this.unk === undefined ? [] : [this.unk]), ...this.specialTokens];
    const out: string[] = [];
    let offset = 0; // index into `text` (UTF-16 units, as `text.slice` counts)
    for (const seg of splitOnSpecialTokens(text, specials)) {
      if (seg.special) {
        out.push(seg.text);
        offset += seg.text.length;
        continue;
      }
      for (const c of seg.text) {
        if (this.vocab.idOf(c) !== undefined) out.push(c);
        else if (this.unk !== undefined) out.push(this.unk);
        else throw unknownCharacter(c, offset);
        offset += c.length;
      }
    }
    return out;
  }

  decode(ids: readonly number[]): string {
    checkIds(ids, this.vocab.size);
    return ids.map((id) => this.vocab.pieces[id]!).join('');
  }

  idToToken(id: number): string | undefined {
    return this.vocab.pieceOf(id);
  }

  tokenToId(token: string): number | undefined {
    return this.vocab.idOf(token);
  }

  toJSON(): CharTokenizerJSON {
    return {
      type: 'CharTokenizer',
      unk: this.unk ?? null,
      specialTokens: [...this.specialTokens],
      vocab: [...this.vocab.pieces],
    };
  }

  /**
   * Loads what `toJSON` wrote (an object or its JSON text). The vocabulary must be the `unk` piece
   * and the special tokens, in that order, then distinct single characters: otherwise a
   * FormatError names the entry.
   */
  static fromJSON(json: CharTokenizerJSON | string, file = 'CharTokenizer JSON'): CharTokenizer {
    const j = typeof json === 'string' ? parseJson(json, file) : json;
    if ((j as { type?: unknown } | null)?.type !== 'CharTokenizer')
      throw new FormatError(
        file,
        '$.type',
        'must be "CharTokenizer": not a saved CharTokenizer (expected type "CharTokenizer" and a vocab array)',
      );
    const checked = checkJson(j, CHAR_TOKENIZER_JSON, file);
    const tok = new CharTokenizer({
      unk: checked.unk ?? undefined,
      specialTokens: checked.specialTokens ?? [],
    });
    const specials = [...(tok.unk === undefined ? [] : [tok.unk]), ...tok.specialTokens];
    const seen = new Map<string, number>();
    checked.vocab.forEach((piece, id) => {
      const where = `$.vocab[${id}]`;
      if (id < specials.length && piece !== specials[id])
        throw new FormatError(
          file,
          where,
          `must be the special token ${JSON.stringify(specials[id])}, got ${JSON.stringify(piece)}`,
        );
      if (id >= specials.length && [...piece].length !== 1)
        throw new FormatError(file, where, `must be one character, got ${JSON.stringify(piece)}`);
      const first = seen.get(piece);
      if (first !== undefined)
        throw new FormatError(file, where, `repeats ${JSON.stringify(piece)} of $.vocab[${first}]`);
      seen.set(piece, id);
    });
    if (checked.vocab.length < specials.length)
      throw new FormatError(file, '$.vocab', `must start with the ${specials.length} special tokens`);
    tok.vocab = new Vocabulary(checked.vocab);
    return tok;
  }

  private checkTrained(): void {
    if (this.vocab.size === 0)
      throw new ValidationError('CharTokenizer is not trained; call train(text) first', 'vocab');
  }
}

const CHAR_TOKENIZER_JSON = shape.object({
  type: shape.literal('CharTokenizer'),
  unk: shape.optional(shape.nullable(shape.string({ nonEmpty: true }))),
  specialTokens: shape.optional(shape.array(shape.string({ nonEmpty: true }))),
  vocab: shape.array(shape.string({ nonEmpty: true })),
});

function unknownCharacter(c: string, index: number): ValidationError {
  const code = c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
  return new ValidationError(
    `unknown character ${JSON.stringify(c)} (U+${code}) at index ${index} of the text; it was not in the ` +
      'training text (pass `unk` to map unseen characters to one token)',
    `text[${index}]`,
  );
}
