/**
 * safetensors — Hugging Face's checkpoint format, read and written: an 8-byte little-endian header
 * length N, N bytes of JSON `{ name: { dtype, shape, data_offsets: [begin, end] }, "__metadata__"?:
 * { key: "string value" } }`, then the data section: the tensors' bytes (offsets relative to its
 * start), row-major, little-endian. No code runs when a file is read (unlike pickle).
 *
 *   const tensors = readSafetensors(readFileSync('model.safetensors'), 'model.safetensors');
 *   tensors.get('transformer.wte.weight') // { dtype: 'F32', shape: [50257, 768], data: Float32Array }
 *
 * A file is read only when every part of it is accounted for, as the reference reader (the Rust
 * `safetensors` crate, `Metadata::validate`) requires — anything else is a FormatError naming the
 * file, the tensor and the problem:
 *   - the header length ≤ 100 MB (the crate's MAX_HEADER_SIZE) and ≤ what follows it in the file;
 *   - the header is UTF-8 JSON, an object starting with `{`, no key named twice (JSON.parse would
 *     keep the last silently); `__metadata__`, if present, maps strings to strings;
 *   - each tensor: a known dtype, a shape of integers ≥ 0, data_offsets [begin, end] with begin ≤ end
 *     and end − begin = dtype size × product(shape);
 *   - the tensors, sorted by offset, tile the data section exactly: each begins where the one
 *     before ended (no gap, no overlap), the first at 0, the last ends at the end of the file (no
 *     trailing bytes);
 *   - float weights are finite: NaN/±Infinity (a corrupt or diverged checkpoint) are refused unless
 *     `allowNonFinite: true` — the one place every safetensors loader (HF folders, BERT, GPT-2,
 *     Firth GPT) checks it.
 *
 * Read: F32, F16 and BF16 (widened to Float32Array), I32 and I64 (as Int32Array, when they fit).
 * Written: F32.
 */
import { checkFiniteValues, checkJson, FormatError, parseJson, shape, ValidationError } from '@firth/numeric';
import { f16ToNumber } from './float16.js';

export interface Tensor {
  dtype: string;
  shape: number[];
  data: Float32Array | Int32Array;
}

/** How checkpoint loaders treat the weights they read (safetensors, HF folders, llama2.c). */
export interface CheckpointOptions {
  /**
   * Load NaN and ±Infinity weights instead of refusing the file (e.g. to inspect a diverged run).
   * @default false
   */
  allowNonFinite?: boolean;
}

/** Bytes per element of each dtype Firth reads. */
const BYTES = { F32: 4, F16: 2, BF16: 2, I32: 4, I64: 8 } as const;
type Dtype = keyof typeof BYTES;
const DTYPES = Object.keys(BYTES) as Dtype[];

/** The Rust crate's MAX_HEADER_SIZE: a larger header is refused before it is read. */
export const MAX_SAFETENSORS_HEADER = 100_000_000;

const tensorEntry = shape.object({
  dtype: shape.literal(...DTYPES),
  shape: shape.array(shape.integer({ min: 0 })),
  data_offsets: shape.tuple(shape.integer({ min: 0 }), shape.integer({ min: 0 })),
});
const metadataEntry = shape.record(shape.string());

/** One tensor's entry in the header, checked. */
export interface SafetensorsEntry {
  name: string;
  dtype: Dtype;
  shape: number[];
  /** Element count: the product of the shape. */
  count: number;
  /** [begin, end) within the data section. */
  begin: number;
  end: number;
}

/** A checked header: the tensors in file order, the metadata, and where the data section starts. */
export interface SafetensorsHeader {
  tensors: SafetensorsEntry[];
  metadata: Record<string, string>;
  dataStart: number;
}

/**
 * Reads and checks the header (everything but the tensor values): the layout rules above. Cheap
 * even for a large file — the data section is only measured, not read.
 */
