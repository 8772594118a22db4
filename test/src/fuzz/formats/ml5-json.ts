/**
 * The ml5.js char-RNN model folder (what packages/datasets/models/charrnn-shakespeare-ml5 holds):
 * `manifest.json` maps each TF1 variable to a raw little-endian float32 file and its shape,
 * `vocab.json` maps character → id, and one file per variable. Loaded through the public
 * `loadMl5CharLSTM(dir)` of @firth/deep.
 *
 * Seeds are small hand-built models (random weights, V = 3…65, E and H of 1–3, one or two layers),
 * one of them with the shipped vocab.json and its two damaged keys. The independent check reads the
 * folder as the format says: every variable the network needs is listed with the shape that V, E
 * and H imply, each layer 0…L−1 is there, nothing unknown is, file names stay in the folder, each
 * file holds 4 bytes per value and only finite ones, the vocabulary gives every id 0…V−1 to one
 * character — and the loaded model has that vocabulary and hidden size.
 */
import { readFileSync } from 'node:fs';
import { dataPath } from '@firth/datasets';
import { loadMl5CharLSTM } from '@firth/deep';
import type { Files, FuzzFormat } from '../format.ts';
import type { Mutator } from '../mutate.ts';

const enc = new TextEncoder();
const CELL = (l: number) => `rnnlm/multi_rnn_cell/cell_${l}/basic_lstm_cell`;
const fileOf = (name: string) => name.replaceAll('/', '_');

/** A model folder with V = vocab size, embedding E, hidden H, `layers` LSTM layers, seeded weights. */
function model(
  vocab: Record<string, number> | string,
  E: number,
  H: number,
  layers: number,
  seed: number,
): Files {
  let s = seed;
  const rand = () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648 - 0.5;
  };
  const vocabText = typeof vocab === 'string' ? vocab : JSON.stringify(vocab);
  const V = Object.keys(JSON.parse(vocabText)).length;
  const variables: [string, number[]][] = [['embedding', [V, E]]];
  for (let l = 0; l < layers; l++)
    variables.push([`${CELL(l)}/biases`, [4 * H]], [`${CELL(l)}/weights`, [(l === 0 ? E : H) + H, 4 * H]]);
  variables.push(['rnnlm/softmax_b', [V]], ['rnnlm/softmax_w', [H, V]]);
  const files: Files = { 'vocab.json': enc.encode(vocabText) };
  const manifest: Record<string, { filename: string; shape: number[] }> = {
    Variable: { filename: 'Variable', shape: [] },
  };
  files.Variable = Uint8Array.of(0, 0, 0x80, 0x3f);
  for (const [name, shape] of variables) {
    manifest[name] = { filename: fileOf(name), shape };
    const values = new Float32Array(shape.reduce((a, b) => a * b, 1)).map(rand);
    files[fileOf(name)] = new Uint8Array(values.buffer);
  }
  files['manifest.json'] = enc.encode(JSON.stringify(manifest, null, 2));
  return files;
}

// ── the independent reading ────────────────────────────────────────────────────────────────────

const isDims = (v: unknown): v is number[] =>
  Array.isArray(v) && v.every((d) => Number.isInteger(d) && d >= 0);

