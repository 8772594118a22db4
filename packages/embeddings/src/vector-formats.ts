/**
 * Word-vector files in and out: the formats pretrained embeddings ship in (course: "Use
 * Pre-Trained Embeddings").
 *
 * | format            | layout                                                            | who writes it |
 * |-------------------|-------------------------------------------------------------------|---------------|
 * | `word2vec`        | text; header "count dim", then "word v1 … vdim" per line         | word2vec.c, gensim `binary=False` |
 * | `word2vec-binary` | header "count dim\n", then per word `word ` + dim float32 LE (+ optional "\n") | word2vec.c, gensim `binary=True` |
 * | `glove`           | text; "word v1 … vdim" per line, no header                        | Stanford GloVe |
 * | `fasttext`        | `.vec`: the word2vec text format (lines may end with a space)     | fastText |
 * | `ml5-json`        | `{"vectors": {"word": [v1, …], …}}` (wink's `{words, vectors}` too) | ml5.js, wink |
 *
 * Loading streams the file chunk by chunk (a 1 GB file never becomes one string), decodes each
 * line as strict UTF-8, stops after `limit` words (gensim's `limit`: the first N, i.e. the most
 * frequent), and reports what is wrong and where: the line (or byte offset) and word.
 *
 *   const kv = await loadVectors('glove.6B.100d.txt', { limit: 50_000 }); // format from the header
 *   await saveVectors(kv, 'glove.bin', { format: 'word2vec-binary' });
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { ValidationError } from '@firth/numeric';
import { KeyedVectors } from './keyed-vectors.js';

export type VectorFormat = 'word2vec' | 'word2vec-binary' | 'glove' | 'fasttext' | 'ml5-json';

export interface LoadVectorsOptions {
  /** File layout. @default detected from the extension, then from the first line */
  format?: VectorFormat;
  /** Read only the first N words (the most frequent in a frequency-sorted file). @default all */
  limit?: number;
  /** Keep only the first N numbers of each vector (wink appends a norm and an index). @default all */
  dimensions?: number;
}

/** Error in a vector file; `path` is `file:line` or `file@byte`. */
function fail(message: string, where: string): never {
  throw new ValidationError(message, where);
}

/** Index of the first byte that is not valid UTF-8, or −1 (the check TextDecoder's `fatal` makes). */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i] as number;
    const n =
      b < 0x80 ? 0 : b >= 0xc2 && b < 0xe0 ? 1 : b >= 0xe0 && b < 0xf0 ? 2 : b >= 0xf0 && b < 0xf5 ? 3 : -1;
    if (n < 0) return i;
    if (i + n >= bytes.length && n > 0) return i;
    for (let k = 1; k <= n; k++) {
      const c = bytes[i + k] as number;
      let lo = 0x80;
      let hi = 0xbf;
      if (k === 1 && b === 0xe0) lo = 0xa0; // overlong
      if (k === 1 && b === 0xed) hi = 0x9f; // surrogates
      if (k === 1 && b === 0xf0) lo = 0x90; // overlong
      if (k === 1 && b === 0xf4) hi = 0x8f; // > U+10FFFF
      if (c < lo || c > hi) return i;
    }
    i += n + 1;
  }
  return -1;
}

interface Line {
  text: string;
  /** 1-based line number. */
  lineNo: number;
  /** Byte offset of the line's first byte. */
  offset: number;
}

/** Lines of a file as strict UTF-8 strings, read in 64 KiB chunks ("\r\n" endings accepted). */
async function* readLines(path: string): AsyncGenerator<Line> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let rest: Buffer = Buffer.alloc(0);
  let consumed = 0; // bytes before `rest`
  let lineNo = 0;
  const decode = (bytes: Buffer, offset: number): string => {
    try {
      const text = decoder.decode(bytes);
      return text.endsWith('\r') ? text.slice(0, -1) : text;
    } catch {
      const bad = offset + firstInvalidUtf8(bytes);
      return fail(`${path} is not valid UTF-8: line ${lineNo}, byte offset ${bad}`, `${path}:${lineNo}`);
    }
  };
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 16 })) {
    const buf: Buffer = rest.length > 0 ? Buffer.concat([rest, chunk as Buffer]) : (chunk as Buffer);
    let start = 0;
    for (let nl = buf.indexOf(10, start); nl !== -1; nl = buf.indexOf(10, start)) {
      lineNo++;
      yield { text: decode(buf.subarray(start, nl), consumed + start), lineNo, offset: consumed + start };
      start = nl + 1;
    }
    consumed += start;
    rest = buf.subarray(start);
  }
  if (rest.length > 0) {
    lineNo++;
    yield { text: decode(rest, consumed), lineNo, offset: consumed };
  }
}

