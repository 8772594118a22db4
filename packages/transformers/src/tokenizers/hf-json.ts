/**
 * Reading the steps of a Hugging Face `tokenizer.json` strictly: every getter names the file and
 * the JSON path of what is wrong (`tokenizer.json: $.normalizer.normalizers[1].content must be a
 * string, got number 3`), and a pattern written for the Rust library's regex engine (Oniguruma) is
 * turned into a JavaScript `RegExp` or refused by name.
 */
import { FormatError } from '@firth/numeric';

/** Where a value sits: the file and its JSON path (`$.model.vocab[3]`). */
export interface At {
  readonly file: string;
  readonly path: string;
}

export const fail = (at: At, problem: string): never => {
  throw new FormatError(at.file, at.path, problem);
};

/** The place of `key` (a field name or an index) inside `at`. */
export const child = (at: At, key: string | number): At => ({
  file: at.file,
  path: typeof key === 'number' ? `${at.path}[${key}]` : `${at.path}.${key}`,
});

const what = (v: unknown): string => {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  return typeof v === 'object' ? 'an object' : `${typeof v} ${String(v)}`;
};

export type JsonObject = Record<string, unknown>;

export function asObject(v: unknown, at: At): JsonObject {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(at, `must be an object, got ${what(v)}`);
  return v as JsonObject;
}

export function asArray(v: unknown, at: At): unknown[] {
  if (!Array.isArray(v)) fail(at, `must be an array, got ${what(v)}`);
  return v as unknown[];
}

export function asString(v: unknown, at: At): string {
  if (typeof v !== 'string') fail(at, `must be a string, got ${what(v)}`);
  return v as string;
}

/** `o[key]` as a string; `def` when absent or null (no default: required). */
export function getString(o: JsonObject, key: string, at: At, def?: string): string {
  const v = o[key];
  if ((v === undefined || v === null) && def !== undefined) return def;
  return asString(v, child(at, key));
}

export function getBool(o: JsonObject, key: string, at: At, def: boolean): boolean {
  const v = o[key];
  if (v === undefined || v === null) return def;
  if (typeof v !== 'boolean') fail(child(at, key), `must be true or false, got ${what(v)}`);
  return v as boolean;
}

export function asInteger(v: unknown, at: At, min = 0): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min)
    fail(at, `must be an integer ≥ ${min}, got ${what(v)}`);
  return v as number;
}

export function asNumber(v: unknown, at: At): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) fail(at, `must be a finite number, got ${what(v)}`);
  return v as number;
}

/** The `type` of a pipeline step. */
export const stepType = (o: JsonObject, at: At): string => getString(o, 'type', at);

/** A step of a type this library does not run: refused by name rather than skipped. */
export const unsupported = (kind: string, type: string, at: At, known: readonly string[]): never =>
  fail(
    child(at, 'type'),
    `${JSON.stringify(type)} is not a ${kind} this library runs (it runs ${known.join(', ')})`,
  );

/**
 * A `{ "String": s }` or `{ "Regex": r }` pattern (Replace, Split) as a global JavaScript RegExp.
 * A string matches literally.
 */
export function readPattern(v: unknown, at: At): RegExp {
  const o = asObject(v, at);
  if (typeof o.String === 'string') return new RegExp(escapeRegExp(o.String), 'gu');
  if (typeof o.Regex === 'string') return compileRegex(o.Regex, child(at, 'Regex'));
  return fail(at, 'must be { "String": "…" } or { "Regex": "…" }');
}

export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

/**
 * An Oniguruma pattern (what the Rust `tokenizers` library compiles) as a JavaScript RegExp with
 * the `gu` flags. The one construct real tokenizer files use that older JavaScript engines lack is
 * a case-insensitive group `(?i:'s|'t|'re)` (Llama 3, Qwen 2): its ASCII letters become
 * `[sS]`-style classes. Anything else JavaScript cannot compile is a FormatError naming the field.
 */
export function compileRegex(source: string, at: At): RegExp {
  let js = '';
  for (let i = 0; i < source.length; i++) {
    if (source.startsWith('(?i:', i)) {
      let depth = 1;
      let j = i + 4;
      let body = '';
      for (; j < source.length && depth > 0; j++) {
        const c = source[j]!;
        if (c === '\\') {
          body += c + (source[j + 1] ?? '');
          j++;
          continue;
        }
        if (c === '(') depth++;
        if (c === ')' && --depth === 0) break;
        body += c;
      }
      js += `(?:${body.replace(/\\[pP]\{[^}]*\}|\\.|[a-zA-Z]/g, (c) => (c.length === 1 ? `[${c.toLowerCase()}${c.toUpperCase()}]` : c))})`;
      i = j;
    } else if (source[i] === '\\') {
      js += source[i]! + (source[i + 1] ?? '');
      i++;
    } else js += source[i];
  }
  try {
    return new RegExp(js, 'gu');
  } catch (e) {
    return fail(at, `is a regular expression JavaScript cannot compile: ${(e as Error).message}`);
  }
}

/** The non-overlapping matches of `re` in `s` as [start, end) pairs (empty matches skipped). */
export function findMatches(s: string, re: RegExp): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  re.lastIndex = 0;
  for (const m of s.matchAll(re)) if (m[0].length > 0) out.push([m.index, m.index + m[0].length]);
  return out;
}
