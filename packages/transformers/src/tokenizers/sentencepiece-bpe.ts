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
 *   const tok = loadLlama2cTokenizer();   // the shipped tok512.bin (Node: sentencepiece-file.ts)
 *   const tok = SentencePieceBPETokenizer.fromBytes(bytes);   // any tokenizer.bin's bytes (a browser too)
 *   tok.encode('Once upon a time') // BOS, then pieces such as ' Once', ' upon', ' a', ' time'
 *   tok.decode(tok.encode('Once upon a time')) // 'Once upon a time'
 *
 * Round trip: thanks to byte fallback every character can be encoded, so decode(encode(x)) === x
 * for every well-formed string (a lone UTF-16 surrogate becomes U+FFFD, as in UTF-8).
 * Encoding runs run.c's merge order through the priority queue of merge-queue.ts: the same ids in
 * O(n log n) instead of run.c's O(n²) rescans. Texts longer than `MAX_TEXT_LENGTH` are refused.
 *
 * The file is read strictly (`fromBytes`): every length is checked against the bytes left before
 * anything is copied; a score that is NaN or infinite, a piece that is not UTF-8, a piece listed
 * twice, byte tokens `<0x00>`..`<0xFF>` missing from ids 3..258, or no " " piece (the dummy prefix)
 * is a FormatError naming the entry and its byte offset.
 *
 * Left out: SentencePiece's normalizer (NFKC), unigram models, sampling.
 */
import { checkIds, checkText, FormatError, type Tokenizer, ValidationError } from './base.js';
import { concatBytes } from './basic-bpe.js';
import { type MergeRules, mergeSymbols } from './merge-queue.js';

/** Ids fixed by llama2.c. */
export const LLAMA2C_UNK = 0;
export const LLAMA2C_BOS = 1;
export const LLAMA2C_EOS = 2;
/** Byte b is the piece `<0xBB>` with id b + 3. */
const BYTE_OFFSET = 3;

const utf8 = new TextEncoder();
// a cut character → U+FFFD; a leading U+FEFF is text, not a byte order mark to drop
const utf8Decoder = new TextDecoder('utf-8', { ignoreBOM: true });
/** run.c never merges a pair scoring at or below this (its `best_score` starts here). */
const NO_MERGE_SCORE = -1e10;

/**
 * Pieces are compared as byte strings (one char per byte), exactly as run.c's `strcmp`. In chunks,
 * so that no argument list grows with the piece.
 */
function binary(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 4096)
    out += String.fromCharCode.apply(null, bytes.subarray(i, i + 4096) as unknown as number[]);
  return out;
}

/** `<0x41>` for byte 0x41: the byte-fallback piece llama2.c stores at id 0x41 + 3. */
const bytePiece = (b: number) => `<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`;

