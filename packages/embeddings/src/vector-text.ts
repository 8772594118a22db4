/**
 * Word vectors as text, one word a line: word2vec's text format and fastText's `.vec` (a header
 * line "<count> <vector size>" first) and Stanford GloVe's (no header).
 *
 *   3 2                 ← header (word2vec, fastText only)
 *   the 0.418 0.24968   ← the word, one space, then exactly <vector size> numbers, space-separated
 *   , 0.013441 0.23682  ← fastText ends each line with one more space; "\r\n" endings are read too
 *
 * The file is read strictly (what gensim's `load_word2vec_format(binary=False)` reads, without its
 * leniencies): every line holds exactly the vector size's numbers, numbers are decimal (`1.5abc`,
 * `0x10`, `1_0` and empty fields are errors; `nan`/`inf` read as non-finite and are refused unless
 * `allowNonFinite`), no line is empty, a header's count is exactly the number of lines that follow,
 * and nothing follows them but one final newline. Each line is at most MAX_LINE_BYTES.
 */
import { FormatError } from '@firth/numeric';
import { KeyedVectors } from './keyed-vectors.js';
import {
  type ByteWindow,
  checkAnnounced,
  decodeUtf8,
  MAX_LINE_BYTES,
  MAX_VECTOR_SIZE,
  parseDecimal,
  parseHeader,
  quote,
  type ReadOptions,
  utf8Length,
  VectorTable,
} from './vector-file.js';

interface Line {
  /** The line without its "\n" (or "\r\n"). */
  text: string;
  /** 1-based. */
  no: number;
}

/** The file's lines as strict UTF-8, each at most MAX_LINE_BYTES. */
async function* lines(win: ByteWindow, file: string): AsyncGenerator<Line> {
  let pos = 0;
  for (let no = 1; pos < win.size; no++) {
    const nl = await win.find(10, pos, MAX_LINE_BYTES + 1);
    const end = nl < 0 ? Math.min(win.size, pos + MAX_LINE_BYTES + 1) : nl;
    if (end - pos > MAX_LINE_BYTES)
      throw new FormatError(file, `line ${no}`, `is longer than ${MAX_LINE_BYTES} bytes`);
    let bytes = await win.bytes(pos, end - pos);
    if (bytes[bytes.length - 1] === 13) bytes = bytes.subarray(0, -1);
    yield { text: decodeUtf8(bytes, pos, file, `line ${no}`), no };
    pos = nl < 0 ? win.size : nl + 1;
  }
}

/** "word v1 … vdim" → the word and its numbers, as strings (one trailing space allowed). */
function split(line: Line, file: string): string[] {
  const body = line.text.endsWith(' ') ? line.text.slice(0, -1) : line.text;
  if (body === '')
    throw new FormatError(file, `line ${line.no}`, 'is empty: each line holds a word and its numbers');
  return body.split(' ');
}

/** Reads word2vec / fastText text (`header`) or GloVe text into KeyedVectors. */
export async function readTextVectors(
  win: ByteWindow,
  file: string,
  header: boolean,
  o: ReadOptions,
): Promise<KeyedVectors> {
  let table: VectorTable | null = null;
  let count = Number.POSITIVE_INFINITY; // unknown without a header
  for await (const line of lines(win, file)) {
    if (header && line.no === 1) {
      const [n, dim] = parseHeader(line.text, file);
      // each vector line takes at least 1 + 2·dim bytes: a 1-byte word, then " 0" per number
      const after = Math.max(0, win.size - utf8Length(line.text) - 1);
      checkAnnounced(n, dim, 1 + 2 * dim, after, file, 'line 1 (the header)');
      count = n;
      table = new VectorTable(
        file,
        dim,
        Math.min(o.dimensions ?? dim, dim),
        Math.min(n, o.limit),
        o.allowNonFinite,
      );
      continue;
    }
    if (table?.keys.length === count)
      throw new FormatError(file, `line ${line.no}`, `comes after the ${count} vectors the header announces`);
    const parts = split(line, file);
    if (table === null) {
      // GloVe: the first line sets the vector size
      const dim = parts.length - 1;
      if (dim < 1 || dim > MAX_VECTOR_SIZE)
        throw new FormatError(
          file,
          `line ${line.no} (word ${quote(parts[0] as string)})`,
          `holds ${dim} numbers: a vector has 1 to ${MAX_VECTOR_SIZE}`,
        );
      // rows to start with: no more than the file can hold (1 + 2·dim bytes a line), nor 1024
      const capacity = Math.min(1024, o.limit, Math.floor(win.size / (1 + 2 * dim)));
      table = new VectorTable(file, dim, Math.min(o.dimensions ?? dim, dim), capacity, o.allowNonFinite);
    }
    const word = parts[0] as string;
    const where = `line ${line.no} (word ${quote(word)})`;
    if (parts.length - 1 !== table.dim)
      throw new FormatError(file, where, `has ${parts.length - 1} values, expected ${table.dim}`);
    const row = table.add(word, `line ${line.no}`);
    for (let k = 0; k < table.dim; k++) {
      const text = parts[k + 1] as string;
      const v = parseDecimal(text);
      if (v === null)
        throw new FormatError(
          file,
          `${where}, value ${k + 1}:`,
          `${JSON.stringify(text)} is not a number${text === '' ? ' (two spaces in a row?)' : ''}`,
        );
      if (k < table.keep) row[k] = v;
    }
    table.checkRow(row, where);
    if (table.keys.length === o.limit) break; // gensim's `limit`: the rest is not read
  }
  if (table === null) throw new FormatError(file, '', 'is empty');
  if (header && table.keys.length < Math.min(count, o.limit))
    throw new FormatError(
      file,
      '',
      `is truncated: the header announces ${count} vectors, the file holds ${table.keys.length}`,
    );
  return new KeyedVectors(table.keys, table.vectors(), table.keep);
}
