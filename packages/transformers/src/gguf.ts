/**
 * GGUF — the model file of llama.cpp, Ollama and ggml (version 3), read and written from bytes (no
 * file system: a browser can use it too). Layout, all little-endian:
 *
 *   "GGUF"  uint32 version (3)  uint64 tensor_count  uint64 metadata_kv_count
 *   metadata_kv_count × { string key, uint32 value_type, value }
 *   tensor_count × { string name, uint32 n_dims, n_dims × uint64 ne (ne[0] = row length, innermost),
 *                    uint32 ggml_type, uint64 offset (in the data section, a multiple of the alignment) }
 *   padding to `general.alignment` (default 32), then the data section.
 *   string = uint64 byte length + UTF-8 bytes (no NUL); array = uint32 item type, uint64 count, items.
 *
 *   const file = readGguf(bytes, 'model.gguf');
 *   file.metadata.get('general.architecture') // { type: 'string', value: 'llama' }
 *   ggufTensorToFloat32(file, file.tensors[0]!) // F32, F16 and Q8_0 tensors as a Float32Array
 *   writeGguf({ metadata, tensors: [{ name, shape: [cols, rows], type: 'Q8_0', data: float32 }] })
 *
 * Strict reading, as ggml's `gguf.cpp`: every length and count is checked against the bytes left
 * before anything is allocated; keys and tensor names are unique; strings are UTF-8; tensor types
 * are known and ne[0] a multiple of the type's block; each tensor starts where the previous one
 * ended, rounded up to the alignment, and lies inside the file. Every problem is a FormatError
 * naming the file, the byte offset and the problem.
 *
 * Q8_0 (ggml `block_q8_0`): blocks of 32 values as one float16 scale d = max|x|/127 and 32 int8
 * q = round(x/d); x ≈ q·d. Quantised as ggml's `quantize_row_q8_0_ref`.
 */
import { FormatError, ValidationError } from '@firth/numeric';
import { f16ToNumber, numberToF16 } from './float16.js';

/** GGUF metadata value types, by their on-disk codes (ggml `enum gguf_type`). */
const VALUE_TYPES = [
  'u8',
  'i8',
  'u16',
  'i16',
  'u32',
  'i32',
  'f32',
  'bool',
  'string',
  'array',
  'u64',
  'i64',
  'f64',
] as const;
export type GgufValueType = (typeof VALUE_TYPES)[number];
export type GgufScalarType = Exclude<GgufValueType, 'array'>;
export type GgufScalar = number | bigint | boolean | string;

/** One metadata value with its GGUF type (kept, so that a file is written back as it was read). */
export type GgufValue =
  | { type: 'u8' | 'i8' | 'u16' | 'i16' | 'u32' | 'i32' | 'f32' | 'f64'; value: number }
  | { type: 'u64' | 'i64'; value: bigint }
  | { type: 'bool'; value: boolean }
  | { type: 'string'; value: string }
  | GgufArray;
export type GgufArray =
  | { type: 'array'; itemType: GgufScalarType; value: GgufScalar[] }
  | { type: 'array'; itemType: 'array'; value: GgufArray[] };

/** ggml tensor types this module knows the size of: code, values per block, bytes per block. */
const TENSOR_TYPES = {
  F32: [0, 1, 4],
  F16: [1, 1, 2],
  Q4_0: [2, 32, 18],
  Q4_1: [3, 32, 20],
  Q5_0: [6, 32, 22],
  Q5_1: [7, 32, 24],
  Q8_0: [8, 32, 34],
  Q8_1: [9, 32, 36],
  Q2_K: [10, 256, 84],
  Q3_K: [11, 256, 110],
  Q4_K: [12, 256, 144],
  Q5_K: [13, 256, 176],
  Q6_K: [14, 256, 210],
  Q8_K: [15, 256, 292],
  I8: [24, 1, 1],
  I16: [25, 1, 2],
  I32: [26, 1, 4],
  I64: [27, 1, 8],
  F64: [28, 1, 8],
  BF16: [30, 1, 2],
} as const;
export type GgmlType = keyof typeof TENSOR_TYPES;
const TYPE_BY_CODE = new Map(
  Object.entries(TENSOR_TYPES).map(([name, [code]]) => [code as number, name as GgmlType]),
);