/** What run.c's decode prints for a piece: `<0xHH>` is the raw byte HH, anything else itself. */
function printed(piece: Uint8Array): Uint8Array {
  const byte = /^<0x([0-9A-Fa-f]{2})>$/.exec(binary(piece));
  return byte ? Uint8Array.of(Number.parseInt(byte[1]!, 16)) : piece;
}

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
  /** id → its piece as a byte string (the Map's key). */
  private readonly keys: string[];
  /** id → the bytes decode writes: the piece, or the one byte of `<0xHH>`. */
  private readonly output: Uint8Array[];
  /** id → the rank of its score among the distinct scores, best first (0 = the best score). */
  private readonly scoreRank: Int32Array;
  /** (a, b) packed as a · vocabSize + b → the id of the piece vocab[a] + vocab[b], or −1. */
  private readonly pairs = new Map<number, number>();
  private readonly rules: MergeRules = {
    find: (a, b) => {
      const key = a * this.pieces.length + b;
      let id = this.pairs.get(key);
      if (id === undefined) {
        // str_buffer = vocab[a] + vocab[b]; merged only when it is a piece scoring above run.c's floor
        id = this.ids.get(this.keys[a]! + this.keys[b]!) ?? -1;
        if (id >= 0 && !(this.scores[id]! > NO_MERGE_SCORE)) id = -1;
        this.pairs.set(key, id);
      }
      return id;
    },
    // the best score first; the heap breaks ties by position, leftmost first, as run.c's strict `>`
    priority: (id) => this.scoreRank[id]!,
    result: (id) => id,
  };

  constructor(pieces: readonly Uint8Array[], scores: ArrayLike<number>, maxTokenLength?: number) {
    if (pieces.length !== scores.length)
      throw new ValidationError(`${pieces.length} pieces but ${scores.length} scores`, 'scores');
    this.pieces = [...pieces];
    this.scores = Float32Array.from(scores);
    let longest = 0;
    for (const p of pieces) longest = Math.max(longest, p.length);
    this.maxTokenLength = maxTokenLength ?? longest;
    // run.c looks pieces up by binary search in a sorted copy; with unique pieces a Map is the same.
    this.keys = this.pieces.map(binary);
    this.keys.forEach((k, id) => {
      if (!this.ids.has(k)) this.ids.set(k, id);
    });
    this.output = this.pieces.map(printed);
    const distinct = [...new Set(this.scores)].filter((x) => x > NO_MERGE_SCORE).sort((a, b) => b - a);
    const rankOf = new Map(distinct.map((score, rank) => [score, rank]));
    this.scoreRank = Int32Array.from(this.scores, (score) => rankOf.get(score) ?? 0);
  }

  /**
   * Reads the llama2.c `tokenizer.bin` format (`file` names it in errors). Every read is
   * bounds-checked before anything is copied: a truncated file names the entry and the byte offset
   * where it ran out. Then the content: finite scores, UTF-8 pieces, each piece once, the byte
   * tokens at ids 3..258 and a " " piece, which run.c's encode relies on.
   */
  static fromBytes(bytes: Uint8Array, vocabSize = 512, file = 'tokenizer.bin'): SentencePieceBPETokenizer {
    if (!Number.isInteger(vocabSize) || vocabSize < BYTE_OFFSET + 256)
      throw new ValidationError(
        `vocabSize must be an integer ≥ ${BYTE_OFFSET + 256} (<unk>, BOS, EOS and the 256 byte tokens), got ${vocabSize}`,
        'vocabSize',
      );
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const need = (offset: number, n: number, what: string) => {
      if (offset + n > bytes.length)
        throw new FormatError(
          file,
          '',
          `is truncated: ${what} needs ${n} bytes at byte offset ${offset}, but the file has ${bytes.length} bytes`,
        );
    };
    need(0, 4, 'the header (int32 max_token_length)');
    const maxTokenLength = view.getInt32(0, true);
    if (maxTokenLength < 0)
      throw new FormatError(file, 'header', `max_token_length is ${maxTokenLength}; it must be ≥ 0`);
    const pieces: Uint8Array[] = [];
    const scores = new Float32Array(vocabSize);
    const offsets: number[] = [];
    let o = 4;
    for (let i = 0; i < vocabSize; i++) {
      need(o, 8, `entry ${i} of ${vocabSize} (float32 score, int32 length)`);
      offsets.push(o);
      scores[i] = view.getFloat32(o, true);
      const len = view.getInt32(o + 4, true);
      if (len < 0 || len > maxTokenLength)
        throw new FormatError(
          file,
          `entry ${i} at byte offset ${o}`,
          `has length ${len}, outside 0..${maxTokenLength} (max_token_length)`,
        );
      need(o + 8, len, `entry ${i} of ${vocabSize} (its ${len} piece bytes)`);
      pieces.push(bytes.slice(o + 8, o + 8 + len));
      o += 8 + len;
    }
    if (o !== bytes.length)
      throw new FormatError(
        file,
        '',
        `has ${bytes.length - o} bytes after its ${vocabSize} entries; is vocabSize right?`,
      );
    const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
    const seen = new Map<string, number>();
    for (let i = 0; i < vocabSize; i++) {
      const at = `entry ${i} at byte offset ${offsets[i]}`;
      if (!Number.isFinite(scores[i]!))
        throw new FormatError(file, at, `has the score ${scores[i]}; scores must be finite`);
      let text: string;
      try {
        text = strict.decode(pieces[i]!);
      } catch {
        throw new FormatError(file, at, 'is not valid UTF-8');
      }
      const first = seen.get(text);
      if (first !== undefined)
        throw new FormatError(file, at, `repeats the piece ${JSON.stringify(text)} of entry ${first}`);
      seen.set(text, i);
      const b = i - BYTE_OFFSET;
      if (b >= 0 && b < 256 && text !== bytePiece(b))
        throw new FormatError(
          file,
          at,
          `is ${JSON.stringify(text)}; ids 3..258 must be the byte tokens, here ${bytePiece(b)}`,
        );
    }
    if (!seen.has(' '))
      throw new FormatError(file, '', 'has no " " piece, which encoding needs (the dummy prefix)');
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
    // Each code point's UTF-8 (a lone surrogate is written as U+FFFD, as TextEncoder does): its
    // piece, or one byte token per byte. The lead byte says how long the character is.
    const bytes = utf8.encode(text);
    for (let i = 0; i < bytes.length; ) {
      const lead = bytes[i]!;
      const n = lead < 0x80 ? 1 : lead < 0xe0 ? 2 : lead < 0xf0 ? 3 : 4;
      const id = this.ids.get(
        String.fromCharCode.apply(null, bytes.subarray(i, i + n) as unknown as number[]),
      );
      if (id !== undefined) tokens.push(id);
      else for (let k = i; k < i + n; k++) tokens.push(bytes[k]! + BYTE_OFFSET);
      i += n;
    }
    // run.c merges, again and again, the adjacent pair whose merged piece scores best (the leftmost
    // such pair on ties) — here through the priority queue, with the same result.
    const out = mergeSymbols(tokens, this.rules, 'leftmost');
    if (options.eos ?? false) out.push(LLAMA2C_EOS);
    return out;
  }

  /**
   * run.c's `decode`, over a whole sequence: BOS and EOS print nothing; after BOS a piece's leading
   * space is dropped (the dummy prefix); `<0xHH>` is the raw byte HH; the bytes are then read as
   * UTF-8 (a cut inside a character shows as U+FFFD). `<unk>` prints as itself.
   */
  decode(ids: readonly number[]): string {
    checkIds(ids, this.vocabSize);
    const parts: Uint8Array[] = [];
    let prev = -1;
    for (const id of ids) {
      if (id !== LLAMA2C_BOS && id !== LLAMA2C_EOS) {
        const piece = this.pieces[id]!;
        // after BOS, the dummy-prefix space goes first, then the rest is printed as usual
        parts.push(prev === LLAMA2C_BOS && piece[0] === 0x20 ? printed(piece.subarray(1)) : this.output[id]!);
      }
      prev = id;
    }
    return utf8Decoder.decode(concatBytes(parts));
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