/** A growable float32 table (rows of `dim`), for files that do not announce their size. */
class Rows {
  data: Float32Array;
  length = 0;
  constructor(
    readonly dim: number,
    capacity: number,
  ) {
    this.data = new Float32Array(Math.max(1, capacity) * dim);
  }
  row(): Float32Array {
    if ((this.length + 1) * this.dim > this.data.length) {
      const grown = new Float32Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.length++;
    return this.data.subarray((this.length - 1) * this.dim, this.length * this.dim);
  }
  done(): Float32Array {
    return this.data.length === this.length * this.dim
      ? this.data
      : this.data.slice(0, this.length * this.dim);
  }
}

/** Appends a row, keeping the first occurrence of a duplicated word as gensim does. */
function addRow(keys: string[], seen: Set<string>, word: string): boolean {
  if (seen.has(word)) return false;
  seen.add(word);
  keys.push(word);
  return true;
}

/** "word v1 … vdim" → numbers into `out`; errors name the line, the word and the value. */
function parseTextRow(line: Line, path: string, dim: number, keep: number, out: Float32Array | null): string {
  const parts = line.text.trimEnd().split(' ');
  const word = parts[0] as string;
  const where = `${path}:${line.lineNo}`;
  if (parts.length - 1 !== dim)
    fail(
      `line ${line.lineNo} (word ${JSON.stringify(word)}) has ${parts.length - 1} values, expected ${dim}`,
      where,
    );
  if (out)
    for (let k = 0; k < keep; k++) {
      const text = parts[k + 1] as string;
      const v = Number(text);
      if (text === '' || Number.isNaN(v))
        fail(
          `line ${line.lineNo} (word ${JSON.stringify(word)}), value ${k + 1}: ${JSON.stringify(text)} is not a number`,
          where,
        );
      out[k] = v;
    }
  return word;
}

function checkHeader(text: string, where: string): [count: number, dim: number] {
  const m = /^\s*(\d+)\s+(\d+)\s*$/.exec(text);
  if (!m) fail(`header ${JSON.stringify(text.slice(0, 60))} should be "<count> <dimension>"`, where);
  const dim = Number(m[2]);
  if (dim < 1) fail(`header announces dimension ${dim}`, where);
  return [Number(m[1]), dim];
}

/** word2vec / fastText text (with header) and GloVe text (without). */
async function loadText(
  path: string,
  header: boolean,
  limit: number,
  dimensions?: number,
): Promise<KeyedVectors> {
  const keys: string[] = [];
  const seen = new Set<string>();
  let rows: Rows | null = null;
  let count = Number.POSITIVE_INFINITY;
  let dim = -1;
  let keep = -1;
  for await (const line of readLines(path)) {
    if (header && line.lineNo === 1) {
      [count, dim] = checkHeader(line.text, `${path}:1`);
      keep = Math.min(dimensions ?? dim, dim);
      rows = new Rows(keep, Math.min(count, limit, 1 << 20)); // grows if needed; a lying header cannot exhaust memory
      if (count === 0 || limit === 0) break;
      continue;
    }
    if (line.text.trim() === '') continue;
    if (dim < 0) {
      // GloVe: the first row sets the dimension.
      dim = line.text.trimEnd().split(' ').length - 1;
      if (dim < 1) fail(`line ${line.lineNo} has a word and no numbers`, `${path}:${line.lineNo}`);
      keep = Math.min(dimensions ?? dim, dim);
      rows = new Rows(keep, Math.min(limit, 1024));
    }
    const word = parseTextRow(line, path, dim, keep, null);
    if (addRow(keys, seen, word)) parseTextRow(line, path, dim, keep, (rows as Rows).row());
    if (keys.length >= limit || keys.length >= count) break;
  }
  if (rows === null) fail(`${path} is empty`, path);
  if (header && keys.length < Math.min(count, limit))
    fail(`${path} is truncated: the header announces ${count} vectors, the file holds ${keys.length}`, path);
  return new KeyedVectors(keys, rows.done(), keep);
}

/** Pulls bytes from a stream on demand (the binary reader's buffer). */
class ByteReader {
  private buf: Buffer = Buffer.alloc(0);
  pos = 0;
  /** Bytes of the file before `buf`. */
  base = 0;
  private readonly it: AsyncIterator<Buffer>;
  constructor(path: string) {
    this.it = createReadStream(path, { highWaterMark: 1 << 20 })[Symbol.asyncIterator]();
  }
  get offset(): number {
    return this.base + this.pos;
  }
  get available(): number {
    return this.buf.length - this.pos;
  }
  /** Ensures `n` bytes are buffered; false at end of file. */
  async need(n: number): Promise<boolean> {
    while (this.available < n) {
      const next = await this.it.next();
      if (next.done) return false;
      this.base += this.pos;
      this.buf = Buffer.concat([this.buf.subarray(this.pos), next.value]);
      this.pos = 0;
    }
    return true;
  }
  /** Bytes up to (not including) `byte`, consuming it; null if the file ends first. */
  async until(byte: number): Promise<Buffer | null> {
    let from = this.pos;
    for (;;) {
      const i = this.buf.indexOf(byte, from);
      if (i !== -1) {
        const out = this.buf.subarray(this.pos, i);
        this.pos = i + 1;
        return out;
      }
      from = this.buf.length;
      const before = this.pos;
      if (!(await this.need(this.available + 1))) return null;
      from -= before - this.pos; // the buffer was rebased
    }
  }
  take(n: number): Buffer {
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
  async close(): Promise<void> {
    await this.it.return?.();
  }
}

/** word2vec's binary format, as word2vec.c and gensim (`binary=True`) write it. */
async function loadBinary(path: string, limit: number, dimensions?: number): Promise<KeyedVectors> {
  const r = new ByteReader(path);
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const decode = (bytes: Buffer, offset: number, what: string): string => {
    try {
      return decoder.decode(bytes);
    } catch {
      return fail(
        `${path} is not valid UTF-8 in ${what}, byte offset ${offset + firstInvalidUtf8(bytes)}`,
        `${path}@${offset}`,
      );
    }
  };
  try {
    const headerBytes = await r.until(10);
    if (headerBytes === null || headerBytes.length === 0)
      fail(`${path} is empty or has no header line`, path);
    const [count, dim] = checkHeader(decode(headerBytes, 0, 'the header'), `${path}:1`);
    const keep = Math.min(dimensions ?? dim, dim);
    const n = Math.min(count, limit);
    const rows = new Rows(keep, Math.min(n, 1 << 20));
    const keys: string[] = [];
    const seen = new Set<string>();
    const bytesPerVector = 4 * dim;
    for (let record = 0; keys.length < n && record < count; record++) {
      // word2vec.c ends each record with "\n"; gensim does not. Skip it when present.
      while ((await r.need(1)) && r.take(1)[0] === 10);
      if (r.available === 0 && !(await r.need(1)))
        fail(
          `${path} is truncated: the header announces ${count} vectors, the file holds ${record}`,
          `${path}@${r.offset}`,
        );
      r.pos--; // give back the first byte of the word
      const start = r.offset;
      const wordBytes = await r.until(32);
      if (wordBytes === null)
        fail(
          `${path} is truncated inside record ${record + 1} (byte offset ${start}): no space after the word`,
          `${path}@${start}`,
        );
      const word = decode(wordBytes, start, `the word of record ${record + 1}`);
      if (!(await r.need(bytesPerVector)))
        fail(
          `${path} is truncated inside record ${record + 1} (word ${JSON.stringify(word)}, byte offset ${start}): ` +
            `${r.available} of ${bytesPerVector} vector bytes`,
          `${path}@${start}`,
        );
      const bytes = r.take(bytesPerVector);
      if (addRow(keys, seen, word)) {
        const out = rows.row();
        for (let k = 0; k < keep; k++) out[k] = bytes.readFloatLE(4 * k);
      }
    }
    return new KeyedVectors(keys, rows.done(), keep);
  } finally {
    await r.close();
  }
}

/** Streams `{"vectors": {"word": [numbers], …}}` (ml5) or wink's `{"words": […], "vectors": {…}}`. */
async function loadJson(path: string, limit: number, dimensions?: number): Promise<KeyedVectors> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const stream = createReadStream(path, { highWaterMark: 1 << 20 });
  const it = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  let text = '';
  let pos = 0;
  let bytesRead = 0;
  const more = async (): Promise<boolean> => {
    const next = await it.next();
    if (next.done) return false;
    try {
      text = text.slice(pos) + decoder.decode(next.value, { stream: true });
    } catch {
      fail(
        `${path} is not valid UTF-8 near byte offset ${bytesRead + Math.max(0, firstInvalidUtf8(next.value))}`,
        `${path}@${bytesRead}`,
      );
    }
    bytesRead += next.value.length;
    pos = 0;
    return true;
  };
  const skipSpace = async (): Promise<string> => {
    for (;;) {
      while (pos < text.length && /\s/.test(text[pos] as string)) pos++;
      if (pos < text.length) return text[pos] as string;
      if (!(await more())) return '';
    }
  };
  const expect = async (ch: string, what: string) => {
    const got = await skipSpace();
    if (got !== ch)
      fail(
        `${path}: expected ${JSON.stringify(ch)} ${what}, found ${got ? JSON.stringify(got) : 'the end of the file'}`,
        path,
      );
    pos++;
  };
  /** A JSON string starting at `pos` (which holds the opening quote). */
  const readString = async (): Promise<string> => {
    for (;;) {
      let i = pos + 1;
      while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
      if (i < text.length) {
        const s = JSON.parse(text.slice(pos, i + 1)) as string;
        pos = i + 1;
        return s;
      }
      if (!(await more())) fail(`${path} ends inside a string`, path);
    }
  };
  /** Skips one JSON value of any kind (other top-level keys, e.g. wink's "words"). */
  const skipValue = async (): Promise<void> => {
    await skipSpace();
    let depth = 0;
    let inString = false;
    let i = pos;
    for (;;) {
      for (; i < text.length; i++) {
        const c = text[i];
        if (inString) {
          if (c === '\\') i++;
          else if (c === '"') {
            inString = false;
            if (depth === 0) {
              pos = i + 1;
              return;
            }
          }
        } else if (c === '"') inString = true;
        else if (c === '[' || c === '{') depth++;
        else if (c === ']' || c === '}') {
          depth--;
          if (depth <= 0) {
            pos = depth === 0 ? i + 1 : i;
            return;
          }
        } else if (c === ',' && depth === 0) {
          pos = i;
          return;
        }
      }
      const relative = i - pos;
      if (!(await more())) fail(`${path} ends inside a value`, path);
      i = relative;
    }
  };

