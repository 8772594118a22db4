/**
 * What every word-vector reader shares (`vector-text.ts`, `vector-binary.ts`, `vector-json.ts`):
 * the limits a file is held to, a bounded window onto its bytes, strict UTF-8 and numbers, the rule
 * for a word, and the table the vectors go into (duplicates and NaN/Inf refused there, once).
 *
 * Every problem is a `FormatError`: `<file>: <where> <problem>`, where is a line, a record or a
 * JSON position, e.g. `glove.txt: line 3 (word "c") has 2 values, expected 3`.
 *
 * Deliberate differences from gensim's `load_word2vec_format`, which warns and goes on:
 * - a repeated word is an error (gensim keeps the first and logs a warning; the vocabulary would
 *   then silently differ from the file's row count);
 * - NaN and ±Infinity are refused unless `allowNonFinite: true` (gensim loads them);
 * - bytes that are not UTF-8 are an error (gensim's default `unicode_errors='strict'` too).
 */
import { checkFiniteValues, FormatError } from '@firth/numeric';

/** Longest word, in UTF-8 bytes (word2vec.c caps words at 100; real vocabularies stay far below). */
export const MAX_WORD_BYTES = 4096;
/** Largest vector size a file may announce (published vectors use 25–1024). */
export const MAX_VECTOR_SIZE = 1 << 16;
/** Longest text line: a word and MAX_VECTOR_SIZE numbers of up to ~30 characters. */
export const MAX_LINE_BYTES = MAX_WORD_BYTES + 32 * MAX_VECTOR_SIZE;

/** How a reader is asked to read (the checked options of `loadVectors`). */
export interface ReadOptions {
  /** Stop after this many words (gensim's `limit`); the rest of the file is not read. */
  limit: number;
  /** Keep only the first N numbers of each vector. */
  dimensions: number | undefined;
  /** Load NaN and ±Infinity instead of refusing them. */
  allowNonFinite: boolean;
}

/**
 * Random access to a vector file's bytes, which the readers ask for in order: a window onto a file
 * on disk (FileWindow in vector-formats.ts, Node) or the bytes already in memory (BytesWindow).
 */
export interface ByteWindow {
  /** File size in bytes. */
  readonly size: number;
  /** Bytes [pos, pos + n), fewer at the end of the file. */
  bytes(pos: number, n: number): Promise<Uint8Array>;
  /** Offset of the first `byte` in [pos, pos + max), or −1. */
  find(byte: number, pos: number, max: number): Promise<number>;
}

/** A whole file's bytes in memory as a ByteWindow (parseVectors: a browser's fetched file). */
export class BytesWindow implements ByteWindow {
  readonly size: number;
  constructor(private readonly data: Uint8Array) {
    this.size = data.length;
  }
  async bytes(pos: number, n: number): Promise<Uint8Array> {
    return this.data.subarray(pos, Math.min(pos + n, this.size));
  }
  async find(byte: number, pos: number, max: number): Promise<number> {
    const i = this.data.subarray(pos, Math.min(pos + max, this.size)).indexOf(byte);
    return i < 0 ? -1 : pos + i;
  }
}

/** Bytes of `text` in UTF-8, as Node counts a UTF-8 byte length (a lone surrogate as U+FFFD, 3). */
export function utf8Length(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c < 0xdc00 && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d < 0xe000) {
        n += 4;
        i++;
      } else n += 3;
    } else n += 3;
  }
  return n;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Strict UTF-8 → string; bad bytes are a FormatError naming their offset in the file. */
export function decodeUtf8(bytes: Uint8Array, offset: number, file: string, where: string): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw new FormatError(
      file,
      where,
      `is not valid UTF-8 (byte offset ${offset + firstInvalidUtf8(bytes)})`,
    );
  }
}

/** Index of the first byte that is not valid UTF-8, or −1 (the check TextDecoder's `fatal` makes). */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i] as number;
    const n =
      b < 0x80 ? 0 : b >= 0xc2 && b < 0xe0 ? 1 : b >= 0xe0 && b < 0xf0 ? 2 : b >= 0xf0 && b < 0xf5 ? 3 : -1;
    if (n < 0) return i;
    if (i + n >= bytes.length && n > 0) return i;
    for (let k = 1; k <= n; k++) {
      const c = bytes[i + k] as number;
      let lo = 0x80;
      let hi = 0xbf;
      if (k === 1 && b === 0xe0) lo = 0xa0; // overlong
      if (k === 1 && b === 0xed) hi = 0x9f; // surrogates
      if (k === 1 && b === 0xf0) lo = 0x90; // overlong
      if (k === 1 && b === 0xf4) hi = 0x8f; // > U+10FFFF
      if (c < lo || c > hi) return i;
    }
    i += n + 1;
  }
  return -1;
}

// A decimal number as Python's float() reads it, without its leniencies (underscores, surrounding
// spaces): 1, -0.5, .5, 5., 1e-05, +3E+2. Not 0x10, 1.5abc, '' or 1_000.
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
// What numpy and gensim write for non-finite float32 (formatFloat32 too): nan, inf, -inf.
const NON_FINITE = /^[+-]?(?:nan|inf|infinity)$/i;

/**
 * One number of a text vector → its value, or null when the text is not a number. "nan" and "inf"
 * read as NaN and ±Infinity; whether they are allowed is the table's business (`allowNonFinite`).
 */
