/**
 * The fuzz suites' own reading of the word-vector file formats (word2vec text and binary, fastText
 * .vec, GloVe text), written from the format descriptions — not from Firth's readers — so that an
 * accepted file can be checked independently: the header's count is the number of vectors, every
 * vector has the header's (or the first line's) size, every number is a finite float32, every
 * word is UTF-8 without spaces or control characters and appears once, and nothing follows the
 * last vector but one newline. Also the format-aware mutators the suites share.
 *
 * Erasable TypeScript only (the fuzz worker runs it under Node's type stripping).
 */
import type { Mutator } from '../../mutate.ts';

export interface Table {
  words: string[];
  dim: number;
  /** Row-major float32 values. */
  values: number[];
}

const MAX_VECTOR_SIZE = 65536;
const MAX_WORD_BYTES = 4096;
const enc = new TextEncoder();

/** Why `word` is not a vocabulary word, or null. */
function badWord(word: string): string | null {
  if (word.length === 0) return 'an empty word';
  for (const ch of word) {
    const c = ch.codePointAt(0)!;
    if (c <= 0x20 || c === 0x7f) return `the word ${JSON.stringify(word)} holds U+${c.toString(16)}`;
    if (c >= 0xd800 && c <= 0xdfff) return `the word ${JSON.stringify(word)} holds a lone surrogate`;
  }
  if (enc.encode(word).length > MAX_WORD_BYTES) return 'a word over 4096 bytes';
  return null;
}

/** A float32 from decimal text (Python float() syntax without underscores/spaces), or a problem. */
function number(text: string): number | string {
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text))
    return `${JSON.stringify(text)} is not a decimal number`;
  const v = Math.fround(Number(text));
  return Number.isFinite(v) ? v : `${text} is not a finite float32`;
}

const HEADER = /^ *(\d+)[ \t]+(\d+)[ \t]*$/;

/** The table in a text file (`header`: word2vec/fastText), or what is wrong with it. */
export function readText(bytes: Uint8Array, header: boolean): Table | string {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return 'not UTF-8';
  }
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop(); // the final newline
  const clean = lines.map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  let count = -1;
  let dim = -1;
  if (header) {
    const m = HEADER.exec(clean.shift() ?? '');
    if (!m) return 'no "<count> <dim>" header';
    count = Number(m[1]);
    dim = Number(m[2]);
    if (count !== clean.length) return `header count ${count}, ${clean.length} vector lines`;
  }
  if (clean.length === 0) return 'no vectors';
  const table: Table = { words: [], dim, values: [] };
  const seen = new Set<string>();
  for (const [i, line] of clean.entries()) {
    const body = line.endsWith(' ') ? line.slice(0, -1) : line;
    const [word, ...nums] = body.split(' ');
    if (table.dim < 0) table.dim = nums.length;
    if (nums.length !== table.dim) return `line ${i + 1}: ${nums.length} numbers, not ${table.dim}`;
    const w = badWord(word!);
    if (w) return `line ${i + 1}: ${w}`;
    if (seen.has(word!)) return `line ${i + 1}: the word ${JSON.stringify(word)} again`;
    seen.add(word!);
    table.words.push(word!);
    for (const n of nums) {
      const v = number(n);
      if (typeof v === 'string') return `line ${i + 1}: ${v}`;
      table.values.push(v);
    }
  }
  if (table.dim < 1 || table.dim > MAX_VECTOR_SIZE) return `vector size ${table.dim}`;
  return table;
}