export const GGUF_MAGIC = 0x46554747; // "GGUF" read as a little-endian uint32
export const GGUF_VERSION = 3;
export const GGUF_DEFAULT_ALIGNMENT = 32;
export const Q8_0_BLOCK = 32;
/** ggml's GGML_MAX_DIMS. */
const MAX_DIMS = 4;

export interface GgufTensorInfo {
  name: string;
  /** ne: ne[0] is the row length (innermost); a PyTorch [rows, cols] weight is [cols, rows] here. */
  shape: number[];
  type: GgmlType;
  /** Values (product of the shape). */
  count: number;
  /** Bytes in the data section. */
  byteLength: number;
  /** Offset in the data section (as stored). */
  offset: number;
}

export interface GgufFile {
  name: string;
  version: number;
  metadata: Map<string, GgufValue>;
  tensors: GgufTensorInfo[];
  alignment: number;
  /** Byte offset of the data section in the file. */
  dataStart: number;
  /** The whole file. */
  bytes: Uint8Array;
}

const align = (n: number, a: number) => Math.ceil(n / a) * a;

/** Smallest encoded size of a value of each type (a string: its uint64 length). */
const MIN_BYTES: Record<GgufValueType, number> = {
  u8: 1,
  i8: 1,
  u16: 2,
  i16: 2,
  u32: 4,
  i32: 4,
  f32: 4,
  bool: 1,
  string: 8,
  array: 12,
  u64: 8,
  i64: 8,
  f64: 8,
};

