/**
 * The normalizers of Hugging Face `tokenizer.json` — the one idea: **text is rewritten before it is
 * split** (Unicode forms, case, accents, whitespace), as the Rust `tokenizers` library's
 * `normalizers` module. Each step is read strictly from its JSON and becomes a function
 * string → string:
 *
 *   NFC / NFD / NFKC / NFKD   String.prototype.normalize
 *   Lowercase                 character by character (Rust's char::to_lowercase: no final-sigma rule)
 *   Strip {strip_left, strip_right}   Unicode White_Space at the ends
 *   StripAccents              drops combining marks (\p{M}); meant after NFD/NFKD
 *   Replace {pattern: {String}|{Regex}, content}
 *   Prepend {prepend}         before any non-empty text
 *   Nmt                       SentencePiece's nmt_nfkc control-character rules (without the NFKC)
 *   BertNormalizer            bert-basic.ts
 *   Precompiled {precompiled_charsmap}   SentencePiece's compiled normalization rules (T5, ALBERT,
 *                             XLNet, mT5, Marian): a darts-clone double-array trie of UTF-8
 *                             strings → replacements, applied grapheme by grapheme as the Rust
 *                             `spm_precompiled` crate does (a grapheme shorter than 6 bytes is
 *                             replaced whole when it — or its shortest prefix — is in the trie;
 *                             otherwise each of its characters is looked up alone)
 *   Sequence {normalizers}
 *
 * Offsets (which input characters each normalized character came from) are not tracked: the
 * tokenizers of this library return ids and pieces, not alignments.
 */
import { bertNormalize } from './bert-basic.js';
import {
  type At,
  asArray,
  asObject,
  asString,
  child,
  fail,
  getBool,
  getString,
  type JsonObject,
  readPattern,
  stepType,
  unsupported,
} from './hf-json.js';

export type Normalizer = (text: string) => string;

const NORMALIZERS = [
  'Sequence',
  'NFC',
  'NFD',
  'NFKC',
  'NFKD',
  'Lowercase',
  'Strip',
  'StripAccents',
  'Replace',
  'Prepend',
  'Nmt',
  'BertNormalizer',
  'Precompiled',
] as const;

/** Lowercase one character at a time, as the Rust library (no context-dependent final sigma). */
export function lowercaseChars(text: string): string {
  let out = '';
  for (const c of text) out += c.toLowerCase();
  return out;
}

/** A `normalizer` step of tokenizer.json (`null` → none). */
export function readNormalizer(json: unknown, at: At): Normalizer | null {
  if (json === null || json === undefined) return null;
  const o = asObject(json, at);
  const type = stepType(o, at);
  switch (type) {
    case 'Sequence': {
      const list = asArray(o.normalizers, child(at, 'normalizers')).map((n, i) =>
        readNormalizer(n, child(child(at, 'normalizers'), i)),
      );
      const steps = list.filter((n): n is Normalizer => n !== null);
      return (text) => steps.reduce((t, n) => n(t), text);
    }
    case 'NFC':
    case 'NFD':
    case 'NFKC':
    case 'NFKD':
      return (text) => text.normalize(type);
    case 'Lowercase':
      return lowercaseChars;
    case 'Strip': {
      const left = getBool(o, 'strip_left', at, true);
      const right = getBool(o, 'strip_right', at, true);
      return (text) => stripWhiteSpace(text, left, right);
    }
    case 'StripAccents':
      return (text) => text.replace(/\p{M}/gu, '');
    case 'Replace': {
      const re = readPattern(o.pattern, child(at, 'pattern'));
      const content = getString(o, 'content', at);
      return (text) => text.replace(re, () => content);
    }
    case 'Prepend': {
      const prepend = getString(o, 'prepend', at);
      return (text) => (text.length > 0 ? prepend + text : text);
    }
    case 'Nmt':
      return nmt;
    case 'BertNormalizer': {
      const lowercase = getBool(o, 'lowercase', at, true);
      const strip = o.strip_accents;
      if (strip !== null && strip !== undefined && typeof strip !== 'boolean')
        fail(child(at, 'strip_accents'), 'must be true, false or null');
      if (!getBool(o, 'clean_text', at, true))
        fail(child(at, 'clean_text'), 'false is not supported (BERT cleans control characters)');
      const options = {
        lowercase,
        stripAccents: typeof strip === 'boolean' ? strip : lowercase,
        handleChineseChars: getBool(o, 'handle_chinese_chars', at, true),
      };
      return (text) => bertNormalize(text, options);
    }
    case 'Precompiled': {
      const map = o.precompiled_charsmap;
      // A SentencePiece model with the identity normalization is saved with no map.
      if (map === null || map === undefined || map === '') return null;
      const charsMap = PrecompiledCharsMap.fromBase64(asString(map, child(at, 'precompiled_charsmap')), {
        file: at.file,
        path: child(at, 'precompiled_charsmap').path,
      });
      return (text) => charsMap.normalize(text);
    }
    default:
      return unsupported('normalizer', type, at, NORMALIZERS);
  }
}

const WHITE = /^\p{White_Space}$/u;

/**
 * `text` without Unicode White_Space at the start and/or end — by walking in from the ends: the
 * regex /\p{White_Space}+$/ retries at every space of a long run and takes minutes on 1 MB.
 */
export function stripWhiteSpace(text: string, left: boolean, right: boolean): string {
  let start = 0;
  let end = text.length;
  // White_Space characters are all in the BMP: one UTF-16 unit each
  if (left) while (start < end && WHITE.test(text[start]!)) start++;
  if (right) while (end > start && WHITE.test(text[end - 1]!)) end--;
  return text.slice(start, end);
}