export function parseDecimal(text: string): number | null {
  if (DECIMAL.test(text)) return Number(text);
  if (NON_FINITE.test(text)) return /nan/i.test(text) ? Number.NaN : text[0] === '-' ? -Infinity : Infinity;
  return null;
}

// C0 controls, space and DEL: they delimit words in every format (and can't be written back).
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are exactly the characters refused
const WORD_BREAK = /[\u0000-\u0020\u007f]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const CONTROL_NAMES: Record<string, string> = {
  ' ': 'a space',
  '\t': 'a tab',
  '\n': 'a newline',
  '\r': 'a carriage return',
};

/**
 * The problem with `word` as a vocabulary entry, or null: a word is 1 to MAX_WORD_BYTES bytes of
 * UTF-8 with no space, control character or lone surrogate (so every format can write it back).
 */
export function wordProblem(word: string): string | null {
  if (word === '') return 'is empty';
  const bad = WORD_BREAK.exec(word);
  if (bad)
    return `contains ${CONTROL_NAMES[bad[0]] ?? `the control character U+${bad[0].charCodeAt(0).toString(16).padStart(4, '0').toUpperCase()}`}`;
  if (LONE_SURROGATE.test(word)) return 'contains a lone UTF-16 surrogate (not Unicode text)';
  if (utf8Length(word) > MAX_WORD_BYTES) return `is longer than ${MAX_WORD_BYTES} bytes`;
  return null;
}

/** A word in a message: quoted, and cut to 40 characters. */
export const quote = (word: string): string =>
  JSON.stringify(word.length > 40 ? `${word.slice(0, 40)}…` : word);

// "<count> <vector size>", as word2vec.c, gensim and fastText write it (gensim reads it with split()).
const HEADER = /^ *(\d{1,15})[ \t]+(\d{1,15})[ \t]*$/;

/** The header line of word2vec text and binary files → [count, vector size]. */
export function parseHeader(text: string, file: string): [count: number, dim: number] {
  const m = HEADER.exec(text);
  if (!m)
    throw new FormatError(
      file,
      'line 1',
      `should be the header "<count> <vector size>", got ${JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}…` : text)}`,
    );
  return [Number(m[1]), Number(m[2])];
}

/**
 * Checks a header's announced count and vector size before anything is allocated: both positive,
 * the size at most MAX_VECTOR_SIZE, and count × (the fewest bytes one vector can take) at most the
 * bytes that follow the header — a 20-byte file cannot announce a million vectors.
 */
export function checkAnnounced(
  count: number,
  dim: number,
  bytesPerVector: number,
  bytesLeft: number,
  file: string,
  where: string,
): void {
  if (count < 1)
    throw new FormatError(file, where, `announces ${count} vectors: a vector file holds at least one`);
  if (dim < 1 || dim > MAX_VECTOR_SIZE)
    throw new FormatError(
      file,
      where,
      `announces vectors of size ${dim}: the size must be 1 to ${MAX_VECTOR_SIZE}`,
    );
  if (count * bytesPerVector > bytesLeft)
    throw new FormatError(
      file,
      where,
      `announces ${count} vectors of size ${dim}, which need at least ${count * bytesPerVector} bytes; the file has ${bytesLeft} after the header`,
    );
}

/**
 * The rows being read: keys in file order, vectors as one float32 table (`keep` numbers a row),
 * grown by doubling when the file announced no count. Refuses a repeated word, naming both places,
 * and (unless allowNonFinite) a row holding NaN or ±Infinity.
 */
export class VectorTable {
  readonly keys: string[] = [];
  /** word → where it was read ("line 3", "record 2"), for the duplicate message. */
  private readonly seen = new Map<string, string>();
  private data: Float32Array;

  constructor(
    readonly file: string,
    /** Numbers in each row of the file. */
    readonly dim: number,
    /** Numbers kept of each row (`dimensions`). */
    readonly keep: number,
    /** Rows to allocate up front: the announced count when it was checked against the file size. */
    capacity: number,
    private readonly allowNonFinite: boolean,
  ) {
    this.data = new Float32Array(Math.max(1, capacity) * keep);
  }

  /** Adds `word` read at `place` ("line 3"); returns the row to fill with its first `keep` numbers. */
  add(word: string, place: string): Float32Array {
    const problem = wordProblem(word);
    if (problem) throw new FormatError(this.file, place, `holds the word ${quote(word)}, which ${problem}`);
    const first = this.seen.get(word);
    if (first !== undefined)
      throw new FormatError(
        this.file,
        place,
        `repeats the word ${quote(word)} of ${first}: each word may appear once (gensim would keep the first and drop this row)`,
      );
    this.seen.set(word, place);
    const n = this.keys.length;
    if ((n + 1) * this.keep > this.data.length) {
      const grown = new Float32Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.keys.push(word);
    return this.data.subarray(n * this.keep, (n + 1) * this.keep);
  }

  /** After a row is filled: refuses NaN/±Infinity (a float32 overflow such as 1e39 included). */
  checkRow(row: Float32Array, where: string): void {
    if (!this.allowNonFinite) checkFiniteValues(row, this.file, where);
  }

  /** The filled rows as one table. */
  vectors(): Float32Array {
    const used = this.keys.length * this.keep;
    return this.data.length === used ? this.data : this.data.slice(0, used);
  }
}