/** Reads and checks a GGUF file (`name` names it in errors). Tensor data stays in `bytes`. */
export function readGguf(bytes: Uint8Array, name = 'model.gguf'): GgufFile {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  let o = 0;
  const fail = (at: number, problem: string) => new FormatError(name, `at byte offset ${at}:`, problem);
  const need = (n: number, what: string) => {
    if (n > bytes.length - o)
      throw fail(
        o,
        `${what} needs ${n} bytes, but only ${bytes.length - o} are left (the file has ${bytes.length})`,
      );
  };
  const u32 = (what: string) => {
    need(4, what);
    o += 4;
    return view.getUint32(o - 4, true);
  };
  /** A uint64 that must be a safe integer (counts, lengths, dims, offsets). */
  const u64 = (what: string) => {
    need(8, what);
    const v = view.getBigUint64(o, true);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw fail(o, `${what} is ${v}, beyond any file`);
    o += 8;
    return Number(v);
  };
  const str = (what: string) => {
    const at = o;
    const len = u64(`${what} (length)`);
    need(len, `${what} (${len} bytes)`);
    o += len;
    try {
      return utf8.decode(bytes.subarray(o - len, o));
    } catch {
      throw fail(at, `${what} is not valid UTF-8`);
    }
  };
  const valueType = (what: string) => {
    const at = o;
    const code = u32(what);
    const t = VALUE_TYPES[code];
    if (t === undefined)
      throw fail(at, `${what} is ${code}, not a GGUF value type (0..${VALUE_TYPES.length - 1})`);
    return t;
  };
  const scalar = (t: GgufScalarType, what: string): GgufScalar => {
    if (t === 'string') return str(what);
    need(MIN_BYTES[t], what);
    const at = o;
    o += MIN_BYTES[t];
    switch (t) {
      case 'u8':
        return view.getUint8(at);
      case 'i8':
        return view.getInt8(at);
      case 'u16':
        return view.getUint16(at, true);
      case 'i16':
        return view.getInt16(at, true);
      case 'u32':
        return view.getUint32(at, true);
      case 'i32':
        return view.getInt32(at, true);
      case 'f32':
        return view.getFloat32(at, true);
      case 'f64':
        return view.getFloat64(at, true);
      case 'u64':
        return view.getBigUint64(at, true);
      case 'i64':
        return view.getBigInt64(at, true);
      case 'bool': {
        const b = view.getUint8(at);
        if (b > 1) throw fail(at, `${what} is a bool stored as ${b}; must be 0 or 1`);
        return b === 1;
      }
    }
  };
  const array = (what: string): GgufArray => {
    const itemType = valueType(`${what}: array item type`);
    const countAt = o;
    const count = u64(`${what}: array length`);
    // checked against the bytes left before anything is allocated
    if (count * MIN_BYTES[itemType] > bytes.length - o)
      throw fail(
        countAt,
        `${what} claims ${count} items of type ${itemType}, at least ${count * MIN_BYTES[itemType]} bytes, but only ${bytes.length - o} are left`,
      );
    if (itemType === 'array') {
      const items: GgufArray[] = [];
      for (let i = 0; i < count; i++) items.push(array(`${what}[${i}]`));
      return { type: 'array', itemType, value: items };
    }
    const items: GgufScalar[] = new Array(count);
    for (let i = 0; i < count; i++) items[i] = scalar(itemType, `${what}[${i}]`);
    return { type: 'array', itemType, value: items };
  };

  need(4, 'the magic "GGUF"');
  const magic = view.getUint32(0, true);
  if (magic !== GGUF_MAGIC)
    throw fail(0, `starts with 0x${magic.toString(16).padStart(8, '0')}, not the GGUF magic "GGUF"`);
  o = 4;
  const version = u32('the version');
  if (version !== 2 && version !== 3) throw fail(4, `is GGUF version ${version}; versions 2 and 3 are read`);
  const tensorCount = u64('the tensor count');
  const kvCount = u64('the metadata count');
  // every key/value takes ≥ 8 + 4 + 1 bytes and every tensor info ≥ 8 + 4 + 8 + 4 + 8
  if (kvCount * 13 + tensorCount * 32 > bytes.length - o)
    throw fail(
      8,
      `claims ${tensorCount} tensors and ${kvCount} metadata entries, more than the ${bytes.length} bytes of the file can hold`,
    );
  const metadata = new Map<string, GgufValue>();
  for (let i = 0; i < kvCount; i++) {
    const at = o;
    const key = str(`metadata key ${i}`);
    if (metadata.has(key)) throw fail(at, `repeats the metadata key ${JSON.stringify(key)}`);
    const what = `metadata ${JSON.stringify(key)}`;
    const t = valueType(`${what}: value type`);
    metadata.set(key, (t === 'array' ? array(what) : { type: t, value: scalar(t, what) }) as GgufValue);
  }
  let alignment = GGUF_DEFAULT_ALIGNMENT;
  const alignValue = metadata.get('general.alignment');
  if (alignValue !== undefined) {
    if (
      alignValue.type !== 'u32' ||
      alignValue.value === 0 ||
      (alignValue.value & (alignValue.value - 1)) !== 0
    )
      throw new FormatError(
        name,
        'metadata "general.alignment"',
        `must be a u32 power of two, got ${alignValue.type} ${String(alignValue.value)}`,
      );
    alignment = alignValue.value;
  }
  const tensors: GgufTensorInfo[] = [];
  const names = new Set<string>();
  for (let i = 0; i < tensorCount; i++) {
    const at = o;
    const tname = str(`tensor ${i} name`);
    if (names.has(tname)) throw fail(at, `repeats the tensor name ${JSON.stringify(tname)}`);
    names.add(tname);
    const what = `tensor ${JSON.stringify(tname)}`;
    const dimsAt = o;
    const nDims = u32(`${what}: n_dims`);
    if (nDims < 1 || nDims > MAX_DIMS)
      throw fail(dimsAt, `${what} has ${nDims} dimensions; 1..${MAX_DIMS} allowed`);
    const shape: number[] = [];
    let count = 1;
    for (let d = 0; d < nDims; d++) {
      const dim = u64(`${what}: ne[${d}]`);
      shape.push(dim);
      count *= dim;
      if (count > Number.MAX_SAFE_INTEGER)
        throw fail(dimsAt, `${what} has shape [${shape}], too many values`);
    }
    const typeAt = o;
    const code = u32(`${what}: type`);
    const type = TYPE_BY_CODE.get(code);
    if (type === undefined) throw fail(typeAt, `${what} has the ggml type ${code}, which is not known here`);
    const [, block, blockBytes] = TENSOR_TYPES[type];
    if (shape[0]! % block !== 0)
      throw fail(typeAt, `${what} is ${type} (blocks of ${block}) but its rows have ${shape[0]} values`);
    const offset = u64(`${what}: offset`);
    tensors.push({ name: tname, shape, type, count, byteLength: (count / block) * blockBytes, offset });
  }
  const dataStart = align(o, alignment);
  let expected = 0;
  for (const t of tensors) {
    if (t.offset !== expected)
      throw new FormatError(
        name,
        `tensor ${JSON.stringify(t.name)}`,
        `has data offset ${t.offset}; the previous tensors end (aligned to ${alignment}) at ${expected}`,
      );
    if (dataStart + t.offset + t.byteLength > bytes.length)
      throw new FormatError(
        name,
        `tensor ${JSON.stringify(t.name)}`,
        `needs ${t.byteLength} bytes at byte offset ${dataStart + t.offset}, past the end of the file (${bytes.length} bytes)`,
      );
    expected = align(t.offset + t.byteLength, alignment);
  }
  const end = tensors.length > 0 ? dataStart + expected : o;
  if (bytes.length > Math.max(end, dataStart))
    throw fail(end, `has ${bytes.length - end} bytes after the last tensor's data`);
  return { name, version, metadata, tensors, alignment, dataStart, bytes };
}

