/**
 * Reading files nobody here wrote: one error type and one way to check a file's structure.
 *
 * Every loader in Firth (safetensors, Hugging Face folders, tokenizer.json, llama2.c checkpoints,
 * word2vec/GloVe/fastText vectors, ml5 JSON, vector-store snapshots, SQLite stores, PDFs) reports a
 * bad file as a `FormatError`: the file, where in it (a JSON path such as `$.model.vocab["héllo"]`,
 * a byte offset, a line), and what is wrong. It is a `ValidationError`, so the server answers 400
 * and the n8n nodes report it on the item — never a `RangeError`, `TypeError` or `SyntaxError`
 * from inside a loader.
 *
 *   parseJson('{"a": [1, 2,]}', 'config.json')
 *   // throws FormatError: config.json: not valid JSON at line 1, column 13 (Unexpected token ']' …)
 *   checkJson({ vocab: { a: 'x' } }, shape.object({ vocab: shape.record(shape.integer({ min: 0 })) }), 'tokenizer.json')
 *   // throws FormatError: tokenizer.json: $.vocab["a"] must be an integer ≥ 0, got the string "x"
 *
 * The shapes below are deliberately small (what Firth's formats need: objects, records, arrays,
 * tuples, strings, numbers, integers, booleans, literals, unions); they check a parsed JSON value,
 * they do not transform it.
 */
import { ValidationError } from './validation.js';

/** A file whose content is not what its format says: `file`, `where` in it, and the problem. */
export class FormatError extends ValidationError {
  constructor(
    readonly file: string,
    readonly where: string,
    readonly problem: string,
  ) {
    super(`${file}: ${where ? `${where} ` : ''}${problem}`, where || file);
    this.name = 'FormatError';
  }
}

/** True for Firth's own errors (bad input, bad files): everything else thrown is a bug. */
export const isFirthError = (e: unknown): e is ValidationError => e instanceof ValidationError;

const preview = (v: unknown): string => {
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  if (v === null) return 'null';
  if (v === undefined) return 'nothing';
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (typeof v === 'object') return 'an object';
  return `${typeof v} ${String(v)}`;
};

export interface ParseJsonOptions {
  /**
   * Refuse an object that names a key twice. JSON.parse keeps the last value silently (RFC 8259
   * §4 leaves it to the reader), so two readers of the same file could see two different things:
   * where a key names something (a tensor, a config field) a repeat is a corrupt file.
   * @default false
   */
  uniqueKeys?: boolean;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Bytes → text, refusing invalid UTF-8 with a FormatError ("<file>: <where> is not valid UTF-8 text"). */
export function decodeUtf8(bytes: Uint8Array, file: string, where = ''): string {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    throw new FormatError(file, where, 'is not valid UTF-8 text');
  }
}

/**
 * JSON text → value; a syntax error becomes a FormatError with the line and column.
 * `bytes` are decoded as strict UTF-8 (invalid UTF-8 is an error too).
 *
 *   parseJson('{"w": 1, "w": 2}', 'h.json', { uniqueKeys: true })
 *   // throws FormatError: h.json: $.w appears twice in the same object (JSON keeps only the last)
 */
export function parseJson(text: string | Uint8Array, file: string, options: ParseJsonOptions = {}): unknown {
  const source = typeof text === 'string' ? text : decodeUtf8(text, file);
  let value: unknown;
  try {
    value = JSON.parse(source);
  } catch {
    const pos = jsonErrorOffset(source);
    const before = source.slice(0, pos);
    const line = before.split('\n').length;
    const column = pos - before.lastIndexOf('\n');
    const what =
      pos >= source.length
        ? 'the text ends too early'
        : `unexpected ${JSON.stringify(String.fromCodePoint(source.codePointAt(pos)!))}`;
    throw new FormatError(file, '', `is not valid JSON: ${what} at line ${line}, column ${column}`);
  }
  if (options.uniqueKeys) {
    const repeated = findRepeatedKey(source);
    if (repeated)
      throw new FormatError(file, repeated, 'appears twice in the same object (JSON keeps only the last)');
  }
  return value;
}

/**
 * The JSON path of the first key that an object of `text` names a second time, or null. `text` is
 * JSON that JSON.parse accepted. One pass, no recursion: a stack of the open containers, each with
 * the keys seen so far (objects) or the index reached (arrays), for the path.
 */
function findRepeatedKey(text: string): string | null {
  const open: { keys: Set<string> | null; path: string; at: number; key: string }[] = [];
  let expectKey = false; // after '{' or an object's ',' the next string is a key
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      let j = i + 1;
      while (text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      const top = open[open.length - 1];
      if (expectKey && top?.keys) {
        const raw = text.slice(i + 1, j);
        const key = raw.includes('\\') ? (JSON.parse(`"${raw}"`) as string) : raw;
        if (top.keys.has(key)) return keyPath(top.path, key);
        top.keys.add(key);
        top.key = key;
        expectKey = false;
      }
      i = j;
    } else if (c === '{' || c === '[') {
      const top = open[open.length - 1];
      const path = !top ? '$' : top.keys ? keyPath(top.path, top.key) : `${top.path}[${top.at}]`;
      open.push({ keys: c === '{' ? new Set() : null, path, at: 0, key: '' });
      expectKey = c === '{';
    } else if (c === '}' || c === ']') open.pop();
    else if (c === ',') {
      const top = open[open.length - 1]!;
      if (top.keys) expectKey = true;
      else top.at++;
    }
  }
  return null;
}

