/**
 * Seeded mutations of a file's bytes, in the spirit of AFL/libFuzzer's havoc stage and SQLite's
 * corrupt-database tests: bit flips, byte overwrites, truncations, insertions, deletions,
 * duplicated ranges, huge length fields, and — for text formats — number, punctuation, line and
 * Unicode edits. Mutation `i` of seed `s` is always the same bytes, so a failure names a case that
 * can be replayed (`mutation(seedFiles, seed, i)`).
 *
 * Plain TypeScript with erasable syntax only: the fuzz worker runs it under Node's type stripping.
 */

/** mulberry32: a small seeded PRNG (uniform 32-bit outputs). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rand = () => number;
const int = (r: Rand, n: number) => Math.floor(r() * n);
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[int(r, xs.length)]!;

/** The bytes of `parts`, one after the other. */
export const concat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};
const randomBytes = (r: Rand, n: number) => Uint8Array.from({ length: n }, () => int(r, 256));
const enc = new TextEncoder();

/** Little-endian values that break length and count fields. */
const HUGE = [
  0xffffffffn,
  0x7fffffffn,
  0x80000000n,
  0x10000000n,
  2n ** 53n,
  2n ** 63n - 1n,
  2n ** 64n - 1n,
  0n,
  1n,
];

export interface Mutator {
  name: string;
  apply(bytes: Uint8Array, r: Rand, others: readonly Uint8Array[]): Uint8Array;
}

/** Byte-level mutators: apply to any format. */
export const BINARY: Mutator[] = [
  {
    name: 'flip bits',
    apply(b, r) {
      const out = b.slice();
      for (let k = 1 + int(r, 8); k > 0 && out.length > 0; k--) out[int(r, out.length)]! ^= 1 << int(r, 8);
      return out;
    },
  },
  {
    name: 'overwrite bytes',
    apply(b, r) {
      const out = b.slice();
      for (let k = 1 + int(r, 4); k > 0 && out.length > 0; k--)
        out[int(r, out.length)] = pick(r, [0, 0xff, 0x7f, 0x80, int(r, 256)]);
      return out;
    },
  },
  {
    name: 'truncate',
    apply: (b, r) => b.subarray(0, int(r, b.length)),
  },
  {
    name: 'insert bytes',
    apply(b, r) {
      const at = int(r, b.length + 1);
      const n = pick(r, [1, 2, 3, 4, 8, 16, 1 + int(r, 64)]);
      return concat(b.subarray(0, at), randomBytes(r, n), b.subarray(at));
    },
  },
  {
    name: 'delete range',
    apply(b, r) {
      const at = int(r, b.length);
      const n = 1 + int(r, Math.min(64, b.length - at));
      return concat(b.subarray(0, at), b.subarray(at + n));
    },
  },
  {
    name: 'duplicate range',
    apply(b, r) {
      const at = int(r, b.length);
      const n = 1 + int(r, Math.min(256, b.length - at));
      return concat(b.subarray(0, at + n), b.subarray(at, at + n), b.subarray(at + n));
    },
  },
  {
    name: 'zero range',
    apply(b, r) {
      const out = b.slice();
      const at = int(r, b.length);
      out.fill(0, at, at + 1 + int(r, 64));
      return out;
    },
  },
  {
    name: 'huge length field',
    apply(b, r) {
      const out = b.slice();
      if (out.length < 4) return out;
      const width = out.length >= 8 && r() < 0.5 ? 8 : 4;
      // length fields live mostly in headers: favour the first 64 bytes
      const span = r() < 0.7 ? Math.min(64, out.length - width + 1) : out.length - width + 1;
      const at = int(r, span) & ~(width === 8 && r() < 0.5 ? 7 : 3);
      const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
      const v = pick(r, HUGE);
      if (width === 8) view.setBigUint64(at, v & (2n ** 64n - 1n), true);
      else view.setUint32(at, Number(v & 0xffffffffn), true);
      return out;
    },
  },
  {
    name: 'splice another seed',
    apply(b, r, others) {
      const o = others.length > 0 ? pick(r, others) : b;
      const at = int(r, b.length + 1);
      const from = int(r, o.length + 1);
      return concat(b.subarray(0, at), o.subarray(from));
    },
  },
];

const NUMBERS = [
  '1e308',
  '-1e308',
  '99999999999999999999',
  '4294967296',
  '2147483648',
  '-1',
  '0',
  '-0',
  '1.5',
  'NaN',
  'nan',
  'Infinity',
  'inf',
  '-inf',
  '1e-400',
  '0x10',
  '',
];
const PUNCT = ['{', '}', '[', ']', ',', ':', '"', '\\', ' ', '\n', '\t', '\r\n', '\0'];
const UNICODE = [
  '\u{1F600}',
  '\u200D',
  '\u202E',
  '\uFEFF',
  'é',
  '\u0301',
  '\u0000',
  '\uFFFD',
  '\u{10FFFF}',
  'ǅ',
];
/** Raw byte sequences that are not UTF-8: a lone continuation byte, an overlong form, a surrogate. */
const BAD_UTF8 = [[0xff], [0x80], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xe2, 0x82]];

