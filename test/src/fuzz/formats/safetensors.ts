/**
 * Fuzz format: safetensors, through `readSafetensors`.
 *
 * Seeds: a small file written by `writeSafetensors` (with metadata), one built byte by byte with
 * every dtype Firth reads (F32, F16, BF16, I32, I64, a scalar, empty tensors), and a slice of the
 * shipped tiny BERT (the embedding LayerNorm, position embeddings and layer 0's attention, ~330 KB).
 *
 * `specRead` below is this module's own reading of the format (https://github.com/huggingface/
 * safetensors, the crate's `Metadata::validate`), written apart from the loader: a token-level
 * scan for repeated keys, BigInt sizes, offsets tiling the data section. An accepted file must
 * pass it, and what the loader returned must equal the values decoded here.
 */
import { readFileSync } from 'node:fs';
import { dataPath } from '@firth/datasets';
import { readSafetensors, type SafetensorsTensor, writeSafetensors } from '@firth/transformers';
import type { Files, FuzzFormat } from '../format.ts';
import type { Mutator } from '../mutate.ts';

// ── the format as read here ──────────────────────────────────────────────────────────────────────

const WIDTH: Record<string, number> = { F32: 4, F16: 2, BF16: 2, I32: 4, I64: 8 };
const MAX_HEADER = 100_000_000n;

export interface SpecTensor {
  dtype: string;
  shape: number[];
  begin: number;
  end: number;
}
export interface SpecFile {
  header: Record<string, unknown>;
  tensors: Map<string, SpecTensor>;
  dataStart: number;
}

/**
 * The first key repeated inside one JSON object, found from the token stream (a string token
 * followed by ':' is a key of the innermost open object), or null.
 */
export function repeatedKey(json: string): string | null {
  const tokens = json.match(/"(?:[^"\\]|\\.)*"|[{}[\]:,]|[^\s{}[\]:,"]+/g) ?? [];
  const stack: (Set<string> | null)[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t === '{') stack.push(new Set());
    else if (t === '[') stack.push(null);
    else if (t === '}' || t === ']') stack.pop();
    else if (t.startsWith('"') && tokens[i + 1] === ':') {
      const key = JSON.parse(t) as string;
      const keys = stack[stack.length - 1]!;
      if (keys.has(key)) return key;
      keys.add(key);
    }
  }
  return null;
}

const isIndex = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;

/** Reads a safetensors file by the specification: the parsed layout, or what is wrong with it. */
export function specRead(b: Uint8Array): SpecFile | string {
  if (b.length < 8) return 'shorter than the length field';
  const n = new DataView(b.buffer, b.byteOffset, 8).getBigUint64(0, true);
  if (n > MAX_HEADER) return `header length ${n} over 100 MB`;
  if (n > BigInt(b.length - 8)) return `header length ${n} past the end`;
  const dataStart = 8 + Number(n);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(b.subarray(8, dataStart));
  } catch {
    return 'header not UTF-8';
  }
  if (!text.startsWith('{')) return 'header does not start with {';
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch {
    return 'header not JSON';
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header)) return 'header not an object';
  const repeated = repeatedKey(text);
  if (repeated !== null) return `key "${repeated}" repeated`;
  const h = header as Record<string, unknown>;
  const tensors = new Map<string, SpecTensor>();
  const dataBytes = BigInt(b.length - dataStart);
  for (const [name, entry] of Object.entries(h)) {
    if (name === '__metadata__') {
      if (entry === null || typeof entry !== 'object' || Array.isArray(entry))
        return '__metadata__ not an object';
      if (Object.values(entry).some((v) => typeof v !== 'string')) return '__metadata__ value not a string';
      continue;
    }
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) return `${name}: not an object`;
    const { dtype, shape, data_offsets: offsets } = entry as Record<string, unknown>;
    if (typeof dtype !== 'string' || !(dtype in WIDTH)) return `${name}: dtype ${String(dtype)}`;
    if (!Array.isArray(shape) || !shape.every(isIndex)) return `${name}: bad shape`;
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isIndex))
      return `${name}: bad offsets`;
    const [begin, end] = offsets as [number, number];
    if (begin > end) return `${name}: begin > end`;
    const size = shape.reduce((p: bigint, d: number) => p * BigInt(d), 1n) * BigInt(WIDTH[dtype]!);
    if (size !== BigInt(end - begin)) return `${name}: ${end - begin} bytes for ${size}`;
    if (BigInt(end) > dataBytes) return `${name}: past the data`;
    tensors.set(name, { dtype, shape, begin, end });
  }
  const sorted = [...tensors.values()].sort((x, y) => x.begin - y.begin || x.end - y.end);
  let at = 0;
  for (const t of sorted) {
    if (t.begin !== at) return t.begin > at ? `gap at ${at}` : `overlap at ${t.begin}`;
    at = t.end;
  }
  if (BigInt(at) !== dataBytes) return `${Number(dataBytes) - at} bytes of the data section unused`;
  return { header: h, tensors, dataStart };
}

