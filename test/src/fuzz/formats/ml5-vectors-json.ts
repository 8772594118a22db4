/**
 * Word vectors as ml5.js / wink JSON (`{"vectors": {"word": [v1, …], …}}`, wink adds "words"),
 * loaded through `loadVectors(path)` — the streaming JSON reader, detected from `.json`.
 *
 * Seeds: Firth's writer on small tables (the first 20 GloVe words among them) and on the first 20
 * words of the shipped ml5 file, plus wink's layout by hand. The independent check: the text is
 * strict JSON (JSON.parse), "vectors" appears once at the top and its words once each (counted on
 * the raw tokens, since JSON.parse keeps only the last of a repeated key), every vector is an array
 * of the same count of numbers that are finite as float32, every word a vocabulary word — and the
 * loaded table is exactly that, in file order.
 */
import { join } from 'node:path';
import { dataPath } from '@firth/datasets';
import { loadVectors } from '@firth/embeddings';
import type { Files, FuzzFormat } from '../format.ts';
import type { Mutator } from '../mutate.ts';
import { bytes, vectorSeeds } from './shared/vector-seeds.ts';
import { compare, type Table } from './shared/word-vectors.ts';

const NAME = 'wordvecs.json';

/** Keys of the top-level "vectors" object in file order, and how many "vectors" members there are. */
function vectorKeys(text: string): { keys: string[]; members: number } {
  const tokens = text.match(/"(?:[^"\\]|\\.)*"|[{}[\]:,]|[^{}[\]:,"\s]+/g) ?? [];
  const stack: { vectors: boolean }[] = [];
  const keys: string[] = [];
  let members = 0;
  let next = false; // the next "{" opens "vectors"
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t === '{' || t === '[') {
      stack.push({ vectors: next && t === '{' });
      next = false;
    } else if (t === '}' || t === ']') stack.pop();
    else if (t.startsWith('"') && tokens[i + 1] === ':') {
      const key = JSON.parse(t) as string;
      if (stack.length === 1 && key === 'vectors') {
        members++;
        next = true;
      } else if (stack[stack.length - 1]?.vectors) keys.push(key);
    } else if (t !== ':' && t !== ',') next = false;
  }
  return { keys, members };
}

function read(b: Uint8Array): Table | string {
  let text: string;
  let json: unknown;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(b);
    json = JSON.parse(text);
  } catch (e) {
    return `not JSON: ${e}`;
  }
  const vectors = (json as { vectors?: unknown })?.vectors;
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return 'not an object';
  if (typeof vectors !== 'object' || vectors === null || Array.isArray(vectors)) return 'no "vectors" object';
  const { keys, members } = vectorKeys(text);
  if (members !== 1) return `${members} "vectors" members`;
  if (new Set(keys).size !== keys.length) return 'a word twice in "vectors"';
  if (keys.length === 0) return 'no vectors';
  const table: Table = { words: [], dim: -1, values: [] };
  for (const key of keys) {
    const v = (vectors as Record<string, unknown>)[key];
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'number')) return `${key}: not an array of numbers`;
    if (table.dim < 0) table.dim = v.length;
    if (v.length !== table.dim || v.length < 1 || v.length > 65536) return `${key}: ${v.length} numbers`;
    for (const ch of key) {
      const c = ch.codePointAt(0)!;
      if (c <= 0x20 || c === 0x7f || (c >= 0xd800 && c <= 0xdfff)) return `the word ${JSON.stringify(key)}`;
    }
    if (key === '' || new TextEncoder().encode(key).length > 4096) return `the word ${JSON.stringify(key)}`;
    table.words.push(key);
    for (const x of v) {
      const f = Math.fround(x as number);
      if (!Number.isFinite(f)) return `${key}: ${x} is not a finite float32`;
      table.values.push(f);
    }
  }
  return table;
}

// ── format-aware mutators (on the text) ────────────────────────────────────────────────────────