/**
 * Where JSON text first goes wrong (a UTF-16 offset; `text.length` when it ends too early). Only
 * called after JSON.parse failed, whose message does not always carry a position. Iterative, so
 * deeply nested input cannot overflow the stack.
 */
function jsonErrorOffset(text: string): number {
  let i = 0;
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  const literal = /true|false|null/y;
  const number = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: JSON strings may not hold raw control characters
  const string = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;
  const match = (re: RegExp) => {
    re.lastIndex = i;
    if (!re.test(text)) return false;
    i = re.lastIndex;
    return true;
  };
  // stack of open containers: '{' expects a key next, ':' a value in an object, '[' a value in an array
  const stack: string[] = [];
  let expectValue = true;
  for (;;) {
    ws();
    if (expectValue) {
      const c = text[i];
      if (c === '{' || c === '[') {
        i++;
        ws();
        if (text[i] === (c === '{' ? '}' : ']')) {
          i++;
          expectValue = false;
          continue;
        }
        stack.push(c);
        if (c === '{') {
          if (!match(string)) return i;
          ws();
          if (text[i] !== ':') return i;
          i++;
        }
        continue;
      }
      if (!(match(string) || match(number) || match(literal))) return i;
      expectValue = false;
      continue;
    }
    const top = stack[stack.length - 1];
    if (top === undefined) return i; // trailing text after a complete value
    const c = text[i];
    if (c === ',') {
      i++;
      if (top === '{') {
        ws();
        if (!match(string)) return i;
        ws();
        if (text[i] !== ':') return i;
        i++;
      }
      expectValue = true;
    } else if (c === (top === '{' ? '}' : ']')) {
      i++;
      stack.pop();
    } else return i;
  }
}

// ── shapes ───────────────────────────────────────────────────────────────────────────────────────

/** A JSON shape: `check` calls `fail(path, problem)` (which throws) at the first mismatch. */
export interface Shape<T = unknown> {
  /** What it accepts, in words ("an integer ≥ 0"). */
  readonly describe: string;
  check(value: unknown, path: string, fail: (path: string, problem: string) => never): void;
  /** Only for TypeScript: the type a value has once checked. */
  readonly _type?: T;
}

export type ShapeType<S> = S extends Shape<infer T> ? T : never;

/** A JSON path one key deeper: `$.vocab` + 'a b' → `$.vocab["a b"]`, + 'merges' → `$.merges`. */
export const keyPath = (path: string, key: string) =>
  /^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;

const leaf = <T>(describe: string, ok: (v: unknown) => boolean): Shape<T> => ({
  describe,
  check(v, path, fail) {
    if (!ok(v)) fail(path, `must be ${describe}, got ${preview(v)}`);
  },
});

const bounds = (o: { min?: number; max?: number }) =>
  `${o.min !== undefined ? ` ≥ ${o.min}` : ''}${o.max !== undefined ? `${o.min !== undefined ? ' and' : ''} ≤ ${o.max}` : ''}`;
const inBounds = (v: number, o: { min?: number; max?: number }) =>
  (o.min === undefined || v >= o.min) && (o.max === undefined || v <= o.max);