function inconsistency(files: Files, loaded: unknown): string | null {
  let manifest: Record<string, { filename: unknown; shape: unknown }>;
  let vocabJson: Record<string, unknown>;
  try {
    const utf8 = new TextDecoder('utf-8', { fatal: true });
    manifest = JSON.parse(utf8.decode(files['manifest.json']));
    vocabJson = JSON.parse(utf8.decode(files['vocab.json']));
  } catch (e) {
    return `accepted, but a JSON file does not parse: ${e}`;
  }
  if (typeof manifest !== 'object' || manifest === null || Array.isArray(manifest))
    return 'manifest is not an object';
  if (typeof vocabJson !== 'object' || vocabJson === null || Array.isArray(vocabJson))
    return 'vocab is not an object';
  // vocabulary: id → one character; "" and "  " stand for U and u when those are absent
  const keys = Object.keys(vocabJson);
  const V = keys.length;
  const chars: string[] = new Array(V);
  for (const key of keys) {
    const id = vocabJson[key];
    if (!Number.isInteger(id) || (id as number) < 0 || (id as number) >= V)
      return `vocab id ${id} of ${JSON.stringify(key)}`;
    let ch = key;
    if ([...key].length !== 1) {
      const fix = key === '' ? 'U' : key === '  ' ? 'u' : null;
      if (fix === null || fix in vocabJson) return `vocab key ${JSON.stringify(key)}`;
      ch = fix;
    }
    if (chars[id as number] !== undefined) return `vocab id ${id} twice`;
    chars[id as number] = ch;
  }
  if (V === 0) return 'empty vocab';
  // variables: known names only, layers 0…L−1 complete
  let L = 0;
  for (const name of Object.keys(manifest)) {
    const m = /^rnnlm\/multi_rnn_cell\/cell_(\d+)\/basic_lstm_cell\/(weights|biases)$/.exec(name);
    if (m) L = Math.max(L, Number(m[1]) + 1);
    else if (!['Variable', 'embedding', 'rnnlm/softmax_w', 'rnnlm/softmax_b'].includes(name))
      return `unknown variable ${name}`;
  }
  if (L === 0) return 'no layers';
  const dims = (name: string) => {
    const e = manifest[name];
    return e && isDims(e.shape) ? e.shape : null;
  };
  const E = dims('embedding')?.[1];
  const H = dims('rnnlm/softmax_w')?.[0];
  if (!E || !H) return 'no E or H';
  const want: [string, number[]][] = [
    ['embedding', [V, E]],
    ['rnnlm/softmax_w', [H, V]],
    ['rnnlm/softmax_b', [V]],
  ];
  for (let l = 0; l < L; l++)
    want.push([`${CELL(l)}/weights`, [(l === 0 ? E : H) + H, 4 * H]], [`${CELL(l)}/biases`, [4 * H]]);
  for (const [name, shape] of want) {
    const e = manifest[name];
    if (!e) return `${name} missing`;
    if (JSON.stringify(e.shape) !== JSON.stringify(shape))
      return `${name} has shape ${JSON.stringify(e.shape)}, needs ${shape}`;
    const f = e.filename;
    if (typeof f !== 'string' || f === '' || f === '.' || f === '..' || /[/\\\0]/.test(f))
      return `${name}: file name ${JSON.stringify(f)}`;
    const bytes = files[f];
    if (!bytes) return `${name}: no file ${f}`;
    const n = shape.reduce((a, b) => a * b, 1);
    if (bytes.length !== 4 * n) return `${name}: ${bytes.length} bytes for ${n} values`;
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let i = 0; i < n; i++)
      if (!Number.isFinite(view.getFloat32(4 * i, true))) return `${name}: value ${i} is not finite`;
  }
  const lm = loaded as { vocab: string[]; hiddenSize: number };
  if (JSON.stringify(lm.vocab) !== JSON.stringify(chars))
    return `loaded vocab ${JSON.stringify(lm.vocab)}, the file says ${JSON.stringify(chars)}`;
  if (lm.hiddenSize !== H) return `loaded hidden size ${lm.hiddenSize}, the manifest says ${H}`;
  return null;
}

// ── format-aware mutators ──────────────────────────────────────────────────────────────────────

type Rand = () => number;
const int = (r: Rand, n: number) => Math.floor(r() * n);
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[int(r, xs.length)]!;

/** The parsed JSON of `b` when it is the manifest or the vocabulary, else null. */
function asJson(b: Uint8Array): Record<string, unknown> | null {
  try {
    const v = JSON.parse(new TextDecoder().decode(b));
    return v && typeof v === 'object' && !Array.isArray(v) ? v : null;
  } catch {
    return null;
  }
}
const isManifest = (j: Record<string, unknown>) => Object.values(j).some((v) => v && typeof v === 'object');

/** Applies `edit` to the manifest (or vocab, with `onVocab`); other files come back unchanged. */
const jsonMutator = (
  name: string,
  onManifest: ((m: Record<string, { filename: unknown; shape: unknown }>, r: Rand) => void) | null,
  onVocab: ((v: Record<string, unknown>, r: Rand) => void) | null,
): Mutator => ({
  name,
  apply(b, r) {
    const j = asJson(b);
    if (!j) return b;
    const manifest = isManifest(j);
    const edit = manifest ? onManifest : onVocab;
    if (!edit) return b;
    try {
      edit(j as never, r);
    } catch {
      return b; // the edit does not apply to this (already mutated) file
    }
    return enc.encode(JSON.stringify(j));
  },
});

