/**
 * Reading trained models back from their `toJSON()` (KeyedVectors, Vocabulary, Word2Vec, GloVe):
 * what the `fromJSON`s share. The JSON may come from anywhere (a file, a request), so every field is
 * checked against a `shape` and every problem is a FormatError naming the JSON path:
 *
 *   Word2Vec.fromJSON({ ...json, syn0: 'AAAA' })
 *   // FormatError: Word2Vec JSON: $.syn0 holds 1 float32 values, expected 6 (3 words × 2)
 *
 * Weight tables travel as base64 of their little-endian bytes; decoding is strict (Node's
 * `Buffer.from(s, 'base64')` silently skips bad characters) and NaN/±Infinity are refused unless
 * `allowNonFinite`.
 */
import { checkFiniteValues, FormatError, parseJson, ValidationError } from '@firth/numeric';

/** Options every `fromJSON` of this package takes. */
export interface FromJSONOptions {
  /** Load NaN and ±Infinity weights instead of refusing them. @default false */
  allowNonFinite?: boolean;
}

/** `fromJSON`'s input: the object, or its JSON text (parsed with line and column on error). */
export function jsonInput(json: unknown, label: string): unknown {
  return typeof json === 'string' ? parseJson(json, label) : json;
}

/** The input is an object whose `type` is `type` (at `path`), else "… is not a <type> JSON object". */
export function checkModelType(
  value: unknown,
  type: string,
  label: string,
  path = '$',
): Record<string, unknown> {
  const t = value !== null && typeof value === 'object' ? (value as { type?: unknown }).type : undefined;
  if (t !== type)
    throw new FormatError(
      label,
      path,
      `is not a ${type} JSON object (${path}.type must be ${JSON.stringify(type)}, got ${t === undefined ? 'nothing' : JSON.stringify(t)})`,
    );
  return value as Record<string, unknown>;
}

/**
 * Runs `fn` (a constructor that checks its options); its ValidationError becomes a FormatError at
 * `path` (e.g. `$.options`), so a bad field in the JSON is named where it is.
 */
export function atPath<T>(label: string, path: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof ValidationError && !(e instanceof FormatError))
      throw new FormatError(label, e.path ? `${path}.${e.path}` : path, e.message);
    throw e;
  }
}

/** The first index where `keys` repeats an earlier key, or −1. */
export function firstDuplicate(keys: readonly string[]): number {
  const seen = new Set<string>();
  for (let i = 0; i < keys.length; i++) {
    if (seen.has(keys[i] as string)) return i;
    seen.add(keys[i] as string);
  }
  return -1;
}

/**
 * A float table → base64 of its little-endian bytes (btoa over a binary string, built in chunks:
 * no Node Buffer, so it runs in a browser too).
 */
export function encodeFloats(a: Float32Array | Float64Array): string {
  const bytes = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000)
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

// RFC 4648 base64 with padding, nothing else (what `encodeFloats` writes)
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * base64 → a float table of exactly `expected` values (`what` explains the count in the message),
 * finite unless `allowNonFinite`.
 */
export function decodeFloats<T extends Float32Array | Float64Array>(
  text: string,
  Table: { new (buffer: ArrayBuffer): T; BYTES_PER_ELEMENT: number },
  expected: number,
  what: string,
  label: string,
  path: string,
  allowNonFinite: boolean,
): T {
  const kind = Table.BYTES_PER_ELEMENT === 4 ? 'float32' : 'float64';
  const bytes = expected * Table.BYTES_PER_ELEMENT;
  if (!BASE64.test(text))
    throw new FormatError(label, path, `must be base64 text (of ${expected} ${kind} values: ${what})`);
  // 4 base64 characters carry 3 bytes, less one per "=" of padding
  const n = (text.length / 4) * 3 - (text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0);
  if (n !== bytes)
    throw new FormatError(
      label,
      path,
      `holds ${n} bytes, expected ${bytes} (${expected} ${kind} values: ${what})`,
    );
  const binary = atob(text);
  const b = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) b[i] = binary.charCodeAt(i);
  const table = new Table(b.buffer);
  if (!allowNonFinite) checkFiniteValues(table, label, path);
  return table;
}
