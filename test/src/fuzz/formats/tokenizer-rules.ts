/**
 * The rules of tokenizer files, written out independently of @firth/transformers' loaders, for the
 * `inconsistency` checks of the tokenizer fuzz formats (tokenizer-json, hf-tokenizer-folder): an
 * accepted file must pass these, and a file that passes them must be accepted.
 *
 *   - a vocabulary maps pieces to ids that are exactly 0..n−1, each once;
 *   - a BPE merge "a b" names two pieces whose concatenation is a piece too; no merge twice;
 *   - a byte-level BPE vocabulary holds all 256 characters of GPT-2's bytes_to_unicode;
 *   - text files are UTF-8.
 */

/** GPT-2's bytes_to_unicode (openai/gpt-2 encoder.py), rewritten here from its definition. */
export function gpt2ByteAlphabet(): string[] {
  const bs: number[] = [];
  for (let b = 0x21; b <= 0x7e; b++) bs.push(b);
  for (let b = 0xa1; b <= 0xac; b++) bs.push(b);
  for (let b = 0xae; b <= 0xff; b++) bs.push(b);
  const cs = [...bs];
  let n = 0;
  for (let b = 0; b < 256; b++)
    if (!bs.includes(b)) {
      bs.push(b);
      cs.push(256 + n++);
    }
  const out: string[] = new Array(256);
  bs.forEach((b, i) => {
    out[b] = String.fromCodePoint(cs[i]!);
  });
  return out;
}

/** The text of UTF-8 bytes, or null when they are not UTF-8. */
export function utf8(bytes: Uint8Array): string | null {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}

/** JSON text → value, or undefined when it is not JSON. */
export function json(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** What is wrong with a piece → id table (ids exactly 0..n−1, once each), or null. */
export function idTableProblem(entries: ReadonlyArray<readonly [string, unknown]>): string | null {
  const seen = new Set<number>();
  for (const [piece, id] of entries) {
    if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 0)
      return `${JSON.stringify(piece)} has the id ${String(id)}`;
    if (seen.has(id)) return `id ${id} is given twice`;
    seen.add(id);
  }
  for (let id = 0; id < entries.length; id++) if (!seen.has(id)) return `no piece has the id ${id}`;
  return null;
}

/** What is wrong with BPE merges over a vocabulary, or null. */
export function mergesProblem(
  merges: ReadonlyArray<readonly [string, string]>,
  pieces: ReadonlySet<string>,
): string | null {
  const seen = new Set<string>();
  for (const [i, [a, b]] of merges.entries()) {
    if (!pieces.has(a) || !pieces.has(b) || !pieces.has(a + b))
      return `merge ${i} "${a} ${b}" names a piece outside the vocabulary`;
    const key = JSON.stringify([a, b]);
    if (seen.has(key)) return `merge ${i} "${a} ${b}" is listed twice`;
    seen.add(key);
  }
  return null;
}

/** The byte-level characters missing from a vocabulary (none for a usable byte-level BPE). */
export function missingBytes(pieces: ReadonlySet<string>): string[] {
  return gpt2ByteAlphabet().filter((c) => !pieces.has(c));
}

/** A text every loaded tokenizer must encode without an error, ids in range. */
export const SAMPLE =
  'Hello, wörld! naïve 👩‍👩‍👧 日本語 <|endoftext|> [CLS] e\u0301 \u202Eabc\u202C \u0000 tab\there  end\n';

/** Encodes SAMPLE with a loaded tokenizer; anything thrown is a bug (a plain Error, not a Firth one). */
export function exercise(tok: {
  encode(text: string): number[];
  decode(ids: number[]): string;
  vocabSize: number;
}): number[] {
  let ids: number[];
  try {
    ids = tok.encode(SAMPLE);
    tok.decode(ids);
  } catch (e) {
    throw new Error(`a loaded tokenizer failed on a plain text: ${(e as Error).message}`);
  }
  const bad = ids.find((id) => !Number.isInteger(id) || id < 0 || id >= tok.vocabSize);
  if (bad !== undefined)
    throw new Error(`a loaded tokenizer produced the id ${bad} (vocabulary ${tok.vocabSize})`);
  return ids;
}

// ── JSON-aware mutators: edits that keep the JSON valid, so the loader's own rules are reached ──

type Rand = () => number;
const int = (r: Rand, n: number) => Math.floor(r() * n);
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[int(r, xs.length)]!;
const WEIRD: unknown[] = [-1, 1.5, 2 ** 31, 2 ** 53, 1e300, '7', null, true, [], {}];

