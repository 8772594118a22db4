/**
 * llama2.c's tokenizer (Karpathy, `run.c` `encode`/`decode`, `tokenizer.py` export): a
 * SentencePiece BPE model (Kudo & Richardson 2018) as Llama 2 uses it. The one idea it adds over
 * bpe.ts: **merges are ranked by a learned score per piece, not by a merge list**, and characters
 * missing from the vocabulary fall back to **byte tokens** `<0x00>`..`<0xFF>` instead of a
 * byte-level alphabet. Pieces keep a leading space (SentencePiece's "▁", exported as " ").
 *
 * `tok512.bin` (little-endian), as `tokenizer.py` writes it:
 *   int32 max_token_length
 *   vocab_size × { float32 score, int32 len, len bytes of the piece (UTF-8) }
 * tinyllamas-stories260K: 512 pieces; 0 `<unk>`, 1 BOS (`\n<s>\n`), 2 EOS (`\n</s>\n`),
 * 3..258 the byte tokens `<0x00>`..`<0xFF>`, then merged pieces with scores 0, −1, −2, …
 *
 *   const tok = loadLlama2cTokenizer();
 *   tok.encode('Once upon a time') // BOS, then pieces such as ' Once', ' upon', ' a', ' time'
 *   tok.decode(tok.encode('Once upon a time')) // 'Once upon a time'
 *
 * Left out: SentencePiece's normalizer (NFKC), unigram models, sampling.
 */
import { readFileSync } from 'node:fs';
import { dataPath } from '@firth/datasets';
import { checkIds, checkText, type Tokenizer, ValidationError } from './base.js';

/** Ids fixed by llama2.c. */
export const LLAMA2C_UNK = 0;
export const LLAMA2C_BOS = 1;
export const LLAMA2C_EOS = 2;
/** Byte b is the piece `<0xBB>` with id b + 3. */
const BYTE_OFFSET = 3;

const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8');
/** Pieces are compared as byte strings (one char per byte), exactly as run.c's `strcmp`. */
const binary = (bytes: Uint8Array): string => String.fromCharCode(...bytes);

export interface SentencePieceEncodeOptions {
  /** Start with BOS (id 1). @default true — as run.c's generate() */
  bos?: boolean;
  /** End with EOS (id 2). @default false */
  eos?: boolean;
}

export class SentencePieceBPETokenizer implements Tokenizer {
  /** id → piece bytes, id → score, and the longest piece (the file's header). */
  readonly pieces: Uint8Array[];
  readonly scores: Float32Array;
  readonly maxTokenLength: number;
  /** Begin- and end-of-sequence ids (text generation stops at either, as llama2.c's run.c). */
  readonly bos = LLAMA2C_BOS;
  readonly eos = LLAMA2C_EOS;
  private readonly ids = new Map<string, number>();

  constructor(pieces: readonly Uint8Array[], scores: ArrayLike<number>, maxTokenLength?: number) {
    if (pieces.length !== scores.length)
      throw new ValidationError(`${pieces.length} pieces but ${scores.length} scores`, 'scores');
    this.pieces = [...pieces];
    this.scores = Float32Array.from(scores);
    this.maxTokenLength = maxTokenLength ?? Math.max(0, ...pieces.map((p) => p.length));
    // run.c looks pieces up by binary search in a sorted copy; with unique pieces a Map is the same.
    this.pieces.forEach((p, id) => {
      const k = binary(p);
      if (!this.ids.has(k)) this.ids.set(k, id);
    });
  }

