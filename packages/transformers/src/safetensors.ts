/**
 * safetensors — Hugging Face's checkpoint format, read and written: an 8-byte little-endian header
 * length N, N bytes of JSON `{ name: { dtype, shape, data_offsets: [begin, end] }, "__metadata__"?:
 * {…} }`, then the tensors' bytes (offsets relative to the end of the header), row-major,
 * little-endian. No code runs when a file is read (unlike pickle): a corrupt file is an error that
 * names what is wrong, never a crash.
 *
 *   const tensors = readSafetensors(readFileSync('model.safetensors'));
 *   tensors.get('transformer.wte.weight') // { dtype: 'F32', shape: [50257, 768], data: Float32Array }
 *
 * Read: F32, F16 and BF16 (widened to Float32Array), I64/I32 (as Int32Array when they fit). Written:
 * F32.
 */
import { ValidationError } from '@firth/numeric';

export interface Tensor {
  dtype: string;
  shape: number[];
  data: Float32Array | Int32Array;
}

const BYTES: Record<string, number> = { F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4 };

/** float16 bits → number */
function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * 2 ** -14 * (f / 1024);
  if (e === 31) return f ? Number.NaN : s * Number.POSITIVE_INFINITY;
  return s * 2 ** (e - 15) * (1 + f / 1024);
}

export function readSafetensors(bytes: Uint8Array, name = 'safetensors file'): Map<string, Tensor> {
  if (bytes.byteLength < 8)
    throw new ValidationError(
      `${name}: ${bytes.byteLength} bytes, shorter than the 8-byte header length`,
      'header',
    );
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = Number(view.getBigUint64(0, true));
  if (n > bytes.byteLength - 8 || n > 100_000_000)
    throw new ValidationError(
      `${name}: the header claims ${n} bytes but the file has ${bytes.byteLength - 8} after the length`,
      'header',
    );
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + n)));
  } catch (e) {
    throw new ValidationError(
      `${name}: the header is not valid UTF-8 JSON (${(e as Error).message})`,
      'header',
    );
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header))
    throw new ValidationError(`${name}: the header must be a JSON object`, 'header');
  const body = bytes.subarray(8 + n);
  const out = new Map<string, Tensor>();
  for (const [key, spec] of Object.entries(header)) {
    if (key === '__metadata__') continue;
    const s = spec as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    const where = `${name}: tensor "${key}"`;
    if (typeof s?.dtype !== 'string' || !(s.dtype in BYTES))
      throw new ValidationError(
        `${where} has dtype ${JSON.stringify(s?.dtype)}; supported: ${Object.keys(BYTES).join(', ')}`,
        key,
      );
    if (!Array.isArray(s.shape) || s.shape.some((d) => !Number.isInteger(d) || d < 0))
      throw new ValidationError(`${where} has a bad shape ${JSON.stringify(s.shape)}`, key);
    const offs = s.data_offsets;
    if (!Array.isArray(offs) || offs.length !== 2 || !offs.every(Number.isInteger))
      throw new ValidationError(`${where} has bad data_offsets ${JSON.stringify(offs)}`, key);
    const [begin, end] = offs as [number, number];
    const count = (s.shape as number[]).reduce((a, b) => a * b, 1);
    const width = BYTES[s.dtype]!;
    if (begin < 0 || end > body.byteLength || end - begin !== count * width)
      throw new ValidationError(
        `${where}: shape ${JSON.stringify(s.shape)} × ${width} bytes needs ${count * width} bytes, data_offsets give [${begin}, ${end}) of ${body.byteLength}`,
        key,
      );
    const raw = new DataView(body.buffer, body.byteOffset + begin, end - begin);
    let data: Float32Array | Int32Array;
    if (s.dtype === 'F32') {
      data = new Float32Array(count);
      for (let i = 0; i < count; i++) data[i] = raw.getFloat32(4 * i, true);
    } else if (s.dtype === 'F16') {
      data = new Float32Array(count);
      for (let i = 0; i < count; i++) data[i] = halfToFloat(raw.getUint16(2 * i, true));
    } else if (s.dtype === 'BF16') {
      data = new Float32Array(count);
      const tmp = new DataView(new ArrayBuffer(4));
      for (let i = 0; i < count; i++) {
        tmp.setUint32(0, raw.getUint16(2 * i, true) << 16, true);
        data[i] = tmp.getFloat32(0, true);
      }
    } else if (s.dtype === 'I32') {
      data = new Int32Array(count);
      for (let i = 0; i < count; i++) data[i] = raw.getInt32(4 * i, true);
    } else {
      data = new Int32Array(count);
      for (let i = 0; i < count; i++) {
        const v = raw.getBigInt64(8 * i, true);
        if (v > 2147483647n || v < -2147483648n)
          throw new ValidationError(`${where}: value ${v} does not fit in int32`, key);
        data[i] = Number(v);
      }
    }
    out.set(key, { dtype: s.dtype, shape: s.shape as number[], data });
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