const extra: Mutator[] = [
  jsonMutator(
    'manifest: a shape off by one, huge, negative, swapped or not a number',
    (m, r) => {
      const e = m[pick(r, Object.keys(m))]!;
      const s = Array.isArray(e.shape) ? [...e.shape] : [];
      const k = int(r, Math.max(1, s.length));
      const op = int(r, 5);
      if (op === 0) s[k] = (s[k] ?? 0) + pick(r, [-1, 1]);
      else if (op === 1) s[k] = pick(r, [2 ** 31, 2 ** 32, 2 ** 53, 1e300]);
      else if (op === 2) s[k] = pick(r, [-1, 0.5, '4', null]);
      else if (op === 3) s.reverse();
      else s.push(1);
      e.shape = s;
    },
    null,
  ),
  jsonMutator(
    "manifest: a file name outside the folder, another variable's file, or none",
    (m, r) => {
      const names = Object.keys(m);
      m[pick(r, names)]!.filename = pick(r, [
        '../vocab.json',
        '/etc/passwd',
        'a/b',
        '.',
        '..',
        '',
        'manifest.json',
        'vocab.json',
        m[pick(r, names)]!.filename,
        7,
        null,
      ]);
    },
    null,
  ),
  jsonMutator(
    'manifest: a variable dropped, added or renamed',
    (m, r) => {
      const names = Object.keys(m);
      const op = int(r, 3);
      if (op === 0) delete m[pick(r, names)];
      else if (op === 1)
        m[pick(r, [`${CELL(2)}/weights`, `${CELL(7)}/biases`, 'rnnlm/extra', `${CELL(99999999)}/weights`])] =
          m[pick(r, names)]!;
      else {
        const from = pick(r, names);
        m[from.replace(/cell_(\d)/, 'cell_1$1').replace('softmax_b', 'softmax_x')] = m[from]!;
        delete m[from];
      }
    },
    null,
  ),
  jsonMutator(
    'vocab: an id repeated, out of range or not an integer; a key renamed, added or removed',
    null,
    (v, r) => {
      const keys = Object.keys(v);
      const k = pick(r, keys);
      const op = int(r, 5);
      if (op === 0) v[k] = v[pick(r, keys)];
      else if (op === 1) v[k] = pick(r, [keys.length, -1, 1.5, '3', 2 ** 53]);
      else if (op === 2) v[pick(r, ['ab', '', '  ', 'U', '\u{1F600}', 'é'])] = keys.length;
      else if (op === 3) delete v[k];
      else {
        v[pick(r, ['', '  ', 'xy'])] = v[k];
        delete v[k];
      }
    },
  ),
  {
    name: 'weights: a NaN or Infinity',
    apply(b, r) {
      if (asJson(b) || b.length < 4 || b.length % 4 !== 0) return b;
      const out = b.slice();
      new DataView(out.buffer).setFloat32(
        4 * int(r, b.length / 4),
        pick(r, [Number.NaN, Infinity, -Infinity]),
        true,
      );
      return out;
    },
  },
];

const format: FuzzFormat = {
  name: 'ml5-json',
  kind: 'text',
  seeds: () => [
    model({ a: 0, b: 1, ' ': 2, '\n': 3, é: 4 }, 3, 2, 2, 1),
    model(readFileSync(dataPath('models/charrnn-shakespeare-ml5/vocab.json'), 'utf8'), 2, 2, 1, 2),
    model({ x: 2, y: 0, z: 1 }, 1, 1, 1, 3),
  ],
  // the JSON files and a few weight files (the weights' bytes are mostly just numbers)
  mutable: ['manifest.json', 'vocab.json', 'embedding', 'rnnlm_softmax_b', fileOf(`${CELL(0)}/weights`)],
  extra,
  load: (_files: Files, dir: string) => loadMl5CharLSTM(dir),
  inconsistency,
};
export default format;