  /**
   * Reads the llama2.c `tokenizer.bin` format. Every read is bounds-checked: a truncated file
   * names the entry and the byte offset where it ran out.
   */
  static fromBytes(bytes: Uint8Array, vocabSize = 512): SentencePieceBPETokenizer {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const need = (offset: number, n: number, what: string) => {
      if (offset + n > bytes.length)
        throw new ValidationError(
          `tokenizer file is truncated: ${what} needs ${n} bytes at byte offset ${offset}, but the file has ${bytes.length} bytes`,
          `offset ${offset}`,
        );
    };
    need(0, 4, 'the header (int32 max_token_length)');
    const maxTokenLength = view.getInt32(0, true);
    const pieces: Uint8Array[] = [];
    const scores: number[] = [];
    let o = 4;
    for (let i = 0; i < vocabSize; i++) {
      need(o, 8, `entry ${i} of ${vocabSize} (float32 score, int32 length)`);
      scores.push(view.getFloat32(o, true));
      const len = view.getInt32(o + 4, true);
      if (len < 0 || len > maxTokenLength)
        throw new ValidationError(
          `entry ${i} at byte offset ${o} has length ${len}, outside 0..${maxTokenLength} (max_token_length)`,
          `offset ${o + 4}`,
        );
      need(o + 8, len, `entry ${i} of ${vocabSize} (its ${len} piece bytes)`);
      pieces.push(bytes.slice(o + 8, o + 8 + len));
      o += 8 + len;
    }
    if (o !== bytes.length)
      throw new ValidationError(
        `tokenizer file has ${bytes.length - o} bytes after its ${vocabSize} entries; is vocabSize right?`,
        'vocabSize',
      );
    return new SentencePieceBPETokenizer(pieces, scores, maxTokenLength);
  }

  /** The same format back (`tokenizer.py`'s `export`). */
  toBytes(): Uint8Array {
    const size = 4 + this.pieces.reduce((n, p) => n + 8 + p.length, 0);
    const out = new Uint8Array(size);
    const view = new DataView(out.buffer);
    view.setInt32(0, this.maxTokenLength, true);
    let o = 4;
    this.pieces.forEach((p, i) => {
      view.setFloat32(o, this.scores[i]!, true);
      view.setInt32(o + 4, p.length, true);
      out.set(p, o + 8);
      o += 8 + p.length;
    });
    return out;
  }

  get vocabSize(): number {
    return this.pieces.length;
  }

  /**
   * run.c's `encode`. Empty text → just the BOS/EOS asked for (`[1]` by default).
   *   1. optional BOS;
   *   2. if the text is non-empty, the dummy prefix: the piece " " (SentencePiece's add_dummy_prefix);
   *   3. each UTF-8 code point → its piece, or byte fallback: one id (byte + 3) per byte;
   *   4. repeatedly merge the adjacent pair whose concatenation is a piece with the highest score
   *      (the first such pair on a tie) — BOS takes part, as in run.c, but "<s>"+… is never a piece;
   *   5. optional EOS.
   */
  encode(text: string, options: SentencePieceEncodeOptions = {}): number[] {
    checkText(text);
    const tokens: number[] = [];
    if (options.bos ?? true) tokens.push(LLAMA2C_BOS);
    if (text.length > 0) {
      const space = this.ids.get(' ');
      if (space === undefined)
        throw new ValidationError('the vocabulary has no " " piece for the dummy prefix', 'pieces');
      tokens.push(space);
    }
    for (const ch of text) {
      const bytes = utf8.encode(ch); // a lone surrogate encodes as U+FFFD, as TextEncoder does
      const id = this.ids.get(binary(bytes));
      if (id !== undefined) tokens.push(id);
      else for (const b of bytes) tokens.push(b + BYTE_OFFSET);
    }
    // run.c merges, again and again, the adjacent pair whose merged piece scores best (the first
    // such pair on ties). The pair scores are kept in an array and only the two pairs next to a
    // merge are looked up again, and pair lookups are cached by id: the same merges as run.c's
    // rescan of every pair, without its quadratic string building.
    const V = this.pieces.length;
    const cache = new Map<number, number>();
    const mergeOf = (a: number, b: number): number => {
      const key = a * V + b;
      let id = cache.get(key);
      if (id === undefined) {
        // str_buffer = vocab[a] + vocab[b]
        id = this.ids.get(binary(this.pieces[a]!) + binary(this.pieces[b]!)) ?? -1;
        cache.set(key, id);
      }
      return id;
    };
    const pairScore = (i: number): number => {
      const id = mergeOf(tokens[i]!, tokens[i + 1]!);
      return id < 0 ? Number.NEGATIVE_INFINITY : this.scores[id]!;
    };
    const scores = tokens.slice(0, -1).map((_, i) => pairScore(i));
    while (true) {
      let bestScore = -1e10;
      let bestIdx = -1;
      for (let i = 0; i < scores.length; i++)
        if (scores[i]! > bestScore) [bestScore, bestIdx] = [scores[i]!, i];
      if (bestIdx === -1) break;
      tokens.splice(bestIdx, 2, mergeOf(tokens[bestIdx]!, tokens[bestIdx + 1]!));
      scores.splice(bestIdx, 1);
      if (bestIdx > 0) scores[bestIdx - 1] = pairScore(bestIdx - 1);
      if (bestIdx < scores.length) scores[bestIdx] = pairScore(bestIdx);
    }
    if (options.eos ?? false) tokens.push(LLAMA2C_EOS);
    return tokens;
  }