/** SentencePiece's nmt rules: drop some control characters, turn others into a space. */
function nmt(text: string): string {
  let out = '';
  for (const c of text) {
    const cp = c.codePointAt(0)!;
    if (
      (cp >= 0x1 && cp <= 0x8) ||
      cp === 0xb ||
      (cp >= 0xe && cp <= 0x1f) ||
      cp === 0x7f ||
      cp === 0x8f ||
      cp === 0x9f
    )
      continue;
    const space =
      cp === 0x9 ||
      cp === 0xa ||
      cp === 0xc ||
      cp === 0xd ||
      cp === 0x1680 ||
      (cp >= 0x200b && cp <= 0x200f) ||
      cp === 0x2028 ||
      cp === 0x2029 ||
      cp === 0x2581 ||
      cp === 0xfeff ||
      cp === 0xfffd;
    out += space ? ' ' : c;
  }
  return out;
}

const utf8 = new TextEncoder();
/** Room for the UTF-8 of a grapheme under 6 UTF-16 units (≤ 3 bytes each). */
const keyBuffer = new Uint8Array(24);
const utf8Decoder = new TextDecoder('utf-8', { ignoreBOM: true });
let graphemes: Intl.Segmenter | undefined;

/**
 * SentencePiece's precompiled character map (`precompiled_charsmap`, base64 in tokenizer.json):
 * a little-endian u32 giving the trie's size in bytes, the trie (darts-clone units, u32 each), then
 * the replacement strings, UTF-8 and NUL-terminated, found by the offsets the trie stores.
 *
 * A darts-clone unit: bits 0–7 the label (bit 31 set marks a value unit, whose bits 0–30 are the
 * value), bit 8 "has a value below", bits 10–31 the offset (shifted left by 8 when bit 9 is set).
 * From node position p with unit u, the child for byte c is at p ^ offset(u) ^ c, and the value
 * unit at p ^ offset(u).
 */
export class PrecompiledCharsMap {
  private readonly trie: Uint32Array;
  private readonly normalized: Uint8Array;
  /** Graphemes seen before → their normalization (text repeats its characters). */
  private readonly memo = new Map<string, string>();

  constructor(bytes: Uint8Array, at: At) {
    if (bytes.length < 4)
      fail(at, `is ${bytes.length} bytes; a precompiled map starts with a 4-byte trie size`);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const trieBytes = view.getUint32(0, true);
    if (trieBytes % 4 !== 0 || trieBytes === 0 || 4 + trieBytes > bytes.length)
      fail(
        at,
        `declares a trie of ${trieBytes} bytes, but a trie is a non-empty whole number of 4-byte units within the ${bytes.length - 4} bytes that follow`,
      );
    this.trie = new Uint32Array(trieBytes / 4);
    for (let i = 0; i < this.trie.length; i++) this.trie[i] = view.getUint32(4 + 4 * i, true);
    this.normalized = bytes.slice(4 + trieBytes);
  }

  static fromBase64(b64: string, at: At): PrecompiledCharsMap {
    let binary: string;
    try {
      binary = atob(b64);
    } catch {
      return fail(at, 'is not base64');
    }
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return new PrecompiledCharsMap(bytes, at);
  }

  /** The replacement of the shortest prefix of `key` that the trie holds, or undefined. */
  transform(key: string): string | undefined {
    return key.length < keyBuffer.length / 3
      ? this.transformBytes(keyBuffer, utf8.encodeInto(key, keyBuffer).written)
      : this.transformBytes(utf8.encode(key), Number.POSITIVE_INFINITY);
  }

  private transformBytes(bytes: Uint8Array, length: number): string | undefined {
    const t = this.trie;
    const unit = (p: number) => (p < t.length ? t[p]! : 0);
    const offset = (u: number) => (u >>> 10) << ((u & (1 << 9)) >>> 6);
    let pos = offset(unit(0));
    for (let i = 0; i < length && i < bytes.length; i++) {
      const c = bytes[i]!;
      if (c === 0) break;
      pos ^= c;
      const u = unit(pos);
      if ((u & 0x800000ff) >>> 0 !== c) return undefined;
      pos ^= offset(u);
      if ((u >>> 8) & 1) return this.replacement(unit(pos) & 0x7fffffff);
    }
    return undefined;
  }

  private replacement(start: number): string | undefined {
    if (start >= this.normalized.length) return undefined;
    let end = start;
    while (end < this.normalized.length && this.normalized[end] !== 0) end++;
    return utf8Decoder.decode(this.normalized.subarray(start, end));
  }

  normalize(text: string): string {
    graphemes ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' });
    let out = '';
    for (const { segment } of graphemes.segment(text)) {
      const known = this.memo.get(segment);
      if (known !== undefined) {
        out += known;
        continue;
      }
      let normalized: string | undefined;
      // the whole grapheme when its UTF-8 is under 6 bytes (≥ 6 UTF-16 units are ≥ 6 bytes)
      if (segment.length < 6) {
        const written = utf8.encodeInto(segment, keyBuffer).written;
        if (written < 6) normalized = this.transformBytes(keyBuffer, written);
      }
      if (normalized === undefined) {
        normalized = '';
        for (const c of segment) normalized += this.transform(c) ?? c;
      }
      if (segment.length <= 8 && this.memo.size < 50_000) this.memo.set(segment, normalized);
      out += normalized;
    }
    return out;
  }
}

export type { JsonObject };