/** The table in a word2vec binary file, or what is wrong with it. */
export function readBinary(b: Uint8Array): Table | string {
  const nl = b.indexOf(10);
  if (nl < 0 || nl >= 64) return 'no header line in the first 64 bytes';
  const m = HEADER.exec(new TextDecoder('latin1').decode(b.subarray(0, nl)));
  if (!m) return 'bad header';
  const count = Number(m[1]);
  const dim = Number(m[2]);
  if (count < 1 || dim < 1 || dim > MAX_VECTOR_SIZE) return `header ${count} ${dim}`;
  const table: Table = { words: [], dim, values: [] };
  const seen = new Set<string>();
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let pos = nl + 1;
  for (let r = 0; r < count; r++) {
    if (r > 0 && b[pos] === 10) pos++;
    const space = b.indexOf(32, pos);
    if (space < 0) return `record ${r + 1}: no space after the word`;
    let word: string;
    try {
      word = new TextDecoder('utf-8', { fatal: true }).decode(b.subarray(pos, space));
    } catch {
      return `record ${r + 1}: the word is not UTF-8`;
    }
    const w = badWord(word);
    if (w) return `record ${r + 1}: ${w}`;
    if (seen.has(word)) return `record ${r + 1}: the word ${JSON.stringify(word)} again`;
    seen.add(word);
    table.words.push(word);
    if (space + 1 + 4 * dim > b.length) return `record ${r + 1}: the vector is cut short`;
    for (let k = 0; k < dim; k++) {
      const v = view.getFloat32(space + 1 + 4 * k, true);
      if (!Number.isFinite(v)) return `record ${r + 1}: ${v}`;
      table.values.push(v);
    }
    pos = space + 1 + 4 * dim;
  }
  if (b[pos] === 10) pos++;
  return pos === b.length ? table : `${b.length - pos} bytes after the last vector`;
}

/** What the loader returned (a KeyedVectors) against the independent reading; null when they agree. */
export function compare(
  table: Table | string,
  loaded: { indexToKey: string[]; vectorSize: number; vectors: Float32Array },
): string | null {
  if (typeof table === 'string') return `accepted, but ${table}`;
  if (loaded.vectorSize !== table.dim) return `vector size ${loaded.vectorSize}, the file's is ${table.dim}`;
  if (loaded.indexToKey.length !== table.words.length)
    return `${loaded.indexToKey.length} words loaded, the file holds ${table.words.length}`;
  const w = loaded.indexToKey.findIndex((k, i) => k !== table.words[i]);
  if (w >= 0)
    return `word ${w} loaded as ${JSON.stringify(loaded.indexToKey[w])}, the file says ${JSON.stringify(table.words[w])}`;
  const v = table.values.findIndex((x, i) => !Object.is(x, loaded.vectors[i]));
  if (v >= 0) return `value ${v} loaded as ${loaded.vectors[v]}, the file says ${table.values[v]}`;
  return null;
}

// ── mutators ────────────────────────────────────────────────────────────────────────────────────

type Rand = () => number;
const int = (r: Rand, n: number) => Math.floor(r() * n);
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[int(r, xs.length)]!;
const HUGE = [
  '4294967295',
  '4294967296',
  '999999999999',
  '9007199254740993',
  '2147483647',
  '65537',
  '0',
  '1',
];
const text = (b: Uint8Array) => new TextDecoder().decode(b);

/** Header edits shared by text and binary files: a huge, zero, or off-by-one count or size. */
function editHeader(b: Uint8Array, r: Rand): Uint8Array {
  const nl = b.indexOf(10);
  if (nl < 0) return b;
  const m = HEADER.exec(text(b.subarray(0, nl)));
  if (!m) return b;
  let count = m[1]!;
  let dim = m[2]!;
  const op = int(r, 4);
  if (op === 0) count = pick(r, HUGE);
  else if (op === 1) dim = pick(r, HUGE);
  else if (op === 2) count = String(Number(count) + pick(r, [-1, 1]));
  else dim = String(Number(dim) + pick(r, [-1, 1]));
  const head = enc.encode(`${count} ${dim}`);
  const out = new Uint8Array(head.length + b.length - nl);
  out.set(head);
  out.set(b.subarray(nl), head.length);
  return out;
}

