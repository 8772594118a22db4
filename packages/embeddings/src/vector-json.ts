/**
 * Word vectors as JSON, streamed: ml5.js's `{"vectors": {"word": [v1, …], …}}` and wink's
 * `{"words": […], "vectors": {"word": [v1, …, l2norm, index], …}}` (307 MB for GloVe 6B: it is read
 * chunk by chunk, never held as one string).
 *
 * The file must be one JSON object (RFC 8259: strict strings, numbers and literals; nothing after
 * it) with exactly one "vectors" member; its other members are checked as JSON and skipped. In
 * "vectors", each word appears once and maps to an array of exactly the first vector's count of
 * numbers (at most MAX_VECTOR_SIZE); numbers beyond float32's range are refused as non-finite
 * unless `allowNonFinite`. With `limit`, reading stops after that many words.
 *
 * Errors name the line and column (`wordvecs.json: line 3, column 9 expected ":" …`) or the entry
 * (`entry 2 (word "b") has 1 values, expected 2`).
 */
import { FormatError } from '@firth/numeric';
import { KeyedVectors } from './keyed-vectors.js';
import {
  type ByteWindow,
  firstInvalidUtf8,
  MAX_LINE_BYTES,
  MAX_VECTOR_SIZE,
  MAX_WORD_BYTES,
  quote,
  type ReadOptions,
  VectorTable,
} from './vector-file.js';

/** Bytes decoded at a time. */
const CHUNK = 1 << 20;
/** Longest string or other token outside "vectors" (a key, one of wink's words). */
const MAX_TOKEN = 1 << 20;
const NUMBER = '-?(?:0|[1-9]\\d*)(?:\\.\\d+)?(?:[eE][+-]?\\d+)?';
/** One member of a vector: a JSON number with JSON whitespace around it. */
const VECTOR_ITEM = new RegExp(`^[ \\t\\n\\r]*(${NUMBER})[ \\t\\n\\r]*$`);
const SCALAR = new RegExp(`^(?:${NUMBER}|true|false|null)$`);
// biome-ignore lint/suspicious/noControlCharactersInRegex: JSON strings may not hold raw control characters
const STRING = /^"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"$/;

const describe = (c: string) => (c === '' ? 'the end of the file' : JSON.stringify(c));

/** A cursor over the file's text, decoded as strict UTF-8 one chunk at a time. */
class JsonCursor {
  /** Decoded text not yet dropped; `pos` indexes it. */
  text = '';
  pos = 0;
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });
  private bytesRead = 0;
  /** Lines and the column of text[0], for error positions. */
  private linesBefore = 1;
  private columnBefore = 1;

  constructor(
    private readonly win: ByteWindow,
    readonly file: string,
  ) {}

  /** A FormatError at the current position (line, column). */
  fail(problem: string, at = this.pos): never {
    const before = this.text.slice(0, at);
    const nl = before.lastIndexOf('\n');
    const newlines = before.split('\n').length - 1;
    const column = nl < 0 ? this.columnBefore + at : at - nl;
    throw new FormatError(this.file, `line ${this.linesBefore + newlines}, column ${column}`, problem);
  }

  /** Appends the next chunk; false at the end of the file. */
  async more(): Promise<boolean> {
    if (this.bytesRead >= this.win.size) return false;
    const bytes = await this.win.bytes(this.bytesRead, CHUNK);
    const last = this.bytesRead + bytes.length >= this.win.size;
    try {
      this.text += this.decoder.decode(bytes, { stream: !last });
    } catch {
      const bad = firstInvalidUtf8(bytes);
      throw new FormatError(
        this.file,
        `near byte offset ${this.bytesRead + Math.max(0, bad)}`,
        'is not valid UTF-8',
      );
    }
    this.bytesRead += bytes.length;
    return true;
  }

  /** Drops the text before `pos` (only between tokens, so no index held elsewhere is stale). */
  private compact(): void {
    if (this.pos < CHUNK) return;
    const dropped = this.text.slice(0, this.pos);
    const nl = dropped.lastIndexOf('\n');
    this.linesBefore += dropped.split('\n').length - 1;
    this.columnBefore = nl < 0 ? this.columnBefore + dropped.length : dropped.length - nl;
    this.text = this.text.slice(this.pos);
    this.pos = 0;
  }

  /** Skips JSON whitespace; the next character, or '' at the end of the file. */
  async peek(): Promise<string> {
    this.compact();
    for (;;) {
      while (this.pos < this.text.length && ' \t\n\r'.includes(this.text[this.pos] as string)) this.pos++;
      if (this.pos < this.text.length) return this.text[this.pos] as string;
      if (!(await this.more())) return '';
    }
  }

  async expect(ch: string, context: string): Promise<void> {
    const got = await this.peek();
    if (got !== ch) this.fail(`expected ${JSON.stringify(ch)} ${context}, found ${describe(got)}`);
    this.pos++;
  }

  /** Index of the first match of `re` (global) at or after `from`, reading on; −1 at the end. */
  async find(re: RegExp, from: number, max: number, what: string): Promise<number> {
    for (;;) {
      re.lastIndex = from;
      const m = re.exec(this.text);
      if (m) return m.index;
      if (this.text.length - this.pos > max) this.fail(`${what} is longer than ${max} characters`);
      from = Math.max(from, this.text.length);
      if (!(await this.more())) return -1;
    }
  }

  /** A JSON string at the next position (strict escapes, no raw control characters). */
  async string(what: string, max = MAX_TOKEN): Promise<string> {
    if ((await this.peek()) !== '"')
      this.fail(`expected ${what} (a string in double quotes), found ${describe(await this.peek())}`);
    let i = this.pos + 1;
    for (;;) {
      const j = await this.find(/["\\]/g, i, max, what);
      if (j < 0) this.fail(`the file ends inside ${what}`);
      if (this.text[j] === '"') {
        const literal = this.text.slice(this.pos, j + 1);
        if (!STRING.test(literal))
          this.fail(`${what} is not a valid JSON string (a bad escape or a raw control character)`);
        this.pos = j + 1;
        return JSON.parse(literal) as string;
      }
      i = j + 2; // a backslash: skip the escaped character
    }
  }

  /** A number, true, false or null. */
  async scalar(): Promise<void> {
    const end = await this.find(/[,\]} \t\n\r]/g, this.pos, 1024, 'a number or literal');
    const token = this.text.slice(this.pos, end < 0 ? this.text.length : end);
    if (!SCALAR.test(token))
      this.fail(
        `expected a JSON value, found ${JSON.stringify(token.length > 40 ? `${token.slice(0, 40)}…` : token)}`,
      );
    this.pos += token.length;
  }

  /** Checks and skips one JSON value of any kind (e.g. wink's "words"); iterative, any depth. */
  async skipValue(): Promise<void> {
    const open: string[] = []; // closers of the containers we are in
    for (;;) {
      const c = await this.peek();
      if (c === '{' || c === '[') {
        this.pos++;
        const close = c === '{' ? '}' : ']';
        if ((await this.peek()) === close) this.pos++;
        else {
          open.push(close);
          if (c === '{') {
            await this.string('a key');
            await this.expect(':', 'after a key');
          }
          continue;
        }
      } else if (c === '"') await this.string('a string');
      else await this.scalar();
      // after a value: "," for the next member, or the closer of the container
      for (;;) {
        const top = open[open.length - 1];
        if (top === undefined) return;
        const d = await this.peek();
        if (d === top) {
          this.pos++;
          open.pop();
        } else if (d === ',') {
          this.pos++;
          if (top === '}') {
            await this.string('a key');
            await this.expect(':', 'after a key');
          }
          break;
        } else this.fail(`expected "," or ${JSON.stringify(top)}, found ${describe(d)}`);
      }
    }
  }
}