  /**
   * run.c's `decode`, over a whole sequence: BOS and EOS print nothing; after BOS a piece's leading
   * space is dropped (the dummy prefix); `<0xHH>` is the raw byte HH; the bytes are then read as
   * UTF-8 (a cut inside a character shows as U+FFFD). `<unk>` prints as itself.
   */
  decode(ids: readonly number[]): string {
    checkIds(ids, this.vocabSize);
    const bytes: number[] = [];
    let prev = -1;
    for (const id of ids) {
      if (id !== LLAMA2C_BOS && id !== LLAMA2C_EOS) {
        let piece = this.pieces[id]!;
        if (prev === LLAMA2C_BOS && piece[0] === 0x20) piece = piece.subarray(1);
        const byte = /^<0x([0-9A-Fa-f]{2})>$/.exec(binary(piece));
        if (byte) bytes.push(Number.parseInt(byte[1]!, 16));
        else bytes.push(...piece);
      }
      prev = id;
    }
    return utf8Decoder.decode(Uint8Array.from(bytes));
  }

  /** The pieces of the text alone (no BOS/EOS): 'Once upon' → [' Once', ' upon'] (as strings). */
  tokenize(text: string): string[] {
    return this.encode(text, { bos: false }).map((id) => this.idToToken(id)!);
  }

  /** The piece as text; byte tokens stay `<0xHH>`, BOS is '\n<s>\n' as in the file. */
  idToToken(id: number): string | undefined {
    const p = Number.isInteger(id) ? this.pieces[id] : undefined;
    return p === undefined ? undefined : utf8Decoder.decode(p);
  }

  tokenToId(token: string): number | undefined {
    return this.ids.get(binary(utf8.encode(token)));
  }
}

/**
 * Loads llama2.c's tokenizer file, by default the shipped `tok512.bin` of tinyllamas-stories260K.
 *
 *   loadLlama2cTokenizer().encode('Once upon a time') // [1, …]
 */
export function loadLlama2cTokenizer(path?: string, vocabSize = 512): SentencePieceBPETokenizer {
  const file = path ?? shippedTok512Path();
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    throw new ValidationError(
      `cannot read the llama2.c tokenizer at ${file}: ${(e as Error).message}`,
      'path',
    );
  }
  return SentencePieceBPETokenizer.fromBytes(bytes, vocabSize);
}

const TOK512 = 'models/tinyllamas-stories260K/tok512.bin';

/** Where the shipped tok512.bin is (in @firth/datasets, or next to a bundle: see dataPath). */
function shippedTok512Path(): string {
  return dataPath(TOK512);
}