  if ((await stat(path)).size === 0) fail(`${path} is empty`, path);
  const keys: string[] = [];
  const seen = new Set<string>();
  let rows: Rows | null = null;
  let dim = -1;
  let keep = -1;
  try {
    await expect('{', 'at the start of the file');
    for (;;) {
      if ((await skipSpace()) !== '"') fail(`${path}: no "vectors" object found`, path);
      const key = await readString();
      await expect(':', `after ${JSON.stringify(key)}`);
      if (key !== 'vectors') {
        await skipValue();
        if ((await skipSpace()) === ',') pos++;
        continue;
      }
      await expect('{', 'to open "vectors"');
      let entry = 0;
      while (keys.length < limit) {
        const c = await skipSpace();
        if (c === '}') break;
        if (c === ',') {
          pos++;
          continue;
        }
        if (c !== '"')
          fail(
            `${path}: entry ${entry + 1} of "vectors" should start with a word, found ${JSON.stringify(c)}`,
            path,
          );
        const word = await readString();
        entry++;
        await expect(':', `after the word ${JSON.stringify(word)}`);
        await expect('[', `to open the vector of ${JSON.stringify(word)}`);
        let close = text.indexOf(']', pos);
        while (close === -1) {
          if (!(await more()))
            fail(`${path} is truncated inside the vector of ${JSON.stringify(word)} (entry ${entry})`, path);
          close = text.indexOf(']', pos);
        }
        const parts = text.slice(pos, close).split(',');
        pos = close + 1;
        if (dim < 0) {
          dim = parts.length;
          keep = Math.min(dimensions ?? dim, dim);
          rows = new Rows(keep, Math.min(limit, 1024));
        }
        if (parts.length !== dim)
          fail(
            `entry ${entry} (word ${JSON.stringify(word)}) has ${parts.length} values, expected ${dim}`,
            `${path}#${word}`,
          );
        if (!addRow(keys, seen, word)) continue;
        const out = (rows as Rows).row();
        for (let k = 0; k < keep; k++) {
          const v = Number(parts[k]);
          if ((parts[k] as string).trim() === '' || Number.isNaN(v))
            fail(
              `entry ${entry} (word ${JSON.stringify(word)}), value ${k + 1}: ${JSON.stringify(parts[k])} is not a number`,
              `${path}#${word}`,
            );
          out[k] = v;
        }
      }
      break;
    }
  } finally {
    await it.return?.();
    stream.destroy();
  }
  if (rows === null) fail(`${path}: "vectors" holds no vectors`, path);
  return new KeyedVectors(keys, rows.done(), keep);
}

/** Guesses the format: `.bin` binary, `.json` ml5, `.vec` fastText, else a "count dim" header or GloVe. */
export async function detectFormat(path: string): Promise<VectorFormat> {
  const ext = extname(path).toLowerCase();
  if (ext === '.bin') return 'word2vec-binary';
  if (ext === '.json') return 'ml5-json';
  if (ext === '.vec') return 'fasttext';
  const file = await open(path, 'r');
  try {
    const { buffer, bytesRead } = await file.read(Buffer.alloc(256), 0, 256, 0);
    if (bytesRead === 0) fail(`${path} is empty`, path);
    const head = buffer.subarray(0, bytesRead);
    const nl = head.indexOf(10);
    const first = head.subarray(0, nl === -1 ? head.length : nl).toString('latin1');
    if (/^\s*\d+\s+\d+\s*$/.test(first)) {
      // A header: binary if the first record holds bytes that are not text.
      const body = head.subarray(nl + 1);
      const binary = body.some((b) => b === 0 || (b < 32 && b !== 10 && b !== 13 && b !== 9));
      return binary ? 'word2vec-binary' : 'word2vec';
    }
    return 'glove';
  } finally {
    await file.close();
  }
}

/** Loads word vectors from a file in any of the formats above. */
export async function loadVectors(path: string, options: LoadVectorsOptions = {}): Promise<KeyedVectors> {
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  if (!(limit >= 0)) fail(`limit must be a non-negative number, got ${options.limit}`, 'limit');
  if ((await stat(path)).size === 0) fail(`${path} is empty`, path);
  const format = options.format ?? (await detectFormat(path));
  switch (format) {
    case 'word2vec':
    case 'fasttext':
      return loadText(path, true, limit, options.dimensions);
    case 'glove':
      return loadText(path, false, limit, options.dimensions);
    case 'word2vec-binary':
      return loadBinary(path, limit, options.dimensions);
    case 'ml5-json':
      return loadJson(path, limit, options.dimensions);
    default:
      return fail(`unknown vector format ${JSON.stringify(format)}`, 'format');
  }
}

/**
 * A float32 as numpy's `repr` prints it (what gensim writes): the fewest significant digits that
 * read back as the same float32, scientific below 1e-4 and from 1e16 up, else positional with ".0".
 *   formatFloat32(Math.fround(2.6336e-5)) // '2.6336e-05'     formatFloat32(1) // '1.0'
 */
export function formatFloat32(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  let p = 1;
  while (p < 9 && Math.fround(Number(x.toPrecision(p))) !== x) p++;
  const abs = Math.abs(x);
  if (abs < 1e-4 || abs >= 1e16) {
    const [mantissa, exponent] = x.toExponential(p - 1).split('e') as [string, string];
    return `${mantissa}e${exponent[0]}${exponent.slice(1).padStart(2, '0')}`;
  }
  const s = String(Number(x.toPrecision(p)));
  return s.includes('.') ? s : `${s}.0`;
}

/** Writes `kv` in `format` (default word2vec text), streaming row by row. */
export async function saveVectors(
  kv: KeyedVectors,
  path: string,
  options: { format?: VectorFormat } = {},
): Promise<void> {
  const format = options.format ?? 'word2vec';
  const out = createWriteStream(path);
  const done = new Promise<void>((resolve, reject) => {
    out.on('finish', resolve);
    out.on('error', reject);
  });
  const write = async (chunk: string | Buffer) => {
    if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  };
  const d = kv.vectorSize;
  const row = (i: number) => kv.vectors.subarray(i * d, (i + 1) * d);
  const text = (i: number) => Array.from(row(i), formatFloat32).join(' ');
  for (const [i, word] of kv.indexToKey.entries())
    if (format !== 'ml5-json' && /[\s]/.test(word))
      fail(
        `word ${JSON.stringify(word)} (row ${i}) contains whitespace, which ${format} cannot store`,
        `keys[${i}]`,
      );
  if (format === 'word2vec' || format === 'fasttext' || format === 'word2vec-binary')
    await write(`${kv.length} ${d}\n`);
  if (format === 'ml5-json') await write('{"vectors": {');
  for (let i = 0; i < kv.length; i++) {
    const word = kv.indexToKey[i] as string;
    if (format === 'word2vec-binary') {
      // gensim: f"{word} ".encode('utf8') + vector.astype(float32).tobytes() — no newline.
      const bytes = Buffer.alloc(4 * d);
      row(i).forEach((v, k) => {
        bytes.writeFloatLE(v, 4 * k);
      });
      await write(Buffer.concat([Buffer.from(`${word} `, 'utf8'), bytes]));
    } else if (format === 'ml5-json') {
      await write(
        `${i > 0 ? ',' : ''}\n${JSON.stringify(word)}:[${Array.from(row(i), formatFloat32).join(',')}]`,
      );
    } else {
      await write(`${word} ${text(i)}\n`);
    }
  }
  if (format === 'ml5-json') await write('\n}}\n');
  out.end();
  await done;
}
