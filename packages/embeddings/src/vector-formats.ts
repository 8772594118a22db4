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
 * Loading reads the file through a 4 MiB window (a 1 GB file never becomes one string), decodes
 * words as strict UTF-8, stops after `limit` words (gensim's `limit`: the first N, i.e. the most
 * frequent), and reports what is wrong and where: the line (or record, entry, byte offset) and
 * word. Each reader is strict about its layout — see `vector-text.ts`, `vector-binary.ts`,
 * `vector-json.ts`, and `vector-file.ts` for what they share (a repeated word and NaN/Inf are
 * errors; announced counts are checked against the file size before anything is allocated).
 *
 *   const kv = await loadVectors('glove.6B.100d.txt', { limit: 50_000 }); // format from the header
 *   await saveVectors(kv, 'glove.bin', { format: 'word2vec-binary' });
 */
import { createWriteStream } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { FormatError, ValidationError } from '@firth/numeric';
import type { KeyedVectors } from './keyed-vectors.js';
import { type ByteWindow, wordProblem } from './vector-file.js';
import {
  checkOptions,
  FORMATS,
  type LoadVectorsOptions,
  readVectors,
  sniffFormat,
  type VectorFormat,
} from './vector-parse.js';

export { firstInvalidUtf8 } from './vector-file.js';
export type { LoadVectorsOptions, VectorFormat } from './vector-parse.js';

/** Random access to a file's bytes through one buffer (4 MiB), reading ahead in order. */
class FileWindow implements ByteWindow {
  private buf: Buffer = Buffer.alloc(0);
  /** File offset of buf[0]. */
  private start = 0;
  constructor(
    private readonly handle: FileHandle,
    /** File size in bytes. */
    readonly size: number,
    private readonly chunk = 1 << 22,
  ) {}

  /** Bytes [pos, pos + n), fewer at the end of the file (the window moves to pos when needed). */
  async bytes(pos: number, n: number): Promise<Buffer> {
    const end = Math.min(pos + n, this.size);
    if (pos < this.start || end > this.start + this.buf.length) {
      const len = Math.min(Math.max(n, this.chunk), this.size - pos);
      const buf = Buffer.allocUnsafe(len);
      let got = 0;
      while (got < len) {
        const { bytesRead } = await this.handle.read(buf, got, len - got, pos + got);
        if (bytesRead === 0) break; // the file shrank while we read it
        got += bytesRead;
      }
      this.buf = buf.subarray(0, got);
      this.start = pos;
    }
    return this.buf.subarray(pos - this.start, Math.min(end, this.start + this.buf.length) - this.start);
  }

  /** Offset of the first `byte` in [pos, pos + max), or −1. */
  async find(byte: number, pos: number, max: number): Promise<number> {
    const i = (await this.bytes(pos, max)).indexOf(byte);
    return i < 0 ? -1 : pos + i;
  }
}

/** Opens `path` for reading; a missing or unreadable file is a FormatError naming it. */
async function openFile(path: string): Promise<{ handle: FileHandle; size: number }> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(path, 'r');
    const st = await handle.stat();
    if (!st.isFile()) throw new FormatError(path, '', 'is not a file');
    return { handle, size: st.size };
  } catch (e) {
    await handle?.close();
    if (e instanceof FormatError) throw e;
    throw new FormatError(path, '', `cannot be read (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
}

/** Guesses the format: `.bin` binary, `.json` ml5, `.vec` fastText, else a "count dim" header or GloVe. */
export async function detectFormat(path: string): Promise<VectorFormat> {
  const { handle, size } = await openFile(path);
  try {
    if (size === 0) throw new FormatError(path, '', 'is empty');
    return await sniffFormat(new FileWindow(handle, size), path);
  } finally {
    await handle.close();
  }
}

/**
 * Loads word vectors from a file in any of the formats above. A bad file is a FormatError naming
 * the file, the place (line, record, entry, byte offset) and the problem:
 *
 *   await loadVectors('bad.txt') // FormatError: bad.txt: line 3 (word "c") has 2 values, expected 3
 */
export async function loadVectors(path: string, options: LoadVectorsOptions = {}): Promise<KeyedVectors> {
  const o = checkOptions(options);
  const { handle, size } = await openFile(path);
  try {
    if (size === 0) throw new FormatError(path, '', 'is empty');
    const win = new FileWindow(handle, size);
    return await readVectors(win, path, options.format ?? (await sniffFormat(win, path)), o);
  } finally {
    await handle.close();
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

/**
 * Writes `kv` in `format` (default word2vec text), streaming row by row. Every word must be one the
 * readers accept (no space or control character); ml5 JSON cannot hold NaN or ±Infinity.
 */
export async function saveVectors(
  kv: KeyedVectors,
  path: string,
  options: { format?: VectorFormat } = {},
): Promise<void> {
  const format = options.format ?? 'word2vec';
  if (!FORMATS.includes(format))
    throw new ValidationError(`unknown vector format ${JSON.stringify(format)}`, 'format');
  const d = kv.vectorSize;
  const row = (i: number) => kv.vectors.subarray(i * d, (i + 1) * d);
  const text = (i: number) => Array.from(row(i), formatFloat32).join(' ');
  for (const [i, word] of kv.indexToKey.entries()) {
    const problem = wordProblem(word);
    if (problem)
      throw new ValidationError(
        `word ${JSON.stringify(word)} (row ${i}) ${problem}: it cannot be stored`,
        `keys[${i}]`,
      );
  }
  if (format === 'ml5-json') {
    const bad = kv.vectors.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0)
      throw new ValidationError(
        `row ${Math.floor(bad / d)} (word ${JSON.stringify(kv.indexToKey[Math.floor(bad / d)])}) holds ${kv.vectors[bad]}, which JSON cannot store`,
        'vectors',
      );
  }
  const out = createWriteStream(path);
  const done = new Promise<void>((resolve, reject) => {
    out.on('finish', resolve);
    out.on('error', reject);
  });
  const write = async (chunk: string | Buffer) => {
    if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  };
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
