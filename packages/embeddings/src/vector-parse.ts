/**
 * Word-vector files parsed from their contents, with no file system: the same readers as
 * `loadVectors` (vector-text.ts, vector-binary.ts, vector-json.ts) over bytes already in memory —
 * what a browser fetched, or a string. Formats and checks as vector-formats.ts describes.
 *
 *   const kv = await parseVectors('king 0.5 0.1\nqueen 0.45 0.2\n', { format: 'glove' });
 *   const kv = await parseVectors(new Uint8Array(await res.arrayBuffer()), { name: 'vectors.bin' });
 */
import { FormatError, ValidationError } from '@firth/numeric';
import type { KeyedVectors } from './keyed-vectors.js';
import { readBinaryVectors } from './vector-binary.js';
import { BytesWindow, type ByteWindow, type ReadOptions } from './vector-file.js';
import { readJsonVectors } from './vector-json.js';
import { readTextVectors } from './vector-text.js';

export type VectorFormat = 'word2vec' | 'word2vec-binary' | 'glove' | 'fasttext' | 'ml5-json';

export interface LoadVectorsOptions {
  /** File layout. @default detected from the extension, then from the first line */
  format?: VectorFormat;
  /** Read only the first N words (the most frequent in a frequency-sorted file). @default all */
  limit?: number;
  /** Keep only the first N numbers of each vector (wink appends a norm and an index). @default all */
  dimensions?: number;
  /** Load NaN and ±Infinity (a diverged or damaged model) instead of refusing the file. @default false */
  allowNonFinite?: boolean;
}

export const FORMATS: readonly VectorFormat[] = [
  'word2vec',
  'word2vec-binary',
  'glove',
  'fasttext',
  'ml5-json',
];

export function checkOptions(options: LoadVectorsOptions): ReadOptions {
  const { limit = Number.POSITIVE_INFINITY, dimensions, allowNonFinite = false, format } = options;
  if (!(limit === Number.POSITIVE_INFINITY || (Number.isSafeInteger(limit) && limit >= 1)))
    throw new ValidationError(`limit must be a positive integer, got ${String(limit)}`, 'limit');
  if (dimensions !== undefined && !(Number.isSafeInteger(dimensions) && dimensions >= 1))
    throw new ValidationError(
      `dimensions must be a positive integer, got ${String(dimensions)}`,
      'dimensions',
    );
  if (typeof allowNonFinite !== 'boolean')
    throw new ValidationError(
      `allowNonFinite must be true or false, got ${String(allowNonFinite)}`,
      'allowNonFinite',
    );
  if (format !== undefined && !FORMATS.includes(format))
    throw new ValidationError(
      `unknown vector format ${JSON.stringify(format)}; choose ${FORMATS.map((f) => `'${f}'`).join(', ')}`,
      'format',
    );
  return { limit, dimensions, allowNonFinite };
}

/** The file name's extension, lowercased (".bin"), or "" (no node:path). */
const extensionOf = (name: string): string => {
  const base = name.slice(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot).toLowerCase() : '';
};

/** The format from the extension, else from the first 256 bytes (a "count dim" header or not). */
export async function sniffFormat(win: ByteWindow, path: string): Promise<VectorFormat> {
  const ext = extensionOf(path);
  if (ext === '.bin') return 'word2vec-binary';
  if (ext === '.json') return 'ml5-json';
  if (ext === '.vec') return 'fasttext';
  const head = await win.bytes(0, 256);
  const nl = head.indexOf(10);
  const first = String.fromCharCode(...head.subarray(0, nl === -1 ? head.length : nl));
  if (!/^\s*\d+\s+\d+\s*$/.test(first)) return 'glove';
  // a header: binary if the first record holds bytes that are not text
  const body = head.subarray(nl + 1);
  return body.some((b) => b === 0 || (b < 32 && b !== 10 && b !== 13 && b !== 9))
    ? 'word2vec-binary'
    : 'word2vec';
}

/** Reads `win` in `format` (the checked options `o`); `file` names it in errors. */
export async function readVectors(
  win: ByteWindow,
  file: string,
  format: VectorFormat,
  o: ReadOptions,
): Promise<KeyedVectors> {
  switch (format) {
    case 'word2vec':
    case 'fasttext':
      return await readTextVectors(win, file, true, o);
    case 'glove':
      return await readTextVectors(win, file, false, o);
    case 'word2vec-binary':
      return await readBinaryVectors(win, file, o);
    case 'ml5-json':
      return await readJsonVectors(win, file, o);
  }
}

export interface ParseVectorsOptions extends LoadVectorsOptions {
  /** Names the file in errors; its extension picks the format as loadVectors' path does. @default 'vectors' */
  name?: string;
}

/**
 * Word vectors from a file's contents (bytes, an ArrayBuffer, or text), read exactly as
 * `loadVectors` reads a file: the format from `format`, else from `name`'s extension, else from
 * the first line. A bad file is a FormatError naming `name`, the place and the problem.
 */
export async function parseVectors(
  data: Uint8Array | ArrayBuffer | string,
  options: ParseVectorsOptions = {},
): Promise<KeyedVectors> {
  const o = checkOptions(options);
  const name = options.name ?? 'vectors';
  const bytes =
    typeof data === 'string'
      ? new TextEncoder().encode(data)
      : data instanceof Uint8Array
        ? data
        : data instanceof ArrayBuffer
          ? new Uint8Array(data)
          : null;
  if (bytes === null)
    throw new ValidationError('data must be a Uint8Array, an ArrayBuffer or a string', 'data');
  if (bytes.length === 0) throw new FormatError(name, '', 'is empty');
  const win = new BytesWindow(bytes);
  return readVectors(win, name, options.format ?? (await sniffFormat(win, name)), o);
}