export const shape = {
  string: (o: { nonEmpty?: boolean; maxLength?: number } = {}): Shape<string> =>
    leaf(
      `${o.nonEmpty ? 'a non-empty string' : 'a string'}${o.maxLength !== undefined ? ` of at most ${o.maxLength} characters` : ''}`,
      (v) =>
        typeof v === 'string' &&
        (!o.nonEmpty || v !== '') &&
        (o.maxLength === undefined || v.length <= o.maxLength),
    ),
  /** A finite number (JSON has no NaN or Infinity). */
  number: (o: { min?: number; max?: number } = {}): Shape<number> =>
    leaf(`a finite number${bounds(o)}`, (v) => typeof v === 'number' && Number.isFinite(v) && inBounds(v, o)),
  integer: (o: { min?: number; max?: number } = {}): Shape<number> =>
    leaf(`an integer${bounds(o)}`, (v) => typeof v === 'number' && Number.isSafeInteger(v) && inBounds(v, o)),
  boolean: (): Shape<boolean> => leaf('true or false', (v) => typeof v === 'boolean'),
  literal: <const L extends readonly (string | number | boolean | null)[]>(...values: L): Shape<L[number]> =>
    leaf(`one of ${values.map((v) => JSON.stringify(v)).join(', ')}`, (v) => values.includes(v as L[number])),
  /** Anything at all (a field whose content Firth does not read). */
  any: (): Shape<unknown> => ({ describe: 'any value', check() {} }),
  nullable: <T>(inner: Shape<T>): Shape<T | null> => ({
    describe: `${inner.describe} or null`,
    check(v, path, fail) {
      if (v !== null) inner.check(v, path, fail);
    },
  }),
  array: <T>(item: Shape<T>, o: { min?: number; max?: number } = {}): Shape<T[]> => ({
    describe: `an array of ${item.describe}`,
    check(v, path, fail) {
      if (!Array.isArray(v)) return fail(path, `must be an array, got ${preview(v)}`);
      if (!inBounds(v.length, o))
        fail(
          path,
          `must hold${o.min !== undefined ? ` at least ${o.min}` : ''}${o.max !== undefined ? ` at most ${o.max}` : ''} items, got ${v.length}`,
        );
      for (let i = 0; i < v.length; i++) item.check(v[i], `${path}[${i}]`, fail);
    },
  }),
  tuple: <const S extends readonly Shape[]>(...items: S): Shape<{ [K in keyof S]: ShapeType<S[K]> }> => ({
    describe: `an array of ${items.length}`,
    check(v, path, fail) {
      if (!Array.isArray(v) || v.length !== items.length)
        return fail(path, `must be an array of ${items.length} items, got ${preview(v)}`);
      for (const [i, s] of items.entries()) s.check(v[i], `${path}[${i}]`, fail);
    },
  }),
  /** An object with string keys mapping to `value` (e.g. a vocabulary). */
  record: <T>(value: Shape<T>, o: { max?: number } = {}): Shape<Record<string, T>> => ({
    describe: `an object of ${value.describe}`,
    check(v, path, fail) {
      if (v === null || typeof v !== 'object' || Array.isArray(v))
        return fail(path, `must be an object, got ${preview(v)}`);
      let n = 0;
      for (const k in v) {
        if (o.max !== undefined && ++n > o.max) fail(path, `must hold at most ${o.max} entries`);
        value.check((v as Record<string, unknown>)[k], keyPath(path, k), fail);
      }
    },
  }),
  /**
   * An object with these fields; a field whose shape is wrapped in `shape.optional` may be absent.
   * Unknown fields are allowed (formats grow), unless `strict`.
   */
  object: <F extends Record<string, Shape>>(
    fields: F,
    o: { strict?: boolean } = {},
  ): Shape<{ [K in keyof F]: ShapeType<F[K]> }> => ({
    describe: 'an object',
    check(v, path, fail) {
      if (v === null || typeof v !== 'object' || Array.isArray(v))
        return fail(path, `must be an object, got ${preview(v)}`);
      const obj = v as Record<string, unknown>;
      for (const [k, s] of Object.entries(fields)) {
        if (!(k in obj) || obj[k] === undefined) {
          if (!(s as OptionalShape).optional) fail(keyPath(path, k), 'is missing');
          continue;
        }
        s.check(obj[k], keyPath(path, k), fail);
      }
      if (o.strict) for (const k in obj) if (!(k in fields)) fail(keyPath(path, k), 'is not a known field');
    },
  }),
  optional: <T>(inner: Shape<T>): Shape<T | undefined> & { optional: true } => ({
    describe: inner.describe,
    optional: true,
    check: inner.check,
  }),
  /** The first shape that accepts the value; otherwise the problem names them all. */
  union: <const S extends readonly Shape[]>(...options: S): Shape<ShapeType<S[number]>> => {
    const describe = options.map((s) => s.describe).join(' or ');
    const probe = () => {
      throw MISMATCH;
    };
    return {
      describe,
      check(v, path, fail) {
        for (const s of options)
          try {
            s.check(v, path, probe);
            return;
          } catch (e) {
            if (e !== MISMATCH) throw e;
          }
        fail(path, `must be ${describe}, got ${preview(v)}`);
      },
    };
  },
};

interface OptionalShape extends Shape {
  optional?: true;
}
/** Thrown by a union's probes; never leaves `union`. */
const MISMATCH = Symbol('shape mismatch');

/**
 * Checks a parsed JSON value against a shape; the first mismatch is a FormatError naming the file
 * and the JSON path. Returns the value, typed. `at` names the value's own place when it is part of
 * something larger (`tensor "w"` gives `tensor "w".shape[1] must be …`). @default '$'
 */
export function checkJson<S extends Shape>(value: unknown, s: S, file: string, at = '$'): ShapeType<S> {
  s.check(value, at, (path, problem) => {
    throw new FormatError(file, path, problem);
  });
  return value as ShapeType<S>;
}

/** `parseJson` then `checkJson`. */
export const readJson = <S extends Shape>(
  text: string | Uint8Array,
  s: S,
  file: string,
  options: ParseJsonOptions = {},
): ShapeType<S> => checkJson(parseJson(text, file, options), s, file);

/**
 * Refuses NaN and ±Infinity in loaded weights (a corrupt or diverged checkpoint), naming the tensor
 * and the first bad index. Loaders call it unless the caller passed `allowNonFinite: true`.
 */
export function checkFiniteValues(data: ArrayLike<number>, file: string, where: string): void {
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    // v - v is 0 for finite v, NaN for NaN and ±Infinity
    if (v - v !== 0)
      throw new FormatError(
        file,
        where,
        `holds ${v} at index ${i}: weights must be finite (pass allowNonFinite: true to load them anyway)`,
      );
  }
}