/** One element at byte `at`, decoded here: the file's little-endian value as a number. */
export function element(view: DataView, dtype: string, at: number): number {
  if (dtype === 'F32') return view.getFloat32(at, true);
  if (dtype === 'I32') return view.getInt32(at, true);
  if (dtype === 'I64') return Number(view.getBigInt64(at, true));
  const bits = view.getUint16(at, true);
  if (dtype === 'BF16') {
    const f = new DataView(new ArrayBuffer(4));
    f.setUint32(0, bits * 65536);
    return f.getFloat32(0);
  }
  // F16: sign, 5-bit exponent (bias 15), 10-bit fraction
  const sign = bits >> 15 ? -1 : 1;
  const exp = (bits >> 10) & 31;
  const frac = bits & 1023;
  if (exp === 31) return frac ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return exp === 0 ? sign * frac * 2 ** -24 : sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/**
 * What is wrong with an accepted file and the tensors the loader returned for it: the file breaks
 * the specification, holds NaN/Infinity weights (refused by default), an I64 outside int32, or the
 * loader's values differ from the file's.
 */
export function compareTensors(b: Uint8Array, loaded: Map<string, SafetensorsTensor>): string | null {
  const spec = specRead(b);
  if (typeof spec === 'string') return `accepted an inconsistent file: ${spec}`;
  if (loaded.size !== spec.tensors.size)
    return `loaded ${loaded.size} tensors, the file has ${spec.tensors.size}`;
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  for (const [name, t] of spec.tensors) {
    const got = loaded.get(name);
    if (!got) return `tensor "${name}" not loaded`;
    if (got.dtype !== t.dtype || got.shape.join() !== t.shape.join())
      return `tensor "${name}": dtype/shape differ`;
    const count = (t.end - t.begin) / WIDTH[t.dtype]!;
    if (got.data.length !== count)
      return `tensor "${name}": ${got.data.length} values, the file has ${count}`;
    for (let i = 0; i < count; i++) {
      const v = element(view, t.dtype, spec.dataStart + t.begin + i * WIDTH[t.dtype]!);
      if (!Number.isFinite(v)) return `tensor "${name}" holds ${v} at ${i}, accepted without allowNonFinite`;
      if (t.dtype === 'I64' && (v > 2 ** 31 - 1 || v < -(2 ** 31)))
        return `tensor "${name}": I64 ${v} outside int32`;
      if (got.data[i] !== v) return `tensor "${name}"[${i}] is ${got.data[i]}, the file says ${v}`;
    }
  }
  return null;
}

// ── format-aware mutations ───────────────────────────────────────────────────────────────────────

type Rand = () => number;
const int = (r: Rand, n: number) => Math.floor(r() * n);
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[int(r, xs.length)]!;

/** The file as (header object, header text, data section), or null when it no longer parses. */
function split(b: Uint8Array): { header: Record<string, unknown>; text: string; data: Uint8Array } | null {
  if (b.length < 8) return null;
  const n = Number(new DataView(b.buffer, b.byteOffset, 8).getBigUint64(0, true));
  if (!(n <= b.length - 8)) return null;
  try {
    const text = new TextDecoder().decode(b.subarray(8, 8 + n));
    const header = JSON.parse(text) as Record<string, unknown>;
    return header && typeof header === 'object' && !Array.isArray(header)
      ? { header, text, data: b.subarray(8 + n) }
      : null;
  } catch {
    return null;
  }
}

/** A file from header text and data; the length field says the text's byte length (+ `skew`). */
export function assemble(text: string, data: Uint8Array, skew = 0): Uint8Array {
  const head = new TextEncoder().encode(text);
  const out = new Uint8Array(8 + head.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(Math.max(0, head.length + skew)), true);
  out.set(head, 8);
  out.set(data, 8 + head.length);
  return out;
}

const tensorNames = (h: Record<string, unknown>) => Object.keys(h).filter((k) => k !== '__metadata__');

/**
 * Edits the header object of a file that still parses (other files are left as they are): in
 * place, or returning the whole new file.
 */
const onHeader =
  (edit: (h: Record<string, unknown>, r: Rand, data: Uint8Array) => unknown) => (b: Uint8Array, r: Rand) => {
    const f = split(b);
    if (!f || tensorNames(f.header).length === 0) return b;
    const replaced = edit(f.header, r, f.data);
    return replaced instanceof Uint8Array ? replaced : assemble(JSON.stringify(f.header), f.data);
  };
const entryOf = (h: Record<string, unknown>, r: Rand) =>
  h[pick(r, tensorNames(h))] as { dtype: unknown; shape: unknown; data_offsets: unknown };

export const SAFETENSORS_MUTATORS: Mutator[] = [
  {
    name: 'shift data_offsets',
    apply: onHeader((h, r) => {
      const e = entryOf(h, r);
      const offs = e.data_offsets as number[];
      const delta = pick(r, [1, -1, 2, 4, -4, 8, offs[1]! - offs[0]!]);
      const which = int(r, 3);
      e.data_offsets = [offs[0]! + (which !== 1 ? delta : 0), offs[1]! + (which !== 0 ? delta : 0)];
    }),
  },
  {
    name: 'duplicate a header key',
    apply: onHeader((h, r, data) => {
      const name = pick(r, tensorNames(h));
      const text = JSON.stringify(h);
      // the same name again, first with its own entry (only the repeat is wrong), or another's
      const other = h[pick(r, tensorNames(h))];
      const entry = JSON.stringify(r() < 0.5 ? h[name] : other);
      return assemble(`${text.slice(0, -1)},${JSON.stringify(name)}:${entry}}`, data);
    }),
  },
  {
    name: 'change a dtype',
    apply: onHeader((h, r) => {
      entryOf(h, r).dtype = pick(r, ['F32', 'F16', 'BF16', 'I32', 'I64', 'F64', 'U8', 'BOOL', 'f32', '', 7]);
    }),
  },
  {
    name: 'change a shape',
    apply: onHeader((h, r) => {
      const e = entryOf(h, r);
      const shape = [...(e.shape as number[])];
      const op = int(r, 5);
      if (op === 0 && shape.length)
        shape[int(r, shape.length)] = pick(r, [0, 1, -1, 1.5, 2 ** 53, 2 ** 31, 3]);
      else if (op === 1) shape.push(pick(r, [1, 2, 0]));
      else if (op === 2) shape.pop();
      else if (op === 3)
        shape.reverse(); // same count: a legitimate reshape, accepted
      else e.shape = pick(r, ['x', null, [[2]], { 0: 1 }]);
      if (op < 4) e.shape = shape;
    }),
  },
  {
    name: 'grow the header length',
    apply(b, r) {
      const f = split(b);
      if (!f) return b;
      const skew = pick(r, [1, 2, 8, -1, -2, f.data.length, f.data.length + 1]);
      return assemble(f.text, f.data, skew);
    },
  },
  {
    name: 'swap two tensors’ offsets',
    apply: onHeader((h, r) => {
      const a = entryOf(h, r);
      const c = entryOf(h, r);
      [a.data_offsets, c.data_offsets] = [c.data_offsets, a.data_offsets];
    }),
  },
  {
    name: 'reorder or pad the header',
    apply: onHeader((h, r, data) => {
      const keys = Object.keys(h).reverse();
      const text = JSON.stringify(Object.fromEntries(keys.map((k) => [k, h[k]])), null, r() < 0.5 ? 1 : 0);
      // trailing spaces are allowed (writers pad to 8 bytes); a leading one is not
      return assemble(r() < 0.8 ? `${text}${' '.repeat(int(r, 9))}` : ` ${text}`, data);
    }),
  },
  {
    name: 'NaN or Infinity in a weight',
    apply: onHeader((h, r, data) => {
      const name = pick(r, tensorNames(h));
      const e = h[name] as { dtype: string; data_offsets: number[] };
      const [begin, end] = e.data_offsets;
      if (!(end! > begin!) || !['F32', 'F16', 'BF16'].includes(e.dtype))
        return assemble(JSON.stringify(h), data);
      const out = data.slice();
      const width = e.dtype === 'F32' ? 4 : 2;
      const at = begin! + width * int(r, (end! - begin!) / width);
      const bits = pick(
        r,
        e.dtype === 'F32' ? [0x7fc00000, 0x7f800000, 0xff800000] : [0x7e00, 0x7c00, 0xfc00],
      );
      const view = new DataView(out.buffer);
      if (e.dtype === 'F32') view.setUint32(at, bits, true);
      else view.setUint16(at, e.dtype === 'BF16' ? [0x7fc0, 0x7f80, 0xff80][int(r, 3)]! : bits, true);
      return assemble(JSON.stringify(h), out);
    }),
  },
  {
    name: 'edit __metadata__',
    apply: onHeader((h, r) => {
      h.__metadata__ = pick(r, [
        { format: 'pt' },
        { format: 1 },
        { a: null },
        'pt',
        [],
        { nested: { x: 'y' } },
      ]);
    }),
  },
  {
    name: 'drop a tensor from the header',
    apply: onHeader((h, r) => {
      delete h[pick(r, tensorNames(h))];
    }),
  },
];

// ── seeds ────────────────────────────────────────────────────────────────────────────────────────

/** Every dtype, built by hand: values chosen so each decoding path is exercised. */
function allDtypes(): Uint8Array {
  const parts: [string, string, number[], number[]][] = [
    ['f32', 'F32', [2, 2], [...new Uint8Array(Float32Array.from([1.5, -2, 1e-40, 3e38]).buffer)]],
    ['f16', 'F16', [4], [0x00, 0x3c, 0x00, 0xc0, 0xff, 0x7b, 0x01, 0x00]],
    ['bf16', 'BF16', [3], [0x80, 0x3f, 0x40, 0xc0, 0x01, 0x00]],
    ['i32', 'I32', [2], [0xff, 0xff, 0xff, 0xff, 7, 0, 0, 0]],
    ['i64', 'I64', [2], [5, 0, 0, 0, 0, 0, 0, 0, 0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]],
    ['scalar', 'F32', [], [...new Uint8Array(Float32Array.from([0.5]).buffer)]],
    ['empty', 'F32', [0, 3], []],
  ];
  const header: Record<string, unknown> = { __metadata__: { format: 'pt' } };
  const data: number[] = [];
  for (const [name, dtype, shape, bytes] of parts) {
    header[name] = { dtype, shape, data_offsets: [data.length, data.length + bytes.length] };
    data.push(...bytes);
  }
  return assemble(JSON.stringify(header), Uint8Array.from(data));
}

function seeds(): Files[] {
  const small = writeSafetensors(
    new Map([
      ['a.weight', { shape: [3, 4], data: Array.from({ length: 12 }, (_, i) => i / 7 - 0.5) }],
      ['a.bias', { shape: [4], data: [0.1, -0.2, 0.3, 0] }],
      ['scale', { shape: [1], data: [2] }],
    ]),
    { format: 'pt' },
  );
  const bert = readSafetensors(readFileSync(dataPath('models/bert-tiny/model.safetensors')));
  const slice = new Map(
    [...bert]
      .filter(([k]) => /embeddings\.(LayerNorm|position)|layer\.0\.attention/.test(k))
      .map(([k, t]) => [k, { shape: t.shape, data: t.data }] as const),
  );
  return [
    { 'model.safetensors': small },
    { 'model.safetensors': allDtypes() },
    { 'model.safetensors': writeSafetensors(slice, { format: 'pt' }) },
  ];
}

const format: FuzzFormat = {
  name: 'safetensors',
  kind: 'binary',
  seeds,
  extra: SAFETENSORS_MUTATORS,
  load: (files) => readSafetensors(files['model.safetensors']!, 'model.safetensors'),
  inconsistency: (files, loaded) =>
    compareTensors(files['model.safetensors']!, loaded as Map<string, SafetensorsTensor>),
};
export default format;