/** The values of a F32, F16 or Q8_0 tensor as float32 (other types: a FormatError saying so). */
export function ggufTensorToFloat32(file: GgufFile, tensor: GgufTensorInfo): Float32Array {
  const start = file.dataStart + tensor.offset;
  const view = new DataView(file.bytes.buffer, file.bytes.byteOffset + start, tensor.byteLength);
  const out = new Float32Array(tensor.count);
  switch (tensor.type) {
    case 'F32':
      for (let i = 0; i < tensor.count; i++) out[i] = view.getFloat32(i * 4, true);
      return out;
    case 'F16':
      for (let i = 0; i < tensor.count; i++) out[i] = f16ToNumber(view.getUint16(i * 2, true));
      return out;
    case 'Q8_0':
      for (let b = 0; b < tensor.count / Q8_0_BLOCK; b++) {
        const d = f16ToNumber(view.getUint16(b * 34, true));
        for (let j = 0; j < Q8_0_BLOCK; j++) out[b * Q8_0_BLOCK + j] = view.getInt8(b * 34 + 2 + j) * d;
      }
      return out;
    default:
      throw new FormatError(
        file.name,
        `tensor ${JSON.stringify(tensor.name)}`,
        `is ${tensor.type}; only F32, F16 and Q8_0 tensors are read into Firth`,
      );
  }
}

/** Q8_0 blocks of `values` (length a multiple of 32), as ggml's quantize_row_q8_0_ref. */
export function quantizeQ8_0(values: Float32Array): Uint8Array {
  if (values.length % Q8_0_BLOCK !== 0)
    throw new ValidationError(
      `Q8_0 needs a multiple of ${Q8_0_BLOCK} values, got ${values.length}`,
      'values',
    );
  const blocks = values.length / Q8_0_BLOCK;
  const out = new Uint8Array(blocks * 34);
  const view = new DataView(out.buffer);
  for (let b = 0; b < blocks; b++) {
    let amax = 0;
    for (let j = 0; j < Q8_0_BLOCK; j++) amax = Math.max(amax, Math.abs(values[b * Q8_0_BLOCK + j]!));
    const d = Math.fround(amax / 127);
    const id = d ? Math.fround(1 / d) : 0;
    view.setUint16(b * 34, numberToF16(d), true);
    for (let j = 0; j < Q8_0_BLOCK; j++) {
      const x = Math.fround(values[b * Q8_0_BLOCK + j]! * id);
      // roundf: half away from zero
      view.setInt8(b * 34 + 2 + j, Math.sign(x) * Math.round(Math.abs(x)));
    }
  }
  return out;
}

/** A tensor to write: float32 values, stored as `type`; shape is ggml's ne (row length first). */
export interface GgufTensorInput {
  name: string;
  shape: number[];
  type: 'F32' | 'F16' | 'Q8_0';
  data: Float32Array;
}