/** Text-level mutators: for text formats (JSON, vector text files, vocabularies). */
export const TEXT: Mutator[] = [
  {
    name: 'replace a number',
    apply(b, r) {
      const s = new TextDecoder().decode(b);
      const found = [...s.matchAll(/-?\d+(?:\.\d+)?(?:e[+-]?\d+)?/gi)];
      if (found.length === 0) return b;
      const m = pick(r, found);
      return enc.encode(s.slice(0, m.index) + pick(r, NUMBERS) + s.slice(m.index! + m[0].length));
    },
  },
  {
    name: 'insert or delete punctuation',
    apply(b, r) {
      const s = new TextDecoder().decode(b);
      const at = int(r, s.length + 1);
      if (r() < 0.5) return enc.encode(s.slice(0, at) + pick(r, PUNCT) + s.slice(at));
      const hits = [...s.matchAll(/[{}[\],:"\n ]/g)];
      if (hits.length === 0) return b;
      const h = pick(r, hits);
      return enc.encode(s.slice(0, h.index) + s.slice(h.index! + 1));
    },
  },
  {
    name: 'edit lines',
    apply(b, r) {
      const lines = new TextDecoder().decode(b).split('\n');
      const i = int(r, lines.length);
      const j = int(r, lines.length);
      const op = int(r, 4);
      if (op === 0)
        lines.splice(i, 0, lines[j]!); // duplicate a line
      else if (op === 1)
        lines.splice(i, 1); // delete a line
      else if (op === 2)
        [lines[i], lines[j]] = [lines[j]!, lines[i]!]; // swap two
      else lines[i] = lines[i]!.split(/\s+/).slice(0, int(r, 4)).join(' '); // cut a line short
      return enc.encode(lines.join('\n'));
    },
  },
  {
    name: 'insert Unicode',
    apply(b, r) {
      const at = int(r, b.length + 1);
      const piece = r() < 0.6 ? enc.encode(pick(r, UNICODE)) : Uint8Array.from(pick(r, BAD_UTF8));
      return concat(b.subarray(0, at), piece, b.subarray(at));
    },
  },
  {
    name: 'repeat a token',
    apply(b, r) {
      // duplicated keys, vocabulary entries, names: copy one quoted string or word over another
      const s = new TextDecoder().decode(b);
      const tokens = [...s.matchAll(/"[^"\n]{1,80}"|[^\s"{}[\],:]{1,80}/g)];
      if (tokens.length < 2) return b;
      const a = pick(r, tokens);
      const c = pick(r, tokens);
      return enc.encode(s.slice(0, c.index) + a[0] + s.slice(c.index! + c[0].length));
    },
  },
];

export interface Mutation {
  /** The mutated files (the unmutated ones as they were). */
  files: Record<string, Uint8Array>;
  /** What was done, e.g. 'model.safetensors: huge length field, then flip bits'. */
  description: string;
  /** The seed case it came from. */
  seedIndex: number;
}

/**
 * Mutation `i` (deterministic in `seed` and `i`): picks a seed case and one of its mutable files,
 * then applies 1–3 mutators (text ones too when `kind` is 'text').
 */
export function mutation(
  seeds: readonly Record<string, Uint8Array>[],
  options: {
    seed: number;
    index: number;
    kind: 'binary' | 'text';
    mutable?: readonly string[];
    extra?: readonly Mutator[];
  },
): Mutation {
  const r = rng((options.seed * 0x9e3779b1) ^ ((options.index + 1) * 0x85ebca6b));
  const seedIndex = int(r, seeds.length);
  const files = { ...seeds[seedIndex]! };
  const names = (options.mutable ?? Object.keys(files)).filter((n) => n in files);
  const name = pick(r, names);
  const pool = [
    ...BINARY,
    ...(options.kind === 'text' ? [...TEXT, ...TEXT] : []),
    ...(options.extra ?? []),
    ...(options.extra ?? []),
  ];
  const others = seeds.flatMap((s) => (s[name] ? [s[name]!] : []));
  let bytes = files[name]!;
  const done: string[] = [];
  for (let k = 1 + int(r, 3); k > 0; k--) {
    const m = pick(r, pool);
    bytes = m.apply(bytes, r, others);
    done.push(m.name);
  }
  files[name] = bytes;
  return { files, description: `${name}: ${done.join(', then ')}`, seedIndex };
}