type Rand = () => number;
const int = (r: Rand, n: number) => Math.floor(r() * n);
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[int(r, xs.length)]!;
const enc = new TextEncoder();
const edit = (name: string, f: (s: string, r: Rand) => string): Mutator => ({
  name,
  apply: (b, r) => enc.encode(f(new TextDecoder().decode(b), r)),
});
const entries = (s: string) => [...s.matchAll(/"((?:[^"\\]|\\.)*)"\s*:\s*\[/g)];

const extra: Mutator[] = [
  edit('a word of another entry', (s, r) => {
    const e = entries(s);
    if (e.length < 2) return s;
    const a = pick(r, e);
    const b = pick(r, e);
    return s.slice(0, b.index) + `"${a[1]}"` + s.slice(b.index! + b[1]!.length + 2);
  }),
  edit('one number too many or too few in a vector', (s, r) => {
    const e = entries(s);
    if (e.length === 0) return s;
    const at = pick(r, e).index!;
    const close = s.indexOf(']', at);
    if (close < 0) return s;
    if (r() < 0.5) return `${s.slice(0, close)},0.5${s.slice(close)}`;
    const comma = s.lastIndexOf(',', close);
    return comma > at ? s.slice(0, comma) + s.slice(close) : s;
  }),
  edit('a number JSON cannot hold, or float32 cannot', (s, r) => {
    const nums = [...s.matchAll(/-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g)];
    if (nums.length === 0) return s;
    const m = pick(r, nums);
    const v = pick(r, [
      '1e39',
      '-1e400',
      'NaN',
      'Infinity',
      '.5',
      '5.',
      '+1',
      '0x10',
      '01',
      '1e',
      '"1"',
      'null',
      'true',
      '[1]',
      '',
    ]);
    return s.slice(0, m.index) + v + s.slice(m.index! + m[0].length);
  }),
  edit('a second "vectors", another member, or content after the object', (s, r) => {
    const op = int(r, 4);
    if (op === 0) return s.replace(/}\s*$/, ',"vectors":{"zz":[1]}}');
    if (op === 1)
      return s.replace(
        '{',
        `{"meta":${pick(r, ['{"a":[1,{"b":null}]}', '[', '"x\\q"', 'tru', '{"a" 1}', '[1,]', '"\\ud800"'])},`,
      );
    if (op === 2) return s + pick(r, [' ', '\n', 'x', '{}', ',']);
    return s.replace('"vectors"', pick(r, ['"Vectors"', '"vectors" ', '"vec\\u0074ors"']));
  }),
  edit('an escape in a word', (s, r) => {
    const e = entries(s);
    if (e.length === 0) return s;
    const at = pick(r, e).index! + 1;
    return (
      s.slice(0, at) +
      pick(r, ['\\n', '\\u0041', '\\x41', '\\', '\\"', '\\ud83d\\ude00', '\\udc00', '\\u00e9']) +
      s.slice(at)
    );
  }),
];

const format: FuzzFormat = {
  name: 'ml5-vectors-json',
  kind: 'text',
  seeds: async () => {
    const ml5 = await loadVectors(dataPath('models/word2vec-300d-top1000-ml5/wordvecs1000.json'), {
      limit: 12,
    });
    return [
      ...(await vectorSeeds('ml5-json', NAME, [ml5])),
      {
        [NAME]: bytes(
          JSON.stringify({ words: ['the', 'a'], vectors: { the: [1, 2, 2.23, 0], a: [3, 4, 5, 1] } }),
        ),
      },
      {
        [NAME]: bytes(
          `{ "vectors" : {\n  "${ml5.indexToKey.slice(0, 3).join('" : [ 0.5 , -1e-3 ],\n  "')}" : [ 0 , 1E2 ]\n} }\n`,
        ),
      },
    ];
  },
  extra,
  load: (_files: Files, dir: string) => loadVectors(join(dir, NAME)),
  inconsistency: (files: Files, loaded) => compare(read(files[NAME]!), loaded as never),
};
export default format;