/** Mutators for the text formats (`header`: the file starts with "<count> <dim>"). */
export function textMutators(header: boolean): Mutator[] {
  const lines = (b: Uint8Array) => text(b).split('\n');
  const join = (ls: string[]) => enc.encode(ls.join('\n'));
  const first = header ? 1 : 0;
  // a line after the header (the last element of split('\n') is often the empty end); −1: none
  const body = (ls: string[], r: Rand) => (ls.length > first ? first + int(r, ls.length - first) : -1);
  const muts: Mutator[] = [
    {
      name: 'one number too many or too few on a line',
      apply(b, r) {
        const ls = lines(b);
        const i = body(ls, r);
        if (i < 0) return b;
        ls[i] = r() < 0.5 ? `${ls[i]} 0.25` : ls[i]!.replace(/ [^ ]*$/, '');
        return join(ls);
      },
    },
    {
      name: 'duplicate a word on another line',
      apply(b, r) {
        const ls = lines(b);
        const i = body(ls, r);
        const j = body(ls, r);
        if (i < 0 || !ls[j]!.includes(' ')) return b;
        ls[j] = ls[i]!.split(' ')[0] + ls[j]!.slice(ls[j]!.indexOf(' '));
        return join(ls);
      },
    },
    {
      name: 'a non-finite or malformed value',
      apply(b, r) {
        const ls = lines(b);
        const i = body(ls, r);
        if (i < 0) return b;
        const parts = ls[i]!.split(' ');
        if (parts.length > 1)
          parts[1 + int(r, parts.length - 1)] = pick(r, [
            'nan',
            'inf',
            '-inf',
            'NaN',
            '1e39',
            '-3.5e38',
            '1.5abc',
            '0x10',
            '1_0',
            '',
            '+.5',
            '5.',
            '1e-50',
          ]);
        ls[i] = parts.join(' ');
        return join(ls);
      },
    },
    {
      name: 'a blank or extra line',
      apply(b, r) {
        const ls = lines(b);
        ls.splice(first + int(r, ls.length - first + 1), 0, pick(r, ['', ' ', 'extra 1', '\r']));
        return join(ls);
      },
    },
    {
      name: 'a control character or space in a word',
      apply(b, r) {
        const ls = lines(b);
        const i = body(ls, r);
        if (i < 0) return b;
        const cut = 1 + int(r, 2);
        ls[i] =
          ls[i]!.slice(0, cut) + pick(r, ['\t', '\u0001', '\u007f', '\u00a0', '\u2028']) + ls[i]!.slice(cut);
        return join(ls);
      },
    },
  ];
  if (header) muts.push({ name: 'header: a huge, zero or off-by-one count or size', apply: editHeader });
  return muts;
}

/** Mutators for word2vec binary files. */
export const binaryMutators: Mutator[] = [
  { name: 'header: a huge, zero or off-by-one count or size', apply: editHeader },
  {
    name: 'a NaN or Infinity float in a vector',
    apply(b, r) {
      const t = readBinary(b);
      if (typeof t === 'string') return b;
      // the float's offset: after the header, in record k at value j
      const out = b.slice();
      const k = int(r, t.words.length);
      let pos = b.indexOf(10) + 1;
      for (let i = 0; i < k; i++) {
        if (i > 0 && b[pos] === 10) pos++;
        pos = b.indexOf(32, pos) + 1 + 4 * t.dim;
      }
      if (k > 0 && b[pos] === 10) pos++;
      const at = b.indexOf(32, pos) + 1 + 4 * int(r, t.dim);
      new DataView(out.buffer).setFloat32(at, pick(r, [Number.NaN, Infinity, -Infinity]), true);
      return out;
    },
  },
  {
    name: 'a word of another record',
    apply(b, r) {
      const t = readBinary(b);
      if (typeof t === 'string' || t.words.length < 2) return b;
      const from = t.words[int(r, t.words.length)]!;
      const to = t.words[int(r, t.words.length)]!;
      const s = new TextDecoder('latin1').decode(b);
      const at = s.indexOf(`${to} `, s.indexOf('\n'));
      if (at < 0) return b;
      const a = enc.encode(from);
      const out = new Uint8Array(b.length - enc.encode(to).length + a.length);
      out.set(b.subarray(0, at));
      out.set(a, at);
      out.set(b.subarray(at + enc.encode(to).length), at + a.length);
      return out;
    },
  },
  {
    name: 'newlines or junk after a record',
    apply(b, r) {
      const extra = enc.encode(pick(r, ['\n', '\n\n', 'x', '\nw ', '\u0000']));
      const at = r() < 0.5 ? b.length : int(r, b.length);
      const out = new Uint8Array(b.length + extra.length);
      out.set(b.subarray(0, at));
      out.set(extra, at);
      out.set(b.subarray(at), at + extra.length);
      return out;
    },
  },
];
