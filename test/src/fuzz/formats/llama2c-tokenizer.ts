/**
 * Fuzz format: llama2.c's `tokenizer.bin` (int32 max_token_length, then 512 × { float32 score,
 * int32 length, the piece's bytes }), read by `loadLlama2cTokenizer(path)`. Seeds: the shipped
 * tok512.bin of tinyllamas-stories260K (@firth/datasets), the same pieces with other scores (many
 * ties), and one with a larger max_token_length — the last two written by Firth's `toBytes`.
 * Format-aware mutators edit a length, a score, the header, or copy one piece over another.
 *
 * `inconsistency` re-reads an accepted file by the format's rules: every length within 0..header
 * and within the file, the 512 entries filling it exactly, finite scores, UTF-8 pieces, no piece
 * twice, `<0x00>`..`<0xFF>` at ids 3..258, a " " piece — and a loaded tokenizer of 512 ids.
 */

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dataPath } from '@firth/datasets';
import { loadLlama2cTokenizer, SentencePieceBPETokenizer } from '@firth/transformers';
import type { Files, FuzzFormat } from '../format.ts';
import { concat } from '../mutate.ts';
import { exercise } from './tokenizer-rules.ts';

const FILE = 'tok512.bin';
const VOCAB = 512;
type Rand = () => number;
const int = (r: Rand, n: number) => Math.floor(r() * n);
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[int(r, xs.length)]!;
const view = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength);

/** Byte offsets of the entries that can be read (stops at the first one that cannot). */
function entries(b: Uint8Array): number[] {
  const out: number[] = [];
  let o = 4;
  while (out.length < VOCAB && o + 8 <= b.length) {
    const len = view(b).getInt32(o + 4, true);
    if (len < 0 || o + 8 + len > b.length) break;
    out.push(o);
    o += 8 + len;
  }
  return out;
}

const edit = (name: string, f: (out: Uint8Array, r: Rand, at: number[]) => Uint8Array) => ({
  name,
  apply(bytes: Uint8Array, r: Rand) {
    const at = entries(bytes);
    if (at.length === 0 || bytes.length < 4) return bytes;
    const out = bytes.slice();
    return f(out, r, at);
  },
});

const MUTATORS = [
  edit('entry length', (out, r, at) => {
    const o = pick(r, at);
    const len = view(out).getInt32(o + 4, true);
    view(out).setInt32(o + 4, pick(r, [-1, 0, len - 1, len + 1, len + 8, 65, 2 ** 31 - 1, -(2 ** 31)]), true);
    return out;
  }),
  edit('entry score', (out, r, at) => {
    view(out).setFloat32(
      pick(r, at),
      pick(r, [Number.NaN, Infinity, -Infinity, -1e10, -1e11, 1e10, 0, int(r, 200) - 100]),
      true,
    );
    return out;
  }),
  edit('max_token_length', (out, r) => {
    const m = view(out).getInt32(0, true);
    view(out).setInt32(0, pick(r, [-1, 0, 1, m - 1, m + 1, 2 ** 31 - 1]), true);
    return out;
  }),
  edit('copy a piece over another of the same length', (out, r, at) => {
    const len = (o: number) => view(out).getInt32(o + 4, true);
    const a = pick(r, at);
    const same = at.filter((o) => len(o) === len(a) && o !== a);
    if (same.length === 0) return out;
    const b = pick(r, same);
    out.copyWithin(b + 8, a + 8, a + 8 + len(a));
    return out;
  }),
  edit('drop or repeat an entry', (out, r, at) => {
    const i = int(r, at.length);
    const start = at[i]!;
    const end = i + 1 < at.length ? at[i + 1]! : out.length;
    const entry = out.slice(start, end);
    const rest = [out.subarray(0, start), out.subarray(r() < 0.5 ? start : end)];
    const parts = r() < 0.5 ? [rest[0]!, entry, out.subarray(start)] : rest;
    return concat(...parts);
  }),
];

/** What is wrong with a tokenizer.bin by the format's rules, or null. */
function problem(b: Uint8Array): string | null {
  if (b.length < 4) return 'no header';
  const max = view(b).getInt32(0, true);
  if (max < 0) return `max_token_length ${max}`;
  const pieces = new Set<string>();
  let o = 4;
  for (let i = 0; i < VOCAB; i++) {
    if (o + 8 > b.length) return `entry ${i} is cut off`;
    const score = view(b).getFloat32(o, true);
    const len = view(b).getInt32(o + 4, true);
    if (!Number.isFinite(score)) return `entry ${i} scores ${score}`;
    if (len < 0 || len > max || o + 8 + len > b.length) return `entry ${i} has length ${len}`;
    let piece: string;
    try {
      piece = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(
        b.subarray(o + 8, o + 8 + len),
      );
    } catch {
      return `entry ${i} is not UTF-8`;
    }
    if (pieces.has(piece)) return `entry ${i} repeats ${JSON.stringify(piece)}`;
    pieces.add(piece);
    const byte = i - 3;
    if (byte >= 0 && byte < 256 && piece !== `<0x${byte.toString(16).toUpperCase().padStart(2, '0')}>`)
      return `entry ${i} is ${JSON.stringify(piece)}, not a byte token`;
    o += 8 + len;
  }
  if (o !== b.length) return `${b.length - o} bytes after the entries`;
  return pieces.has(' ') ? null : 'no " " piece';
}

const format: FuzzFormat = {
  name: 'llama2c-tokenizer',
  kind: 'binary',
  extra: MUTATORS,
  seeds(): Files[] {
    const shipped = new Uint8Array(readFileSync(dataPath('models/tinyllamas-stories260K/tok512.bin')));
    const tok = SentencePieceBPETokenizer.fromBytes(shipped);
    const tied = Array.from(tok.scores, (s, i) => (i < 259 ? s : -(i % 7)));
    return [
      { [FILE]: shipped },
      { [FILE]: new SentencePieceBPETokenizer(tok.pieces, tied, tok.maxTokenLength).toBytes() },
      { [FILE]: new SentencePieceBPETokenizer(tok.pieces, tok.scores, 64).toBytes() },
    ];
  },
  load(_files, dir) {
    const tok = loadLlama2cTokenizer(join(dir, FILE));
    exercise(tok);
    return tok;
  },
  inconsistency(files, loaded) {
    const why = problem(files[FILE]!);
    if (why) return `accepted, but ${why}`;
    const n = (loaded as { vocabSize: number }).vocabSize;
    return n === VOCAB ? null : `a tokenizer of ${n} ids`;
  },
};
export default format;
