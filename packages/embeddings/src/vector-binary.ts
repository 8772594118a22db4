/**
 * word2vec's binary format, as word2vec.c and gensim (`binary=True`) write it:
 *
 *   "<count> <vector size>\n"                          header, ASCII
 *   then <count> records: word (UTF-8) " " float32 × size (little-endian) [ "\n" ]
 *
 * word2vec.c ends each record with "\n", gensim does not; one newline between records (and after
 * the last) is read, more is an error (gensim's `lstrip('\n')` would take any number). Before a
 * single byte is allocated, the header is checked against the file's size: each record needs at
 * least 4·size + 2 bytes (a 1-byte word and its space), so a 20-byte file cannot announce 10⁹
 * vectors. Then exactly <count> records, each word strict UTF-8 (gensim's default
 * `unicode_errors='strict'`), each word once, each number finite (unless `allowNonFinite`), and
 * nothing after the last record but its optional newline.
 */
import { FormatError } from '@firth/numeric';
import { KeyedVectors } from './keyed-vectors.js';
import {
  type ByteWindow,
  checkAnnounced,
  decodeUtf8,
  MAX_WORD_BYTES,
  parseHeader,
  quote,
  type ReadOptions,
  VectorTable,
} from './vector-file.js';

/** The header line is short ("3000000 300\n" is 12 bytes); a longer first line is not a header. */
const MAX_HEADER_BYTES = 64;

export async function readBinaryVectors(
  win: ByteWindow,
  file: string,
  o: ReadOptions,
): Promise<KeyedVectors> {
  const nl = await win.find(10, 0, MAX_HEADER_BYTES);
  if (nl < 0)
    throw new FormatError(
      file,
      'line 1',
      `should be the header "<count> <vector size>" and a newline, within the first ${MAX_HEADER_BYTES} bytes`,
    );
  const [count, dim] = parseHeader(decodeUtf8(await win.bytes(0, nl), 0, file, 'line 1'), file);
  const vectorBytes = 4 * dim;
  let pos = nl + 1;
  checkAnnounced(count, dim, vectorBytes + 2, win.size - pos, file, 'line 1 (the header)');
  const n = Math.min(count, o.limit);
  const table = new VectorTable(file, dim, Math.min(o.dimensions ?? dim, dim), n, o.allowNonFinite);
  for (let r = 1; r <= n; r++) {
    // the optional "\n" that word2vec.c writes after each vector
    if (r > 1 && (await win.bytes(pos, 1))[0] === 10) pos++;
    if (pos >= win.size)
      throw new FormatError(
        file,
        '',
        `is truncated: the header announces ${count} vectors, the file holds ${r - 1}`,
      );
    const place = `record ${r}`;
    const space = await win.find(32, pos, MAX_WORD_BYTES + 1);
    if (space < 0)
      throw new FormatError(
        file,
        `${place} (byte offset ${pos})`,
        win.size - pos <= MAX_WORD_BYTES
          ? 'is truncated: the file ends before the space after its word'
          : `has no space within ${MAX_WORD_BYTES + 1} bytes: a word is at most ${MAX_WORD_BYTES} bytes`,
      );
    const word = decodeUtf8(await win.bytes(pos, space - pos), pos, file, `${place} (its word)`);
    const where = `${place} (word ${quote(word)}, byte offset ${pos})`;
    const bytes = await win.bytes(space + 1, vectorBytes);
    if (bytes.length < vectorBytes)
      throw new FormatError(file, where, `is truncated: ${bytes.length} of ${vectorBytes} vector bytes`);
    const row = table.add(word, place);
    const floats = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let k = 0; k < table.keep; k++) row[k] = floats.getFloat32(4 * k, true);
    table.checkRow(row, where);
    pos = space + 1 + vectorBytes;
  }
  if (n === count) {
    if (pos < win.size && (await win.bytes(pos, 1))[0] === 10) pos++;
    if (pos < win.size)
      throw new FormatError(
        file,
        `byte offset ${pos}`,
        `holds ${win.size - pos} more bytes after the ${count} vectors the header announces`,
      );
  }
  return new KeyedVectors(table.keys, table.vectors(), table.keep);
}