/** Writes a GGUF v3 file: the metadata in insertion order, the tensors in the order given. */
export function writeGguf(input: {
  metadata: Map<string, GgufValue> | [string, GgufValue][];
  tensors: GgufTensorInput[];
}): Uint8Array {
  const metadata = new Map(input.metadata);
  const alignValue = metadata.get('general.alignment');
  const alignment = alignValue?.type === 'u32' ? alignValue.value : GGUF_DEFAULT_ALIGNMENT;
  const enc = new TextEncoder();
  const parts: Uint8Array[] = [];
  let size = 0;
  const push = (b: Uint8Array) => {
    parts.push(b);
    size += b.length;
  };
  const num = (bytes: number, set: (v: DataView) => void) => {
    const b = new Uint8Array(bytes);
    set(new DataView(b.buffer));
    push(b);
  };
  const u32 = (v: number) => num(4, (d) => d.setUint32(0, v, true));
  const u64 = (v: number | bigint) => num(8, (d) => d.setBigUint64(0, BigInt(v), true));
  const str = (s: string) => {
    const b = enc.encode(s);
    u64(b.length);
    push(b);
  };
  const scalar = (t: GgufScalarType, v: GgufScalar) => {
    const bad = () => new ValidationError(`a GGUF ${t} cannot hold ${String(v)}`, 'metadata');
    if (t === 'string') {
      if (typeof v !== 'string') throw bad();
      return str(v);
    }
    if (t === 'bool') {
      if (typeof v !== 'boolean') throw bad();
      return num(1, (d) => d.setUint8(0, v ? 1 : 0));
    }
    if (t === 'u64' || t === 'i64') {
      if (typeof v !== 'bigint') throw bad();
      return num(8, (d) => (t === 'u64' ? d.setBigUint64(0, v, true) : d.setBigInt64(0, v, true)));
    }
    if (typeof v !== 'number') throw bad();
    const n = MIN_BYTES[t];
    num(n, (d) => {
      if (t === 'f32') d.setFloat32(0, v, true);
      else if (t === 'f64') d.setFloat64(0, v, true);
      else {
        const ranges = {
          u8: [0, 255],
          i8: [-128, 127],
          u16: [0, 65535],
          i16: [-32768, 32767],
          u32: [0, 2 ** 32 - 1],
          i32: [-(2 ** 31), 2 ** 31 - 1],
        } as const;
        const [lo, hi] = ranges[t];
        if (!Number.isInteger(v) || v < lo || v > hi) throw bad();
        if (t === 'u8') d.setUint8(0, v);
        else if (t === 'i8') d.setInt8(0, v);
        else if (t === 'u16') d.setUint16(0, v, true);
        else if (t === 'i16') d.setInt16(0, v, true);
        else if (t === 'u32') d.setUint32(0, v, true);
        else d.setInt32(0, v, true);
      }
    });
  };
  const value = (v: GgufValue) => {
    if (v.type !== 'array') return scalar(v.type, v.value);
    u32(VALUE_TYPES.indexOf(v.itemType));
    u64(v.value.length);
    if (v.itemType === 'array') for (const item of v.value as GgufArray[]) value(item);
    else for (const item of v.value as GgufScalar[]) scalar(v.itemType, item);
  };

  const datas = input.tensors.map((t) => {
    const count = t.shape.reduce((a, b) => a * b, 1);
    if (count !== t.data.length)
      throw new ValidationError(
        `tensor ${t.name}: shape [${t.shape}] holds ${count} values, data has ${t.data.length}`,
        'tensors',
      );
    if (t.type === 'Q8_0') {
      if (t.shape[0]! % Q8_0_BLOCK !== 0)
        throw new ValidationError(
          `tensor ${t.name}: Q8_0 rows must hold a multiple of 32 values, not ${t.shape[0]}`,
          'tensors',
        );
      return quantizeQ8_0(t.data);
    }
    if (t.type === 'F16') {
      const b = new Uint8Array(count * 2);
      const d = new DataView(b.buffer);
      for (let i = 0; i < count; i++) d.setUint16(i * 2, numberToF16(t.data[i]!), true);
      return b;
    }
    const b = new Uint8Array(count * 4);
    const d = new DataView(b.buffer);
    for (let i = 0; i < count; i++) d.setFloat32(i * 4, t.data[i]!, true);
    return b;
  });

  u32(GGUF_MAGIC);
  u32(GGUF_VERSION);
  u64(input.tensors.length);
  u64(metadata.size);
  for (const [k, v] of metadata) {
    str(k);
    u32(VALUE_TYPES.indexOf(v.type));
    value(v);
  }
  let offset = 0;
  input.tensors.forEach((t, i) => {
    str(t.name);
    u32(t.shape.length);
    for (const d of t.shape) u64(d);
    u32(TENSOR_TYPES[t.type][0]);
    u64(offset);
    offset = align(offset + datas[i]!.length, alignment);
  });
  const pad = (n: number) => {
    if (n > 0) push(new Uint8Array(n));
  };
  pad(align(size, alignment) - size);
  for (const d of datas) {
    push(d);
    pad(align(d.length, alignment) - d.length);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