/** The members of "vectors" (the cursor is at its "{"), until its "}" or `limit` words. */
async function readVectors(r: JsonCursor, o: ReadOptions): Promise<VectorTable> {
  await r.expect('{', 'to open "vectors"');
  if ((await r.peek()) === '}') r.fail('"vectors" holds no vectors');
  let table: VectorTable | null = null;
  for (let entry = 1; ; entry++) {
    const word = await r.string(`the word of entry ${entry} of "vectors"`, 6 * MAX_WORD_BYTES);
    const where = `entry ${entry} (word ${quote(word)})`;
    await r.expect(':', `after the word ${quote(word)}`);
    await r.expect('[', `to open the vector of ${quote(word)}`);
    const close = await r.find(/]/g, r.pos, MAX_LINE_BYTES, `the vector of ${quote(word)}`);
    if (close < 0) r.fail(`the file ends inside the vector of ${quote(word)}`);
    const body = r.text.slice(r.pos, close);
    const parts = body.trim() === '' ? [] : body.split(',');
    if (table === null) {
      const dim = parts.length;
      if (dim < 1 || dim > MAX_VECTOR_SIZE)
        throw new FormatError(r.file, where, `holds ${dim} numbers: a vector has 1 to ${MAX_VECTOR_SIZE}`);
      table = new VectorTable(
        r.file,
        dim,
        Math.min(o.dimensions ?? dim, dim),
        Math.min(1024, o.limit),
        o.allowNonFinite,
      );
    }
    if (parts.length !== table.dim)
      throw new FormatError(r.file, where, `has ${parts.length} values, expected ${table.dim}`);
    const row = table.add(word, `entry ${entry}`);
    for (let k = 0; k < parts.length; k++) {
      const m = VECTOR_ITEM.exec(parts[k] as string);
      if (!m)
        throw new FormatError(
          r.file,
          `${where}, value ${k + 1}:`,
          `${JSON.stringify((parts[k] as string).trim().slice(0, 40))} is not a JSON number`,
        );
      if (k < table.keep) row[k] = Number(m[1]);
    }
    table.checkRow(row, where);
    r.pos = close + 1;
    if (table.keys.length === o.limit) return table;
    const d = await r.peek();
    if (d === '}') {
      r.pos++;
      return table;
    }
    if (d !== ',') r.fail(`expected "," or "}" after the vector of ${quote(word)}, found ${describe(d)}`);
    r.pos++;
  }
}

/** Reads ml5 / wink JSON word vectors into KeyedVectors. */
export async function readJsonVectors(win: ByteWindow, file: string, o: ReadOptions): Promise<KeyedVectors> {
  const r = new JsonCursor(win, file);
  let table: VectorTable | null = null;
  await r.expect('{', 'at the start of the file (an object holding "vectors")');
  if ((await r.peek()) !== '}')
    for (;;) {
      const key = await r.string('a key');
      await r.expect(':', `after the key ${quote(key)}`);
      if (key !== 'vectors') await r.skipValue();
      else if (table !== null) r.fail('holds a second "vectors" member');
      else {
        table = await readVectors(r, o);
        if (table.keys.length === o.limit) return new KeyedVectors(table.keys, table.vectors(), table.keep);
      }
      const d = await r.peek();
      if (d === '}') break;
      if (d !== ',') r.fail(`expected "," or "}" after the value of ${quote(key)}, found ${describe(d)}`);
      r.pos++;
    }
  r.pos++;
  const after = await r.peek();
  if (after !== '') r.fail(`holds ${describe(after)} after the end of the JSON object`);
  if (table === null) throw new FormatError(file, '', 'has no "vectors" object');
  return new KeyedVectors(table.keys, table.vectors(), table.keep);
}