export function readSafetensorsHeader(bytes: Uint8Array, file = 'safetensors file'): SafetensorsHeader {
  if (bytes.byteLength < 8)
    throw new FormatError(file, '', `has ${bytes.byteLength} bytes, fewer than the 8 of the header length`);
  const n = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
  if (n > BigInt(MAX_SAFETENSORS_HEADER))
    throw new FormatError(file, 'header length', `${n} is over the ${MAX_SAFETENSORS_HEADER}-byte limit`);
  if (n > BigInt(bytes.byteLength - 8))
    throw new FormatError(
      file,
      'header length',
      `${n} runs past the end of the file (${bytes.byteLength - 8} bytes follow the length)`,
    );
  const dataStart = 8 + Number(n);
  if (bytes[8] !== 0x7b) throw new FormatError(file, 'header', 'must be a JSON object starting with "{"');
  let json: unknown;
  try {
    json = parseJson(bytes.subarray(8, dataStart), file, { uniqueKeys: true });
  } catch (e) {
    // name the place: `model.safetensors: header is not valid JSON: … at line 1, column 5`
    throw e instanceof FormatError
      ? new FormatError(file, e.where ? `header ${e.where}` : 'header', e.problem)
      : e;
  }
  const header = checkJson(json, shape.record(shape.any()), file, 'header');
  const dataBytes = bytes.byteLength - dataStart;
  const metadata =
    header.__metadata__ === undefined
      ? {}
      : checkJson(header.__metadata__, metadataEntry, file, '__metadata__');
  const tensors: SafetensorsEntry[] = [];
  for (const [name, raw] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const where = `tensor "${name}"`;
    const e = checkJson(raw, tensorEntry, file, where);
    const [begin, end] = e.data_offsets;
    if (end < begin)
      throw new FormatError(file, where, `has data_offsets [${begin}, ${end}]: the end is before the begin`);
    if (end > dataBytes)
      throw new FormatError(
        file,
        where,
        `has data_offsets [${begin}, ${end}] past the end of the ${dataBytes}-byte data section`,
      );
    // count = Π shape, stopped once it passes the data section (the product could leave the safe integers)
    let count = e.shape.includes(0) ? 0 : 1;
    for (const d of e.shape) if (count <= dataBytes) count *= d;
    const width = BYTES[e.dtype];
    if (count * width !== end - begin)
      throw new FormatError(
        file,
        where,
        `is ${e.dtype} of shape ${JSON.stringify(e.shape)}: ${count > dataBytes ? 'more than the file holds' : `${count} × ${width} = ${count * width} bytes`}, but its data_offsets [${begin}, ${end}] hold ${end - begin}`,
      );
    tensors.push({ name, dtype: e.dtype, shape: e.shape, count, begin, end });
  }
  // the tensors tile [0, dataBytes): sorted by offset, each begins where the previous ended
  const sorted = [...tensors].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let covered = 0;
  let previous: SafetensorsEntry | undefined;
  for (const t of sorted) {
    if (t.begin > covered)
      throw new FormatError(
        file,
        `tensor "${t.name}"`,
        `begins at data byte ${t.begin}, but ${previous ? `tensor "${previous.name}" ends at ${covered}` : 'the data section starts at 0'}: a gap of ${t.begin - covered} bytes that belong to no tensor`,
      );
    if (t.begin < covered)
      throw new FormatError(
        file,
        `tensor "${t.name}"`,
        `(data_offsets [${t.begin}, ${t.end}]) overlaps tensor "${previous!.name}" (data_offsets [${previous!.begin}, ${previous!.end}])`,
      );
    covered = t.end;
    previous = t;
  }
  if (covered < dataBytes)
    throw new FormatError(
      file,
      '',
      `has ${dataBytes - covered} trailing bytes after the last tensor's data (the tensors cover ${covered} of ${dataBytes} bytes)`,
    );
  return { tensors, metadata, dataStart };
}