/** A mutator that edits the parsed JSON (`edit` may change it in place); text that is not JSON is kept. */
function jsonMutator(name: string, edit: (value: unknown, r: Rand) => void) {
  return {
    name,
    apply(bytes: Uint8Array, r: Rand): Uint8Array {
      const text = utf8(bytes);
      const value = text === null ? undefined : json(text);
      if (value === undefined) return bytes;
      edit(value, r);
      return new TextEncoder().encode(JSON.stringify(value, null, 2));
    },
  };
}

/** The `{ piece: id }` object of a tokenizer.json (`model.vocab`) or of a vocab.json (the root). */
const vocabOf = (v: unknown): Record<string, unknown> | undefined =>
  isObject(v) && isObject(v.model) && isObject(v.model.vocab)
    ? v.model.vocab
    : isObject(v) && !('model' in v)
      ? v
      : undefined;

export const VOCAB_MUTATORS = [
  jsonMutator('vocab: give an entry another id', (v, r) => {
    const vocab = vocabOf(v);
    const keys = vocab ? Object.keys(vocab) : [];
    if (!vocab || keys.length === 0) return;
    const ids = Object.values(vocab);
    vocab[pick(r, keys)] = r() < 0.5 ? pick(r, ids) : r() < 0.5 ? ids.length + int(r, 3) : pick(r, WEIRD);
  }),
  jsonMutator('vocab: delete an entry', (v, r) => {
    const vocab = vocabOf(v);
    const keys = vocab ? Object.keys(vocab) : [];
    if (vocab && keys.length > 0) delete vocab[pick(r, keys)];
  }),
  jsonMutator('vocab: add an entry', (v, r) => {
    const vocab = vocabOf(v);
    if (!vocab) return;
    const n = Object.keys(vocab).length;
    vocab[pick(r, ['zz', 'Ġthe', '[UNK]', '', 'é', '__proto__', 'constructor'])] =
      r() < 0.5 ? n : int(r, n + 2);
  }),
  jsonMutator('vocab: rename an entry', (v, r) => {
    const vocab = vocabOf(v);
    const keys = vocab ? Object.keys(vocab) : [];
    if (!vocab || keys.length === 0) return;
    const from = pick(r, keys);
    const id = vocab[from];
    delete vocab[from];
    vocab[r() < 0.5 ? pick(r, keys) : `${from}x`] = id;
  }),
];

export const TOKENIZER_JSON_MUTATORS = [
  ...VOCAB_MUTATORS,
  jsonMutator('merges: drop, repeat, swap or invent one', (v, r) => {
    const merges = isObject(v) && isObject(v.model) ? v.model.merges : undefined;
    if (!Array.isArray(merges) || merges.length === 0) return;
    const i = int(r, merges.length);
    const op = int(r, 5);
    if (op === 0) merges.splice(i, 1);
    else if (op === 1) merges.push(merges[i]);
    else if (op === 2) [merges[i], merges[0]] = [merges[0], merges[i]];
    else if (op === 3) merges[i] = pick(r, ['a b', 'Ġ Ġ', 'x', 'a b c', ['a'], ['q', 'z'], 7, '']);
    else merges.reverse();
  }),
  jsonMutator('added token: change its id or content', (v, r) => {
    const added = isObject(v) ? v.added_tokens : undefined;
    if (!Array.isArray(added) || added.length === 0) return;
    const t = pick(r, added);
    if (!isObject(t)) return;
    if (r() < 0.5) t.id = r() < 0.5 ? int(r, 300) : pick(r, WEIRD);
    else t.content = pick(r, ['a', 'Ġ', '[CLS]', '', '<|endoftext|>', 7]);
  }),
  jsonMutator('pipeline: change a step or a model field', (v, r) => {
    if (!isObject(v)) return;
    const target = r() < 0.5 && isObject(v.model) ? v.model : v;
    const key = pick(r, [
      'type',
      'normalizer',
      'pre_tokenizer',
      'decoder',
      'unk_token',
      'byte_fallback',
      'dropout',
      'continuing_subword_prefix',
      'max_input_chars_per_word',
      'added_tokens',
      'model',
    ]);
    const value = pick(r, [
      null,
      undefined,
      'WordPiece',
      'BPE',
      'Unigram',
      { type: 'ByteLevel', use_regex: false },
      { type: 'BertNormalizer', lowercase: false },
      { type: 'Whitespace' },
      { type: 'BertPreTokenizer' },
      true,
      0,
      0.1,
      '[UNK]',
      '',
      [],
    ]);
    if (value === undefined) delete target[key];
    else target[key] = value;
  }),
];