/** Typed arrays use the host's byte order; the file's is little-endian (every platform Node runs on). */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** One tensor's values, copied out of `raw` (its bytes) into a fresh, aligned array. */
function decode(
  dtype: Dtype,
  count: number,
  raw: Uint8Array,
  file: string,
  where: string,
): Float32Array | Int32Array {
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  if (dtype === 'F32' || dtype === 'I32') {
    const out = dtype === 'F32' ? new Float32Array(count) : new Int32Array(count);
    if (LITTLE_ENDIAN)
      new Uint8Array(out.buffer).set(raw); // a byte copy: fast, and aligned whatever the offset
    else if (out instanceof Float32Array)
      for (let i = 0; i < count; i++) out[i] = view.getFloat32(4 * i, true);
    else for (let i = 0; i < count; i++) out[i] = view.getInt32(4 * i, true);
    return out;
  }
  if (dtype === 'F16') {
    const out = new Float32Array(count);
    for (let i = 0; i < count; i++) out[i] = f16ToNumber(view.getUint16(2 * i, true));
    return out;
  }
  if (dtype === 'BF16') {
    // bfloat16 is the top half of a float32: shift its 16 bits up
    const out = new Float32Array(count);
    const bits = new Uint32Array(out.buffer);
    for (let i = 0; i < count; i++) bits[i] = view.getUint16(2 * i, true) << 16;
    return out;
  }
  const out = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const v = view.getBigInt64(8 * i, true);
    if (v > 2147483647n || v < -2147483648n)
      throw new FormatError(file, where, `holds ${v} at index ${i}, which does not fit in int32`);
    out[i] = Number(v);
  }
  return out;
}

/**
 * All tensors of a safetensors file, checked (see the rules at the top). `file` names it in errors.
 *
 *   readSafetensors(bytes, 'model.safetensors').get('w') // { dtype: 'F32', shape: [2, 3], data: Float32Array(6) }
 *   // a file with 4 stray bytes: FormatError "model.safetensors: has 4 trailing bytes after the last tensor's data …"
 */
export function readSafetensors(
  bytes: Uint8Array,
  file = 'safetensors file',
  options: CheckpointOptions = {},
): Map<string, Tensor> {
  const { tensors, dataStart } = readSafetensorsHeader(bytes, file);
  const out = new Map<string, Tensor>();
  for (const t of tensors) {
    const where = `tensor "${t.name}"`;
    const data = decode(
      t.dtype,
      t.count,
      bytes.subarray(dataStart + t.begin, dataStart + t.end),
      file,
      where,
    );
    if (data instanceof Float32Array && !options.allowNonFinite) checkFiniteValues(data, file, where);
    out.set(t.name, { dtype: t.dtype, shape: t.shape, data });
  }
  return out;
}

/** F32 tensors → safetensors bytes (keys sorted, header padded with spaces to 8 bytes). */
export function writeSafetensors(
  tensors: Map<string, { shape: number[]; data: ArrayLike<number> }>,
  metadata: Record<string, string> = {},
): Uint8Array {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  let offset = 0;
  const keys = [...tensors.keys()].sort();
  for (const key of keys) {
    if (key === '__metadata__')
      throw new ValidationError('a tensor cannot be named "__metadata__" (the header reserves it)', key);
    const t = tensors.get(key)!;
    const count = t.shape.reduce((a, b) => a * b, 1);
    if (count !== t.data.length)
      throw new ValidationError(
        `tensor "${key}": shape ${JSON.stringify(t.shape)} but ${t.data.length} values`,
        key,
      );
    header[key] = { dtype: 'F32', shape: t.shape, data_offsets: [offset, offset + 4 * count] };
    offset += 4 * count;
  }
  let json = JSON.stringify(header);
  while ((8 + new TextEncoder().encode(json).length) % 8) json += ' ';
  const head = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + head.length + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(head.length), true);
  out.set(head, 8);
  let at = 8 + head.length;
  for (const key of keys) {
    for (const v of Array.from(tensors.get(key)!.data)) {
      view.setFloat32(at, v, true);
      at += 4;
    }
  }
  return out;
}
